//! `laman build [SLUG…] [--out DIR] [--drafts] [--base-url URL]`.

use std::path::{Path, PathBuf};

use clap::Args;
use laman::build::{self, BuildOptions, BuildReport, SiteReport, SiteStatus};
use laman::diagnostic::Tally;
use laman::text::{Number, Seconds};
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
            let hidden = Hidden {
                more: n - WARNINGS_SHOWN,
                code,
                site: site.unwrap_or("laman.toml"),
            };
            log.push_str(&hidden.text(lang));
        }
    }
    log
}

/// The line that counts the warnings of one rule on a site not shown.
struct Hidden<'a> {
    more: usize,
    code: &'a str,
    site: &'a str,
}

impl Localize for Hidden<'_> {
    fn text(&self, lang: Lang) -> String {
        let (more, code, site) = (Number::count(self.more).text(lang), self.code, self.site);
        match lang {
            Lang::Id => format!(
                "catatan: {more} peringatan {code} lain di {site} tidak ditampilkan; semua temuan: `laman check`\n\n"
            ),
            Lang::En => format!(
                "note: {more} more {code} warnings on {site} not shown; every finding: `laman check`\n\n"
            ),
        }
    }
}

/// One site's line of the summary table.
struct SiteLine<'a> {
    site: &'a SiteReport,
    /// Width of the host column.
    width: usize,
}

impl Localize for SiteLine<'_> {
    fn text(&self, lang: Lang) -> String {
        let site = self.site;
        let t = Tally::of(&site.diagnostics);
        let (pages, errors, warnings) = (
            Number::count(site.pages).text(lang),
            Number::count(t.errors).text(lang),
            Number::count(t.warnings).text(lang),
        );
        let (pages_word, errors_word, warnings_word) = match lang {
            Lang::Id => ("halaman", "galat", "peringatan"),
            Lang::En => ("pages", "errors", "warnings"),
        };
        let status = match site.status {
            SiteStatus::Built => String::new(),
            failed => format!("  {}", failed.text(lang)),
        };
        format!(
            "  {:<width$}  {pages:>6} {pages_word}  {:>7}  {errors} {errors_word}, {warnings} {warnings_word}{status}\n",
            site.host.as_deref().unwrap_or(&site.slug),
            Seconds(site.elapsed).text(lang),
            width = self.width,
        )
    }
}

/// The last line of the summary: the whole run.
struct Total<'a>(&'a BuildReport);

impl Localize for Total<'_> {
    fn text(&self, lang: Lang) -> String {
        let r = self.0;
        let n = |x: usize| Number::count(x).text(lang);
        let t = r.tally();
        let built = r
            .sites
            .iter()
            .filter(|x| x.status == SiteStatus::Built)
            .count();
        let (built, sites) = (n(built), n(r.sites.len()));
        let pages = n(r.sites.iter().map(|x| x.pages).sum());
        let files = n(r.sites.iter().map(|x| x.files).sum());
        let (errors, warnings) = (n(t.errors), n(t.warnings));
        let (elapsed, out, release) = (Seconds(r.elapsed).text(lang), r.out.display(), &r.release);
        match lang {
            Lang::Id => format!(
                "Selesai: {built}/{sites} situs, {pages} halaman, {files} berkas dalam {elapsed} → {out} (rilis {release}); {errors} galat, {warnings} peringatan\n"
            ),
            Lang::En => format!(
                "Done: {built}/{sites} sites, {pages} pages, {files} files in {elapsed} → {out} (release {release}); {errors} errors, {warnings} warnings\n"
            ),
        }
    }
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
        .map(|site| SiteLine { site, width }.text(lang))
        .collect();
    s.push_str(&Total(r).text(lang));
    s
}
