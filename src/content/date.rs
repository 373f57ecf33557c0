//! Dates in front matter and site.toml: a TOML date or datetime
//! (`date = 2025-01-31`, `date = 2025-01-31T08:00:00+07:00`) or the same
//! written as a string (YAML front matter, or an editor who quoted it).
//!
//! A date without a time is taken as midnight in the regency's time zone
//! (WIB, +07:00, unless laman.toml says otherwise) when a full timestamp is
//! needed (Atom feed, sorting against datetimes).

use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::diagnostic::DateProblem;

/// Prefix of the serde error a bad date produces, so that the front-matter
/// error classifier can turn it into `Message::InvalidDate`.
pub const INVALID_DATE_MARKER: &str = "laman-invalid-date:";

/// A calendar date with an optional time of day and offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageDate {
    /// The calendar day.
    pub day: NaiveDate,
    /// Time and offset, when the source gave them.
    pub time: Option<(NaiveTime, Option<FixedOffset>)>,
}

impl PageDate {
    /// Parses `2025-01-31`, `2025-01-31T08:00:00`, `2025-01-31 08:00:00+07:00`, `…Z`.
    pub fn parse(s: &str) -> Option<PageDate> {
        let s = s.trim();
        let dt: toml::value::Datetime = s.parse().ok()?;
        let d = dt.date?;
        let day = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))?;
        let time = match dt.time {
            None => None,
            Some(t) => {
                let nt = NaiveTime::from_hms_nano_opt(
                    u32::from(t.hour),
                    u32::from(t.minute),
                    u32::from(t.second.unwrap_or(0)),
                    t.nanosecond.unwrap_or(0),
                )?;
                let off = match dt.offset {
                    None => None,
                    Some(toml::value::Offset::Z) => FixedOffset::east_opt(0),
                    Some(toml::value::Offset::Custom { minutes }) => {
                        Some(FixedOffset::east_opt(i32::from(minutes) * 60)?)
                    }
                };
                Some((nt, off))
            }
        };
        Some(PageDate { day, time })
    }

    /// A full timestamp; missing parts are filled from `zone` (midnight, local offset).
    pub fn timestamp(&self, zone: FixedOffset) -> DateTime<FixedOffset> {
        let (t, off) = self.time.unwrap_or((NaiveTime::MIN, None));
        let off = off.unwrap_or(zone);
        off.from_local_datetime(&self.day.and_time(t))
            .single()
            .unwrap_or_else(|| {
                DateTime::<FixedOffset>::from_naive_utc_and_offset(self.day.and_time(t), off)
            })
    }

    /// ISO 8601 day, `2025-01-31`.
    pub fn iso_day(&self) -> String {
        self.day.format("%Y-%m-%d").to_string()
    }

    /// `31 Januari 2025`.
    pub fn indonesian(&self) -> String {
        format_indonesian(self.day)
    }
}

impl fmt::Display for PageDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.day.format("%Y-%m-%d"))
    }
}

/// The months in Bahasa Indonesia.
pub const BULAN: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];

/// `5 Januari 2025`.
pub fn format_indonesian(day: NaiveDate) -> String {
    format!(
        "{} {} {}",
        day.day(),
        BULAN[day.month0() as usize],
        day.year()
    )
}

/// Month names and short forms an editor may write, Indonesian and English.
const MONTH_WORDS: [(&str, u32); 30] = [
    ("januari", 1),
    ("january", 1),
    ("jan", 1),
    ("februari", 2),
    ("february", 2),
    ("feb", 2),
    ("maret", 3),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("mei", 5),
    ("may", 5),
    ("juni", 6),
    ("june", 6),
    ("jun", 6),
    ("juli", 7),
    ("july", 7),
    ("jul", 7),
    ("agustus", 8),
    ("august", 8),
    ("agu", 8),
    ("agt", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("oktober", 10),
    ("october", 10),
    ("okt", 10),
    ("oct", 10),
];

const MONTH_WORDS_END: [(&str, u32); 6] = [
    ("november", 11),
    ("nov", 11),
    ("desember", 12),
    ("december", 12),
    ("des", 12),
    ("dec", 12),
];

/// What an editor meant by a date that [`PageDate::parse`] refuses, when
/// it looks like a date at all: written another way (`12/05/2026` and
/// `12-05-2026` are day first, as Indonesians write them; `5 Mei 2026`;
/// `2026/05/12`), with the same day as `YYYY-MM-DD` when that day exists;
/// or written `YYYY-MM-DD` with no such day (`2026-02-30`). `None` when
/// `value` does not look like a date.
pub fn understand(value: &str) -> Option<(DateProblem, Option<NaiveDate>)> {
    let v = value.trim().trim_matches(['"', '\'']).trim();
    let numbers: Vec<&str> = v.split(['/', '-', '.']).collect();
    let all_digits = |p: &[&str]| {
        p.iter()
            .all(|x| !x.is_empty() && x.len() <= 4 && x.chars().all(|c| c.is_ascii_digit()))
    };
    let ymd = |y: &str, m: &str, d: &str| -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    };
    if numbers.len() == 3 && all_digits(&numbers) {
        let (a, b, c) = (numbers[0], numbers[1], numbers[2]);
        if a.len() == 4 {
            // Year first: the right order, so only the day can be wrong
            // (unless the separators were not `-`).
            if v.contains('/') || v.contains('.') {
                return Some((DateProblem::Format, ymd(a, b, c)));
            }
            return Some((DateProblem::NoSuchDay, None));
        }
        if c.len() == 4 {
            return Some((DateProblem::Format, ymd(c, b, a)));
        }
        return None;
    }
    let words: Vec<&str> = v.split_whitespace().collect();
    if let [d, m, y] = words.as_slice() {
        let m = m.trim_end_matches('.').to_lowercase();
        let month = MONTH_WORDS
            .iter()
            .chain(MONTH_WORDS_END.iter())
            .find(|(w, _)| *w == m)
            .map(|(_, n)| *n)?;
        if d.chars().all(|c| c.is_ascii_digit()) && y.len() == 4 {
            let day = NaiveDate::from_ymd_opt(y.parse().ok()?, month, d.parse().ok()?);
            return Some((DateProblem::Format, day));
        }
    }
    None
}

impl Serialize for PageDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso_day())
    }
}

impl<'de> Deserialize<'de> for PageDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

struct DateVisitor;

impl<'de> Visitor<'de> for DateVisitor {
    type Value = PageDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date (YYYY-MM-DD)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<PageDate, E> {
        PageDate::parse(v).ok_or_else(|| E::custom(format!("{INVALID_DATE_MARKER}{v}")))
    }

    // toml hands a datetime over as a one-entry map with a private key.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PageDate, A::Error> {
        let Some(_key) = map.next_key::<String>()? else {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
        };
        let value: String = map.next_value()?;
        self.visit_str(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates_and_datetimes() {
        let d = PageDate::parse("2025-01-31").expect("date");
        assert_eq!(d.iso_day(), "2025-01-31");
        assert_eq!(d.indonesian(), "31 Januari 2025");
        let t = PageDate::parse("2019-03-04T07:30:00+07:00").expect("datetime");
        assert_eq!(
            t.timestamp(FixedOffset::east_opt(0).expect("utc"))
                .to_rfc3339(),
            "2019-03-04T07:30:00+07:00"
        );
        let wib = FixedOffset::east_opt(7 * 3600).expect("wib");
        assert_eq!(d.timestamp(wib).to_rfc3339(), "2025-01-31T00:00:00+07:00");
    }

    #[test]
    fn rejects_impossible_dates() {
        assert!(PageDate::parse("2025-02-30").is_none());
        assert!(PageDate::parse("2025-13-01").is_none());
        assert!(PageDate::parse("31-01-2025").is_none());
        assert!(PageDate::parse("kemarin").is_none());
    }

    #[test]
    fn understands_dates_written_other_ways() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            understand("12/05/2026"),
            Some((DateProblem::Format, day("2026-05-12")))
        );
        assert_eq!(
            understand("12-05-2026"),
            Some((DateProblem::Format, day("2026-05-12")))
        );
        assert_eq!(
            understand("5 Mei 2026"),
            Some((DateProblem::Format, day("2026-05-05")))
        );
        assert_eq!(
            understand("\"17 Agustus 2025\""),
            Some((DateProblem::Format, day("2025-08-17")))
        );
        assert_eq!(
            understand("2026/05/12"),
            Some((DateProblem::Format, day("2026-05-12")))
        );
        assert_eq!(
            understand("2026-02-30"),
            Some((DateProblem::NoSuchDay, None))
        );
        assert_eq!(understand("31/02/2026"), Some((DateProblem::Format, None)));
        assert_eq!(understand("Rp 50.000"), None);
        assert_eq!(understand("50.000"), None);
        assert_eq!(understand("kemarin"), None);
    }

    #[derive(Deserialize)]
    struct T {
        d: PageDate,
    }

    #[test]
    fn deserializes_from_toml_datetime_and_string() {
        let a: T = toml::from_str("d = 2025-01-31").expect("toml date");
        let b: T = toml::from_str("d = \"2025-01-31\"").expect("string date");
        assert_eq!(a.d, b.d);
        let e = toml::from_str::<T>("d = \"2025-02-30\"")
            .err()
            .expect("error");
        assert!(
            e.message().starts_with(INVALID_DATE_MARKER),
            "{}",
            e.message()
        );
    }
}
