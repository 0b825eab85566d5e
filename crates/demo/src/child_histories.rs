//! Demo children and their histories with the authority's services.
//!
//! Each child is generated from its own random stream, numbered by its index, so any
//! range of children can be generated on its own (in parallel, in chunks, or one page of
//! a million) and the whole set is the same however it is cut.
//!
//! A history follows the paths children take through English children's services:
//! most start with an early help episode or a referral; a referral's assessment may
//! end with no further action, a step down to early help, a child in need plan, a child
//! protection plan (sometimes while the child in need plan goes on) or care. Children
//! looked after of school age are known to the virtual school; those looked after at 16
//! or over are supported as care leavers from 18. Some disabled children are known to
//! the disabled children's service for years. Episodes still running today are open.
//!
//! Every date lies within the history window: from `years` before today (but not before
//! the authority's story begins, so every involvement has a provider) to today.

use std::ops::Range;

use carebridge_domain::child::{Child, Involvement, InvolvementKind, Sex};
use carebridge_domain::{ChildId, InvolvementId, Period, ServiceId, TeamId};
use chrono::NaiveDate;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::days::{between, chance, date_of, day, years_after, years_before};
use crate::names::{person_name, GivenNames};
use crate::story::{self, CSC, DCS, EH, STORY_BEGINS, VS};
use crate::workforce::teams_taking;
use crate::{DemoAuthority, DemoParams, MAX_INVOLVEMENTS_PER_CHILD};

/// What every child's generation shares: the window, and where each kind of work goes.
struct Setting {
    today: i32,
    window_start: i32,
    /// The earliest date of birth (a child who is 21 today, a day short of 22).
    oldest_birth: i32,
    /// Per kind (in `InvolvementKind::ALL` order): the service that does the work.
    services: [Option<ServiceId>; 8],
    /// Per kind: the teams of that service that hold such work.
    teams: [Vec<TeamId>; 8],
    /// The seeded generator every child's stream is cut from.
    base: ChaCha8Rng,
}

fn kind_index(kind: InvolvementKind) -> usize {
    InvolvementKind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(0)
}

/// The code of the service that does each kind of work.
fn service_code(kind: InvolvementKind) -> &'static str {
    match kind {
        InvolvementKind::EarlyHelp => EH,
        InvolvementKind::DisabledChildren => DCS,
        InvolvementKind::VirtualSchool => VS,
        InvolvementKind::Referral
        | InvolvementKind::ChildInNeed
        | InvolvementKind::ChildProtection
        | InvolvementKind::LookedAfter
        | InvolvementKind::CareLeaver => CSC,
    }
}

impl Setting {
    fn new(params: &DemoParams, authority: &DemoAuthority) -> Self {
        let today = day(params.today);
        let window_start = day(window_start(params));
        let oldest_birth = day(years_before(params.today, 22)) + 1;
        let mut services = [None; 8];
        let mut teams: [Vec<TeamId>; 8] = Default::default();
        for (i, kind) in InvolvementKind::ALL.into_iter().enumerate() {
            let code = service_code(kind);
            let service = authority
                .services
                .iter()
                .find(|s| s.code.as_str() == code)
                .map(|s| s.id)
                .or_else(|| story::service_id(code));
            if let (Some(slot), Some(team_slot)) = (services.get_mut(i), teams.get_mut(i)) {
                *slot = service;
                *team_slot = teams_taking(kind, &authority.teams)
                    .into_iter()
                    .filter(|(_, s)| Some(*s) == service)
                    .map(|(t, _)| t)
                    .collect();
            }
        }
        Setting {
            today,
            window_start,
            oldest_birth,
            services,
            teams,
            base: ChaCha8Rng::seed_from_u64(params.seed),
        }
    }

    /// The child at `index`, with their involvements.
    fn child(&self, index: u32) -> (Child, Vec<Involvement>) {
        let mut rng = self.base.clone();
        rng.set_stream(u64::from(index));
        let child_id = ChildId(i64::from(index) + 1);

        let birth = between(&mut rng, self.oldest_birth, self.today);
        let sex = match rng.gen_range(0..1000) {
            0..=3 => Sex::NotKnown,
            4..=510 => Sex::Male,
            _ => Sex::Female,
        };
        let (given, family) = person_name(
            &mut rng,
            match sex {
                Sex::Male => GivenNames::Boys,
                Sex::Female => GivenNames::Girls,
                Sex::NotKnown => GivenNames::Any,
            },
        );
        if is_unborn(index) {
            return self.unborn(index, child_id, family, &mut rng);
        }
        let born = date_of(birth);
        let child = Child {
            id: child_id,
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            sex,
            date_of_birth: born,
        };

        let area: usize = rng.gen_range(0..12);
        let mut life = Life {
            rng: &mut rng,
            today: self.today,
            born: birth,
            at5: day(years_after(born, 5)),
            at16: day(years_after(born, 16)),
            at18: day(years_after(born, 18)),
            at21: day(years_after(born, 21)),
            at25: day(years_after(born, 25)),
            episodes: Vec::with_capacity(6),
            looked_after: Vec::new(),
        };
        life.live(self.window_start);
        let Life { episodes, rng, .. } = life;

        let involvements = self.involvements(index, child_id, area, episodes, rng);
        (child, involvements)
    }

    /// An unborn child (see [`is_unborn`]): registered under "Unborn" and the family
    /// name, sex not known, due within the next 20 weeks, with a pre-birth referral
    /// that led to a child in need or child protection plan still open today.
    fn unborn(
        &self,
        index: u32,
        child_id: ChildId,
        family: &str,
        rng: &mut ChaCha8Rng,
    ) -> (Child, Vec<Involvement>) {
        let due = self.today + rng.gen_range(14..140);
        let child = Child {
            id: child_id,
            given_name: "Unborn".to_owned(),
            family_name: family.to_owned(),
            sex: Sex::NotKnown,
            date_of_birth: date_of(due),
        };
        let referred = (self.today - rng.gen_range(20..120)).max(self.window_start);
        let decided = (referred + rng.gen_range(1..10)).min(self.today);
        let plan = if chance(rng, 45) {
            InvolvementKind::ChildProtection
        } else {
            InvolvementKind::ChildInNeed
        };
        let episodes = vec![
            Episode {
                kind: InvolvementKind::Referral,
                start: referred,
                end: Some(decided),
            },
            Episode {
                kind: plan,
                start: decided,
                end: None,
            },
        ];
        let area: usize = rng.gen_range(0..12);
        let involvements = self.involvements(index, child_id, area, episodes, rng);
        (child, involvements)
    }

    /// The child's episodes as involvements, each with its service and (mostly) a team.
    fn involvements(
        &self,
        index: u32,
        child_id: ChildId,
        area: usize,
        mut episodes: Vec<Episode>,
        rng: &mut ChaCha8Rng,
    ) -> Vec<Involvement> {
        episodes.sort_by_key(|e| (e.start, kind_index(e.kind)));
        episodes.truncate(MAX_INVOLVEMENTS_PER_CHILD);
        let base_id = i64::from(index) * MAX_INVOLVEMENTS_PER_CHILD as i64;
        episodes
            .iter()
            .enumerate()
            .filter_map(|(k, e)| {
                let i = kind_index(e.kind);
                let service = self.services.get(i).copied().flatten()?;
                let teams = self.teams.get(i).map_or(&[][..], |t| &t[..]);
                // A few open referrals wait for allocation.
                let unallocated =
                    e.kind == InvolvementKind::Referral && e.end.is_none() && chance(rng, 10);
                let team = if unallocated || teams.is_empty() {
                    None
                } else {
                    teams.get((area + i) % teams.len()).copied()
                };
                let period =
                    Period::new("involvement", date_of(e.start), e.end.map(date_of)).ok()?;
                Some(Involvement {
                    id: InvolvementId(base_id + k as i64 + 1),
                    child: child_id,
                    service,
                    team,
                    kind: e.kind,
                    period,
                })
            })
            .collect()
    }
}

/// An episode before it becomes an involvement: days, `end` None while open today.
#[derive(Debug, Clone, Copy)]
struct Episode {
    kind: InvolvementKind,
    start: i32,
    end: Option<i32>,
}

/// Where a child's story goes next.
#[derive(Debug, Clone, Copy)]
enum Step {
    EarlyHelp(i32),
    Referral(i32),
    ChildInNeed(i32),
    ChildProtection(i32),
    LookedAfter(i32),
    /// Closed on the day given; the family may come back later.
    Closed(i32),
    /// Nothing more happens (or what happens is still going on today).
    Stop,
}

/// One child's story as it is generated.
struct Life<'r> {
    rng: &'r mut ChaCha8Rng,
    today: i32,
    born: i32,
    at5: i32,
    at16: i32,
    at18: i32,
    at21: i32,
    at25: i32,
    episodes: Vec<Episode>,
    /// Care episodes: first day, last day (None while looked after today).
    looked_after: Vec<(i32, Option<i32>)>,
}

impl Life<'_> {
    /// Records an episode of `kind` from `start` lasting `days`, ended at the latest on
    /// the day before the 18th birthday. Returns its last day if it has ended by today;
    /// None if it is still open, or if it would start after today or at 18.
    fn episode(&mut self, kind: InvolvementKind, start: i32, days: i32) -> Option<i32> {
        let last_allowed = self.at18 - 1;
        if start > self.today || start > last_allowed {
            return None;
        }
        let end = start.saturating_add(days.max(1) - 1).min(last_allowed);
        let end = (end <= self.today).then_some(end);
        self.episodes.push(Episode { kind, start, end });
        end
    }

    fn live(&mut self, window_start: i32) {
        let first_day = window_start.max(self.born);
        let last_day = self.today.min(self.at18 - 1);
        if first_day <= last_day {
            // Some children are only known to the disabled children's service.
            let disabled = chance(self.rng, 7);
            if !(disabled && chance(self.rng, 40)) {
                let start = between(self.rng, first_day, last_day);
                let mut step = self.entry(start);
                for _ in 0..24 {
                    if self.episodes.len() >= MAX_INVOLVEMENTS_PER_CHILD - 4 {
                        break;
                    }
                    step = self.next(step);
                    if let Step::Stop = step {
                        break;
                    }
                }
            }
            if disabled {
                self.disabled_children(first_day);
            }
        }
        self.after_care();
    }

    fn entry(&mut self, on: i32) -> Step {
        if chance(self.rng, 42) {
            Step::EarlyHelp(on)
        } else {
            Step::Referral(on)
        }
    }

    fn next(&mut self, step: Step) -> Step {
        let rng_days = |rng: &mut ChaCha8Rng, low, high| between(rng, low, high);
        match step {
            Step::EarlyHelp(start) => {
                let days = rng_days(self.rng, 42, 400);
                let Some(end) = self.episode(InvolvementKind::EarlyHelp, start, days) else {
                    return Step::Stop;
                };
                if chance(self.rng, 20) {
                    Step::Referral(end + 1)
                } else {
                    Step::Closed(end)
                }
            }
            Step::Referral(start) => {
                let days = rng_days(self.rng, 1, 60);
                let Some(end) = self.episode(InvolvementKind::Referral, start, days) else {
                    return Step::Stop;
                };
                match self.rng.gen_range(0..100) {
                    0..=9 => Step::EarlyHelp(end + 1),
                    10..=39 => Step::Closed(end),
                    40..=73 => Step::ChildInNeed(end + 1),
                    // The strategy discussion follows the assessment at once (the
                    // day drawn is kept so the rest of the story stays as it was).
                    74..=89 => {
                        let _ = rng_days(self.rng, 1, 15);
                        Step::ChildProtection(end + 1)
                    }
                    _ => Step::LookedAfter(end + 1),
                }
            }
            Step::ChildInNeed(start) => {
                let days = rng_days(self.rng, 60, 540);
                if chance(self.rng, 18) {
                    // Concerns grow: a child protection plan starts during the plan; the
                    // child in need plan sometimes goes on alongside it.
                    let protection_from = start + rng_days(self.rng, 30, days.max(31) - 1);
                    // Now and then (a data error the CIN census flags) the child in
                    // need plan is left open beside the protection plan.
                    let alongside = chance(self.rng, 50) && self.born % 8 == 0;
                    let cin_days = if alongside {
                        days
                    } else {
                        protection_from - start
                    };
                    self.episode(InvolvementKind::ChildInNeed, start, cin_days);
                    return Step::ChildProtection(protection_from);
                }
                let Some(end) = self.episode(InvolvementKind::ChildInNeed, start, days) else {
                    return Step::Stop;
                };
                if chance(self.rng, 8) {
                    Step::LookedAfter(end + 1)
                } else {
                    Step::Closed(end)
                }
            }
            Step::ChildProtection(start) => {
                let days = rng_days(self.rng, 90, 700);
                let Some(end) = self.episode(InvolvementKind::ChildProtection, start, days) else {
                    return Step::Stop;
                };
                match self.rng.gen_range(0..100) {
                    0..=44 => Step::ChildInNeed(end + 1),
                    45..=57 => Step::LookedAfter(end + 1),
                    _ => Step::Closed(end),
                }
            }
            Step::LookedAfter(start) => {
                let days = match self.rng.gen_range(0..100) {
                    0..=29 => rng_days(self.rng, 14, 180),
                    30..=69 => rng_days(self.rng, 181, 1400),
                    _ => rng_days(self.rng, 1401, 7000),
                };
                let ended = self.episode(InvolvementKind::LookedAfter, start, days);
                if start <= self.today && start < self.at18 {
                    self.looked_after.push((start, ended));
                }
                match ended {
                    None => Step::Stop,
                    Some(end) if end >= self.at18 - 1 => Step::Stop,
                    // Home, with support as a child in need.
                    Some(end) if chance(self.rng, 45) => Step::ChildInNeed(end + 1),
                    Some(end) => Step::Closed(end),
                }
            }
            Step::Closed(end) => {
                if chance(self.rng, 30) {
                    let again = end + rng_days(self.rng, 90, 1800);
                    self.entry(again)
                } else {
                    Step::Stop
                }
            }
            Step::Stop => Step::Stop,
        }
    }

    /// A disabled child known to the service from when the disability is identified, often
    /// until they move to adult services at 18.
    fn disabled_children(&mut self, first_day: i32) {
        let identified = if chance(self.rng, 60) {
            self.born + between(self.rng, 0, 3 * 365)
        } else {
            self.born + between(self.rng, 3 * 365, 13 * 365)
        };
        let start = identified.max(first_day);
        let days = if chance(self.rng, 55) {
            i32::MAX / 2
        } else {
            between(self.rng, 365, 2200)
        };
        self.episode(InvolvementKind::DisabledChildren, start, days);
    }

    /// The virtual school while a child in care is of school age; care leaver support
    /// from 18 for those looked after at 16 or over.
    fn after_care(&mut self) {
        let mut leaver = false;
        for (start, end) in std::mem::take(&mut self.looked_after) {
            let school_from = start.max(self.at5);
            let school_to = end.unwrap_or(i32::MAX).min(self.at16 - 1);
            if school_from <= school_to && school_from <= self.today {
                let end = (school_to <= self.today).then_some(school_to);
                self.episodes.push(Episode {
                    kind: InvolvementKind::VirtualSchool,
                    start: school_from,
                    end,
                });
            }
            leaver |= end.unwrap_or(self.today) >= self.at16;
        }
        if leaver && self.at18 <= self.today {
            let until = if chance(self.rng, 25) {
                self.at25
            } else {
                self.at21
            } - 1;
            self.episodes.push(Episode {
                kind: InvolvementKind::CareLeaver,
                start: self.at18,
                end: (until <= self.today).then_some(until),
            });
        }
    }
}

/// Whether the child at `index` is not yet born: about one in 300, by index, so the
/// rest of the authority is the same whichever children are unborn.
pub(crate) fn is_unborn(index: u32) -> bool {
    index % 307 == 150
}

/// The children with index in `range`: see [`crate::children`].
pub(crate) fn generate(
    params: &DemoParams,
    authority: &DemoAuthority,
    range: Range<u32>,
) -> Vec<(Child, Vec<Involvement>)> {
    let end = range.end.min(params.children);
    let start = range.start.min(end);
    let setting = Setting::new(params, authority);
    (start..end).map(|index| setting.child(index)).collect()
}

/// The first day any involvement may have: `years` before today, but not before the
/// authority's story begins.
pub(crate) fn window_start(params: &DemoParams) -> NaiveDate {
    years_before(params.today, params.years)
        .max(STORY_BEGINS)
        .min(params.today)
}
