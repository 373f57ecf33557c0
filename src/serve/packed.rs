//! The preview's rendered files, kept deflated in memory: a 50,000-page
//! regency's pages are ≈ 400 MB of HTML, a tenth of that deflated. A file
//! is inflated when it is requested (tens of microseconds for a page) —
//! see docs/serve.md, "Memory". flate2 is the crate publish already uses
//! for its `.gz` siblings; here at its fastest level, since every edit
//! deflates the files it renders.

use std::collections::HashMap;

use bytes::Bytes;

/// One file's bytes, deflated or as they are.
#[derive(Debug, Clone)]
pub enum Packed {
    /// Small or incompressible, or a built-in file (static bytes).
    Plain(Bytes),
    /// Raw deflate of `len` bytes.
    Deflated {
        /// Size inflated.
        len: usize,
        /// The deflate stream.
        data: Box<[u8]>,
    },
}

impl Packed {
    /// `bytes` deflated when that pays (larger than 1 KiB, and smaller
    /// deflated).
    pub fn new(bytes: Bytes) -> Packed {
        match crate::deflate::shrink(&bytes) {
            Some(data) => Packed::Deflated {
                len: bytes.len(),
                data,
            },
            // Small or not smaller: kept as is, without spare capacity.
            None if bytes.len() <= crate::deflate::MIN_SIZE => Packed::Plain(bytes),
            None => Packed::Plain(Bytes::from(bytes.to_vec())),
        }
    }

    /// The file's bytes.
    pub fn bytes(&self) -> Bytes {
        match self {
            Packed::Plain(b) => b.clone(),
            Packed::Deflated { len, data } => Bytes::from(crate::deflate::inflate(data, *len)),
        }
    }

    /// Bytes held in memory.
    pub fn held(&self) -> usize {
        match self {
            Packed::Plain(b) => b.len(),
            Packed::Deflated { data, .. } => data.len(),
        }
    }
}

impl From<String> for Packed {
    fn from(s: String) -> Packed {
        Packed::new(Bytes::from(s))
    }
}

impl From<Vec<u8>> for Packed {
    fn from(v: Vec<u8>) -> Packed {
        Packed::new(Bytes::from(v))
    }
}

/// Rendered files by output path.
#[derive(Debug, Default)]
pub struct Files {
    map: HashMap<String, Packed>,
}

impl Files {
    /// Deflates every file of a render (in parallel).
    pub fn pack(files: HashMap<String, Bytes>) -> Files {
        use rayon::prelude::*;
        Files {
            map: files
                .into_par_iter()
                .map(|(path, bytes)| (path, Packed::new(bytes)))
                .collect(),
        }
    }

    /// The bytes at `path`.
    pub fn get(&self, path: &str) -> Option<Bytes> {
        self.map.get(path).map(Packed::bytes)
    }

    /// Whether a file is at `path`.
    pub fn contains(&self, path: &str) -> bool {
        self.map.contains_key(path)
    }

    /// Puts `file` at `path`.
    pub fn insert(&mut self, path: String, file: Packed) {
        self.map.insert(path, file);
    }

    /// Removes the file at `path`.
    pub fn remove(&mut self, path: &str) {
        self.map.remove(path);
    }

    /// Output paths.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }

    /// Bytes held in memory by the files (not counting paths).
    pub fn held(&self) -> usize {
        self.map.values().map(Packed::held).sum()
    }
}

/// The preview's render sink: each rendered file is deflated as it is
/// written (on the thread that rendered it, so the whole site's HTML is
/// never held raw at once); static files are kept as paths (served from
/// disk; the built-in theme's are in memory already).
#[derive(Debug, Default)]
pub struct Sink {
    files: std::sync::Mutex<HashMap<String, Packed>>,
    assets: std::sync::Mutex<HashMap<String, std::path::PathBuf>>,
}

impl Sink {
    /// Rendered files and static files by output path.
    pub fn into_parts(self) -> (Files, HashMap<String, std::path::PathBuf>) {
        (
            Files {
                map: self.files.into_inner().unwrap_or_else(|e| e.into_inner()),
            },
            self.assets.into_inner().unwrap_or_else(|e| e.into_inner()),
        )
    }

    fn put(&self, path: &str, file: Packed) {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.insert(path.to_string(), file);
    }
}

impl crate::render::pipeline::Sink for Sink {
    type Entry = ();
    fn write(&self, path: &str, bytes: Vec<u8>) -> Result<(), crate::Error> {
        let packed = Packed::from(bytes);
        self.put(path, packed);
        Ok(())
    }
    fn copy(&self, path: &str, src: crate::render::Src<'_>) -> Result<(), crate::Error> {
        use crate::render::Src;
        match src {
            Src::File(f) => {
                let mut assets = self.assets.lock().unwrap_or_else(|e| e.into_inner());
                assets.insert(path.to_string(), f.to_path_buf());
            }
            Src::Builtin(bytes) => self.put(path, Packed::Plain(Bytes::from_static(bytes))),
        }
        Ok(())
    }
    fn renders_again(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_text_is_deflated_and_comes_back_whole() {
        let html = "<li><a href=\"/berita/\">Berita</a></li>\n".repeat(200);
        let p = Packed::from(html.clone());
        assert!(matches!(p, Packed::Deflated { .. }));
        assert!(p.held() < html.len() / 5, "held {}", p.held());
        assert_eq!(p.bytes(), Bytes::from(html));
    }

    #[test]
    fn small_or_incompressible_files_are_kept_as_they_are() {
        let small = Packed::from("<p>kecil</p>".to_string());
        assert!(matches!(small, Packed::Plain(_)));
        assert_eq!(small.bytes(), Bytes::from_static(b"<p>kecil</p>"));
        // Bytes that do not repeat: deflate does not make them smaller.
        let mut x: u32 = 0x9e37_79b9;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect();
        let p = Packed::from(noise.clone());
        assert!(matches!(p, Packed::Plain(_)));
        assert_eq!(p.bytes(), Bytes::from(noise));
    }

    #[test]
    fn files_answer_by_path() {
        let mut f = Files::pack(
            [(
                "index.html".to_string(),
                Bytes::from("<h1>x</h1>".repeat(300)),
            )]
            .into_iter()
            .collect(),
        );
        assert!(f.contains("index.html"));
        assert_eq!(
            f.get("index.html"),
            Some(Bytes::from("<h1>x</h1>".repeat(300)))
        );
        assert!(f.held() < 3000);
        f.insert("a.txt".into(), Packed::from("a".to_string()));
        f.remove("index.html");
        assert_eq!(f.paths().collect::<Vec<_>>(), ["a.txt"]);
        assert_eq!(f.get("index.html"), None);
    }
}
