//! On any error: the errors, plus a stub with the model's whole API, so that code using the
//! model reports nothing further: one mistake, one error.
//!
//! The first error's `compile_error!` is the length of an array in a type,
//! `<[(); compile_error!("..")] as Unbuilt>::Output`: rustc's error type, which rustc accepts
//! silently wherever it is used, as it does after an error of its own. Every output of the stub
//! (`forward`, `predict`, `step`, ...) is that type and every constant that type's constant, so
//! `let y: [f32; 1] = m.forward(..)?`, `let y = m.forward(..)?; y[0]`, a function returning
//! `Result<[f32; 1]>` and `const _: () = assert!(M::PARAMS == 42)` all compile, without the
//! annotations a generic output would need (tests/ui/stub_api.rs).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::parse::ModelDef;

/// ```text
/// type __SentimentUnbuilt = <[(); compile_error!("...")] as Unbuilt>::Output;   // the first error
/// compile_error!("...");                                                        // the others
/// pub struct Sentiment;
/// #[derive(Clone, Debug)] pub struct SentimentState<const G: usize = 1>;
/// impl Sentiment {
///     pub const PARAMS: usize = <__SentimentUnbuilt as Unbuilt>::USIZE; ...
///     pub fn forward<X>(&self, xs: X) -> Result<__SentimentUnbuilt> { stub() } ...
///     if_alloc! { pub fn zeros() -> Self { stub() } ... }  if_std! { pub fn load<P>(_: P) -> Result<Self> { stub() } }
/// }
/// ```
pub fn expand_error(krate: &TokenStream, def: &ModelDef, error: syn::Error) -> TokenStream {
    let p = quote!(#krate::__private);
    let mut errors = error.into_iter().map(|e| e.to_compile_error());
    let first = errors.next().unwrap_or_default();
    let (vis, ident) = (&def.vis, &def.name);
    // Documentation and derives: what the model's struct has too.
    let attrs = def
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("doc") || a.path().is_ident("derive"));
    let state = format_ident!("{}State", ident);
    let unbuilt = format_ident!("__{}Unbuilt", ident);
    let out = quote!(#p::Result<#unbuilt>);
    let value = |c: &str| {
        let c = format_ident!("{}", c);
        quote!(<#unbuilt as #p::Unbuilt>::#c)
    };
    let (usize_, bool_, str_) = (value("USIZE"), value("BOOL"), value("STR"));
    let (steps, layers) = (value("STEPS"), value("LAYERS"));
    quote! {
        #[doc(hidden)]
        #[allow(dead_code, non_camel_case_types)]
        #vis type #unbuilt = <[(); #first] as #p::Unbuilt>::Output;
        #(#errors)*
        #(#attrs)*
        #vis struct #ident;
        #[derive(Clone, Debug)]
        #vis struct #state<const G: usize = 1>;
        impl<const G: usize> #state<G> {
            pub fn reset(&mut self) {}
        }
        #[allow(dead_code, unused_variables, clippy::all)]
        impl #ident {
            pub const PARAMS: usize = #usize_;
            pub const TRAINABLE_PARAMS: usize = #usize_;
            pub const NON_TRAINABLE_PARAMS: usize = #usize_;
            pub const SUMMARY: &'static str = #str_;
            pub const NAME: &'static str = #str_;
            pub const LAYERS: &'static [#p::LayerInfo] = #layers;
            pub const INPUT_WIDTH: usize = #usize_;
            pub const OUTPUT_WIDTH: usize = #usize_;
            pub const TIMESTEPS: #p::Option<usize> = #steps;
            pub const RETURNS_SEQUENCES: bool = #bool_;
            pub const TAKES_TOKENS: bool = #bool_;
            pub fn baked() -> &'static Self { #p::stub() }
            #p::if_alloc! {
                pub fn zeros() -> Self { #p::stub() }
                pub fn random(seed: u64) -> Self { #p::stub() }
                pub fn from_weights(file: #p::WeightsFile) -> #p::Result<Self> { #p::stub() }
                pub fn from_json(json: &str) -> #p::Result<Self> { #p::stub() }
                pub fn to_weights(&self) -> #p::WeightsFile { #p::stub() }
                pub fn to_json(&self) -> #p::String { #p::stub() }
            }
            #p::if_std! {
                pub fn load<__P>(path: __P) -> #p::Result<Self> { #p::stub() }
                pub fn predict<__X>(&self, batch: __X) -> #out { #p::stub() }
            }
            pub fn forward<__X>(&self, xs: __X) -> #out { #p::stub() }
            pub fn state(&self) -> #state { #p::stub() }
            pub fn step<__X>(&self, state: &mut #state, x: __X) -> #out { #p::stub() }
            pub fn forward_from<__X>(&self, state: &mut #state, xs: __X) -> #out { #p::stub() }
        }
    }
}
