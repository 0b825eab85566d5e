//! What a subject access export reads beyond the record itself, with the export's
//! capability ([`ChildAction::SubjectAccessExport`]).

use std::collections::BTreeSet;

use carebridge_policy::{ChildAccess, ChildAction};
use sqlx::Row;

use crate::{RecordTx, StoreError};

/// How many words one lookup binds (well under both backends' parameter limits).
const WORDS_PER_QUERY: usize = 500;

impl RecordTx {
    /// Which of `words` (name words folded as the search index folds them) are a word of
    /// the name of some other child known to Carebridge (current, previous or alias).
    ///
    /// Only for a subject access export: it answers about the export's own text (which
    /// of its words are other children's names, for the third-party review) and returns
    /// nothing about who those children are.
    pub async fn other_childrens_name_words(
        &mut self,
        access: &ChildAccess,
        words: &BTreeSet<String>,
    ) -> Result<BTreeSet<String>, StoreError> {
        if access.action() != ChildAction::SubjectAccessExport {
            return Err(StoreError::Refused(
                "this access is not a subject access export",
            ));
        }
        let words: Vec<&String> = words.iter().collect();
        let mut found = BTreeSet::new();
        for chunk in words.chunks(WORDS_PER_QUERY) {
            let placeholders: Vec<String> =
                (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "SELECT DISTINCT key FROM person_search_keys WHERE child_id <> $1 AND key IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(access.child().0);
            for word in chunk {
                query = query.bind(format!("w:{word}"));
            }
            for row in query.fetch_all(self.conn()).await? {
                let key: String = row.try_get("key")?;
                if let Some(word) = key.strip_prefix("w:") {
                    found.insert(word.to_owned());
                }
            }
        }
        Ok(found)
    }
}
