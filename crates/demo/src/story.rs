//! The demo authority's story: who delivered which service, when, and why.
//!
//! The timeline follows the public Doncaster story told in `docs/DOMAIN.md`, with
//! fictional local names ("Northmoor"). The dates are fixed, 2010 to 2024, whatever
//! the parameters; events after `today` are left out, so an "as at" demo never shows the
//! future.
//!
//! Provision is built only through [`ProvisionHistory::plan_change`] and
//! [`ProvisionHistory::apply`], the same path the application uses, so the demo data
//! obeys the no-overlap rule by construction rather than by care.

use std::collections::BTreeMap;

use carebridge_domain::inspection::{Inspection, Judgement, Milestone};
use carebridge_domain::instrument::{Instrument, InstrumentDetails};
use carebridge_domain::organisation::{Organisation, OrganisationKind};
use carebridge_domain::provision::{ProvisionChange, ProvisionHistory, ProvisionPeriod};
use carebridge_domain::service::{Service, ServiceCode};
use carebridge_domain::{DomainError, InstrumentId, OrganisationId, ProvisionId, ServiceId};
use chrono::NaiveDate;

/// A calendar date from literals. Every literal in this crate is a real date (a test
/// checks the story's dates), so the fallback is never taken.
pub(crate) const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => NaiveDate::MIN,
    }
}

/// Northmoor Metropolitan Borough Council: the authority.
pub(crate) const COUNCIL: OrganisationId = OrganisationId(1);
/// Northmoor Children's Trust: the provider body, 2014 to 2022.
pub(crate) const TRUST: OrganisationId = OrganisationId(2);
/// The Department for Education.
pub(crate) const DFE: OrganisationId = OrganisationId(3);
/// Ofsted.
pub(crate) const OFSTED: OrganisationId = OrganisationId(4);

/// The first day of provision in the story: the council delivers every service in house.
pub(crate) const STORY_BEGINS: NaiveDate = date(2010, 4, 1);
/// Children's social care (and fostering) move to the trust under the service contract.
pub(crate) const TRUST_STARTS: NaiveDate = date(2014, 10, 1);
/// The DfE's direction with immediate effect moves the disabled children's service.
pub(crate) const DISABLED_CHILDREN_DIRECTED: NaiveDate = date(2016, 6, 21);
/// Every service the trust ran returns to the council.
pub(crate) const RETURN_TO_COUNCIL: NaiveDate = date(2022, 4, 1);

/// One service the council defines.
pub(crate) struct ServiceSpec {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
}

/// Children's social care.
pub(crate) const CSC: &str = "CSC";
/// Early help.
pub(crate) const EH: &str = "EH";
/// Disabled children's service.
pub(crate) const DCS: &str = "DCS";
/// Virtual school.
pub(crate) const VS: &str = "VS";
/// Fostering and adoption.
pub(crate) const FOST: &str = "FOST";
/// Children's services corporate support (directorate, information governance).
pub(crate) const CORP: &str = "CORP";

/// The services, in id order (the id of `SERVICES[i]` is `i + 1`).
pub(crate) const SERVICES: [ServiceSpec; 6] = [
    ServiceSpec {
        code: CSC,
        name: "Children's social care",
        description: "Contacts, referrals and assessments; children in need; child protection; children in care; care leavers.",
    },
    ServiceSpec {
        code: EH,
        name: "Early help",
        description: "Family support by locality teams before problems need a statutory service.",
    },
    ServiceSpec {
        code: DCS,
        name: "Disabled children's service",
        description: "Assessment, short breaks and transitions to adult services for disabled children.",
    },
    ServiceSpec {
        code: VS,
        name: "Virtual school",
        description: "Promotes the education of children in care and care leavers.",
    },
    ServiceSpec {
        code: FOST,
        name: "Fostering and adoption",
        description: "Recruits, assesses and supports foster carers and adopters.",
    },
    ServiceSpec {
        code: CORP,
        name: "Children's services directorate",
        description: "The statutory director, information governance and systems: kept by the council as data controller.",
    },
];

/// The id the story gives the service with `code`.
pub(crate) fn service_id(code: &str) -> Option<ServiceId> {
    SERVICES
        .iter()
        .position(|s| s.code == code)
        .and_then(|i| i64::try_from(i + 1).ok())
        .map(ServiceId)
}

/// The story's organisations, services, instruments, provision, milestones and inspections.
#[derive(Debug, Clone)]
pub(crate) struct Story {
    pub(crate) organisations: Vec<Organisation>,
    pub(crate) services: Vec<Service>,
    pub(crate) instruments: Vec<Instrument>,
    pub(crate) histories: BTreeMap<ServiceId, ProvisionHistory>,
    pub(crate) milestones: Vec<Milestone>,
    pub(crate) inspections: Vec<Inspection>,
}

impl Story {
    /// Every provision period of every service, in id order.
    pub(crate) fn provision(&self) -> Vec<ProvisionPeriod> {
        let mut all: Vec<ProvisionPeriod> = self
            .histories
            .values()
            .flat_map(|h| h.periods().iter().cloned())
            .collect();
        all.sort_by_key(|p| p.id);
        all
    }
}

fn organisations() -> Vec<Organisation> {
    let org = |id, name: &str, short: &str, kind, description: &str| Organisation {
        id,
        name: name.to_owned(),
        short_name: short.to_owned(),
        kind,
        description: description.to_owned(),
    };
    vec![
        org(
            COUNCIL,
            "Northmoor Metropolitan Borough Council",
            "Northmoor Council",
            OrganisationKind::LocalAuthority,
            "The local authority: holds the statutory duty for children's services and is the data controller of every child's record.",
        ),
        org(
            TRUST,
            "Northmoor Children's Trust",
            "The trust",
            OrganisationKind::ProviderBody,
            "An independent trust that ran children's social care for the council from October 2014 to March 2022, and the disabled children's service from June 2016.",
        ),
        org(
            DFE,
            "Department for Education",
            "DfE",
            OrganisationKind::GovernmentDepartment,
            "The government department that can direct the authority under s.497A Education Act 1996.",
        ),
        org(
            OFSTED,
            "Ofsted",
            "Ofsted",
            OrganisationKind::Inspectorate,
            "The inspectorate of children's services.",
        ),
    ]
}

/// Collects instruments (ids dense, in the order made) and applies provision changes.
struct Builder {
    today: NaiveDate,
    organisations: Vec<Organisation>,
    services: Vec<Service>,
    instruments: Vec<Instrument>,
    histories: BTreeMap<ServiceId, ProvisionHistory>,
    next_provision: i64,
}

impl Builder {
    /// Records an instrument made on or before today; returns its position.
    fn instrument(
        &mut self,
        reference: &str,
        title: &str,
        made_on: NaiveDate,
        details: InstrumentDetails,
    ) -> Option<usize> {
        if made_on > self.today {
            return None;
        }
        let id = InstrumentId(i64::try_from(self.instruments.len()).unwrap_or(i64::MAX - 1) + 1);
        self.instruments.push(Instrument {
            id,
            authority: COUNCIL,
            reference: reference.to_owned(),
            title: title.to_owned(),
            made_on,
            details,
        });
        Some(self.instruments.len() - 1)
    }

    /// Moves the services with `codes` to `provider` from `effective_from` under the
    /// instrument at `instrument` (if it was made). Changes after today are left out.
    fn change(
        &mut self,
        instrument: Option<usize>,
        codes: &[&str],
        provider: OrganisationId,
        effective_from: NaiveDate,
    ) -> Result<(), DomainError> {
        let Some(instrument) = instrument.and_then(|i| self.instruments.get(i)) else {
            return Ok(());
        };
        if effective_from > self.today {
            return Ok(());
        }
        for code in codes {
            let Some(service) = self.services.iter().find(|s| s.code.as_str() == *code) else {
                return Err(DomainError::invalid(
                    "service code",
                    format!("the demo has no service {code}"),
                ));
            };
            let history = self.histories.entry(service.id).or_default();
            let organisations = &self.organisations;
            let name_of = |id: OrganisationId| {
                organisations
                    .iter()
                    .find(|o| o.id == id)
                    .map_or_else(|| id.to_string(), |o| o.short_name.clone())
            };
            let edit = history.plan_change(
                &ProvisionChange {
                    service: service.id,
                    service_name: &service.name,
                    provider,
                    effective_from,
                    instrument,
                },
                name_of,
            )?;
            self.next_provision += 1;
            history.apply(&edit, ProvisionId(self.next_provision))?;
        }
        Ok(())
    }
}

/// Builds the story as it stood on `today`.
pub(crate) fn build(today: NaiveDate) -> Result<Story, DomainError> {
    if today < STORY_BEGINS {
        return Err(DomainError::invalid(
            "today",
            format!("the demo authority's story starts on {STORY_BEGINS}; choose a later date than {today}"),
        ));
    }
    let services = SERVICES
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            Ok(Service {
                id: ServiceId(i64::try_from(i).unwrap_or(0) + 1),
                authority: COUNCIL,
                code: ServiceCode::parse(spec.code)?,
                name: spec.name.to_owned(),
                description: spec.description.to_owned(),
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    let mut b = Builder {
        today,
        organisations: organisations(),
        services,
        instruments: Vec::new(),
        histories: BTreeMap::new(),
        next_provision: 0,
    };
    let all: Vec<&str> = SERVICES.iter().map(|s| s.code).collect();

    let in_house = b.instrument(
        "CAB/2010/014",
        "In-house delivery of children's services",
        date(2010, 3, 15),
        InstrumentDetails::CabinetDecision {
            decision: "The council delivers all children's services in house from 1 April 2010.".into(),
            recommendation: "That children's services continue to be delivered directly by the council's own staff.".into(),
        },
    );
    b.change(in_house, &all, COUNCIL, STORY_BEGINS)?;

    b.instrument(
        "DfE/2014/NMB/01",
        "Direction to secure children's social care through a children's trust",
        date(2014, 7, 17),
        InstrumentDetails::GovernmentDirection {
            issuer: DFE,
            addressed_to: COUNCIL,
            effective_from: TRUST_STARTS,
            immediate_effect: false,
            power: "s.497A Education Act 1996".into(),
        },
    );
    let contract = b.instrument(
        "NMB/CON/2014/001",
        "Service contract: Northmoor Children's Trust",
        date(2014, 9, 26),
        InstrumentDetails::ServiceContract {
            commissioner: COUNCIL,
            provider: TRUST,
            starts_on: TRUST_STARTS,
            ends_on: None,
            notice_terms: "12 months' notice by either party, or shorter by mutual agreement"
                .into(),
        },
    );
    b.change(contract, &[CSC, FOST], TRUST, TRUST_STARTS)?;

    b.instrument(
        "DfE/2016/NMB/IN1",
        "Improvement notice following the inspection of November 2015",
        date(2016, 2, 9),
        InstrumentDetails::ImprovementNotice {
            issuer: DFE,
            review_by: Some(date(2017, 2, 28)),
        },
    );
    let dcs_direction = b.instrument(
        "DfE/2016/NMB/02",
        "Direction: disabled children's service to be run by the trust",
        DISABLED_CHILDREN_DIRECTED,
        InstrumentDetails::GovernmentDirection {
            issuer: DFE,
            addressed_to: COUNCIL,
            effective_from: DISABLED_CHILDREN_DIRECTED,
            immediate_effect: true,
            power: "s.497A Education Act 1996".into(),
        },
    );
    b.change(dcs_direction, &[DCS], TRUST, DISABLED_CHILDREN_DIRECTED)?;

    b.instrument(
        "CAB/2022/031",
        "Return of children's services to the council",
        date(2022, 3, 30),
        InstrumentDetails::CabinetDecision {
            decision: "Serve notice on the trust by mutual agreement and bring children's social care and the disabled children's service back into the council.".into(),
            recommendation: "That the council serves notice on Northmoor Children's Trust by mutual agreement, with services transferring to the council from 1 April 2022.".into(),
        },
    );
    let notice = b.instrument(
        "NMB/NOT/2022/001",
        "Notice ending the service contract with Northmoor Children's Trust",
        date(2022, 3, 31),
        InstrumentDetails::NoticeServed {
            served_by: COUNCIL,
            served_on: TRUST,
            // The contract's twelve months, waived by mutual agreement.
            notice_period_days: 365,
            mutual_agreement: true,
            ends_on: date(2022, 3, 31),
        },
    );
    b.change(notice, &[CSC, FOST, DCS], COUNCIL, RETURN_TO_COUNCIL)?;

    let milestone = |occurred_on, title: &str, description: &str| Milestone {
        authority: COUNCIL,
        occurred_on,
        title: title.to_owned(),
        description: description.to_owned(),
    };
    let milestones = vec![
        milestone(
            TRUST_STARTS,
            "Northmoor Children's Trust starts",
            "The trust takes over children's social care and fostering and adoption; disabled children's service, virtual school and early help stay with the council.",
        ),
        milestone(
            date(2016, 3, 8),
            "Council plans move of the disabled children's service",
            "The council plans to move the disabled children's service to the trust by September 2016.",
        ),
        milestone(
            date(2021, 10, 14),
            "Rapid improvement plan agreed",
            "The council and the trust agree a rapid improvement plan; the Early Help offer improves.",
        ),
        milestone(
            RETURN_TO_COUNCIL,
            "Transfer to the council begins",
            "Notice served by mutual agreement takes effect: every post transfers to the council as the new employer, with no loss of jobs.",
        ),
        milestone(
            date(2022, 4, 12),
            "Staff consultation opens",
            "First all-staff briefing on the return to the council; consultation runs for six months.",
        ),
        milestone(
            date(2022, 5, 10),
            "Trade union consultation meeting",
            "Meeting with recognised trade unions on terms, conditions and pensions after the transfer.",
        ),
        milestone(
            date(2022, 6, 14),
            "Staff engagement sessions",
            "Locality sessions for front-line teams on working arrangements within the council.",
        ),
        milestone(
            date(2022, 7, 12),
            "Trade union consultation meeting",
            "Review of the integrated structure and job descriptions with the trade unions.",
        ),
        milestone(
            date(2022, 8, 9),
            "Staff engagement sessions",
            "Sessions for business support and corporate staff joining council services.",
        ),
        milestone(
            date(2022, 9, 13),
            "Consultation closes",
            "Final meeting with staff representatives and trade unions; no job losses.",
        ),
        milestone(
            date(2022, 9, 30),
            "Full integration within the council",
            "Every service is fully integrated within the council: lower overheads, with spend directed to front-line delivery.",
        ),
    ];

    let inspection = |published_on, judgement, summary: &str| Inspection {
        authority: COUNCIL,
        inspectorate: OFSTED,
        published_on,
        judgement,
        summary: summary.to_owned(),
    };
    let inspections = vec![
        inspection(
            date(2015, 11, 20),
            Judgement::Inadequate,
            "Services for children are inadequate overall. Integration between the disabled children's service and children's social care is insufficient, although social work for disabled children has improved.",
        ),
        inspection(
            date(2019, 3, 22),
            Judgement::RequiresImprovement,
            "Services have improved under the trust but require improvement to be good; the quality of early help is inconsistent.",
        ),
        inspection(
            date(2024, 7, 5),
            Judgement::Good,
            "Services for children are good. Integration within the council has brought the disabled children's service and children's social care together; leaders know their services well.",
        ),
    ];

    Ok(Story {
        organisations: b.organisations,
        services: b.services,
        instruments: b.instruments,
        histories: b.histories,
        milestones: milestones
            .into_iter()
            .filter(|m| m.occurred_on <= today)
            .collect(),
        inspections: inspections
            .into_iter()
            .filter(|i| i.published_on <= today)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_dates_are_real_dates() {
        for d in [
            STORY_BEGINS,
            TRUST_STARTS,
            DISABLED_CHILDREN_DIRECTED,
            RETURN_TO_COUNCIL,
        ] {
            assert_ne!(d, NaiveDate::MIN);
        }
        let story = build(date(2026, 1, 1)).unwrap();
        for i in &story.instruments {
            assert_ne!(i.made_on, NaiveDate::MIN);
        }
        for m in &story.milestones {
            assert_ne!(m.occurred_on, NaiveDate::MIN);
        }
    }

    #[test]
    fn an_early_today_leaves_the_future_out() {
        let story = build(date(2015, 1, 1)).unwrap();
        assert_eq!(story.instruments.len(), 3);
        assert!(story.inspections.is_empty());
        let csc = service_id(CSC).unwrap();
        let h = &story.histories[&csc];
        assert_eq!(h.periods().len(), 2);
        assert_eq!(h.on(date(2015, 1, 1)).unwrap().provider, TRUST);
        assert!(build(date(2010, 3, 31)).is_err());
    }
}
