//! The runtime cell of each layer kind, as generated code names it (`cell_type`) and builds it
//! from baked arrays (`cell_baked`): one exhaustive match each over `LayerKind`.

use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use rnn_spec::{LayerKind, Merge};

use super::lit;

/// The runtime cell of a layer: `Embedding<V, D>`, `SimpleRnn<IN, U>`, `Dense<IN, U>`,
/// `ActivationLayer<W>` (also `Softmax()`'s), `Rectifier<W>` (`ReLU`, `LeakyReLU`), `Elu<W>`,
/// `Masking<W>`, `Inert`, and those below.
pub fn cell_type(p: &TokenStream, kind: &LayerKind) -> TokenStream {
    match *kind {
        LayerKind::Embedding {
            input_dim,
            output_dim,
            ..
        } => {
            let (v, d) = (lit(input_dim), lit(output_dim));
            quote!(#p::Embedding<#v, #d>)
        }
        LayerKind::SimpleRnn { input, units, .. } => {
            let (i, u) = (lit(input), lit(units));
            quote!(#p::SimpleRnn<#i, #u>)
        }
        LayerKind::Lstm { .. } | LayerKind::Gru { .. } => gated_cell(p, kind),
        LayerKind::Dense { input, units, .. } => {
            let (i, u) = (lit(input), lit(units));
            quote!(#p::Dense<#i, #u>)
        }
        LayerKind::Activation { width, .. } | LayerKind::Softmax { width } => {
            let w = lit(width);
            quote!(#p::ActivationLayer<#w>)
        }
        LayerKind::Relu { width, .. } | LayerKind::LeakyRelu { width, .. } => {
            let w = lit(width);
            quote!(#p::Rectifier<#w>)
        }
        LayerKind::Elu { width, .. } => {
            let w = lit(width);
            quote!(#p::Elu<#w>)
        }
        LayerKind::BatchNormalization { width, .. } => {
            let w = lit(width);
            quote!(#p::BatchNorm<#w>)
        }
        LayerKind::LayerNormalization { width, .. } => {
            let w = lit(width);
            quote!(#p::LayerNorm<#w>)
        }
        LayerKind::Masking { width, .. } => {
            let w = lit(width);
            quote!(#p::Masking<#w>)
        }
        LayerKind::Conv1d {
            input,
            filters,
            kernel_size,
            ..
        } => {
            let (i, k, f) = (lit(input), lit(kernel_size * input), lit(filters));
            quote!(#p::Conv1d<#i, #k, #f>)
        }
        LayerKind::MaxPooling1d { width, .. } | LayerKind::AveragePooling1d { width, .. } => {
            let w = lit(width);
            quote!(#p::Pool1d<#w>)
        }
        LayerKind::GlobalMaxPooling1d { width, .. }
        | LayerKind::GlobalAveragePooling1d { width, .. } => {
            let w = lit(width);
            quote!(#p::GlobalPool<#w>)
        }
        LayerKind::Flatten { steps, width } => {
            let (w, tw) = (lit(width), lit(steps * width));
            quote!(#p::Flatten<#w, #tw>)
        }
        LayerKind::ZeroPadding1d { width, .. }
        | LayerKind::Cropping1d { width, .. }
        | LayerKind::UpSampling1d { width, .. } => {
            let w = lit(width);
            quote!(#p::Steps<#w>)
        }
        // To a vector, a reshape is a `Flatten` of its whole input; a vector to a vector is
        // the identity.
        LayerKind::Reshape {
            input,
            in_seq: true,
            width,
            out_seq: false,
            ..
        } => {
            let (w, tw) = (lit(input), lit(width));
            quote!(#p::Flatten<#w, #tw>)
        }
        LayerKind::Reshape {
            in_seq: false,
            out_seq: false,
            ..
        } => quote!(#p::Inert),
        LayerKind::Reshape { input, width, .. } => {
            let (i, o) = (lit(input), lit(width));
            quote!(#p::Reshape<#i, #o>)
        }
        LayerKind::Permute { .. } => {
            let (i, o) = kind.sizes();
            let (i, o) = (lit(i), lit(o));
            quote!(#p::Permute<#i, #o>)
        }
        LayerKind::PRelu {
            width,
            alpha_steps,
            alpha_width,
            ..
        } => {
            let (w, a) = (lit(width), lit(alpha_steps * alpha_width));
            quote!(#p::PRelu<#w, #a>)
        }
        LayerKind::Inert { .. } | LayerKind::RepeatVector { .. } => quote!(#p::Inert),
        LayerKind::Bidirectional { inner, merge } => bidirectional_cell(p, inner, merge),
        LayerKind::TimeDistributed { inner } => time_distributed_cell(p, inner),
    }
}

/// The const expression of a baked cell, its arrays (`rnn_spec::bake::cell_arrays` order)
/// taken from `arrays`: `<Lstm<32, 32, 128>>::baked(__BLOB.at(0), __BLOB.at(16384), .., true,
/// [Activation::Tanh, Activation::Sigmoid])`.
pub fn cell_baked(
    p: &TokenStream,
    kind: &LayerKind,
    arrays: &mut dyn Iterator<Item = TokenStream>,
) -> TokenStream {
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
        LayerKind::Softmax { .. } => {
            let f = act(rnn_spec::Activation::Softmax);
            quote!(<#ty>::baked(#f))
        }
        LayerKind::Relu { .. } | LayerKind::LeakyRelu { .. } => rectifier_baked(&ty, kind),
        LayerKind::Elu { alpha, .. } => {
            let a = proc_macro2::Literal::f32_suffixed(alpha);
            quote!(<#ty>::baked(#a))
        }
        LayerKind::BatchNormalization { .. } => {
            let (s, b, g, be, m, v) = (a(), a(), a(), a(), a(), a());
            quote!(<#ty>::baked(#s, #b, #g, #be, #m, #v))
        }
        LayerKind::LayerNormalization {
            epsilon,
            rms_scaling,
            ..
        } => {
            let (g, b) = (a(), a());
            let e = proc_macro2::Literal::f32_suffixed(epsilon);
            quote!(<#ty>::baked(#g, #b, #e, #rms_scaling))
        }
        LayerKind::Masking { mask_value, .. } => {
            let v = proc_macro2::Literal::f32_suffixed(mask_value);
            quote!(<#ty>::baked(#v))
        }
        LayerKind::Conv1d { activation, .. } => {
            let (k, b, f, w) = (a(), a(), act(activation), window(p, kind));
            quote!(<#ty>::baked(#k, #b, #w, #f))
        }
        LayerKind::MaxPooling1d { .. } | LayerKind::AveragePooling1d { .. } => {
            let (w, max) = (
                window(p, kind),
                matches!(kind, LayerKind::MaxPooling1d { .. }),
            );
            quote!(<#ty>::baked(#w, #max))
        }
        LayerKind::GlobalMaxPooling1d { .. } | LayerKind::GlobalAveragePooling1d { .. } => {
            let max = matches!(kind, LayerKind::GlobalMaxPooling1d { .. });
            quote!(<#ty>::baked(#max))
        }
        LayerKind::Flatten { .. }
        | LayerKind::Reshape {
            in_seq: true,
            out_seq: false,
            ..
        } => quote!(#p::Flatten),
        LayerKind::Reshape {
            in_seq: false,
            out_seq: false,
            ..
        } => quote!(#p::Inert),
        LayerKind::Reshape { .. } => quote!(#p::Reshape),
        LayerKind::ZeroPadding1d { .. }
        | LayerKind::Cropping1d { .. }
        | LayerKind::UpSampling1d { .. } => {
            let m = step_map(p, kind);
            quote!(<#ty>::baked(#m))
        }
        LayerKind::Permute { dims, .. } => {
            let swap = dims.as_slice() == [2, 1];
            quote!(<#ty>::baked(#swap))
        }
        LayerKind::PRelu { alpha_width, .. } => {
            let (alpha, row) = (a(), lit(alpha_width));
            quote!(<#ty>::baked(#alpha, #row))
        }
        LayerKind::Inert { .. } | LayerKind::RepeatVector { .. } => quote!(#p::Inert),
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

/// `Window { size: 5, strides: 1, dilation: 1, padding: Padding::Valid }`: a window layer's.
fn window(p: &TokenStream, kind: &LayerKind) -> TokenStream {
    let Some(w) = kind.window() else {
        return quote!();
    };
    let (size, strides, dilation) = (lit(w.size), lit(w.strides), lit(w.dilation));
    let pad = format_ident!("{}", w.padding.variant());
    quote!(#p::Window { size: #size, strides: #strides, dilation: #dilation, padding: #p::Padding::#pad })
}

/// `StepMap::Pad { left: 1, right: 2 }`: a `ZeroPadding1D`'s, `Cropping1D`'s or
/// `UpSampling1D`'s.
fn step_map(p: &TokenStream, kind: &LayerKind) -> TokenStream {
    match kind.step_map() {
        Some(rnn_spec::StepMap::Pad { left, right }) => {
            let (l, r) = (lit(left), lit(right));
            quote!(#p::StepMap::Pad { left: #l, right: #r })
        }
        Some(rnn_spec::StepMap::Crop { left, right }) => {
            let (l, r) = (lit(left), lit(right));
            quote!(#p::StepMap::Crop { left: #l, right: #r })
        }
        Some(rnn_spec::StepMap::Repeat { size }) => {
            let s = lit(size);
            quote!(#p::StepMap::Repeat { size: #s })
        }
        None => quote!(),
    }
}

/// `<Rectifier<4>>::baked(6.0f32, 0.1f32, 0.5f32)`: the parameters `LayerKind::rectifier`
/// gives a `ReLU` or `LeakyReLU`; no `max_value` (infinity) is written `f32::INFINITY`.
fn rectifier_baked(ty: &TokenStream, kind: &LayerKind) -> TokenStream {
    let Some(r) = kind.rectifier() else {
        unreachable!("only a ReLU or a LeakyReLU is a Rectifier cell")
    };
    let max = if r.max_value == f32::INFINITY {
        quote!(::core::primitive::f32::INFINITY)
    } else {
        proc_macro2::Literal::f32_suffixed(r.max_value).into_token_stream()
    };
    let (s, t) = (
        proc_macro2::Literal::f32_suffixed(r.negative_slope),
        proc_macro2::Literal::f32_suffixed(r.threshold),
    );
    quote!(<#ty>::baked(#max, #s, #t))
}

/// `Lstm<IN, U, 4U>` or `Gru<IN, U, 3U>`: the gate columns are the kernel's, from the spec.
fn gated_cell(p: &TokenStream, kind: &LayerKind) -> TokenStream {
    let (input, units) = kind.sizes();
    let columns = kind
        .tensors()
        .first()
        .and_then(|(_, shape)| shape.get(1).copied())
        .unwrap_or(units);
    let (i, u, c) = (lit(input), lit(units), lit(columns));
    match kind {
        LayerKind::Lstm { .. } => quote!(#p::Lstm<#i, #u, #c>),
        _ => quote!(#p::Gru<#i, #u, #c>),
    }
}

/// `Bidirectional<Lstm<32, 32, 128>, 32, 64, 64>`: the cell, its units, both outputs side by
/// side, the merged width.
fn bidirectional_cell(p: &TokenStream, inner: &LayerKind, merge: Merge) -> TokenStream {
    let cell = cell_type(p, inner);
    let units = inner.sizes().1;
    let (u, u2, w) = (lit(units), lit(2 * units), lit(merge.width(units)));
    quote!(#p::Bidirectional<#cell, #u, #u2, #w>)
}

/// `TimeDistributed<Dense<32, 5>>`.
fn time_distributed_cell(p: &TokenStream, inner: &LayerKind) -> TokenStream {
    let cell = cell_type(p, inner);
    quote!(#p::TimeDistributed<#cell>)
}
