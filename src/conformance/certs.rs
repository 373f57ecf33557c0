//! Certificate verdicts from a captured handshake: TLS001 (handshake),
//! TLS002 (chain), TLS003 (name in SAN), TLS004 (validity), TLS005
//! (self-signed), TLS006 (key size and signature hashes), and the issuing
//! CA's CAA domain for DNS011. Pure over the handshake and the clock.

use super::evidence::{Evidence, KeyRow};
use chrono::{DateTime, Utc};
use rustls::pki_types::CertificateDer;
use x509_parser::prelude::*;
use x509_parser::public_key::PublicKey;

pub use super::evidence::CertInfo;
use super::ocsp;
use super::tls::{Handshake, TlsClient};
use super::{Check, Observation, Risk, Status};
use crate::diagnostic::Bilingual;

/// Parses a DER certificate.
pub fn parse(der: &CertificateDer<'_>) -> Option<CertInfo> {
    let (_, x) = parse_x509_certificate(der.as_ref()).ok()?;
    let sans = match x.subject_alternative_name() {
        Ok(Some(ext)) => ext
            .value
            .general_names
            .iter()
            .filter_map(|g| match g {
                GeneralName::DNSName(n) => Some(n.to_ascii_lowercase()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let (key_type, key_bits) = match x.public_key().parsed() {
        Ok(PublicKey::RSA(k)) => ("RSA", k.key_size()),
        Ok(PublicKey::EC(k)) => ("EC", k.key_size()),
        Ok(other) => ("other", other.key_size()),
        Err(_) => ("unknown", 0),
    };
    let nb = x.validity().not_before.timestamp();
    let na = x.validity().not_after.timestamp();
    let ts = |t: i64| {
        DateTime::<Utc>::from_timestamp(t, 0)
            .map(|d| d.to_rfc3339())
            .unwrap_or_default()
    };
    Some(CertInfo {
        subject: x.subject().to_string(),
        issuer: x.issuer().to_string(),
        issuer_org: x
            .issuer()
            .iter_organization()
            .next()
            .and_then(|o| o.as_str().ok())
            .map(str::to_string),
        sans,
        not_before: ts(nb),
        not_after: ts(na),
        key_type: key_type.to_string(),
        key_bits,
        signature_oid: x.signature_algorithm.algorithm.to_id_string(),
        self_issued: x.subject().as_raw() == x.issuer().as_raw(),
        not_before_ts: nb,
        not_after_ts: na,
    })
}

/// Whether `host` matches a SAN entry (one left-most wildcard label allowed).
pub fn name_matches(sans: &[String], host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    sans.iter().any(|s| {
        if let Some(rest) = s.strip_prefix("*.") {
            host.split_once('.').is_some_and(|(_, h)| h == rest)
        } else {
            *s == host
        }
    })
}

/// CAA issuer domain of well-known CAs, by issuer organisation.
pub fn ca_domain(issuer_org: &str) -> Option<&'static str> {
    const TABLE: &[(&str, &str)] = &[
        ("let's encrypt", "letsencrypt.org"),
        ("digicert", "digicert.com"),
        ("sectigo", "sectigo.com"),
        ("zerossl", "sectigo.com"),
        ("globalsign", "globalsign.com"),
        ("google trust services", "pki.goog"),
        ("amazon", "amazon.com"),
        ("entrust", "entrust.net"),
        ("buypass", "buypass.com"),
    ];
    let o = issuer_org.to_ascii_lowercase();
    TABLE.iter().find(|(k, _)| o.contains(k)).map(|(_, v)| *v)
}

const WEAK_SIGNATURES: &[&str] = &[
    "1.2.840.113549.1.1.4", // md5WithRSAEncryption
    "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
    "1.2.840.10045.4.1",    // ecdsa-with-SHA1
    "1.2.840.10040.4.3",    // dsa-with-sha1
];

/// TLS001–TLS006 and TLS011 for one handshake. Returns the findings and the leaf.
pub fn findings(
    client: &TlsClient,
    host: &str,
    hs: &Handshake,
    now: DateTime<Utc>,
) -> (Vec<Observation>, Option<CertInfo>) {
    let chain: Vec<CertInfo> = hs.chain.iter().filter_map(parse).collect();
    let mut out = Vec::new();
    let hs_ev = Evidence::Handshake {
        handshake: hs.clone(),
        chain: chain.clone(),
        verdict: None,
    };
    let (s1, m1) = match &hs.error {
        None => (
            Status::Pass,
            Bilingual::new("jabat tangan TLS berhasil", "TLS handshake completed"),
        ),
        Some(e) => (
            Status::Fail,
            Bilingual::new(
                format!("jabat tangan TLS gagal: {e}"),
                format!("TLS handshake failed: {e}"),
            ),
        ),
    };
    out.push(Observation::new(
        host,
        Check::TLS001,
        s1,
        hs_ev.clone(),
        now,
        m1,
    ));
    let Some(leaf) = chain.first().cloned() else {
        return (out, None);
    };
    out.push(chain_finding(client, host, hs, &leaf, &hs_ev, now));
    out.push(name_finding(host, &leaf, now));
    out.push(validity_finding(host, &leaf, now));
    let (s5, m5) = if leaf.self_issued {
        (
            Status::Fail,
            Bilingual::new("sertifikat self-signed", "self-signed certificate"),
        )
    } else {
        (
            Status::Pass,
            Bilingual::new("diterbitkan oleh CA", "issued by a CA"),
        )
    };
    let ev5 = Evidence::Issuer {
        subject: leaf.subject.clone(),
        issuer: leaf.issuer.clone(),
    };
    out.push(Observation::new(host, Check::TLS005, s5, ev5, now, m5));
    out.push(key_finding(host, &chain, now));
    out.extend(ocsp::finding(
        host,
        &hs.chain,
        &hs.ocsp,
        client.extra_roots(),
        now,
    ));
    (out, Some(leaf))
}

/// When the chain is judged (issue #11 item 8): the run's time, clamped
/// into the leaf's validity window. So an intermediate that has expired (or
/// is not yet valid) while the leaf is still good fails TLS002, as browsers,
/// curl and `openssl s_client` (verify code 10) refuse it; while an expired
/// or not-yet-valid leaf is judged at the edge of its own window and is
/// reported once, by TLS004, not here again. The name is TLS003's.
pub fn chain_time(leaf: &CertInfo, now: DateTime<Utc>) -> DateTime<Utc> {
    let ts = now.timestamp().clamp(
        leaf.not_before_ts,
        leaf.not_after_ts.max(leaf.not_before_ts),
    );
    DateTime::<Utc>::from_timestamp(ts, 0).unwrap_or(now)
}

fn chain_finding(
    client: &TlsClient,
    host: &str,
    hs: &Handshake,
    leaf: &CertInfo,
    ev: &Evidence,
    now: DateTime<Utc>,
) -> Observation {
    let verdict = client.verdict(&hs.chain, host, chain_time(leaf, now));
    let mut ev = ev.clone();
    if let Evidence::Handshake { verdict: v, .. } = &mut ev {
        *v = Some(verdict.as_ref().err().cloned());
    }
    let (status, msg) = match verdict.as_ref().map_err(String::as_str) {
        Ok(()) | Err("wrong_name") => (
            Status::Pass,
            Bilingual::new(
                "rantai sampai ke root tepercaya",
                "chain builds to a trusted root",
            ),
        ),
        // A self-signed leaf is TLS005's finding, not a chain problem.
        Err("unknown_issuer") if leaf.self_issued => (
            Status::Pass,
            Bilingual::new(
                "sertifikat self-signed (lihat TLS005)",
                "self-signed certificate (see TLS005)",
            ),
        ),
        Err(r) => (
            Status::Fail,
            Bilingual::new(
                format!("rantai sertifikat tidak tepercaya: {r}"),
                format!("untrusted certificate chain: {r}"),
            ),
        ),
    };
    Observation::new(host, Check::TLS002, status, ev, now, msg)
}

fn name_finding(host: &str, leaf: &CertInfo, now: DateTime<Utc>) -> Observation {
    let ev = Evidence::Names {
        requested: host.to_string(),
        sans: leaf.sans.clone(),
    };
    let (s, m) = if name_matches(&leaf.sans, host) {
        (
            Status::Pass,
            Bilingual::new("nama cocok dengan SAN", "name matches a SAN"),
        )
    } else {
        (
            Status::Fail,
            Bilingual::new(
                format!(
                    "sertifikat tidak berlaku untuk {host} (SAN: {})",
                    leaf.sans.join(", ")
                ),
                format!(
                    "certificate not valid for {host} (SAN: {})",
                    leaf.sans.join(", ")
                ),
            ),
        )
    };
    Observation::new(host, Check::TLS003, s, ev, now, m)
}

fn validity_finding(host: &str, leaf: &CertInfo, now: DateTime<Utc>) -> Observation {
    let days = (leaf.not_after_ts - now.timestamp()).div_euclid(86_400);
    let ev = Evidence::Validity {
        not_before: leaf.not_before.clone(),
        not_after: leaf.not_after.clone(),
        days_left: days,
    };
    let (status, sev, msg) = if now.timestamp() > leaf.not_after_ts {
        (
            Status::Fail,
            Risk::Critical,
            Bilingual::new(
                format!("sertifikat kedaluwarsa sejak {}", leaf.not_after),
                format!("certificate expired on {}", leaf.not_after),
            ),
        )
    } else if now.timestamp() < leaf.not_before_ts {
        (
            Status::Fail,
            Risk::Critical,
            Bilingual::new(
                format!("sertifikat belum berlaku sampai {}", leaf.not_before),
                format!("certificate not valid before {}", leaf.not_before),
            ),
        )
    } else if days < 30 {
        let sev = if days < 14 { Risk::High } else { Risk::Medium };
        (
            Status::Fail,
            sev,
            Bilingual::new(
                format!("sertifikat kedaluwarsa dalam {days} hari"),
                format!("certificate expires in {days} days"),
            ),
        )
    } else {
        (
            Status::Pass,
            Risk::Critical,
            Bilingual::new(
                format!("berlaku {days} hari lagi"),
                format!("valid for {days} more days"),
            ),
        )
    };
    Observation::new(host, Check::TLS004, status, ev, now, msg).with_risk(sev)
}

fn key_finding(host: &str, chain: &[CertInfo], now: DateTime<Utc>) -> Observation {
    let mut problems = Vec::new();
    if let Some(leaf) = chain.first() {
        let weak = match leaf.key_type.as_str() {
            "RSA" => leaf.key_bits < 2048,
            "EC" => leaf.key_bits < 256,
            _ => false,
        };
        if weak {
            problems.push(format!("{} {} bit", leaf.key_type, leaf.key_bits));
        }
    }
    for c in chain {
        if WEAK_SIGNATURES.contains(&c.signature_oid.as_str()) && !c.self_issued {
            problems.push(format!("{}: {}", c.subject, c.signature_oid));
        }
    }
    let keys: Vec<_> = chain
        .iter()
        .map(|c| KeyRow {
            subject: c.subject.clone(),
            key: format!("{} {}", c.key_type, c.key_bits),
            signature: c.signature_oid.clone(),
        })
        .collect();
    let (s, m) = if problems.is_empty() {
        (
            Status::Pass,
            Bilingual::new("kunci dan tanda tangan kuat", "strong keys and signatures"),
        )
    } else {
        let p = problems.join("; ");
        (
            Status::Fail,
            Bilingual::new(
                format!("kriptografi lemah: {p}"),
                format!("weak cryptography: {p}"),
            ),
        )
    };
    Observation::new(
        host,
        Check::TLS006,
        s,
        Evidence::Keys {
            chain: keys,
            problems,
        },
        now,
        m,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matches_one_label_only() {
        let sans = vec!["*.cianjurkab.go.id".to_string()];
        assert!(name_matches(&sans, "dinkes.cianjurkab.go.id"));
        assert!(!name_matches(&sans, "a.dinkes.cianjurkab.go.id"));
        assert!(!name_matches(&sans, "cianjurkab.go.id"));
    }

    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

    const DAY: i64 = 86_400;

    fn at(ts: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(ts, 0).expect("time")
    }

    /// A leaf valid from `nb` to `na` (timestamps), as `parse` gives it.
    fn leaf(nb: i64, na: i64) -> CertInfo {
        CertInfo {
            subject: "CN=dinkes.contoh.go.id".into(),
            issuer: "CN=R1".into(),
            issuer_org: Some("Let's Encrypt".into()),
            sans: vec!["dinkes.contoh.go.id".into()],
            not_before: "nb".into(),
            not_after: "na".into(),
            key_type: "EC".into(),
            key_bits: 256,
            signature_oid: "1.2.840.10045.4.3.2".into(),
            self_issued: false,
            not_before_ts: nb,
            not_after_ts: na,
        }
    }

    fn ca() -> CertifiedIssuer<'static, KeyPair> {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.distinguished_name.push(DnType::CommonName, "Uji Root");
        p.distinguished_name
            .push(DnType::OrganizationName, "Let's Encrypt");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        CertifiedIssuer::self_signed(p, KeyPair::generate().expect("key")).expect("ca")
    }

    #[test]
    fn parse_reads_names_key_validity_and_who_issued() {
        let ca = ca();
        let p = CertificateParams::new(vec![
            "DINKES.Contoh.go.id".to_string(),
            "127.0.0.1".to_string(),
            "*.contoh.go.id".to_string(),
        ])
        .expect("params");
        let key = KeyPair::generate().expect("key");
        let cert = p.signed_by(&key, &ca).expect("sign");
        let info = parse(cert.der()).expect("a certificate");
        // DNS names only (not the IP address), lower-cased.
        assert_eq!(info.sans, ["dinkes.contoh.go.id", "*.contoh.go.id"]);
        assert_eq!((info.key_type.as_str(), info.key_bits), ("EC", 256));
        assert!(!info.self_issued, "signed by the CA: {info:?}");
        assert_eq!(info.issuer_org.as_deref(), Some("Let's Encrypt"));
        assert!(info.not_after_ts > info.not_before_ts);
        assert_eq!(info.signature_oid, "1.2.840.10045.4.3.2");
        let root = parse(ca.der()).expect("the root");
        assert!(root.self_issued);
        assert!(root.sans.is_empty());
        assert!(parse(&CertificateDer::from(vec![0x30, 0x03, 1, 2, 3])).is_none());
    }

    #[test]
    fn an_exact_name_matches_in_any_case_and_only_itself() {
        let sans = vec!["dinkes.contoh.go.id".to_string()];
        assert!(name_matches(&sans, "DINKES.contoh.go.id"));
        assert!(!name_matches(&sans, "dinsos.contoh.go.id"));
        assert!(!name_matches(&[], "dinkes.contoh.go.id"));
        let wild = vec!["*.contoh.go.id".to_string()];
        assert!(name_matches(&wild, "dinsos.contoh.go.id"));
        assert!(!name_matches(&wild, "dinsos.lain.go.id"));
    }

    #[test]
    fn every_ca_of_the_table_has_its_caa_domain() {
        assert_eq!(ca_domain("DigiCert Inc"), Some("digicert.com"));
        assert_eq!(ca_domain("ZeroSSL"), Some("sectigo.com"));
        assert_eq!(ca_domain("Google Trust Services"), Some("pki.goog"));
    }

    #[test]
    fn validity_is_judged_at_its_edges() {
        let (nb, na) = (1_000 * DAY, 1_200 * DAY);
        let l = leaf(nb, na);
        let v = |now: i64| {
            let o = validity_finding("h", &l, at(now));
            let days = match &o.evidence {
                Evidence::Validity { days_left, .. } => *days_left,
                e => panic!("{e:?}"),
            };
            (o.status, o.risk, days)
        };
        // Expired: one second after not_after; the last second still counts.
        assert_eq!(v(na + 1), (Status::Fail, Risk::Critical, -1));
        assert_eq!(v(na), (Status::Fail, Risk::High, 0));
        // Not yet valid: one second before not_before.
        assert_eq!(v(nb - 1).0, Status::Fail);
        assert_eq!(v(nb - 1).1, Risk::Critical);
        assert_eq!(v(nb), (Status::Pass, Risk::Critical, 200));
        // 30 days left passes; 29 is medium; 14 medium; 13 high.
        assert_eq!(v(na - 30 * DAY), (Status::Pass, Risk::Critical, 30));
        assert_eq!(v(na - 29 * DAY), (Status::Fail, Risk::Medium, 29));
        assert_eq!(v(na - 14 * DAY), (Status::Fail, Risk::Medium, 14));
        assert_eq!(v(na - 13 * DAY), (Status::Fail, Risk::High, 13));
    }

    #[test]
    fn key_sizes_and_signature_hashes_are_judged_at_their_edges() {
        let key = |t: &str, bits: usize| {
            let mut l = leaf(0, 1);
            l.key_type = t.into();
            l.key_bits = bits;
            key_finding("h", &[l], at(0)).status
        };
        assert_eq!(key("RSA", 2047), Status::Fail);
        assert_eq!(key("RSA", 2048), Status::Pass);
        assert_eq!(key("EC", 255), Status::Fail);
        assert_eq!(key("EC", 256), Status::Pass);
        assert_eq!(key("other", 1), Status::Pass);
        let sha1 = |self_issued: bool| {
            let mut root = leaf(0, 1);
            root.signature_oid = "1.2.840.113549.1.1.5".into();
            root.self_issued = self_issued;
            key_finding("h", &[leaf(0, 1), root], at(0)).status
        };
        assert_eq!(sha1(false), Status::Fail, "a SHA-1 signed intermediate");
        assert_eq!(
            sha1(true),
            Status::Pass,
            "a root's own signature is not checked"
        );
    }

    #[test]
    fn a_handshake_gives_every_certificate_verdict_and_a_self_signed_leaf_is_tls005_only() {
        let client = TlsClient::new(Vec::new()).expect("client");
        let mut p = CertificateParams::new(vec!["dinkes.contoh.go.id".to_string()]).expect("p");
        p.distinguished_name.push(DnType::CommonName, "dinkes");
        let key = KeyPair::generate().expect("key");
        let cert = p.self_signed(&key).expect("self-signed");
        let hs = Handshake {
            version: Some("TLSv1_3".into()),
            suite: None,
            alpn: None,
            ms: 1,
            error: None,
            chain: vec![cert.der().clone()],
            ocsp: Vec::new(),
        };
        let info = parse(cert.der()).expect("parse");
        let now = at(info.not_before_ts + DAY);
        let (obs, leaf) = findings(&client, "dinkes.contoh.go.id", &hs, now);
        assert!(leaf.is_some_and(|l| l.self_issued));
        let status = |c: Check| {
            obs.iter()
                .find(|o| o.check == c)
                .map(|o| o.status)
                .unwrap_or_else(|| panic!("no {c}"))
        };
        assert_eq!(status(Check::TLS001), Status::Pass);
        assert_eq!(
            status(Check::TLS002),
            Status::Pass,
            "unknown issuer of a self-signed leaf is TLS005's"
        );
        assert_eq!(status(Check::TLS003), Status::Pass);
        assert_eq!(status(Check::TLS004), Status::Pass);
        assert_eq!(status(Check::TLS005), Status::Fail);
        assert_eq!(status(Check::TLS006), Status::Pass);
        // The same leaf signed by an unknown CA is a chain failure.
        let ca = ca();
        let signed = p.signed_by(&key, &ca).expect("sign");
        let hs = Handshake {
            chain: vec![signed.der().clone()],
            ..hs
        };
        let (obs, _) = findings(&client, "dinkes.contoh.go.id", &hs, now);
        let tls002 = obs
            .iter()
            .find(|o| o.check == Check::TLS002)
            .expect("TLS002");
        assert_eq!(tls002.status, Status::Fail, "{tls002:?}");
    }

    #[test]
    fn maps_issuer_organisation_to_caa_domain() {
        assert_eq!(ca_domain("Let's Encrypt"), Some("letsencrypt.org"));
        assert_eq!(ca_domain("Dinas Rahasia"), None);
    }
}
