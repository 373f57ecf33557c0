use std::collections::HashMap;

use super::*;
use crate::conformance::net::DnsAnswer;

/// An in-memory zone: (name, type) → answer; anything else NXDOMAIN.
struct FakeNet(HashMap<(String, &'static str), DnsAnswer>);

fn key(t: RType) -> &'static str {
    match t {
        RType::A => "A",
        RType::Aaaa => "AAAA",
        RType::Cname => "CNAME",
        RType::Caa => "CAA",
    }
}

impl Net for FakeNet {
    type Stream = tokio::io::DuplexStream;
    async fn query(&self, name: &str, t: RType) -> DnsAnswer {
        self.0
            .get(&(name.to_string(), key(t)))
            .cloned()
            .unwrap_or(DnsAnswer::NxDomain)
    }
    async fn connect(&self, _: std::net::SocketAddr) -> std::io::Result<Self::Stream> {
        Err(std::io::Error::other("no network in unit tests"))
    }
}

fn a(name: &str, ip: &str) -> DnsAnswer {
    DnsAnswer::NoError {
        answers: vec![Rr {
            name: name.into(),
            ttl: 300,
            data: RData::A {
                address: ip.parse().expect("ip"),
            },
        }],
    }
}

fn cname(name: &str, target: &str) -> DnsAnswer {
    DnsAnswer::NoError {
        answers: vec![Rr {
            name: name.into(),
            ttl: 300,
            data: RData::Cname {
                target: target.into(),
            },
        }],
    }
}

fn caa(name: &str, value: &str) -> DnsAnswer {
    DnsAnswer::NoError {
        answers: vec![Rr {
            name: name.into(),
            ttl: 300,
            data: RData::Caa {
                flags: 0,
                tag: "issue".into(),
                value: value.into(),
            },
        }],
    }
}

const D: &str = "kab.go.id";

fn zone(extra: Vec<((&str, &'static str), DnsAnswer)>) -> FakeNet {
    let mut m: HashMap<(String, &'static str), DnsAnswer> = HashMap::new();
    m.insert((D.into(), "CAA"), caa(D, "letsencrypt.org"));
    m.insert(
        ("ok.kab.go.id".into(), "A"),
        a("ok.kab.go.id", "192.0.2.10"),
    );
    m.insert(("ok.kab.go.id".into(), "CNAME"), DnsAnswer::NoData);
    m.insert(("ok.kab.go.id".into(), "AAAA"), DnsAnswer::NoData);
    m.insert(("ok.kab.go.id".into(), "CAA"), DnsAnswer::NoData);
    for ((n, t), v) in extra {
        m.insert((n.into(), t), v);
    }
    FakeNet(m)
}

fn expected() -> Expected {
    Expected {
        addresses: vec!["192.0.2.10".parse().expect("ip")],
        caa_issuers: vec!["letsencrypt.org".into()],
    }
}

fn fails(o: &DnsOutcome) -> Vec<Check> {
    o.findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .map(|f| f.check)
        .collect()
}

fn now() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH
}

#[tokio::test]
async fn healthy_name_passes_everything() {
    let o = check(&zone(vec![]), "ok.kab.go.id", D, &expected(), now()).await;
    assert!(fails(&o).is_empty(), "{:?}", o.findings);
    assert_eq!(
        o.caa.as_ref().map(|(at, _)| at.as_str()),
        Some(D),
        "CAA climbed to the apex"
    );
}

#[tokio::test]
async fn dangling_cname_is_a_takeover_risk_not_a_missing_name() {
    let net = zone(vec![(
        ("old.kab.go.id", "CNAME"),
        cname("old.kab.go.id", "app.gone.example"),
    )]);
    let o = check(&net, "old.kab.go.id", D, &expected(), now()).await;
    assert_eq!(fails(&o), vec![Check::DNS005]);
}

#[tokio::test]
async fn wrong_address_and_resolver_failure_are_told_apart() {
    let net = zone(vec![
        (("x.kab.go.id", "A"), a("x.kab.go.id", "198.51.100.7")),
        (("x.kab.go.id", "CNAME"), DnsAnswer::NoData),
        (
            ("y.kab.go.id", "A"),
            DnsAnswer::Failed {
                reason: "timeout".into(),
            },
        ),
        (
            ("y.kab.go.id", "AAAA"),
            DnsAnswer::Failed {
                reason: "timeout".into(),
            },
        ),
        (
            ("y.kab.go.id", "CNAME"),
            DnsAnswer::Failed {
                reason: "timeout".into(),
            },
        ),
    ]);
    let o = check(&net, "x.kab.go.id", D, &expected(), now()).await;
    assert_eq!(fails(&o), vec![Check::DNS001]);
    let o = check(&net, "y.kab.go.id", D, &expected(), now()).await;
    assert!(
        fails(&o).is_empty(),
        "a timeout is never a failure: {:?}",
        o.findings
    );
    let dns001 = o
        .findings
        .iter()
        .find(|f| f.check == Check::DNS001)
        .expect("DNS001");
    assert_eq!(dns001.status, Status::Inconclusive);
}

#[test]
fn caa_issue_set_authorises_listed_ca_only() {
    let rr = |v: &str| Rr {
        name: D.into(),
        ttl: 1,
        data: RData::Caa {
            flags: 0,
            tag: "issue".into(),
            value: v.into(),
        },
    };
    assert!(caa_authorises(
        &[rr("letsencrypt.org; validationmethods=dns-01")],
        "letsencrypt.org"
    ));
    assert!(!caa_authorises(
        &[rr("pebble.letsencrypt.org")],
        "letsencrypt.org"
    ));
    assert!(!caa_authorises(&[rr(";")], "letsencrypt.org"));
    assert!(caa_authorises(&[], "letsencrypt.org"));
}

#[tokio::test]
async fn without_hosting_addresses_dns001_is_inconclusive_not_a_pass() {
    let net = zone(vec![]);
    let none = Expected {
        addresses: Vec::new(),
        ..expected()
    };
    let o = check(&net, "ok.kab.go.id", D, &none, now()).await;
    let dns001 = o
        .findings
        .iter()
        .find(|f| f.check == Check::DNS001)
        .expect("DNS001");
    assert_eq!(dns001.status, Status::Inconclusive);
    let o = check(&net, "ok.kab.go.id", D, &expected(), now()).await;
    let dns001 = o.findings.iter().find(|f| f.check == Check::DNS001);
    assert_eq!(dns001.map(|f| f.status), Some(Status::Pass));
}
