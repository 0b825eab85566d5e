//! Services an authority defines. The list is data: an authority adds its own.

use serde::{Deserialize, Serialize};

use crate::{DomainError, OrganisationId, ServiceId};

/// A short code for a service, e.g. `CSC` or `DCS`: capital letters, digits and hyphens,
/// 2 to 12 characters, so it reads well in references and file names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceCode(String);

impl ServiceCode {
    /// Reads a service code.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let text = text.trim();
        let ok_len = (2..=12).contains(&text.len());
        let ok_chars = text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        if ok_len && ok_chars && text.starts_with(|c: char| c.is_ascii_uppercase()) {
            Ok(ServiceCode(text.to_owned()))
        } else {
            Err(DomainError::invalid(
                "service code",
                format!("must be 2 to 12 capital letters, digits or hyphens, starting with a letter, not {text:?}"),
            ))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ServiceCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ServiceCode::parse(&value)
    }
}

impl From<ServiceCode> for String {
    fn from(value: ServiceCode) -> Self {
        value.0
    }
}

impl std::fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A service the authority has a duty to secure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// Its id.
    pub id: ServiceId,
    /// The authority whose duty it is.
    pub authority: OrganisationId,
    /// Short code.
    pub code: ServiceCode,
    /// Name, e.g. "Disabled children's service".
    pub name: String,
    /// What it covers.
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_capitals() {
        assert_eq!(ServiceCode::parse(" CSC ").unwrap().as_str(), "CSC");
        assert!(ServiceCode::parse("EH-2").is_ok());
        for bad in ["", "c", "csc", "1CS", "C S", "ABCDEFGHIJKLM"] {
            assert!(
                ServiceCode::parse(bad).is_err(),
                "{bad:?} should be refused"
            );
        }
    }
}
