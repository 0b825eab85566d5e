//! Who holds each demo case today: every open, team-held involvement is allocated to a
//! practitioner (a social worker or senior practitioner) in a post of that team today,
//! from the later of the day the case started and the day the worker took up the post.
//!
//! The worker is chosen from the team's practitioners by the case's ids alone (no
//! random draw), so the allocations are the same however the children are chunked,
//! and generating them does not disturb any child's random stream. An allocation names
//! the person, not the employer: a worker who moved to a new employer under TUPE while
//! holding the case keeps it, with one allocation row across the change.

use std::collections::BTreeMap;

use carebridge_domain::casework::NewAllocation;
use carebridge_domain::child::{Child, Involvement};
use carebridge_domain::staff::Role;
use carebridge_domain::{StaffId, TeamId};
use chrono::NaiveDate;

use crate::DemoAuthority;

/// The practitioners of each team today, each with the first day of their unbroken
/// time in the post (TUPE splits of one holding are joined back together).
pub(crate) struct Allocator {
    practitioners: BTreeMap<TeamId, Vec<(StaffId, NaiveDate)>>,
}

impl Allocator {
    pub(crate) fn new(authority: &DemoAuthority, today: NaiveDate) -> Self {
        let mut practitioners: BTreeMap<TeamId, Vec<(StaffId, NaiveDate)>> = BTreeMap::new();
        for post in authority
            .posts
            .iter()
            .filter(|p| matches!(p.role, Role::SocialWorker | Role::SeniorPractitioner))
        {
            let mut held: Vec<_> = authority
                .employments
                .iter()
                .filter(|e| e.post == post.id)
                .collect();
            held.sort_by_key(|e| e.period.start());
            let Some(now) = held.iter().position(|e| e.period.contains(today)) else {
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
            practitioners
                .entry(post.team)
                .or_default()
                .push((holder.staff, since));
        }
        for list in practitioners.values_mut() {
            list.sort();
        }
        Allocator { practitioners }
    }

    /// The allocations of the open, team-held cases of `children`.
    pub(crate) fn allocate(&self, children: &[(Child, Vec<Involvement>)]) -> Vec<NewAllocation> {
        let mut out = Vec::new();
        for (child, work) in children {
            for case in work.iter().filter(|w| w.period.end().is_none()) {
                let Some(team) = case.team else { continue };
                let Some(list) = self.practitioners.get(&team).filter(|l| !l.is_empty()) else {
                    continue;
                };
                let pick = child.id.0.unsigned_abs().wrapping_mul(2_654_435_761)
                    ^ case.id.0.unsigned_abs();
                let index = usize::try_from(pick % list.len() as u64).unwrap_or(0);
                let Some(&(staff, since)) = list.get(index) else {
                    continue;
                };
                let starts_on = case.period.start().max(since);
                out.push(NewAllocation {
                    involvement: case.id,
                    staff,
                    team,
                    starts_on,
                    reason: if starts_on == case.period.start() {
                        "Allocated when the case was opened".to_owned()
                    } else {
                        "Allocated to a new worker in the team when the post was filled".to_owned()
                    },
                });
            }
        }
        out
    }
}
