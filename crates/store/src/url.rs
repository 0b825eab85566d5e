//! Which database to open: `sqlite://PATH` (embedded) or `postgres://...` (server).

use std::path::{Path, PathBuf};

use crate::StoreError;

/// The two backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file, embedded.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// A parsed database URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL.
    Postgres(url::Url),
}

impl DatabaseUrl {
    /// Reads a URL: `sqlite://path/to/file.sqlite`, `sqlite:file.sqlite`, or
    /// `postgres://user@host:port/db` (`postgresql://` too).
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let invalid = |reason: &str| StoreError::InvalidUrl {
            url: text.to_owned(),
            reason: reason.to_owned(),
        };
        let text = text.trim();
        if let Some(path) = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(invalid(
                    "expected a file path after sqlite://, e.g. sqlite://data/carebridge.sqlite",
                ));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            let url = url::Url::parse(text).map_err(|e| invalid(&e.to_string()))?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(invalid(
                    "expected a host, e.g. postgres://carebridge@127.0.0.1:5432/carebridge",
                ));
            }
            return Ok(DatabaseUrl::Postgres(url));
        }
        Err(invalid(
            "expected sqlite://PATH or postgres://USER@HOST:PORT/DATABASE",
        ))
    }

    /// A SQLite database at `path`.
    pub fn sqlite(path: &Path) -> Self {
        DatabaseUrl::Sqlite(path.to_path_buf())
    }

    /// Which backend.
    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// The string sqlx connects with. SQLite files are created when missing (`mode=rwc`).
    pub fn connection_string(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
            DatabaseUrl::Postgres(url) => url.to_string(),
        }
    }

    /// The URL with any password hidden, for messages and logs.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => {
                let mut url = url.clone();
                if url.password().is_some() {
                    // Cannot fail on a URL that has a host, which parse() ensured.
                    let _ = url.set_password(Some("***"));
                }
                url.to_string()
            }
        }
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_backends() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/cb.sqlite").unwrap(),
            DatabaseUrl::Sqlite("data/cb.sqlite".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:cb.sqlite").unwrap().backend(),
            Backend::Sqlite
        );
        let pg = DatabaseUrl::parse("postgres://u:secret@127.0.0.1:5432/cb").unwrap();
        assert_eq!(pg.backend(), Backend::Postgres);
        assert!(!pg.redacted().contains("secret"));
    }

    #[test]
    fn malformed_urls_say_what_is_expected() {
        for bad in [
            "mysql://x",
            "",
            "sqlite://",
            "postgres://",
            "postgres://:5432/x",
            "data.sqlite",
        ] {
            let err = DatabaseUrl::parse(bad).unwrap_err().to_string();
            assert!(
                err.contains("expected") || err.contains("empty host"),
                "{bad:?}: {err}"
            );
        }
    }
}
