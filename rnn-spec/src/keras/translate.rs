//! A Keras model config and its weights to layer records: tools/keras_export.py's translation,
//! read from the file's config instead of live Keras objects. Each step names the exporter
//! function it follows; the messages are the exporter's.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use serde_json::{Map, Value};

use super::Problem;
use super::h5::{Data, File};
use crate::Activation;
use crate::class::{Class, Dim, Kind, Ty};
use crate::json::{FORMAT, LayerRecord, TensorRecord, VERSION, WeightsFile};

/// Where a model's weights are.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    /// A `.keras` archive's `model.weights.h5`: `layers/<name>/[cell/]vars/<i>`, unnamed.
    Keras3(&'a File),
    /// A legacy `.h5` model: `model_weights/<name>/<weight_names[i]>`; `true` when Keras 2 wrote
    /// it (its `hard_sigmoid` is `hard_sigmoid_keras2`).
    Legacy(&'a File, bool),
}

impl Source<'_> {
    pub(super) fn keras2(self) -> bool {
        matches!(self, Source::Legacy(_, true))
    }
}

/// A layer's config keys as the file records them, and its tensors.
pub(super) type LayerRead = Result<(Map<String, Value>, Vec<TensorRecord>), Problem>;

/// Which of a layer's weights: all, a Bidirectional's forward or backward copy, or a
/// TimeDistributed's inner layer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Whole,
    Forward,
    Backward,
    Inner,
}

/// A weight found in the file: its name there (a legacy file names them) and where it is.
pub(super) struct Found<'a> {
    name: Option<String>,
    path: String,
    file: &'a File,
}

pub(super) fn malformed(what: impl Into<String>) -> Problem {
    Problem::Malformed(what.into())
}

pub(super) fn unsupported(message: impl Into<String>) -> Problem {
    Problem::Unsupported(message.into())
}

/// Python's `repr` of a JSON config value, for messages worded as the exporter's.
pub(super) fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::String(s) => format!("'{s}'"),
        Value::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// Python's truth of a config value (`cfg.get(key)` in a condition).
pub(super) fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// The layers of a model config: `config.layers` of a Sequential or Functional model.
fn layer_list(config: &Value) -> Result<(&Map<String, Value>, &Vec<Value>), Problem> {
    let inner = config
        .get("config")
        .and_then(Value::as_object)
        .ok_or_else(|| malformed("the model config has no `config` object"))?;
    let layers = inner
        .get("layers")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            malformed(
                "the model config has no layer list (`config.layers`): only Sequential and \
                 Functional models are saved with their layers",
            )
        })?;
    Ok((inner, layers))
}

pub(super) fn class_of(layer: &Value) -> Result<&str, Problem> {
    layer
        .get("class_name")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("a layer in the model config has no `class_name`"))
}

pub(super) fn config_of<'v>(
    layer: &'v Value,
    class: &str,
) -> Result<&'v Map<String, Value>, Problem> {
    layer
        .get("config")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            malformed(format!(
                "a {class} layer in the model config has no `config`"
            ))
        })
}

pub(super) fn name_of(cfg: &Map<String, Value>) -> String {
    cfg.get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// `model_document`.
pub(crate) fn model(
    config: &Value,
    producer: Option<String>,
    src: Source<'_>,
) -> Result<WeightsFile, Problem> {
    let (inner, layers) = layer_list(config)?;
    let model_name = name_of(inner);
    // Every class the model uses and rnn_model! does not implement, named in one message
    // before anything else.
    let mut where_: Vec<String> = Vec::new();
    let mut classes: Vec<&str> = Vec::new();
    for layer in layers {
        let cls = class_of(layer)?;
        if cls != "InputLayer" && crate::class::class(cls).is_none_or(|c| !c.in_file) {
            where_.push(format!(
                "layer '{}' ({cls})",
                name_of(config_of(layer, cls)?)
            ));
            if !classes.contains(&cls) {
                classes.push(cls);
            }
        }
    }
    if let Some(message) = crate::rules::rule_classes_implemented(&classes) {
        return Err(unsupported(format!("{}: {message}", where_.join(", "))));
    }
    let mut out = Vec::new();
    // Keras 3 stores a model's layers under their class's snake-case name, numbered per class
    // in model order (`layers/bidirectional`, `layers/bidirectional_1`), whatever the layers
    // are named; a legacy file under the layer names.
    let mut seen: Vec<String> = Vec::new();
    // Whether the layer's input is a sequence (every model starts with one; a recurrent layer
    // without return_sequences ends it): the positive index of its last axis, which tf_keras
    // writes as a normalization layer's `axis`, is then 2, else 1.
    let mut seq = true;
    for layer in layers {
        let cls = class_of(layer)?;
        let base = crate::naming::snake_case(cls);
        let n = seen.iter().filter(|b| **b == base).count();
        seen.push(base.clone());
        if cls == "InputLayer" {
            continue;
        }
        let key = match (src, n) {
            (Source::Legacy(..), _) => name_of(config_of(layer, cls)?),
            (Source::Keras3(_), 0) => base,
            (Source::Keras3(_), n) => format!("{base}_{n}"),
        };
        out.push(layer_doc(layer, cls, &key, src, if seq { 2 } else { 1 })?);
        seq = seq && !ends_sequence(layer, cls)?;
    }
    let sequential = config.get("class_name").and_then(Value::as_str) == Some("Sequential");
    if !sequential {
        super::chain::check_linear_chain(&model_name, inner, layers)?;
    }
    if out.is_empty() {
        return Err(unsupported(format!("model '{model_name}': no layers")));
    }
    Ok(WeightsFile {
        format: FORMAT.into(),
        version: VERSION,
        model: Some(model_name),
        producer,
        input_shape: super::chain::input_shape(inner, layers),
        layers: out,
        checksum: None,
    })
}

/// Whether a layer of class `cls` takes a sequence and returns a vector: a recurrent layer
/// (or `Bidirectional` of one) without `return_sequences`.
fn ends_sequence(layer: &Value, cls: &str) -> Result<bool, Problem> {
    let cfg = config_of(layer, cls)?;
    let (class, cfg) = match cls {
        "Bidirectional" => match cfg.get("layer").filter(|l| l.is_object()) {
            Some(inner) => {
                let icls = class_of(inner)?;
                (icls, config_of(inner, icls)?)
            }
            None => return Ok(false),
        },
        _ => (cls, cfg),
    };
    let recurrent =
        crate::class::class(class).is_some_and(|c| c.role == crate::class::Role::Recurrent);
    Ok(recurrent && !truthy(cfg.get("return_sequences")))
}

/// `_layer_doc`; the layer's weights are under `key` in the file; `last_axis` is the positive
/// index of its input's last axis (2 on a sequence, 1 on a vector).
fn layer_doc(
    layer: &Value,
    cls: &str,
    key: &str,
    src: Source<'_>,
    last_axis: i64,
) -> Result<LayerRecord, Problem> {
    let cfg = config_of(layer, cls)?;
    let name = name_of(cfg);
    let where_ = format!("layer '{name}' ({cls})");
    let refuse = |what: String| unsupported(format!("{where_}: {what} is not supported"));
    let class = crate::class::class(cls).ok_or_else(|| refuse(format!("class {cls}")))?;
    let (config, tensors) = match class.kind {
        Kind::Bidirectional => super::wrappers::bidirectional(cfg, key, &where_, src, &refuse)?,
        Kind::TimeDistributed => {
            super::wrappers::time_distributed(cfg, key, &where_, src, &refuse)?
        }
        Kind::Input
        | Kind::Embedding
        | Kind::SimpleRnn
        | Kind::Lstm
        | Kind::Gru
        | Kind::Dense
        | Kind::Activation
        | Kind::Relu
        | Kind::LeakyRelu
        | Kind::Elu
        | Kind::Softmax
        | Kind::BatchNormalization
        | Kind::LayerNormalization
        | Kind::Masking
        | Kind::Conv1d
        | Kind::MaxPooling1d
        | Kind::AveragePooling1d
        | Kind::GlobalMaxPooling1d
        | Kind::GlobalAveragePooling1d
        | Kind::Flatten
        | Kind::RepeatVector
        | Kind::ZeroPadding1d
        | Kind::Cropping1d
        | Kind::UpSampling1d
        | Kind::Reshape
        | Kind::Permute
        | Kind::PRelu
        | Kind::Dropout
        | Kind::SpatialDropout1D
        | Kind::GaussianNoise
        | Kind::GaussianDropout
        | Kind::ActivityRegularization => {
            let weights = weights(src, key, Part::Whole)?;
            read_layer(
                class,
                cfg,
                weights,
                &where_,
                src.keras2(),
                true,
                &refuse,
                last_axis,
            )?
        }
    };
    Ok(LayerRecord {
        name,
        class: cls.to_string(),
        config,
        weights: tensors,
    })
}

/// The row checks: what changes inference and is not implemented (`Class::refused`).
fn row_check(
    class: &Class,
    cfg: &Map<String, Value>,
    refuse: &dyn Fn(String) -> Problem,
) -> Result<(), Problem> {
    refuse_true(class.refused, cfg, refuse)
}

pub(super) fn refuse_true(
    keys: &[&str],
    cfg: &Map<String, Value>,
    refuse: &dyn Fn(String) -> Problem,
) -> Result<(), Problem> {
    match keys.iter().find(|k| truthy(cfg.get(**k))) {
        Some(k) => Err(refuse(format!("{k}=True"))),
        None => Ok(()),
    }
}

/// `_activation`.
fn activation(
    cfg: &Map<String, Value>,
    key: &str,
    keras2: bool,
    where_: &str,
) -> Result<String, Problem> {
    let act = match cfg.get(key) {
        None | Some(Value::Null) => "linear",
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(unsupported(format!(
                "{where_}: custom {key} {} is not supported",
                py_repr(other)
            )));
        }
    };
    let act = match act {
        "silu" => "swish",
        "hard_sigmoid" if keras2 => "hard_sigmoid_keras2",
        a => a,
    };
    let known = Activation::ALL.iter().any(|(n, _)| *n == act);
    if !known || (act == "hard_sigmoid_keras2" && !keras2) {
        return Err(unsupported(format!(
            "{where_}: {key} '{act}' is not supported"
        )));
    }
    Ok(act.to_string())
}

/// One config key of the file, read from the Keras config as the exporter row reads it: by the
/// keyword's type, an absent one taking the class's default.
fn config_value(
    class: &Class,
    key: &str,
    cfg: &Map<String, Value>,
    keras2: bool,
    where_: &str,
) -> Result<Value, Problem> {
    // Keras 3 and tf_keras store a 1-D window's sizes as one-element lists (`[5]`).
    let scalar = match cfg.get(key) {
        Some(Value::Array(items)) if items.len() == 1 => items.first(),
        v => v,
    };
    let int = |required: bool| -> Result<Value, Problem> {
        match scalar {
            Some(Value::Number(n)) if n.as_u64().is_some() => Ok(Value::from(n.as_u64())),
            Some(Value::Number(n))
                if n.as_f64()
                    .is_some_and(|f| f >= 0.0 && f.fract() == 0.0 && f < 9.0e15) =>
            {
                Ok(Value::from(n.as_f64().unwrap_or(0.0) as u64))
            }
            None | Some(Value::Null) if !required => Ok(Value::Null),
            other => Err(malformed(format!(
                "{where_}: config `{key}` is {}, expected a non-negative integer",
                other.map_or("missing".to_string(), Value::to_string)
            ))),
        }
    };
    let keyword = class.keyword(key).ok_or_else(|| {
        malformed(format!(
            "{where_}: the reader has no rule for config key `{key}`"
        ))
    })?;
    Ok(match keyword.ty {
        Ty::Size => match (scalar, keyword.default) {
            (None, Some(crate::Value::Int(n))) => Value::from(n),
            _ => int(true)?,
        },
        Ty::Choice(names) => match cfg.get(key) {
            None | Some(Value::Null) => match keyword.default {
                Some(crate::Value::Str(d)) => Value::from(d),
                _ => return Err(malformed(format!("{where_}: config `{key}` is missing"))),
            },
            Some(Value::String(s)) => match names.iter().find(|n| n.eq_ignore_ascii_case(s)) {
                Some(n) => Value::from(*n),
                None => {
                    return Err(unsupported(format!(
                        "{where_}: {key}='{s}' is not supported (it takes {})",
                        names.join(", ")
                    )));
                }
            },
            Some(other) => {
                return Err(malformed(format!(
                    "{where_}: config `{key}` is {other}, expected one of {}",
                    names.join(", ")
                )));
            }
        },
        Ty::Steps => int(false)?,
        Ty::Bool => Value::Bool(match cfg.get(key) {
            None => keyword.default == Some(crate::Value::Bool(true)),
            v => truthy(v),
        }),
        Ty::Activation => Value::String(activation(cfg, key, keras2, where_)?),
        Ty::Float => {
            let default = match keyword.default {
                Some(crate::Value::Float(x)) => x,
                Some(crate::Value::Null) => {
                    // An option whose default is `None` (ReLU's `max_value`: no limit).
                    if cfg.get(key).is_none_or(Value::is_null) {
                        return Ok(Value::Null);
                    }
                    0.0
                }
                _ => 0.0,
            };
            let v = match cfg.get(key) {
                None | Some(Value::Null) => default,
                Some(v) => v.as_f64().ok_or_else(|| {
                    malformed(format!(
                        "{where_}: config `{key}` is {v}, expected a number"
                    ))
                })?,
            };
            if !v.is_finite() {
                return Err(unsupported(format!("{where_}: {key}={v} is not supported")));
            }
            // The shortest text of its float32, as the exporter and `LayerKind::config` write
            // it (tf_keras stores ELU's alpha 0.7 as 0.699999988079071).
            Value::from(format!("{:?}", v as f32).parse::<f64>().unwrap_or(v))
        }
        Ty::Ints => match cfg.get(key) {
            None => match keyword.default {
                Some(crate::Value::Ints(v)) => {
                    Value::Array(v.as_slice().iter().map(|n| Value::from(*n)).collect())
                }
                Some(crate::Value::Null) => Value::Null,
                _ => return Err(malformed(format!("{where_}: config `{key}` is missing"))),
            },
            Some(Value::Null) => Value::Null,
            Some(Value::Number(n)) if n.is_i64() => {
                Value::Array(alloc::vec![Value::from(n.as_i64())])
            }
            Some(Value::Array(items))
                if items.len() <= crate::Ints::MAX && items.iter().all(Value::is_i64) =>
            {
                Value::Array(items.clone())
            }
            Some(other) => {
                return Err(malformed(format!(
                    "{where_}: config `{key}` is {other}, expected integers"
                )));
            }
        },
        Ty::Str | Ty::Rate | Ty::Shape | Ty::Any | Ty::Layer | Ty::Merge | Ty::Axis => {
            return Err(malformed(format!(
                "{where_}: the reader has no rule for config key `{key}`"
            )));
        }
    })
}

/// An axis option that is not recorded because only the last axis is implemented (Softmax's,
/// BatchNormalization's and LayerNormalization's `axis`): the file's value must be -1 (or
/// `[-1]`), or for the normalization layers the positive index of the last axis `last_axis`
/// (tf_keras writes `[2]` on a sequence); any other is refused with the DSL's message.
fn rule_last_axis(
    class: &Class,
    v: Option<&Value>,
    where_: &str,
    last_axis: i64,
) -> Result<(), Problem> {
    let axis = match v {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(items)) if items.len() == 1 => items[0].as_i64(),
        Some(v) => v.as_i64(),
    };
    let softmax = class.kind == Kind::Softmax;
    let rule = |a: i64| {
        if softmax {
            crate::build::rule_softmax_last_axis(a)
        } else {
            crate::build::rule_last_axis(class, a, Some(last_axis))
        }
    };
    let shown = v.map_or(String::new(), py_repr);
    match axis.map(rule) {
        Some(None) => Ok(()),
        Some(Some(message)) => Err(unsupported(format!("{where_}: {message}"))),
        None if softmax => Err(unsupported(format!(
            "{where_}: {}",
            crate::build::softmax_axis_refused(&shown)
        ))),
        None => Err(unsupported(format!(
            "{where_}: {}",
            crate::build::norm_axis_refused(class, &shown, Some(last_axis))
        ))),
    }
}

/// The weights under `key` in the file (part `part`), in order.
pub(super) fn weights<'a>(
    src: Source<'a>,
    key: &str,
    part: Part,
) -> Result<Vec<Found<'a>>, Problem> {
    match src {
        Source::Keras3(file) => {
            let base = format!("layers/{key}");
            let dirs: Vec<String> = match part {
                Part::Whole => vec![format!("{base}/vars"), format!("{base}/cell/vars")],
                Part::Forward => vec![
                    format!("{base}/forward_layer/vars"),
                    format!("{base}/forward_layer/cell/vars"),
                ],
                Part::Backward => vec![
                    format!("{base}/backward_layer/vars"),
                    format!("{base}/backward_layer/cell/vars"),
                ],
                Part::Inner => vec![
                    format!("{base}/layer/vars"),
                    format!("{base}/layer/cell/vars"),
                ],
            };
            let mut out = Vec::new();
            for dir in dirs {
                if file.try_group(&dir)?.is_none() {
                    continue;
                }
                let mut vars = Vec::new();
                for d in file.datasets(&dir)? {
                    let i: u64 = d.parse().map_err(|_| {
                        malformed(format!(
                            "model.weights.h5: `{dir}` holds `{d}`, expected numbered variables"
                        ))
                    })?;
                    vars.push((i, d));
                }
                vars.sort();
                for (n, (i, d)) in vars.into_iter().enumerate() {
                    if i != n as u64 {
                        return Err(malformed(format!(
                            "model.weights.h5: `{dir}` has no variable {n} (found {d})"
                        )));
                    }
                    out.push(Found {
                        name: None,
                        path: format!("{dir}/{d}"),
                        file,
                    });
                }
            }
            Ok(out)
        }
        Source::Legacy(file, _) => {
            let base = format!("model_weights/{key}");
            let Some(group) = file.try_group(&base)? else {
                return Ok(Vec::new());
            };
            let names = file
                .chunked_strings_attr(&group, "weight_names")?
                .unwrap_or_default();
            let all: Vec<Found<'_>> = names
                .into_iter()
                .map(|w| Found {
                    path: format!("{base}/{w}"),
                    name: Some(short_name(&w).to_string()),
                    file,
                })
                .collect();
            // Bidirectional's weights are the forward copy's, then the backward copy's.
            let half = all.len() / 2;
            Ok(match part {
                Part::Whole | Part::Inner => all,
                Part::Forward if all.len().is_multiple_of(2) => {
                    all.into_iter().take(half).collect()
                }
                Part::Forward => all,
                Part::Backward if all.len().is_multiple_of(2) => {
                    all.into_iter().skip(half).collect()
                }
                Part::Backward => Vec::new(),
            })
        }
    }
}

/// `_weight_short_name`: `lstm/lstm_cell/kernel:0` -> `kernel`.
fn short_name(w: &str) -> &str {
    let last = w.rsplit('/').next().unwrap_or(w);
    last.split(':').next().unwrap_or(last)
}

/// Python's tuple text of a shape: `(8, 12)`, `(12,)`.
fn tuple(shape: &[u64]) -> String {
    match shape {
        [one] => format!("({one},)"),
        s => format!(
            "({})",
            s.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// `_read_layer`: the file config and the tensors of a layer of a class with an exporter row.
#[allow(clippy::too_many_arguments)]
pub(super) fn read_layer(
    class: &Class,
    cfg: &Map<String, Value>,
    found: Vec<Found<'_>>,
    where_: &str,
    keras2: bool,
    check: bool,
    refuse: &dyn Fn(String) -> Problem,
    last_axis: i64,
) -> LayerRead {
    // Quantized / LoRA layers (Keras 3) store different tensors.
    if let Some(Value::Object(policy)) = cfg.get("dtype") {
        let cname = policy
            .get("class_name")
            .and_then(Value::as_str)
            .unwrap_or("");
        if cname.contains("Quantized") {
            let mode = policy
                .get("config")
                .and_then(|c| c.get("quantization_mode"))
                .and_then(Value::as_str)
                .unwrap_or(cname);
            return Err(refuse(format!("quantization mode '{mode}'")));
        }
    }
    if let Some(q) = cfg.get("quantization_config").filter(|q| !q.is_null()) {
        let mode = q
            .get("config")
            .and_then(|c| c.get("mode").or_else(|| c.get("quantization_mode")))
            .and_then(Value::as_str)
            .unwrap_or("configured");
        return Err(refuse(format!("quantization mode '{mode}'")));
    }
    if truthy(cfg.get("lora_rank")) {
        return Err(refuse("LoRA".into()));
    }
    if check {
        row_check(class, cfg, refuse)?;
    }
    for k in class.keywords.iter().filter(|k| k.ty == Ty::Axis) {
        rule_last_axis(class, cfg.get(k.name), where_, last_axis)?;
    }
    // A choice the file does not record is implemented only as Keras's default
    // (`data_format = channels_last`).
    for k in class
        .keywords
        .iter()
        .filter(|k| !class.config.contains(&k.name))
    {
        if let (Ty::Choice(_), Some(crate::Value::Str(d)), Some(Value::String(s))) =
            (k.ty, k.default, cfg.get(k.name))
            && !s.eq_ignore_ascii_case(d)
        {
            return Err(refuse(format!("{}='{s}'", k.name)));
        }
    }
    let mut config = Map::new();
    for key in class.config {
        // tf_keras's spelling of the option (LeakyReLU's `alpha`), when the file has only it.
        let read = class
            .spelling_of(key)
            .filter(|other| !cfg.contains_key(*key) && cfg.contains_key(*other))
            .unwrap_or(key);
        config.insert(
            (*key).to_string(),
            config_value(class, read, cfg, keras2, where_)?,
        );
    }
    let size = |k: &str| config.get(k).and_then(Value::as_u64);
    let (input, units) = if class.kind == Kind::Embedding {
        (size("input_dim"), size("output_dim"))
    } else {
        (None, size("units").or_else(|| size("filters")))
    };
    let wanted: Vec<_> = class
        .tensors
        .iter()
        .filter(|t| {
            t.when
                .iter()
                .all(|(k, v)| config.get(*k) == Some(&Value::Bool(*v)))
        })
        .collect();
    if found.len() != wanted.len() {
        let names: Vec<String> = wanted.iter().map(|t| format!("'{}'", t.name)).collect();
        return Err(malformed(format!(
            "{where_}: expected {} weight tensors [{}], found {}",
            wanted.len(),
            names.join(", "),
            found.len()
        )));
    }
    let mut tensors = Vec::new();
    for (f, spec) in found.into_iter().zip(wanted) {
        let want = spec.name;
        let got = f.name.clone().unwrap_or_else(|| want.to_string());
        if got != want {
            return Err(unsupported(format!(
                "{where_}: expected weight '{want}', found '{got}'"
            )));
        }
        let (shape, data) = match f.file.read(&f.path)? {
            Data::Float(shape, data) => (shape, data),
            Data::NotFloat(dtype) => {
                return Err(unsupported(format!(
                    "{where_}: weight '{got}' has dtype {dtype}, expected float"
                )));
            }
        };
        // A dim of the input's time axis (`Dim::SeqField`) is absent on a vector input: the
        // shape fits with it or without it (the sizes are checked against the model later).
        let expected_of = |with_seq: bool| -> Vec<Option<u64>> {
            spec.shape
                .iter()
                .filter(|d| with_seq || !matches!(d, Dim::SeqField(_)))
                .map(|d| match d {
                    Dim::In => input,
                    Dim::Units(k) => units.map(|u| u * *k as u64),
                    Dim::Fixed(n) => Some(*n as u64),
                    Dim::Field(name) => size(name),
                    Dim::InPerGroup | Dim::SeqField(_) => None,
                })
                .collect()
        };
        let expected = expected_of(true);
        let fits_shape = |expected: &[Option<u64>]| {
            shape.len() == expected.len()
                && shape
                    .iter()
                    .zip(expected)
                    .all(|(s, e)| e.is_none_or(|e| e == *s))
        };
        let fits = fits_shape(&expected) || fits_shape(&expected_of(false));
        if !fits {
            let shown: Vec<String> = expected
                .iter()
                .map(|e| e.map_or("*".to_string(), |e| e.to_string()))
                .collect();
            return Err(unsupported(format!(
                "{where_}: weight '{got}' has shape {}, expected ({})",
                tuple(&shape),
                shown.join(", ")
            )));
        }
        if !data.iter().all(|v| v.is_finite()) {
            return Err(unsupported(format!(
                "{where_}: weight '{got}' holds NaN/inf (or overflows float32)"
            )));
        }
        tensors.push(TensorRecord {
            name: want.to_string(),
            shape,
            data,
        });
    }
    Ok((config, tensors))
}
