//! The blanks of a scaffold: values `laman init` and `laman new` write as
//! `ISI: …` for the facts only the regency or the agency knows. Each one
//! still in place is an `ISIAN-001` error at its line and column, naming
//! the key it belongs to (`ppid.email`, `kanal_pengaduan[2].kontak`) and
//! what to write (the rest of the placeholder).
//!
//! TOML (site.toml, laman.toml, `+++` front matter) is read with the toml
//! crate's spanned document, so comments, keys and strings are told apart
//! by the parser and a value's exact position is known. YAML front matter
//! and the Markdown body are scanned as text: there a placeholder starts a
//! line (after list or heading marks), as the scaffold writes it.

use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::content::front_matter::{self, Format};
use crate::diagnostic::{Diagnostic, FileKind, Location, Message};

/// What starts a placeholder value.
pub const MARK: &str = "ISI:";

/// The longest placeholder text shown in a message (characters).
const SHOWN_MAX: usize = 120;

/// Every placeholder of a TOML file (`shown` is how its path is printed):
/// site.toml or laman.toml, as `file` says.
pub fn in_toml_file(shown: &Path, text: &str, file: FileKind) -> Vec<Diagnostic> {
    in_toml(shown, text, 0..text.len(), file)
}

/// Every placeholder of a Markdown page: its front matter's values and
/// its body's lines.
pub fn in_page(shown: &Path, text: &str) -> Vec<Diagnostic> {
    // Most pages have no blank: a search of the text answers for them
    // (a twentieth of a one-page rebuild of 10,000 pages parsed every
    // front matter again; #14). Only a TOML string escape can spell the
    // mark without its letters (`"\u0049SI: …"`).
    if memchr::memmem::find(text.as_bytes(), MARK.as_bytes()).is_none()
        && memchr::memchr(b'\\', text.as_bytes()).is_none()
    {
        return Vec::new();
    }
    let Ok(split) = front_matter::split(text) else {
        return in_lines(shown, text, 0..text.len(), false, FileKind::FrontMatter);
    };
    let front = split.front_offset..split.front_offset + split.front.len();
    let mut found = match split.format {
        Format::Toml => in_toml(shown, text, front, FileKind::FrontMatter),
        Format::Yaml => in_lines(shown, text, front, true, FileKind::FrontMatter),
    };
    found.extend(in_lines(
        shown,
        text,
        split.body_offset..text.len(),
        false,
        FileKind::FrontMatter,
    ));
    found
}

/// Placeholders among the TOML values of `text[range]`. A document that
/// does not parse (its parse error is reported elsewhere) is scanned as
/// lines.
fn in_toml(
    shown: &Path,
    text: &str,
    range: std::ops::Range<usize>,
    file: FileKind,
) -> Vec<Diagnostic> {
    let doc = &text[range.clone()];
    let Ok(table) = DeTable::parse(doc) else {
        return in_lines(shown, text, range, true, file);
    };
    let mut hits: Vec<(usize, String)> = Vec::new();
    walk_table(table.get_ref(), "", doc, &mut hits);
    hits.sort();
    hits.into_iter()
        .map(|(at, key)| {
            let at = range.start + at;
            diagnostic(shown, text, at, Some(key), file)
        })
        .collect()
}

fn walk_table(table: &DeTable<'_>, prefix: &str, doc: &str, hits: &mut Vec<(usize, String)>) {
    for (k, v) in table.iter() {
        let key = if prefix.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{prefix}.{}", k.get_ref())
        };
        walk_value(v.get_ref(), v.span(), &key, doc, hits);
    }
}

fn walk_value(
    value: &DeValue<'_>,
    span: std::ops::Range<usize>,
    key: &str,
    doc: &str,
    hits: &mut Vec<(usize, String)>,
) {
    match value {
        DeValue::String(s) if s.trim_start().starts_with(MARK) => {
            // The mark inside the written value (after its quote).
            let written = doc.get(span.clone()).unwrap_or("");
            let at = written.find(MARK).map_or(span.start, |i| span.start + i);
            hits.push((at, key.to_string()));
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_value(
                    item.get_ref(),
                    item.span(),
                    &format!("{key}[{i}]"),
                    doc,
                    hits,
                );
            }
        }
        DeValue::Table(t) => walk_table(t, key, doc, hits),
        _ => {}
    }
}

/// Placeholders that start a line of `text[range]` (after white space,
/// list, heading or quote marks and, in data, `key:` or `key =` and a
/// quote). `data`: the lines are YAML or unparsable TOML, where comment
/// lines are skipped and the key before the value is named.
fn in_lines(
    shown: &Path,
    text: &str,
    range: std::ops::Range<usize>,
    data: bool,
    file: FileKind,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut line_start = range.start;
    for line in text[range.clone()].split_inclusive('\n') {
        let here = line_start;
        line_start += line.len();
        let trimmed = line.trim_start();
        if data && trimmed.starts_with('#') {
            continue;
        }
        let (key, value_at) = if data {
            match split_key(line) {
                Some((k, at)) => (Some(k), at),
                None => (None, 0),
            }
        } else {
            (None, 0)
        };
        let rest = &line[value_at..];
        let lead = rest
            .find(|c: char| !matches!(c, ' ' | '\t' | '-' | '*' | '+' | '#' | '>' | '"' | '\''))
            .unwrap_or(rest.len());
        if rest[lead..].starts_with(MARK) {
            out.push(diagnostic(shown, text, here + value_at + lead, key, file));
        }
    }
    out
}

/// `key = …` / `key: …`: the key and the offset of what follows the sign.
fn split_key(line: &str) -> Option<(String, usize)> {
    let sign = line.find(['=', ':'])?;
    let key = line[..sign].trim().trim_start_matches("- ").trim();
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    plain.then(|| (key.to_string(), sign + 1))
}

/// The finding for the placeholder at `at`: its text up to the end of its
/// quoted value or line.
fn diagnostic(
    shown: &Path,
    text: &str,
    at: usize,
    key: Option<String>,
    file: FileKind,
) -> Diagnostic {
    let rest = &text[at..];
    let end = rest.find(['"', '\n', '\'']).unwrap_or(rest.len());
    let mut cut = end.min(rest.char_indices().nth(SHOWN_MAX).map_or(end, |(i, _)| i));
    while !rest.is_char_boundary(cut) {
        cut -= 1;
    }
    Diagnostic::new(
        Location::at_offset(shown, text, at),
        Message::Placeholder {
            file,
            key,
            text: rest[..cut].trim_end().to_string(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use crate::text::Localize;

    fn found(d: &[Diagnostic]) -> Vec<(Option<usize>, Option<usize>, String)> {
        d.iter()
            .map(|d| (d.location.line, d.location.column, d.text(Lang::En)))
            .collect()
    }

    #[test]
    fn toml_values_name_their_key_and_comments_are_not_values() {
        let text = "# Ganti setiap nilai \"ISI: …\".\nnama = \"ISI: nama\"\n\n[ppid]\nemail = \"ISI: e-mail\" # ISI: bukan nilai\n\n[[kanal]]\nid = \"a\"\n\n[[kanal]]\nkontak = 'ISI: telepon'\n\n[x]\nunit = [{ nama = \"ok\" }, { nama = \"ISI: unit\" }]\nip = [\"ISI: alamat\"]\n";
        let d = in_toml_file(Path::new("site.toml"), text, FileKind::Site);
        assert!(d.iter().all(|d| d.code == "ISIAN-001"));
        assert_eq!(
            found(&d),
            [
                (
                    Some(2),
                    Some(9),
                    "`nama` is not filled in: `ISI: nama`".to_string()
                ),
                (
                    Some(5),
                    Some(10),
                    "`ppid.email` is not filled in: `ISI: e-mail`".to_string()
                ),
                (
                    Some(11),
                    Some(11),
                    "`kanal[1].kontak` is not filled in: `ISI: telepon`".to_string()
                ),
                (
                    Some(14),
                    Some(36),
                    "`x.unit[1].nama` is not filled in: `ISI: unit`".to_string()
                ),
                (
                    Some(15),
                    Some(8),
                    "`x.ip[0]` is not filled in: `ISI: alamat`".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_page_has_blanks_in_its_data_and_at_the_start_of_its_lines() {
        let text = "+++\n# Ganti setiap nilai \"ISI: …\".\ntitle = \"ISI: judul\"\n+++\n\n## ISI: bagian\nDAFTAR ISI: bukan isian\n- ISI: butir\n";
        let d = in_page(Path::new("a.md"), text);
        assert_eq!(
            found(&d),
            [
                (
                    Some(3),
                    Some(10),
                    "`title` is not filled in: `ISI: judul`".to_string()
                ),
                (
                    Some(6),
                    Some(4),
                    "placeholder not filled in in the page text: `ISI: bagian`".to_string()
                ),
                (
                    Some(8),
                    Some(3),
                    "placeholder not filled in in the page text: `ISI: butir`".to_string()
                ),
            ]
        );
    }

    /// The line and key of each blank.
    fn keys_of(d: &[Diagnostic]) -> Vec<(Option<usize>, Option<String>)> {
        d.iter()
            .map(|d| match &*d.message {
                Message::Placeholder { key, .. } => (d.location.line, key.clone()),
                _ => (None, None),
            })
            .collect()
    }

    #[test]
    fn a_blank_spelled_with_a_toml_escape_is_found_and_a_page_without_the_mark_has_none() {
        let text = "+++\ntitle = \"\\u0049SI: judul\"\n+++\n\nTeks dengan \\*bintang\\*.\n";
        let d = in_page(Path::new("a.md"), text);
        let keys = keys_of(&d);
        assert_eq!(keys, [(Some(2), Some("title".to_string()))]);
        let text = "+++\ntitle = \"Isi: bukan isian\"\n+++\n\nDaftar isi.\n";
        assert!(in_page(Path::new("a.md"), text).is_empty());
    }

    #[test]
    fn yaml_front_matter_names_the_key_of_the_line() {
        let text = "---\ntitle: \"ISI: judul\"\n# ISI: catatan\npersyaratan:\n  - \"ISI: syarat\"\n---\nTeks.\n";
        let d = in_page(Path::new("a.md"), text);
        let keys = keys_of(&d);
        assert_eq!(
            keys,
            [(Some(2), Some("title".to_string())), (Some(5), None)]
        );
    }
}
