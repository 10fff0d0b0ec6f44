//! Stage 2: the AST to a checked [`Model`]: argument types, shape inference, parameter counts,
//! layer names. Each rule is one function whose comment states it. Errors are collected, each
//! on the exact tokens at fault, and a layer that fails still passes on its best-guess shape
//! (or "unknown") so that one mistake gives one error.

use proc_macro2::Span;
use quote::ToTokens;

use rnn_spec::naming::auto_name;
use rnn_spec::{CLASSES, Class, Role};

use crate::layers;
use crate::model::{Flow, Layer, LayerKind, Model, Source};
use crate::parse::{LayerAst, ModelDef};
use crate::suggest::closest;

/// Collected errors, each spanned on its tokens.
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new_spanned(tokens, message));
    }

    pub fn push_span(&mut self, span: Span, message: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, message));
    }

    /// All errors as one (syn reports each at its own span).
    pub fn into_error(self) -> Option<syn::Error> {
        self.0.into_iter().reduce(|mut a, b| {
            a.combine(b);
            a
        })
    }
}

/// The largest number of weights one tensor may hold (8 GiB of f32).
pub const MAX_TENSOR: u128 = 1 << 31;

/// What flows into the next layer while checking.
#[derive(Clone, Copy)]
enum State {
    /// Nothing yet: the next layer is the first.
    Start,
    Known(Flow),
    /// An earlier error hides the shape; later shape rules stay silent.
    Unknown,
}

/// Checks a parsed model; `Err` carries every error found.
pub fn check(def: &ModelDef) -> Result<Model, syn::Error> {
    let mut errors = Errors::default();
    rule_model_not_empty(def, &mut errors);
    let mut state = State::Start;
    let mut source: Option<Source> = None;
    let mut layers: Vec<Layer> = Vec::new();
    // The layer that turned the sequence into a vector, for the "needs a sequence" rule.
    let mut ended_by: Option<(String, usize)> = None;
    for (index, ast) in def.layers.iter().enumerate() {
        let errors_before = errors.0.len();
        let Some(class) = rule_known_layer(ast, &mut errors) else {
            state = State::Unknown;
            continue;
        };
        if class.role == Role::Input {
            rule_input_first(index, ast, &mut errors);
            state = match layers::input::read(ast, &mut errors) {
                Some((steps, features)) if index == 0 => {
                    source = Some(Source::Floats { steps, features });
                    State::Known(Flow::Seq {
                        steps,
                        width: features,
                    })
                }
                _ => State::Unknown,
            };
            continue;
        }
        let flow_in = match (class.role, state) {
            (Role::Embedding, _) => {
                rule_embedding_first(index, ast, def, &mut errors);
                Some(Flow::Seq {
                    steps: None,
                    width: 1,
                })
            }
            (_, State::Start) => {
                rule_first_layer_needs_input(ast, class.name, &mut errors);
                None
            }
            (_, State::Known(flow)) => Some(flow),
            (_, State::Unknown) => None,
        };
        let width = flow_in.map_or(0, Flow::width);
        let kind = layers::read(class, ast, width, &mut errors);
        if class.sequence_only && matches!(flow_in, Some(Flow::Vector { .. })) {
            rule_needs_sequence(ast, class.name, ended_by.as_ref(), &mut errors);
        }
        if class.role == Role::Masking {
            rule_masking_reads_the_input(ast, &layers, source, &mut errors);
        }
        state = match (kind, flow_in) {
            (Some(kind), Some(flow_in)) if errors.0.len() == errors_before => {
                if index == 0
                    && let Some(first) = Source::of_first(&kind)
                {
                    source = Some(first);
                }
                let output = kind.output(flow_in);
                push_layer(&mut layers, ast, kind, output, &mut errors);
                if let (Flow::Seq { .. }, Flow::Vector { .. }, Some(l)) =
                    (flow_in, output, layers.last())
                {
                    // A wrapper's `seq` goes on the layer inside it.
                    let name = match l.kind.inner() {
                        Some(inner) => format!("{}`'s `{}", l.name, inner.class().name),
                        None => l.name.clone(),
                    };
                    ended_by = Some((name, index));
                }
                State::Known(output)
            }
            _ => State::Unknown,
        };
        // A layer with a mistake hides its true output: later shape rules stay silent rather
        // than report consequences of this one mistake.
        if errors.0.len() > errors_before {
            state = State::Unknown;
        }
    }
    rule_has_layers_after_input(def, &layers, &mut errors);
    rule_unique_names(&layers, &mut errors);
    if let Some(e) = errors.into_error() {
        return Err(e);
    }
    let input = source.ok_or_else(|| syn::Error::new(def.list_span, "the model has no input"))?;
    Ok(Model::new(def, input, layers))
}

/// Names a layer as Keras does, counts its parameters, and checks they fit. A wrapper's inner
/// layer is made first in Keras, so it takes its class's next automatic name before the
/// wrapper does (`Bidirectional(LSTM(8)), LSTM(4)`: the inner layer is `lstm`, the second
/// LSTM `lstm_1`).
fn push_layer(
    layers: &mut Vec<Layer>,
    ast: &LayerAst,
    kind: LayerKind,
    output: Flow,
    errors: &mut Errors,
) {
    let next_name = |layers: &[Layer], class: &rnn_spec::Class| {
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
        let inner_ast = ast.args.iter().find_map(|a| match a {
            crate::parse::Arg::Positional(crate::parse::Value::Layer(l)) => Some(&**l),
            crate::parse::Arg::Keyword {
                key,
                value: crate::parse::Value::Layer(l),
                ..
            } if key == "layer" => Some(&**l),
            _ => None,
        });
        inner_ast
            .and_then(explicit_name)
            .unwrap_or_else(|| next_name(layers, inner.class()))
    });
    let class = kind.class();
    let name = explicit_name(ast).unwrap_or_else(|| next_name(layers, class));
    let params = rule_params_fit(ast, kind, errors);
    layers.push(Layer {
        name,
        inner_name,
        kind,
        output,
        params,
        tokens: ast.to_token_stream(),
    });
}

fn explicit_name(ast: &LayerAst) -> Option<String> {
    ast.args.iter().find_map(|a| match a {
        crate::parse::Arg::Keyword {
            key,
            value: crate::parse::Value::Str(s),
            ..
        } if key == "name" => Some(s.value()),
        _ => None,
    })
}

// ---- rules ---------------------------------------------------------------------------------

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

/// Every layer is one the project implements; a near miss gets a suggestion.
pub fn rule_known_layer(ast: &LayerAst, errors: &mut Errors) -> Option<&'static Class> {
    let name = ast.kind.to_string();
    if let Some(c) = rnn_spec::class::class(&name) {
        return Some(c);
    }
    let names: Vec<&str> = CLASSES.iter().map(|c| c.name).collect();
    let supported = names.join(", ");
    let message = if let Some(c) = closest(&name, &names) {
        format!("unknown layer `{name}`: did you mean `{c}`? (layers: {supported})")
    } else if rnn_spec::class::PLANNED.contains(&name.as_str()) {
        format!("`{name}` is not implemented by rnn_model! (layers: {supported})")
    } else {
        format!("unknown layer `{name}`: the layers are {supported}")
    };
    errors.push(&ast.kind, message);
    None
}

/// `Input` can only be the first layer: it declares what the model takes.
fn rule_input_first(index: usize, ast: &LayerAst, errors: &mut Errors) {
    if index > 0 {
        errors.push(
            ast,
            "`Input` must be the first layer: it declares the model's input; move it to the front",
        );
    }
}

/// `Embedding` can only be first: it turns the model's token ids into vectors.
fn rule_embedding_first(index: usize, ast: &LayerAst, def: &ModelDef, errors: &mut Errors) {
    if index == 0 {
        return;
    }
    let hint = if def.layers[0].kind == "Input" {
        "remove the `Input`: an Embedding model takes token ids, declared by the Embedding itself"
    } else {
        "move it to the front"
    };
    errors.push(
        ast,
        format!("`Embedding` must be the first layer (found at position {}): it maps the model's token ids to vectors; {hint}", index + 1),
    );
}

/// A first layer other than `Embedding` needs an `Input` to know its features.
fn rule_first_layer_needs_input(ast: &LayerAst, class: &str, errors: &mut Errors) {
    errors.push(
        ast,
        format!(
            "`{class}` is the first layer, so the model does not know its input: add `Input(None, F)` before it \
             (F features per timestep; a number instead of `None` fixes the length), e.g. `Input(None, 32), {}`",
            ast.to_token_stream()
        ),
    );
}

/// A recurrent layer (or `SpatialDropout1D`) needs a sequence: the layer before must return
/// sequences.
fn rule_needs_sequence(
    ast: &LayerAst,
    class: &str,
    ended_by: Option<&(String, usize)>,
    errors: &mut Errors,
) {
    let message = match ended_by {
        Some((name, i)) => format!(
            "`{class}` needs a sequence, but layer {} (`{name}`) returns only its last output: \
             add `seq` (or `return_sequences = true`) to that layer",
            i + 1
        ),
        None => format!("`{class}` needs a sequence, but its input is a single vector"),
    };
    errors.push(ast, message);
}

/// `Masking` computes the mask from the model's float input: it comes right after `Input`
/// (inference no-ops such as `Dropout` may stand between).
fn rule_masking_reads_the_input(
    ast: &LayerAst,
    layers: &[Layer],
    source: Option<Source>,
    errors: &mut Errors,
) {
    let message = match source {
        Some(Source::Tokens { .. }) => {
            "`Masking` masks float inputs; a token model masks padding with `Embedding(..., mask_zero = true)` instead"
        }
        _ if layers.iter().any(|l| l.kind.role() != Role::Inert) => {
            "`Masking` must come right after `Input`: it computes the mask from the model's input; move it there"
        }
        _ => return,
    };
    errors.push(ast, message);
}

/// Every weight tensor fits: at most 2^31 values (8 GiB of f32), computed without overflow.
fn rule_params_fit(ast: &LayerAst, kind: LayerKind, errors: &mut Errors) -> u64 {
    let largest = kind.largest_tensor();
    if largest > MAX_TENSOR {
        errors.push(
            ast,
            format!(
                "`{}` would hold a tensor of {} weights ({} GiB of f32), more than the {} one tensor may hold: check the sizes",
                kind.class().name,
                group(largest),
                (largest * 4) >> 30,
                group(MAX_TENSOR)
            ),
        );
        return 0;
    }
    kind.params() as u64
}

/// Layer names are unique (Keras refuses a Sequential model with two layers of one name).
fn rule_unique_names(layers: &[Layer], errors: &mut Errors) {
    for (i, l) in layers.iter().enumerate() {
        if layers[..i].iter().any(|e| e.name == l.name) {
            errors.push(
                &l.tokens,
                format!(
                    "a layer named `{}` already exists: give this one another `name`",
                    l.name
                ),
            );
        }
    }
}

/// `1234567` -> `1,234,567`.
pub fn group(n: u128) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
