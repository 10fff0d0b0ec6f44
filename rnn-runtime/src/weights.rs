//! The weights file (docs/WEIGHTS_FORMAT.md): reading, writing, checksum, and strict validation
//! against a compiled model's layers.

use std::fmt;
use std::io::Read;
use std::path::Path;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::info::LayerInfo;
use crate::{Activation, Error, Result};

/// The `format` string every weights file carries.
pub const FORMAT: &str = "rnn-weights";
/// The only version this runtime reads and writes.
pub const VERSION: u32 = 1;

/// A whole weights file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsFile {
    pub format: String,
    pub version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_shape: Option<Vec<Option<u64>>>,
    pub layers: Vec<LayerRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

/// One layer of a weights file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerRecord {
    pub name: String,
    pub class: String,
    pub config: Map<String, Value>,
    pub weights: Vec<TensorRecord>,
}

/// One weight tensor: Keras's name, shape and row-major data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TensorRecord {
    pub name: String,
    pub shape: Vec<u64>,
    #[serde(deserialize_with = "finite_f32s")]
    pub data: Vec<f32>,
}

/// Reads a JSON array of numbers straight into f32, refusing values that are not finite f32s
/// (JSON has no NaN; a huge number such as 1e39 would otherwise silently become infinity).
fn finite_f32s<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<f32>, D::Error> {
    struct Data;
    impl<'de> Visitor<'de> for Data {
        type Value = Vec<f32>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an array of numbers")
        }
        fn visit_seq<A: SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Vec<f32>, A::Error> {
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

fn json_error(e: serde_json::Error) -> Error {
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
        match serde_json::from_str::<WeightsFile>(text) {
            Ok(file) => file.checked_header(),
            Err(e) => Err(serde_json::from_str::<Header>(text)
                .ok()
                .and_then(header_error)
                .unwrap_or_else(|| json_error(e))),
        }
    }

    /// Reads a weights file from disk, streaming: the text is never held in memory whole.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let open = || {
            std::fs::File::open(path).map_err(|source| Error::Io {
                path: path.to_owned(),
                source,
            })
        };
        let reader = std::io::BufReader::with_capacity(1 << 16, open()?);
        match serde_json::from_reader::<_, WeightsFile>(reader) {
            Ok(file) => file.checked_header(),
            Err(e) if e.is_io() => Err(Error::Io {
                path: path.to_owned(),
                source: e.into(),
            }),
            Err(e) => {
                let header = open().ok().and_then(|f| {
                    serde_json::from_reader::<_, Header>(std::io::BufReader::new(f)).ok()
                });
                Err(header
                    .and_then(header_error)
                    .unwrap_or_else(|| json_error(e)))
            }
        }
    }

    /// Reads a weights file from any reader.
    pub fn from_reader(reader: impl Read) -> Result<Self> {
        serde_json::from_reader::<_, WeightsFile>(reader)
            .map_err(json_error)?
            .checked_header()
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

    /// Checks every layer of the file against the compiled model's layers: count, names, classes,
    /// the options that change results, and every tensor's name, shape and value count. Returns
    /// the first mismatch in file order.
    pub fn check_against(&self, model: &[LayerInfo]) -> Result<()> {
        if self.layers.len() != model.len() {
            return Err(Error::LayerCount {
                expected: model.len(),
                found: self.layers.len(),
                expected_names: model.iter().map(|l| l.name).collect::<Vec<_>>().join(", "),
                found_names: self
                    .layers
                    .iter()
                    .map(|l| l.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        for (index, (rec, info)) in self.layers.iter().zip(model).enumerate() {
            check_layer(index, rec, info)?;
        }
        Ok(())
    }
}

fn version_error(found: &Value) -> Error {
    Error::Format {
        expected: format!("version {VERSION}"),
        found: format!("version {found}"),
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

fn mismatch(index: usize, rec: &LayerRecord, what: &str, expected: String, found: String) -> Error {
    Error::LayerMismatch {
        index,
        layer: rec.name.clone(),
        what: what.to_string(),
        expected,
        found,
    }
}

fn check_layer(index: usize, rec: &LayerRecord, info: &LayerInfo) -> Result<()> {
    if rec.name != info.name {
        return Err(mismatch(
            index,
            rec,
            "the name",
            format!("`{}`", info.name),
            format!("`{}`", rec.name),
        ));
    }
    if rec.class != info.class {
        return Err(mismatch(
            index,
            rec,
            "the class",
            info.class.into(),
            rec.class.clone(),
        ));
    }
    check_config(index, rec, info)?;
    check_tensors(rec, info)
}

fn check_config(index: usize, rec: &LayerRecord, info: &LayerInfo) -> Result<()> {
    let expected = info.config();
    for key in rec.config.keys() {
        if !expected.iter().any(|(k, _)| k == key) {
            let known: Vec<_> = expected.iter().map(|(k, _)| *k).collect();
            return Err(mismatch(
                index,
                rec,
                &format!("config key `{key}`"),
                format!("one of {}", known.join(", ")),
                "an unknown key".into(),
            ));
        }
    }
    for (key, want) in expected {
        let Some(found) = rec.config.get(key) else {
            return Err(mismatch(
                index,
                rec,
                &format!("config `{key}`"),
                want.to_string(),
                "missing".into(),
            ));
        };
        let same = match key {
            // `input_length` only fixes the summary's time axis; it does not change results.
            "input_length" => found.is_null() || found.is_u64(),
            "activation" => {
                found.as_str().and_then(Activation::from_name)
                    == want.as_str().and_then(Activation::from_name)
            }
            _ => *found == want,
        };
        if !same {
            return Err(mismatch(
                index,
                rec,
                &format!("config `{key}`"),
                want.to_string(),
                found.to_string(),
            ));
        }
    }
    Ok(())
}

fn check_tensors(rec: &LayerRecord, info: &LayerInfo) -> Result<()> {
    let expected = info.tensors();
    let err = |tensor: &str, what: &str, expected: String, found: String| Error::Tensor {
        layer: rec.name.clone(),
        tensor: tensor.to_string(),
        what: what.to_string(),
        expected,
        found,
    };
    let names = |v: Vec<&str>| format!("[{}]", v.join(", "));
    if rec.weights.len() != expected.len() {
        return Err(err(
            "*",
            "the tensor list",
            names(expected.iter().map(|(n, _)| *n).collect()),
            names(rec.weights.iter().map(|t| t.name.as_str()).collect()),
        ));
    }
    for (t, (name, shape)) in rec.weights.iter().zip(&expected) {
        if t.name != *name {
            return Err(err(
                name,
                "the tensor name",
                format!("`{name}`"),
                format!("`{}`", t.name),
            ));
        }
        let want: Vec<u64> = shape.iter().map(|&d| d as u64).collect();
        if t.shape != want {
            return Err(err(
                name,
                "the shape",
                format!("{want:?}"),
                format!("{:?}", t.shape),
            ));
        }
        let count: u64 = want.iter().product();
        if t.data.len() as u64 != count {
            return Err(err(
                name,
                "the number of values",
                format!("{count} (shape {want:?})"),
                t.data.len().to_string(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
