//! Children's records through the one policy: open, search, break the glass, restrict,
//! and the information governance views of who accessed what.
//!
//! Every use case here runs one [`RecordTx`]: it loads the policy's facts, asks
//! `carebridge_policy`, appends the audit entry (allowed or refused) and, when allowed,
//! reads or writes the record with the capability the policy handed out — all in the
//! same transaction, so an action whose audit entry cannot be written does not happen,
//! and no permission outlives the request that checked it.

use chrono::{DateTime, Utc};

use carebridge_domain::child::{Child, Involvement, InvolvementKind};
use carebridge_domain::person::{NewChild, NewChildForm, PersonDetails};
use carebridge_domain::staff::Role;
use carebridge_domain::{ChildId, DomainError, UserId};
use carebridge_policy::{
    decide, decide_child, decide_registration, search_scope, AuthorityAction, ChildAction,
    ChildFacts, Denial, Grounds, Subject, MIN_JUSTIFICATION,
};
use carebridge_store::audit::{AuditEntry, NewAuditEntry};
use carebridge_store::{ChildListing, RecordTx};

use crate::accounts::Actor;
use crate::{App, AppError};

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestMeta {
    /// The request's id (also in the logs).
    pub request_id: String,
    /// The client's address.
    pub client: String,
}

/// A child's record as opened, with why it could be opened.
#[derive(Debug, Clone)]
pub struct OpenedRecord {
    /// The person.
    pub child: Child,
    /// Every piece of work, earliest first.
    pub involvements: Vec<Involvement>,
    /// Why the reader may open it, in words.
    pub grounds: String,
    /// Whether it was opened by breaking the glass (the page says so).
    pub break_glass_until: Option<DateTime<Utc>>,
    /// Whether the record is restricted (the reader is named on it).
    pub restricted: bool,
    /// Events on the record, in date order.
    pub events: Vec<carebridge_domain::casefile::events::Event>,
    /// Case notes and visits, in date order.
    pub notes: Vec<carebridge_domain::casefile::notes::Note>,
    /// The child as a person: other names, identifiers, addresses and the rest.
    pub person: PersonDetails,
    /// Family and significant people (restricted children left out unless the reader
    /// is named on them).
    pub family: Vec<carebridge_domain::relationships::Relationship>,
    /// Documents attached to the record, newest first (without their bytes).
    pub attachments: Vec<carebridge_domain::casefile::attachments::Attachment>,
}

/// A record transaction after the policy allowed the action (and it was audited).
///
/// Its audit entry is appended by [`finish`], as the transaction's last statement, so
/// the audit chain's head (a row lock on PostgreSQL) is held only from the append to
/// the commit, not while the record is read or written.
pub(crate) struct Checked {
    pub(crate) tx: RecordTx,
    pub(crate) access: carebridge_policy::ChildAccess,
    pub(crate) facts: ChildFacts,
    pub(crate) at: DateTime<Utc>,
    pub(crate) entry: NewAuditEntry,
}

/// Appends the action's audit entry and ends the transaction (see [`RecordTx::finish`]).
pub(crate) async fn finish(tx: RecordTx, entry: &NewAuditEntry) -> Result<(), AppError> {
    tx.finish(entry).await?;
    Ok(())
}

/// Whether an action only reads the record, so its transaction can be a snapshot that
/// takes no write lock ([`carebridge_store::Store::begin_reading`]): opening a record, a
/// case on it, or one of its documents. Every other action writes at least its own rows
/// and keeps its audit entry in its one transaction.
fn only_reads(action: ChildAction) -> bool {
    action == ChildAction::Open
}

/// How many results a search shows at most.
pub const SEARCH_LIMIT: i64 = 50;
/// How many entries the access-log pages show at most.
pub const LOG_LIMIT: i64 = 500;

/// The audit entry for `actor`'s `action` on `child` (the employer they acted for is
/// filled in by the caller when known).
pub(crate) fn audit_entry(
    actor: &Actor,
    meta: &RequestMeta,
    action: &str,
    child: Option<ChildId>,
    decision: Result<&Grounds, &Denial>,
    at: DateTime<Utc>,
) -> NewAuditEntry {
    let (allowed, reason) = match decision {
        Ok(g) => (true, g.describe()),
        Err(d) => (false, d.describe()),
    };
    NewAuditEntry {
        at,
        user: Some(actor.user),
        username: actor.username.clone(),
        employer: None,
        role: actor.role.code().to_owned(),
        action: action.to_owned(),
        child,
        allowed,
        reason,
        request_id: meta.request_id.clone(),
        client: meta.client.clone(),
    }
}

/// A refusal as the caller sees it: restricted records look absent.
pub(crate) fn refused(denial: &Denial) -> AppError {
    if denial.hides_record() {
        AppError::NotFound("child's record")
    } else {
        AppError::Forbidden(denial.describe())
    }
}

impl Actor {
    /// The actor as the policy sees them.
    pub fn subject(&self) -> Subject {
        Subject {
            user: self.user,
            role: self.role,
            staff: self.staff,
        }
    }
}

impl App {
    /// Whether the actor's role could ever take `action` on a record: checked before
    /// any input is read. The decision on the record itself comes later, audited.
    pub fn authorise_child_action(
        &self,
        actor: &Actor,
        action: ChildAction,
    ) -> Result<(), AppError> {
        if carebridge_policy::role_may(actor.role, action) {
            Ok(())
        } else {
            Err(AppError::Forbidden(Denial::Role(actor.role).describe()))
        }
    }

    /// Whether the actor may take an action on the authority's non-child data; the
    /// error says why not.
    pub fn authorise(&self, actor: &Actor, action: AuthorityAction) -> Result<(), AppError> {
        decide(&actor.subject(), action)
            .map(|_| ())
            .map_err(|d| AppError::Forbidden(d.describe()))
    }

    /// Begins a record transaction, loads the facts for `child`, decides `action` and
    /// audits the decision in it. A refusal is committed (refused attempts are audited
    /// too) and returned as the caller should see it.
    pub(crate) async fn begin_checked(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        action: ChildAction,
        child: ChildId,
    ) -> Result<Checked, AppError> {
        self.begin_checked_for(actor, meta, action, child, "").await
    }

    /// [`App::begin_checked`] for an action with a stated purpose (e.g. a subject
    /// access request's reference and requester), which leads the audit entry's reason
    /// whether the action is allowed or refused.
    pub(crate) async fn begin_checked_for(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        action: ChildAction,
        child: ChildId,
        purpose: &str,
    ) -> Result<Checked, AppError> {
        let at = self.clock().now();
        let mut tx = if only_reads(action) {
            self.store().begin_reading().await?
        } else {
            self.store().begin_records().await?
        };
        let facts = tx
            .child_facts(actor.user, actor.staff, child, at)
            .await?
            .ok_or(AppError::NotFound("child's record"))?;
        let decision = decide_child(&actor.subject(), action, &facts, at);
        let employer = match decision.as_ref().map(|a| a.grounds()) {
            Ok(Grounds::InScope(g)) => Some(g.employer),
            _ => facts.workplace.employments.first().map(|e| e.employer),
        };
        let mut entry = audit_entry(
            actor,
            meta,
            action.code(),
            Some(child),
            decision.as_ref().map(|a| a.grounds()),
            at,
        );
        entry.employer = employer;
        if !purpose.is_empty() {
            entry.reason = format!("{purpose}; {}", entry.reason);
        }
        match decision {
            Ok(access) => Ok(Checked {
                tx,
                access,
                facts,
                at,
                entry,
            }),
            Err(denial) => {
                finish(tx, &entry).await?;
                Err(refused(&denial))
            }
        }
    }

    /// Opens a child's record for the actor: the person, their work, and what was
    /// recorded on it, with notes' dates and visit answers but not their text (enough
    /// for the record page and what is due; [`App::open_record_in_full`] has the text).
    pub async fn open_record(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
    ) -> Result<OpenedRecord, AppError> {
        self.open(actor, meta, child, false).await
    }

    /// Opens a child's record with every note's text (the chronology).
    pub async fn open_record_in_full(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
    ) -> Result<OpenedRecord, AppError> {
        self.open(actor, meta, child, true).await
    }

    async fn open(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        in_full: bool,
    ) -> Result<OpenedRecord, AppError> {
        let Checked {
            mut tx,
            access,
            facts,
            entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::Open, child)
            .await?;
        let (person, involvements) = tx.read_child(&access).await?;
        let (events, notes) = tx.casefile(&access, in_full).await?;
        let details = tx.read_person(&access).await?;
        let family = tx.relationships(&access, actor.user).await?;
        let attachments = tx.attachments(&access).await?;
        finish(tx, &entry).await?;
        Ok(OpenedRecord {
            person: details,
            child: person,
            involvements,
            grounds: access.grounds().describe(),
            break_glass_until: match access.grounds() {
                Grounds::BreakGlass { until } => Some(*until),
                _ => None,
            },
            restricted: facts.restriction.is_some(),
            events,
            notes,
            family,
            attachments,
        })
    }

    /// Breaks the glass: opens, for a limited time, a record outside the actor's scope,
    /// with their justification; the information governance lead reviews it later.
    pub async fn break_glass(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        justification: &str,
    ) -> Result<DateTime<Utc>, AppError> {
        self.authorise_child_action(actor, ChildAction::BreakGlass)?;
        let justification = justification.trim();
        if justification.chars().count() < MIN_JUSTIFICATION {
            return Err(DomainError::invalid(
                "justification",
                format!("say why you need this record, in at least {MIN_JUSTIFICATION} characters"),
            )
            .into());
        }
        let Checked {
            mut tx,
            access,
            at,
            entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::BreakGlass, child)
            .await?;
        let id = tx.open_break_glass(&access, justification, at).await?;
        finish(tx, &entry).await?;
        tracing::warn!(user = %actor.username, child = child.0, "break-glass opening; awaiting review");
        let Grounds::BreakGlass { until } = access.grounds() else {
            return Err(AppError::Internal(
                "break-glass without an expiry".to_owned(),
            ));
        };
        if let Some(command) = &self.break_glass_hook {
            let event = serde_json::json!({
                "event": "break-glass",
                "id": id,
                "user": actor.username,
                "role": actor.role.code(),
                "child": child.0,
                "justification": justification,
                "opened_at": at.to_rfc3339(),
                "expires_at": until.to_rfc3339(),
                "request_id": meta.request_id,
                "client": meta.client,
            });
            notify(command.clone(), event.to_string());
        }
        Ok(*until)
    }

    /// Restricts a record to the named accounts (by sign-in name).
    pub async fn restrict_record(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        reason: &str,
        named: &[String],
    ) -> Result<(), AppError> {
        self.authorise_child_action(actor, ChildAction::Restrict)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "say why the record is restricted").into());
        }
        let mut users: Vec<UserId> = Vec::new();
        for name in named.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
            let user = self.store().user_by_username(name).await?.ok_or_else(|| {
                DomainError::invalid("named", format!("there is no account called {name:?}"))
            })?;
            users.push(user.id);
        }
        if !users.contains(&actor.user) && actor.role != Role::InformationGovernanceLead {
            // A service manager who restricts a record stays able to open it.
            users.push(actor.user);
        }
        let Checked {
            mut tx,
            access,
            at,
            entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::Restrict, child)
            .await?;
        tx.restrict(&access, reason, &users, at).await?;
        finish(tx, &entry).await?;
        Ok(())
    }

    /// Lifts a record's restriction.
    pub async fn lift_restriction(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
    ) -> Result<bool, AppError> {
        let Checked {
            mut tx,
            access,
            entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::Restrict, child)
            .await?;
        let lifted = tx.lift_restriction(&access).await?;
        finish(tx, &entry).await?;
        Ok(lifted)
    }

    /// Who accessed the child's record, newest first (information governance).
    pub async fn access_log_of_child(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
    ) -> Result<Vec<AuditEntry>, AppError> {
        let Checked {
            mut tx,
            access,
            entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::ViewAccessLog, child)
            .await?;
        let log = tx.access_log(&access, LOG_LIMIT).await?;
        finish(tx, &entry).await?;
        Ok(log)
    }

    /// The children a search shows the actor: scoped in the query by the policy, each
    /// result shown audited.
    pub async fn search_children(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        query: &str,
    ) -> Result<Vec<ChildListing>, AppError> {
        let at = self.clock().now();
        let day = at.date_naive();
        // A search only reads: the scope is decided and the results read in one
        // snapshot, and the entries are committed before the results are handed back.
        let mut tx = self.store().begin_reading().await?;
        let workplace = tx.workplace(actor.staff, day).await?;
        let provision = tx.provision_on(day).await?;
        let grants = tx.grants_of(actor.user, at).await?;
        let scope = search_scope(&actor.subject(), &workplace, &provision, &grants, at)
            .map_err(|d| AppError::Forbidden(d.describe()))?;
        let results = tx.search_children(&scope, query, day, SEARCH_LIMIT).await?;
        let employer = workplace.employments.first().map(|e| e.employer);
        let reason = format!("shown in a search for {:?}", query.trim());
        let entries: Vec<NewAuditEntry> = results
            .iter()
            .map(|listing| {
                let mut entry = audit_entry(
                    actor,
                    meta,
                    "search-result",
                    Some(listing.child.id),
                    Ok(&Grounds::Role(actor.role)),
                    at,
                );
                entry.reason.clone_from(&reason);
                entry.employer = employer;
                entry
            })
            .collect();
        tx.finish_all(&entries).await?;
        Ok(results)
    }

    /// Registers a new child (or unborn child) from the registration form: the policy
    /// decides first, then the form is checked (every problem returned, nothing saved),
    /// then the child, their details, search keys and first piece of work (in the
    /// registrant's team, from today, so the record is in their scope) are written
    /// with the audit entry in one transaction.
    ///
    /// The outer error is a refusal or failure; the inner one the form's problems.
    pub async fn register_child(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        form: &NewChildForm,
    ) -> Result<Result<ChildId, Vec<DomainError>>, AppError> {
        let registration =
            decide_registration(&actor.subject()).map_err(|d| AppError::Forbidden(d.describe()))?;
        let at = self.clock().now();
        let day = at.date_naive();
        let new = match NewChild::parse(form, day) {
            Ok(new) => new,
            Err(problems) => return Ok(Err(problems)),
        };
        let services = self.store().services().await?;
        let mut tx = self.store().begin_records().await?;
        let workplace = tx.workplace(actor.staff, day).await?;
        let Some(team) = workplace.teams.first() else {
            return Ok(Err(vec![DomainError::invalid(
                "team",
                "you hold no post in a team today, so the child's first piece of work would have no team: ask your manager to register the child",
            )]));
        };
        let code = services
            .iter()
            .find(|s| s.id == team.service)
            .map_or("", |s| s.code.as_str());
        let kind = InvolvementKind::first_with(code);
        let id = tx
            .register_child(&registration, &new, (team.service, team.id, kind), day)
            .await?;
        let mut entry = audit_entry(
            actor,
            meta,
            "register-child",
            Some(id),
            Ok(registration.grounds()),
            at,
        );
        entry.employer = workplace.employments.first().map(|e| e.employer);
        entry.reason = format!(
            "{}; first work: {} in {}",
            registration.grounds().describe(),
            kind.label(),
            team.name
        );
        finish(tx, &entry).await?;
        Ok(Ok(id))
    }

    /// The child's person details as the correction form shows them: the policy must
    /// allow recording on the child (audited as opening a form).
    pub async fn person_form(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
    ) -> Result<(String, NewChildForm), AppError> {
        let Checked {
            mut tx,
            access,
            mut entry,
            ..
        } = self.begin_recording(actor, meta, child).await?;
        let (person, details) = tx.person_for_edit(&access).await?;
        entry.action = "open-form".to_owned();
        finish(tx, &entry).await?;
        Ok((
            format!("{} {}", person.given_name, person.family_name),
            NewChildForm::of_record(&person, &details),
        ))
    }

    /// Corrects a child's person details. A changed name keeps the old one as a
    /// previous name (still found by search); a new postcode ends the current address
    /// the day before. Invalid input writes nothing; a form with no change writes
    /// nothing either. Audited with what changed.
    pub async fn edit_person(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        form: &NewChildForm,
    ) -> Result<Result<(), Vec<DomainError>>, AppError> {
        let Checked {
            mut tx,
            access,
            at,
            mut entry,
            ..
        } = self.begin_recording(actor, meta, child).await?;
        let day = at.date_naive();
        let new = match NewChild::parse(form, day) {
            Ok(new) => new,
            Err(problems) => return Ok(Err(problems)),
        };
        let (person, details) = tx.person_for_edit(&access).await?;
        let (person, details, changed) = new.applied_to(&person, &details, day);
        if changed.is_empty() {
            return Ok(Ok(()));
        }
        tx.replace_person(&access, &person, &details).await?;
        entry.action = "edit-person".to_owned();
        entry.reason = format!("changed {}; {}", changed.join(", "), entry.reason);
        finish(tx, &entry).await?;
        Ok(Ok(()))
    }

    /// Records the information governance lead's review of a break-glass opening.
    pub async fn review_break_glass(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: i64,
        escalate: bool,
        note: &str,
    ) -> Result<(), AppError> {
        self.authorise(actor, AuthorityAction::Govern)?;
        let note = note.trim();
        if escalate && note.is_empty() {
            return Err(DomainError::invalid("note", "say why the opening is escalated").into());
        }
        let at = self.clock().now();
        let mut tx = self.store().begin_records().await?;
        let outcome = if escalate { "escalated" } else { "accepted" };
        let child = tx
            .review_break_glass(id, outcome, note, actor.user, at)
            .await?
            .ok_or(AppError::NotFound("unreviewed break-glass opening"))?;
        let mut entry = audit_entry(
            actor,
            meta,
            "review-break-glass",
            Some(child),
            Ok(&Grounds::Role(actor.role)),
            at,
        );
        entry.reason = format!("break-glass opening {id} {outcome}: {note}");
        tx.audit(&entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Audit entries as CSV (the information governance exports), with each entry's hash
/// so a copy can be checked against the chain.
pub fn audit_csv(entries: &[AuditEntry]) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_failed = |e: csv::Error| AppError::Internal(e.to_string());
    out.write_record([
        "seq",
        "at",
        "user",
        "role",
        "on_behalf_of",
        "action",
        "child",
        "decision",
        "reason",
        "request_id",
        "client",
        "hash",
    ])
    .map_err(csv_failed)?;
    for e in entries {
        let x = &e.entry;
        out.write_record([
            e.seq.to_string(),
            x.at.to_rfc3339(),
            x.username.clone(),
            x.role.clone(),
            x.employer.map(|o| o.0.to_string()).unwrap_or_default(),
            x.action.clone(),
            x.child.map(|c| c.0.to_string()).unwrap_or_default(),
            if x.allowed { "allow" } else { "deny" }.to_owned(),
            x.reason.clone(),
            x.request_id.clone(),
            x.client.clone(),
            e.hash.clone(),
        ])
        .map_err(csv_failed)?;
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A request for time-limited access, as an administrator gives it.
#[derive(Debug, Clone)]
pub struct AccessGrantRequest {
    /// The account (an inspector's or a partner's).
    pub username: String,
    /// For a partner: the one child.
    pub child: Option<ChildId>,
    /// From when.
    pub starts_at: DateTime<Utc>,
    /// Until when (exclusive).
    pub ends_at: DateTime<Utc>,
    /// Why (e.g. "Ofsted ILACS inspection, lead inspector").
    pub reason: String,
}

impl App {
    /// Gives an inspector's account access to every unrestricted record, or a
    /// partner's account access to one child, for a limited time. The kind follows the
    /// account's role; `granted_by` says who gave it.
    pub async fn grant_access(
        &self,
        request: &AccessGrantRequest,
        granted_by: &str,
    ) -> Result<i64, AppError> {
        use carebridge_policy::GrantKind;
        let user = self
            .store()
            .user_by_username(request.username.trim())
            .await?
            .ok_or_else(|| {
                DomainError::invalid(
                    "user",
                    format!("there is no account called {:?}", request.username),
                )
            })?;
        let kind = match (user.role, request.child) {
            (Role::Inspector, None) => GrantKind::Inspection,
            (Role::PartnerReadOnly, Some(_)) => GrantKind::Partner,
            (Role::Inspector, Some(_)) => {
                return Err(DomainError::invalid(
                    "child",
                    "an inspection covers every record: give no child",
                )
                .into())
            }
            (Role::PartnerReadOnly, None) => {
                return Err(DomainError::invalid(
                    "child",
                    "a partner's access is to one child: give the child",
                )
                .into())
            }
            (role, _) => {
                return Err(DomainError::invalid(
                    "user",
                    format!(
                        "time-limited access is for inspectors and partners, not the {} role",
                        role.label()
                    ),
                )
                .into())
            }
        };
        if request.ends_at <= request.starts_at {
            return Err(
                DomainError::invalid("until", "the access must end after it starts").into(),
            );
        }
        if request.reason.trim().is_empty() {
            return Err(DomainError::invalid("reason", "say why the access is given").into());
        }
        if let Some(child) = request.child {
            if self.store().child(child).await?.is_none() {
                return Err(DomainError::invalid(
                    "child",
                    format!("there is no child {}", child.0),
                )
                .into());
            }
        }
        Ok(self
            .store()
            .create_access_grant(
                user.id,
                kind,
                request.child,
                request.starts_at,
                request.ends_at,
                request.reason.trim(),
                granted_by,
                self.clock().now(),
            )
            .await?)
    }
}

/// Runs the notification hook in the background: the opening is already committed and
/// listed for review, so a failing hook is logged, never turned into a failed request.
fn notify(command: std::sync::Arc<str>, event: String) {
    use tokio::io::AsyncWriteExt;
    tokio::spawn(async move {
        let child = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(&*command)
            .stdin(std::process::Stdio::piped())
            .spawn();
        let outcome = match child {
            Ok(mut child) => {
                if let Some(mut stdin) = child.stdin.take() {
                    let _ = stdin.write_all(event.as_bytes()).await;
                }
                child.wait().await.map(|s| s.success())
            }
            Err(e) => Err(e),
        };
        match outcome {
            Ok(true) => tracing::info!("break-glass hook ran"),
            Ok(false) => tracing::error!(command = %command, "break-glass hook failed"),
            Err(e) => {
                tracing::error!(command = %command, error = %e, "break-glass hook could not run")
            }
        }
    });
}

/// The break-glass queue as CSV (information governance export).
pub fn break_glass_csv(
    openings: &[carebridge_store::BreakGlassRecord],
) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Internal(e.to_string());
    out.write_record([
        "id",
        "user",
        "child",
        "justification",
        "opened_at",
        "expires_at",
        "review",
        "review_note",
        "reviewed_by",
        "reviewed_at",
    ])
    .map_err(failed)?;
    for g in openings {
        let (review, note, by, at) = match &g.review {
            Some((outcome, note, by, at)) => (
                outcome.clone(),
                note.clone(),
                by.0.to_string(),
                at.to_rfc3339(),
            ),
            None => Default::default(),
        };
        out.write_record([
            g.id.to_string(),
            g.username.clone(),
            g.child.0.to_string(),
            g.justification.clone(),
            g.opened_at.to_rfc3339(),
            g.expires_at.to_rfc3339(),
            review,
            note,
            by,
            at,
        ])
        .map_err(failed)?;
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The restricted records as CSV (information governance export); `name` turns an
/// account id into its sign-in name.
pub fn restricted_csv(
    restrictions: &[carebridge_store::RestrictionRecord],
    name: impl Fn(UserId) -> String,
) -> Result<Vec<u8>, AppError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| AppError::Internal(e.to_string());
    out.write_record(["child", "reason", "restricted_by", "restricted_at", "named"])
        .map_err(failed)?;
    for r in restrictions {
        out.write_record([
            r.child.0.to_string(),
            r.reason.clone(),
            name(r.restricted_by),
            r.restricted_at.to_rfc3339(),
            r.named
                .iter()
                .map(|u| name(*u))
                .collect::<Vec<_>>()
                .join(" "),
        ])
        .map_err(failed)?;
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}
