//! Robustness: bad weights files and bad inputs give a clear `Err` (never a panic, never silent
//! damage), big models build and long sequences run, and random valid files round-trip exactly.
//!
//! Every refusal is checked twice: on the `Error` variant, and on key words of its message (the
//! layer, the tensor, what was expected and what was found, or the line and column).

use proptest::prelude::*;
use rnn_runtime::ndarray::{Array2, Array3, s};
use rnn_runtime::{Error, WeightsFile};
use serde_json::{Value, json};

rnn_runtime::rnn_model! {
    /// A token model: masking, a sequence layer, a last-output layer and a softmax head.
    struct Tok<Embedding(50, 8, mask_zero = true), SimpleRNN(6, seq), SimpleRNN(4), Dense(2, activation = softmax)>;
}
rnn_runtime::rnn_model! {
    /// A float model of free length.
    struct Free<Input(None, 5), SimpleRNN(3)>;
}
rnn_runtime::rnn_model! {
    /// A float model of fixed length returning every timestep.
    struct Fixed<Input(12, 4), SimpleRNN(5, seq)>;
}
rnn_runtime::rnn_model! {
    /// A big embedding table (25.6 M weights, 102 MB): must build off the stack.
    struct Big<Embedding(100000, 256), SimpleRNN(32)>;
}
rnn_runtime::rnn_model! {
    /// A last-output model for a very long sequence.
    struct Long<Input(None, 4), SimpleRNN(8)>;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// The error of a result that must be an error.
fn err<T>(what: &str, r: Result<T, Error>) -> Error {
    match r {
        Ok(_) => panic!("{what}: expected an error, the call succeeded"),
        Err(e) => e,
    }
}

/// Asserts that `e`'s message contains every word of `words`.
/// With `ROBUSTNESS_PRINT=1` in the environment, every checked message is printed (this is how
/// the examples of docs/ERRORS.md were captured: `cargo test --test robustness -- --nocapture`).
fn assert_words(case: &str, e: &Error, words: &[&str]) {
    let msg = e.to_string();
    if std::env::var_os("ROBUSTNESS_PRINT").is_some() {
        eprintln!("{case}\n    {msg}");
    }
    for w in words {
        assert!(
            msg.contains(w),
            "{case}: message lacks `{w}`:\n  {msg}\n  {e:?}"
        );
    }
}

/// The weights file of a model as a JSON value (with its checksum).
fn value_of(json: &str) -> Value {
    serde_json::from_str(json).expect("to_json writes JSON")
}

/// Re-seals an edited file: when it still reads as a weights file, its checksum is recomputed so
/// that the edit itself (not the checksum) is what the loader has to catch.
fn reseal(mut v: Value) -> String {
    if let Ok(mut file) = serde_json::from_value::<WeightsFile>(v.clone()) {
        file.checksum = None;
        v["checksum"] = Value::from(file.compute_checksum());
    }
    v.to_string()
}

/// The tensor data of a weights file, as bits (for exact comparisons, NaN- and -0-safe).
fn bits(file: &WeightsFile) -> Vec<Vec<u32>> {
    file.layers
        .iter()
        .flat_map(|l| &l.weights)
        .map(|t| t.data.iter().map(|v| v.to_bits()).collect())
        .collect()
}

/// Which variant an error is, for the tables.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Io,
    Json,
    Format,
    LayerCount,
    LayerMismatch,
    Tensor,
    Checksum,
}

fn kind(e: &Error) -> Kind {
    match e {
        Error::Io { .. } => Kind::Io,
        Error::Json { .. } => Kind::Json,
        Error::Format { .. } => Kind::Format,
        Error::Mismatch { problems } => match problems.first() {
            Some(p) if p.layer.is_none() => Kind::LayerCount,
            Some(p) if p.what.contains("tensor") => Kind::Tensor,
            _ => Kind::LayerMismatch,
        },
        Error::ForeignFormat { .. } => Kind::Format,
        Error::KerasFile { .. } | Error::KerasUnsupported { .. } => Kind::Format,
        Error::Tensor { .. } => Kind::Tensor,
        Error::Checksum { .. } => Kind::Checksum,
        other => panic!("not a weights error: {other:?}"),
    }
}

/// One damaged weights file and what the loader must say about it.
struct Case {
    name: &'static str,
    text: String,
    kind: Kind,
    words: Vec<String>,
}

fn case(name: &'static str, text: String, kind: Kind, words: &[&str]) -> Case {
    Case {
        name,
        text,
        kind,
        words: words.iter().map(|w| w.to_string()).collect(),
    }
}

/// Edits a JSON value and re-seals it.
fn edit(v: &Value, f: impl FnOnce(&mut Value)) -> String {
    let mut v = v.clone();
    f(&mut v);
    reseal(v)
}

/// Edits a JSON value, keeping its checksum as it was.
fn edit_raw(v: &Value, f: impl FnOnce(&mut Value)) -> String {
    let mut v = v.clone();
    f(&mut v);
    v.to_string()
}

/// Replaces the first occurrence of `from` after the `"data":[` of tensor `t` of layer `l`:
/// text-level damage that a JSON value cannot hold (NaN, 1e39, ...).
fn in_data(text: &str, layer: &str, tensor: &str, replace: &str) -> String {
    let at = text
        .find(&format!("\"name\":\"{layer}\""))
        .expect("layer is in the file");
    let t = at
        + text[at..]
            .find(&format!("\"name\":\"{tensor}\""))
            .expect("tensor is in the file");
    let d = t + text[t..].find("\"data\":[").expect("data follows") + "\"data\":[".len();
    let end = d + text[d..].find([',', ']']).expect("a value");
    format!("{}{replace}{}", &text[..d], &text[end..])
}

/// The cases every model must refuse, for a model whose weights file is `good` and whose layer
/// `li` (a SimpleRNN) is the one damaged.
fn common_cases(good: &str, li: usize) -> Vec<Case> {
    let v = value_of(good);
    let layer = v["layers"][li]["name"].as_str().unwrap().to_string();
    let l = layer.as_str();
    let n_layers = v["layers"].as_array().unwrap().len();
    let rs = v["layers"][li]["config"]["return_sequences"]
        .as_bool()
        .unwrap();
    let mut cases = vec![
        case(
            "empty file",
            String::new(),
            Kind::Json,
            &["line 1, column 0", "EOF"],
        ),
        case(
            "whitespace only",
            " \n\t".into(),
            Kind::Json,
            &["line 2", "EOF"],
        ),
        case(
            "not JSON",
            "<weights/>".into(),
            Kind::Json,
            &["line 1, column 1", "expected value"],
        ),
        case(
            "a JSON array",
            "[1, 2, 3]".into(),
            Kind::Json,
            &["line 1", "invalid type"],
        ),
        case(
            "a JSON string",
            "\"weights\"".into(),
            Kind::Json,
            &["line 1", "invalid type"],
        ),
        case(
            "an empty object",
            "{}".into(),
            Kind::Json,
            &["missing field `format`"],
        ),
        case(
            "wrong format",
            edit(&v, |v| v["format"] = json!("onnx")),
            Kind::Format,
            &["expected format \"rnn-weights\"", "found format \"onnx\""],
        ),
        case(
            "wrong version",
            edit(&v, |v| v["version"] = json!(2)),
            Kind::Format,
            &["expected version 1", "found version 2"],
        ),
        case(
            "version as a string",
            edit(&v, |v| v["version"] = json!("1")),
            Kind::Format,
            &["expected version 1", "found version \"1\""],
        ),
        case(
            "negative version",
            edit(&v, |v| v["version"] = json!(-1)),
            Kind::Format,
            &["expected version 1", "found version -1"],
        ),
        case(
            "missing version",
            edit(&v, |v| {
                v.as_object_mut().unwrap().remove("version");
            }),
            Kind::Json,
            &["missing field `version`"],
        ),
        case(
            "unknown top-level key",
            edit(&v, |v| v["optimizer"] = json!("adam")),
            Kind::Json,
            &["unknown field `optimizer`"],
        ),
        case(
            "missing layer",
            edit(&v, |v| {
                v["layers"].as_array_mut().unwrap().pop();
            }),
            Kind::LayerCount,
            &[
                &format!("the number of layers is {} (", n_layers - 1),
                &format!("the model declares {n_layers} ("),
            ],
        ),
        case(
            "extra layer",
            edit(&v, |v| {
                let last = v["layers"][n_layers - 1].clone();
                v["layers"].as_array_mut().unwrap().push(last);
            }),
            Kind::LayerCount,
            &[
                &format!("the number of layers is {} (", n_layers + 1),
                &format!("the model declares {n_layers} ("),
            ],
        ),
        case(
            "no layers",
            edit(&v, |v| v["layers"] = json!([])),
            Kind::LayerCount,
            &[
                "the number of layers is 0 () in the file",
                &format!("the model declares {n_layers} ("),
            ],
        ),
        case(
            "wrong class",
            edit(&v, |v| v["layers"][li]["class"] = json!("LSTM")),
            Kind::LayerMismatch,
            &[
                &format!("layer {} (`{l}`)", li + 1),
                "the class is `LSTM` in the file",
                "declares `SimpleRNN`",
                "declare `LSTM` at position",
            ],
        ),
        case(
            "activation disagrees",
            edit(&v, |v| {
                v["layers"][li]["config"]["activation"] = json!("relu")
            }),
            Kind::LayerMismatch,
            &[
                l,
                "option `activation` is \"relu\" in the file",
                "declares \"tanh\"",
                "add `activation = relu`",
            ],
        ),
        case(
            "unknown activation",
            edit(&v, |v| {
                v["layers"][li]["config"]["activation"] = json!("tanhh")
            }),
            Kind::LayerMismatch,
            &[
                l,
                "option `activation` is \"tanhh\"",
                "not one rnn_model! implements",
            ],
        ),
        case(
            "use_bias disagrees",
            edit(&v, |v| v["layers"][li]["config"]["use_bias"] = json!(false)),
            Kind::LayerMismatch,
            &[
                l,
                "option `use_bias` is false in the file",
                "declares true",
                "add `use_bias = false`",
            ],
        ),
        case(
            "return_sequences disagrees",
            edit(&v, |v| {
                v["layers"][li]["config"]["return_sequences"] = json!(!rs)
            }),
            Kind::LayerMismatch,
            &[
                l,
                &format!("option `return_sequences` is {} in the file", !rs),
                &format!("declares {rs}"),
            ],
        ),
        case(
            "go_backwards disagrees",
            edit(&v, |v| {
                v["layers"][li]["config"]["go_backwards"] = json!(true)
            }),
            Kind::LayerMismatch,
            &[
                l,
                "option `go_backwards` is true in the file",
                "declares false",
                "add `go_backwards = true`",
            ],
        ),
        case(
            "units disagree",
            edit(&v, |v| v["layers"][li]["config"]["units"] = json!(7)),
            Kind::LayerMismatch,
            &[l, "option `units` is 7 in the file", "with units 7"],
        ),
        case(
            "units as a float",
            edit(&v, |v| {
                let units = v["layers"][li]["config"]["units"].as_u64().unwrap();
                v["layers"][li]["config"]["units"] = json!(units as f64);
            }),
            Kind::LayerMismatch,
            &[
                l,
                "option `units` is ",
                ".0 in the file, the model declares ",
                "damaged",
            ],
        ),
        case(
            "a bool option as a string",
            edit(&v, |v| {
                v["layers"][li]["config"]["use_bias"] = json!("true")
            }),
            Kind::LayerMismatch,
            &[
                l,
                "option `use_bias` is \"true\" in the file",
                "declares true",
            ],
        ),
        case(
            "unknown config key",
            edit(&v, |v| {
                v["layers"][li]["config"]["dropout_rate"] = json!(0.5)
            }),
            Kind::LayerMismatch,
            &[
                l,
                "option `dropout_rate` is recorded",
                "`SimpleRNN` records units, activation",
            ],
        ),
        case(
            "missing config key",
            edit(&v, |v| {
                v["layers"][li]["config"]
                    .as_object_mut()
                    .unwrap()
                    .remove("go_backwards");
            }),
            Kind::LayerMismatch,
            &[
                l,
                "option `go_backwards` is missing in the file",
                "declares false",
            ],
        ),
        case(
            "config is not an object",
            edit(&v, |v| v["layers"][li]["config"] = json!([])),
            Kind::Json,
            &["line 1", "invalid type: sequence, expected a map"],
        ),
        case(
            "unknown layer key",
            edit(&v, |v| v["layers"][li]["trainable"] = json!(true)),
            Kind::Json,
            &["unknown field `trainable`"],
        ),
        case(
            "tensor with a wrong shape",
            edit(&v, |v| {
                let shape = v["layers"][li]["weights"][1]["shape"].clone();
                let units = shape[0].as_u64().unwrap();
                let data = v["layers"][li]["weights"][1]["data"].clone();
                // Same count, transposed-looking shape: the shape itself must be caught.
                v["layers"][li]["weights"][1]["shape"] = json!([units * units, 1]);
                v["layers"][li]["weights"][1]["data"] = data;
            }),
            Kind::Tensor,
            &[
                &format!("(`{l}`)"),
                "tensor `recurrent_kernel`'s shape is [",
                "the model declares [",
            ],
        ),
        case(
            "too few values",
            edit(&v, |v| {
                v["layers"][li]["weights"][0]["data"]
                    .as_array_mut()
                    .unwrap()
                    .pop();
            }),
            Kind::Tensor,
            &[
                &format!("(`{l}`)"),
                "tensor `kernel`'s number of values is",
                "the file is damaged",
            ],
        ),
        case(
            "too many values",
            edit(&v, |v| {
                v["layers"][li]["weights"][2]["data"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!(0.5));
            }),
            Kind::Tensor,
            &[&format!("(`{l}`)"), "tensor `bias`'s number of values"],
        ),
        case(
            "empty data",
            edit(&v, |v| v["layers"][li]["weights"][2]["data"] = json!([])),
            Kind::Tensor,
            &[
                &format!("(`{l}`)"),
                "tensor `bias`'s number of values",
                "values is 0 in the file",
            ],
        ),
        case(
            "missing tensor",
            edit(&v, |v| {
                v["layers"][li]["weights"].as_array_mut().unwrap().pop();
            }),
            Kind::Tensor,
            &[
                &format!("(`{l}`)"),
                "the tensor list is [kernel, recurrent_kernel] in the file",
                "declares [kernel, recurrent_kernel, bias]",
            ],
        ),
        case(
            "renamed tensor",
            edit(&v, |v| v["layers"][li]["weights"][0]["name"] = json!("W")),
            Kind::Tensor,
            &[&format!("(`{l}`)"), "tensor `kernel`'s name is `W`"],
        ),
        case(
            "reordered tensors",
            edit(&v, |v| {
                v["layers"][li]["weights"]
                    .as_array_mut()
                    .unwrap()
                    .swap(1, 2)
            }),
            Kind::Tensor,
            &[
                &format!("(`{l}`)"),
                "tensor `recurrent_kernel`'s name is `bias`",
            ],
        ),
        case(
            "a non-number value",
            edit(&v, |v| {
                v["layers"][li]["weights"][0]["data"][0] = json!("0.5")
            }),
            Kind::Json,
            &[
                "line 1, column",
                "invalid type: string \"0.5\"",
                "expected f64",
            ],
        ),
        case(
            "a null value",
            edit(&v, |v| {
                v["layers"][li]["weights"][0]["data"][0] = Value::Null
            }),
            Kind::Json,
            &["line 1, column", "invalid type: null"],
        ),
        case(
            "NaN token",
            in_data(good, l, "kernel", "NaN"),
            Kind::Json,
            &["line 1, column", "expected value"],
        ),
        case(
            "Infinity token",
            in_data(good, l, "kernel", "Infinity"),
            Kind::Json,
            &["line 1, column", "expected value"],
        ),
        case(
            "-Infinity token",
            in_data(good, l, "kernel", "-Infinity"),
            Kind::Json,
            &["line 1, column", "invalid number"],
        ),
        case(
            "value beyond f32 range",
            in_data(good, l, "kernel", "1e39"),
            Kind::Json,
            &["line 1, column", "value 1e39 is outside the f32 range"],
        ),
        case(
            "negative value beyond f32 range",
            in_data(good, l, "bias", "-3.5e38"),
            Kind::Json,
            &["line 1, column", "outside the f32 range"],
        ),
        case(
            "value beyond f64 range",
            in_data(good, l, "kernel", "1e400"),
            Kind::Json,
            &["line 1, column", "number out of range"],
        ),
        case(
            "bad checksum",
            edit_raw(&v, |v| v["checksum"] = json!("crc32:00000000")),
            Kind::Checksum,
            &[
                "checksum mismatch",
                "records crc32:00000000",
                "its data gives crc32:",
            ],
        ),
        case(
            "malformed checksum",
            edit_raw(&v, |v| v["checksum"] = json!("md5:1234")),
            Kind::Format,
            &[
                "expected checksum \"crc32:\" followed by 8 hex digits",
                "found checksum \"md5:1234\"",
            ],
        ),
        case(
            "a value changed, checksum kept",
            edit_raw(&v, |v| {
                let x = v["layers"][li]["weights"][0]["data"][0].as_f64().unwrap();
                v["layers"][li]["weights"][0]["data"][0] = json!(x + 0.25);
            }),
            Kind::Checksum,
            &["checksum mismatch", "the file was damaged or edited"],
        ),
        case(
            "two values swapped, checksum kept",
            edit_raw(&v, |v| {
                v["layers"][li]["weights"][0]["data"]
                    .as_array_mut()
                    .unwrap()
                    .swap(0, 1)
            }),
            Kind::Checksum,
            &["checksum mismatch"],
        ),
    ];
    if li > 0 {
        // Layers present but in another order: the first out-of-place layer is named.
        let first = v["layers"][0]["name"].as_str().unwrap().to_string();
        let second_class = v["layers"][1]["class"].as_str().unwrap().to_string();
        cases.push(case(
            "reordered layers",
            edit(&v, |v| v["layers"].as_array_mut().unwrap().swap(0, 1)),
            Kind::LayerMismatch,
            &[
                &format!("layer 1 (`{first}`)"),
                &format!("the class is `{second_class}`"),
            ],
        ));
    }
    cases
}

/// Runs a table against a model's `from_json` (and `load`, through a file, for every case).
macro_rules! check_table {
    ($Model:ident, $cases:expr) => {{
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(concat!("robustness_", stringify!($Model)));
        std::fs::create_dir_all(&dir).unwrap();
        for (i, c) in $cases.into_iter().enumerate() {
            let label = format!("{} / {}", stringify!($Model), c.name);
            let e = err(&label, $Model::from_json(&c.text));
            assert_eq!(kind(&e), c.kind, "{label}: {e}");
            let words: Vec<&str> = c.words.iter().map(String::as_str).collect();
            assert_words(&label, &e, &words);
            // Reading from disk gives the same verdict, and the same message but for the
            // column of a JSON error (serde_json's reader may count one character further).
            let path = dir.join(format!("case{i}.json"));
            std::fs::write(&path, &c.text).unwrap();
            let from_file = err(&label, $Model::load(&path));
            assert_eq!(kind(&from_file), c.kind, "{label}: load: {from_file}");
            if c.kind != Kind::Json {
                assert_eq!(
                    from_file.to_string(),
                    e.to_string(),
                    "{label}: load and from_json differ"
                );
            }
        }
    }};
}

// ---------------------------------------------------------------------------------------------
// Weights files

#[test]
fn damaged_weights_files_are_refused_with_a_clear_message() {
    check_table!(Tok, common_cases(&Tok::random(1).to_json(), 2));
    check_table!(Tok, common_cases(&Tok::random(2).to_json(), 1));
    check_table!(Free, common_cases(&Free::random(3).to_json(), 0));
    check_table!(Fixed, common_cases(&Fixed::random(4).to_json(), 0));
}

#[test]
fn token_model_specific_damage_is_refused() {
    let good = Tok::random(5).to_json();
    let v = value_of(&good);
    let cases = vec![
        case(
            "mask_zero disagrees",
            edit(&v, |v| v["layers"][0]["config"]["mask_zero"] = json!(false)),
            Kind::LayerMismatch,
            &[
                "layer 1 (`embedding`)",
                "option `mask_zero` is false in the file",
                "declares true",
                "remove `mask_zero` from layer 1 (embedding)",
            ],
        ),
        case(
            "input_dim disagrees",
            edit(&v, |v| v["layers"][0]["config"]["input_dim"] = json!(51)),
            Kind::LayerMismatch,
            &[
                "layer 1 (`embedding`)",
                "option `input_dim` is 51 in the file",
                "declares 50",
                "declare layer 1 (embedding) with input_dim 51",
            ],
        ),
        case(
            "embedding table too small",
            edit(&v, |v| {
                v["layers"][0]["weights"][0]["shape"] = json!([49, 8]);
                v["layers"][0]["weights"][0]["data"]
                    .as_array_mut()
                    .unwrap()
                    .truncate(49 * 8);
            }),
            Kind::Tensor,
            &[
                "layer 1 (`embedding`)",
                "tensor `embeddings`'s shape is [49, 8] in the file",
                "declares [50, 8]",
            ],
        ),
        case(
            "dense activation disagrees",
            edit(&v, |v| {
                v["layers"][3]["config"]["activation"] = json!("sigmoid")
            }),
            Kind::LayerMismatch,
            &[
                "layer 4 (`dense`)",
                "option `activation` is \"sigmoid\" in the file",
                "declares \"softmax\"",
                "add `activation = sigmoid` to layer 4 (dense)",
            ],
        ),
        case(
            "dense without bias",
            edit(&v, |v| {
                v["layers"][3]["config"]["use_bias"] = json!(false);
                v["layers"][3]["weights"].as_array_mut().unwrap().pop();
            }),
            Kind::LayerMismatch,
            &[
                "layer 4 (`dense`)",
                "option `use_bias` is false in the file",
                "declares true",
            ],
        ),
        case(
            "a layer of another model",
            edit(&v, |v| {
                v["layers"][3] = value_of(&Free::zeros().to_json())["layers"][0].clone()
            }),
            Kind::LayerMismatch,
            &[
                "layer 4 (`dense`)",
                "the class is `SimpleRNN` in the file",
                "declares `Dense`",
            ],
        ),
        case(
            "the file of another model",
            Free::random(1).to_json(),
            Kind::LayerCount,
            &[
                "the number of layers is 1 (SimpleRNN) in the file",
                "declares 4 (Embedding, SimpleRNN, SimpleRNN, Dense)",
            ],
        ),
    ];
    check_table!(Tok, cases);
}

#[test]
fn truncated_files_are_refused_at_every_cut() {
    // Every cut of the small file, a few hundred cuts spread over the bigger one.
    let free = Free::random(6).to_json();
    for cut in 0..free.len() {
        let e = err(&format!("Free cut at {cut}"), Free::from_json(&free[..cut]));
        assert_eq!(kind(&e), Kind::Json, "cut at {cut}: {e}");
        assert_words(
            &format!("Free cut at {cut}"),
            &e,
            &["malformed at line 1, column"],
        );
    }
    let tok = Tok::random(7).to_json();
    let step = (tok.len() / 300).max(1);
    for cut in (0..tok.len())
        .step_by(step)
        .chain(tok.len() - 40..tok.len())
    {
        let e = err(&format!("Tok cut at {cut}"), Tok::from_json(&tok[..cut]));
        assert_eq!(kind(&e), Kind::Json, "cut at {cut}: {e}");
        assert_words(
            &format!("Tok cut at {cut}"),
            &e,
            &["malformed at line 1, column"],
        );
    }
}

#[test]
fn good_files_load_with_and_without_checksum() {
    let m = Tok::random(8);
    let text = m.to_json();
    assert!(
        value_of(&text)["checksum"]
            .as_str()
            .unwrap()
            .starts_with("crc32:")
    );
    let with = Tok::from_json(&text).expect("a file with its checksum loads");
    assert_eq!(with.to_json(), text);

    let mut v = value_of(&text);
    v.as_object_mut().unwrap().remove("checksum");
    let without = Tok::from_json(&v.to_string()).expect("a file without checksum loads");
    assert_eq!(
        without.to_json(),
        text,
        "loading without a checksum changes nothing"
    );

    // Uppercase hex and pretty-printing are fine too.
    let mut v = value_of(&text);
    let upper = v["checksum"]
        .as_str()
        .unwrap()
        .replace("crc32:", "")
        .to_uppercase();
    v["checksum"] = json!(format!("crc32:{upper}"));
    let pretty = serde_json::to_string_pretty(&v).unwrap();
    assert_eq!(
        Tok::from_json(&pretty)
            .expect("pretty JSON loads")
            .to_json(),
        text
    );
}

#[test]
fn unreadable_paths_are_io_errors_naming_the_path() {
    let missing = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no/such/weights.json");
    let e = err("missing file", Tok::load(&missing));
    assert!(
        matches!(e, Error::Io { ref path, ref source } if *path == missing
            && source.kind() == std::io::ErrorKind::NotFound),
        "{e:?}"
    );
    assert_words(
        "missing file",
        &e,
        &["cannot read weights file", &missing.display().to_string()],
    );

    // A directory opens on Unix but cannot be read.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let e = err("a directory", Free::load(dir));
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
    assert_words(
        "a directory",
        &e,
        &["cannot read weights file", &dir.display().to_string()],
    );

    let e = err("WeightsFile::load", WeightsFile::load(&missing));
    assert!(matches!(e, Error::Io { .. }), "{e:?}");
}

#[test]
fn invalid_utf8_from_a_reader_is_a_json_error() {
    let mut bytes = Free::random(9).to_json().into_bytes();
    bytes[20] = 0xff;
    let e = err("invalid UTF-8", WeightsFile::from_reader(&bytes[..]));
    assert_eq!(kind(&e), Kind::Json, "{e}");
    let path =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("robustness_invalid_utf8.json");
    std::fs::write(&path, &bytes).unwrap();
    let e = err("invalid UTF-8 file", Free::load(&path));
    assert_eq!(kind(&e), Kind::Json, "{e}");
}

// ---------------------------------------------------------------------------------------------
// Inputs

#[test]
fn token_ids_out_of_range_name_the_row_and_timestep() {
    let m = Tok::random(10);
    for (ids, step, id) in [
        (vec![1, 50], 1, 50),
        (vec![u32::MAX], 0, u32::MAX),
        (vec![0, 1, 2, 49, 50, 3], 4, 50),
        (vec![1000, 2000], 0, 1000),
    ] {
        let e = err("forward", m.forward(&ids));
        assert!(
            matches!(e, Error::TokenOutOfRange { row: None, step: s, id: i, input_dim: 50 } if s == step && i == id),
            "{e:?}"
        );
        assert_words(
            "forward",
            &e,
            &[
                &format!("token id {id} at timestep {step} is out of range"),
                "input_dim 50",
                "ids must be < 50",
            ],
        );
    }
    let batch = Array2::from_shape_vec((3, 3), vec![1, 2, 3, 4, 5, 6, 7, u32::MAX, 9]).unwrap();
    let e = err("predict", m.predict(batch.view()));
    assert!(
        matches!(
            e,
            Error::TokenOutOfRange {
                row: Some(2),
                step: 1,
                id: u32::MAX,
                input_dim: 50
            }
        ),
        "{e:?}"
    );
    assert_words(
        "predict",
        &e,
        &["token id 4294967295 at row 2, timestep 1", "input_dim 50"],
    );
    // The largest valid id and the mask id are fine.
    m.forward(&[49, 0, 49]).expect("ids below input_dim run");
}

#[test]
fn float_batches_of_the_wrong_shape_are_refused() {
    let e = err(
        "features",
        Free::random(11).predict(Array3::zeros((2, 3, 4)).view()),
    );
    assert!(matches!(e, Error::BatchShape { .. }), "{e:?}");
    assert_words(
        "features",
        &e,
        &["batch has shape (2, 3, 4)", "expects (batch, timesteps, 5)"],
    );

    let e = err(
        "features",
        Fixed::random(12).predict(Array3::zeros((1, 12, 5)).view()),
    );
    assert_words(
        "features",
        &e,
        &[
            "batch has shape (1, 12, 5)",
            "expects (batch, timesteps, 4)",
        ],
    );

    for steps in [11, 13, 1] {
        let e = err(
            "length",
            Fixed::random(12).predict(Array3::zeros((2, steps, 4)).view()),
        );
        assert!(
            matches!(e, Error::SequenceLength { row: None, expected: 12, found } if found == steps),
            "{e:?}"
        );
        assert_words(
            "length",
            &e,
            &[
                &format!("sequence has {steps} timestep"),
                "the model is fixed at 12",
            ],
        );
    }
}

#[test]
fn empty_sequences_and_empty_batches() {
    let tok = Tok::random(13);
    let e = err("empty tokens", tok.forward(&[]));
    assert!(matches!(e, Error::EmptySequence { row: None }), "{e:?}");
    assert_words(
        "empty tokens",
        &e,
        &["sequence is empty", "at least one timestep"],
    );

    let e = err("empty floats", Free::random(14).forward(&[]));
    assert!(matches!(e, Error::EmptySequence { row: None }), "{e:?}");

    let e = err(
        "rows of no timesteps",
        tok.predict(Array2::zeros((2, 0)).view()),
    );
    assert!(matches!(e, Error::EmptySequence { row: Some(0) }), "{e:?}");
    assert_words(
        "rows of no timesteps",
        &e,
        &["sequence in batch row 0 is empty"],
    );

    let e = err(
        "float rows of no timesteps",
        Free::random(14).predict(Array3::zeros((3, 0, 5)).view()),
    );
    assert!(matches!(e, Error::EmptySequence { row: Some(0) }), "{e:?}");

    // A batch of no rows is not an error: it gives no rows.
    let out = tok.predict(Array2::zeros((0, 7)).view()).unwrap();
    assert_eq!(out.dim(), (0, 2));
    let out = tok.predict(Array2::zeros((0, 0)).view()).unwrap();
    assert_eq!(out.dim(), (0, 2));
    let out = Free::random(15)
        .predict(Array3::zeros((0, 9, 5)).view())
        .unwrap();
    assert_eq!(out.dim(), (0, 3));
    let out = Fixed::random(16)
        .predict(Array3::zeros((0, 12, 4)).view())
        .unwrap();
    assert_eq!(out.dim(), (0, 12, 5));
}

#[test]
fn non_contiguous_views_give_the_same_results() {
    let tok = Tok::random(17);
    // A (steps, rows) array read transposed: rows are strided.
    let ids: Vec<u32> = (0..40).map(|i| (i * 7 + 3) % 50).collect();
    let by_step = Array2::from_shape_vec((8, 5), ids).unwrap();
    let transposed = by_step.t();
    assert!(!transposed.is_standard_layout());
    let want = tok.predict(transposed.to_owned().view()).unwrap();
    assert_eq!(tok.predict(transposed).unwrap(), want);
    // `forward` runs one row; `predict` runs rows in lockstep groups, whose kernels may sum in
    // another order (one row splits its sums into partial sums for latency): the same numbers
    // to within a few f32 ulp, not necessarily bit for bit.
    for (r, row) in transposed.rows().into_iter().enumerate() {
        let ids: Vec<u32> = row.iter().copied().collect();
        let one = tok.forward(&ids).unwrap();
        for (a, b) in one.iter().zip(want.row(r)) {
            assert!((a - b).abs() <= 1e-6, "row {r}: forward {a}, predict {b}");
        }
    }
    // Every other row and every other timestep, and timesteps reversed.
    for view in [
        transposed.slice(s![..;2, ..]),
        transposed.slice(s![.., ..;2]),
        transposed.slice(s![.., ..;-1]),
    ] {
        assert_eq!(
            tok.predict(view).unwrap(),
            tok.predict(view.to_owned().view()).unwrap()
        );
    }

    let free = Free::random(18);
    let xs = Array3::from_shape_fn((6, 4, 10), |(t, r, f)| {
        ((t * 31 + r * 7 + f) % 13) as f32 / 13.0 - 0.5
    });
    for view in [
        xs.view()
            .permuted_axes([1, 0, 2])
            .slice_move(s![.., .., ..5]),
        xs.view()
            .permuted_axes([1, 0, 2])
            .slice_move(s![.., .., ..;2]),
        xs.view()
            .permuted_axes([1, 0, 2])
            .slice_move(s![..;-1, ..;2, 5..]),
    ] {
        assert!(!view.is_standard_layout());
        assert_eq!(
            free.predict(view).unwrap(),
            free.predict(view.to_owned().view()).unwrap()
        );
    }
    let fixed = Fixed::random(19);
    let xs = Array3::from_shape_fn((12, 3, 8), |(t, r, f)| {
        ((t * 5 + r * 3 + f) % 11) as f32 / 11.0 - 0.5
    });
    let view = xs
        .view()
        .permuted_axes([1, 0, 2])
        .slice_move(s![.., .., 1..;2]);
    assert_eq!(
        fixed.predict(view).unwrap(),
        fixed.predict(view.to_owned().view()).unwrap()
    );
}

// ---------------------------------------------------------------------------------------------
// Scale

#[test]
fn a_big_embedding_builds_and_runs() {
    let zeros = Big::zeros();
    assert_eq!(zeros.forward(&[0, 99_999, 5]).unwrap(), [0.0; 32]);
    let m = Big::random(20);
    let out = m.forward(&[0, 99_999, 5, 12_345]).unwrap();
    assert!(
        out.iter().all(|v| v.is_finite()) && out.iter().any(|&v| v != 0.0),
        "{out:?}"
    );
    let e = err("big vocab", m.forward(&[100_000]));
    assert!(
        matches!(
            e,
            Error::TokenOutOfRange {
                input_dim: 100_000,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn a_million_step_sequence_runs() {
    let m = Long::random(21);
    let xs: Vec<[f32; 4]> = (0..1_000_000)
        .map(|i| {
            let t = i as f32 * 1e-3;
            [t.sin(), t.cos(), (t * 0.37).sin(), 0.5]
        })
        .collect();
    let out = m.forward(&xs).unwrap();
    assert!(
        out.iter().all(|v| v.is_finite() && v.abs() <= 1.0),
        "{out:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Properties

/// Finite f32s, with the edges over-represented: extremes, the smallest subnormal, -0.
fn finite_f32() -> impl Strategy<Value = f32> {
    use proptest::num::f32::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        4 => POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO,
        1 => prop::sample::select(vec![
            0.0,
            -0.0,
            f32::MAX,
            f32::MIN,
            f32::MIN_POSITIVE,
            -f32::MIN_POSITIVE,
            f32::from_bits(1),
            -f32::from_bits(1),
            f32::EPSILON,
            1.0 - f32::EPSILON / 2.0,
            16_777_217.0,
            0.1,
        ]),
        2 => -1.0f32..1.0,
    ]
}

/// A weights file of `Tok` with every value drawn from `finite_f32`, and its checksum.
fn tok_file() -> impl Strategy<Value = WeightsFile> {
    let base = Tok::zeros().to_weights();
    let sizes: Vec<usize> = base
        .layers
        .iter()
        .flat_map(|l| &l.weights)
        .map(|t| t.data.len())
        .collect();
    let total: usize = sizes.iter().sum();
    prop::collection::vec(finite_f32(), total).prop_map(move |values| {
        let mut file = base.clone();
        let mut rest = &values[..];
        for t in file.layers.iter_mut().flat_map(|l| &mut l.weights) {
            let (head, tail) = rest.split_at(t.data.len());
            t.data = head.to_vec();
            rest = tail;
        }
        file.checksum = None;
        file.checksum = Some(file.compute_checksum());
        file
    })
}

/// One byte-level damage.
#[derive(Clone, Debug)]
enum Damage {
    Flip(prop::sample::Index, u8),
    Set(prop::sample::Index, u8),
    Delete(prop::sample::Index),
    Insert(prop::sample::Index, u8),
    Truncate(prop::sample::Index),
}

fn damage() -> impl Strategy<Value = Damage> {
    // Bytes that matter to JSON numbers and structure, and any byte.
    let byte = prop_oneof![
        3 => prop::sample::select(b"0123456789-+.eE,:[]{}\" n".to_vec()),
        1 => any::<u8>(),
    ];
    prop_oneof![
        any::<(prop::sample::Index, u8)>().prop_map(|(i, b)| Damage::Flip(i, 1 << (b % 8))),
        (any::<prop::sample::Index>(), byte.clone()).prop_map(|(i, b)| Damage::Set(i, b)),
        any::<prop::sample::Index>().prop_map(Damage::Delete),
        (any::<prop::sample::Index>(), byte).prop_map(|(i, b)| Damage::Insert(i, b)),
        any::<prop::sample::Index>().prop_map(Damage::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, d: &Damage) {
    if bytes.is_empty() {
        return;
    }
    match *d {
        Damage::Flip(ref i, mask) => {
            let i = i.index(bytes.len());
            bytes[i] ^= mask;
        }
        Damage::Set(ref i, b) => {
            let i = i.index(bytes.len());
            bytes[i] = b;
        }
        Damage::Delete(ref i) => {
            bytes.remove(i.index(bytes.len()));
        }
        Damage::Insert(ref i, b) => bytes.insert(i.index(bytes.len() + 1), b),
        Damage::Truncate(ref i) => bytes.truncate(i.index(bytes.len())),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any file of finite f32s (huge, tiny, subnormal, -0) reads back bit for bit, and writes
    /// back to the same text.
    #[test]
    fn valid_files_round_trip_exactly(file in tok_file()) {
        let text = file.to_json();
        let parsed = WeightsFile::from_json(&text).expect("a valid file parses");
        prop_assert_eq!(bits(&parsed), bits(&file));
        let model = Tok::from_json(&text).expect("a valid file loads");
        let back = model.to_weights();
        prop_assert_eq!(bits(&back), bits(&file));
        prop_assert_eq!(back.checksum.as_deref(), file.checksum.as_deref());
        prop_assert_eq!(model.to_json(), Tok::from_json(&model.to_json()).unwrap().to_json());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(768))]

    /// Byte-level damage never panics the loader; with the checksum in place, a file that still
    /// loads holds exactly the original values.
    #[test]
    fn damaged_files_never_panic_nor_load_changed_values(
        seed in any::<u64>(),
        checksum in any::<bool>(),
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        let original = Tok::random(seed);
        let mut file = original.to_weights();
        if !checksum {
            file.checksum = None;
        }
        let mut bytes = file.to_json().into_bytes();
        for d in &damages {
            apply(&mut bytes, d);
        }
        let _ = WeightsFile::from_reader(&bytes[..]);
        let text = String::from_utf8_lossy(&bytes);
        let parsed = WeightsFile::from_json(&text);
        if let Ok(model) = Tok::from_json(&text) {
            let parsed = parsed.expect("the model loaded, so the file parsed");
            if parsed.checksum.is_some() {
                prop_assert_eq!(bits(&model.to_weights()), bits(&file), "changed values loaded despite the checksum");
            }
            // Whatever loaded writes a file that loads back to the same thing.
            prop_assert_eq!(Tok::from_json(&model.to_json()).unwrap().to_json(), model.to_json());
        }
    }
}

#[test]
fn layer_names_are_informational() {
    // A notebook's export numbers layers per session: `embedding_4` loads into `embedding`.
    let model = Tok::random(9);
    let mut v = value_of(&model.to_json());
    for (i, l) in v["layers"].as_array_mut().unwrap().iter_mut().enumerate() {
        l["name"] = json!(format!("{}_{}", l["name"].as_str().unwrap(), i + 4));
    }
    let loaded = Tok::from_json(&reseal(v)).expect("renamed layers load");
    assert_eq!(loaded.to_json(), model.to_json());
}

#[test]
fn every_mismatch_of_a_file_is_in_one_error() {
    let v = value_of(&Tok::random(5).to_json());
    let text = edit(&v, |v| {
        v["layers"][0]["config"]["mask_zero"] = json!(false);
        v["layers"][3]["config"]["activation"] = json!("sigmoid");
    });
    match Tok::from_json(&text) {
        Err(Error::Mismatch { problems }) => {
            assert_eq!(problems.len(), 2, "{problems:#?}");
            assert_eq!(problems[0].layer, Some(0));
            assert_eq!(problems[1].layer, Some(3));
        }
        other => panic!("expected a mismatch, got {:?}", other.err()),
    }
}

#[test]
fn other_file_formats_are_recognised_by_their_first_bytes() {
    // Keras files and gzip are read by their first bytes (these few bytes are damaged ones: the
    // error names the file and the part); as text, they are another format, with what to do.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("foreign_formats");
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "model.keras",
            b"PK\x03\x04\x14\x00\x00\x00",
            "is not a readable Keras model file: the zip archive",
        ),
        (
            "model.h5",
            b"\x89HDF\r\n\x1a\n\x00\x00",
            "is not a readable Keras model file: the HDF5 file",
        ),
        ("model.json.gz", b"\x1f\x8b\x08\x00\x00\x00", "cannot read"),
    ];
    for (name, bytes, what) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let e = err(name, Tok::load(&path));
        assert!(
            matches!(e, Error::KerasFile { .. } | Error::Io { .. }),
            "{name}: {e:?}"
        );
        assert_words(name, &e, &[name, what]);
        // (only a zip's first bytes are UTF-8 text)
        if let Ok(text) = std::str::from_utf8(bytes) {
            let e = err(name, rnn_runtime::WeightsFile::from_json(text));
            assert!(matches!(e, Error::ForeignFormat { .. }), "{name}: {e:?}");
            assert_words(name, &e, &["read it as bytes", "M::load(path)"]);
        }
    }
    for (name, bytes) in [("model.keras", &cases[0].1), ("model.h5", &cases[1].1)] {
        let e = err(name, rnn_runtime::WeightsFile::from_reader(*bytes));
        assert_words(name, &e, &["the data is not a readable Keras model file"]);
    }
}

#[test]
fn a_gzip_compressed_weights_file_loads_as_the_plain_one() {
    use std::io::Write;
    let m = Tok::random(5);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(m.to_json().as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("tok.json.gz");
    std::fs::write(&path, &bytes).unwrap();
    for loaded in [
        Tok::load(&path),
        Tok::from_weights(rnn_runtime::WeightsFile::from_bytes(bytes.clone()).unwrap()),
        Tok::from_weights(rnn_runtime::WeightsFile::from_reader(&bytes[..]).unwrap()),
    ] {
        assert_eq!(loaded.unwrap().to_json(), m.to_json());
    }
    // gzip inside gzip is read once: the inner gzip is another format, with what to do
    let mut twice = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    twice.write_all(&bytes).unwrap();
    let e = err(
        "gzip twice",
        rnn_runtime::WeightsFile::from_bytes(twice.finish().unwrap()),
    );
    assert!(matches!(e, Error::ForeignFormat { .. }), "{e:?}");
}

rnn_runtime::rnn_model! { struct BiLstm<Embedding(20, 4), Bidirectional(LSTM(3, seq), merge_mode = sum), TimeDistributed(Dense(2))>; }
rnn_runtime::rnn_model! { struct BiGru<Embedding(20, 4), Bidirectional(GRU(3, seq), merge_mode = sum), TimeDistributed(Dense(2))>; }

#[test]
fn a_wrapper_s_file_is_checked_down_to_its_inner_layer() {
    // Round trip: the two copies' tensors come back in their order, bit for bit.
    let m = BiLstm::random(3);
    let again = BiLstm::from_json(&m.to_json()).unwrap();
    assert_eq!(again.to_json(), m.to_json());
    assert_eq!(
        again.forward(&[1, 0, 7]).unwrap(),
        m.forward(&[1, 0, 7]).unwrap()
    );
    // Another inner class: one mismatch, naming the class to wrap.
    let e = err("lstm file into a GRU model", BiGru::from_json(&m.to_json())).to_string();
    assert!(
        e.contains("wrap a `LSTM` in layer 2 (bidirectional)"),
        "{e}"
    );
    assert_eq!(
        e.matches("\n  - ").count(),
        1,
        "one mistake, one message: {e}"
    );
    // Another merge mode and an inner option: both reported, the inner one as the inner's.
    let v = value_of(&m.to_json());
    let text = edit(&v, |v| {
        v["layers"][1]["config"]["merge_mode"] = json!("concat");
        v["layers"][1]["config"]["return_sequences"] = json!(false);
    });
    let e = err("edited options", BiLstm::from_json(&text)).to_string();
    assert!(
        e.contains("remove `merge_mode` from layer 2 (bidirectional)"),
        "{e}"
    );
    assert!(e.contains("the LSTM inside layer 2 (bidirectional)"), "{e}");
    // The backward copy's tensor cut short: refused, naming it.
    let text = edit(&v, |v| {
        v["layers"][1]["weights"][4]["shape"] = json!([2, 12]);
    });
    let e = err("short backward kernel", BiLstm::from_json(&text)).to_string();
    assert!(e.contains("backward_recurrent_kernel"), "{e}");
}

rnn_runtime::rnn_model! {
    /// Fresh normalization layers on a sequence.
    struct FreshNorms<Input(None, 3), BatchNormalization(), LayerNormalization()>;
}
rnn_runtime::rnn_model! {
    /// The normalization layers (issue 22) on a sequence and on the last vector.
    struct Norms<Input(None, 3), BatchNormalization(center = false), LayerNormalization(scale = false), SimpleRNN(4), BatchNormalization()>;
}

#[test]
fn normalization_layers_start_as_keras_s_fresh_layers_and_round_trip() {
    // A fresh Keras BatchNormalization (gamma 1, beta 0, moving mean 0, moving variance 1) is
    // x / sqrt(1 + epsilon); a fresh LayerNormalization (gamma 1, beta 0) standardises each step.
    let fresh = FreshNorms::random(5);
    let xs = [[0.5f32, -1.0, 2.0], [0.0, 0.0, 0.0], [3.0, 3.0, 3.0]];
    for (x, y) in xs.iter().zip(fresh.forward(&xs).unwrap()) {
        let b: Vec<f64> = x.iter().map(|v| *v as f64 / 1.001f64.sqrt()).collect();
        let mean = b.iter().sum::<f64>() / 3.0;
        let var = b.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 3.0;
        for (got, bv) in y.iter().zip(&b) {
            let want = (bv - mean) / (var + 1e-3).sqrt();
            assert!((*got as f64 - want).abs() < 1e-5, "{x:?}: {got} vs {want}");
        }
    }
    let m = Norms::random(3);
    assert_eq!(Norms::NON_TRAINABLE_PARAMS, 2 * 3 + 2 * 4);
    assert_eq!(Norms::TRAINABLE_PARAMS, 3 + 3 + (3 * 4 + 4 * 4 + 4) + 2 * 4);
    // ... and saving and loading gives the same model bit for bit, zeros too.
    let json = m.to_json();
    let back = Norms::from_json(&json).unwrap();
    assert_eq!(back.to_json(), json);
    assert_eq!(m.forward(&xs).unwrap(), back.forward(&xs).unwrap());
    let zeros = Norms::zeros();
    assert!(zeros.forward(&xs).unwrap().iter().all(|v| v.is_finite()));
    // A constant step (variance 0) stays finite: epsilon keeps the division defined.
    assert!(m.forward(&xs[2..]).unwrap().iter().all(|v| v.is_finite()));
    // A record missing its moving variance is refused, naming the layer and the tensor.
    let mut v: Value = serde_json::from_str(&json).unwrap();
    v["checksum"] = Value::Null;
    let weights = v["layers"][0]["weights"].as_array_mut().unwrap();
    assert_eq!(weights.len(), 3, "gamma, moving_mean, moving_variance");
    weights.pop();
    let e = err(
        "missing moving_variance",
        Norms::from_json(&serde_json::to_string(&v).unwrap()),
    );
    assert_words(
        "missing moving_variance",
        &e,
        &["batch_normalization", "moving_variance"],
    );
}
