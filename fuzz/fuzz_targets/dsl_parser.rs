//! Text -> the `rnn_model!` front end: parse, check, summary and expansion (or the error stub).
//! Must never panic: every mistake in a declaration is a compile error, not an ICE.
//!
//! A proc-macro crate cannot export ordinary functions, so the macro's own modules are compiled
//! into this target from their source files: the list below follows rnn-macros/src/lib.rs's
//! (`.ci/run` checks that this target compiles). They only use `proc_macro2`, `syn` and `quote`,
//! which run outside a compiler just as well (spans are then placeholders).
#![no_main]
#![allow(dead_code)]

#[path = "../../rnn-macros/src/args.rs"]
mod args;
#[path = "../../rnn-macros/src/bake.rs"]
mod bake;
#[path = "../../rnn-macros/src/check.rs"]
mod check;
#[path = "../../rnn-macros/src/errors.rs"]
mod errors;
#[path = "../../rnn-macros/src/expand/mod.rs"]
mod expand;
#[path = "../../rnn-macros/src/model.rs"]
mod model;
#[path = "../../rnn-macros/src/parse.rs"]
mod parse;
#[path = "../../rnn-macros/src/plan.rs"]
mod plan;
#[path = "../../rnn-macros/src/summary.rs"]
mod summary;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(item) = std::str::from_utf8(data) else {
        return;
    };
    // What `rnn_runtime::rnn_model!` hands the proc macro: `$crate; <the user's item>`.
    let Ok(tokens) = format!("::rnn_runtime; {item}").parse::<proc_macro2::TokenStream>() else {
        return;
    };
    let Ok(input) = syn::parse2::<parse::MacroInput>(tokens) else {
        return;
    };
    match check::check(&input.model) {
        Ok(model) => {
            let text = summary::summary(&model);
            let plan = plan::plan(&model, false);
            // No `#[weights]` file is read: the weights_loader and keras_reader targets fuzz files.
            let code = expand::expand(&input.krate, &model, &plan, &text, None);
            // The expansion must itself be valid Rust items.
            syn::parse2::<syn::File>(code).expect("the expansion parses as Rust");
        }
        Err(error) => {
            let _ = error.to_compile_error();
            let _ = expand::expand_error(&input.krate, &input.model, error);
        }
    }
});
