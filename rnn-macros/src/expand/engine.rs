//! The forward pass: one compilation per instruction set, each the same straight-line loop over
//! time built from the plan.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::api::src_type;
use super::{field, lit};
use crate::model::{Model, Source};
use crate::plan::{MaskAt, MaskSource, Op, Pass, Plan, Sink, Stage};
use rnn_spec::LayerKind;

/// ```text
/// fn __dispatch(&self, src, out, st: &mut State<1>) { match simd_for(Shape::Row) { Avx512 => unsafe { self.__run_avx512::<1>([src], [out], st) }, Avx2 => .., Neon => self.__run_neon::<1>(..), Simd128 => .., _ => self.__run_portable::<1>(..) } }
/// #[cfg(x86_64)] #[target_feature(enable = "avx512f,avx2,fma")] fn __run_avx512<const G>(&self, srcs, outs, st) { self.__run(unsafe { Avx512::new_unchecked() }, srcs, outs, st) }
/// #[cfg(x86_64)] #[target_feature(enable = "avx2,fma")] fn __run_avx2<const G>(&self, srcs, outs, st) { self.__run(unsafe { Avx2::new_unchecked() }, srcs, outs, st) }
/// #[cfg(aarch64 with neon)] #[inline(always)] fn __run_neon<const G>(&self, srcs, outs, st) { self.__run(unsafe { Neon::new_unchecked() }, srcs, outs, st) }
/// #[cfg(wasm32 with simd128)] #[inline(always)] fn __run_simd128<const G>(&self, srcs, outs, st) { self.__run(unsafe { Simd128::new_unchecked() }, srcs, outs, st) }
/// #[inline(always)] fn __run_portable<const G>(&self, srcs, outs, st) { self.__run(Portable, srcs, outs, st) }
/// #[inline(always)] fn __run<M: MulAdd, const G: usize>(&self, m: M, srcs, outs, st) { /* the plan, step by step, from the state `st` */ }
/// ```
pub fn expand_engine(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let src = src_type(model);
    let w = lit(model.output().width());
    let out = quote!([[f32; #w]]);
    let state = super::stream::state_type(model);
    let body = expand_run_body(p, model, plan);
    quote! {
        /// One checked sequence on the SIMD path the CPU has, from the state `st` (left as the
        /// sequence leaves it).
        #[inline]
        fn __dispatch(&self, src: &#src, out: &mut #out, st: &mut #state<1>) {
            match #p::simd_for(#p::Shape::Row) {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: `simd_for` reports only paths whose features the CPU has.
                #p::Simd::Avx512 => unsafe { self.__run_avx512::<1>([src], [out], st) },
                #[cfg(target_arch = "x86_64")]
                // SAFETY: as above: AVX2 and FMA are present.
                #p::Simd::Avx2 => unsafe { self.__run_avx2::<1>([src], [out], st) },
                #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
                #p::Simd::Simd128 => self.__run_simd128::<1>([src], [out], st),
                #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
                #p::Simd::Neon => self.__run_neon::<1>([src], [out], st),
                _ => self.__run_portable::<1>([src], [out], st),
            }
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f,avx2,fma")]
        fn __run_avx512<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G], st: &mut #state<__G>) {
            // SAFETY: this function's target features are the CPU's (its caller vouched).
            self.__run(unsafe { #p::Avx512::new_unchecked() }, srcs, outs, st);
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,fma")]
        fn __run_avx2<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G], st: &mut #state<__G>) {
            // SAFETY: this function's target features are the CPU's (its caller vouched).
            self.__run(unsafe { #p::Avx2::new_unchecked() }, srcs, outs, st);
        }

        // simd128 is part of the build (a WebAssembly engine cannot be asked): no
        // `#[target_feature]` needed, and the path is chosen at compile time.
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        #[inline(always)]
        fn __run_simd128<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G], st: &mut #state<__G>) {
            // SAFETY: this build targets simd128 (the cfg above).
            self.__run(unsafe { #p::Simd128::new_unchecked() }, srcs, outs, st);
        }

        // NEON is part of the target (compiled only where it is): no `#[target_feature]` needed,
        // and the path is chosen at compile time (`simd_for` is `Neon` unless forced).
        #[cfg(all(target_arch = "aarch64", target_feature = "neon"))]
        #[inline(always)]
        fn __run_neon<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G], st: &mut #state<__G>) {
            // SAFETY: this build's target has NEON (the cfg above).
            self.__run(unsafe { #p::Neon::new_unchecked() }, srcs, outs, st);
        }

        #[inline(always)]
        fn __run_portable<const __G: usize>(&self, srcs: [&#src; __G], outs: [&mut #out; __G], st: &mut #state<__G>) {
            self.__run(#p::Portable, srcs, outs, st);
        }

        /// The forward pass over fixed sizes for `__G` checked sequences of one length, in
        /// lockstep, with the kernels of `__m`, from the recurrent states `__st`; each `outs[g]`
        /// is sized by the caller.
        #[inline(always)]
        fn __run<__M: #p::MulAdd, const __G: usize>(&self, __m: __M, srcs: [&#src; __G], outs: [&mut #out; __G], __st: &mut #state<__G>) {
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

/// Where the sequence the next stage reads is: the model's input, a buffer a stage wrote
/// (`__buf3`: `Vec<[[f32; W]; G]>`), or a vector repeated `n` times (`RepeatVector`).
#[derive(Clone)]
enum Seq {
    Input,
    Buffer(proc_macro2::Ident),
    Repeat { vector: TokenStream, n: usize },
}

impl Seq {
    /// Its length: `srcs[0].len()`, `__buf3.len()`, `4`.
    fn len(&self) -> TokenStream {
        match self {
            Seq::Input => quote!(srcs[0].len()),
            Seq::Buffer(b) => quote!(#b.len()),
            Seq::Repeat { n, .. } => {
                let n = lit(*n);
                quote!(#n)
            }
        }
    }

    /// Its step `t` of the G rows, `[&[f32; W]; G]` (a float input's; a token input has none:
    /// its first op looks the tokens up).
    fn at(&self, p: &TokenStream, t: &TokenStream) -> TokenStream {
        match self {
            Seq::Input => quote!(#p::from_fn(|g| &srcs[g][#t])),
            Seq::Buffer(b) => quote!(#p::from_fn(|g| &#b[#t][g])),
            Seq::Repeat { vector, .. } => vector.clone(),
        }
    }
}

/// The body of `__run` for `Embedding(10000, 32, mask_zero = true), SimpleRNN(32), Dense(1)`:
/// ```text
/// // the state of each recurrent layer is a field of `__st` (`__st.s1`): the model's State<G>
/// let __n = srcs[0].len();                                   // each stage: its input's length
/// for __k in 0..__n {
///     let __t = __k;                                        // __n - 1 - __k when the pass runs backwards
///     let __mt: [bool; __G] = from_fn(|g| srcs[g][__t] != 0);   // the mask by position
///     let __mk: [bool; __G] = from_fn(|g| srcs[g][__k] != 0);
///     let __z: [&_; __G] = from_fn(|g| self.__fold.row(srcs[g][__t]));   // folded Embedding
///     let __zn: [&_; __G] = ..;                                  // the next step's rows
///     self.l1.step_projected_group::<__M, __G>(__m, &__z, &__zn, &mut __st.s1, __mk);  // masked rows keep state
/// }
/// let mut __y2 = [[0.0f32; 1]; __G];
/// PerStep::apply_group::<__M, __G>(&self.l2, __m, &Recurrent::output(&self.l1, &__st.s1), &mut __y2);
/// for (o, v) in outs.iter_mut().zip(from_fn(|g| &__y2[g])) { o[0] = *v; }
/// ```
/// A window (`Conv1D(8, 3)` as layer 1 on a float input):
/// ```text
/// let __n = srcs[0].len();
/// let mut __buf0 = zeros_groups::<8, __G>(self.l1.steps(__n));
/// self.l1.apply::<__M, __G>(__m, __n, |__i| from_fn(|g| &srcs[g][__i]), &mut __buf0);
/// ```
/// A vector split into a sequence (`Reshape((4, 3))` as layer 2 after a `Dense(12)`):
/// ```text
/// let mut __buf1 = zeros_groups::<3, __G>(4);
/// self.l2.split::<__G>(from_fn(|g| &__y1[g]), &mut __buf1);
/// ```
/// A reduction (`GlobalAveragePooling1D()` as layer 2 after a masked Embedding, 8 wide):
/// ```text
/// let __n = __buf0.len();
/// let mut __y2 = [[0.0f32; 8]; __G];
/// self.l2.apply::<__G>(__n, |__i| from_fn(|g| &__buf0[__i][g]), |__i| from_fn(|g| srcs[g][__i] != 0), &mut __y2);
/// ```
fn expand_run_body(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let mut code = quote!();
    let mut seq = Seq::Input;
    // `cur` names the current per-row values: an expression of type `[&[f32; W]; G]`.
    let mut cur = quote!();
    for (si, stage) in plan.stages.iter().enumerate() {
        let len = seq.len();
        code.extend(quote!(let __n = #len;));
        let buf = format_ident!("__buf{}", si);
        match stage {
            Stage::Pass(pass) if pass.bidi.is_some() => {
                let bidi = pass.bidi.unwrap_or_else(|| unreachable!());
                code.extend(expand_bidi_pass(
                    p, model, plan, &seq, &buf, pass, bidi, &mut cur,
                ));
                if bidi.seq {
                    seq = Seq::Buffer(buf);
                }
            }
            Stage::Pass(pass) => {
                code.extend(expand_pass(p, model, plan, &seq, &buf, pass, &mut cur));
                if let Sink::Buffer { .. } = pass.sink {
                    seq = Seq::Buffer(buf);
                }
            }
            Stage::Window { layer, width } => {
                let (f, w) = (field(*layer), lit(*width));
                let x = seq.at(p, &quote!(__i));
                let folded = plan.fold.is_some_and(|f| f.into == *layer);
                let call = match model.layers[*layer].kind {
                    LayerKind::Conv1d { .. } if folded => {
                        quote!(self.#f.apply_folded::<_, _, __G>(&self.__fold, __n, |__i: usize| #p::from_fn(|g| srcs[g][__i]), &mut #buf, __m);)
                    }
                    LayerKind::Conv1d { .. } => {
                        quote!(self.#f.apply::<__M, __G>(__m, __n, |__i: usize| #x, &mut #buf);)
                    }
                    _ => quote!(self.#f.apply::<__G>(__n, |__i: usize| #x, &mut #buf);),
                };
                code.extend(quote! {
                    let mut #buf = #p::zeros_groups::<#w, __G>(self.#f.steps(__n));
                    #call
                });
                seq = Seq::Buffer(buf);
            }
            Stage::Reduce {
                layer,
                width,
                masked,
                keepdims,
            } => {
                let (f, w) = (field(*layer), lit(*width));
                let y = format_ident!("__y{}", layer);
                let x = seq.at(p, &quote!(__i));
                let call = match (model.layers[*layer].kind, plan.mask) {
                    (LayerKind::Flatten { .. } | LayerKind::Reshape { .. }, _) => {
                        quote!(self.#f.apply::<__G>(__n, |__i: usize| #x, &mut #y);)
                    }
                    (_, Some(source)) if *masked => {
                        let keep = mask_at(p, source, quote!(__i));
                        quote!(self.#f.apply::<__G>(__n, |__i: usize| #x, |__i: usize| #keep, &mut #y);)
                    }
                    _ => {
                        quote!(self.#f.apply::<__G>(__n, |__i: usize| #x, |_| [true; __G], &mut #y);)
                    }
                };
                code.extend(quote! {
                    let mut #y = [[0.0f32; #w]; __G];
                    #call
                });
                if *keepdims {
                    code.extend(quote! {
                        let mut #buf = #p::zeros_groups::<#w, __G>(1);
                        #buf[0] = #y;
                    });
                    seq = Seq::Buffer(buf);
                } else {
                    cur = quote!(#p::from_fn(|g| &#y[g]));
                }
            }
            Stage::Vector(ops) => {
                for op in ops {
                    let mut decls = quote!();
                    let step = expand_op(p, op, &Pos::forward(), &mut cur, &mut decls);
                    code.extend(quote!(#decls #step));
                }
            }
            Stage::Repeat { n, .. } => {
                seq = Seq::Repeat {
                    vector: cur.clone(),
                    n: *n,
                };
            }
            Stage::Split {
                layer,
                width,
                steps,
            } => {
                let (f, w, steps) = (field(*layer), lit(*width), lit(*steps));
                code.extend(quote! {
                    let mut #buf = #p::zeros_groups::<#w, __G>(#steps);
                    self.#f.split::<__G>(#cur, &mut #buf);
                });
                seq = Seq::Buffer(buf);
            }
        }
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

/// One pass over time of the sequence `seq` (its length `__n` declared before): its ops at
/// each step, its sink into `buf`, the model's output, or nothing.
fn expand_pass(
    p: &TokenStream,
    model: &Model,
    plan: &Plan,
    seq: &Seq,
    buf: &proc_macro2::Ident,
    pass: &Pass,
    cur: &mut TokenStream,
) -> TokenStream {
    let mut decls = quote!();
    // The position read at this step, and at the next (`__k + 1 < __n`).
    let (t, next) = if pass.backwards {
        (quote!(__n - 1 - __k), quote!(__n - 2 - __k))
    } else {
        (quote!(__k), quote!(__k + 1))
    };
    let mask = plan.mask.filter(|_| pass.masked).map(|m| {
        let (mt, mk) = (mask_at(p, m, quote!(__t)), mask_at(p, m, quote!(__k)));
        quote!(let __mt: [bool; __G] = #mt; let __mk: [bool; __G] = #mk;)
    });
    let fetch = fetch(p, model, seq, &Pos::forward(), cur);
    let mut steps = quote!();
    for op in &pass.ops {
        let at = Pos {
            next: next.clone(),
            ..Pos::forward()
        };
        steps.extend(expand_op(p, op, &at, cur, &mut decls));
    }
    let sink = match pass.sink {
        Sink::Buffer { width } => {
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
    quote! {
        #decls
        for __k in 0..__n {
            let __t = #t;
            #mask
            #fetch
            #steps
            #sink
        }
    }
}

/// Where an op reads: the position (`__t`), the mask there (`__mt`), and a suffix for the
/// names it declares (a Bidirectional pass runs its ops at a second position, `__tb`).
struct Pos {
    t: TokenStream,
    mask: TokenStream,
    suffix: &'static str,
    /// The position the next step reads (to prefetch its folded rows).
    next: TokenStream,
}

impl Pos {
    fn forward() -> Pos {
        Pos {
            t: quote!(__t),
            mask: quote!(__mt),
            suffix: "",
            next: quote!(__k + 1),
        }
    }

    fn backward() -> Pos {
        Pos {
            t: quote!(__tb),
            mask: quote!(__mb),
            suffix: "_b",
            next: quote!(__n - 2 - __k),
        }
    }
}

/// One op of a step; declares what it keeps across steps in `decls` and moves `cur` on.
/// `at.next` is the position the next step reads (used while `__k + 1 < __n`).
/// ```text
/// Lookup:  let __x0: [&_; __G] = from_fn(|g| self.l0.row(srcs[g][__t]));
/// Step:    Recurrent::step_group::<__M, __G>(&self.l1, __m, &cur, &mut __st.s1, __mk);
/// folded:  let __z: [&_; __G] = from_fn(|g| self.__fold.row(srcs[g][__t]));
///          let __tn = if __k + 1 < __n { next } else { __t };
///          let __zn: [&_; __G] = from_fn(|g| self.__fold.row(srcs[g][__tn]));   // to prefetch
///          self.l1.step_projected_group::<__M, __G>(__m, &__z, &__zn, &mut __st.s1, __mk);
/// PerStep: PerStep::apply_group::<__M, __G>(&self.l2, __m, &cur, &mut __y2);
/// Causal:  self.l1.step_group::<__M, _, __G>(__m, &cur, &mut __st.c1, &mut __y1);  // causal Conv1D
/// Mask:    self.l0.apply_group::<__G>(&cur, &mut __y0, __mt);
/// ```
fn expand_op(
    p: &TokenStream,
    op: &Op,
    at: &Pos,
    cur: &mut TokenStream,
    decls: &mut TokenStream,
) -> TokenStream {
    let input = cur.clone();
    let (t, mt, sfx, next) = (&at.t, &at.mask, at.suffix, &at.next);
    match *op {
        Op::Lookup { layer } => {
            let (f, x) = (field(layer), format_ident!("__x{}{}", layer, sfx));
            *cur = quote!(#x);
            quote!(let #x: [&_; __G] = #p::from_fn(|g| self.#f.row(srcs[g][#t]));)
        }
        Op::Step {
            layer,
            mask,
            folded,
            ..
        } => {
            let (f, s) = (field(layer), format_ident!("s{}", layer));
            let s = quote!(__st.#s);
            let m = match mask {
                MaskAt::None => quote!([true; __G]),
                MaskAt::Consumed => quote!(__mt),
                MaskAt::Produced => quote!(__mk),
            };
            *cur = quote!(#p::Recurrent::output(&self.#f, &#s));
            if folded {
                // The next step's rows (`__zn`: the table is megabytes, not in L2) are
                // prefetched by the layer a row at a time while this step computes.
                quote! {
                    let __z: [&_; __G] = #p::from_fn(|g| self.__fold.row(srcs[g][__t]));
                    let __tn = if __k + 1 < __n { #next } else { __t };
                    let __zn: [&_; __G] = #p::from_fn(|g| self.__fold.row(srcs[g][__tn]));
                    self.#f.step_projected_group::<__M, __G>(__m, &__z, &__zn, &mut #s, #m);
                }
            } else {
                quote!(#p::Recurrent::step_group::<__M, __G>(&self.#f, __m, &#input, &mut #s, #m);)
            }
        }
        Op::PerStep { layer, width } => {
            let (f, y, w) = (
                field(layer),
                format_ident!("__y{}{}", layer, sfx),
                lit(width),
            );
            decls.extend(quote!(let mut #y = [[0.0f32; #w]; __G];));
            *cur = quote!(#p::from_fn(|g| &#y[g]));
            quote!(#p::PerStep::apply_group::<__M, __G>(&self.#f, __m, &#input, &mut #y);)
        }
        Op::Causal { layer, width } => {
            let (f, y, w, c) = (
                field(layer),
                format_ident!("__y{}{}", layer, sfx),
                lit(width),
                format_ident!("c{}", layer),
            );
            decls.extend(quote!(let mut #y = [[0.0f32; #w]; __G];));
            *cur = quote!(#p::from_fn(|g| &#y[g]));
            quote!(self.#f.step_group::<__M, _, __G>(__m, &#input, &mut __st.#c, &mut #y);)
        }
        Op::Mask { layer, width } => {
            let (f, y, w) = (
                field(layer),
                format_ident!("__y{}{}", layer, sfx),
                lit(width),
            );
            decls.extend(quote!(let mut #y = [[0.0f32; #w]; __G];));
            *cur = quote!(#p::from_fn(|g| &#y[g]));
            quote!(self.#f.apply_group::<__G>(&#input, &mut #y, #mt);)
        }
    }
}

/// A pass's input at a position: the model's float input, a buffer, a repeated vector.
/// ```text
/// let __x: [&_; __G] = from_fn(|g| &srcs[g][__t]);      // or &__buf0[__t][g]
/// ```
fn fetch(
    p: &TokenStream,
    model: &Model,
    seq: &Seq,
    at: &Pos,
    cur: &mut TokenStream,
) -> TokenStream {
    let (t, x) = (&at.t, format_ident!("__x{}", at.suffix));
    if let (Seq::Input, Source::Tokens { .. }) = (seq, model.input) {
        return quote!();
    }
    let value = seq.at(p, t);
    *cur = quote!(#x);
    quote!(let #x: [&_; __G] = #value;)
}

/// A pass ending in `Bidirectional` (layer 1 of `Embedding(100, 8), Bidirectional(LSTM(4, seq))`):
/// one row advances both copies in one loop, each on its own chain; a group runs a loop per copy.
/// ```text
/// // the copies' states are `__st.sf1` and `__st.sb1`
/// let mut __both1 = zeros_groups::<8, __G>(__n);                  // with seq: both halves
/// for __k in 0..__n {                       // one row; a group: the same, a loop for each copy
///     let (__t, __tb) = (__k, __n - 1 - __k);
///     let __mt = ..; let __mb = ..;                                  // the mask at each
///     /* the pass's ops at __t, then (names suffixed _b) at __tb */
///     let __z = from_fn(|g| self.__fold.row(srcs[g][__t]));       // or step_group(.., &cur, ..)
///     self.l1.forward().step_projected_group::<__M, __G>(__m, &__z, &__zn, &mut __st.sf1, __mt);
///     let __z = from_fn(|g| self.__fold_b.row(srcs[g][__tb]));
///     self.l1.backward().step_projected_group::<__M, __G>(__m, &__z, &__zn, &mut __st.sb1, __mb);
///     self.l1.put(0, &mut __both1[__t], Recurrent::output(self.l1.forward(), &__st.sf1), __mt);
///     self.l1.put(1, &mut __both1[__tb], Recurrent::output(self.l1.backward(), &__st.sb1), __mb);
/// }
/// let __buf0 = self.l1.merge_seq(&__both1);                       // without seq:
/// // let __y1 = self.l1.merge_last(Recurrent::output(.., &__st.sf1), Recurrent::output(.., &__st.sb1));
/// ```
#[allow(clippy::too_many_arguments)]
fn expand_bidi_pass(
    p: &TokenStream,
    model: &Model,
    plan: &Plan,
    seq: &Seq,
    buf: &proc_macro2::Ident,
    pass: &Pass,
    bidi: crate::plan::Bidi,
    cur: &mut TokenStream,
) -> TokenStream {
    let f = field(bidi.layer);
    let (sf, sb) = (
        format_ident!("sf{}", bidi.layer),
        format_ident!("sb{}", bidi.layer),
    );
    let (sf, sb) = (quote!(__st.#sf), quote!(__st.#sb));
    let both = format_ident!("__both{}", bidi.layer);
    let mut decls = quote!();
    if bidi.seq {
        let u2 = lit(2 * bidi.units);
        decls.extend(quote!(let mut #both = #p::zeros_groups::<#u2, __G>(__n);));
    }
    let mut bodies = [quote!(), quote!()];
    let copies = [
        (Pos::forward(), quote!(forward), &sf, quote!(__fold), lit(0)),
        (
            Pos::backward(),
            quote!(backward),
            &sb,
            quote!(__fold_b),
            lit(1),
        ),
    ];
    for ((at, copy, state, table, half), body) in copies.iter().zip(&mut bodies) {
        let (t, m) = (&at.t, &at.mask);
        body.extend(match plan.mask {
            Some(source) if bidi.masked => {
                let mask = mask_at(p, source, t.clone());
                quote!(let #m: [bool; __G] = #mask;)
            }
            _ => quote!(let #m = [true; __G];),
        });
        let mut x = cur.clone();
        body.extend(fetch(p, model, seq, at, &mut x));
        for op in &pass.ops {
            body.extend(expand_op(p, op, at, &mut x, &mut decls));
        }
        let next = &at.next;
        body.extend(if bidi.folded {
            quote! {
                let __z: [&_; __G] = #p::from_fn(|g| self.#table.row(srcs[g][#t]));
                let __tn = if __k + 1 < __n { #next } else { #t };
                let __zn: [&_; __G] = #p::from_fn(|g| self.#table.row(srcs[g][__tn]));
                self.#f.#copy().step_projected_group::<__M, __G>(__m, &__z, &__zn, &mut #state, #m);
            }
        } else {
            quote!(#p::Recurrent::step_group::<__M, __G>(self.#f.#copy(), __m, &#x, &mut #state, #m);)
        });
        if bidi.seq {
            body.extend(quote! {
                self.#f.put(#half, &mut #both[#t], #p::Recurrent::output(self.#f.#copy(), &#state), #m);
            });
        }
    }
    let after = if bidi.seq {
        quote!(let #buf = self.#f.merge_seq(&#both);)
    } else {
        let y = format_ident!("__y{}", bidi.layer);
        *cur = quote!(#p::from_fn(|g| &#y[g]));
        quote!(let #y = self.#f.merge_last(
            #p::Recurrent::output(self.#f.forward(), &#sf),
            #p::Recurrent::output(self.#f.backward(), &#sb),
        );)
    };
    let [fwd, bwd] = bodies;
    // One row: one loop, where the copies are two independent chains that hide each other's
    // latency. A lockstep group has independent rows already: there each copy runs a loop of
    // its own, so one copy's kernels and folded table are in use at a time (the recurrent and
    // gate arrays of both LSTM(32) copies overfill the 32 KiB of L1D). Measured on bidir128,
    // the two loop orders alternated in one process (docs/PERFORMANCE.md): median 40.2 against
    // 43.5 ms.
    let loops = quote! {
        if __G == 1 {
            for __k in 0..__n {
                let __t = __k;
                let __tb = __n - 1 - __k;
                #fwd
                #bwd
            }
        } else {
            for __k in 0..__n {
                let __t = __k;
                #fwd
            }
            for __k in 0..__n {
                let __tb = __n - 1 - __k;
                #bwd
            }
        }
    };
    quote! {
        #decls
        #loops
        #after
    }
}
