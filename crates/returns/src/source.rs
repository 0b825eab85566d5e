//! A file handed in to be read as (part of) a return: its name and bytes, read with a
//! size limit so that a huge file is a clear error rather than an exhausted machine;
//! and zip archives of such files opened into their files ([`unzip`]), so an analyst
//! can hand in the archive another system exported.

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
    /// A zip archive that could not be opened, or an entry of it that could not be read.
    #[error("{file}: {problem}")]
    Zip {
        /// The archive, and the entry if the problem is one entry's.
        file: String,
        /// What was wrong, in words.
        problem: String,
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

/// Whether `content` is a zip archive (it starts with a local file header).
pub fn is_zip(content: &[u8]) -> bool {
    content.starts_with(b"PK\x03\x04")
}

/// Each source as it is, except zip archives, which are replaced by the files in them
/// (named `archive.zip/inner/name.csv`). Folders, and what operating systems leave in
/// archives (`__MACOSX/`, names starting with a dot), are skipped. All the files
/// unpacked together may hold at most `limit` bytes, counted as they are read rather
/// than as the archive declares, so an archive that unpacks to far more than it holds
/// is refused before it fills memory. Archives inside archives are not opened.
pub fn unzip(sources: Vec<Source>, limit: u64) -> Result<Vec<Source>, FileError> {
    let mut out = Vec::with_capacity(sources.len());
    let mut unpacked = 0u64;
    for source in sources {
        if !is_zip(&source.content) {
            out.push(source);
            continue;
        }
        let zip_error = |file: &str, e: zip::result::ZipError| FileError::Zip {
            file: file.to_owned(),
            problem: match e {
                zip::result::ZipError::UnsupportedArchive(what) => {
                    format!("this zip archive cannot be opened here ({what}); zip the files again without encryption, with ordinary (deflate) compression")
                }
                other => format!("not a readable zip archive: {other}"),
            },
        };
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&source.content))
            .map_err(|e| zip_error(&source.name, e))?;
        for index in 0..archive.len() {
            let mut entry = archive
                .by_index(index)
                .map_err(|e| zip_error(&source.name, e))?;
            let inner = entry
                .name()
                .map_err(|e| zip_error(&source.name, e))?
                .into_owned();
            let entry_name = format!("{}/{inner}", source.name);
            let skipped = entry.is_dir()
                || inner.starts_with("__MACOSX/")
                || inner
                    .rsplit('/')
                    .next()
                    .is_none_or(|n| n.is_empty() || n.starts_with('.'));
            if skipped {
                continue;
            }
            let room = limit.saturating_sub(unpacked);
            let mut content = Vec::new();
            (&mut entry)
                .take(room + 1)
                .read_to_end(&mut content)
                .map_err(|e| FileError::Zip {
                    file: entry_name.clone(),
                    problem: format!("cannot unpack this file: {e}"),
                })?;
            unpacked += content.len() as u64;
            if unpacked > limit {
                return Err(FileError::TooBig {
                    file: entry_name,
                    bytes: unpacked,
                    limit,
                    what: "the files of a return unpacked together",
                });
            }
            out.push(Source {
                name: entry_name,
                content,
            });
        }
    }
    Ok(out)
}

/// A zip archive (deflate) of `files`, each (name, bytes); a name ending in `/` is a
/// folder. For a return made here to be downloaded as one file.
pub fn zip_files(files: &[(&str, &[u8])]) -> Result<Vec<u8>, FileError> {
    use std::io::Write;
    let error = |e: &dyn std::fmt::Display| FileError::Zip {
        file: "the archive".to_owned(),
        problem: format!("cannot be written: {e}"),
    };
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in files {
        if name.ends_with('/') {
            writer
                .add_directory(*name, options)
                .map_err(|e| error(&e))?;
        } else {
            writer.start_file(*name, options).map_err(|e| error(&e))?;
            writer.write_all(content).map_err(|e| error(&e))?;
        }
    }
    Ok(writer.finish().map_err(|e| error(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zipped(files: &[(&str, &[u8])]) -> Vec<u8> {
        zip_files(files).unwrap()
    }

    fn source(name: &str, content: Vec<u8>) -> Source {
        Source {
            name: name.to_owned(),
            content,
        }
    }

    #[test]
    fn an_archive_is_replaced_by_its_files_and_the_rest_kept() {
        let archive = zipped(&[
            ("return/", b""),
            ("return/header.csv", b"CHILD,SEX\n1,1\n"),
            ("return/.DS_Store", b"junk"),
            ("__MACOSX/return/._header.csv", b"junk"),
            ("return/episodes.csv", b"CHILD,DECOM\n"),
        ]);
        let out = unzip(
            vec![
                source("plain.csv", b"CHILD\n".to_vec()),
                source("903.zip", archive),
            ],
            1 << 20,
        )
        .unwrap();
        let names: Vec<&str> = out.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "plain.csv",
                "903.zip/return/header.csv",
                "903.zip/return/episodes.csv"
            ]
        );
        assert_eq!(out[1].content, b"CHILD,SEX\n1,1\n");
    }

    #[test]
    fn an_archive_that_unpacks_past_the_limit_is_refused_by_what_it_holds() {
        // 4 MB of one byte compresses to a few kilobytes.
        let big = vec![b'1'; 4 << 20];
        let archive = zipped(&[("a.csv", &big)]);
        assert!(archive.len() < 64 << 10);
        let e = unzip(vec![source("bomb.zip", archive)], 1 << 20).unwrap_err();
        let message = e.to_string();
        assert!(message.starts_with("bomb.zip/a.csv: "), "{message}");
        assert!(message.contains("more than the 1048576 bytes"), "{message}");
    }

    #[test]
    fn a_broken_archive_is_named_and_never_panics() {
        let mut archive = zipped(&[("a.csv", b"CHILD\n1\n")]);
        archive.truncate(archive.len() / 2);
        let e = unzip(vec![source("cut.zip", archive)], 1 << 20).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cut.zip: not a readable zip archive"),
            "{e}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_after_a_zip_signature_never_panic(tail in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let mut content = b"PK\x03\x04".to_vec();
            content.extend(tail);
            let _ = unzip(vec![source("x.zip", content)], 1 << 20);
        }
    }
}
