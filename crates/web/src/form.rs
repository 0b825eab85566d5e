//! Reading GOV.UK form inputs: date inputs (`{prefix}_day`, `_month`, `_year`), radios
//! and text, with the error wording of the GOV.UK Design System.

use std::collections::HashMap;

use carebridge_domain::casefile::Problems;
use chrono::NaiveDate;

/// Reads a GOV.UK date input; all three parts blank is `Ok(None)`.
pub(crate) fn date(
    values: &HashMap<String, String>,
    prefix: &str,
    label: &str,
) -> Result<Option<NaiveDate>, String> {
    let part = |p: &str| {
        values
            .get(&format!("{prefix}_{p}"))
            .map_or("", |v| v.trim())
    };
    let (d, m, y) = (part("day"), part("month"), part("year"));
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Ok(None);
    }
    if d.is_empty() || m.is_empty() || y.is_empty() {
        return Err(format!("{label} must include a day, month and year"));
    }
    match (d.parse(), m.parse(), y.parse::<i32>()) {
        (Ok(d), Ok(m), Ok(y)) if (1000..=9999).contains(&y) => NaiveDate::from_ymd_opt(y, m, d)
            .map(Some)
            .ok_or_else(|| format!("{label} must be a real date")),
        _ => Err(format!("{label} must be a date, for example 27 3 2026")),
    }
}

/// Reads a date input into a form's reading problems: the date, or `None` with the
/// problem recorded under `prefix` when the boxes do not make a date (all blank is
/// `None` with no problem).
pub(crate) fn date_into(
    values: &HashMap<String, String>,
    prefix: &'static str,
    label: &str,
    problems: &mut Problems,
) -> Option<NaiveDate> {
    date(values, prefix, label).unwrap_or_else(|message| {
        problems.add(prefix, message);
        None
    })
}

/// Reads a date input that must be filled in.
pub(crate) fn required_date(
    values: &HashMap<String, String>,
    prefix: &str,
    label: &str,
) -> Result<NaiveDate, String> {
    date(values, prefix, label)?.ok_or_else(|| format!("Enter {}", label.to_lowercase()))
}

/// Reads yes/no radios (`yes` / `no`); anything else is unanswered.
pub(crate) fn yes_no(values: &HashMap<String, String>, name: &str) -> Option<bool> {
    match values.get(name).map(|v| v.trim()) {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

/// A trimmed text field ("" when absent).
pub(crate) fn text<'a>(values: &'a HashMap<String, String>, name: &str) -> &'a str {
    values.get(name).map_or("", |v| v.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn dates_read_as_the_design_system_says() {
        let v = values(&[("d_day", "29"), ("d_month", "2"), ("d_year", "2024")]);
        assert_eq!(
            date(&v, "d", "Date"),
            Ok(NaiveDate::from_ymd_opt(2024, 2, 29))
        );
        let v = values(&[("d_day", "29"), ("d_month", "2"), ("d_year", "2023")]);
        assert_eq!(
            date(&v, "d", "Date"),
            Err("Date must be a real date".into())
        );
        let v = values(&[("d_day", "1"), ("d_year", "2023")]);
        assert!(date(&v, "d", "Date")
            .unwrap_err()
            .contains("day, month and year"));
        let v = values(&[("d_day", "1"), ("d_month", "1"), ("d_year", "23")]);
        assert!(date(&v, "d", "Date").unwrap_err().contains("for example"));
        assert_eq!(date(&values(&[]), "d", "Date"), Ok(None));
        assert_eq!(
            required_date(&values(&[]), "d", "The date"),
            Err("Enter the date".into())
        );
    }
}
