//! DNS stage: DNS001 (resolves to the hosting addresses), DNS004 (CNAME
//! chain), DNS005 (dangling CNAME, takeover risk), DNS010 (CAA published,
//! climbed up to the regency apex), DNS012 (wildcard), and the CAA
//! comparison used by DNS011. Queries go through [`Net`]; a resolver
//! failure yields `inconclusive`, never `fail`.

use std::net::IpAddr;

use super::evidence::{Evidence, Probe};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::net::{DnsAnswer, Net, RData, RType, Rr};
use super::{Check, Expected, Observation, Status};
use crate::diagnostic::Bilingual;

/// What the DNS stage found out about one host.
#[derive(Debug, Clone, Default)]
pub struct DnsOutcome {
    /// DNS001/004/005/010/012 findings.
    pub findings: Vec<Observation>,
    /// Addresses the name resolves to (A then AAAA).
    pub addresses: Vec<IpAddr>,
    /// Effective CAA set: `Some((where found, records))`; `None` when none or unknown.
    pub caa: Option<(String, Vec<Rr>)>,
    /// Whether the CAA lookup was conclusive.
    pub caa_known: bool,
}

/// How a CNAME walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum End {
    Exists,
    NxDomain,
    Loop,
    TooLong,
    Failed(String),
}

/// Longest chain accepted by DNS004.
const MAX_CHAIN: usize = 3;

/// Runs the DNS checks of `host`.
pub async fn check<N: Net>(
    net: &N,
    host: &str,
    domain: &str,
    expected: &Expected,
    now: DateTime<Utc>,
) -> DnsOutcome {
    let mut out = DnsOutcome::default();
    let (chain, end) = walk_cnames(net, host).await;
    let dangling = !chain.is_empty() && end == End::NxDomain;
    if !chain.is_empty() {
        chain_findings(&mut out.findings, host, &chain, &end, now);
    }
    let a = net.query(host, RType::A).await;
    let aaaa = net.query(host, RType::Aaaa).await;
    out.addresses = addresses(&a).into_iter().chain(addresses(&aaaa)).collect();
    if !dangling {
        out.findings
            .push(resolves(host, &a, &aaaa, &out.addresses, expected, now));
    }
    out.findings.push(wildcard(net, host, now).await);
    let caa = find_caa(net, host, domain).await;
    out.findings.push(caa_finding(host, &caa, now));
    out.caa_known = caa.is_ok();
    out.caa = caa.ok().flatten();
    out
}

async fn walk_cnames<N: Net>(net: &N, host: &str) -> (Vec<Rr>, End) {
    let mut chain: Vec<Rr> = Vec::new();
    let mut name = host.to_string();
    loop {
        let ans = net.query(&name, RType::Cname).await;
        let next = match ans {
            DnsAnswer::NoError { answers } => answers.into_iter().find(|r| {
                r.name.eq_ignore_ascii_case(&name) && matches!(r.data, RData::Cname { .. })
            }),
            DnsAnswer::NoData => None,
            DnsAnswer::NxDomain => return (chain, End::NxDomain),
            DnsAnswer::Failed { reason } => return (chain, End::Failed(reason)),
        };
        let Some(rr) = next else {
            return (chain, End::Exists);
        };
        let RData::Cname { target } = &rr.data else {
            return (chain, End::Exists);
        };
        let target = target.clone();
        let looped = target == host || chain.iter().any(|r| r.name == target);
        chain.push(rr);
        if looped {
            return (chain, End::Loop);
        }
        if chain.len() > MAX_CHAIN + 5 {
            return (chain, End::TooLong);
        }
        name = target;
    }
}

fn chain_findings(
    out: &mut Vec<Observation>,
    host: &str,
    chain: &[Rr],
    end: &End,
    now: DateTime<Utc>,
) {
    let target = chain.last().map(|r| match &r.data {
        RData::Cname { target } => target.clone(),
        _ => String::new(),
    });
    let ev = Evidence::Cname {
        chain: chain.to_vec(),
        end: format!("{end:?}"),
        target: target.clone(),
    };
    let t = target.unwrap_or_default();
    let (s5, m5) = match end {
        End::NxDomain => (
            Status::Fail,
            Bilingual::new(
                format!(
                    "CNAME menggantung: tujuan {t} tidak ada (NXDOMAIN), risiko pengambilalihan subdomain"
                ),
                format!(
                    "dangling CNAME: target {t} does not exist (NXDOMAIN), subdomain takeover risk"
                ),
            ),
        ),
        End::Failed(r) => (
            Status::Inconclusive,
            Bilingual::new(
                format!("tujuan CNAME tidak dapat diperiksa: {r}"),
                format!("CNAME target could not be checked: {r}"),
            ),
        ),
        _ => (
            Status::Pass,
            Bilingual::new(
                format!("tujuan CNAME {t} ada"),
                format!("CNAME target {t} exists"),
            ),
        ),
    };
    out.push(Observation::new(
        host,
        Check::DNS005,
        s5,
        ev.clone(),
        now,
        m5,
    ));
    if *end == End::NxDomain {
        return;
    }
    let (s4, m4) = match end {
        End::Loop => (
            Status::Fail,
            Bilingual::new("rantai CNAME berputar", "CNAME chain loops"),
        ),
        End::Failed(_) => (
            Status::Inconclusive,
            Bilingual::new("rantai CNAME tidak terjawab", "CNAME chain not answered"),
        ),
        _ if chain.len() > MAX_CHAIN || *end == End::TooLong => (
            Status::Fail,
            Bilingual::new(
                format!("rantai CNAME {} langkah (maks. {MAX_CHAIN})", chain.len()),
                format!("CNAME chain of {} hops (max {MAX_CHAIN})", chain.len()),
            ),
        ),
        _ => (
            Status::Pass,
            Bilingual::new(
                format!("rantai CNAME {} langkah", chain.len()),
                format!("CNAME chain of {} hops", chain.len()),
            ),
        ),
    };
    out.push(Observation::new(host, Check::DNS004, s4, ev, now, m4));
}

fn addresses(a: &DnsAnswer) -> Vec<IpAddr> {
    match a {
        DnsAnswer::NoError { answers } => answers
            .iter()
            .filter_map(|r| match r.data {
                RData::A { address } => Some(IpAddr::V4(address)),
                RData::Aaaa { address } => Some(IpAddr::V6(address)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn resolves(
    host: &str,
    a: &DnsAnswer,
    aaaa: &DnsAnswer,
    addrs: &[IpAddr],
    expected: &Expected,
    now: DateTime<Utc>,
) -> Observation {
    let ev = Evidence::Addresses {
        a: a.clone(),
        aaaa: aaaa.clone(),
        expected: expected.addresses.clone(),
    };
    let failed = |x: &DnsAnswer| matches!(x, DnsAnswer::Failed { .. });
    let (status, msg) = if addrs.is_empty() {
        if failed(a) || failed(aaaa) {
            (
                Status::Inconclusive,
                Bilingual::new("resolver gagal menjawab", "the resolver did not answer"),
            )
        } else if matches!(a, DnsAnswer::NxDomain) {
            (
                Status::Fail,
                Bilingual::new(
                    "nama tidak ada di DNS (NXDOMAIN)",
                    "the name does not exist (NXDOMAIN)",
                ),
            )
        } else {
            (
                Status::Fail,
                Bilingual::new("tidak ada rekaman A/AAAA", "no A/AAAA record"),
            )
        }
    } else if expected.addresses.is_empty() {
        // laman.toml `[hosting]` has no address yet (still `ISI: …`, or
        // none written): there is nothing to compare with, which is not a pass.
        (
            Status::Inconclusive,
            Bilingual::new(
                "laman.toml [hosting] belum berisi alamat server (ipv4/ipv6) untuk dibandingkan",
                "laman.toml [hosting] names no server address (ipv4/ipv6) to compare with",
            ),
        )
    } else {
        let wrong: Vec<String> = addrs
            .iter()
            .filter(|ip| !expected.addresses.contains(ip))
            .map(ToString::to_string)
            .collect();
        if wrong.is_empty() {
            (
                Status::Pass,
                Bilingual::new(
                    "resolve ke server hosting",
                    "resolves to the hosting server",
                ),
            )
        } else {
            let w = wrong.join(", ");
            (
                Status::Fail,
                Bilingual::new(
                    format!("menunjuk ke {w}, bukan server hosting"),
                    format!("points to {w}, not the hosting server"),
                ),
            )
        }
    };
    Observation::new(host, Check::DNS001, status, ev, now, msg)
}

/// Two labels no one registers, derived from host and time.
fn random_labels(host: &str, now: DateTime<Utc>) -> [String; 2] {
    let d = Sha256::digest(format!("{host}{}", now.timestamp_nanos_opt().unwrap_or(0)));
    let hex = crate::output::hex(&d);
    [
        format!("laman-{}", &hex[..12]),
        format!("laman-{}", &hex[12..24]),
    ]
}

async fn wildcard<N: Net>(net: &N, host: &str, now: DateTime<Utc>) -> Observation {
    let mut answers = Vec::new();
    let mut status = Status::Pass;
    for label in random_labels(host, now) {
        let name = format!("{label}.{host}");
        let ans = net.query(&name, RType::A).await;
        match &ans {
            DnsAnswer::NoError { answers } if !answers.is_empty() => status = Status::Fail,
            DnsAnswer::Failed { .. } if status == Status::Pass => status = Status::Inconclusive,
            _ => {}
        }
        answers.push(Probe { name, answer: ans });
    }
    let msg = match status {
        Status::Fail => Bilingual::new(
            format!("label acak di bawah {host} resolve: ada rekaman wildcard"),
            format!("random labels under {host} resolve: wildcard record"),
        ),
        Status::Pass => Bilingual::new("label acak tidak resolve", "random labels do not resolve"),
        Status::Inconclusive => {
            Bilingual::new("resolver gagal menjawab", "the resolver did not answer")
        }
    };
    Observation::new(
        host,
        Check::DNS012,
        status,
        Evidence::Wildcard { probes: answers },
        now,
        msg,
    )
}

/// The effective CAA set: climbs from `host` up to `domain`.
/// `Err` = a resolver failure on the way.
async fn find_caa<N: Net>(
    net: &N,
    host: &str,
    domain: &str,
) -> Result<Option<(String, Vec<Rr>)>, String> {
    let mut name = host.to_string();
    loop {
        match net.query(&name, RType::Caa).await {
            DnsAnswer::NoError { answers } => {
                let caa: Vec<Rr> = answers
                    .into_iter()
                    .filter(|r| matches!(r.data, RData::Caa { .. }))
                    .collect();
                if !caa.is_empty() {
                    return Ok(Some((name, caa)));
                }
            }
            DnsAnswer::NoData | DnsAnswer::NxDomain => {}
            DnsAnswer::Failed { reason } => return Err(reason),
        }
        if name == domain || !name.ends_with(domain) {
            return Ok(None);
        }
        match name.split_once('.') {
            Some((_, parent)) => name = parent.to_string(),
            None => return Ok(None),
        }
    }
}

/// The issuer domain of a CAA `issue` value (`letsencrypt.org; x=y` → `letsencrypt.org`).
pub fn issue_domain(value: &str) -> Option<String> {
    let d = value.split(';').next()?.trim().to_ascii_lowercase();
    let ok = d
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    ok.then_some(d)
}

fn caa_valid(r: &Rr) -> bool {
    match &r.data {
        RData::Caa { flags, tag, value } => match tag.to_ascii_lowercase().as_str() {
            "issue" | "issuewild" => issue_domain(value).is_some(),
            "iodef" => {
                value.starts_with("mailto:")
                    || value.starts_with("https:")
                    || value.starts_with("http:")
            }
            _ => flags & 128 == 0,
        },
        _ => true,
    }
}

fn caa_finding(
    host: &str,
    caa: &Result<Option<(String, Vec<Rr>)>, String>,
    now: DateTime<Utc>,
) -> Observation {
    let (status, ev, msg) = match caa {
        Err(r) => (
            Status::Inconclusive,
            Evidence::Error { error: r.clone() },
            Bilingual::new("resolver gagal menjawab", "the resolver did not answer"),
        ),
        Ok(None) => (
            Status::Fail,
            Evidence::Caa {
                found_at: None,
                caa: Vec::new(),
                invalid: None,
            },
            Bilingual::new("tidak ada rekaman CAA", "no CAA record"),
        ),
        Ok(Some((at, rrs))) => {
            let bad: Vec<&Rr> = rrs.iter().filter(|r| !caa_valid(r)).collect();
            let ev = Evidence::Caa {
                found_at: Some(at.clone()),
                caa: rrs.clone(),
                invalid: Some(bad.iter().map(|r| (*r).clone()).collect()),
            };
            if bad.is_empty() {
                (
                    Status::Pass,
                    ev,
                    Bilingual::new(
                        format!("CAA berlaku dari {at}"),
                        format!("CAA in effect from {at}"),
                    ),
                )
            } else {
                (
                    Status::Fail,
                    ev,
                    Bilingual::new("rekaman CAA tidak valid", "invalid CAA record"),
                )
            }
        }
    };
    Observation::new(host, Check::DNS010, status, ev, now, msg)
}

/// Whether a CAA set lets `ca` (`letsencrypt.org`) issue a certificate for a non-wildcard name.
pub fn caa_authorises(caa: &[Rr], ca: &str) -> bool {
    let issue: Vec<&str> = caa
        .iter()
        .filter_map(|r| match &r.data {
            RData::Caa { tag, value, .. } if tag.eq_ignore_ascii_case("issue") => {
                Some(value.as_str())
            }
            _ => None,
        })
        .collect();
    issue.is_empty() || issue.iter().any(|v| issue_domain(v).as_deref() == Some(ca))
}

#[cfg(test)]
mod tests;
