//! Text that must never be published: NIK/KK numbers (PRIVASI-002) and
//! secrets — private keys, cloud and chat tokens, `.env` files, server-side
//! code (AMAN-001). High-confidence patterns only: a false alarm on every
//! build teaches editors to ignore the report.

use super::{Findings, SiteInput};
use crate::content::SourcePage;
use crate::diagnostic::Location;
use crate::diagnostic::RuleFinding as F;

/// Scans one page's source text: `text`, the whole file of `page`.
pub(super) fn page(page: &SourcePage, text: &str, found: &mut Findings) {
    for (off, masked) in personal_numbers(text) {
        found.push(
            "PRIVASI-002",
            Location::at_offset(&page.shown, text, off),
            F::PersonalNumber { masked },
        );
    }
    for (off, what) in secrets(text) {
        found.push(
            "AMAN-001",
            Location::at_offset(&page.shown, text, off),
            F::Secret { what: what.into() },
        );
    }
}

/// Files that must not sit in a site folder at all, hidden or not: they are
/// secrets in the sources even when the build does not copy them.
fn dangerous_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == ".env"
        || name.starts_with(".env.")
        || name.starts_with("id_rsa")
        || name.starts_with("id_ed25519")
        || [".pem", ".key", ".p12", ".pfx"]
            .iter()
            .any(|e| name.ends_with(e))
}

/// Scans site.toml, every file of the site folder by name, and the files copied as they are.
pub(super) fn site(input: &SiteInput<'_>, found: &mut Findings) {
    for entry in walkdir::WalkDir::new(&input.site.dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && dangerous_name(&name) {
            let rel = entry
                .path()
                .strip_prefix(&input.site.dir)
                .unwrap_or(entry.path());
            found.push(
                "AMAN-001",
                Location::file(input.site.shown.join(rel)),
                F::Secret {
                    what: name.into_owned(),
                },
            );
        }
    }
    let shown = input.site.shown.join("site.toml");
    let text = input.site.toml_text.as_str();
    for (off, masked) in personal_numbers(text) {
        found.push(
            "PRIVASI-002",
            Location::at_offset(&shown, text, off),
            F::PersonalNumber { masked },
        );
    }
    for (off, what) in secrets(text) {
        found.push(
            "AMAN-001",
            Location::at_offset(&shown, text, off),
            F::Secret { what: what.into() },
        );
    }
    for asset in &input.tree.assets {
        let name = asset
            .out
            .rsplit('/')
            .next()
            .unwrap_or(&asset.out)
            .to_ascii_lowercase();
        if dangerous_name(&name) {
            continue; // reported above
        }
        let server_side = [".php", ".asp", ".aspx", ".jsp", ".cgi", ".sql"]
            .iter()
            .any(|e| name.ends_with(e));
        if server_side {
            found.push(
                "AMAN-001",
                Location::file(&asset.shown),
                F::Secret { what: name.clone() },
            );
            continue;
        }
        let small_text = std::fs::metadata(&asset.src)
            .map(|m| m.len() < 1_000_000)
            .unwrap_or(false)
            && [
                ".txt", ".json", ".csv", ".html", ".js", ".css", ".xml", ".md", ".yml", ".yaml",
                ".toml",
            ]
            .iter()
            .any(|e| name.ends_with(e));
        if small_text {
            if let Ok(t) = std::fs::read_to_string(&asset.src) {
                for (off, what) in secrets(&t) {
                    found.push(
                        "AMAN-001",
                        Location::at_offset(&asset.shown, &t, off),
                        F::Secret { what: what.into() },
                    );
                }
                for (off, masked) in personal_numbers(&t) {
                    found.push(
                        "PRIVASI-002",
                        Location::at_offset(&asset.shown, &t, off),
                        F::PersonalNumber { masked },
                    );
                }
            }
        }
    }
}

/// Runs of exactly 16 digits that start with a province code (11–94), as
/// NIK and KK numbers do; each with its offset and a masked form.
pub fn personal_numbers(text: &str) -> Vec<(usize, String)> {
    numbers(text, true)
}

/// [`personal_numbers`], skipping ahead where it can when `skip` (the
/// tests compare it with the walk over every byte).
fn numbers(text: &str, skip: bool) -> Vec<(usize, String)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // At the top of the loop `i` is not inside a run of digits (the byte
    // before it is not a digit).
    let mut i = 0;
    while i < b.len() {
        // A run of 16 digits starting anywhere in `i..=i + 15` covers
        // `i + 15`: when that byte is no digit, none starts there, and the
        // byte before `i + 16` is no digit (#14: a byte-by-byte walk of
        // every page's text took 1 % of a build).
        if skip && b.get(i + 15).is_some_and(|c| !c.is_ascii_digit()) {
            i += 16;
            continue;
        }
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        i = run_end(b, i);
        out.extend(number_at(text, start, i));
    }
    out
}

/// Where the run of digits from `i` ends.
fn run_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// The whole run of digits `text[start..end]` as a personal number (its
/// offset and masked form), when it is one: 16 digits, a province code
/// first, not glued to letters, a path or a decimal.
fn number_at(text: &str, start: usize, end: usize) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let run = &text[start..end];
    let glued = start > 0
        && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'.' || b[start - 1] == b'/')
        || end < b.len()
            && (b[end].is_ascii_alphanumeric()
                || b[end] == b'.' && b.get(end + 1).is_some_and(u8::is_ascii_digit));
    let province = run
        .get(..2)
        .and_then(|p| p.parse::<u8>().ok())
        .is_some_and(|p| (11..=94).contains(&p));
    (run.len() == 16 && province && !glued).then(|| (start, format!("{}**********", &run[..6])))
}

/// A secret prefix: the needle, what it is, the length of the tail, which bytes the tail has.
type SecretPattern = (&'static str, &'static str, usize, fn(u8) -> bool);

const SECRET_PATTERNS: &[SecretPattern] = &[
    ("PRIVATE KEY-----", "kunci privat", 0, |_| true),
    ("AKIA", "kunci akses AWS", 16, |b| {
        b.is_ascii_uppercase() || b.is_ascii_digit()
    }),
    ("ghp_", "token GitHub", 36, |b| b.is_ascii_alphanumeric()),
    ("github_pat_", "token GitHub", 40, token_byte),
    ("xoxb-", "token Slack", 20, token_byte),
    ("xoxp-", "token Slack", 20, token_byte),
    ("AIza", "kunci API Google", 35, token_byte),
    ("sk_live_", "kunci API", 20, |b| b.is_ascii_alphanumeric()),
];

fn token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// High-confidence secret patterns with their offset and a name, found in
/// one pass over the text (Aho-Corasick over every prefix at once). No
/// prefix contains another and a match's tail is not part of the match, so
/// the non-overlapping search (which can skip ahead with its prefilter)
/// finds every one.
pub fn secrets(text: &str) -> Vec<(usize, &'static str)> {
    use aho_corasick::packed;
    use std::sync::OnceLock;
    /// Teddy (SIMD) where the CPU has it; the automaton elsewhere.
    enum Matcher {
        Packed(packed::Searcher),
        Automaton(aho_corasick::AhoCorasick),
    }
    static MATCHER: OnceLock<Option<Matcher>> = OnceLock::new();
    let patterns = || SECRET_PATTERNS.iter().map(|p| p.0);
    let Some(matcher) = MATCHER
        .get_or_init(|| {
            packed::Config::new()
                .match_kind(packed::MatchKind::LeftmostFirst)
                .builder()
                .extend(patterns())
                .build()
                .map(Matcher::Packed)
                .or_else(|| {
                    aho_corasick::AhoCorasick::new(patterns())
                        .ok()
                        .map(Matcher::Automaton)
                })
        })
        .as_ref()
    else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    let keep = |m: aho_corasick::Match| {
        let (_, what, tail, ok) = SECRET_PATTERNS[m.pattern().as_usize()];
        let rest = &bytes[m.end()..];
        (rest.len() >= tail && rest[..tail].iter().all(|b| ok(*b))).then_some((m.start(), what))
    };
    match matcher {
        Matcher::Packed(p) => p.find_iter(text).filter_map(keep).collect(),
        Matcher::Automaton(ac) => ac.find_iter(text).filter_map(keep).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nik_like_numbers_only() {
        let t = "NIK 3203012345670001 dan KK 3203019876540002. Rekening 1234567890123456789, \
                 Nomor 0012345678901234, tautan /berkas/3203012345670001.pdf, telepon (0263) 261234";
        let found = personal_numbers(t);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].1, "320301**********");
    }

    proptest::proptest! {
        #[test]
        fn skipping_ahead_finds_what_reading_every_byte_finds(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[0-9]{1,20}",
                    "(32|11|94|95|10)[0-9]{14}",
                    " {1,17}",
                    "[ a-zA-Z./é-]{0,20}",
                ],
                0..16,
            )
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(
                personal_numbers(&text),
                numbers(&text, false)
            );
        }
    }

    #[test]
    fn finds_high_confidence_secrets() {
        let t =
            "-----BEGIN RSA PRIVATE KEY-----\nkunci = \"AKIAIOSFODNN7EXAMPLE\"\nAKIA kata biasa";
        let found = secrets(t);
        let names: Vec<_> = found.iter().map(|(_, w)| *w).collect();
        assert_eq!(names, ["kunci privat", "kunci akses AWS"]);
    }
}
