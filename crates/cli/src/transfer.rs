//! `carebridge transfer`: plan, dry-run, execute, cancel and report on transfers of
//! services between providers.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Result};
use carebridge_app::transfer::{Reconciliation, TeamDue};
use carebridge_domain::transfer::TransferRequest;
use carebridge_domain::{InstrumentId, OrganisationId, TransferPlanId};
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::commands::open;

/// The transfer commands.
#[derive(Debug, Subcommand)]
pub enum TransferCommand {
    /// List what a plan can name: instruments, providers and service codes, with ids.
    Choices,
    /// Plan a transfer of services from one provider to another (a draft).
    Plan(PlanArgs),
    /// List every plan.
    List,
    /// Dry run: what executing the plan would write. Writes nothing.
    Show(PlanId),
    /// Execute a draft plan (on or after its effective date), then print its
    /// reconciliation report. Exit code 1 if any check fails.
    Execute(ExecuteArgs),
    /// Cancel a draft plan.
    Cancel(ExecuteArgs),
    /// Record a step of the TUPE process as done (eli, measures_letter,
    /// consultation, staff_letters).
    Step(StepArgs),
    /// Print the reconciliation report of an executed plan (--csv for a spreadsheet).
    Report(ReportArgs),
}

/// `transfer plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// What people call it.
    #[arg(long)]
    title: String,
    /// The instrument's id (see the provision page).
    #[arg(long)]
    instrument: i64,
    /// Service codes, comma-separated, e.g. CSC,DCS.
    #[arg(long, value_delimiter = ',', required = true)]
    services: Vec<String>,
    /// The organisation id the services leave.
    #[arg(long)]
    from: i64,
    /// The organisation id they go to.
    #[arg(long)]
    to: i64,
    /// First day with the new provider (YYYY-MM-DD).
    #[arg(long)]
    effective: NaiveDate,
    /// Who is planning it, for the record.
    #[arg(long, default_value = "command line")]
    by: String,
}

/// A plan's id.
#[derive(Debug, Args)]
pub struct PlanId {
    /// The plan's id.
    id: i64,
}

/// `transfer execute` and `transfer cancel`.
#[derive(Debug, Args)]
pub struct ExecuteArgs {
    /// The plan's id.
    id: i64,
    /// Who is doing it, for the record.
    #[arg(long, default_value = "command line")]
    by: String,
}

/// `transfer step`.
#[derive(Debug, Args)]
pub struct StepArgs {
    /// The plan's id.
    id: i64,
    /// Which step: eli, measures_letter, consultation or staff_letters.
    #[arg(long)]
    kind: String,
    /// The day it was done (YYYY-MM-DD).
    #[arg(long)]
    on: NaiveDate,
    /// What happened.
    #[arg(long, default_value = "")]
    notes: String,
    /// Who is recording it.
    #[arg(long, default_value = "command line")]
    by: String,
}

/// `transfer report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The plan's id.
    id: i64,
    /// CSV (one row per check and failing row) instead of text.
    #[arg(long)]
    csv: bool,
}

pub async fn run(database: Option<&str>, data_dir: &Path, command: TransferCommand) -> Result<()> {
    let (app, _) = open(database, data_dir).await?;
    let mut out = std::io::stdout().lock();
    match command {
        TransferCommand::Plan(args) => {
            let directory = app.directory().await?;
            let mut services = Vec::new();
            for code in &args.services {
                let code = code.trim();
                match directory
                    .services
                    .iter()
                    .find(|s| s.code.as_str().eq_ignore_ascii_case(code))
                {
                    Some(s) => services.push(s.id),
                    None => {
                        let known: Vec<&str> =
                            directory.services.iter().map(|s| s.code.as_str()).collect();
                        bail!(
                            "--services: no service {code:?}; the services are {}",
                            known.join(", ")
                        );
                    }
                }
            }
            let request = TransferRequest {
                title: args.title,
                instrument: InstrumentId(args.instrument),
                services,
                from: OrganisationId(args.from),
                to: OrganisationId(args.to),
                effective_from: args.effective,
            };
            let id = app.plan_transfer(&request, &args.by).await?;
            writeln!(
                out,
                "Planned transfer {id}. Dry run: carebridge transfer show {id}"
            )?;
        }
        TransferCommand::Choices => {
            let directory = app.directory().await?;
            writeln!(out, "Instruments (--instrument):")?;
            for i in &directory.instruments {
                writeln!(
                    out,
                    "  {:>4}  {}  {:<22} {} ({})",
                    i.id,
                    i.made_on,
                    i.kind_label(),
                    i.title,
                    i.reference
                )?;
            }
            writeln!(out, "Providers (--from, --to):")?;
            for o in directory
                .organisations
                .iter()
                .filter(|o| o.kind.can_provide())
            {
                writeln!(out, "  {:>4}  {}", o.id, o.name)?;
            }
            writeln!(out, "Services (--services):")?;
            for s in &directory.services {
                writeln!(out, "  {:>4}  {}", s.code.as_str(), s.name)?;
            }
        }
        TransferCommand::List => {
            let directory = app.directory().await?;
            for plan in app.transfer_plans().await? {
                writeln!(
                    out,
                    "{:>4}  {:<9}  {}  {} -> {}  {}",
                    plan.id,
                    plan.status.label(),
                    plan.request.effective_from,
                    directory.short_name(plan.request.from),
                    directory.short_name(plan.request.to),
                    plan.request.title
                )?;
            }
        }
        TransferCommand::Show(PlanId { id }) => {
            let p = app.preview_transfer(TransferPlanId(id)).await?;
            writeln!(
                out,
                "Transfer {id}: {} ({})",
                p.plan.request.title,
                p.plan.status.label()
            )?;
            writeln!(
                out,
                "  {} -> {} from {}",
                p.from.name, p.to.name, p.plan.request.effective_from
            )?;
            writeln!(
                out,
                "  under {} ({})",
                p.instrument.title, p.instrument.reference
            )?;
            let names: Vec<&str> = p.services.iter().map(|s| s.name.as_str()).collect();
            writeln!(out, "  services: {}", names.join(", "))?;
            writeln!(
                out,
                "  child records in scope: {} (none of them changes)",
                p.children_in_scope
            )?;
            for (child, named) in &p.restricted_in_scope {
                writeln!(
                    out,
                    "  restricted record in scope: child {} (named: {}; unchanged by the transfer)",
                    child.0,
                    named.join(", ")
                )?;
            }
            if let Some(problem) = &p.problem {
                writeln!(out, "  cannot be executed as things stand: {problem}")?;
            }
            writeln!(out, "  tasks:")?;
            for section in app.transfer_tasks(&p).await? {
                writeln!(out, "    {}", section.title)?;
                for task in &section.tasks {
                    writeln!(out, "      {:<16} {}", task.status.label(), task.name)?;
                    if let Some(hint) = &task.hint {
                        writeln!(out, "                       {hint}")?;
                    }
                }
            }
            if let Some(until) = p.due.until {
                writeln!(
                    out,
                    "  open cases on {}: {}; work due by {until}: {}, overdue by then: {}",
                    p.plan.request.effective_from,
                    p.due.open_cases(),
                    p.due.due(),
                    p.due.overdue()
                )?;
            }
            print_due_work(&mut out, &p.due.teams)?;
            for d in &p.due.items {
                writeln!(
                    out,
                    "    child {:<8} {:<10} {:<24} {} ({}, {})",
                    d.child.0,
                    d.item.due,
                    d.item.status.to_string(),
                    d.item.rule().what,
                    d.team,
                    d.allocated.as_deref().unwrap_or("not allocated")
                )?;
            }
            writeln!(out, "  TUPE process:")?;
            for item in app.tupe_checklist(TransferPlanId(id)).await? {
                writeln!(
                    out,
                    "    {:<10} {} (due by {})",
                    item.status.label(),
                    item.kind.label(),
                    item.due
                )?;
                if let Some(warning) = &item.warning {
                    writeln!(out, "               {warning}")?;
                }
            }
            if !p.access.is_empty() {
                writeln!(out, "  access on {}:", p.plan.request.effective_from)?;
                for a in &p.access {
                    writeln!(
                        out,
                        "    {:<28} {:<8} {} ({} children's records)",
                        a.staff.full_name(),
                        a.post.code.as_str(),
                        a.change.label(),
                        a.records
                    )?;
                }
            }
            if let Some(m) = &p.moves {
                writeln!(
                    out,
                    "  provision periods closed and opened: {}",
                    m.provision.len()
                )?;
                writeln!(out, "  teams: {}, posts: {}", m.teams.len(), m.posts.len())?;
                writeln!(out, "  staff changing employer: {}", p.staff.len())?;
                for (person, post) in &p.staff {
                    writeln!(
                        out,
                        "    {:<28} {:<8} {:<24} {}",
                        person.full_name(),
                        post.code.as_str(),
                        post.title,
                        post.grade
                    )?;
                }
            }
        }
        TransferCommand::Execute(args) => {
            let report = app
                .execute_transfer(TransferPlanId(args.id), &args.by)
                .await?;
            print_report(&mut out, &report)?;
            if !report.passed() {
                bail!("the reconciliation of transfer {} failed", args.id);
            }
        }
        TransferCommand::Step(args) => {
            let step = carebridge_domain::tupe::TupeStep {
                kind: carebridge_domain::tupe::TupeStepKind::parse(&args.kind)?,
                done_on: args.on,
                notes: args.notes,
            };
            app.record_tupe_step(TransferPlanId(args.id), &step, &args.by)
                .await?;
            writeln!(out, "Recorded: {} on {}.", step.kind.label(), step.done_on)?;
        }
        TransferCommand::Cancel(args) => {
            app.cancel_transfer(TransferPlanId(args.id), &args.by)
                .await?;
            writeln!(out, "Cancelled transfer {}.", args.id)?;
        }
        TransferCommand::Report(args) => {
            let report = app.transfer_report(TransferPlanId(args.id)).await?;
            if args.csv {
                write!(out, "{}", report.to_csv()?)?;
            } else {
                print_report(&mut out, &report)?;
            }
        }
    }
    app.store().close().await;
    Ok(())
}

fn print_report(out: &mut impl Write, report: &Reconciliation) -> Result<()> {
    writeln!(out, "Reconciliation of transfer {}:", report.plan)?;
    for check in &report.checks {
        writeln!(
            out,
            "  {}  {} ({} compared)",
            if check.passed { "PASS" } else { "FAIL" },
            check.name,
            check.compared
        )?;
        for failure in &check.failures {
            writeln!(out, "        {failure}")?;
        }
    }
    writeln!(
        out,
        "{}",
        if report.passed() {
            "All checks passed."
        } else {
            "Some checks FAILED."
        }
    )?;
    Ok(())
}

/// Open cases and work due per service and team, one line each.
fn print_due_work(out: &mut impl Write, teams: &[TeamDue]) -> Result<()> {
    for t in teams {
        writeln!(
            out,
            "    {:<32} {:<36} open cases {:>6}  due {:>5}  overdue {:>5}",
            t.service, t.team, t.open_cases, t.due, t.overdue
        )?;
    }
    Ok(())
}
