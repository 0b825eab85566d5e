//! Instruments: the documents that change who provides a service.
//!
//! Provision never changes "because someone edited it": each change cites the contract,
//! direction, decision or notice that caused it, so a reader years later can see why the
//! trust, not the council, ran a service on a given day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{DomainError, InstrumentId, OrganisationId};

/// Which kind of instrument, with the facts that kind carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstrumentDetails {
    /// A contract under which a provider delivers services for the authority.
    ServiceContract {
        /// The commissioning authority.
        commissioner: OrganisationId,
        /// The provider body.
        provider: OrganisationId,
        /// First day of the contract.
        starts_on: NaiveDate,
        /// Last day, if fixed.
        ends_on: Option<NaiveDate>,
        /// How either side may end it, in the contract's words.
        notice_terms: String,
    },
    /// A direction by a government department, e.g. under s.497A Education Act 1996.
    GovernmentDirection {
        /// The department that made it.
        issuer: OrganisationId,
        /// Whom it directs (the authority, or the provider it names).
        addressed_to: OrganisationId,
        /// The day it takes effect: the day it was made when it has immediate effect.
        effective_from: NaiveDate,
        /// Whether it takes effect on the day it is made.
        immediate_effect: bool,
        /// The power it was made under.
        power: String,
    },
    /// A decision of the council's cabinet.
    CabinetDecision {
        /// What was decided.
        decision: String,
        /// The recommendation the cabinet considered.
        recommendation: String,
    },
    /// Notice served by one party on another to end an arrangement.
    NoticeServed {
        /// Who served it.
        served_by: OrganisationId,
        /// On whom.
        served_on: OrganisationId,
        /// Length of the notice period in days.
        notice_period_days: u32,
        /// Whether served by mutual agreement.
        mutual_agreement: bool,
        /// The last day of the arrangement it ends.
        ends_on: NaiveDate,
    },
    /// An improvement notice from a department to the authority.
    ImprovementNotice {
        /// The department.
        issuer: OrganisationId,
        /// When progress is to be reviewed, if set.
        review_by: Option<NaiveDate>,
    },
}

/// An instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    /// Its id.
    pub id: InstrumentId,
    /// The authority it concerns.
    pub authority: OrganisationId,
    /// Its reference, e.g. "DfE/2016/NMB/01".
    pub reference: String,
    /// A title a person recognises it by.
    pub title: String,
    /// The day it was made, signed or served.
    pub made_on: NaiveDate,
    /// Its kind and the facts of that kind.
    pub details: InstrumentDetails,
}

impl Instrument {
    /// The earliest day on which this instrument can change provision.
    pub fn earliest_effect(&self) -> NaiveDate {
        match &self.details {
            InstrumentDetails::ServiceContract { starts_on, .. } => *starts_on,
            InstrumentDetails::GovernmentDirection { effective_from, .. } => *effective_from,
            _ => self.made_on,
        }
    }

    /// The stored code of its kind.
    pub fn kind_code(&self) -> &'static str {
        match self.details {
            InstrumentDetails::ServiceContract { .. } => "service_contract",
            InstrumentDetails::GovernmentDirection { .. } => "government_direction",
            InstrumentDetails::CabinetDecision { .. } => "cabinet_decision",
            InstrumentDetails::NoticeServed { .. } => "notice_served",
            InstrumentDetails::ImprovementNotice { .. } => "improvement_notice",
        }
    }

    /// Its kind as a person would say it.
    pub fn kind_label(&self) -> &'static str {
        match &self.details {
            InstrumentDetails::ServiceContract { .. } => "Service contract",
            InstrumentDetails::GovernmentDirection {
                immediate_effect: true,
                ..
            } => "Government direction (immediate effect)",
            InstrumentDetails::GovernmentDirection { .. } => "Government direction",
            InstrumentDetails::CabinetDecision { .. } => "Cabinet decision",
            InstrumentDetails::NoticeServed {
                mutual_agreement: true,
                ..
            } => "Notice served by mutual agreement",
            InstrumentDetails::NoticeServed { .. } => "Notice served",
            InstrumentDetails::ImprovementNotice { .. } => "Improvement notice",
        }
    }

    /// Checks the facts hang together: a direction with immediate effect takes effect the
    /// day it is made; a contract does not end before it starts; a notice ends no earlier
    /// than its notice period allows unless served by mutual agreement.
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.reference.trim().is_empty() {
            return Err(DomainError::invalid(
                "reference",
                "enter the instrument's reference",
            ));
        }
        if self.title.trim().is_empty() {
            return Err(DomainError::invalid("title", "enter a title"));
        }
        match &self.details {
            InstrumentDetails::ServiceContract {
                starts_on, ends_on, ..
            } => {
                if let Some(end) = ends_on {
                    crate::Period::new("the contract", *starts_on, Some(*end))?;
                }
            }
            InstrumentDetails::GovernmentDirection {
                effective_from,
                immediate_effect,
                ..
            } => {
                if *immediate_effect && *effective_from != self.made_on {
                    return Err(DomainError::invalid(
                        "date of effect",
                        "a direction with immediate effect takes effect on the day it is made",
                    ));
                }
                if *effective_from < self.made_on {
                    return Err(DomainError::invalid(
                        "date of effect",
                        "a direction cannot take effect before the day it is made",
                    ));
                }
            }
            InstrumentDetails::NoticeServed {
                notice_period_days,
                mutual_agreement,
                ends_on,
                ..
            } => {
                let earliest = self
                    .made_on
                    .checked_add_days(chrono::Days::new(u64::from(*notice_period_days)))
                    .unwrap_or(self.made_on);
                if *ends_on < self.made_on {
                    return Err(DomainError::invalid(
                        "end date",
                        "a notice cannot end an arrangement before it is served",
                    ));
                }
                if !mutual_agreement && *ends_on < earliest {
                    return Err(DomainError::invalid(
                        "end date",
                        format!("without mutual agreement the notice period runs to at least {earliest}"),
                    ));
                }
            }
            InstrumentDetails::CabinetDecision { .. }
            | InstrumentDetails::ImprovementNotice { .. } => {}
        }
        Ok(())
    }
}
