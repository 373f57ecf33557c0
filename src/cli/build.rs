//! `laman build [SLUG…] [--out DIR] [--drafts] [--base-url URL]`.

use std::path::{Path, PathBuf};

use clap::Args;
use laman::Lang;
use laman::build::{self, BuildOptions, BuildReport, SiteStatus};

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
        o.only = self.slugs;
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
fn source_date_epoch() -> Option<chrono::DateTime<chrono::Utc>> {
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
        for d in diags.iter().filter(|d| d.severity != laman::Severity::Info) {
            if d.severity == laman::Severity::Warning {
                let n = seen.entry(d.code).or_default();
                *n += 1;
                if *n > WARNINGS_SHOWN {
                    continue;
                }
            }
            log.push_str(&format_diagnostic(d, lang));
        }
        for (code, n) in seen.into_iter().filter(|(_, n)| *n > WARNINGS_SHOWN) {
            let more = n - WARNINGS_SHOWN;
            let site = site.unwrap_or("laman.toml");
            log.push_str(&match lang {
                Lang::Id => format!(
                    "catatan: {more} peringatan {code} lain di {site} tidak ditampilkan; semua temuan: `laman check`\n\n"
                ),
                Lang::En => format!(
                    "note: {more} more {code} warnings on {site} not shown; every finding: `laman check`\n\n"
                ),
            });
        }
    }
    log
}

fn seconds(d: std::time::Duration, lang: Lang) -> String {
    let s = format!("{:.2}", d.as_secs_f64());
    match lang {
        Lang::Id => format!("{} d", s.replace('.', ",")),
        Lang::En => format!("{s} s"),
    }
}

/// The per-site table and the total line.
pub fn summary(r: &BuildReport, lang: Lang) -> String {
    let mut s = String::new();
    let width = r
        .sites
        .iter()
        .map(|x| x.host.as_deref().unwrap_or(&x.slug).len())
        .max()
        .unwrap_or(10);
    for site in &r.sites {
        let t = laman::diagnostic::Tally::of(&site.diagnostics);
        let status = match (site.status, lang) {
            (SiteStatus::Built, _) => "",
            (SiteStatus::FailedKeptPrevious, Lang::Id) => {
                "  GAGAL (versi sebelumnya dipertahankan)"
            }
            (SiteStatus::FailedKeptPrevious, Lang::En) => "  FAILED (previous version kept)",
            (SiteStatus::Failed, Lang::Id) => "  GAGAL (tidak ditulis)",
            (SiteStatus::Failed, Lang::En) => "  FAILED (not written)",
        };
        let line = match lang {
            Lang::Id => format!(
                "  {:<width$}  {:>6} halaman  {:>7}  {} galat, {} peringatan{status}\n",
                site.host.as_deref().unwrap_or(&site.slug),
                site.pages,
                seconds(site.elapsed, lang),
                t.errors,
                t.warnings
            ),
            Lang::En => format!(
                "  {:<width$}  {:>6} pages  {:>7}  {} errors, {} warnings{status}\n",
                site.host.as_deref().unwrap_or(&site.slug),
                site.pages,
                seconds(site.elapsed, lang),
                t.errors,
                t.warnings
            ),
        };
        s.push_str(&line);
    }
    let pages: usize = r.sites.iter().map(|x| x.pages).sum();
    let files: usize = r.sites.iter().map(|x| x.files).sum();
    let t = r.tally();
    let built = r
        .sites
        .iter()
        .filter(|x| x.status == SiteStatus::Built)
        .count();
    s.push_str(&match lang {
        Lang::Id => format!(
            "Selesai: {built}/{} situs, {pages} halaman, {files} berkas dalam {} → {} (rilis {}); {} galat, {} peringatan\n",
            r.sites.len(),
            seconds(r.elapsed, lang),
            r.out.display(),
            r.release,
            t.errors,
            t.warnings
        ),
        Lang::En => format!(
            "Done: {built}/{} sites, {pages} pages, {files} files in {} → {} (release {}); {} errors, {} warnings\n",
            r.sites.len(),
            seconds(r.elapsed, lang),
            r.out.display(),
            r.release,
            t.errors,
            t.warnings
        ),
    });
    s
}
