//! `carebridge access explain`: who could open a child's record on a day, and why.

use std::io::Write;
use std::path::Path;

use anyhow::Result;
use carebridge_domain::ChildId;
use carebridge_store::audit::NewAuditEntry;
use chrono::NaiveDate;
use clap::Args;

use crate::commands::open;

/// `access explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The child's id.
    #[arg(long)]
    child: i64,
    /// The day (YYYY-MM-DD); default today.
    #[arg(long)]
    at: Option<NaiveDate>,
}

pub async fn explain(database: Option<&str>, data_dir: &Path, args: ExplainArgs) -> Result<()> {
    let (app, _) = open(database, data_dir).await?;
    let day = args.at.unwrap_or_else(|| app.clock().today());
    let answer = app.explain_access(ChildId(args.child), day).await?;
    // The answer names the child: the command line's read is audited like any other.
    app.store()
        .append_audit(&NewAuditEntry {
            at: app.clock().now(),
            user: None,
            username: "command line".to_owned(),
            employer: None,
            role: "system".to_owned(),
            action: "access-explain".to_owned(),
            child: Some(answer.child.id),
            allowed: true,
            reason: format!("access explain --at {day} by the database operator"),
            request_id: "cli".to_owned(),
            client: "local".to_owned(),
        })
        .await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Who could open the record of child {} ({} {}) on {day}:",
        answer.child.id, answer.child.given_name, answer.child.family_name
    )?;
    if answer.lines.is_empty() {
        writeln!(
            out,
            "  Nobody through a service: the child had no open work with any service that day."
        )?;
    }
    for line in &answer.lines {
        writeln!(out, "  {}: {}", line.staff.full_name(), line.reason)?;
    }
    app.store().close().await;
    Ok(())
}
