//! Who may open a child's record on a day, and why: derived from provision and
//! employment on that day, never stored.
//!
//! The rule (the scope part of access; roles and restrictions come on top of it): a
//! person may open a child's record on day `t` when, on `t`, the child has work open
//! with a service, and the person is employed in a post in one of that service's
//! teams by the organisation that provides the service on `t`. So when a service moves
//! to a new provider, access moves with it on the effective date, with no change to the
//! child's record; and asking about a past day gives the answer for that day.

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
        // posts and employments (one access decision is on every request). The posts
        // are a table indexed by post id (ids are dense), not a hash map: at 2,000
        // posts hashing them was half of the decision's time.
        let service_teams: Vec<TeamId> = teams
            .iter()
            .filter(|t| t.service == work.service)
            .map(|t| t.id)
            .collect();
        let service_posts = PostTable::new(
            posts
                .iter()
                .filter(|p| service_teams.contains(&p.team))
                .map(|p| (p.id, p.team)),
        );
        let team_of = |post: PostId| service_posts.team_of(post);
        for (e, team) in employments.iter().filter_map(|e| {
            (e.employer == provided.provider && e.period.contains(day))
                .then(|| team_of(e.post).map(|t| (e, t)))
                .flatten()
        }) {
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

/// The team of each of a service's posts, looked up by post id: a table indexed by id
/// when the ids are dense enough (they are numbered from 1 as posts are created), else
/// a sorted list searched by halves.
enum PostTable {
    Dense {
        first: i64,
        teams: Vec<Option<TeamId>>,
    },
    Sorted(Vec<(PostId, TeamId)>),
}

impl PostTable {
    fn new(posts: impl Iterator<Item = (PostId, TeamId)>) -> Self {
        let mut sorted: Vec<(PostId, TeamId)> = posts.collect();
        sorted.sort_unstable();
        let (Some((first, _)), Some((last, _))) = (sorted.first(), sorted.last()) else {
            return PostTable::Sorted(sorted);
        };
        let span = usize::try_from(last.0.saturating_sub(first.0)).unwrap_or(usize::MAX);
        if span > sorted.len().saturating_mul(4).saturating_add(64) {
            return PostTable::Sorted(sorted);
        }
        let mut teams = vec![None; span.saturating_add(1)];
        for (post, team) in &sorted {
            if let Some(slot) = usize::try_from(post.0 - first.0)
                .ok()
                .and_then(|i| teams.get_mut(i))
            {
                *slot = Some(*team);
            }
        }
        PostTable::Dense {
            first: first.0,
            teams,
        }
    }

    fn team_of(&self, post: PostId) -> Option<TeamId> {
        match self {
            PostTable::Dense { first, teams } => usize::try_from(post.0.checked_sub(*first)?)
                .ok()
                .and_then(|i| teams.get(i))
                .copied()
                .flatten(),
            PostTable::Sorted(sorted) => sorted
                .binary_search_by_key(&post, |(p, _)| *p)
                .ok()
                .and_then(|i| sorted.get(i))
                .map(|(_, t)| *t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both forms of the post table answer the same as a plain search, for posts
    /// present, absent, below and above the range.
    #[test]
    fn the_post_table_finds_each_post_dense_or_sparse() {
        for ids in [
            vec![3_i64, 4, 5, 7, 9, 10],
            vec![1, 1_000_000, 5, -4, i64::MAX],
        ] {
            let posts: Vec<(PostId, TeamId)> = ids
                .iter()
                .map(|&i| (PostId(i), TeamId(i.rem_euclid(7))))
                .collect();
            let table = PostTable::new(posts.iter().rev().copied());
            let dense = matches!(table, PostTable::Dense { .. });
            assert_eq!(dense, ids[1] == 4, "{ids:?}");
            for probe in [
                -5_i64,
                -4,
                0,
                1,
                2,
                3,
                6,
                8,
                10,
                11,
                1_000_000,
                i64::MAX,
                i64::MIN,
            ] {
                let expected = posts.iter().find(|(p, _)| p.0 == probe).map(|(_, t)| *t);
                assert_eq!(table.team_of(PostId(probe)), expected, "{probe} in {ids:?}");
            }
        }
        assert_eq!(PostTable::new(std::iter::empty()).team_of(PostId(1)), None);
    }
}
