//! Keras's own model files, read in pure Rust (feature `keras`): a Keras 3 `.keras` archive
//! (`config.json` and `model.weights.h5` in a zip) or a legacy `.h5` written by tf_keras /
//! Keras 2 (the architecture in the root attribute `model_config`, the weights under
//! `model_weights/<layer>/`, named by each layer group's `weight_names` attribute).
//!
//! The result is the [`WeightsFile`] tools/keras_export.py writes from the same file
//! (docs/WEIGHTS_FORMAT.md): the layers in model order with their class, the config keys the
//! project records (read from the file's own config, translated as the exporter does: `silu` is
//! `swish`, a Keras 2 `hard_sigmoid` is `hard_sigmoid_keras2`, ...), the tensors with the
//! project's names, shapes and data, and the checksum. What the exporter refuses is refused
//! with the same message ([`Error::KerasUnsupported`]); a damaged file is [`Error::KerasFile`],
//! never a panic. The loaders (`load.rs`: `WeightsFile::load`, `from_bytes`, `from_reader`) come
//! here when the first bytes say so, at run time and in the macro's `#[weights = "m.keras"]`
//! alike; this module only builds the `WeightsFile` (`json.rs`'s types).
//!
//! HDF5 is read with the pure-Rust `hdf5-reader` crate (`h5.rs` is the only file that names it);
//! the zip container with the small reader in `zip.rs`. docs/KERAS_FILES.md says why.

mod chain;
mod h5;
mod translate;
mod wrappers;
mod zip;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};
use crate::json::WeightsFile;

/// The HDF5 signature (at offset 0: a file with a user block is not a Keras file).
const HDF5_MAGIC: &[u8] = b"\x89HDF\r\n\x1a\n";
/// A zip archive's first local header.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

/// Why a Keras file could not be read, before the file's path is known.
#[derive(Debug)]
pub(crate) enum Problem {
    /// Damaged, truncated, or not laid out as Keras writes it: what is wrong, naming the part.
    Malformed(String),
    /// A layer class or option the project does not implement: the exporter's message.
    Unsupported(String),
}

impl Problem {
    /// The error, naming the file when it was read from one.
    pub(crate) fn at(self, path: Option<&Path>) -> Error {
        let path = path.map(Path::to_path_buf);
        match self {
            Problem::Malformed(what) => Error::KerasFile { path, what },
            Problem::Unsupported(message) => Error::KerasUnsupported { path, message },
        }
    }
}

/// Whether `head` (a file's first bytes) starts a Keras file: a zip or an HDF5 file.
pub(crate) fn is_keras(head: &[u8]) -> bool {
    head.starts_with(ZIP_MAGIC) || head.starts_with(HDF5_MAGIC)
}

/// A Keras file's whole bytes (`.keras` or `.h5`, told by the first bytes).
pub(crate) fn from_bytes(bytes: Vec<u8>, path: Option<&Path>) -> Result<WeightsFile> {
    let read = if bytes.starts_with(ZIP_MAGIC) {
        read_keras(zip::Archive::Bytes(bytes))
    } else {
        h5::File::from_bytes(bytes, "the HDF5 file").and_then(read_h5)
    };
    read.map_err(|p| p.at(path))
}

/// A Keras file on disk, read in place: only the parts the model needs are read (the weights
/// straight into their tensors), so a big model is never held twice.
pub(crate) fn from_path(path: &Path, head: &[u8]) -> Result<WeightsFile> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let read = if head.starts_with(ZIP_MAGIC) {
        let file = std::fs::File::open(path).map_err(io)?;
        zip::Archive::file(file).and_then(read_keras)
    } else {
        h5::File::open(path, "the HDF5 file").and_then(read_h5)
    };
    read.map_err(|p| p.at(Some(path)))
}

/// The checksummed weights file of a translated model.
fn finish(mut file: WeightsFile) -> WeightsFile {
    file.checksum = Some(file.compute_checksum());
    file
}

/// A Keras 3 `.keras` archive: `config.json`, `metadata.json` (for the producer) and
/// `model.weights.h5`.
fn read_keras(archive: zip::Archive) -> core::result::Result<WeightsFile, Problem> {
    let entries = archive.entries()?;
    let find = |name: &str| entries.iter().find(|e| e.name == name);
    let config = find("config.json").ok_or_else(|| {
        Problem::Malformed(
            "the archive has no `config.json` (is it a Keras 3 `.keras` file?)".into(),
        )
    })?;
    let config = archive.read(config)?;
    let config: Value = serde_json::from_slice(&config)
        .map_err(|e| Problem::Malformed(format!("`config.json` is not valid JSON: {e}")))?;
    let producer = match find("metadata.json") {
        Some(m) => {
            let m = archive.read(m)?;
            serde_json::from_slice::<Value>(&m).ok().and_then(|v| {
                v.get("keras_version")?
                    .as_str()
                    .map(|v| format!("keras {v}"))
            })
        }
        None => None,
    };
    let weights = match find("model.weights.h5") {
        Some(w) => archive.h5(w)?,
        None if entries.iter().any(|e| e.name == "model.weights.json") => {
            return Err(Problem::Unsupported(
                "sharded weights (`model.weights.json` and shards) are not supported: save the \
                 model without max_shard_size"
                    .into(),
            ));
        }
        None => {
            return Err(Problem::Malformed(
                "the archive has no `model.weights.h5`".into(),
            ));
        }
    };
    translate::model(&config, producer, translate::Source::Keras3(&weights)).map(finish)
}

/// A legacy `.h5` model (tf_keras / Keras 2 `model.save("m.h5")`).
fn read_h5(file: h5::File) -> core::result::Result<WeightsFile, Problem> {
    let root = file.group("")?;
    let text = file.string_attr(&root, "model_config")?.ok_or_else(|| {
        Problem::Malformed(
            "the HDF5 file has no `model_config` attribute: it holds weights only \
             (`save_weights`), not a model saved with `model.save(\"m.h5\")`"
                .into(),
        )
    })?;
    let config: Value = serde_json::from_str(&text).map_err(|e| {
        Problem::Malformed(format!(
            "the `model_config` attribute is not valid JSON: {e}"
        ))
    })?;
    let version = file.string_attr(&root, "keras_version")?;
    let producer = version.as_ref().map(|v| {
        if v.starts_with('2') {
            format!("tf_keras {v}")
        } else {
            format!("keras {v}")
        }
    });
    let keras2 = version.as_deref().is_none_or(|v| !v.starts_with('3'));
    translate::model(&config, producer, translate::Source::Legacy(&file, keras2)).map(finish)
}
