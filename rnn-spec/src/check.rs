//! Does a weights file fit a model? A file matches when its layers agree with the model's in
//! order, class, the options that change results, and tensor shapes. Layer names are
//! informational: Keras numbers layers per session, so a notebook's file says `embedding_4`
//! where a fresh declaration says `embedding`. Every mismatch is reported, each with its fix.
//! The runtime loader and the macro's compile-time check both use this.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::activation::Activation;
use crate::class::Ty;
use crate::layer::LayerInfo;
use crate::value::Value;

/// One layer of a weights file, borrowed from however the caller parsed it.
#[derive(Clone, Debug)]
pub struct FileLayer<'a> {
    /// The layer's name in the file (informational).
    pub name: &'a str,
    /// Keras's class name.
    pub class: &'a str,
    /// The recorded options.
    pub config: Vec<(&'a str, Value<'a>)>,
    /// The tensors, in file order.
    pub tensors: Vec<FileTensor<'a>>,
}

/// One tensor of a weights file.
#[derive(Clone, Debug)]
pub struct FileTensor<'a> {
    /// Keras's short name.
    pub name: &'a str,
    /// The recorded shape.
    pub shape: &'a [u64],
    /// How many values the file holds for it.
    pub values: usize,
}

/// One way a file differs from the model, with how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The model's layer (0-based), or `None` for the file as a whole.
    pub layer: Option<usize>,
    /// The model's name for that layer.
    pub name: String,
    /// What differs: `the class`, `option \`units\``, `tensor \`kernel\``.
    pub what: String,
    /// What the model declares.
    pub expected: String,
    /// What the file holds.
    pub found: String,
    /// How to make them agree.
    pub fix: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(i) = self.layer {
            write!(f, "layer {} (`{}`): ", i + 1, self.name)?;
        }
        write!(
            f,
            "{} is {} in the file, the model declares {}: {}",
            self.what, self.found, self.expected, self.fix
        )
    }
}

/// Every mismatch between a file's layers and a model's, in model order (empty: they match).
pub fn check_file(file: &[FileLayer<'_>], model: &[LayerInfo]) -> Vec<Mismatch> {
    let mut out = Vec::new();
    if file.len() != model.len() {
        rule_same_layer_count(file, model, &mut out);
        return out;
    }
    for (index, (rec, info)) in file.iter().zip(model).enumerate() {
        let before = out.len();
        rule_same_class(index, rec, info, &mut out);
        if out.len() > before {
            continue;
        }
        rule_same_options(index, rec, info, &mut out);
        // Different options (units, use_bias) make different tensors: one mistake, one message.
        if out.len() == before {
            rule_same_tensors(index, rec, info, &mut out);
        }
    }
    out
}

fn mismatch(
    index: usize,
    info: &LayerInfo,
    what: String,
    expected: String,
    found: String,
    fix: String,
) -> Mismatch {
    Mismatch {
        layer: Some(index),
        name: info.name.to_string(),
        what,
        expected,
        found,
        fix,
    }
}

fn classes<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

/// The file has as many layers as the model (an `Input` has no record).
fn rule_same_layer_count(file: &[FileLayer<'_>], model: &[LayerInfo], out: &mut Vec<Mismatch>) {
    out.push(Mismatch {
        layer: None,
        name: String::new(),
        what: "the number of layers".into(),
        expected: format!(
            "{} ({})",
            model.len(),
            classes(model.iter().map(|l| l.class))
        ),
        found: format!("{} ({})", file.len(), classes(file.iter().map(|l| l.class))),
        fix: "declare the layers the file was exported from, in its order (tools/keras_export.py prints the declaration)".into(),
    });
}

/// Each layer of the file has the class of the model's layer at its position.
fn rule_same_class(index: usize, rec: &FileLayer<'_>, info: &LayerInfo, out: &mut Vec<Mismatch>) {
    if rec.class != info.class {
        out.push(mismatch(
            index,
            info,
            "the class".into(),
            format!("`{}`", info.class),
            format!("`{}`", rec.class),
            format!(
                "declare `{}` at position {} or use a file exported from this model",
                rec.class,
                index + 1
            ),
        ));
    }
}

/// Each option that changes results agrees; the file records exactly the class's options.
fn rule_same_options(index: usize, rec: &FileLayer<'_>, info: &LayerInfo, out: &mut Vec<Mismatch>) {
    let class = info.kind.class();
    let keys = info.kind.config_keys();
    for (key, _) in &rec.config {
        if !keys.contains(key) {
            out.push(mismatch(
                index,
                info,
                format!("option `{key}`"),
                format!("none (`{}` records {})", class.name, keys.join(", ")),
                "recorded".into(),
                "the file was not written for this layer class; re-export it with tools/keras_export.py".into(),
            ));
        }
    }
    for (key, want) in info.kind.config_values() {
        let Some((_, found)) = rec.config.iter().find(|(k, _)| *k == key) else {
            out.push(mismatch(
                index,
                info,
                format!("option `{key}`"),
                want.to_string(),
                "missing".into(),
                "re-export the file with tools/keras_export.py".into(),
            ));
            continue;
        };
        if !same_option(key, &want, found) {
            out.push(mismatch(
                index,
                info,
                format!("option `{key}`"),
                want.to_string(),
                found.to_string(),
                option_fix(index, info, key, found),
            ));
            // Another inner class: its options are another class's, one mistake.
            if key == "layer" {
                return;
            }
        }
    }
}

fn same_option(key: &str, want: &Value<'_>, found: &Value<'_>) -> bool {
    match (key, want, found) {
        // `input_length` only fixes the summary's time axis; it does not change results.
        ("input_length", _, Value::Null | Value::Int(_)) => true,
        ("activation", Value::Str(w), Value::Str(f)) => {
            Activation::from_name(w).is_some()
                && Activation::from_name(w) == Activation::from_name(f)
        }
        (_, Value::Float(w), Value::Float(f)) => *w as f32 == *f as f32,
        (_, Value::Float(w), Value::Int(f)) => *w as f32 == *f as f32,
        _ => want == found,
    }
}

/// `add mask_zero = true to layer 1 (embedding)`, `add seq to layer 2 (simple_rnn)`.
/// For an option of a wrapper's inner layer: `add seq to the LSTM inside layer 2 (bidirectional)`.
fn option_fix(index: usize, info: &LayerInfo, key: &str, found: &Value<'_>) -> String {
    let mut class = info.kind.class();
    let mut at = format!("layer {} ({})", index + 1, info.name);
    if let Some(inner) = info.kind.inner()
        && !class.config.contains(&key)
    {
        class = inner.class();
        at = format!("the {} inside {at}", class.name);
    }
    if let Value::Str(name) = found
        && key == "activation"
        && Activation::from_name(name).is_none()
    {
        return format!("the file's activation `{name}` is not one rnn_model! implements");
    }
    let valid = matches!(
        (class.keyword(key).map(|k| k.ty), found),
        (Some(Ty::Size), Value::Int(_))
            | (Some(Ty::Steps), Value::Int(_) | Value::Null)
            | (Some(Ty::Bool), Value::Bool(_))
            | (Some(Ty::Activation | Ty::Str), Value::Str(_))
            | (Some(Ty::Float | Ty::Rate), Value::Float(_) | Value::Int(_))
            | (Some(Ty::Float), Value::Null)
            | (Some(Ty::Merge | Ty::Layer), Value::Str(_))
    );
    if !valid {
        return "the file is damaged or was not written by tools/keras_export.py; re-export it"
            .into();
    }
    if let Some((flag, _)) = class.flags.iter().find(|(_, k)| *k == key)
        && *found == Value::Bool(true)
    {
        return format!("add `{flag}` to {at}");
    }
    if key == "layer" {
        return format!("wrap a `{}` in {at}", found.dsl());
    }
    if class.positional.contains(&key) {
        return format!("declare {at} with {key} {}", found.dsl());
    }
    if class.default(key).as_ref() == Some(found) {
        return format!("remove `{key}` from {at} (the file has Keras's default)");
    }
    format!("add `{key} = {}` to {at}", found.dsl())
}

/// Each tensor has the model's name and shape, and as many values as its shape says.
fn rule_same_tensors(index: usize, rec: &FileLayer<'_>, info: &LayerInfo, out: &mut Vec<Mismatch>) {
    let expected = info.tensors();
    let list = |names: Vec<&str>| format!("[{}]", names.join(", "));
    if rec.tensors.len() != expected.len() {
        out.push(mismatch(
            index,
            info,
            "the tensor list".into(),
            list(expected.iter().map(|(n, _)| n.as_str()).collect()),
            list(rec.tensors.iter().map(|t| t.name).collect()),
            "re-export the file with tools/keras_export.py".into(),
        ));
        return;
    }
    for (t, (name, shape)) in rec.tensors.iter().zip(&expected) {
        if t.name != name {
            out.push(mismatch(
                index,
                info,
                format!("tensor `{name}`'s name"),
                format!("`{name}`"),
                format!("`{}`", t.name),
                "re-export the file with tools/keras_export.py".into(),
            ));
            continue;
        }
        let want: Vec<u64> = shape.iter().map(|&d| d as u64).collect();
        if t.shape != want.as_slice() {
            let (input, _) = info.kind.sizes();
            let fix = match (t.shape.first(), shape.first()) {
                (Some(&f), Some(&w))
                    if w == input && f != w as u64 && t.shape.get(1..) == want.get(1..) =>
                {
                    format!(
                        "the layer's input is {f} wide in the file and {w} in the model: check the layers before it"
                    )
                }
                _ => "declare the sizes the file was exported with".into(),
            };
            out.push(mismatch(
                index,
                info,
                format!("tensor `{name}`'s shape"),
                format!("{want:?}"),
                format!("{:?}", t.shape),
                fix,
            ));
            continue;
        }
        let count: u64 = want.iter().product();
        if t.values as u64 != count {
            out.push(mismatch(
                index,
                info,
                format!("tensor `{name}`'s number of values"),
                format!("{count} (shape {want:?})"),
                t.values.to_string(),
                "the file is damaged: re-export it".into(),
            ));
        }
    }
}
