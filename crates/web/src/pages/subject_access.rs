//! Subject access requests: the information governance lead's form, and the bundle it
//! produces — a standalone page to print (or save as PDF) and a JSON download, both
//! from one use case (`carebridge_app::subject_access`) that asks the policy and audits
//! the export in the transaction that reads the record.
//!
//! The form is a POST with the session's CSRF token, since every export is an audited
//! action; the answer is never cached (the security layer's `no-store`) and its file
//! name carries the record's number and the request's reference, never the child's name.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use carebridge_app::subject_access::{ReviewFlag, SubjectAccessBundle, BUNDLE_FORMAT};
use carebridge_app::AppError;
use carebridge_domain::casefile::Problems;
use carebridge_domain::ChildId;
use carebridge_policy::{AuthorityAction, ChildAction};
use serde::Deserialize;

use super::casework::{FieldError, FieldErrors};
use super::{form_page, see_other, Chrome};
use crate::session::Session;
use crate::{AppState, WebError};

fn child_id(text: &str) -> Result<ChildId, WebError> {
    text.parse().map(ChildId).map_err(|_| WebError::NotFound)
}

fn failed(session: &Session, e: impl Into<WebError>) -> Response {
    e.into().page(Chrome::for_session(session, "governance"))
}

/// The form's fields as sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct SubjectAccessForm {
    #[serde(default)]
    pub(crate) csrf_token: String,
    #[serde(default)]
    pub(crate) reference: String,
    #[serde(default)]
    pub(crate) requester: String,
    #[serde(default)]
    pub(crate) format: String,
}

#[derive(Template)]
#[template(path = "subject_access.html")]
struct FormPage {
    chrome: Chrome,
    /// The child, or none when the IG lead is still to say which.
    id: Option<i64>,
    child: String,
    form: SubjectAccessForm,
    errors: FieldErrors,
}

fn field_errors(problems: &Problems) -> FieldErrors {
    FieldErrors(
        problems
            .0
            .iter()
            .map(|p| FieldError {
                id: p.field,
                message: p.message.clone(),
            })
            .collect(),
    )
}

/// The form for one child's subject access request.
pub(crate) async fn form(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if let Err(e) = state
        .app
        .authorise_child_action(&session.actor, ChildAction::SubjectAccessExport)
    {
        return Ok(failed(&session, e));
    }
    let child = child_id(&id)?;
    let page = FormPage {
        chrome: Chrome::for_session(&session, "governance"),
        id: Some(child.0),
        child: String::new(),
        form: SubjectAccessForm {
            format: "html".to_owned(),
            ..SubjectAccessForm::default()
        },
        errors: FieldErrors::default(),
    };
    form_page(&page, false)
}

#[derive(Debug, Deserialize)]
pub(crate) struct ChooseQuery {
    child: Option<String>,
}

/// From the governance page: which child the request is about (their record number).
pub(crate) async fn choose(
    session: Session,
    Query(query): Query<ChooseQuery>,
) -> Result<Response, WebError> {
    if let Some(page) = super::refused(&session, AuthorityAction::Govern, "governance") {
        return Ok(page);
    }
    let text = query.child.as_deref().unwrap_or("").trim().to_owned();
    if let Ok(n) = text.parse::<i64>() {
        if n > 0 {
            return Ok(see_other(&format!("/children/{n}/subject-access")));
        }
    }
    let mut errors = FieldErrors::default();
    if query.child.is_some() {
        errors.0.push(FieldError {
            id: "child",
            message: if text.is_empty() {
                "Enter the child's record number".to_owned()
            } else {
                "The record number must be a whole number, like 1042".to_owned()
            },
        });
    }
    let page = FormPage {
        chrome: Chrome::for_session(&session, "governance"),
        id: None,
        child: text,
        form: SubjectAccessForm::default(),
        errors,
    };
    form_page(&page, !page.errors.is_empty())
}

/// A piece of a text field: plain, or a flagged passage with its flag's number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    pub text: String,
    pub flag: Option<usize>,
}

/// A text field as paragraphs of pieces, the flagged passages marked.
pub(crate) fn highlighted(text: &str, flags: &[&ReviewFlag]) -> Vec<Vec<Piece>> {
    let mut spans: Vec<(usize, usize, usize)> = flags
        .iter()
        .filter_map(|f| {
            let number = f.id.strip_prefix("flag-")?.parse().ok()?;
            Some((f.start?, f.end?, number))
        })
        .filter(|(s, e, _)| {
            s < e && *e <= text.len() && text.is_char_boundary(*s) && text.is_char_boundary(*e)
        })
        .collect();
    spans.sort();
    let mut pieces = Vec::new();
    let mut at = 0;
    for (s, e, n) in spans {
        if s < at {
            continue;
        }
        if s > at {
            pieces.push(Piece {
                text: text[at..s].to_owned(),
                flag: None,
            });
        }
        pieces.push(Piece {
            text: text[s..e].to_owned(),
            flag: Some(n),
        });
        at = e;
    }
    if at < text.len() {
        pieces.push(Piece {
            text: text[at..].to_owned(),
            flag: None,
        });
    }
    let mut paragraphs = vec![Vec::new()];
    for piece in pieces {
        for (i, line) in piece.text.split('\n').enumerate() {
            if i > 0 {
                paragraphs.push(Vec::new());
            }
            if !line.is_empty() {
                if let Some(p) = paragraphs.last_mut() {
                    p.push(Piece {
                        text: line.to_owned(),
                        flag: piece.flag,
                    });
                }
            }
        }
    }
    paragraphs.retain(|p| !p.is_empty());
    paragraphs
}

/// A note as the bundle page shows it.
struct NoteView {
    item: String,
    heading: String,
    meta: String,
    summary: Vec<Vec<Piece>>,
    body: Vec<Vec<Piece>>,
}

#[derive(Template)]
#[template(path = "subject_access_bundle.html")]
struct BundlePage<'b> {
    b: &'b SubjectAccessBundle,
    csrf_token: String,
    format: &'static str,
    name: String,
    notes: Vec<NoteView>,
    restriction: Vec<Vec<Piece>>,
    flagged_items: usize,
}

impl BundlePage<'_> {
    /// Where a flag's checklist line links to: the marked passage, or its item.
    fn target(&self, f: &ReviewFlag) -> String {
        if f.start.is_some() {
            format!("#marked-{}", f.id.trim_start_matches("flag-"))
        } else {
            format!("#{}", f.item)
        }
    }

    /// The numbers of the flags on a whole item or field (not a passage).
    fn item_flags<S: AsRef<str> + ?Sized>(&self, item: &S) -> Vec<(usize, String)> {
        let item = item.as_ref();
        self.b
            .flags
            .iter()
            .filter(|f| f.item == item && f.start.is_none())
            .filter_map(|f| Some((f.id.strip_prefix("flag-")?.parse().ok()?, f.label.clone())))
            .collect()
    }
}

/// The file name of a download: the record's number and the request's reference (only
/// letters, digits and hyphens), never the child's name.
pub(crate) fn file_name(child: ChildId, reference: &str, extension: &str) -> String {
    let reference: String = reference
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .take(60)
        .collect();
    let reference = reference.trim_matches('-');
    if reference.is_empty() {
        format!("subject-access-child-{}.{extension}", child.0)
    } else {
        format!("subject-access-child-{}-{reference}.{extension}", child.0)
    }
}

/// Exports the record: the printable page or the JSON file; the form again with what
/// is wrong; or the refusal.
pub(crate) async fn export(
    session: Session,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Form(form): Form<SubjectAccessForm>,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf_token)?;
    let child = child_id(&id)?;
    let bundle = match state
        .app
        .subject_access_export(
            &session.actor,
            &session.meta,
            child,
            &form.reference,
            &form.requester,
            &form.format,
        )
        .await
    {
        Ok(bundle) => bundle,
        Err(AppError::Problems(problems)) => {
            let page = FormPage {
                chrome: Chrome::for_session(&session, "governance"),
                id: Some(child.0),
                child: String::new(),
                errors: field_errors(&problems),
                form,
            };
            return form_page(&page, true);
        }
        Err(e) => return Ok(failed(&session, e)),
    };
    if form.format.trim() == "json" {
        let body = serde_json::to_vec_pretty(&bundle)
            .map_err(|e| AppError::Internal(format!("writing the bundle as JSON: {e}")))?;
        let disposition = format!(
            "attachment; filename=\"{}\"",
            file_name(child, &bundle.request.reference, "json")
        );
        return Ok((
            [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            body,
        )
            .into_response());
    }
    let notes = bundle
        .notes
        .iter()
        .map(|n| {
            let seen = match (n.child_seen, n.seen_alone) {
                (Some(true), Some(true)) => "; child seen alone",
                (Some(true), _) => "; child seen, not alone",
                (Some(false), _) => "; child not seen",
                (None, _) => "",
            };
            NoteView {
                item: n.item.clone(),
                heading: format!(
                    "{} on {}",
                    n.kind.meaning,
                    crate::format::Day(n.occurred_on)
                ),
                meta: format!(
                    "Note {} under work {}; recorded by {} at {}{seen}",
                    n.id,
                    n.work_id,
                    n.recorded_by,
                    n.recorded_at.format("%Y-%m-%d %H:%M UTC")
                ),
                summary: highlighted(
                    &n.summary,
                    &bundle.flags_in(&n.item, "summary").collect::<Vec<_>>(),
                ),
                body: highlighted(
                    &n.body,
                    &bundle.flags_in(&n.item, "body").collect::<Vec<_>>(),
                ),
            }
        })
        .collect();
    let restriction = bundle.restriction.as_deref().map_or_else(Vec::new, |r| {
        highlighted(
            r,
            &bundle.flags_in("restriction", "reason").collect::<Vec<_>>(),
        )
    });
    let mut items: Vec<&str> = bundle.flags.iter().map(|f| f.item.as_str()).collect();
    items.sort_unstable();
    items.dedup();
    let page = BundlePage {
        b: &bundle,
        csrf_token: session.csrf_token.clone(),
        format: BUNDLE_FORMAT,
        name: format!("{} {}", bundle.child.given_name, bundle.child.family_name),
        notes,
        restriction,
        flagged_items: items.len(),
    };
    let html = page.render()?;
    let disposition = format!(
        "inline; filename=\"{}\"",
        file_name(child, &bundle.request.reference, "html")
    );
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        html,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use carebridge_domain::casefile::third_party::FlagKind;

    fn flag(n: usize, start: usize, end: usize) -> ReviewFlag {
        ReviewFlag {
            id: format!("flag-{n}"),
            item: "note-1".into(),
            field: "body".into(),
            kind: FlagKind::Name,
            label: "Name".into(),
            text: String::new(),
            start: Some(start),
            end: Some(end),
            reason: String::new(),
        }
    }

    #[test]
    fn flagged_passages_are_marked_and_lines_become_paragraphs() {
        let text = "Saw Dan Smith.\nMum rang.";
        let flags = [flag(1, 4, 13), flag(2, 15, 18)];
        let refs: Vec<&ReviewFlag> = flags.iter().collect();
        let p = highlighted(text, &refs);
        assert_eq!(p.len(), 2);
        assert_eq!(
            p[0][1],
            Piece {
                text: "Dan Smith".into(),
                flag: Some(1)
            }
        );
        assert_eq!(
            p[1][0],
            Piece {
                text: "Mum".into(),
                flag: Some(2)
            }
        );
        // Out-of-range or overlapping spans are ignored, never a panic.
        let bad = [flag(3, 2, 99), flag(4, 1, 3), flag(5, 2, 4)];
        let refs: Vec<&ReviewFlag> = bad.iter().collect();
        let joined: String = highlighted("éa", &refs)
            .concat()
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(joined, "éa");
    }

    #[test]
    fn file_names_never_carry_more_than_the_number_and_reference() {
        assert_eq!(
            file_name(ChildId(12), "SAR 2026/0042", "json"),
            "subject-access-child-12-SAR-2026-0042.json"
        );
        assert_eq!(
            file_name(ChildId(12), "\"';", "html"),
            "subject-access-child-12.html"
        );
    }
}
