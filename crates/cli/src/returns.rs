//! `carebridge returns`: statutory returns. `returns validate ssda903` checks a folder
//! of 903 CSV tables, `returns validate cin` a CIN census XML file, against every DfE
//! rule of the collection year.
//!
//! Exit codes: 0 when no rule flags a row, 1 when some do, 2 when the input cannot be
//! read (the error names the file, line and field) or the command line is wrong.
//!
//! Last year's tables (for the rules that compare years) are read from `--last-year
//! DIR2`, or else from the `last-year` folder inside DIR when there is one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use carebridge_returns::cin;
use carebridge_returns::report::Report;
use carebridge_returns::ssda903::{self, generate, CollectionYear, Return, Source, Validation};
use clap::{Args, Subcommand, ValueEnum};

/// `returns ...`.
#[derive(Debug, Subcommand)]
pub enum ReturnsCommand {
    /// Check a return against the DfE validation rules of a collection year.
    #[command(subcommand)]
    Validate(ValidateCommand),
    /// Generate a synthetic return (for tests, benchmarks and the reference check).
    #[command(subcommand, hide = true)]
    Generate(GenerateCommand),
    /// List the rules of a year, each `implemented`, `needs-outside-data` (Ofsted's
    /// provider lists or the ONS postcode lookup) or `not-implemented` (for scripts).
    #[command(hide = true)]
    Rules(RulesArgs),
    /// Ofsted's Annex A (ILACS lists 1 to 11) from the records, as an .xlsx workbook.
    AnnexA(AnnexAArgs),
    /// Make a return from the records.
    #[command(subcommand)]
    Export(ExportCommand),
}

/// `returns export ...`.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The SSDA903 return (children looked after): its CSV tables written to a folder,
    /// then checked against the year's rules like `returns validate ssda903`.
    Ssda903(ExportArgs),
    /// The CIN census (children in need): one XML file, then checked against the
    /// year's rules like `returns validate cin`.
    Cin(ExportCinArgs),
}

/// `returns export cin`.
#[derive(Debug, Args)]
pub struct ExportCinArgs {
    /// Collection year, e.g. 2025-26 (the census date is its 31 March).
    #[arg(long)]
    year: CollectionYear,
    /// The file to write (replaced).
    #[arg(long, value_name = "FILE.xml")]
    out: PathBuf,
    /// The authority's three-digit LA number for the header's LEA.
    #[arg(long, env = "CAREBRIDGE_LA_NUMBER", value_parser = crate::commands::la_number)]
    la_number: Option<String>,
    /// Rows shown per rule in the report (0: all).
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

/// `returns export cin`: reads the database (the operator's command, every child on
/// the census audited), writes the XML, then reports what the year's rules flag.
pub async fn export_cin(
    database: Option<&str>,
    data_dir: &Path,
    args: ExportCinArgs,
) -> Result<()> {
    use carebridge_app::returns::Producer;

    let (app, _) = crate::commands::open(database, data_dir).await?;
    let app = match &args.la_number {
        Some(la) => app.with_la_number(la.as_str()),
        None => app,
    };
    let census = app.cin_export(Producer::Operator, args.year).await?;
    app.store().close().await;
    std::fs::write(&args.out, &census.xml)
        .with_context(|| format!("{}: cannot write", args.out.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "CIN census {} from the records: {} children, written to {}",
        args.year,
        census.children.len(),
        args.out.display()
    )?;
    if args.la_number.is_none() {
        writeln!(
            out,
            "  The header has no LEA: give --la-number (or set CAREBRIDGE_LA_NUMBER)."
        )?;
    }
    writeln!(out)?;
    drop(out);
    validate_cin(&ValidateCinArgs {
        year: args.year,
        format: Format::Text,
        limit: args.limit,
        file: args.out,
    })?;
    Ok(())
}

/// `returns export ssda903`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Collection year, e.g. 2026-27.
    #[arg(long)]
    year: CollectionYear,
    /// The folder to write the tables to (made if missing; files of the same names are
    /// replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Rows shown per rule in the report (0: all).
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

/// `returns export ssda903`: reads the database (the operator's command, every child on
/// the return audited), writes the tables, then reports what the year's rules flag.
pub async fn export_ssda903(
    database: Option<&str>,
    data_dir: &Path,
    args: ExportArgs,
) -> Result<()> {
    use carebridge_app::returns::Producer;

    let (app, _) = crate::commands::open(database, data_dir).await?;
    let tables = app.ssda903_export(Producer::Operator, args.year).await?;
    app.store().close().await;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot make the folder", args.out.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "SSDA903 {} from the records, written to {}:",
        args.year,
        args.out.display()
    )?;
    for table in &tables {
        let path = args.out.join(table.file_name());
        let text = table
            .csv()
            .with_context(|| format!("writing {}", table.file_name()))?;
        std::fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))?;
        writeln!(
            out,
            "  {:<20} {:>8} rows",
            table.file_name(),
            table.rows.len()
        )?;
    }
    let missing: Vec<&str> = carebridge_returns::ssda903::export::not_produced(args.year)
        .into_iter()
        .map(|t| t.as_str())
        .collect();
    if !missing.is_empty() {
        writeln!(
            out,
            "  Not produced (the records do not hold what they need): {}",
            missing.join(", ")
        )?;
    }
    writeln!(out)?;
    drop(out);
    validate(&ValidateArgs {
        year: args.year,
        last_year: None,
        format: Format::Text,
        limit: args.limit,
        dir: args.out,
    })?;
    Ok(())
}

/// `returns annex-a`.
#[derive(Debug, Args)]
pub struct AnnexAArgs {
    /// The window's last day (YYYY-MM-DD); default today.
    #[arg(long)]
    to: Option<chrono::NaiveDate>,
    /// The window's first day (YYYY-MM-DD); default twelve months before the last.
    #[arg(long)]
    from: Option<chrono::NaiveDate>,
    /// Where to write the workbook (.xlsx).
    #[arg(long, value_name = "FILE.xlsx")]
    out: PathBuf,
}

/// `returns annex-a`: reads the database (the operator's command, audited for every
/// child listed) and writes the workbook.
pub async fn annex_a(database: Option<&str>, data_dir: &Path, args: AnnexAArgs) -> Result<()> {
    use carebridge_app::returns::Producer;
    use carebridge_returns::annex_a::Window;

    let (app, _) = crate::commands::open(database, data_dir).await?;
    let to = args.to.unwrap_or_else(|| app.clock().today());
    let window = match args.from {
        Some(from) => Window::new(from, to).map_err(anyhow::Error::msg)?,
        None => Window::twelve_months_to(to),
    };
    let made = app.annex_a(Producer::Operator, window).await?;
    app.store().close().await;
    std::fs::write(&args.out, &made.bytes)
        .with_context(|| format!("{}: cannot write the workbook", args.out.display()))?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Ofsted Annex A, {} to {}: {} children, written to {}",
        window.from(),
        window.to(),
        made.annex.children().len(),
        args.out.display()
    )?;
    for list in &made.annex.lists {
        writeln!(
            out,
            "  List {:>2} {:<32} {:>6} rows",
            list.number,
            list.title,
            list.rows.len()
        )?;
    }
    Ok(())
}

/// `returns rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Collection year, e.g. 2026-27.
    #[arg(long)]
    year: CollectionYear,
    /// Which return's rules.
    #[arg(long = "return", value_enum, default_value_t = ReturnKind::Ssda903)]
    kind: ReturnKind,
}

/// A statutory return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReturnKind {
    /// SSDA903 (children looked after).
    Ssda903,
    /// The CIN census (children in need).
    Cin,
}

/// `returns validate ...`.
#[derive(Debug, Subcommand)]
pub enum ValidateCommand {
    /// SSDA903 (children looked after): a folder of CSV tables, each recognised by its
    /// columns.
    Ssda903(ValidateArgs),
    /// The CIN census (children in need): one XML file.
    Cin(ValidateCinArgs),
}

/// `returns validate cin`.
#[derive(Debug, Args)]
pub struct ValidateCinArgs {
    /// Collection year, e.g. 2026-27 (chooses the rules; the census period is the
    /// year ending on the file's ReferenceDate, as the DfE's validator reads it).
    #[arg(long)]
    year: CollectionYear,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Rows shown per rule in the text report (0: all).
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// The census XML file, or a zip archive holding it.
    #[arg(value_name = "FILE.xml")]
    file: PathBuf,
}

/// `returns generate ...`.
#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// A synthetic 903 return, this year's tables in OUT and last year's in
    /// OUT/last-year, with deliberate errors so that rules fire.
    Ssda903(GenerateArgs),
    /// A synthetic CIN census XML file, with deliberate errors so that rules fire.
    Cin(GenerateCinArgs),
}

/// `returns generate cin`.
#[derive(Debug, Args)]
pub struct GenerateCinArgs {
    /// Collection year, e.g. 2026-27.
    #[arg(long, default_value = "2025-26")]
    year: CollectionYear,
    /// How many children.
    #[arg(long, default_value_t = 1000)]
    children: usize,
    /// Seed: the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output file (replaced).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A report for people: a summary by rule, then the rows.
    Text,
    /// One JSON object per flagged row and rule, sorted by table, row and rule.
    Jsonl,
}

/// `returns validate ssda903`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Collection year, e.g. 2026-27.
    #[arg(long)]
    year: CollectionYear,
    /// Folder (or zip archive) of last year's tables (default: DIR/last-year when it
    /// exists).
    #[arg(long, value_name = "DIR2")]
    last_year: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Rows shown per rule in the text report (0: all).
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// The folder holding this year's CSV tables, or a zip archive of them.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

/// `returns generate ssda903`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Collection year, e.g. 2026-27.
    #[arg(long)]
    year: CollectionYear,
    /// How many children.
    #[arg(long, default_value_t = 1000)]
    children: usize,
    /// Seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Every date readable (for comparing the rules on which the reference validator
    /// fails when a date cannot be read).
    #[arg(long)]
    readable_dates: bool,
    /// Output folder (created; CSV files in it are replaced).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(command: ReturnsCommand) -> ExitCode {
    let result = match command {
        ReturnsCommand::Validate(ValidateCommand::Ssda903(args)) => validate(&args),
        ReturnsCommand::Validate(ValidateCommand::Cin(args)) => validate_cin(&args),
        ReturnsCommand::Generate(GenerateCommand::Cin(args)) => {
            let xml = cin::generate::generate(args.year, args.children, args.seed);
            std::fs::write(&args.out, xml)
                .with_context(|| format!("{}: cannot write", args.out.display()))
                .map(|()| ExitCode::SUCCESS)
        }
        ReturnsCommand::Generate(GenerateCommand::Ssda903(args)) => {
            write_generated(&args).map(|()| ExitCode::SUCCESS)
        }
        ReturnsCommand::Rules(args) => list_rules(&args).map(|()| ExitCode::SUCCESS),
        // Read the database: run by main with the others that do.
        ReturnsCommand::AnnexA(_) | ReturnsCommand::Export(_) => Ok(ExitCode::SUCCESS),
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::from(2)
    })
}

fn validate(args: &ValidateArgs) -> Result<ExitCode> {
    let this = Tables::open(&args.dir)?;
    let default_last = args.dir.join("last-year");
    let last_dir = match &args.last_year {
        Some(dir) => Some(dir.clone()),
        None => default_last.is_dir().then_some(default_last),
    };
    let last = match &last_dir {
        Some(dir) => Tables::open(dir)?,
        None => Tables::Archive(Vec::new()),
    };
    let bytes = this.bytes().saturating_add(last.bytes());
    let mut progress = ProgressLine::for_input(bytes);
    progress.show(format_args!(
        "Reading {} files ({:.1} MB)...",
        this.count() + last.count(),
        mb(bytes)
    ));
    // One file's bytes at a time beside the typed tables.
    let ret = Return::parse_each(args.year, this.sources(), last.sources())?;
    if ret.is_empty() {
        progress.clear();
        anyhow::bail!(ssda903::ReadError::NoTables {
            folder: args.dir.display().to_string()
        });
    }
    let validation = ssda903::validate_with_progress(&ret, |p| {
        progress.tick(format_args!(
            "Validating: rule {} of {} ({})",
            p.done + 1,
            p.total,
            p.rule
        ));
    });
    progress.clear();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Jsonl => write_jsonl(&mut out, &validation)?,
        Format::Text => write_report(
            &mut out,
            &ret,
            &validation,
            &args.dir,
            last_dir.as_deref(),
            args.limit,
        )?,
    }
    out.flush()?;
    Ok(if validation.any_flagged() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn mb(bytes: usize) -> f64 {
    // Display only: a return's size in megabytes to one decimal.
    #[allow(clippy::cast_precision_loss)]
    let bytes = bytes as f64;
    bytes / 1_000_000.0
}

/// A one-line progress indicator on stderr, shown only for large inputs (over
/// [`ProgressLine::LARGE`] bytes) and only when stderr is a terminal, so that scripts,
/// pipes and logs never see it. Each message overwrites the last; updates are limited
/// to a few a second.
struct ProgressLine {
    enabled: bool,
    last: Option<std::time::Instant>,
    width: usize,
}

impl ProgressLine {
    /// Inputs smaller than this (about 25,000 children) validate in under half a second.
    const LARGE: usize = 5_000_000;

    fn for_input(bytes: usize) -> ProgressLine {
        use std::io::IsTerminal;
        ProgressLine {
            enabled: bytes >= Self::LARGE && std::io::stderr().is_terminal(),
            last: None,
            width: 0,
        }
    }

    /// Shows `message` now.
    fn show(&mut self, message: std::fmt::Arguments<'_>) {
        if !self.enabled {
            return;
        }
        let text = message.to_string();
        let mut err = std::io::stderr().lock();
        // Progress is best effort: a failed write to the terminal is not an error.
        let _ = write!(err, "\r{text:<width$}", width = self.width);
        let _ = err.flush();
        self.width = text.chars().count();
        self.last = Some(std::time::Instant::now());
    }

    /// Shows `message` unless the last update was very recent.
    fn tick(&mut self, message: std::fmt::Arguments<'_>) {
        let due = self
            .last
            .is_none_or(|t| t.elapsed() >= std::time::Duration::from_millis(100));
        if self.enabled && due {
            self.show(message);
        }
    }

    /// Removes the line, leaving the terminal as it was.
    fn clear(&mut self) {
        if self.enabled && self.width > 0 {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{:width$}\r", "", width = self.width);
            let _ = err.flush();
            self.width = 0;
        }
    }
}

/// A 903 return's tables as handed in: the CSV files of a folder (read one at a time,
/// as the tables are built) or the files of a zip archive (unpacked in memory).
enum Tables {
    Folder(Vec<PathBuf>),
    Archive(Vec<Source>),
}

/// The 903 CSV files in the folder (or zip archive) `path`, read.
pub(crate) fn ssda903_files(path: &Path) -> Result<Vec<Source>> {
    Ok(Tables::open(path)?
        .sources()
        .collect::<Result<Vec<Source>, _>>()?)
}

impl Tables {
    /// The CSV files in the folder `path`, in name order; or, if `path` is a file, the
    /// files of the zip archive it is.
    fn open(path: &Path) -> Result<Tables> {
        if path.is_file() {
            let archive = Source::read(path)?;
            if !carebridge_returns::source::is_zip(&archive.content) {
                anyhow::bail!(
                    "{}: expected a folder of CSV files or a zip archive of them",
                    path.display()
                );
            }
            // A return's tables together: four times what one table may be.
            let limit = 4 * ssda903::MAX_FILE_BYTES;
            return Ok(Tables::Archive(carebridge_returns::source::unzip(
                vec![archive],
                limit,
            )?));
        }
        let entries = std::fs::read_dir(path)
            .with_context(|| format!("{}: cannot read the folder", path.display()))?;
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry
                .with_context(|| format!("{}: cannot read the folder", path.display()))?
                .path();
            let is_csv = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            if is_csv && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        Ok(Tables::Folder(paths))
    }

    fn count(&self) -> usize {
        match self {
            Tables::Folder(paths) => paths.len(),
            Tables::Archive(files) => files.len(),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Tables::Folder(paths) => paths
                .iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| usize::try_from(m.len()).unwrap_or(usize::MAX))
                .fold(0, usize::saturating_add),
            Tables::Archive(files) => files.iter().map(|f| f.content.len()).sum(),
        }
    }

    fn sources(self) -> Box<dyn Iterator<Item = Result<Source, ssda903::ReadError>>> {
        match self {
            Tables::Folder(paths) => Box::new(paths.into_iter().map(|p| Source::read(&p))),
            Tables::Archive(files) => Box::new(files.into_iter().map(Ok)),
        }
    }
}

fn write_jsonl(out: &mut impl Write, validation: &Validation) -> Result<()> {
    // Each line is `{"table":…,"row":…,"rule":…,"fields":[…]}`: the text before the row
    // depends only on the table, the text after it only on the rule, so each is made
    // once and the row number written between them.
    use std::collections::hash_map::{Entry, HashMap};
    let mut before = HashMap::new();
    let mut after: HashMap<&str, String> = HashMap::new();
    for flagged in validation.flagged_rows() {
        let label = (flagged.flag.table, flagged.flag.last_year);
        if let Entry::Vacant(slot) = before.entry(label) {
            let name = serde_json::to_string(&flagged.flag.table_label())?;
            slot.insert(format!("{{\"table\":{name},\"row\":"));
        }
        if let Entry::Vacant(slot) = after.entry(flagged.rule) {
            slot.insert(format!(
                ",\"rule\":{},\"fields\":{}}}\n",
                serde_json::to_string(flagged.rule)?,
                serde_json::to_string(flagged.fields)?
            ));
        }
        if let (Some(b), Some(a)) = (before.get(&label), after.get(flagged.rule)) {
            write!(out, "{b}{}{a}", flagged.flag.row)?;
        }
    }
    Ok(())
}

fn write_report(
    out: &mut impl Write,
    ret: &Return,
    validation: &Validation,
    dir: &Path,
    last_dir: Option<&Path>,
    limit: usize,
) -> Result<()> {
    let year = validation.year;
    writeln!(out, "SSDA903 {year} validation of {}", dir.display())?;
    writeln!(out)?;
    writeln!(out, "Tables read:")?;
    for table in ssda903::TableName::ALL {
        match ret.table(table) {
            Some(t) => writeln!(
                out,
                "  {:<15} {:>8} rows  {}",
                table.as_str(),
                t.len(),
                t.file()
            )?,
            None => writeln!(out, "  {:<15}     not supplied", table.as_str())?,
        }
    }
    match last_dir {
        Some(dir) => {
            let names: Vec<&str> = ssda903::TableName::ALL
                .into_iter()
                .filter(|t| ret.last_year_table(*t).is_some())
                .map(|t| t.as_str())
                .collect();
            writeln!(out, "  Last year ({}): {}", dir.display(), names.join(", "))?;
        }
        None => writeln!(
            out,
            "  Last year: not supplied (use --last-year DIR2); rules comparing years were not run"
        )?,
    }

    write_body(
        out,
        &Report::of_903(ret, validation, limit),
        &year.to_string(),
        "Details (line: the file's line, the header is line 1):",
        "child",
        "return",
    )
}

/// What both reports say after their tables: the summary, each rule that flagged rows
/// with its rows, the rules not run for want of data, and those not checked.
fn write_body(
    out: &mut impl Write,
    report: &Report,
    year: &str,
    details: &str,
    child_label: &str,
    what: &str,
) -> Result<()> {
    let not_run: usize = report.not_run.iter().map(|(_, codes)| codes.len()).sum();
    writeln!(out)?;
    writeln!(out, "Summary: {} rules in {year}.", report.total)?;
    writeln!(
        out,
        "  {} checked: {} flagged {} rows, {} found nothing.",
        report.checked,
        report.fired.len(),
        report.flagged_rows,
        report.checked - report.fired.len()
    )?;
    if not_run > 0 {
        writeln!(
            out,
            "  {not_run} not run: a table they need, Ofsted's provider lists or the ONS postcode lookup was not supplied (listed at the end)."
        )?;
    }
    if !report.not_checked.is_empty() {
        writeln!(
            out,
            "  {} NOT CHECKED: not yet implemented in Carebridge (listed at the end).",
            report.not_checked.len()
        )?;
    }
    if !report.fired.is_empty() {
        writeln!(out)?;
        writeln!(out, "Rules that flagged rows:")?;
        writeln!(out, "  {:<10} {:>7}  message", "rule", "rows")?;
        for rule in &report.fired {
            writeln!(
                out,
                "  {:<10} {:>7}  {}",
                rule.code, rule.count, rule.message
            )?;
        }
        writeln!(out)?;
        writeln!(out, "{details}")?;
        for rule in &report.fired {
            writeln!(out)?;
            writeln!(out, "Rule {}: {}", rule.code, rule.message)?;
            for row in &rule.rows {
                match &row.child {
                    Some(child) => writeln!(
                        out,
                        "  {:<20} {child_label} {child:<12} {}",
                        row.place,
                        row.fields.join("  ")
                    )?,
                    None if row.fields.is_empty() => writeln!(out, "  {}", row.place)?,
                    None => writeln!(out, "  {} {}", row.place, row.fields.join("  "))?,
                }
            }
            if rule.rows.len() < rule.count {
                writeln!(
                    out,
                    "  ... and {} more (--limit 0 shows all; --format jsonl lists every row)",
                    rule.count - rule.rows.len()
                )?;
            }
        }
    }
    for (needs, codes) in &report.not_run {
        writeln!(out)?;
        writeln!(out, "Not run, needs {needs} ({}):", codes.len())?;
        write_wrapped(out, codes)?;
    }
    if !report.not_checked.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "NOT CHECKED, not yet implemented in Carebridge ({}); the {what} may break these:",
            report.not_checked.len()
        )?;
        write_wrapped(out, &report.not_checked)?;
    }
    Ok(())
}

fn write_wrapped(out: &mut impl Write, items: &[&str]) -> Result<()> {
    let mut line = String::from(" ");
    for item in items {
        if line.len() + item.len() > 88 {
            writeln!(out, "{line}")?;
            line = String::from(" ");
        }
        line.push(' ');
        line.push_str(item);
    }
    writeln!(out, "{line}")?;
    Ok(())
}

fn list_rules(args: &RulesArgs) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if args.kind == ReturnKind::Cin {
        for facts in carebridge_returns::catalogue::cin_rules_of(args.year) {
            let status = if cin::rules::find(facts.code).is_some() {
                "implemented"
            } else {
                "not-implemented"
            };
            writeln!(out, "{}\t{status}", facts.code)?;
        }
        return Ok(());
    }
    for facts in ssda903::rules_of(args.year) {
        let status = if ssda903::rules::find(facts.code).is_some() {
            "implemented"
        } else if ssda903::rules::outside_data(facts.code).is_some() {
            "needs-outside-data"
        } else {
            "not-implemented"
        };
        writeln!(out, "{}\t{status}", facts.code)?;
    }
    Ok(())
}

fn write_generated(args: &GenerateArgs) -> Result<()> {
    let options = generate::Options {
        readable_dates: args.readable_dates,
    };
    let generated = generate::generate_with(args.year, args.children, args.seed, options);
    let last_dir = args.out.join("last-year");
    for (dir, files) in [(&args.out, &generated.this), (&last_dir, &generated.last)] {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
        for (table, content) in files {
            let path = dir.join(format!("{}.csv", table.as_str().to_lowercase()));
            std::fs::write(&path, content)
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
    }
    Ok(())
}

fn validate_cin(args: &ValidateCinArgs) -> Result<ExitCode> {
    let mut file = Source {
        name: args.file.display().to_string(),
        content: cin::read_file(&args.file)?,
    };
    // A zip archive holding the census: its one file.
    if carebridge_returns::source::is_zip(&file.content) {
        let mut files = carebridge_returns::source::unzip(vec![file], cin::MAX_FILE_BYTES)?;
        file = match files.pop() {
            Some(only) if files.is_empty() => only,
            _ => anyhow::bail!(
                "{}: a CIN census is one XML file: the archive holds {} files",
                args.file.display(),
                files.len() + 1
            ),
        };
    }
    let content = file.content;
    let mut progress = ProgressLine::for_input(content.len());
    progress.show(format_args!(
        "Reading {} ({:.1} MB)...",
        file.name,
        mb(content.len())
    ));
    let census = cin::Census::parse(args.year, &file.name, &content);
    let census = match census {
        Ok(census) => census,
        Err(error) => {
            progress.clear();
            return Err(error.into());
        }
    };
    let validation = cin::validate_with_progress(&census, |p| {
        progress.tick(format_args!(
            "Validating: rule {} of {} ({})",
            p.done + 1,
            p.total,
            p.rule
        ));
    });
    progress.clear();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        Format::Jsonl => write_cin_jsonl(&mut out, &census, &validation)?,
        Format::Text => write_cin_report(&mut out, &census, &validation, &args.file, args.limit)?,
    }
    out.flush()?;
    Ok(if validation.any_flagged() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// One flagged row of the census, as the issue specifies: `row` is the child's 0-based
/// position in the document; `table_row` is the 0-based row of `table` (the reference
/// validator's numbering, which tells a child's episodes apart). A rule about the
/// return as a whole has neither table nor rows. The rows of each table are in
/// document order, so sorting by table, table row and rule also sorts by table, row
/// and rule.
#[derive(serde::Serialize)]
struct CinJsonRow<'a> {
    table: Option<&'static str>,
    row: Option<usize>,
    rule: &'a str,
    fields: &'a [&'static str],
    table_row: Option<u32>,
}

fn write_cin_jsonl(
    out: &mut impl Write,
    census: &cin::Census,
    validation: &cin::Validation,
) -> Result<()> {
    for flagged in validation.flagged_rows() {
        let table = flagged.flag.table;
        let child = table
            .filter(|t| *t != cin::TableName::Header)
            .map(|t| census.table(t).child(flagged.flag.row as usize));
        let row = CinJsonRow {
            table: table.map(cin::TableName::as_str),
            row: child,
            rule: flagged.rule,
            fields: flagged.fields,
            table_row: table.map(|_| flagged.flag.row),
        };
        serde_json::to_writer(&mut *out, &row)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn write_cin_report(
    out: &mut impl Write,
    census: &cin::Census,
    validation: &cin::Validation,
    file: &Path,
    limit: usize,
) -> Result<()> {
    let year = validation.year;
    writeln!(out, "CIN census {year} validation of {}", file.display())?;
    writeln!(out)?;
    writeln!(out, "Tables read from the XML:")?;
    for table in cin::TableName::ALL {
        writeln!(
            out,
            "  {:<22} {:>8} rows",
            table.as_str(),
            census.table(table).len()
        )?;
    }
    match census.period() {
        Some((start, end)) => writeln!(
            out,
            "  Census period (from the ReferenceDate): {start} to {end}"
        )?,
        None => writeln!(
            out,
            "  Census period: unknown, the Header's ReferenceDate is missing or not a date"
        )?,
    }
    write_body(
        out,
        &Report::of_cin(census, validation, limit),
        &year.to_string(),
        "Details (row: the table's row; child: the child's position in the file, from 0):",
        "LAchildID",
        "census",
    )
}
