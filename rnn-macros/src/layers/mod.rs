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

/// The const expression of a baked cell, its arrays (`rnn_spec::bake::cell_arrays` order)
/// taken from `arrays`: `<Lstm<32, 32, 128>>::baked(__BLOB.at(0), __BLOB.at(16384), .., true,
/// [Activation::Tanh, Activation::Sigmoid])`.
pub fn cell_baked(
    p: &proc_macro2::TokenStream,
    kind: &LayerKind,
    arrays: &mut dyn Iterator<Item = proc_macro2::TokenStream>,
) -> proc_macro2::TokenStream {
    use quote::{format_ident, quote};
    let ty = cell_type(p, kind);
    let act = |a: rnn_spec::Activation| {
        let v = format_ident!("{}", a.variant());
        quote!(#p::Activation::#v)
    };
    let mut a = || arrays.next().unwrap_or_default();
    match *kind {
        LayerKind::Embedding { .. } => {
            let t = a();
            quote!(<#ty>::baked(#t))
        }
        LayerKind::Dense {
            use_bias,
            activation,
            ..
        } => {
            let (k, b, f) = (a(), a(), act(activation));
            quote!(<#ty>::baked(#k, #b, #use_bias, #f))
        }
        LayerKind::SimpleRnn {
            use_bias,
            activation,
            ..
        } => {
            let (k, r, b, f) = (a(), a(), a(), act(activation));
            quote!(<#ty>::baked(#k, #r, #b, #use_bias, #f))
        }
        LayerKind::Lstm {
            use_bias,
            activation,
            recurrent_activation,
            ..
        } => {
            let (k, r, b) = (a(), a(), a());
            let (f, g) = (act(activation), act(recurrent_activation));
            quote!(<#ty>::baked(#k, #r, #b, #use_bias, [#f, #g]))
        }
        LayerKind::Gru {
            use_bias,
            reset_after,
            activation,
            recurrent_activation,
            ..
        } => {
            let (k, r, rh, bi, br) = (a(), a(), a(), a(), a());
            let (f, g) = (act(activation), act(recurrent_activation));
            quote!(<#ty>::baked((#k, #r, #rh), [#bi, #br], [#use_bias, #reset_after], [#f, #g]))
        }
        LayerKind::Activation { activation, .. } => {
            let f = act(activation);
            quote!(<#ty>::baked(#f))
        }
        LayerKind::Masking { mask_value, .. } => {
            let v = proc_macro2::Literal::f32_suffixed(mask_value);
            quote!(<#ty>::baked(#v))
        }
        LayerKind::Inert { .. } => quote!(#p::Inert),
        LayerKind::Bidirectional { inner, merge } => {
            let forward = cell_baked(p, inner, arrays);
            let backward = cell_baked(p, inner, arrays);
            let m = format_ident!("{}", merge.variant());
            quote!(<#ty>::baked(#forward, #backward, #p::Merge::#m))
        }
        LayerKind::TimeDistributed { inner } => {
            let inner = cell_baked(p, inner, arrays);
            quote!(<#ty>::baked(#inner))
        }
    }
}
