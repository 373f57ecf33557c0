//! The commonest mistakes of an editor who is not a programmer, recognised
//! in the source text around a parser's error, so that the message names
//! the real mistake at its real place: a date written `12/05/2026`, money
//! written `Rp 50.000`, curly quotes from a word processor, a string whose
//! closing quote is missing (reported at the quote that opens it, not as a
//! missing comma on the next line), a key written twice (both lines), a tab
//! in YAML indentation.
//!
//! Input: the text the parser read, the byte span of its error and its
//! English message. Output: an [`Explained`] with the offset and width to
//! underline and a typed `Message`. Pure; no words for people here.

use std::ops::Range;

use crate::content::date::{self, INVALID_DATE_MARKER};
use crate::diagnostic::{FileKind, Message};

/// A parser error, explained: where to point and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    /// Byte offset in the parsed text.
    pub offset: usize,
    /// Characters to underline from the offset (at least 1).
    pub width: usize,
    /// What is wrong.
    pub message: Message,
}

/// Curly quotes that word processors put in place of `"` and `'`.
const CURLY: [char; 6] = ['“', '”', '„', '‟', '‘', '’'];

/// Explains the error `msg` that the `toml` crate reported at `span` of `src`.
pub fn toml_error(src: &str, span: Option<Range<usize>>, msg: &str, file: FileKind) -> Explained {
    let span = span.unwrap_or(0..0);
    let start = span.start.min(src.len());
    let end = span.end.clamp(start, src.len());
    let raw = src.get(start..end).unwrap_or("");
    let head = msg.split(", expected").next().unwrap_or(msg).trim();
    let line = line_range(src, start);
    let key = key_of_line(src, start);
    let at = |offset: usize, width: usize, message: Message| Explained {
        offset,
        width: width.max(1),
        message,
    };
    if head == "duplicate key" {
        let second_line = line_number(src, start);
        let first = first_definition(src, raw, start);
        return at(
            start,
            raw.chars().count(),
            Message::DuplicateKey {
                file,
                key: raw.trim_matches('"').to_string(),
                first_line: first.map_or(second_line, |o| line_number(src, o)),
                second_line,
            },
        );
    }
    let is_schema = ["unknown field", "missing field", "unknown variant"]
        .iter()
        .any(|p| head.starts_with(p));
    if !is_schema {
        if let Some(i) = src[line.clone()].find(CURLY) {
            let quoted = src[line.start + i..line.end].trim_end();
            let width = quoted
                .char_indices()
                .skip(1)
                .find(|(_, c)| CURLY.contains(c))
                .map_or(1, |(j, _)| quoted[..j].chars().count() + 1);
            return at(line.start + i, width, Message::CurlyQuotes { file, key });
        }
        if let Some(open) = unclosed_string(src, line.end) {
            let key = key_of_line(src, open);
            return at(open, 1, Message::UnclosedString { file, key });
        }
    }
    let value = raw.trim();
    if let Some(rest) = head.strip_prefix(INVALID_DATE_MARKER) {
        return at(start, value.chars().count(), date_message(file, key, rest));
    }
    let is_syntax =
        !is_schema && !head.starts_with("invalid type") && !head.starts_with("invalid value");
    if is_syntax && !value.is_empty() {
        if head.starts_with("invalid date") || date::understand(value).is_some() {
            return at(start, value.chars().count(), date_message(file, key, value));
        }
        if let Some(digits) = digits_of_money(value) {
            return at(
                start,
                value.chars().count(),
                number_message(file, key, value, digits),
            );
        }
        if key.as_deref().is_some_and(is_date_key) {
            return at(start, value.chars().count(), date_message(file, key, value));
        }
    }
    let message = classify(msg, file, key.clone());
    if let Message::WrongType { ref expected, .. } = message {
        if is_integer(expected) {
            if let Some(digits) = digits_of_money(value).or_else(|| quoted_digits(value)) {
                return at(
                    start,
                    value.chars().count(),
                    number_message(file, key, value, digits),
                );
            }
        }
    }
    at(start, raw.chars().count(), message)
}

/// Explains the error `msg` that `serde_yaml_ng` reported at byte `index`
/// of `src` (the front matter).
pub fn yaml_error(src: &str, index: Option<usize>, msg: &str) -> Explained {
    let file = FileKind::FrontMatter;
    let at = |offset: usize, width: usize, message: Message| Explained {
        offset: offset.min(src.len()),
        width: width.max(1),
        message,
    };
    if let Some(tab) = tab_in_indentation(src) {
        return at(tab, 1, Message::YamlTab);
    }
    // serde_yaml_ng says "<path>: <what>" and ends with " at line …".
    let full = msg;
    let msg = msg.split(" at line ").next().unwrap_or(msg).trim();
    let (path, what) = split_yaml_path(msg);
    let index = index.unwrap_or(0).min(src.len());
    let key = path
        .map(|p| {
            let last = p.rsplit('.').next().unwrap_or(p);
            last.split('[').next().unwrap_or(last).to_string()
        })
        .or_else(|| yaml_key_of_line(src, index));
    if let Some(k) = what
        .strip_prefix("duplicate field `")
        .and_then(|r| r.split('`').next())
    {
        let lines: Vec<usize> = yaml_key_lines(src, k);
        let (first, second) = match lines.as_slice() {
            [a, b, ..] => (*a, *b),
            _ => (index, index),
        };
        return at(
            second,
            k.chars().count(),
            Message::DuplicateKey {
                file,
                key: k.to_string(),
                first_line: line_number(src, first),
                second_line: line_number(src, second),
            },
        );
    }
    if let Some(open) = full
        .split("while scanning a quoted scalar at line ")
        .nth(1)
        .and_then(|pos| offset_of_line_col(src, pos))
    {
        let key = key.or_else(|| yaml_key_of_line(src, open));
        return at(open, 1, Message::UnclosedString { file, key });
    }
    // The value as written in the source, for the number and date checks.
    let value = yaml_value_at(src, index);
    if let Some(rest) = what.strip_prefix(INVALID_DATE_MARKER) {
        return at(index, value.chars().count(), date_message(file, key, rest));
    }
    let message = match classify(what, file, key.clone()) {
        Message::TomlSyntax { detail, key, .. } => Message::YamlSyntax { key, detail },
        m => m,
    };
    if let Message::WrongType { ref expected, .. } = message {
        if is_integer(expected) {
            if let Some(digits) = digits_of_money(value).or_else(|| quoted_digits(value)) {
                return at(
                    index,
                    value.chars().count(),
                    number_message(file, key, value, digits),
                );
            }
        }
    }
    let width = match &message {
        Message::UnknownKey { key, .. } | Message::MissingKey { key, .. } => key.chars().count(),
        _ => value.chars().count(),
    };
    at(index, width, message)
}

/// The key of a `key: value` line of YAML.
fn yaml_key_of_line(src: &str, offset: usize) -> Option<String> {
    let line = &src[line_range(src, offset)];
    let (k, _) = line.trim_start().trim_start_matches("- ").split_once(':')?;
    let k = k.trim();
    (!k.is_empty()
        && k.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-')))
    .then(|| k.to_string())
}

/// Turns serde's English error text into a typed message. serde's wording
/// for these cases is fixed by `serde::de::Error`'s provided methods.
pub fn classify(msg: &str, file: FileKind, key: Option<String>) -> Message {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix(INVALID_DATE_MARKER) {
        return date_message(file, key, rest);
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (key, tail) = rest.split_once('`').unwrap_or((rest, ""));
        return Message::UnknownKey {
            file,
            key: key.to_string(),
            expected: backticked(tail),
        };
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (value, tail) = rest.split_once('`').unwrap_or((rest, ""));
        return Message::InvalidValue {
            file,
            value: value.to_string(),
            allowed: backticked(tail),
        };
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return Message::MissingKey {
            file,
            key: key.to_string(),
        };
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = msg.strip_prefix(prefix) {
            let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
            return Message::WrongType {
                file,
                key,
                found: found.to_string(),
                expected: expected.to_string(),
            };
        }
    }
    if let Some(rest) = msg.strip_prefix("invalid length ") {
        return Message::WrongType {
            file,
            key,
            found: format!("length {rest}"),
            expected: "?".to_string(),
        };
    }
    Message::TomlSyntax {
        file,
        key,
        detail: msg.to_string(),
    }
}

fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, w)| w.to_string())
        .collect()
}

fn date_message(file: FileKind, key: Option<String>, value: &str) -> Message {
    let value = value.trim();
    let (problem, day) =
        date::understand(value).unwrap_or((crate::diagnostic::DateProblem::Format, None));
    Message::InvalidDate {
        file,
        key,
        value: value.to_string(),
        problem,
        suggestion: day.map(|d| d.format("%Y-%m-%d").to_string()),
    }
}

fn number_message(file: FileKind, key: Option<String>, value: &str, digits: String) -> Message {
    Message::NumberFormat {
        file,
        key,
        value: value.to_string(),
        suggestion: digits,
    }
}

/// Keys that hold a date in laman's schemas (`date`, `updated`,
/// `tanggal_mutakhir`, `ditinjau` …): a bare word there is a date mistake,
/// not a string without quotes.
fn is_date_key(key: &str) -> bool {
    key.contains("tanggal")
        || matches!(
            key,
            "date" | "updated" | "ditinjau" | "periode_akhir" | "terakhir" | "berlaku_mulai"
        )
}

/// Whether serde's `expected` names a whole number.
fn is_integer(expected: &str) -> bool {
    let e = expected.trim_start_matches("an ").trim_start_matches("a ");
    matches!(
        e,
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "integer"
    )
}

/// The digits of an amount written the way it is printed: `Rp 50.000`,
/// `Rp50.000,-`, `50.000`, `1.500.000`, `Rp 50000`. `None` for anything
/// else (a plain number, a decimal such as `2.5`).
fn digits_of_money(value: &str) -> Option<String> {
    let v = value.trim().trim_matches(['"', '\'']).trim();
    let (had_rp, rest) = match v
        .strip_prefix("Rp")
        .or_else(|| v.strip_prefix("RP"))
        .or_else(|| v.strip_prefix("rp"))
    {
        Some(r) => (true, r.trim_start_matches('.').trim()),
        None => (false, v),
    };
    let rest = rest
        .trim_end_matches(",-")
        .trim_end_matches(",00")
        .trim_end_matches(".-")
        .trim();
    if rest.is_empty()
        || !rest
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let groups: Vec<&str> = rest.split(['.', ',']).collect();
    let grouped = groups.len() > 1
        && !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3);
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    (grouped || had_rp && groups.len() == 1).then_some(digits)
}

/// `"50000"`: a number in quotes.
fn quoted_digits(value: &str) -> Option<String> {
    let inner = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))?;
    (!inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit())).then(|| inner.to_string())
}

/// Byte range of the line holding `offset`, without its line break.
fn line_range(src: &str, offset: usize) -> Range<usize> {
    let offset = floor_char(src, offset);
    let start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = src[offset..].find('\n').map_or(src.len(), |i| offset + i);
    start..end
}

fn floor_char(src: &str, offset: usize) -> usize {
    let mut o = offset.min(src.len());
    while !src.is_char_boundary(o) {
        o -= 1;
    }
    o
}

fn line_number(src: &str, offset: usize) -> usize {
    src[..floor_char(src, offset)].matches('\n').count() + 1
}

/// The key of the `key = value` line holding `offset`, or of the nearest
/// line above it that opens a value (a list's items name its key).
fn key_of_line(src: &str, offset: usize) -> Option<String> {
    let line = line_range(src, offset);
    let before = &src[..line.end];
    before.lines().rev().take(50).find_map(|l| {
        let l = l.trim_start();
        if l.starts_with('[') {
            return Some(None);
        }
        if l.starts_with(['"', '\'', '#']) {
            return None;
        }
        let (k, _) = l.split_once('=')?;
        let k = k.trim().trim_matches('"');
        let ok = !k.is_empty()
            && k.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
        ok.then(|| Some(k.rsplit('.').next().unwrap_or(k).to_string()))
    })?
}

/// The offset of the first `key =` of the table holding `second`.
fn first_definition(src: &str, key: &str, second: usize) -> Option<usize> {
    let table_start = src[..second]
        .lines()
        .scan(0usize, |pos, l| {
            let here = *pos;
            *pos += l.len() + 1;
            Some((here, l))
        })
        .filter(|(_, l)| l.trim_start().starts_with('['))
        .last()
        .map_or(0, |(at, _)| at);
    let mut pos = table_start;
    for l in src[table_start..second].split_inclusive('\n') {
        let t = l.trim_start();
        if let Some(rest) = t.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return Some(pos + (l.len() - t.len()));
            }
        }
        pos += l.len();
    }
    None
}

/// The opening quote of the first single-line string, up to `end`, that
/// its line does not close. When an earlier string of that line is
/// followed directly by bare words (`"KK, "Foto"`), that string is the one
/// whose closing quote went missing: it is reported instead.
fn unclosed_string(src: &str, end: usize) -> Option<usize> {
    let mut multi: Option<&str> = None;
    let mut pos = 0;
    for line in src[..end.min(src.len())].split_inclusive('\n') {
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut last_closed: Option<(usize, usize)> = None;
        let mut suspect: Option<usize> = None;
        while i < bytes.len() {
            if let Some(close) = multi {
                match line[i..].find(close) {
                    Some(j) => {
                        i += j + 3;
                        multi = None;
                        continue;
                    }
                    None => break,
                }
            }
            let c = bytes[i];
            if c == b'#' {
                break;
            }
            if c == b'"' || c == b'\'' {
                let triple = if c == b'"' { "\"\"\"" } else { "'''" };
                if line[i..].starts_with(triple) {
                    multi = Some(triple);
                    i += 3;
                    continue;
                }
                let mut j = i + 1;
                let mut closed = None;
                while j < bytes.len() {
                    if c == b'"' && bytes[j] == b'\\' {
                        j += 2;
                        continue;
                    }
                    if bytes[j] == c {
                        closed = Some(j);
                        break;
                    }
                    if bytes[j] == b'\n' {
                        break;
                    }
                    j += 1;
                }
                match closed {
                    Some(j) => {
                        last_closed = Some((i, j));
                        i = j + 1;
                    }
                    // `judul = Layanan KIR"`: a quote that ends a bare word
                    // at the end of its line closes a text whose opening
                    // quote is missing (toml's "must be quoted" says so).
                    None if closes_bare_text(line, i) => match suspect {
                        Some(open) => return Some(pos + open),
                        None => break,
                    },
                    None => return Some(pos + suspect.unwrap_or(i)),
                }
                continue;
            }
            if c.is_ascii_alphanumeric() || c >= 0x80 {
                if let Some((open, close)) = last_closed {
                    if line[close + 1..i].trim().is_empty() && suspect.is_none() {
                        suspect = Some(open);
                    }
                }
            }
            if !c.is_ascii_whitespace() {
                last_closed = None;
            }
            i += 1;
        }
        pos += line.len();
    }
    None
}

/// Whether the quote at byte `i` of `line` follows a word and only list or
/// table punctuation follows it.
fn closes_bare_text(line: &str, i: usize) -> bool {
    let before = line[..i].chars().next_back();
    let after = line[i + 1..].trim_end();
    before.is_some_and(|c| !c.is_whitespace() && !matches!(c, '[' | '=' | ',' | '{'))
        && after.chars().all(|c| matches!(c, ',' | ']' | '}'))
}

/// The first tab in the indentation of a line of YAML.
fn tab_in_indentation(src: &str) -> Option<usize> {
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(i) = line[..indent].find('\t') {
            return Some(pos + i);
        }
        pos += line.len();
    }
    None
}

/// `persyaratan[0]: invalid type …` → (`persyaratan[0]`, `invalid type …`).
fn split_yaml_path(msg: &str) -> (Option<&str>, &str) {
    const STARTS: [&str; 8] = [
        "invalid type",
        "invalid value",
        "invalid length",
        "unknown field",
        "missing field",
        "unknown variant",
        "duplicate field",
        INVALID_DATE_MARKER,
    ];
    for s in STARTS {
        if let Some(i) = msg.find(s) {
            let path = msg[..i].trim_end().trim_end_matches(':').trim();
            return ((!path.is_empty()).then_some(path), &msg[i..]);
        }
    }
    (None, msg)
}

/// Offsets of the lines of `src` that start (after indentation) with `key:`.
fn yaml_key_lines(src: &str, key: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut pos = 0;
    for line in src.split_inclusive('\n') {
        let t = line.trim_start();
        if t.strip_prefix(key).is_some_and(|r| r.starts_with(':')) {
            out.push(pos + (line.len() - t.len()));
        }
        pos += line.len();
    }
    out
}

/// `1 column 8, while …` → the byte offset of that line and column.
fn offset_of_line_col(src: &str, pos: &str) -> Option<usize> {
    let mut parts = pos.split(" column ");
    let line: usize = parts.next()?.trim().parse().ok()?;
    let col: usize = parts
        .next()?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    let start = src
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let text = src.get(start..)?;
    let in_line = text
        .char_indices()
        .nth(col.checked_sub(1)?)
        .map_or(0, |(i, _)| i);
    Some(start + in_line)
}

/// The value as written from `index` to the end of its line (a comment
/// and trailing spaces cut off).
fn yaml_value_at(src: &str, index: usize) -> &str {
    let line = line_range(src, index);
    let from = floor_char(src, index).max(line.start);
    let v = &src[from..line.end];
    let v = v.split(" #").next().unwrap_or(v);
    v.trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::DateProblem;

    fn toml(src: &str) -> Explained {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Page {
            title: Option<String>,
            judul: Option<String>,
            updated: Option<crate::content::date::PageDate>,
            biaya_rp: Option<u64>,
            persyaratan: Option<Vec<String>>,
        }
        let e = toml::from_str::<Page>(src).expect_err("an error");
        toml_error(src, e.span(), e.message(), FileKind::FrontMatter)
    }

    fn yaml(src: &str) -> Explained {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Page {
            title: Option<String>,
            updated: Option<crate::content::date::PageDate>,
            biaya_rp: Option<u64>,
            persyaratan: Option<Vec<String>>,
        }
        let e = serde_yaml_ng::from_str::<Page>(src).expect_err("an error");
        yaml_error(src, e.location().map(|l| l.index()), &e.to_string())
    }

    fn key(k: &str) -> Option<String> {
        Some(k.to_string())
    }

    #[test]
    fn dates_written_other_ways_are_dates() {
        let fm = FileKind::FrontMatter;
        for (src, value, problem, suggestion) in [
            (
                "updated = 12/05/2026\n",
                "12/05/2026",
                DateProblem::Format,
                Some("2026-05-12"),
            ),
            (
                "updated = 5 Mei 2026\n",
                "5 Mei 2026",
                DateProblem::Format,
                Some("2026-05-05"),
            ),
            (
                "updated = 2026-02-30\n",
                "2026-02-30",
                DateProblem::NoSuchDay,
                None,
            ),
            (
                "updated = \"12/05/2026\"\n",
                "12/05/2026",
                DateProblem::Format,
                Some("2026-05-12"),
            ),
            ("updated = kemarin\n", "kemarin", DateProblem::Format, None),
        ] {
            let e = toml(src);
            assert_eq!(
                e.message,
                Message::InvalidDate {
                    file: fm,
                    key: key("updated"),
                    value: value.into(),
                    problem,
                    suggestion: suggestion.map(String::from),
                },
                "{src}"
            );
            assert_eq!(&src[e.offset..e.offset + 1], &src[10..11], "{src}");
        }
    }

    #[test]
    fn money_is_a_number_without_rp_and_dots() {
        for (src, value) in [
            ("biaya_rp = Rp 50.000\n", "Rp 50.000"),
            ("biaya_rp = 50.000\n", "50.000"),
            ("biaya_rp = \"50000\"\n", "\"50000\""),
            ("biaya_rp = \"Rp 50.000,-\"\n", "\"Rp 50.000,-\""),
        ] {
            let e = toml(src);
            assert_eq!(
                e.message,
                Message::NumberFormat {
                    file: FileKind::FrontMatter,
                    key: key("biaya_rp"),
                    value: value.into(),
                    suggestion: "50000".into(),
                },
                "{src}"
            );
            assert_eq!(e.offset, 11, "{src}");
            assert_eq!(e.width, value.chars().count());
        }
        // Words are not money: the type error stays.
        assert!(matches!(
            toml("biaya_rp = \"gratis\"\n").message,
            Message::WrongType { .. }
        ));
    }

    #[test]
    fn curly_quotes_are_named_at_the_first_one() {
        let e = toml("title = \"a\"\njudul = “Layanan KIR”\n");
        assert_eq!(
            e.message,
            Message::CurlyQuotes {
                file: FileKind::FrontMatter,
                key: key("judul")
            }
        );
        assert_eq!(e.offset, "title = \"a\"\njudul = ".len());
        assert_eq!(e.width, "“Layanan KIR”".chars().count());
    }

    #[test]
    fn a_missing_quote_is_reported_where_the_string_opens() {
        let src = "persyaratan = [\n  \"KTP asli\",\n  \"Kartu Keluarga,\n  \"Pas foto\",\n]\n";
        let e = toml(src);
        assert_eq!(
            e.message,
            Message::UnclosedString {
                file: FileKind::FrontMatter,
                key: key("persyaratan")
            }
        );
        assert_eq!(e.offset, src.find("\"Kartu").expect("quote"));
        let one_line = "persyaratan = [\"KTP\", \"KK, \"Foto\"]\n";
        assert_eq!(toml(one_line).offset, one_line.find("\"KK").expect("quote"));
        let end = "judul = \"Layanan KIR\ntitle = \"x\"\n";
        assert_eq!(toml(end).offset, 8);
        // The opening quote missing: toml's own words are right.
        let open = toml("judul = Layanan KIR\"\n");
        assert!(
            matches!(open.message, Message::TomlSyntax { ref detail, .. } if detail.starts_with("missing opening quote")),
            "{:?}",
            open.message
        );
        assert_eq!(open.offset, 8);
    }

    #[test]
    fn a_duplicate_key_names_both_lines() {
        let e = toml("title = \"a\"\njudul = \"b\"\ntitle = \"c\"\n");
        assert_eq!(
            e.message,
            Message::DuplicateKey {
                file: FileKind::FrontMatter,
                key: "title".into(),
                first_line: 1,
                second_line: 3
            }
        );
        let y = yaml("title: a\nbiaya_rp: 1\ntitle: b\n");
        assert_eq!(
            y.message,
            Message::DuplicateKey {
                file: FileKind::FrontMatter,
                key: "title".into(),
                first_line: 1,
                second_line: 3
            }
        );
    }

    #[test]
    fn yaml_mistakes_are_named() {
        assert_eq!(yaml("persyaratan:\n\t- KTP\n").message, Message::YamlTab);
        assert_eq!(yaml("persyaratan:\n  - KTP\n\t- KK\n").offset, 21);
        let e = yaml("biaya_rp: 50.000\n");
        assert!(
            matches!(e.message, Message::NumberFormat { ref value, ref suggestion, .. } if value == "50.000" && suggestion == "50000"),
            "{:?}",
            e.message
        );
        let d = yaml("updated: 12/05/2026\n");
        assert!(
            matches!(d.message, Message::InvalidDate { ref key, ref suggestion, .. } if key.as_deref() == Some("updated") && suggestion.as_deref() == Some("2026-05-12")),
            "{:?}",
            d.message
        );
        let q = yaml("title: \"abc\n");
        assert_eq!(
            q.message,
            Message::UnclosedString {
                file: FileKind::FrontMatter,
                key: key("title")
            }
        );
        assert_eq!(q.offset, 7);
    }

    proptest::proptest! {
        /// Whatever an editor types, explaining the parser's error neither
        /// panics nor points outside the text.
        #[test]
        fn explaining_any_text_never_panics(src in "[a-z_ =\\[\\]{},.:#\"'“”\\t\n0-9/é-]{0,60}") {
            #[derive(Debug, serde::Deserialize)]
            #[allow(dead_code)]
            struct Page {
                judul: Option<String>,
                biaya_rp: Option<u64>,
                updated: Option<crate::content::date::PageDate>,
            }
            if let Err(e) = toml::from_str::<Page>(&src) {
                let x = toml_error(&src, e.span(), e.message(), FileKind::FrontMatter);
                proptest::prop_assert!(x.offset <= src.len());
            }
            if let Err(e) = serde_yaml_ng::from_str::<Page>(&src) {
                let x = yaml_error(&src, e.location().map(|l| l.index()), &e.to_string());
                proptest::prop_assert!(x.offset <= src.len());
            }
        }
    }

    #[test]
    fn never_panics_on_odd_spans() {
        for src in ["", "é", "a = “", "\"\"\"\n", "x = 'a\n", "[a\n\t\"é"] {
            let _ = toml_error(src, Some(0..99), "duplicate key", FileKind::Site);
            let _ = toml_error(
                src,
                Some(1..1),
                "string values must be quoted",
                FileKind::Site,
            );
            let _ = yaml_error(
                src,
                Some(99),
                "x: invalid type: string \"é\", expected u64 at line 9 column 9",
            );
            let _ = yaml_error(
                src,
                None,
                "found unexpected end of stream while scanning a quoted scalar at line 1 column 99",
            );
        }
    }
}
