//! `laman conformance` (the nightly DNS/TLS/HTTP/content job) and
//! `laman dns zone` (the records the DNS administrator must publish):
//! arguments → `ConformanceOptions` → library → summary and exit code.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};
use laman::conformance::{self, ConformanceOptions, ConformanceReport, Status, report};
use laman::text::Said;
use laman::{Lang, Localize};

use super::exit::{ExitCode, Stop};
use super::out;

#[derive(Debug, Args)]
pub struct ConformanceArgs {
    /// DNS resolver IP:PORT [default: first nameserver of /etc/resolv.conf].
    #[arg(long)]
    resolver: Option<SocketAddr>,
    /// HTTPS port to check.
    #[arg(long, default_value_t = 443)]
    https_port: u16,
    /// HTTP port to check.
    #[arg(long, default_value_t = 80)]
    http_port: u16,
    /// Extra trusted root certificates (PEM file); repeatable.
    #[arg(long = "ca-root")]
    ca_roots: Vec<PathBuf>,
    /// The published sites.json, for the served-content checks (CNT004, CNT005).
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// Output folder (findings.jsonl, report.html, diff.json) [default: <dir>/conformance].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Last night's output folder, for new / fixed / still open.
    #[arg(long)]
    previous: Option<PathBuf>,
    /// Hosts checked at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Connections at once to one IP address.
    #[arg(long, default_value_t = 2)]
    per_ip: usize,
    /// Timeout of each network step, in seconds.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Only these hosts (FQDN or label).
    #[arg(long, num_args = 1..)]
    only: Vec<String>,
    /// Connect to HOST at IP instead of its DNS address (DNS is still checked); repeatable.
    #[arg(long = "connect", value_name = "HOST=IP")]
    connect: Vec<String>,
    /// Read the regency's zone by zone transfer (AXFR) from this
    /// authoritative server and compare it with the register (REG002, REG003).
    #[arg(long, value_name = "IP:PORT", conflicts_with = "zone_file")]
    zone_from: Option<SocketAddr>,
    /// Read the regency's zone from this RFC 1035 master file instead
    /// (REG002, REG003); a file that does not parse is an error at its line.
    #[arg(long, value_name = "FILE")]
    zone_file: Option<PathBuf>,
    /// A Certificate Transparency export (the JSON array crt.sh exports):
    /// names in it that are not registered are findings (REG002).
    #[arg(long, value_name = "FILE")]
    ct: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DnsCommand {
    /// Print the zone-file records every registered host needs.
    Zone,
}

fn resolver(arg: Option<SocketAddr>) -> anyhow::Result<SocketAddr> {
    if let Some(r) = arg {
        return Ok(r);
    }
    let text = std::fs::read_to_string("/etc/resolv.conf").context("/etc/resolv.conf")?;
    conformance::net::parse_resolv_conf(&text)
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("/etc/resolv.conf names no nameserver; pass --resolver IP:PORT"))
}

fn connect_map(items: &[String]) -> anyhow::Result<BTreeMap<String, IpAddr>> {
    items
        .iter()
        .map(|s| {
            let (h, ip) = s
                .split_once('=')
                .ok_or_else(|| anyhow!("--connect {s}: expected HOST=IP"))?;
            let ip: IpAddr = ip.parse().with_context(|| format!("--connect {s}"))?;
            Ok((h.trim_end_matches('.').to_ascii_lowercase(), ip))
        })
        .collect()
}

fn options(a: &ConformanceArgs, dir: &Path) -> anyhow::Result<(ConformanceOptions, SocketAddr)> {
    let cfg = laman::config::load(dir)?;
    let reg = laman::registry::discover(dir, &cfg, &[])?;
    let mut o = ConformanceOptions::new(&cfg.region.domain, chrono::Utc::now());
    o.profile = cfg.region.profile;
    o.targets = conformance::targets(&cfg, &reg, o.now);
    if !a.only.is_empty() {
        let want = |h: &str| {
            a.only.iter().any(|x| {
                let x = x.trim_end_matches('.').to_ascii_lowercase();
                x == h || format!("{x}.{}", o.domain) == h
            })
        };
        let unknown: Vec<&String> = a
            .only
            .iter()
            .filter(|x| {
                !o.targets
                    .iter()
                    .any(|t| t.host == **x || t.host == format!("{x}.{}", o.domain))
            })
            .collect();
        if !unknown.is_empty() {
            bail!("--only: not a registered host: {unknown:?}");
        }
        o.targets.retain(|t| want(&t.host));
    }
    o.expected = conformance::expected(&cfg.hosting);
    o.https_port = a.https_port;
    o.http_port = a.http_port;
    o.concurrency = a.concurrency.max(1);
    o.per_ip = a.per_ip.max(1);
    if !(a.timeout.is_finite() && a.timeout > 0.0) {
        bail!("--timeout must be a positive number of seconds");
    }
    o.timeout = Duration::from_secs_f64(a.timeout);
    o.ca_roots = a.ca_roots.clone();
    o.connect = connect_map(&a.connect)?;
    if let Some(m) = &a.manifest {
        let bytes = std::fs::read(m).with_context(|| m.display().to_string())?;
        o.manifest = Some(serde_json::from_slice(&bytes).with_context(|| m.display().to_string())?);
    }
    if let Some(server) = a.zone_from {
        // A failed transfer is data (REG002/REG003 inconclusive), not an error.
        let names = conformance::register::transfer(server, &o.domain, o.timeout);
        o.zone = Some((conformance::register::ZoneSource::Transfer(server), names));
    }
    if let Some(file) = &a.zone_file {
        o.zone = Some((
            conformance::register::ZoneSource::File(file.display().to_string()),
            Ok(zone_file(file, &o.domain)?),
        ));
    }
    if let Some(file) = &a.ct {
        let shown = file.display().to_string();
        let text = std::fs::read_to_string(file).with_context(|| shown.clone())?;
        let names = conformance::register::ct_names(&text)
            .map_err(|e| anyhow!("--ct {shown}: not a Certificate Transparency export (JSON array of entries with name_value): {e}"))?;
        o.ct = Some((shown, names));
    }
    Ok((o, resolver(a.resolver)?))
}

/// The names of the zone file `path`; an unreadable file is an I/O
/// error, one that does not parse a ZONA-001 error at its line and column
/// (with the line shown), in the language of `--lang`.
fn zone_file(path: &Path, domain: &str) -> anyhow::Result<std::collections::BTreeSet<String>> {
    let text = std::fs::read_to_string(path).map_err(|e| laman::Error::io(path, e))?;
    conformance::register::zone_file(&text, path, domain).map_err(|e| {
        let d = laman::Diagnostic::new(
            laman::diagnostic::Location::at(path, e.line, e.column),
            laman::diagnostic::Message::ZoneFileSyntax { detail: e.detail },
        )
        .with_source(&text, 1);
        anyhow::Error::new(laman::Error::Config(Box::new(d)))
    })
}

/// `laman conformance`.
pub fn run(a: ConformanceArgs, dir: &Path, lang: Lang) -> Result<ExitCode, Stop> {
    match run_inner(&a, dir, lang) {
        Ok((summary, code)) => {
            out::stdout(&summary)?;
            Ok(code)
        }
        Err(e) => match e.downcast::<laman::Error>() {
            Ok(le) => Err(Stop::Error(le)),
            Err(e) => {
                // Nowhere left to report a failure to report; exit 2 still says it.
                let _ = out::stderr(&format!("laman conformance: {e:#}\n"));
                Ok(ExitCode::Failure)
            }
        },
    }
}

/// Runs the checks and writes the report files; returns the summary to
/// print and the exit code.
fn run_inner(a: &ConformanceArgs, dir: &Path, lang: Lang) -> anyhow::Result<(String, ExitCode)> {
    let (mut o, resolver) = options(a, dir)?;
    let previous = match &a.previous {
        Some(p) => Some(report::read_findings(p)?),
        None => None,
    };
    if let Some(p) = &previous {
        o.previous_fails = report::previous_fails(p);
    }
    let r = conformance::run(&o, resolver)?;
    let d = previous
        .as_ref()
        .map(|p| report::diff(p, &r.findings, &r.targets));
    let out = a.out.clone().unwrap_or_else(|| dir.join("conformance"));
    report::write_all(&out, &r, d.as_ref())?;
    let mut said = summary(&r, d.as_ref(), &out, lang);
    // Every night is kept for the periodic report (OPS-003); a history
    // that cannot be written is said, and the run's result stands.
    let night = laman::history::NightRecord::of(&r, o.now);
    said.push_str(&match laman::history::record_night(dir, &night) {
        Ok(p) => Said::HistoryKept(&super::publish::shown_history(&p)).text(lang),
        Err(e) => Said::HistoryFailed(&e.to_string()).text(lang),
    });
    Ok((said, ExitCode::findings_if(r.has_blocking())))
}

fn summary(r: &ConformanceReport, d: Option<&report::Diff>, out: &Path, lang: Lang) -> String {
    let mut s = String::new();
    for f in r.findings.iter().filter(|f| f.status == Status::Fail) {
        s.push_str(&format!(
            "  {:<8} {:<9} {}  {}\n",
            f.check.id(),
            f.risk.as_str(),
            f.host(),
            f.diagnostic.text(lang)
        ));
    }
    let count = |st: Status| r.findings.iter().filter(|f| f.status == st).count();
    let (p, fl, i) = (
        count(Status::Pass),
        count(Status::Fail),
        count(Status::Inconclusive),
    );
    let done = Said::ConformanceDone {
        hosts: r.targets.len(),
        seconds: r.elapsed.as_secs_f64(),
        pass: p,
        fail: fl,
        inconclusive: i,
        out,
    };
    s.push_str(&done.text(lang));
    if let Some(d) = d {
        let since = Said::SinceLast {
            new: d.new.len(),
            fixed: d.fixed.len(),
            open: d.still_open.len(),
        };
        s.push_str(&since.text(lang));
    }
    s
}

/// `laman dns zone`.
pub fn dns(c: DnsCommand, dir: &Path) -> Result<ExitCode, Stop> {
    match c {
        DnsCommand::Zone => {
            let cfg = laman::config::load(dir)?;
            let reg = laman::registry::discover(dir, &cfg, &[])?;
            let targets = conformance::targets(&cfg, &reg, chrono::Utc::now());
            let expected = conformance::expected(&cfg.hosting);
            out::stdout(&conformance::zone::render(
                &cfg.region.domain,
                &targets,
                &expected,
            ))?;
            Ok(ExitCode::Ok)
        }
    }
}
