//! Output paths made from editor input. An alias or a static file name
//! becomes a file in the site's output folder and a line of `_redirects`,
//! so it must stay inside that folder and carry no syntax of the files
//! laman generates. The check is an allowlist: ASCII letters, digits and
//! `-`, `_`, `.`, `~`, with `/` between segments; anything else is refused
//! with the reason, so the editor can rename.

use serde::Serialize;

/// Why an output path is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PathProblem {
    /// Nothing left after the leading `/`.
    Empty,
    /// A `..` segment (leaves the folder).
    ParentDir,
    /// A `.` segment, or a segment starting with `.` (hidden files, `.well-known`).
    DotSegment,
    /// `//`: an empty segment (a protocol-relative URL at the start).
    EmptySegment,
    /// A backslash.
    Backslash,
    /// A control character (including NUL, tab, newline).
    Control,
    /// `%`: percent-encoding would be decoded by the server to something else.
    Percent,
    /// White space, or a character that is syntax in `_redirects`/`_headers`
    /// or a URL (`*`, `:`, `!`, `#`, `?`, quotes…).
    Syntax(char),
    /// A character outside ASCII (look-alike dots and slashes).
    NonAscii(char),
    /// Longer than a server accepts.
    TooLong,
}

/// The longest output path accepted (host limits are 2,048 bytes per request target).
pub const MAX_LEN: usize = 1024;

/// Checks an alias as written (`/lama/`, `berita/lama.html`) and returns
/// it without its leading `/`.
pub fn check_alias(alias: &str) -> Result<&str, PathProblem> {
    let rel = alias.strip_prefix('/').unwrap_or(alias);
    if rel.starts_with('/') {
        return Err(PathProblem::EmptySegment);
    }
    check_chars(rel)?;
    let trimmed = rel.strip_suffix('/').unwrap_or(rel);
    if trimmed.is_empty() {
        // `/` alone names the home page, which laman writes.
        return if rel.is_empty() {
            Err(PathProblem::Empty)
        } else {
            Err(PathProblem::EmptySegment)
        };
    }
    check_segments(trimmed)?;
    Ok(rel)
}

/// The most `key=value` pairs a query alias may require.
pub const MAX_QUERY_PAIRS: usize = 4;

/// An alias of an old dynamic URL (`/?p=123`, `/index.php?page_id=7`):
/// no file can answer it, so it becomes only a `_redirects` line with
/// query conditions (`/ p=123 /berita/x/ 301!`), which `laman host` and
/// `laman serve` follow as Netlify does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryAlias<'a> {
    /// The path without its leading `/` (empty: the home page).
    pub path: &'a str,
    /// `key=value` pairs joined by `&`.
    pub query: &'a str,
}

impl QueryAlias<'_> {
    /// The required `(key, value)` pairs.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.query.split('&').filter_map(|kv| kv.split_once('='))
    }
}

/// Checks an alias with a query (`/?p=123`): the path as [`check_alias`]
/// holds it, except that `/` alone is allowed (the query tells it from the
/// home page); the query is 1 to [`MAX_QUERY_PAIRS`] `key=value` pairs
/// joined by `&`, keys and values of ASCII letters, digits, `-` and `_`
/// (nothing a `_redirects` line or a placeholder would read as syntax).
/// `None` when the alias has no `?`.
pub fn check_query_alias(alias: &str) -> Option<Result<QueryAlias<'_>, PathProblem>> {
    let (path, query) = alias.split_once('?')?;
    Some(query_alias(path, query))
}

/// Checks an alias of either form: a path ([`check_alias`]) or, with a
/// `?`, an old dynamic URL ([`check_query_alias`]).
pub fn check_any_alias(alias: &str) -> Result<(), PathProblem> {
    match check_query_alias(alias) {
        Some(q) => q.map(|_| ()),
        None => check_alias(alias).map(|_| ()),
    }
}

fn query_alias<'a>(path: &'a str, query: &'a str) -> Result<QueryAlias<'a>, PathProblem> {
    let path = match path {
        "/" | "" => "",
        p => check_alias(p)?,
    };
    if query.len() > MAX_LEN {
        return Err(PathProblem::TooLong);
    }
    let word = |w: &str| {
        if w.is_empty() {
            return Err(PathProblem::Empty);
        }
        match w
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
        {
            None => Ok(()),
            Some(c) if c.is_control() => Err(PathProblem::Control),
            Some(c) if !c.is_ascii() => Err(PathProblem::NonAscii(c)),
            Some('%') => Err(PathProblem::Percent),
            Some(c) => Err(PathProblem::Syntax(c)),
        }
    };
    let mut n = 0;
    for kv in query.split('&') {
        n += 1;
        let (k, v) = kv.split_once('=').ok_or(PathProblem::Syntax('&'))?;
        word(k)?;
        word(v)?;
    }
    if n > MAX_QUERY_PAIRS {
        return Err(PathProblem::TooLong);
    }
    Ok(QueryAlias { path, query })
}

/// Whether a write to `base/<parts>` could be carried out of `base` by
/// what is already on disk in a folder editors control: a part that exists
/// is a symbolic link, or a part before the last is not a folder. The walk
/// stops at the first part that does not exist (the write makes the rest).
/// Parts found to be real folders are added to `known` and not asked again.
pub fn leads_out<P: AsRef<std::path::Path>>(
    base: &std::path::Path,
    parts: impl IntoIterator<Item = P>,
    known: &mut std::collections::HashSet<std::path::PathBuf>,
) -> bool {
    let mut at = base.to_path_buf();
    let mut parts = parts.into_iter().peekable();
    while let Some(part) = parts.next() {
        at.push(part);
        let last = parts.peek().is_none();
        if !last && known.contains(&at) {
            continue;
        }
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return true,
            Ok(m) if !last && !m.is_dir() => return true,
            Ok(_) => {
                if !last {
                    known.insert(at.clone());
                }
            }
            Err(_) => return false,
        }
    }
    false
}

/// Checks a relative output path (`dokumen/sk-2024.pdf`): the writer's
/// check before it opens a file, and the check of static file names.
pub fn check_relative(rel: &str) -> Result<(), PathProblem> {
    if rel.is_empty() {
        return Err(PathProblem::Empty);
    }
    if rel.starts_with('/') {
        return Err(PathProblem::EmptySegment);
    }
    check_chars(rel)?;
    check_segments(rel)
}

/// The writer's check: `rel` stays inside the folder it is joined to (no
/// leading `/`, no `.` or `..` segment, no empty segment, no backslash or
/// control character). Laman's own names such as `.well-known/…` pass;
/// editor input is held to [`check_relative`] before it gets here.
pub fn check_contained(rel: &str) -> Result<(), PathProblem> {
    if rel.is_empty() {
        return Err(PathProblem::Empty);
    }
    for c in rel.chars() {
        match c {
            '\\' => return Err(PathProblem::Backslash),
            c if c.is_control() => return Err(PathProblem::Control),
            _ => {}
        }
    }
    for seg in rel.split('/') {
        match seg {
            "" => return Err(PathProblem::EmptySegment),
            ".." => return Err(PathProblem::ParentDir),
            "." => return Err(PathProblem::DotSegment),
            _ => {}
        }
    }
    Ok(())
}

fn check_chars(s: &str) -> Result<(), PathProblem> {
    if s.len() > MAX_LEN {
        return Err(PathProblem::TooLong);
    }
    for c in s.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' | '~' | '/' => {}
            '\\' => return Err(PathProblem::Backslash),
            '%' => return Err(PathProblem::Percent),
            c if c.is_control() => return Err(PathProblem::Control),
            c if !c.is_ascii() => return Err(PathProblem::NonAscii(c)),
            c => return Err(PathProblem::Syntax(c)),
        }
    }
    Ok(())
}

fn check_segments(s: &str) -> Result<(), PathProblem> {
    for seg in s.split('/') {
        match seg {
            "" => return Err(PathProblem::EmptySegment),
            ".." => return Err(PathProblem::ParentDir),
            _ if seg.starts_with('.') => return Err(PathProblem::DotSegment),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_planted_link_or_file_on_the_way_leads_out() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tmp");
        let (base, outside) = (dir.path().join("situs"), dir.path().join("luar"));
        std::fs::create_dir_all(base.join("content/berita")).expect("folders");
        std::fs::create_dir_all(&outside).expect("outside");
        std::fs::write(base.join("content/berkas"), "x").expect("file");
        symlink(&outside, base.join("content/tautan")).expect("link");
        symlink(outside.join("x.md"), base.join("content/berita/x.md")).expect("link");
        let out = |rel: &str| super::leads_out(&base, rel.split('/'), &mut Default::default());
        // Real folders, and parts that do not exist yet: the write stays in.
        assert!(!out("content/berita/baru.md"));
        assert!(!out("content/belum/ada/baru.md"));
        assert!(!out("content/berkas"));
        // A link anywhere, or a file where a folder should be: out.
        assert!(out("content/tautan/baru.md"));
        assert!(out("content/tautan"));
        assert!(out("content/berita/x.md"));
        assert!(out("content/berkas/baru.md"));
        // A folder already known to be real is not asked again.
        let mut known = std::collections::HashSet::new();
        assert!(!super::leads_out(
            &base,
            ["content", "berita", "a.md"],
            &mut known
        ));
        assert!(known.contains(&base.join("content/berita")));
    }
    use super::*;

    #[test]
    fn ordinary_aliases_pass_and_lose_their_leading_slash() {
        assert_eq!(check_alias("/lama/"), Ok("lama/"));
        assert_eq!(check_alias("berita/lama.html"), Ok("berita/lama.html"));
        assert_eq!(check_alias("/2019/05/a_b~c/"), Ok("2019/05/a_b~c/"));
    }

    #[test]
    fn escapes_and_syntax_are_refused_with_their_reason() {
        use PathProblem::*;
        let cases = [
            ("../../../../tmp/x.html", ParentDir),
            ("/a/../../b", ParentDir),
            ("//evil.example/x", EmptySegment),
            ("/", Empty),
            ("", Empty),
            ("a//b", EmptySegment),
            ("/./x", DotSegment),
            ("/.well-known/security.txt", DotSegment),
            ("/.git/config", DotSegment),
            ("a\\..\\b", Backslash),
            ("a\0b", Control),
            ("a\nb", Control),
            ("%2e%2e/x", Percent),
            ("* https://evil.example/:splat 302! #", Syntax('*')),
            ("/a b", Syntax(' ')),
            ("/a:b", Syntax(':')),
            ("/a!", Syntax('!')),
            ("/a#b", Syntax('#')),
            ("/a?p=1", Syntax('?')),
            ("/\u{ff0e}\u{ff0e}/x", NonAscii('\u{ff0e}')),
            ("/a\u{2215}b", NonAscii('\u{2215}')),
        ];
        for (alias, want) in cases {
            assert_eq!(check_alias(alias), Err(want), "{alias:?}");
        }
        assert_eq!(check_alias(&"a/".repeat(600)), Err(TooLong));
    }

    #[test]
    fn query_aliases_take_plain_pairs_and_nothing_else() {
        let ok = check_query_alias("/?p=123").expect("query").expect("ok");
        assert_eq!((ok.path, ok.query), ("", "p=123"));
        assert_eq!(ok.pairs().collect::<Vec<_>>(), vec![("p", "123")]);
        let ok = check_query_alias("/index.php?page_id=7&lang=id")
            .expect("query")
            .expect("ok");
        assert_eq!((ok.path, ok.query), ("index.php", "page_id=7&lang=id"));
        assert_eq!(check_query_alias("/lama/"), None);
        use PathProblem::*;
        for (alias, want) in [
            ("/?p=1 /x 200", Syntax(' ')),
            ("/?p=:id", Syntax(':')),
            ("/?p=*", Syntax('*')),
            ("/?p", Syntax('&')),
            ("/?=1", Empty),
            ("/?p=", Empty),
            ("/?p=1&", Syntax('&')),
            ("/?p=%2f", Percent),
            ("/?p=1#x", Syntax('#')),
            ("/?p=1?q=2", Syntax('?')),
            ("//evil.example/?p=1", EmptySegment),
            ("/../x?p=1", ParentDir),
            ("/?a=1&b=2&c=3&d=4&e=5", TooLong),
        ] {
            assert_eq!(check_query_alias(alias), Some(Err(want)), "{alias:?}");
        }
    }

    #[test]
    fn the_writer_allows_laman_names_but_nothing_that_escapes() {
        assert_eq!(check_contained(".well-known/security.txt"), Ok(()));
        assert_eq!(check_contained("_headers"), Ok(()));
        assert_eq!(check_contained("a b/c!.html"), Ok(()));
        for (bad, want) in [
            ("/tmp/x", PathProblem::EmptySegment),
            ("../x", PathProblem::ParentDir),
            ("a/../../x", PathProblem::ParentDir),
            ("a/./x", PathProblem::DotSegment),
            ("a\\x", PathProblem::Backslash),
            ("a\0x", PathProblem::Control),
            ("", PathProblem::Empty),
            ("a/", PathProblem::EmptySegment),
        ] {
            assert_eq!(check_contained(bad), Err(want), "{bad:?}");
        }
    }

    #[test]
    fn relative_paths_are_checked_the_same_way() {
        assert_eq!(check_relative("dokumen/sk-2024.pdf"), Ok(()));
        assert_eq!(
            check_relative("/etc/passwd"),
            Err(PathProblem::EmptySegment)
        );
        assert_eq!(check_relative("a/../../x"), Err(PathProblem::ParentDir));
        assert_eq!(
            check_relative("SK Bupati.pdf"),
            Err(PathProblem::Syntax(' '))
        );
        assert_eq!(check_relative(""), Err(PathProblem::Empty));
    }

    #[test]
    fn the_length_limits_are_1024_bytes_and_four_pairs() {
        let path = |n: usize| "a".repeat(n);
        assert_eq!(check_relative(&path(MAX_LEN)), Ok(()));
        assert_eq!(
            check_relative(&path(MAX_LEN + 1)),
            Err(PathProblem::TooLong)
        );
        // `p=` and digits: a query of exactly n bytes.
        let query = |n: usize| format!("/?p={}", "1".repeat(n - 2));
        assert!(matches!(check_query_alias(&query(MAX_LEN)), Some(Ok(_))));
        assert_eq!(
            check_query_alias(&query(MAX_LEN + 1)),
            Some(Err(PathProblem::TooLong))
        );
        let four = check_query_alias("/?a=1&b=2&c=3&d=4")
            .expect("query")
            .expect("four pairs are allowed");
        assert_eq!(four.pairs().count(), MAX_QUERY_PAIRS);
    }

    #[test]
    fn query_words_name_control_and_non_ascii_characters() {
        assert_eq!(
            check_query_alias("/?p=a\tb"),
            Some(Err(PathProblem::Control))
        );
        assert_eq!(
            check_query_alias("/?p=caf\u{e9}"),
            Some(Err(PathProblem::NonAscii('\u{e9}')))
        );
    }

    #[test]
    fn an_alias_of_either_form_is_checked() {
        assert_eq!(check_any_alias("/lama/"), Ok(()));
        assert_eq!(check_any_alias("/?p=1"), Ok(()));
        assert_eq!(check_any_alias("/../x"), Err(PathProblem::ParentDir));
        assert_eq!(check_any_alias("/?p=1 x"), Err(PathProblem::Syntax(' ')));
        assert_eq!(check_any_alias("/a?p=1&"), Err(PathProblem::Syntax('&')));
    }
}
