//! Stage 3: the checked model to code. Templates stay thin: every size is a literal computed in
//! `check`, and the work is done by generic runtime pieces (`rnn_runtime::__private`).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Flow, Kind, Model, Source};
use crate::parse::ModelDef;

fn lit(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

fn field(i: usize) -> Ident {
    format_ident!("l{}", i)
}

/// The whole expansion:
/// ```text
/// pub struct Sentiment { l0: Embedding<10000, 32>, l1: SimpleRnn<32, 32>, l2: Dense<32, 1> }
/// impl Sentiment { pub const PARAMS ...; pub fn random(seed) ...; pub fn forward(...) ... }
/// ```
pub fn expand(krate: &TokenStream, model: &Model, summary: &str) -> TokenStream {
    let item = expand_struct(krate, model);
    let consts = expand_consts(krate, model, summary);
    let constructors = expand_constructors(krate, model);
    let weights = expand_weights(krate, model);
    let api = expand_forward_and_predict(krate, model);
    let engine = expand_engine(krate, model);
    let ident = &model.ident;
    quote! {
        #item
        #[allow(clippy::all, clippy::pedantic, unused_mut, unused_variables, non_snake_case)]
        impl #ident {
            #consts
            #constructors
            #weights
            #api
            #engine
        }
    }
}

/// ```text
/// /// docs
/// pub struct Sentiment { l0: Embedding<10000, 32>, l1: SimpleRnn<32, 32>, l2: Dense<32, 1> }
/// ```
fn expand_struct(krate: &TokenStream, model: &Model) -> TokenStream {
    let (attrs, vis, ident) = (&model.attrs, &model.vis, &model.ident);
    let fields = model.layers.iter().enumerate().map(|(i, l)| {
        let f = field(i);
        let ty = cell_type(krate, l.kind, l.input_width);
        quote!(#f: #ty)
    });
    let fold = fold_type(krate, model).map(|ty| quote!(__fold: #ty,));
    quote! {
        #(#attrs)*
        #vis struct #ident { #(#fields,)* #fold }
    }
}

/// Whether the first Embedding is folded into the SimpleRNN after it (`FoldedEmbedding`): when
/// the table it makes is no larger than the embedding and cheap to build (debug builds too).
fn folds(model: &Model) -> Option<(usize, usize)> {
    match (model.layers.first()?.kind, model.layers.get(1)?.kind) {
        (
            Kind::Embedding {
                input_dim,
                output_dim,
                ..
            },
            Kind::SimpleRnn { units, .. },
        ) if units <= output_dim
            && (input_dim as u128 * output_dim as u128 * units as u128) <= 1 << 27 =>
        {
            Some((input_dim, units))
        }
        _ => None,
    }
}

/// `FoldedEmbedding<V, U>` when the model folds.
fn fold_type(krate: &TokenStream, model: &Model) -> Option<TokenStream> {
    let (v, u) = folds(model)?;
    let (v, u) = (lit(v), lit(u));
    Some(quote!(#krate::__private::FoldedEmbedding<#v, #u>))
}

/// Rows of a batch run together in lockstep, for the AVX2 path and for the AVX-512 path:
/// enough independent FMA chains to reach the FMA throughput, few enough for the registers
/// (the SIMD kernels work in tiles of 16 or 32 outputs, so the width matters little; measured
/// on Zen 4 over widths 8 to 128, docs/PERFORMANCE.md). A group's per-step arrays live on the
/// stack, so they are capped at 64 KiB each: wide layers run fewer rows at once.
fn group_sizes(model: &Model) -> (usize, usize) {
    // Widths of the vectors a step holds (an Embedding's input is a token id, not a vector).
    let widest = model
        .layers
        .iter()
        .map(|l| match l.kind {
            Kind::Embedding { .. } => l.output.width(),
            _ => l.output.width().max(l.input_width),
        })
        .max()
        .unwrap_or(1);
    let cap = (16 * 1024 / widest.max(1)).max(1);
    (4.min(cap), 6.min(cap))
}

/// `Self { l0, l1, __fold: FoldedEmbedding::new(&l0, &l1) }` after `let l0 = ...;` bindings.
fn assemble(
    krate: &TokenStream,
    model: &Model,
    make: impl Fn(usize) -> TokenStream,
) -> TokenStream {
    let fields: Vec<_> = (0..model.layers.len()).map(field).collect();
    let makes = (0..model.layers.len()).map(make);
    let fold = fold_type(krate, model).map(|ty| quote!(__fold: <#ty>::new(&l0, &l1),));
    quote! {
        #(let #fields = #makes;)*
        Self { #fold #(#fields,)* }
    }
}

/// `Embedding<V, D>` / `SimpleRnn<IN, U>` / `Dense<IN, U>`.
fn cell_type(krate: &TokenStream, kind: Kind, input: usize) -> TokenStream {
    let p = quote!(#krate::__private);
    match kind {
        Kind::Embedding {
            input_dim,
            output_dim,
            ..
        } => {
            let (v, d) = (lit(input_dim), lit(output_dim));
            quote!(#p::Embedding<#v, #d>)
        }
        Kind::SimpleRnn { units, .. } => {
            let (i, u) = (lit(input), lit(units));
            quote!(#p::SimpleRnn<#i, #u>)
        }
        Kind::Dense { units, .. } => {
            let (i, u) = (lit(input), lit(units));
            quote!(#p::Dense<#i, #u>)
        }
    }
}

/// ```text
/// pub const PARAMS: usize = 322_113; /* TRAINABLE_PARAMS, NON_TRAINABLE_PARAMS, SUMMARY, NAME */
/// pub const LAYERS: &'static [LayerInfo] = &[LayerInfo { name: "embedding", ... }, ...];
/// pub const INPUT_WIDTH: usize = 10000; pub const OUTPUT_WIDTH: usize = 1; ...
/// ```
fn expand_consts(krate: &TokenStream, model: &Model, summary: &str) -> TokenStream {
    let p = quote!(#krate::__private);
    let params = lit(model.params() as usize);
    let name = &model.name;
    let infos = model.layers.iter().map(|l| {
        let (lname, class, shape, lparams) = (&l.name, l.kind.class(), l.output.keras_shape(), lit(l.params as usize));
        let act = |a: crate::model::Act| {
            let v = format_ident!("{}", a.variant);
            quote!(#p::Activation::#v)
        };
        let kind = match l.kind {
            Kind::Embedding { input_dim, output_dim, mask_zero, input_length } => {
                let (v, d) = (lit(input_dim), lit(output_dim));
                let len = match input_length {
                    Some(n) => {
                        let n = lit(n);
                        quote!(Some(#n))
                    }
                    None => quote!(None),
                };
                quote!(#p::LayerKind::Embedding { input_dim: #v, output_dim: #d, mask_zero: #mask_zero, input_length: #len })
            }
            Kind::SimpleRnn { units, activation, use_bias, return_sequences, go_backwards } => {
                let (i, u, a) = (lit(l.input_width), lit(units), act(activation));
                quote!(#p::LayerKind::SimpleRnn {
                    input: #i, units: #u, activation: #a, use_bias: #use_bias,
                    return_sequences: #return_sequences, go_backwards: #go_backwards,
                })
            }
            Kind::Dense { units, activation, use_bias } => {
                let (i, u, a) = (lit(l.input_width), lit(units), act(activation));
                quote!(#p::LayerKind::Dense { input: #i, units: #u, activation: #a, use_bias: #use_bias })
            }
        };
        quote!(#p::LayerInfo { name: #lname, class: #class, output_shape: #shape, params: #lparams, kind: #kind })
    });
    let (input_width, steps, is_tokens) = match model.input {
        Source::Tokens { vocab, steps, .. } => (vocab, steps, true),
        Source::Floats { steps, features } => (features, steps, false),
    };
    let input_width = lit(input_width);
    let steps = match steps {
        Some(t) => {
            let t = lit(t);
            quote!(Some(#t))
        }
        None => quote!(None),
    };
    let output = model.output();
    let output_width = lit(output.width());
    let seq = matches!(output, Flow::Seq { .. });
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
        pub const TIMESTEPS: Option<usize> = #steps;
        /// Width of the output (per timestep for a sequence model).
        pub const OUTPUT_WIDTH: usize = #output_width;
        /// Whether the output is a sequence (one vector per timestep).
        pub const RETURNS_SEQUENCES: bool = #seq;
    }
}

/// ```text
/// pub fn zeros() -> Self { Self { l0: Embedding::zeros(&Self::LAYERS[0]), ... } }
/// pub fn random(seed: u64) -> Self { let mut rng = Rng::new(seed); Self { l0: Embedding::random(&Self::LAYERS[0], &mut rng), ... } }
/// ```
fn expand_constructors(krate: &TokenStream, model: &Model) -> TokenStream {
    let p = quote!(#krate::__private);
    let types: Vec<_> = model
        .layers
        .iter()
        .map(|l| cell_type(krate, l.kind, l.input_width))
        .collect();
    let zeros = assemble(krate, model, |i| {
        let (ty, i) = (&types[i], lit(i));
        quote!(<#ty>::zeros(&Self::LAYERS[#i]))
    });
    let random = assemble(krate, model, |i| {
        let (ty, i) = (&types[i], lit(i));
        quote!(<#ty>::random(&Self::LAYERS[#i], &mut rng))
    });
    quote! {
        /// A model with every weight zero.
        pub fn zeros() -> Self {
            #zeros
        }

        /// A model initialised as Keras initialises a new one: `glorot_uniform` kernels,
        /// `orthogonal` recurrent kernels, zero biases, `uniform(-0.05, 0.05)` embeddings.
        /// The same seed gives the same weights.
        pub fn random(seed: u64) -> Self {
            let mut rng = #p::Rng::new(seed);
            #random
        }
    }
}

/// ```text
/// pub fn from_weights(file: WeightsFile) -> Result<Self, Error> { let mut r = Records::new(file, Self::LAYERS)?; ... }
/// pub fn from_json(json: &str) -> Result<Self, Error>; pub fn load(path) -> Result<Self, Error>;
/// pub fn to_weights(&self) -> WeightsFile; pub fn to_json(&self) -> String;
/// ```
fn expand_weights(krate: &TokenStream, model: &Model) -> TokenStream {
    let p = quote!(#krate::__private);
    let fields: Vec<_> = (0..model.layers.len()).map(field).collect();
    let types: Vec<_> = model
        .layers
        .iter()
        .map(|l| cell_type(krate, l.kind, l.input_width))
        .collect();
    let idx: Vec<_> = (0..model.layers.len()).map(lit).collect();
    let input_shape = match model.input {
        Source::Tokens { steps, .. } => vec![steps],
        Source::Floats { steps, features } => vec![steps, Some(features)],
    };
    let input_shape = input_shape.into_iter().map(|d| match d {
        Some(n) => {
            let n = Literal::u64_unsuffixed(n as u64);
            quote!(Some(#n))
        }
        None => quote!(None),
    });
    let build = assemble(krate, model, |i| {
        let (ty, i) = (&types[i], lit(i));
        quote!(<#ty>::from_record(&Self::LAYERS[#i], records.next(&Self::LAYERS[#i])?)?)
    });
    quote! {
        /// Builds the model from a parsed weights file, checking every layer, option and tensor
        /// against the compiled model first: all or nothing.
        pub fn from_weights(file: #p::WeightsFile) -> #p::Result<Self> {
            let mut records = #p::Records::new(file, Self::LAYERS)?;
            Ok({ #build })
        }

        /// Reads weights from JSON text (docs/WEIGHTS_FORMAT.md).
        pub fn from_json(json: &str) -> #p::Result<Self> {
            Self::from_weights(#p::WeightsFile::from_json(json)?)
        }

        /// Reads a weights file exported by `tools/keras_export.py` (or written by `to_json`).
        pub fn load(path: impl AsRef<::std::path::Path>) -> #p::Result<Self> {
            Self::from_weights(#p::WeightsFile::load(path)?)
        }

        /// The weights as a weights file, with its checksum.
        pub fn to_weights(&self) -> #p::WeightsFile {
            #p::weights_file(Self::NAME, vec![#(#input_shape),*], vec![#(self.#fields.to_record(&Self::LAYERS[#idx]),)*])
        }

        /// The weights as JSON; `from_json(&m.to_json())` gives the same model.
        pub fn to_json(&self) -> String {
            self.to_weights().to_json()
        }
    }
}

/// The input and output types of the engine.
struct Io {
    /// `[u32]` or `[[f32; F]]`.
    src: TokenStream,
    /// `[f32; U]` or `[[f32; U]]`.
    out: TokenStream,
    width: Literal,
    seq: bool,
}

fn io(model: &Model) -> Io {
    let output = model.output();
    let width = lit(output.width());
    let seq = matches!(output, Flow::Seq { .. });
    let src = match model.input {
        Source::Tokens { .. } => quote!([u32]),
        Source::Floats { features, .. } => {
            let f = lit(features);
            quote!([[f32; #f]])
        }
    };
    // Last-output models write one vector: the engine's output is a slice either way.
    let out = quote!([[f32; #width]]);
    Io {
        src,
        out,
        width,
        seq,
    }
}

/// ```text
/// pub fn forward(&self, tokens: &[u32]) -> Result<[f32; 1], Error> { Self::__check(tokens, None)?; ...; self.__dispatch(tokens, &mut out); Ok(out) }
/// pub fn predict(&self, batch: ArrayView2<u32>) -> Result<Array2<f32>, Error> { token_rows(batch, 1, |r, ids, out| ...) }
/// ```
fn expand_forward_and_predict(krate: &TokenStream, model: &Model) -> TokenStream {
    let p = quote!(#krate::__private);
    let Io {
        src, width, seq, ..
    } = io(model);
    let recurrent = model.has_recurrent();
    let (fixed, vocab_check) = match model.input {
        Source::Tokens { vocab, steps, .. } => {
            let v = lit(vocab);
            (steps, quote!(#p::Embedding::<#v, 1>::check_ids(src, row)?;))
        }
        Source::Floats { steps, .. } => (steps, quote!()),
    };
    let fixed_len = match fixed {
        Some(t) => {
            let t = lit(t);
            quote!(Some(#t))
        }
        None => quote!(None),
    };
    let check = quote! {
        /// Refuses what Keras would refuse: a wrong length, an empty sequence for a recurrent
        /// model, a token id >= input_dim.
        fn __check(src: &#src, row: Option<usize>) -> #p::Result<()> {
            #p::check_length(src.len(), #fixed_len, #recurrent, row)?;
            #vocab_check
            Ok(())
        }
    };
    let (ret, make_out, result) = if seq {
        (
            quote!(Vec<[f32; #width]>),
            quote!(vec![[0.0f32; #width]; src.len()]),
            quote!(out),
        )
    } else {
        (
            quote!([f32; #width]),
            quote!([[0.0f32; #width]; 1]),
            quote!(out[0]),
        )
    };
    let forward_doc = if seq {
        "Runs one sequence; returns one output vector per timestep (in processing order)."
    } else {
        "Runs one sequence; returns the last output."
    };
    let forward = match model.input {
        Source::Tokens { .. } => quote! {
            #[doc = #forward_doc]
            /// A token id >= `input_dim` is an `Err`, never a panic.
            pub fn forward(&self, tokens: &[u32]) -> #p::Result<#ret> {
                let src = tokens;
                Self::__check(src, None)?;
                let mut out = #make_out;
                self.__dispatch::<1>([src], [&mut out[..]]);
                Ok(#result)
            }
        },
        Source::Floats { features, steps } => {
            let f = lit(features);
            let arg = match steps {
                Some(t) => {
                    let t = lit(t);
                    quote!(&[[f32; #f]; #t])
                }
                None => quote!(&[[f32; #f]]),
            };
            quote! {
                #[doc = #forward_doc]
                pub fn forward(&self, xs: #arg) -> #p::Result<#ret> {
                    let src: &#src = &xs[..];
                    Self::__check(src, None)?;
                    let mut out = #make_out;
                    self.__dispatch::<1>([src], [&mut out[..]]);
                    Ok(#result)
                }
            }
        }
    };
    let (group, group512) = group_sizes(model);
    let (group, group512) = (lit(group), lit(group512));
    let (per_row, wrap, out_ty) = if seq {
        (
            quote!(steps),
            quote!(#p::array3(rows, steps, #width, data)),
            quote!(#p::Array3<f32>),
        )
    } else {
        (
            quote!(1),
            quote!(#p::array2(rows, #width, data)),
            quote!(#p::Array2<f32>),
        )
    };
    let (batch_ty, helper, dims) = match model.input {
        Source::Tokens { .. } => (
            quote!(#p::ArrayView2<'_, u32>),
            quote!(#p::token_batch::<),
            quote!(let (rows, steps) = batch.dim();),
        ),
        Source::Floats { features, .. } => {
            let f = lit(features);
            (
                quote!(#p::ArrayView3<'_, f32>),
                quote!(#p::float_batch::<#f,),
                quote!(let (rows, steps, _) = batch.dim();),
            )
        }
    };
    let predict_doc = match model.input {
        Source::Tokens { .. } => {
            "Runs a batch of token sequences `(batch, timesteps)`, like Keras's `predict`."
        }
        Source::Floats { .. } => {
            "Runs a batch `(batch, timesteps, features)`, like Keras's `predict`."
        }
    };
    let predict = quote! {
        #[doc = #predict_doc]
        /// Every row is checked before any is computed; rows run several at a time in lockstep.
        pub fn predict(&self, batch: #batch_ty) -> #p::Result<#out_ty> {
            #dims
            // A fixed-length model refuses another length even for an empty batch.
            #p::check_length(steps, #fixed_len, false, None)?;
            let check = |r: usize, src: &#src| Self::__check(src, Some(r));
            let one = |src: &#src, out: &mut [[f32; #width]]| self.__dispatch::<1>([src], [out]);
            let data = match #p::simd_active() {
                #p::Simd::Avx512 => #helper #width, #group512>(batch, #per_row, check, |s, o| self.__dispatch(s, o), one)?,
                #p::Simd::Avx2 => #helper #width, #group>(batch, #per_row, check, |s, o| self.__dispatch(s, o), one)?,
                // The portable kernels gain nothing from lockstep rows (measured): one at a time.
                #p::Simd::Scalar => #helper #width, 1>(batch, #per_row, check, |s, o| self.__dispatch(s, o), one)?,
            };
            #wrap
        }
    };
    quote!(#check #forward #predict)
}

/// ```text
/// fn __dispatch(&self, srcs, outs) { match simd_active() { Avx512 => unsafe { self.__run_avx512(srcs, outs) }, Avx2 => .., Scalar => self.__run::<Separate>(srcs, outs) } }
/// #[target_feature(enable = "avx512f,avx2,fma")] fn __run_avx512(&self, srcs, outs) { self.__run::<Avx512>(srcs, outs) }
/// #[target_feature(enable = "avx2,fma")] fn __run_fma(&self, srcs, outs) { self.__run::<Fused>(srcs, outs) }
/// #[inline(always)] fn __run<M: MulAdd, const G: usize>(&self, srcs, outs) { /* straight-line layers per timestep */ }
/// ```
fn expand_engine(krate: &TokenStream, model: &Model) -> TokenStream {
    let p = quote!(#krate::__private);
    let Io { src, out, .. } = io(model);
    let body = expand_run_body(model);
    quote! {
        #[inline]
        fn __dispatch<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G]) {
            #[cfg(target_arch = "x86_64")]
            match #p::simd_active() {
                // SAFETY: `simd_active` reports only paths whose features the CPU has.
                #p::Simd::Avx512 => return unsafe { self.__run_avx512::<__G>(srcs, outs) },
                // SAFETY: as above: AVX2 and FMA are present.
                #p::Simd::Avx2 => return unsafe { self.__run_fma::<__G>(srcs, outs) },
                #p::Simd::Scalar => {}
            }
            self.__run::<#p::Separate, __G>(srcs, outs);
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx2,fma")]
        fn __run_avx512<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G]) {
            self.__run::<#p::Avx512, __G>(srcs, outs);
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        fn __run_fma<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G]) {
            self.__run::<#p::Fused, __G>(srcs, outs);
        }

        /// The forward pass over fixed sizes for `__G` checked sequences of one length, in
        /// lockstep; each `outs[g]` is sized by the caller.
        #[inline(always)]
        fn __run<__M: #p::MulAdd, const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G]) {
            let mut outs = outs;
            #body
        }
    }
}

/// The layers split into passes over time. A pass runs its layers step by step together, so a
/// last-output model keeps O(units) state however long the sequence. A new pass starts at a
/// `go_backwards` layer that follows another recurrent layer: it needs the whole sequence below
/// it, which the previous pass stores.
struct Pass {
    layers: std::ops::Range<usize>,
    backwards: bool,
}

fn plan(model: &Model) -> (Vec<Pass>, std::ops::Range<usize>) {
    let n = model.layers.len();
    // The time axis ends at the (only possible) recurrent layer that returns its last output.
    let time_end = model
        .layers
        .iter()
        .position(|l| {
            matches!(
                l.kind,
                Kind::SimpleRnn {
                    return_sequences: false,
                    ..
                }
            )
        })
        .map_or(n, |i| i + 1);
    let mut passes: Vec<Pass> = Vec::new();
    let mut start = 0;
    let mut seen_recurrent = false;
    let mut backwards = false;
    for (i, l) in model.layers[..time_end].iter().enumerate() {
        if let Kind::SimpleRnn { go_backwards, .. } = l.kind {
            if go_backwards && seen_recurrent {
                passes.push(Pass {
                    layers: start..i,
                    backwards,
                });
                start = i;
                backwards = true;
            } else if !seen_recurrent {
                backwards = go_backwards;
            }
            seen_recurrent = true;
        }
    }
    passes.push(Pass {
        layers: start..time_end,
        backwards,
    });
    (passes, time_end..n)
}

/// The body of `__run` for `Embedding(10000, 32, mask_zero = true), SimpleRNN(32), Dense(1)`:
/// ```text
/// let __n = srcs.first().map_or(0, |s| s.len());
/// let mut __s1 = [[0.0f32; 32]; __G];                   // state of each recurrent layer
/// for __k in 0..__n {
///     let __t = __k;                                    // __n - 1 - __k when the pass runs backwards
///     let __mt: [bool; __G] = from_fn(|g| srcs[g][__t] != 0);   // mask_zero, by position
///     let __mk: [bool; __G] = from_fn(|g| srcs[g][__k] != 0);
///     let __z: [&_; __G] = from_fn(|g| self.__fold.row(srcs[g][__t]));   // folded Embedding
///     self.l1.step_projected_group::<__M, __G>(&__z, &mut __s1, __mk);  // masked rows keep state
/// }
/// let mut __y2 = [[0.0f32; 1]; __G];
/// self.l2.apply_group::<__M, __G>(&from_fn(|g| &__s1[g]), &mut __y2);
/// for (o, v) in outs.iter_mut().zip(..) { o[0] = *v; }
/// ```
fn expand_run_body(model: &Model) -> TokenStream {
    let (passes, tail) = plan(model);
    let seq_out = matches!(model.output(), Flow::Seq { .. });
    let masked = matches!(
        model.input,
        Source::Tokens {
            mask_zero: true,
            ..
        }
    );
    let folded = folds(model).is_some();
    let from_fn = quote!(::core::array::from_fn);
    let mut code = quote!(let __n = srcs.first().map_or(0, |s| s.len()););
    // `cur` names the current per-row values: an expression of type `[&[f32; W]; G]`.
    let mut cur = quote!();
    for (pi, pass) in passes.iter().enumerate() {
        let last_pass = pi + 1 == passes.len();
        let buf = format_ident!("__buf{}", pi);
        // State and output arrays of this pass's layers, declared outside the loop.
        let mut decls = quote!();
        let mut steps = quote!();
        let t = if pass.backwards {
            quote!(__n - 1 - __k)
        } else {
            quote!(__k)
        };
        // The mask belongs to positions and is never reversed: a go_backwards layer reads it at
        // the position it consumes (`__t`), and passes its input mask on unreversed, so the
        // layers after it read it at the position they produce (`__k`). Keras does exactly this.
        let mask = if masked {
            quote! {
                let __mt: [bool; __G] = #from_fn(|g| srcs[g][__t] != 0);
                let __mk: [bool; __G] = #from_fn(|g| srcs[g][__k] != 0);
            }
        } else {
            quote!()
        };
        let fetch = if pi == 0 {
            match model.input {
                Source::Tokens { .. } => quote!(#mask),
                Source::Floats { .. } => quote!(let __x: [&_; __G] = #from_fn(|g| &srcs[g][__t]);),
            }
        } else {
            let prev = format_ident!("__buf{}", pi - 1);
            cur = quote!(__x);
            quote!(let __x: [&_; __G] = #from_fn(|g| &#prev[__t][g]); #mask)
        };
        if pi == 0 && matches!(model.input, Source::Floats { .. }) {
            cur = quote!(__x);
        }
        let mut first_recurrent = true;
        for i in pass.layers.clone() {
            let l = &model.layers[i];
            let f = field(i);
            let input = cur.clone();
            match l.kind {
                Kind::Embedding { .. } if folded => {
                    // Read by the next layer through the folded table.
                }
                Kind::Embedding { .. } => {
                    steps.extend(
                        quote!(let __x: [&_; __G] = #from_fn(|g| self.#f.row(srcs[g][__t]));),
                    );
                    cur = quote!(__x);
                }
                Kind::SimpleRnn { units, .. } => {
                    let s = format_ident!("__s{}", i);
                    let u = lit(units);
                    decls.extend(quote!(let mut #s = [[0.0f32; #u]; __G];));
                    let m = match (masked, first_recurrent && pass.backwards) {
                        (false, _) => quote!([true; __G]),
                        (true, true) => quote!(__mt),
                        (true, false) => quote!(__mk),
                    };
                    // A masked step keeps the state, so the output repeats the previous one.
                    if folded && i == 1 {
                        steps.extend(quote! {
                            let __z: [&_; __G] = #from_fn(|g| self.__fold.row(srcs[g][__t]));
                            self.#f.step_projected_group::<__M, __G>(&__z, &mut #s, #m);
                        });
                    } else {
                        steps.extend(quote!(self.#f.step_group::<__M, __G>(&#input, &mut #s, #m);));
                    }
                    first_recurrent = false;
                    cur = quote!(#from_fn(|g| &#s[g]));
                }
                Kind::Dense { units, .. } => {
                    let y = format_ident!("__y{}", i);
                    let u = lit(units);
                    decls.extend(quote!(let mut #y = [[0.0f32; #u]; __G];));
                    steps.extend(quote!(self.#f.apply_group::<__M, __G>(&#input, &mut #y);));
                    cur = quote!(#from_fn(|g| &#y[g]));
                }
            }
        }
        let sink = if !last_pass {
            let w = lit(model.layers[pass.layers.end - 1].output.width());
            decls.extend(quote!(let mut #buf = vec![[[0.0f32; #w]; __G]; __n];));
            quote! {
                let __v: [&[f32; #w]; __G] = #cur;
                #buf[__k] = #from_fn(|g| *__v[g]);
            }
        } else if seq_out {
            quote! {
                let __v: [&_; __G] = #cur;
                for (o, v) in outs.iter_mut().zip(__v) {
                    if let Some(slot) = o.get_mut(__k) {
                        *slot = *v;
                    }
                }
            }
        } else {
            quote!()
        };
        code.extend(quote! {
            #decls
            for __k in 0..__n {
                let __t = #t;
                #fetch
                #steps
                #sink
            }
        });
    }
    // Layers after the time axis: Dense on the last output.
    for i in tail {
        let l = &model.layers[i];
        let f = field(i);
        let y = format_ident!("__y{}", i);
        let u = lit(l.output.width());
        code.extend(quote! {
            let mut #y = [[0.0f32; #u]; __G];
            self.#f.apply_group::<__M, __G>(&#cur, &mut #y);
        });
        cur = quote!(#from_fn(|g| &#y[g]));
    }
    if !seq_out {
        code.extend(quote! {
            let __v: [&_; __G] = #cur;
            for (o, v) in outs.iter_mut().zip(__v) {
                if let Some(slot) = o.first_mut() {
                    *slot = *v;
                }
            }
        });
    }
    code
}

/// On any error: the errors, plus a stub with the same name and consts so that code using the
/// model reports nothing further.
/// ```text
/// compile_error!("..."); pub struct Sentiment; impl Sentiment { pub const PARAMS: usize = 0; ... }
/// ```
pub fn expand_error(def: &ModelDef, error: syn::Error) -> TokenStream {
    let errors = error.to_compile_error();
    let (attrs, vis, ident) = (&def.attrs, &def.vis, &def.name);
    let attrs = attrs.iter().filter(|a| a.path().is_ident("doc"));
    quote! {
        #errors
        #(#attrs)*
        #vis struct #ident;
        #[allow(dead_code)]
        impl #ident {
            pub const PARAMS: usize = 0;
            pub const TRAINABLE_PARAMS: usize = 0;
            pub const NON_TRAINABLE_PARAMS: usize = 0;
            pub const SUMMARY: &'static str = "";
            pub const NAME: &'static str = "";
            pub const INPUT_WIDTH: usize = 0;
            pub const OUTPUT_WIDTH: usize = 0;
            pub const TIMESTEPS: Option<usize> = None;
            pub const RETURNS_SEQUENCES: bool = false;
            pub const TAKES_TOKENS: bool = false;
        }
    }
}
