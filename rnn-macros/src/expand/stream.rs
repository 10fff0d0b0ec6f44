//! The recurrent state as a type (`SentimentState<G>`: every recurrent layer's state for G
//! rows), and streaming on it: `state`, `step`, `forward_from`. The forward pass always runs
//! from such a state (`__run(.., st)`), so `forward`, `predict` and streaming are one
//! compilation of the same code. A model that cannot stream gets `step` and `forward_from`
//! whose calls fail to compile with the plan's reason.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use rnn_spec::LayerKind;

use super::api::{arg_type, output_type};
use super::cells::cell_type;
use super::{field, lit};
use crate::model::{Model, Source};
use crate::plan::Plan;

/// `SentimentState`: the name of the state type of model `Sentiment`.
pub fn state_type(model: &Model) -> Ident {
    format_ident!("{}State", model.ident)
}

/// Every state of the model: field name, its type for G rows, and how `__state` makes it.
/// A recurrent layer's is its cell's `Recurrent::State<G>` (`s1`, made by the cell); a
/// causal `Conv1D`'s its last inputs, `CausalState<IN, HIST, G>` (`c1`).
fn states(p: &TokenStream, model: &Model) -> Vec<(Ident, TokenStream, TokenStream)> {
    let mut out = Vec::new();
    for (i, l) in model.layers.iter().enumerate() {
        let f = field(i);
        let recurrent = |kind: &LayerKind, name: Ident, cell: TokenStream| {
            let (ty, (input, units)) = (cell_type(p, kind), kind.sizes());
            let (n, u) = (lit(input), lit(units));
            let ty = quote!(<#ty as #p::Recurrent<#n, #u>>);
            (name, quote!(#ty::State<G>), quote!(#ty::state::<G>(#cell)))
        };
        match l.kind {
            LayerKind::Bidirectional { inner, .. } => {
                out.push(recurrent(
                    inner,
                    format_ident!("sf{}", i),
                    quote!(self.#f.forward()),
                ));
                out.push(recurrent(
                    inner,
                    format_ident!("sb{}", i),
                    quote!(self.#f.backward()),
                ));
            }
            kind if kind.is_recurrent() => {
                out.push(recurrent(&kind, format_ident!("s{}", i), quote!(&self.#f)));
            }
            kind if kind.is_causal() => {
                let window = kind.window().map_or(0, |w| w.span() - 1);
                let (n, hist) = (lit(kind.sizes().0), lit(window));
                let ty = quote!(#p::CausalState<#n, #hist, G>);
                out.push((format_ident!("c{}", i), ty.clone(), quote!(<#ty>::new())));
            }
            _ => {}
        }
    }
    out
}

/// ```text
/// /// The recurrent state of `Sentiment` for G sequences: ...
/// #[derive(Clone, Debug)]
/// pub struct SentimentState<const G: usize = 1> { s1: <SimpleRnn<32, 32> as Recurrent<32, 32>>::State<G> }
/// impl<const G: usize> SentimentState<G> { pub fn reset(&mut self) { Reset::reset(&mut self.s1); } }
/// ```
pub fn expand_state_struct(p: &TokenStream, model: &Model) -> TokenStream {
    let (vis, ident, name) = (&model.vis, state_type(model), &model.ident);
    let states = states(p, model);
    let fields = states.iter().map(|(f, ty, _)| quote!(#f: #ty));
    let resets = states
        .iter()
        .map(|(f, _, _)| quote!(#p::Reset::reset(&mut self.#f);));
    let doc = format!(
        "The recurrent state of [`{name}`]: what every recurrent layer carries from one \
         timestep to the next (for `G` sequences in lockstep; streaming uses one). \
         `{name}::state()` makes Keras's initial state (zeros)."
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        #vis struct #ident<const G: usize = 1> { #(#fields,)* }

        impl<const G: usize> #ident<G> {
            /// Back to Keras's initial state (zeros), as Keras's `reset_states()`.
            pub fn reset(&mut self) {
                #(#resets)*
            }
        }
    }
}

/// ```text
/// fn __state<const G: usize>(&self) -> SentimentState<G> { SentimentState { s1: Recurrent::state::<G>(&self.l1) } }
/// pub fn state(&self) -> SentimentState;                                   // zeros
/// pub fn step(&self, state: &mut SentimentState, x: u32) -> Result<[f32; 1]>;
/// pub fn forward_from(&self, state: &mut SentimentState, xs: &[u32]) -> Result<[f32; 1]>;
/// if_alloc! { pub fn forward_from(..) -> Result<Vec<[f32; W]>>; }   // a sequence model's
/// ```
pub fn expand_stream(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let ident = state_type(model);
    let inits = states(p, model)
        .into_iter()
        .map(|(f, _, init)| quote!(#f: #init));
    let state_fns = quote! {
        /// The recurrent states of G sequences at the start: zeros, as Keras starts.
        #[inline]
        fn __state<const G: usize>(&self) -> #ident<G> {
            #ident { #(#inits,)* }
        }

        /// The state Keras starts a sequence from (zeros), for [`Self::step`] and
        /// [`Self::forward_from`].
        pub fn state(&self) -> #ident {
            self.__state()
        }
    };
    let w = lit(model.output().width());
    let (x_ty, x_slice, ids) = match model.input {
        Source::Tokens { vocab, .. } => {
            let v = lit(vocab);
            (
                quote!(u32),
                quote!(#p::slice_of(&x)),
                quote!(#p::Embedding::<#v, 1>::check_ids(src, #p::None)?;),
            )
        }
        Source::Floats { features, .. } => {
            let f = lit(features);
            (quote!(&[f32; #f]), quote!(#p::slice_of(x)), quote!())
        }
    };
    let (arg, ret) = (arg_type(model), output_type(p, model));
    let (make_out, result) = if model.output().is_seq() {
        (quote!(#p::zeros_vec::<#w>(src.len())), quote!(out))
    } else {
        (quote!([[0.0f32; #w]; 1]), quote!(out[0]))
    };
    // A sequence model's `forward_from` returns a `Vec`: only with `alloc`.
    let heap = |item: TokenStream| {
        if model.output().is_seq() {
            quote!(#p::if_alloc! { #item })
        } else {
            item
        }
    };
    match &plan.stream {
        Ok(()) => {
            let forward_from = heap(quote! {
                /// Runs `xs` on from `state` (Keras's `stateful = True`): `forward` on the
                /// sequence seen so far followed by `xs`, returning the outputs for `xs`.
                pub fn forward_from(&self, state: &mut #ident, xs: #arg) -> #p::Result<#ret> {
                    let src = &xs[..];
                    Self::__check(src, #p::None)?;
                    let mut out = #make_out;
                    self.__dispatch(src, &mut out[..], state);
                    #p::Ok(#result)
                }
            });
            quote! {
            #state_fns

            /// One timestep, carrying `state` on: returns the model's output for the sequence
            /// seen so far (what `forward` returns for it, or its last step's output for a
            /// sequence model). A masked step (id 0 with `mask_zero`, an all-`mask_value` step
            /// with `Masking`) leaves the state as it was. Allocates nothing.
            pub fn step(&self, state: &mut #ident, x: #x_ty) -> #p::Result<[f32; #w]> {
                let src = #x_slice;
                #ids
                let mut out = [[0.0f32; #w]; 1];
                self.__dispatch(src, &mut out[..], state);
                #p::Ok(out[0])
            }

            #forward_from
            }
        }
        Err(why) => {
            let name = &model.ident;
            let cannot = format_ident!("__{}CannotStream", name);
            let doc = format!(
                "Not available: `{name}` cannot stream ({why}); a call does not compile. \
                 Run whole sequences with `forward`."
            );
            let forward_from = heap(quote! {
                #[doc = #doc]
                pub fn forward_from<X: #cannot>(&self, state: &mut #ident, xs: X) -> #p::Result<#ret> {
                    #p::stub()
                }
            });
            quote! {
                #state_fns

                #[doc = #doc]
                pub fn step<X: #cannot>(&self, state: &mut #ident, x: X) -> #p::Result<[f32; #w]> {
                    #p::stub()
                }

                #forward_from
            }
        }
    }
}

/// The trait whose absence makes a non-streaming model's `step` a compile error with the reason.
/// Its one implementation, for a type that has no values, only keeps rustc from adding "this
/// trait has no implementations, consider adding one" to the message.
/// ```text
/// #[diagnostic::on_unimplemented(message = "`M` cannot run one step at a time: layer 2 ...")]
/// #[doc(hidden)] pub trait __MCannotStream {}
/// #[diagnostic::do_not_recommend] impl __MCannotStream for CannotStream {}
/// ```
pub fn expand_cannot_stream(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let Err(why) = &plan.stream else {
        return quote!();
    };
    let name = &model.ident;
    let cannot = format_ident!("__{}CannotStream", name);
    let vis = &model.vis;
    let message = format!("`{name}` cannot run one step at a time: {why}");
    let label = format!("`{name}` has no streaming `step` or `forward_from`");
    quote! {
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = "run whole sequences with `forward` or `predict`")]
        #[doc(hidden)]
        #vis trait #cannot {}
        #[diagnostic::do_not_recommend]
        impl #cannot for #p::CannotStream {}
    }
}
