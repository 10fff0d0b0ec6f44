//! The rules over a model: what may follow what, the limits, the names. Written once and fed
//! by a declaration (`rnn_model!`'s layer list, errors on each layer's tokens) or by a file
//! (`#[weights]` with no layer list, errors naming the file's layer), so both give the same
//! message. [`Walk`] goes through the layers in order; each rule is a named function that
//! returns its message when broken.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::class::{CLASSES, Class, Role};
use crate::layer::{Flow, LayerKind};

/// The largest width (units, features, output_dim): a step's vectors live on the stack (a
/// debug build of a 16384-wide model needs about 1 MiB of it).
pub const MAX_WIDTH: u64 = 1 << 14;
/// The largest vocabulary (input_dim) or fixed length.
pub const MAX_COUNT: u64 = 1 << 24;
/// The largest number of weights one tensor may hold (8 GiB of f32).
pub const MAX_TENSOR: u128 = 1 << 31;

/// What a model's `forward` takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Token ids for a first `Embedding`; `mask_zero` makes id 0 padding.
    Tokens {
        /// The vocabulary (`input_dim`).
        vocab: usize,
        /// A fixed length (`input_length`), if any.
        steps: Option<usize>,
        /// Whether id 0 is padding.
        mask_zero: bool,
    },
    /// Float vectors of `features`, from `Input(steps, features)`.
    Floats {
        /// A fixed length, if any.
        steps: Option<usize>,
        /// Features per step.
        features: usize,
    },
}

impl Source {
    /// The input of a model whose first layer is `kind`: token ids when it is an Embedding.
    pub fn of_first(kind: &LayerKind) -> Option<Source> {
        match *kind {
            LayerKind::Embedding {
                input_dim,
                mask_zero,
                input_length,
                ..
            } => Some(Source::Tokens {
                vocab: input_dim,
                steps: input_length,
                mask_zero,
            }),
            _ => None,
        }
    }

    /// The fixed length, if any.
    pub fn steps(self) -> Option<usize> {
        match self {
            Source::Tokens { steps, .. } | Source::Floats { steps, .. } => steps,
        }
    }
}

/// What flows into the next layer.
#[derive(Clone, Copy)]
enum State {
    /// Nothing yet: the next layer is the first.
    Start,
    Known(Flow),
    /// An earlier mistake hides the shape: later shape rules stay silent, so one mistake gives
    /// one error.
    Unknown,
}

/// The walk over a model's layers in order. Positions are 0-based in the caller's list (a
/// declaration counts its `Input`); messages show them 1-based.
pub struct Walk {
    state: State,
    source: Option<Source>,
    declared_input: bool,
    /// The layer that turned the sequence into a vector, for the "needs a sequence" rule.
    ended_by: Option<(String, usize)>,
    /// Whether a layer other than an inert one came before (for `Masking`).
    past_input: bool,
    /// Whether the flow carries a step mask (`mask_zero`, `Masking`, until a layer consumes
    /// it), for the `Softmax` rule.
    masked: bool,
}

impl Default for Walk {
    fn default() -> Self {
        Walk::new()
    }
}

impl Walk {
    /// Before the first layer.
    pub fn new() -> Walk {
        Walk {
            state: State::Start,
            source: None,
            declared_input: false,
            ended_by: None,
            past_input: false,
            masked: false,
        }
    }

    /// The model's input at `position` (`None`: its shape has a mistake, reported). Broken
    /// rules are returned.
    pub fn input(&mut self, position: usize, shape: Option<(Option<usize>, usize)>) -> Vec<String> {
        let broken: Vec<String> = rule_input_first(position).into_iter().collect();
        self.declared_input = true;
        self.state = match shape {
            Some((steps, features)) if position == 0 => {
                self.source = Some(Source::Floats { steps, features });
                State::Known(Flow::Seq {
                    steps,
                    width: features,
                })
            }
            _ => State::Unknown,
        };
        broken
    }

    /// A layer whose class is unknown (reported): what follows it is unknown.
    pub fn skip(&mut self) {
        self.state = State::Unknown;
    }

    /// What a layer of `class` at `position` receives (`None`: unknown, after a mistake), and
    /// the rules its place breaks. `text` is how the layer is written, for the advice.
    pub fn enter(
        &mut self,
        position: usize,
        class: &Class,
        text: &str,
    ) -> (Option<Flow>, Vec<String>) {
        let mut broken = Vec::new();
        let flow = match (class.role, self.state) {
            (Role::Embedding, _) => {
                broken.extend(rule_embedding_first(position, self.declared_input));
                Some(Flow::Seq {
                    steps: None,
                    width: 1,
                })
            }
            (_, State::Start) => {
                broken.push(rule_first_layer_needs_input(class, text));
                None
            }
            (_, State::Known(flow)) => Some(flow),
            (_, State::Unknown) => None,
        };
        if class.sequence_only && matches!(flow, Some(Flow::Vector { .. })) {
            broken.push(rule_needs_sequence(class, self.ended_by.as_ref()));
        }
        if class.role == Role::Masking {
            broken.extend(rule_masking_reads_the_input(self.source, self.past_input));
        }
        if let Some(flow) = flow {
            broken.extend(rule_needs_vector(class, flow));
            broken.extend(rule_flatten_fixed_length(class, flow));
        }
        (flow, broken)
    }

    /// After a layer: its kind (`None` after a mistake) on the input `enter` gave, named
    /// `name`, `ok` when no mistake was reported for it. Returns its output (`None` when
    /// unknown) and the broken rules.
    pub fn leave(
        &mut self,
        position: usize,
        kind: Option<LayerKind>,
        flow_in: Option<Flow>,
        name: &str,
        ok: bool,
    ) -> (Option<Flow>, Vec<String>) {
        let mut broken = Vec::new();
        if let Some(kind) = &kind {
            broken.extend(rule_params_fit(kind));
            broken.extend(rule_softmax_unmasked(kind, self.masked));
            if kind.role() != Role::Inert {
                self.past_input = true;
            }
            self.masked = match *kind {
                LayerKind::Embedding { mask_zero, .. } => mask_zero,
                LayerKind::Masking { .. } => true,
                // Keras's windows, reductions and RepeatVector drop the mask.
                _ if kind.drops_mask() => false,
                _ => {
                    self.masked
                        && kind
                            .output(Flow::Seq {
                                steps: None,
                                width: 1,
                            })
                            .is_seq()
                }
            };
        }
        let output = match (kind, flow_in) {
            (Some(kind), Some(flow_in)) if ok && broken.is_empty() => {
                if self.source.is_none() {
                    self.source = Source::of_first(&kind);
                }
                let output = kind.output(flow_in);
                if let Some(message) = rule_length_left(&kind, flow_in) {
                    broken.push(message);
                    self.state = State::Unknown;
                    return (None, broken);
                }
                if let (Flow::Seq { .. }, Flow::Vector { .. }) = (flow_in, output) {
                    // A wrapper's `seq` goes on the layer inside it.
                    let name = match kind.inner() {
                        Some(inner) => format!("{name}`'s `{}", inner.class().name),
                        None => name.into(),
                    };
                    self.ended_by = Some((name, position));
                }
                Some(output)
            }
            _ => None,
        };
        self.state = output.map_or(State::Unknown, State::Known);
        (output, broken)
    }

    /// The model's input, once every layer is walked (`None` when a mistake hides it).
    pub fn source(&self) -> Option<Source> {
        self.source
    }
}

/// Every layer class is one `rnn_model!` implements. All the classes of a model that are not
/// are named in one message, so a user does not find them one retrain at a time; `classes`
/// holds them in order, without repeats.
pub fn rule_classes_implemented(classes: &[&str]) -> Option<String> {
    if classes.is_empty() {
        return None;
    }
    let implemented: Vec<&str> = CLASSES.iter().map(|c| c.name).collect();
    let list: Vec<String> = classes.iter().map(|c| format!("`{c}`")).collect();
    let (s, are) = if classes.len() == 1 {
        ("", "is")
    } else {
        ("es", "are")
    };
    Some(format!(
        "layer class{s} {} {are} not implemented by rnn_model! (it implements {})",
        list.join(", "),
        implemented.join(", ")
    ))
}

/// `Input` can only be the first layer: it declares what the model takes.
pub fn rule_input_first(position: usize) -> Option<String> {
    (position > 0).then(|| {
        "`Input` must be the first layer: it declares the model's input; move it to the front"
            .into()
    })
}

/// `Embedding` can only be first: it turns the model's token ids into vectors.
pub fn rule_embedding_first(position: usize, declared_input: bool) -> Option<String> {
    if position == 0 {
        return None;
    }
    let hint = if declared_input {
        "remove the `Input`: an Embedding model takes token ids, declared by the Embedding itself"
    } else {
        "move it to the front"
    };
    Some(format!(
        "`Embedding` must be the first layer (found at position {}): it maps the model's token ids to vectors; {hint}",
        position + 1
    ))
}

/// A first layer other than `Embedding` needs an `Input` to know its features.
pub fn rule_first_layer_needs_input(class: &Class, text: &str) -> String {
    format!(
        "`{}` is the first layer, so the model does not know its input: add `Input(None, F)` before it \
         (F features per timestep; a number instead of `None` fixes the length), e.g. `Input(None, 32), {text}`",
        class.name
    )
}

/// A recurrent layer (or `SpatialDropout1D`) needs a sequence: the layer before must return
/// sequences.
pub fn rule_needs_sequence(class: &Class, ended_by: Option<&(String, usize)>) -> String {
    let class = class.name;
    match ended_by {
        Some((name, i)) => format!(
            "`{class}` needs a sequence, but layer {} (`{name}`) returns only its last output: \
             add `seq` (or `return_sequences = true`) to that layer",
            i + 1
        ),
        None => format!("`{class}` needs a sequence, but its input is a single vector"),
    }
}

/// `Masking` computes the mask from the model's float input: it comes right after `Input`
/// (inference no-ops such as `Dropout` may stand between).
pub fn rule_masking_reads_the_input(source: Option<Source>, past_input: bool) -> Option<String> {
    match source {
        Some(Source::Tokens { .. }) => Some(
            "`Masking` masks float inputs; a token model masks padding with `Embedding(..., mask_zero = true)` instead".into(),
        ),
        _ if past_input => Some(
            "`Masking` must come right after `Input`: it computes the mask from the model's input; move it there".into(),
        ),
        _ => None,
    }
}

/// A `Softmax` layer (also inside `TimeDistributed`) cannot take a masked sequence: Keras
/// applies the step mask to the values, and a (batch, steps) mask does not broadcast to
/// (batch, steps, features), so both Keras 3 and tf_keras raise ("The `mask` must be
/// broadcastable to `inputs`"). `Activation(softmax)` ignores the mask and runs.
pub fn rule_softmax_unmasked(kind: &LayerKind, masked: bool) -> Option<String> {
    let softmax = |k: &LayerKind| matches!(k, LayerKind::Softmax { .. });
    (masked && (softmax(kind) || kind.inner().is_some_and(softmax))).then(|| {
        "`Softmax` cannot follow a masked sequence (`mask_zero = true` or `Masking`): Keras applies the step mask to its input and raises (\"The `mask` must be broadcastable to `inputs`\"), in Keras 3 and tf_keras alike; use `Activation(softmax)`, which ignores the mask, or consume the mask first (a recurrent layer without `seq`)".into()
    })
}

/// `RepeatVector` repeats a vector: its input is not a sequence (Keras: "expected ndim=2").
pub fn rule_needs_vector(class: &Class, flow: Flow) -> Option<String> {
    (class.role == Role::Repeat && flow.is_seq()).then(|| {
        format!(
            "`{}` repeats a single vector, but its input is a sequence: end the sequence first (a recurrent layer without `seq`, `GlobalAveragePooling1D()`, `Flatten()`)",
            class.name
        )
    })
}

/// `Flatten` makes one vector of every step: the length must be fixed, so the next layer's
/// width is known (Keras builds `Flatten` on a free length, and then refuses the `Dense`
/// after it).
pub fn rule_flatten_fixed_length(class: &Class, flow: Flow) -> Option<String> {
    (class.kind == crate::class::Kind::Flatten && matches!(flow, Flow::Seq { steps: None, .. }))
        .then(|| {
            format!(
                "`{}` needs a fixed length: its output has steps x features values; fix the length with `Input(T, F)` (or `input_length = T` on the Embedding), or pool over time instead (`GlobalAveragePooling1D()`, `GlobalMaxPooling1D()`)",
                class.name
            )
        })
}

/// A window leaves at least one step of a fixed-length input (Keras: "Computed output size
/// would be zero or negative"). With a free length, `forward` refuses a sequence shorter than
/// the model's minimum (`min_steps`).
pub fn rule_length_left(kind: &LayerKind, flow_in: Flow) -> Option<String> {
    let (Some(window), Flow::Seq { steps: Some(t), .. }) = (kind.window(), flow_in) else {
        return None;
    };
    if window.out_len(t).is_some() {
        return None;
    }
    let dilation = if window.dilation > 1 {
        format!(" {} steps apart", window.dilation)
    } else {
        String::new()
    };
    Some(format!(
        "`{}` leaves no step of its {t}-step input: a `valid` window of {} steps{dilation} spans {} steps; give it a longer input, a smaller window, or `padding = same`",
        kind.class().name,
        window.size,
        window.span()
    ))
}

/// The shortest input the layers `kinds` leave a step of (each layer's output length on the
/// one before's: [`LayerKind::output_steps`]); `None` when no length up to [`MAX_COUNT`] does.
pub fn min_steps<'k>(kinds: impl Iterator<Item = &'k LayerKind> + Clone) -> Option<usize> {
    let through = |t: usize| {
        kinds
            .clone()
            .try_fold(t, |t, k| k.output_steps(t))
            .is_some()
    };
    // Lengths are monotone in the input's: the smallest that passes, by bisection.
    let (mut lo, mut hi) = (1usize, MAX_COUNT as usize);
    if !through(hi) {
        return None;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if through(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some(lo)
}

/// Every weight tensor fits: at most 2^31 values (8 GiB of f32), computed without overflow.
pub fn rule_params_fit(kind: &LayerKind) -> Option<String> {
    let largest = kind.largest_tensor();
    (largest > MAX_TENSOR).then(|| {
        format!(
            "`{}` would hold a tensor of {} weights ({} GiB of f32), more than the {} one tensor may hold: check the sizes",
            kind.class().name,
            group(largest),
            (largest * 4) >> 30,
            group(MAX_TENSOR)
        )
    })
}

/// Layer names are unique (Keras refuses a model with two layers of one name): the positions
/// of the repeats, each with its message.
pub fn rule_unique_names(names: &[&str]) -> Vec<(usize, String)> {
    names
        .iter()
        .enumerate()
        .filter(|(i, n)| names[..*i].contains(n))
        .map(|(i, n)| {
            (
                i,
                format!("a layer named `{n}` already exists: give this one another `name`"),
            )
        })
        .collect()
}

/// `1234567` -> `1,234,567`.
pub fn group(n: u128) -> String {
    let s = format!("{n}");
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
    use crate::Activation;
    use crate::class::{DENSE, EMBEDDING, LSTM, MASKING};

    fn dense(input: usize, units: usize) -> LayerKind {
        LayerKind::Dense {
            input,
            units,
            activation: Activation::Linear,
            use_bias: true,
        }
    }

    #[test]
    fn a_walk_applies_the_rules_in_order_and_stays_silent_after_a_mistake() {
        // Input(None, 4), Dense(4), Masking(), LSTM(3): Masking after a Dense is refused; the
        // LSTM after it enters an unknown shape and breaks nothing.
        let mut w = Walk::new();
        assert!(w.input(0, Some((None, 4))).is_empty());
        let (flow, broken) = w.enter(1, &DENSE, "Dense(4)");
        assert_eq!(flow.map(Flow::width), Some(4));
        assert!(broken.is_empty());
        let (out, broken) = w.leave(1, Some(dense(4, 4)), flow, "dense", true);
        assert!(broken.is_empty() && out.is_some());
        let (_, broken) = w.enter(2, &MASKING, "Masking()");
        assert_eq!(broken.len(), 1);
        assert!(broken[0].starts_with("`Masking` must come right after `Input`"));
        w.leave(2, None, None, "masking", false);
        let (flow, broken) = w.enter(3, &LSTM, "LSTM(3)");
        assert!(flow.is_none() && broken.is_empty(), "{broken:?}");
        assert_eq!(
            w.source(),
            Some(Source::Floats {
                steps: None,
                features: 4
            })
        );
    }

    #[test]
    fn an_embedding_after_a_declared_input_is_told_to_remove_it() {
        let mut w = Walk::new();
        w.input(0, Some((None, 4)));
        let (_, broken) = w.enter(1, &EMBEDDING, "Embedding(10, 4)");
        assert!(broken[0].contains("found at position 2"), "{broken:?}");
        assert!(broken[0].contains("remove the `Input`"), "{broken:?}");
    }

    #[test]
    fn unimplemented_classes_are_named_together() {
        assert_eq!(rule_classes_implemented(&[]), None);
        let one = rule_classes_implemented(&["Conv2D"]).unwrap();
        assert!(one.starts_with("layer class `Conv2D` is not implemented by rnn_model! (it implements Input, Embedding,"), "{one}");
        let two = rule_classes_implemented(&["Conv2D", "Attention"]).unwrap();
        assert!(
            two.starts_with("layer classes `Conv2D`, `Attention` are not implemented"),
            "{two}"
        );
    }

    #[test]
    fn repeated_names_are_reported_at_each_repeat() {
        let broken = rule_unique_names(&["lstm", "dense", "lstm", "lstm"]);
        let at: Vec<usize> = broken.iter().map(|(i, _)| *i).collect();
        assert_eq!(at, [2, 3]);
        assert!(broken[0].1.contains("`lstm` already exists"));
    }
}
