//! `laman init --profile P` and `laman new site|page`.

use std::path::Path;

use clap::{Args, Subcommand};
use laman::content::kinds::Kind;
use laman::profile::Profile;
use laman::scaffold;
use laman::text::Said;
use laman::{Lang, Localize};

use super::exit::{ExitCode, Stop};
use super::out;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Regency profile: cianjur, pangandaran, purwakarta, limapuluhkota, bogor, nasional.
    #[arg(long, value_parser = parse_profile)]
    profile: Profile,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Scaffold sites/<SLUG>/ with every required page.
    Site {
        /// Folder name = subdomain label.
        slug: String,
    },
    /// Scaffold one page of a kind at sites/<SLUG>/content/<PATH>.
    Page {
        /// The site.
        slug: String,
        /// Page kind (jenis), e.g. standar-pelayanan.
        #[arg(value_parser = parse_jenis)]
        jenis: Kind,
        /// Path below content/, e.g. layanan/kir.md.
        path: String,
    },
}

fn parse_profile(s: &str) -> Result<Profile, String> {
    Profile::parse(s).ok_or_else(|| {
        let all: Vec<_> = Profile::ALL.iter().map(|p| p.info().code).collect();
        format!("unknown profile `{s}`; one of: {}", all.join(", "))
    })
}

fn parse_jenis(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        let all: Vec<_> = Kind::ALL.iter().map(|j| j.as_str()).collect();
        format!("unknown page kind `{s}`; one of: {}", all.join(", "))
    })
}

fn said(lang: Lang, path: &Path) -> Result<(), Stop> {
    out::stdout(&Said::Created(path).text(lang))
}

pub fn init(args: InitArgs, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    for p in scaffold::init(dir, args.profile)? {
        said(lang, &p)?;
    }
    out::stdout(&Said::InitNext.text(lang))?;
    Ok(ExitCode::Ok)
}

/// Today in the regency (or the day of `SOURCE_DATE_EPOCH`): the date a
/// scaffold writes.
fn today(config: &laman::config::RegencyConfig) -> chrono::NaiveDate {
    super::build::source_date_epoch()
        .unwrap_or_else(chrono::Utc::now)
        .with_timezone(&config.region.offset())
        .date_naive()
}

pub fn run(cmd: NewCommand, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    let config = laman::config::load(dir)?;
    match cmd {
        NewCommand::Site { slug } => {
            let slug = super::site_name(&slug);
            let written = scaffold::new_site(dir, &slug, &config, today(&config))?;
            for p in &written {
                said(lang, p)?;
            }
            out::stdout(&Said::SiteNext { slug: &slug }.text(lang))?;
        }
        NewCommand::Page { slug, jenis, path } => {
            let slug = super::site_name(&slug);
            let p = scaffold::new_page(dir, &slug, jenis, &path, today(&config))?;
            said(lang, &p)?;
        }
    }
    Ok(ExitCode::Ok)
}
