//! `forward` (one sequence) and `predict` (an ndarray batch): check the input, then run the
//! forward pass on the SIMD path chosen once per call.

use proc_macro2::TokenStream;
use quote::quote;

use super::{lit, option};
use crate::model::{Model, Source};
use crate::plan::Plan;

/// `[u32]` or `[[f32; F]]`: what one sequence is.
pub fn src_type(model: &Model) -> TokenStream {
    match model.input {
        Source::Tokens { .. } => quote!([u32]),
        Source::Floats { features, .. } => {
            let f = lit(features);
            quote!([[f32; #f]])
        }
    }
}

/// What `forward` takes: `&[u32]`, `&[[f32; F]]` or `&[[f32; F]; T]`.
pub fn arg_type(model: &Model) -> TokenStream {
    match model.input {
        Source::Tokens { .. } => quote!(&[u32]),
        Source::Floats { features, steps } => {
            let f = lit(features);
            match steps {
                Some(t) => {
                    let t = lit(t);
                    quote!(&[[f32; #f]; #t])
                }
                None => quote!(&[[f32; #f]]),
            }
        }
    }
}

/// What `forward` returns: `[f32; W]`, or `Vec<[f32; W]>` for a sequence model.
pub fn output_type(p: &TokenStream, model: &Model) -> TokenStream {
    let w = lit(model.output().width());
    if model.output().is_seq() {
        quote!(#p::Vec<[f32; #w]>)
    } else {
        quote!([f32; #w])
    }
}

/// ```text
/// fn __check(src: &[u32], row: Option<usize>) -> Result<()> { check_length(..)?; Embedding::<10000, 1>::check_ids(src, row)?; Ok(()) }
/// pub fn forward(&self, tokens: &[u32]) -> Result<[f32; 1]> { Self::__check(tokens, None)?; let mut out = [[0.0; 1]; 1]; self.__dispatch(tokens, &mut out); Ok(out[0]) }
/// if_alloc! { pub fn forward(&self, ..) -> Result<Vec<[f32; W]>> { .. } }   // a sequence model's: its output is on the heap
/// if_std! { pub fn predict(&self, batch: ArrayView2<u32>) -> Result<Array2<f32>> { match simd_for(Shape::Group { whole_tiles: false }) { Avx512 => token_batch::<1, 6, 6>(batch, 1, 1056, check, |s, o| unsafe { self.__run_avx512::<6>(s, o) }, ..), .. } } }
/// ```
pub fn expand_api(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let src = src_type(model);
    let output = model.output();
    let width = lit(output.width());
    let seq = output.is_seq();
    let recurrent = model.has_recurrent();
    let fixed_len = option(p, model.input.steps());
    let min = lit(plan.min_steps);
    let vocab_check = match model.input {
        Source::Tokens { vocab, .. } => {
            let v = lit(vocab);
            quote!(#p::Embedding::<#v, 1>::check_ids(src, row)?;)
        }
        Source::Floats { .. } => quote!(),
    };
    let check = quote! {
        /// Refuses what Keras would refuse: a wrong length, an empty sequence for a recurrent
        /// model, a token id >= input_dim.
        fn __check(src: &#src, row: #p::Option<usize>) -> #p::Result<()> {
            #p::check_length(src.len(), #fixed_len, #recurrent, #min, row)?;
            #vocab_check
            #p::Ok(())
        }
    };
    let ret = output_type(p, model);
    let (make_out, result) = if seq {
        (
            quote!(#p::zeros_vec::<#width>(#p::out_steps(Self::LAYERS, src.len()))),
            quote!(out),
        )
    } else {
        (quote!([[0.0f32; #width]; 1]), quote!(out[0]))
    };
    let forward_doc = if seq {
        "Runs one sequence and returns every timestep's output (in processing order under `go_backwards`, as Keras)."
    } else {
        "Runs one sequence and returns the model's output."
    };
    let arg = arg_type(model);
    let forward = quote! {
        #[doc = #forward_doc]
        pub fn forward(&self, xs: #arg) -> #p::Result<#ret> {
            let src: &#src = &xs[..];
            Self::__check(src, #p::None)?;
            let mut out = #make_out;
            self.__dispatch(src, &mut out[..], &mut self.__state::<1>());
            #p::Ok(#result)
        }
    };
    let forward = if seq {
        quote!(#p::if_alloc! { #forward })
    } else {
        forward
    };
    let (g, g2, gs) = (lit(plan.group), lit(plan.group_avx2), lit(plan.group_small));
    let whole_tiles = plan.whole_tiles;
    let work = proc_macro2::Literal::u64_unsuffixed(plan.step_work.min(u64::MAX as u128) as u64);
    let (per_row, wrap, out_ty) = if seq {
        (
            quote!(out_steps),
            quote!(#p::array3(rows, out_steps, #width, data)),
            quote!(#p::Array3<f32>),
        )
    } else {
        (
            quote!(1),
            quote!(#p::array2(rows, #width, data)),
            quote!(#p::Array2<f32>),
        )
    };
    let (batch_ty, helper, dims, predict_doc) = match model.input {
        Source::Tokens { .. } => (
            quote!(#p::ArrayView2<'_, u32>),
            quote!(#p::token_batch::<),
            quote!(let (rows, steps) = batch.dim();),
            "Runs a batch of token sequences `(batch, timesteps)`, like Keras's `predict`.",
        ),
        Source::Floats { features, .. } => {
            let f = lit(features);
            (
                quote!(#p::ArrayView3<'_, f32>),
                quote!(#p::float_batch::<#f,),
                quote!(let (rows, steps, _) = batch.dim();),
                "Runs a batch `(batch, timesteps, features)`, like Keras's `predict`.",
            )
        }
    };
    let predict = quote! {
        #[doc = #predict_doc]
        /// Every row is checked before any is computed; rows run several at a time in lockstep.
        pub fn predict(&self, batch: #batch_ty) -> #p::Result<#out_ty> {
            #dims
            // A fixed-length model refuses another length even for an empty batch.
            #p::check_length(steps, #fixed_len, false, 0, #p::None)?;
            let out_steps = #p::out_steps(Self::LAYERS, steps);
            let check = |r: usize, src: &#src| Self::__check(src, #p::Some(r));
            // The path is chosen once; each arm runs its own lockstep group and remainder.
            let data = match #p::simd_for(#p::Shape::Group { whole_tiles: #whole_tiles }) {
                #[cfg(target_arch = "x86_64")]
                #p::Simd::Avx512 => #helper #width, #g, #gs>(
                    batch, #per_row, #work, check,
                    // SAFETY: `simd_for` reports only paths whose features the CPU has.
                    |s, o| unsafe { self.__run_avx512::<#g>(s, o, &mut self.__state()) },
                    |s, o| unsafe { self.__run_avx512::<#gs>(s, o, &mut self.__state()) },
                    |s, o| unsafe { self.__run_avx512::<1>([s], [o], &mut self.__state()) },
                )?,
                #[cfg(target_arch = "x86_64")]
                #p::Simd::Avx2 => #helper #width, #g2, #gs>(
                    batch, #per_row, #work, check,
                    // SAFETY: as above: AVX2 and FMA are present.
                    |s, o| unsafe { self.__run_avx2::<#g2>(s, o, &mut self.__state()) },
                    |s, o| unsafe { self.__run_avx2::<#gs>(s, o, &mut self.__state()) },
                    |s, o| unsafe { self.__run_avx2::<1>([s], [o], &mut self.__state()) },
                )?,
                // simd128's groups are AVX2's (16 registers of 4 lanes on an x86-64 host).
                #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
                #p::Simd::Simd128 => #helper #width, #g2, #gs>(
                    batch, #per_row, #work, check,
                    |s, o| self.__run_simd128::<#g2>(s, o, &mut self.__state()),
                    |s, o| self.__run_simd128::<#gs>(s, o, &mut self.__state()),
                    |s, o| self.__run_simd128::<1>([s], [o], &mut self.__state()),
                )?,
                // NEON: AVX-512's wide group (its 32 registers, the same 6 x 4 row block).
                #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
                #p::Simd::Neon => #helper #width, #g, #gs>(
                    batch, #per_row, #work, check,
                    |s, o| self.__run_neon::<#g>(s, o, &mut self.__state()),
                    |s, o| self.__run_neon::<#gs>(s, o, &mut self.__state()),
                    |s, o| self.__run_neon::<1>([s], [o], &mut self.__state()),
                )?,
                // The portable kernels gain nothing from lockstep rows (measured): one at a time.
                _ => #helper #width, 1, 1>(
                    batch, #per_row, #work, check,
                    |s, o| self.__run_portable::<1>(s, o, &mut self.__state()),
                    |s, o| self.__run_portable::<1>(s, o, &mut self.__state()),
                    |s, o| self.__run_portable::<1>([s], [o], &mut self.__state()),
                )?,
            };
            #wrap
        }
    };
    quote!(#check #forward #p::if_std! { #predict })
}
