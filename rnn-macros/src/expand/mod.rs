//! Stage 4: the plan to code. Templates stay thin: every size is a literal decided in `check`
//! and `plan`, and the work is done by generic runtime pieces (`rnn_runtime::__private`). Every
//! path in generated code goes through `$crate::__private`, so a user module that defines its
//! own `Option`, `Vec`, `Ok`, `std` or `core` still compiles.

mod api;
mod baked;
mod cells;
mod consts;
mod engine;
mod item;
mod stream;
mod stub;
mod weights;

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use crate::model::Model;
use crate::plan::Plan;

pub use stub::expand_error;

fn lit(n: usize) -> Literal {
    Literal::usize_unsuffixed(n)
}

/// `l3`: the struct field of layer 3.
fn field(i: usize) -> Ident {
    format_ident!("l{}", i)
}

/// `#p::Some(12)` / `#p::None`.
fn option(p: &TokenStream, n: Option<usize>) -> TokenStream {
    match n {
        Some(n) => {
            let n = lit(n);
            quote!(#p::Some(#n))
        }
        None => quote!(#p::None),
    }
}

/// The whole expansion:
/// ```text
/// pub struct Sentiment { l0: Embedding<10000, 32>, l1: SimpleRnn<32, 32>, l2: Dense<32, 1>, __fold: .. }
/// impl Sentiment { pub const PARAMS ...; pub fn random(seed) ...; pub fn forward(...) ...; fn __run_avx512 ... }
/// needs_alloc!("..");   // a model whose passes hand sequences on through the heap
/// ```
pub fn expand(
    krate: &TokenStream,
    model: &Model,
    plan: &Plan,
    summary: &str,
    baked: Option<&(crate::bake::File, crate::bake::Layout)>,
) -> TokenStream {
    let p = quote!(#krate::__private);
    let item = item::expand_struct(&p, model, plan);
    let consts = consts::expand_consts(&p, model, plan, summary);
    let weights = weights::expand_weights(&p, model, plan);
    let api = api::expand_api(&p, model, plan);
    let engine = engine::expand_engine(&p, model, plan);
    let baked = baked.map(|(file, layout)| baked::expand_baked(&p, model, plan, file, layout));
    let state = stream::expand_state_struct(&p, model);
    let cannot_stream = stream::expand_cannot_stream(&p, model, plan);
    let streaming = stream::expand_stream(&p, model, plan);
    let ident = &model.ident;
    let needs_alloc = needs_alloc(&p, model, plan);
    quote! {
        #needs_alloc
        #item
        #state
        #cannot_stream
        #[allow(clippy::all, clippy::pedantic, unused_mut, unused_variables, non_snake_case)]
        impl #ident {
            #consts
            #weights
            #api
            #streaming
            #engine
            #baked
        }
    }
}

/// A model whose forward pass keeps a whole sequence between stages (recurrent layers in both
/// directions, a `Bidirectional` after another recurrent layer or returning sequences, a
/// `Conv1D` or pooling window, a `keepdims` pooling) needs the heap: without the runtime's
/// `alloc` feature, a compile error that says so.
/// ```text
/// needs_alloc!("`M` runs in several passes ...");
/// ```
fn needs_alloc(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let windows = plan.stages.iter().any(|s| {
        matches!(
            s,
            crate::plan::Stage::Window { .. }
                | crate::plan::Stage::Reduce { keepdims: true, .. }
                | crate::plan::Stage::Split { .. }
        )
    });
    let buffers = windows
        || plan.passes().iter().any(|pass| {
            matches!(pass.sink, crate::plan::Sink::Buffer { .. })
                || pass.bidi.is_some_and(|b| b.seq)
        });
    if !buffers {
        return quote!();
    }
    let message = format!(
        "`{}` runs over time in several passes (recurrent layers in both directions, a \
         `Bidirectional` after another recurrent layer or returning sequences, or a layer over \
         the whole sequence: `Conv1D`, pooling), which hand whole sequences on through the \
         heap: it needs rnn-runtime's `alloc` feature",
        model.ident
    );
    quote!(#p::needs_alloc! { #message })
}
