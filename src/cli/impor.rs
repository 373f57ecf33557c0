//! `laman impor wordpress EXPORT.xml --site SLUG`: arguments → the
//! library's import → a summary on standard output (the full report is
//! written beside the site, docs/impor.md).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use laman::import::{self, Options, Report};
use laman::text::said::{ImportCounts, Said};
use laman::{Lang, Localize};

use super::exit::{ExitCode, Stop};
use super::out;

#[derive(Debug, Subcommand)]
pub enum ImporCommand {
    /// A WordPress export (Tools → Export, WXR 1.1/1.2).
    Wordpress(WordpressArgs),
}

#[derive(Debug, Args)]
pub struct WordpressArgs {
    /// The export file.
    export: PathBuf,
    /// The site to import into (sites/<SLUG>/, made with `laman new site`).
    #[arg(long)]
    site: String,
    /// The old site's wp-content/uploads, copied by the operator.
    #[arg(long)]
    uploads: Option<PathBuf>,
    /// Print the plan; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import a quarantined item anyway (its WordPress ID; repeatable).
    #[arg(long = "terima", value_name = "ID")]
    terima: Vec<u64>,
}

pub fn run(cmd: ImporCommand, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    let ImporCommand::Wordpress(a) = cmd;
    let config = laman::config::load(dir).ok();
    // Without laman.toml no iframe host is allowed: the strictest reading.
    let iframe_hosts = config
        .as_ref()
        .map(|c| c.allow.iframe_hosts.clone())
        .unwrap_or_default();
    // WordPress dates are the old site's wall-clock time: a scheduled post
    // is compared with now in the regency's zone (`[region] utc_offset`:
    // WIB, WITA or WIT; WIB without laman.toml), never the machine's.
    let zone = config
        .as_ref()
        .map_or_else(laman::config::wib, |c| c.region.offset());
    let opts = Options {
        root: dir.to_path_buf(),
        export: a.export,
        site: a.site,
        uploads: a.uploads,
        dry_run: a.dry_run,
        accept: a.terima,
        now: chrono::Utc::now().with_timezone(&zone).naive_local(),
        iframe_hosts,
    };
    let report = import::wordpress(&opts)?;
    out::stdout(&summary(&report, lang))?;
    Ok(ExitCode::findings_if(report.counts.conflicts > 0))
}

fn summary(r: &Report, lang: Lang) -> String {
    let c = &r.counts;
    let counts = ImportCounts {
        dry_run: r.dry_run,
        posts: c.posts,
        pages: c.pages,
        drafts: c.drafts,
        quarantined: c.quarantined,
        accepted: c.accepted,
        redirects: c.redirects,
        files: c.files,
        comments: c.comments,
        written: c.written,
        unchanged: c.unchanged,
        conflicts: c.conflicts,
    };
    let mut s = Said::Imported(counts).text(lang);
    for q in &r.quarantined {
        let why: Vec<String> = q
            .reasons
            .iter()
            .map(|x| serde_json::to_string(x).unwrap_or_default())
            .collect();
        let title: String = q.title.chars().filter(|c| !c.is_control()).collect();
        let held = Said::Quarantined {
            id: q.id,
            title: &title,
            reasons: why.join("; "),
            accepted: q.accepted,
        };
        s.push_str(&held.text(lang));
    }
    for p in &r.conflicts {
        s.push_str(&Said::Conflict(p).text(lang));
    }
    if !r.required.is_empty() {
        s.push_str(&Said::RequiredMissing.text(lang));
        for q in &r.required {
            s.push_str(&format!("  {}\n", q.command));
        }
    }
    if !r.dry_run {
        let at = format!("sites/{}/{}/impor-laporan.html", r.site, import::DIR);
        s.push_str(&Said::ImportReport(&at).text(lang));
    }
    s
}
