//! The subdomain decree register against reality (issue #11 item 2):
//! REG001, every registered host has a decree of the register in force
//! (src/decree.rs, the same judgement as DOMAIN-003 of `laman check`);
//! with `--zone-from IP:PORT`, the regency's zone read by zone transfer
//! (AXFR over TCP, RFC 5936) gives REG002, a name in the zone that is not
//! registered, and REG003, a registered name the zone does not hold. A
//! transfer that fails makes REG002/REG003 `inconclusive`, never `fail`.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hickory_resolver::proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_resolver::proto::rr::{Name, RData, RecordType};

use super::{Check, Evidence, Observation, Risk, Status, Target};
use crate::diagnostic::{Bilingual, Lang, RuleFinding};
use crate::profile::Profile;
use crate::text::Localize;

/// The owner names of every record in `domain`'s zone, lower case and
/// without the trailing dot, read by AXFR from `server`; the zone's own
/// name servers (targets of its NS records) are infrastructure, left out.
pub fn transfer(
    server: SocketAddr,
    domain: &str,
    timeout: Duration,
) -> Result<BTreeSet<String>, String> {
    let origin = Name::from_ascii(format!("{}.", domain.trim_end_matches('.')))
        .map_err(|e| e.to_string())?;
    let mut q = Message::new(0x4c4d, MessageType::Query, OpCode::Query);
    q.add_query(Query::query(origin, RecordType::AXFR));
    let bytes = q.to_vec().map_err(|e| e.to_string())?;
    let mut tcp = TcpStream::connect_timeout(&server, timeout).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    let len = u16::try_from(bytes.len()).map_err(|e| e.to_string())?;
    tcp.write_all(&len.to_be_bytes())
        .and_then(|()| tcp.write_all(&bytes))
        .map_err(|e| e.to_string())?;
    let mut names = BTreeSet::new();
    let mut servers = BTreeSet::new();
    let mut soas = 0;
    // A transfer is SOA, records…, SOA, over as many messages as it takes.
    while soas < 2 {
        let mut len = [0u8; 2];
        tcp.read_exact(&mut len).map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; usize::from(u16::from_be_bytes(len))];
        tcp.read_exact(&mut buf).map_err(|e| e.to_string())?;
        let m = Message::from_vec(&buf).map_err(|e| e.to_string())?;
        if m.metadata.response_code != ResponseCode::NoError {
            return Err(format!("{}", m.metadata.response_code));
        }
        if m.answers.is_empty() {
            return Err("empty answer".into());
        }
        for r in &m.answers {
            if r.record_type() == RecordType::SOA {
                soas += 1;
            }
            if let RData::NS(ns) = &r.data {
                servers.insert(plain(&ns.0));
            }
            names.insert(plain(&r.name));
        }
    }
    Ok(names.difference(&servers).cloned().collect())
}

/// `Dinkes.Kab.go.id.` → `dinkes.kab.go.id`.
fn plain(n: &Name) -> String {
    n.to_ascii()
        .to_ascii_lowercase()
        .trim_end_matches('.')
        .to_string()
}

/// The risk of a REG001/REG002 failure: high where the regulation sets
/// every subdomain by a decree (Pangandaran, Bogor), medium elsewhere.
fn risk(profile: Profile) -> Risk {
    if crate::decree::needs_kepala_dinas(profile) {
        Risk::High
    } else {
        Risk::Medium
    }
}

/// REG001 for every target whose decree was judged.
pub fn decrees(targets: &[Target], profile: Profile, now: DateTime<Utc>) -> Vec<Observation> {
    targets
        .iter()
        .filter_map(|t| {
            let judged = t.decree.as_ref()?;
            let (status, text) = match judged {
                Ok(()) => (
                    Status::Pass,
                    Bilingual::new(
                        "ditetapkan dengan SK dalam daftar",
                        "set by a decree of the register",
                    ),
                ),
                Err(why) => {
                    let f = RuleFinding::InvalidDecree {
                        host: t.host.clone(),
                        why: why.clone(),
                    };
                    (
                        Status::Fail,
                        Bilingual::new(f.text(Lang::Id), f.text(Lang::En)),
                    )
                }
            };
            let ev = Evidence::Decree {
                decree: judged.as_ref().err().cloned(),
            };
            Some(
                Observation::new(&t.host, Check::REG001, status, ev, now, text)
                    .with_risk(risk(profile)),
            )
        })
        .collect()
}

/// REG002/REG003 from the zone's names (`Err`: the transfer failed).
pub fn zone(
    zone: &Result<BTreeSet<String>, String>,
    server: SocketAddr,
    targets: &[Target],
    (domain, profile): (&str, Profile),
    now: DateTime<Utc>,
) -> Vec<Observation> {
    let seen_in = format!("AXFR {server}");
    let names = match zone {
        Ok(n) => n,
        Err(e) => {
            let text = Bilingual::new(
                format!("transfer zona dari {server} gagal: {e}"),
                format!("zone transfer from {server} failed: {e}"),
            );
            return [Check::REG002, Check::REG003]
                .into_iter()
                .map(|c| {
                    let ev = Evidence::Zone {
                        source: seen_in.clone(),
                        names: Vec::new(),
                        error: Some(e.clone()),
                    };
                    Observation::new(domain, c, Status::Inconclusive, ev, now, text.clone())
                })
                .collect();
        }
    };
    let registered: BTreeSet<&str> = targets.iter().map(|t| t.host.as_str()).collect();
    let suffix = format!(".{domain}");
    // A name under a registered host (`_acme-challenge.dinkes…`, `x.dinkes…`)
    // belongs to that host; only the label right below the apex is a subdomain.
    let unregistered: Vec<String> = names
        .iter()
        .filter_map(|n| n.strip_suffix(&suffix).map(|l| (n, l)))
        .filter_map(|(_, labels)| labels.rsplit('.').next())
        .filter(|l| !l.starts_with('_') && *l != "*")
        .map(|l| format!("{l}{suffix}"))
        .filter(|h| !registered.contains(h.as_str()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for host in &unregistered {
        let text = Bilingual::new(
            format!(
                "{host} ada di zona DNS ({seen_in}) tetapi tidak terdaftar di laman.toml/sites dan tidak punya SK"
            ),
            format!(
                "{host} is in the DNS zone ({seen_in}) but not registered in laman.toml/sites and has no decree"
            ),
        );
        let ev = Evidence::Zone {
            source: seen_in.clone(),
            names: vec![host.clone()],
            error: None,
        };
        out.push(
            Observation::new(host, Check::REG002, Status::Fail, ev, now, text)
                .with_risk(risk(profile)),
        );
    }
    if unregistered.is_empty() {
        let ev = Evidence::Zone {
            source: seen_in.clone(),
            names: Vec::new(),
            error: None,
        };
        let text = Bilingual::new(
            "setiap nama di zona terdaftar",
            "every name in the zone is registered",
        );
        out.push(Observation::new(
            domain,
            Check::REG002,
            Status::Pass,
            ev,
            now,
            text,
        ));
    }
    for t in targets {
        let there = names.contains(&t.host);
        let text = if there {
            Bilingual::new("ada di zona DNS", "in the DNS zone")
        } else {
            Bilingual::new(
                format!("terdaftar tetapi tidak ada di zona DNS ({seen_in})"),
                format!("registered but not in the DNS zone ({seen_in})"),
            )
        };
        let ev = Evidence::Zone {
            source: seen_in.clone(),
            names: vec![t.host.clone()],
            error: None,
        };
        let status = if there { Status::Pass } else { Status::Fail };
        out.push(Observation::new(
            &t.host,
            Check::REG003,
            status,
            ev,
            now,
            text,
        ));
    }
    out
}
