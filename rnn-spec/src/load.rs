//! Reading a weights file whatever its format (feature `std`), told by its first bytes: the
//! rnn-weights JSON (`json.rs`), with feature `keras` a Keras model file (`keras/`: a Keras 3
//! `.keras` archive or a tf_keras / Keras 2 `.h5`) or gzip data of any of them (decompressed
//! once, streaming). This module sits above both formats, which do not know each other (`keras/`
//! only builds a `WeightsFile`), and defines the loaders the runtime and the macro's
//! `#[weights = "..."]` call: `WeightsFile::load`, `from_reader` and `from_bytes`. Without
//! feature `keras`, a Keras file or gzip data is `Error::ForeignFormat`, its fix naming the
//! feature.

use alloc::vec::Vec;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};
use crate::json::{self, WeightsFile};

impl WeightsFile {
    /// Reads a weights file from disk, streaming: the text is never held in memory whole. With
    /// the `keras` feature, also a Keras model file (a Keras 3 `.keras` archive or a tf_keras /
    /// Keras 2 `.h5`, read in place: docs/KERAS_FILES.md) and gzip-compressed data of any of
    /// these, told by the first bytes.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let io = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let open = || std::fs::File::open(path).map_err(io);
        let mut file = open()?;
        #[cfg(feature = "keras")]
        {
            let mut head = Vec::with_capacity(8);
            (&mut file).take(8).read_to_end(&mut head).map_err(io)?;
            if crate::keras::is_keras(&head) {
                return crate::keras::from_path(path, &head);
            }
            file = open()?;
        }
        read_any(&mut file, Some(path), false).map_err(|e| json::explain(e, || open().ok()))
    }

    /// Reads a weights file from any reader: as [`WeightsFile::load`] reads a file (a Keras
    /// file is read whole first).
    pub fn from_reader(mut reader: impl Read) -> Result<Self> {
        read_any(&mut reader, None, false)
    }

    /// Reads a weights file from its bytes: as [`WeightsFile::load`] reads a file.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self> {
        #[cfg(feature = "keras")]
        if crate::keras::is_keras(&bytes) {
            return crate::keras::from_bytes(bytes, None);
        }
        read_any(&mut &bytes[..], None, false).map_err(|e| json::explain(e, || Some(&bytes[..])))
    }
}

/// What the first bytes say: with the `keras` feature gzip data (decompressed once, streaming,
/// then told again) or a Keras file (read whole); else JSON, streamed.
fn read_any(reader: &mut dyn Read, path: Option<&Path>, gunzipped: bool) -> Result<WeightsFile> {
    let reader = BufReader::with_capacity(1 << 16, reader);
    #[cfg(feature = "keras")]
    let reader = {
        use std::io::BufRead;
        let mut reader = reader;
        let head = reader.fill_buf().map_err(|e| json::read_failed(e, path))?;
        if !gunzipped && head.starts_with(crate::weights::GZIP_MAGIC) {
            let mut inflated = flate2::read::GzDecoder::new(reader);
            return read_any(&mut inflated, path, true);
        }
        if crate::keras::is_keras(head) {
            let mut bytes = Vec::new();
            reader
                .read_to_end(&mut bytes)
                .map_err(|e| json::read_failed(e, path))?;
            return crate::keras::from_bytes(bytes, path);
        }
        reader
    };
    let _ = gunzipped; // read only with the `keras` feature
    json::read_json(reader, path)
}

#[cfg(test)]
mod tests {
    use super::WeightsFile;

    /// Every loader refuses a Keras file or gzip data it cannot read by naming the feature that
    /// reads it (`cargo test -p rnn-spec --features std`, as .ci/run does).
    #[test]
    #[cfg(not(feature = "keras"))]
    fn without_keras_a_keras_file_or_gzip_names_the_feature() {
        use alloc::string::ToString;
        let inputs: [&[u8]; 3] = [
            b"PK\x03\x04rest",
            b"\x89HDF\r\n\x1a\nrest",
            b"\x1f\x8b\x08rest",
        ];
        for bytes in inputs {
            let errors = [
                WeightsFile::from_bytes(bytes.to_vec()).unwrap_err(),
                WeightsFile::from_reader(bytes).unwrap_err(),
            ];
            for e in errors {
                let text = e.to_string();
                assert!(text.contains("rnn-runtime's `keras` feature"), "{text}");
            }
        }
        let path =
            std::env::temp_dir().join(alloc::format!("rnn-spec-{}.keras", std::process::id()));
        std::fs::write(&path, b"PK\x03\x04rest").unwrap();
        let e = WeightsFile::load(&path).unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        assert!(e.contains("rnn-runtime's `keras` feature"), "{e}");
    }

    /// With the feature, the same loaders read them (gzip of JSON here; Keras files:
    /// tests/keras_files.rs).
    #[test]
    #[cfg(feature = "keras")]
    fn with_keras_gzip_data_is_read() {
        use alloc::vec::Vec;
        use std::io::Write;
        let json = r#"{"format":"rnn-weights","version":1,"layers":[]}"#;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(json.as_bytes()).unwrap();
        let bytes = gz.finish().unwrap();
        let expected = WeightsFile::from_json(json).unwrap();
        assert_eq!(WeightsFile::from_bytes(bytes.clone()).unwrap(), expected);
        assert_eq!(WeightsFile::from_reader(&bytes[..]).unwrap(), expected);
    }
}
