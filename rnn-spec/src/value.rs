//! Option values, as the DSL's defaults and the weights file's `config` hold them.

use core::fmt;

/// A JSON-like scalar: what a layer option is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// JSON `null` (Keras's `None`).
    Null,
    /// A boolean.
    Bool(bool),
    /// A non-negative integer.
    Int(u64),
    /// A number with a fraction or exponent (or negative).
    Float(f64),
    /// A string.
    Str(&'a str),
    /// Anything else a file may hold (an array or object), as its JSON text.
    Other(&'a str),
}

impl fmt::Display for Value<'_> {
    /// JSON text: `null`, `true`, `32`, `0.5`, `"tanh"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            // `0.0`, `0.5`, `1e20`: always a float, as Python's repr.
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Other(s) => f.write_str(s),
        }
    }
}

impl Value<'_> {
    /// The DSL's spelling: `true`, `32`, `0.5`, `tanh`, `None`.
    #[cfg(feature = "alloc")]
    pub fn dsl(&self) -> alloc::string::String {
        use alloc::string::ToString;
        match self {
            Value::Null => "None".into(),
            Value::Str(s) => s.to_string(),
            other => other.to_string(),
        }
    }
}
