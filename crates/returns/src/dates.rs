//! Dates as the returns write them: `DD/MM/YYYY` in the 903 files ([`parse_dmy`]),
//! `YYYY-MM-DD` in the CIN census XML ([`parse_iso`]).
//!
//! 903 dates are read exactly as the reference validator reads them (pandas `to_datetime` with
//! `format="%d/%m/%Y"` and `errors="coerce"`), so that rules comparing dates flag the
//! same rows: day and month may drop their leading zero (`1/4/2026`), the day may have
//! a leading space instead (` 1/04/2026`), the year has exactly four digits, nothing
//! may follow it, the date must exist, and it must lie within pandas' nanosecond
//! range (22 September 1677 to 11 April 2262). Anything else is no date.

use chrono::NaiveDate;

/// Reads `DD/MM/YYYY` as the reference does; `None` for anything it would not read.
pub fn parse_dmy(text: &str) -> Option<NaiveDate> {
    let mut parts = text.split('/');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let day = day_or_month(day, true)?;
    let month = day_or_month(month, false)?;
    if month > 12 || day > 31 {
        return None;
    }
    let year = year.as_bytes();
    if year.len() != 4 || !year.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year = year
        .iter()
        .fold(0i32, |acc, digit| acc * 10 + i32::from(digit - b'0'));
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let first = NaiveDate::from_ymd_opt(1677, 9, 22)?;
    let last = NaiveDate::from_ymd_opt(2262, 4, 11)?;
    (first..=last).contains(&date).then_some(date)
}

/// Reads a date as the reference's `to_datetime(dayfirst=True)` reads the forms a 903
/// file holds: `DD/MM/YYYY` as [`parse_dmy`], and also ISO `YYYY-MM-DD` (which pandas
/// reads whatever the day-first setting). The few rules that read dates this way use it.
pub fn parse_dayfirst(text: &str) -> Option<NaiveDate> {
    parse_dmy(text).or_else(|| {
        let b = text.as_bytes();
        let iso = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !iso {
            return None;
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
    })
}

/// Reads a CIN census date as the reference reads it: `YYYY-MM-DD` (the schema's
/// `xs:date`), ignoring spaces around it, and also `A/B/YYYY`, which the reference's
/// `to_datetime` (no format, month first) reads as month `A`, day `B` unless `A` cannot
/// be a month (`31/03/2026` is 31 March, `01/04/2026` is 4 January). `None` for
/// anything else.
///
/// The reference would also make what `dateutil` can of other texts (`1 April 2026`);
/// Carebridge does not guess at those: such a date is no date, and the rules that need
/// one flag it (a known difference, documented in `CIN_RULES.md`).
pub fn parse_iso(text: &str) -> Option<NaiveDate> {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    let b = text.as_bytes();
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let date = if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let year = i32::try_from(number(&b[0..4])?).ok()?;
        NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)?
    } else {
        let mut parts = text.split('/');
        let (a, b, year) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some()
            || !(1..=2).contains(&a.len())
            || !(1..=2).contains(&b.len())
            || year.len() != 4
        {
            return None;
        }
        let (a, b) = (number(a.as_bytes())?, number(b.as_bytes())?);
        let year = i32::try_from(number(year.as_bytes())?).ok()?;
        let (month, day) = if a <= 12 { (a, b) } else { (b, a) };
        NaiveDate::from_ymd_opt(year, month, day)?
    };
    let first = NaiveDate::from_ymd_opt(1677, 9, 22)?;
    let last = NaiveDate::from_ymd_opt(2262, 4, 11)?;
    (first..=last).contains(&date).then_some(date)
}

/// One or two digits, not zero; a day may also be a space and one digit.
fn day_or_month(text: &str, is_day: bool) -> Option<u32> {
    let value = match text.as_bytes() {
        [d] if d.is_ascii_digit() => u32::from(d - b'0'),
        [b' ', d] if is_day && d.is_ascii_digit() => u32::from(d - b'0'),
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            u32::from(a - b'0') * 10 + u32::from(b - b'0')
        }
        _ => return None,
    };
    (value != 0).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn reads_what_the_reference_reads() {
        assert_eq!(parse_dmy("01/04/2026"), ymd(2026, 4, 1));
        assert_eq!(parse_dmy("1/4/2026"), ymd(2026, 4, 1));
        assert_eq!(parse_dmy(" 1/04/2026"), ymd(2026, 4, 1));
        assert_eq!(parse_dmy("22/09/1677"), ymd(1677, 9, 22));
        assert_eq!(parse_dmy("11/04/2262"), ymd(2262, 4, 11));
    }

    #[test]
    fn reads_cin_dates() {
        assert_eq!(parse_iso("2026-04-01"), ymd(2026, 4, 1));
        assert_eq!(parse_iso(" 2026-04-01\n"), ymd(2026, 4, 1));
        assert_eq!(parse_iso("31/03/2026"), ymd(2026, 3, 31));
        assert_eq!(parse_iso("01/04/2026"), ymd(2026, 1, 4));
        for text in [
            "",
            "2026-4-01",
            "2026-02-30",
            "13/13/2026",
            "2026-04-01x",
            "+026-04-01",
        ] {
            assert_eq!(parse_iso(text), None, "{text:?}");
        }
    }

    #[test]
    fn refuses_what_the_reference_refuses() {
        for text in [
            "",
            "31/02/2026",
            "00/01/2026",
            "01/00/2026",
            "01/13/2026",
            "01/01/20261",
            "01/01/0000",
            "21/09/1677",
            "12/04/2262",
            "2026-04-01",
            "01/04/2026 ",
            "01/ 4/2026",
            "ZZ/ZZ/ZZZZ",
            "1/1/26",
            "+1/01/2026",
            "01/01/+026",
        ] {
            assert_eq!(parse_dmy(text), None, "{text:?}");
        }
    }
}
