//! Loading the demo authority (or a generated authority of any size, for benchmarks).

use carebridge_demo::{DemoAuthority, DemoParams};
use carebridge_domain::staff::Role;
use carebridge_store::Seed;

use crate::{App, AppError};

/// Children per transaction when loading: large enough to amortise each commit, small
/// enough to keep memory flat at a million children.
const CHILDREN_PER_BATCH: u32 = 5_000;

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
    },
}

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
        self.store().load_seed(&seed(&authority)).await?;
        let mut start = 0;
        while start < params.children {
            let end = start
                .saturating_add(CHILDREN_PER_BATCH)
                .min(params.children);
            let batch = carebridge_demo::children(params, &authority, start..end);
            self.store().load_children(&batch).await?;
            progress(end, params.children);
            start = end;
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
        })
    }
}

fn seed(a: &DemoAuthority) -> Seed<'_> {
    Seed {
        organisations: &a.organisations,
        services: &a.services,
        instruments: &a.instruments,
        provision: &a.provision,
        milestones: &a.milestones,
        inspections: &a.inspections,
        teams: &a.teams,
        posts: &a.posts,
        staff: &a.staff,
        employments: &a.employments,
    }
}
