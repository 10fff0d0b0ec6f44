//! One module per layer class: how its arguments become a `LayerKind`. Everything else about a
//! class (keywords, defaults, tensors, parameter counts, output shapes, names) is in `rnn_spec`.

mod activation;
mod dense;
mod embedding;
mod gated;
mod inert;
pub mod input;
mod masking;
mod simple_rnn;
mod wrapper;

use rnn_spec::{Class, LayerKind};

use crate::args::{self, Reader};
use crate::check::Errors;
use crate::parse::LayerAst;

/// Binds a layer's arguments to its class's keywords (every mistake reported).
pub fn reader<'a, 'e>(
    ast: &'a LayerAst,
    class: &'static Class,
    errors: &'e mut Errors,
) -> Reader<'a, 'e> {
    let bound = args::bind(ast, class, errors);
    Reader {
        bound,
        errors,
        class: class.name,
        spec: class,
    }
}

/// Reports a missing required argument with an example.
pub fn missing(ast: &LayerAst, what: &str, class: &Class, errors: &mut Errors) {
    errors.push(
        ast,
        format!("`{}` needs {what}, e.g. `{}`", class.name, class.example),
    );
}

/// Reads a layer (not `Input`) of `class` whose input is `input` wide.
pub fn read(
    class: &'static Class,
    ast: &LayerAst,
    input: usize,
    errors: &mut Errors,
) -> Option<LayerKind> {
    let r = reader(ast, class, errors);
    match class.name {
        "Embedding" => embedding::read(ast, r),
        "SimpleRNN" => simple_rnn::read(ast, r, input),
        "LSTM" => gated::read_lstm(ast, r, input),
        "GRU" => gated::read_gru(ast, r, input),
        "Dense" => dense::read(ast, r, input),
        "Activation" => activation::read(ast, r, input),
        "Masking" => masking::read(r, input),
        "Bidirectional" => wrapper::read_bidirectional(ast, r, input),
        "TimeDistributed" => wrapper::read_time_distributed(ast, r, input),
        _ => inert::read(ast, r, input),
    }
}

fn lit(n: usize) -> proc_macro2::Literal {
    proc_macro2::Literal::usize_unsuffixed(n)
}

/// The runtime cell of a layer: `SimpleRnn<32, 32>`, `Dense<32, 1>`, ...
pub fn cell_type(p: &proc_macro2::TokenStream, kind: &LayerKind) -> proc_macro2::TokenStream {
    match *kind {
        LayerKind::Embedding {
            input_dim,
            output_dim,
            ..
        } => embedding::cell(p, input_dim, output_dim),
        LayerKind::SimpleRnn { input, units, .. } => simple_rnn::cell(p, input, units),
        LayerKind::Lstm { .. } | LayerKind::Gru { .. } => gated::cell(p, kind),
        LayerKind::Dense { input, units, .. } => dense::cell(p, input, units),
        LayerKind::Activation { width, .. } => activation::cell(p, width),
        LayerKind::Masking { width, .. } => masking::cell(p, width),
        LayerKind::Inert { .. } => inert::cell(p),
        LayerKind::Bidirectional { inner, merge } => wrapper::bidirectional_cell(p, inner, merge),
        LayerKind::TimeDistributed { inner } => wrapper::time_distributed_cell(p, inner),
    }
}
