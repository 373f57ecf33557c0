//! The nightly conformance job: DNS, TLS, HTTP and served-content checks of
//! every registered host (issue 4, `spec/conformance-checks.md`).
//!
//! Owns the finding model (`Finding`, `Status`, `Severity`, `Check`), the
//! options, and the entry point [`run`]. The stages live in their own
//! modules (`dns`, `tls`, `http`, `content`), all network access goes
//! through the narrow [`net::Net`] trait, and `runner` orchestrates them
//! with bounded concurrency. A finding is data; `Err` means the job could
//! not run at all. Never prints.

pub mod certs;
pub mod checks;
pub mod content;
pub mod dns;
pub mod http;
pub mod net;
pub mod ocsp;
pub mod report;
pub mod runner;
pub mod tls;
pub mod zone;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use checks::Check;
pub use runner::run;

/// Outcome of one check on one host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Measured, and conformant.
    Pass,
    /// Measured, and not conformant.
    Fail,
    /// Could not be measured (timeout, resolver failure): never a failure.
    Inconclusive,
}

/// Severity scale of the spec (Critical … Info).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Recorded for trends.
    Info,
    /// Hardening.
    Low,
    /// Weakness with real risk.
    Medium,
    /// Trust or transport broken, or a regulation clearly violated.
    High,
    /// Takeover, attacker content, or a hard browser error.
    Critical,
}

impl Severity {
    /// Critical and high failures make the job exit with 1.
    pub fn is_blocking(self) -> bool {
        self >= Severity::High
    }

    /// Lower-case name as in findings.jsonl.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// The message of a finding in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// Bahasa Indonesia.
    pub id: String,
    /// English.
    pub en: String,
}

impl Text {
    /// Both texts.
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            id: id.into(),
            en: en.into(),
        }
    }
}

/// Said through the one trait every user-facing text uses.
impl crate::text::Localize for Text {
    fn text(&self, lang: crate::Lang) -> String {
        match lang {
            crate::Lang::Id => self.id.clone(),
            crate::Lang::En => self.en.clone(),
        }
    }
}

/// One line of findings.jsonl (schema in docs/conformance.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Host name checked (`dinkes.cianjurkab.go.id`).
    pub host: String,
    /// Check ID (`TLS004`).
    pub check: Check,
    /// pass / fail / inconclusive.
    pub status: Status,
    /// Severity of this result (for TLS004 it depends on days left).
    pub severity: Severity,
    /// What was observed.
    pub evidence: serde_json::Value,
    /// When it was observed (RFC 3339, UTC).
    #[serde(with = "rfc3339")]
    pub time: DateTime<Utc>,
    /// What it means, in Indonesian and English.
    pub message: Text,
}

impl Finding {
    /// A finding; the severity is the check's default.
    pub fn new(
        host: &str,
        check: Check,
        status: Status,
        evidence: serde_json::Value,
        time: DateTime<Utc>,
        message: Text,
    ) -> Self {
        Finding {
            host: host.to_string(),
            check,
            status,
            severity: check.severity(),
            evidence,
            time,
            message,
        }
    }

    /// The same finding with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Whether this finding makes the run exit with 1.
    pub fn is_blocking(&self) -> bool {
        self.status == Status::Fail && self.severity.is_blocking()
    }
}

/// The hosting expectations from laman.toml.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    /// Addresses every host must resolve to (empty: not checked).
    pub addresses: Vec<IpAddr>,
    /// CAA issuer domains the regency uses.
    pub caa_issuers: Vec<String>,
}

/// A host to check and who answers for it (OPS006: findings route to the owner).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// FQDN without trailing dot.
    pub host: String,
    /// Agency or application it belongs to (site slug, subdomain label, `apex`, `www`).
    pub owner: String,
    /// Official name (site.toml `nama_resmi`, or the `[[subdomain]]` description).
    pub name: Option<String>,
    /// Who maintains it (site.toml `[pengelola] email`, else the agency email).
    pub contact: Option<String>,
}

impl Target {
    /// A target known only by host and owner.
    pub fn new(host: &str, owner: &str) -> Self {
        Target {
            host: host.to_string(),
            owner: owner.to_string(),
            ..Target::default()
        }
    }
}

/// Typed inputs of a conformance run.
#[derive(Debug, Clone)]
pub struct ConformanceOptions {
    /// The regency apex (`cianjurkab.go.id`).
    pub domain: String,
    /// Hosts to check.
    pub targets: Vec<Target>,
    /// Expected addresses and CAA.
    pub expected: Expected,
    /// HTTPS port (443).
    pub https_port: u16,
    /// HTTP port (80).
    pub http_port: u16,
    /// Hosts checked at once (default 64).
    pub concurrency: usize,
    /// Connections at once to one IP address (default 2).
    pub per_ip: usize,
    /// Timeout of each network step (default 5 s).
    pub timeout: Duration,
    /// Extra trusted root certificates (PEM files).
    pub ca_roots: Vec<PathBuf>,
    /// Published manifest (sites.json) for CNT004/CNT005.
    pub manifest: Option<crate::output::Manifest>,
    /// Host → address to connect to, overriding DNS for connecting only.
    pub connect: BTreeMap<String, IpAddr>,
    /// Failures open last night (`host check`), so only new ones are re-confirmed.
    pub previous_fails: std::collections::BTreeSet<(String, Check)>,
    /// The clock.
    pub now: DateTime<Utc>,
}

impl ConformanceOptions {
    /// Defaults for `domain` at time `now`.
    pub fn new(domain: &str, now: DateTime<Utc>) -> Self {
        ConformanceOptions {
            domain: domain.trim_end_matches('.').to_ascii_lowercase(),
            targets: Vec::new(),
            expected: Expected::default(),
            https_port: 443,
            http_port: 80,
            concurrency: 64,
            per_ip: 2,
            timeout: Duration::from_secs(5),
            ca_roots: Vec::new(),
            manifest: None,
            connect: BTreeMap::new(),
            previous_fails: Default::default(),
            now,
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct ConformanceReport {
    /// Every finding, sorted by host then check.
    pub findings: Vec<Finding>,
    /// The targets, in order.
    pub targets: Vec<Target>,
    /// Wall time.
    pub elapsed: Duration,
}

impl ConformanceReport {
    /// Whether any critical or high failure remains.
    pub fn has_blocking(&self) -> bool {
        self.findings.iter().any(Finding::is_blocking)
    }
}

/// Could not run the job at all.
#[derive(Debug, thiserror::Error)]
pub enum ConformanceError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A CA root file holds no usable certificate.
    #[error("{}: {reason}", path.display())]
    CaRoot {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The TLS client or resolver could not be configured.
    #[error("setup: {0}")]
    Setup(String),
    /// A previous run's findings.jsonl could not be parsed.
    #[error("{}:{line}: {reason}", path.display())]
    Previous {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// Why.
        reason: String,
    },
}

/// Every registered host: each site, each `[[subdomain]]`, the apex and www.
pub fn targets(cfg: &crate::config::RegencyConfig, reg: &crate::registry::Registry) -> Vec<Target> {
    let domain = cfg.region.domain.trim_end_matches('.').to_ascii_lowercase();
    let mut out: Vec<Target> = Vec::new();
    let mut push = |t: Target| {
        if !out.iter().any(|o| o.host == t.host) {
            out.push(t);
        }
    };
    push(Target::new(&domain, "apex"));
    push(Target::new(&format!("www.{domain}"), "www"));
    for s in &reg.sites {
        let c = &s.config;
        push(Target {
            name: Some(c.nama_resmi.clone()),
            contact: c
                .pengelola
                .as_ref()
                .and_then(|p| p.email.clone())
                .or_else(|| c.email.clone()),
            ..Target::new(&s.fqdn.to_ascii_lowercase(), &s.slug)
        });
    }
    for e in &cfg.subdomains {
        let host = format!("{}.{domain}", e.name.to_ascii_lowercase());
        push(Target {
            name: e.description.clone(),
            ..Target::new(&host, &e.name)
        });
    }
    out
}

/// The expectations of `[hosting]` (unparsable addresses are skipped).
pub fn expected(h: &crate::config::Hosting) -> Expected {
    Expected {
        addresses: h
            .ipv4
            .iter()
            .chain(&h.ipv6)
            .filter_map(|a| a.parse().ok())
            .collect(),
        caa_issuers: h.caa_issuers.clone(),
    }
}

/// `DateTime<Utc>` as RFC 3339 with seconds and `Z`.
mod rfc3339 {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let s = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_apex_www_sites_and_subdomains_once() {
        let text = "[region]\nname = \"K\"\ndomain = \"Kab.go.id\"\nprofile = \"cianjur\"\n[hosting]\nipv4 = [\"192.0.2.1\", \"bad\"]\n[[subdomain]]\nname = \"lpse\"\n[[subdomain]]\nname = \"www\"\n";
        let cfg = crate::config::parse(text, std::path::Path::new("laman.toml")).expect("config");
        let t = targets(&cfg, &crate::registry::Registry::default());
        let hosts: Vec<&str> = t.iter().map(|t| t.host.as_str()).collect();
        assert_eq!(hosts, vec!["kab.go.id", "www.kab.go.id", "lpse.kab.go.id"]);
        let e = expected(&cfg.hosting);
        assert_eq!(e.addresses.len(), 1);
        assert_eq!(e.caa_issuers, vec!["letsencrypt.org"]);
    }
}
