//! Baked weights (`#[weights = "path"]`): read the file at compile time through the runtime's
//! own reader (`rnn_spec::json`: format, version, checksum, finite values), check it against the
//! model with the runtime's rules (`check_against`, so the compile error is the runtime's
//! `Error` text), or declare the model from it when the struct has no layer list; then lay its
//! arrays out as the runtime cells hold them, plus the folded Embedding tables, in one byte
//! string. Every problem is a compile error on the attribute; nothing here panics on a file.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::ToTokens;
use rnn_spec::class::EMBEDDING;
use rnn_spec::json::WeightsFile;
use rnn_spec::rules::{Walk, rule_unique_names};
use rnn_spec::{Flow, LayerInfo, LayerKind, Value};

use crate::errors::Errors;
use crate::model::{Layer, Model};
use crate::parse::ModelDef;
use crate::plan::Plan;

/// The offset alignment of every array in the byte string (a cache line, as `Weights`).
pub const ALIGN: usize = 64;

/// A weights file read at compile time.
pub struct File {
    /// The path as written in the attribute (relative to `CARGO_MANIFEST_DIR`).
    pub path: String,
    /// The attribute, for error spans.
    pub attr: TokenStream,
    pub file: WeightsFile,
}

/// The arrays of a baked model in one little-endian f32 byte string.
pub struct Layout {
    pub bytes: Vec<u8>,
    /// Per layer, the offset of each array its cell's `baked` constructor takes, in order.
    pub layers: Vec<Vec<usize>>,
    /// The folded Embedding tables' offsets (one per copy).
    pub folds: Vec<usize>,
}

/// Reads and validates the file of `#[weights = "..."]`: the runtime's loader, so a JSON file,
/// a Keras `.keras` or `.h5` file, or gzip data of any of them.
pub fn read(def: &ModelDef) -> Option<Result<File, syn::Error>> {
    let (lit, attr) = def.weights.as_ref()?;
    let path = lit.value();
    let error = |message: String| syn::Error::new_spanned(attr, message);
    let dir = match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => {
            return Some(Err(error(
                "CARGO_MANIFEST_DIR is not set: build with cargo".into(),
            )));
        }
    };
    let result = WeightsFile::load(dir.join(&path));
    // The runtime's message, naming the file as the attribute does.
    Some(match result {
        Ok(file) => Ok(File {
            path,
            attr: attr.to_token_stream(),
            file,
        }),
        Err(e) => Err(error(match e.naming(PathBuf::from(&path)) {
            Ok(named) => named.to_string(),
            Err(e) => format!("`{path}`: {e}"),
        })),
    })
}

/// The model's layers as the runtime sees them (`M::LAYERS`).
fn infos(model: &Model) -> Vec<LayerInfo> {
    model
        .layers
        .iter()
        .map(|l| LayerInfo {
            name: leak(l.name.clone()),
            class: l.kind.class().name,
            output_shape: leak(l.output.keras_shape()),
            params: l.params as usize,
            kind: l.kind,
        })
        .collect()
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The file against the declared layers: the runtime loader's check and message.
pub fn check(model: &Model, file: &File) -> Result<(), syn::Error> {
    file.file
        .check_against(&infos(model))
        .map_err(|e| syn::Error::new_spanned(&file.attr, format!("`{}`: {e}", file.path)))
}

/// `struct Name;` with `#[weights]`: the model the file describes. Its input is the file's
/// `input_shape` (a first `Embedding`: token ids), its layers and names the file's records,
/// each built by `rnn_spec`'s one constructor and walked through the same rules as a
/// declaration (`rnn_spec::rules`), each broken rule named with its layer. Then the file is
/// checked against that model as against a declared one.
pub fn model_from_file(def: &ModelDef, file: &File) -> Result<Model, syn::Error> {
    let at = &file.attr;
    let records = &file.file.layers;
    let error = |message: String| Err(syn::Error::new_spanned(at, message));
    let mut walk = Walk::new();
    match (records.first(), file.file.input_shape.as_deref()) {
        (None, _) => return error(format!("`{}` has no layers", file.path)),
        (Some(r), _) if r.class == EMBEDDING.name => {}
        (Some(_), Some([steps, Some(features)])) if *features > 0 => {
            let steps = steps.map(|s| s as usize);
            walk.input(0, Some((steps, *features as usize)));
        }
        (Some(_), _) => {
            return error(format!(
                "`{}` records no `input_shape` [steps, features] for its first layer: declare the layers, e.g. `struct {}<Input(None, F), ...>;`",
                file.path, def.name
            ));
        }
    }
    rule_classes_implemented(file)?;
    let mut errors = Errors::default();
    let mut layers: Vec<Layer> = Vec::new();
    for (i, rec) in records.iter().enumerate() {
        let before = errors.len();
        let at_layer = |what: String, errors: &mut Errors| {
            errors.push(
                at,
                format!("`{}`, layer {} (`{}`): {what}", file.path, i + 1, rec.name),
            )
        };
        let Some(class) = rnn_spec::class::class(&rec.class) else {
            walk.skip();
            continue;
        };
        let (flow_in, broken) = walk.enter(i, class, &rec.class);
        broken.into_iter().for_each(|b| at_layer(b, &mut errors));
        let config: Vec<(&str, Value<'_>)> = rec
            .config
            .iter()
            .map(|(k, v)| (k.as_str(), rnn_spec::json::spec_value(v)))
            .collect();
        let flow = flow_in.unwrap_or(Flow::Vector { width: 0 });
        let kind = match LayerKind::from_config(&rec.class, &config, flow) {
            Ok(kind) => Some(kind),
            Err(e) => {
                at_layer(e, &mut errors);
                None
            }
        };
        let ok = errors.len() == before;
        let (output, broken) = walk.leave(i, kind, flow_in, &rec.name, ok);
        broken.into_iter().for_each(|b| at_layer(b, &mut errors));
        if let (Some(kind), Some(output)) = (kind, output) {
            layers.push(Layer {
                name: rec.name.clone(),
                // Only names later declared layers; a file's layers are named already.
                inner_name: None,
                kind,
                output,
                params: kind.params() as u64,
                tokens: at.clone(),
            });
        }
    }
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    for (i, broken) in rule_unique_names(&names) {
        errors.push(
            at,
            format!(
                "`{}`, layer {} (`{}`): {broken}",
                file.path,
                i + 1,
                names[i]
            ),
        );
    }
    if let Some(e) = errors.into_error() {
        return Err(e);
    }
    let input = walk.source().ok_or_else(|| {
        syn::Error::new_spanned(at, format!("`{}`: the model has no input", file.path))
    })?;
    let model = Model::new(def, input, layers);
    check(&model, file)?;
    Ok(model)
}

/// Every layer class of the file is one `rnn_model!` implements: all the others named in one
/// error, with their layers.
fn rule_classes_implemented(file: &File) -> Result<(), syn::Error> {
    let mut at: Vec<String> = Vec::new();
    let mut classes: Vec<&str> = Vec::new();
    for (i, rec) in file.file.layers.iter().enumerate() {
        if rnn_spec::class::class(&rec.class).is_none_or(|c| !c.in_file) {
            at.push(format!("layer {} (`{}`)", i + 1, rec.name));
            if !classes.contains(&rec.class.as_str()) {
                classes.push(&rec.class);
            }
        }
    }
    match rnn_spec::rules::rule_classes_implemented(&classes) {
        Some(message) => Err(syn::Error::new_spanned(
            &file.attr,
            format!("`{}`, {}: {message}", file.path, at.join(", ")),
        )),
        None => Ok(()),
    }
}

/// Every cell's arrays (`rnn_spec::bake::cell_arrays`) and the folded tables
/// (`rnn_spec::bake::fold_table`, the runtime's arithmetic), each at a 64-byte aligned offset.
/// Only called on a file `check` accepted, so every tensor has its shape.
pub fn layout(model: &Model, plan: &Plan, file: &File) -> Layout {
    let mut bytes = Vec::new();
    let mut put = |data: &[f32]| {
        bytes.resize(bytes.len().next_multiple_of(ALIGN), 0);
        let at = bytes.len();
        bytes.reserve(data.len() * 4);
        data.iter()
            .for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
        at
    };
    let arrays: Vec<Vec<Vec<f32>>> = model
        .layers
        .iter()
        .zip(&file.file.layers)
        .map(|(l, rec)| {
            let tensors: Vec<&[f32]> = rec.weights.iter().map(|t| t.data.as_slice()).collect();
            rnn_spec::bake::cell_arrays(&l.kind, &tensors)
        })
        .collect();
    let layers = arrays
        .iter()
        .map(|a| a.iter().map(|x| put(x)).collect())
        .collect();
    let mut folds = Vec::new();
    if let Some(f) = plan.fold {
        let (vocab, d) = model.layers[f.embedding].kind.sizes();
        let into = &model.layers[f.into].kind;
        let cells: Vec<(&LayerKind, &[Vec<f32>])> = match into.inner() {
            Some(inner) if f.copies == 2 => {
                let (fw, bw) = arrays[f.into].split_at(arrays[f.into].len() / 2);
                vec![(inner, fw), (inner, bw)]
            }
            _ => vec![(into, &arrays[f.into][..])],
        };
        for (kind, cell) in cells {
            if let LayerKind::Conv1d {
                kernel_size,
                filters,
                ..
            } = *kind
            {
                let table = rnn_spec::bake::fold_conv_table(
                    &arrays[f.embedding][0],
                    &cell[0],
                    (vocab, d, kernel_size, filters),
                );
                folds.push(put(&table));
            } else if let Some((kernel, bias)) = rnn_spec::bake::input_projection(kind, cell) {
                let table = rnn_spec::bake::fold_table(
                    &arrays[f.embedding][0],
                    kernel,
                    bias,
                    (vocab, d, f.width),
                );
                folds.push(put(&table));
            }
        }
    }
    bytes.resize(bytes.len().next_multiple_of(ALIGN).max(ALIGN), 0);
    Layout {
        bytes,
        layers,
        folds,
    }
}
