//! Splitting a Markdown file into front matter and body, and turning the
//! front matter into typed values with errors that point at the exact line
//! and column of the file.
//!
//! TOML between `+++` lines is the native form; YAML between `---` lines is
//! accepted because people arriving from Hugo or Jekyll bring it. The same
//! serde types serve both, so the schemas exist once.

use serde::de::DeserializeOwned;

use crate::content::mistake;
use crate::diagnostic::{FileKind, Message};

pub use crate::content::mistake::classify;

/// Which syntax the front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `+++` … `+++`.
    Toml,
    /// `---` … `---`.
    Yaml,
}

/// A file cut into its parts; offsets are byte offsets into the whole file.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The front matter syntax (TOML when the file has none).
    pub format: Format,
    /// Front matter text (without delimiters); empty when absent.
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// Markdown body.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// A problem with its byte offset in the whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// Byte offset in the file.
    pub offset: usize,
    /// Characters to underline from the offset (at least 1).
    pub width: usize,
    /// What is wrong.
    pub message: Message,
}

impl Located {
    /// The same problem `by` bytes further into the file.
    fn shifted(self, by: usize) -> Located {
        Located {
            offset: self.offset + by,
            ..self
        }
    }
}

impl From<mistake::Explained> for Located {
    fn from(e: mistake::Explained) -> Located {
        Located {
            offset: e.offset,
            width: e.width,
            message: e.message,
        }
    }
}

/// Cuts `text` into front matter and body. A file that does not start with
/// a delimiter line has no front matter.
pub fn split(text: &str) -> Result<Split<'_>, Located> {
    let text_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let t = &text[text_start..];
    let (format, delim) = if is_delim_line(t, "+++") {
        (Format::Toml, "+++")
    } else if is_delim_line(t, "---") {
        (Format::Yaml, "---")
    } else {
        return Ok(Split {
            format: Format::Toml,
            front: "",
            front_offset: text_start,
            body: t,
            body_offset: text_start,
        });
    };
    let first_nl = t.find('\n').map_or(t.len(), |i| i + 1);
    let front_offset = text_start + first_nl;
    let mut pos = front_offset;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..line_end].trim_end_matches(['\n', '\r']);
        if line.trim_end() == delim {
            return Ok(Split {
                format,
                front: &text[front_offset..pos],
                front_offset,
                body: &text[line_end..],
                body_offset: line_end,
            });
        }
        pos = line_end;
    }
    Err(Located {
        offset: text_start,
        width: delim.len(),
        message: Message::UnclosedFrontMatter {
            delimiter: delim.to_string(),
        },
    })
}

fn is_delim_line(t: &str, delim: &str) -> bool {
    t.strip_prefix(delim)
        .map(|rest| {
            let line = rest.split('\n').next().unwrap_or("");
            line.trim().is_empty()
        })
        .unwrap_or(false)
}

/// A front matter read once: TOML parsed into its table, whose values keep
/// the spans every error points at, so `jenis` is read from it and then
/// the kind's schema (one parse, not two: #14); YAML is read as text.
#[derive(Debug)]
pub enum Read<'a> {
    /// The TOML table, or why it is not one.
    Toml(Result<toml::Spanned<toml::de::DeTable<'a>>, toml::de::Error>),
    /// YAML front matter.
    Yaml,
}

impl<'a> Split<'a> {
    /// The front matter, read.
    pub fn read(&self) -> Read<'a> {
        match self.format {
            Format::Toml => Read::Toml(toml::de::DeTable::parse(self.front)),
            Format::Yaml => Read::Yaml,
        }
    }
}

impl Read<'_> {
    /// The top-level `jenis` when it is a string; `None` when it is absent,
    /// not a string or the front matter does not parse (the schema's
    /// parse then says what is wrong).
    pub fn jenis(&self, split: &Split<'_>) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct JenisOnly {
            #[serde(default)]
            jenis: Option<String>,
        }
        match self {
            Read::Toml(Ok(table)) => table
                .get_ref()
                .get("jenis")
                .and_then(|v| v.get_ref().as_str())
                .map(str::to_string),
            Read::Toml(Err(_)) => None,
            Read::Yaml => serde_yaml_ng::from_str::<JenisOnly>(if split.front.trim().is_empty() {
                "{}"
            } else {
                split.front
            })
            .ok()
            .and_then(|j| j.jenis),
        }
    }
}

/// Deserializes the front matter of `split` into `T`.
pub fn parse<T: DeserializeOwned>(text: &str, split: &Split<'_>) -> Result<T, Located> {
    parse_read(text, split, split.read())
}

/// [`parse`] of a front matter already read.
pub fn parse_read<T: DeserializeOwned>(
    text: &str,
    split: &Split<'_>,
    read: Read<'_>,
) -> Result<T, Located> {
    parse_front(split, read).map_err(|mut l| {
        // Lines a message names count from the top of the file, as the
        // editor sees it, not from the first line of the front matter.
        if let Message::DuplicateKey {
            first_line,
            second_line,
            ..
        } = &mut l.message
        {
            let above = text
                .get(..split.front_offset)
                .map_or(0, |t| t.matches('\n').count());
            *first_line += above;
            *second_line += above;
        }
        l
    })
}

fn parse_front<T: DeserializeOwned>(split: &Split<'_>, read: Read<'_>) -> Result<T, Located> {
    match read {
        Read::Toml(table) => table
            .and_then(|t| T::deserialize(toml::de::Deserializer::from(t)))
            .map_err(|e| {
                Located::from(mistake::toml_error(
                    split.front,
                    e.span(),
                    e.message(),
                    FileKind::FrontMatter,
                ))
                .shifted(split.front_offset)
            }),
        Read::Yaml => {
            let src = if split.front.trim().is_empty() {
                "{}"
            } else {
                split.front
            };
            serde_yaml_ng::from_str::<T>(src).map_err(|e| {
                let index = e.location().map(|loc| loc.index().min(split.front.len()));
                Located::from(mistake::yaml_error(split.front, index, &e.to_string()))
                    .shifted(split.front_offset)
            })
        }
    }
}

/// Deserializes a TOML document into `T`; on failure where in `src` and
/// what, with the editor's mistake recognised (`mistake`).
pub fn parse_toml<T: DeserializeOwned>(src: &str, file: FileKind) -> Result<T, Located> {
    toml::from_str::<T>(src)
        .map_err(|e| Located::from(mistake::toml_error(src, e.span(), e.message(), file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_toml_and_yaml() {
        let s = split("+++\ntitle = \"a\"\n+++\nbody\n").expect("toml");
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.front, "title = \"a\"\n");
        assert_eq!(s.front_offset, 4);
        assert_eq!(s.body, "body\n");
        let y = split("---\ntitle: a\n---\n").expect("yaml");
        assert_eq!(y.format, Format::Yaml);
        assert_eq!(y.front, "title: a\n");
        let none = split("# Judul\n").expect("none");
        assert_eq!(none.front, "");
        assert_eq!(none.body, "# Judul\n");
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let e = split("+++\ntitle = \"a\"\nbody\n").expect_err("unclosed");
        assert_eq!(
            e.message,
            Message::UnclosedFrontMatter {
                delimiter: "+++".into()
            }
        );
    }

    #[test]
    fn classifies_serde_messages() {
        let m = classify(
            "unknown field `judul`, expected one of `title`, `date`",
            FileKind::FrontMatter,
            None,
        );
        assert_eq!(
            m,
            Message::UnknownKey {
                file: FileKind::FrontMatter,
                key: "judul".into(),
                expected: vec!["title".into(), "date".into()]
            }
        );
        let m = classify(
            "invalid type: string \"x\", expected u64",
            FileKind::Site,
            Some("biaya_rp".into()),
        );
        assert!(matches!(m, Message::WrongType { ref expected, .. } if expected == "u64"));
    }

    /// The front matter is parsed once (#14): what `jenis` is read as, and
    /// every error of the schema's read (message, line, column, width), are
    /// those of reading the text twice, as laman did before: `jenis`
    /// through serde first, then the whole text into the schema.
    #[test]
    fn one_parse_reads_as_two_did() {
        #[derive(Debug, serde::Deserialize, PartialEq)]
        #[serde(deny_unknown_fields)]
        struct Schema {
            #[serde(default)]
            jenis: Option<String>,
            #[serde(default)]
            title: Option<String>,
            #[serde(default)]
            biaya_rp: Option<u64>,
            #[serde(default)]
            tabel: Option<std::collections::BTreeMap<String, String>>,
        }
        #[derive(serde::Deserialize)]
        struct JenisOnly {
            #[serde(default)]
            jenis: Option<String>,
        }
        let cases = [
            "+++\njenis = \"berita\"\ntitle = \"a\"\n+++\nisi\n",
            "+++\ntitle = \"a\"\n+++\n",
            "# tanpa front matter\n",
            "+++\njenis = 5\n+++\n",
            "+++\njenis = 'profil'  # komentar\n+++\n",
            "+++\n\"jenis\" = \"kontak\"\n+++\n",
            "+++\n[tabel]\njenis = \"berita\"\n+++\n",
            "+++\njenis = \"berita\"\njudul = \"a\"\n+++\n",
            "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n",
            "+++\nbiaya_rp = \"gratis\"\n+++\n",
            "+++\ntitle = \"tanpa tutup\n+++\n",
            "+++\njenis = \"berita\"\ntitle = [1, \n+++\n",
            "\u{feff}+++\njenis = \"berita\"\nx = 1\n+++\n",
        ];
        for text in cases {
            let Ok(sp) = split(text) else { continue };
            let read = sp.read();
            let before = parse_toml_lenient_for_test::<JenisOnly>(sp.front).and_then(|j| j.jenis);
            assert_eq!(read.jenis(&sp), before, "jenis of {text:?}");
            let two = parse_toml::<Schema>(sp.front, FileKind::FrontMatter)
                .map_err(|l| l.shifted(sp.front_offset));
            let one = parse_front::<Schema>(&sp, read);
            assert_eq!(one, two, "schema of {text:?}");
        }
        // The cases above do reach each branch.
        let bad = split("+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n").expect("split");
        assert!(matches!(
            parse_read::<Schema>("", &bad, bad.read()),
            Err(Located {
                message: Message::DuplicateKey { .. },
                ..
            })
        ));
    }

    fn parse_toml_lenient_for_test<T: DeserializeOwned>(src: &str) -> Option<T> {
        toml::from_str::<T>(src).ok()
    }
}
