//! `laman init --profile P` and `laman new site|page`.

use std::path::Path;

use clap::{Args, Subcommand};
use laman::Lang;
use laman::content::kinds::Jenis;
use laman::profile::Profile;
use laman::scaffold;

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
        jenis: Jenis,
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

fn parse_jenis(s: &str) -> Result<Jenis, String> {
    Jenis::parse(s).ok_or_else(|| {
        let all: Vec<_> = Jenis::ALL.iter().map(|j| j.as_str()).collect();
        format!("unknown page kind `{s}`; one of: {}", all.join(", "))
    })
}

fn said(lang: Lang, path: &Path) -> Result<(), Stop> {
    let word = match lang {
        Lang::Id => "dibuat",
        Lang::En => "created",
    };
    out::stdout(&format!("{word}: {}\n", path.display()))
}

pub fn init(args: InitArgs, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    for p in scaffold::init(dir, args.profile)? {
        said(lang, &p)?;
    }
    Ok(ExitCode::Ok)
}

pub fn run(cmd: NewCommand, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    match cmd {
        NewCommand::Site { slug } => {
            let config = laman::config::load(dir)?;
            let written = scaffold::new_site(dir, &slug, &config.region.domain)?;
            for p in &written {
                said(lang, p)?;
            }
        }
        NewCommand::Page { slug, jenis, path } => {
            let p = scaffold::new_page(dir, &slug, jenis, &path)?;
            said(lang, &p)?;
        }
    }
    Ok(ExitCode::Ok)
}
