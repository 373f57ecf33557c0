//! The request path, checked before it touches the file system: only a
//! plain `/`-separated path made of named components survives. Everything
//! that could step outside the host folder or hide a separator is refused
//! here (`..`, `.`, `%2e%2e` in any case, `%2f`/`%5c`, backslashes, NUL);
//! symlinks are the file opener's business (`files.rs`, `RESOLVE_BENEATH`).

use percent_encoding::percent_decode_str;

/// Longest request path accepted, in bytes (raw, before decoding).
pub const MAX_PATH: usize = 2048;

/// A checked request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPath {
    /// The decoded path, normalised: one `/` at the start and between
    /// components (`//layanan` is `/layanan`), a trailing `/` kept. Used
    /// for `_headers`/`_redirects` matching and for the `Location` of the
    /// folder redirect, so a `//` target can never become a scheme-relative
    /// link to another host.
    pub url: String,
    /// The path relative to the host folder, without leading `/` ("" for the root).
    pub rel: String,
    /// The request named a folder (`/` or a path ending in `/`).
    pub dir: bool,
}

/// Why a path is refused (the server answers 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPath {
    /// Not starting with `/`, or too long.
    Form,
    /// An encoded separator (`%2f`, `%5c`), a backslash or NUL.
    Separator,
    /// A `.` or `..` component (also percent-encoded).
    DotSegment,
    /// Not UTF-8 after decoding.
    Encoding,
}

/// Checks and decodes the raw path of a request (no query).
pub fn clean(raw: &str) -> Result<CleanPath, BadPath> {
    if !raw.starts_with('/') || raw.len() > MAX_PATH {
        return Err(BadPath::Form);
    }
    let lower = raw.to_ascii_lowercase();
    if raw.contains('\\') || ["%2f", "%5c", "%00"].iter().any(|e| lower.contains(e)) {
        return Err(BadPath::Separator);
    }
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| BadPath::Encoding)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return Err(BadPath::Separator);
    }
    let mut rel = String::with_capacity(decoded.len());
    for seg in decoded.split('/') {
        match seg {
            "" => continue,
            "." | ".." => return Err(BadPath::DotSegment),
            s => {
                if !rel.is_empty() {
                    rel.push('/');
                }
                rel.push_str(s);
            }
        }
    }
    let dir = decoded.ends_with('/');
    let mut url = String::with_capacity(rel.len() + 2);
    url.push('/');
    url.push_str(&rel);
    if dir && !rel.is_empty() {
        url.push('/');
    }
    Ok(CleanPath { url, rel, dir })
}

/// True for paths that are never served as files: `_headers`,
/// `_redirects`, `sites.json`, hidden files (a component starting with `.`,
/// except `.well-known`), and the precompressed `.gz`/`.br` siblings of
/// text files (those are served only as a `Content-Encoding` of the plain
/// file).
pub fn is_hidden(rel: &str) -> bool {
    if rel
        .split('/')
        .any(|c| c.starts_with('.') && c != ".well-known")
    {
        return true;
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if matches!(name, "_headers" | "_redirects" | "sites.json") {
        return true;
    }
    for suffix in [".gz", ".br"] {
        if name
            .strip_suffix(suffix)
            .is_some_and(crate::host::files::compressible)
        {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_length_limit_is_2048_bytes() {
        let at = format!("/{}", "a".repeat(MAX_PATH - 1));
        assert_eq!(at.len(), 2048);
        assert!(clean(&at).is_ok());
        let over = format!("{at}a");
        assert_eq!(clean(&over), Err(BadPath::Form));
    }

    /// A NUL that arrives as itself (not `%00`) passes the check of the
    /// raw form and is caught after decoding.
    #[test]
    fn a_literal_nul_is_refused_after_decoding() {
        for raw in ["/a\0b", "/index.html\0.png", "/\0/"] {
            assert_eq!(clean(raw), Err(BadPath::Separator), "{raw:?}");
        }
    }

    #[test]
    fn decodes_a_plain_path() {
        let p = clean("/layanan/kir%20baru/").expect("clean");
        assert_eq!(p.rel, "layanan/kir baru");
        assert_eq!(p.url, "/layanan/kir baru/");
        assert!(p.dir);
        assert_eq!(clean("/").expect("root").rel, "");
        assert_eq!(clean("//a//b").expect("slashes").rel, "a/b");
        // Empty components collapse, so no `//host` form survives in `url`.
        assert_eq!(clean("//layanan").expect("slashes").url, "/layanan");
        assert_eq!(
            clean("//evil.example//").expect("slashes").url,
            "/evil.example/"
        );
        assert_eq!(clean("//").expect("slashes").url, "/");
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        for raw in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2e/x",
            "/.%2E/x",
            "/a/./b",
            "/%2e/b",
        ] {
            assert_eq!(clean(raw), Err(BadPath::DotSegment), "{raw}");
        }
        for raw in [
            "/a%2fb",
            "/a%2F..%2Fb",
            "/a%5cb",
            "/a%5C..",
            "/a\\b",
            "/a%00.html",
        ] {
            assert_eq!(clean(raw), Err(BadPath::Separator), "{raw}");
        }
        assert_eq!(clean("x"), Err(BadPath::Form));
        assert_eq!(clean("/%ff"), Err(BadPath::Encoding));
    }

    #[test]
    fn hides_rules_manifest_dotfiles_and_siblings() {
        for rel in [
            "_headers",
            "_redirects",
            "sites.json",
            ".git/config",
            "a/.env",
            "index.html.gz",
            "assets/style.css.br",
        ] {
            assert!(is_hidden(rel), "{rel}");
        }
        for rel in [
            ".well-known/security.txt",
            "index.html",
            "unduh/data.csv.gz",
            "x/_headers.html",
        ] {
            assert!(!is_hidden(rel), "{rel}");
        }
    }
}
