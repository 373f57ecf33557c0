//! The subdomain decree register against reality (issue #11 item 2):
//! REG001, every registered host has a decree of the register in force
//! (src/decree.rs, the same judgement as DOMAIN-003 of `laman check`);
//! with `--zone-from IP:PORT`, the regency's zone read by zone transfer
//! (AXFR over TCP, RFC 5936) gives REG002, a name in the zone that is not
//! registered, and REG003, a registered name the zone does not hold. A
//! transfer that fails makes REG002/REG003 `inconclusive`, never `fail`.
//! With `--ct FILE` (a Certificate Transparency export), names seen in
//! certificates count for REG002 too.

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

/// The subdomains (one label below the apex) among `names` that no
/// target registers. A name under a registered host (`_acme-challenge.dinkes…`,
/// `x.dinkes…`) belongs to that host; `_…` and `*` labels are no subdomain.
fn unregistered(names: &BTreeSet<String>, targets: &[Target], domain: &str) -> BTreeSet<String> {
    let registered: BTreeSet<&str> = targets.iter().map(|t| t.host.as_str()).collect();
    let suffix = format!(".{domain}");
    names
        .iter()
        .filter_map(|n| n.strip_suffix(&suffix))
        .filter_map(|labels| labels.rsplit('.').next())
        .filter(|l| !l.starts_with('_') && *l != "*")
        .map(|l| format!("{l}{suffix}"))
        .filter(|h| !registered.contains(h.as_str()))
        .collect()
}

/// The names a Certificate Transparency export holds (`--ct FILE`): the
/// JSON array crt.sh and similar services export, each entry's
/// `common_name` and `name_value` (names separated by new lines); a
/// wildcard `*.x` counts as `x`. `Err`: not such an export, with the
/// parser's line and column.
pub fn ct_names(text: &str) -> Result<BTreeSet<String>, String> {
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(default)]
        common_name: Option<String>,
        #[serde(default)]
        name_value: Option<String>,
    }
    let entries: Vec<Entry> = serde_json::from_str(text)
        .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    Ok(entries
        .iter()
        .flat_map(|e| {
            e.common_name
                .iter()
                .chain(&e.name_value)
                .flat_map(|v| v.lines())
                .map(|n| {
                    n.trim()
                        .trim_start_matches("*.")
                        .trim_end_matches('.')
                        .to_ascii_lowercase()
                })
                .filter(|n| !n.is_empty())
                .collect::<Vec<_>>()
        })
        .collect())
}

/// Where names were seen: the zone (`--zone-from`) and a CT export (`--ct`).
#[derive(Debug, Clone, Copy)]
pub struct Sightings<'a> {
    /// The authoritative server and what its zone transfer gave.
    pub zone: Option<(SocketAddr, &'a Result<BTreeSet<String>, String>)>,
    /// The CT export's file name and its names.
    pub ct: Option<(&'a str, &'a BTreeSet<String>)>,
}

/// REG002 (a subdomain seen in the zone or in CT that is not registered,
/// with where it was seen) and REG003 (a registered host the zone lacks).
/// A failed zone transfer makes both inconclusive on the apex.
pub fn sightings(
    seen: Sightings<'_>,
    targets: &[Target],
    (domain, profile): (&str, Profile),
    now: DateTime<Utc>,
) -> Vec<Observation> {
    let mut out = Vec::new();
    let mut sources: Vec<(String, &BTreeSet<String>)> = Vec::new();
    let mut zone_names = None;
    if let Some((server, result)) = seen.zone {
        let source = format!("AXFR {server}");
        match result {
            Ok(names) => {
                sources.push((source, names));
                zone_names = Some(names);
            }
            Err(e) => {
                let text = Bilingual::new(
                    format!("transfer zona dari {server} gagal: {e}"),
                    format!("zone transfer from {server} failed: {e}"),
                );
                for c in [Check::REG002, Check::REG003] {
                    let ev = Evidence::Zone {
                        source: source.clone(),
                        names: Vec::new(),
                        error: Some(e.clone()),
                    };
                    out.push(Observation::new(
                        domain,
                        c,
                        Status::Inconclusive,
                        ev,
                        now,
                        text.clone(),
                    ));
                }
            }
        }
    }
    if let Some((file, names)) = seen.ct {
        sources.push((format!("CT {file}"), names));
    }
    let mut found: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (source, names) in &sources {
        for host in unregistered(names, targets, domain) {
            found.entry(host).or_default().push(source.clone());
        }
    }
    for (host, where_) in &found {
        let w = where_.join(", ");
        let text = Bilingual::new(
            format!(
                "{host} terlihat di {w} tetapi tidak terdaftar di laman.toml/sites dan tidak punya SK"
            ),
            format!(
                "{host} is seen in {w} but not registered in laman.toml/sites and has no decree"
            ),
        );
        let ev = Evidence::Zone {
            source: w.clone(),
            names: vec![host.clone()],
            error: None,
        };
        out.push(
            Observation::new(host, Check::REG002, Status::Fail, ev, now, text)
                .with_risk(risk(profile)),
        );
    }
    if found.is_empty() && !sources.is_empty() {
        let w: Vec<&str> = sources.iter().map(|(s, _)| s.as_str()).collect();
        let ev = Evidence::Zone {
            source: w.join(", "),
            names: Vec::new(),
            error: None,
        };
        let text = Bilingual::new(
            "setiap subdomain yang terlihat terdaftar",
            "every subdomain seen is registered",
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
    let Some(names) = zone_names else {
        return out;
    };
    let source = sources[0].0.clone();
    for t in targets {
        let there = names.contains(&t.host);
        let text = if there {
            Bilingual::new("ada di zona DNS", "in the DNS zone")
        } else {
            Bilingual::new(
                format!("terdaftar tetapi tidak ada di zona DNS ({source})"),
                format!("registered but not in the DNS zone ({source})"),
            )
        };
        let ev = Evidence::Zone {
            source: source.clone(),
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
