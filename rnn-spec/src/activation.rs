//! Keras activation names. The arithmetic lives in the runtime; this is what the names mean.

/// A Keras activation. `Linear` is Keras's `None` / `"linear"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Activation {
    /// `x`.
    Linear,
    /// `max(x, 0)`.
    Relu,
    /// `1 / (1 + e^-x)`.
    Sigmoid,
    /// `tanh(x)`.
    Tanh,
    /// Over the last axis (the units of one timestep).
    Softmax,
    /// `x` above 0, `e^x - 1` below.
    Elu,
    /// Scaled ELU with Keras's constants.
    Selu,
    /// `ln(1 + e^x)`.
    Softplus,
    /// `x / (1 + |x|)`.
    Softsign,
    /// `x * sigmoid(x)`; Keras's `silu` is the same function.
    Swish,
    /// The exact erf form, Keras's default (`approximate=False`).
    Gelu,
    /// `e^x`.
    Exponential,
    /// Keras 3: `clip(x / 6 + 1/2, 0, 1)`.
    HardSigmoid,
    /// Keras 2 / tf_keras: `clip(0.2 x + 1/2, 0, 1)`.
    HardSigmoidKeras2,
    /// `clip(x, 0, 6)`.
    Relu6,
    /// Negative slope 0.2, Keras's default.
    LeakyRelu,
    /// `x * tanh(softplus(x))`.
    Mish,
    /// Over the last axis.
    LogSoftmax,
}

impl Activation {
    /// Every activation with its Keras name, in the order Keras documents them. These are the
    /// names weights files carry and the DSL accepts.
    pub const ALL: &'static [(&'static str, Activation)] = &[
        ("linear", Activation::Linear),
        ("relu", Activation::Relu),
        ("sigmoid", Activation::Sigmoid),
        ("tanh", Activation::Tanh),
        ("softmax", Activation::Softmax),
        ("elu", Activation::Elu),
        ("selu", Activation::Selu),
        ("softplus", Activation::Softplus),
        ("softsign", Activation::Softsign),
        ("swish", Activation::Swish),
        ("gelu", Activation::Gelu),
        ("exponential", Activation::Exponential),
        ("hard_sigmoid", Activation::HardSigmoid),
        ("hard_sigmoid_keras2", Activation::HardSigmoidKeras2),
        ("relu6", Activation::Relu6),
        ("leaky_relu", Activation::LeakyRelu),
        ("mish", Activation::Mish),
        ("log_softmax", Activation::LogSoftmax),
    ];

    /// Other spellings Keras accepts for the same function.
    pub const ALIASES: &'static [(&'static str, Activation)] = &[
        ("silu", Activation::Swish),
        ("None", Activation::Linear),
        ("none", Activation::Linear),
    ];

    /// The Keras name (`"tanh"`, ...), as written in weights files.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("linear", |(n, _)| *n)
    }

    /// Parses a Keras activation name or alias (`silu` is `swish`, `None` is linear).
    pub fn from_name(name: &str) -> Option<Activation> {
        Self::ALL
            .iter()
            .chain(Self::ALIASES)
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
    }

    /// The Rust variant name, for generated code (`HardSigmoidKeras2`).
    pub fn variant(self) -> &'static str {
        match self {
            Activation::Linear => "Linear",
            Activation::Relu => "Relu",
            Activation::Sigmoid => "Sigmoid",
            Activation::Tanh => "Tanh",
            Activation::Softmax => "Softmax",
            Activation::Elu => "Elu",
            Activation::Selu => "Selu",
            Activation::Softplus => "Softplus",
            Activation::Softsign => "Softsign",
            Activation::Swish => "Swish",
            Activation::Gelu => "Gelu",
            Activation::Exponential => "Exponential",
            Activation::HardSigmoid => "HardSigmoid",
            Activation::HardSigmoidKeras2 => "HardSigmoidKeras2",
            Activation::Relu6 => "Relu6",
            Activation::LeakyRelu => "LeakyRelu",
            Activation::Mish => "Mish",
            Activation::LogSoftmax => "LogSoftmax",
        }
    }

    /// Whether it works over the whole last axis rather than element by element.
    pub fn over_last_axis(self) -> bool {
        matches!(self, Activation::Softmax | Activation::LogSoftmax)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases_resolve() {
        for (name, a) in Activation::ALL {
            assert_eq!(Activation::from_name(name), Some(*a));
            assert_eq!(a.name(), *name);
        }
        assert_eq!(Activation::from_name("silu"), Some(Activation::Swish));
        assert_eq!(Activation::from_name("None"), Some(Activation::Linear));
        assert_eq!(Activation::from_name("tanhh"), None);
    }
}
