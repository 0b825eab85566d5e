//! `carebridge import`: bring in returns made by a previous system (the common first
//! step when an authority starts on Carebridge). `import cin FILE` reads a CIN census,
//! `import ssda903 DIR` a 903 return's tables; nothing is written unless every child in
//! it can be, and importing the same file again changes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use carebridge_app::import::ImportError;
use carebridge_returns::ssda903::CollectionYear;
use clap::{Args, Subcommand};

/// `import ...`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A CIN census XML file: its children, episodes, assessments, plans, enquiries
    /// and reviews. Children are matched by LAchildID with those imported before.
    Cin(ImportCinArgs),
    /// An SSDA903 return's CSV tables (a folder or a zip archive): its children,
    /// periods of care, legal statuses, placements, reviews, adoption, missing periods,
    /// deprivations of liberty and permanence before care. Children are matched by CHILD
    /// with those imported before (from either return); care running on from another
    /// year's return is the same care. Not read: OC2 and OC3 (outcomes without the days
    /// they happened) and SWEpisodes (social workers are staff, which an import does not
    /// create).
    Ssda903(ImportSsda903Args),
}

/// `import ssda903`.
#[derive(Debug, Args)]
pub struct ImportSsda903Args {
    /// The return's collection year, e.g. 2025-26.
    #[arg(long)]
    year: CollectionYear,
    /// The code of the service the imported care is filed under.
    #[arg(long, default_value = "CSC")]
    service: String,
    /// The folder of CSV tables, or a zip archive of them.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

/// `import cin`.
#[derive(Debug, Args)]
pub struct ImportCinArgs {
    /// The census's collection year, e.g. 2025-26.
    #[arg(long)]
    year: CollectionYear,
    /// The code of the service the imported work is filed under.
    #[arg(long, default_value = "CSC")]
    service: String,
    /// The census XML file.
    #[arg(value_name = "FILE.xml")]
    file: PathBuf,
}

/// Runs an import command.
pub async fn run(database: Option<&str>, data_dir: &Path, command: ImportCommand) -> Result<()> {
    match command {
        ImportCommand::Cin(args) => cin(database, data_dir, args).await,
        ImportCommand::Ssda903(args) => ssda903(database, data_dir, args).await,
    }
}

async fn ssda903(database: Option<&str>, data_dir: &Path, args: ImportSsda903Args) -> Result<()> {
    let files = crate::returns::ssda903_files(&args.dir)?;
    let name = args.dir.display().to_string();
    let (app, _) = crate::commands::open(database, data_dir).await?;
    // Read once: imported, and looked at for the tables an import leaves alone.
    let (result, skipped) = match carebridge_returns::ssda903::Return::parse(args.year, &files, &[])
    {
        Ok(ret) => {
            let skipped: Vec<String> = carebridge_returns::ssda903::import::NOT_READ
                .iter()
                .filter_map(|t| {
                    ret.table(*t)
                        .map(|rows| format!("{t} ({} rows)", rows.len()))
                })
                .collect();
            let result = app.import_ssda903_return(&name, &ret, &args.service).await;
            (result, skipped)
        }
        Err(e) => (Err(e.into()), Vec::new()),
    };
    app.store().close().await;
    report(&name, result)?;
    if !skipped.is_empty() {
        writeln!(
            std::io::stdout().lock(),
            "  not read (see `carebridge import ssda903 --help`): {}",
            skipped.join(", ")
        )?;
    }
    Ok(())
}

/// Says what an import wrote, or every problem that stopped it.
fn report(
    name: &str,
    result: Result<carebridge_domain::imported::ImportCounts, ImportError>,
) -> Result<()> {
    match result {
        Ok(counts) => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "Imported {name}:")?;
            writeln!(
                out,
                "  children: {} created, {} updated",
                counts.children_created, counts.children_updated
            )?;
            writeln!(
                out,
                "  pieces of work: {} created, {} updated; events: {} created",
                counts.work_created, counts.work_updated, counts.events_created
            )?;
            writeln!(
                out,
                "  already imported and unchanged: {}",
                counts.unchanged
            )?;
            Ok(())
        }
        Err(ImportError::Rejected(problems)) => {
            let mut err = std::io::stderr().lock();
            for p in &problems {
                writeln!(err, "{p}")?;
            }
            bail!(
                "{} problems in {name}; nothing was imported",
                problems.len()
            )
        }
        Err(e) => Err(e.into()),
    }
}

async fn cin(database: Option<&str>, data_dir: &Path, args: ImportCinArgs) -> Result<()> {
    let content = carebridge_returns::source::read_limited(
        &args.file,
        carebridge_returns::cin::MAX_FILE_BYTES,
        "a CIN census",
    )?;
    let name = args.file.display().to_string();
    let (app, _) = crate::commands::open(database, data_dir).await?;
    let result = app
        .import_cin(args.year, &name, &content, &args.service)
        .await;
    app.store().close().await;
    report(&name, result)
}
