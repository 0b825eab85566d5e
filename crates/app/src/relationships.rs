//! A child's family and significant people: the form's choices and adding one to the
//! record, through the policy ([`ChildAction::Record`]) and audited in the same
//! transaction. The record page reads them with the record (`OpenedRecord::family`).

use carebridge_domain::casefile::Problems;
use carebridge_domain::relationships::{
    check_ending, check_relationship, Other, RelatedPersonOption, Relationship, RelationshipInput,
};
use carebridge_domain::{ChildId, RelationshipId};
use carebridge_policy::ChildAction;
use chrono::NaiveDate;

use crate::accounts::Actor;
use crate::casefile::checked;
use crate::records::{finish, Checked, RequestMeta};
use crate::{App, AppError};

/// What the relationship form needs.
#[derive(Debug, Clone)]
pub struct RelationshipForm {
    /// The child's name.
    pub name: String,
    /// People already recorded for the family, to choose instead of typing again.
    pub known: Vec<RelatedPersonOption>,
}

impl App {
    /// Opens the form to add a family member or significant person: the policy must
    /// allow recording on the child (audited as opening a form).
    pub async fn relationship_form(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
    ) -> Result<RelationshipForm, AppError> {
        let Checked {
            mut tx,
            access,
            mut entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::Record, child)
            .await?;
        let known = tx.family_people(&access).await?;
        let name = tx
            .recorded_child_name(&access)
            .await?
            .unwrap_or_else(|| format!("Child {child}"));
        entry.action = "open-form".to_owned();
        finish(tx, &entry).await?;
        Ok(RelationshipForm { name, known })
    }

    /// Adds a relationship to the child's record (and the related person, when new).
    /// Invalid input writes nothing; another child's record must exist and not be
    /// restricted from the person (a restricted record answers as if it did not exist).
    pub async fn add_relationship(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        input: RelationshipInput,
        reading: Problems,
    ) -> Result<RelationshipId, AppError> {
        let Checked {
            mut tx,
            access,
            at,
            mut entry,
            ..
        } = self.begin_recording(actor, meta, child).await?;
        let known: Vec<_> = tx
            .family_people(&access)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        let relationship = checked(
            check_relationship(child, input, &known, at.date_naive()),
            &reading,
        )?;
        if let Other::Child(other) = relationship.other {
            if !tx.child_open_to(other, actor.user).await? {
                let mut problems = Problems::new();
                problems.add("other_child", "No child's record has that Carebridge ID");
                return Err(problems.into());
            }
        }
        let id = tx
            .add_relationship(&access, &relationship, actor.user, at)
            .await?;
        entry.action = "add-relationship".to_owned();
        entry.reason = format!("{} ({id}); {}", relationship.kind.label(), entry.reason);
        finish(tx, &entry).await?;
        Ok(id)
    }

    /// Opens the form to record that a relationship ended: the policy must allow
    /// recording on the child, and the relationship must be one of the child's that the
    /// person may see (audited as opening a form). Returns the child's name and the
    /// relationship.
    pub async fn ending_form(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        relationship: RelationshipId,
    ) -> Result<(String, Relationship), AppError> {
        let Checked {
            mut tx,
            access,
            mut entry,
            ..
        } = self
            .begin_checked(actor, meta, ChildAction::Record, child)
            .await?;
        let found = one_of_the_childs(&mut tx, &access, actor, relationship).await?;
        let name = tx
            .recorded_child_name(&access)
            .await?
            .unwrap_or_else(|| format!("Child {child}"));
        entry.action = "open-form".to_owned();
        finish(tx, &entry).await?;
        Ok((name, found))
    }

    /// Records the last day of one of the child's relationships (and so of any parental
    /// responsibility recorded with it). A missing, future or too-early date, or a
    /// relationship already ended, writes nothing.
    pub async fn end_relationship(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        child: ChildId,
        relationship: RelationshipId,
        ended: Option<NaiveDate>,
        reading: Problems,
    ) -> Result<(), AppError> {
        let Checked {
            mut tx,
            access,
            at,
            mut entry,
            ..
        } = self.begin_recording(actor, meta, child).await?;
        let found = one_of_the_childs(&mut tx, &access, actor, relationship).await?;
        let day = checked(check_ending(&found, ended, at.date_naive()), &reading)?;
        tx.end_relationship(&access, relationship, day).await?;
        entry.action = "end-relationship".to_owned();
        entry.reason = format!(
            "{} ({relationship}) ended {day}; {}",
            found.label, entry.reason
        );
        finish(tx, &entry).await?;
        Ok(())
    }
}

/// One of the child's relationships that the person may see (through the same read as
/// the record's family list); not found otherwise.
async fn one_of_the_childs(
    tx: &mut carebridge_store::RecordTx,
    access: &carebridge_policy::ChildAccess,
    actor: &Actor,
    relationship: RelationshipId,
) -> Result<Relationship, AppError> {
    tx.relationships(access, actor.user)
        .await?
        .into_iter()
        .find(|r| r.id == relationship)
        .ok_or(AppError::NotFound("relationship"))
}
