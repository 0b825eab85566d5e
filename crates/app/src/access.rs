//! "Who could open this child's record on this day, and why?" — answered from
//! provision and employment on the day (the rule is in `carebridge_domain::access`).

use carebridge_domain::access::who_may_open;
use carebridge_domain::child::Child;
use carebridge_domain::staff::{Post, StaffMember};
use carebridge_domain::ChildId;
use chrono::NaiveDate;

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

impl App {
    /// Who could open `child`'s record on `day`, and the reason for each.
    pub async fn explain_access(
        &self,
        child: ChildId,
        day: NaiveDate,
    ) -> Result<AccessExplanation, AppError> {
        let record = self
            .store()
            .child(child)
            .await?
            .ok_or(AppError::NotFound("child"))?;
        let involvements = self.store().involvements_of(child).await?;
        let provision = self.store().provision_periods().await?;
        let teams = self.store().teams().await?;
        let posts = self.store().all_posts().await?;
        let employments = self.store().employments().await?;
        let directory = self.directory().await?;
        let grants = who_may_open(&involvements, &provision, &teams, &posts, &employments, day);
        let mut lines = Vec::with_capacity(grants.len());
        for g in grants {
            let (Some(staff), Some(post)) = (
                self.store().staff_member(g.staff).await?,
                posts.iter().find(|p| p.id == g.post),
            ) else {
                continue;
            };
            let team = teams
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
                staff,
                post: post.clone(),
                reason,
            });
        }
        Ok(AccessExplanation {
            child: record,
            day,
            lines,
        })
    }
}
