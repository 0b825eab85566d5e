//! The identifiers a person carries outside Carebridge: the NHS number, the unique pupil
//! number (UPN) and the postcode of an address. Each is a newtype with private contents
//! made only by `parse`, so a value that exists is valid, and each is kept in one
//! canonical form (digits only; upper case; "AB1 2CD") so that equal identifiers compare
//! and search equal however they were typed.
//!
//! Sources of the rules:
//! - NHS number: NHS Data Dictionary, "NHS Number": ten digits, the tenth a modulus-11
//!   check digit over the first nine with weights 10 down to 2; a remainder giving 11
//!   means check digit 0, and 10 means the number is invalid. Numbers from 999 000 0000
//!   to 999 999 9999 are never issued and are used for testing (the demo uses only those).
//! - UPN: DfE "Unique Pupil Numbers (UPNs)" guidance and the Government Data Standards
//!   Catalogue: a check letter, then 12 characters (LA number 3 digits, establishment 4,
//!   year 2, serial 3; a temporary UPN ends in a letter). The check letter is the sum of
//!   characters 2–13 times weights 2–13, modulo 23, as a letter A–Z without I, O and S
//!   (A=0 … H=7, J=8 … N=12, P=13, Q=14, R=15, T=16 … Z=22); a final letter counts with
//!   the same values.
//! - Postcode: the UK format (outward code of an area of one or two letters, a district
//!   digit and an optional digit or letter; inward code of a digit and two letters), as
//!   in the ONS postcode directory's user guide. Only the format is checked: whether a
//!   postcode exists needs the ONS lookup, which Carebridge does not ship.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A valid NHS number, stored as its ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NhsNumber(String);

impl NhsNumber {
    /// Reads an NHS number typed with or without spaces or hyphens ("999 123 4567").
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let field = "NHS number";
        let digits: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{a0}'))
            .collect();
        if digits.is_empty() {
            return Err(DomainError::invalid(field, "enter the NHS number"));
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(DomainError::invalid(
                field,
                "must be 10 digits, like 999 123 4567",
            ));
        }
        if digits.len() != 10 {
            return Err(DomainError::invalid(
                field,
                format!("must be 10 digits, not {}", digits.chars().count()),
            ));
        }
        let values: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
        let expected = nhs_check_digit(&values[..9]);
        match expected {
            Some(check) if Some(&check) == values.get(9) => Ok(NhsNumber(digits)),
            _ => Err(DomainError::invalid(
                field,
                "is not a valid NHS number: check the digits (the last digit does not match)",
            )),
        }
    }

    /// Makes a valid NHS number from nine digits by adding their check digit; `None`
    /// when the nine digits have no valid check digit (remainder 10).
    pub fn with_check_digit(first_nine: u32) -> Option<Self> {
        if first_nine > 999_999_999 {
            return None;
        }
        let text = format!("{first_nine:09}");
        let values: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
        nhs_check_digit(&values).map(|c| NhsNumber(format!("{text}{c}")))
    }

    /// The ten digits.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// As people write it: "999 123 4567".
    pub fn spaced(&self) -> String {
        let d = &self.0;
        format!(
            "{} {} {}",
            d.get(0..3).unwrap_or(""),
            d.get(3..6).unwrap_or(""),
            d.get(6..).unwrap_or("")
        )
    }
}

/// The modulus-11 check digit of nine digits, or `None` when the remainder makes it 10.
fn nhs_check_digit(nine: &[u32]) -> Option<u32> {
    let sum: u32 = nine.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        c => Some(c),
    }
}

impl fmt::Display for NhsNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.spaced())
    }
}

/// The 23 letters a UPN's check letter (and a temporary UPN's last character) may be,
/// in the order of their values 0–22.
const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// A valid unique pupil number, upper case, 13 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Upn(String);

impl Upn {
    /// Reads a UPN (spaces ignored, any case).
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let field = "UPN";
        let upn: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if upn.is_empty() {
            return Err(DomainError::invalid(field, "enter the UPN"));
        }
        let chars: Vec<char> = upn.chars().collect();
        if chars.len() != 13 {
            return Err(DomainError::invalid(
                field,
                format!(
                    "must be 13 characters (a letter and 12 digits), not {}",
                    chars.len()
                ),
            ));
        }
        let middle_ok = chars[1..12].iter().all(char::is_ascii_digit);
        let last = chars[12];
        let last_ok = last.is_ascii_digit() || upn_letter_value(last).is_some();
        if !middle_ok || !last_ok {
            return Err(DomainError::invalid(
                field,
                "must be a letter, then 11 digits, then a digit or letter (not I, O or S)",
            ));
        }
        let rest: String = chars[1..].iter().collect();
        let Some(check) = upn_check_letter(&rest) else {
            return Err(DomainError::invalid(field, "is not a valid UPN"));
        };
        if chars[0] != check {
            return Err(DomainError::invalid(
                field,
                "is not a valid UPN: the check letter (the first character) does not match",
            ));
        }
        Ok(Upn(upn))
    }

    /// Makes a valid UPN from its last 12 characters by adding the check letter.
    pub fn with_check_letter(twelve: &str) -> Result<Self, DomainError> {
        let check = upn_check_letter(twelve)
            .ok_or_else(|| DomainError::invalid("UPN", "12 digits (or 11 and a letter)"))?;
        Upn::parse(&format!("{check}{twelve}"))
    }

    /// The 13 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The value of a UPN letter (A=0 … Z=22 without I, O, S).
fn upn_letter_value(c: char) -> Option<u32> {
    UPN_LETTERS
        .iter()
        .position(|l| char::from(*l) == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The check letter of a UPN's last 12 characters: 11 digits and a digit or letter.
fn upn_check_letter(twelve: &str) -> Option<char> {
    let chars: Vec<char> = twelve.chars().collect();
    if chars.len() != 12 {
        return None;
    }
    let mut sum = 0u32;
    for (i, c) in chars.iter().enumerate() {
        let value = if i < 11 {
            c.to_digit(10)?
        } else {
            c.to_digit(10).or_else(|| upn_letter_value(*c))?
        };
        let weight = u32::try_from(i).ok()? + 2;
        sum += value * weight;
    }
    let index = usize::try_from(sum % 23).ok()?;
    UPN_LETTERS.get(index).map(|b| char::from(*b))
}

impl fmt::Display for Upn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A UK postcode in its canonical form: upper case, one space before the inward code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Postcode(String);

impl Postcode {
    /// Reads a postcode in any case and spacing ("nm12ab", "NM1 2AB").
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let field = "postcode";
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(DomainError::invalid(field, "enter the postcode"));
        }
        let expected = "must be a UK postcode, like NM1 2AB";
        let chars: Vec<char> = compact.chars().collect();
        if !(5..=7).contains(&chars.len()) {
            return Err(DomainError::invalid(field, expected));
        }
        let (outward, inward) = chars.split_at(chars.len() - 3);
        let inward_ok =
            inward[0].is_ascii_digit() && inward[1..].iter().all(char::is_ascii_uppercase);
        if !inward_ok || !outward_ok(outward) {
            return Err(DomainError::invalid(field, expected));
        }
        let outward: String = outward.iter().collect();
        let inward: String = inward.iter().collect();
        Ok(Postcode(format!("{outward} {inward}")))
    }

    /// "AB1 2CD".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Without the space ("AB12CD"), as the search index keys it.
    pub fn compact(&self) -> String {
        self.0.replace(' ', "")
    }
}

/// Whether the outward code has one of the UK shapes: A9, A99, AA9, AA99, A9A, AA9A.
fn outward_ok(c: &[char]) -> bool {
    let letter = |i: usize| c.get(i).is_some_and(char::is_ascii_uppercase);
    let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
    let alnum = |i: usize| letter(i) || digit(i);
    match c.len() {
        2 => letter(0) && digit(1),
        3 => letter(0) && ((digit(1) && alnum(2)) || (letter(1) && digit(2))),
        4 => letter(0) && letter(1) && digit(2) && alnum(3),
        _ => false,
    }
}

impl fmt::Display for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nhs_numbers_are_checked_by_modulus_11() {
        // 943 476 5919 is the NHS Data Dictionary's worked example.
        assert_eq!(
            NhsNumber::parse("943 476 5919").map(|n| n.digits().to_owned()),
            Ok("9434765919".to_owned())
        );
        assert!(NhsNumber::parse("9434765918").is_err());
        assert_eq!(
            NhsNumber::parse("943-476-5919").map(|n| n.spaced()),
            Ok("943 476 5919".to_owned())
        );
        let short = NhsNumber::parse("943476591");
        assert!(matches!(
            short,
            Err(DomainError::Invalid {
                field: "NHS number",
                ..
            })
        ));
        assert!(NhsNumber::parse("94347659x9").is_err());
        assert!(NhsNumber::parse("").is_err());
        // Nine digits whose check digit would be 10 have no valid number.
        for n in 999_000_000u32..999_000_200 {
            match NhsNumber::with_check_digit(n) {
                Some(nhs) => assert_eq!(NhsNumber::parse(nhs.digits()), Ok(nhs)),
                None => {
                    for last in 0..10 {
                        assert!(NhsNumber::parse(&format!("{n}{last}")).is_err());
                    }
                }
            }
        }
    }

    #[test]
    fn upns_are_checked_by_their_letter() {
        // B801200005001 is python-stdnum's example. A census help page works
        // "B207000016049" through to Q, but its own products add up to 266, which is
        // 13 (P) modulo 23: the letter is P.
        assert!(Upn::parse("P207000016049").is_ok());
        assert!(Upn::parse("Q207000016049").is_err());
        assert!(Upn::parse("B207000016049").is_err());
        assert!(Upn::parse("B801200005001").is_ok());
        assert!(Upn::parse("b801 2000 05001").is_ok());
        assert!(Upn::parse("A801200005001").is_err());
        assert!(Upn::parse("X80120000A001").is_err());
        assert!(Upn::parse("B80120000500").is_err());
        // A temporary UPN ends in a letter, which counts in the check.
        let temp = Upn::with_check_letter("80120000500A").map(|u| u.as_str().to_owned());
        assert!(temp.is_ok());
        assert!(Upn::with_check_letter("80120000500I").is_err());
    }

    #[test]
    fn postcodes_are_normalised() {
        for (typed, canonical) in [
            ("nm1 2ab", "NM1 2AB"),
            ("NM12AB", "NM1 2AB"),
            ("  nm 12 ab ", "NM1 2AB"),
            ("N1 2AB", "N1 2AB"),
            ("NM10 2AB", "NM10 2AB"),
            ("NW1A 2AB", "NW1A 2AB"),
            ("W1A 1AA", "W1A 1AA"),
        ] {
            assert_eq!(
                Postcode::parse(typed).map(|p| p.as_str().to_owned()),
                Ok(canonical.to_owned()),
                "{typed}"
            );
        }
        for bad in [
            "",
            "NM1",
            "12 2AB",
            "NM1 AAB",
            "NMNM1 2AB",
            "NM1 2A1",
            "Ñ1 2AB",
        ] {
            assert!(Postcode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in "\\PC{0,20}") {
            let _ = NhsNumber::parse(&s);
            let _ = Upn::parse(&s);
            let _ = Postcode::parse(&s);
        }

        #[test]
        fn valid_nhs_numbers_round_trip(n in 0u32..1_000_000_000) {
            if let Some(nhs) = NhsNumber::with_check_digit(n) {
                prop_assert_eq!(NhsNumber::parse(&nhs.spaced()), Ok(nhs.clone()));
                prop_assert_eq!(NhsNumber::parse(nhs.digits()), Ok(nhs));
            }
        }

        #[test]
        fn a_changed_digit_is_caught(n in 0u32..1_000_000_000, pos in 0usize..10, delta in 1u32..10) {
            if let Some(nhs) = NhsNumber::with_check_digit(n) {
                let mut digits: Vec<u32> = nhs.digits().chars().filter_map(|c| c.to_digit(10)).collect();
                digits[pos] = (digits[pos] + delta) % 10;
                let text: String = digits.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect();
                prop_assert!(NhsNumber::parse(&text).is_err());
            }
        }

        #[test]
        fn valid_upns_round_trip(digits in "[0-9]{11}", last in "[0-9ABCDEFGHJKLMNPQRTUVWXYZ]") {
            let upn = Upn::with_check_letter(&format!("{digits}{last}"));
            prop_assert!(upn.is_ok());
            if let Ok(upn) = upn {
                prop_assert_eq!(Upn::parse(&upn.as_str().to_lowercase()), Ok(upn));
            }
        }

        #[test]
        fn valid_postcodes_round_trip(
            area in "[A-Z]{1,2}", district in "[0-9]{1,2}", sector in "[0-9]", unit in "[A-Z]{2}"
        ) {
            let canonical = format!("{area}{district} {sector}{unit}");
            let pc = Postcode::parse(&canonical.to_lowercase().replace(' ', ""));
            prop_assert_eq!(pc.map(|p| p.as_str().to_owned()), Ok(canonical));
        }
    }
}
