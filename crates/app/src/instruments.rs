//! Recording instruments (contracts, directions, cabinet decisions, notices,
//! improvement notices), with their effect on provision shown before they are saved.
//!
//! An instrument changes no provision by itself: it is the authority a transfer plan
//! cites. So its "effect" is what it makes possible or necessary: from when services
//! may move under it, and which services lose their provider when a notice ends an
//! arrangement.

use carebridge_domain::instrument::{Instrument, InstrumentDetails};
use carebridge_domain::{DomainError, InstrumentId, OrganisationId};

use crate::{App, AppError};

impl App {
    /// What `instrument` would do to provision, in sentences, for the check page.
    /// Refuses an instrument whose facts do not hang together.
    pub async fn instrument_effect(
        &self,
        instrument: &Instrument,
    ) -> Result<Vec<String>, AppError> {
        instrument.validate()?;
        let directory = self.directory().await?;
        let name = |o: OrganisationId| -> Result<String, AppError> {
            directory
                .organisation(o)
                .map(|o| o.name.clone())
                .ok_or_else(|| {
                    DomainError::invalid("organisation", format!("there is no organisation {o}"))
                        .into()
                })
        };
        let mut effect = Vec::new();
        match &instrument.details {
            InstrumentDetails::ServiceContract {
                provider,
                starts_on,
                ends_on,
                ..
            } => {
                effect.push(format!(
                    "{} may provide services under this contract from {}{}.",
                    name(*provider)?,
                    starts_on.format("%-d %B %Y"),
                    ends_on
                        .map(|e| format!(" to {}", e.format("%-d %B %Y")))
                        .unwrap_or_default()
                ));
            }
            InstrumentDetails::GovernmentDirection {
                addressed_to,
                effective_from,
                immediate_effect,
                ..
            } => {
                effect.push(format!(
                    "Directs {} from {}{}.",
                    name(*addressed_to)?,
                    effective_from.format("%-d %B %Y"),
                    if *immediate_effect {
                        ", the day it is made: there is no time for 28 days' employee liability information before a transfer under it"
                    } else {
                        ""
                    }
                ));
            }
            InstrumentDetails::NoticeServed {
                served_by,
                served_on,
                ends_on,
                ..
            } => {
                let picture = self.provision_picture(*ends_on).await?;
                let affected: Vec<String> = picture
                    .services
                    .iter()
                    .filter(|s| {
                        s.current_period().is_some_and(|p| {
                            p.provider.id == *served_on || p.provider.id == *served_by
                        }) && s
                            .current_period()
                            .is_some_and(|p| p.provider.id != instrument.authority)
                    })
                    .map(|s| s.service.name.clone())
                    .collect();
                let next = ends_on.succ_opt().unwrap_or(*ends_on);
                if affected.is_empty() {
                    effect.push(format!(
                        "Ends the arrangement on {}; no service is provided under it that day.",
                        ends_on.format("%-d %B %Y")
                    ));
                } else {
                    effect.push(format!(
                        "Ends the arrangement on {}: {} will need a provider from {}. Plan a transfer under this notice taking effect that day.",
                        ends_on.format("%-d %B %Y"),
                        affected.join(", "),
                        next.format("%-d %B %Y")
                    ));
                }
            }
            InstrumentDetails::CabinetDecision { .. } => effect.push(format!(
                "Services may move under this decision from {}, the day it was made.",
                instrument.made_on.format("%-d %B %Y")
            )),
            InstrumentDetails::ImprovementNotice { issuer, review_by } => effect.push(format!(
                "Changes no provision. {} will review progress{}.",
                name(*issuer)?,
                review_by
                    .map(|d| format!(" by {}", d.format("%-d %B %Y")))
                    .unwrap_or_default()
            )),
        }
        effect.push("Nothing changes until a transfer plan under it is executed.".to_owned());
        Ok(effect)
    }

    /// Records an instrument after checking it (as [`App::instrument_effect`] does).
    pub async fn record_instrument(
        &self,
        instrument: &Instrument,
    ) -> Result<InstrumentId, AppError> {
        self.instrument_effect(instrument).await?;
        if instrument.made_on > self.clock().today() {
            return Err(DomainError::invalid(
                "date made",
                format!(
                    "{} is in the future: record an instrument once it has been made",
                    instrument.made_on
                ),
            )
            .into());
        }
        Ok(self
            .store()
            .record_provision_change(instrument, &[])
            .await?)
    }
}
