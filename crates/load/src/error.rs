//! Errors that stop a load.

use crate::snapshot::LoadError;

/// Why loading stopped. Problems inside one file are not errors unless loading is strict: they are recorded
/// in the snapshot's `errors` and the file's documents are skipped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A source path could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Strict loading met an invalid document or file.
    #[error("{0}")]
    Invalid(LoadError),
    /// A value given as GetAccountAuthorizationDetails output is not shaped like it.
    #[error("`{source_name}` is not get-account-authorization-details output: {message}")]
    NotAuthDetails {
        /// The source label.
        source_name: String,
        /// What is missing.
        message: String,
    },
}
