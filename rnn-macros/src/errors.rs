//! Collected errors, each spanned on the tokens at fault and reported together (as
//! serde_derive's `Ctxt`).

use proc_macro2::Span;
use quote::ToTokens;

/// Every error found so far.
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new_spanned(tokens, message));
    }

    pub fn push_span(&mut self, span: Span, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, message));
    }

    /// How many so far: a stage compares counts to tell whether a layer had a mistake.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// All errors as one (syn reports each at its own span).
    pub fn into_error(self) -> Option<syn::Error> {
        self.0.into_iter().reduce(|mut a, b| {
            a.combine(b);
            a
        })
    }
}
