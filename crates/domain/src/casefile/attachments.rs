//! Documents attached to a child's record (a signed plan, a letter, a photograph of a
//! drawing), filed under a piece of work. Each is checked before it is stored: no
//! larger than [`MAX_ATTACHMENT_BYTES`], of a type a social care record holds, with
//! its bytes agreeing with its name (a `.pdf` must start as a PDF does: a renamed
//! program is refused), and stored with the SHA-256 of its content, which is checked
//! again on every download.
//!
//! The type check reads the file's first bytes (its "magic number"); written here
//! because it needs only the handful of signatures below, each from the format's own
//! specification (PDF 1.7 §7.5.2, PNG §5.2, JPEG/JFIF SOI marker, ZIP local file
//! header for Office Open XML and OpenDocument, GIF87a/89a).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::notes::WorkSpan;
use super::Problems;
use crate::{AttachmentId, ChildId, InvolvementId};

/// The largest document accepted: 20 MiB, enough for a scanned 50-page plan.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;
/// The longest title.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest file name kept.
pub const MAX_FILENAME_CHARS: usize = 120;

/// A kind of document the record accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DocumentType {
    /// PDF.
    Pdf,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// GIF image.
    Gif,
    /// Word document (Office Open XML).
    Docx,
    /// Excel workbook (Office Open XML).
    Xlsx,
    /// OpenDocument text.
    Odt,
    /// Plain text (UTF-8).
    Text,
}

impl DocumentType {
    /// Every type, in the order the form lists them.
    pub const ALL: [DocumentType; 8] = [
        DocumentType::Pdf,
        DocumentType::Docx,
        DocumentType::Odt,
        DocumentType::Xlsx,
        DocumentType::Jpeg,
        DocumentType::Png,
        DocumentType::Gif,
        DocumentType::Text,
    ];

    /// The media type it is served as.
    pub fn media_type(self) -> &'static str {
        match self {
            DocumentType::Pdf => "application/pdf",
            DocumentType::Png => "image/png",
            DocumentType::Jpeg => "image/jpeg",
            DocumentType::Gif => "image/gif",
            DocumentType::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocumentType::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            DocumentType::Odt => "application/vnd.oasis.opendocument.text",
            DocumentType::Text => "text/plain; charset=utf-8",
        }
    }

    /// The file name endings it may have.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            DocumentType::Pdf => &["pdf"],
            DocumentType::Png => &["png"],
            DocumentType::Jpeg => &["jpg", "jpeg"],
            DocumentType::Gif => &["gif"],
            DocumentType::Docx => &["docx"],
            DocumentType::Xlsx => &["xlsx"],
            DocumentType::Odt => &["odt"],
            DocumentType::Text => &["txt"],
        }
    }

    /// Stored code.
    pub fn code(self) -> &'static str {
        self.extensions().first().copied().unwrap_or("bin")
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// What the bytes are, by their signature; `None` for anything else.
    pub fn sniff(bytes: &[u8], extension: &str) -> Option<Self> {
        const ZIP: &[u8] = b"PK\x03\x04";
        if bytes.starts_with(b"%PDF-") {
            Some(DocumentType::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(DocumentType::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(DocumentType::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(DocumentType::Gif)
        } else if bytes.starts_with(ZIP) {
            // The three are ZIP files; which one is named by the extension, and the
            // package's own part names must agree.
            let holds = |part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
            match extension {
                "docx" if holds(b"word/") => Some(DocumentType::Docx),
                "xlsx" if holds(b"xl/") => Some(DocumentType::Xlsx),
                "odt" if holds(b"application/vnd.oasis.opendocument.text") => {
                    Some(DocumentType::Odt)
                }
                _ => None,
            }
        } else if extension == "txt" && std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0) {
            Some(DocumentType::Text)
        } else {
            None
        }
    }

    /// In words, for the form's hint.
    pub fn label(self) -> &'static str {
        match self {
            DocumentType::Pdf => "PDF",
            DocumentType::Png => "PNG",
            DocumentType::Jpeg => "JPEG",
            DocumentType::Gif => "GIF",
            DocumentType::Docx => "Word (.docx)",
            DocumentType::Xlsx => "Excel (.xlsx)",
            DocumentType::Odt => "OpenDocument text (.odt)",
            DocumentType::Text => "plain text (.txt)",
        }
    }
}

/// The SHA-256 of `bytes`, lower-case hex.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A file name made safe to keep and to offer back: the last path part only, control
/// characters and quotes dropped, at most [`MAX_FILENAME_CHARS`] characters.
pub fn clean_filename(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    let count = cleaned.chars().count();
    if count <= MAX_FILENAME_CHARS {
        return cleaned.to_owned();
    }
    // Keep the ending: "a-very-long-na….pdf".
    let (stem, ext) = cleaned.rsplit_once('.').unwrap_or((cleaned, ""));
    let keep = MAX_FILENAME_CHARS.saturating_sub(ext.chars().count() + 2);
    format!("{}….{ext}", stem.chars().take(keep).collect::<String>())
}

/// A document as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInput {
    /// The piece of work it is filed under.
    pub involvement: Option<InvolvementId>,
    /// What it is, in a few words.
    pub title: String,
    /// The file's name as the browser sent it.
    pub filename: String,
    /// The file's bytes (empty when no file was chosen).
    pub bytes: Vec<u8>,
    /// Whether the upload was cut short at the size limit (the form reads no further).
    pub too_large: bool,
}

/// A checked document, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment {
    /// The piece of work.
    pub involvement: InvolvementId,
    /// Its title.
    pub title: String,
    /// Its cleaned file name.
    pub filename: String,
    /// What it is.
    pub document_type: DocumentType,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A stored document's description (its bytes are read only to download it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Its id.
    pub id: AttachmentId,
    /// Whose record.
    pub child: ChildId,
    /// The piece of work.
    pub involvement: InvolvementId,
    /// Title.
    pub title: String,
    /// File name.
    pub filename: String,
    /// What it is.
    pub document_type: DocumentType,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// Who added it.
    pub recorded_by: String,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl Attachment {
    /// The day it was added (for the chronology).
    pub fn day(&self) -> NaiveDate {
        self.recorded_at.date_naive()
    }

    /// "2.4 MB", "310 KB", "900 bytes".
    pub fn size_text(&self) -> String {
        match self.size {
            s if s >= 1024 * 1024 => format!("{:.1} MB", s as f64 / (1024.0 * 1024.0)),
            s if s >= 1024 => format!("{} KB", s.div_ceil(1024)),
            s => format!("{s} bytes"),
        }
    }
}

/// Checks a document: every problem at once.
pub fn check_attachment(
    input: AttachmentInput,
    work: &[WorkSpan],
) -> Result<NewAttachment, Problems> {
    let mut problems = Problems::new();
    let involvement = input
        .involvement
        .filter(|id| work.iter().any(|w| w.id == *id));
    if involvement.is_none() {
        problems.add("involvement", "Select the piece of work this is about");
    }
    let title = input.title.trim().to_owned();
    if title.is_empty() {
        problems.add("title", "Enter what the document is");
    } else if title.chars().count() > MAX_TITLE_CHARS {
        problems.add(
            "title",
            format!("The title must be {MAX_TITLE_CHARS} characters or fewer"),
        );
    }
    let filename = clean_filename(&input.filename);
    let extension = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mut document_type = None;
    if input.too_large || input.bytes.len() > MAX_ATTACHMENT_BYTES {
        problems.add(
            "file",
            format!(
                "The file must be smaller than {} MB",
                MAX_ATTACHMENT_BYTES / (1024 * 1024)
            ),
        );
    } else if input.bytes.is_empty() {
        problems.add(
            "file",
            if filename.is_empty() {
                "Select a file"
            } else {
                "The selected file is empty"
            },
        );
    } else {
        match DocumentType::sniff(&input.bytes, &extension) {
            Some(t) if t.extensions().contains(&extension.as_str()) => document_type = Some(t),
            Some(t) => problems.add(
                "file",
                format!(
                    "The file is a {} but its name ends .{extension}: rename it .{}",
                    t.label(),
                    t.code()
                ),
            ),
            None => problems.add(
                "file",
                format!(
                    "The file must be a {}",
                    DocumentType::ALL
                        .iter()
                        .map(|t| t.label())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
    match (involvement, document_type) {
        (Some(involvement), Some(document_type)) if problems.is_empty() => Ok(NewAttachment {
            involvement,
            title,
            filename,
            document_type,
            sha256: content_hash(&input.bytes),
            bytes: input.bytes,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn work() -> Vec<WorkSpan> {
        vec![WorkSpan {
            id: InvolvementId(5),
            start: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            end: None,
        }]
    }

    fn input(filename: &str, bytes: &[u8]) -> AttachmentInput {
        AttachmentInput {
            involvement: Some(InvolvementId(5)),
            title: "Child protection plan, signed".into(),
            filename: filename.into(),
            bytes: bytes.to_vec(),
            too_large: false,
        }
    }

    #[test]
    fn a_pdf_is_accepted_with_its_hash() {
        let a =
            check_attachment(input("C:\\Users\\sw\\plan.pdf", b"%PDF-1.7\n..."), &work()).unwrap();
        assert_eq!(a.filename, "plan.pdf");
        assert_eq!(a.document_type, DocumentType::Pdf);
        // SHA-256 of the bytes, as `sha256sum` prints it.
        assert_eq!(a.sha256, content_hash(b"%PDF-1.7\n..."));
        assert_eq!(
            content_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_renamed_program_or_a_wrong_ending_is_refused() {
        let p = check_attachment(input("plan.pdf", b"MZ\x90\x00\x03"), &work()).unwrap_err();
        assert!(p.of("file").unwrap().starts_with("The file must be a PDF"));
        let p =
            check_attachment(input("photo.pdf", b"\x89PNG\r\n\x1a\nrest"), &work()).unwrap_err();
        assert_eq!(
            p.of("file"),
            Some("The file is a PNG but its name ends .pdf: rename it .png")
        );
        let p = check_attachment(input("notes.txt", b"text\0with a nul"), &work()).unwrap_err();
        assert!(p.of("file").is_some());
        let p =
            check_attachment(input("letter.docx", b"PK\x03\x04 not word"), &work()).unwrap_err();
        assert!(p.of("file").is_some());
        let docx = check_attachment(
            input("Letter.DOCX", b"PK\x03\x04....word/document.xml"),
            &work(),
        )
        .unwrap();
        assert_eq!(docx.document_type, DocumentType::Docx);
    }

    #[test]
    fn every_problem_at_once_and_the_size_limit() {
        let mut i = input("", b"");
        i.involvement = Some(InvolvementId(6));
        i.title = " ".into();
        let p = check_attachment(i, &work()).unwrap_err();
        let fields: Vec<_> = p.0.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["involvement", "title", "file"]);
        assert_eq!(p.of("file"), Some("Select a file"));
        let mut big = input("scan.pdf", b"%PDF-");
        big.too_large = true;
        assert!(check_attachment(big, &work())
            .unwrap_err()
            .of("file")
            .unwrap()
            .contains("smaller than 20 MB"));
    }

    #[test]
    fn file_names_are_made_safe() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("a\"b;c\r\n.pdf"), "abc.pdf");
        assert_eq!(clean_filename(".hidden.txt"), "hidden.txt");
        let long = format!("{}.pdf", "x".repeat(300));
        let cleaned = clean_filename(&long);
        assert_eq!(cleaned.chars().count(), MAX_FILENAME_CHARS);
        assert!(cleaned.ends_with("….pdf"));
    }

    proptest! {
        /// Any bytes and any name: a verdict, never a panic; a kept name is clean.
        #[test]
        fn never_panics(name in ".{0,200}", bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let cleaned = clean_filename(&name);
            prop_assert!(cleaned.chars().count() <= MAX_FILENAME_CHARS);
            prop_assert!(!cleaned.contains(['/', '\\', '"']) && !cleaned.chars().any(char::is_control));
            if let Ok(a) = check_attachment(input(&name, &bytes), &work()) {
                prop_assert!(a.document_type.extensions().iter().any(|e| a.filename.to_ascii_lowercase().ends_with(e)));
            }
        }
    }
}
