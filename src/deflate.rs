//! Raw deflate at flate2's fastest level, for what the preview keeps in
//! memory for a long time and reads rarely: the rendered files
//! (`serve::packed`) and the rendered bodies (`markdown::BodyHtml`). See
//! docs/serve.md, "Memory".

use std::io::{Read as _, Write as _};

/// Bytes at or below this size are not worth deflating.
pub const MIN_SIZE: usize = 1024;

/// `bytes` deflated, when they are larger than [`MIN_SIZE`] and deflate
/// makes them smaller; `None` otherwise (keep them as they are).
pub fn shrink(bytes: &[u8]) -> Option<Box<[u8]>> {
    if bytes.len() <= MIN_SIZE {
        return None;
    }
    let mut enc = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    match enc.write_all(bytes).and_then(|()| enc.finish()) {
        Ok(data) if data.len() < bytes.len() => Some(data.into_boxed_slice()),
        _ => None,
    }
}

/// The `len` bytes that [`shrink`] deflated into `data`. A stream this
/// process deflated cannot fail to inflate; should it, what came out is
/// returned rather than a panic.
pub fn inflate(data: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let _ = flate2::read::DeflateDecoder::new(data).read_to_end(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_shrunk_inflates_whole_and_small_input_is_left_alone() {
        let html = "<p>layanan publik</p>\n".repeat(100);
        let data = shrink(html.as_bytes()).expect("deflated");
        assert!(data.len() < html.len() / 5);
        assert_eq!(inflate(&data, html.len()), html.as_bytes());
        assert_eq!(shrink(&[b'a'; MIN_SIZE]), None);
        assert!(shrink(&[b'a'; MIN_SIZE + 1]).is_some());
    }
}
