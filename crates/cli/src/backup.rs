//! `carebridge backup` and `carebridge restore`.
//!
//! SQLite: a consistent online copy with `VACUUM INTO` (the server may keep running);
//! restore checks the copy (schema, audit chain) before it replaces anything. PostgreSQL:
//! `pg_dump --format=custom` and `pg_restore`, then the same audit check. Either way the
//! restored database's audit log is verified, so a backup that was tampered with is
//! noticed at restore time.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use carebridge_app::{DatabaseUrl, Store};
use clap::Args;

use crate::commands::{database_url, open};

/// `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (must not exist).
    #[arg(long)]
    to: PathBuf,
}

/// `restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file.
    #[arg(long)]
    from: PathBuf,
    /// Replace an existing database (stop the server first).
    #[arg(long)]
    replace: bool,
}

pub async fn backup(database: Option<&str>, data_dir: &Path, args: BackupArgs) -> Result<()> {
    if args.to.exists() {
        bail!(
            "{} already exists; choose a new file for the backup",
            args.to.display()
        );
    }
    let (app, url) = open(database, data_dir).await?;
    let (entries, head) = app.store().audit_head().await?;
    let children = app.store().count_children().await?;
    match &url {
        DatabaseUrl::Sqlite(_) => app.store().backup_sqlite_to(&args.to).await?,
        DatabaseUrl::Postgres(_) => {
            let status = std::process::Command::new(pg_tool("pg_dump")?)
                .arg("--format=custom")
                .arg("--file")
                .arg(&args.to)
                .arg(url.connection_string())
                .status()
                .context("cannot run pg_dump")?;
            if !status.success() {
                bail!(
                    "pg_dump failed ({status}); nothing was written to {}",
                    args.to.display()
                );
            }
        }
    }
    app.store().close().await;
    writeln!(
        std::io::stdout().lock(),
        "Backed up {} to {}: {children} children's records, audit log of {entries} entries (head {head}).",
        url.redacted(),
        args.to.display()
    )?;
    Ok(())
}

pub async fn restore(database: Option<&str>, data_dir: &Path, args: RestoreArgs) -> Result<()> {
    if !args.from.is_file() {
        bail!("{} is not a backup file", args.from.display());
    }
    let url = database_url(database, data_dir)?;
    match &url {
        DatabaseUrl::Sqlite(target) => restore_sqlite(&args, target).await,
        DatabaseUrl::Postgres(_) => restore_postgres(&args, &url).await,
    }
}

async fn restore_sqlite(args: &RestoreArgs, target: &Path) -> Result<()> {
    if target.exists() && !args.replace {
        bail!(
            "{} already exists; stop the server and pass --replace to overwrite it",
            target.display()
        );
    }
    // Check a copy beside the target first, so a bad backup replaces nothing.
    let staging = target.with_extension("restoring");
    remove_sqlite(&staging)?;
    std::fs::copy(&args.from, &staging).with_context(|| {
        format!(
            "cannot copy {} to {}",
            args.from.display(),
            staging.display()
        )
    })?;
    let checked = check(&DatabaseUrl::sqlite(&staging)).await;
    let summary = match checked {
        Ok(summary) => summary,
        Err(e) => {
            remove_sqlite(&staging)?;
            return Err(e.context(format!("{} was not restored", args.from.display())));
        }
    };
    remove_sqlite(target)?;
    std::fs::rename(&staging, target)
        .with_context(|| format!("cannot move the restored database to {}", target.display()))?;
    writeln!(
        std::io::stdout().lock(),
        "Restored {} to {}: {summary}",
        args.from.display(),
        target.display()
    )?;
    Ok(())
}

async fn restore_postgres(args: &RestoreArgs, url: &DatabaseUrl) -> Result<()> {
    let status = std::process::Command::new(pg_tool("pg_restore")?)
        .args([
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--dbname",
        ])
        .arg(url.connection_string())
        .arg(&args.from)
        .status()
        .context("cannot run pg_restore")?;
    if !status.success() {
        bail!("pg_restore failed ({status}); with --single-transaction nothing was changed");
    }
    let summary = check(url).await?;
    writeln!(
        std::io::stdout().lock(),
        "Restored {} to {}: {summary}",
        args.from.display(),
        url.redacted()
    )?;
    Ok(())
}

/// Opens the restored database (bringing an older schema up to date) and verifies its
/// audit log; says what it holds.
async fn check(url: &DatabaseUrl) -> Result<String> {
    let store = Store::open(url).await?;
    let report = store.verify_audit(None).await?;
    let children = store.count_children().await?;
    store.close().await;
    if let Some(broken) = report.broken {
        bail!(
            "the backup's audit log is broken at entry {}: {}",
            broken.seq,
            broken.problem
        );
    }
    Ok(format!(
        "{children} children's records; audit log intact ({} entries, head {})",
        report.entries, report.head
    ))
}

/// Deletes a SQLite database file with its write-ahead log and shared-memory files.
fn remove_sqlite(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        if file.exists() {
            std::fs::remove_file(&file)
                .with_context(|| format!("cannot remove {}", file.display()))?;
        }
    }
    Ok(())
}

/// A PostgreSQL client tool: on the PATH, or in Debian's versioned folder.
fn pg_tool(name: &str) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
    {
        return Ok(path);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
        .pop()
        .with_context(|| format!("{name} was not found; install the PostgreSQL client tools"))
}
