//! `carebridge audit verify` and `audit head`: check the tamper-evident audit log, and
//! print its head so it can be kept somewhere else and checked again later.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Result};
use clap::{Args, Subcommand};

use crate::commands::open;

/// `audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the whole hash chain and report the first broken entry (exit 1 if any).
    Verify(VerifyArgs),
    /// Print the number of entries and the latest hash, to keep outside the database.
    Head,
}

/// `audit verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A head hash kept from an earlier `audit head`: also check the log still
    /// contains it (so nothing before it was rewritten or cut off).
    #[arg(long, value_name = "HASH")]
    extends: Option<String>,
}

pub async fn run(database: Option<&str>, data_dir: &Path, command: AuditCommand) -> Result<()> {
    let (app, _) = open(database, data_dir).await?;
    let result = match command {
        AuditCommand::Head => {
            let (entries, hash) = app.store().audit_head().await?;
            writeln!(std::io::stdout().lock(), "{entries} {hash}")?;
            Ok(())
        }
        AuditCommand::Verify(args) => verify(&app, args).await,
    };
    app.store().close().await;
    result
}

async fn verify(app: &carebridge_app::App, args: VerifyArgs) -> Result<()> {
    let kept = args.extends.as_deref().map(str::trim);
    if let Some(hash) = kept {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            bail!("--extends takes a 64-character hex SHA-256 hash as `audit head` prints it, not {hash:?}");
        }
    }
    let started = std::time::Instant::now();
    let report = app
        .store()
        .verify_audit(kept.map(str::to_ascii_lowercase).as_deref())
        .await?;
    if let Some(broken) = &report.broken {
        let before = match report.entries {
            0 => "no entry before it checks out".to_owned(),
            1 => "entry 1 checks out".to_owned(),
            n => format!("entries 1 to {n} check out"),
        };
        bail!(
            "the audit log is broken at entry {}: {} ({before})",
            broken.seq,
            broken.problem
        );
    }
    if report.extends == Some(false) {
        bail!(
            "the audit log does not contain the hash it was meant to extend: it was rewritten or cut off before that entry"
        );
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "The audit log is intact: {} entries checked in {:.2} s; head {}",
        report.entries,
        started.elapsed().as_secs_f64(),
        report.head
    )?;
    if report.extends == Some(true) {
        writeln!(out, "It extends the hash given.")?;
    }
    Ok(())
}
