//! Stage 2: the AST to a checked [`Model`]: argument types, shape inference, parameter counts,
//! layer names. Each rule is one function whose comment states it. Errors are collected, each
//! on the exact tokens at fault, and a layer that fails still passes on its best-guess shape
//! (or "unknown") so that one mistake gives one error.

use proc_macro2::Span;
use quote::ToTokens;

use crate::args::{self, MAX_COUNT, MAX_WIDTH, Reader, Spec, Ty};
use crate::model::{Flow, Kind, Layer, Model, Source};
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

const LAYER_CLASSES: &[&str] = &["Input", "Embedding", "SimpleRNN", "Dense"];
const PLANNED: &[&str] = &[
    "LSTM",
    "GRU",
    "Bidirectional",
    "Dropout",
    "Masking",
    "Conv1D",
];

const INPUT: Spec = Spec {
    class: "Input",
    positional: &["steps", "features"],
    flags: &[],
    keywords: &[("shape", Ty::Shape)],
    example: "Input(None, 32)",
};
const EMBEDDING: Spec = Spec {
    class: "Embedding",
    positional: &["input_dim", "output_dim"],
    flags: &[],
    keywords: &[
        ("input_dim", Ty::Size),
        ("output_dim", Ty::Size),
        ("mask_zero", Ty::Bool),
        ("input_length", Ty::Size),
        ("name", Ty::Str),
    ],
    example: "Embedding(10000, 32, mask_zero = true)",
};
const SIMPLE_RNN: Spec = Spec {
    class: "SimpleRNN",
    positional: &["units"],
    flags: &[("seq", "return_sequences")],
    keywords: &[
        ("units", Ty::Size),
        ("activation", Ty::Activation),
        ("use_bias", Ty::Bool),
        ("return_sequences", Ty::Bool),
        ("go_backwards", Ty::Bool),
        ("name", Ty::Str),
        ("dropout", Ty::Rate),
        ("recurrent_dropout", Ty::Rate),
        ("unroll", Ty::Bool),
    ],
    example: "SimpleRNN(32, return_sequences = true)",
};
const DENSE: Spec = Spec {
    class: "Dense",
    positional: &["units"],
    flags: &[],
    keywords: &[
        ("units", Ty::Size),
        ("activation", Ty::Activation),
        ("use_bias", Ty::Bool),
        ("name", Ty::Str),
    ],
    example: "Dense(1, activation = sigmoid)",
};

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
        match class {
            "Input" => {
                rule_input_first(index, ast, &mut errors);
                match read_input(ast, &mut errors) {
                    Some((steps, features)) if index == 0 => {
                        source = Some(Source::Floats { steps, features });
                        state = State::Known(Flow::Seq {
                            steps,
                            width: features,
                        });
                    }
                    _ => state = State::Unknown,
                }
            }
            "Embedding" => {
                rule_embedding_first(index, ast, def, &mut errors);
                let kind = read_embedding(ast, &mut errors);
                match kind {
                    Some(Kind::Embedding {
                        input_dim,
                        output_dim,
                        mask_zero,
                        input_length,
                    }) => {
                        if index == 0 {
                            source = Some(Source::Tokens {
                                vocab: input_dim,
                                steps: input_length,
                                mask_zero,
                            });
                        }
                        let output = Flow::Seq {
                            steps: input_length,
                            width: output_dim,
                        };
                        push_layer(
                            &mut layers,
                            ast,
                            kind.unwrap_or_else(|| unreachable!()),
                            input_dim,
                            output,
                            &mut errors,
                        );
                        state = if index == 0 {
                            State::Known(output)
                        } else {
                            State::Unknown
                        };
                    }
                    _ => state = State::Unknown,
                }
            }
            "SimpleRNN" | "Dense" => {
                let kind = if class == "Dense" {
                    read_dense(ast, &mut errors)
                } else {
                    read_simple_rnn(ast, &mut errors)
                };
                let flow_in = match state {
                    State::Start => {
                        rule_first_layer_needs_input(ast, class, &mut errors);
                        None
                    }
                    State::Known(flow) => Some(flow),
                    State::Unknown => None,
                };
                if class == "SimpleRNN" && matches!(flow_in, Some(Flow::Vector { .. })) {
                    rule_recurrent_needs_sequence(ast, ended_by.as_ref(), &mut errors);
                }
                state = match (kind, flow_in) {
                    (Some(kind), Some(flow_in))
                        if !(kind.is_recurrent() && matches!(flow_in, Flow::Vector { .. })) =>
                    {
                        let output = output_of(kind, flow_in);
                        push_layer(&mut layers, ast, kind, flow_in.width(), output, &mut errors);
                        if let (Flow::Seq { .. }, Flow::Vector { .. }, Some(l)) =
                            (flow_in, output, layers.last())
                        {
                            ended_by = Some((l.name.clone(), index));
                        }
                        State::Known(output)
                    }
                    _ => State::Unknown,
                };
            }
            _ => unreachable!("rule_known_layer returns a listed class"),
        }
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
    Ok(Model {
        attrs: def.attrs.clone(),
        vis: def.vis.clone(),
        ident: def.name.clone(),
        name: snake_case(&def.name.to_string()),
        input,
        layers,
    })
}

/// The output of a layer given its input.
fn output_of(kind: Kind, input: Flow) -> Flow {
    match (kind, input) {
        (
            Kind::SimpleRnn {
                units,
                return_sequences: true,
                ..
            },
            Flow::Seq { steps, .. },
        ) => Flow::Seq {
            steps,
            width: units,
        },
        (Kind::SimpleRnn { units, .. }, _) => Flow::Vector { width: units },
        // Dense works on the last axis: per timestep on a sequence.
        (Kind::Dense { units, .. }, Flow::Seq { steps, .. }) => Flow::Seq {
            steps,
            width: units,
        },
        (Kind::Dense { units, .. }, Flow::Vector { .. }) => Flow::Vector { width: units },
        (Kind::Embedding { .. }, flow) => flow,
    }
}

/// Names a layer as Keras does, counts its parameters, and checks they fit.
fn push_layer(
    layers: &mut Vec<Layer>,
    ast: &LayerAst,
    kind: Kind,
    input_width: usize,
    output: Flow,
    errors: &mut Errors,
) {
    let explicit = explicit_name(ast);
    let name = explicit.unwrap_or_else(|| keras_auto_name(kind.class(), layers));
    let params = rule_params_fit(ast, kind, input_width, errors);
    layers.push(Layer {
        name,
        kind,
        input_width,
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

/// Keras's automatic name: the class in snake_case, then `_1`, `_2`, ... for each repeat
/// (explicitly named layers do not use up a number).
fn keras_auto_name(class: &str, earlier: &[Layer]) -> String {
    let base = snake_case(class);
    let n = earlier
        .iter()
        .filter(|l| l.kind.class() == class && is_auto_name(&l.name, &base))
        .count();
    if n == 0 { base } else { format!("{base}_{n}") }
}

fn is_auto_name(name: &str, base: &str) -> bool {
    name == base
        || name
            .strip_prefix(base)
            .and_then(|r| r.strip_prefix('_'))
            .is_some_and(|n| n.parse::<u64>().is_ok())
}

/// Keras's `to_snake_case`: `Sequential` -> `sequential`, `SimpleRNN` -> `simple_rnn`.
pub fn snake_case(name: &str) -> String {
    // Pass 1: `(.)([A-Z][a-z]+)` -> `\1_\2`; pass 2: `([a-z])([A-Z])` -> `\1_\2`; then lowercase.
    let c: Vec<char> = name.chars().collect();
    let mut pass1 = String::new();
    let mut i = 0;
    while i < c.len() {
        pass1.push(c[i]);
        if i + 2 < c.len() + 1
            && i + 1 < c.len()
            && c[i + 1].is_ascii_uppercase()
            && c.get(i + 2).is_some_and(|ch| ch.is_ascii_lowercase())
        {
            pass1.push('_');
        }
        i += 1;
    }
    let c: Vec<char> = pass1.chars().collect();
    let mut out = String::new();
    for (i, ch) in c.iter().enumerate() {
        out.push(*ch);
        if ch.is_ascii_lowercase() && c.get(i + 1).is_some_and(|n| n.is_ascii_uppercase()) {
            out.push('_');
        }
    }
    out.to_lowercase()
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
fn rule_known_layer(ast: &LayerAst, errors: &mut Errors) -> Option<&'static str> {
    let name = ast.kind.to_string();
    if let Some(c) = LAYER_CLASSES.iter().find(|c| **c == name) {
        return Some(c);
    }
    let supported = LAYER_CLASSES.join(", ");
    let message = if let Some(c) = closest(&name, LAYER_CLASSES) {
        format!("unknown layer `{name}`: did you mean `{c}`? (layers: {supported})")
    } else if PLANNED.contains(&name.as_str()) {
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

/// A first `SimpleRNN` or `Dense` needs an `Input` to know its features.
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

/// A recurrent layer needs a sequence: the layer before must return sequences.
fn rule_recurrent_needs_sequence(
    ast: &LayerAst,
    ended_by: Option<&(String, usize)>,
    errors: &mut Errors,
) {
    let message = match ended_by {
        Some((name, i)) => format!(
            "`SimpleRNN` needs a sequence, but layer {} (`{name}`) returns only its last output: \
             add `seq` (or `return_sequences = true`) to that layer",
            i + 1
        ),
        None => "`SimpleRNN` needs a sequence, but its input is a single vector".to_string(),
    };
    errors.push(ast, message);
}

/// Every weight tensor fits: at most 2^31 values (8 GiB of f32), computed without overflow.
fn rule_params_fit(ast: &LayerAst, kind: Kind, input: usize, errors: &mut Errors) -> u64 {
    let (i, bias) = (input as u128, |b: bool, u: u128| if b { u } else { 0 });
    let (largest, total) = match kind {
        Kind::Embedding {
            input_dim,
            output_dim,
            ..
        } => {
            let n = input_dim as u128 * output_dim as u128;
            (n, n)
        }
        Kind::SimpleRnn {
            units, use_bias, ..
        } => {
            let u = units as u128;
            ((i * u).max(u * u), i * u + u * u + bias(use_bias, u))
        }
        Kind::Dense {
            units, use_bias, ..
        } => {
            let u = units as u128;
            (i * u, i * u + bias(use_bias, u))
        }
    };
    if largest > MAX_TENSOR {
        errors.push(
            ast,
            format!(
                "`{}` would hold a tensor of {} weights ({} GiB of f32), more than the {} one tensor may hold: check the sizes",
                kind.class(),
                group(largest),
                (largest * 4) >> 30,
                group(MAX_TENSOR)
            ),
        );
        return 0;
    }
    total as u64
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

// ---- per-class argument reading -----------------------------------------------------------

fn reader<'a, 'e>(ast: &'a LayerAst, spec: &Spec, errors: &'e mut Errors) -> Reader<'a, 'e> {
    let bound = args::bind(ast, spec, errors);
    Reader {
        bound,
        errors,
        class: spec.class,
    }
}

fn missing(ast: &LayerAst, what: &str, spec: &Spec, errors: &mut Errors) {
    errors.push(
        ast,
        format!("`{}` needs {what}, e.g. `{}`", spec.class, spec.example),
    );
}

/// `Input(steps, features)` or `Input(shape = (steps, features))`.
fn read_input(ast: &LayerAst, errors: &mut Errors) -> Option<(Option<usize>, usize)> {
    let mut r = reader(ast, &INPUT, errors);
    let shape = r.shape("shape");
    let positional = (r.has("steps"), r.has("features"));
    let steps = r.steps("steps");
    let features = r.size("features", MAX_WIDTH);
    match (shape, positional) {
        (Ok(Some(s)), (false, false)) => Some(s),
        (Ok(Some(_)), _) => {
            let t = r.tokens("shape");
            r.errors.push(t, "give the shape once: either `Input(steps, features)` or `Input(shape = (steps, features))`");
            None
        }
        (Err(()), _) => None,
        (Ok(None), (true, true)) => match (steps, features) {
            (Ok(s), Ok(Some(f))) => Some((s, f)),
            _ => None,
        },
        (Ok(None), _) => {
            missing(
                ast,
                "its timesteps and features: `Input(None, F)` for free-length sequences of F features",
                &INPUT,
                r.errors,
            );
            None
        }
    }
}

fn read_embedding(ast: &LayerAst, errors: &mut Errors) -> Option<Kind> {
    let mut r = reader(ast, &EMBEDDING, errors);
    let input_dim = r.size("input_dim", MAX_COUNT);
    let output_dim = r.size("output_dim", MAX_WIDTH);
    let mask_zero = r.boolean("mask_zero", false);
    let input_length = r.size("input_length", MAX_COUNT);
    r.string("name");
    match (input_dim, output_dim, input_length) {
        (Ok(Some(input_dim)), Ok(Some(output_dim)), Ok(input_length)) => Some(Kind::Embedding {
            input_dim,
            output_dim,
            mask_zero,
            input_length,
        }),
        (Ok(None), _, _) | (_, Ok(None), _) => {
            missing(
                ast,
                "`input_dim` (vocabulary size) and `output_dim` (vector width)",
                &EMBEDDING,
                r.errors,
            );
            None
        }
        _ => None,
    }
}

fn read_simple_rnn(ast: &LayerAst, errors: &mut Errors) -> Option<Kind> {
    let mut r = reader(ast, &SIMPLE_RNN, errors);
    let units = r.size("units", MAX_WIDTH);
    let activation = r.activation("activation", "tanh");
    let use_bias = r.boolean("use_bias", true);
    let return_sequences = r.boolean("return_sequences", false);
    let go_backwards = r.boolean("go_backwards", false);
    r.boolean("unroll", false);
    r.rate("dropout");
    r.rate("recurrent_dropout");
    r.string("name");
    match units {
        Ok(Some(units)) => Some(Kind::SimpleRnn {
            units,
            activation,
            use_bias,
            return_sequences,
            go_backwards,
        }),
        Ok(None) => {
            missing(ast, "`units`", &SIMPLE_RNN, r.errors);
            None
        }
        Err(()) => None,
    }
}

fn read_dense(ast: &LayerAst, errors: &mut Errors) -> Option<Kind> {
    let mut r = reader(ast, &DENSE, errors);
    let units = r.size("units", MAX_WIDTH);
    let activation = r.activation("activation", "linear");
    let use_bias = r.boolean("use_bias", true);
    r.string("name");
    match units {
        Ok(Some(units)) => Some(Kind::Dense {
            units,
            activation,
            use_bias,
        }),
        Ok(None) => {
            missing(ast, "`units`", &DENSE, r.errors);
            None
        }
        Err(()) => None,
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
        assert_eq!(m.layers[1].input_width, 5);
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
    fn model_names_are_keras_snake_case() {
        assert_eq!(snake_case("Sequential"), "sequential");
        assert_eq!(snake_case("SimpleRNN"), "simple_rnn");
        assert_eq!(snake_case("ActRnnRelu"), "act_rnn_relu");
        assert_eq!(snake_case("IMDBModel"), "imdb_model");
        assert_eq!(snake_case("Seed1"), "seed1");
    }

    #[test]
    fn activations_and_options_are_read_with_keras_defaults() {
        let m = model(
            "struct M<Input(None, 3), SimpleRNN(4, activation = \"relu\", go_backwards = true), Dense(2)>;",
        );
        match m.layers[0].kind {
            Kind::SimpleRnn {
                activation,
                use_bias,
                return_sequences,
                go_backwards,
                ..
            } => {
                assert_eq!(activation.keras, "relu");
                assert!(use_bias && !return_sequences && go_backwards);
            }
            other => panic!("{other:?}"),
        }
        match m.layers[1].kind {
            Kind::Dense { activation, .. } => assert_eq!(activation.keras, "linear"),
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
