//! Bytes -> `WeightsFile::from_bytes` and `from_reader`, which read what the first bytes say: a
//! Keras 3 `.keras` zip or a tf_keras `.h5` (the Keras file reader, rnn-spec's `keras` module),
//! gzip data, or JSON. Must never panic, and both entry points must agree. A file that reads
//! carries its checksum and writes back JSON that reads to the same file. Seeded with the
//! committed Keras files (README, Fuzzing): `cargo +nightly fuzz run keras_reader
//! fuzz/corpus/keras_reader tests/fixtures/keras tests/fixtures/keras_refused -- -max_len=65536`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rnn_runtime::WeightsFile;

fuzz_target!(|data: &[u8]| {
    let from_bytes = WeightsFile::from_bytes(data.to_vec());
    let from_reader = WeightsFile::from_reader(data);
    match (&from_bytes, &from_reader) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "from_bytes and from_reader read different files");
            let checksum = a.checksum.as_deref().unwrap_or("");
            if data.starts_with(b"PK\x03\x04") || data.starts_with(b"\x89HDF\r\n\x1a\n") {
                assert_eq!(
                    checksum,
                    a.compute_checksum(),
                    "a Keras file reads with its checksum"
                );
            }
            let back = WeightsFile::from_json(&a.to_json())
                .expect("a file read writes back JSON that reads");
            assert_eq!(back.layers.len(), a.layers.len());
            for (x, y) in back.layers.iter().zip(&a.layers) {
                assert_eq!(x.weights, y.weights, "tensors change through JSON");
            }
        }
        (Err(a), Err(b)) => {
            let _ = (a.to_string(), b.to_string());
        }
        _ => panic!(
            "from_bytes and from_reader disagree: {:?} / {:?}",
            from_bytes.as_ref().err(),
            from_reader.as_ref().err()
        ),
    }
});
