//! `laman laporan --periode 2026-11|2026-Q4 [--out DIR]`: the periodic
//! report per agency (OPS-003) from the history that `publish` and
//! `conformance` keep in `.laman/riwayat/` (docs/laporan.md). Reads no
//! network; writes the report's files, each through a rename.

use std::path::{Path, PathBuf};

use clap::Args;
use laman::report::period::{self, Context, Period};
use laman::text::Said;
use laman::{Lang, Localize};

use super::exit::{ExitCode, Stop};
use super::out;

#[derive(Debug, Args)]
pub struct LaporanArgs {
    /// The month (YYYY-MM) or quarter (YYYY-Qn) to report, in the regency's time zone.
    #[arg(long)]
    periode: String,
    /// Output folder [default: <dir>/laporan/<period>].
    #[arg(long)]
    out: Option<PathBuf>,
}

/// Now, or the time of `SOURCE_DATE_EPOCH`.
fn now() -> chrono::DateTime<chrono::Utc> {
    super::build::source_date_epoch().unwrap_or_else(chrono::Utc::now)
}

/// What the report needs from laman.toml and today's sites.
fn context(dir: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<Context, laman::Error> {
    let cfg = laman::config::load(dir)?;
    // Today's agencies and their names; a site that cannot be read today
    // is still reported from its history.
    let agencies = match laman::registry::discover(dir, &cfg, &[]) {
        Ok(reg) => {
            let mut m = std::collections::BTreeMap::<String, (Option<String>, Vec<String>)>::new();
            // The agencies' sites (an application's subdomain appears when
            // a night checked it).
            let site = |owner: &str| {
                reg.sites.iter().any(|s| s.slug == owner)
                    || reg.broken.iter().any(|b| b.slug == owner)
            };
            for t in laman::conformance::targets(&cfg, &reg, now)
                .into_iter()
                .filter(|t| site(&t.owner))
            {
                let e = m.entry(t.owner.clone()).or_default();
                if e.0.is_none() {
                    e.0 = t.name.clone();
                }
                e.1.push(t.host.clone());
            }
            for b in &reg.broken {
                let e = m.entry(b.slug.clone()).or_default();
                e.1.extend(b.fqdn.iter().cloned());
            }
            m
        }
        Err(_) => Default::default(),
    };
    let (basis, sanctions) = match laman::rules::Engine::new(&cfg) {
        Ok(engine) => match engine.duty("OPS-003") {
            Some((b, s)) => (
                b.iter().map(|c| c.text(Lang::Id)).collect(),
                s.iter().map(|x| x.text(Lang::Id)).collect(),
            ),
            None => (Vec::new(), Vec::new()),
        },
        Err(_) => (Vec::new(), Vec::new()),
    };
    Ok(Context {
        regency: cfg.region.name.clone(),
        profile: cfg.region.profile.info().code.to_string(),
        offset: cfg.region.offset(),
        now,
        agencies,
        basis,
        sanctions,
    })
}

/// Writes `text` to `path` through a temporary file and a rename.
fn put(path: &Path, text: &str) -> Result<(), laman::Error> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            laman::Error::io(path, e)
        })
}

pub fn run(args: LaporanArgs, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    let period = match Period::parse(&args.periode) {
        Ok(p) => p,
        Err(e) => {
            let text = match lang {
                Lang::Id => format!(
                    "galat: --periode {}: tulis bulan YYYY-MM atau triwulan YYYY-Qn, mis. 2026-11 atau 2026-Q4\n",
                    e.0
                ),
                Lang::En => format!("error: {e}\n"),
            };
            out::stderr(&text)?;
            return Ok(ExitCode::Failure);
        }
    };
    let now = now();
    let cx = context(dir, now)?;
    let history = laman::history::read(dir);
    let r = period::compute(&history, &period, &cx);
    let folder = args
        .out
        .unwrap_or_else(|| dir.join("laporan").join(&period.label));
    std::fs::create_dir_all(&folder).map_err(|e| laman::Error::io(&folder, e))?;
    for (name, text) in period::html::files(&r) {
        put(&folder.join(name), &text)?;
    }
    // The report is in Bahasa Indonesia; the terminal names the period in
    // the language asked for (`2026-Q4` rather than `Triwulan IV 2026`).
    let title = match lang {
        Lang::Id => period.title.as_str(),
        Lang::En => period.label.as_str(),
    };
    let mut err = String::new();
    for u in &r.unreadable {
        err.push_str(
            &Said::HistoryUnreadable {
                path: &u.path.to_string_lossy(),
                reason: &u.reason,
            }
            .text(lang),
        );
    }
    if r.publishes == 0 && r.nights == 0 {
        err.push_str(&Said::PeriodEmpty(title).text(lang));
    }
    out::stderr(&err)?;
    let index = folder.join("index.html");
    out::stdout(
        &Said::PeriodReport {
            title,
            agencies: r.agencies.len(),
            publishes: r.publishes,
            nights: r.nights,
            index: &index.to_string_lossy(),
        }
        .text(lang),
    )?;
    Ok(ExitCode::Ok)
}
