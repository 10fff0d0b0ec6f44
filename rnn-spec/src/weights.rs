//! The weights file's identity (docs/WEIGHTS_FORMAT.md).

/// The `format` string every weights file carries.
pub const FORMAT: &str = "rnn-weights";
/// The only version this project reads and writes.
pub const VERSION: u32 = 1;

/// What a file that is not a weights file is, told by its first bytes, with what to do.
pub fn foreign_format(head: &[u8]) -> Option<(&'static str, &'static str)> {
    if head.starts_with(b"PK\x03\x04") {
        Some((
            "a zip archive (a Keras 3 `.keras` file?)",
            "export it to JSON first: python tools/keras_export.py model.keras model.json",
        ))
    } else if head.starts_with(b"\x89HDF\r\n\x1a\n") {
        Some((
            "an HDF5 file (a Keras 2 / tf_keras `.h5` file?)",
            "export it to JSON first: python tools/keras_export.py model.h5 model.json",
        ))
    } else if head.starts_with(b"\x1f\x8b") {
        Some((
            "gzip-compressed data",
            "decompress it first (gunzip), or pass a decoder: WeightsFile::from_reader(flate2::read::GzDecoder::new(file))",
        ))
    } else {
        None
    }
}
