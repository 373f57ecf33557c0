//! The periodic report per agency (OPS-003, `laman laporan --periode`):
//! the stored history (`crate::history`) of one month or quarter turned
//! into what each agency did and what the Bupati needs to see — findings
//! opened and fixed, how many days each error stayed open, availability
//! from the nightly runs, the findings that carry a sanction with their
//! article. Pure: history in, [`PeriodReport`] out; `html` renders it.

pub mod html;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::conformance::{Check, Risk, Status};
use crate::diagnostic::Severity;
use crate::history::{History, Unreadable};

/// Schema of `ringkasan.json` (and of each agency's JSON).
pub const SCHEMA: &str = "laman/laporan-periode/1";

/// The owner of findings that belong to no site (laman.toml): Diskominfo.
/// An underscore is never a site folder (a DNS label), so it cannot collide.
pub const REGENCY: &str = "_kabupaten";

/// A month (`2026-11`) or a quarter (`2026-Q4`) in the regency's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// As written on the command line, normalised (`2026-11`, `2026-Q4`).
    pub label: String,
    /// As a person says it (`November 2026`, `Triwulan IV 2026`).
    pub title: String,
    /// Its first day.
    #[serde(serialize_with = "day")]
    pub first: NaiveDate,
    /// Its last day.
    #[serde(serialize_with = "day")]
    pub last: NaiveDate,
}

fn day<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.format("%Y-%m-%d").to_string())
}

/// Why a period could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--periode {0}: expected a month YYYY-MM or a quarter YYYY-Qn, such as 2026-11 or 2026-Q4")]
pub struct BadPeriod(pub String);

use crate::content::date::BULAN as MONTHS;

impl Period {
    /// Reads `2026-11` or `2026-Q4` (also `q4`).
    pub fn parse(text: &str) -> Result<Period, BadPeriod> {
        let bad = || BadPeriod(text.to_string());
        let t = text.trim();
        let (y, rest) = t.split_once('-').ok_or_else(bad)?;
        let year: i32 = y
            .parse()
            .ok()
            .filter(|n| (2000..=2999).contains(n) && y.len() == 4)
            .ok_or_else(bad)?;
        let day = |m: u32| NaiveDate::from_ymd_opt(year, m, 1).ok_or_else(bad);
        let next = |m: u32| {
            if m == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, m + 1, 1)
            }
            .and_then(|d| d.pred_opt())
            .ok_or_else(bad)
        };
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            let q: u32 = q
                .parse()
                .ok()
                .filter(|q| (1..=4).contains(q))
                .ok_or_else(bad)?;
            let roman = ["I", "II", "III", "IV"][q as usize - 1];
            return Ok(Period {
                label: format!("{year}-Q{q}"),
                title: format!("Triwulan {roman} {year}"),
                first: day(q * 3 - 2)?,
                last: next(q * 3)?,
            });
        }
        let m: u32 = rest
            .parse()
            .ok()
            .filter(|m| (1..=12).contains(m) && rest.len() == 2)
            .ok_or_else(bad)?;
        Ok(Period {
            label: format!("{year}-{m:02}"),
            title: format!("{} {year}", MONTHS[m as usize - 1]),
            first: day(m)?,
            last: next(m)?,
        })
    }

    /// Its start and end (exclusive) as instants, in the regency's time zone.
    pub fn bounds(&self, offset: FixedOffset) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |d: NaiveDate| {
            offset
                .from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .map(|t| t.to_utc())
                .unwrap_or_else(|| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        };
        let end = self.last.succ_opt().unwrap_or(self.last);
        (at(self.first), at(end))
    }
}

/// One check finding as the history holds it (a `laman/check/1` finding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule ID.
    pub rule: String,
    /// Severity when it was found.
    pub severity: Severity,
    /// The file.
    pub file: String,
    /// Line, when the finding has one.
    #[serde(default)]
    pub line: Option<usize>,
    /// What was wrong (Bahasa Indonesia).
    pub message: String,
    /// The legal basis, as shown.
    #[serde(default)]
    pub basis: Vec<String>,
    /// The sanctions, as shown.
    #[serde(default)]
    pub sanctions: Vec<String>,
}

#[derive(Deserialize)]
struct Shown {
    text: String,
}

#[derive(Deserialize)]
struct StoredFinding {
    rule: String,
    severity: Severity,
    #[serde(default)]
    site: Option<String>,
    #[serde(default)]
    file: String,
    #[serde(default)]
    line: Option<usize>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    basis: Vec<Shown>,
    #[serde(default)]
    sanctions: Vec<Shown>,
}

#[derive(Deserialize)]
struct StoredSite {
    site: String,
    #[serde(default)]
    host: Option<String>,
}

/// What one publish says about each site: its findings (keyed by what
/// stays the same while a finding is open: rule, file, message).
struct Snapshot {
    when: DateTime<Utc>,
    /// Site folders the build held (and [`REGENCY`]).
    sites: BTreeMap<String, Option<String>>,
    blocked: BTreeSet<String>,
    findings: BTreeMap<String, BTreeMap<Key, Finding>>,
}

type Key = (String, String, String);

fn snapshot(c: &crate::history::CheckRecord) -> Snapshot {
    let sites: Vec<StoredSite> = c
        .check
        .get("sites")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let mut out = Snapshot {
        when: c.when,
        sites: sites.into_iter().map(|s| (s.site, s.host)).collect(),
        blocked: c.blocked.iter().cloned().collect(),
        findings: BTreeMap::new(),
    };
    out.sites.insert(REGENCY.to_string(), None);
    let stored = c
        .check
        .get("findings")
        .and_then(|v| v.as_array())
        .map(Vec::as_slice)
        .unwrap_or_default();
    for f in stored {
        // A finding this version cannot read is skipped, not fatal.
        let Ok(f) = serde_json::from_value::<StoredFinding>(f.clone()) else {
            continue;
        };
        let owner = f.site.unwrap_or_else(|| REGENCY.to_string());
        let key = (f.rule.clone(), f.file.clone(), f.message.clone());
        out.findings.entry(owner).or_default().insert(
            key,
            Finding {
                rule: f.rule,
                severity: f.severity,
                file: f.file,
                line: f.line,
                message: f.message,
                basis: f.basis.into_iter().map(|b| b.text).collect(),
                sanctions: f.sanctions.into_iter().map(|s| s.text).collect(),
            },
        );
    }
    out
}

/// A finding from the first publish that showed it to the first that did
/// not (or still open).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Episode {
    /// The finding as last shown.
    #[serde(flatten)]
    pub finding: Finding,
    /// First publish that showed it.
    #[serde(serialize_with = "crate::conformance::rfc3339::serialize")]
    pub opened: DateTime<Utc>,
    /// First publish that no longer showed it.
    #[serde(serialize_with = "crate::conformance::rfc3339::option::serialize")]
    pub fixed: Option<DateTime<Utc>>,
    /// Whole days it stayed open, up to its fix or the end of the period.
    pub days_open: i64,
    /// Still open when the period ended.
    pub open_at_end: bool,
}

/// Availability from the nightly runs of the period: a night counts as
/// *measured* for a host when DNS001 or TLS001 was pass or fail (not only
/// inconclusive), and as *available* when neither failed (the name
/// resolves and the HTTPS handshake completes).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Availability {
    /// Nights that checked the agency's hosts.
    pub nights: usize,
    /// Host-nights measured.
    pub measured: usize,
    /// Host-nights available.
    pub available: usize,
    /// `available / measured` in percent, when anything was measured.
    pub percent: Option<f64>,
}

/// A failing nightly check on the last night of the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NightFail {
    /// Host.
    pub host: String,
    /// Check.
    pub check: Check,
    /// Risk.
    pub risk: Risk,
    /// What was wrong (Bahasa Indonesia).
    pub message: String,
    /// The basis under the profile, as shown.
    pub basis: Vec<String>,
}

/// Counts of a publish's findings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

/// One agency's period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgencyReport {
    /// Site folder ([`REGENCY`] for laman.toml's own findings).
    pub slug: String,
    /// Official name, when known.
    pub name: Option<String>,
    /// Its hosts.
    pub hosts: Vec<String>,
    /// Publishes in the period that held the site.
    pub publishes: usize,
    /// Of those, how many held it back (blocked by the gate).
    pub blocked: usize,
    /// Its findings at the period's end (the last publish before it).
    pub at_end: Option<Counts>,
    /// Findings first shown in the period.
    pub opened: Vec<Episode>,
    /// Findings fixed in the period.
    pub fixed: Vec<Episode>,
    /// Every error open at some time in the period, longest open first.
    pub errors: Vec<Episode>,
    /// Findings open in the period whose duty carries a sanction.
    pub sanctionable: Vec<Episode>,
    /// From the nightly runs.
    pub availability: Availability,
    /// Failing nightly checks on the period's last night.
    pub night_fails: Vec<NightFail>,
}

impl AgencyReport {
    /// The longest an error stayed open in the period, in days.
    pub fn longest_error(&self) -> Option<i64> {
        self.errors.iter().map(|e| e.days_open).max()
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodReport {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// The regency's name.
    pub regency: String,
    /// Profile code.
    pub profile: String,
    /// The period.
    pub period: Period,
    /// When the report was made.
    #[serde(serialize_with = "crate::conformance::rfc3339::serialize")]
    pub generated: DateTime<Utc>,
    /// The regency's UTC offset (`+07:00`), for the times shown.
    pub utc_offset: String,
    /// The oldest record of the history.
    #[serde(serialize_with = "crate::conformance::rfc3339::option::serialize")]
    pub history_since: Option<DateTime<Utc>>,
    /// Publishes in the period.
    pub publishes: usize,
    /// Nightly runs in the period.
    pub nights: usize,
    /// The basis of the periodic-reporting duty (OPS-003) under the profile.
    pub basis: Vec<String>,
    /// Its sanctions under the profile.
    pub sanctions: Vec<String>,
    /// One per agency, in folder order ([`REGENCY`] last).
    pub agencies: Vec<AgencyReport>,
    /// History files that could not be read.
    pub unreadable: Vec<Unreadable>,
}

/// What the report needs besides the history.
#[derive(Debug, Clone)]
pub struct Context {
    /// The regency's name.
    pub regency: String,
    /// Profile code.
    pub profile: String,
    /// The regency's time zone.
    pub offset: FixedOffset,
    /// Now (a period that has not ended is reported up to now).
    pub now: DateTime<Utc>,
    /// Today's agencies: folder → (official name, hosts).
    pub agencies: BTreeMap<String, (Option<String>, Vec<String>)>,
    /// OPS-003's basis under the profile, as shown.
    pub basis: Vec<String>,
    /// OPS-003's sanctions under the profile, as shown.
    pub sanctions: Vec<String>,
}

fn days(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_days().max(0)
}

/// The finding episodes of `slug` over every snapshot that held the site.
fn episodes(snaps: &[Snapshot], slug: &str) -> Vec<Episode> {
    let mut open: BTreeMap<Key, Episode> = BTreeMap::new();
    let mut done = Vec::new();
    let empty = BTreeMap::new();
    for s in snaps.iter().filter(|s| s.sites.contains_key(slug)) {
        let now = s.findings.get(slug).unwrap_or(&empty);
        let gone: Vec<Key> = open
            .keys()
            .filter(|k| !now.contains_key(*k))
            .cloned()
            .collect();
        for k in gone {
            if let Some(mut e) = open.remove(&k) {
                e.fixed = Some(s.when);
                done.push(e);
            }
        }
        for (k, f) in now {
            open.entry(k.clone())
                .and_modify(|e| e.finding = f.clone())
                .or_insert_with(|| Episode {
                    finding: f.clone(),
                    opened: s.when,
                    fixed: None,
                    days_open: 0,
                    open_at_end: false,
                });
        }
    }
    done.extend(open.into_values());
    done
}

fn availability(nights: &[&crate::history::NightRecord], hosts: &[String]) -> Availability {
    let mut a = Availability::default();
    for n in nights {
        let mine: Vec<&String> = hosts
            .iter()
            .filter(|h| n.hosts.iter().any(|x| &x.host == *h))
            .collect();
        if mine.is_empty() {
            continue;
        }
        a.nights += 1;
        for h in mine {
            let seen: Vec<Status> = n
                .findings
                .iter()
                .filter(|f| &f.host == h && matches!(f.check, Check::DNS001 | Check::TLS001))
                .map(|f| f.status)
                .collect();
            if seen.iter().all(|s| *s == Status::Inconclusive) {
                continue;
            }
            a.measured += 1;
            if !seen.contains(&Status::Fail) {
                a.available += 1;
            }
        }
    }
    if a.measured > 0 {
        a.percent = Some(a.available as f64 * 100.0 / a.measured as f64);
    }
    a
}

/// Whether `slug` can name the agency's files (`<slug>.html`) and links:
/// a site folder's name (letters, digits, `-`, `_`, `.`, not starting with
/// a dot) or [`REGENCY`]. No separator, no `..`, no scheme.
fn is_file_stem(slug: &str) -> bool {
    (1..=200).contains(&slug.len())
        && !slug.starts_with('.')
        && slug
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The report of `period` from `history`.
pub fn compute(history: &History, period: &Period, cx: &Context) -> PeriodReport {
    let (start, end) = period.bounds(cx.offset);
    let until = end.min(cx.now);
    let snaps: Vec<Snapshot> = history.checks.iter().map(snapshot).collect();
    let in_period = |t: DateTime<Utc>| t >= start && t < end;
    let nights: Vec<&crate::history::NightRecord> = history
        .nights
        .iter()
        .filter(|n| in_period(n.when))
        .collect();

    // Agencies: today's, then any the history names (a site since removed,
    // an application's subdomain), then laman.toml's own findings.
    let mut agencies: BTreeMap<String, (Option<String>, BTreeSet<String>)> = cx
        .agencies
        .iter()
        .map(|(k, (n, h))| (k.clone(), (n.clone(), h.iter().cloned().collect())))
        .collect();
    for s in snaps.iter().filter(|s| s.when < end) {
        for (slug, host) in &s.sites {
            let e = agencies.entry(slug.clone()).or_default();
            e.1.extend(host.iter().cloned());
        }
    }
    for n in &nights {
        for h in &n.hosts {
            agencies
                .entry(h.owner.clone())
                .or_default()
                .1
                .insert(h.host.clone());
        }
    }
    agencies.entry(REGENCY.to_string()).or_default();

    let mut out: Vec<AgencyReport> = Vec::new();
    for (slug, (name, hosts)) in agencies {
        // The agency's name becomes a file name and a link of the report:
        // a record that names anything else (`../x`, `javascript:…`) was
        // not written by laman and is left out.
        if !is_file_stem(&slug) {
            continue;
        }
        let hosts: Vec<String> = hosts.into_iter().collect();
        let held: Vec<&Snapshot> = snaps
            .iter()
            .filter(|s| s.sites.contains_key(&slug))
            .collect();
        let publishes = held.iter().filter(|s| in_period(s.when)).count();
        let blocked = held
            .iter()
            .filter(|s| in_period(s.when) && s.blocked.contains(&slug))
            .count();
        let at_end = held.iter().rev().find(|s| s.when < end).map(|s| {
            let mut c = Counts::default();
            for f in s.findings.get(&slug).into_iter().flat_map(|m| m.values()) {
                match f.severity {
                    Severity::Error => c.errors += 1,
                    Severity::Warning => c.warnings += 1,
                    Severity::Info => c.infos += 1,
                }
            }
            c
        });
        let mut all = episodes(&snaps, &slug);
        // Open at some time in the period: opened before its end, and not
        // fixed before its start.
        all.retain(|e| e.opened < end && e.fixed.is_none_or(|f| f > start));
        for e in &mut all {
            e.open_at_end = e.fixed.is_none_or(|f| f >= end);
            let to = match e.fixed {
                Some(f) if f < until => f,
                _ => until,
            };
            e.days_open = days(e.opened, to);
        }
        let opened: Vec<Episode> = all
            .iter()
            .filter(|e| in_period(e.opened))
            .cloned()
            .collect();
        let fixed: Vec<Episode> = all
            .iter()
            .filter(|e| e.fixed.is_some_and(in_period))
            .cloned()
            .collect();
        let mut errors: Vec<Episode> = all
            .iter()
            .filter(|e| e.finding.severity == Severity::Error)
            .cloned()
            .collect();
        errors.sort_by(|a, b| b.days_open.cmp(&a.days_open).then(a.opened.cmp(&b.opened)));
        let sanctionable: Vec<Episode> = all
            .iter()
            .filter(|e| !e.finding.sanctions.is_empty())
            .cloned()
            .collect();
        let night_fails = nights
            .last()
            .map(|n| {
                let mut v: Vec<NightFail> = n
                    .findings
                    .iter()
                    .filter(|f| f.status == Status::Fail && hosts.contains(&f.host))
                    .map(|f| NightFail {
                        host: f.host.clone(),
                        check: f.check,
                        risk: f.risk,
                        message: f.message.id.clone(),
                        basis: f.basis.iter().map(|c| c.text.clone()).collect(),
                    })
                    .collect();
                v.sort_by(|a, b| b.risk.cmp(&a.risk).then(a.host.cmp(&b.host)));
                v
            })
            .unwrap_or_default();
        let report = AgencyReport {
            availability: availability(&nights, &hosts),
            slug,
            name,
            hosts,
            publishes,
            blocked,
            at_end,
            opened,
            fixed,
            errors,
            sanctionable,
            night_fails,
        };
        // laman.toml's own findings are listed only when there were any.
        let idle = report.slug == REGENCY
            && report.at_end.is_none_or(|c| c == Counts::default())
            && report.opened.is_empty()
            && report.fixed.is_empty();
        if !idle {
            out.push(report);
        }
    }
    // laman.toml's own findings last.
    out.sort_by_key(|a| a.slug == REGENCY);
    let since = [
        history.checks.first().map(|c| c.when),
        history.nights.first().map(|n| n.when),
    ]
    .into_iter()
    .flatten()
    .min();
    PeriodReport {
        schema: SCHEMA,
        regency: cx.regency.clone(),
        profile: cx.profile.clone(),
        period: period.clone(),
        generated: cx.now,
        utc_offset: cx.offset.to_string(),
        history_since: since,
        publishes: history.checks.iter().filter(|c| in_period(c.when)).count(),
        nights: nights.len(),
        basis: cx.basis.clone(),
        sanctions: cx.sanctions.clone(),
        agencies: out,
        unreadable: history.unreadable.clone(),
    }
}

/// A date as the report shows it (`5 November 2026`), in the regency's
/// time zone.
pub fn local_day(t: DateTime<Utc>, offset: FixedOffset) -> String {
    crate::content::date::format_indonesian(t.with_timezone(&offset).date_naive())
}

#[cfg(test)]
mod tests;
