//! The table of layer classes: one entry per Keras class the DSL and weights files know. Each
//! entry holds what is a fact about the class: its names, the keywords it takes with their
//! types and defaults, which options a weights file records, and its weight tensors with their
//! shapes. Parameter counts are derived from the tensor shapes, never written down beside them.

use crate::value::{Ints, Value};

/// What a layer class does in a model, for the shape rules and the plan, and so what it does
/// to a mask (Keras's `compute_mask`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `Input(T, F)`: declares the model's input; not a layer in the summary.
    Input,
    /// Maps token ids to vectors; first layer only. Makes the mask (`mask_zero`: id 0).
    Embedding,
    /// Runs over time with a state; needs a sequence. A masked step keeps the state (the
    /// output repeats); with `return_sequences` the mask goes on, without it ends here.
    Recurrent,
    /// Works on the last axis of whatever it is given (per timestep on a sequence). Passes
    /// the mask on (it computes on masked steps, as Keras does).
    PerStep,
    /// Makes the mask from float inputs (every feature equal to `mask_value`) and zeroes
    /// masked steps.
    Masking,
    /// Identity at inference: passes values and mask on.
    Inert,
    /// Slides a window over time (`Conv1D`, `MaxPooling1D`, `AveragePooling1D`): a sequence in,
    /// a sequence of its own length out, computed from the whole input sequence. Drops the
    /// mask (Keras: padded steps enter as ordinary steps; nothing after sees a mask).
    Window,
    /// Turns a sequence into one vector (`GlobalMaxPooling1D`, `GlobalAveragePooling1D`,
    /// `Flatten`), or into one step with `keepdims`. Drops the mask
    /// (`GlobalAveragePooling1D` first averages only the unmasked steps).
    Reduce,
    /// Turns a vector into a sequence of `n` copies (`RepeatVector`); no mask.
    Repeat,
}

/// Every layer kind, one variant per class: matches over kinds are exhaustive, so a class added
/// here without its constructor arm (`LayerKind::build`) or its cell is a compile error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `Input(steps, features)`.
    Input,
    /// `Embedding(input_dim, output_dim)`.
    Embedding,
    /// `SimpleRNN(units)`.
    SimpleRnn,
    /// `LSTM(units)`.
    Lstm,
    /// `GRU(units)`.
    Gru,
    /// `Dense(units)`.
    Dense,
    /// `Activation(activation)`.
    Activation,
    /// `ReLU(max_value, negative_slope, threshold)`.
    Relu,
    /// `LeakyReLU(negative_slope)` (tf_keras: `alpha`).
    LeakyRelu,
    /// `ELU(alpha)`.
    Elu,
    /// `Softmax(axis)`.
    Softmax,
    /// `BatchNormalization(axis, momentum, epsilon, center, scale)`, inference form.
    BatchNormalization,
    /// `LayerNormalization(axis, epsilon, center, scale, rms_scaling)`.
    LayerNormalization,
    /// `Masking(mask_value)`.
    Masking,
    /// `Conv1D(filters, kernel_size)`.
    Conv1d,
    /// `MaxPooling1D(pool_size)`.
    MaxPooling1d,
    /// `AveragePooling1D(pool_size)`.
    AveragePooling1d,
    /// `GlobalMaxPooling1D()`.
    GlobalMaxPooling1d,
    /// `GlobalAveragePooling1D()`.
    GlobalAveragePooling1d,
    /// `Flatten()`.
    Flatten,
    /// `RepeatVector(n)`.
    RepeatVector,
    /// `ZeroPadding1D(padding)`.
    ZeroPadding1d,
    /// `Cropping1D(cropping)`.
    Cropping1d,
    /// `UpSampling1D(size)`.
    UpSampling1d,
    /// `Reshape(target_shape)`.
    Reshape,
    /// `Permute(dims)`.
    Permute,
    /// `PReLU(shared_axes)`.
    PRelu,
    /// `Dropout(rate)`.
    Dropout,
    /// `SpatialDropout1D(rate)`.
    SpatialDropout1D,
    /// `GaussianNoise(stddev)`.
    GaussianNoise,
    /// `GaussianDropout(rate)`.
    GaussianDropout,
    /// `ActivityRegularization(l1, l2)`.
    ActivityRegularization,
    /// `Bidirectional(layer)`.
    Bidirectional,
    /// `TimeDistributed(layer)`.
    TimeDistributed,
}

/// The type a keyword takes in the DSL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A positive integer.
    Size,
    /// A positive integer or `None` (free length).
    Steps,
    /// `true` / `false` (Python's `True` / `False` too).
    Bool,
    /// An activation name.
    Activation,
    /// A string literal.
    Str,
    /// A rate in [0, 1).
    Rate,
    /// A number.
    Float,
    /// `(steps, features)`.
    Shape,
    /// Accepted for Keras compatibility and ignored (a seed, a noise shape).
    Any,
    /// A layer, written as in the list: `LSTM(32, seq)` (a wrapper's inner layer).
    Layer,
    /// How Bidirectional merges its two directions: `concat`, `sum`, `mul`, `ave`.
    Merge,
    /// An axis: an integer, negative counting from the last (`-1`).
    Axis,
    /// One of a few names, bare or quoted (`padding = same`); the first is Keras's default
    /// unless the keyword says otherwise.
    Choice(&'static [&'static str]),
    /// An integer or a tuple (or list) of integers, negative ones too: `(1, 2)`, `(-1, 4)`,
    /// `[1]`, `2`; `None` where the keyword's default is `None`.
    Ints,
}

impl Ty {
    /// The name `tools/spec.json` uses.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Size => "size",
            Ty::Steps => "steps",
            Ty::Bool => "bool",
            Ty::Activation => "activation",
            Ty::Str => "str",
            Ty::Rate => "rate",
            Ty::Float => "float",
            Ty::Shape => "shape",
            Ty::Any => "any",
            Ty::Layer => "layer",
            Ty::Merge => "merge",
            Ty::Axis => "axis",
            Ty::Choice(_) => "choice",
            Ty::Ints => "ints",
        }
    }
}

/// A keyword argument: Keras's name, its type, and Keras's default (`None`: required, or no
/// value).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Keyword {
    /// Keras's keyword name.
    pub name: &'static str,
    /// What it takes.
    pub ty: Ty,
    /// Keras's default, if it has one.
    pub default: Option<Value<'static>>,
}

/// One dimension of a weight tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dim {
    /// The layer's input width (an Embedding's vocabulary).
    In,
    /// A multiple of the layer's units (an Embedding's output_dim): 4 for LSTM's gates.
    Units(usize),
    /// A fixed size.
    Fixed(usize),
    /// The layer's size option of this name (`Conv1D`'s `kernel_size`).
    Field(&'static str),
    /// The input width over the layer's `groups` (`Conv1D`).
    InPerGroup,
    /// The layer's size option of this name on a sequence; no axis at all on a vector
    /// (`PReLU`'s alpha is shaped like its input: `(T, F)` on a sequence, `(F,)` on a vector).
    SeqField(&'static str),
}

/// A weight tensor, in Keras's `get_weights()` order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tensor {
    /// Keras's short name: `kernel`, `recurrent_kernel`, `bias`, `embeddings`.
    pub name: &'static str,
    /// Its shape in terms of the layer's sizes.
    pub shape: &'static [Dim],
    /// The boolean options, with the values they must have, for the tensor to exist
    /// (`use_bias = true`); empty: always.
    pub when: &'static [(&'static str, bool)],
    /// Whether Keras trains it: false for BatchNormalization's moving statistics, which Keras's
    /// summary counts as "Non-trainable params" (`NON_TRAINABLE_PARAMS`).
    pub trainable: bool,
}

/// Everything about one layer class.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Class {
    /// Which kind: what `LayerKind::build` and the cells match on.
    pub kind: Kind,
    /// Keras's class name: `SimpleRNN`.
    pub name: &'static str,
    /// Keras's snake-case base for automatic layer names: `simple_rnn`.
    pub snake: &'static str,
    /// What it does.
    pub role: Role,
    /// Whether it needs a sequence (Keras's `ndim = 3` input spec).
    pub sequence_only: bool,
    /// Whether weights files have a record for it (`Input` has none).
    pub in_file: bool,
    /// Names given to positional arguments, in order.
    pub positional: &'static [&'static str],
    /// Bare identifiers that set a boolean keyword to true (`seq` -> `return_sequences`).
    pub flags: &'static [(&'static str, &'static str)],
    /// Every keyword, in the order messages and printed declarations use.
    pub keywords: &'static [Keyword],
    /// The options a weights file records (those that change results), in file order.
    pub config: &'static [&'static str],
    /// Weight tensors.
    pub tensors: &'static [Tensor],
    /// Keras options that change inference and are not implemented: a file whose config sets
    /// one to a true value is refused, naming it.
    pub refused: &'static [&'static str],
    /// Why a model with this layer cannot stream one step at a time (`None`: it can, when its
    /// options let it: a `go_backwards` layer cannot).
    pub no_stream: Option<&'static str>,
    /// An example, for messages.
    pub example: &'static str,
}

impl Class {
    /// Whether it wraps another layer (`Bidirectional`, `TimeDistributed`).
    pub fn is_wrapper(&self) -> bool {
        self.positional.first() == Some(&"layer")
    }

    /// Whether this wrapper may hold `inner`: recurrent classes in `Bidirectional`, per-step and
    /// inert ones in `TimeDistributed`; a class that is not a wrapper holds none.
    pub fn wraps(&self, inner: &Class) -> bool {
        if !self.is_wrapper() {
            return false;
        }
        match self.role {
            Role::Recurrent => inner.role == Role::Recurrent && !inner.is_wrapper(),
            Role::PerStep => {
                matches!(inner.role, Role::PerStep | Role::Inert) && !inner.is_wrapper()
            }
            _ => false,
        }
    }

    /// The names of the classes this wrapper may hold ([`Class::wraps`]), in [`CLASSES`] order:
    /// what messages list and `tools/spec.json` records.
    pub fn wrapped(&self) -> impl Iterator<Item = &'static str> + '_ {
        CLASSES
            .iter()
            .filter(move |c| self.wraps(c))
            .map(|c| c.name)
    }

    /// The keyword named `name`.
    pub fn keyword(&self, name: &str) -> Option<&'static Keyword> {
        self.keywords.iter().find(|k| k.name == name)
    }

    /// The other Keras version's keyword for the recorded option `key` (LeakyReLU's tf_keras
    /// `alpha` for `negative_slope`), from [`SPELLINGS`].
    pub fn spelling_of(&self, key: &str) -> Option<&'static str> {
        SPELLINGS
            .iter()
            .find(|(class, recorded, _)| *class == self.name && *recorded == key)
            .map(|(_, _, other)| *other)
    }

    /// The default of a keyword (`None` if it has none or does not exist).
    pub fn default(&self, name: &str) -> Option<Value<'static>> {
        self.keyword(name).and_then(|k| k.default)
    }
}

const fn kw(name: &'static str, ty: Ty, default: Option<Value<'static>>) -> Keyword {
    Keyword { name, ty, default }
}
const NAME: Keyword = kw("name", Ty::Str, None);
const SEED: Keyword = kw("seed", Ty::Any, None);
const fn t(
    name: &'static str,
    shape: &'static [Dim],
    when: &'static [(&'static str, bool)],
) -> Tensor {
    Tensor {
        name,
        shape,
        when,
        trainable: true,
    }
}
/// A non-trainable tensor (BatchNormalization's `moving_mean`, `moving_variance`).
const fn frozen(name: &'static str, shape: &'static [Dim]) -> Tensor {
    Tensor {
        name,
        shape,
        when: ALWAYS,
        trainable: false,
    }
}
const ALWAYS: &[(&str, bool)] = &[];
const BIAS: &[(&str, bool)] = &[("use_bias", true)];

/// `Input(steps, features)`.
pub const INPUT: Class = Class {
    kind: Kind::Input,
    name: "Input",
    snake: "input_layer",
    role: Role::Input,
    sequence_only: false,
    in_file: false,
    positional: &["steps", "features"],
    flags: &[],
    keywords: &[
        kw("steps", Ty::Steps, None),
        kw("features", Ty::Size, None),
        kw("shape", Ty::Shape, None),
    ],
    config: &[],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "Input(None, 32)",
};

/// `Embedding(input_dim, output_dim)`.
pub const EMBEDDING: Class = Class {
    kind: Kind::Embedding,
    name: "Embedding",
    snake: "embedding",
    role: Role::Embedding,
    sequence_only: false,
    in_file: true,
    positional: &["input_dim", "output_dim"],
    flags: &[],
    keywords: &[
        kw("input_dim", Ty::Size, None),
        kw("output_dim", Ty::Size, None),
        kw("mask_zero", Ty::Bool, Some(Value::Bool(false))),
        kw("input_length", Ty::Steps, None),
        NAME,
    ],
    config: &["input_dim", "output_dim", "mask_zero", "input_length"],
    tensors: &[t("embeddings", &[Dim::In, Dim::Units(1)], ALWAYS)],
    refused: &["sparse"],
    no_stream: None,
    example: "Embedding(10000, 32, mask_zero = true)",
};

/// `SimpleRNN(units)`.
pub const SIMPLE_RNN: Class = Class {
    kind: Kind::SimpleRnn,
    name: "SimpleRNN",
    snake: "simple_rnn",
    role: Role::Recurrent,
    sequence_only: true,
    in_file: true,
    positional: &["units"],
    flags: &[("seq", "return_sequences")],
    keywords: &[
        kw("units", Ty::Size, None),
        kw("activation", Ty::Activation, Some(Value::Str("tanh"))),
        kw("use_bias", Ty::Bool, Some(Value::Bool(true))),
        kw("return_sequences", Ty::Bool, Some(Value::Bool(false))),
        kw("go_backwards", Ty::Bool, Some(Value::Bool(false))),
        NAME,
        kw("dropout", Ty::Rate, Some(Value::Float(0.0))),
        kw("recurrent_dropout", Ty::Rate, Some(Value::Float(0.0))),
        kw("unroll", Ty::Bool, Some(Value::Bool(false))),
    ],
    config: &[
        "units",
        "activation",
        "use_bias",
        "return_sequences",
        "go_backwards",
    ],
    tensors: &[
        t("kernel", &[Dim::In, Dim::Units(1)], ALWAYS),
        t("recurrent_kernel", &[Dim::Units(1), Dim::Units(1)], ALWAYS),
        t("bias", &[Dim::Units(1)], BIAS),
    ],
    refused: &[
        "return_state",
        "stateful",
        "zero_output_for_mask",
        "time_major",
    ],
    no_stream: None,
    example: "SimpleRNN(32, return_sequences = true)",
};

/// The keywords every gated recurrent layer shares, in Keras's order of importance.
macro_rules! gated_keywords {
    ($($extra:expr),*) => {
        &[
            kw("units", Ty::Size, None),
            kw("activation", Ty::Activation, Some(Value::Str("tanh"))),
            kw("recurrent_activation", Ty::Activation, Some(Value::Str("sigmoid"))),
            kw("use_bias", Ty::Bool, Some(Value::Bool(true))),
            kw("return_sequences", Ty::Bool, Some(Value::Bool(false))),
            kw("go_backwards", Ty::Bool, Some(Value::Bool(false))),
            $($extra,)*
            NAME,
            kw("dropout", Ty::Rate, Some(Value::Float(0.0))),
            kw("recurrent_dropout", Ty::Rate, Some(Value::Float(0.0))),
            kw("unroll", Ty::Bool, Some(Value::Bool(false))),
        ]
    };
}

/// `LSTM(units)`: gates i, f, c, o in the kernels' columns.
pub const LSTM: Class = Class {
    kind: Kind::Lstm,
    name: "LSTM",
    snake: "lstm",
    role: Role::Recurrent,
    sequence_only: true,
    in_file: true,
    positional: &["units"],
    flags: &[("seq", "return_sequences")],
    keywords: gated_keywords!(kw("unit_forget_bias", Ty::Bool, Some(Value::Bool(true)))),
    config: &[
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "return_sequences",
        "go_backwards",
    ],
    tensors: &[
        t("kernel", &[Dim::In, Dim::Units(4)], ALWAYS),
        t("recurrent_kernel", &[Dim::Units(1), Dim::Units(4)], ALWAYS),
        t("bias", &[Dim::Units(4)], BIAS),
    ],
    refused: &[
        "return_state",
        "stateful",
        "zero_output_for_mask",
        "time_major",
    ],
    no_stream: None,
    example: "LSTM(32, return_sequences = true)",
};

/// `GRU(units)`: gates z, r, h in the kernels' columns; with `reset_after` (Keras's default)
/// the bias has an input row and a recurrent row.
pub const GRU: Class = Class {
    kind: Kind::Gru,
    name: "GRU",
    snake: "gru",
    role: Role::Recurrent,
    sequence_only: true,
    in_file: true,
    positional: &["units"],
    flags: &[("seq", "return_sequences")],
    keywords: gated_keywords!(kw("reset_after", Ty::Bool, Some(Value::Bool(true)))),
    config: &[
        "units",
        "activation",
        "recurrent_activation",
        "use_bias",
        "return_sequences",
        "go_backwards",
        "reset_after",
    ],
    tensors: &[
        t("kernel", &[Dim::In, Dim::Units(3)], ALWAYS),
        t("recurrent_kernel", &[Dim::Units(1), Dim::Units(3)], ALWAYS),
        t(
            "bias",
            &[Dim::Fixed(2), Dim::Units(3)],
            &[("use_bias", true), ("reset_after", true)],
        ),
        t(
            "bias",
            &[Dim::Units(3)],
            &[("use_bias", true), ("reset_after", false)],
        ),
    ],
    refused: &[
        "return_state",
        "stateful",
        "zero_output_for_mask",
        "time_major",
    ],
    no_stream: None,
    example: "GRU(32, return_sequences = true)",
};

/// `Dense(units)`.
pub const DENSE: Class = Class {
    kind: Kind::Dense,
    name: "Dense",
    snake: "dense",
    role: Role::PerStep,
    sequence_only: false,
    in_file: true,
    positional: &["units"],
    flags: &[],
    keywords: &[
        kw("units", Ty::Size, None),
        kw("activation", Ty::Activation, Some(Value::Str("linear"))),
        kw("use_bias", Ty::Bool, Some(Value::Bool(true))),
        NAME,
    ],
    config: &["units", "activation", "use_bias"],
    tensors: &[
        t("kernel", &[Dim::In, Dim::Units(1)], ALWAYS),
        t("bias", &[Dim::Units(1)], BIAS),
    ],
    refused: &[],
    no_stream: None,
    example: "Dense(1, activation = sigmoid)",
};

/// `Activation(activation)`.
pub const ACTIVATION: Class = Class {
    kind: Kind::Activation,
    name: "Activation",
    snake: "activation",
    role: Role::PerStep,
    sequence_only: false,
    in_file: true,
    positional: &["activation"],
    flags: &[],
    keywords: &[kw("activation", Ty::Activation, None), NAME],
    config: &["activation"],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "Activation(softmax)",
};

/// `ReLU(max_value = None, negative_slope = 0.0, threshold = 0.0)`: `x` above `threshold`
/// (strictly), `negative_slope * (x - threshold)` at or below it, then at most `max_value`.
pub const RELU: Class = Class {
    kind: Kind::Relu,
    name: "ReLU",
    snake: "re_lu",
    role: Role::PerStep,
    sequence_only: false,
    in_file: true,
    positional: &["max_value", "negative_slope", "threshold"],
    flags: &[],
    keywords: &[
        kw("max_value", Ty::Float, Some(Value::Null)),
        kw("negative_slope", Ty::Float, Some(Value::Float(0.0))),
        kw("threshold", Ty::Float, Some(Value::Float(0.0))),
        NAME,
    ],
    config: &["max_value", "negative_slope", "threshold"],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "ReLU(max_value = 6.0)",
};

/// `LeakyReLU(negative_slope = 0.3)`: Keras 3's keyword; tf_keras's `alpha` is the same
/// option (either may be given, not both; files record `negative_slope`).
pub const LEAKY_RELU: Class = Class {
    kind: Kind::LeakyRelu,
    name: "LeakyReLU",
    snake: "leaky_re_lu",
    role: Role::PerStep,
    sequence_only: false,
    in_file: true,
    positional: &["negative_slope"],
    flags: &[],
    keywords: &[
        kw("negative_slope", Ty::Float, Some(Value::Float(0.3))),
        kw("alpha", Ty::Float, None),
        NAME,
    ],
    config: &["negative_slope"],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "LeakyReLU(negative_slope = 0.1)",
};

/// `ELU(alpha = 1.0)`: `x` above 0, `alpha * (e^x - 1)` at or below.
pub const ELU: Class = Class {
    kind: Kind::Elu,
    name: "ELU",
    snake: "elu",
    role: Role::PerStep,
    sequence_only: false,
    in_file: true,
    positional: &["alpha"],
    flags: &[],
    keywords: &[kw("alpha", Ty::Float, Some(Value::Float(1.0))), NAME],
    config: &["alpha"],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "ELU(alpha = 0.5)",
};

/// `Softmax(axis = -1)`: over the last axis only (`rule_softmax_last_axis`), so `axis` is not
/// recorded in weights files.
pub const SOFTMAX: Class = Class {
    kind: Kind::Softmax,
    name: "Softmax",
    snake: "softmax",
    role: Role::PerStep,
    sequence_only: false,
    in_file: true,
    positional: &["axis"],
    flags: &[],
    keywords: &[kw("axis", Ty::Axis, Some(Value::Float(-1.0))), NAME],
    config: &[],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "Softmax()",
};

/// `BatchNormalization(axis = -1, momentum = 0.99, epsilon = 1e-3, center = true, scale =
/// true)` at inference: `gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta`
/// per feature of the last axis (`rule_last_axis`); `momentum` only matters in training. The
/// moving statistics are not trainable.
pub const BATCH_NORMALIZATION: Class = Class {
    kind: Kind::BatchNormalization,
    name: "BatchNormalization",
    snake: "batch_normalization",
    role: Role::PerStep,
    sequence_only: false,
    in_file: true,
    positional: &["axis", "momentum", "epsilon", "center", "scale"],
    flags: &[],
    keywords: &[
        kw("axis", Ty::Axis, Some(Value::Float(-1.0))),
        kw("momentum", Ty::Float, Some(Value::Float(0.99))),
        kw("epsilon", Ty::Float, Some(Value::Float(1e-3))),
        kw("center", Ty::Bool, Some(Value::Bool(true))),
        kw("scale", Ty::Bool, Some(Value::Bool(true))),
        NAME,
    ],
    config: &["epsilon", "center", "scale"],
    tensors: &[
        t("gamma", &[Dim::Units(1)], &[("scale", true)]),
        t("beta", &[Dim::Units(1)], &[("center", true)]),
        frozen("moving_mean", &[Dim::Units(1)]),
        frozen("moving_variance", &[Dim::Units(1)]),
    ],
    refused: &["renorm"],
    no_stream: None,
    example: "BatchNormalization(epsilon = 1e-5)",
};

/// `LayerNormalization(axis = -1, epsilon = 1e-3, center = true, scale = true, rms_scaling =
/// false)`: each step (or vector) normalised over its features with its own mean and (biased)
/// variance. Keras 3's `rms_scaling` divides the uncentred input by that standard deviation
/// and keeps only `gamma` (whatever `center` and `scale` say).
pub const LAYER_NORMALIZATION: Class = Class {
    kind: Kind::LayerNormalization,
    name: "LayerNormalization",
    snake: "layer_normalization",
    role: Role::PerStep,
    sequence_only: false,
    in_file: true,
    positional: &["axis", "epsilon", "center", "scale", "rms_scaling"],
    flags: &[],
    keywords: &[
        kw("axis", Ty::Axis, Some(Value::Float(-1.0))),
        kw("epsilon", Ty::Float, Some(Value::Float(1e-3))),
        kw("center", Ty::Bool, Some(Value::Bool(true))),
        kw("scale", Ty::Bool, Some(Value::Bool(true))),
        kw("rms_scaling", Ty::Bool, Some(Value::Bool(false))),
        NAME,
    ],
    config: &["epsilon", "center", "scale", "rms_scaling"],
    tensors: &[
        t(
            "gamma",
            &[Dim::Units(1)],
            &[("scale", true), ("rms_scaling", false)],
        ),
        t("gamma", &[Dim::Units(1)], &[("rms_scaling", true)]),
        t(
            "beta",
            &[Dim::Units(1)],
            &[("center", true), ("rms_scaling", false)],
        ),
    ],
    refused: &[],
    no_stream: None,
    example: "LayerNormalization(epsilon = 1e-6)",
};

/// `Masking(mask_value = 0.0)`.
pub const MASKING: Class = Class {
    kind: Kind::Masking,
    name: "Masking",
    snake: "masking",
    role: Role::Masking,
    sequence_only: true,
    in_file: true,
    positional: &["mask_value"],
    flags: &[],
    keywords: &[kw("mask_value", Ty::Float, Some(Value::Float(0.0))), NAME],
    config: &["mask_value"],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "Masking(mask_value = 0.0)",
};

/// `padding` of a window: Keras's three (`Conv1D`); pooling takes the first two.
const PADDINGS: &[&str] = &["valid", "same", "causal"];
const POOL_PADDINGS: &[&str] = &["valid", "same"];
/// `data_format`: only `channels_last` (Keras's default) is implemented (`rule_channels_last`).
const DATA_FORMAT: Keyword = kw(
    "data_format",
    Ty::Choice(&["channels_last", "channels_first"]),
    Some(Value::Str("channels_last")),
);

/// `Conv1D(filters, kernel_size)`: `act(b + Σ_j x[t·s + j·d − pad] · K[j])` per output step
/// (docs/KERAS_LAYERS.md), each filter reading its group's channels.
pub const CONV1D: Class = Class {
    kind: Kind::Conv1d,
    name: "Conv1D",
    snake: "conv1d",
    role: Role::Window,
    sequence_only: true,
    in_file: true,
    positional: &["filters", "kernel_size"],
    flags: &[],
    keywords: &[
        kw("filters", Ty::Size, None),
        kw("kernel_size", Ty::Size, None),
        kw("strides", Ty::Size, Some(Value::Int(1))),
        kw("padding", Ty::Choice(PADDINGS), Some(Value::Str("valid"))),
        DATA_FORMAT,
        kw("dilation_rate", Ty::Size, Some(Value::Int(1))),
        kw("groups", Ty::Size, Some(Value::Int(1))),
        kw("activation", Ty::Activation, Some(Value::Str("linear"))),
        kw("use_bias", Ty::Bool, Some(Value::Bool(true))),
        NAME,
    ],
    config: &[
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "dilation_rate",
        "groups",
        "activation",
        "use_bias",
    ],
    tensors: &[
        t(
            "kernel",
            &[Dim::Field("kernel_size"), Dim::InPerGroup, Dim::Units(1)],
            ALWAYS,
        ),
        t("bias", &[Dim::Units(1)], BIAS),
    ],
    refused: &[],
    no_stream: Some(
        "is a `Conv1D` with `padding = valid` or `same`, or `strides > 1` (only a causal, stride-1 convolution never reads a later step)",
    ),
    example: "Conv1D(32, 5, activation = relu)",
};

/// The keywords of `MaxPooling1D` and `AveragePooling1D`: `strides = None` is `pool_size`.
const POOL_KEYWORDS: &[Keyword] = &[
    kw("pool_size", Ty::Size, Some(Value::Int(2))),
    kw("strides", Ty::Steps, Some(Value::Null)),
    kw(
        "padding",
        Ty::Choice(POOL_PADDINGS),
        Some(Value::Str("valid")),
    ),
    DATA_FORMAT,
    NAME,
];

/// `MaxPooling1D(pool_size = 2, strides = None, padding = valid)`: the largest of each
/// window's real steps.
pub const MAX_POOLING1D: Class = Class {
    kind: Kind::MaxPooling1d,
    name: "MaxPooling1D",
    snake: "max_pooling1d",
    role: Role::Window,
    sequence_only: true,
    in_file: true,
    positional: &["pool_size", "strides", "padding"],
    flags: &[],
    keywords: POOL_KEYWORDS,
    config: &["pool_size", "strides", "padding"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `MaxPooling1D` (it needs the steps after the current one)"),
    example: "MaxPooling1D(3)",
};

/// `AveragePooling1D(pool_size, strides = None, padding = valid)`: the mean of each window's
/// real steps (padding is not counted). Keras 3 requires `pool_size`; tf_keras defaults it to
/// 2, as here.
pub const AVERAGE_POOLING1D: Class = Class {
    kind: Kind::AveragePooling1d,
    name: "AveragePooling1D",
    snake: "average_pooling1d",
    role: Role::Window,
    sequence_only: true,
    in_file: true,
    positional: &["pool_size", "strides", "padding"],
    flags: &[],
    keywords: POOL_KEYWORDS,
    config: &["pool_size", "strides", "padding"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `AveragePooling1D` (it needs the steps after the current one)"),
    example: "AveragePooling1D(2)",
};

/// `GlobalMaxPooling1D(keepdims = false)`: the largest value of each feature over all steps
/// (masked ones too, as Keras).
pub const GLOBAL_MAX_POOLING1D: Class = Class {
    kind: Kind::GlobalMaxPooling1d,
    name: "GlobalMaxPooling1D",
    snake: "global_max_pooling1d",
    role: Role::Reduce,
    sequence_only: true,
    in_file: true,
    positional: &[],
    flags: &[],
    keywords: &[
        DATA_FORMAT,
        kw("keepdims", Ty::Bool, Some(Value::Bool(false))),
        NAME,
    ],
    config: &["keepdims"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `GlobalMaxPooling1D` (its output is over the whole sequence)"),
    example: "GlobalMaxPooling1D()",
};

/// `GlobalAveragePooling1D(keepdims = false)`: the mean of each feature over the unmasked
/// steps (an all-masked row gives NaN, as Keras).
pub const GLOBAL_AVERAGE_POOLING1D: Class = Class {
    kind: Kind::GlobalAveragePooling1d,
    name: "GlobalAveragePooling1D",
    snake: "global_average_pooling1d",
    role: Role::Reduce,
    sequence_only: true,
    in_file: true,
    positional: &[],
    flags: &[],
    keywords: &[
        DATA_FORMAT,
        kw("keepdims", Ty::Bool, Some(Value::Bool(false))),
        NAME,
    ],
    config: &["keepdims"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `GlobalAveragePooling1D` (its output is over the whole sequence)"),
    example: "GlobalAveragePooling1D()",
};

/// `Flatten()`: a fixed-length sequence as one vector, step after step.
pub const FLATTEN: Class = Class {
    kind: Kind::Flatten,
    name: "Flatten",
    snake: "flatten",
    role: Role::Reduce,
    sequence_only: true,
    in_file: true,
    positional: &[],
    flags: &[],
    keywords: &[DATA_FORMAT, NAME],
    config: &[],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `Flatten` (its output is the whole sequence)"),
    example: "Flatten()",
};

/// `RepeatVector(n)`: a vector as a sequence of `n` copies.
pub const REPEAT_VECTOR: Class = Class {
    kind: Kind::RepeatVector,
    name: "RepeatVector",
    snake: "repeat_vector",
    role: Role::Repeat,
    sequence_only: false,
    in_file: true,
    positional: &["n"],
    flags: &[],
    keywords: &[kw("n", Ty::Size, None), NAME],
    config: &["n"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `RepeatVector` (it starts a new sequence from a finished one)"),
    example: "RepeatVector(4)",
};

/// `(n, n)`: a pair default.
const fn pair(n: i64) -> Option<Value<'static>> {
    match Ints::new(&[n, n]) {
        Some(v) => Some(Value::Ints(v)),
        None => None,
    }
}

/// `ZeroPadding1D(padding = 1)`: `left` zero steps before the sequence, `right` after (an
/// integer `n` is `(n, n)`; files record the pair).
pub const ZERO_PADDING1D: Class = Class {
    kind: Kind::ZeroPadding1d,
    name: "ZeroPadding1D",
    snake: "zero_padding1d",
    role: Role::Window,
    sequence_only: true,
    in_file: true,
    positional: &["padding"],
    flags: &[],
    keywords: &[kw("padding", Ty::Ints, pair(1)), DATA_FORMAT, NAME],
    config: &["padding"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `ZeroPadding1D` (its output is longer than its input)"),
    example: "ZeroPadding1D((2, 0))",
};

/// `Cropping1D(cropping = (1, 1))`: drops `left` steps at the start and `right` at the end
/// (an integer `n` is `(n, n)`; files record the pair).
pub const CROPPING1D: Class = Class {
    kind: Kind::Cropping1d,
    name: "Cropping1D",
    snake: "cropping1d",
    role: Role::Window,
    sequence_only: true,
    in_file: true,
    positional: &["cropping"],
    flags: &[],
    keywords: &[kw("cropping", Ty::Ints, pair(1)), NAME],
    config: &["cropping"],
    tensors: &[],
    refused: &[],
    no_stream: Some(
        "is `Cropping1D` (it drops the last steps, which only the end of the sequence tells)",
    ),
    example: "Cropping1D((2, 0))",
};

/// `UpSampling1D(size = 2)`: each step `size` times in a row.
pub const UP_SAMPLING1D: Class = Class {
    kind: Kind::UpSampling1d,
    name: "UpSampling1D",
    snake: "up_sampling1d",
    role: Role::Window,
    sequence_only: true,
    in_file: true,
    positional: &["size"],
    flags: &[],
    keywords: &[kw("size", Ty::Size, Some(Value::Int(2))), NAME],
    config: &["size"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `UpSampling1D` (each input step makes several output steps)"),
    example: "UpSampling1D(2)",
};

/// `Reshape(target_shape)`: numpy's reshape of each row's values (one `-1` is inferred).
/// What it does in a model depends on its input and target (`LayerKind::role`): a sequence to
/// a sequence or to a vector, a vector to a sequence.
pub const RESHAPE: Class = Class {
    kind: Kind::Reshape,
    name: "Reshape",
    snake: "reshape",
    role: Role::Window,
    sequence_only: false,
    in_file: true,
    positional: &["target_shape"],
    flags: &[],
    keywords: &[kw("target_shape", Ty::Ints, None), NAME],
    config: &["target_shape"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `Reshape` (its steps are not its input's)"),
    example: "Reshape((-1, 1))",
};

/// `Permute(dims)`: `(2, 1)` swaps a sequence's time and feature axes (1-based, as Keras).
pub const PERMUTE: Class = Class {
    kind: Kind::Permute,
    name: "Permute",
    snake: "permute",
    role: Role::Window,
    sequence_only: true,
    in_file: true,
    positional: &["dims"],
    flags: &[],
    keywords: &[kw("dims", Ty::Ints, None), NAME],
    config: &["dims"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `Permute` (each output step reads every input step)"),
    example: "Permute((2, 1))",
};

/// `PReLU(shared_axes = None)`: `max(x, 0) + alpha · min(x, 0)` with a learned `alpha` shaped
/// like the input (`(T, F)` on a sequence, `(F,)` on a vector), each shared axis 1.
pub const PRELU: Class = Class {
    kind: Kind::PRelu,
    name: "PReLU",
    snake: "p_re_lu",
    role: Role::PerStep,
    sequence_only: false,
    in_file: true,
    positional: &[],
    flags: &[],
    keywords: &[
        kw("alpha_initializer", Ty::Any, None),
        kw("alpha_regularizer", Ty::Any, None),
        kw("alpha_constraint", Ty::Any, None),
        kw("shared_axes", Ty::Ints, Some(Value::Null)),
        NAME,
    ],
    config: &["shared_axes"],
    tensors: &[t(
        "alpha",
        &[Dim::SeqField("alpha_steps"), Dim::Field("alpha_width")],
        ALWAYS,
    )],
    refused: &[],
    no_stream: Some(
        "is a `PReLU` with an alpha per step (without `shared_axes = [1]`), and a stream does not know its position",
    ),
    example: "PReLU(shared_axes = [1])",
};

/// `Dropout(rate)`: identity at inference.
pub const DROPOUT: Class = Class {
    kind: Kind::Dropout,
    name: "Dropout",
    snake: "dropout",
    role: Role::Inert,
    sequence_only: false,
    in_file: true,
    positional: &["rate"],
    flags: &[],
    keywords: &[
        kw("rate", Ty::Rate, None),
        kw("noise_shape", Ty::Any, None),
        SEED,
        NAME,
    ],
    config: &[],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "Dropout(0.5)",
};

/// `SpatialDropout1D(rate)`: identity at inference.
pub const SPATIAL_DROPOUT1D: Class = Class {
    kind: Kind::SpatialDropout1D,
    name: "SpatialDropout1D",
    snake: "spatial_dropout1d",
    role: Role::Inert,
    sequence_only: true,
    in_file: true,
    positional: &["rate"],
    flags: &[],
    keywords: &[kw("rate", Ty::Rate, None), SEED, NAME],
    config: &[],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "SpatialDropout1D(0.2)",
};

/// `GaussianNoise(stddev)`: identity at inference.
pub const GAUSSIAN_NOISE: Class = Class {
    kind: Kind::GaussianNoise,
    name: "GaussianNoise",
    snake: "gaussian_noise",
    role: Role::Inert,
    sequence_only: false,
    in_file: true,
    positional: &["stddev"],
    flags: &[],
    keywords: &[kw("stddev", Ty::Float, None), SEED, NAME],
    config: &[],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "GaussianNoise(0.1)",
};

/// `GaussianDropout(rate)`: identity at inference.
pub const GAUSSIAN_DROPOUT: Class = Class {
    kind: Kind::GaussianDropout,
    name: "GaussianDropout",
    snake: "gaussian_dropout",
    role: Role::Inert,
    sequence_only: false,
    in_file: true,
    positional: &["rate"],
    flags: &[],
    keywords: &[kw("rate", Ty::Rate, None), SEED, NAME],
    config: &[],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "GaussianDropout(0.3)",
};

/// `ActivityRegularization(l1 = 0.0, l2 = 0.0)`: identity at inference.
pub const ACTIVITY_REGULARIZATION: Class = Class {
    kind: Kind::ActivityRegularization,
    name: "ActivityRegularization",
    snake: "activity_regularization",
    role: Role::Inert,
    sequence_only: false,
    in_file: true,
    positional: &["l1", "l2"],
    flags: &[],
    keywords: &[
        kw("l1", Ty::Float, Some(Value::Float(0.0))),
        kw("l2", Ty::Float, Some(Value::Float(0.0))),
        NAME,
    ],
    config: &[],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "ActivityRegularization(l1 = 0.01)",
};

/// `Bidirectional(layer, merge_mode = concat)`: the inner recurrent layer run forwards and,
/// as a second copy with its own weights, backwards; the two outputs merged. Its options are
/// `merge_mode`, the inner class (`layer`) and the inner layer's own; its tensors are the inner
/// layer's, twice (`forward_*`, then `backward_*`).
pub const BIDIRECTIONAL: Class = Class {
    kind: Kind::Bidirectional,
    name: "Bidirectional",
    snake: "bidirectional",
    role: Role::Recurrent,
    sequence_only: true,
    in_file: true,
    positional: &["layer"],
    flags: &[],
    keywords: &[
        kw("layer", Ty::Layer, None),
        kw("merge_mode", Ty::Merge, Some(Value::Str("concat"))),
        kw("backward_layer", Ty::Layer, None),
        NAME,
    ],
    config: &["merge_mode", "layer"],
    tensors: &[],
    refused: &[],
    no_stream: Some("is `Bidirectional` (its backward copy starts at the last step)"),
    example: "Bidirectional(LSTM(32, seq), merge_mode = concat)",
};

/// `TimeDistributed(layer)`: the inner per-step layer on every timestep. Its options are the
/// inner class (`layer`) and the inner layer's own; its tensors are the inner layer's.
pub const TIME_DISTRIBUTED: Class = Class {
    kind: Kind::TimeDistributed,
    name: "TimeDistributed",
    snake: "time_distributed",
    role: Role::PerStep,
    sequence_only: true,
    in_file: true,
    positional: &["layer"],
    flags: &[],
    keywords: &[kw("layer", Ty::Layer, None), NAME],
    config: &["layer"],
    tensors: &[],
    refused: &[],
    no_stream: None,
    example: "TimeDistributed(Dense(3, activation = softmax))",
};

/// Every class, in the order the DSL's messages list them.
pub const CLASSES: &[&Class] = &[
    &INPUT,
    &EMBEDDING,
    &SIMPLE_RNN,
    &LSTM,
    &GRU,
    &DENSE,
    &ACTIVATION,
    &RELU,
    &LEAKY_RELU,
    &ELU,
    &SOFTMAX,
    &BATCH_NORMALIZATION,
    &LAYER_NORMALIZATION,
    &MASKING,
    &CONV1D,
    &MAX_POOLING1D,
    &AVERAGE_POOLING1D,
    &GLOBAL_MAX_POOLING1D,
    &GLOBAL_AVERAGE_POOLING1D,
    &FLATTEN,
    &REPEAT_VECTOR,
    &ZERO_PADDING1D,
    &CROPPING1D,
    &UP_SAMPLING1D,
    &RESHAPE,
    &PERMUTE,
    &PRELU,
    &DROPOUT,
    &SPATIAL_DROPOUT1D,
    &GAUSSIAN_NOISE,
    &GAUSSIAN_DROPOUT,
    &ACTIVITY_REGULARIZATION,
    &BIDIRECTIONAL,
    &TIME_DISTRIBUTED,
];

/// Options Keras 3 and tf_keras spell differently: (class, the keyword files record, the other
/// version's keyword). Both are keywords of the class; giving both is refused; a Keras file
/// that has only the other spelling is read as the recorded one.
pub const SPELLINGS: &[(&str, &str, &str)] = &[("LeakyReLU", "negative_slope", "alpha")];

/// The class named `name`.
pub fn class(name: &str) -> Option<&'static Class> {
    CLASSES.iter().copied().find(|c| c.name == name)
}
