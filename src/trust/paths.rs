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
}
