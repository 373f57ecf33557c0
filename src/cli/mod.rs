//! The command line: clap arguments → typed options → library call →
//! rendered output and exit code. The only module that prints.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod build;
mod check;
mod conformance;
mod host;
mod new;
mod publish;
mod report;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use laman::Lang;

/// Exit codes (STYLE.md): 0 ok, 1 error-level findings, 2 could not run.
pub mod exit {
    /// Everything fine.
    pub const OK: u8 = 0;
    /// Findings at error level remain.
    pub const FINDINGS: u8 = 1;
    /// Could not run (usage, config, I/O).
    pub const FAILURE: u8 = 2;
}

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

/// Parses arguments, runs the command, returns the exit code.
pub fn run() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::FAILURE
            } else {
                exit::OK
            });
        }
    };
    let lang: Lang = args.lang.into();
    let result = match args.command {
        Command::Build(b) => build::run(b, &args.dir, lang),
        Command::Check(c) => check::run(c, &args.dir, lang),
        Command::Conformance(c) => conformance::run(c, &args.dir, lang),
        Command::Dns(d) => conformance::dns(d, &args.dir),
        Command::Host(h) => host::run(h, lang),
        Command::Init(i) => new::init(i, &args.dir, lang),
        Command::New(n) => new::run(n, &args.dir, lang),
        Command::Serve(s) => serve::run(s, &args.dir, lang),
        Command::Publish(p) => publish::run(p, &args.dir, lang),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            report::print_error(&e, lang);
            ExitCode::from(exit::FAILURE)
        }
    }
}
