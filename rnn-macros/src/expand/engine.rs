//! The forward pass: one compilation per instruction set, each the same straight-line loop over
//! time built from the plan.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::api::src_type;
use super::{field, lit};
use crate::model::{Model, Source};
use crate::plan::{MaskAt, MaskSource, Op, Plan, Sink};

/// ```text
/// fn __dispatch(&self, src, out) { match simd_active() { Avx512 => unsafe { self.__run_avx512::<1>([src], [out]) }, Avx2 => .., _ => self.__run::<Separate, 1>(..) } }
/// #[target_feature(enable = "avx512f,avx2,fma")] fn __run_avx512<const G>(&self, srcs, outs) { self.__run(unsafe { Avx512::new_unchecked() }, srcs, outs) }
/// #[target_feature(enable = "avx2,fma")] fn __run_fma<const G>(&self, srcs, outs) { self.__run(unsafe { Fused::new_unchecked() }, srcs, outs) }
/// #[inline(always)] fn __run<M: MulAdd, const G: usize>(&self, m: M, srcs, outs) { /* the plan, step by step */ }
/// ```
pub fn expand_engine(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let src = src_type(model);
    let w = lit(model.output().width());
    let out = quote!([[f32; #w]]);
    let body = expand_run_body(p, model, plan);
    quote! {
        /// One checked sequence on the SIMD path the CPU has.
        #[inline]
        fn __dispatch(&self, src: &#src, out: &mut #out) {
            match #p::simd_active() {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `simd_active` reports only paths whose features the CPU has.
                #p::Simd::Avx512 => unsafe { self.__run_avx512::<1>([src], [out]) },
                #[cfg(target_arch = "x86_64")]
                // SAFETY: as above: AVX2 and FMA are present.
                #p::Simd::Avx2 => unsafe { self.__run_fma::<1>([src], [out]) },
                _ => self.__run(#p::Separate, [src], [out]),
            }
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx2,fma")]
        fn __run_avx512<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G]) {
            // SAFETY: this function's target features are the CPU's (its caller vouched).
            self.__run(unsafe { #p::Avx512::new_unchecked() }, srcs, outs);
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        fn __run_fma<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G]) {
            // SAFETY: this function's target features are the CPU's (its caller vouched).
            self.__run(unsafe { #p::Fused::new_unchecked() }, srcs, outs);
        }

        /// The forward pass over fixed sizes for `__G` checked sequences of one length, in
        /// lockstep, with the kernels of `__m`; each `outs[g]` is sized by the caller.
        #[inline(always)]
        fn __run<__M: #p::MulAdd, const __G: usize>(&self, __m: __M, srcs: [&#src; __G], outs: [&mut #out; __G]) {
            let mut outs = outs;
            #body
        }
    }
}

/// The mask of the rows at position `pos` (`__t` or `__k`):
/// `from_fn(|g| srcs[g][__t] != 0)` or `from_fn(|g| self.l0.keeps(&srcs[g][__t]))`.
fn mask_at(p: &TokenStream, source: MaskSource, pos: TokenStream) -> TokenStream {
    match source {
        MaskSource::Tokens => quote!(#p::from_fn(|g| srcs[g][#pos] != 0)),
        MaskSource::Values { layer, .. } => {
            let f = field(layer);
            quote!(#p::from_fn(|g| self.#f.keeps(&srcs[g][#pos])))
        }
    }
}

/// The body of `__run` for `Embedding(10000, 32, mask_zero = true), SimpleRNN(32), Dense(1)`:
/// ```text
/// let __n = srcs[0].len();
/// let mut __s1 = Recurrent::state::<__G>(&self.l1);        // state of each recurrent layer
/// for __k in 0..__n {
///     let __t = __k;                                        // __n - 1 - __k when the pass runs backwards
///     let __mt: [bool; __G] = from_fn(|g| srcs[g][__t] != 0);   // the mask by position
///     let __mk: [bool; __G] = from_fn(|g| srcs[g][__k] != 0);
///     let __z: [&_; __G] = from_fn(|g| self.__fold.row(srcs[g][__t]));   // folded Embedding
///     self.l1.step_projected_group::<__M, __G>(__m, &__z, &mut __s1, __mk);  // masked rows keep state
/// }
/// let mut __y2 = [[0.0f32; 1]; __G];
/// PerStep::apply_group::<__M, __G>(&self.l2, __m, &Recurrent::output(&self.l1, &__s1), &mut __y2);
/// for (o, v) in outs.iter_mut().zip(from_fn(|g| &__y2[g])) { o[0] = *v; }
/// ```
fn expand_run_body(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let mut code = quote!(let __n = srcs[0].len(););
    // `cur` names the current per-row values: an expression of type `[&[f32; W]; G]`.
    let mut cur = quote!();
    for (pi, pass) in plan.passes.iter().enumerate() {
        let mut decls = quote!();
        // The position read at this step, and at the next (`__k + 1 < __n`).
        let (t, next) = if pass.backwards {
            (quote!(__n - 1 - __k), quote!(__n - 2 - __k))
        } else {
            (quote!(__k), quote!(__k + 1))
        };
        let mask = plan.mask.map(|m| {
            let (mt, mk) = (mask_at(p, m, quote!(__t)), mask_at(p, m, quote!(__k)));
            quote!(let __mt: [bool; __G] = #mt; let __mk: [bool; __G] = #mk;)
        });
        let fetch = if pi == 0 {
            match model.input {
                Source::Tokens { .. } => quote!(),
                Source::Floats { .. } => {
                    cur = quote!(__x);
                    quote!(let __x: [&_; __G] = #p::from_fn(|g| &srcs[g][__t]);)
                }
            }
        } else {
            let prev = format_ident!("__buf{}", pi - 1);
            cur = quote!(__x);
            quote!(let __x: [&_; __G] = #p::from_fn(|g| &#prev[__t][g]);)
        };
        let mut steps = quote!();
        for op in &pass.ops {
            steps.extend(expand_op(p, op, &next, &mut cur, &mut decls));
        }
        let sink = match pass.sink {
            Sink::Buffer { width } => {
                let buf = format_ident!("__buf{}", pi);
                let w = lit(width);
                decls.extend(quote!(let mut #buf = #p::zeros_groups::<#w, __G>(__n);));
                quote! {
                    let __v: [&[f32; #w]; __G] = #cur;
                    #buf[__k] = #p::from_fn(|g| *__v[g]);
                }
            }
            Sink::Output => quote! {
                let __v: [&_; __G] = #cur;
                for (o, v) in outs.iter_mut().zip(__v) {
                    if let #p::Some(slot) = o.get_mut(__k) {
                        *slot = *v;
                    }
                }
            },
            Sink::Nothing => quote!(),
        };
        code.extend(quote! {
            #decls
            for __k in 0..__n {
                let __t = #t;
                #mask
                #fetch
                #steps
                #sink
            }
        });
    }
    // Layers after the time axis: on the last output.
    for op in &plan.tail {
        let mut decls = quote!();
        let step = expand_op(p, op, &quote!(0), &mut cur, &mut decls);
        code.extend(quote!(#decls #step));
    }
    if !model.output().is_seq() {
        code.extend(quote! {
            let __v: [&_; __G] = #cur;
            for (o, v) in outs.iter_mut().zip(__v) {
                if let #p::Some(slot) = o.first_mut() {
                    *slot = *v;
                }
            }
        });
    }
    code
}

/// One op of a step; declares what it keeps across steps in `decls` and moves `cur` on.
/// `next` is the position the next step reads (used while `__k + 1 < __n`).
/// ```text
/// Lookup:  let __x0: [&_; __G] = from_fn(|g| self.l0.row(srcs[g][__t]));
/// Step:    Recurrent::step_group::<__M, __G>(&self.l1, __m, &cur, &mut __s1, __mk);
/// folded:  if __k + 1 < __n { for g in 0..__G { self.__fold.prefetch(srcs[g][next]); } }
///          let __z: [&_; __G] = from_fn(|g| self.__fold.row(srcs[g][__t]));
///          self.l1.step_projected_group::<__M, __G>(__m, &__z, &mut __s1, __mk);
/// PerStep: PerStep::apply_group::<__M, __G>(&self.l2, __m, &cur, &mut __y2);
/// Mask:    self.l0.apply_group::<__G>(&cur, &mut __y0, __mt);
/// ```
fn expand_op(
    p: &TokenStream,
    op: &Op,
    next: &TokenStream,
    cur: &mut TokenStream,
    decls: &mut TokenStream,
) -> TokenStream {
    let input = cur.clone();
    match *op {
        Op::Lookup { layer } => {
            let (f, x) = (field(layer), format_ident!("__x{}", layer));
            *cur = quote!(#x);
            quote!(let #x: [&_; __G] = #p::from_fn(|g| self.#f.row(srcs[g][__t]));)
        }
        Op::Step {
            layer,
            mask,
            folded,
            ..
        } => {
            let (f, s) = (field(layer), format_ident!("__s{}", layer));
            decls.extend(quote!(let mut #s = #p::Recurrent::state::<__G>(&self.#f);));
            let m = match mask {
                MaskAt::None => quote!([true; __G]),
                MaskAt::Consumed => quote!(__mt),
                MaskAt::Produced => quote!(__mk),
            };
            *cur = quote!(#p::Recurrent::output(&self.#f, &#s));
            if folded {
                // The next step's rows are fetched from the table (megabytes: not in L2)
                // while this step computes.
                quote! {
                    if __k + 1 < __n {
                        for g in 0..__G {
                            self.__fold.prefetch(srcs[g][#next]);
                        }
                    }
                    let __z: [&_; __G] = #p::from_fn(|g| self.__fold.row(srcs[g][__t]));
                    self.#f.step_projected_group::<__M, __G>(__m, &__z, &mut #s, #m);
                }
            } else {
                quote!(#p::Recurrent::step_group::<__M, __G>(&self.#f, __m, &#input, &mut #s, #m);)
            }
        }
        Op::PerStep { layer, width } => {
            let (f, y, w) = (field(layer), format_ident!("__y{}", layer), lit(width));
            decls.extend(quote!(let mut #y = [[0.0f32; #w]; __G];));
            *cur = quote!(#p::from_fn(|g| &#y[g]));
            quote!(#p::PerStep::apply_group::<__M, __G>(&self.#f, __m, &#input, &mut #y);)
        }
        Op::Mask { layer, width } => {
            let (f, y, w) = (field(layer), format_ident!("__y{}", layer), lit(width));
            decls.extend(quote!(let mut #y = [[0.0f32; #w]; __G];));
            *cur = quote!(#p::from_fn(|g| &#y[g]));
            quote!(self.#f.apply_group::<__G>(&#input, &mut #y, __mt);)
        }
    }
}
