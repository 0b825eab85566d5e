//! Who holds each demo case: every open, team-held involvement is allocated to a
//! practitioner (a social worker or senior practitioner) in a post of that team today,
//! from the later of the day the case started and the day the worker took up the post;
//! a closed period of care likewise, to one in a post of its team on its last day.
//!
//! The worker is chosen from the team's practitioners by the case's ids alone (no
//! random draw), so the allocations are the same however the children are chunked,
//! and generating them does not disturb any child's random stream. An allocation names
//! the person, not the employer: a worker who moved to a new employer under TUPE while
//! holding the case keeps it, with one allocation row across the change.

use std::collections::BTreeMap;

use carebridge_domain::casework::{NewAllocation, WorkerChange};
use carebridge_domain::child::{Child, Involvement, InvolvementKind};
use carebridge_domain::staff::{Employment, Role};
use carebridge_domain::{StaffId, TeamId};
use chrono::NaiveDate;

use crate::DemoAuthority;

/// The practitioners of each team today, each with the first day of their unbroken
/// time in the post (TUPE splits of one holding are joined back together).
pub(crate) struct Allocator {
    practitioners: BTreeMap<TeamId, Vec<(StaffId, NaiveDate)>>,
    /// Each practitioner post's holders, earliest first, by team.
    posts: BTreeMap<TeamId, Vec<Vec<Employment>>>,
}

impl Allocator {
    pub(crate) fn new(authority: &DemoAuthority, today: NaiveDate) -> Self {
        let mut posts: BTreeMap<TeamId, Vec<Vec<Employment>>> = BTreeMap::new();
        for post in authority
            .posts
            .iter()
            .filter(|p| matches!(p.role, Role::SocialWorker | Role::SeniorPractitioner))
        {
            let mut held: Vec<Employment> = authority
                .employments
                .iter()
                .filter(|e| e.post == post.id)
                .cloned()
                .collect();
            held.sort_by_key(|e| e.period.start());
            posts.entry(post.team).or_default().push(held);
        }
        let mut allocator = Allocator {
            practitioners: BTreeMap::new(),
            posts,
        };
        let teams: Vec<TeamId> = allocator.posts.keys().copied().collect();
        for team in teams {
            let list = allocator.practitioners_on(team, today);
            if !list.is_empty() {
                allocator.practitioners.insert(team, list);
            }
        }
        allocator
    }

    /// The practitioners of `team` on `day`, each with the first day of their unbroken
    /// time in the post, in order.
    fn practitioners_on(&self, team: TeamId, day: NaiveDate) -> Vec<(StaffId, NaiveDate)> {
        let mut list = Vec::new();
        for held in self.posts.get(&team).into_iter().flatten() {
            let Some(now) = held.iter().position(|e| e.period.contains(day)) else {
                continue;
            };
            let Some(holder) = held.get(now) else {
                continue;
            };
            let mut since = holder.period.start();
            for earlier in held.get(..now).unwrap_or_default().iter().rev() {
                let joins = earlier.staff == holder.staff
                    && earlier.period.end().and_then(|e| e.succ_opt()) == Some(since);
                if !joins {
                    break;
                }
                since = earlier.period.start();
            }
            list.push((holder.staff, since));
        }
        list.sort();
        list
    }

    /// The allocations of the open, team-held cases of `children`, and of their closed
    /// periods of care (each held to its last day by a practitioner in a post of its
    /// team then; the loader ends it with the case, as closing a case does).
    pub(crate) fn allocate(&self, children: &[(Child, Vec<Involvement>)]) -> Vec<NewAllocation> {
        let mut out = Vec::new();
        for (child, work) in children {
            for case in work.iter() {
                let Some(team) = case.team else { continue };
                let past;
                let list = match case.period.end() {
                    None => self.practitioners.get(&team),
                    Some(last) if case.kind == InvolvementKind::LookedAfter => {
                        past = self.practitioners_on(team, last);
                        Some(&past)
                    }
                    Some(_) => None,
                };
                let Some(list) = list.filter(|l| !l.is_empty()) else {
                    continue;
                };
                let pick = child.id.0.unsigned_abs().wrapping_mul(2_654_435_761)
                    ^ case.id.0.unsigned_abs();
                let index = usize::try_from(pick % list.len() as u64).unwrap_or(0);
                let Some(&(staff, since)) = list.get(index) else {
                    continue;
                };
                let starts_on = case.period.start().max(since);
                let opened = starts_on == case.period.start();
                out.push(NewAllocation {
                    involvement: case.id,
                    staff,
                    team,
                    starts_on,
                    reason: if opened {
                        "Allocated when the case was opened".to_owned()
                    } else {
                        "Allocated to a new worker in the team when the post was filled".to_owned()
                    },
                    change: Some(if opened {
                        WorkerChange::FirstContact
                    } else {
                        WorkerChange::LeftRole
                    }),
                });
            }
        }
        out
    }
}
