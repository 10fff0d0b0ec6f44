//! Tests of the spec against Keras's documented facts (shared/KERAS.md) and of the file check.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use crate::*;

fn rnn(input: usize, units: usize, use_bias: bool) -> LayerKind {
    LayerKind::SimpleRnn {
        input,
        units,
        activation: Activation::Tanh,
        use_bias,
        return_sequences: false,
        go_backwards: false,
    }
}

fn dense(input: usize, units: usize) -> LayerKind {
    LayerKind::Dense {
        input,
        units,
        activation: Activation::Linear,
        use_bias: true,
    }
}

fn embedding(v: usize, d: usize, mask_zero: bool) -> LayerKind {
    LayerKind::Embedding {
        input_dim: v,
        output_dim: d,
        mask_zero,
        input_length: None,
    }
}

#[test]
fn parameter_counts_are_keras_s() {
    // KERAS.md: Embedding V*D; SimpleRNN u*(in+u+1); Dense in*u + u; the notebook's 322,080.
    assert_eq!(embedding(10000, 32, false).params(), 320_000);
    assert_eq!(rnn(32, 32, true).params(), 2_080);
    assert_eq!(rnn(4, 6, false).params(), 6 * (4 + 6));
    assert_eq!(dense(32, 1).params(), 33);
    let inert = LayerKind::Inert {
        class: &class::DROPOUT,
        width: 32,
    };
    assert_eq!(inert.params(), 0);
    assert_eq!(
        LayerKind::Masking {
            width: 3,
            mask_value: 0.0
        }
        .params(),
        0
    );
}

/// Tensors with their names as `&str`, to compare with literals.
fn names(t: Vec<(String, Vec<usize>)>) -> Vec<(&'static str, Vec<usize>)> {
    t.into_iter()
        .map(|(n, s)| (&*alloc::boxed::Box::leak(n.into_boxed_str()), s))
        .collect()
}

#[test]
fn tensors_follow_keras_order_and_use_bias() {
    assert_eq!(
        names(rnn(5, 7, true).tensors()),
        vec![
            ("kernel", vec![5, 7]),
            ("recurrent_kernel", vec![7, 7]),
            ("bias", vec![7])
        ]
    );
    assert_eq!(rnn(5, 7, false).tensors().len(), 2);
    assert_eq!(
        names(embedding(100, 8, true).tensors()),
        vec![("embeddings", vec![100, 8])]
    );
}

#[test]
fn output_shapes_pass_the_time_axis_through() {
    let seq = Flow::Seq {
        steps: None,
        width: 32,
    };
    assert_eq!(rnn(32, 16, true).output(seq), Flow::Vector { width: 16 });
    assert_eq!(dense(32, 3).output(seq).keras_shape(), "(None, None, 3)");
    let fixed = LayerKind::Embedding {
        input_dim: 10,
        output_dim: 4,
        mask_zero: false,
        input_length: Some(12),
    };
    assert_eq!(
        fixed
            .output(Flow::Seq {
                steps: None,
                width: 1
            })
            .keras_shape(),
        "(None, 12, 4)"
    );
    let act = LayerKind::Activation {
        width: 16,
        activation: Activation::Softmax,
    };
    assert_eq!(
        act.output(Flow::Vector { width: 16 }),
        Flow::Vector { width: 16 }
    );
}

#[test]
fn every_class_has_consistent_tables() {
    for c in CLASSES {
        for p in c.positional {
            assert!(
                c.keyword(p).is_some(),
                "{}: positional {p} is a keyword",
                c.name
            );
        }
        for (_, k) in c.flags {
            assert_eq!(c.keyword(k).map(|k| k.ty), Some(Ty::Bool), "{}", c.name);
        }
        for k in c.config {
            assert!(
                c.keyword(k).is_some(),
                "{}: config {k} is a keyword",
                c.name
            );
        }
        for t in c.tensors {
            for (flag, _) in t.when {
                assert!(c.config.contains(flag), "{}: {flag} is recorded", c.name);
            }
        }
        assert_eq!(
            naming::snake_case(c.name),
            c.snake.replace("input_layer", "input")
        );
    }
}

// ---- the file check ------------------------------------------------------------------------

struct OwnedLayer {
    name: String,
    class: String,
    config: Vec<(&'static str, Value<'static>)>,
    tensors: Vec<(String, Vec<u64>, usize)>,
}

fn file_of(model: &[LayerInfo]) -> Vec<OwnedLayer> {
    model
        .iter()
        .map(|l| OwnedLayer {
            name: l.name.to_string(),
            class: l.class.to_string(),
            config: l.kind.config_values(),
            tensors: l
                .tensors()
                .into_iter()
                .map(|(n, s)| {
                    let count = s.iter().product();
                    (n.to_string(), s.iter().map(|&d| d as u64).collect(), count)
                })
                .collect(),
        })
        .collect()
}

fn check(file: &[OwnedLayer], model: &[LayerInfo]) -> Vec<String> {
    let views: Vec<FileLayer<'_>> = file
        .iter()
        .map(|l| FileLayer {
            name: &l.name,
            class: &l.class,
            config: l.config.clone(),
            tensors: l
                .tensors
                .iter()
                .map(|(n, s, c)| FileTensor {
                    name: n,
                    shape: s,
                    values: *c,
                })
                .collect(),
        })
        .collect();
    check_file(&views, model)
        .iter()
        .map(|m| m.to_string())
        .collect()
}

fn info(name: &'static str, kind: LayerKind) -> LayerInfo {
    LayerInfo {
        name,
        class: kind.class().name,
        output_shape: "",
        params: kind.params() as usize,
        kind,
    }
}

fn imdb() -> Vec<LayerInfo> {
    vec![
        info("embedding", embedding(50, 8, true)),
        info("simple_rnn", rnn(8, 6, true)),
        info("dense", dense(6, 1)),
    ]
}

#[test]
fn a_file_of_the_model_matches_and_names_are_informational() {
    let model = imdb();
    let mut file = file_of(&model);
    assert!(check(&file, &model).is_empty());
    file[0].name = "embedding_4".into();
    file[1].name = "simple_rnn_12".into();
    assert!(check(&file, &model).is_empty(), "a notebook's names load");
}

#[test]
fn every_mismatch_is_reported_with_its_fix() {
    let model = imdb();
    let mut file = file_of(&model);
    file[0].config[2].1 = Value::Bool(false); // mask_zero
    file[1].config[0].1 = Value::Int(7); // units
    file[1].config[3].1 = Value::Bool(true); // return_sequences
    file[2].config[1].1 = Value::Str("sigmoid");
    let e = check(&file, &model);
    assert_eq!(e.len(), 4, "{e:#?}");
    assert!(
        e[0].contains("layer 1 (`embedding`)") && e[0].contains("remove `mask_zero`"),
        "{}",
        e[0]
    );
    assert!(
        e[1].contains("option `units` is 7 in the file, the model declares 6"),
        "{}",
        e[1]
    );
    assert!(
        e[1].contains("declare layer 2 (simple_rnn) with units 7"),
        "{}",
        e[1]
    );
    assert!(
        e[2].contains("add `seq` to layer 2 (simple_rnn)"),
        "{}",
        e[2]
    );
    assert!(
        e[3].contains("add `activation = sigmoid` to layer 3 (dense)"),
        "{}",
        e[3]
    );
}

#[test]
fn declared_option_missing_in_file_says_add_it() {
    let mut model = imdb();
    model[0] = info("embedding", embedding(50, 8, false));
    let mut file = file_of(&model);
    file[0].config[2].1 = Value::Bool(true);
    let e = check(&file, &model);
    assert!(
        e[0].contains("add `mask_zero = true` to layer 1 (embedding)"),
        "{e:?}"
    );
}

#[test]
fn tensor_shapes_and_counts_are_checked_after_the_options() {
    let model = imdb();
    let mut file = file_of(&model);
    file[1].tensors[0].1 = vec![9, 6];
    file[2].tensors[1].2 = 0;
    let e = check(&file, &model);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].contains("tensor `kernel`'s shape is [9, 6]") && e[0].contains("input is 9 wide"),
        "{}",
        e[0]
    );
    assert!(e[1].contains("number of values is 0"), "{}", e[1]);
}

#[test]
fn a_different_layer_list_is_one_mismatch_naming_both() {
    let model = imdb();
    let file = file_of(&model[..2]);
    let e = check(&file, &model);
    assert_eq!(e.len(), 1);
    assert!(
        e[0].contains("2 (Embedding, SimpleRNN) in the file"),
        "{}",
        e[0]
    );
    assert!(
        e[0].contains("declares 3 (Embedding, SimpleRNN, Dense)"),
        "{}",
        e[0]
    );
    let mut file = file_of(&model);
    file[1].class = "GRU".into();
    let e = check(&file, &model);
    assert_eq!(e.len(), 1, "a wrong class says nothing of its options");
    assert!(e[0].contains("the class is `GRU`"), "{}", e[0]);
}

#[test]
fn foreign_files_are_told_by_their_first_bytes() {
    assert!(
        foreign_format(b"PK\x03\x04rest")
            .unwrap()
            .0
            .contains(".keras")
    );
    assert!(
        foreign_format(b"\x89HDF\r\n\x1a\n")
            .unwrap()
            .0
            .contains(".h5")
    );
    assert!(
        foreign_format(b"\x1f\x8b\x08")
            .unwrap()
            .1
            .contains("decompress")
    );
    assert!(foreign_format(b"{\"format\"").is_none());
}

/// `tools/spec.json` is what the spec writes; `UPDATE_SPEC=1 cargo test -p rnn-spec` rewrites it.
#[test]
fn the_exporter_tables_are_the_spec() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/spec.json");
    let text = spec_json();
    if std::env::var_os("UPDATE_SPEC").is_some() {
        std::fs::write(path, &text).expect("writes tools/spec.json");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == text,
        "tools/spec.json is stale: run `UPDATE_SPEC=1 cargo test -p rnn-spec`"
    );
}

fn gated(class: &str, input: usize, units: usize, use_bias: bool, reset_after: bool) -> LayerKind {
    let (activation, recurrent_activation) = (Activation::Tanh, Activation::Sigmoid);
    match class {
        "LSTM" => LayerKind::Lstm {
            input,
            units,
            activation,
            recurrent_activation,
            use_bias,
            return_sequences: false,
            go_backwards: false,
            unit_forget_bias: true,
        },
        _ => LayerKind::Gru {
            input,
            units,
            activation,
            recurrent_activation,
            use_bias,
            return_sequences: false,
            go_backwards: false,
            reset_after,
        },
    }
}

#[test]
fn gated_layers_count_as_keras_does() {
    // KERAS.md: LSTM 4u(in+u+1); GRU 3u(in+u+2) with reset_after, 3u(in+u+1) without.
    assert_eq!(gated("LSTM", 32, 32, true, false).params(), 8_320);
    assert_eq!(gated("LSTM", 32, 32, false, false).params(), 4 * 32 * 64);
    assert_eq!(
        gated("GRU", 14, 32, true, true).params(),
        3 * 32 * (14 + 32 + 2)
    );
    assert_eq!(
        gated("GRU", 14, 32, true, false).params(),
        3 * 32 * (14 + 32 + 1)
    );
    assert_eq!(
        gated("GRU", 14, 32, false, true).params(),
        3 * 32 * (14 + 32)
    );
    assert_eq!(
        names(gated("GRU", 14, 32, true, true).tensors()),
        vec![
            ("kernel", vec![14, 96]),
            ("recurrent_kernel", vec![32, 96]),
            ("bias", vec![2, 96])
        ]
    );
    assert_eq!(
        names(gated("GRU", 14, 32, true, false).tensors())[2],
        ("bias", vec![96])
    );
    // The book's IMDB LSTM: 320,000 + 8,320 + 33.
    let total: u128 = [
        embedding(10000, 32, false),
        gated("LSTM", 32, 32, true, false),
        dense(32, 1),
    ]
    .iter()
    .map(LayerKind::params)
    .sum();
    assert_eq!(total, 328_353);
    let seq = Flow::Seq {
        steps: None,
        width: 14,
    };
    assert_eq!(
        gated("GRU", 14, 32, true, true).output(seq),
        Flow::Vector { width: 32 }
    );
}

fn lstm(input: usize, units: usize, seq: bool) -> &'static LayerKind {
    alloc::boxed::Box::leak(alloc::boxed::Box::new(LayerKind::Lstm {
        input,
        units,
        activation: Activation::Tanh,
        recurrent_activation: Activation::Sigmoid,
        use_bias: true,
        return_sequences: seq,
        go_backwards: false,
        unit_forget_bias: true,
    }))
}

#[test]
fn wrappers_count_and_shape_as_keras_does() {
    // Bidirectional(LSTM(32)) on 32 features: twice 4u(in + u + 1); concat doubles the width.
    let bi = LayerKind::Bidirectional {
        inner: lstm(32, 32, false),
        merge: Merge::Concat,
    };
    assert_eq!(bi.params(), 2 * 4 * 32 * (32 + 32 + 1));
    assert!(bi.is_recurrent() && !bi.returns_sequences());
    let seq = Flow::Seq {
        steps: None,
        width: 32,
    };
    assert_eq!(bi.output(seq), Flow::Vector { width: 64 });
    let sum = LayerKind::Bidirectional {
        inner: lstm(32, 16, true),
        merge: Merge::Sum,
    };
    assert_eq!(sum.output(seq).keras_shape(), "(None, None, 16)");
    let t = names(bi.tensors());
    assert_eq!(t[0], ("forward_kernel", vec![32, 128]));
    assert_eq!(t[3], ("backward_kernel", vec![32, 128]));
    assert_eq!(t.len(), 6);
    assert_eq!(
        bi.config_keys(),
        [
            "merge_mode",
            "layer",
            "units",
            "activation",
            "recurrent_activation",
            "use_bias",
            "return_sequences",
            "go_backwards"
        ]
    );
    assert_eq!(bi.config("layer"), Some(Value::Str("LSTM")));
    assert_eq!(bi.config("units"), Some(Value::Int(32)));
    // TimeDistributed(Dense(3)): the Dense's parameters and tensors, per step.
    let dense = alloc::boxed::Box::leak(alloc::boxed::Box::new(dense(8, 3)));
    let td = LayerKind::TimeDistributed { inner: dense };
    assert_eq!(td.params(), 8 * 3 + 3);
    assert_eq!(td.role(), Role::PerStep);
    assert_eq!(names(td.tensors())[0], ("kernel", vec![8, 3]));
    assert_eq!(td.output(seq).keras_shape(), "(None, None, 3)");
}

#[test]
fn a_wrapper_s_inner_class_and_options_are_checked_with_fixes() {
    let model = [info(
        "bidirectional",
        LayerKind::Bidirectional {
            inner: lstm(4, 5, true),
            merge: Merge::Concat,
        },
    )];
    assert!(check(&file_of(&model), &model).is_empty());
    // A file for LSTM(5) without seq and merge_mode sum.
    let other = [info(
        "bidirectional_3",
        LayerKind::Bidirectional {
            inner: lstm(4, 5, false),
            merge: Merge::Sum,
        },
    )];
    let found = check(&file_of(&other), &model);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].contains("merge_mode = sum"), "{}", found[0]);
    assert!(
        found[1].contains("the LSTM inside layer 1 (bidirectional)"),
        "{}",
        found[1]
    );
}

/// Each file tensor filled with distinct values (tensor `i`, value `j`: `i * 1000 + j`).
fn numbered(kind: &LayerKind) -> Vec<Vec<f32>> {
    kind.tensors()
        .iter()
        .enumerate()
        .map(|(i, (_, shape))| {
            let n: usize = shape.iter().product();
            (0..n).map(|j| (i * 1000 + j) as f32).collect()
        })
        .collect()
}

#[test]
fn cell_arrays_are_what_the_cells_store_and_file_tensors_undo_them() {
    use crate::bake::{cell_arrays, file_tensors, into_cell_arrays};
    let bi = LayerKind::Bidirectional {
        inner: lstm(3, 2, false),
        merge: Merge::Concat,
    };
    let td = LayerKind::TimeDistributed {
        inner: alloc::boxed::Box::leak(alloc::boxed::Box::new(dense(3, 2))),
    };
    let kinds = [
        embedding(5, 3, false),
        dense(3, 2),
        rnn(3, 2, true),
        rnn(3, 2, false),
        gated("LSTM", 3, 2, true, false),
        gated("LSTM", 3, 2, false, false),
        gated("GRU", 3, 2, true, true),
        gated("GRU", 3, 2, true, false),
        gated("GRU", 3, 2, false, true),
        bi,
        td,
    ];
    for kind in &kinds {
        let tensors = numbered(kind);
        let refs: Vec<&[f32]> = tensors.iter().map(|t| &t[..]).collect();
        let arrays = into_cell_arrays(kind, tensors.clone());
        assert_eq!(cell_arrays(kind, &refs), arrays, "{kind:?}");
        assert_eq!(file_tensors(kind, arrays), tensors, "{kind:?}");
    }
    // LSTM: every row's gate blocks i, f, c, o become i, f, o, c; a missing bias is zeros.
    let arrays = into_cell_arrays(&kinds[5], numbered(&kinds[5]));
    assert_eq!(arrays[0][..8], [0.0, 1.0, 2.0, 3.0, 6.0, 7.0, 4.0, 5.0]);
    assert_eq!(arrays[2], [0.0; 8]);
    // GRU: the recurrent kernel's candidate columns; the biases split (reset_after) or the
    // recurrent one zeros.
    let arrays = into_cell_arrays(&kinds[6], numbered(&kinds[6]));
    assert_eq!(arrays.len(), 5);
    assert_eq!(arrays[2], [1004.0, 1005.0, 1010.0, 1011.0]);
    assert_eq!(arrays[3], [2000.0, 2001.0, 2002.0, 2003.0, 2004.0, 2005.0]);
    assert_eq!(arrays[4], [2006.0, 2007.0, 2008.0, 2009.0, 2010.0, 2011.0]);
    let arrays = into_cell_arrays(&kinds[7], numbered(&kinds[7]));
    assert_eq!((arrays[3].len(), &arrays[4]), (6, &vec![0.0; 6]));
    // A tensor missing from an unchecked record gives an empty array (which a cell refuses),
    // never a panic.
    let short = into_cell_arrays(&kinds[6], vec![vec![1.0; 18]]);
    assert!(short[1].is_empty() && short[2].is_empty());
}

#[test]
fn activation_layers_build_from_their_records_with_keras_s_rules() {
    use crate::value::Value;
    let relu = LayerKind::from_config(
        "ReLU",
        &[
            ("max_value", Value::Null),
            ("negative_slope", Value::Float(0.1)),
            ("threshold", Value::Float(0.2)),
        ],
        Flow::Vector { width: 4 },
    );
    assert_eq!(
        relu,
        Ok(LayerKind::Relu {
            width: 4,
            max_value: None,
            negative_slope: 0.1,
            threshold: 0.2
        })
    );
    // The record writes `None` as null: the round trip keeps it.
    let relu = relu.unwrap();
    assert_eq!(relu.config_values()[0], ("max_value", Value::Null));
    let negative = LayerKind::from_config(
        "ReLU",
        &[
            ("max_value", Value::Float(-1.0)),
            ("negative_slope", Value::Float(0.0)),
            ("threshold", Value::Float(0.0)),
        ],
        Flow::Vector { width: 4 },
    );
    assert!(
        negative
            .unwrap_err()
            .contains("`max_value` of a `ReLU` layer cannot be negative")
    );
    // LeakyReLU: tf_keras's `alpha` is the same option; both at once are refused.
    let alpha = LayerKind::from_config(
        "LeakyReLU",
        &[("alpha", Value::Float(0.2))],
        Flow::Vector { width: 3 },
    );
    assert_eq!(
        alpha,
        Ok(LayerKind::LeakyRelu {
            width: 3,
            negative_slope: 0.2
        })
    );
    let both = LayerKind::from_config(
        "LeakyReLU",
        &[
            ("negative_slope", Value::Float(0.2)),
            ("alpha", Value::Float(0.2)),
        ],
        Flow::Vector { width: 3 },
    );
    assert!(both.unwrap_err().contains("give one of them, not both"));
    // Softmax: the last axis only; nothing recorded, -1 assumed.
    assert_eq!(
        LayerKind::from_config("Softmax", &[], Flow::Vector { width: 5 }),
        Ok(LayerKind::Softmax { width: 5 })
    );
    let time = LayerKind::from_config(
        "Softmax",
        &[("axis", Value::Int(1))],
        Flow::Vector { width: 5 },
    );
    assert!(time.unwrap_err().contains("the last axis only"));
    for kind in [relu, alpha.unwrap(), LayerKind::Softmax { width: 5 }] {
        assert_eq!(kind.params(), 0);
        assert!(kind.tensors().is_empty());
    }
}

/// Keras's `ReLU` as both versions compute it (docs/KERAS_LAYERS.md), in f64: `x` above the
/// threshold (strictly), `negative_slope * (x - threshold)` at or below, then the least of that
/// and `max_value`. (Keras's docstring puts `x >= max_value` first; it differs only when
/// `max_value` is below the threshold, where Keras gives 0 up to the threshold.)
fn keras_relu(x: f64, max_value: Option<f64>, negative_slope: f64, threshold: f64) -> f64 {
    let y = if x > threshold {
        x
    } else {
        negative_slope * (x - threshold)
    };
    max_value.map_or(y, |m| y.min(m))
}

/// The same formula of a [`RectifierParams`], as the runtime's cell computes it.
fn rectified(r: RectifierParams, x: f64) -> f64 {
    if x > r.threshold as f64 {
        x.min(r.max_value as f64)
    } else {
        r.negative_slope as f64 * (x - r.threshold as f64)
    }
}

#[test]
fn relu_and_leaky_relu_are_rectifiers_with_keras_s_parameters() {
    let xs = [-3.0, -0.5, 0.0, 0.25, 0.5, 0.75, 1.0, 2.0, 6.0, 7.5];
    // ReLU: its own options, `None` as no limit; the threshold strict (0 at it); a limit below
    // the threshold gives 0 up to it, then the limit.
    for (max_value, negative_slope, threshold) in [
        (None, 0.0, 0.0),
        (Some(6.0f32), 0.1f32, 0.5f32),
        (Some(0.25), 0.0, 0.5),
    ] {
        let kind = LayerKind::Relu {
            width: 3,
            max_value,
            negative_slope,
            threshold,
        };
        let r = kind.rectifier().unwrap();
        assert_eq!(
            r,
            RectifierParams {
                max_value: max_value.unwrap_or(f32::INFINITY),
                negative_slope,
                threshold,
            }
        );
        for x in xs {
            let want = keras_relu(
                x,
                max_value.map(f64::from),
                negative_slope as f64,
                threshold as f64,
            );
            assert_eq!(rectified(r, x), want, "{kind:?} at {x}");
        }
    }
    // LeakyReLU: `x` at or above 0, `negative_slope * x` below (both 0 at 0).
    let leaky = LayerKind::LeakyRelu {
        width: 3,
        negative_slope: 0.3,
    };
    let r = leaky.rectifier().unwrap();
    assert_eq!(
        r,
        RectifierParams {
            max_value: f32::INFINITY,
            negative_slope: 0.3,
            threshold: 0.0,
        }
    );
    for x in xs {
        let want = if x >= 0.0 { x } else { 0.3f32 as f64 * x };
        assert_eq!(rectified(r, x), want, "LeakyReLU at {x}");
    }
    // Every other kind is not a rectifier, a wrapped ReLU included (its cell is the inner's).
    let relu = LayerKind::Relu {
        width: 3,
        max_value: None,
        negative_slope: 0.0,
        threshold: 0.0,
    };
    let inner: &'static LayerKind = alloc::boxed::Box::leak(alloc::boxed::Box::new(relu));
    for kind in [
        LayerKind::Elu {
            width: 3,
            alpha: 1.0,
        },
        LayerKind::Softmax { width: 3 },
        LayerKind::TimeDistributed { inner },
        dense(3, 3),
    ] {
        assert_eq!(kind.rectifier(), None, "{kind:?}");
    }
}

#[test]
fn softmax_cannot_follow_a_masked_sequence_as_in_keras() {
    use crate::class::{Class, ELU, EMBEDDING, SIMPLE_RNN, SOFTMAX};
    use crate::rules::Walk;
    let softmax = LayerKind::Softmax { width: 4 };
    let elu = LayerKind::Elu {
        width: 4,
        alpha: 1.0,
    };
    // Embedding(20, 4, mask_zero = true), ELU(), Softmax(): the mask passes ELU, Softmax raises.
    // Each layer's output is what the next enters.
    let walk = |layers: &[(&Class, LayerKind)]| -> Vec<String> {
        let mut w = Walk::new();
        let mut broken = Vec::new();
        for (i, (class, kind)) in layers.iter().enumerate() {
            let (flow, b) = w.enter(i, class, class.example);
            broken.extend(b);
            let (_, b) = w.leave(i, Some(*kind), flow, class.snake, true);
            broken.extend(b);
        }
        broken
    };
    let broken = walk(&[
        (&EMBEDDING, embedding(20, 4, true)),
        (&ELU, elu),
        (&SOFTMAX, softmax),
    ]);
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert!(
        broken[0].starts_with("`Softmax` cannot follow a masked sequence"),
        "{broken:?}"
    );
    // After a recurrent layer without `seq` the mask is consumed: Softmax runs.
    let broken = walk(&[
        (&EMBEDDING, embedding(20, 4, true)),
        (&SIMPLE_RNN, rnn(4, 4, true)),
        (&SOFTMAX, softmax),
    ]);
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn windows_count_keras_s_parameters_and_lengths() {
    use crate::value::Value;
    let seq = |steps, width| Flow::Seq { steps, width };
    // The book's Jena model (chapter 6.4): Conv1D(32, 5) on 14 features: 5 * 14 * 32 + 32.
    let conv = LayerKind::from_config(
        "Conv1D",
        &[
            ("filters", Value::Int(32)),
            ("kernel_size", Value::Int(5)),
            ("strides", Value::Int(1)),
            ("padding", Value::Str("valid")),
            ("dilation_rate", Value::Int(1)),
            ("groups", Value::Int(1)),
            ("activation", Value::Str("relu")),
            ("use_bias", Value::Bool(true)),
        ],
        seq(Some(240), 14),
    )
    .expect("Conv1D builds");
    assert_eq!(conv.params(), 2272);
    assert_eq!(conv.output(seq(Some(240), 14)), seq(Some(236), 32));
    assert_eq!(conv.output(seq(None, 14)), seq(None, 32));
    // Groups: each filter reads its group's channels, (k, in / groups, filters).
    let grouped = LayerKind::from_config(
        "Conv1D",
        &[
            ("filters", Value::Int(6)),
            ("kernel_size", Value::Int(3)),
            ("strides", Value::Int(1)),
            ("padding", Value::Str("same")),
            ("dilation_rate", Value::Int(1)),
            ("groups", Value::Int(2)),
            ("activation", Value::Str("linear")),
            ("use_bias", Value::Bool(false)),
        ],
        seq(None, 8),
    )
    .expect("grouped Conv1D builds");
    assert_eq!(names(grouped.tensors()), vec![("kernel", vec![3, 4, 6])]);
    // Keras's refusals: groups that do not divide the channels; strides with dilation.
    let bad = LayerKind::from_config(
        "Conv1D",
        &[
            ("filters", Value::Int(6)),
            ("kernel_size", Value::Int(3)),
            ("strides", Value::Int(2)),
            ("padding", Value::Str("valid")),
            ("dilation_rate", Value::Int(2)),
            ("groups", Value::Int(3)),
            ("activation", Value::Str("linear")),
            ("use_bias", Value::Bool(true)),
        ],
        seq(None, 8),
    );
    let message = bad.expect_err("refused");
    assert!(
        message.contains("`strides > 1` with `dilation_rate > 1`"),
        "{message}"
    );
    // Pooling: strides default to the pool; global pooling ends the sequence.
    let pool = LayerKind::from_config(
        "MaxPooling1D",
        &[
            ("pool_size", Value::Int(3)),
            ("strides", Value::Null),
            ("padding", Value::Str("valid")),
        ],
        seq(Some(236), 32),
    )
    .expect("pooling builds");
    assert_eq!(pool.output(seq(Some(236), 32)), seq(Some(78), 32));
    assert_eq!(pool.params(), 0);
    let gap = LayerKind::from_config(
        "GlobalAveragePooling1D",
        &[("keepdims", Value::Bool(false))],
        seq(None, 32),
    )
    .expect("global pooling builds");
    assert_eq!(gap.output(seq(None, 32)), Flow::Vector { width: 32 });
    // Flatten on (7, 2) gives 14; RepeatVector(3) on 2 gives (3, 2).
    let flat = LayerKind::from_config("Flatten", &[], seq(Some(7), 2)).expect("Flatten");
    assert_eq!(flat.output(seq(Some(7), 2)), Flow::Vector { width: 14 });
    let rep = LayerKind::from_config(
        "RepeatVector",
        &[("n", Value::Int(3))],
        Flow::Vector { width: 2 },
    )
    .expect("RepeatVector");
    assert_eq!(rep.output(Flow::Vector { width: 2 }), seq(Some(3), 2));
    // Only a causal, stride-1 convolution runs step by step (and streams).
    assert!(!conv.is_causal() && !pool.is_causal());
    // The shortest input the Jena model's windows leave a step of: Conv1D(5), pool 3,
    // Conv1D(5): 5 steps after the pool need 15 before it, 19 at the input.
    let kinds = [conv, pool, conv];
    assert_eq!(rules::min_steps(kinds.iter()), Some(19));
}

#[test]
fn normalization_layers_have_keras_s_tensors_and_trainability() {
    use crate::bake::{file_tensors, into_cell_arrays};
    use crate::class::BATCH_NORMALIZATION;
    use crate::value::Value;
    let bn = LayerKind::from_config(
        "BatchNormalization",
        &[
            ("epsilon", Value::Float(0.01)),
            ("center", Value::Bool(false)),
            ("scale", Value::Bool(true)),
        ],
        Flow::Vector { width: 3 },
    )
    .unwrap();
    let names: Vec<String> = bn.tensors().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["gamma", "moving_mean", "moving_variance"]);
    // The moving statistics are Keras's non-trainable weights.
    assert_eq!((bn.params(), bn.non_trainable_params()), (9, 6));
    // The cell's arrays: the fused scale and shift (TensorFlow's order), then the four
    // tensors (beta zeros); saving gives the file's three back.
    let file = vec![
        vec![2.0, 1.0, 0.5],
        vec![1.0, -1.0, 0.0],
        vec![3.99, 0.99, 0.24],
    ];
    let arrays = into_cell_arrays(&bn, file.clone());
    assert_eq!(arrays.len(), 6);
    for f in 0..3 {
        let scale = file[0][f] as f64 / (file[2][f] as f64 + 0.01).sqrt();
        assert!((arrays[0][f] as f64 - scale).abs() < 1e-6);
        assert!((arrays[1][f] as f64 + file[1][f] as f64 * scale).abs() < 1e-6);
    }
    assert_eq!(arrays[3], [0.0; 3]);
    assert_eq!(file_tensors(&bn, arrays), file);
    // LayerNormalization: Keras 3's rms_scaling keeps gamma only, whatever center says.
    let ln = |rms: bool, scale: bool| {
        LayerKind::from_config(
            "LayerNormalization",
            &[
                ("epsilon", Value::Float(0.001)),
                ("center", Value::Bool(true)),
                ("scale", Value::Bool(scale)),
                ("rms_scaling", Value::Bool(rms)),
            ],
            Flow::Vector { width: 4 },
        )
        .unwrap()
    };
    let names = |k: LayerKind| -> Vec<String> { k.tensors().into_iter().map(|(n, _)| n).collect() };
    assert_eq!(names(ln(false, true)), ["gamma", "beta"]);
    assert_eq!(names(ln(false, false)), ["beta"]);
    assert_eq!(names(ln(true, false)), ["gamma"]);
    assert_eq!(ln(true, true).non_trainable_params(), 0);
    // The last axis only: -1 or its positive index; another is refused naming it and the fix.
    assert_eq!(rule_last_axis(&BATCH_NORMALIZATION, -1, None), None);
    assert_eq!(rule_last_axis(&BATCH_NORMALIZATION, 2, Some(2)), None);
    let refused = rule_last_axis(&BATCH_NORMALIZATION, 1, Some(2)).unwrap();
    assert!(refused.starts_with("`BatchNormalization(axis = 1)` is not supported"));
    assert!(refused.contains("write `axis = -1`"));
}
