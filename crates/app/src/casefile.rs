//! Adding to a child's record (case notes, visits, events), drafts of those forms, and
//! what is due on the record. Each use case is one [`carebridge_store::RecordTx`] through the policy
//! ([`ChildAction::Record`] to write, `Open` to read), audited in that transaction.
//!
//! Drafts: saving one is checked against the policy every time (a person who lost the
//! child from their scope can no longer save or read a draft about them), but only the
//! first save of a draft is audited ("start-draft"); the autosave that follows every few
//! seconds would otherwise bury the log. Saving the form for real audits the note or
//! event and deletes the draft in the same transaction.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use carebridge_domain::casefile::attachments::{check_attachment, Attachment, AttachmentInput};
use carebridge_domain::casefile::case_events::case_events;
use carebridge_domain::casefile::events::{check_event, EventInput};
use carebridge_domain::casefile::notes::{check_note, NoteInput, WorkSpan};
use carebridge_domain::casefile::work::{check_work, TeamChoice, WorkInput};
use carebridge_domain::casefile::Problems;
use carebridge_domain::child::{Involvement, InvolvementKind};
use carebridge_domain::staff::Role;
use carebridge_domain::timescales::{what_is_due, DueItem, SchoolTerms, WorkingDayCalendar};
use carebridge_domain::{AttachmentId, ChildId, EventId, InvolvementId, NoteId};
use carebridge_policy::{CaseloadOf, ChildAction};
use carebridge_store::Draft;

use crate::accounts::Actor;
use crate::records::{finish, Checked, OpenedRecord, RequestMeta};
use crate::{App, AppError};

/// The long forms that keep drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftForm {
    /// A case note or visit.
    Note,
    /// An event.
    Event,
}

impl DraftForm {
    /// The form's path for a child: the draft's key, and where signing in again returns.
    pub fn path(self, child: ChildId) -> String {
        match self {
            DraftForm::Note => format!("/children/{child}/notes/new"),
            DraftForm::Event => format!("/children/{child}/events/new"),
        }
    }
}

/// What a note or event form needs: the child's name, their pieces of work (open ones
/// first), and the person's draft if they have one.
#[derive(Debug, Clone)]
pub struct RecordingForm {
    /// The child's name.
    pub name: String,
    /// The pieces of work a note or event can be filed under.
    pub work: Vec<Involvement>,
    /// The person's draft of this form.
    pub draft: Option<Draft>,
}

fn spans(work: &[Involvement]) -> Vec<WorkSpan> {
    work.iter()
        .map(|w| WorkSpan {
            id: w.id,
            start: w.period.start(),
            end: w.period.end(),
        })
        .collect()
}

/// The school terms the PEP rule reads around `today` (the approximate English terms;
/// an authority with its own term dates would load them here).
fn terms_around(today: NaiveDate) -> Result<SchoolTerms, AppError> {
    Ok(SchoolTerms::approximate_england(
        today.year() - 12,
        today.year() + 1,
    )?)
}

/// The calendar and school terms the statutory clocks read, loaded once for a list.
pub(crate) struct DueClocks {
    calendar: &'static WorkingDayCalendar,
    terms: SchoolTerms,
}

impl DueClocks {
    /// The clocks as they read around `today`.
    pub(crate) fn around(today: NaiveDate) -> Result<Self, AppError> {
        Ok(DueClocks {
            calendar: WorkingDayCalendar::england_and_wales()?,
            terms: terms_around(today)?,
        })
    }

    /// Everything due, overdue and done on a child's record (their date of birth,
    /// work, events and notes) as at `today`.
    pub(crate) fn due(
        &self,
        date_of_birth: NaiveDate,
        work: &[Involvement],
        events: &[carebridge_domain::casefile::events::Event],
        notes: &[carebridge_domain::casefile::notes::Note],
        today: NaiveDate,
    ) -> Result<Vec<DueItem>, AppError> {
        let case = case_events(date_of_birth, work, events, notes, today);
        Ok(what_is_due(self.calendar, &self.terms, &case, today)?)
    }
}

/// Everything due, overdue and done on an opened record as at `today`.
pub fn due_on(record: &OpenedRecord, today: NaiveDate) -> Result<Vec<DueItem>, AppError> {
    DueClocks::around(today)?.due(
        record.child.date_of_birth,
        &record.involvements,
        &record.events,
        &record.notes,
        today,
    )
}

/// A draft's fields as kept: everything typed but the CSRF token, refused when larger
/// than the longest note in any script (four bytes a character) and the rest.
pub fn draft_fields(
    fields: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, AppError> {
    let fields: BTreeMap<String, String> = fields
        .into_iter()
        .filter(|(k, _)| k != "csrf_token")
        .collect();
    let size: usize = fields.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > carebridge_domain::casefile::notes::MAX_NOTE_CHARS * 4 + 16 * 1024 {
        return Err(carebridge_domain::DomainError::invalid("draft", "is too long to save").into());
    }
    Ok(fields)
}

/// The domain's verdict on a form, with the problems the form had reading its fields
/// (a date that is not a date) taking precedence. Nothing is written when either has any.
pub(crate) fn checked<T>(verdict: Result<T, Problems>, reading: &Problems) -> Result<T, AppError> {
    match verdict {
        Ok(value) if reading.is_empty() => Ok(value),
        Ok(_) => Err(reading.clone().into()),
        Err(problems) => Err(problems.overridden_by(reading).into()),
    }
}

/// After an addition: deletes the person's draft of its form, appends the audit entry
/// (saying what was added) and commits, all or nothing.
async fn saved(
    mut tx: carebridge_store::RecordTx,
    mut entry: carebridge_store::audit::NewAuditEntry,
    actor: &Actor,
    form: DraftForm,
    child: ChildId,
    action: &str,
    what: &str,
) -> Result<(), AppError> {
    tx.delete_draft(actor.user, &form.path(child)).await?;
    entry.action = action.to_owned();
    entry.reason = format!("{what}; {}", entry.reason);
    finish(tx, &entry).await
}

/// What the new-work form needs: the child's name and the teams the person may start
/// work in (their own teams today).
#[derive(Debug, Clone)]
pub struct WorkForm {
    /// The child's name.
    pub name: String,
    /// The teams.
    pub teams: Vec<TeamChoice>,
}

impl App {
    /// The person's teams on the day, with their services' codes.
    async fn team_choices(
        &self,
        workplace: &carebridge_policy::Workplace,
    ) -> Result<Vec<TeamChoice>, AppError> {
        let services = self.store().services().await?;
        Ok(workplace
            .teams
            .iter()
            .map(|t| TeamChoice {
                team: t.id,
                name: t.name.clone(),
                service: t.service,
                service_code: services
                    .iter()
                    .find(|s| s.id == t.service)
                    .map_or_else(String::new, |s| s.code.as_str().to_owned()),
            })
            .collect())
    }

    /// Opens the form to start new work on the record (a plan, an episode): the policy
    /// must allow recording on the child.
    pub async fn work_form(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
    ) -> Result<WorkForm, AppError> {
        let Checked {
            mut tx,
            access,
            facts,
            mut entry,
            ..
        } = self.begin_recording(actor, meta, child).await?;
        let name = tx
            .recorded_child_name(&access)
            .await?
            .unwrap_or_else(|| format!("Child {child}"));
        entry.action = "open-form".to_owned();
        finish(tx, &entry).await?;
        Ok(WorkForm {
            name,
            teams: self.team_choices(&facts.workplace).await?,
        })
    }

    /// Starts a new piece of work on the record in one of the person's teams. Invalid
    /// input (a team of the wrong service, a second open plan of a kind) writes nothing.
    pub async fn open_work(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        input: WorkInput,
        reading: Problems,
    ) -> Result<InvolvementId, AppError> {
        let Checked {
            mut tx,
            access,
            facts,
            at,
            mut entry,
        } = self.begin_recording(actor, meta, child).await?;
        let teams = self.team_choices(&facts.workplace).await?;
        let born = tx
            .recorded_child(&access)
            .await?
            .map(|c| c.date_of_birth)
            .ok_or(AppError::NotFound("child"))?;
        let work = checked(
            check_work(input, &teams, &facts.involvements, born, at.date_naive()),
            &reading,
        )?;
        let id = tx.open_work(&access, &work).await?;
        let team = teams
            .iter()
            .find(|t| t.team == work.team)
            .map_or("", |t| t.name.as_str());
        entry.action = "open-work".to_owned();
        entry.reason = format!(
            "{} ({id}) in {team} from {}; {}",
            work.kind.label(),
            work.starts_on,
            entry.reason
        );
        finish(tx, &entry).await?;
        Ok(id)
    }

    /// Checks the role may ever add to records, then begins the record transaction
    /// with the policy's decision on this child (audited if refused).
    pub(crate) async fn begin_recording(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
    ) -> Result<Checked, AppError> {
        self.authorise_child_action(actor, ChildAction::Record)?;
        self.begin_checked(actor, meta, ChildAction::Record, child)
            .await
    }

    /// Opens the note or event form: the policy must allow recording on the child.
    pub async fn recording_form(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        form: DraftForm,
    ) -> Result<RecordingForm, AppError> {
        self.form_for(actor, meta, child, Some(form)).await
    }

    /// Opens the form to attach a document: the record's pieces of work (no drafts: a
    /// file is chosen, not typed).
    pub async fn attachment_form(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
    ) -> Result<RecordingForm, AppError> {
        self.form_for(actor, meta, child, None).await
    }

    async fn form_for(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        form: Option<DraftForm>,
    ) -> Result<RecordingForm, AppError> {
        let Checked {
            mut tx,
            access,
            facts,
            mut entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::Record, child)
            .await?;
        let draft = match form {
            Some(form) => tx.draft(&access, actor.user, &form.path(child)).await?,
            None => None,
        };
        let name = tx
            .recorded_child_name(&access)
            .await?
            .unwrap_or_else(|| format!("Child {child}"));
        entry.action = "open-form".to_owned();
        finish(tx, &entry).await?;
        let mut work = facts.involvements;
        work.sort_by_key(|w| {
            (
                w.period.end().is_some(),
                std::cmp::Reverse(w.period.start()),
            )
        });
        Ok(RecordingForm { name, work, draft })
    }

    /// Attaches a checked document to the record, audited with its SHA-256.
    pub async fn add_attachment(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        input: AttachmentInput,
    ) -> Result<AttachmentId, AppError> {
        let Checked {
            mut tx,
            access,
            facts,
            at,
            mut entry,
        } = self.begin_recording(actor, meta, child).await?;
        let document = check_attachment(input, &spans(&facts.involvements))?;
        let id = tx
            .add_attachment(&access, &document, actor.user, at)
            .await?;
        entry.action = "add-attachment".to_owned();
        entry.reason = format!(
            "{} ({id}: {}, {} bytes, SHA-256 {}); {}",
            document.title,
            document.filename,
            document.bytes.len(),
            document.sha256,
            entry.reason
        );
        finish(tx, &entry).await?;
        Ok(id)
    }

    /// Downloads a document of the record: an opening of the record, audited as a
    /// download of that document. Its bytes are checked against their SHA-256.
    pub async fn download_attachment(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        id: AttachmentId,
    ) -> Result<(Attachment, Vec<u8>), AppError> {
        let Checked {
            mut tx,
            access,
            mut entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::Open, child)
            .await?;
        let (document, bytes) = tx
            .read_attachment(&access, id)
            .await?
            .ok_or(AppError::NotFound("document"))?;
        entry.action = "download-attachment".to_owned();
        entry.reason = format!(
            "{} ({id}, SHA-256 {}); {}",
            document.title, document.sha256, entry.reason
        );
        finish(tx, &entry).await?;
        Ok((document, bytes))
    }

    /// Adds a case note or visit to the record, deleting the person's draft of it.
    pub async fn add_note(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        input: NoteInput,
        reading: Problems,
    ) -> Result<NoteId, AppError> {
        let Checked {
            mut tx,
            access,
            facts,
            at,
            entry,
        } = self.begin_recording(actor, meta, child).await?;
        let note = checked(
            check_note(input, &spans(&facts.involvements), at.date_naive()),
            &reading,
        )?;
        let id = tx.add_note(&access, &note, actor.user, at).await?;
        let what = format!("{} ({id})", note.kind.label());
        saved(tx, entry, actor, DraftForm::Note, child, "add-note", &what).await?;
        Ok(id)
    }

    /// Adds an event to the record, deleting the person's draft of it.
    pub async fn add_event(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        input: EventInput,
        reading: Problems,
    ) -> Result<EventId, AppError> {
        let Checked {
            mut tx,
            access,
            facts,
            at,
            entry,
        } = self.begin_recording(actor, meta, child).await?;
        let work: Vec<(WorkSpan, InvolvementKind)> = spans(&facts.involvements)
            .into_iter()
            .zip(facts.involvements.iter().map(|w| w.kind))
            .collect();
        let event = checked(check_event(input, &work, at.date_naive()), &reading)?;
        let id = tx.add_event(&access, &event, actor.user, at).await?;
        let what = format!("{} ({id})", event.kind.label());
        saved(
            tx,
            entry,
            actor,
            DraftForm::Event,
            child,
            "add-event",
            &what,
        )
        .await?;
        Ok(id)
    }

    /// Saves the person's draft of a form as they type. Returns when it was saved.
    pub async fn save_draft(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        form: DraftForm,
        fields: BTreeMap<String, String>,
    ) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
        let fields = draft_fields(fields)?;
        let Checked {
            mut tx,
            access,
            at,
            mut entry,
            ..
        } = self.begin_recording(actor, meta, child).await?;
        let existed = tx
            .save_draft(&access, actor.user, &form.path(child), &fields, at)
            .await?;
        if existed {
            tx.commit().await?;
        } else {
            entry.action = "start-draft".to_owned();
            finish(tx, &entry).await?;
        }
        Ok(at)
    }

    /// Discards the person's own draft of a form.
    pub async fn discard_draft(
        &self,
        actor: &Actor,
        child: ChildId,
        form: DraftForm,
    ) -> Result<(), AppError> {
        self.authorise_child_action(actor, ChildAction::Record)?;
        Ok(self
            .store()
            .discard_draft(actor.user, &form.path(child))
            .await?)
    }

    /// The person's drafts, newest first.
    pub async fn my_drafts(&self, actor: &Actor) -> Result<Vec<Draft>, AppError> {
        Ok(self.store().drafts_of(actor.user).await?)
    }
}

/// One thing due on one child's record.
#[derive(Debug, Clone)]
pub struct DueWork {
    /// Whose record.
    pub child: carebridge_domain::child::Child,
    /// What is due.
    pub item: DueItem,
}

/// A team's or worker's list of statutory work due and overdue.
#[derive(Debug, Clone)]
pub struct DueList {
    /// Whose list.
    pub of: CaseloadOf,
    /// Its name: the team's, or the worker's.
    pub name: String,
    /// How many children with open work so held the person may see.
    pub children: usize,
    /// Everything outstanding, overdue first then by due date.
    pub due: Vec<DueWork>,
}

impl App {
    /// The statutory work due and overdue on the open cases a team holds or a worker
    /// is allocated, among the children the person may see (scoped in the query, like
    /// a search; each child listed is audited). By default: a practitioner's own
    /// cases, a manager's team's.
    pub async fn due_work(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        of: Option<CaseloadOf>,
    ) -> Result<DueList, AppError> {
        self.authorise(actor, carebridge_policy::AuthorityAction::ViewDueWork)?;
        let at = self.clock().now();
        let today = at.date_naive();
        let mut tx = self.store().begin_records().await?;
        let workplace = tx.workplace(actor.staff, today).await?;
        let of = match (of, actor.staff) {
            (Some(of), _) => of,
            (None, Some(me))
                if matches!(actor.role, Role::SocialWorker | Role::SeniorPractitioner) =>
            {
                CaseloadOf::Staff(me)
            }
            (None, _) => CaseloadOf::Team(
                workplace
                    .teams
                    .first()
                    .map(|t| t.id)
                    .ok_or(AppError::NotFound("team of yours"))?,
            ),
        };
        let name = match of {
            CaseloadOf::Team(id) => {
                self.store()
                    .teams()
                    .await?
                    .into_iter()
                    .find(|t| t.id == id)
                    .ok_or(AppError::NotFound("team"))?
                    .name
            }
            CaseloadOf::Staff(id) => {
                let person = self
                    .store()
                    .staff_member(id)
                    .await?
                    .ok_or(AppError::NotFound("staff member"))?;
                format!("{} {}", person.given_name, person.family_name)
            }
        };
        let provision = tx.provision_on(today).await?;
        let grants = tx.grants_of(actor.user, at).await?;
        let scope =
            carebridge_policy::search_scope(&actor.subject(), &workplace, &provision, &grants, at)
                .map_err(|d| AppError::Forbidden(d.describe()))?;
        let records = tx.held_records(&scope, of, today).await?;
        let clocks = DueClocks::around(today)?;
        let mut due = Vec::new();
        for record in &records {
            for item in clocks.due(
                record.child.date_of_birth,
                &record.involvements,
                &record.events,
                &record.notes,
                today,
            )? {
                if item.status.is_outstanding() {
                    due.push(DueWork {
                        child: record.child.clone(),
                        item,
                    });
                }
            }
            let entry = carebridge_store::audit::NewAuditEntry {
                at,
                user: Some(actor.user),
                username: actor.username.clone(),
                employer: workplace.employments.first().map(|e| e.employer),
                role: actor.role.code().to_owned(),
                action: "due-list".to_owned(),
                child: Some(record.child.id),
                allowed: true,
                reason: format!("shown on the due work list of {name}"),
                request_id: meta.request_id.clone(),
                client: meta.client.clone(),
            };
            tx.audit(&entry).await?;
        }
        tx.commit().await?;
        due.sort_by_key(|d| {
            (
                !matches!(
                    d.item.status,
                    carebridge_domain::timescales::Status::Overdue { .. }
                ),
                d.item.due,
            )
        });
        Ok(DueList {
            of,
            name,
            children: records.len(),
            due,
        })
    }
}
