//! `laman build [SLUG…] [--out DIR] [--drafts] [--base-url URL]`.

use std::path::{Path, PathBuf};

use clap::Args;
use laman::build::{self, BuildOptions, BuildReport, SiteReport, SiteStatus};
use laman::diagnostic::Tally;
use laman::text::Said;
use laman::{Lang, Localize, Severity};

use super::exit::{ExitCode, Stop};
use super::out;
use super::report::format_diagnostic;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Only these sites (folder names under sites/); the others keep their previous output.
    slugs: Vec<String>,
    /// Output folder [default: <dir>/public].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Include pages with draft = true.
    #[arg(long)]
    drafts: bool,
    /// Base URL; `{host}` is replaced by each site's host [default: https://{host}].
    #[arg(long)]
    base_url: Option<String>,
    /// Skip the content rules (`laman check` and `laman publish` still run them).
    #[arg(long)]
    no_rules: bool,
}

impl BuildArgs {
    fn into_options(self, dir: &Path) -> BuildOptions {
        let mut o = BuildOptions::new(dir);
        if let Some(out) = self.out {
            o.out = out;
        }
        o.only = self.slugs.iter().map(|s| super::site_name(s)).collect();
        o.drafts = self.drafts;
        o.base_url = self.base_url;
        o.rules = !self.no_rules;
        if let Some(now) = source_date_epoch() {
            o.now = now;
        }
        o
    }
}

/// `SOURCE_DATE_EPOCH` (reproducible builds) fixes the build time.
pub(super) fn source_date_epoch() -> Option<chrono::DateTime<chrono::Utc>> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    chrono::DateTime::from_timestamp(secs, 0)
}

pub fn run(args: BuildArgs, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    let report = build::build(&args.into_options(dir))?;
    out::stderr(&log(&report, lang))?;
    out::stdout(&summary(&report, lang))?;
    Ok(ExitCode::findings_if(report.has_errors()))
}

/// Warnings of one rule shown in full per site; the rest are counted.
const WARNINGS_SHOWN: usize = 3;

/// The build log: every error in full; of each rule's warnings on a site the
/// first few, then one line counting the rest (`laman check` lists them all).
/// Info-level findings belong to `laman check` and its report. One buffered
/// write: a big site can have thousands of findings.
pub fn log(report: &BuildReport, lang: Lang) -> String {
    let mut log = String::new();
    let groups = std::iter::once((None, &report.diagnostics)).chain(
        report
            .sites
            .iter()
            .map(|s| (Some(s.host.as_deref().unwrap_or(&s.slug)), &s.diagnostics)),
    );
    for (site, diags) in groups {
        let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
        for d in diags.iter().filter(|d| d.severity != Severity::Info) {
            if d.severity == Severity::Warning {
                let n = seen.entry(d.code).or_default();
                *n += 1;
                if *n > WARNINGS_SHOWN {
                    continue;
                }
            }
            log.push_str(&format_diagnostic(d, lang));
        }
        for (code, n) in seen.into_iter().filter(|(_, n)| *n > WARNINGS_SHOWN) {
            let hidden = Said::Hidden {
                more: n - WARNINGS_SHOWN,
                code,
                site: site.unwrap_or("laman.toml"),
            };
            log.push_str(&hidden.text(lang));
        }
    }
    log
}

/// One site's row of the summary table.
fn site_row(site: &SiteReport, width: usize, lang: Lang) -> String {
    let t = Tally::of(&site.diagnostics);
    Said::SiteRow {
        host: site.host.as_deref().unwrap_or(&site.slug),
        width,
        pages: site.pages,
        elapsed: site.elapsed,
        errors: t.errors,
        warnings: t.warnings,
        failed: match site.status {
            SiteStatus::Built => None,
            failed => Some(failed.text(lang)),
        },
    }
    .text(lang)
}

/// The last line of the summary: the whole run.
fn total(r: &BuildReport, lang: Lang) -> String {
    let t = r.tally();
    Said::BuildDone {
        built: r
            .sites
            .iter()
            .filter(|x| x.status == SiteStatus::Built)
            .count(),
        sites: r.sites.len(),
        pages: r.sites.iter().map(|x| x.pages).sum(),
        files: r.sites.iter().map(|x| x.files).sum(),
        elapsed: r.elapsed,
        out: &r.out,
        release: &r.release,
        errors: t.errors,
        warnings: t.warnings,
    }
    .text(lang)
}

/// The per-site table and the total line.
pub fn summary(r: &BuildReport, lang: Lang) -> String {
    let width = r
        .sites
        .iter()
        .map(|x| x.host.as_deref().unwrap_or(&x.slug).len())
        .max()
        .unwrap_or(10);
    let mut s: String = r
        .sites
        .iter()
        .map(|site| site_row(site, width, lang))
        .collect();
    s.push_str(&total(r, lang));
    s
}
