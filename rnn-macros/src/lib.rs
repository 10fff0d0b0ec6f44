//! The `rnn_model!` procedural macro. Use it through `rnn_runtime::rnn_model!`, which passes the
//! runtime's path in; see the rnn-runtime crate and the README.
//!
//! Four stages, as in serde_derive: [`parse`] (tokens to an AST that keeps spans), [`check`]
//! (arguments, shapes, parameter counts, names against `rnn_spec`; every error collected),
//! [`plan`] (how the model runs, as data) and [`expand`] (thin `quote!` over runtime building
//! blocks; a stub with the whole API on error so one mistake gives one error).

mod args;
mod check;
mod expand;
mod layers;
mod model;
mod parse;
mod plan;
mod suggest;
mod summary;

use proc_macro::TokenStream;

/// Implementation of `rnn_runtime::rnn_model!`. Input: `$crate_path; <model item>`.
#[proc_macro]
pub fn rnn_model_impl(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as parse::MacroInput);
    match check::check(&input.model) {
        Ok(model) => {
            let text = summary::summary(&model);
            let plan = plan::plan(&model);
            expand::expand(&input.krate, &model, &plan, &text).into()
        }
        Err(error) => expand::expand_error(&input.krate, &input.model, error).into(),
    }
}
