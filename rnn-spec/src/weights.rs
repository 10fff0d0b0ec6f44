//! The weights file's identity (docs/WEIGHTS_FORMAT.md).

/// The `format` string every weights file carries.
pub const FORMAT: &str = "rnn-weights";
/// The only version this project reads and writes.
pub const VERSION: u32 = 1;

/// gzip's first bytes.
pub(crate) const GZIP_MAGIC: &[u8] = b"\x1f\x8b";

/// What to do with a Keras file given as text (with the `keras` feature the loaders read it),
/// or given at all without that feature.
#[cfg(feature = "keras")]
const FIX_KERAS: [&str; 2] = [READ_AS_BYTES; 2];
#[cfg(feature = "keras")]
const READ_AS_BYTES: &str = "read it as bytes: M::load(path), WeightsFile::load(path), from_bytes or from_reader read Keras files";
#[cfg(not(feature = "keras"))]
const FIX_KERAS: [&str; 2] = [
    "enable rnn-runtime's `keras` feature (on by default) to read Keras files, or export it to JSON: python tools/keras_export.py model.keras model.json",
    "enable rnn-runtime's `keras` feature (on by default) to read Keras files, or export it to JSON: python tools/keras_export.py model.h5 model.json",
];
#[cfg(feature = "keras")]
const FIX_GZIP: &str = "read it as bytes: M::load(path), WeightsFile::load(path), from_bytes or from_reader decompress gzip";
#[cfg(not(feature = "keras"))]
const FIX_GZIP: &str = "enable rnn-runtime's `keras` feature (on by default) to decompress gzip, or decompress it first (gunzip), or pass a decoder: WeightsFile::from_reader(flate2::read::GzDecoder::new(file))";

/// What a file that is not a weights file is, told by its first bytes, with what to do.
pub fn foreign_format(head: &[u8]) -> Option<(&'static str, &'static str)> {
    if head.starts_with(b"PK\x03\x04") {
        Some(("a zip archive (a Keras 3 `.keras` file?)", FIX_KERAS[0]))
    } else if head.starts_with(b"\x89HDF\r\n\x1a\n") {
        Some((
            "an HDF5 file (a Keras 2 / tf_keras `.h5` file?)",
            FIX_KERAS[1],
        ))
    } else if head.starts_with(GZIP_MAGIC) {
        Some(("gzip-compressed data", FIX_GZIP))
    } else {
        None
    }
}
