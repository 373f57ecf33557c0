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

const BULAN: [&str; 12] = [
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
