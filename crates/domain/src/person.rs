//! A child as a person: other names, expected date of birth, gender, ethnicity,
//! language, religion, identifiers, address history, disability, and asylum and
//! immigration status.
//!
//! Coded fields use the DfE's code lists so that the statutory returns can read them
//! straight: ethnicity as in the CIN census `Ethnicity` and SSDA903 `ETHNIC` fields,
//! disability as in the CIN census `Disability` field (both lists in
//! `shared/reference/returns/*_codes.tsv`; the labels are the DfE guidance's).
//!
//! An unborn child has an *expected* date of birth; the child's `date_of_birth` then
//! holds that expected date, so that everything which orders or ages by date of birth
//! keeps working, and [`PersonDetails::expected_date_of_birth`] says it is not yet a
//! birth.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::child::{Child, Sex};
use crate::identifiers::{NhsNumber, Postcode, Upn};
use crate::DomainError;

/// The DfE ethnicity codes (CIN census `Ethnicity`, SSDA903 `ETHNIC`) with their labels.
pub const ETHNICITIES: [(&str, &str); 20] = [
    ("WBRI", "White British"),
    ("WIRI", "White Irish"),
    ("WIRT", "Traveller of Irish heritage"),
    ("WOTH", "Any other White background"),
    ("WROM", "Gypsy/Roma"),
    ("MWBC", "White and Black Caribbean"),
    ("MWBA", "White and Black African"),
    ("MWAS", "White and Asian"),
    ("MOTH", "Any other mixed background"),
    ("AIND", "Indian"),
    ("APKN", "Pakistani"),
    ("ABAN", "Bangladeshi"),
    ("AOTH", "Any other Asian background"),
    ("BCRB", "Caribbean"),
    ("BAFR", "African"),
    ("BOTH", "Any other Black background"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Refused"),
    ("NOBT", "Information not yet obtained"),
];

/// The CIN census disability codes with their labels.
pub const DISABILITIES: [(&str, &str); 13] = [
    ("NONE", "No disability"),
    ("MOB", "Mobility"),
    ("HAND", "Hand function"),
    ("PC", "Personal care"),
    ("INC", "Incontinence"),
    ("COMM", "Communication"),
    ("LD", "Learning"),
    ("HEAR", "Hearing"),
    ("VIS", "Vision"),
    ("BEH", "Behaviour"),
    ("CON", "Consciousness"),
    ("AUT", "Autism or Asperger syndrome"),
    (
        "DDA",
        "Disabled under the Equality Act but in no other category",
    ),
];

/// An ethnicity, as one of the DfE codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ethnicity(&'static str);

impl Ethnicity {
    /// Reads a DfE ethnicity code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        let code = code.trim().to_ascii_uppercase();
        ETHNICITIES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(c, _)| Ethnicity(c))
            .ok_or_else(|| DomainError::invalid("ethnicity", "choose an ethnicity from the list"))
    }

    /// The code, e.g. "WBRI".
    pub fn code(self) -> &'static str {
        self.0
    }

    /// The label, e.g. "White British".
    pub fn label(self) -> &'static str {
        ETHNICITIES
            .iter()
            .find(|(c, _)| *c == self.0)
            .map_or(self.0, |(_, l)| l)
    }
}

/// A disability, as one of the CIN census codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Disability(&'static str);

impl Disability {
    /// Reads a CIN census disability code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        let code = code.trim().to_ascii_uppercase();
        DISABILITIES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(c, _)| Disability(c))
            .ok_or_else(|| {
                DomainError::invalid("disability", format!("{code:?} is not a CIN census code"))
            })
    }

    /// The code, e.g. "AUT".
    pub fn code(self) -> &'static str {
        self.0
    }

    /// The label.
    pub fn label(self) -> &'static str {
        DISABILITIES
            .iter()
            .find(|(c, _)| *c == self.0)
            .map_or(self.0, |(_, l)| l)
    }
}

/// Which kind of name a recorded name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NameKind {
    /// The name the child is known by now (held on the child).
    Current,
    /// A name the child was known by before (e.g. before adoption).
    Previous,
    /// Another name the child is known by (a nickname, a spelling used by a school).
    Alias,
}

impl NameKind {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            NameKind::Current => "current",
            NameKind::Previous => "previous",
            NameKind::Alias => "alias",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Result<Self, DomainError> {
        match code {
            "current" => Ok(NameKind::Current),
            "previous" => Ok(NameKind::Previous),
            "alias" => Ok(NameKind::Alias),
            other => Err(DomainError::invalid(
                "name kind",
                format!("unknown kind {other:?}"),
            )),
        }
    }

    /// How a person would say it.
    pub fn label(self) -> &'static str {
        match self {
            NameKind::Current => "Name",
            NameKind::Previous => "Previous name",
            NameKind::Alias => "Also known as",
        }
    }
}

/// A name the child has or had, with the dates it was used when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName {
    /// Current, previous or alias.
    pub kind: NameKind,
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Used from.
    pub from: Option<NaiveDate>,
    /// Used until (inclusive).
    pub to: Option<NaiveDate>,
}

impl PersonName {
    /// "Given Family".
    pub fn full(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// Where the child lived, from when to when (`to` is None for the current address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressPeriod {
    /// The first line (house and street), when known.
    pub line: String,
    /// The postcode.
    pub postcode: Postcode,
    /// Lived there from.
    pub from: NaiveDate,
    /// Until (inclusive); None while they still live there.
    pub to: Option<NaiveDate>,
}

/// Everything about the child as a person beyond name, sex and date of birth.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonDetails {
    /// Set for an unborn child: the expected date of birth.
    pub expected_date_of_birth: Option<NaiveDate>,
    /// Gender as the child describes it, when recorded (sex is on the child).
    pub gender: Option<String>,
    /// Ethnicity (DfE code).
    pub ethnicity: Option<Ethnicity>,
    /// First language.
    pub first_language: Option<String>,
    /// Religion.
    pub religion: Option<String>,
    /// NHS number.
    pub nhs_number: Option<NhsNumber>,
    /// Unique pupil number.
    pub upn: Option<Upn>,
    /// Disabilities (CIN census codes); empty when not recorded.
    pub disabilities: Vec<Disability>,
    /// Unaccompanied asylum-seeking child.
    pub uasc: bool,
    /// Immigration status, in words, when recorded.
    pub immigration_status: Option<String>,
    /// Previous names and aliases (the current name is on the child).
    pub other_names: Vec<PersonName>,
    /// Addresses, earliest first.
    pub addresses: Vec<AddressPeriod>,
}

impl PersonDetails {
    /// The address on `day`, if any.
    pub fn address_on(&self, day: NaiveDate) -> Option<&AddressPeriod> {
        self.addresses
            .iter()
            .rev()
            .find(|a| a.from <= day && a.to.is_none_or(|t| t >= day))
    }

    /// The latest address (the current one, or the last known).
    pub fn latest_address(&self) -> Option<&AddressPeriod> {
        self.addresses.iter().max_by_key(|a| a.from)
    }
}

/// A child to register, as typed into the form: every field as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewChildForm {
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// "1", "2" or "0".
    pub sex: String,
    /// Date of birth, day/month/year.
    pub born: (String, String, String),
    /// Expected date of birth (unborn), day/month/year.
    pub expected: (String, String, String),
    /// NHS number (optional).
    pub nhs_number: String,
    /// UPN (optional).
    pub upn: String,
    /// Postcode of the current address (optional).
    pub postcode: String,
    /// Ethnicity code (optional).
    pub ethnicity: String,
    /// Gender, in the person's own words, where it differs from or adds to sex
    /// (optional).
    pub gender: String,
    /// First language (optional).
    pub first_language: String,
    /// Religion (optional).
    pub religion: String,
    /// CIN census disability codes ticked; "NONE" means no disability.
    pub disabilities: Vec<String>,
    /// Unaccompanied asylum-seeking child: "yes", "no" or blank (no).
    pub uasc: String,
    /// Immigration status (optional).
    pub immigration_status: String,
}

/// A child to register, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChild {
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Sex.
    pub sex: Sex,
    /// Date of birth, or for an unborn child the expected date.
    pub date_of_birth: NaiveDate,
    /// The rest.
    pub details: PersonDetails,
}

/// The longest name Carebridge keeps (the CIN census allows no more).
const NAME_MAX: usize = 100;

/// Reads a GOV.UK date input's three boxes; None when all three are blank.
fn date_boxes(
    field: &'static str,
    (d, m, y): &(String, String, String),
) -> Result<Option<NaiveDate>, DomainError> {
    let (d, m, y) = (d.trim(), m.trim(), y.trim());
    if d.is_empty() && m.is_empty() && y.is_empty() {
        return Ok(None);
    }
    let number = |s: &str| s.parse::<u32>().ok();
    match (number(d), number(m), y.parse::<i32>().ok()) {
        (Some(d), Some(m), Some(y)) if (1900..=2200).contains(&y) => {
            NaiveDate::from_ymd_opt(y, m, d)
                .map(Some)
                .ok_or_else(|| DomainError::invalid(field, "must be a real date"))
        }
        _ => Err(DomainError::invalid(
            field,
            "must be a real date with a day, month and 4-digit year, like 14 3 2015",
        )),
    }
}

/// The value, or None with its error noted.
fn keep<T>(errors: &mut Vec<DomainError>, result: Result<T, DomainError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

fn name(field: &'static str, text: &str) -> Result<String, DomainError> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err(DomainError::invalid(field, format!("enter the {field}")));
    }
    if text.chars().count() > NAME_MAX {
        return Err(DomainError::invalid(
            field,
            format!("must be {NAME_MAX} characters or fewer"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(text)
}

/// The longest gender, language, religion or status Carebridge keeps.
const DETAIL_MAX: usize = 100;

/// An optional short free-text detail: None when blank, spaces tidied.
fn short_text(field: &'static str, text: &str) -> Result<Option<String>, DomainError> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > DETAIL_MAX {
        return Err(DomainError::invalid(
            field,
            format!("must be {DETAIL_MAX} characters or fewer"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(Some(text))
}

/// The ticked disability codes, each once, in the list's order; "No disability"
/// cannot be ticked with a disability.
fn disabilities(codes: &[String]) -> Result<Vec<Disability>, DomainError> {
    let mut ticked = codes
        .iter()
        .filter(|c| !c.trim().is_empty())
        .map(|c| Disability::parse(c))
        .collect::<Result<Vec<_>, _>>()?;
    ticked.sort_by_key(|d| DISABILITIES.iter().position(|(c, _)| *c == d.code()));
    ticked.dedup();
    if ticked.len() > 1 && ticked.iter().any(|d| d.code() == "NONE") {
        return Err(DomainError::invalid(
            "disability",
            "choose \"No disability\" or the disabilities the child has, not both",
        ));
    }
    Ok(ticked)
}

impl NewChild {
    /// Checks a registration form on `today`; every problem is returned, one per field,
    /// in the order of the form, so the error summary can list them all.
    pub fn parse(form: &NewChildForm, today: NaiveDate) -> Result<NewChild, Vec<DomainError>> {
        let mut errors = Vec::new();
        let given = keep(&mut errors, name("given name", &form.given_name));
        let family = keep(&mut errors, name("family name", &form.family_name));
        let sex = keep(
            &mut errors,
            if form.sex.trim().is_empty() {
                Err(DomainError::invalid("sex", "choose the child's sex"))
            } else {
                Sex::parse(&form.sex)
            },
        );
        let born = keep(&mut errors, date_boxes("date of birth", &form.born));
        let expected = keep(
            &mut errors,
            date_boxes("expected date of birth", &form.expected),
        );
        let date = match (born, expected) {
            (Some(Some(born)), Some(None)) if born > today => keep(
                &mut errors,
                Err(DomainError::invalid(
                    "date of birth",
                    "must be today or in the past; for an unborn child give the expected date",
                )),
            ),
            (Some(Some(born)), Some(None)) => Some((born, None)),
            (Some(None), Some(Some(expected))) if expected <= today => keep(
                &mut errors,
                Err(DomainError::invalid(
                    "expected date of birth",
                    "must be in the future; once the child is born give the date of birth",
                )),
            ),
            (Some(None), Some(Some(expected))) => Some((expected, Some(expected))),
            (Some(Some(_)), Some(Some(_))) => keep(
                &mut errors,
                Err(DomainError::invalid(
                    "date of birth",
                    "give either the date of birth or the expected date of birth, not both",
                )),
            ),
            (Some(None), Some(None)) => keep(
                &mut errors,
                Err(DomainError::invalid(
                    "date of birth",
                    "enter the date of birth, or the expected date of birth for an unborn child",
                )),
            ),
            _ => None,
        };
        fn optional(text: &str) -> Option<&str> {
            (!text.trim().is_empty()).then_some(text)
        }
        let nhs = optional(&form.nhs_number).map(|t| keep(&mut errors, NhsNumber::parse(t)));
        let upn = optional(&form.upn).map(|t| keep(&mut errors, Upn::parse(t)));
        let postcode = optional(&form.postcode).map(|t| keep(&mut errors, Postcode::parse(t)));
        let ethnicity = optional(&form.ethnicity).map(|t| keep(&mut errors, Ethnicity::parse(t)));
        let gender = keep(&mut errors, short_text("gender", &form.gender));
        let first_language = keep(
            &mut errors,
            short_text("first language", &form.first_language),
        );
        let religion = keep(&mut errors, short_text("religion", &form.religion));
        let disabilities = keep(&mut errors, disabilities(&form.disabilities));
        let uasc = keep(
            &mut errors,
            match form.uasc.trim() {
                "yes" => Ok(true),
                "no" | "" => Ok(false),
                _ => Err(DomainError::invalid(
                    "asylum-seeking status",
                    "choose yes or no",
                )),
            },
        );
        let immigration_status = keep(
            &mut errors,
            short_text("immigration status", &form.immigration_status),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        let (Some(given_name), Some(family_name), Some(sex), Some((date_of_birth, expected))) =
            (given, family, sex, date)
        else {
            return Err(vec![DomainError::invalid("given name", "check the form")]);
        };
        Ok(NewChild {
            given_name,
            family_name,
            sex,
            date_of_birth,
            details: PersonDetails {
                expected_date_of_birth: expected,
                ethnicity: ethnicity.flatten(),
                gender: gender.flatten(),
                first_language: first_language.flatten(),
                religion: religion.flatten(),
                disabilities: disabilities.unwrap_or_default(),
                uasc: uasc.unwrap_or_default(),
                immigration_status: immigration_status.flatten(),
                nhs_number: nhs.flatten(),
                upn: upn.flatten(),
                addresses: postcode
                    .flatten()
                    .map(|postcode| AddressPeriod {
                        line: String::new(),
                        postcode,
                        from: today,
                        to: None,
                    })
                    .into_iter()
                    .collect(),
                ..PersonDetails::default()
            },
        })
    }
}

impl NewChildForm {
    /// The form filled in with a child's record as it stands, to correct it.
    pub fn of_record(child: &Child, details: &PersonDetails) -> NewChildForm {
        let boxes = |d: NaiveDate| {
            (
                d.day().to_string(),
                d.month().to_string(),
                d.year().to_string(),
            )
        };
        let empty = || (String::new(), String::new(), String::new());
        let (born, expected) = match details.expected_date_of_birth {
            Some(e) => (empty(), boxes(e)),
            None => (boxes(child.date_of_birth), empty()),
        };
        NewChildForm {
            given_name: child.given_name.clone(),
            family_name: child.family_name.clone(),
            sex: child.sex.code().to_owned(),
            born,
            expected,
            nhs_number: details
                .nhs_number
                .as_ref()
                .map(|n| n.spaced())
                .unwrap_or_default(),
            upn: details
                .upn
                .as_ref()
                .map(|u| u.as_str().to_owned())
                .unwrap_or_default(),
            postcode: details
                .latest_address()
                .filter(|a| a.to.is_none())
                .map(|a| a.postcode.as_str().to_owned())
                .unwrap_or_default(),
            ethnicity: details
                .ethnicity
                .map(|e| e.code().to_owned())
                .unwrap_or_default(),
            gender: details.gender.clone().unwrap_or_default(),
            first_language: details.first_language.clone().unwrap_or_default(),
            religion: details.religion.clone().unwrap_or_default(),
            disabilities: details
                .disabilities
                .iter()
                .map(|d| d.code().to_owned())
                .collect(),
            uasc: if details.uasc { "yes" } else { "no" }.to_owned(),
            immigration_status: details.immigration_status.clone().unwrap_or_default(),
        }
    }
}

impl NewChild {
    /// This corrected form applied to the record as it stands on `day`, and what
    /// changed, in words. A new name keeps the old one as a previous name, used until
    /// the day before; a new postcode ends the current address the day before and
    /// starts the new one on `day` (or replaces an address that started today); a
    /// blank postcode leaves the addresses as they are. Every other detail takes the
    /// form's value; the other names and past addresses are kept.
    pub fn applied_to(
        self,
        child: &Child,
        current: &PersonDetails,
        day: NaiveDate,
    ) -> (Child, PersonDetails, Vec<&'static str>) {
        let mut changed = Vec::new();
        let mut details = current.clone();
        if (self.given_name.as_str(), self.family_name.as_str())
            != (child.given_name.as_str(), child.family_name.as_str())
        {
            changed.push("name");
            details.other_names.push(PersonName {
                kind: NameKind::Previous,
                given_name: child.given_name.clone(),
                family_name: child.family_name.clone(),
                from: None,
                to: day.pred_opt().filter(|d| *d >= child.date_of_birth),
            });
        }
        if self.sex != child.sex {
            changed.push("sex");
        }
        if self.date_of_birth != child.date_of_birth
            || self.details.expected_date_of_birth != current.expected_date_of_birth
        {
            changed.push("date of birth");
        }
        if self.details.nhs_number != current.nhs_number {
            changed.push("NHS number");
        }
        if self.details.upn != current.upn {
            changed.push("UPN");
        }
        if self.details.ethnicity != current.ethnicity {
            changed.push("ethnicity");
        }
        let new = &self.details;
        for (what, differs) in [
            ("gender", new.gender != current.gender),
            (
                "first language",
                new.first_language != current.first_language,
            ),
            ("religion", new.religion != current.religion),
            ("disability", new.disabilities != current.disabilities),
            ("asylum-seeking status", new.uasc != current.uasc),
            (
                "immigration status",
                new.immigration_status != current.immigration_status,
            ),
        ] {
            if differs {
                changed.push(what);
            }
        }
        details.expected_date_of_birth = self.details.expected_date_of_birth;
        details.nhs_number = self.details.nhs_number;
        details.upn = self.details.upn;
        details.ethnicity = self.details.ethnicity;
        details.gender = self.details.gender;
        details.first_language = self.details.first_language;
        details.religion = self.details.religion;
        details.disabilities = self.details.disabilities;
        details.uasc = self.details.uasc;
        details.immigration_status = self.details.immigration_status;
        let current_postcode = current
            .latest_address()
            .filter(|a| a.to.is_none())
            .map(|a| a.postcode.clone());
        if let Some(new) = self.details.addresses.into_iter().next() {
            if Some(&new.postcode) != current_postcode.as_ref() {
                changed.push("address");
                details
                    .addresses
                    .retain(|a| !(a.to.is_none() && a.from >= day));
                for a in &mut details.addresses {
                    if a.to.is_none() {
                        a.to = day.pred_opt();
                    }
                }
                details.addresses.push(AddressPeriod { from: day, ..new });
            }
        }
        let child = Child {
            id: child.id,
            given_name: self.given_name,
            family_name: self.family_name,
            sex: self.sex,
            date_of_birth: self.date_of_birth,
        };
        (child, details, changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn valid() -> NewChildForm {
        NewChildForm {
            given_name: " John ".into(),
            family_name: "Smith".into(),
            sex: "1".into(),
            born: ("14".into(), "3".into(), "2015".into()),
            nhs_number: "999 000 0018".into(),
            postcode: "nm1 2ab".into(),
            ethnicity: "WBRI".into(),
            ..NewChildForm::default()
        }
    }

    #[test]
    fn a_valid_form_gives_a_child() {
        let nhs = NhsNumber::with_check_digit(999_000_001);
        let mut form = valid();
        form.nhs_number = nhs.as_ref().map(|n| n.spaced()).unwrap_or_default();
        let child = NewChild::parse(&form, today());
        let Ok(child) = child else {
            panic!("{child:?}");
        };
        assert_eq!(child.given_name, "John");
        assert_eq!(
            child.date_of_birth,
            NaiveDate::from_ymd_opt(2015, 3, 14).unwrap()
        );
        assert_eq!(child.details.nhs_number, nhs);
        assert_eq!(child.details.addresses[0].postcode.as_str(), "NM1 2AB");
        assert_eq!(
            child.details.ethnicity.map(Ethnicity::label),
            Some("White British")
        );
        assert_eq!(child.details.expected_date_of_birth, None);
    }

    #[test]
    fn every_bad_field_is_reported_by_name() {
        let form = NewChildForm {
            born: ("31".into(), "2".into(), "2015".into()),
            nhs_number: "123".into(),
            upn: "A801200005001".into(),
            postcode: "nowhere".into(),
            ethnicity: "XXXX".into(),
            ..NewChildForm::default()
        };
        let Err(errors) = NewChild::parse(&form, today()) else {
            panic!("accepted");
        };
        let fields: Vec<&str> = errors
            .iter()
            .filter_map(|e| match e {
                DomainError::Invalid { field, .. } => Some(*field),
                _ => None,
            })
            .collect();
        assert_eq!(
            fields,
            [
                "given name",
                "family name",
                "sex",
                "date of birth",
                "NHS number",
                "UPN",
                "postcode",
                "ethnicity"
            ]
        );
    }

    #[test]
    fn an_unborn_child_has_an_expected_date_in_the_future() {
        let mut form = valid();
        form.born = Default::default();
        form.expected = ("1".into(), "2".into(), "2027".into());
        let child = NewChild::parse(&form, today()).unwrap();
        assert_eq!(
            child.details.expected_date_of_birth,
            Some(child.date_of_birth)
        );
        form.expected = ("1".into(), "2".into(), "2026".into());
        assert!(NewChild::parse(&form, today()).is_err());
        form.born = ("1".into(), "2".into(), "2020".into());
        assert!(NewChild::parse(&form, today()).is_err(), "both dates");
        let mut future = valid();
        future.born = ("1".into(), "1".into(), "2027".into());
        assert!(NewChild::parse(&future, today()).is_err());
    }

    #[test]
    fn codes_read_back() {
        for (code, _) in ETHNICITIES {
            assert_eq!(Ethnicity::parse(code).map(Ethnicity::code), Ok(code));
        }
        for (code, _) in DISABILITIES {
            assert_eq!(Disability::parse(code).map(Disability::code), Ok(code));
        }
        assert!(Ethnicity::parse("WBR").is_err());
    }

    proptest! {
        #[test]
        fn the_form_never_panics(
            given in "\\PC{0,12}", family in "\\PC{0,12}", sex in "\\PC{0,2}",
            d in "\\PC{0,3}", m in "\\PC{0,3}", y in "\\PC{0,5}", nhs in "\\PC{0,12}",
        ) {
            let form = NewChildForm {
                given_name: given, family_name: family, sex,
                born: (d.clone(), m.clone(), y.clone()), expected: (d.clone(), m, y),
                nhs_number: nhs.clone(), upn: nhs.clone(), postcode: nhs.clone(),
                ethnicity: nhs.clone(), gender: nhs.clone(), first_language: nhs.clone(),
                religion: nhs.clone(), disabilities: vec![nhs.clone(), d.clone()],
                uasc: nhs.clone(), immigration_status: nhs,
            };
            let _ = NewChild::parse(&form, today());
        }
    }

    #[test]
    fn a_correction_keeps_the_old_name_and_ends_the_old_address() {
        let child = Child {
            id: crate::ChildId(7),
            given_name: "Ada".into(),
            family_name: "Brightwater".into(),
            sex: Sex::Female,
            date_of_birth: NaiveDate::from_ymd_opt(2015, 3, 14).unwrap_or_default(),
        };
        let old_address = AddressPeriod {
            line: String::new(),
            postcode: Postcode::parse("NM1 2AB").unwrap(),
            from: child.date_of_birth,
            to: None,
        };
        let current = PersonDetails {
            addresses: vec![old_address.clone()],
            religion: Some("Christian".into()),
            ..PersonDetails::default()
        };
        // The form as it stands changes nothing.
        let same = NewChild::parse(&NewChildForm::of_record(&child, &current), today()).unwrap();
        let (_, kept, changed) = same.applied_to(&child, &current, today());
        assert!(changed.is_empty(), "{changed:?}");
        assert_eq!(kept, current);
        // A new family name and postcode.
        let mut form = NewChildForm::of_record(&child, &current);
        form.family_name = "Hartley".into();
        form.postcode = "nm7 7zz".into();
        let (after, details, changed) =
            NewChild::parse(&form, today())
                .unwrap()
                .applied_to(&child, &current, today());
        assert_eq!(changed, ["name", "address"]);
        assert_eq!(after.family_name, "Hartley");
        assert_eq!(details.other_names[0].family_name, "Brightwater");
        assert_eq!(details.other_names[0].kind, NameKind::Previous);
        assert_eq!(details.addresses[0].to, today().pred_opt());
        assert_eq!(details.addresses[1].postcode.as_str(), "NM7 7ZZ");
        assert_eq!(details.addresses[1].from, today());
        assert_eq!(details.religion.as_deref(), Some("Christian"), "kept");
    }

    #[test]
    fn the_other_details_are_read_and_corrected() {
        let mut form = valid();
        form.first_language = "  Tigrinya ".into();
        form.disabilities = vec!["aut".into(), "HEAR".into(), "AUT".into()];
        form.uasc = "yes".into();
        form.immigration_status = "Asylum claim pending".into();
        let child = NewChild::parse(&form, today()).unwrap();
        assert_eq!(child.details.first_language.as_deref(), Some("Tigrinya"));
        let codes: Vec<_> = child
            .details
            .disabilities
            .iter()
            .map(|d| d.code())
            .collect();
        assert_eq!(codes, ["HEAR", "AUT"], "once each, in the list's order");
        assert!(child.details.uasc);
        assert_eq!(child.details.religion, None, "blank is not recorded");

        // Errors, each named by field.
        let mut bad = valid();
        bad.disabilities = vec!["NONE".into(), "AUT".into()];
        bad.uasc = "maybe".into();
        bad.religion = "x".repeat(101);
        bad.gender = "a\u{7}b".into();
        let fields: Vec<&str> = NewChild::parse(&bad, today())
            .unwrap_err()
            .iter()
            .filter_map(|e| match e {
                DomainError::Invalid { field, .. } => Some(*field),
                _ => None,
            })
            .collect();
        assert_eq!(
            fields,
            ["gender", "religion", "disability", "asylum-seeking status"]
        );
        let mut unknown = valid();
        unknown.disabilities = vec!["BLIND".into()];
        assert!(NewChild::parse(&unknown, today()).is_err());

        // Correcting them says what changed and keeps the names.
        let record = Child {
            id: crate::ChildId(7),
            given_name: child.given_name.clone(),
            family_name: child.family_name.clone(),
            sex: child.sex,
            date_of_birth: child.date_of_birth,
        };
        let mut again = NewChildForm::of_record(&record, &child.details);
        again.uasc = "no".into();
        again.immigration_status = "Refugee status granted".into();
        again.disabilities.clear();
        let (_, details, changed) =
            NewChild::parse(&again, today())
                .unwrap()
                .applied_to(&record, &child.details, today());
        assert_eq!(
            changed,
            ["disability", "asylum-seeking status", "immigration status"]
        );
        assert!(!details.uasc);
        assert!(details.disabilities.is_empty());
        assert_eq!(details.first_language.as_deref(), Some("Tigrinya"));
    }
}
