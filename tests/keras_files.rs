//! Keras's own files, read in Rust: every original under tests/fixtures/keras (Keras 3 `.keras`
//! and tf_keras `.h5`, saved by tools/gen_fixtures.py, gzip-compressed when large) loads to
//! exactly the weights file that tools/keras_export.py wrote from it (layers, config, tensors bit
//! for bit, checksum) from a path, from bytes and from a reader, and a damaged file (truncated at
//! many cuts, bytes overwritten, garbage) is an error naming the file, never a panic.
//! (tests/keras_fixtures.rs runs the models loaded from them against Keras's outputs.)

mod common;

use rnn_runtime::{Error, WeightsFile};
use std::path::PathBuf;

fn originals() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(common::fixtures().join("keras"))
        .expect("tests/fixtures/keras")
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// The fixture name: the file name before its first dot.
fn stem(p: &std::path::Path) -> String {
    let name = p.file_name().unwrap().to_string_lossy();
    name.split('.').next().unwrap().to_string()
}

/// The originals stored plain (not gzip): the damage tests cut and overwrite their bytes.
fn plain_originals() -> Vec<PathBuf> {
    originals()
        .into_iter()
        .filter(|p| p.extension().unwrap() != "gz")
        .collect()
}

#[test]
fn every_original_loads_to_its_exported_json_bit_for_bit() {
    let files = originals();
    let named = |ext: &str| {
        files
            .iter()
            .filter(|p| p.to_string_lossy().contains(ext))
            .count()
    };
    // every fixture has its original; both formats, plain and gzip-compressed
    let fixtures = std::fs::read_dir(common::fixtures())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".io.json")
        })
        .count();
    assert_eq!(files.len(), fixtures, "{files:?}");
    for ext in [".keras", ".h5", ".keras.gz", ".h5.gz"] {
        assert!(
            files.iter().any(|p| p.to_string_lossy().ends_with(ext)),
            "no {ext} original"
        );
    }
    assert!(named(".keras") > 50 && named(".h5") > 10, "{files:?}");
    for path in &files {
        let name = stem(path);
        let ours = WeightsFile::load(path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let exported =
            WeightsFile::from_json(&common::read_fixture(&format!("{name}.weights.json")))
                .expect("fixture");
        assert_eq!(ours.layers.len(), exported.layers.len(), "{name}");
        for (a, b) in ours.layers.iter().zip(&exported.layers) {
            assert_eq!((&a.name, &a.class), (&b.name, &b.class), "{name}");
            assert_eq!(a.config, b.config, "{name}: config of {}", a.name);
            assert_eq!(a.weights.len(), b.weights.len(), "{name}: {}", a.name);
            for (x, y) in a.weights.iter().zip(&b.weights) {
                assert_eq!(
                    (&x.name, &x.shape),
                    (&y.name, &y.shape),
                    "{name}: {}",
                    a.name
                );
                let bits = |d: &[f32]| d.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
                assert_eq!(
                    bits(&x.data),
                    bits(&y.data),
                    "{name}: {}/{}",
                    a.name,
                    x.name
                );
            }
        }
        // the whole record: model name, producer, input shape, checksum
        assert_eq!(ours, exported, "{name}");
        // from bytes and from a reader, the same
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(WeightsFile::from_bytes(bytes.clone()).unwrap(), exported);
        assert_eq!(WeightsFile::from_reader(&bytes[..]).unwrap(), exported);
    }
}

fn kind_words(e: &Error) -> bool {
    matches!(e, Error::KerasFile { .. } | Error::KerasUnsupported { .. })
}

/// Cuts at every 1/200 of the file and at the structures' edges near the start and end.
fn cuts(len: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..len).step_by((len / 200).max(1)).collect();
    v.extend((0..64.min(len)).chain(len.saturating_sub(64)..len));
    v.sort();
    v.dedup();
    v
}

#[test]
fn a_truncated_file_is_an_error_naming_it() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("keras_truncated");
    std::fs::create_dir_all(&dir).unwrap();
    for path in plain_originals() {
        let bytes = std::fs::read(&path).unwrap();
        let cut_path = dir.join(path.file_name().unwrap());
        let mut loaded = 0;
        for cut in cuts(bytes.len()) {
            let part = bytes[..cut].to_vec();
            match WeightsFile::from_bytes(part.clone()) {
                // HDF5 puts nothing the model needs after the last dataset, so a cut through the
                // end padding may still read: then it must read to the whole file's weights.
                Ok(f) => {
                    loaded += 1;
                    assert_eq!(f, WeightsFile::load(&path).unwrap(), "cut at {cut}");
                }
                Err(e) => assert!(
                    kind_words(&e) || matches!(e, Error::Json { .. }),
                    "{}: cut at {cut}: {e:?}",
                    path.display()
                ),
            }
            if cut % 7 == 0 {
                std::fs::write(&cut_path, &part).unwrap();
                if let Err(e) = WeightsFile::load(&cut_path) {
                    let text = e.to_string();
                    if kind_words(&e) {
                        assert!(text.contains(&cut_path.display().to_string()), "{text}");
                    }
                }
            }
        }
        assert!(loaded < cuts(bytes.len()).len() / 2, "{}", path.display());
    }
}

#[test]
fn overwritten_bytes_are_an_error_or_the_same_model_never_a_panic() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for path in plain_originals() {
        let bytes = std::fs::read(&path).unwrap();
        for _ in 0..60 {
            let mut b = bytes.clone();
            for _ in 0..1 + next() % 4 {
                let i = (next() as usize) % b.len();
                b[i] = next() as u8;
            }
            // Any outcome but a panic: damage to padding or to unread metadata still loads.
            let _ = WeightsFile::from_bytes(b).map_err(|e| e.to_string());
        }
    }
}

#[test]
fn garbage_behind_a_keras_signature_is_a_keras_file_error() {
    for head in [&b"PK\x03\x04"[..], &b"\x89HDF\r\n\x1a\n"[..]] {
        for tail in [
            &b""[..],
            b"\0\0\0\0\0\0\0\0",
            &[0xffu8; 300][..],
            b"garbage",
        ] {
            let bytes = [head, tail].concat();
            let e = WeightsFile::from_bytes(bytes).unwrap_err();
            assert!(matches!(e, Error::KerasFile { path: None, .. }), "{e:?}");
            assert!(
                e.to_string()
                    .starts_with("the data is not a readable Keras model file"),
                "{e}"
            );
        }
    }
}

#[test]
fn a_keras_archive_without_the_model_says_what_is_missing() {
    // A zip with one stored entry, `metadata.json`: no config.json.
    let data = b"{}";
    let crc = 0xa2ea_6f95_u32.to_le_bytes(); // crc32("{}")
    let name = b"metadata.json";
    let mut zip = Vec::new();
    zip.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    zip.extend_from_slice(&crc);
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip.extend_from_slice(name);
    zip.extend_from_slice(data);
    let cd = zip.len();
    zip.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    zip.extend_from_slice(&crc);
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(data.len() as u32).to_le_bytes());
    zip.extend_from_slice(&(name.len() as u16).to_le_bytes());
    zip.extend_from_slice(&[0u8; 12]); // extra, comment, disk, attributes
    zip.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    zip.extend_from_slice(name);
    let cd_size = zip.len() - cd;
    zip.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    zip.extend_from_slice(&(cd_size as u32).to_le_bytes());
    zip.extend_from_slice(&(cd as u32).to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    let e = WeightsFile::from_bytes(zip.clone()).unwrap_err();
    assert!(e.to_string().contains("no `config.json`"), "{e}");
    // the same archive with its entry's CRC damaged
    zip[14] ^= 1;
    let i = cd + 16;
    zip[i] ^= 1;
    let e = WeightsFile::from_bytes(zip).unwrap_err();
    assert!(e.to_string().contains("no `config.json`"), "{e}");
}

#[test]
fn a_dataset_larger_than_its_file_is_refused_before_allocating() {
    // Found by fuzzing (keras_reader): a tf_keras file whose SimpleRNN kernel dataset claims
    // 0xce000000030 bytes of values. Refused by the size of the file, never allocated.
    let path = common::fixtures().join("keras_refused/huge_dataset.h5");
    let bytes = std::fs::read(&path).unwrap();
    for e in [
        WeightsFile::load(&path).unwrap_err(),
        WeightsFile::from_bytes(bytes).unwrap_err(),
    ] {
        assert!(matches!(e, Error::KerasFile { .. }), "{e:?}");
        assert!(
            e.to_string()
                .contains("more than a file of this size can hold"),
            "{e}"
        );
    }
}

rnn_runtime::rnn_model! { struct Wrong<Input(None, 4), GRU(8, reset_after = false)>; }

#[test]
fn a_keras_file_that_does_not_fit_the_model_is_a_mismatch_as_for_json() {
    // gru_reset_before is Input(None, 4), GRU(8, reset_after = false): Wrong has other sizes?
    // No: it is the same model, so it loads; an LSTM fixture does not.
    Wrong::load(common::original("gru_reset_before")).expect("the same model loads");
    match Wrong::load(common::original("lstm_masking")) {
        Err(Error::Mismatch { problems }) => assert!(!problems.is_empty()),
        other => panic!("expected a mismatch, got {:?}", other.err()),
    }
}

rnn_runtime::rnn_model! { struct CnnGru<Input(None, 4), GRU(3)>; }

#[test]
fn every_unsupported_layer_of_a_file_is_named_in_one_error() {
    // SeparableConv1D (twice), Conv1DTranspose and UnitNormalization before a GRU, saved by
    // Keras 3 and by tf_keras: one error names every class and every layer, so a user does not
    // find them one retrain at a time.
    for file in ["unimplemented_stack.keras", "unimplemented_stack.h5"] {
        let path = common::fixtures().join("keras_refused").join(file);
        let e = match CnnGru::load(&path) {
            Err(e) => e,
            Ok(_) => panic!("{file}: loaded"),
        };
        assert!(matches!(e, Error::KerasUnsupported { .. }), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains(
                "layer classes `SeparableConv1D`, `Conv1DTranspose`, `UnitNormalization` are not implemented"
            ),
            "{text}"
        );
        for layer in [
            "(SeparableConv1D)",
            "(Conv1DTranspose)",
            "(UnitNormalization)",
            "separable_conv1d_1",
        ] {
            assert!(text.contains(layer), "{file}: {layer} not named in {text}");
        }
        assert!(!text.contains("'batch_normalization'"), "{file}: {text}");
    }
}

rnn_runtime::rnn_model! { struct SoftmaxSeq<Input(None, 4), SimpleRNN(3, seq), Softmax()>; }

#[test]
fn a_softmax_over_the_time_axis_is_refused_with_the_dsl_s_reason() {
    // Softmax(axis = 1) after a sequence, saved by Keras 3 and by tf_keras: refused on load,
    // naming the layer, with the message a declaration `Softmax(axis = 1)` gets.
    for file in ["softmax_time_axis.keras", "softmax_time_axis.h5"] {
        let path = common::fixtures().join("keras_refused").join(file);
        let e = match SoftmaxSeq::load(&path) {
            Err(e) => e,
            Ok(_) => panic!("{file}: loaded"),
        };
        assert!(matches!(e, Error::KerasUnsupported { .. }), "{e:?}");
        let text = e.to_string();
        for part in [
            "layer 'softmax' (Softmax)",
            "`Softmax(axis = 1)` is not supported",
            "the last axis only",
        ] {
            assert!(text.contains(part), "{file}: {part:?} not in {text}");
        }
    }
}

rnn_runtime::rnn_model! { struct NormSeq<Input(5, 4), SimpleRNN(3, seq), BatchNormalization()>; }

#[test]
fn a_normalization_over_the_time_axis_is_refused_with_the_dsl_s_reason() {
    // BatchNormalization(axis = 1) saved by Keras 3, LayerNormalization(axis = 1) by tf_keras
    // (stored `[1]`), after a sequence: refused on load, naming the layer and the axis, with
    // the message a declaration gets (the last axis is -1, or 2 on a sequence).
    for (file, part) in [
        (
            "batch_norm_time_axis.keras",
            "layer 'batch_normalization' (BatchNormalization)",
        ),
        (
            "layer_norm_time_axis.h5",
            "layer 'layer_normalization' (LayerNormalization)",
        ),
    ] {
        let path = common::fixtures().join("keras_refused").join(file);
        let e = match NormSeq::load(&path) {
            Err(e) => e,
            Ok(_) => panic!("{file}: loaded"),
        };
        assert!(matches!(e, Error::KerasUnsupported { .. }), "{e:?}");
        let text = e.to_string();
        for part in [
            part,
            "(axis = 1)` is not supported",
            "the last axis only (`axis = -1`, Keras's default, or 2, its index here)",
        ] {
            assert!(text.contains(part), "{file}: {part:?} not in {text}");
        }
    }
}
