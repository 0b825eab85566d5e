//! `carebridge instrument add`: record a contract, direction, cabinet decision, notice
//! or improvement notice, after showing its effect on provision.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, Result};
use carebridge_domain::instrument::{Instrument, InstrumentDetails};
use carebridge_domain::{InstrumentId, OrganisationId};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use crate::commands::open;

/// The kinds of instrument.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// A service contract between the authority and a provider.
    Contract,
    /// A direction by a government department (e.g. Education Act 1996 s.497A).
    Direction,
    /// A decision of the council's cabinet.
    CabinetDecision,
    /// Notice served to end an arrangement.
    Notice,
    /// An improvement notice.
    ImprovementNotice,
}

/// `instrument add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Which kind.
    #[arg(long, value_enum)]
    kind: Kind,
    /// Its reference, e.g. DfE/2016/DIR/07.
    #[arg(long)]
    reference: String,
    /// What people call it.
    #[arg(long)]
    title: String,
    /// The day it was made, signed or served (YYYY-MM-DD).
    #[arg(long)]
    made_on: NaiveDate,
    /// Contract: the commissioning authority's organisation id (default: the authority).
    #[arg(long)]
    commissioner: Option<i64>,
    /// Contract: the provider's organisation id.
    #[arg(long)]
    provider: Option<i64>,
    /// Contract: first day.
    #[arg(long)]
    starts_on: Option<NaiveDate>,
    /// Contract: last day, if fixed. Notice: the last day of the arrangement it ends.
    #[arg(long)]
    ends_on: Option<NaiveDate>,
    /// Contract: how either side may end it.
    #[arg(long, default_value = "")]
    notice_terms: String,
    /// Direction or improvement notice: the department's organisation id.
    #[arg(long)]
    issuer: Option<i64>,
    /// Direction: whom it directs (organisation id; default: the authority).
    #[arg(long)]
    addressed_to: Option<i64>,
    /// Direction: the day it takes effect (default: the day it is made when --immediate).
    #[arg(long)]
    effective_from: Option<NaiveDate>,
    /// Direction: takes effect the day it is made.
    #[arg(long)]
    immediate: bool,
    /// Direction: the power it is made under.
    #[arg(long, default_value = "Education Act 1996 s.497A")]
    power: String,
    /// Cabinet decision: what was decided.
    #[arg(long, default_value = "")]
    decision: String,
    /// Cabinet decision: the recommendation considered.
    #[arg(long, default_value = "")]
    recommendation: String,
    /// Notice: who served it (organisation id).
    #[arg(long)]
    served_by: Option<i64>,
    /// Notice: on whom (organisation id).
    #[arg(long)]
    served_on: Option<i64>,
    /// Notice: the notice period in days.
    #[arg(long, default_value_t = 0)]
    notice_days: u32,
    /// Notice: served by mutual agreement.
    #[arg(long)]
    mutual: bool,
    /// Improvement notice: when progress is reviewed.
    #[arg(long)]
    review_by: Option<NaiveDate>,
    /// Show the effect on provision and stop, without saving.
    #[arg(long)]
    dry_run: bool,
}

fn needed<T>(value: Option<T>, flag: &str, kind: &str) -> Result<T> {
    value.ok_or_else(|| anyhow!("--{flag} is needed for a {kind}"))
}

pub async fn add(database: Option<&str>, data_dir: &Path, args: AddArgs) -> Result<()> {
    let (app, _) = open(database, data_dir).await?;
    let authority = app
        .store()
        .authority()
        .await?
        .ok_or_else(|| anyhow!("this database has no authority yet"))?
        .id;
    let org = |id: Option<i64>| id.map(OrganisationId);
    let details = match args.kind {
        Kind::Contract => InstrumentDetails::ServiceContract {
            commissioner: org(args.commissioner).unwrap_or(authority),
            provider: needed(org(args.provider), "provider", "contract")?,
            starts_on: needed(args.starts_on, "starts-on", "contract")?,
            ends_on: args.ends_on,
            notice_terms: args.notice_terms,
        },
        Kind::Direction => InstrumentDetails::GovernmentDirection {
            issuer: needed(org(args.issuer), "issuer", "direction")?,
            addressed_to: org(args.addressed_to).unwrap_or(authority),
            effective_from: match (args.effective_from, args.immediate) {
                (Some(d), _) => d,
                (None, true) => args.made_on,
                (None, false) => {
                    return Err(anyhow!(
                        "--effective-from (or --immediate) is needed for a direction"
                    ))
                }
            },
            immediate_effect: args.immediate,
            power: args.power,
        },
        Kind::CabinetDecision => InstrumentDetails::CabinetDecision {
            decision: args.decision,
            recommendation: args.recommendation,
        },
        Kind::Notice => InstrumentDetails::NoticeServed {
            served_by: needed(org(args.served_by), "served-by", "notice")?,
            served_on: needed(org(args.served_on), "served-on", "notice")?,
            notice_period_days: args.notice_days,
            mutual_agreement: args.mutual,
            ends_on: needed(args.ends_on, "ends-on", "notice")?,
        },
        Kind::ImprovementNotice => InstrumentDetails::ImprovementNotice {
            issuer: needed(org(args.issuer), "issuer", "improvement notice")?,
            review_by: args.review_by,
        },
    };
    let instrument = Instrument {
        id: InstrumentId(0),
        authority,
        reference: args.reference,
        title: args.title,
        made_on: args.made_on,
        details,
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: {} ({})",
        instrument.kind_label(),
        instrument.title,
        instrument.reference
    )?;
    for line in app.instrument_effect(&instrument).await? {
        writeln!(out, "  {line}")?;
    }
    if !args.dry_run {
        let id = app.record_instrument(&instrument).await?;
        writeln!(out, "Recorded instrument {id}.")?;
    }
    app.store().close().await;
    Ok(())
}
