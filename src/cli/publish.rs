//! `laman publish [--target NAME] [--dry-run] [--rollback [--to ID]] [--keep N] [--as WHO]`.

use std::fmt::Write as _;
use std::path::Path;

use clap::Args;
use laman::publish::{
    self, HostAction, Outcome, PublishError, PublishOptions, PublishReport, RollbackOptions,
    RollbackReport,
};
use laman::text::Said;
use laman::{Lang, Localize, Severity};

use super::exit::{ExitCode, Stop};
use super::out;
use super::report::format_diagnostic;

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Target in laman.toml ([publish.targets.NAME]) [default: [publish] target].
    #[arg(long)]
    target: Option<String>,
    /// Print the plan (which hosts go out, which are blocked, files new/changed/unchanged); change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Switch back to the previous release without rebuilding.
    #[arg(long, conflicts_with_all = ["dry_run", "keep"])]
    rollback: bool,
    /// With --rollback: the release (or Netlify publish id) to go back to.
    #[arg(long, requires = "rollback")]
    to: Option<String>,
    /// Releases kept in the dir target [default: the target's `keep`, else 5].
    #[arg(long)]
    keep: Option<usize>,
    /// Name recorded in publish.log [default: $USER].
    #[arg(long = "as")]
    who: Option<String>,
}

/// Now, or the time of `SOURCE_DATE_EPOCH`.
fn now() -> chrono::DateTime<chrono::Utc> {
    super::build::source_date_epoch().unwrap_or_else(chrono::Utc::now)
}

pub fn run(args: PublishArgs, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    let who = args
        .who
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into());
    if args.rollback {
        let opts = RollbackOptions {
            root: dir.to_path_buf(),
            target: args.target,
            to: args.to,
            who,
            now: now(),
        };
        return Ok(match publish::rollback(&opts) {
            Ok(r) => {
                out::stdout(&rollback_summary(&r, lang))?;
                ExitCode::Ok
            }
            Err(e) => fail(&e, lang),
        });
    }
    let opts = PublishOptions {
        root: dir.to_path_buf(),
        target: args.target,
        dry_run: args.dry_run,
        who,
        now: now(),
        keep: args.keep,
    };
    Ok(match publish::publish(&opts) {
        Ok(r) => {
            let mut log = String::new();
            for p in r.blocked() {
                for d in p.findings.iter().filter(|d| d.severity == Severity::Error) {
                    log.push_str(&format_diagnostic(d, lang));
                }
            }
            // A failed backup is an OPS-001 finding with the profile's
            // article; the release is live all the same (#11 item 4).
            for d in &r.backup_findings {
                log.push_str(&format_diagnostic(d, lang));
            }
            out::stderr(&log)?;
            out::stdout(&summary(&r, lang))?;
            let blocked = r.blocked().next().is_some();
            match r.outcome {
                Outcome::PartlyFailed => ExitCode::Failure,
                Outcome::PartlyBlocked => ExitCode::Findings,
                Outcome::Planned if blocked => ExitCode::Findings,
                _ => ExitCode::Ok,
            }
        }
        Err(e) => fail(&e, lang),
    })
}

/// Prints why the publish could not run. A failure to print it is
/// dropped: the exit code (2) still says the publish failed.
fn fail(e: &PublishError, lang: Lang) -> ExitCode {
    let text = match e.config_diagnostic() {
        Some(d) => format_diagnostic(d, lang),
        None => format!("{}: {}\n", Severity::Error.text(lang), e.text(lang)),
    };
    let _ = out::stderr(&text);
    ExitCode::Failure
}

/// The per-host plan or result, then one line for the whole run.
pub fn summary(r: &PublishReport, lang: Lang) -> String {
    let mut s = String::new();
    let width = r.hosts.iter().map(|h| h.host.len()).max().unwrap_or(10);
    for h in &r.hosts {
        let files = match h.action {
            HostAction::Publish | HostAction::Removed | HostAction::LeftLive => Said::HostFiles {
                new: h.new,
                changed: h.changed,
                unchanged: h.unchanged,
                removed: h.removed,
            },
            HostAction::Blocked | HostAction::BlockedNew => Said::HostErrors(h.findings.len()),
        }
        .text(lang);
        let _ = writeln!(
            s,
            "  {:<width$}  {:<8}  {files}",
            h.host,
            h.action.text(lang)
        );
    }
    for d in &r.deploys {
        let line = match (&d.deploy_id, &d.error) {
            (Some(id), _) => Said::Deployed {
                id,
                calls: d.attempts,
            }
            .text(lang),
            (None, Some(e)) => Said::DeployFailed(e).text(lang),
            (None, None) => format!("site {}", d.site_id),
        };
        let _ = writeln!(s, "  netlify {}  {line}", d.host);
    }
    if !r.evidence.is_empty() {
        let conformance = r.evidence.iter().any(|e| e.path.contains("/conformance/"));
        s.push_str(
            &Said::EvidenceKept {
                files: r.evidence.len(),
                conformance,
            }
            .text(lang),
        );
    }
    match &r.history {
        Some(Ok(p)) => s.push_str(&Said::HistoryKept(&shown_history(p)).text(lang)),
        Some(Err(e)) => s.push_str(&Said::HistoryFailed(e).text(lang)),
        None => {}
    }
    for b in r.backups.iter().filter(|b| b.verified) {
        s.push_str(
            &Said::BackupVerified {
                destination: &b.destination,
                archive: b.archive.as_deref().unwrap_or("-"),
                sha256: b.sha256.as_deref().unwrap_or("-"),
            }
            .text(lang),
        );
    }
    let done = Said::PublishDone {
        planned: r.outcome == Outcome::Planned,
        target: &r.target,
        out: r.published().count(),
        blocked: r.blocked().count(),
        removed: r.removed().count(),
        previous: r.previous.as_deref().unwrap_or("-"),
        release: r.release.as_deref().unwrap_or("-"),
        pruned: &r.pruned,
    };
    s.push_str(&done.text(lang));
    s
}

fn rollback_summary(r: &RollbackReport, lang: Lang) -> String {
    let mut s = String::new();
    for d in &r.restored {
        let _ = writeln!(
            s,
            "  netlify {}  {}",
            d.host,
            d.deploy_id.as_deref().unwrap_or("-")
        );
    }
    let back = Said::RolledBack {
        target: &r.target,
        to: &r.to,
        from: r.from.as_deref().unwrap_or("-"),
    };
    s.push_str(&back.text(lang));
    s
}

/// A history file as printed: from `.laman/` on (the project folder is
/// where the command ran).
pub fn shown_history(p: &Path) -> String {
    let s = p.to_string_lossy();
    match s.find(".laman/") {
        Some(i) => s[i..].to_string(),
        None => s.into_owned(),
    }
}
