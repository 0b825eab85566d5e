//! Page handlers and the pieces every page shares: the chrome (navigation, who is
//! signed in), the "as at" date control and pagination.

pub(crate) mod annex_a;
pub(crate) mod casefile;
pub(crate) mod casework;
pub(crate) mod children;
pub(crate) mod governance;
pub(crate) mod home;
pub(crate) mod instruments;
pub(crate) mod organisations;
pub(crate) mod provision;
pub(crate) mod returns;
pub(crate) mod sign_in;
pub(crate) mod subject_access;
pub(crate) mod transfers;
pub(crate) mod workforce;

use askama::Template;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use carebridge_policy::{decide, AuthorityAction};

use crate::error::{error_page, forbidden_page};
use crate::format::Day;
use crate::session::{self, Session};
use crate::{AppState, WebError};

/// One item of the service navigation.
#[derive(Debug, Clone)]
pub(crate) struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The navigation: key, path, label, and the action a role must be allowed to see it.
const NAV: &[(&str, &str, &str, Option<AuthorityAction>)] = &[
    ("home", "/", "Home", None),
    (
        "children",
        "/children",
        "Children",
        Some(AuthorityAction::ListChildren),
    ),
    (
        "caseloads",
        "/caseloads",
        "Caseloads",
        Some(AuthorityAction::ViewCaseloads),
    ),
    (
        "due",
        "/due",
        "Due work",
        Some(AuthorityAction::ViewDueWork),
    ),
    (
        "returns",
        "/returns",
        "Returns",
        Some(AuthorityAction::ValidateReturns),
    ),
    (
        "provision",
        "/provision",
        "Provision",
        Some(AuthorityAction::ViewAuthority),
    ),
    (
        "organisations",
        "/organisations",
        "Organisations",
        Some(AuthorityAction::ViewAuthority),
    ),
    (
        "services",
        "/services",
        "Services",
        Some(AuthorityAction::ViewAuthority),
    ),
    (
        "teams",
        "/teams",
        "Teams",
        Some(AuthorityAction::ViewAuthority),
    ),
    (
        "posts",
        "/posts",
        "Posts",
        Some(AuthorityAction::ViewAuthority),
    ),
    (
        "staff",
        "/staff",
        "Staff",
        Some(AuthorityAction::ViewAuthority),
    ),
    (
        "transfers",
        "/transfers",
        "Transfers",
        Some(AuthorityAction::ManageTransfers),
    ),
    (
        "governance",
        "/governance",
        "Governance",
        Some(AuthorityAction::Govern),
    ),
];

/// The 403 page when the policy does not allow the actor `action`; `None` when it does.
pub(crate) fn refused(
    session: &Session,
    action: AuthorityAction,
    section: &str,
) -> Option<Response> {
    decide(&session.actor.subject(), action)
        .err()
        .map(|denial| forbidden_page(Chrome::for_session(session, section), &denial.describe()))
}

/// What the layout needs on every page.
#[derive(Debug, Clone, Default)]
pub(crate) struct Chrome {
    /// Signed-in person's name and role, if signed in.
    pub user: Option<(String, &'static str)>,
    /// CSRF token for the sign-out form.
    pub csrf_token: String,
    /// Navigation, with the current section marked.
    pub nav: Vec<NavItem>,
    /// Carebridge's version, for the footer.
    pub version: &'static str,
}

impl Chrome {
    /// Chrome for someone not signed in (sign-in and error pages).
    pub fn anonymous() -> Self {
        Chrome {
            version: env!("CARGO_PKG_VERSION"),
            ..Chrome::default()
        }
    }

    /// Chrome for a signed-in page in section `current`.
    pub fn for_session(session: &Session, current: &str) -> Self {
        Chrome {
            user: Some((
                session.actor.display_name.clone(),
                session.actor.role.label(),
            )),
            csrf_token: session.csrf_token.clone(),
            nav: NAV
                .iter()
                .filter(|(_, _, _, action)| {
                    action.is_none_or(|a| decide(&session.actor.subject(), a).is_ok())
                })
                .map(|(key, href, label, _)| NavItem {
                    href,
                    label,
                    active: *key == current,
                })
                .collect(),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// Renders a template into a response.
pub(crate) fn render(page: &impl Template) -> Result<Response, WebError> {
    Ok(Html(page.render()?).into_response())
}

/// Renders a form page: 200, or 422 when it is shown again with what is wrong (the
/// GOV.UK pattern: the same page, its error summary, the values kept).
pub(crate) fn form_page(page: &impl Template, invalid: bool) -> Result<Response, WebError> {
    let status = if invalid {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The answer for any path no route matches: sign in first, then a proper 404 page.
pub(crate) async fn not_found(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, _) = request.into_parts();
    match Session::from_request_parts(&mut parts, &state).await {
        Ok(session) => error_page(StatusCode::NOT_FOUND, Chrome::for_session(&session, "")),
        Err(redirect) => redirect,
    }
}

/// The "as at" control's query: a date as three GOV.UK date-input fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct AsAtQuery {
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub page: Option<String>,
}

/// The date control as the page shows it back: the values typed and any error.
#[derive(Debug, Clone)]
pub(crate) struct AsAtControl {
    pub day: String,
    pub month: String,
    pub year: String,
    pub error: Option<String>,
    pub date: Day,
    pub is_today: bool,
}

impl AsAtControl {
    /// The query string that keeps this date on links (empty for today).
    pub fn query(&self) -> String {
        if self.is_today {
            String::new()
        } else {
            format!(
                "day={}&month={}&year={}",
                self.date.0.format("%-d"),
                self.date.0.format("%-m"),
                self.date.0.format("%Y")
            )
        }
    }
}

impl AsAtQuery {
    /// Reads the date asked about, or today when none was given. A date that is not real
    /// shows today's picture with an error on the control, as the GOV.UK pattern asks.
    pub fn control(&self, today: NaiveDate) -> AsAtControl {
        let (day, month, year) = (self.day.trim(), self.month.trim(), self.year.trim());
        let blank = day.is_empty() && month.is_empty() && year.is_empty();
        let parsed = if blank {
            Ok(today)
        } else if day.is_empty() || month.is_empty() || year.is_empty() {
            Err("Date must include a day, month and year".to_owned())
        } else {
            match (
                day.parse::<u32>(),
                month.parse::<u32>(),
                year.parse::<i32>(),
            ) {
                (Ok(d), Ok(m), Ok(y)) if (1900..=2100).contains(&y) => {
                    NaiveDate::from_ymd_opt(y, m, d)
                        .ok_or_else(|| "Date must be a real date".to_owned())
                }
                (Ok(_), Ok(_), Ok(_)) => Err("Year must be between 1900 and 2100".to_owned()),
                _ => Err("Date must be a real date, written in numbers, like 1 4 2022".to_owned()),
            }
        };
        let (date, error) = match parsed {
            Ok(d) => (d, None),
            Err(e) => (today, Some(e)),
        };
        AsAtControl {
            day: day.to_owned(),
            month: month.to_owned(),
            year: year.to_owned(),
            error,
            date: Day(date),
            is_today: date == today,
        }
    }

    /// The page number asked for (1-based); anything unreadable is page 1.
    pub fn page(&self) -> usize {
        self.page
            .as_deref()
            .and_then(|p| p.parse::<usize>().ok())
            .filter(|&p| p >= 1)
            .unwrap_or(1)
    }
}

/// A link in the pagination component.
#[derive(Debug, Clone)]
pub(crate) struct PageLink {
    pub number: usize,
    pub href: String,
    pub current: bool,
}

/// The GOV.UK pagination component's data.
#[derive(Debug, Clone)]
pub(crate) struct Pagination {
    pub links: Vec<PageLink>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub first_item: usize,
    pub last_item: usize,
    pub total: usize,
}

/// Rows per page of long lists.
pub(crate) const PAGE_SIZE: usize = 50;

impl Pagination {
    /// Pagination for `total` items on page `page` of `path`, keeping `query`.
    pub fn new(path: &str, query: &str, page: usize, total: usize) -> Self {
        let pages = total.div_ceil(PAGE_SIZE).max(1);
        let page = page.min(pages);
        let href = |n: usize| {
            if query.is_empty() {
                format!("{path}?page={n}")
            } else {
                format!("{path}?{query}&page={n}")
            }
        };
        Pagination {
            links: (1..=pages)
                .map(|n| PageLink {
                    number: n,
                    href: href(n),
                    current: n == page,
                })
                .collect(),
            previous: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
            first_item: if total == 0 {
                0
            } else {
                (page - 1) * PAGE_SIZE + 1
            },
            last_item: (page * PAGE_SIZE).min(total),
            total,
        }
    }

    /// The slice of `items` this page shows.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = self.first_item.saturating_sub(1).min(items.len());
        items
            .get(start..self.last_item.min(items.len()))
            .unwrap_or(&[])
    }

    /// Whether there is more than one page.
    pub fn is_needed(&self) -> bool {
        self.links.len() > 1
    }
}

/// A CSV file to download.
pub(crate) fn csv_download(file: &str, body: Vec<u8>) -> Response {
    download(file, "text/csv; charset=utf-8", body)
}

/// A file to download, as `content_type`, under the name `file`.
pub(crate) fn download(file: &str, content_type: &str, body: Vec<u8>) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// Redirect after a successful POST (the GOV.UK post/redirect/get pattern).
pub(crate) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Reads the session without redirecting (for the sign-in page).
pub(crate) async fn optional_session(
    headers: &axum::http::HeaderMap,
    state: &AppState,
) -> Result<Option<Session>, WebError> {
    session::current(headers, state).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(d: &str, m: &str, y: &str) -> AsAtQuery {
        AsAtQuery {
            day: d.into(),
            month: m.into(),
            year: y.into(),
            page: None,
        }
    }

    #[test]
    fn as_at_dates() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let c = q("", "", "").control(today);
        assert!(c.is_today && c.error.is_none() && c.query().is_empty());
        let c = q("1", "4", "2022").control(today);
        assert_eq!(c.date.0, NaiveDate::from_ymd_opt(2022, 4, 1).unwrap());
        assert_eq!(c.query(), "day=1&month=4&year=2022");
        assert_eq!(
            q("31", "2", "2022").control(today).error.as_deref(),
            Some("Date must be a real date")
        );
        assert!(q("1", "", "2022")
            .control(today)
            .error
            .unwrap()
            .contains("day, month and year"));
        assert!(q("a", "4", "2022").control(today).error.is_some());
        assert!(q("1", "4", "99999").control(today).error.is_some());
    }

    #[test]
    fn pagination_covers_every_item_once() {
        let items: Vec<usize> = (0..123).collect();
        let mut seen = Vec::new();
        for page in 1..=3 {
            let p = Pagination::new("/staff", "", page, items.len());
            seen.extend_from_slice(p.slice(&items));
        }
        assert_eq!(seen, items);
        let p = Pagination::new("/staff", "day=1&month=4&year=2022", 2, 123);
        assert_eq!(
            p.previous.as_deref(),
            Some("/staff?day=1&month=4&year=2022&page=1")
        );
        assert_eq!((p.first_item, p.last_item), (51, 100));
        let beyond = Pagination::new("/staff", "", 99, 123);
        assert_eq!(beyond.slice(&items).len(), 23);
        assert!(!Pagination::new("/staff", "", 1, 0).is_needed());
    }
}
