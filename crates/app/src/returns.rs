//! Statutory lists made from the records: Ofsted's Annex A and the SSDA903 return.
//!
//! Who may: the policy's `AuthorityAction::ProduceReturns` (performance analysts and the
//! director), or the database operator on the command line. The lists are read in one
//! snapshot of the whole authority, restricted records included (a statutory list
//! counts every child; it names none), and every child on them gets an audit entry,
//! committed before the workbook is handed back, so a child's access log shows each
//! time their details went into an inspection list.

use carebridge_policy::{decide, AuthorityAction};
use carebridge_returns::annex_a::{self, workbook, AnnexA, Window};
use carebridge_returns::cin::export::{self as cin_export, CinExport, Sender};
use carebridge_returns::ssda903::export::{self, ExportedTable};
use carebridge_returns::ssda903::CollectionYear;
use carebridge_store::audit::NewAuditEntry;

use crate::accounts::Actor;
use crate::records::{audit_entry, RequestMeta};
use crate::{App, AppError};

/// Who asks for the lists.
#[derive(Debug, Clone, Copy)]
pub enum Producer<'a> {
    /// A signed-in person, through the policy.
    Person(&'a Actor, &'a RequestMeta),
    /// The database operator on the command line (who holds the database anyway).
    Operator,
}

/// Annex A, as lists and as the workbook's bytes.
#[derive(Debug, Clone)]
pub struct AnnexAWorkbook {
    /// The lists.
    pub annex: AnnexA,
    /// The .xlsx file.
    pub bytes: Vec<u8>,
    /// A file name without any child's name, e.g. `annex-a-2025-12-01-to-2026-11-30.xlsx`.
    pub file_name: String,
}

/// Every child on a list, audited as listed by the producer, after the list's own entry.
pub(crate) fn listed_entries(
    base: &NewAuditEntry,
    children: impl ExactSizeIterator<Item = carebridge_domain::ChildId>,
    action: &str,
) -> Vec<NewAuditEntry> {
    let mut entries = Vec::with_capacity(children.len() + 1);
    let mut summary = base.clone();
    summary.reason = format!("{}; {} children listed", base.reason, children.len());
    entries.push(summary);
    for child in children {
        let mut entry = base.clone();
        entry.action = action.to_owned();
        entry.child = Some(child);
        entries.push(entry);
    }
    entries
}

/// An audit entry for what the database operator did on the command line (who holds
/// the database anyway, so nothing is refused).
pub(crate) fn operator_entry(
    action: &str,
    reason: String,
    at: chrono::DateTime<chrono::Utc>,
) -> NewAuditEntry {
    NewAuditEntry {
        at,
        user: None,
        username: "command line".to_owned(),
        employer: None,
        role: "system".to_owned(),
        action: action.to_owned(),
        child: None,
        allowed: true,
        reason,
        request_id: "cli".to_owned(),
        client: "local".to_owned(),
    }
}

impl App {
    /// The audit entry a list starts from, and the producer's name; a refusal is
    /// audited and returned.
    async fn producing(
        &self,
        producer: Producer<'_>,
        action: &str,
        what: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(NewAuditEntry, String), AppError> {
        match producer {
            Producer::Person(actor, meta) => {
                let decision = decide(&actor.subject(), AuthorityAction::ProduceReturns);
                let mut entry = audit_entry(actor, meta, action, None, decision.as_ref(), at);
                entry.reason = format!("{what}: {}", entry.reason);
                if let Err(denial) = decision {
                    self.store().append_audit(&entry).await?;
                    return Err(AppError::Forbidden(denial.describe()));
                }
                Ok((entry, actor.display_name.clone()))
            }
            Producer::Operator => Ok((
                operator_entry(action, format!("{what}: by the database operator"), at),
                "the database operator (command line)".to_owned(),
            )),
        }
    }

    /// Ofsted's Annex A for `window`: lists 1 to 11 from the records, and the workbook.
    /// A refusal is audited; so is every child on the lists.
    pub async fn annex_a(
        &self,
        producer: Producer<'_>,
        window: Window,
    ) -> Result<AnnexAWorkbook, AppError> {
        let at = self.clock().now();
        let what = format!(
            "Ofsted Annex A for {} to {}",
            window.from().format("%-d %B %Y"),
            window.to().format("%-d %B %Y")
        );
        let (base, by) = self.producing(producer, "annex-a", &what, at).await?;
        let authority = self
            .store()
            .authority()
            .await?
            .map_or_else(|| "the authority".to_owned(), |a| a.name);
        let mut tx = self.store().begin_reading().await?;
        let records = tx.statutory_records(window.from(), window.to()).await?;
        let annex = annex_a::build(&records, window);
        let children = annex.children();
        tx.finish_all(&listed_entries(
            &base,
            children.into_iter(),
            "annex-a-listed",
        ))
        .await?;
        let produced = workbook::Produced { authority, by, at };
        let bytes = workbook::write(&annex, &produced)
            .map_err(|e| AppError::Internal(format!("writing the Annex A workbook: {e}")))?;
        let file_name = format!("annex-a-{}-to-{}.xlsx", window.from(), window.to());
        Ok(AnnexAWorkbook {
            annex,
            bytes,
            file_name,
        })
    }

    /// The SSDA903 return for `year` from the records (the tables listed in
    /// [`export::PRODUCED`]); every child on it audited, a refusal too.
    pub async fn ssda903_export(
        &self,
        producer: Producer<'_>,
        year: CollectionYear,
    ) -> Result<Vec<ExportedTable>, AppError> {
        let at = self.clock().now();
        let what = format!("SSDA903 return for {year}");
        let (base, _) = self
            .producing(producer, "ssda903-export", &what, at)
            .await?;
        let mut tx = self.store().begin_reading().await?;
        let records = tx
            .statutory_records(year.start_date(), year.end_date())
            .await?;
        let tables = export::export(&records, year);
        let children: std::collections::BTreeSet<carebridge_domain::ChildId> = tables
            .iter()
            .filter(|t| t.table == carebridge_returns::ssda903::TableName::Header)
            .flat_map(|t| t.rows.iter())
            .filter_map(|row| row.first()?.parse().ok())
            .collect();
        tx.finish_all(&listed_entries(
            &base,
            children.into_iter(),
            "ssda903-listed",
        ))
        .await?;
        Ok(tables)
    }

    /// The CIN census for `year` from the records, as XML; every child on it audited,
    /// a refusal too. The header carries the LA number set with
    /// [`App::with_la_number`], if any.
    pub async fn cin_export(
        &self,
        producer: Producer<'_>,
        year: CollectionYear,
    ) -> Result<CinExport, AppError> {
        let at = self.clock().now();
        let what = format!("CIN census for {year}");
        let (base, _) = self.producing(producer, "cin-export", &what, at).await?;
        let mut tx = self.store().begin_reading().await?;
        let records = tx
            .statutory_records(year.start_date(), year.end_date())
            .await?;
        let sender = Sender {
            la_number: self.la_number.as_deref(),
            at,
        };
        let census = cin_export::export(&records, year, &sender);
        tx.finish_all(&listed_entries(
            &base,
            census.children.iter().copied(),
            "cin-listed",
        ))
        .await?;
        Ok(census)
    }
}
