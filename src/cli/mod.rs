//! The command line: clap arguments → typed options → library call →
//! rendered output and exit code. The only module that prints, and only
//! through `out` (the `print_stdout`/`print_stderr` lints keep it so).

mod build;
mod check;
mod conformance;
mod exit;
mod host;
mod impor;
mod laporan;
mod new;
mod out;
mod publish;
mod report;
mod serve;
mod usage;

use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use laman::Lang;

use exit::{ExitCode, Stop};

#[derive(Debug, Parser)]
#[command(
    name = "laman",
    version,
    about = "The official websites of a regency's agencies: build, check, publish."
)]
struct Args {
    /// Language of messages: id (Bahasa Indonesia) or en (English) [default: id, or en when LANG=en…].
    #[arg(long, value_enum, global = true, hide_possible_values = true)]
    lang: Option<LangArg>,
    /// Project folder (holds laman.toml and sites/).
    #[arg(short = 'C', long = "dir", default_value = ".", global = true)]
    dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_site_is_named_by_its_folder_in_every_form_completion_types() {
        for arg in [
            "dinkes",
            "dinkes/",
            "sites/dinkes",
            "sites/dinkes/",
            "./sites/dinkes/",
        ] {
            assert_eq!(super::site_name(arg), "dinkes", "{arg}");
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Id,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Id => Lang::Id,
            LangArg::En => Lang::En,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build every site (or the named ones) into public/<fqdn>/.
    Build(build::BuildArgs),
    /// Check every site (or the named ones) against the content rules; write nothing.
    Check(check::CheckArgs),
    /// Nightly DNS, TLS, HTTP and content check of every registered host.
    Conformance(conformance::ConformanceArgs),
    /// DNS helpers for the DNS administrator.
    #[command(subcommand)]
    Dns(conformance::DnsCommand),
    /// Serve the deploy root's current release over HTTPS (production server).
    Host(host::HostArgs),
    /// Import an existing site (WordPress export) into sites/<SLUG>/, quarantining injected items.
    #[command(subcommand)]
    Impor(impor::ImporCommand),
    /// Write a laman.toml for a regency profile.
    Init(new::InitArgs),
    /// Periodic report per agency (OPS-003) for a month or a quarter.
    Laporan(laporan::LaporanArgs),
    /// Scaffold a site or a page.
    #[command(subcommand)]
    New(new::NewCommand),
    /// Preview every site at http://<subdomain>.localhost:1111/, rebuilt on every save.
    Serve(serve::ServeArgs),
    /// Build, check and deploy every site; a site with errors keeps its live version.
    Publish(publish::PublishArgs),
}

/// A site as named on the command line, as tab completion types it:
/// `dinkes`, `dinkes/`, `sites/dinkes/`, `./sites/dinkes` all name the
/// folder `sites/dinkes`.
fn site_name(arg: &str) -> String {
    let mut s = arg.trim();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    let s = s.trim_end_matches('/');
    let s = s.strip_prefix("sites/").unwrap_or(s);
    s.trim_start_matches('/').to_string()
}

/// Parses arguments, runs the command, returns the exit code.
pub fn run() -> std::process::ExitCode {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // The language is needed before parsing: help and usage errors use it.
    let lang = usage::lang_of(&argv, |k| std::env::var_os(k));
    let parsed = usage::localize(Args::command(), lang)
        .try_get_matches_from(&argv)
        .and_then(|m| Args::from_arg_matches(&m));
    let args = match parsed {
        Ok(a) => a,
        Err(e) => return usage::report(&e, lang).into(),
    };
    let lang = args.lang.map_or(lang, Lang::from);
    let result = match args.command {
        Command::Build(b) => build::run(b, &args.dir, lang),
        Command::Check(c) => check::run(c, &args.dir, lang),
        Command::Conformance(c) => conformance::run(c, &args.dir, lang),
        Command::Dns(d) => conformance::dns(d, &args.dir),
        Command::Host(h) => host::run(h, lang),
        Command::Impor(i) => impor::run(i, &args.dir, lang),
        Command::Init(i) => new::init(i, &args.dir, lang),
        Command::Laporan(l) => laporan::run(l, &args.dir, lang),
        Command::New(n) => new::run(n, &args.dir, lang),
        Command::Serve(s) => serve::run(s, &args.dir, lang),
        Command::Publish(p) => publish::run(p, &args.dir, lang),
    };
    match result {
        Ok(code) => code.into(),
        Err(Stop::Closed) => ExitCode::Ok.into(),
        Err(Stop::Error(e)) => {
            report::print_error(&e, lang);
            ExitCode::Failure.into()
        }
        Err(Stop::Import(e)) => {
            report::print_failure(&e.to_string(), lang);
            ExitCode::Failure.into()
        }
    }
}
