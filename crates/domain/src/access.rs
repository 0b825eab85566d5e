//! Who may open a child's record on a day, and why: derived from provision and
//! employment on that day, never stored.
//!
//! The rule (the scope part of access; roles and restrictions come on top of it): a
//! person may open a child's record on day `t` when, on `t`, the child has work open
//! with a service, and the person is employed in a post in one of that service's
//! teams by the organisation that provides the service on `t`. So when a service moves
//! to a new provider, access moves with it on the effective date, with no change to the
//! child's record; and asking about a past day gives the answer for that day.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::child::Involvement;
use crate::provision::ProvisionPeriod;
use crate::staff::{Employment, Post, Team};
use crate::{InstrumentId, InvolvementId, OrganisationId, PostId, ServiceId, StaffId, TeamId};

/// One person's right to open the record on the day, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// Who.
    pub staff: StaffId,
    /// Their employer on the day, which provides the service.
    pub employer: OrganisationId,
    /// Their post.
    pub post: PostId,
    /// The post's team.
    pub team: TeamId,
    /// The service the child has open work with.
    pub service: ServiceId,
    /// The work.
    pub involvement: InvolvementId,
    /// The instrument under which the employer provides the service.
    pub provided_under: InstrumentId,
    /// Whether the post is in the team the work is allocated to.
    pub allocated_team: bool,
}

/// Everyone who may open the record of the child whose `involvements` are given, on
/// `day`, each once per piece of open work, in staff order.
pub fn who_may_open(
    involvements: &[Involvement],
    provision: &[ProvisionPeriod],
    teams: &[Team],
    posts: &[Post],
    employments: &[Employment],
    day: NaiveDate,
) -> Vec<Grant> {
    let mut grants = Vec::new();
    for work in involvements.iter().filter(|i| i.period.contains(day)) {
        let Some(provided) = provision
            .iter()
            .find(|p| p.service == work.service && p.period.contains(day))
        else {
            continue;
        };
        // The service's posts, then one pass over the employments: linear in teams,
        // posts and employments (one access decision is on every request).
        let service_teams: Vec<TeamId> = teams
            .iter()
            .filter(|t| t.service == work.service)
            .map(|t| t.id)
            .collect();
        let service_posts: HashMap<PostId, TeamId> = posts
            .iter()
            .filter(|p| service_teams.contains(&p.team))
            .map(|p| (p.id, p.team))
            .collect();
        for e in employments.iter().filter(|e| {
            e.employer == provided.provider
                && e.period.contains(day)
                && service_posts.contains_key(&e.post)
        }) {
            let team = service_posts.get(&e.post).copied().unwrap_or(TeamId(0));
            grants.push(Grant {
                staff: e.staff,
                employer: e.employer,
                post: e.post,
                team,
                service: work.service,
                involvement: work.id,
                provided_under: provided.started_by,
                allocated_team: work.team == Some(team),
            });
        }
    }
    grants.sort_by_key(|g| (g.staff, g.involvement));
    grants
}
