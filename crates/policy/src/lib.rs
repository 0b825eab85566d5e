//! # Who may do what to which record, at which instant
//!
//! **Security-sensitive.** Every access decision in Carebridge is made here, by pure
//! functions of the facts handed in: who is asking ([`Subject`]), what they want to do
//! ([`AuthorityAction`], [`ChildAction`]), the facts about the record at the instant
//! ([`ChildFacts`]: the child's work, the provision of its services, the subject's
//! employment, restriction, break-glass and time-limited grants) and the instant itself.
//! Nothing is cached: the caller loads the facts inside the transaction that reads or
//! writes the record and writes the audit entry there too, so a change of employment,
//! post, provision or role takes effect on the next request.
//!
//! Deny by default: every `match` below names the roles that may act; anything not
//! named is refused with a [`Denial`] that says why.
//!
//! A read or write of a child's record needs a [`ChildAccess`], and only
//! [`decide_child`] makes one (its fields are private to this crate), so a store method
//! that takes `&ChildAccess` cannot be called without asking the policy first — the
//! idea of lldap's permission-checked handlers. Lists of children are scoped in the
//! query: [`search_scope`] hands out a [`SearchScope`] the store turns into `WHERE`
//! clauses, rather than filtering results afterwards.
//!
//! The scope rule itself — a person may open a child's record on a day when the child
//! has work open with a service that their employer provides that day, and their post is
//! in one of that service's teams — lives in [`carebridge_domain::access`], shared with
//! the "who could see this child on 1 April 2022, and why?" answers.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use carebridge_domain::access::{who_may_open, Grant};
use carebridge_domain::child::Involvement;
use carebridge_domain::provision::ProvisionPeriod;
use carebridge_domain::staff::{Employment, Post, Role, Team};
use carebridge_domain::{ChildId, OrganisationId, ServiceId, StaffId, TeamId, UserId};

mod casework;
pub use casework::{
    decide_case, decide_caseload, role_may_case, CaseAccess, CaseAction, CaseloadAccess, CaseloadOf,
};

/// How long a break-glass opening lasts.
pub const BREAK_GLASS_LASTS: Duration = Duration::hours(2);
/// The shortest justification a person may give for breaking the glass.
pub const MIN_JUSTIFICATION: usize = 20;

/// Who is asking: an account, its role, and the staff member it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    /// The account.
    pub user: UserId,
    /// Its role.
    pub role: Role,
    /// The staff member whose employment gives the account its scope, if any.
    pub staff: Option<StaffId>,
}

/// Things done to the authority's non-child data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuthorityAction {
    /// Home, organisations, provision, services, teams, posts and staff lists.
    ViewAuthority,
    /// Record instruments; plan, execute and cancel transfers.
    ManageTransfers,
    /// The list and search of children (scoped by [`search_scope`]).
    ListChildren,
    /// Information governance: access logs, the break-glass queue, restricted records.
    Govern,
    /// A team's or worker's list of statutory work due and overdue (the children on it
    /// are scoped by [`search_scope`], like a search).
    ViewDueWork,
    /// Caseload pages (which caseload, and which cases on it, are decided by
    /// [`decide_caseload`]).
    ViewCaseloads,
    /// Register a new child (or unborn child): practitioners and their managers, who
    /// take the first piece of work with the child in their own team.
    RegisterChild,
    /// Check statutory return files (SSDA903, CIN census) against the DfE rules: the
    /// performance analysts who make the returns, and the managers who answer for them.
    ValidateReturns,
    /// Produce statutory lists from the records (Ofsted's Annex A): every child of the
    /// authority with work in the window, restricted records included, identified by id
    /// without names. The performance analysts who make them and the director who
    /// answers to the inspectorate; each child on them is audited.
    ProduceReturns,
}

impl AuthorityAction {
    /// Every action, for the route × role matrix.
    pub const ALL: [AuthorityAction; 9] = [
        AuthorityAction::ViewAuthority,
        AuthorityAction::ManageTransfers,
        AuthorityAction::ListChildren,
        AuthorityAction::Govern,
        AuthorityAction::ViewDueWork,
        AuthorityAction::ViewCaseloads,
        AuthorityAction::RegisterChild,
        AuthorityAction::ValidateReturns,
        AuthorityAction::ProduceReturns,
    ];
}

/// Things done to one child's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChildAction {
    /// Open (read) the record.
    Open,
    /// Open the record outside one's scope, with a justification.
    BreakGlass,
    /// Restrict the record to named people, or lift a restriction.
    Restrict,
    /// See who accessed the record (information governance).
    ViewAccessLog,
    /// Ask who could open the record on a day, and why (names the child, not the
    /// record's content).
    ExplainAccess,
    /// Add to the record: case notes, visits, events (and keep drafts of them). Only
    /// for people whose work the child is (in scope, or named on a restricted record):
    /// break-glass, oversight and time-limited grants are for reading.
    Record,
    /// Export the whole record for a subject access request (UK GDPR article 15): the
    /// information governance lead only, as a deliberate action of its own (they never
    /// open records for casework). A restricted record is exported only by an IG lead
    /// named on its restriction: see [`Denial::NotNamedForExport`].
    SubjectAccessExport,
}

impl ChildAction {
    /// The stored code, as the audit log records it.
    pub fn code(self) -> &'static str {
        match self {
            ChildAction::Open => "open",
            ChildAction::BreakGlass => "break-glass",
            ChildAction::Restrict => "restrict",
            ChildAction::ViewAccessLog => "view-access-log",
            ChildAction::ExplainAccess => "explain-access",
            ChildAction::Record => "record",
            ChildAction::SubjectAccessExport => "subject-access-export",
        }
    }
}

/// A restriction on a record: only the named accounts may open it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restriction {
    /// Why (e.g. adoption, a staff member's own family, high profile).
    pub reason: String,
    /// Who may open it.
    pub named: Vec<UserId>,
}

/// What kind of time-limited access an account was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GrantKind {
    /// An inspection (e.g. Ofsted on site): read access to every unrestricted record.
    Inspection,
    /// A partner professional's read access to one child.
    Partner,
}

/// Time-limited access given to an inspector or a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeLimitedGrant {
    /// Which kind.
    pub kind: GrantKind,
    /// The child, for a partner's grant.
    pub child: Option<ChildId>,
    /// From when.
    pub starts_at: DateTime<Utc>,
    /// Until when (exclusive).
    pub ends_at: DateTime<Utc>,
}

impl TimeLimitedGrant {
    fn live_at(&self, at: DateTime<Utc>) -> bool {
        self.starts_at <= at && at < self.ends_at
    }
}

/// The subject's place in the workforce on the day: their employments that day, with
/// the posts and teams those employments are in.
#[derive(Debug, Clone, Default)]
pub struct Workplace {
    /// Employments of the subject's staff member live on the day.
    pub employments: Vec<Employment>,
    /// The posts of those employments.
    pub posts: Vec<Post>,
    /// The teams of those posts.
    pub teams: Vec<Team>,
}

/// What the policy needs to know about one child's record for one subject, loaded in
/// the transaction that acts on the record.
#[derive(Debug, Clone)]
pub struct ChildFacts {
    /// The child.
    pub child: ChildId,
    /// The child's involvements.
    pub involvements: Vec<Involvement>,
    /// The provision of the involvements' services on the day.
    pub provision: Vec<ProvisionPeriod>,
    /// The subject's employment on the day.
    pub workplace: Workplace,
    /// The restriction on the record, if restricted.
    pub restriction: Option<Restriction>,
    /// When the subject's break-glass opening of this record expires, if one is live.
    pub break_glass_until: Option<DateTime<Utc>>,
    /// The subject's time-limited grants.
    pub grants: Vec<TimeLimitedGrant>,
}

/// Why an action was allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grounds {
    /// The subject's role allows the action on the authority's data.
    Role(Role),
    /// Within scope: employed by the service's provider in one of its teams.
    InScope(Grant),
    /// A director's oversight: the child has work open with a service their employer
    /// provides on the day.
    Oversight {
        /// The director's employer.
        employer: OrganisationId,
        /// The service.
        service: ServiceId,
    },
    /// Named on a restricted record.
    Named,
    /// A live break-glass opening, until the instant given.
    BreakGlass {
        /// When it expires.
        until: DateTime<Utc>,
    },
    /// A live time-limited grant.
    TimeLimited(GrantKind),
    /// The subject's own caseload.
    OwnCaseload,
    /// A caseload of a team the subject works in (a team manager's team) or of a
    /// service the subject manages.
    Manages {
        /// The team whose caseload, or in which the worker works.
        team: TeamId,
    },
}

impl Grounds {
    /// The reason in words, as the audit log records it.
    pub fn describe(&self) -> String {
        match self {
            Grounds::Role(role) => format!("role {}", role.code()),
            Grounds::InScope(g) => format!(
                "in scope: staff {} employed by organisation {} in post {} (team {}) of service {}, which that organisation provides under instrument {}{}",
                g.staff.0,
                g.employer.0,
                g.post.0,
                g.team.0,
                g.service.0,
                g.provided_under.0,
                if g.allocated_team { "; the work is allocated to this team" } else { "" }
            ),
            Grounds::Oversight { employer, service } => format!(
                "director's oversight: service {} has work open with the child and is provided by organisation {}, the director's employer",
                service.0, employer.0
            ),
            Grounds::Named => "named on the restricted record".to_owned(),
            Grounds::BreakGlass { until } => {
                format!("break-glass, until {}", until.format("%Y-%m-%d %H:%M UTC"))
            }
            Grounds::TimeLimited(GrantKind::Inspection) => "inspection access".to_owned(),
            Grounds::TimeLimited(GrantKind::Partner) => "partner access to this child".to_owned(),
            Grounds::OwnCaseload => "the person's own caseload".to_owned(),
            Grounds::Manages { team } => format!("manages team {}", team.0),
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// The role never does this.
    Role(Role),
    /// The record is restricted and the subject is not named. Shown as "not found".
    Restricted,
    /// Not within the subject's scope on the day.
    OutOfScope,
    /// The account is not linked to a staff member, so it has no scope.
    NoStaffRecord,
    /// No live inspection or partner grant.
    NoLiveGrant,
    /// Breaking the glass is for records outside one's scope.
    AlreadyInScope,
    /// A caseload that is not the subject's own and not of a team they manage.
    NotTheirCaseload,
    /// A subject access export of a restricted record by an IG lead not named on it.
    ///
    /// Why not let the IG lead export any record: a restriction says only the named
    /// people may open the record, and a subject access bundle is the record in full.
    /// Restricted records are the ones most likely to hold what must not be released
    /// without care (adoption records are exempt from subject access under the Data
    /// Protection Act 2018, schedule 4 paragraph 3; a staff member's own family; a
    /// high-profile case). The IG lead may name themselves on the restriction (restricting
    /// is their right), which is a separate, audited change the restriction's other named
    /// people can see — so exporting a restricted record takes two deliberate steps, each
    /// in the audit log, and the bundle then states the restriction and its reason. Unlike
    /// [`Denial::Restricted`] this does not hide the record: the IG lead sees the list of
    /// restricted records anyway.
    NotNamedForExport,
}

impl Denial {
    /// The reason in words, as the audit log records it and the page shows it.
    pub fn describe(&self) -> String {
        match self {
            Denial::Role(role) => format!("the {} role does not allow this", role.label()),
            Denial::Restricted => "the record is restricted and the person is not named on it".to_owned(),
            Denial::OutOfScope => "not within the person's scope on the day: no work open with a service their employer provides in a team they work in".to_owned(),
            Denial::NoStaffRecord => "the account is not linked to a member of staff".to_owned(),
            Denial::NoLiveGrant => "no live inspection or partner access".to_owned(),
            Denial::AlreadyInScope => "the person already has access to this record".to_owned(),
            Denial::NotTheirCaseload => "a caseload is seen by the worker themselves and by the managers of their team and service".to_owned(),
            Denial::NotNamedForExport => "the record is restricted: to export it, name yourself on the restriction first (that change is audited too)".to_owned(),
        }
    }

    /// Whether the record should look absent to the subject (404 rather than 403).
    pub fn hides_record(&self) -> bool {
        matches!(self, Denial::Restricted)
    }
}

/// An allowed action on one child's record: the capability store methods ask for.
///
/// Only [`decide_child`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildAccess {
    child: ChildId,
    subject: UserId,
    action: ChildAction,
    grounds: Grounds,
}

impl ChildAccess {
    /// The child it is for.
    pub fn child(&self) -> ChildId {
        self.child
    }

    /// Who it was given to.
    pub fn subject(&self) -> UserId {
        self.subject
    }

    /// What it allows.
    pub fn action(&self) -> ChildAction {
        self.action
    }

    /// Why.
    pub fn grounds(&self) -> &Grounds {
        &self.grounds
    }

    /// Whether it allows reading the record's content: opening it, or exporting it in
    /// full for a subject access request.
    pub fn may_read(&self) -> bool {
        matches!(
            self.action,
            ChildAction::Open | ChildAction::SubjectAccessExport
        )
    }

    /// Whether it allows reading the record's access log (information governance, and a
    /// subject access bundle, which includes who accessed the record).
    pub fn may_read_access_log(&self) -> bool {
        matches!(
            self.action,
            ChildAction::ViewAccessLog | ChildAction::SubjectAccessExport
        )
    }

    /// Whether it allows adding to the record (and reading what is added to, such as
    /// the piece of work a note is filed under).
    pub fn may_write(&self) -> bool {
        self.action == ChildAction::Record
    }
}

/// Roles whose work is casework: their scope comes from employment and provision.
fn is_case_role(role: Role) -> bool {
    matches!(
        role,
        Role::SocialWorker
            | Role::SeniorPractitioner
            | Role::TeamManager
            | Role::ServiceManager
            | Role::Director
    )
}

/// Whether the role could ever take `action` on some record: the gate checked before
/// any input is read (pages offer the action only to these roles). The decision on a
/// particular record is still [`decide_child`]'s.
pub fn role_may(role: Role, action: ChildAction) -> bool {
    match action {
        ChildAction::Open => {
            is_case_role(role) || matches!(role, Role::Inspector | Role::PartnerReadOnly)
        }
        ChildAction::BreakGlass => is_case_role(role),
        ChildAction::Restrict => {
            matches!(role, Role::InformationGovernanceLead | Role::ServiceManager)
        }
        ChildAction::ViewAccessLog => role == Role::InformationGovernanceLead,
        ChildAction::ExplainAccess => matches!(
            role,
            Role::InformationGovernanceLead | Role::ServiceManager | Role::Director
        ),
        ChildAction::Record => is_case_role(role) && role != Role::Director,
        ChildAction::SubjectAccessExport => role == Role::InformationGovernanceLead,
    }
}

/// Decides an action on the authority's non-child data.
pub fn decide(subject: &Subject, action: AuthorityAction) -> Result<Grounds, Denial> {
    let role = subject.role;
    let allowed = match action {
        AuthorityAction::ViewAuthority => role != Role::PartnerReadOnly,
        AuthorityAction::ManageTransfers => matches!(role, Role::Director | Role::ServiceManager),
        AuthorityAction::ListChildren => {
            is_case_role(role) || matches!(role, Role::Inspector | Role::PartnerReadOnly)
        }
        AuthorityAction::Govern => role == Role::InformationGovernanceLead,
        AuthorityAction::ViewDueWork => is_case_role(role),
        AuthorityAction::ViewCaseloads => is_case_role(role),
        // Directors oversee; they do not hold the first piece of work with a child.
        AuthorityAction::RegisterChild => matches!(
            role,
            Role::SocialWorker
                | Role::SeniorPractitioner
                | Role::TeamManager
                | Role::ServiceManager
        ),
        AuthorityAction::ValidateReturns => matches!(
            role,
            Role::PerformanceAnalyst | Role::ServiceManager | Role::Director
        ),
        AuthorityAction::ProduceReturns => {
            matches!(role, Role::PerformanceAnalyst | Role::Director)
        }
    };
    if allowed {
        Ok(Grounds::Role(role))
    } else {
        Err(Denial::Role(role))
    }
}

/// Proof that [`decide_registration`] allowed the subject to register a child: the
/// store's `register_child` takes one, so a registration nobody checked does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    subject: UserId,
    grounds: Grounds,
}

impl Registration {
    /// Who registers.
    pub fn subject(&self) -> UserId {
        self.subject
    }

    /// Why they may.
    pub fn grounds(&self) -> &Grounds {
        &self.grounds
    }
}

/// Decides whether the subject may register a new child.
pub fn decide_registration(subject: &Subject) -> Result<Registration, Denial> {
    decide(subject, AuthorityAction::RegisterChild).map(|grounds| Registration {
        subject: subject.user,
        grounds,
    })
}

/// The subject's grants within scope on the day (from the shared rule).
fn in_scope(subject: &Subject, facts: &ChildFacts, at: DateTime<Utc>) -> Option<Grant> {
    let staff = subject.staff?;
    let employments: Vec<Employment> = facts
        .workplace
        .employments
        .iter()
        .filter(|e| e.staff == staff)
        .cloned()
        .collect();
    let grants = who_may_open(
        &facts.involvements,
        &facts.provision,
        &facts.workplace.teams,
        &facts.workplace.posts,
        &employments,
        at.date_naive(),
    );
    // Prefer the grant through the team the work is allocated to.
    grants
        .iter()
        .find(|g| g.allocated_team)
        .or(grants.first())
        .cloned()
}

/// Decides an action on one child's record at instant `at`; when allowed, hands out the
/// capability to carry it out.
pub fn decide_child(
    subject: &Subject,
    action: ChildAction,
    facts: &ChildFacts,
    at: DateTime<Utc>,
) -> Result<ChildAccess, Denial> {
    let grounds = child_grounds(subject, action, facts, at)?;
    Ok(ChildAccess {
        child: facts.child,
        subject: subject.user,
        action,
        grounds,
    })
}

fn child_grounds(
    subject: &Subject,
    action: ChildAction,
    facts: &ChildFacts,
    at: DateTime<Utc>,
) -> Result<Grounds, Denial> {
    let role = subject.role;
    let named = facts
        .restriction
        .as_ref()
        .map(|r| r.named.contains(&subject.user));
    if !role_may(role, action) {
        return Err(Denial::Role(role));
    }
    match action {
        ChildAction::ViewAccessLog => Ok(Grounds::Role(role)),
        ChildAction::SubjectAccessExport => match named {
            Some(true) => Ok(Grounds::Named),
            Some(false) => Err(Denial::NotNamedForExport),
            None => Ok(Grounds::Role(role)),
        },
        ChildAction::ExplainAccess => match (role, named) {
            (Role::InformationGovernanceLead, _) => Ok(Grounds::Role(role)),
            (_, Some(true)) => Ok(Grounds::Named),
            (_, Some(false)) => Err(Denial::Restricted),
            (_, None) => in_scope(subject, facts, at)
                .map(Grounds::InScope)
                .or_else(|| oversight(subject, facts, at))
                .ok_or(Denial::OutOfScope),
        },
        ChildAction::Restrict => match role {
            Role::ServiceManager => match named {
                Some(false) => Err(Denial::Restricted),
                Some(true) => Ok(Grounds::Named),
                None => in_scope(subject, facts, at)
                    .map(Grounds::InScope)
                    .ok_or(Denial::OutOfScope),
            },
            _ => Ok(Grounds::Role(role)),
        },
        ChildAction::Open => {
            match named {
                Some(true) => return Ok(Grounds::Named),
                Some(false) => return Err(Denial::Restricted),
                None => {}
            }
            match role {
                Role::Inspector => live_grant(facts, GrantKind::Inspection, at),
                Role::PartnerReadOnly => live_grant(facts, GrantKind::Partner, at),
                _ => {
                    if subject.staff.is_none() {
                        return Err(Denial::NoStaffRecord);
                    }
                    if let Some(grant) = in_scope(subject, facts, at) {
                        Ok(Grounds::InScope(grant))
                    } else if let Some(oversight) = oversight(subject, facts, at) {
                        Ok(oversight)
                    } else if let Some(until) = facts.break_glass_until.filter(|u| at < *u) {
                        Ok(Grounds::BreakGlass { until })
                    } else {
                        Err(Denial::OutOfScope)
                    }
                }
            }
        }
        ChildAction::Record => match named {
            Some(true) => Ok(Grounds::Named),
            Some(false) => Err(Denial::Restricted),
            None => {
                if subject.staff.is_none() {
                    return Err(Denial::NoStaffRecord);
                }
                in_scope(subject, facts, at)
                    .map(Grounds::InScope)
                    .ok_or(Denial::OutOfScope)
            }
        },
        ChildAction::BreakGlass => {
            if facts.restriction.is_some() {
                // Break-glass never opens a restricted record, and does not reveal one.
                return Err(Denial::Restricted);
            }
            if subject.staff.is_none() {
                return Err(Denial::NoStaffRecord);
            }
            if in_scope(subject, facts, at).is_some() {
                return Err(Denial::AlreadyInScope);
            }
            Ok(Grounds::BreakGlass {
                until: at + BREAK_GLASS_LASTS,
            })
        }
    }
}

/// A director sees every child with work open with a service their employer provides
/// on the day (whichever team holds it).
fn oversight(subject: &Subject, facts: &ChildFacts, at: DateTime<Utc>) -> Option<Grounds> {
    if subject.role != Role::Director {
        return None;
    }
    let staff = subject.staff?;
    let day = at.date_naive();
    let employers: Vec<OrganisationId> = facts
        .workplace
        .employments
        .iter()
        .filter(|e| e.staff == staff && e.period.contains(day))
        .map(|e| e.employer)
        .collect();
    facts
        .involvements
        .iter()
        .filter(|w| w.period.contains(day))
        .find_map(|w| {
            facts
                .provision
                .iter()
                .find(|p| {
                    p.service == w.service
                        && p.period.contains(day)
                        && employers.contains(&p.provider)
                })
                .map(|p| Grounds::Oversight {
                    employer: p.provider,
                    service: p.service,
                })
        })
}

fn live_grant(facts: &ChildFacts, kind: GrantKind, at: DateTime<Utc>) -> Result<Grounds, Denial> {
    facts
        .grants
        .iter()
        .any(|g| {
            g.kind == kind
                && g.live_at(at)
                && (kind == GrantKind::Inspection || g.child == Some(facts.child))
        })
        .then_some(Grounds::TimeLimited(kind))
        .ok_or(Denial::NoLiveGrant)
}

/// Which children a list or search may show the subject: turned into the query's
/// `WHERE` clause by the store, so nothing outside it is ever read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchScope {
    subject: UserId,
    reach: Reach,
}

/// What a [`SearchScope`] reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Children with work open on the day with one of these services (each provided by
    /// the subject's employer that day, in a team the subject works in).
    Services(Vec<ServiceId>),
    /// Every child (an inspector during an inspection).
    All,
    /// These children only (a partner's grants).
    Children(Vec<ChildId>),
}

impl SearchScope {
    /// Who it is for: restricted records appear only where this account is named.
    pub fn subject(&self) -> UserId {
        self.subject
    }

    /// What it reaches.
    pub fn reach(&self) -> &Reach {
        &self.reach
    }
}

/// The scope of the subject's lists and searches at instant `at`. `provision` is the
/// provision of every service on the day.
pub fn search_scope(
    subject: &Subject,
    workplace: &Workplace,
    provision: &[ProvisionPeriod],
    grants: &[TimeLimitedGrant],
    at: DateTime<Utc>,
) -> Result<SearchScope, Denial> {
    decide(subject, AuthorityAction::ListChildren)?;
    let day = at.date_naive();
    let reach = match subject.role {
        Role::Inspector => {
            if grants
                .iter()
                .any(|g| g.kind == GrantKind::Inspection && g.live_at(at))
            {
                Reach::All
            } else {
                Reach::Children(Vec::new())
            }
        }
        Role::PartnerReadOnly => Reach::Children(
            grants
                .iter()
                .filter(|g| g.kind == GrantKind::Partner && g.live_at(at))
                .filter_map(|g| g.child)
                .collect(),
        ),
        Role::Director => {
            let staff = subject.staff.ok_or(Denial::NoStaffRecord)?;
            let employers: Vec<OrganisationId> = workplace
                .employments
                .iter()
                .filter(|e| e.staff == staff && e.period.contains(day))
                .map(|e| e.employer)
                .collect();
            let mut services: Vec<ServiceId> = provision
                .iter()
                .filter(|p| p.period.contains(day) && employers.contains(&p.provider))
                .map(|p| p.service)
                .collect();
            services.sort();
            services.dedup();
            Reach::Services(services)
        }
        _ => {
            let staff = subject.staff.ok_or(Denial::NoStaffRecord)?;
            let mut services: Vec<ServiceId> = Vec::new();
            for e in workplace
                .employments
                .iter()
                .filter(|e| e.staff == staff && e.period.contains(day))
            {
                let Some(service) = workplace
                    .posts
                    .iter()
                    .find(|p| p.id == e.post)
                    .and_then(|p| workplace.teams.iter().find(|t| t.id == p.team))
                    .map(|t| t.service)
                else {
                    continue;
                };
                let provided_by_employer = provision.iter().any(|p| {
                    p.service == service && p.provider == e.employer && p.period.contains(day)
                });
                if provided_by_employer && !services.contains(&service) {
                    services.push(service);
                }
            }
            services.sort();
            Reach::Services(services)
        }
    };
    Ok(SearchScope {
        subject: subject.user,
        reach,
    })
}

#[cfg(test)]
mod tests;
