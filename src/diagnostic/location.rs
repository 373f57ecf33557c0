//! Where a finding is: a file relative to the project root, with a 1-based
//! line and column counted in characters, or a served host (what the nightly
//! conformance job observed on the network).

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// Where a finding is: a file relative to the project root, and a 1-based
/// line and column when the problem has one; or a host name when the finding
/// is about what a server answers (then `path` is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The served host (`dinkes.cianjurkab.go.id`), for conformance findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Path as shown to the user (relative to the project root when possible).
    pub path: PathBuf,
    /// 1-based line.
    pub line: Option<usize>,
    /// 1-based column, counted in characters.
    pub column: Option<usize>,
}

impl Location {
    /// A whole file, no position.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            host: None,
            path: path.into(),
            line: None,
            column: None,
        }
    }

    /// A served host, no file.
    pub fn host(host: impl Into<String>) -> Self {
        Location {
            host: Some(host.into()),
            path: PathBuf::new(),
            line: None,
            column: None,
        }
    }

    /// A position in a file.
    pub fn at(path: impl Into<PathBuf>, line: usize, column: usize) -> Self {
        Location {
            host: None,
            path: path.into(),
            line: Some(line),
            column: Some(column),
        }
    }

    /// The position of byte `offset` in `text`.
    pub fn at_offset(path: impl Into<PathBuf>, text: &str, offset: usize) -> Self {
        let (line, column) = line_col(text, offset);
        Location::at(path, line, column)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(host) = &self.host {
            write!(f, "{host}")?;
            if self.path.as_os_str().is_empty() {
                return Ok(());
            }
            f.write_str(" ")?;
        }
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// The source line a problem is on, as a compiler shows it under the
/// location: the line, then a caret under the column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The line, without its line break.
    pub text: String,
    /// How many characters from the column to underline (at least 1).
    pub width: usize,
}

impl Snippet {
    /// Line `line` (1-based) of `text`; `None` past the end.
    pub fn of_line(text: &str, line: usize, width: usize) -> Option<Snippet> {
        let l = text.split('\n').nth(line.checked_sub(1)?)?;
        Some(Snippet {
            text: l.trim_end_matches('\r').to_string(),
            width: width.max(1),
        })
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
/// An offset past the end, or inside a character, is clamped.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "a\nbé=c\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 2), (2, 1));
        // 'é' is two bytes; '=' is the third character of line 2.
        assert_eq!(line_col(text, 5), (2, 3));
        // Inside a multibyte character: clamped back to its start.
        assert_eq!(line_col(text, 4), (2, 2));
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn a_snippet_is_the_line_without_its_break() {
        let s = Snippet::of_line("a = 1\r\nb = 2\n", 2, 0).expect("line 2");
        assert_eq!(s.text, "b = 2");
        assert_eq!(s.width, 1);
        assert_eq!(Snippet::of_line("a\n", 5, 1), None);
        assert_eq!(Snippet::of_line("a\n", 0, 1), None);
    }

    #[test]
    fn location_displays_like_a_compiler() {
        let l = Location::at("sites/dinkes/content/a.md", 4, 1);
        assert_eq!(l.to_string(), "sites/dinkes/content/a.md:4:1");
        assert_eq!(Location::file("x.toml").to_string(), "x.toml");
        assert_eq!(
            Location::host("dinkes.kab.go.id").to_string(),
            "dinkes.kab.go.id"
        );
    }
}
