//! What kind of file a path is, by its extension: the `Content-Type` the
//! preview (`serve`) and the production server (`host`) send, and whether
//! it is text that `publish` precompresses and `host` serves compressed.
//! One table, so the preview and production never disagree.

/// The `Content-Type` of a file named `name` (`application/octet-stream`
/// when the extension is unknown; `X-Content-Type-Options: nosniff` keeps
/// browsers from guessing).
pub fn content_type(name: &str) -> &'static str {
    match extension(name).as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

/// Extensions of the text files that get precompressed siblings.
pub const TEXT_EXTENSIONS: &[&str] = &[
    "html",
    "css",
    "js",
    "json",
    "xml",
    "txt",
    "svg",
    "webmanifest",
];

/// Whether a file named `name` is text worth compressing.
pub fn compressible(name: &str) -> bool {
    TEXT_EXTENSIONS.contains(&extension(name).as_str())
}

fn extension(name: &str) -> String {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_types_laman_writes() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("a/B.CSS"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("site.webmanifest"),
            "application/manifest+json"
        );
        assert_eq!(content_type("x.mjs"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("README"), "application/octet-stream");
        assert_eq!(content_type("a.b/README"), "application/octet-stream");
        assert!(compressible("a.css"));
        assert!(compressible("Index.HTML"));
        assert!(!compressible("foto.jpg"));
    }
}
