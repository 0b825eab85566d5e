//! Demo data for Carebridge: a fictional authority, Northmoor, with its providers,
//! services, the instruments that moved them, its workforce over time, and as many
//! children with histories as asked for.
//!
//! The story is the public Doncaster timeline told in `docs/DOMAIN.md` (a children's
//! trust from 2014, a direction with immediate effect in 2016, a return to the council
//! in 2022), with fictional local names. Every person is synthetic.
//!
//! Everything is a pure function of [`DemoParams`]: the same parameters give the same
//! data, byte for byte, on any machine. Nothing here reads a clock ("today" is a
//! parameter), touches a file or a database, or panics.
//!
//! Ids are assigned here, starting at 1 and dense per type, and the store inserts them
//! as given. The one exception is involvement ids: child `i` (0-based) owns ids
//! `i * 64 + 1 ..= i * 64 + 64`, so that any range of children can be generated on
//! its own; they are unique but not dense.

mod casefile_history;
mod casework;
mod child_histories;
mod days;
mod family;
mod names;
mod people;
mod story;
mod workforce;

use std::ops::Range;

use carebridge_domain::child::{Child, Involvement};
use carebridge_domain::inspection::{Inspection, Milestone};
use carebridge_domain::instrument::Instrument;
use carebridge_domain::organisation::Organisation;
use carebridge_domain::person::PersonDetails;
use carebridge_domain::provision::ProvisionPeriod;
use carebridge_domain::service::Service;
use carebridge_domain::staff::{Employment, Post, Role, StaffMember, Team};
use carebridge_domain::{DomainError, OrganisationId, StaffId};
use chrono::NaiveDate;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use casefile_history::Casefile;

/// The demo authority's LA number: fictional (no authority has 990), as in its
/// children's UPNs.
pub const LA_NUMBER: &str = "990";
pub use workforce::STANDARD_POSTS;

/// The password of every demo account. Demo data only: never use it for real people.
pub const DEMO_PASSWORD: &str = "demo-password-1";

/// The most involvements one demo child has; also the size of each child's block of
/// involvement ids.
pub const MAX_INVOLVEMENTS_PER_CHILD: usize = 64;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DemoParams {
    /// How many children.
    pub children: u32,
    /// How many years of children's history, up to today (the authority's own story
    /// runs 2010 to 2024 whatever this is; histories never start before 1 April 2010).
    pub years: u32,
    /// The seed: the same seed gives the same data.
    pub seed: u64,
    /// The day the demo is "as at": nothing happens after it.
    pub today: NaiveDate,
    /// How many posts the workforce has: [`STANDARD_POSTS`] (about 400, a metropolitan
    /// borough's children's services) or more, the extra ones frontline posts shared
    /// among the teams in proportion (at least the standard; fewer is refused).
    pub posts: u32,
}

impl DemoParams {
    /// The usual demo: 3,000 children, 12 years of history, seed 2014, the standard
    /// workforce.
    pub fn standard(today: NaiveDate) -> Self {
        DemoParams {
            children: 3000,
            years: 12,
            seed: 2014,
            today,
            posts: STANDARD_POSTS,
        }
    }

    /// The first day a child's involvement may start: `years` before today, but not
    /// before the authority's story begins on 1 April 2010 (so every involvement has a
    /// provider).
    pub fn history_starts(&self) -> NaiveDate {
        child_histories::window_start(self)
    }
}

/// A sign-in for the demo, printed by the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// The sign-in name, e.g. `sw.demo`.
    pub username: String,
    /// The name shown once signed in.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// The member of staff it belongs to, who holds a post with this role today
    /// (None for the system administrator, who is not a practitioner).
    pub staff: Option<StaffId>,
    /// Its password: [`DEMO_PASSWORD`].
    pub password: String,
}

/// The demo authority: everything except the children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAuthority {
    /// The council, the trust, the DfE and Ofsted.
    pub organisations: Vec<Organisation>,
    /// The council (the local authority).
    pub authority: OrganisationId,
    /// The council's services.
    pub services: Vec<Service>,
    /// The instruments that changed provision, and the improvement notice.
    pub instruments: Vec<Instrument>,
    /// Who provided which service when: every service has exactly one provider on each
    /// day from 1 April 2010 to today.
    pub provision: Vec<ProvisionPeriod>,
    /// Dated events of the story that are not instruments.
    pub milestones: Vec<Milestone>,
    /// Ofsted's inspections.
    pub inspections: Vec<Inspection>,
    /// Teams, each in one service.
    pub teams: Vec<Team>,
    /// Posts, each in one team.
    pub posts: Vec<Post>,
    /// Everyone who has held a post since 2010.
    pub staff: Vec<StaffMember>,
    /// Who employed whom in which post when: always the provider of the post's service.
    pub employments: Vec<Employment>,
    /// The demo sign-ins.
    pub accounts: Vec<DemoAccount>,
}

/// Generates the demo authority as it stands on `params.today`.
///
/// Depends only on `seed`, `today` and `posts` (not on `children` or `years`); the
/// standard `posts` gives the same workforce as before the size could be chosen.
/// Events of the story after `today` are left out; a `today` before 1 April 2010, when
/// the story begins, is refused, as is a workforce smaller than [`STANDARD_POSTS`].
pub fn authority(params: &DemoParams) -> Result<DemoAuthority, DomainError> {
    let story = story::build(params.today)?;
    // Children use streams 0..=u32::MAX of this seed; the workforce has its own.
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(u64::MAX);
    let workforce = workforce::build(&story, &mut rng, params.today, params.posts)?;

    let mut accounts: Vec<DemoAccount> = workforce::LINKED_ACCOUNTS
        .iter()
        .zip(&workforce.account_holders)
        .map(|((username, _, _), (staff, role))| DemoAccount {
            username: (*username).to_owned(),
            display_name: workforce
                .staff
                .iter()
                .find(|s| s.id == *staff)
                .map_or_else(|| role.label().to_owned(), StaffMember::full_name),
            role: *role,
            staff: Some(*staff),
            password: DEMO_PASSWORD.to_owned(),
        })
        .collect();
    accounts.push(DemoAccount {
        username: "admin.demo".to_owned(),
        display_name: "Demo system administrator".to_owned(),
        role: Role::SystemAdministrator,
        staff: None,
        password: DEMO_PASSWORD.to_owned(),
    });

    Ok(DemoAuthority {
        provision: story.provision(),
        organisations: story.organisations,
        authority: story::COUNCIL,
        services: story.services,
        instruments: story.instruments,
        milestones: story.milestones,
        inspections: story.inspections,
        teams: workforce.teams,
        posts: workforce.posts,
        staff: workforce.staff,
        employments: workforce.employments,
        accounts,
    })
}

/// The allocations of the open cases of `children` (generated by [`children`] for the
/// same parameters and authority): each open case held by a team is allocated to a
/// practitioner in a post of that team today. Depends only on the authority, today and
/// the cases given, so any chunk of children can be allocated on its own.
pub fn allocations(
    params: &DemoParams,
    authority: &DemoAuthority,
    children: &[(Child, Vec<Involvement>)],
) -> Vec<carebridge_domain::casework::NewAllocation> {
    casework::Allocator::new(authority, params.today).allocate(children)
}

/// Children with index in `range` (0-based; the range is cut at `params.children`),
/// each generated from its own random stream of (`params.seed`, index), so any chunk can
/// be generated independently and the whole set is the same however it is chunked.
///
/// Child ids are index + 1. Child `i`'s involvements have ids from `i * 64 + 1`, in date
/// order, at most [`MAX_INVOLVEMENTS_PER_CHILD`] of them, so ids are unique across all
/// chunks. Every involvement lies within [`DemoParams::history_starts`] to today and is
/// open (no end) if it is still going on today.
pub fn children(
    params: &DemoParams,
    authority: &DemoAuthority,
    range: Range<u32>,
) -> Vec<(Child, Vec<Involvement>)> {
    child_histories::generate(params, authority, range)
}

/// What the practitioners recorded on a generated child's work (events, visits and
/// notes, ids left to the database, and why closed work was closed), from its own
/// stream of (`params.seed`, child id): the same whichever chunk the child was
/// generated in.
pub fn casefile(params: &DemoParams, child: &Child, work: &[Involvement]) -> Casefile {
    casefile_history::casefile(params.seed, params.today, child, work)
}

/// The families of `children` (mother, usually a father, now and then a grandparent or
/// special guardian), from each child's own stream.
pub fn families(
    params: &DemoParams,
    children: &[(Child, Vec<Involvement>)],
) -> Vec<carebridge_domain::relationships::RelativeRecord> {
    children
        .iter()
        .flat_map(|(child, _)| {
            let index = u32::try_from(child.id.0.saturating_sub(1)).unwrap_or(0);
            family::family(params, index, child)
        })
        .collect()
}

/// The person's details of each of `children` (as [`children`] made them: the child
/// with id `n` is the child at index `n - 1`), in the same order. Each child's details
/// come from their own stream, so they too are the same however the set is chunked.
/// NHS numbers are only in the never-issued 999 range and postcodes in the fictional
/// NM area.
pub fn people(params: &DemoParams, children: &[(Child, Vec<Involvement>)]) -> Vec<PersonDetails> {
    children
        .iter()
        .map(|(child, _)| {
            let index = u32::try_from(child.id.0.saturating_sub(1)).unwrap_or(0);
            people::details(params, index, child)
        })
        .collect()
}
