//! Documents on children's records on every backend: attached through the policy and
//! audited with their SHA-256; refused types, mismatched names and empty files write
//! nothing; downloads are audited and give back the same bytes; a document changed
//! behind the application's back is refused as damaged.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use carebridge_app::records::RequestMeta;
use carebridge_app::{App, AppError};
use carebridge_domain::casefile::attachments::{content_hash, AttachmentInput, DocumentType};
use carebridge_domain::ChildId;
use carebridge_testkit::{actor, behind_the_back, demo_app, every_backend};

const CHILDREN: u32 = 120;

fn meta() -> RequestMeta {
    carebridge_testkit::meta("attachments-test", "192.0.2.11")
}

async fn audit_len(app: &App) -> i64 {
    app.store().audit_head().await.unwrap().0
}

#[tokio::test]
async fn documents_are_checked_stored_with_their_hash_downloaded_and_audited() {
    for db in every_backend().await {
        let (app, _clock) = demo_app(&db, CHILDREN).await;
        let sw = actor(&app, "sw.demo").await;
        let mut found = None;
        for child in (1..=i64::from(CHILDREN)).map(ChildId) {
            if let Ok(form) = app.attachment_form(&sw, &meta(), child).await {
                if let Some(w) = form.work.first() {
                    found = Some((child, w.id));
                    break;
                }
            }
        }
        let (child, work) = found.expect("a record the social worker may add to");
        // A PDF's bytes, with every byte value in its body.
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend((0..=255u8).cycle().take(70_000));
        let input = |filename: &str, bytes: &[u8]| AttachmentInput {
            involvement: Some(work),
            title: "Child protection plan, signed".into(),
            filename: filename.into(),
            bytes: bytes.to_vec(),
            too_large: false,
        };

        let before = audit_len(&app).await;
        let id = app
            .add_attachment(&sw, &meta(), child, input("C:\\fakepath\\plan.pdf", &pdf))
            .await
            .unwrap();
        assert_eq!(audit_len(&app).await, before + 1, "{}", db.label);
        let log = app.store().audit_of_child(child, None, 1).await.unwrap();
        assert_eq!(log[0].entry.action, "add-attachment");
        assert!(log[0].entry.reason.contains(&content_hash(&pdf)));

        let record = app.open_record(&sw, &meta(), child).await.unwrap();
        let listed = record.attachments.iter().find(|a| a.id == id).unwrap();
        assert_eq!(
            (listed.filename.as_str(), listed.size, listed.document_type),
            ("plan.pdf", pdf.len() as u64, DocumentType::Pdf)
        );
        let (document, bytes) = app
            .download_attachment(&sw, &meta(), child, id)
            .await
            .unwrap();
        assert_eq!(bytes, pdf, "{}", db.label);
        assert_eq!(document.sha256, content_hash(&pdf));
        let log = app.store().audit_of_child(child, None, 1).await.unwrap();
        assert_eq!(log[0].entry.action, "download-attachment");

        // Refused inputs write nothing.
        let before = audit_len(&app).await;
        let count = record.attachments.len();
        for (filename, bytes, why) in [
            (
                "plan.pdf",
                b"MZ\x90\x00 a program".as_slice(),
                "The file must be a PDF",
            ),
            (
                "photo.pdf",
                b"\x89PNG\r\n\x1a\n....".as_slice(),
                "rename it .png",
            ),
            ("empty.pdf", b"".as_slice(), "The selected file is empty"),
        ] {
            match app
                .add_attachment(&sw, &meta(), child, input(filename, bytes))
                .await
            {
                Err(AppError::Problems(p)) => {
                    assert!(p.of("file").unwrap().contains(why), "{filename}: {p:?}");
                }
                other => panic!("{filename}: {other:?}"),
            }
        }
        assert_eq!(audit_len(&app).await, before);
        let again = app.open_record(&sw, &meta(), child).await.unwrap();
        assert_eq!(again.attachments.len(), count);

        // Someone outside the record's scope may not download it (refusal audited).
        let analyst = actor(&app, "analyst.demo").await;
        let before = audit_len(&app).await;
        assert!(matches!(
            app.download_attachment(&analyst, &meta(), child, id).await,
            Err(AppError::Forbidden(_))
        ));
        assert_eq!(audit_len(&app).await, before + 1);

        // Bytes changed behind the application's back: the download is refused.
        behind_the_back(
            &db,
            &format!(
                "UPDATE attachments SET content = {} WHERE id = {}",
                match db.label {
                    "postgres" => "'\\x255044462d'::bytea",
                    _ => "X'255044462D'",
                },
                id.0
            ),
        )
        .await
        .unwrap();
        let damaged = app
            .download_attachment(&sw, &meta(), child, id)
            .await
            .unwrap_err();
        assert!(damaged.to_string().contains("SHA-256"), "{damaged}");
    }
}
