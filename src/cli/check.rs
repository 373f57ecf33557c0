//! `laman check [SLUG…] [--format human|json|github|sarif] [--today DATE]
//! [--report DIR] [--changed FILE…]`: the content rules on every site, with
//! nothing written (except the compliance report when asked for).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use laman::build::{self, BuildOptions, Mode};
use laman::report;
use laman::text::Said;
use laman::{Lang, Localize};

use super::exit::{ExitCode, Stop};
use super::out;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only these sites (folder names under sites/).
    slugs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The date freshness rules measure from (YYYY-MM-DD) [default: today in the regency].
    #[arg(long, value_parser = parse_day)]
    today: Option<chrono::NaiveDate>,
    /// Write the compliance report (HTML + JSON) into this folder.
    #[arg(long)]
    report: Option<PathBuf>,
    /// Pages changed since the last publish (for META-001: urgent information is never blocked).
    #[arg(long, num_args = 1..)]
    changed: Option<Vec<PathBuf>>,
    /// Include pages with draft = true.
    #[arg(long)]
    drafts: bool,
}

fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date YYYY-MM-DD"))
}

pub fn run(args: CheckArgs, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    let mut o = BuildOptions::new(dir);
    o.only = args.slugs.iter().map(|s| super::site_name(s)).collect();
    o.drafts = args.drafts;
    o.today = args.today;
    o.changed = args.changed;
    o.mode = Mode::Check;
    let r = build::build(&o)?;
    match args.format {
        Format::Human => {
            let mut text = String::new();
            for d in r.all_diagnostics() {
                text.push_str(&report::human(d, lang));
            }
            let t = r.tally();
            let done = Said::CheckDone {
                sites: r.sites.len(),
                profile: r.profile.info().code,
                today: r.today.to_string(),
                errors: t.errors,
                warnings: t.warnings,
                infos: t.infos,
            };
            text.push_str(&done.text(lang));
            out::stdout(&text)?;
        }
        Format::Json => out::stdout(&format!("{:#}\n", report::json(&r, lang)))?,
        Format::Github => out::stdout(&report::github(&r, lang))?,
        Format::Sarif => out::stdout(&format!("{:#}\n", report::sarif(&r, lang)))?,
    }
    if let Some(dir_out) = args.report {
        let config = laman::config::load(dir)?;
        report::html::write(&dir_out, &r, &config.region.name)?;
    }
    Ok(ExitCode::findings_if(r.has_errors()))
}
