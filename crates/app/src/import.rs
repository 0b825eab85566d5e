//! Importing returns made by a previous system: the common first step when an authority
//! starts on Carebridge. The database operator's commands (`carebridge import cin`,
//! `carebridge import ssda903`):
//! the file is read and planned in full first, and nothing is written unless every
//! child in it can be; then everything is written in one transaction, audited (the
//! import, and each child it touched) in the same transaction.

use carebridge_domain::imported::{ImportCounts, ImportedChild};
use carebridge_domain::service::ServiceCode;
use carebridge_returns::cin::import::plan;
use carebridge_returns::cin::{Census, ReadError};
use carebridge_returns::import::ImportProblem;
use carebridge_returns::ssda903::import::plan as ssda903_plan;
use carebridge_returns::ssda903::{CollectionYear, Return, Source};
use carebridge_store::import::Importer;

use crate::{App, AppError};

/// The account imported events are recorded by (it cannot sign in).
const IMPORT_ACCOUNT: &str = "import";

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not a readable census (the message names the line).
    #[error(transparent)]
    Unreadable(#[from] ReadError),
    /// The 903 tables cannot be read (the message names the file, line and field).
    #[error(transparent)]
    Unreadable903(#[from] carebridge_returns::ssda903::ReadError),
    /// Children in the file cannot be imported: every problem, each with its line.
    #[error("{} problems in the file; nothing was imported", .0.len())]
    Rejected(Vec<ImportProblem>),
    /// No service has the code given.
    #[error("no service has the code {0:?}: give the code of the service the work belongs to (e.g. CSC)")]
    UnknownService(String),
    /// The application failed.
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<carebridge_store::StoreError> for ImportError {
    fn from(e: carebridge_store::StoreError) -> Self {
        ImportError::App(e.into())
    }
}

impl App {
    /// Imports a CIN census (`file` names it in messages) made by a previous system:
    /// its children, episodes and what happened in them, filed under the service with
    /// code `service`. Importing the same file again changes nothing.
    pub async fn import_cin(
        &self,
        year: CollectionYear,
        file: &str,
        content: &[u8],
        service: &str,
    ) -> Result<ImportCounts, ImportError> {
        let census = Census::parse(year, file, content)?;
        let children = plan(&census, file, content).map_err(ImportError::Rejected)?;
        self.write_imported(
            ("cin", year.end_date()),
            &format!("CIN census {file}"),
            &children,
            service,
        )
        .await
    }

    /// Imports an SSDA903 return's tables (this year's; each file recognised by its
    /// columns) made by a previous system: its children, periods of care, placements,
    /// legal statuses and reviews, filed under the service with code `service`.
    /// Importing the same files again changes nothing.
    pub async fn import_ssda903(
        &self,
        year: CollectionYear,
        folder: &str,
        files: &[Source],
        service: &str,
    ) -> Result<ImportCounts, ImportError> {
        let ret = Return::parse(year, files, &[])?;
        self.import_ssda903_return(folder, &ret, service).await
    }

    /// [`App::import_ssda903`] of a return already read (by a caller that also looks
    /// at its tables).
    pub async fn import_ssda903_return(
        &self,
        folder: &str,
        ret: &Return,
        service: &str,
    ) -> Result<ImportCounts, ImportError> {
        let children = ssda903_plan(ret).map_err(ImportError::Rejected)?;
        self.write_imported(
            ("ssda903", ret.year().end_date()),
            &format!("SSDA903 return {folder}"),
            &children,
            service,
        )
        .await
    }

    /// Writes planned children under `source`'s keys, from a return of the records as
    /// at `as_at`, audited as the import of `what`.
    async fn write_imported(
        &self,
        (source, as_at): (&str, chrono::NaiveDate),
        what: &str,
        children: &[ImportedChild],
        service: &str,
    ) -> Result<ImportCounts, ImportError> {
        let code = ServiceCode::parse(service)
            .map_err(|_| ImportError::UnknownService(service.to_owned()))?;
        let service = self
            .store()
            .services()
            .await?
            .into_iter()
            .find(|s| s.code == code)
            .ok_or_else(|| ImportError::UnknownService(service.to_owned()))?;
        let recorded_by = self
            .system_account(IMPORT_ACCOUNT, "Imported from a previous system")
            .await?;
        let at = self.clock().now();
        let importer = Importer {
            source,
            service: service.id,
            recorded_by,
            closed_by: "Imported from a previous system",
            at,
            as_at,
        };
        let audit = |counts: &ImportCounts, ids: &[carebridge_domain::ChildId]| {
            let base = crate::returns::operator_entry(
                &format!("import-{source}"),
                format!(
                    "{what} imported by the database operator: {} children created, {} updated; \
                     {} pieces of work created, {} updated; {} events created; {} unchanged",
                    counts.children_created,
                    counts.children_updated,
                    counts.work_created,
                    counts.work_updated,
                    counts.events_created,
                    counts.unchanged
                ),
                at,
            );
            crate::returns::listed_entries(&base, ids.iter().copied(), "imported")
        };
        Ok(self
            .store()
            .import_children(&importer, children, audit)
            .await?)
    }
}
