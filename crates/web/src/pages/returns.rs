//! Statutory returns in the browser: an analyst uploads a 903 return's CSV files (a
//! folder's files, chosen together, or a zip archive of them; last year's too, for the
//! rules that compare years) or a CIN census XML file (or a zip holding it), and sees the errors by rule with counts, each rule opening
//! onto its rows (where in which file, which child, the fields' values).
//!
//! Who may: the policy's [`AuthorityAction::ValidateReturns`]. Nothing uploaded is kept:
//! the files are read and checked in memory (off the async threads) and only the report
//! is sent back. Files any system made can be checked, not only Carebridge's.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::response::Response;
use carebridge_policy::AuthorityAction;
use carebridge_returns::report::Report;
use carebridge_returns::source::unzip;
use carebridge_returns::ssda903::{CollectionYear, Source, SUPPORTED_YEARS};
use carebridge_returns::{cin, ssda903};

use super::Chrome;
use crate::session::Session;
use crate::{AppState, WebError};

/// The largest upload accepted, all files together (a large authority's 903 return is
/// about 30 MB; a CIN census about 15 MB per 10,000 children).
pub(crate) const RETURNS_UPLOAD_LIMIT: usize = 200 * 1024 * 1024;

/// The most a return's zip archives may unpack to, all files together.
const UNPACKED_LIMIT: u64 = 1024 * 1024 * 1024;

/// Rows shown per rule (the count is always whole).
const ROWS_PER_RULE: usize = 200;

#[derive(Template)]
#[template(path = "returns.html")]
struct ReturnsPage {
    chrome: Chrome,
    years: Vec<String>,
    kind: String,
    year: String,
    /// (input id, message).
    problems: Vec<(String, String)>,
    /// The files checked, with their sizes.
    files: Vec<(String, String)>,
    report: Option<Report>,
    /// Whether the person may make returns from the records (Annex A, the 903, the CIN
    /// census).
    may_produce: bool,
    /// Whether the report is of a return made from the records: its children are
    /// Carebridge ids, linked to their records.
    from_records: bool,
}

impl ReturnsPage {
    fn new(session: &Session) -> Self {
        let years: Vec<String> = SUPPORTED_YEARS.iter().map(ToString::to_string).collect();
        ReturnsPage {
            chrome: Chrome::for_session(session, "returns"),
            year: years.last().cloned().unwrap_or_default(),
            years,
            kind: String::new(),
            problems: Vec::new(),
            files: Vec::new(),
            report: None,
            may_produce: carebridge_policy::decide(
                &session.actor.subject(),
                AuthorityAction::ProduceReturns,
            )
            .is_ok(),
            from_records: false,
        }
    }

    fn error(&self, id: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, m)| m.as_str())
    }
}

/// The upload form.
pub(crate) async fn form(session: Session) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ValidateReturns, "returns") {
        return Ok(page);
    }
    super::render(&ReturnsPage::new(&session))
}

/// What the form sent.
#[derive(Debug, Default)]
struct Upload {
    csrf_token: String,
    kind: String,
    year: String,
    this: Vec<Source>,
    last: Vec<Source>,
    too_large: bool,
}

async fn read_upload(mut multipart: Multipart) -> Upload {
    let mut upload = Upload::default();
    let mut total = 0usize;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                upload.too_large = true;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "files" || name == "last_year" {
            let file = field.file_name().unwrap_or_default().to_owned();
            let mut content = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        total += chunk.len();
                        if total > RETURNS_UPLOAD_LIMIT {
                            upload.too_large = true;
                            return upload;
                        }
                        content.extend_from_slice(&chunk);
                    }
                    Ok(None) => break,
                    Err(_) => {
                        upload.too_large = true;
                        return upload;
                    }
                }
            }
            // A file input left empty sends one part with no name and no bytes.
            if file.is_empty() && content.is_empty() {
                continue;
            }
            let source = Source {
                name: file,
                content,
            };
            if name == "files" {
                upload.this.push(source);
            } else {
                upload.last.push(source);
            }
        } else if let Ok(value) = field.text().await {
            match name.as_str() {
                "csrf_token" => upload.csrf_token = value,
                "kind" => upload.kind = value,
                "year" => upload.year = value,
                _ => {}
            }
        }
    }
    upload
}

/// Checks the uploaded return and shows the report, or the form with what is wrong.
pub(crate) async fn validate(
    session: Session,
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::ValidateReturns, "returns") {
        return Ok(page);
    }
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let upload = if multipart {
        let form = Multipart::from_request(request, &state)
            .await
            .map_err(|_| super::casefile::unreadable())?;
        read_upload(form).await
    } else {
        // A form sent without its files (no JavaScript needed, but a browser that
        // could not send multipart): read the fields so the answer names the problem.
        let axum_extra::extract::Form(values) = axum_extra::extract::Form::<
            std::collections::HashMap<String, String>,
        >::from_request(request, &state)
        .await
        .map_err(|_| super::casefile::unreadable())?;
        let field = |k: &str| values.get(k).cloned().unwrap_or_default();
        Upload {
            csrf_token: field("csrf_token"),
            kind: field("kind"),
            year: field("year"),
            ..Upload::default()
        }
    };
    session.check_csrf(&upload.csrf_token)?;

    let mut page = ReturnsPage::new(&session);
    page.kind.clone_from(&upload.kind);
    if !upload.year.is_empty() {
        page.year.clone_from(&upload.year);
    }
    page.files = listed(upload.this.iter().chain(&upload.last));
    let year: Option<CollectionYear> = upload.year.parse().ok();
    if upload.kind != "ssda903" && upload.kind != "cin" {
        page.problems
            .push(("kind".into(), "Select which return the files are".into()));
    }
    if year.is_none() {
        page.problems
            .push(("year".into(), "Select the collection year".into()));
    }
    if upload.too_large {
        page.problems.push((
            "files".into(),
            format!(
                "The files must be {} MB or smaller in all",
                RETURNS_UPLOAD_LIMIT / (1024 * 1024)
            ),
        ));
    } else if upload.this.is_empty() {
        page.problems.push((
            "files".into(),
            match upload.kind.as_str() {
                "cin" => "Select the CIN census XML file".into(),
                _ => "Select the return's CSV files".into(),
            },
        ));
    } else if upload.kind == "cin" && upload.this.len() > 1 {
        page.problems.push((
            "files".into(),
            "A CIN census is one XML file: select only that file".into(),
        ));
    }
    let Some(year) = year.filter(|_| page.problems.is_empty()) else {
        return super::form_page(&page, true);
    };
    let kind = upload.kind.clone();
    let checked = tokio::task::spawn_blocking(move || check(&kind, year, upload))
        .await
        .unwrap_or_else(|_| Err("The check of the files stopped: send them again".into()));
    match checked {
        Ok(checked) => {
            page.report = Some(checked.report);
            page.files = checked.files;
            super::form_page(&page, false)
        }
        Err(message) => {
            page.problems.push(("files".into(), message));
            super::form_page(&page, true)
        }
    }
}

/// Makes the SSDA903 return from the records for the chosen year: the report of what
/// the year's rules flag, each child linked to their record to put it right, or the
/// CSV files as one zip archive. Refused (and the refusal audited) for anyone who may
/// not make returns.
pub(crate) async fn ssda903_from_records(
    session: Session,
    State(state): State<AppState>,
    axum::Form(values): axum::Form<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    from_records(Made::Ssda903, session, state, values).await
}

/// Makes the CIN census from the records for the chosen year, like the 903: the report,
/// or the XML file.
pub(crate) async fn cin_from_records(
    session: Session,
    State(state): State<AppState>,
    axum::Form(values): axum::Form<std::collections::HashMap<String, String>>,
) -> Result<Response, WebError> {
    from_records(Made::Cin, session, state, values).await
}

/// Which return is made from the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Made {
    Ssda903,
    Cin,
}

impl Made {
    /// The form's kind, and the id of its year field.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Made::Ssda903 => ("ssda903", "export_year"),
            Made::Cin => ("cin", "cin_year"),
        }
    }
}

async fn from_records(
    made: Made,
    session: Session,
    state: AppState,
    values: std::collections::HashMap<String, String>,
) -> Result<Response, WebError> {
    use carebridge_app::returns::Producer;

    let field = |k: &str| values.get(k).map_or("", |v| v.trim());
    session.check_csrf(field("csrf_token"))?;
    let (kind, year_field) = made.names();
    let mut page = ReturnsPage::new(&session);
    page.kind = kind.to_owned();
    let year: CollectionYear = match field(year_field).parse() {
        Ok(year) => year,
        Err(_) if page.may_produce => {
            page.problems
                .push((year_field.into(), "Select the collection year".into()));
            return super::form_page(&page, true);
        }
        // Refused whatever the form says: the use case audits the refusal.
        Err(_) => {
            let [.., latest] = SUPPORTED_YEARS;
            latest
        }
    };
    let producer = Producer::Person(&session.actor, &session.meta);
    let files = match made {
        Made::Ssda903 => state
            .app
            .ssda903_export(producer, year)
            .await
            .and_then(|tables| {
                tables
                    .iter()
                    .map(|t| t.source())
                    .collect::<Result<Vec<Source>, _>>()
                    .map_err(|e| {
                        carebridge_app::AppError::Internal(format!("writing a 903 table: {e}"))
                    })
            }),
        Made::Cin => state.app.cin_export(producer, year).await.map(|census| {
            vec![Source {
                name: cin::export::CinExport::file_name(year),
                content: census.xml.into_bytes(),
            }]
        }),
    };
    let files = match files {
        Ok(files) => files,
        Err(e @ carebridge_app::AppError::Forbidden(_)) => {
            return Ok(WebError::from(e).page(page.chrome));
        }
        Err(e) => return Err(e.into()),
    };
    if field("action") == "download" {
        // The census is one XML file; the 903's tables go as one zip archive.
        if let (Made::Cin, [census]) = (made, files.as_slice()) {
            return Ok(super::download(
                &census.name,
                "application/xml",
                census.content.clone(),
            ));
        }
        let named: Vec<(&str, &[u8])> = files
            .iter()
            .map(|f| (f.name.as_str(), f.content.as_slice()))
            .collect();
        let archive = carebridge_returns::source::zip_files(&named)
            .map_err(|e| carebridge_app::AppError::Internal(e.to_string()))?;
        return Ok(super::download(
            &format!("ssda903-{year}.zip"),
            "application/zip",
            archive,
        ));
    }
    let checked = tokio::task::spawn_blocking(move || match made {
        Made::Cin => check_cin(year, &files),
        Made::Ssda903 => check_903(year, &files, &[]),
    })
    .await
    .unwrap_or_else(|_| Err("The check of the return stopped: try again".into()))
    .map_err(carebridge_app::AppError::Internal)?;
    page.year = year.to_string();
    page.report = Some(checked.report);
    page.files = checked.files;
    page.from_records = true;
    super::form_page(&page, false)
}

/// Reads and validates the files, zip archives opened into theirs; an unreadable input
/// is its error in words (which file, line and field).
fn check(kind: &str, year: CollectionYear, upload: Upload) -> Result<Checked, String> {
    let this = unzip(upload.this, UNPACKED_LIMIT).map_err(|e| e.to_string())?;
    if kind == "cin" {
        return check_cin(year, &this);
    }
    let last = unzip(upload.last, UNPACKED_LIMIT).map_err(|e| e.to_string())?;
    check_903(year, &this, &last)
}

/// Reads and validates a CIN census: one XML file.
fn check_cin(year: CollectionYear, files: &[Source]) -> Result<Checked, String> {
    let [file] = files else {
        return Err(format!(
            "A CIN census is one XML file: the archive holds {} files",
            files.len()
        ));
    };
    let census = cin::Census::parse(year, &file.name, &file.content).map_err(|e| e.to_string())?;
    let validation = cin::validate(&census);
    Ok(Checked {
        report: Report::of_cin(&census, &validation, ROWS_PER_RULE),
        files: listed(files),
    })
}

/// Reads and validates a 903 return's tables (this year's and last year's).
fn check_903(year: CollectionYear, this: &[Source], last: &[Source]) -> Result<Checked, String> {
    let ret = ssda903::Return::parse(year, this, last).map_err(|e| e.to_string())?;
    if ret.is_empty() {
        return Err("None of the files is a 903 table: each is recognised by its columns".into());
    }
    let validation = ssda903::validate(&ret);
    Ok(Checked {
        report: Report::of_903(&ret, &validation, ROWS_PER_RULE),
        files: listed(this.iter().chain(last)),
    })
}

/// A checked return: the report, and the files read (those in archives named inside).
struct Checked {
    report: Report,
    files: Vec<(String, String)>,
}

/// Files as the page lists them: name and size.
fn listed<'a>(files: impl IntoIterator<Item = &'a Source>) -> Vec<(String, String)> {
    files
        .into_iter()
        .map(|s| (s.name.clone(), size(s.content.len())))
        .collect()
}

/// A size in words: "812 bytes", "14.2 MB".
fn size(bytes: usize) -> String {
    if bytes < 1024 * 1024 {
        format!("{bytes} bytes")
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}
