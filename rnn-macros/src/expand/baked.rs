//! `M::baked()`: the model built in a `static` from weights baked into the binary.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::cells;
use super::field;
use crate::bake::{File, Layout};
use crate::model::Model;
use crate::plan::Plan;

/// ```text
/// const _: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/", "models/imdb.json"));
/// pub fn baked() -> &'static Self {
///     const _: () = assert!(cfg!(target_endian = "little"), "...");
///     static __BLOB: Blob<1310784> = Blob(*b"\x12\x0b...");   // one byte string, 64-byte aligned
///     static __MODEL: Imdb = Imdb {
///         l0: <Embedding<10000, 32>>::baked(__BLOB.at(0)),
///         l1: <Lstm<32, 32, 128>>::baked(__BLOB.at(1280000), __BLOB.at(..), __BLOB.at(..), true, [..]),
///         l2: <Dense<32, 1>>::baked(..), __fold: <FoldedEmbedding<10000, 128>>::baked(__BLOB.at(..)),
///     };
///     &__MODEL
/// }
/// ```
pub fn expand_baked(
    p: &TokenStream,
    model: &Model,
    plan: &Plan,
    file: &File,
    layout: &Layout,
) -> TokenStream {
    let ident = &model.ident;
    let path = &file.path;
    let n = Literal::usize_unsuffixed(layout.bytes.len());
    let bytes = Literal::byte_string(&layout.bytes);
    let at = |offset: usize| {
        let o = Literal::usize_unsuffixed(offset);
        quote!(__BLOB.at(#o))
    };
    let fields = model.layers.iter().enumerate().map(|(i, l)| {
        let f = field(i);
        let mut arrays = layout.layers[i].iter().map(|&o| at(o));
        let cell = cells::cell_baked(p, &l.kind, &mut arrays);
        quote!(#f: #cell)
    });
    let folds = super::item::fold_type(p, plan).map(|ty| {
        let names = [quote!(__fold), quote!(__fold_b)];
        let tables = layout.folds.iter().zip(names).map(|(&o, name)| {
            let table = at(o);
            quote!(#name: <#ty>::baked(#table),)
        });
        quote!(#(#tables)*)
    });
    quote! {
        /// The model with the weights of `#[weights = "..."]`, checked and laid out at compile
        /// time: in the binary's read-only data, built without heap or parsing.
        pub fn baked() -> &'static Self {
            const _: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/", #path));
            const _: () = assert!(
                cfg!(target_endian = "little"),
                "baked weights are little-endian f32: this target is big-endian",
            );
            static __BLOB: #p::Blob<#n> = #p::Blob(*#bytes);
            static __MODEL: #ident = #ident { #(#fields,)* #folds };
            &__MODEL
        }
    }
}
