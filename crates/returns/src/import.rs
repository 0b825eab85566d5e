//! What stops a return made by a previous system from being imported, shared by the
//! CIN census (`cin::import`) and the SSDA903 return (`ssda903::import`).

/// Something in a file that cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// The file.
    pub file: String,
    /// The 1-based line of the value (or of its child or row, for a missing value).
    pub line: u64,
    /// The child's id in the return, when it has one.
    pub child: Option<String>,
    /// The element or column.
    pub field: &'static str,
    /// What is wrong and what was expected.
    pub message: String,
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} line {}", self.file, self.line)?;
        if let Some(child) = &self.child {
            write!(f, " (child {child})")?;
        }
        write!(f, ", {}: {}", self.field, self.message)
    }
}

/// Keys events by kind, day and their number among events of that kind that day (in
/// date order, then by kind), so that a second import finds each again.
pub(crate) fn keyed(events: &mut [carebridge_domain::imported::ImportedEvent]) {
    use std::collections::BTreeMap;
    events.sort_by_key(|e| (e.on, e.kind.code()));
    let mut counts: BTreeMap<(chrono::NaiveDate, &'static str), usize> = BTreeMap::new();
    for e in events {
        let n = counts.entry((e.on, e.kind.code())).or_insert(0);
        *n += 1;
        e.key = format!("{}/{}/{}", e.kind.code(), e.on, n);
    }
}

/// Numbers pieces of work of the same kind starting the same day (`key`, `key/2`, ...),
/// after keying each by kind and first day, and keys their events.
pub(crate) fn keyed_work(work: &mut [carebridge_domain::imported::ImportedWork]) {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for w in work {
        let key = format!("{}/{}", w.kind.code(), w.start);
        let n = counts.entry(key.clone()).or_insert(0);
        *n += 1;
        w.key = if *n > 1 { format!("{key}/{n}") } else { key };
        keyed(&mut w.events);
    }
}

/// A date written as `format` (e.g. `%Y-%m-%d`, shown as `shown`), or what is wrong.
pub(crate) fn strict_date(
    text: &str,
    format: &str,
    shown: &str,
) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text.trim(), format)
        .map_err(|_| format!("{text:?} is not a date: expected {shown}"))
}

/// `text` as one of `codes` (case aside), or what is wrong (`list` names the list).
pub(crate) fn code_of(
    text: &str,
    codes: &[(&'static str, &'static str)],
    list: &str,
) -> Result<&'static str, String> {
    let text = text.trim();
    codes
        .iter()
        .find(|(c, _)| c.eq_ignore_ascii_case(text))
        .map(|(c, _)| *c)
        .ok_or_else(|| format!("{text:?} is not a code of the {list} list"))
}

/// An event with no details.
pub(crate) const NO_DETAILS: &[(&str, &str)] = &[];

/// An event to import: `kind` on `on` with coded `details` (its key is given by
/// [`keyed`]).
pub(crate) fn event<V: AsRef<str>>(
    kind: carebridge_domain::casefile::events::EventKind,
    on: chrono::NaiveDate,
    details: &[(&str, V)],
) -> carebridge_domain::imported::ImportedEvent {
    carebridge_domain::imported::ImportedEvent {
        key: String::new(),
        kind,
        on,
        details: details
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.as_ref().to_owned()))
            .collect(),
        restates: false,
    }
}
