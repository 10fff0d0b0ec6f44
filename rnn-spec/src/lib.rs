//! The one description of every layer kind `rnn_model!` supports, shared by the macro (at
//! compile time) and the runtime (at load time), so nothing is written down twice:
//!
//! - [`class`]: per Keras class, its names, keywords with types and defaults, the options a
//!   weights file records, and its weight tensors with their shapes;
//! - [`LayerKind`]: a layer with its sizes and options decided: tensors, parameter counts
//!   (derived from the tensor shapes), output shapes;
//! - [`Activation`]: the activation names;
//! - [`check_file`]: whether a weights file fits a model, every mismatch with its fix;
//! - [`naming`]: Keras's snake-case and automatic layer names;
//! - [`spec_json`]: the same tables as JSON for the Python exporter (`tools/spec.json`);
//! - [`Error`]: the one error type (re-exported as `rnn_runtime::Error`);
//! - [`json`] (feature `json`): the weights file's serde model, parsing and validation, used by
//!   the runtime loader and by the macro for baked weights (feature `std`: files and readers);
//! - [`bake`]: the arithmetic both the runtime and the macro apply to loaded weights (the folded
//!   Embedding table), so baked and loaded models agree bit for bit.
//!
//! `no_std` with `alloc`; no numeric kernels.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

mod activation;
pub mod bake;
mod check;
pub mod class;
mod error;
mod from_config;
#[cfg(feature = "json")]
pub mod json;
mod layer;
pub mod naming;
mod snapshot;
mod value;
mod weights;

pub use activation::Activation;
pub use check::{FileLayer, FileTensor, Mismatch, check_file};
pub use class::{CLASSES, Class, Role, Ty};
pub use error::{Error, FilePath, Result};
pub use layer::{Flow, LayerInfo, LayerKind, Merge};
pub use snapshot::spec_json;
pub use value::Value;
pub use weights::{FORMAT, VERSION, foreign_format};

#[cfg(test)]
mod tests;
