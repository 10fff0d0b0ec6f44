//! The one error type of the runtime (re-exported as `rnn_runtime::Error`). Every fallible
//! public function returns it; the macro reports a baked weights file's problems with its text.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// A file's path in an error: a `PathBuf` with `std`, its text without.
#[cfg(feature = "std")]
pub type FilePath = std::path::PathBuf;
/// A file's path in an error: a `PathBuf` with `std`, its text without.
#[cfg(not(feature = "std"))]
pub type FilePath = String;

#[cfg(feature = "std")]
fn show(p: &FilePath) -> impl core::fmt::Display + '_ {
    p.display()
}

#[cfg(not(feature = "std"))]
fn show(p: &FilePath) -> impl core::fmt::Display + '_ {
    p
}

/// What went wrong, with enough context to find it: the file position, the layer and tensor, or
/// the batch row and timestep. Variants are stable; match on them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The weights file could not be opened or read.
    #[cfg(feature = "std")]
    #[error("cannot read weights file `{path}`: {source}")]
    Io {
        /// The path given.
        path: FilePath,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// The weights text is not valid JSON, is truncated, or has a value of the wrong type.
    #[error("weights file is malformed at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column (0: before the first character).
        column: usize,
        /// serde_json's message, without the position.
        message: String,
    },

    /// The file is JSON but not a weights file of a version this runtime reads.
    #[error("weights file: expected {expected}, found {found}")]
    Format {
        /// What this runtime reads.
        expected: String,
        /// What the file says.
        found: String,
    },

    /// The file's layers do not fit the compiled model: every difference, each with its fix.
    #[error("weights file does not fit the model:{}", list(problems))]
    Mismatch {
        /// Every difference, in model order.
        problems: Vec<crate::Mismatch>,
    },

    /// The file is not a weights file but another format, told by its first bytes.
    #[error("{} is {what}, not an rnn-weights JSON file: {fix}", path.as_ref().map_or("the data".to_string(), |p| format!("`{}`", show(p))))]
    ForeignFormat {
        /// The file, when read from disk.
        path: Option<FilePath>,
        /// What the bytes are.
        what: &'static str,
        /// What to do.
        fix: &'static str,
    },

    /// A weight tensor is missing, extra, misnamed, misshapen or holds the wrong number of values.
    #[error("layer `{layer}`, tensor `{tensor}`: {what}: expected {expected}, found {found}")]
    Tensor {
        /// The layer's name.
        layer: String,
        /// The tensor's name.
        tensor: String,
        /// What differs.
        what: String,
        /// What the model needs.
        expected: String,
        /// What was found.
        found: String,
    },

    /// The tensor data does not match the checksum recorded in the file.
    #[error(
        "weights file checksum mismatch: the file records {expected}, its data gives {found} (the file was damaged or edited)"
    )]
    Checksum {
        /// The checksum the file records.
        expected: String,
        /// The checksum of its data.
        found: String,
    },

    /// A token id is not below the Embedding's `input_dim`.
    #[error("token id {id} at {} is out of range: the Embedding has input_dim {input_dim}, so ids must be < {input_dim}", at(*row, *step))]
    TokenOutOfRange {
        /// The batch row (`None` for `forward`).
        row: Option<usize>,
        /// The timestep.
        step: usize,
        /// The id.
        id: u32,
        /// The Embedding's vocabulary size.
        input_dim: usize,
    },

    /// A sequence has the wrong number of timesteps for a fixed-length model.
    #[error("sequence{} has {found} timestep{}, the model is fixed at {expected}", row_suffix(*row), if *found == 1 { "" } else { "s" })]
    SequenceLength {
        /// The batch row (`None` for `forward`).
        row: Option<usize>,
        /// The model's fixed length.
        expected: usize,
        /// The sequence's length.
        found: usize,
    },

    /// A recurrent model was given a sequence with no timesteps.
    #[error("sequence{} is empty: a recurrent layer needs at least one timestep", row_suffix(*row))]
    EmptySequence {
        /// The batch row (`None` for `forward`).
        row: Option<usize>,
    },

    /// A batch array has the wrong shape.
    #[error("batch has shape {found}, the model expects {expected}")]
    BatchShape {
        /// The shape the model takes.
        expected: String,
        /// The batch's shape.
        found: String,
    },
}

fn list(problems: &[crate::Mismatch]) -> String {
    problems.iter().map(|p| format!("\n  - {p}")).collect()
}

fn at(row: Option<usize>, step: usize) -> String {
    match row {
        Some(r) => format!("row {r}, timestep {step}"),
        None => format!("timestep {step}"),
    }
}

fn row_suffix(row: Option<usize>) -> String {
    match row {
        Some(r) => format!(" in batch row {r}"),
        None => String::new(),
    }
}

/// `Result` with the runtime's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
