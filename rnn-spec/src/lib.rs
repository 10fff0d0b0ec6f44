//! The one description of every layer kind `rnn_model!` supports, shared by the macro (at
//! compile time) and the runtime (at load time), so nothing is written down twice:
//!
//! - [`class`]: per Keras class, its names, keywords with types and defaults, the options a
//!   weights file records, and its weight tensors with their shapes;
//! - [`LayerKind`]: a layer with its sizes and options decided: tensors, parameter counts
//!   (derived from the tensor shapes), output shapes;
//! - [`Activation`]: the activation names;
//! - [`check_file`]: whether a weights file fits a model, every mismatch with its fix;
//! - [`LayerKind::build`]: the one constructor of a layer from its options ([`Options`]: the
//!   DSL's or a file's);
//! - [`rules`]: the rules over a model (what may follow what, limits, names), for a declaration
//!   and a file alike;
//! - [`naming`]: Keras's snake-case and automatic layer names;
//! - [`spec_json`]: the same tables as JSON for the Python exporter (`tools/spec.json`);
//! - [`Error`]: the one error type (re-exported as `rnn_runtime::Error`);
//! - [`json`] (feature `json`): the weights file's serde model, parsing and validation, used by
//!   the runtime loader and by the macro for baked weights;
//! - loading (feature `std`): `WeightsFile::load`, `from_bytes` and `from_reader` read a file
//!   whatever its format, told by the first bytes: the JSON, or with feature `keras` Keras's own
//!   `.keras` and `.h5` files and gzip of any of them;
//! - [`bake`]: the arithmetic both the runtime and the macro apply to loaded weights (the folded
//!   Embedding table, the layout of each cell's arrays), so baked and loaded models agree bit
//!   for bit.
//!
//! `no_std`; no numeric kernels. Without the `alloc` feature only the tables and layer types
//! ([`class`], [`LayerKind`], [`LayerInfo`], [`Activation`], [`Merge`], [`Flow`]) and the
//! [`Error`] variants a baked model's forward pass can return exist: nothing allocates.
#![no_std]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(test, feature = "std"))]
extern crate std;

mod activation;
#[cfg(feature = "alloc")]
pub mod bake;
#[cfg(feature = "alloc")]
mod build;
#[cfg(feature = "alloc")]
mod check;
pub mod class;
mod error;
#[cfg(feature = "alloc")]
mod from_config;
#[cfg(feature = "json")]
pub mod json;
#[cfg(feature = "keras")]
mod keras;
mod layer;
#[cfg(feature = "std")]
mod load;
#[cfg(feature = "alloc")]
pub mod naming;
#[cfg(feature = "alloc")]
mod reshape;
#[cfg(feature = "alloc")]
pub mod rules;
#[cfg(feature = "alloc")]
mod snapshot;
#[cfg(feature = "alloc")]
pub mod suggest;
mod value;
mod weights;
pub mod window;

pub use activation::Activation;
#[cfg(feature = "alloc")]
pub use build::{Options, norm_axis_refused, rule_last_axis, softmax_axis_refused};
#[cfg(feature = "alloc")]
pub use check::{FileLayer, FileTensor, Mismatch, check_file};
pub use class::{CLASSES, Class, Kind, Role, Ty};
#[cfg(feature = "alloc")]
pub use error::FilePath;
pub use error::{Error, Result};
pub use layer::{Field, Flow, LayerInfo, LayerKind, Merge, RectifierParams};
#[cfg(feature = "alloc")]
pub use snapshot::spec_json;
pub use value::{Ints, Value};
pub use weights::{FORMAT, VERSION, foreign_format};
pub use window::{Padding, StepMap, Window};

// The tests build layers' tensors and check files: they need `alloc` (on in the workspace).
#[cfg(all(test, feature = "alloc"))]
mod tests;
