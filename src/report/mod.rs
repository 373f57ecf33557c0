//! Findings as text for people and machines: `human` (like a compiler, with
//! the legal basis), `json` (docs/check-json.md), `github` (workflow
//! annotations) and `sarif` (2.1.0); and the compliance report for
//! Diskominfo and the Bupati (`html`). Pure functions of a `BuildReport`.

pub mod html;
pub mod page;
pub mod period;

use serde_json::{Value, json};

use crate::build::BuildReport;
use crate::diagnostic::{Diagnostic, Lang, Severity, Snippet, Tally};
use crate::rules::catalogue::Catalogue;
use crate::text::{Label, Localize, capitalized};

/// One finding as a person reads it in a terminal, like a compiler: the
/// message, `--> file:line:col`, the source line with a caret under the
/// column, the legal basis and what to do. A finding that only follows
/// from another (a link to a page that did not parse) is one indented line
/// under its cause, without advice: fixing the cause fixes it.
pub fn human(d: &Diagnostic, lang: Lang) -> String {
    if d.caused_by.is_some() {
        return format!(
            "    {}: {}[{}]: {}\n      --> {}\n",
            Label::Follows.text(lang),
            d.severity.text(lang),
            d.code,
            d.text(lang),
            d.location
        );
    }
    let mut s = format!(
        "{}[{}]: {}\n  --> {}\n",
        d.severity.text(lang),
        d.code,
        d.text(lang),
        d.location
    );
    if let (Some(snippet), Some(line)) = (&d.snippet, d.location.line) {
        s.push_str(&snippet_lines(
            snippet,
            line,
            d.location.column.unwrap_or(1),
        ));
    }
    if !d.basis.is_empty() {
        let word = Label::Basis.text(lang);
        let cites: Vec<String> = d.basis.iter().map(|c| c.text(lang)).collect();
        s.push_str(&format!("  = {word}: {}\n", cites.join("; ")));
    }
    if !d.sanctions.is_empty() {
        let word = Label::Sanction.text(lang);
        let all: Vec<String> = d.sanctions.iter().map(|x| x.text(lang)).collect();
        s.push_str(&format!("  = {word}: {}\n", all.join("; ")));
    }
    if let Some(r) = &d.severity_reason {
        let word = Label::Severity.text(lang);
        s.push_str(&format!("  = {word}: {} ({r})\n", d.severity.text(lang)));
    }
    if let Some(h) = d.hint(lang) {
        let word = Label::Help.text(lang);
        s.push_str(&format!("  = {word}: {h}\n"));
    }
    s
}

/// The source line under a location, rustc-style:
///
/// ```text
///    |
///  4 | biaya_rp = Rp 50.000
///    |            ^^^^^^^^^
/// ```
///
/// Tabs are shown as four spaces so that the caret stays under its column.
pub fn snippet_lines(snippet: &Snippet, line: usize, column: usize) -> String {
    let number = line.to_string();
    let gutter = " ".repeat(number.len() + 2);
    let shown = |c: char| {
        if c == '\t' {
            "    ".to_string()
        } else {
            c.to_string()
        }
    };
    let text: String = snippet.text.chars().map(shown).collect();
    let before: usize = snippet
        .text
        .chars()
        .take(column.saturating_sub(1))
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum();
    let left = snippet
        .text
        .chars()
        .count()
        .saturating_sub(column.saturating_sub(1));
    let width = snippet.width.min(left).max(1);
    format!(
        "{gutter}|\n {number} | {text}\n{gutter}| {}{}\n",
        " ".repeat(before),
        "^".repeat(width)
    )
}

/// Which site a finding belongs to (`sites/<slug>/…`), if any.
pub fn site_of(d: &Diagnostic) -> Option<String> {
    let mut parts = d.location.path.components();
    match (parts.next(), parts.next()) {
        (Some(a), Some(b)) if a.as_os_str() == "sites" => {
            Some(b.as_os_str().to_string_lossy().into_owned())
        }
        _ => None,
    }
}

fn finding_json(d: &Diagnostic, lang: Lang) -> Value {
    json!({
        "rule": d.code,
        "severity": d.severity,
        "site": site_of(d),
        "file": d.location.path.to_string_lossy(),
        "line": d.location.line,
        "column": d.location.column,
        "message": d.text(lang),
        "hint": d.hint(lang),
        "basis": d.basis.iter().map(|c| json!({
            "source": c.source,
            "name": c.name,
            "article": c.article,
            "verification": c.verification,
            "nature": c.nature,
            "text": c.text(lang),
        })).collect::<Vec<_>>(),
        "sanctions": d.sanctions.iter().map(|x| json!({
            "source": x.source,
            "name": x.name,
            "article": x.article,
            "breach": x.breach,
            "kinds": x.kinds,
            "by": x.by,
            "text": x.text(lang),
        })).collect::<Vec<_>>(),
        "severity_reason": d.severity_reason,
        "data": d.message,
    })
}

/// The JSON report (schema `laman/check/1`, docs/check-json.md).
pub fn json(r: &BuildReport, lang: Lang) -> Value {
    let t = r.tally();
    let sites: Vec<Value> = r
        .sites
        .iter()
        .map(|s| {
            let st = Tally::of(&s.diagnostics);
            json!({ "site": s.slug, "host": s.host, "pages": s.pages, "errors": st.errors, "warnings": st.warnings, "infos": st.infos })
        })
        .collect();
    json!({
        "schema": "laman/check/1",
        "tool": { "name": "laman", "version": env!("CARGO_PKG_VERSION") },
        "today": r.today.format("%Y-%m-%d").to_string(),
        "profile": r.profile.info().code,
        "summary": { "errors": t.errors, "warnings": t.warnings, "infos": t.infos },
        "sites": sites,
        "findings": r.all_diagnostics().map(|d| finding_json(d, lang)).collect::<Vec<_>>(),
    })
}

/// GitHub workflow commands: one `::error`/`::warning`/`::notice` line per finding.
pub fn github(r: &BuildReport, lang: Lang) -> String {
    let mut s = String::new();
    for d in r.all_diagnostics() {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = format!(
            "file={}",
            escape_property(&d.location.path.to_string_lossy())
        );
        if let Some(l) = d.location.line {
            props.push_str(&format!(",line={l}"));
        }
        if let Some(c) = d.location.column {
            props.push_str(&format!(",col={c}"));
        }
        props.push_str(&format!(",title={}", escape_property(d.code)));
        let mut msg = d.text(lang);
        if !d.basis.is_empty() {
            let cites: Vec<String> = d.basis.iter().map(|c| c.text(lang)).collect();
            msg.push_str(&format!(
                "\n{}: {}",
                capitalized(&Label::Basis.text(lang)),
                cites.join("; ")
            ));
        }
        if !d.sanctions.is_empty() {
            let all: Vec<String> = d.sanctions.iter().map(|x| x.text(lang)).collect();
            msg.push_str(&format!(
                "\n{}: {}",
                capitalized(&Label::Sanction.text(lang)),
                all.join("; ")
            ));
        }
        s.push_str(&format!("::{level} {props}::{}\n", escape_data(&msg)));
    }
    s
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// SARIF 2.1.0.
pub fn sarif(r: &BuildReport, lang: Lang) -> Value {
    let catalogue = Catalogue::shipped();
    let mut ids: Vec<&str> = r.all_diagnostics().map(|d| d.code).collect();
    ids.sort_unstable();
    ids.dedup();
    let rules: Vec<Value> = ids
        .iter()
        .map(|id| match catalogue.rules.get(*id) {
            Some(a) => json!({
                "id": id,
                "name": a.title_words().text(lang),
                "shortDescription": { "text": a.title_words().text(lang) },
                "fullDescription": { "text": a.requirement().text(lang) },
                "defaultConfiguration": { "level": sarif_level(a.level.severity()) },
                "properties": { "basis": a.basis, "scope": a.scope.text(lang) },
            }),
            None => json!({ "id": id, "shortDescription": { "text": id } }),
        })
        .collect();
    let results: Vec<Value> = r
        .all_diagnostics()
        .map(|d| {
            let mut region = serde_json::Map::new();
            if let Some(l) = d.location.line {
                region.insert("startLine".into(), json!(l));
            }
            if let Some(c) = d.location.column {
                region.insert("startColumn".into(), json!(c));
            }
            let mut physical =
                json!({ "artifactLocation": { "uri": d.location.path.to_string_lossy() } });
            if !region.is_empty() {
                physical["region"] = Value::Object(region);
            }
            json!({
                "ruleId": d.code,
                "ruleIndex": ids.iter().position(|i| *i == d.code),
                "level": sarif_level(d.severity),
                "message": { "text": d.text(lang) },
                "locations": [ { "physicalLocation": physical } ],
                "properties": {
                    "basis": d.basis.iter().map(|c| c.text(lang)).collect::<Vec<_>>(),
                    "sanctions": d.sanctions.iter().map(|x| x.text(lang)).collect::<Vec<_>>(),
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": "laman",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "results": results,
        } ],
    })
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The group of a rule ID (`LAYANAN-002` → `LAYANAN`), for the report matrix.
pub fn group_of(code: &str) -> &str {
    code.split('-').next().unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_stands_under_the_column() {
        let s = Snippet {
            text: "\tbiaya_rp = Rp 50.000".into(),
            width: 9,
        };
        assert_eq!(
            snippet_lines(&s, 4, 13),
            "   |\n 4 |     biaya_rp = Rp 50.000\n   |                ^^^^^^^^^\n"
        );
        // A column past the end of the line still gets one caret.
        let end = Snippet {
            text: "a = ".into(),
            width: 3,
        };
        assert_eq!(
            snippet_lines(&end, 12, 5),
            "    |\n 12 | a = \n    |     ^\n"
        );
    }

    #[test]
    fn github_escapes_per_the_workflow_command_spec() {
        assert_eq!(escape_data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
