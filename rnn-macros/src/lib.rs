//! The `rnn_model!` procedural macro. Use it through `rnn_runtime::rnn_model!`, which passes the
//! runtime's path in; see the rnn-runtime crate and the README.
//!
//! Four stages, as in serde_derive: [`parse`] (tokens to an AST that keeps spans), [`check`]
//! (arguments, shapes, parameter counts, names against `rnn_spec`; every error collected),
//! [`plan`] (how the model runs, as data) and [`expand`] (thin `quote!` over runtime building
//! blocks; a stub with the whole API on error so one mistake gives one error). With
//! `#[weights = "..."]`, [`bake`] reads and checks the file between check and plan (or, with no
//! layer list, declares the model from it) and lays its arrays out for `M::baked()`.

mod args;
mod bake;
mod check;
mod errors;
mod expand;
mod model;
mod parse;
mod plan;
mod summary;

use proc_macro::TokenStream;

/// Implementation of `rnn_runtime::rnn_model!`. Input: `$crate_path; <model item>`.
#[proc_macro]
pub fn rnn_model_impl(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as parse::MacroInput);
    let def = &input.model;
    let file = bake::read(def).transpose();
    let checked = match (&file, def.from_file) {
        (Ok(Some(file)), true) => bake::model_from_file(def, file),
        (_, true) => Err(syn::Error::new(def.list_span, "the model has no layers")),
        (Ok(Some(file)), false) => {
            check::check(def).and_then(|m| bake::check(&m, file).map(|()| m))
        }
        (_, false) => check::check(def),
    };
    // Every error at once: the file's and the layer list's.
    let errors = match (file, checked) {
        (Ok(file), Ok(model)) => {
            let text = summary::summary(&model);
            let plan = plan::plan(&model, file.is_some());
            let baked = file.map(|f| {
                let layout = bake::layout(&model, &plan, &f);
                (f, layout)
            });
            return expand::expand(&input.krate, &model, &plan, &text, baked.as_ref()).into();
        }
        (Err(mut a), Err(b)) if !def.from_file => {
            a.combine(b);
            a
        }
        (Err(e), _) | (_, Err(e)) => e,
    };
    expand::expand_error(&input.krate, def, errors).into()
}
