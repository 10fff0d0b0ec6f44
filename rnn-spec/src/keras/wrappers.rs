//! The wrappers: a Bidirectional's two copies and a TimeDistributed's inner layer, read as
//! tools/keras_export.py's `_bidirectional_doc` and `_time_distributed_doc` read them.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use serde_json::{Map, Value};

use super::Problem;
use super::translate::{
    LayerRead, Part, Source, class_of, config_of, malformed, name_of, py_repr, read_layer,
    refuse_true, truthy, unsupported, weights,
};
use crate::Merge;
use crate::class::Class;
use crate::json::TensorRecord;

/// The forward or backward copy's name as Keras names it: `forward_lstm`, `backward_lstm`.
fn copy_name(prefix: &str, name: &str) -> String {
    let base = name
        .strip_prefix("forward_")
        .or_else(|| name.strip_prefix("backward_"))
        .unwrap_or(name);
    if name.starts_with(prefix) {
        name.to_string()
    } else {
        format!("{prefix}{base}")
    }
}

/// The class `wrapper` holds, when the spec lets it hold `icls` (`Class::wraps`).
fn inner_class(
    wrapper: &Class,
    icls: &str,
    refuse: &dyn Fn(String) -> Problem,
) -> Result<&'static Class, Problem> {
    match crate::class::class(icls).filter(|c| wrapper.wraps(c)) {
        Some(c) => Ok(c),
        None => {
            let can: Vec<&str> = wrapper.wrapped().collect();
            Err(refuse(format!(
                "an inner layer of class {icls} (supported: {})",
                can.join(", ")
            )))
        }
    }
}

/// `_bidirectional_doc`.
pub(super) fn bidirectional(
    cfg: &Map<String, Value>,
    key: &str,
    where_: &str,
    src: Source<'_>,
    refuse: &dyn Fn(String) -> Problem,
) -> LayerRead {
    let mode = match cfg.get("merge_mode") {
        None => "concat",
        Some(Value::Null) => return Err(refuse("merge_mode=None (two outputs)".into())),
        Some(Value::String(s)) => s.as_str(),
        Some(other) => return Err(refuse(format!("merge_mode {}", py_repr(other)))),
    };
    if Merge::from_name(mode).is_none() {
        return Err(refuse(format!("merge_mode '{mode}'")));
    }
    let fwd = cfg
        .get("layer")
        .filter(|l| l.is_object())
        .ok_or_else(|| malformed(format!("{where_}: the config has no inner `layer`")))?;
    let icls = class_of(fwd)?;
    let class = inner_class(&crate::class::BIDIRECTIONAL, icls, refuse)?;
    let fcfg_k = config_of(fwd, icls)?;
    let fname = copy_name("forward_", &name_of(fcfg_k));
    // Keras builds the backward copy from the inner layer's config with go_backwards flipped
    // when no backward_layer is given (a Keras 3 file always records it).
    let derived;
    let (bcfg_k, bname) = match cfg.get("backward_layer").filter(|b| !b.is_null()) {
        Some(b) => {
            let bcls = class_of(b)?;
            if bcls != icls {
                return Err(refuse(format!(
                    "a backward_layer of class {bcls} with a forward {icls}"
                )));
            }
            let c = config_of(b, bcls)?;
            (c, copy_name("backward_", &name_of(c)))
        }
        None => {
            let mut c = fcfg_k.clone();
            let back = !truthy(c.get("go_backwards"));
            c.insert("go_backwards".into(), Value::Bool(back));
            derived = c;
            (&derived, copy_name("backward_", &name_of(fcfg_k)))
        }
    };
    let mut parts = Vec::new();
    for (part, sub_cfg, sub_name) in [
        (Part::Forward, fcfg_k, &fname),
        (Part::Backward, bcfg_k, &bname),
    ] {
        let label = if part == Part::Forward {
            "forward"
        } else {
            "backward"
        };
        let sub_where = format!("{where_} {label} layer '{sub_name}'");
        let sub_refuse =
            |what: String| unsupported(format!("{sub_where}: {what} is not supported"));
        // Bidirectional itself sets the inner layers' zero_output_for_mask (= return_sequences):
        // the inner class's other refusals hold.
        let refused: Vec<&str> = class
            .refused
            .iter()
            .copied()
            .filter(|k| *k != "zero_output_for_mask")
            .collect();
        refuse_true(&refused, sub_cfg, &sub_refuse)?;
        let found = weights(src, key, part)?;
        parts.push(read_layer(
            class,
            sub_cfg,
            found,
            &sub_where,
            src.keras2(),
            false,
            &sub_refuse,
            2,
        )?);
    }
    let (bcfg, btensors) = parts.pop().unwrap_or_default();
    let (fcfg, ftensors) = parts.pop().unwrap_or_default();
    if fcfg.get("go_backwards") == Some(&Value::Bool(true)) {
        return Err(refuse("an inner layer with go_backwards=True".into()));
    }
    if bcfg.get("go_backwards") != Some(&Value::Bool(true)) {
        return Err(refuse("a backward_layer with go_backwards=False".into()));
    }
    let diff: Vec<String> = fcfg
        .iter()
        .filter(|(k, v)| k.as_str() != "go_backwards" && bcfg.get(k.as_str()) != Some(v))
        .map(|(k, v)| {
            format!(
                "{k}: {} / {}",
                py_repr(v),
                bcfg.get(k.as_str()).map_or("None".into(), py_repr)
            )
        })
        .collect();
    if !diff.is_empty() {
        return Err(refuse(format!(
            "a backward_layer that is not the forward layer's reverse copy (differs in {})",
            diff.join(", ")
        )));
    }
    let mut config = Map::new();
    config.insert("merge_mode".into(), Value::String(mode.to_string()));
    config.insert("layer".into(), Value::String(icls.to_string()));
    config.extend(fcfg);
    let tensors = ftensors
        .into_iter()
        .map(|t| TensorRecord {
            name: format!("forward_{}", t.name),
            ..t
        })
        .chain(btensors.into_iter().map(|t| TensorRecord {
            name: format!("backward_{}", t.name),
            ..t
        }))
        .collect();
    Ok((config, tensors))
}

/// `_time_distributed_doc`.
pub(super) fn time_distributed(
    cfg: &Map<String, Value>,
    key: &str,
    where_: &str,
    src: Source<'_>,
    refuse: &dyn Fn(String) -> Problem,
) -> LayerRead {
    let inner = cfg
        .get("layer")
        .filter(|l| l.is_object())
        .ok_or_else(|| malformed(format!("{where_}: the config has no inner `layer`")))?;
    let icls = class_of(inner)?;
    let class = inner_class(&crate::class::TIME_DISTRIBUTED, icls, refuse)?;
    let icfg = config_of(inner, icls)?;
    let sub_where = format!("{where_} inner layer '{}'", name_of(icfg));
    let sub_refuse = |what: String| unsupported(format!("{sub_where}: {what} is not supported"));
    let found = weights(src, key, Part::Inner)?;
    let (icfg, tensors) = read_layer(
        class,
        icfg,
        found,
        &sub_where,
        src.keras2(),
        true,
        &sub_refuse,
        // The inner layer sees one step: (batch, features).
        1,
    )?;
    let mut config = Map::new();
    config.insert("layer".into(), Value::String(icls.to_string()));
    config.extend(icfg);
    Ok((config, tensors))
}
