//! The command line: clap arguments → typed options → library call →
//! rendered output and exit code. The only module that prints, and only
//! through `out` (the `print_stdout`/`print_stderr` lints keep it so).

mod build;
mod check;
mod conformance;
mod exit;
mod host;
mod impor;
mod new;
mod out;
mod publish;
mod report;
mod serve;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use laman::Lang;

use exit::{ExitCode, Stop};

#[derive(Debug, Parser)]
#[command(
    name = "laman",
    version,
    about = "Situs resmi Perangkat Daerah: bangun, periksa, terbitkan."
)]
struct Args {
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = LangArg::Id, global = true)]
    lang: LangArg,
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
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            // `--help | head -1` may close the pipe: clap's own write error
            // has no one to go to either.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::Failure
            } else {
                ExitCode::Ok
            }
            .into();
        }
    };
    let lang: Lang = args.lang.into();
    let result = match args.command {
        Command::Build(b) => build::run(b, &args.dir, lang),
        Command::Check(c) => check::run(c, &args.dir, lang),
        Command::Conformance(c) => conformance::run(c, &args.dir, lang),
        Command::Dns(d) => conformance::dns(d, &args.dir),
        Command::Host(h) => host::run(h, lang),
        Command::Impor(i) => impor::run(i, &args.dir, lang),
        Command::Init(i) => new::init(i, &args.dir, lang),
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
    }
}
