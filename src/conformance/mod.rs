//! The nightly conformance job: DNS, TLS, HTTP and served-content checks of
//! every registered host (issue 4, `spec/conformance-checks.md`).
//!
//! Owns the observation model (`Observation` = the shared `Diagnostic` +
//! `Status` + typed `Evidence` + time; `Risk`, the spec's five levels, mapped
//! to `Severity` in one place; `Check`), the options, and the entry point
//! [`run`]. The stages live in their own
//! modules (`dns`, `tls`, `http`, `content`), all network access goes
//! through the narrow [`net::Net`] trait, and `runner` orchestrates them
//! with bounded concurrency. A finding is data; `Err` means the job could
//! not run at all. Never prints.

pub mod basis;
pub mod certs;
pub mod checks;
pub mod content;
pub mod dns;
pub mod evidence;
pub mod http;
pub mod net;
pub mod ocsp;
pub mod register;
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

use crate::diagnostic::{Bilingual, Citation, Diagnostic, Location, Message, Severity};
use crate::text::Localize;

pub use checks::Check;
pub use evidence::Evidence;
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

/// The spec's five-level scale (Critical … Info; spec/conformance-checks.md
/// calls it severity). It maps onto the one [`Severity`] of every finding in
/// exactly one place, [`Risk::severity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
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

impl Risk {
    /// The finding severity of a failure at this level: critical and high
    /// failures are errors (the job exits with 1), medium and low ones
    /// warnings, info stays info.
    pub fn severity(self) -> Severity {
        match self {
            Risk::Critical | Risk::High => Severity::Error,
            Risk::Medium | Risk::Low => Severity::Warning,
            Risk::Info => Severity::Info,
        }
    }

    /// Lower-case name as in findings.jsonl.
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Info => "info",
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

/// One observation of the nightly job: the shared [`Diagnostic`] (code =
/// check ID, location = the host, message = what it means in both
/// languages, severity from the [`Risk`]), plus what only a measurement
/// has: pass/fail/inconclusive, the typed evidence, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The finding as every other laman finding.
    pub diagnostic: Diagnostic,
    /// The check (`TLS004`), typed.
    pub check: Check,
    /// pass / fail / inconclusive.
    pub status: Status,
    /// Risk of this result (for TLS004 it depends on days left).
    pub risk: Risk,
    /// What was observed.
    pub evidence: Evidence,
    /// DNS checks: the resolver that answered (the vantage point).
    pub resolver: Option<String>,
    /// New critical/high failures: whether a second connection confirmed it.
    pub confirmed: Option<bool>,
    /// When it was observed.
    pub time: DateTime<Utc>,
}

impl Observation {
    /// An observation; the risk is the check's default.
    pub fn new(
        host: &str,
        check: Check,
        status: Status,
        evidence: Evidence,
        time: DateTime<Utc>,
        message: Bilingual,
    ) -> Self {
        let risk = check.risk();
        let mut diagnostic = Diagnostic::new(
            Location::host(host),
            Message::Observed {
                check: check.id(),
                text: message,
                unconfirmed: false,
            },
        );
        diagnostic.severity = risk.severity();
        Observation {
            diagnostic,
            check,
            status,
            risk,
            evidence,
            resolver: None,
            confirmed: None,
            time,
        }
    }

    /// The same observation at another risk level.
    pub fn with_risk(mut self, risk: Risk) -> Self {
        self.risk = risk;
        self.diagnostic.severity = risk.severity();
        self
    }

    /// The host observed.
    pub fn host(&self) -> &str {
        self.diagnostic.location.host.as_deref().unwrap_or_default()
    }

    /// A new failure that a second connection did not see again: not
    /// proven either way, and said so in front of what it meant.
    pub fn unconfirmed(&mut self) {
        self.status = Status::Inconclusive;
        self.confirmed = Some(false);
        if let Message::Observed { unconfirmed, .. } = &mut *self.diagnostic.message {
            *unconfirmed = true;
        }
    }

    /// Whether this observation makes the run exit with 1.
    pub fn is_blocking(&self) -> bool {
        self.status == Status::Fail && self.diagnostic.severity == Severity::Error
    }

    /// The evidence object of findings.jsonl: the typed evidence with the
    /// resolver and the confirmation beside it.
    pub fn evidence_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(&self.evidence).unwrap_or_default();
        if let serde_json::Value::Object(m) = &mut v {
            if let Some(r) = &self.resolver {
                m.insert("resolver".into(), r.clone().into());
            }
            if let Some(c) = self.confirmed {
                m.insert("confirmed".into(), c.into());
            }
        }
        v
    }

    /// The line of findings.jsonl.
    pub fn record(&self) -> Recorded {
        Recorded {
            host: self.host().to_string(),
            check: self.check,
            status: self.status,
            risk: self.risk,
            evidence: self.evidence_json(),
            time: self.time,
            message: Bilingual::new(
                self.diagnostic.text(crate::diagnostic::Lang::Id),
                self.diagnostic.text(crate::diagnostic::Lang::En),
            ),
            basis: self
                .diagnostic
                .basis
                .iter()
                .map(|c| Cited {
                    text: c.text(crate::diagnostic::Lang::Id),
                    citation: c.clone(),
                })
                .collect(),
        }
    }
}

/// A citation as findings.jsonl and owners.json write it: the data and its
/// Indonesian text (an `R` citation's text says "belum diverifikasi").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cited {
    /// Source, name, article, verification, nature (as in `laman check --format json`).
    #[serde(flatten)]
    pub citation: Citation,
    /// As a person reads it.
    pub text: String,
}

/// One line of findings.jsonl as written and read back (schema in
/// docs/conformance.md): the file's contract, kept stable across versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// Host name checked (`dinkes.cianjurkab.go.id`).
    pub host: String,
    /// Check ID (`TLS004`).
    pub check: Check,
    /// pass / fail / inconclusive.
    pub status: Status,
    /// The risk level (the file calls it severity, as the spec does).
    #[serde(rename = "severity")]
    pub risk: Risk,
    /// What was observed.
    pub evidence: serde_json::Value,
    /// When it was observed (RFC 3339, UTC).
    #[serde(with = "rfc3339")]
    pub time: DateTime<Utc>,
    /// What it means, in Indonesian and English.
    pub message: Bilingual,
    /// The legal basis of the check under the run's profile
    /// (spec/legal-audit.md §1.6); absent in files written before #11 and
    /// when the observation carries none (never in a run).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<Cited>,
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
    /// Its subdomain decree judged against the register (REG001); `None`
    /// for the apex and www, which no decree sets.
    pub decree: Option<Result<(), crate::decree::Invalid>>,
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
    /// The regency profile whose regulation the findings cite.
    pub profile: crate::profile::Profile,
    /// `--zone-from` or `--zone-file`: where the zone was read and what it
    /// gave (REG002/REG003; `Err`: the transfer failed).
    pub zone: Option<(
        register::ZoneSource,
        Result<std::collections::BTreeSet<String>, String>,
    )>,
    /// `--ct FILE`: the file as shown and the names of its certificates (REG002).
    pub ct: Option<(String, std::collections::BTreeSet<String>)>,
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
            profile: crate::profile::Profile::Nasional,
            zone: None,
            ct: None,
        }
    }
}

/// The result of a run.
#[derive(Debug, Clone)]
pub struct ConformanceReport {
    /// Every observation, sorted by host then check.
    pub findings: Vec<Observation>,
    /// The targets, in order.
    pub targets: Vec<Target>,
    /// Wall time.
    pub elapsed: Duration,
    /// The profile the findings cite.
    pub profile: crate::profile::Profile,
}

impl ConformanceReport {
    /// Whether any critical or high failure remains.
    pub fn has_blocking(&self) -> bool {
        self.findings.iter().any(Observation::is_blocking)
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

/// Every registered host: each site, each `[[subdomain]]`, the apex and
/// www; each subdomain with its decree judged on `now`'s day in the regency.
pub fn targets(
    cfg: &crate::config::RegencyConfig,
    reg: &crate::registry::Registry,
    now: DateTime<Utc>,
) -> Vec<Target> {
    let domain = cfg.region.domain.trim_end_matches('.').to_ascii_lowercase();
    let mut out: Vec<Target> = Vec::new();
    let mut push = |t: Target| {
        if !out.iter().any(|o| o.host == t.host) {
            out.push(t);
        }
    };
    push(Target::new(&domain, "apex"));
    push(Target::new(&format!("www.{domain}"), "www"));
    let today = now.with_timezone(&cfg.region.offset()).date_naive();
    for s in &reg.sites {
        let c = &s.config;
        let decree = c.penetapan_subdomain.as_ref().map(|p| {
            crate::decree::judge(
                cfg.register(),
                s.subdomain.as_str(),
                Some(&p.nomor_sk),
                p.tanggal.map(|t| t.day),
                today,
            )
        });
        push(Target {
            decree: Some(decree.unwrap_or(Err(crate::decree::Invalid::Missing))),
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
            decree: Some(crate::decree::judge(
                cfg.register(),
                &e.name,
                e.decree.as_deref(),
                None,
                today,
            )),
            ..Target::new(&host, &e.name)
        });
    }
    out
}

/// The expectations of `[hosting]` (blanks, `ISI: …`, are skipped; any
/// other value is an address, checked when laman.toml is read).
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
/// RFC 3339 (UTC, whole seconds) for serde: the one time format of
/// laman's JSON files (findings.jsonl, the history, the periodic report).
pub(crate) mod rfc3339 {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    /// The same for an optional time (`null` when absent).
    pub mod option {
        use chrono::{DateTime, Utc};
        use serde::Serializer;

        pub fn serialize<S: Serializer>(
            t: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }
    }

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

    /// A new failure that a second connection did not see is inconclusive,
    /// says so in both languages in front of what it meant, and records
    /// `confirmed: false` in its evidence.
    #[test]
    fn an_unconfirmed_failure_says_so_and_is_not_blocking() {
        let at = DateTime::from_timestamp(1_795_000_000, 0).expect("time");
        let mut o = Observation::new(
            "a.kab.go.id",
            Check::TLS001,
            Status::Fail,
            Evidence::Error {
                error: "reset".into(),
            },
            at,
            Bilingual::new("jabat tangan TLS gagal", "TLS handshake failed"),
        );
        assert!(o.is_blocking());
        o.unconfirmed();
        assert_eq!(o.status, Status::Inconclusive);
        assert!(!o.is_blocking());
        let line = o.record();
        assert_eq!(
            line.message,
            Bilingual::new(
                "tidak terkonfirmasi pada koneksi kedua: jabat tangan TLS gagal",
                "not confirmed on a second connection: TLS handshake failed"
            )
        );
        assert_eq!(line.evidence["confirmed"], false);
    }

    /// findings.jsonl is a contract: an observation is written as the line
    /// docs/conformance.md shows (keys in the same order, resolver and
    /// confirmation inside the evidence), and it is the shared diagnostic.
    #[test]
    fn an_observation_is_a_diagnostic_and_writes_the_documented_line() {
        let chain = vec![net::Rr {
            name: "lama.kab.go.id".into(),
            ttl: 300,
            data: net::RData::Cname {
                target: "situs-lama.kab.go.id".into(),
            },
        }];
        let mut o = Observation::new(
            "lama.kab.go.id",
            Check::DNS005,
            Status::Fail,
            Evidence::Cname {
                chain,
                end: "NxDomain".into(),
                target: Some("situs-lama.kab.go.id".into()),
            },
            DateTime::from_timestamp(1_795_000_000, 0).expect("time"),
            Bilingual::new("CNAME menggantung", "dangling CNAME"),
        );
        o.confirmed = Some(true);
        o.resolver = Some("127.0.0.1:53".into());
        assert_eq!(o.diagnostic.code, "DNS005");
        assert_eq!(o.diagnostic.severity, Severity::Error);
        assert_eq!(o.diagnostic.location.to_string(), "lama.kab.go.id");
        assert!(o.is_blocking());
        let line = serde_json::to_string(&o.record()).expect("json");
        assert_eq!(
            line,
            r#"{"host":"lama.kab.go.id","check":"DNS005","status":"fail","severity":"critical","evidence":{"chain":[{"name":"lama.kab.go.id","target":"situs-lama.kab.go.id","ttl":300,"type":"CNAME"}],"confirmed":true,"end":"NxDomain","resolver":"127.0.0.1:53","target":"situs-lama.kab.go.id"},"time":"2026-11-18T11:06:40Z","message":{"id":"CNAME menggantung","en":"dangling CNAME"}}"#
        );
        let back: Recorded = serde_json::from_str(&line).expect("read back");
        assert_eq!(back, o.record());
        // With the basis a run attaches (#11 item 7): one addition at the end.
        o.diagnostic.basis = basis::of_check(Check::DNS005, crate::profile::Profile::Bogor).into();
        let cited = serde_json::to_string(&o.record()).expect("json");
        assert_eq!(
            cited,
            format!(
                "{},{}}}",
                &line[..line.len() - 1],
                r#""basis":[{"source":"PERBUP-BGR-11-2015","name":"Peraturan Bupati Bogor Nomor 11 Tahun 2015","article":"","verification":"V","nature":"tanpa_pasal","text":"kebijakan Diskominfo; tidak ada pasal dalam Peraturan Bupati Bogor Nomor 11 Tahun 2015"}]"#
            )
        );
        let back: Recorded = serde_json::from_str(&cited).expect("read back");
        assert_eq!(back, o.record());
    }

    /// The spec's five levels meet the one severity in one place: critical
    /// and high failures block (exit 1), medium and low warn.
    #[test]
    fn risk_maps_onto_severity() {
        let at = |r: Risk| {
            Observation::new(
                "a",
                Check::HTTP005,
                Status::Fail,
                Evidence::Error { error: "x".into() },
                DateTime::UNIX_EPOCH,
                Bilingual::new("a", "a"),
            )
            .with_risk(r)
        };
        for (r, sev, blocks) in [
            (Risk::Critical, Severity::Error, true),
            (Risk::High, Severity::Error, true),
            (Risk::Medium, Severity::Warning, false),
            (Risk::Low, Severity::Warning, false),
            (Risk::Info, Severity::Info, false),
        ] {
            let o = at(r);
            assert_eq!(o.diagnostic.severity, sev, "{r:?}");
            assert_eq!(o.is_blocking(), blocks, "{r:?}");
        }
        let mut pass = at(Risk::Critical);
        pass.status = Status::Pass;
        assert!(!pass.is_blocking());
    }

    #[test]
    fn targets_are_apex_www_sites_and_subdomains_once() {
        let text = "[region]\nname = \"K\"\ndomain = \"Kab.go.id\"\nprofile = \"cianjur\"\n[hosting]\nipv4 = [\"192.0.2.1\", \"ISI: alamat kedua\"]\n[[subdomain]]\nname = \"lpse\"\n[[subdomain]]\nname = \"www\"\n";
        let cfg = crate::config::parse(text, std::path::Path::new("laman.toml")).expect("config");
        let t = targets(&cfg, &crate::registry::Registry::default(), Utc::now());
        let hosts: Vec<&str> = t.iter().map(|t| t.host.as_str()).collect();
        assert_eq!(hosts, vec!["kab.go.id", "www.kab.go.id", "lpse.kab.go.id"]);
        let e = expected(&cfg.hosting);
        assert_eq!(e.addresses.len(), 1);
        assert_eq!(e.caa_issuers, vec!["letsencrypt.org"]);
    }
}
