//! `laman serve [SLUG…] [--port 1111] [--bind 127.0.0.1] [--drafts]`: the
//! preview server. Prints one line per rebuild (what, how long, findings)
//! and every error in full; the library does the rest.

use std::net::IpAddr;
use std::path::Path;

use clap::Args;
use laman::serve::{self, Event, Rebuilt, ServeOptions};
use laman::text::Said;
use laman::{Lang, Localize};

use super::exit::{ExitCode, Stop};
use super::out;
use super::report::format_diagnostic;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Only these sites (folder names under sites/).
    slugs: Vec<String>,
    /// Port (0 = any free port).
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Include pages with draft = true.
    #[arg(long)]
    drafts: bool,
}

pub fn run(args: ServeArgs, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    let opts = ServeOptions {
        root: dir.to_path_buf(),
        bind: args.bind,
        port: args.port,
        only: args.slugs.iter().map(|s| super::site_name(s)).collect(),
        drafts: args.drafts,
        lang,
    };
    serve::serve(opts, move |e| print_event(&e, lang))?;
    Ok(ExitCode::Ok)
}

fn print_event(e: &Event, lang: Lang) {
    let mut text = String::new();
    match e {
        Event::Listening {
            index,
            sites,
            first,
        } => {
            text.push_str(&line(first, lang));
            text.push_str(&Said::Serving(&index.to_string()).text(lang));
            for (slug, url) in sites {
                text.push_str(&format!("  {slug:<16} {url}\n"));
            }
            text.push_str(&Said::PressCtrlC.text(lang));
        }
        Event::Rebuilt(r) => text.push_str(&line(r, lang)),
        Event::WatchFailed(why) => {
            text.push_str(&Said::WatchStopped(&why.to_string()).text(lang));
        }
    }
    // The preview keeps serving the browser when its terminal went away.
    let _ = out::stdout(&text);
}

/// `[12:00:01] dibangun ulang dinkes/profil.md: 3 berkas dalam 4 ms — 0 galat, 1 peringatan, 2 info`,
/// then every error and the page's own findings in full.
fn line(r: &Rebuilt, lang: Lang) -> String {
    let clock = chrono::Local::now().format("%H:%M:%S");
    let mut t = r.tally;
    t.add(r.regency);
    let mut s = Said::Rebuilt {
        clock: &clock.to_string(),
        what: r.scope.text(lang),
        files: r.rendered,
        elapsed: r.elapsed,
        errors: t.errors,
        warnings: t.warnings,
        infos: t.infos,
    }
    .text(lang);
    for d in &r.errors {
        s.push_str(&format_diagnostic(d, lang));
    }
    for d in r.findings.iter().filter(|d| !r.errors.contains(d)) {
        s.push_str(&format_diagnostic(d, lang));
    }
    // LAMAN_SERVE_LAPS=1: the phases of a page rebuild, in ms (for
    // profiling; code names, not translated).
    if !r.phases.is_empty() {
        let laps: Vec<String> = r
            .phases
            .iter()
            .map(|(name, d)| format!("{name} {:.2}", d.as_secs_f64() * 1000.0))
            .collect();
        s.push_str(&format!("laps: {}\n", laps.join(", ")));
    }
    s
}
