//! On any error: the errors, plus a stub with the model's whole API, so that code using the
//! model reports nothing further: one mistake, one error.

use proc_macro2::TokenStream;
use quote::quote;

use crate::parse::ModelDef;

/// ```text
/// compile_error!("..."); pub struct Sentiment;
/// impl Sentiment { pub const PARAMS: usize = 0; ...; pub fn load<P>(_: P) -> Result<Self> { stub() } ... }
/// ```
pub fn expand_error(krate: &TokenStream, def: &ModelDef, error: syn::Error) -> TokenStream {
    let p = quote!(#krate::__private);
    let errors = error.to_compile_error();
    let (attrs, vis, ident) = (&def.attrs, &def.vis, &def.name);
    let attrs = attrs.iter().filter(|a| a.path().is_ident("doc"));
    let state = quote::format_ident!("{}State", ident);
    quote! {
        #errors
        #(#attrs)*
        #vis struct #ident;
        #vis struct #state<const G: usize = 1>;
        impl<const G: usize> #state<G> {
            pub fn reset(&mut self) {}
        }
        #[allow(dead_code, unused_variables, clippy::all)]
        impl #ident {
            pub const PARAMS: usize = 0;
            pub const TRAINABLE_PARAMS: usize = 0;
            pub const NON_TRAINABLE_PARAMS: usize = 0;
            pub const SUMMARY: &'static str = "";
            pub const NAME: &'static str = "";
            pub const LAYERS: &'static [#p::LayerInfo] = &[];
            pub const INPUT_WIDTH: usize = 0;
            pub const OUTPUT_WIDTH: usize = 0;
            pub const TIMESTEPS: #p::Option<usize> = #p::None;
            pub const RETURNS_SEQUENCES: bool = false;
            pub const TAKES_TOKENS: bool = false;
            pub fn zeros() -> Self { #p::stub() }
            pub fn baked() -> &'static Self { #p::stub() }
            pub fn random(seed: u64) -> Self { #p::stub() }
            pub fn from_weights(file: #p::WeightsFile) -> #p::Result<Self> { #p::stub() }
            pub fn from_json(json: &str) -> #p::Result<Self> { #p::stub() }
            pub fn load<__P>(path: __P) -> #p::Result<Self> { #p::stub() }
            pub fn to_weights(&self) -> #p::WeightsFile { #p::stub() }
            pub fn to_json(&self) -> #p::String { #p::stub() }
            pub fn forward<__X, __Y>(&self, xs: __X) -> #p::Result<__Y> { #p::stub() }
            pub fn predict<__X, __Y>(&self, batch: __X) -> #p::Result<__Y> { #p::stub() }
            pub fn state(&self) -> #state { #p::stub() }
            pub fn step<__X, __Y>(&self, state: &mut #state, x: __X) -> #p::Result<__Y> { #p::stub() }
            pub fn forward_from<__X, __Y>(&self, state: &mut #state, xs: __X) -> #p::Result<__Y> { #p::stub() }
        }
    }
}
