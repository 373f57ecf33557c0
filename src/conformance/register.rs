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

/// A zone file (RFC 1035 master file) that does not parse: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneFileError {
    /// 1-based line of the record that fails.
    pub line: usize,
    /// 1-based column (of the token the parser stopped at, when it can be
    /// found on that line; else the record's first character).
    pub column: usize,
    /// The parser's words (hickory-proto).
    pub detail: String,
}

/// The owner names of `domain`'s zone written as an RFC 1035 master file
/// (`--zone-file`), lower case and without the trailing dot, its name
/// servers left out as in [`transfer`]. Parsed by hickory-proto's zone
/// parser (`$ORIGIN` defaults to `domain`; a relative `$INCLUDE` is
/// resolved beside `path`). A file that does not parse is an error at the
/// line and column of the first record that fails.
pub fn zone_file(
    text: &str,
    path: &std::path::Path,
    domain: &str,
) -> Result<BTreeSet<String>, ZoneFileError> {
    let origin = Name::from_ascii(format!("{}.", domain.trim_end_matches('.'))).map_err(|e| {
        ZoneFileError {
            line: 1,
            column: 1,
            detail: e.to_string(),
        }
    })?;
    let parse = |t: &str| {
        hickory_resolver::proto::serialize::txt::Parser::new(
            t.to_string(),
            Some(path.to_path_buf()),
            Some(origin.clone()),
        )
        .parse()
    };
    let records = match parse(text) {
        Ok((_, records)) => records,
        Err(e) => return Err(locate(text, &e.to_string(), parse_fails(&parse))),
    };
    let mut names = BTreeSet::new();
    let mut servers = BTreeSet::new();
    for set in records.values() {
        names.insert(plain(set.name()));
        for r in set.records_without_rrsigs() {
            if let RData::NS(ns) = &r.data {
                servers.insert(plain(&ns.0));
            }
        }
    }
    Ok(names.difference(&servers).cloned().collect())
}

/// `parse` as "does this prefix fail".
fn parse_fails<T, E>(parse: &impl Fn(&str) -> Result<T, E>) -> impl Fn(&str) -> bool + '_ {
    move |t| parse(t).is_err()
}

/// Offsets where a record may end: after a newline outside parentheses
/// and quotes (`;` comments to the end of the line).
fn record_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let (mut depth, mut quoted, mut comment) = (0i32, false, false);
    for (i, c) in text.char_indices() {
        match c {
            '\n' => {
                comment = false;
                if depth <= 0 && !quoted {
                    ends.push(i + 1);
                }
            }
            _ if comment => {}
            '"' => quoted = !quoted,
            ';' if !quoted => comment = true,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            _ => {}
        }
    }
    if ends.last() != Some(&text.len()) {
        ends.push(text.len());
    }
    ends
}

/// The record the parser stops at: the shortest prefix (in whole
/// records) that fails, found by bisection (a prefix that fails keeps
/// failing when records are added); its first line with text, and the
/// column of the token the error names when it is on that line.
fn locate(text: &str, detail: &str, fails: impl Fn(&str) -> bool) -> ZoneFileError {
    let ends = record_ends(text);
    let (mut lo, mut hi) = (0, ends.len() - 1);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if fails(&text[..ends[mid]]) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let start = if lo == 0 { 0 } else { ends[lo - 1] };
    let record = &text[start..ends[lo]];
    // The first line of the record that is neither blank nor a comment.
    let mut offset = start;
    for line in record.split_inclusive('\n') {
        let t = line.trim();
        if !t.is_empty() && !t.starts_with(';') {
            break;
        }
        offset += line.len();
    }
    let line_text = text[offset..].lines().next().unwrap_or_default();
    let first = line_text.len() - line_text.trim_start().len();
    // hickory names the token as CharData("xyz") or the like: point at it;
    // else at the record type when it is unknown, else at the data after it.
    let token = detail
        .split('"')
        .nth(1)
        .filter(|t| !t.is_empty())
        .and_then(|t| line_text.find(t))
        .or_else(|| rdata_column(line_text));
    let at = offset + token.unwrap_or(first);
    let (line, column) = crate::diagnostic::line_col(text, at);
    ZoneFileError {
        line,
        column,
        detail: detail.to_string(),
    }
}

/// In a record line `[name] [ttl] [class] type data…`: the byte offset of
/// the type when hickory does not know it, else of the data after it.
fn rdata_column(line: &str) -> Option<usize> {
    use std::str::FromStr as _;
    let mut tokens = line
        .match_indices(|c: char| !c.is_whitespace())
        .filter(|(i, _)| *i == 0 || line[..*i].ends_with(char::is_whitespace))
        .map(|(i, _)| (i, line[i..].split_whitespace().next().unwrap_or_default()));
    if !line.starts_with(char::is_whitespace) {
        tokens.next(); // the owner name
    }
    let class = |t: &str| ["IN", "CH", "HS", "CS"].contains(&t.to_ascii_uppercase().as_str());
    let ttl = |t: &str| t.starts_with(|c: char| c.is_ascii_digit());
    let (at, kind) = tokens.by_ref().find(|(_, t)| !class(t) && !ttl(t))?;
    if RecordType::from_str(&kind.to_ascii_uppercase()).is_err() {
        return Some(at);
    }
    tokens.next().map(|(i, _)| i)
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

/// Where the zone was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneSource {
    /// By zone transfer from this authoritative server (`--zone-from`).
    Transfer(SocketAddr),
    /// From this RFC 1035 master file, as given (`--zone-file`).
    File(String),
}

impl ZoneSource {
    /// As findings name it: `AXFR 192.0.2.53:53`, or the file.
    pub fn shown(&self) -> String {
        match self {
            ZoneSource::Transfer(server) => format!("AXFR {server}"),
            ZoneSource::File(path) => path.clone(),
        }
    }
}

/// Where names were seen: the zone (`--zone-from`, `--zone-file`) and a
/// CT export (`--ct`).
#[derive(Debug, Clone, Copy)]
pub struct Sightings<'a> {
    /// Where the zone was read and what it gave.
    pub zone: Option<(&'a ZoneSource, &'a Result<BTreeSet<String>, String>)>,
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
    if let Some((from, result)) = seen.zone {
        let source = from.shown();
        let server = match from {
            ZoneSource::Transfer(server) => server.to_string(),
            ZoneSource::File(path) => path.clone(),
        };
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

#[cfg(test)]
mod zone_file_tests {
    use super::*;

    const HEAD: &str = "$TTL 300\n@ IN SOA ns1 hostmaster (\n    2026112301 ; serial\n    3600 600 604800 60 )\n@ IN NS ns1\nns1 IN A 192.0.2.53\n";

    fn read(text: &str) -> Result<BTreeSet<String>, ZoneFileError> {
        zone_file(text, std::path::Path::new("k.zone"), "k.go.id")
    }

    #[test]
    fn a_zone_file_gives_its_owner_names_without_its_name_servers() {
        let text = format!(
            "{HEAD}; agencies\ndinkes IN A 192.0.2.10\nLPSE 3600 IN CNAME dinkes\nwww.k.go.id. IN AAAA 2001:db8::1\n_acme-challenge.lpse IN TXT \"a b\"\n"
        );
        let names = read(&text).expect("parses");
        let want: BTreeSet<String> = [
            "k.go.id",
            "dinkes.k.go.id",
            "lpse.k.go.id",
            "www.k.go.id",
            "_acme-challenge.lpse.k.go.id",
        ]
        .into_iter()
        .map(str::to_string)
        .collect();
        assert_eq!(names, want);
    }

    #[test]
    fn a_malformed_zone_file_is_an_error_at_the_line_and_column_of_the_bad_record() {
        // Line 9: an address that is no IPv4 address.
        let text =
            format!("{HEAD}dinkes IN A 192.0.2.10\n\nlpse   IN A 999.0.2.1\nwww IN A 192.0.2.11\n");
        let e = read(&text).expect_err("malformed");
        assert_eq!((e.line, e.column), (9, 13), "{e:?}");
        // Line 8: an unknown record type.
        let text = format!("{HEAD}dinkes IN A 192.0.2.10\nlpse IN BUKAN x\n");
        let e = read(&text).expect_err("malformed");
        assert_eq!((e.line, e.column), (8, 9), "{e:?}");
        // Indented, a line continues the previous owner (RFC 1035 §5.1):
        // `lpse` is then read as the type, and that is where it points.
        let text = format!("{HEAD}dinkes IN A 192.0.2.10\n  lpse IN A 192.0.2.1\n");
        let e = read(&text).expect_err("malformed");
        assert_eq!((e.line, e.column), (8, 3), "{e:?}");
        assert!(!e.detail.is_empty());
        // An SOA whose parenthesis never closes: reported at its first line.
        let e = read("$TTL 300\n@ IN SOA ns1 hostmaster ( 1 2 3 4 5\n@ IN NS ns1\n")
            .expect_err("malformed");
        assert_eq!(e.line, 2, "{e:?}");
    }
}
