//! The weights file (docs/WEIGHTS_FORMAT.md): its serde model, reading and writing its JSON,
//! checksum, and strict validation against a compiled model's layers. Only this format: reading
//! a file whatever its format (`WeightsFile::load`, `from_bytes`, `from_reader`) is `load.rs`,
//! which comes here for JSON, so the runtime loader and the macro's baked weights
//! (`#[weights = "..."]`) accept or refuse a file with the same message.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
#[cfg(feature = "std")]
use std::io::BufRead;
#[cfg(feature = "std")]
use std::path::Path;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::layer::LayerInfo;
pub use crate::weights::{FORMAT, VERSION};

/// A whole weights file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsFile {
    /// Always `"rnn-weights"`.
    pub format: String,
    /// The schema version (1).
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The Keras model's name (informational).
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// What wrote the file (informational).
    pub producer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// The model's input shape without the batch axis; `null` for a free length (informational).
    pub input_shape: Option<Vec<Option<u64>>>,
    /// Every layer that has a record, in model order (an `Input` has none).
    pub layers: Vec<LayerRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// `crc32:xxxxxxxx` of every tensor's little-endian bytes, in file order.
    pub checksum: Option<String>,
}

/// One layer of a weights file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerRecord {
    /// The layer's Keras name (informational: matching is by position).
    pub name: String,
    /// Keras's class name.
    pub class: String,
    /// The options that change results (`crate::Class::config` lists them per class).
    pub config: Map<String, Value>,
    /// The weight tensors, in Keras's `get_weights()` order.
    pub weights: Vec<TensorRecord>,
}

/// One weight tensor: Keras's name, shape and row-major data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TensorRecord {
    /// Keras's short name: `kernel`, `recurrent_kernel`, `bias`, `embeddings`.
    pub name: String,
    /// The shape.
    pub shape: Vec<u64>,
    /// The values, row-major.
    #[serde(deserialize_with = "finite_f32s")]
    pub data: Vec<f32>,
}

/// Reads a JSON array of numbers straight into f32, refusing values that are not finite f32s
/// (JSON has no NaN; a huge number such as 1e39 would otherwise silently become infinity).
fn finite_f32s<'de, D: Deserializer<'de>>(d: D) -> core::result::Result<Vec<f32>, D::Error> {
    struct Data;
    impl<'de> Visitor<'de> for Data {
        type Value = Vec<f32>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of numbers")
        }
        fn visit_seq<A: SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> core::result::Result<Vec<f32>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
            while let Some(v) = seq.next_element::<f64>()? {
                let f = v as f32;
                if !f.is_finite() {
                    return Err(de::Error::custom(format_args!(
                        "value {v:e} is outside the f32 range (largest magnitude {:e})",
                        f32::MAX
                    )));
                }
                out.push(f);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Data)
}

/// Only the header, read leniently to explain a parse failure of another format or version.
#[derive(Deserialize)]
struct Header {
    format: Option<Value>,
    version: Option<Value>,
}

pub(crate) fn json_error(e: serde_json::Error) -> Error {
    // serde_json ends its message with " at line L column C"; the variant carries those.
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    Error::Json {
        line: e.line(),
        column: e.column(),
        message,
    }
}

impl WeightsFile {
    /// Parses a weights file from text. Checks the format and version, and the checksum when the
    /// file has one; matching the layers to a model is [`WeightsFile::check_against`].
    pub fn from_json(text: &str) -> Result<Self> {
        foreign(text.as_bytes(), None)?;
        match serde_json::from_str::<WeightsFile>(text) {
            Ok(file) => file.checked_header(),
            Err(e) => Err(serde_json::from_str::<Header>(text)
                .ok()
                .and_then(header_error)
                .unwrap_or_else(|| json_error(e))),
        }
    }

    /// Writes the file as JSON (each f32 in its shortest form that reads back exactly).
    pub fn to_json(&self) -> String {
        // Serialising plain data into a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The CRC-32 of every tensor's little-endian f32 bytes, in file order: `crc32:xxxxxxxx`.
    pub fn compute_checksum(&self) -> String {
        let mut h = crc32fast::Hasher::new();
        let mut buf = Vec::with_capacity(4096);
        for t in self.layers.iter().flat_map(|l| &l.weights) {
            for chunk in t.data.chunks(1024) {
                buf.clear();
                chunk
                    .iter()
                    .for_each(|v| buf.extend_from_slice(&v.to_le_bytes()));
                h.update(&buf);
            }
        }
        format!("crc32:{:08x}", h.finalize())
    }

    fn checked_header(self) -> Result<Self> {
        if self.format != FORMAT {
            return Err(Error::Format {
                expected: format!("format \"{FORMAT}\""),
                found: format!("format {:?}", self.format),
            });
        }
        if self.version != VERSION {
            return Err(version_error(&Value::from(self.version)));
        }
        if let Some(recorded) = &self.checksum {
            let actual = self.compute_checksum();
            let hex = recorded.strip_prefix("crc32:").unwrap_or("");
            if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::Format {
                    expected: "checksum \"crc32:\" followed by 8 hex digits".into(),
                    found: format!("checksum {recorded:?}"),
                });
            }
            if !recorded.eq_ignore_ascii_case(&actual) {
                return Err(Error::Checksum {
                    expected: recorded.clone(),
                    found: actual,
                });
            }
        }
        Ok(self)
    }

    /// Checks the file against the compiled model's layers: order, class, the options that
    /// change results, and every tensor's name, shape and value count. Layer names are
    /// informational (a notebook's `embedding_4` loads into a fresh `embedding`). Every mismatch
    /// is in the one error, each with its fix.
    pub fn check_against(&self, model: &[LayerInfo]) -> Result<()> {
        let configs: Vec<Vec<(&str, crate::Value<'_>)>> = self
            .layers
            .iter()
            .map(|l| {
                l.config
                    .iter()
                    .map(|(k, v)| (k.as_str(), spec_value(v)))
                    .collect()
            })
            .collect();
        let texts: Vec<Vec<String>> = self
            .layers
            .iter()
            .map(|l| l.config.values().map(Value::to_string).collect())
            .collect();
        let file: Vec<crate::FileLayer<'_>> = self
            .layers
            .iter()
            .zip(configs)
            .zip(&texts)
            .map(|((l, config), texts)| crate::FileLayer {
                name: &l.name,
                class: &l.class,
                config: config
                    .into_iter()
                    .zip(texts)
                    .map(|((k, v), text)| match v {
                        crate::Value::Other(_) => (k, crate::Value::Other(text)),
                        v => (k, v),
                    })
                    .collect(),
                tensors: l
                    .weights
                    .iter()
                    .map(|t| crate::FileTensor {
                        name: &t.name,
                        shape: &t.shape,
                        values: t.data.len(),
                    })
                    .collect(),
            })
            .collect();
        let problems = crate::check_file(&file, model);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Mismatch { problems })
        }
    }
}

/// Reads the JSON of a weights file from `reader`, streaming (the text is never held whole).
/// Bytes of another format (told by the first ones) are `ForeignFormat`; a read error is `Io`
/// when the data comes from `path`, else `Json`.
#[cfg(feature = "std")]
pub(crate) fn read_json(mut reader: impl BufRead, path: Option<&Path>) -> Result<WeightsFile> {
    let head = reader.fill_buf().map_err(|e| read_failed(e, path))?;
    foreign(head, path.map(Path::to_path_buf).as_ref())?;
    match serde_json::from_reader::<_, WeightsFile>(reader) {
        Ok(file) => file.checked_header(),
        Err(e) if e.is_io() && path.is_some() => Err(read_failed(e.into(), path)),
        Err(e) => Err(json_error(e)),
    }
}

/// A read error: `Io` naming the file, or `Json` (at line 0) when the data has no path.
#[cfg(feature = "std")]
pub(crate) fn read_failed(source: std::io::Error, path: Option<&Path>) -> Error {
    match path {
        Some(path) => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        None => json_error(serde_json::Error::io(source)),
    }
}

/// A config value as the spec sees it (an array or object is `Other`, its text filled in later).
pub fn spec_value(v: &Value) -> crate::Value<'_> {
    use crate::Value as V;
    match v {
        Value::Null => V::Null,
        Value::Bool(b) => V::Bool(*b),
        Value::Number(n) => match n.as_u64() {
            Some(u) => V::Int(u),
            None => V::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => V::Str(s),
        Value::Array(items) => {
            let ints: Option<alloc::vec::Vec<i64>> = items.iter().map(Value::as_i64).collect();
            match ints.and_then(|v| crate::Ints::new(&v)) {
                Some(v) => V::Ints(v),
                None => V::Other(""),
            }
        }
        Value::Object(_) => V::Other(""),
    }
}

/// A `.keras` zip, an `.h5` or gzip data, told by the first bytes, is an error saying what to do.
fn foreign(head: &[u8], path: Option<&crate::error::FilePath>) -> Result<()> {
    match crate::foreign_format(head) {
        Some((what, fix)) => Err(Error::ForeignFormat {
            path: path.cloned(),
            what,
            fix,
        }),
        None => Ok(()),
    }
}

fn version_error(found: &Value) -> Error {
    Error::Format {
        expected: format!("version {VERSION}"),
        found: format!("version {found}"),
    }
}

/// A JSON parse failure explained by the file's header, when it names another format or
/// version: `again` reads the data from its start once more (a streamed file is not kept).
#[cfg(feature = "std")]
pub(crate) fn explain<R: std::io::Read>(e: Error, again: impl FnOnce() -> Option<R>) -> Error {
    match e {
        Error::Json { .. } => again()
            .and_then(|r| serde_json::from_reader::<_, Header>(std::io::BufReader::new(r)).ok())
            .and_then(header_error)
            .unwrap_or(e),
        e => e,
    }
}

/// Explains a parse failure by a header naming another format or version, if it does.
fn header_error(h: Header) -> Option<Error> {
    match (&h.format, &h.version) {
        (Some(Value::String(f)), _) if f != FORMAT => Some(Error::Format {
            expected: format!("format \"{FORMAT}\""),
            found: format!("format {f:?}"),
        }),
        (_, Some(v)) if v.as_u64() != Some(VERSION as u64) => Some(version_error(v)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn tiny() -> WeightsFile {
        WeightsFile {
            format: FORMAT.into(),
            version: VERSION,
            model: None,
            producer: None,
            input_shape: None,
            layers: vec![LayerRecord {
                name: "dense".into(),
                class: "Dense".into(),
                config: Map::new(),
                weights: vec![TensorRecord {
                    name: "kernel".into(),
                    shape: vec![1, 2],
                    data: vec![0.1, -2.5e-8],
                }],
            }],
            checksum: None,
        }
    }

    #[test]
    fn checksum_matches_zlib_crc32_of_little_endian_bytes() {
        // Python: "crc32:%08x" % zlib.crc32(np.array([0.1, -2.5e-8], "<f4").tobytes())
        assert_eq!(tiny().compute_checksum(), "crc32:0636c20a");
    }

    #[test]
    fn a_malformed_checksum_is_a_format_error_and_a_wrong_one_a_checksum_error() {
        let mut f = tiny();
        f.checksum = Some("crc32:zzzzzzzz".into());
        assert!(matches!(
            WeightsFile::from_json(&f.to_json()),
            Err(Error::Format { .. })
        ));
        f.checksum = Some("crc32:0636c20b".into());
        assert!(matches!(
            WeightsFile::from_json(&f.to_json()),
            Err(Error::Checksum { .. })
        ));
        f.checksum = Some("CRC32:0636C20A".into());
        assert!(matches!(
            WeightsFile::from_json(&f.to_json()),
            Err(Error::Format { .. })
        ));
        f.checksum = Some("crc32:0636C20A".into());
        assert!(
            WeightsFile::from_json(&f.to_json()).is_ok(),
            "hex digits in either case"
        );
    }

    #[test]
    fn text_round_trip_is_exact() {
        let f = tiny();
        assert_eq!(WeightsFile::from_json(&f.to_json()).unwrap(), f);
    }

    #[test]
    fn a_value_beyond_f32_is_refused_with_its_position() {
        let text = tiny().to_json().replace("0.1", "1e39");
        match WeightsFile::from_json(&text) {
            Err(Error::Json { message, line, .. }) => {
                assert!(message.contains("outside the f32 range"), "{message}");
                assert_eq!(line, 1);
            }
            other => panic!("expected a JSON error, got {other:?}"),
        }
    }
}
