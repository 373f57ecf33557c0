//! The pages `laman serve` makes itself: the index of all sites, the error
//! page of a site that cannot be built, the findings JSON of the overlay,
//! and the tags injected into every served HTML page.

use crate::diagnostic::{Diagnostic, Lang, Severity, Tally};
use crate::render::escape_html;
use crate::serve::state::Project;
use crate::text::Localize;

/// Tags added before `</head>` of every HTML page served (preview only).
pub const INJECT: &str = "<link rel=\"stylesheet\" href=\"/__laman/overlay.css\">\
<script src=\"/__laman/reload.js\" defer></script>\
<script src=\"/__laman/overlay.js\" defer></script>";

/// `html` with the reload and overlay tags before `</head>` (or at the start).
pub fn inject(html: &[u8]) -> Vec<u8> {
    let at = find(html, b"</head>").unwrap_or(0);
    let mut out = Vec::with_capacity(html.len() + INJECT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(INJECT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn shell(lang: Lang, title: &str, body: &str) -> String {
    let l = match lang {
        Lang::Id => "id",
        Lang::En => "en",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{l}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{}</title>{INJECT}</head><body class=\"laman-page\">\n{body}\n</body></html>\n",
        escape_html(title)
    )
}

/// One finding as text: `galat[FM-001]: … --> file:line:col`, then the hint.
pub fn diagnostic_text(d: &Diagnostic, lang: Lang) -> String {
    crate::report::human(d, lang)
}

/// The error page of a site (or of the whole project) that cannot be built.
pub fn error_page(lang: Lang, site: &str, errors: &[Diagnostic]) -> String {
    let (title, lead) = match lang {
        Lang::Id => (
            format!("Galat — {site}"),
            "Situs ini tidak dapat dibangun. Perbaiki berkas di bawah ini; halaman ini dimuat ulang sendiri setelah berkas disimpan.",
        ),
        Lang::En => (
            format!("Error — {site}"),
            "This site cannot be built. Fix the file below; this page reloads by itself once it is saved.",
        ),
    };
    let mut body = format!("<h1>{}</h1>\n<p>{lead}</p>\n", escape_html(&title));
    for d in errors {
        body.push_str(&format!(
            "<pre class=\"laman-error\">{}</pre>\n",
            escape_html(&diagnostic_text(d, lang))
        ));
    }
    shell(lang, &title, &body)
}

/// What the index says about a site, from its findings and the regency's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteState {
    /// An input error: the site cannot be built (red).
    Broken { errors: usize },
    /// It builds, but error-level findings (rules, blanks, laman.toml) keep
    /// it from being published (red).
    Blocked { errors: usize },
    /// It would be published, with warnings to look at (amber).
    Warnings { warnings: usize },
    /// It would be published as it is (green).
    Ready,
}

impl SiteState {
    /// The state of a site whose findings are `site` and `regency`
    /// (laman.toml, theme, registry), `broken` of them input errors that
    /// keep it from being built.
    pub fn of<'a>(
        site: impl IntoIterator<Item = &'a Diagnostic>,
        regency: &'a [Diagnostic],
        broken: usize,
    ) -> SiteState {
        let all: Vec<&Diagnostic> = site.into_iter().chain(regency).collect();
        let tally = Tally::of(all.iter().copied());
        if broken > 0 {
            SiteState::Broken { errors: broken }
        } else if tally.errors > 0 {
            SiteState::Blocked {
                errors: tally.errors,
            }
        } else if tally.warnings > 0 {
            SiteState::Warnings {
                warnings: tally.warnings,
            }
        } else {
            SiteState::Ready
        }
    }

    /// The CSS class of its colour.
    fn class(self) -> &'static str {
        match self {
            SiteState::Broken { .. } | SiteState::Blocked { .. } => "laman-bad",
            SiteState::Warnings { .. } => "laman-warn",
            SiteState::Ready => "laman-ok",
        }
    }
}

impl Localize for SiteState {
    fn text(&self, lang: Lang) -> String {
        let n = |x: usize| crate::text::Number::count(x).text(lang);
        let s = |x: usize| if x == 1 { "" } else { "s" };
        match (*self, lang) {
            (SiteState::Broken { errors }, Lang::Id) => {
                format!("tidak dapat dibangun ({} galat)", n(errors))
            }
            (SiteState::Broken { errors }, Lang::En) => {
                format!("cannot be built ({} error{})", n(errors), s(errors))
            }
            (SiteState::Blocked { errors }, Lang::Id) => {
                format!("diblokir: {} galat, tidak akan terbit", n(errors))
            }
            (SiteState::Blocked { errors }, Lang::En) => {
                format!(
                    "blocked: {} error{}, would not be published",
                    n(errors),
                    s(errors)
                )
            }
            (SiteState::Warnings { warnings }, Lang::Id) => {
                format!("dapat terbit, {} peringatan", n(warnings))
            }
            (SiteState::Warnings { warnings }, Lang::En) => {
                format!("can be published, {} warning{}", n(warnings), s(warnings))
            }
            (SiteState::Ready, Lang::Id) => "siap terbit".into(),
            (SiteState::Ready, Lang::En) => "ready to publish".into(),
        }
    }
}

/// The index of all sites at `http://localhost:PORT/`: each site's real
/// state, as `laman publish` would judge it.
pub fn index_page(lang: Lang, project: &Project, port: u16) -> String {
    let (title, h_site, h_link, h_status, h_find) = match lang {
        Lang::Id => (
            "laman serve — semua situs",
            "Situs",
            "Pratinjau",
            "Status",
            "Temuan (galat / peringatan / info)",
        ),
        Lang::En => (
            "laman serve — all sites",
            "Site",
            "Preview",
            "Status",
            "Findings (errors / warnings / infos)",
        ),
    };
    let mut body = format!(
        "<h1>{title}</h1>\n<table><thead><tr><th>{h_site}</th><th>{h_link}</th><th>{h_status}</th><th>{h_find}</th></tr></thead><tbody>\n"
    );
    let status = |state: SiteState| {
        format!(
            "<span class=\"{}\">{}</span>",
            state.class(),
            escape_html(&state.text(lang))
        )
    };
    for (slug, s) in &project.sites {
        let broken = project.errors_of(slug).len();
        let state = SiteState::of(s.all_diagnostics(), &project.global, broken);
        let tally = Tally::of(s.all_diagnostics().chain(&project.global));
        let url = format!("http://{}.localhost:{port}/", s.site.subdomain.as_str());
        body.push_str(&format!(
            "<tr><td>{}</td><td><a href=\"{url}\">{url}</a></td><td>{}</td><td>{} / {} / {}</td></tr>\n",
            escape_html(&s.site.config.nama_resmi),
            status(state),
            tally.errors,
            tally.warnings,
            tally.infos
        ));
    }
    for b in &project.broken {
        let state = SiteState::of(&b.diagnostics, &project.global, b.diagnostics.len().max(1));
        body.push_str(&format!(
            "<tr><td>{}</td><td></td><td>{}</td><td>{} / 0 / 0</td></tr>\n",
            escape_html(&b.slug),
            status(state),
            b.diagnostics.len()
        ));
    }
    body.push_str("</tbody></table>\n");
    // The regency's own findings (laman.toml, theme), which hold back every site.
    for d in project
        .global
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        body.push_str(&format!(
            "<pre class=\"laman-error\">{}</pre>\n",
            escape_html(&diagnostic_text(d, lang))
        ));
    }
    shell(lang, title, &body)
}

/// The overlay's data for one page: its findings in `lang`.
pub fn findings_json(lang: Lang, findings: &[Diagnostic]) -> serde_json::Value {
    let (title, close) = match lang {
        Lang::Id => ("Temuan laman", "Tutup"),
        Lang::En => ("laman findings", "Close"),
    };
    // Worst first: an editor reads the errors before the notes.
    let rank = |d: &&Diagnostic| match d.severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    };
    let mut sorted: Vec<&Diagnostic> = findings.iter().collect();
    sorted.sort_by_key(rank);
    let items: Vec<serde_json::Value> = sorted
        .into_iter()
        .map(|d| {
            serde_json::json!({
                "rule": d.code,
                "level": match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "info",
                },
                "severity": d.severity.text(lang),
                "message": d.text(lang),
                "hint": d.hint(lang),
                "file": d.location.path.display().to_string(),
                "line": d.location.line,
                "column": d.location.column,
            })
        })
        .collect();
    serde_json::json!({ "title": title, "close": close, "findings": items })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_listed_worst_first() {
        let at = crate::diagnostic::Location::file("a.md");
        let mut info = Diagnostic::new(
            at.clone(),
            crate::diagnostic::Message::Rule {
                rule: "LAYANAN-006",
                finding: crate::diagnostic::RuleFinding::MissingField {
                    field: "sippn_url".into(),
                },
            },
        );
        info.severity = Severity::Info;
        let mut error = info.clone();
        error.severity = Severity::Error;
        let mut warning = info.clone();
        warning.severity = Severity::Warning;
        let j = findings_json(Lang::En, &[info, warning, error]);
        let levels: Vec<&str> = j["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["level"].as_str())
            .collect();
        assert_eq!(levels, ["error", "warning", "info"]);
    }

    #[test]
    fn a_site_is_red_with_errors_amber_with_warnings_green_without() {
        let at = crate::diagnostic::Location::file("a.md");
        let mut warning = Diagnostic::new(
            at.clone(),
            crate::diagnostic::Message::Rule {
                rule: "LAYANAN-006",
                finding: crate::diagnostic::RuleFinding::MissingField {
                    field: "sippn_url".into(),
                },
            },
        );
        warning.severity = Severity::Warning;
        let mut error = warning.clone();
        error.severity = Severity::Error;
        let blank = Diagnostic::new(
            at,
            crate::diagnostic::Message::Placeholder {
                file: crate::diagnostic::FileKind::Regency,
                key: Some("hosting.ipv4[0]".into()),
                text: "ISI: alamat".into(),
            },
        );
        assert_eq!(SiteState::of([], &[], 0), SiteState::Ready);
        let amber = SiteState::of([&warning], &[], 0);
        assert_eq!(amber, SiteState::Warnings { warnings: 1 });
        assert_eq!(amber.class(), "laman-warn");
        let red = SiteState::of([&warning, &error], &[], 0);
        assert_eq!(red, SiteState::Blocked { errors: 1 });
        assert_eq!(red.class(), "laman-bad");
        assert_eq!(red.text(Lang::Id), "diblokir: 1 galat, tidak akan terbit");
        // A blank in laman.toml holds back every site.
        assert_eq!(
            SiteState::of([], &[blank], 0),
            SiteState::Blocked { errors: 1 }
        );
        assert_eq!(
            SiteState::of([&error], &[], 1).text(Lang::En),
            "cannot be built (1 error)"
        );
    }

    #[test]
    fn tags_go_before_head_end() {
        let out = inject(b"<html><head><title>x</title></head><body></body></html>");
        let s = String::from_utf8(out).expect("utf8");
        assert!(s.contains(&format!("<title>x</title>{INJECT}</head>")));
        let bare = String::from_utf8(inject(b"<p>x</p>")).expect("utf8");
        assert!(bare.starts_with(INJECT));
    }
}
