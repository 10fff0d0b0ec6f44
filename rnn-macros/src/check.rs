//! Stage 2: the AST to a checked [`Model`]: every layer built by `rnn_spec`'s one constructor
//! from its arguments (`args`), walked through `rnn_spec::rules` (the same rules a file
//! obeys), named as Keras names it. Errors are collected, each on the exact tokens at fault,
//! and a layer that fails makes what follows unknown, so that one mistake gives one error.

use quote::{ToTokens, quote};
use syn::Ident;

use rnn_spec::naming::auto_name;
use rnn_spec::rules::{Walk, rule_unique_names};
use rnn_spec::suggest::did_you_mean;
use rnn_spec::{CLASSES, Kind};

use crate::args;
use crate::errors::Errors;
use crate::model::{Layer, LayerKind, Model};
use crate::parse::{Arg, LayerAst, ModelDef, Value};

/// Checks a parsed model; `Err` carries every error found.
pub fn check(def: &ModelDef) -> Result<Model, syn::Error> {
    let mut errors = Errors::default();
    rule_model_not_empty(def, &mut errors);
    rule_classes_implemented(&def.layers, &mut errors);
    let mut walk = Walk::new();
    let mut layers: Vec<Layer> = Vec::new();
    for (index, ast) in def.layers.iter().enumerate() {
        let before = errors.len();
        let Some(class) = rnn_spec::class::class(&ast.kind.to_string()) else {
            walk.skip();
            continue;
        };
        if class.kind == Kind::Input {
            let shape = args::input_shape(ast, &mut errors);
            for broken in walk.input(index, shape) {
                errors.push(ast, broken);
            }
            continue;
        }
        let text = ast.to_token_stream().to_string();
        let (flow_in, misplaced) = walk.enter(index, class, &text);
        let kind = args::layer(ast, class, flow_in, &mut errors);
        // After the layer's own mistakes, as they come first in its tokens.
        for broken in misplaced {
            errors.push(ast, broken);
        }
        let (name, inner_name) = match &kind {
            Some(kind) => names(&layers, ast, kind),
            None => (String::new(), None),
        };
        let ok = errors.len() == before;
        let (output, broken) = walk.leave(index, kind, flow_in, &name, ok);
        for broken in broken {
            errors.push(ast, broken);
        }
        if let (Some(kind), Some(output)) = (kind, output) {
            layers.push(Layer {
                name,
                inner_name,
                kind,
                output,
                params: kind.params() as u64,
                tokens: ast.to_token_stream(),
            });
        }
    }
    rule_has_layers_after_input(def, &layers, &mut errors);
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    for (i, broken) in rule_unique_names(&names) {
        errors.push(&layers[i].tokens, broken);
    }
    if let Some(e) = errors.into_error() {
        return Err(e);
    }
    let input = walk
        .source()
        .ok_or_else(|| syn::Error::new(def.list_span, "the model has no input"))?;
    Ok(Model::new(def, input, layers))
}

/// A layer's name as Keras names it, and its inner layer's. A wrapper's inner layer is made
/// first in Keras, so it takes its class's next automatic name before the wrapper does
/// (`Bidirectional(LSTM(8)), LSTM(4)`: the inner layer is `lstm`, the second LSTM `lstm_1`).
fn names(layers: &[Layer], ast: &LayerAst, kind: &LayerKind) -> (String, Option<String>) {
    let next_name = |class: &rnn_spec::Class| {
        let earlier = layers.iter().flat_map(|l| {
            let inner = l.kind.inner().zip(l.inner_name.as_deref());
            [(l.kind.class(), l.name.as_str())]
                .into_iter()
                .chain(inner.map(|(k, n)| (k.class(), n)))
        });
        auto_name(
            class.snake,
            earlier
                .filter(|(c, _)| c.name == class.name)
                .map(|(_, n)| n),
        )
    };
    let inner_name = kind.inner().map(|inner| {
        inner_ast(ast)
            .and_then(explicit_name)
            .unwrap_or_else(|| next_name(inner.class()))
    });
    let name = explicit_name(ast).unwrap_or_else(|| next_name(kind.class()));
    (name, inner_name)
}

/// A wrapper's inner layer as written.
fn inner_ast(ast: &LayerAst) -> Option<&LayerAst> {
    ast.args.iter().find_map(|a| match a {
        Arg::Positional(Value::Layer(l)) => Some(&**l),
        Arg::Keyword {
            key,
            value: Value::Layer(l),
            ..
        } if key == "layer" => Some(&**l),
        _ => None,
    })
}

fn explicit_name(ast: &LayerAst) -> Option<String> {
    ast.args.iter().find_map(|a| match a {
        Arg::Keyword {
            key,
            value: Value::Str(s),
            ..
        } if key == "name" => Some(s.value()),
        _ => None,
    })
}

// ---- rules of a declaration (the rules of a model are `rnn_spec::rules`) -----------------

/// A model has at least one layer.
fn rule_model_not_empty(def: &ModelDef, errors: &mut Errors) {
    if def.layers.is_empty() {
        errors.push_span(
            def.list_span,
            "empty model: list its layers, e.g. `<Embedding(10000, 32), SimpleRNN(32)>`",
        );
    }
}

/// A model declares at least one layer besides `Input`.
fn rule_has_layers_after_input(def: &ModelDef, layers: &[Layer], errors: &mut Errors) {
    let only_input = !def.layers.is_empty() && def.layers.iter().all(|l| l.kind == "Input");
    if only_input && layers.is_empty() {
        errors.push(
            &def.layers[0],
            "the model has only an `Input`: add the layers it feeds, e.g. `Input(None, 32), SimpleRNN(32)`",
        );
    }
}

/// Every layer class (wrappers' inner layers too) is one `rnn_model!` implements. A near miss
/// of one is a typo, reported on its tokens with the class it means; the others are named
/// together in one error over their span (`rnn_spec::rules::rule_classes_implemented`), so a
/// user meets them all at once.
fn rule_classes_implemented(layers: &[LayerAst], errors: &mut Errors) {
    let mut idents: Vec<&Ident> = Vec::new();
    collect_classes(layers.iter(), &mut idents);
    let classes: Vec<&str> = CLASSES.iter().map(|c| c.name).collect();
    let mut missing: Vec<&Ident> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for ident in idents {
        let name = ident.to_string();
        if classes.contains(&name.as_str()) {
            continue;
        }
        let hint = did_you_mean(&name, &classes);
        if !hint.is_empty() {
            errors.push(
                ident,
                format!(
                    "unknown layer `{name}`: {hint}(layers: {})",
                    classes.join(", ")
                ),
            );
            continue;
        }
        missing.push(ident);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    if let Some(message) = rnn_spec::rules::rule_classes_implemented(&names) {
        errors.push(quote!(#(#missing)*), message);
    }
}

/// The class names of `layers` and of the layers inside them, in order.
fn collect_classes<'a>(layers: impl Iterator<Item = &'a LayerAst>, out: &mut Vec<&'a Ident>) {
    for l in layers {
        out.push(&l.kind);
        collect_classes(inner_ast(l).into_iter(), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Source;
    use rnn_spec::Flow;

    fn model(src: &str) -> Model {
        let def: ModelDef = syn::parse_str(src).expect("parses");
        check(&def).unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    fn errors(src: &str) -> Vec<String> {
        let def: ModelDef = syn::parse_str(src).expect("parses");
        match check(&def) {
            Ok(_) => panic!("{src}: expected errors"),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    fn seq(steps: Option<usize>, width: usize) -> Flow {
        Flow::Seq { steps, width }
    }

    #[test]
    fn shapes_and_params_of_a_stack() {
        let m =
            model("struct M<Embedding(10000, 32), SimpleRNN(32, seq), SimpleRNN(16), Dense(1)>;");
        let outputs: Vec<Flow> = m.layers.iter().map(|l| l.output).collect();
        assert_eq!(
            outputs,
            [
                seq(None, 32),
                seq(None, 32),
                Flow::Vector { width: 16 },
                Flow::Vector { width: 1 }
            ]
        );
        let params: Vec<u64> = m.layers.iter().map(|l| l.params).collect();
        // V*D; u*(in + u + 1) for SimpleRNN; in*u + u for Dense.
        assert_eq!(
            params,
            [10000 * 32, 32 * (32 + 32 + 1), 16 * (32 + 16 + 1), 16 + 1]
        );
        assert_eq!(m.params(), 320_000 + 2_080 + 784 + 17);
        assert_eq!(
            m.input,
            Source::Tokens {
                vocab: 10000,
                steps: None,
                mask_zero: false
            }
        );
    }

    #[test]
    fn fixed_lengths_flow_through_and_dense_works_per_timestep() {
        let m = model("struct M<Input(12, 4), SimpleRNN(5, seq), Dense(2)>;");
        assert_eq!(
            m.input,
            Source::Floats {
                steps: Some(12),
                features: 4
            }
        );
        assert_eq!(m.layers[0].output, seq(Some(12), 5));
        assert_eq!(m.layers[1].output, seq(Some(12), 2));
        assert_eq!(m.layers[1].kind.sizes().0, 5);
        assert_eq!(m.params(), 5 * (4 + 5 + 1) + (5 * 2 + 2));
        let m = model("struct M<Embedding(100, 8, input_length = 10), SimpleRNN(4)>;");
        assert_eq!(m.layers[0].output, seq(Some(10), 8));
        assert_eq!(m.layers[0].output.keras_shape(), "(None, 10, 8)");
        let m = model("struct M<Input(shape = (None, 7)), Dense(3)>;");
        assert_eq!(m.layers[0].output.keras_shape(), "(None, None, 3)");
    }

    #[test]
    fn use_bias_false_drops_the_bias_params() {
        let m = model(
            "struct M<Input(None, 4), SimpleRNN(6, seq, use_bias = false), Dense(3, use_bias = False)>;",
        );
        assert_eq!(m.layers[0].params, 6 * (4 + 6));
        assert_eq!(m.layers[1].params, 6 * 3);
    }

    #[test]
    fn keras_names_count_per_class_and_skip_explicit_names() {
        let m = model(
            "struct M<Embedding(10, 4), SimpleRNN(4, seq, name = \"first\"), SimpleRNN(4, seq), SimpleRNN(4, seq), Dense(2), Dense(1)>;",
        );
        let names: Vec<&str> = m.layers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "embedding",
                "first",
                "simple_rnn",
                "simple_rnn_1",
                "dense",
                "dense_1"
            ]
        );
    }

    #[test]
    fn activations_and_options_are_read_with_keras_defaults() {
        let m = model(
            "struct M<Input(None, 3), SimpleRNN(4, activation = \"relu\", go_backwards = true), Dense(2)>;",
        );
        match m.layers[0].kind {
            LayerKind::SimpleRnn {
                activation,
                use_bias,
                return_sequences,
                go_backwards,
                ..
            } => {
                assert_eq!(activation.name(), "relu");
                assert!(use_bias && !return_sequences && go_backwards);
            }
            other => panic!("{other:?}"),
        }
        match m.layers[1].kind {
            LayerKind::Dense { activation, .. } => assert_eq!(activation.name(), "linear"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_mistake_of_a_model_is_reported_once() {
        let e = errors(
            "struct M<Embedding(10, 32), SimpleRNN(32), SimpleRNN(32, activation = sigmod), Dense(1, use_bias = 1)>;",
        );
        assert_eq!(e.len(), 3, "{e:#?}");
        assert!(e[0].contains("did you mean `sigmoid`"));
        assert!(e[1].contains("needs a sequence") && e[1].contains("`simple_rnn`"));
        assert!(e[2].contains("`use_bias` takes `true` or `false`"));
        // A bad layer makes what follows unknown: no consequential shape errors.
        let e = errors("struct M<Embedding(10, 4), SimpleRnn(4), SimpleRNN(4), SimpleRNN(4)>;");
        assert_eq!(e.len(), 1, "{e:#?}");
    }

    #[test]
    fn the_largest_tensor_is_bounded_without_overflow() {
        let e = errors("struct M<Embedding(16777216, 16384)>;");
        assert!(e[0].contains("274,877,906,944 weights"), "{e:?}");
        // At the limit is accepted: 2^31 values exactly.
        let m = model("struct M<Embedding(131072, 16384)>;");
        assert_eq!(m.params(), 1 << 31);
    }
}
