//! What a check saw, typed: one shape per kind of measurement, grouped by
//! check family. Each shape is written as the plain JSON object of
//! findings.jsonl's `evidence` (docs/conformance.md); the variant names do
//! not appear in the file. Pure data, no I/O.

use std::net::IpAddr;

use serde::Serialize;

use super::net::{DnsAnswer, Rr};
use super::tls::Handshake;

/// The evidence of one observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Evidence {
    // ── DNS ─────────────────────────────────────────────────────────────
    /// DNS001: the A and AAAA answers and the `[hosting]` addresses.
    Addresses {
        /// The A answer.
        #[serde(rename = "A")]
        a: DnsAnswer,
        /// The AAAA answer.
        #[serde(rename = "AAAA")]
        aaaa: DnsAnswer,
        /// Addresses laman.toml expects.
        expected: Vec<IpAddr>,
    },
    /// REG001: why the host has no valid decree (absent: it has one).
    Decree {
        /// Why not.
        #[serde(skip_serializing_if = "Option::is_none")]
        decree: Option<crate::decree::Invalid>,
    },
    /// REG002/REG003: where the names were seen and which.
    Zone {
        /// `AXFR 192.0.2.53:53`.
        source: String,
        /// The names concerned.
        names: Vec<String>,
        /// Why the transfer failed.
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    /// DNS002: the AAAA addresses, and what HTTPS answered on the first.
    Ipv6 {
        /// AAAA addresses (empty: none).
        aaaa: Vec<IpAddr>,
        /// The address tried.
        #[serde(skip_serializing_if = "Option::is_none")]
        address: Option<IpAddr>,
        /// What HTTPS over that address answered.
        #[serde(skip_serializing_if = "Option::is_none")]
        result: Option<Answered>,
    },
    /// DNS004/DNS005: the CNAME chain followed and how it ended.
    Cname {
        /// Each CNAME record.
        chain: Vec<Rr>,
        /// How the chain ended (`NxDomain`, `Loop` …).
        end: String,
        /// The last target.
        target: Option<String>,
    },
    /// DNS010: the CAA records in force and the invalid ones.
    Caa {
        /// Name where the records were found (climbing to the apex).
        #[serde(skip_serializing_if = "Option::is_none")]
        found_at: Option<String>,
        /// The records.
        caa: Vec<Rr>,
        /// Records with bad syntax (absent when none were found).
        #[serde(skip_serializing_if = "Option::is_none")]
        invalid: Option<Vec<Rr>>,
    },
    /// DNS011: the issuing CA against the CAA records.
    CaaIssuer {
        /// The certificate's issuer.
        issuer: String,
        /// The CA's CAA domain, when known.
        #[serde(rename = "ca_domain")]
        ca: Option<String>,
        /// The records.
        caa: Vec<Rr>,
        /// Where they were found.
        found_at: Option<String>,
        /// CAA issuers laman.toml names.
        caa_issuers: Vec<String>,
    },
    /// DNS012: the random labels asked and what they resolved to.
    Wildcard {
        /// One probe per random label.
        probes: Vec<Probe>,
    },
    // ── TLS ─────────────────────────────────────────────────────────────
    /// TLS001/TLS002: the handshake and the chain presented (TLS002 adds
    /// the verifier's verdict).
    Handshake {
        /// The handshake as captured.
        handshake: Handshake,
        /// The parsed chain.
        chain: Vec<CertInfo>,
        /// TLS002: why the chain is not trusted (`null`: trusted).
        #[serde(skip_serializing_if = "Option::is_none")]
        verdict: Option<Option<String>>,
    },
    /// TLS005: who issued the leaf.
    Issuer {
        /// Leaf subject.
        subject: String,
        /// Leaf issuer.
        issuer: String,
    },
    /// TLS003: the name asked for and the names the certificate carries.
    Names {
        /// The host requested.
        requested: String,
        /// Subject alternative names.
        sans: Vec<String>,
    },
    /// TLS004: the validity window.
    Validity {
        /// notBefore (RFC 3339).
        not_before: String,
        /// notAfter (RFC 3339).
        not_after: String,
        /// Whole days left (negative: expired).
        days_left: i64,
    },
    /// TLS006: each certificate's key and signature, and the weak ones.
    Keys {
        /// One row per certificate.
        chain: Vec<KeyRow>,
        /// What is weak.
        problems: Vec<String>,
    },
    /// TLS011: the stapled OCSP response.
    Staple {
        /// Whether the server stapled a response.
        stapled: bool,
        /// Size of the stapled response (when it could not be read).
        #[serde(skip_serializing_if = "Option::is_none")]
        bytes: Option<usize>,
        /// `good`, `revoked`, `unknown` (when read).
        #[serde(skip_serializing_if = "Option::is_none")]
        cert_status: Option<String>,
        /// thisUpdate (RFC 3339).
        #[serde(skip_serializing_if = "Option::is_none")]
        this_update: Option<String>,
        /// nextUpdate (RFC 3339), when the responder set one.
        #[serde(skip_serializing_if = "Option::is_none")]
        next_update: Option<Option<String>>,
        /// Who signed the response (`issuer`, `delegated`).
        #[serde(skip_serializing_if = "Option::is_none")]
        signer: Option<String>,
        /// The certificate's OCSP responder URL.
        #[serde(skip_serializing_if = "Option::is_none")]
        responder: Option<Option<String>>,
    },
    // ── HTTP ────────────────────────────────────────────────────────────
    /// HTTP001/HTTP002: the redirect chain from `http://host/`.
    Redirects {
        /// Each hop.
        chain: Vec<Hop>,
    },
    /// HTTP003: the Strict-Transport-Security header as parsed.
    Hsts {
        /// The raw header.
        header: Option<String>,
        /// Its max-age.
        max_age: Option<u64>,
        /// Whether it says includeSubDomains.
        include_subdomains: bool,
    },
    /// HTTP005: the response headers and the security headers missing.
    Headers {
        /// The response headers.
        headers: Vec<(String, String)>,
        /// Names of missing headers.
        missing: Vec<&'static str>,
    },
    /// HTTP007: `/.well-known/security.txt`.
    SecurityTxt {
        /// HTTP status.
        status: u16,
        /// Contact fields.
        contact: Vec<String>,
        /// Expires fields.
        expires: Vec<String>,
    },
    /// HTTP009: the home page and a random path.
    Statuses {
        /// The home page.
        home: Answered,
        /// A path that does not exist.
        random: Answered,
    },
    // ── Content ─────────────────────────────────────────────────────────
    /// CNT001: the pages scanned and the gambling terms found.
    Gambling {
        /// URLs scanned.
        scanned: Vec<String>,
        /// Pages with terms.
        matches: Vec<TermsFound>,
    },
    /// CNT003: hidden links to other domains.
    HiddenLinks {
        /// The links.
        links: Vec<String>,
    },
    /// CNT004: sitemap URLs not in the published release.
    Sitemap {
        /// URLs in the sitemap.
        urls: usize,
        /// Those the release does not hold.
        not_published: Vec<String>,
    },
    /// CNT005: served files against the release manifest.
    Files {
        /// Every file compared.
        compared: Vec<FileCompared>,
        /// Those that differ.
        differ: Vec<FileCompared>,
    },
    // ── Any family ──────────────────────────────────────────────────────
    /// The measurement could not be made.
    Error {
        /// Why.
        error: String,
    },
}

/// What a server answered (status and body size), or why it did not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answered {
    /// A response, by its status.
    Status {
        /// HTTP status.
        status: u16,
        /// Body size, when it matters.
        #[serde(skip_serializing_if = "Option::is_none")]
        bytes: Option<usize>,
    },
    /// No response.
    Error {
        /// Why.
        error: String,
    },
}

/// The parts of one certificate the report shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertInfo {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Issuer organisation (O=).
    pub issuer_org: Option<String>,
    /// DNS names of the SAN extension.
    pub sans: Vec<String>,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
    /// `RSA`, `EC` …
    pub key_type: String,
    /// Key size in bits.
    pub key_bits: usize,
    /// Signature algorithm OID.
    pub signature_oid: String,
    /// Subject and issuer are the same.
    pub self_issued: bool,
    /// notBefore, Unix seconds.
    #[serde(skip)]
    pub(super) not_before_ts: i64,
    /// notAfter, Unix seconds.
    #[serde(skip)]
    pub(super) not_after_ts: i64,
}

/// One hop of a redirect chain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    /// Requested URL.
    pub url: String,
    /// Status, or the error.
    pub status: Option<u16>,
    /// Location header.
    pub location: Option<String>,
    /// Error when there was no response.
    pub error: Option<String>,
    /// The request timed out (not a measurement).
    pub timed_out: bool,
}

/// One DNS012 probe.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    /// The random name asked.
    pub name: String,
    /// What the resolver said.
    pub answer: DnsAnswer,
}

/// One TLS006 row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyRow {
    /// Certificate subject.
    pub subject: String,
    /// Key type and size (`RSA 2048`).
    pub key: String,
    /// Signature algorithm OID.
    pub signature: String,
}

/// One CNT001 page with the terms found on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermsFound {
    /// The page.
    pub url: String,
    /// The terms.
    pub terms: Vec<String>,
}

/// One CNT005 file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileCompared {
    /// URL path served.
    pub path: String,
    /// File in the release.
    pub file: String,
    /// SHA-256 in the manifest.
    pub expected: String,
    /// SHA-256 of what was served.
    pub served: String,
}
