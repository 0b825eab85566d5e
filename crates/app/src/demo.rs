//! Loading the demo authority (or a generated authority of any size, for benchmarks).
//!
//! The demo's changes of provider (the 2014 contract with the trust, the 2016
//! direction with immediate effect, the 2022 return to the council) are not loaded as
//! finished rows: the authority is loaded as it stood before the first of them, and
//! each is then planned and executed through the transfer engine, exactly as a
//! director would, so every one leaves an executed plan and a reconciliation report.
//! People who start after a change are added once the change has been executed.

use std::collections::BTreeMap;

use carebridge_demo::{DemoAuthority, DemoParams};
use carebridge_domain::provision::ProvisionPeriod;
use carebridge_domain::staff::{Employment, Role};
use carebridge_domain::transfer::TransferRequest;
use carebridge_domain::{InstrumentId, OrganisationId, Period};
use carebridge_store::{BatchRecords, Seed};
use chrono::NaiveDate;

use crate::{App, AppError};

/// Children per transaction when loading: large enough to amortise each commit, small
/// enough to keep memory flat at a million children.
const CHILDREN_PER_BATCH: u32 = 5_000;

/// Who executes the demo's transfers, as recorded on the plans.
const DEMO_LOADER: &str = "demo loader (replaying the authority's history)";

/// What loading the demo did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoLoaded {
    /// The database already held an authority; nothing was written.
    Reused,
    /// A new authority was written.
    Created {
        /// Children written.
        children: u32,
        /// Staff written.
        staff: usize,
        /// The sign-in accounts, with their roles.
        accounts: Vec<(String, Role)>,
        /// Transfers replayed through the engine, each with whether its
        /// reconciliation passed.
        transfers: Vec<(String, bool)>,
    },
}

/// One change of provider in the generated history: these services went from one
/// provider to another on a day under an instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    day: NaiveDate,
    from: OrganisationId,
    to: OrganisationId,
    instrument: InstrumentId,
}

/// The generated history split into "as it stood before the first change" and the
/// changes to replay, with the employments that start in each stretch between them.
#[derive(Debug)]
struct Replay {
    provision: Vec<ProvisionPeriod>,
    changes: Vec<(Change, Vec<carebridge_domain::ServiceId>)>,
    /// Employments by the stretch they start in: 0 before the first change, k after
    /// the k-th.
    employments: Vec<Vec<Employment>>,
}

fn replay(a: &DemoAuthority) -> Result<Replay, AppError> {
    // A change is a period that follows another of the same service.
    let mut changes: BTreeMap<(NaiveDate, i64, i64, i64), Vec<carebridge_domain::ServiceId>> =
        BTreeMap::new();
    let mut provision = Vec::new();
    for p in &a.provision {
        let before = a.provision.iter().find(|q| {
            q.service == p.service
                && q.period.end().and_then(|e| e.succ_opt()) == Some(p.period.start())
        });
        match before {
            Some(q) => changes
                .entry((p.period.start(), q.provider.0, p.provider.0, p.started_by.0))
                .or_default()
                .push(p.service),
            None => {
                // Kept, open-ended if what followed it is replayed.
                let mut kept = p.clone();
                if let Some(end) = p.period.end() {
                    let followed = a.provision.iter().any(|n| {
                        n.service == p.service && Some(n.period.start()) == end.succ_opt()
                    });
                    if followed {
                        kept.period = Period::open_from(p.period.start());
                        kept.ended_by = None;
                    }
                }
                provision.push(kept);
            }
        }
    }
    let changes: Vec<(Change, Vec<_>)> = changes
        .into_iter()
        .map(|((day, from, to, instrument), services)| {
            (
                Change {
                    day,
                    from: OrganisationId(from),
                    to: OrganisationId(to),
                    instrument: InstrumentId(instrument),
                },
                services,
            )
        })
        .collect();
    let days: Vec<NaiveDate> = changes.iter().map(|(c, _)| c.day).collect();

    // Undo the generator's TUPE splits at the change days: one employment per person
    // and post across a change, which the engine splits again.
    let mut by_person_post: BTreeMap<(i64, i64), Vec<&Employment>> = BTreeMap::new();
    for e in &a.employments {
        by_person_post
            .entry((e.staff.0, e.post.0))
            .or_default()
            .push(e);
    }
    let mut merged = Vec::new();
    for (_, mut pieces) in by_person_post {
        pieces.sort_by_key(|e| e.period.start());
        let mut current: Option<Employment> = None;
        for e in pieces {
            match current.as_mut() {
                Some(c)
                    if c.period.end().and_then(|end| end.succ_opt()) == Some(e.period.start())
                        && days.contains(&e.period.start())
                        && c.continuous_since == e.continuous_since =>
                {
                    c.period = Period::new("employment", c.period.start(), e.period.end())?;
                }
                _ => {
                    merged.extend(current.take());
                    current = Some(e.clone());
                }
            }
        }
        merged.extend(current);
    }
    let mut employments = vec![Vec::new(); days.len() + 1];
    for e in merged {
        let stretch = days.iter().filter(|d| **d <= e.period.start()).count();
        if let Some(list) = employments.get_mut(stretch) {
            list.push(e);
        }
    }
    Ok(Replay {
        provision,
        changes,
        employments,
    })
}

/// The account the demo's history is recorded under: it cannot sign in (its password
/// hash is not a hash) and its role sees no child's record.
const HISTORY_ACCOUNT: &str = "history.demo";

impl App {
    /// Loads the generated authority unless the database already has one.
    ///
    /// `progress` is told how many children are loaded so far (for a progress line on a
    /// terminal when generating a large authority).
    pub async fn load_demo(
        &self,
        params: &DemoParams,
        progress: impl Fn(u32, u32),
    ) -> Result<DemoLoaded, AppError> {
        if self.store().has_authority().await? {
            return Ok(DemoLoaded::Reused);
        }
        let authority = carebridge_demo::authority(params)?;
        let history = replay(&authority)?;
        let mut stretches = history.employments.iter();
        let first = stretches.next().map(Vec::as_slice).unwrap_or_default();
        self.store()
            .load_seed(&seed(&authority, &history.provision, first))
            .await?;
        let historian = self
            .system_account(HISTORY_ACCOUNT, "Case history (demo)")
            .await?;
        let mut start = 0;
        while start < params.children {
            let end = start
                .saturating_add(CHILDREN_PER_BATCH)
                .min(params.children);
            let batch = carebridge_demo::children(params, &authority, start..end);
            let (mut events, mut notes, mut closures) = (Vec::new(), Vec::new(), Vec::new());
            for (child, work) in &batch {
                let file = carebridge_demo::casefile(params, child, work);
                events.extend(file.events);
                notes.extend(file.notes);
                closures.extend(file.closures);
            }
            let allocations = carebridge_demo::allocations(params, &authority, &batch);
            let people = carebridge_demo::people(params, &batch);
            let relatives = carebridge_demo::families(params, &batch);
            self.store()
                .load_children(
                    &batch,
                    &BatchRecords {
                        people: &people,
                        allocations: &allocations,
                        allocated_by: DEMO_LOADER,
                        recorded_at: self.clock().now(),
                        events: &events,
                        notes: &notes,
                        closures: &closures,
                        recorded_by: historian,
                        relatives: &relatives,
                    },
                )
                .await?;
            progress(end, params.children);
            start = end;
        }
        self.store().index_loaded_search_keys().await?;
        let mut transfers = Vec::new();
        for ((change, services), starters) in history.changes.iter().zip(stretches) {
            let title = authority
                .instruments
                .iter()
                .find(|i| i.id == change.instrument)
                .map_or_else(
                    || format!("Change of provider on {}", change.day),
                    |i| i.title.clone(),
                );
            let request = TransferRequest {
                title: title.clone(),
                instrument: change.instrument,
                services: services.clone(),
                from: change.from,
                to: change.to,
                effective_from: change.day,
            };
            let id = self.plan_transfer(&request, DEMO_LOADER).await?;
            let report = self.execute_transfer(id, DEMO_LOADER).await?;
            transfers.push((title, report.passed()));
            self.store().add_employments(starters).await?;
        }
        let mut accounts = Vec::new();
        for account in &authority.accounts {
            self.create_user(
                &account.username,
                &account.display_name,
                account.role,
                &account.password,
                account.staff,
            )
            .await?;
            accounts.push((account.username.clone(), account.role));
        }
        Ok(DemoLoaded::Created {
            children: params.children,
            staff: authority.staff.len(),
            accounts,
            transfers,
        })
    }
}

fn seed<'a>(
    a: &'a DemoAuthority,
    provision: &'a [ProvisionPeriod],
    employments: &'a [Employment],
) -> Seed<'a> {
    Seed {
        organisations: &a.organisations,
        services: &a.services,
        instruments: &a.instruments,
        provision,
        milestones: &a.milestones,
        inspections: &a.inspections,
        teams: &a.teams,
        posts: &a.posts,
        staff: &a.staff,
        employments,
    }
}
