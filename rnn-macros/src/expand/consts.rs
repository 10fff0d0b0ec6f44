//! The model's facts as consts: parameter counts, the summary, the layer table, the widths.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use rnn_spec::LayerKind;

use super::{lit, option};
use crate::model::{Model, Source};

/// ```text
/// pub const PARAMS: usize = 322_113; /* TRAINABLE_PARAMS, NON_TRAINABLE_PARAMS, SUMMARY, NAME */
/// pub const LAYERS: &'static [LayerInfo] = &[LayerInfo { name: "embedding", ... }, ...];
/// pub const INPUT_WIDTH: usize = 10000; pub const OUTPUT_WIDTH: usize = 1; ...
/// ```
pub fn expand_consts(p: &TokenStream, model: &Model, summary: &str) -> TokenStream {
    let params = lit(model.params() as usize);
    let name = &model.name;
    let infos = model.layers.iter().map(|l| {
        let (lname, class, shape) = (&l.name, l.kind.class().name, l.output.keras_shape());
        let lparams = lit(l.params as usize);
        let kind = kind_tokens(p, &l.kind);
        quote!(#p::LayerInfo { name: #lname, class: #class, output_shape: #shape, params: #lparams, kind: #kind })
    });
    let (input_width, is_tokens) = match model.input {
        Source::Tokens { vocab, .. } => (vocab, true),
        Source::Floats { features, .. } => (features, false),
    };
    let input_width = lit(input_width);
    let steps = option(p, model.input.steps());
    let output = model.output();
    let output_width = lit(output.width());
    let seq = output.is_seq();
    quote! {
        /// Parameter count, as Keras's `model.count_params()`.
        pub const PARAMS: usize = #params;
        /// Trainable parameters (all of them: these layers have no frozen weights).
        pub const TRAINABLE_PARAMS: usize = #params;
        /// Non-trainable parameters (none).
        pub const NON_TRAINABLE_PARAMS: usize = 0;
        /// Keras 2.4.3's `model.summary()` text, byte for byte (print it with `println!`).
        pub const SUMMARY: &'static str = #summary;
        /// The Keras model name: the struct name in snake_case.
        pub const NAME: &'static str = #name;
        /// Every layer: Keras name, class, output shape, parameters and options.
        pub const LAYERS: &'static [#p::LayerInfo] = &[#(#infos),*];
        /// Features per timestep for a float model; the vocabulary size (`input_dim`) for a token model.
        pub const INPUT_WIDTH: usize = #input_width;
        /// Whether the model takes token ids (a first `Embedding`) rather than float vectors.
        pub const TAKES_TOKENS: bool = #is_tokens;
        /// The fixed sequence length, if the model has one.
        pub const TIMESTEPS: #p::Option<usize> = #steps;
        /// Width of the output (per timestep for a sequence model).
        pub const OUTPUT_WIDTH: usize = #output_width;
        /// Whether the output is a sequence (one vector per timestep).
        pub const RETURNS_SEQUENCES: bool = #seq;
    }
}

/// `LayerKind::SimpleRnn { input: 32, units: 32, activation: Activation::Tanh, ... }`.
fn kind_tokens(p: &TokenStream, kind: &LayerKind) -> TokenStream {
    let act = |a: rnn_spec::Activation| {
        let v = format_ident!("{}", a.variant());
        quote!(#p::Activation::#v)
    };
    match *kind {
        LayerKind::Embedding {
            input_dim,
            output_dim,
            mask_zero,
            input_length,
        } => {
            let (v, d, len) = (lit(input_dim), lit(output_dim), option(p, input_length));
            quote!(#p::LayerKind::Embedding { input_dim: #v, output_dim: #d, mask_zero: #mask_zero, input_length: #len })
        }
        LayerKind::SimpleRnn {
            input,
            units,
            activation,
            use_bias,
            return_sequences,
            go_backwards,
        } => {
            let (i, u, a) = (lit(input), lit(units), act(activation));
            quote!(#p::LayerKind::SimpleRnn {
                input: #i, units: #u, activation: #a, use_bias: #use_bias,
                return_sequences: #return_sequences, go_backwards: #go_backwards,
            })
        }
        LayerKind::Lstm {
            input,
            units,
            activation,
            recurrent_activation,
            use_bias,
            return_sequences,
            go_backwards,
            unit_forget_bias,
        } => {
            let gates = [act(activation), act(recurrent_activation)];
            let flags = [use_bias, return_sequences, go_backwards];
            let own = quote!(unit_forget_bias: #unit_forget_bias);
            gated_tokens(p, quote!(Lstm), (input, units), gates, flags, own)
        }
        LayerKind::Gru {
            input,
            units,
            activation,
            recurrent_activation,
            use_bias,
            return_sequences,
            go_backwards,
            reset_after,
        } => {
            let gates = [act(activation), act(recurrent_activation)];
            let flags = [use_bias, return_sequences, go_backwards];
            let own = quote!(reset_after: #reset_after);
            gated_tokens(p, quote!(Gru), (input, units), gates, flags, own)
        }
        LayerKind::Dense {
            input,
            units,
            activation,
            use_bias,
        } => {
            let (i, u, a) = (lit(input), lit(units), act(activation));
            quote!(#p::LayerKind::Dense { input: #i, units: #u, activation: #a, use_bias: #use_bias })
        }
        LayerKind::Activation { width, activation } => {
            let (w, a) = (lit(width), act(activation));
            quote!(#p::LayerKind::Activation { width: #w, activation: #a })
        }
        LayerKind::Masking { width, mask_value } => {
            let (w, v) = (lit(width), Literal::f32_suffixed(mask_value));
            quote!(#p::LayerKind::Masking { width: #w, mask_value: #v })
        }
        LayerKind::Inert { class, width } => {
            let (w, c) = (lit(width), format_ident!("{}", class.snake.to_uppercase()));
            quote!(#p::LayerKind::Inert { class: &#p::class::#c, width: #w })
        }
        LayerKind::Bidirectional { inner, merge } => {
            let (inner, m) = (kind_tokens(p, inner), format_ident!("{}", merge.variant()));
            quote!(#p::LayerKind::Bidirectional { inner: &#inner, merge: #p::Merge::#m })
        }
        LayerKind::TimeDistributed { inner } => {
            let inner = kind_tokens(p, inner);
            quote!(#p::LayerKind::TimeDistributed { inner: &#inner })
        }
    }
}

/// `LayerKind::Lstm { .. }` / `LayerKind::Gru { .. }`: the fields they share, then `own`.
fn gated_tokens(
    p: &TokenStream,
    variant: TokenStream,
    (input, units): (usize, usize),
    [a, ra]: [TokenStream; 2],
    [use_bias, return_sequences, go_backwards]: [bool; 3],
    own: TokenStream,
) -> TokenStream {
    let (i, u) = (lit(input), lit(units));
    quote!(#p::LayerKind::#variant {
        input: #i, units: #u, activation: #a, recurrent_activation: #ra, use_bias: #use_bias,
        return_sequences: #return_sequences, go_backwards: #go_backwards, #own,
    })
}
