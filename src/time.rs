//! Instants and durations without a clock.
//!
//! The core never reads the time: every "now" is a [`Timestamp`] passed in (the
//! request's `startedDateTime` in a HAR, or the CLI's `--at`). This module parses the
//! formats that carry instants in HTTP and HAR and prints them for humans.

use serde::Serialize;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

const MS_PER_DAY: i64 = 86_400_000;

impl Timestamp {
    /// From whole Unix seconds (JWT `NumericDate`, RFC 7519 §2). Saturates instead of overflowing.
    pub fn from_unix_secs(secs: i64) -> Self {
        Timestamp(secs.saturating_mul(1000))
    }

    /// From fractional Unix seconds, as some issuers send `exp: 1700000000.5`.
    pub fn from_unix_secs_f64(secs: f64) -> Option<Self> {
        let ms = secs * 1000.0;
        if ms.is_finite() && ms.abs() < 9.0e15 {
            // In range by the check above; truncation toward zero is the intent.
            #[allow(clippy::cast_possible_truncation)]
            Some(Timestamp(ms as i64))
        } else {
            None
        }
    }

    /// Whole Unix seconds (floor).
    pub fn unix_secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// Signed difference `self - other` in whole seconds (toward zero).
    pub fn secs_since(self, other: Timestamp) -> i64 {
        self.0.saturating_sub(other.0) / 1000
    }

    /// RFC 3339 in UTC with millisecond precision when non-zero: `2026-11-21T10:00:00Z`.
    pub fn to_rfc3339(self) -> String {
        let (y, mo, d, h, mi, s, ms) = self.civil();
        if ms == 0 {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
        } else {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
        }
    }

    /// Human UTC form used in the UI and reports: `2026-11-21 10:00:00 UTC`.
    pub fn to_utc_string(self) -> String {
        let (y, mo, d, h, mi, s, _) = self.civil();
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
    }

    /// IMF-fixdate (RFC 9110 §5.6.7), as servers send in `Date` and `Expires`.
    pub fn to_http_date(self) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        let (y, mo, d, h, mi, s, _) = self.civil();
        let weekday = DAYS
            .get(usize::try_from(self.0.div_euclid(MS_PER_DAY).rem_euclid(7)).unwrap_or(0))
            .copied()
            .unwrap_or("Thu");
        let month = MONTHS
            .get(usize::try_from(mo - 1).unwrap_or(0))
            .copied()
            .unwrap_or("Jan");
        format!("{weekday}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} GMT")
    }

    fn civil(self) -> (i64, i64, i64, i64, i64, i64, i64) {
        let days = self.0.div_euclid(MS_PER_DAY);
        let rem = self.0.rem_euclid(MS_PER_DAY);
        let (y, mo, d) = civil_from_days(days);
        (
            y,
            mo,
            d,
            rem / 3_600_000,
            rem / 60_000 % 60,
            rem / 1000 % 60,
            rem % 1000,
        )
    }

    /// From a civil UTC date and time; `None` when a field is out of range.
    pub fn from_civil(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, ms: i64) -> Option<Self> {
        let valid = (1..=12).contains(&mo)
            && (1..=days_in_month(y, mo)).contains(&d)
            && (0..24).contains(&h)
            && (0..60).contains(&mi)
            // 60 is a leap second; it is folded into the next second as RFC 3339 §5.6 allows.
            && (0..=60).contains(&s)
            && (0..1000).contains(&ms)
            && (-1_000_000..=1_000_000).contains(&y);
        if !valid {
            return None;
        }
        let days = days_from_civil(y, mo, d);
        Some(Timestamp(
            days * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + s * 1000 + ms,
        ))
    }

    /// Parses RFC 3339 (`2026-11-21T10:00:00.123Z`, `…+01:00`), as HAR `startedDateTime`
    /// uses. Lenient about a space instead of `T`, lowercase `t`/`z`, and any number of
    /// fraction digits.
    pub fn parse_rfc3339(input: &str) -> Option<Self> {
        let b = input.trim().as_bytes();
        let num = |from: usize, len: usize| -> Option<i64> {
            let digits = b.get(from..from.checked_add(len)?)?;
            digits.iter().try_fold(0i64, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
            })
        };
        let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
            return None;
        }
        let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
        let (h, mi, s) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
        let mut i = 19;
        let mut ms = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return None;
            }
            // Milliseconds are all HAR and JWT need; extra digits are dropped, not rounded.
            let frac = b.get(start..i.min(start + 3))?;
            let mut value = frac
                .iter()
                .fold(0i64, |acc, &c| acc * 10 + i64::from(c - b'0'));
            for _ in frac.len()..3 {
                value *= 10;
            }
            ms = value;
        }
        let offset_min = match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => 0,
            Some(&c @ (b'+' | b'-')) if b.len() == i + 6 && sep(i + 3, b":") => {
                let minutes = num(i + 1, 2)? * 60 + num(i + 4, 2)?;
                if c == b'+' {
                    minutes
                } else {
                    -minutes
                }
            }
            _ => return None,
        };
        let t = Timestamp::from_civil(y, mo, d, h, mi, s, ms)?;
        Some(Timestamp(t.0 - offset_min * 60_000))
    }

    /// Parses an HTTP-date (RFC 9110 §5.6.7): IMF-fixdate, the obsolete RFC 850 form and
    /// asctime, plus the `Expires` variants browsers accept (`-` between date parts).
    pub fn parse_http_date(input: &str) -> Option<Self> {
        let cleaned: String = input
            .chars()
            .map(|c| if c == '-' || c == ',' { ' ' } else { c })
            .collect();
        let mut words = cleaned.split_whitespace();
        let mut day = None;
        let mut month = None;
        let mut year = None;
        let mut hms = None;
        // Field order differs between the three forms; classify each word instead.
        for w in words.by_ref() {
            if let Some(t) = parse_hms(w) {
                hms = hms.or(Some(t));
            } else if let Some(m) = month_index(w) {
                month = month.or(Some(m));
            } else if w.bytes().all(|c| c.is_ascii_digit()) && !w.is_empty() && w.len() <= 4 {
                let v: i64 = w.parse().ok()?;
                if w.len() == 4 {
                    year = year.or(Some(v));
                } else if day.is_none() {
                    day = Some(v);
                } else if year.is_none() {
                    // RFC 850 two-digit years: 70–99 are 19xx, the rest 20xx (RFC 9110 §5.6.7).
                    year = Some(if v >= 70 { 1900 + v } else { 2000 + v });
                }
            }
        }
        let (h, mi, s) = hms?;
        Timestamp::from_civil(year?, month?, day?, h, mi, s, 0)
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_index(word: &str) -> Option<i64> {
    let w = word.get(..3)?;
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(w))
        .and_then(|i| i64::try_from(i + 1).ok())
}

fn parse_hms(word: &str) -> Option<(i64, i64, i64)> {
    let mut it = word.split(':');
    let mut next = || -> Option<i64> {
        let p = it.next()?;
        (!p.is_empty() && p.len() <= 2 && p.bytes().all(|c| c.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let t = (next()?, next()?, next()?);
    it.next().is_none().then_some(t)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// A duration in words, largest two units: `3 min 20 s`, `2 h 5 min`, `4 days 1 h`.
/// The sign is ignored; callers say "before" or "after".
pub fn describe_duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    let unit = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (d, h, m) {
        (0, 0, 0) => unit(sec, "s", "s"),
        (0, 0, _) if sec == 0 => unit(m, "min", "min"),
        (0, 0, _) => format!("{} {}", unit(m, "min", "min"), unit(sec, "s", "s")),
        (0, _, 0) => unit(h, "h", "h"),
        (0, _, _) => format!("{} {}", unit(h, "h", "h"), unit(m, "min", "min")),
        (_, 0, _) => unit(d, "day", "days"),
        _ => format!("{} {}", unit(d, "day", "days"), unit(h, "h", "h")),
    }
}

/// `event` relative to `reference` in words: `3 min before`, `2 h after`, `at the same second as`.
pub fn describe_relative(event: Timestamp, reference: Timestamp) -> String {
    let delta = event.secs_since(reference);
    match delta {
        0 => "at the same second as".to_string(),
        d if d < 0 => format!("{} before", describe_duration(d)),
        d => format!("{} after", describe_duration(d)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_har_times() {
        let cases = [
            ("2026-11-21T10:00:00Z", 1_795_255_200_000),
            ("2026-11-21T10:00:00.123Z", 1_795_255_200_123),
            ("2026-11-21T11:00:00.123456+01:00", 1_795_255_200_123),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59Z", -1000),
        ];
        for (text, ms) in cases {
            assert_eq!(
                Timestamp::parse_rfc3339(text),
                Some(Timestamp(ms)),
                "{text}"
            );
        }
        assert_eq!(
            Timestamp(1_795_255_200_123).to_rfc3339(),
            "2026-11-21T10:00:00.123Z"
        );
    }

    #[test]
    fn rfc3339_rejects_garbage() {
        for bad in [
            "",
            "2026",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-21T10:00:00",
            "2026-11-21T10:00:00.Z",
            "２０２６-11-21T10:00:00Z",
        ] {
            assert_eq!(Timestamp::parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn http_date_forms_from_rfc_9110_section_5_6_7() {
        let expect = Some(Timestamp(784_111_777_000));
        assert_eq!(
            Timestamp::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            expect
        );
        assert_eq!(
            Timestamp::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            expect
        );
        assert_eq!(
            Timestamp::parse_http_date("Sun Nov  6 08:49:37 1994"),
            expect
        );
        assert_eq!(
            Timestamp(784_111_777_000).to_http_date(),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(
            Timestamp::parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Timestamp(0))
        );
        assert_eq!(Timestamp::parse_http_date("not a date"), None);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(describe_duration(0), "0 s");
        assert_eq!(describe_duration(-200), "3 min 20 s");
        assert_eq!(describe_duration(180), "3 min");
        assert_eq!(describe_duration(7500), "2 h 5 min");
        assert_eq!(describe_duration(90_000), "1 day 1 h");
        assert_eq!(
            describe_relative(Timestamp(0), Timestamp(180_000)),
            "3 min before"
        );
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let _ = Timestamp::from_unix_secs(i64::MAX).to_utc_string();
        let _ = Timestamp(i64::MIN).to_rfc3339();
        let _ = Timestamp(i64::MIN).secs_since(Timestamp(i64::MAX));
        assert_eq!(Timestamp::from_unix_secs_f64(f64::NAN), None);
        let _ = describe_duration(i64::MIN);
    }
}
