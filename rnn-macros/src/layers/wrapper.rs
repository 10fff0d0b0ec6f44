//! `Bidirectional(layer, merge_mode = concat)` and `TimeDistributed(layer)`: the inner layer is
//! read by its own class's reader (its mistakes are reported on its own tokens), then the
//! wrapper's rules: what it may wrap, and what Keras refuses.

use proc_macro2::TokenStream;
use quote::quote;
use rnn_spec::{Class, LayerKind, Merge};

use super::{lit, missing};
use crate::args::Reader;
use crate::check::{Errors, rule_known_layer};
use crate::parse::LayerAst;

/// The inner layer of a wrapper, read with the wrapper's input width.
fn inner(ast: &LayerAst, r: &mut Reader, input: usize) -> Option<&'static LayerKind> {
    let Some(inner_ast) = r.layer("layer") else {
        if !r.has("layer") {
            missing(ast, "the layer it wraps", r.spec, r.errors);
        }
        return None;
    };
    let class = rule_known_layer(inner_ast, r.errors)?;
    rule_wraps(r.spec, class, inner_ast, r.errors);
    if !r.spec.wraps(class) {
        return None;
    }
    rule_inner_runs_forwards(r.spec, inner_ast, r.errors);
    let kind = super::read(class, inner_ast, input, r.errors)?;
    // A `LayerKind` is `Copy` and refers to its inner layer by `&'static`: the macro's own
    // process holds the few bytes until it exits.
    Some(Box::leak(Box::new(kind)))
}

/// `Bidirectional` wraps a recurrent layer; `TimeDistributed` a per-step (or inert) one.
fn rule_wraps(wrapper: &Class, class: &Class, inner: &LayerAst, errors: &mut Errors) {
    if wrapper.wraps(class) {
        return;
    }
    let can: Vec<&str> = rnn_spec::CLASSES
        .iter()
        .filter(|c| wrapper.wraps(c))
        .map(|c| c.name)
        .collect();
    errors.push(
        &inner.kind,
        format!(
            "`{}` cannot wrap `{}`: it wraps {}",
            wrapper.name,
            class.name,
            can.join(", ")
        ),
    );
}

/// The inner layer of `Bidirectional` runs forwards: the wrapper makes the backward copy
/// itself (Keras 3 refuses `go_backwards = true` inside it).
fn rule_inner_runs_forwards(wrapper: &Class, inner: &LayerAst, errors: &mut Errors) {
    if wrapper.name != "Bidirectional" {
        return;
    }
    let backwards = inner.args.iter().find(|a| {
        matches!(a, crate::parse::Arg::Keyword { key, value: crate::parse::Value::Bool(b), .. }
            if key == "go_backwards" && b.value)
            || matches!(a, crate::parse::Arg::Keyword { key, value: crate::parse::Value::Ident(b), .. }
            if key == "go_backwards" && b == "True")
    });
    if let Some(arg) = backwards {
        errors.push(
            arg,
            "`go_backwards = true` inside `Bidirectional`: the wrapper runs the backward copy itself, and Keras 3 refuses this; remove it",
        );
    }
}

/// `backward_layer = ...` is Keras's way to give the backward copy other options: refused.
fn rule_no_backward_layer(r: &mut Reader) {
    if let Some(t) = r.tokens("backward_layer") {
        r.errors.push(
            t,
            "a custom `backward_layer` is not supported: `Bidirectional` makes the backward copy of `layer` itself (Keras's default); remove it",
        );
    }
}

pub fn read_bidirectional(ast: &LayerAst, mut r: Reader, input: usize) -> Option<LayerKind> {
    let inner = inner(ast, &mut r, input);
    let merge = r.merge("merge_mode");
    rule_no_backward_layer(&mut r);
    r.string("name");
    Some(LayerKind::Bidirectional {
        inner: inner?,
        merge: merge?,
    })
}

pub fn read_time_distributed(ast: &LayerAst, mut r: Reader, input: usize) -> Option<LayerKind> {
    let inner = inner(ast, &mut r, input);
    r.string("name");
    Some(LayerKind::TimeDistributed { inner: inner? })
}

/// `Bidirectional<Lstm<32, 32, 128>, 32, 64, 64>`: the cell, its units, both outputs side by
/// side, the merged width.
pub fn bidirectional_cell(p: &TokenStream, inner: &LayerKind, merge: Merge) -> TokenStream {
    let cell = super::cell_type(p, inner);
    let units = inner.sizes().1;
    let (u, u2, w) = (lit(units), lit(2 * units), lit(merge.width(units)));
    quote!(#p::Bidirectional<#cell, #u, #u2, #w>)
}

/// `TimeDistributed<Dense<32, 5>>`.
pub fn time_distributed_cell(p: &TokenStream, inner: &LayerKind) -> TokenStream {
    let cell = super::cell_type(p, inner);
    quote!(#p::TimeDistributed<#cell>)
}
