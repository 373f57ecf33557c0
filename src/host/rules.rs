//! The Netlify-format rule files of a host folder, as `laman build`
//! writes them (src/render/extras.rs): `_headers` (a path pattern on its
//! own line, then indented `Name: value` lines) and `_redirects` (`from to
//! [status][!]`). Patterns use `*` (a splat: anything, slashes included)
//! and `:name` (one path segment). Lines this server cannot apply are
//! reported with their line number and skipped; the rest still apply.

use hyper::header::{HeaderName, HeaderValue};

/// A line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleProblem {
    /// `_headers` or `_redirects`.
    pub file: &'static str,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Lit(String),
    Splat,
    Param(String),
}

/// A compiled path pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    tokens: Vec<Token>,
}

impl Pattern {
    /// Compiles `/assets/*`, `/*.json`, `/berita/:slug`.
    pub fn parse(text: &str) -> Pattern {
        let mut tokens = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let after_slash = lit.ends_with('/') || (lit.is_empty() && tokens.is_empty());
            if c == '*' {
                if !lit.is_empty() {
                    tokens.push(Token::Lit(std::mem::take(&mut lit)));
                }
                tokens.push(Token::Splat);
            } else if c == ':' && after_slash {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if !lit.is_empty() {
                    tokens.push(Token::Lit(std::mem::take(&mut lit)));
                }
                tokens.push(Token::Param(name));
            } else {
                lit.push(c);
            }
        }
        if !lit.is_empty() {
            tokens.push(Token::Lit(lit));
        }
        Pattern { tokens }
    }

    /// The captures (`splat` and named) when `path` matches.
    pub fn captures(&self, path: &str) -> Option<Vec<(String, String)>> {
        let mut caps = Vec::new();
        match_tokens(&self.tokens, path, &mut caps).then_some(caps)
    }

    /// True when `path` matches.
    pub fn matches(&self, path: &str) -> bool {
        self.captures(path).is_some()
    }
}

fn match_tokens(tokens: &[Token], path: &str, caps: &mut Vec<(String, String)>) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return path.is_empty();
    };
    match first {
        Token::Lit(l) => path
            .strip_prefix(l.as_str())
            .is_some_and(|p| match_tokens(rest, p, caps)),
        Token::Splat => {
            // Longest match first, like Netlify's splat.
            for cut in (0..=path.len()).rev().filter(|&i| path.is_char_boundary(i)) {
                caps.push(("splat".into(), path[..cut].to_string()));
                if match_tokens(rest, &path[cut..], caps) {
                    return true;
                }
                caps.pop();
            }
            false
        }
        Token::Param(name) => {
            let end = path.find('/').unwrap_or(path.len());
            if end == 0 {
                return false;
            }
            caps.push((name.clone(), path[..end].to_string()));
            if match_tokens(rest, &path[end..], caps) {
                return true;
            }
            caps.pop();
            false
        }
    }
}

/// One block of `_headers`.
#[derive(Debug, Clone)]
pub struct HeaderRule {
    /// Which paths it applies to.
    pub pattern: Pattern,
    /// The headers, in file order.
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// Parses `_headers`.
pub fn parse_headers(text: &str) -> (Vec<HeaderRule>, Vec<RuleProblem>) {
    let mut rules: Vec<HeaderRule> = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let problem = |what: &str| RuleProblem {
            file: "_headers",
            line: i + 1,
            what: what.to_string(),
        };
        if !line.starts_with([' ', '\t']) {
            if !trimmed.starts_with('/') {
                problems.push(problem("a path pattern must start with `/`"));
                continue;
            }
            rules.push(HeaderRule {
                pattern: Pattern::parse(trimmed),
                headers: Vec::new(),
            });
            continue;
        }
        let Some(rule) = rules.last_mut() else {
            problems.push(problem("a header line before any path pattern"));
            continue;
        };
        let Some((name, value)) = trimmed.split_once(':') else {
            problems.push(problem("expected `Name: value`"));
            continue;
        };
        match (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) {
            (Ok(n), Ok(v)) => rule.headers.push((n, v)),
            _ => problems.push(problem("not a valid HTTP header")),
        }
    }
    (rules, problems)
}

/// One line of `_redirects`.
#[derive(Debug, Clone)]
pub struct Redirect {
    /// The request paths it applies to.
    pub from: Pattern,
    /// Target path or absolute URL, with `:splat`/`:name` placeholders.
    pub to: String,
    /// 301, 302, 303, 307, 308 (redirect), 200 (rewrite), 404 or 410.
    pub status: u16,
    /// `!`: applies even when a file exists at the path.
    pub force: bool,
    /// Query conditions (`p=123`, `id=:id`), Netlify's form: the rule
    /// applies only when the request's query has every key with that
    /// value (a `:name` value matches any and fills `:name` in `to`);
    /// other keys of the request are ignored.
    pub query: Vec<(String, String)>,
}

impl Redirect {
    /// The target for `path` and the request's `query`, placeholders
    /// filled in, when the rule applies.
    pub fn target(&self, path: &str, query: Option<&str>) -> Option<String> {
        let mut caps = self.from.captures(path)?;
        if !self.query.is_empty() {
            let given: Vec<(&str, &str)> = query
                .unwrap_or("")
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .collect();
            for (k, v) in &self.query {
                let got = given.iter().find(|(gk, _)| gk == k).map(|(_, gv)| *gv)?;
                match v.strip_prefix(':') {
                    Some(name) => caps.push((name.to_string(), got.to_string())),
                    None if got == v => {}
                    None => return None,
                }
            }
        }
        let mut to = self.to.clone();
        // Longest names first so `:splat` does not eat `:splat2`.
        caps.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        for (name, value) in caps {
            to = to.replace(&format!(":{name}"), &value);
        }
        Some(to)
    }
}

/// Parses `_redirects`.
pub fn parse_redirects(text: &str) -> (Vec<Redirect>, Vec<RuleProblem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let problem = |what: &str| RuleProblem {
            file: "_redirects",
            line: i + 1,
            what: what.to_string(),
        };
        let all: Vec<&str> = line.split_whitespace().collect();
        // `from [key=value …] to [status] [conditions]`: query conditions
        // sit between the two paths (a target starts with `/` or is a URL).
        let to_at = all
            .iter()
            .skip(1)
            .position(|p| p.starts_with('/') || p.contains("://"))
            .map(|i| i + 1);
        let (query, parts): (Vec<(String, String)>, Vec<&str>) = match to_at {
            Some(i) => {
                let pairs: Option<Vec<(String, String)>> = all[1..i]
                    .iter()
                    .map(|kv| {
                        kv.split_once('=')
                            .filter(|(k, _)| !k.is_empty())
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                    })
                    .collect();
                let Some(pairs) = pairs else {
                    problems.push(problem("expected `from [key=value …] to [status]`"));
                    continue;
                };
                let mut parts = vec![all[0]];
                parts.extend_from_slice(&all[i..]);
                (pairs, parts)
            }
            None => (Vec::new(), all.clone()),
        };
        if parts.len() < 2 {
            problems.push(problem("expected `from to [status]`"));
            continue;
        }
        if parts.len() > 3 {
            problems.push(problem(
                "country, language, role or cookie conditions are not supported by laman host",
            ));
            continue;
        }
        let (status, force) = match parts.get(2) {
            None => (301, false),
            Some(s) => {
                let force = s.ends_with('!');
                match s.trim_end_matches('!').parse::<u16>() {
                    Ok(n) if matches!(n, 200 | 301 | 302 | 303 | 307 | 308 | 404 | 410) => {
                        (n, force)
                    }
                    _ => {
                        problems.push(problem("unsupported status code"));
                        continue;
                    }
                }
            }
        };
        if !parts[0].starts_with('/') {
            problems.push(problem("`from` must start with `/`"));
            continue;
        }
        out.push(Redirect {
            from: Pattern::parse(parts[0]),
            to: parts[1].to_string(),
            status,
            force,
            query,
        });
    }
    (out, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_netlify() {
        let all = Pattern::parse("/*");
        assert!(all.matches("/"));
        assert!(all.matches("/a/b/c.html"));
        let json = Pattern::parse("/*.json");
        assert!(json.matches("/cari/indeks.json"));
        assert!(!json.matches("/cari/indeks.html"));
        let assets = Pattern::parse("/assets/*");
        assert!(assets.matches("/assets/css/x.css"));
        assert!(!assets.matches("/berita/assets/x"));
        let exact = Pattern::parse("/.well-known/security.txt");
        assert!(exact.matches("/.well-known/security.txt"));
        assert!(!exact.matches("/.well-known/security.txt2"));
        let slug = Pattern::parse("/berita/:slug/");
        assert_eq!(
            slug.captures("/berita/banjir/"),
            Some(vec![("slug".into(), "banjir".into())])
        );
        assert!(!slug.matches("/berita/a/b/"));
    }

    #[test]
    fn parses_the_generated_headers_file() {
        let text = "/*\n  X-Frame-Options: DENY\n  Strict-Transport-Security: max-age=31536000\n\n/assets/*\n  Cache-Control: public, max-age=86400\n";
        let (rules, problems) = parse_headers(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].headers.len(), 2);
        assert_eq!(rules[1].headers[0].1, "public, max-age=86400");
    }

    #[test]
    fn reports_bad_header_lines_with_their_number() {
        let (rules, problems) = parse_headers("  X: y\n/*\n  no colon\n  Ok: 1\n");
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].headers.len(), 1);
        assert_eq!(
            problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            vec![1, 3]
        );
    }

    #[test]
    fn parses_redirects_with_status_force_and_splat() {
        let text = "# aliases\n/lama /baru/ 301\n/arsip/* /berita/:splat 302!\n/x /y 999\n/a /b 200 Country=id\n/tanpa /status\n";
        let (rules, problems) = parse_redirects(text);
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[0].target("/lama", None).as_deref(), Some("/baru/"));
        assert_eq!(rules[1].status, 302);
        assert!(rules[1].force);
        assert_eq!(
            rules[1].target("/arsip/2024/banjir", None).as_deref(),
            Some("/berita/2024/banjir")
        );
        assert_eq!(rules[2].status, 301);
        assert_eq!(
            problems.iter().map(|p| p.line).collect::<Vec<_>>(),
            vec![4, 5]
        );
    }

    #[test]
    fn query_conditions_match_like_netlify() {
        let text = "/ p=123 /berita/banjir/ 301!\n/index.php page_id=7 lang=id /profil/ 301\n/toko id=:id /barang/:id 302\n/ p=1 x /y\n";
        let (rules, problems) = parse_redirects(text);
        assert_eq!(rules.len(), 3, "{problems:?}");
        assert_eq!(problems.iter().map(|p| p.line).collect::<Vec<_>>(), vec![4]);
        let r = &rules[0];
        assert!(r.force);
        assert_eq!(
            r.target("/", Some("p=123")).as_deref(),
            Some("/berita/banjir/")
        );
        assert_eq!(
            r.target("/", Some("utm_source=x&p=123")).as_deref(),
            Some("/berita/banjir/"),
            "other keys are ignored"
        );
        for miss in [
            None,
            Some(""),
            Some("p=1234"),
            Some("p=12"),
            Some("page_id=123"),
        ] {
            assert_eq!(r.target("/", miss), None, "{miss:?}");
        }
        assert_eq!(r.target("/x", Some("p=123")), None);
        let two = &rules[1];
        assert_eq!(
            two.target("/index.php", Some("lang=id&page_id=7"))
                .as_deref(),
            Some("/profil/")
        );
        assert_eq!(two.target("/index.php", Some("page_id=7")), None);
        assert_eq!(
            rules[2].target("/toko", Some("id=42")).as_deref(),
            Some("/barang/42")
        );
    }

    #[test]
    fn a_colon_inside_a_segment_is_a_literal() {
        let p = Pattern::parse("/a:b");
        assert!(p.matches("/a:b"));
        assert!(!p.matches("/ax"));
        let p = Pattern::parse("/berkas/sk:2024.pdf");
        assert!(p.matches("/berkas/sk:2024.pdf"));
        assert!(!p.matches("/berkas/sk2024.pdf"));
    }
}
