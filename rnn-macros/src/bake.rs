//! Baked weights (`#[weights = "path"]`): read the file at compile time through the runtime's
//! own reader (`rnn_spec::json`: format, version, checksum, finite values), check it against the
//! model with the runtime's rules (`check_against`, so the compile error is the runtime's
//! `Error` text), or declare the model from it when the struct has no layer list; then lay its
//! arrays out as the runtime cells hold them, plus the folded Embedding tables, in one byte
//! string. Every problem is a compile error on the attribute; nothing here panics on a file.

use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::ToTokens;
use rnn_spec::json::WeightsFile;
use rnn_spec::{Flow, LayerInfo, LayerKind, Role, Value};

use crate::check::{Errors, MAX_TENSOR};
use crate::model::{Layer, Model, Source};
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
/// `input_shape` (a first `Embedding`: token ids), its layers and names the file's records.
/// Then the file is checked against that model as against a declared one.
pub fn model_from_file(def: &ModelDef, file: &File) -> Result<Model, syn::Error> {
    let mut errors = Errors::default();
    let at = &file.attr;
    let records = &file.file.layers;
    let input = match (records.first(), file.file.input_shape.as_deref()) {
        (None, _) => {
            errors.push(at, format!("`{}` has no layers", file.path));
            None
        }
        (Some(r), _) if r.class == "Embedding" => Some(None),
        (Some(_), Some([steps, Some(features)])) if *features > 0 => {
            Some(Some((steps.map(|s| s as usize), *features as usize)))
        }
        (Some(_), _) => {
            errors.push(
                at,
                format!(
                    "`{}` records no `input_shape` [steps, features] for its first layer: declare the layers, e.g. `struct {}<Input(None, F), ...>;`",
                    file.path, def.name
                ),
            );
            None
        }
    };
    let mut source = None;
    let mut flow = match input {
        Some(Some((steps, features))) => {
            source = Some(Source::Floats { steps, features });
            Some(Flow::Seq {
                steps,
                width: features,
            })
        }
        _ => None,
    };
    let mut layers: Vec<Layer> = Vec::new();
    for (i, rec) in records.iter().enumerate() {
        if input.is_none() {
            break;
        }
        let config: Vec<(&str, Value<'_>)> = rec
            .config
            .iter()
            .map(|(k, v)| (k.as_str(), rnn_spec::json::spec_value(v)))
            .collect();
        let at_layer =
            |what: String| format!("`{}`, layer {} (`{}`): {what}", file.path, i + 1, rec.name);
        let width = flow.map_or(0, Flow::width);
        let kind = match LayerKind::from_config(&rec.class, &config, width) {
            Ok(kind) => kind,
            Err(e) => {
                errors.push(at, at_layer(e));
                break;
            }
        };
        let flow_in = match (kind, flow) {
            (LayerKind::Embedding { .. }, _) if i == 0 => Flow::Seq {
                steps: None,
                width: 1,
            },
            (LayerKind::Embedding { .. }, _) => {
                errors.push(at, at_layer("`Embedding` must be the first layer".into()));
                break;
            }
            (_, Some(flow)) => flow,
            (_, None) => break,
        };
        if kind.class().sequence_only && !flow_in.is_seq() {
            errors.push(
                at,
                at_layer(format!(
                    "`{}` needs a sequence, but its input is a single vector",
                    rec.class
                )),
            );
            break;
        }
        if kind.role() == Role::Masking && layers.iter().any(|l| l.kind.role() != Role::Inert) {
            errors.push(at, at_layer("`Masking` must come right after the input: it computes the mask from the model's input".into()));
            break;
        }
        if kind.largest_tensor() > MAX_TENSOR {
            errors.push(at, at_layer("a tensor of more than 2^31 values".into()));
            break;
        }
        if i == 0
            && let Some(first) = Source::of_first(&kind)
        {
            source = Some(first);
        }
        let output = kind.output(flow_in);
        flow = Some(output);
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
    if let Some(e) = errors.into_error() {
        return Err(e);
    }
    let input = source.ok_or_else(|| {
        syn::Error::new_spanned(at, format!("`{}`: the model has no input", file.path))
    })?;
    let model = Model::new(def, input, layers);
    if let Some(dup) = model
        .layers
        .iter()
        .enumerate()
        .find(|(i, l)| model.layers[..*i].iter().any(|m| m.name == l.name))
    {
        return Err(syn::Error::new_spanned(
            at,
            format!("`{}`: two layers are named `{}`", file.path, dup.1.name),
        ));
    }
    check(&model, file)?;
    Ok(model)
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
            if let Some((kernel, bias)) = rnn_spec::bake::input_projection(kind, cell) {
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
