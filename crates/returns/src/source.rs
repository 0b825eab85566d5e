//! A file handed in to be read as (part of) a return: its name and bytes, read with a
//! size limit so that a huge file is a clear error rather than an exhausted machine.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// One file handed in: its name (for messages) and its content.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file's name or path as the user gave it.
    pub name: String,
    /// Its bytes.
    pub content: Vec<u8>,
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read the file: {source}")]
    Io {
        /// The file.
        file: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is larger than the limit for what it should hold.
    #[error("{file}: the file is {bytes} bytes, more than the {limit} bytes {what} can be")]
    TooBig {
        /// The file.
        file: String,
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
        /// What the file should hold, e.g. `a 903 table`.
        what: &'static str,
    },
}

/// Reads the file at `path`, refusing one larger than `limit` bytes (`what` names
/// what it should hold, for the message).
pub fn read_limited(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, FileError> {
    let file_name = path.display().to_string();
    let io = |source| FileError::Io {
        file: file_name.clone(),
        source,
    };
    let too_big = |bytes| FileError::TooBig {
        file: file_name.clone(),
        bytes,
        limit,
        what,
    };
    let file = File::open(path).map_err(io)?;
    let bytes = file.metadata().map_err(io)?.len();
    if bytes > limit {
        return Err(too_big(bytes));
    }
    let mut content = Vec::with_capacity(usize::try_from(bytes).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut content).map_err(io)?;
    if content.len() as u64 > limit {
        return Err(too_big(content.len() as u64));
    }
    Ok(content)
}
