//! A model config beyond its layers: a Functional model must be a linear chain (as
//! tools/keras_export.py's `_check_linear_chain` requires), and the input shape.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use serde_json::{Map, Value};

use super::Problem;
use super::translate::{class_of, config_of, name_of, unsupported};

/// `[name, node, tensor]` references of `input_layers` / `output_layers` (one or a list).
fn refs(v: Option<&Value>) -> Vec<String> {
    match v.and_then(Value::as_array) {
        Some(a) if a.first().is_some_and(Value::is_string) => a
            .first()
            .and_then(Value::as_str)
            .map(String::from)
            .into_iter()
            .collect(),
        Some(a) => a
            .iter()
            .filter_map(|r| r.get(0).and_then(Value::as_str).map(String::from))
            .collect(),
        None => Vec::new(),
    }
}

/// Whether a JSON value holds a Keras 3 tensor reference.
fn holds_tensor(v: &Value) -> bool {
    match v {
        Value::Object(o) => {
            o.get("class_name").and_then(Value::as_str) == Some("__keras_tensor__")
                || o.values().any(holds_tensor)
        }
        Value::Array(a) => a.iter().any(holds_tensor),
        _ => false,
    }
}

/// `_fed_by`: the layer's only call takes the output of layer `prev` as its only tensor input
/// (besides a mask).
fn fed_by(layer: &Value, prev: &str) -> bool {
    let Some(nodes) = layer.get("inbound_nodes").and_then(Value::as_array) else {
        return false;
    };
    let [node] = nodes.as_slice() else {
        return false;
    };
    match node {
        // Keras 3: {"args": [tensor], "kwargs": {...}}
        Value::Object(n) => {
            let args = n.get("args").and_then(Value::as_array);
            let Some([arg]) = args.map(Vec::as_slice) else {
                return false;
            };
            let history = arg
                .get("config")
                .and_then(|c| c.get("keras_history"))
                .and_then(|h| h.get(0))
                .and_then(Value::as_str);
            let kwargs_ok = n
                .get("kwargs")
                .and_then(Value::as_object)
                .is_none_or(|k| !k.iter().any(|(key, v)| key != "mask" && holds_tensor(v)));
            history == Some(prev) && kwargs_ok
        }
        // tf_keras: [[name, node, tensor, kwargs]]
        Value::Array(entries) => {
            let [entry] = entries.as_slice() else {
                return false;
            };
            let from = entry.get(0).and_then(Value::as_str);
            let kwargs_ok = entry.get(3).and_then(Value::as_object).is_none_or(|k| {
                k.iter()
                    .all(|(key, v)| key == "mask" || key == "training" || v.is_null())
            });
            from == Some(prev) && kwargs_ok
        }
        _ => false,
    }
}

/// `_check_linear_chain` for a Functional model's config.
pub(super) fn check_linear_chain(
    model: &str,
    inner: &Map<String, Value>,
    layers: &[Value],
) -> Result<(), Problem> {
    let inputs = refs(inner.get("input_layers"));
    let outputs = refs(inner.get("output_layers"));
    if inputs.len() != 1 || outputs.len() != 1 {
        return Err(unsupported(format!(
            "model '{model}': only single-input single-output models are supported"
        )));
    }
    let mut prev = inputs[0].clone();
    for layer in layers {
        let cls = class_of(layer)?;
        if cls == "InputLayer" {
            continue;
        }
        let name = name_of(config_of(layer, cls)?);
        if !fed_by(layer, &prev) {
            return Err(unsupported(format!(
                "model '{model}': layer '{name}' is not fed by the previous layer; only linear \
                 (Sequential-like) models are supported"
            )));
        }
        prev = name;
    }
    if prev != outputs[0] {
        return Err(unsupported(format!(
            "model '{model}': output is not the last layer's output"
        )));
    }
    Ok(())
}

/// The input shape without the batch axis: the InputLayer's, else the first layer's
/// `batch_input_shape`, else the Sequential's `build_input_shape`.
pub(super) fn input_shape(
    inner: &Map<String, Value>,
    layers: &[Value],
) -> Option<Vec<Option<u64>>> {
    let cfg = |l: &Value| l.get("config").and_then(Value::as_object).cloned();
    let shape = layers
        .iter()
        .find(|l| l.get("class_name").and_then(Value::as_str) == Some("InputLayer"))
        .and_then(cfg)
        .or_else(|| layers.first().and_then(cfg))
        .and_then(|c| {
            c.get("batch_shape")
                .or_else(|| c.get("batch_input_shape"))
                .cloned()
        })
        .or_else(|| inner.get("build_input_shape").cloned())?;
    let dims = shape.as_array()?;
    dims.iter()
        .skip(1)
        .map(|d| match d {
            Value::Null => Some(None),
            d => d.as_u64().map(Some),
        })
        .collect()
}
