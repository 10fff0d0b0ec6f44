//! The model's facts as consts: parameter counts, the summary, the layer table, the widths.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};
use rnn_spec::{Field, LayerKind};

use super::{lit, option};
use crate::model::{Model, Source};
use crate::plan::Plan;

/// ```text
/// pub const PARAMS: usize = 322_113; /* TRAINABLE_PARAMS, NON_TRAINABLE_PARAMS, SUMMARY, NAME */
/// pub const LAYERS: &'static [LayerInfo] = &[LayerInfo { name: "embedding", ... }, ...];
/// pub const INPUT_WIDTH: usize = 10000; pub const OUTPUT_WIDTH: usize = 1; ...
/// pub const FOLDED: bool = true;
/// ```
pub fn expand_consts(p: &TokenStream, model: &Model, plan: &Plan, summary: &str) -> TokenStream {
    let params = lit(model.params() as usize);
    let frozen = model
        .layers
        .iter()
        .map(|l| l.kind.non_trainable_params() as usize)
        .sum::<usize>();
    let trainable = lit(model.params() as usize - frozen);
    let frozen = lit(frozen);
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
    let folded = plan.fold.is_some();
    quote! {
        /// Parameter count, as Keras's `model.count_params()`.
        pub const PARAMS: usize = #params;
        /// Trainable parameters, as Keras counts them.
        pub const TRAINABLE_PARAMS: usize = #trainable;
        /// Non-trainable parameters (BatchNormalization's moving mean and variance).
        pub const NON_TRAINABLE_PARAMS: usize = #frozen;
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
        /// Whether the first `Embedding` is folded into the recurrent layer after it: each
        /// token's input projection is then a row of a precomputed table, built with the
        /// model, instead of a product every step (docs/PERFORMANCE.md, "Folding").
        pub const FOLDED: bool = #folded;
    }
}

/// `LayerKind::SimpleRnn { input: 32, units: 32, activation: Activation::Tanh, ... }`: the
/// kind's fields as `LayerKind::fields` lists them, so no kind is written out here.
fn kind_tokens(p: &TokenStream, kind: &LayerKind) -> TokenStream {
    let (variant, fields) = kind.fields();
    let variant = format_ident!("{variant}");
    let fields = fields.into_iter().flatten().map(|(name, field)| {
        let name = format_ident!("{name}");
        let value = match field {
            Field::Size(n) => lit(n).into_token_stream(),
            Field::Steps(steps) => option(p, steps),
            Field::Flag(b) => quote!(#b),
            Field::Act(a) => {
                let v = format_ident!("{}", a.variant());
                quote!(#p::Activation::#v)
            }
            Field::Float(x) => Literal::f32_suffixed(x).into_token_stream(),
            Field::OptFloat(Some(x)) => {
                let x = Literal::f32_suffixed(x);
                quote!(#p::Some(#x))
            }
            Field::OptFloat(None) => quote!(#p::None),
            Field::Class(class) => {
                let c = format_ident!("{}", class.snake.to_uppercase());
                quote!(&#p::class::#c)
            }
            Field::Merge(m) => {
                let m = format_ident!("{}", m.variant());
                quote!(#p::Merge::#m)
            }
            Field::Inner(inner) => {
                let inner = kind_tokens(p, inner);
                quote!(&#inner)
            }
            Field::Padding(pad) => {
                let v = format_ident!("{}", pad.variant());
                quote!(#p::Padding::#v)
            }
            Field::Ints(v) => ints_tokens(p, v),
            Field::OptInts(Some(v)) => {
                let v = ints_tokens(p, v);
                quote!(#p::Some(#v))
            }
            Field::OptInts(None) => quote!(#p::None),
        };
        quote!(#name: #value)
    });
    quote!(#p::LayerKind::#variant { #(#fields),* })
}

/// `Ints::new(&[1, 2]).unwrap()` (a const expression: the list is never too long here).
fn ints_tokens(p: &TokenStream, v: rnn_spec::Ints) -> TokenStream {
    let items = v.as_slice().iter().map(|n| Literal::i64_unsuffixed(*n));
    quote!(#p::Ints::new(&[#(#items),*]).unwrap())
}
