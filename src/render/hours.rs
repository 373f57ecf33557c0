//! Opening hours as editors write them in Indonesian (`jam_layanan`), read
//! into schema.org's `openingHours` form (`Mo-Th 08:00-15:30`).
//!
//! Only text that says exactly which days and which times is read:
//! day names (`Senin` … `Minggu`/`Ahad`, ranges with `-`, `–`, `s.d.`,
//! `sampai`, `hingga`, lists with `,` or `dan`), `setiap hari`, times
//! `08.00`/`08:00` in ranges, `24 jam`, `tutup`/`libur` for closed days,
//! the time zone (`WIB`, `WITA`, `WIT`) and the words `jam`, `pukul`,
//! `buka`, `hari` before a day, and `termasuk hari libur`. Anything else
//! (a remark such as `pemantauan Pusat Data 24 jam`, a break, a range that
//! wraps past Sunday, days without times) makes the whole text
//! unreadable: [`parse`] returns `None` and the JSON-LD carries no hours
//! rather than a guess. The page shows the editor's text either way.

/// Mon = bit 0 … Sun = bit 6.
type Days = u8;
const ALL_DAYS: Days = 0b111_1111;
const DAY_CODES: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Day(u8),
    EveryDay,
    /// Minutes since midnight.
    Time(u16),
    /// `24 jam`.
    AllDay,
    Closed,
    /// `termasuk hari libur (nasional)`: open on public holidays too, which
    /// takes nothing away from the weekly hours.
    HolidaysToo,
    /// `hari libur (nasional)` in a list of closed days.
    Holidays,
    Dash,
    Colon,
    /// `,` `;` `.` or `dan`: between days, times or groups.
    Sep,
}

fn day(word: &str) -> Option<u8> {
    Some(match word {
        "senin" => 0,
        "selasa" => 1,
        "rabu" => 2,
        "kamis" => 3,
        "jumat" | "jum'at" | "jum\u{2019}at" => 4,
        "sabtu" => 5,
        "minggu" | "ahad" => 6,
        _ => return None,
    })
}

fn tokens(text: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = text.to_lowercase().chars().collect();
    let mut words: Vec<Result<String, Tok>> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let hour: String = chars[start..i].iter().collect();
            let two_digits = |at: usize| {
                chars.get(at).is_some_and(char::is_ascii_digit)
                    && chars.get(at + 1).is_some_and(char::is_ascii_digit)
                    && !chars.get(at + 2).is_some_and(char::is_ascii_digit)
            };
            if matches!(chars.get(i), Some('.' | ':')) && two_digits(i + 1) {
                let minute: String = chars[i + 1..i + 3].iter().collect();
                i += 3;
                let (h, m): (u16, u16) = (hour.parse().ok()?, minute.parse().ok()?);
                if hour.len() > 2 || h > 24 || m > 59 || (h == 24 && m != 0) {
                    return None;
                }
                words.push(Err(Tok::Time(h * 60 + m)));
            } else {
                // A bare number: only `24` (of `24 jam`) means anything.
                words.push(Ok(hour));
            }
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphabetic()
                    || (matches!(chars[i], '\'' | '\u{2019}')
                        && chars.get(i + 1).is_some_and(|c| c.is_alphabetic())))
            {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            // `s.d.` and `s/d`: "sampai dengan".
            if w == "s" && matches!(chars.get(i), Some('.' | '/')) && chars.get(i + 1) == Some(&'d')
            {
                i += 2;
                if chars.get(i) == Some(&'.') {
                    i += 1;
                }
                words.push(Err(Tok::Dash));
            } else {
                words.push(Ok(w));
            }
        } else {
            i += 1;
            words.push(Err(match c {
                '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}'
                | '\u{2212}' => Tok::Dash,
                ':' => Tok::Colon,
                ',' | ';' | '.' => Tok::Sep,
                _ => return None,
            }));
        }
    }
    let mut out = Vec::new();
    let mut k = 0;
    let word = |k: usize| match words.get(k) {
        Some(Ok(w)) => Some(w.as_str()),
        _ => None,
    };
    while k < words.len() {
        let w = match &words[k] {
            Err(t) => {
                out.push(*t);
                k += 1;
                continue;
            }
            Ok(w) => w.as_str(),
        };
        k += 1;
        match w {
            "24" if word(k) == Some("jam") => {
                k += 1;
                out.push(Tok::AllDay);
            }
            "setiap" | "tiap" if word(k) == Some("hari") => {
                k += 1;
                out.push(Tok::EveryDay);
            }
            "termasuk" if word(k) == Some("hari") && word(k + 1) == Some("libur") => {
                k += 2;
                if word(k) == Some("nasional") {
                    k += 1;
                }
                out.push(Tok::HolidaysToo);
            }
            "hari" if word(k) == Some("libur") => {
                k += 1;
                if word(k) == Some("nasional") {
                    k += 1;
                }
                out.push(Tok::Holidays);
            }
            "sampai" if word(k) == Some("dengan") => {
                k += 1;
                out.push(Tok::Dash);
            }
            "sampai" | "hingga" => out.push(Tok::Dash),
            "dan" => out.push(Tok::Sep),
            "tutup" | "libur" => out.push(Tok::Closed),
            "hari" if word(k).and_then(day).is_some() => {}
            "jam" | "pukul" | "buka" | "wib" | "wita" | "wit" => {}
            w => out.push(Tok::Day(day(w)?)),
        }
    }
    Some(out)
}

/// One line of the result: days, and the time ranges of those days (none:
/// all day).
struct Group {
    days: Days,
    times: Vec<(u16, u16)>,
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<Tok> {
        self.toks.get(self.at).copied()
    }
    fn peek2(&self) -> Option<Tok> {
        self.toks.get(self.at + 1).copied()
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.peek();
        self.at += 1;
        t
    }

    /// `Senin`, `Senin-Kamis`, `Senin, Rabu dan Jumat`, `setiap hari`;
    /// whether `hari libur` was among them.
    fn days(&mut self) -> Option<(Days, bool)> {
        let mut days: Days = 0;
        let mut holidays = false;
        loop {
            match self.next()? {
                Tok::EveryDay => days |= ALL_DAYS,
                Tok::Holidays => holidays = true,
                Tok::Day(a) => {
                    if self.peek() == Some(Tok::Dash) {
                        self.at += 1;
                        let Tok::Day(b) = self.next()? else {
                            return None;
                        };
                        if b <= a {
                            return None;
                        }
                        for d in a..=b {
                            days |= 1 << d;
                        }
                    } else {
                        days |= 1 << a;
                    }
                }
                _ => return None,
            }
            match (self.peek(), self.peek2()) {
                (Some(Tok::Sep), Some(Tok::Day(_) | Tok::EveryDay | Tok::Holidays)) => self.at += 1,
                _ => return Some((days, holidays)),
            }
        }
    }

    /// `08.00-15.30`, `08.00-12.00 dan 13.00-16.00`, `24 jam` (an empty
    /// list: all day).
    fn times(&mut self) -> Option<Vec<(u16, u16)>> {
        if self.peek() == Some(Tok::AllDay) {
            self.at += 1;
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        loop {
            let (Tok::Time(a), Tok::Dash, Tok::Time(b)) =
                (self.next()?, self.next()?, self.next()?)
            else {
                return None;
            };
            if b <= a {
                return None;
            }
            out.push((a, b));
            match (self.peek(), self.peek2()) {
                (Some(Tok::Sep), Some(Tok::Time(_))) => self.at += 1,
                _ => return Some(out),
            }
        }
    }
}

/// The days of a mask as schema.org writes them: `Mo-Th`, `Mo,We,Fr`,
/// `Mo-Fr,Su`.
fn day_codes(days: Days) -> String {
    let mut parts = Vec::new();
    let mut d = 0;
    while d < 7 {
        if days & (1 << d) == 0 {
            d += 1;
            continue;
        }
        let start = d;
        while d + 1 < 7 && days & (1 << (d + 1)) != 0 {
            d += 1;
        }
        parts.push(if start == d {
            DAY_CODES[start].to_string()
        } else {
            format!("{}-{}", DAY_CODES[start], DAY_CODES[d])
        });
        d += 1;
    }
    parts.join(",")
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The schema.org `openingHours` values of an editor's text
/// (`Senin–Kamis 08.00–15.30 WIB, Jumat 08.00–11.00 WIB` →
/// `["Mo-Th 08:00-15:30", "Fr 08:00-11:00"]`), or `None` when the text
/// says anything this reader does not understand exactly.
pub fn parse(text: &str) -> Option<Vec<String>> {
    let mut p = Parser {
        toks: tokens(text)?,
        at: 0,
    };
    let mut groups: Vec<Group> = Vec::new();
    let mut closed: Days = 0;
    while let Some(t) = p.peek() {
        match t {
            Tok::Sep | Tok::HolidaysToo => {
                p.at += 1;
                continue;
            }
            Tok::Day(_) | Tok::EveryDay | Tok::Holidays => {
                let (days, holidays) = p.days()?;
                if p.peek() == Some(Tok::Colon) {
                    p.at += 1;
                }
                if p.peek() == Some(Tok::Closed) {
                    p.at += 1;
                    closed |= days;
                } else if holidays {
                    // Hours on public holidays: not weekly hours.
                    return None;
                } else {
                    let times = p.times()?;
                    groups.push(Group { days, times });
                }
            }
            // `24 jam`, `24 jam setiap hari`: times first.
            Tok::AllDay | Tok::Time(_) => {
                let times = p.times()?;
                let days = match p.peek() {
                    Some(Tok::Day(_) | Tok::EveryDay) => match p.days()? {
                        (days, false) => days,
                        (_, true) => return None,
                    },
                    // `24 jam` alone: around the clock, every day.
                    _ if times.is_empty() => ALL_DAYS,
                    _ => return None,
                };
                groups.push(Group { days, times });
            }
            Tok::Dash | Tok::Colon | Tok::Closed => return None,
        }
        // A group ends at a separator or at the end.
        match p.peek() {
            None | Some(Tok::Sep) => {}
            _ => return None,
        }
    }
    let open = groups.iter().fold(0, |m, g| m | g.days);
    if groups.is_empty() || open & closed != 0 {
        return None;
    }
    let mut out = Vec::new();
    for g in &groups {
        let days = day_codes(g.days);
        if g.times.is_empty() {
            out.push(days.clone());
        }
        for (a, b) in &g.times {
            out.push(format!("{days} {}-{}", clock(*a), clock(*b)));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn what_editors_write_reads_into_schema_org_form() {
        let table: &[(&str, &[&str])] = &[
            ("Senin–Jumat 08.00–15.30 WIB", &["Mo-Fr 08:00-15:30"]),
            (
                "Senin - Kamis: 08.00 - 15.00, Jumat: 08.00 - 11.00",
                &["Mo-Th 08:00-15:00", "Fr 08:00-11:00"],
            ),
            ("Sabtu 08.00-12.00", &["Sa 08:00-12:00"]),
            ("24 jam", &["Mo-Su"]),
            ("Setiap hari 24 jam", &["Mo-Su"]),
            ("24 jam setiap hari, termasuk hari libur", &["Mo-Su"]),
            ("Setiap hari 07.00–21.00 WIB", &["Mo-Su 07:00-21:00"]),
            (
                "Senin–Kamis 08.00–15.30 WIB, Jumat 08.00–14.30 WIB",
                &["Mo-Th 08:00-15:30", "Fr 08:00-14:30"],
            ),
            (
                "Senin s.d. Jumat pukul 08:00 s.d. 16:00 WIB",
                &["Mo-Fr 08:00-16:00"],
            ),
            ("Senin s/d Jumat 8.00-16.00", &["Mo-Fr 08:00-16:00"]),
            (
                "Senin sampai dengan Jumat 08.00 hingga 16.00",
                &["Mo-Fr 08:00-16:00"],
            ),
            (
                "Hari Senin–Jumat jam 08.00–16.00 WITA",
                &["Mo-Fr 08:00-16:00"],
            ),
            (
                "Senin, Rabu dan Jum'at 09.00-12.00",
                &["Mo,We,Fr 09:00-12:00"],
            ),
            (
                "Senin–Jumat 08.00–12.00 dan 13.00–16.00",
                &["Mo-Fr 08:00-12:00", "Mo-Fr 13:00-16:00"],
            ),
            (
                "Senin–Jumat 08.00–16.00; Sabtu, Minggu dan hari libur: tutup",
                &["Mo-Fr 08:00-16:00"],
            ),
            ("Buka setiap hari 00.00-24.00", &["Mo-Su 00:00-24:00"]),
            ("Minggu 08.00-10.00.", &["Su 08:00-10:00"]),
        ];
        for (text, want) in table {
            let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
            assert_eq!(parse(text), Some(want), "{text}");
        }
    }

    #[test]
    fn anything_not_understood_exactly_gives_no_hours() {
        for text in [
            "",
            "Setiap hari",
            "Senin–Jumat",
            "08.00–16.00",
            "Senin–Kamis 08.00–15.30 WIB, Jumat 08.00–14.30 WIB; pemantauan Pusat Data 24 jam",
            "Kantor: Senin–Kamis 08.00–15.30 WIB",
            "Jam kerja",
            "Senin–Jumat 08.00–16.00 (istirahat 12.00–13.00)",
            "Jumat–Senin 08.00–12.00",
            "Senin–Jumat 16.00–08.00",
            "Senin–Jumat 08.00–25.00",
            "Senin–Jumat 08.60–12.00",
            "Senin–Jumat pukul 8–16",
            "Senin–Jumat 08.00–16.00, Jumat tutup",
            "Senin 08.00",
            "Senin–Jumat 08.00–16.00 kecuali hari libur",
            "ISI: Senin–Jumat 08.00–16.00 WIB",
            "Senin 08.00-12.00 13.00-16.00",
            "Senin 24 jam 08.00-12.00",
            "Sabtu, Minggu: tutup",
            "Senin–Jumat 008.00–16.00",
            "Hari libur 08.00–12.00",
            "Senin–Jumat 08.00–16.00 WIB, hari libur 09.00–12.00",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
