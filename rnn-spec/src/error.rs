//! The one error type of the runtime (re-exported as `rnn_runtime::Error`). Every fallible
//! public function returns it; the macro reports a baked weights file's problems with its text.

//!
//! Without the `alloc` feature only the variants a baked model's `forward`, `step` and
//! `forward_from` can return exist (`TokenOutOfRange`, `SequenceLength`, `EmptySequence`, `TooShort`), and
//! their messages are written without allocating.

#[cfg(feature = "alloc")]
use alloc::format;
#[cfg(feature = "alloc")]
use alloc::string::{String, ToString};
#[cfg(feature = "alloc")]
use alloc::vec::Vec;
use core::fmt;

/// A file's path in an error: a `PathBuf` with `std`, its text without.
#[cfg(feature = "std")]
pub type FilePath = std::path::PathBuf;
/// A file's path in an error: a `PathBuf` with `std`, its text without.
#[cfg(all(feature = "alloc", not(feature = "std")))]
pub type FilePath = String;

#[cfg(feature = "std")]
fn show(p: &FilePath) -> impl core::fmt::Display + '_ {
    p.display()
}

#[cfg(all(feature = "alloc", not(feature = "std")))]
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

    #[cfg(feature = "alloc")]
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

    #[cfg(feature = "alloc")]
    /// The file is JSON but not a weights file of a version this runtime reads.
    #[error("weights file: expected {expected}, found {found}")]
    Format {
        /// What this runtime reads.
        expected: String,
        /// What the file says.
        found: String,
    },

    #[cfg(feature = "alloc")]
    /// The file's layers do not fit the compiled model: every difference, each with its fix.
    #[error("weights file does not fit the model:{}", list(problems))]
    Mismatch {
        /// Every difference, in model order.
        problems: Vec<crate::Mismatch>,
    },

    #[cfg(feature = "alloc")]
    /// The file is not a weights file but another format, told by its first bytes.
    #[error("{} is {what}, not an rnn-weights JSON file: {fix}", shown(path))]
    ForeignFormat {
        /// The file, when read from disk.
        path: Option<FilePath>,
        /// What the bytes are.
        what: &'static str,
        /// What to do.
        fix: &'static str,
    },

    #[cfg(feature = "keras")]
    /// The file is a Keras model file (a `.keras` zip or an `.h5`, told by its first bytes) that
    /// is damaged, truncated, or not laid out as Keras writes it.
    #[error("{} is not a readable Keras model file: {what}", shown(path))]
    KerasFile {
        /// The file, when read from disk.
        path: Option<FilePath>,
        /// What is wrong, naming the part of the file (`config.json`, `model.weights.h5`, the
        /// layer, the tensor).
        what: String,
    },

    #[cfg(feature = "keras")]
    /// The Keras model file holds a layer class or an option the project does not implement:
    /// tools/keras_export.py's message, naming the layer and the option.
    #[error("{}: {message}", shown(path))]
    KerasUnsupported {
        /// The file, when read from disk.
        path: Option<FilePath>,
        /// What is not supported (`layer 'lstm' (LSTM): return_state=True is not supported`).
        message: String,
    },

    #[cfg(feature = "alloc")]
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

    #[cfg(feature = "alloc")]
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

    /// A free-length sequence is shorter than the model's windows (`Conv1D`, pooling) need to
    /// leave a step.
    #[error("sequence{} has {found} timestep{}, fewer than the {min} the model needs: its `Conv1D` and pooling windows leave no step of a shorter one; pad it to at least {min} timesteps", row_suffix(*row), if *found == 1 { "" } else { "s" })]
    TooShort {
        /// The batch row (`None` for `forward`).
        row: Option<usize>,
        /// The shortest length the model takes.
        min: usize,
        /// The sequence's length.
        found: usize,
    },

    #[cfg(feature = "alloc")]
    /// A batch array has the wrong shape.
    #[error("batch has shape {found}, the model expects {expected}")]
    BatchShape {
        /// The shape the model takes.
        expected: String,
        /// The batch's shape.
        found: String,
    },
}

#[cfg(feature = "std")]
impl Error {
    /// The error naming `path` as its file, if it is about one (`Io`, `ForeignFormat`,
    /// `KerasFile`, `KerasUnsupported`): the macro names a baked file as its attribute does.
    /// `Err(self)` when the error names no file.
    #[doc(hidden)]
    pub fn naming(self, path: FilePath) -> core::result::Result<Error, Error> {
        match self {
            Error::Io { source, .. } => Ok(Error::Io { path, source }),
            Error::ForeignFormat { what, fix, .. } => Ok(Error::ForeignFormat {
                path: Some(path),
                what,
                fix,
            }),
            #[cfg(feature = "keras")]
            Error::KerasFile { what, .. } => Ok(Error::KerasFile {
                path: Some(path),
                what,
            }),
            #[cfg(feature = "keras")]
            Error::KerasUnsupported { message, .. } => Ok(Error::KerasUnsupported {
                path: Some(path),
                message,
            }),
            e => Err(e),
        }
    }
}

/// "`path`" or "the data".
#[cfg(feature = "alloc")]
fn shown(path: &Option<FilePath>) -> String {
    path.as_ref()
        .map_or("the data".to_string(), |p| format!("`{}`", show(p)))
}

#[cfg(feature = "alloc")]
fn list(problems: &[crate::Mismatch]) -> String {
    problems.iter().map(|p| format!("\n  - {p}")).collect()
}

/// "row 3, timestep 7" or "timestep 7" (written as displayed: no allocation).
fn at(row: Option<usize>, step: usize) -> impl fmt::Display {
    At(row, step)
}

struct At(Option<usize>, usize);

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(r) => write!(f, "row {r}, timestep {}", self.1),
            None => write!(f, "timestep {}", self.1),
        }
    }
}

/// " in batch row 3" or nothing.
fn row_suffix(row: Option<usize>) -> impl fmt::Display {
    RowSuffix(row)
}

struct RowSuffix(Option<usize>);

impl fmt::Display for RowSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(r) => write!(f, " in batch row {r}"),
            None => Ok(()),
        }
    }
}

/// `Result` with the runtime's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;
