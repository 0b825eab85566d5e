//! Documents on a child's record in SQL, inside a [`RecordTx`]: adding one takes a
//! [`ChildAccess`] for [`carebridge_policy::ChildAction::Record`]; listing and reading
//! one, a capability for `Open`. Reading checks the stored SHA-256 against the bytes.

use sqlx::any::AnyRow;
use sqlx::Row;

use carebridge_domain::casefile::attachments::{
    content_hash, Attachment, DocumentType, NewAttachment,
};
use carebridge_domain::{AttachmentId, ChildId, InvolvementId, UserId};
use carebridge_policy::ChildAccess;
use chrono::{DateTime, Utc};

use crate::casefile::{reading, writing};
use crate::rows::{instant, instant_text};
use crate::{RecordTx, StoreError};

const COLUMNS: &str = "a.id, a.child_id, a.involvement_id, a.title, a.filename, \
     a.document_type, a.size_bytes, a.sha256, u.display_name AS recorded_by, a.recorded_at";

fn attachment(row: &AnyRow) -> Result<Attachment, StoreError> {
    let code: String = row.try_get("document_type")?;
    Ok(Attachment {
        id: AttachmentId(row.try_get("id")?),
        child: ChildId(row.try_get("child_id")?),
        involvement: InvolvementId(row.try_get("involvement_id")?),
        title: row.try_get("title")?,
        filename: row.try_get("filename")?,
        document_type: DocumentType::parse(&code).ok_or_else(|| StoreError::Corrupt {
            what: "attachments.document_type",
            problem: format!("{code:?} is not a document type"),
        })?,
        size: u64::try_from(row.try_get::<i64, _>("size_bytes")?).unwrap_or(0),
        sha256: row.try_get("sha256")?,
        recorded_by: row.try_get("recorded_by")?,
        recorded_at: instant(row, "recorded_at")?,
    })
}

impl RecordTx {
    /// Adds a checked document to the record, under one of its pieces of work.
    pub async fn add_attachment(
        &mut self,
        access: &ChildAccess,
        document: &NewAttachment,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<AttachmentId, StoreError> {
        writing(access)?;
        let size = i64::try_from(document.bytes.len()).unwrap_or(i64::MAX);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO attachments (child_id, involvement_id, title, filename, document_type, \
             size_bytes, sha256, content, recorded_by, recorded_at) \
             SELECT child_id, id, $1, $2, $3, $4, $5, $6, $7, $8 FROM involvements \
             WHERE id = $9 AND child_id = $10 RETURNING id",
        )
        .bind(&document.title)
        .bind(&document.filename)
        .bind(document.document_type.code())
        .bind(size)
        .bind(&document.sha256)
        .bind(document.bytes.clone())
        .bind(by.0)
        .bind(instant_text(at))
        .bind(document.involvement.0)
        .bind(access.child().0)
        .fetch_optional(&mut *self.tx)
        .await?
        .ok_or(StoreError::Refused(
            "that piece of work is not on this child's record",
        ))?;
        Ok(AttachmentId(id))
    }

    /// The record's documents, newest first (without their bytes).
    pub async fn attachments(
        &mut self,
        access: &ChildAccess,
    ) -> Result<Vec<Attachment>, StoreError> {
        reading(access)?;
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attachments a JOIN users u ON u.id = a.recorded_by \
             WHERE a.child_id = $1 ORDER BY a.recorded_at DESC, a.id DESC"
        ))
        .bind(access.child().0)
        .fetch_all(&mut *self.tx)
        .await?
        .iter()
        .map(attachment)
        .collect()
    }

    /// One document of the record with its bytes, if it is on this record. A document
    /// whose bytes no longer match their stored hash is refused as damaged.
    pub async fn read_attachment(
        &mut self,
        access: &ChildAccess,
        id: AttachmentId,
    ) -> Result<Option<(Attachment, Vec<u8>)>, StoreError> {
        reading(access)?;
        let Some(row) = sqlx::query(&format!(
            "SELECT {COLUMNS}, a.content FROM attachments a JOIN users u ON u.id = a.recorded_by \
             WHERE a.id = $1 AND a.child_id = $2"
        ))
        .bind(id.0)
        .bind(access.child().0)
        .fetch_optional(&mut *self.tx)
        .await?
        else {
            return Ok(None);
        };
        let found = attachment(&row)?;
        let bytes: Vec<u8> = row.try_get("content")?;
        if content_hash(&bytes) != found.sha256 {
            return Err(StoreError::Corrupt {
                what: "attachment",
                problem: format!(
                    "document {id} does not match the SHA-256 recorded when it was added"
                ),
            });
        }
        Ok(Some((found, bytes)))
    }
}
