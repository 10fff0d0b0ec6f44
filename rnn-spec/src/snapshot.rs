//! The spec as JSON (`tools/spec.json`), for the Python exporter: it reads its tables (classes,
//! tensor names, recorded options, activation names, keywords and defaults) from this file, and
//! a test holds the committed file equal to what this writes, so the two sides cannot drift.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::activation::Activation;
use crate::class::{CLASSES, Class, Dim};
use crate::layer::Merge;
use crate::weights::{FORMAT, VERSION};

fn string(s: &str) -> String {
    format!("{s:?}")
}

fn list<T>(items: impl IntoIterator<Item = T>, f: impl Fn(T) -> String) -> String {
    format!(
        "[{}]",
        items.into_iter().map(f).collect::<Vec<_>>().join(", ")
    )
}

fn class_json(c: &Class) -> String {
    let flags = c
        .flags
        .iter()
        .map(|(f, k)| format!("{}: {}", string(f), string(k)))
        .collect::<Vec<_>>()
        .join(", ");
    let keywords = list(c.keywords, |k| {
        let default = k.default.map_or("null".into(), |v| format!("{v}"));
        // `null` is also a default (ReLU's `max_value = None`): `required` tells them apart.
        let required = k.default.is_none() && c.positional.contains(&k.name);
        format!(
            "{{\"name\": {}, \"type\": {}, \"default\": {default}, \"required\": {required}}}",
            string(k.name),
            string(k.ty.name())
        )
    });
    let tensors = list(c.tensors, |t| {
        let shape = list(t.shape, |d| match d {
            Dim::In => string("in"),
            Dim::Units(1) => string("units"),
            Dim::Units(k) => string(&format!("{k}*units")),
            Dim::Fixed(n) => format!("{n}"),
            Dim::Field(name) => string(name),
            Dim::InPerGroup => string("in/groups"),
            Dim::SeqField(name) => format!("{{\"if_seq\": {}}}", string(name)),
        });
        let when = if t.when.is_empty() {
            "null".into()
        } else {
            let conds: Vec<String> = t
                .when
                .iter()
                .map(|(k, v)| format!("{}: {v}", string(k)))
                .collect();
            format!("{{{}}}", conds.join(", "))
        };
        format!(
            "{{\"name\": {}, \"shape\": {shape}, \"when\": {when}, \"trainable\": {}}}",
            string(t.name),
            t.trainable
        )
    });
    let wraps: Vec<&str> = c.wrapped().collect();
    format!(
        "{{\"class\": {}, \"snake\": {}, \"in_file\": {}, \"positional\": {}, \"flags\": {{{flags}}}, \"keywords\": {keywords}, \"config\": {}, \"tensors\": {tensors}, \"refused\": {}, \"wraps\": {}}}",
        string(c.name),
        string(c.snake),
        c.in_file,
        list(c.positional, |p| string(p)),
        list(c.config, |k| string(k)),
        list(c.refused, |k| string(k)),
        list(wraps, string),
    )
}

/// The text of `tools/spec.json`.
pub fn spec_json() -> String {
    let activations = list(Activation::ALL, |(n, _)| string(n));
    let merges = list(Merge::ALL, |(n, _)| string(n));
    let layers = CLASSES
        .iter()
        .map(|c| format!("    {}", class_json(c)))
        .collect::<Vec<_>>()
        .join(",\n");
    format!(
        "{{\n  \"format\": {},\n  \"version\": {VERSION},\n  \"activations\": {activations},\n  \"merge_modes\": {merges},\n  \"layers\": [\n{layers}\n  ]\n}}\n",
        string(FORMAT)
    )
}
