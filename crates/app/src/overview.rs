//! Read models for the authority's pages: who provides what, as at any date.
//!
//! These are not child data: every signed-in person may see the authority's structure.
//! Each answer is computed from provision and employment rows *for the date asked*, so
//! the same code answers "today" and "on 1 April 2022".

use std::collections::HashMap;

use carebridge_domain::inspection::{Inspection, Milestone};
use carebridge_domain::instrument::Instrument;
use carebridge_domain::organisation::Organisation;
use carebridge_domain::provision::{ProvisionHistory, ProvisionPeriod};
use carebridge_domain::service::Service;
use carebridge_domain::staff::Team;
use carebridge_domain::{InstrumentId, OrganisationId, ServiceId};
use carebridge_store::{PostRow, StaffRow};
use chrono::NaiveDate;

use crate::{App, AppError};

/// Organisations, services and instruments by id, for naming things in pages.
#[derive(Debug, Clone)]
pub struct Directory {
    /// Organisations in id order.
    pub organisations: Vec<Organisation>,
    /// Services by name.
    pub services: Vec<Service>,
    /// Instruments in the order made.
    pub instruments: Vec<Instrument>,
    orgs_by_id: HashMap<OrganisationId, usize>,
    instruments_by_id: HashMap<InstrumentId, usize>,
}

impl Directory {
    /// An organisation by id.
    pub fn organisation(&self, id: OrganisationId) -> Option<&Organisation> {
        self.orgs_by_id
            .get(&id)
            .and_then(|&i| self.organisations.get(i))
    }

    /// An organisation's short name, or its id when unknown.
    pub fn short_name(&self, id: OrganisationId) -> String {
        self.organisation(id)
            .map_or_else(|| format!("organisation {id}"), |o| o.short_name.clone())
    }

    /// An instrument by id.
    pub fn instrument(&self, id: InstrumentId) -> Option<&Instrument> {
        self.instruments_by_id
            .get(&id)
            .and_then(|&i| self.instruments.get(i))
    }

    /// A service by id.
    pub fn service(&self, id: ServiceId) -> Option<&Service> {
        self.services.iter().find(|s| s.id == id)
    }
}

/// One period of provision with its provider and instruments resolved.
#[derive(Debug, Clone)]
pub struct PeriodView {
    /// The stored period.
    pub period: ProvisionPeriod,
    /// Who provided.
    pub provider: Organisation,
    /// The instrument that started it.
    pub started_by: Instrument,
    /// The instrument that ended it.
    pub ended_by: Option<Instrument>,
}

/// The provision history of one service.
#[derive(Debug, Clone)]
pub struct ServiceProvision {
    /// The service.
    pub service: Service,
    /// Its periods, earliest first.
    pub periods: Vec<PeriodView>,
    /// Index into `periods` of the one in force on the date asked.
    pub current: Option<usize>,
}

impl ServiceProvision {
    /// The period in force on the date asked.
    pub fn current_period(&self) -> Option<&PeriodView> {
        self.current.and_then(|i| self.periods.get(i))
    }
}

/// The whole provision picture as at a date.
#[derive(Debug, Clone)]
pub struct ProvisionPicture {
    /// The date asked about.
    pub as_at: NaiveDate,
    /// Today (for the "today" marker).
    pub today: NaiveDate,
    /// Each service.
    pub services: Vec<ServiceProvision>,
    /// Every organisation that has ever provided a service, in order of first provision
    /// (the timeline's colour key).
    pub providers: Vec<Organisation>,
    /// Everything about the authority.
    pub directory: Directory,
}

/// What the home page shows.
#[derive(Debug, Clone)]
pub struct Home {
    /// The authority.
    pub authority: Organisation,
    /// Provision today.
    pub picture: ProvisionPicture,
    /// Open involvements per service today.
    pub open_involvements: HashMap<ServiceId, i64>,
    /// Children with a record.
    pub children: i64,
    /// Staff employed today.
    pub staff_employed: i64,
    /// The latest inspection.
    pub latest_inspection: Option<Inspection>,
    /// The authority's story.
    pub milestones: Vec<Milestone>,
    /// Every inspection.
    pub inspections: Vec<Inspection>,
}

/// One organisation's page.
#[derive(Debug, Clone)]
pub struct OrganisationPage {
    /// The organisation.
    pub organisation: Organisation,
    /// Every provision period it has held, by service.
    pub provided: Vec<(Service, PeriodView)>,
    /// Instruments that name it.
    pub instruments: Vec<Instrument>,
    /// Staff it employs on the date asked.
    pub staff_employed: usize,
    /// The date asked.
    pub as_at: NaiveDate,
}

/// A team with its service, provider and establishment on a date.
#[derive(Debug, Clone)]
pub struct TeamRow {
    /// The team.
    pub team: Team,
    /// Its service's name.
    pub service_name: String,
    /// Who provided the service on the date (and so who the team works for).
    pub provider: Option<Organisation>,
    /// Posts in the team.
    pub posts: usize,
    /// Posts filled on the date.
    pub filled: usize,
}

/// A post with who it works for on a date.
#[derive(Debug, Clone)]
pub struct PostView {
    /// The post, team and holder.
    pub row: PostRow,
    /// The service's name.
    pub service_name: String,
    /// The provider of the post's service on the date.
    pub provider: Option<Organisation>,
    /// The holder's employer's short name.
    pub employer: Option<String>,
}

/// A member of staff with their employer's name.
#[derive(Debug, Clone)]
pub struct StaffView {
    /// The person and their employment.
    pub row: StaffRow,
    /// Employer's short name.
    pub employer: String,
}

impl App {
    /// Organisations, services and instruments.
    pub async fn directory(&self) -> Result<Directory, AppError> {
        let organisations = self.store().organisations().await?;
        let services = self.store().services().await?;
        let instruments = self.store().instruments().await?;
        let orgs_by_id = organisations
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id, i))
            .collect();
        let instruments_by_id = instruments
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id, i))
            .collect();
        Ok(Directory {
            organisations,
            services,
            instruments,
            orgs_by_id,
            instruments_by_id,
        })
    }

    /// Who provided each service, from when to when, and who on `as_at`.
    pub async fn provision_picture(&self, as_at: NaiveDate) -> Result<ProvisionPicture, AppError> {
        let directory = self.directory().await?;
        let all = self.store().provision_periods().await?;
        let mut by_service: HashMap<ServiceId, Vec<ProvisionPeriod>> = HashMap::new();
        for p in all {
            by_service.entry(p.service).or_default().push(p);
        }
        let mut first_provision: Vec<(NaiveDate, OrganisationId)> = Vec::new();
        let mut services = Vec::new();
        for service in &directory.services {
            let periods = by_service.remove(&service.id).unwrap_or_default();
            // Re-check the rule on the way out: a database edited behind Carebridge's
            // back shows as an error, not as a silently wrong picture.
            let history =
                ProvisionHistory::new(&service.name, periods, |o| directory.short_name(o))?;
            let current_id = history.on(as_at).map(|p| p.id);
            let mut views = Vec::new();
            for p in history.periods() {
                first_provision.push((p.period.start(), p.provider));
                let provider = directory
                    .organisation(p.provider)
                    .cloned()
                    .ok_or(AppError::NotFound("provider"))?;
                let started_by = directory
                    .instrument(p.started_by)
                    .cloned()
                    .ok_or(AppError::NotFound("instrument"))?;
                let ended_by = p.ended_by.and_then(|i| directory.instrument(i)).cloned();
                views.push(PeriodView {
                    period: p.clone(),
                    provider,
                    started_by,
                    ended_by,
                });
            }
            let current = views.iter().position(|v| Some(v.period.id) == current_id);
            services.push(ServiceProvision {
                service: service.clone(),
                periods: views,
                current,
            });
        }
        first_provision.sort();
        let mut providers: Vec<Organisation> = Vec::new();
        for (_, org) in first_provision {
            if !providers.iter().any(|p| p.id == org) {
                if let Some(o) = directory.organisation(org) {
                    providers.push(o.clone());
                }
            }
        }
        Ok(ProvisionPicture {
            as_at,
            today: self.clock().today(),
            services,
            providers,
            directory,
        })
    }

    /// The home page: the authority, its services and who provides each today.
    pub async fn home(&self) -> Result<Option<Home>, AppError> {
        let Some(authority) = self.store().authority().await? else {
            return Ok(None);
        };
        let today = self.clock().today();
        let picture = self.provision_picture(today).await?;
        let overview = self.store().overview(today).await?;
        let inspections = self.store().inspections().await?;
        Ok(Some(Home {
            authority,
            picture,
            open_involvements: overview.open_involvements.into_iter().collect(),
            children: overview.children,
            staff_employed: overview.staff_employed,
            latest_inspection: inspections.last().cloned(),
            milestones: self.store().milestones().await?,
            inspections,
        }))
    }

    /// One organisation and what it has provided.
    pub async fn organisation_page(
        &self,
        id: OrganisationId,
        as_at: NaiveDate,
    ) -> Result<OrganisationPage, AppError> {
        let picture = self.provision_picture(as_at).await?;
        let organisation = picture
            .directory
            .organisation(id)
            .cloned()
            .ok_or(AppError::NotFound("organisation"))?;
        let provided = picture
            .services
            .iter()
            .flat_map(|s| s.periods.iter().map(move |p| (s, p)))
            .filter(|(_, p)| p.provider.id == id)
            .map(|(s, p)| (s.service.clone(), p.clone()))
            .collect();
        let instruments = picture
            .directory
            .instruments
            .iter()
            .filter(|i| names_organisation(i, id))
            .cloned()
            .collect();
        let staff_employed = self
            .store()
            .staff_employed(as_at)
            .await?
            .iter()
            .filter(|s| s.employment.as_ref().is_some_and(|e| e.0.employer == id))
            .count();
        Ok(OrganisationPage {
            organisation,
            provided,
            instruments,
            staff_employed,
            as_at,
        })
    }

    /// Teams with their service's provider and establishment on `as_at`.
    pub async fn teams(&self, as_at: NaiveDate) -> Result<Vec<TeamRow>, AppError> {
        let picture = self.provision_picture(as_at).await?;
        let posts = self.store().posts(as_at).await?;
        let teams = self.store().teams().await?;
        Ok(teams
            .into_iter()
            .map(|team| {
                let in_team = posts.iter().filter(|p| p.post.team == team.id);
                let (posts, filled) = in_team.fold((0, 0), |(n, f), p| {
                    (n + 1, f + usize::from(p.holder.is_some()))
                });
                TeamRow {
                    service_name: service_name(&picture, team.service),
                    provider: provider_of(&picture, team.service),
                    team,
                    posts,
                    filled,
                }
            })
            .collect())
    }

    /// Posts with their holder and who they work for on `as_at`.
    pub async fn posts(&self, as_at: NaiveDate) -> Result<Vec<PostView>, AppError> {
        let picture = self.provision_picture(as_at).await?;
        let posts = self.store().posts(as_at).await?;
        Ok(posts
            .into_iter()
            .map(|row| PostView {
                service_name: service_name(&picture, row.service),
                provider: provider_of(&picture, row.service),
                employer: row
                    .holder
                    .as_ref()
                    .map(|h| picture.directory.short_name(h.2)),
                row,
            })
            .collect())
    }

    /// Staff employed on `as_at`, with their employer.
    pub async fn staff(&self, as_at: NaiveDate) -> Result<Vec<StaffView>, AppError> {
        let directory = self.directory().await?;
        let rows = self.store().staff_employed(as_at).await?;
        Ok(rows
            .into_iter()
            .map(|row| StaffView {
                employer: row
                    .employment
                    .as_ref()
                    .map(|e| directory.short_name(e.0.employer))
                    .unwrap_or_default(),
                row,
            })
            .collect())
    }
}

fn service_name(picture: &ProvisionPicture, id: ServiceId) -> String {
    picture
        .directory
        .service(id)
        .map_or_else(|| format!("service {id}"), |s| s.name.clone())
}

fn provider_of(picture: &ProvisionPicture, id: ServiceId) -> Option<Organisation> {
    picture
        .services
        .iter()
        .find(|s| s.service.id == id)
        .and_then(|s| s.current_period())
        .map(|p| p.provider.clone())
}

fn names_organisation(instrument: &Instrument, id: OrganisationId) -> bool {
    use carebridge_domain::instrument::InstrumentDetails as D;
    match &instrument.details {
        D::ServiceContract {
            commissioner,
            provider,
            ..
        } => *commissioner == id || *provider == id,
        D::GovernmentDirection {
            issuer,
            addressed_to,
            ..
        } => *issuer == id || *addressed_to == id,
        D::NoticeServed {
            served_by,
            served_on,
            ..
        } => *served_by == id || *served_on == id,
        D::ImprovementNotice { issuer, .. } => *issuer == id || instrument.authority == id,
        D::CabinetDecision { .. } => instrument.authority == id,
    }
}
