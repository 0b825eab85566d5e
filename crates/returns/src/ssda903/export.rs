//! The SSDA903 return made from the records: the tables a collection year needs, as
//! the CSV files the DfE's portal and validators read, whoever provided each episode
//! (a child served by a trust and then the council is one child, once).
//!
//! What the records hold becomes:
//!
//! - **Header**: every child looked after on some day of the year; sex, date of birth,
//!   ethnicity, UPN (or `UN1` under five and `UN5` from five when none is recorded);
//!   for girls, `MOTHER` 1 when another child's record names her as their mother
//!   (`MC_DOB` the first such child's birth), else 0.
//! - **Episodes**: each period of care (looked-after work) split where its legal status
//!   or placement changed (legal-status and placement events); `RNE` S for the start
//!   of care, L (legal status only), P (placement and carer) or B (both); `DEC` the day the
//!   next episode starts (with `REC` X1) or the last day of care (with the reason
//!   recorded when care ended); `REASON_PLACE_CHANGE` from the placement-ended event;
//!   `CIN` the category of need recorded when care started; `HOME_POST` the child's
//!   postcode, `PL_POST` the placement's, `URN` its Ofsted unique reference number.
//! - **Reviews**: looked-after reviews in the year, with how the child took part.
//! - **UASC**: unaccompanied asylum-seeking children, `DUC` their 18th birthday.
//! - **PlacedAdoption**: each decision that the child should be placed for adoption
//!   (`DATE_PLACED`) made in a period of care open in the year, by its end, with the
//!   decision that the child should no longer be (`DATE_PLACED_CEASED`,
//!   `REASON_PLACED_CEASED`) when that came by the end of the year.
//! - **AD1**: each child adopted in the year (care ended E11 or E12): the latest
//!   decision to place for adoption (`DATE_INT`) and match with adopters
//!   (`DATE_MATCH`, who they are, their legal status, whether they were the child's
//!   foster carers) of that period of care; blank where not recorded.
//! - **Missing**: each period a child in care was missing or away from their placement
//!   ("missing or away" events on looked-after work, each ended by the first "back"
//!   event after it) that had a day in the year; `MIS_END` blank while it was still
//!   open on 31 March.
//! - **OC2**: each child looked after continuously for the 12 months to 31 March (as
//!   the DfE reads the episodes written: no period of care begun after 1 April or
//!   ended before 31 March, no short break), with what was recorded in the year: the
//!   latest strengths and difficulties questionnaire (from 4 at the year's end to 16 at
//!   its start), a conviction (from 10), a development review (under 5), immunisations
//!   up to date when last checked, a dental check, a health assessment, a substance
//!   misuse problem and its intervention; `0` where nothing was recorded.
//! - **OC3**: each care leaver whose 17th to 21st birthday falls in the year: a
//!   relevant or former relevant child (looked after for 13 weeks from their 14th
//!   birthday, some of it from their 16th, short breaks aside) no longer looked after
//!   on that birthday, and not adopted, died in care or moved to another authority;
//!   `IN_TOUCH`, `ACTIV`, `ACCOM` from the contact recorded nearest the birthday, from
//!   three months before to one month after (`0` for activity and accommodation
//!   when not in touch and not recorded; all blank when no contact was recorded). One
//!   not looked after in the year is in Header with the motherhood items blank.
//! - **DoLo** (from 2026-27): each deprivation of liberty order on a period of care
//!   with a day in the year, `DOLO_END` blank while it was in force on 31 March.
//!
//! - **SWEpisodes**: each spell of one social worker holding the child's care with a
//!   day in the year (their allocations to looked-after work, one after another,
//!   joined): `SW_ID` their Social Work England registration number (blank when not
//!   recorded), `SW_REASON` why the social worker changed to them, as the allocation
//!   recorded it, `SW_DEC` blank when the spell ran past 31 March.
//! - **PrevPerm**: each child who started to be looked after in the year, with the
//!   "permanence before this care" recorded on their latest care begun in it (option,
//!   the authority's code and the order's date, `ZZ` for a day or month not known);
//!   blank items when nobody recorded it.
//!
//! Every table of both years is produced ([`not_produced`] is kept for a future
//! catalogue's new tables).
//!
//! Pure: the records come from `RecordTx::statutory_records` for the year.

use carebridge_domain::casefile::events::{Event, EventKind};
use carebridge_domain::child::{InvolvementKind, Sex};
use carebridge_domain::statutory::{
    StatutoryAllocation, StatutoryRecord, StatutoryRecords, StatutoryWork,
};
use chrono::NaiveDate;

use super::rules::birthday;
use super::{CollectionYear, TableName};

/// The tables the export can write, in this order (DoLo only for years that have it:
/// [`produced`]).
pub const PRODUCED: [TableName; 12] = [
    TableName::Header,
    TableName::Episodes,
    TableName::Reviews,
    TableName::Uasc,
    TableName::Oc2,
    TableName::Oc3,
    TableName::PlacedAdoption,
    TableName::Missing,
    TableName::Ad1,
    TableName::DoLo,
    TableName::SwEpisodes,
    TableName::PrevPerm,
];

/// The tables the export writes for `year`, in order.
pub fn produced(year: CollectionYear) -> Vec<TableName> {
    PRODUCED
        .into_iter()
        .filter(|t| t.is_collected_in(year))
        .collect()
}

/// The tables of `year` the records cannot make yet, for saying so beside the ones
/// written.
pub fn not_produced(year: CollectionYear) -> Vec<TableName> {
    TableName::ALL
        .into_iter()
        .filter(|t| t.is_collected_in(year) && !PRODUCED.contains(t))
        .collect()
}

/// The rows of `name` among `tables`, when the year has that table.
fn rows_of(tables: &mut [ExportedTable], name: TableName) -> Option<&mut Vec<Vec<String>>> {
    tables
        .iter_mut()
        .find(|t| t.table == name)
        .map(|t| &mut t.rows)
}

/// One table as CSV text (header row first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedTable {
    /// Which table.
    pub table: TableName,
    /// Its rows (without the header), each in the table's column order.
    pub rows: Vec<Vec<String>>,
}

impl ExportedTable {
    /// The file's text: the DfE's column names, then the rows.
    pub fn csv(&self) -> Result<String, csv::Error> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(self.table.columns())?;
        for row in &self.rows {
            out.write_record(row)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The file name the DfE's tools expect, e.g. `Episodes.csv`.
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.table.as_str())
    }

    /// The table as a file to read back or validate, named [`ExportedTable::file_name`].
    pub fn source(&self) -> Result<super::Source, csv::Error> {
        Ok(super::Source {
            name: self.file_name(),
            content: self.csv()?.into_bytes(),
        })
    }
}

fn dmy(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The return for `year` from `records` (read for that year: 1 April to 31 March).
pub fn export(records: &StatutoryRecords, year: CollectionYear) -> Vec<ExportedTable> {
    let mut tables: Vec<ExportedTable> = produced(year)
        .into_iter()
        .map(|table| ExportedTable {
            table,
            rows: Vec::new(),
        })
        .collect();
    for record in &records.records {
        let episodes = episodes_of(record, year);
        let leaver = care_leaver(record, year);
        if episodes.is_empty() && leaver.is_none() {
            continue;
        }
        // A care leaver not looked after this year is in Header (and OC3) only.
        let in_care = !episodes.is_empty();
        let person = &record.person;
        let id = person.id.to_string();
        let dob = dmy(person.date_of_birth);
        // The 903's own letters since 2025-26 (the CIN census keeps 1 and 2).
        let sex = match person.sex {
            Sex::Male => "M",
            Sex::Female => "F",
            Sex::NotKnown => "U",
        };
        let upn = person.upn.clone().unwrap_or_else(|| {
            let five = year
                .start_date()
                .years_since(person.date_of_birth)
                .is_some_and(|age| age >= 5);
            if five { "UN5" } else { "UN1" }.to_owned()
        });
        // Motherhood is asked of girls and young women: a mother when another child's
        // record names her as their mother.
        // (Not asked of care leavers who were not looked after in the year.)
        let (mother, first_born) = match (person.sex, person.children_born.first()) {
            _ if !in_care => (String::new(), String::new()),
            (Sex::Female, Some(born)) => ("1".to_owned(), dmy(*born)),
            (Sex::Female, None) => ("0".to_owned(), String::new()),
            _ => (String::new(), String::new()),
        };
        if let Some(t) = rows_of(&mut tables, TableName::Header) {
            t.push(vec![
                id.clone(),
                sex.to_owned(),
                dob.clone(),
                person
                    .ethnicity
                    .clone()
                    .unwrap_or_else(|| "NOBT".to_owned()),
                upn,
                mother,
                first_born,
            ]);
        }
        if let Some(t) = rows_of(&mut tables, TableName::Episodes) {
            for e in &episodes {
                t.push(vec![
                    id.clone(),
                    dmy(e.decom),
                    e.rne.to_owned(),
                    e.ls.clone(),
                    e.cin.clone(),
                    e.place.clone(),
                    e.provider.clone(),
                    e.dec.map(dmy).unwrap_or_default(),
                    e.rec.clone(),
                    e.reason_place_change.clone(),
                    person.postcode.clone().unwrap_or_default(),
                    e.postcode.clone(),
                    e.urn.clone(),
                ]);
            }
        }
        if let Some(t) = rows_of(&mut tables, TableName::Reviews) {
            let care: Vec<&StatutoryWork> = looked_after(record).collect();
            for review in record.events.iter().filter(|e| {
                e.kind == EventKind::LookedAfterReview
                    && (year.start_date()..=year.end_date()).contains(&e.occurred_on)
                    && care.iter().any(|w| w.work.id == e.involvement)
            }) {
                t.push(vec![
                    id.clone(),
                    dob.clone(),
                    dmy(review.occurred_on),
                    review.detail("participation").unwrap_or("").to_owned(),
                ]);
            }
        }
        if let Some(t) = rows_of(&mut tables, TableName::Oc2) {
            if let Some(items) = outcomes(record, &episodes, year) {
                t.push([vec![id.clone(), dob.clone()], items].concat());
            }
        }
        if let (Some(t), Some(items)) = (rows_of(&mut tables, TableName::Oc3), &leaver) {
            t.push([vec![id.clone(), dob.clone()], items.to_vec()].concat());
        }
        if !in_care {
            continue;
        }
        if person.uasc {
            if let Some(t) = rows_of(&mut tables, TableName::Uasc) {
                let eighteen = birthday(Some(person.date_of_birth), 18)
                    .map(dmy)
                    .unwrap_or_default();
                t.push(vec![id.clone(), sex.to_owned(), dob.clone(), eighteen]);
            }
        }
        // The decisions that the child should be placed for adoption, made in a period
        // of care in the return, by the year's end, each with its reversal by then.
        if let Some(t) = rows_of(&mut tables, TableName::PlacedAdoption) {
            for care in looked_after(record).filter(|w| {
                w.work
                    .period
                    .end()
                    .is_none_or(|end| end >= year.start_date())
            }) {
                // Decisions still standing at the start of the year, or made in it.
                for (decision, reversal) in
                    in_year(record.adoption_decisions_on(care.work.id), year)
                {
                    t.push(vec![
                        id.clone(),
                        dob.clone(),
                        dmy(decision.occurred_on),
                        reversal.map(|r| dmy(r.occurred_on)).unwrap_or_default(),
                        reversal.map(|r| detail(r, "reason")).unwrap_or_default(),
                    ]);
                }
            }
        }
        if let Some(t) = rows_of(&mut tables, TableName::Missing) {
            for care in looked_after(record) {
                for (went, back) in in_year(record.missing_on(care.work.id), year) {
                    t.push(vec![
                        id.clone(),
                        dob.clone(),
                        detail(went, "missing"),
                        dmy(went.occurred_on),
                        back.map(|e| dmy(e.occurred_on)).unwrap_or_default(),
                    ]);
                }
            }
        }
        if let Some(t) = rows_of(&mut tables, TableName::Ad1) {
            for care in looked_after(record) {
                if let Some(row) = adopted(record, care, year) {
                    t.push([vec![id.clone(), dob.clone()], row].concat());
                }
            }
        }
        if let Some(t) = rows_of(&mut tables, TableName::DoLo) {
            for care in looked_after(record) {
                for (made, ended) in in_year(record.liberty_deprived_on(care.work.id), year) {
                    t.push(vec![
                        id.clone(),
                        dob.clone(),
                        dmy(made.occurred_on),
                        ended.map(|e| dmy(e.occurred_on)).unwrap_or_default(),
                    ]);
                }
            }
        }
        // Children who started to be looked after in the year: whether they had
        // permanence before (as recorded on their latest care begun in it), blank
        // when nobody recorded it (rule 630 says so).
        if let Some(t) = rows_of(&mut tables, TableName::PrevPerm) {
            let started = episodes
                .iter()
                .filter(|e| e.rne == "S" && e.decom >= year.start_date())
                .map(|e| e.decom)
                .max();
            if let Some(start) = started {
                let before = looked_after(record)
                    .filter(|w| w.work.period.start() == start)
                    .flat_map(|w| {
                        record.events.iter().filter(move |e| {
                            e.involvement == w.work.id && e.kind == EventKind::PreviousPermanence
                        })
                    })
                    .max_by_key(|e| (e.occurred_on, e.id));
                t.push(vec![
                    id.clone(),
                    dob.clone(),
                    before.map(|e| detail(e, "option")).unwrap_or_default(),
                    before.map(|e| detail(e, "la")).unwrap_or_default(),
                    before.map(|e| detail(e, "date")).unwrap_or_default(),
                ]);
            }
        }
        if let Some(t) = rows_of(&mut tables, TableName::SwEpisodes) {
            for row in social_worker_episodes(record, year) {
                t.push([vec![id.clone(), dob.clone()], row.to_vec()].concat());
            }
        }
    }
    tables
}

/// The child's social worker episodes with a day in `year` (`SW_ID`, `SW_DECOM`,
/// `SW_DEC`, `SW_REASON`): each spell of one worker holding the child's care, their
/// allocations to the child's looked-after work one after another without a day
/// between joined into one. The end is blank when after 31 March. `SW_ID` is the
/// worker's Social Work England registration number, blank when none is recorded (rule
/// SW02 then says so; the DfE's `XX` is not made up); `SW_REASON` is why the social
/// worker changed to them, from the spell's first allocation.
///
/// Only the social workers of the child's care: the reference's rule SW12 flags any
/// social worker episode starting before care that began in the window, whatever its
/// message says of time not looked after.
fn social_worker_episodes(record: &StatutoryRecord, year: CollectionYear) -> Vec<[String; 4]> {
    let care: Vec<_> = looked_after(record).map(|w| w.work.id).collect();
    let mut held: Vec<&StatutoryAllocation> = record
        .allocations
        .iter()
        .filter(|a| care.contains(&a.work))
        .collect();
    held.sort_by_key(|a| (a.period.start(), a.period.end().is_none(), a.period.end()));
    let mut spells: Vec<(&StatutoryAllocation, Option<NaiveDate>)> = Vec::new();
    for a in held {
        if let Some((first, end)) = spells.last_mut() {
            let next_day = end.and_then(|e| e.succ_opt());
            if first.staff == a.staff && next_day.is_some_and(|d| a.period.start() <= d) {
                *end = match (*end, a.period.end()) {
                    (Some(x), Some(y)) => Some(x.max(y)),
                    _ => None,
                };
                continue;
            }
        }
        spells.push((a, a.period.end()));
    }
    spells
        .into_iter()
        .filter(|(first, end)| {
            first.period.start() <= year.end_date() && end.is_none_or(|e| e >= year.start_date())
        })
        .map(|(first, end)| {
            [
                first.registration.clone().unwrap_or_default(),
                dmy(first.period.start()),
                end.filter(|e| *e <= year.end_date())
                    .map(dmy)
                    .unwrap_or_default(),
                first
                    .change
                    .map(|c| c.code().to_owned())
                    .unwrap_or_default(),
            ]
        })
        .collect()
}

/// Whether the child was looked after continuously through `year`, as the DfE reads
/// the episodes written for it: some episode, none starting care (`S`) after 1 April,
/// none ending care from 1 April to 30 March, none a short break (V3, V4).
fn continuously_looked_after(episodes: &[Episode], year: CollectionYear) -> bool {
    let (start, end) = (year.start_date(), year.end_date());
    !episodes.is_empty()
        && !episodes.iter().any(|e| {
            let enters = e.rne == "S" && e.decom > start;
            let leaves = e.rec != "X1" && e.dec.is_some_and(|d| d >= start && d < end);
            enters || leaves || matches!(e.ls.as_str(), "V3" | "V4")
        })
}

/// OC2's columns after `CHILD` and `DOB` for a child looked after continuously through
/// `year` (see the module's notes); `None` for anyone else.
fn outcomes(
    record: &StatutoryRecord,
    episodes: &[Episode],
    year: CollectionYear,
) -> Option<Vec<String>> {
    if !continuously_looked_after(episodes, year) {
        return None;
    }
    let (start, end) = (year.start_date(), year.end_date());
    let birthday = |age: u32| birthday(Some(record.person.date_of_birth), age);
    let cares: Vec<_> = looked_after(record).map(|w| w.work.id).collect();
    let cares = &cares;
    let this_year = |kind: EventKind| {
        record.events.iter().filter(move |e| {
            e.kind == kind
                && cares.contains(&e.involvement)
                && (start..=end).contains(&e.occurred_on)
        })
    };
    let flag = |yes: bool| if yes { "1" } else { "0" }.to_owned();
    // The questionnaire is asked of children 4 by the year's end and under 17 at its
    // start.
    let sdq_due = birthday(4).is_some_and(|d| d <= end) && birthday(17).is_some_and(|d| d >= start);
    let sdq = this_year(EventKind::SdqScored)
        .chain(this_year(EventKind::SdqNotScored))
        .max_by_key(|e| e.occurred_on)
        .filter(|_| sdq_due);
    let (score, reason) = match sdq {
        Some(e) if e.kind == EventKind::SdqScored => (detail(e, "score"), String::new()),
        Some(e) => (String::new(), detail(e, "reason")),
        None => (String::new(), String::new()),
    };
    let convicted = if birthday(10).is_some_and(|d| d < end) {
        flag(this_year(EventKind::Convicted).next().is_some())
    } else {
        String::new()
    };
    let development = if birthday(5).is_some_and(|d| d > end) {
        flag(this_year(EventKind::DevelopmentReview).next().is_some())
    } else {
        String::new()
    };
    let immunised = record
        .events
        .iter()
        .filter(|e| e.kind == EventKind::ImmunisationsChecked && e.occurred_on <= end)
        .max_by_key(|e| e.occurred_on)
        .is_some_and(|e| e.yes("up-to-date"));
    let misuse = this_year(EventKind::SubstanceMisuse).max_by_key(|e| e.occurred_on);
    let (received, offered) = match misuse {
        Some(e) if e.yes("intervention-received") => ("1".to_owned(), String::new()),
        Some(e) => (
            one_or_zero(e.detail("intervention-received")),
            one_or_zero(e.detail("intervention-offered")),
        ),
        None => (String::new(), String::new()),
    };
    Some(vec![
        score,
        reason,
        convicted,
        development,
        flag(immunised),
        flag(this_year(EventKind::DentalCheck).next().is_some()),
        flag(this_year(EventKind::HealthAssessment).next().is_some()),
        flag(misuse.is_some()),
        received,
        offered,
    ])
}

/// The spans (a start event and its end, if any: a missing period, a decision and its
/// reversal, an order) with a day in `year`, each with its end if it came by the end of
/// the year.
fn in_year<'a>(
    spans: Vec<(&'a Event, Option<&'a Event>)>,
    year: CollectionYear,
) -> impl Iterator<Item = (&'a Event, Option<&'a Event>)> {
    spans.into_iter().filter_map(move |(start, end)| {
        let end = end.filter(|e| e.occurred_on <= year.end_date());
        let outside = start.occurred_on > year.end_date()
            || end.is_some_and(|e| e.occurred_on < year.start_date());
        (!outside).then_some((start, end))
    })
}

/// A yes or no answer as the 903 writes it: 1 or 0, blank when not recorded.
fn one_or_zero(answer: Option<&str>) -> String {
    match answer {
        Some("Y") => "1",
        Some("N") => "0",
        _ => "",
    }
    .to_owned()
}

/// OC3's items (`IN_TOUCH`, `ACTIV`, `ACCOM`) for a care leaver of `year` (see the
/// module's notes), `None` for anyone else.
fn care_leaver(record: &StatutoryRecord, year: CollectionYear) -> Option<[String; 3]> {
    let dob = Some(record.person.date_of_birth);
    let birthday = (17..=21)
        .filter_map(|age| birthday(dob, age))
        .find(|b| (year.start_date()..=year.end_date()).contains(b))?;
    let cares: Vec<&StatutoryWork> = looked_after(record).collect();
    let last = cares.last()?;
    if cares
        .iter()
        .any(|w| w.work.period.end().is_none_or(|e| e >= birthday))
    {
        return None;
    }
    let how_care_ended = record
        .events_of(last.work.id, EventKind::CeasedLookedAfter)
        .last()
        .and_then(|e| e.detail("rec"));
    if matches!(how_care_ended, Some("E11" | "E12" | "E2" | "E3")) {
        return None;
    }
    // Days looked after from a birthday on, short breaks (V3, V4) aside.
    let since = |years: u32| -> i64 {
        let Some(from) = super::rules::birthday(dob, years) else {
            return 0;
        };
        cares
            .iter()
            .flat_map(|care| {
                let end = care.work.period.end();
                split(care, &record.events, birthday)
                    .into_iter()
                    .map(move |e| (e, end))
            })
            .filter(|(e, _)| !matches!(e.ls.as_str(), "V3" | "V4"))
            .map(|(e, end)| {
                let to = e.dec.or(end).unwrap_or(birthday);
                (to - e.decom.max(from)).num_days().max(0)
            })
            .sum()
    };
    if since(14) < 91 || since(16) < 1 {
        return None;
    }
    let window = birthday.checked_sub_months(chrono::Months::new(3))?
        ..=birthday.checked_add_months(chrono::Months::new(1))?;
    let contact = record
        .events
        .iter()
        .filter(|e| e.kind == EventKind::CareLeaverContact && window.contains(&e.occurred_on))
        .min_by_key(|e| (e.occurred_on - birthday).num_days().abs());
    let Some(contact) = contact else {
        return Some(Default::default());
    };
    let in_touch = detail(contact, "in-touch");
    let unknown = if in_touch == "YES" { "" } else { "0" };
    let item = |name: &str| contact.detail(name).unwrap_or(unknown).to_owned();
    Some([in_touch.clone(), item("activity"), item("accommodation")])
}

/// AD1's columns after `CHILD` and `DOB` for a period of care that ended in adoption
/// (E11 or E12) in `year`; `None` when it did not.
fn adopted(
    record: &StatutoryRecord,
    care: &StatutoryWork,
    year: CollectionYear,
) -> Option<Vec<String>> {
    let end = care
        .work
        .period
        .end()
        .filter(|e| (year.start_date()..=year.end_date()).contains(e))?;
    let id = care.work.id;
    let rec = record
        .events_of(id, EventKind::CeasedLookedAfter)
        .filter(|e| e.occurred_on <= end)
        .last()?;
    if !matches!(rec.detail("rec"), Some("E11" | "E12")) {
        return None;
    }
    let latest = |kind: EventKind| {
        record
            .events_of(id, kind)
            .filter(|e| e.occurred_on <= end)
            .last()
    };
    let decision = latest(EventKind::AdoptionDecision);
    let matched = latest(EventKind::AdoptionMatched);
    let adopters = matched.map(|m| detail(m, "adopters")).unwrap_or_default();
    let how_many = match adopters.as_str() {
        "" => "",
        "M1" | "F1" => "1",
        _ => "2",
    };
    let foster_carers = one_or_zero(matched.and_then(|m| m.detail("foster-carers")));
    Some(vec![
        decision.map(|e| dmy(e.occurred_on)).unwrap_or_default(),
        matched.map(|e| dmy(e.occurred_on)).unwrap_or_default(),
        foster_carers,
        how_many.to_owned(),
        adopters,
        matched.map(|m| detail(m, "status")).unwrap_or_default(),
    ])
}

fn looked_after(record: &StatutoryRecord) -> impl Iterator<Item = &StatutoryWork> {
    record
        .work
        .iter()
        .filter(|w| w.work.kind == InvolvementKind::LookedAfter)
}

/// One episode of care as the return writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Episode {
    decom: NaiveDate,
    rne: &'static str,
    ls: String,
    cin: String,
    place: String,
    provider: String,
    postcode: String,
    urn: String,
    dec: Option<NaiveDate>,
    rec: String,
    reason_place_change: String,
}

/// The child's episodes with a day in `year`, every period of care, in date order.
fn episodes_of(record: &StatutoryRecord, year: CollectionYear) -> Vec<Episode> {
    let mut out = Vec::new();
    for care in looked_after(record) {
        let last = care.work.period.end();
        let all = split(care, &record.events, year.end_date());
        out.extend(all.into_iter().filter(|e| {
            e.decom <= year.end_date()
                && e.dec.is_none_or(|d| d >= year.start_date())
                && last.is_none_or(|l| l >= e.decom)
        }));
    }
    out
}

fn detail(e: &Event, name: &str) -> String {
    e.detail(name).unwrap_or("").to_owned()
}

/// A period of care split into episodes at each change of legal status or placement
/// up to `until` (events after it are for next year's return).
fn split(care: &StatutoryWork, events: &[Event], until: NaiveDate) -> Vec<Episode> {
    let id = care.work.id;
    let of = |kind: EventKind| {
        events
            .iter()
            .filter(move |e| e.involvement == id && e.kind == kind && e.occurred_on <= until)
    };
    let latest = |kind: EventKind, day: NaiveDate| {
        of(kind)
            .filter(|e| e.occurred_on <= day)
            .max_by_key(|e| (e.occurred_on, e.id))
    };
    // A legal status recorded again unchanged (as an import of a later return may, at
    // its first episode) is no new episode.
    let status = |day: NaiveDate| latest(EventKind::LegalStatus, day).map(|e| detail(e, "ls"));
    let ls_changed = |day: NaiveDate| status(day) != day.pred_opt().and_then(&status);
    // Likewise a placement recorded again as it was, with no placement ended that day.
    let placed = |day: NaiveDate| {
        latest(EventKind::PlacementStarted, day)
            .map(|e| ["place", "provider", "postcode", "urn"].map(|name| detail(e, name)))
    };
    let moved = |day: NaiveDate| {
        of(EventKind::PlacementStarted).any(|e| e.occurred_on == day)
            && (of(EventKind::PlacementEnded).any(|e| e.occurred_on == day)
                || placed(day) != day.pred_opt().and_then(&placed))
    };
    let mut days: Vec<NaiveDate> = of(EventKind::LegalStatus)
        .chain(of(EventKind::PlacementStarted))
        .map(|e| e.occurred_on)
        .filter(|d| ls_changed(*d) || moved(*d))
        .chain(std::iter::once(care.work.period.start()))
        .filter(|d| *d >= care.work.period.start())
        .collect();
    days.sort_unstable();
    days.dedup();
    let need = of(EventKind::LegalStatus)
        .find_map(|e| e.detail("need").map(str::to_owned))
        .unwrap_or_default();
    let mut episodes: Vec<Episode> = Vec::with_capacity(days.len());
    for (i, day) in days.iter().enumerate() {
        let placement = latest(EventKind::PlacementStarted, *day);
        let rne = if i == 0 {
            "S"
        } else {
            // The record does not say whether a new placement kept the same carer, so
            // a move is a change of carer too: P (placement and carer), or B (legal
            // status, placement and carer); T and U (same carer) are never written.
            match (ls_changed(*day), moved(*day)) {
                (true, true) => "B",
                (true, false) => "L",
                _ => "P",
            }
        };
        let next = days.get(i + 1).copied();
        let ended = care.work.period.end().filter(|e| *e <= until);
        let (dec, rec) = match (next, ended) {
            (Some(n), _) => (Some(n), "X1".to_owned()),
            (None, Some(end)) => (
                Some(end),
                of(EventKind::CeasedLookedAfter)
                    .max_by_key(|e| e.occurred_on)
                    .map(|e| detail(e, "rec"))
                    .unwrap_or_default(),
            ),
            (None, None) => (None, String::new()),
        };
        // The reason a placement ended belongs to the episode it ends.
        let reason_place_change = next
            .filter(|n| of(EventKind::PlacementStarted).any(|e| e.occurred_on == *n))
            .and_then(|n| {
                of(EventKind::PlacementEnded)
                    .find(|e| e.occurred_on == n)
                    .map(|e| detail(e, "reason"))
            })
            .unwrap_or_default();
        episodes.push(Episode {
            decom: *day,
            rne,
            ls: status(*day).unwrap_or_default(),
            cin: need.clone(),
            place: placement.map(|e| detail(e, "place")).unwrap_or_default(),
            provider: placement.map(|e| detail(e, "provider")).unwrap_or_default(),
            postcode: placement.map(|e| detail(e, "postcode")).unwrap_or_default(),
            urn: placement.map(|e| detail(e, "urn")).unwrap_or_default(),
            dec,
            rec,
            reason_place_change,
        });
    }
    episodes
}

#[cfg(test)]
pub(crate) mod tests;
