//! `carebridge`: the one binary. Serves the web app, migrates the database, generates
//! demo authorities and manages accounts.
//!
//! Errors end the program with one line saying what was wrong and what to do, and exit
//! code 1 (2 for a command line clap cannot read).

// Printing to the terminal is this binary's job.
#![allow(clippy::print_stdout)]

mod access;
mod audit;
mod backup;
mod commands;
mod import;
mod instrument;
mod returns;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Carebridge: children's social care records where the provider of each service is
/// effective-dated data.
#[derive(Debug, Parser)]
#[command(name = "carebridge", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    database: DatabaseArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives.
#[derive(Debug, Args)]
struct DatabaseArgs {
    /// Database URL: sqlite://PATH (embedded) or postgres://USER@HOST:PORT/DB.
    /// Defaults to a SQLite file in --data-dir.
    #[arg(long, global = true, env = "CAREBRIDGE_DATABASE_URL")]
    database: Option<String>,
    /// Folder for the embedded database (created when missing).
    #[arg(
        long,
        global = true,
        env = "CAREBRIDGE_DATA_DIR",
        default_value = "data"
    )]
    data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web app.
    Serve(commands::ServeArgs),
    /// Bring the database schema up to date (serve does this too).
    Migrate,
    /// Demo data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Instruments that move services: contracts, directions, decisions, notices.
    #[command(subcommand)]
    Instrument(InstrumentCommand),
    /// Access questions.
    #[command(subcommand)]
    Access(AccessCommand),
    /// Transfers of services between providers.
    #[command(subcommand)]
    Transfer(transfer::TransferCommand),
    /// Write a consistent copy of the database while it is in use.
    Backup(backup::BackupArgs),
    /// Restore a backup, after checking its schema and audit log.
    Restore(backup::RestoreArgs),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Import returns made by a previous system.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Statutory returns: validate an SSDA903 return or a CIN census.
    #[command(subcommand)]
    Returns(returns::ReturnsCommand),
    /// (`returns annex-a`, dispatched with the commands that open the database.)
    #[command(skip)]
    AnnexA(returns::AnnexAArgs),
    /// (`returns export ssda903`, likewise.)
    #[command(skip)]
    ExportSsda903(returns::ExportArgs),
    /// (`returns export cin`, likewise.)
    #[command(skip)]
    ExportCin(returns::ExportCinArgs),
}

#[derive(Debug, Subcommand)]
enum DemoCommand {
    /// Generate a demo authority of any size into an empty database (deterministic for a seed).
    Generate(commands::GenerateArgs),
}

#[derive(Debug, Subcommand)]
enum AccessCommand {
    /// Who could open a child's record on a day, and why.
    Explain(access::ExplainArgs),
}

#[derive(Debug, Subcommand)]
enum InstrumentCommand {
    /// Record an instrument, after showing its effect on provision.
    Add(Box<instrument::AddArgs>),
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create a local account. The password is read from the terminal, or from
    /// standard input with --password-stdin.
    CreateUser(commands::CreateUserArgs),
    /// Set a new password for an account and end its sessions.
    ResetPassword(commands::ResetPasswordArgs),
    /// Give an inspector (every unrestricted record) or a partner (one child)
    /// time-limited read access.
    GrantAccess(commands::GrantAccessArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Returns touch no database and have their own exit codes (0, 1 flagged, 2
    // unreadable), except Annex A, which is made from the records.
    let command = match cli.command {
        Command::Returns(returns::ReturnsCommand::AnnexA(args)) => Command::AnnexA(args),
        Command::Returns(returns::ReturnsCommand::Export(returns::ExportCommand::Ssda903(
            args,
        ))) => Command::ExportSsda903(args),
        Command::Returns(returns::ReturnsCommand::Export(returns::ExportCommand::Cin(args))) => {
            Command::ExportCin(args)
        }
        Command::Returns(command) => return returns::run(command),
        command => command,
    };
    commands::init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        let db = &cli.database;
        match command {
            Command::Serve(args) => {
                commands::serve(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::Migrate => commands::migrate(db.database.as_deref(), &db.data_dir).await,
            Command::Demo(DemoCommand::Generate(args)) => {
                commands::generate(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::Admin(AdminCommand::CreateUser(args)) => {
                commands::create_user(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::Instrument(InstrumentCommand::Add(args)) => {
                instrument::add(db.database.as_deref(), &db.data_dir, *args).await
            }
            Command::Access(AccessCommand::Explain(args)) => {
                access::explain(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::Backup(args) => {
                backup::backup(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::Restore(args) => {
                backup::restore(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::Import(command) => {
                import::run(db.database.as_deref(), &db.data_dir, command).await
            }
            Command::Audit(command) => {
                audit::run(db.database.as_deref(), &db.data_dir, command).await
            }
            Command::Transfer(command) => {
                transfer::run(db.database.as_deref(), &db.data_dir, command).await
            }
            Command::Admin(AdminCommand::GrantAccess(args)) => {
                commands::grant_access(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::Admin(AdminCommand::ResetPassword(args)) => {
                commands::reset_password(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::AnnexA(args) => {
                returns::annex_a(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::ExportSsda903(args) => {
                returns::export_ssda903(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::ExportCin(args) => {
                returns::export_cin(db.database.as_deref(), &db.data_dir, args).await
            }
            Command::Returns(_) => Ok(()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
