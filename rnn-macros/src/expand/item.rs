//! The model struct: one field per layer (its runtime cell), plus the folded Embedding.

use proc_macro2::TokenStream;
use quote::quote;

use super::cells;
use super::{field, lit};
use crate::model::Model;
use crate::plan::Plan;

/// ```text
/// /// docs
/// pub struct Sentiment { l0: Embedding<10000, 32>, l1: SimpleRnn<32, 32>, l2: Dense<32, 1>, __fold: FoldedEmbedding<10000, 32> }
/// ```
pub fn expand_struct(p: &TokenStream, model: &Model, plan: &Plan) -> TokenStream {
    let (attrs, vis, ident) = (&model.attrs, &model.vis, &model.ident);
    let fields = model.layers.iter().enumerate().map(|(i, l)| {
        let f = field(i);
        let ty = cells::cell_type(p, &l.kind);
        quote!(#f: #ty)
    });
    let fold = fold_type(p, plan).map(|ty| match plan.fold.map(|f| f.copies) {
        Some(2) => quote!(__fold: #ty, __fold_b: #ty,),
        _ => quote!(__fold: #ty,),
    });
    quote! {
        #(#attrs)*
        #vis struct #ident { #(#fields,)* #fold }
    }
}

/// `FoldedEmbedding<V, U>` when the plan folds the Embedding.
pub fn fold_type(p: &TokenStream, plan: &Plan) -> Option<TokenStream> {
    let f = plan.fold?;
    let (v, u) = (lit(f.vocab), lit(f.width));
    Some(quote!(#p::FoldedEmbedding<#v, #u>))
}

/// `let l0 = ...; let l1 = ...; Self { __fold: FoldedEmbedding::new(&l0, &l1), l0, l1 }`
/// (a `Conv1D` `l1`: `FoldedEmbedding::of_conv(&l0, &l1)`)
/// (a `Bidirectional` `l1`: `__fold: ..new(&l0, l1.forward()), __fold_b: ..new(&l0, l1.backward())`).
pub fn assemble(
    p: &TokenStream,
    model: &Model,
    plan: &Plan,
    make: impl Fn(usize, TokenStream) -> TokenStream,
) -> TokenStream {
    let fields: Vec<_> = (0..model.layers.len()).map(field).collect();
    let makes = model
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| make(i, cells::cell_type(p, &l.kind)));
    let fold = plan.fold.zip(fold_type(p, plan)).map(|(f, ty)| {
        let (e, r) = (field(f.embedding), field(f.into));
        if f.copies == 2 {
            quote!(__fold: <#ty>::new(&#e, #r.forward()), __fold_b: <#ty>::new(&#e, #r.backward()),)
        } else if let rnn_spec::LayerKind::Conv1d { .. } = model.layers[f.into].kind {
            quote!(__fold: <#ty>::of_conv(&#e, &#r),)
        } else {
            quote!(__fold: <#ty>::new(&#e, &#r),)
        }
    });
    quote! {
        #(let #fields = #makes;)*
        Self { #fold #(#fields,)* }
    }
}
