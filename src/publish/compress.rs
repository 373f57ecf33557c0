//! Precompressed siblings (`<file>.gz`, `<file>.br`) of text files, which
//! `laman host` serves to clients that accept them.

use std::io::Write as _;

/// Files at or below this size are not compressed.
pub const MIN_SIZE: u64 = 1024;

/// Whether `path` (of `size` bytes) gets siblings. `_headers`,
/// `_redirects` and `sites.json` never do: they are not served.
pub fn wanted(path: &str, size: u64) -> bool {
    if size <= MIN_SIZE || path == "_headers" || path == "_redirects" {
        return false;
    }
    crate::media::compressible(path)
}

/// Gzip at the best level, or `None` when it is not smaller.
pub fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).ok()?;
    let out = enc.finish().ok()?;
    (out.len() < bytes.len()).then_some(out)
}

/// Brotli at quality 11, or `None` when it is not smaller.
pub fn brotli(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        w.write_all(bytes).ok()?;
    }
    (out.len() < bytes.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    #[test]
    fn only_large_text_files() {
        assert!(wanted("index.html", 2000));
        assert!(wanted("a/b.JS", 2000));
        assert!(!wanted("index.html", 1024));
        assert!(!wanted("foto.jpg", 50_000));
        assert!(!wanted("_headers", 5000));
        assert!(!wanted("Makefile", 5000));
    }

    #[test]
    fn siblings_round_trip() {
        let text = "<p>Dinas Kesehatan</p>\n".repeat(100);
        let gz = gzip(text.as_bytes()).expect("smaller");
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut back)
            .expect("gunzip");
        assert_eq!(back, text);
        let br = brotli(text.as_bytes()).expect("smaller");
        let mut back = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut back)
            .expect("unbrotli");
        assert_eq!(back, text.as_bytes());
        assert_eq!(gzip(b"x"), None);
    }
}
