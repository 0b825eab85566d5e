//! "Who could open this child's record on this day, and why?" — answered from
//! provision and employment on the day (the rule is in `carebridge_domain::access`).
//!
//! Two doors, one answer: [`App::explain_access_as`] for a person (through the policy,
//! audited, in one transaction) and [`App::explain_access`] for the database operator's
//! command line (audited there). Both build the answer with the one private function `explain`.

use carebridge_domain::access::who_may_open;
use carebridge_domain::child::Child;
use carebridge_domain::staff::{Post, StaffMember};
use carebridge_domain::ChildId;
use carebridge_policy::ChildAction;
use carebridge_store::ExplanationFacts;
use chrono::NaiveDate;

use crate::accounts::Actor;
use crate::overview::Directory;
use crate::records::RequestMeta;
use crate::{App, AppError};

/// One person who could open the record, and why.
#[derive(Debug, Clone)]
pub struct AccessLine {
    /// The grant as derived (ids).
    pub grant: carebridge_domain::access::Grant,
    /// Who.
    pub staff: StaffMember,
    /// Their post.
    pub post: Post,
    /// Why, in words: employer, post, team, service, provider and instrument.
    pub reason: String,
}

/// The answer for one child on one day.
#[derive(Debug, Clone)]
pub struct AccessExplanation {
    /// The child.
    pub child: Child,
    /// The day asked about.
    pub day: NaiveDate,
    /// Everyone who could open the record, in staff order.
    pub lines: Vec<AccessLine>,
}

/// Builds the answer from what was read: every grant the scope rule gives on `day`,
/// each with its reason in words.
fn explain(facts: ExplanationFacts, directory: &Directory, day: NaiveDate) -> AccessExplanation {
    let grants = who_may_open(
        &facts.involvements,
        &facts.provision,
        &facts.teams,
        &facts.posts,
        &facts.employments,
        day,
    );
    let mut lines = Vec::with_capacity(grants.len());
    for g in grants {
        let (Some(staff), Some(post)) = (
            facts.staff.iter().find(|s| s.id == g.staff),
            facts.posts.iter().find(|p| p.id == g.post),
        ) else {
            continue;
        };
        let team = facts
            .teams
            .iter()
            .find(|t| t.id == g.team)
            .map_or("", |t| t.name.as_str());
        let service = directory.service(g.service).map_or("", |s| s.name.as_str());
        let employer = directory
            .organisation(g.employer)
            .map_or("", |o| o.name.as_str());
        let instrument = directory
            .instrument(g.provided_under)
            .map_or_else(String::new, |i| format!("{} ({})", i.title, i.reference));
        let reason = format!(
            "employed by {employer} in post {} ({}), team {team}; {service} is provided by {employer} under {instrument}{}",
            post.code.as_str(),
            post.title,
            if g.allocated_team { "; the work is allocated to this team" } else { "" }
        );
        lines.push(AccessLine {
            grant: g.clone(),
            staff: staff.clone(),
            post: post.clone(),
            reason,
        });
    }
    AccessExplanation {
        child: facts.child,
        day,
        lines,
    }
}

impl App {
    /// Who could open `child`'s record on `day`, and why — asked by `actor` (the
    /// information governance lead, or a manager about a record in their scope),
    /// decided by the policy and audited in the same transaction as the reads.
    pub async fn explain_access_as(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        day: NaiveDate,
    ) -> Result<AccessExplanation, AppError> {
        let directory = self.directory().await?;
        let crate::records::Checked {
            mut tx,
            access,
            mut entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::ExplainAccess, child)
            .await?;
        let facts = tx.explanation_facts(&access, day).await?;
        entry.reason = format!("{} (asked about {day})", entry.reason);
        crate::records::finish(tx, &entry).await?;
        Ok(explain(facts, &directory, day))
    }

    /// The same for the database operator at the command line (the caller audits it).
    pub async fn explain_access(
        &self,
        child: ChildId,
        day: NaiveDate,
    ) -> Result<AccessExplanation, AppError> {
        let store = self.store();
        let record = store
            .child(child)
            .await?
            .ok_or(AppError::NotFound("child"))?;
        let involvements = store.involvements_of(child).await?;
        let teams = store.teams().await?;
        let posts = store.all_posts().await?;
        let employments = store
            .employments()
            .await?
            .into_iter()
            .filter(|e| e.period.contains(day))
            .collect::<Vec<_>>();
        // Only the people who could be in the answer: in a post of a team of one of
        // the child's services.
        let mut staff: Vec<StaffMember> = Vec::new();
        for e in &employments {
            let in_a_service = posts
                .iter()
                .find(|p| p.id == e.post)
                .and_then(|p| teams.iter().find(|t| t.id == p.team))
                .is_some_and(|t| involvements.iter().any(|i| i.service == t.service));
            if in_a_service && !staff.iter().any(|s| s.id == e.staff) {
                staff.extend(store.staff_member(e.staff).await?);
            }
        }
        let facts = ExplanationFacts {
            child: record,
            involvements,
            provision: store.provision_periods().await?,
            teams,
            posts,
            employments,
            staff,
        };
        Ok(explain(facts, &self.directory().await?, day))
    }
}
