//! Binding a layer's arguments to its parameter names, and reading typed values from them.
//! Every problem becomes an error on the argument's own tokens; binding goes on past errors so
//! all of a layer's mistakes are reported together.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::check::Errors;
use crate::parse::{Arg, LayerAst, Value};
use crate::suggest::closest;
use rnn_spec::Activation;

pub use rnn_spec::Class as Spec;

/// One bound argument: its value and the tokens to point at.
pub struct Bound<'a> {
    pub key: &'static str,
    pub value: Option<&'a Value>,
    pub tokens: TokenStream,
}

/// Binds `ast`'s arguments to `spec`'s names: positional, flags, then keywords.
pub fn bind<'a>(ast: &'a LayerAst, spec: &Spec, errors: &mut Errors) -> Vec<Bound<'a>> {
    let mut bound: Vec<Bound<'a>> = Vec::new();
    let mut next_positional = 0;
    for arg in &ast.args {
        let tokens = arg.to_token_stream();
        let (key, value) = match arg {
            Arg::Keyword { key, value, .. } => {
                let name = key.to_string();
                match spec.keywords.iter().find(|k| k.name == name) {
                    Some(k) => (k.name, Some(value)),
                    None => {
                        errors.push(key, unknown_keyword(&name, spec));
                        continue;
                    }
                }
            }
            Arg::Positional(Value::Ident(id)) if spec.flags.iter().any(|(f, _)| id == f) => {
                let (_, k) = spec
                    .flags
                    .iter()
                    .find(|(f, _)| id == f)
                    .copied()
                    .unwrap_or(("", ""));
                let key = spec.keyword(k).map_or("", |kw| kw.name);
                (key, None)
            }
            Arg::Positional(value) => {
                // `Activation(relu)`: a bare name is the value of an activation positional.
                let takes_name = spec
                    .positional
                    .get(next_positional)
                    .and_then(|p| spec.keyword(p))
                    .is_some_and(|k| {
                        matches!(k.ty, rnn_spec::Ty::Activation | rnn_spec::Ty::Layer)
                    });
                if let Value::Ident(id) = value
                    && !takes_name
                {
                    let name = id.to_string();
                    if let Some(k) = spec.keyword(&name).map(|k| k.name) {
                        errors.push(
                            id,
                            format!(
                                "`{k}` needs a value: write `{k} = ...`, e.g. `{}`",
                                spec.example
                            ),
                        );
                        continue;
                    }
                    if name != "None" {
                        errors.push(id, unknown_positional(&name, spec));
                        continue;
                    }
                }
                match spec.positional.get(next_positional) {
                    Some(k) => {
                        next_positional += 1;
                        (*k, Some(value))
                    }
                    None => {
                        errors.push(
                            value,
                            format!(
                                "`{}` takes {} positional argument{}, found another: `{}`; e.g. `{}`",
                                spec.name,
                                spec.positional.len(),
                                if spec.positional.len() == 1 { "" } else { "s" },
                                quote!(#value),
                                spec.example
                            ),
                        );
                        continue;
                    }
                }
            }
        };
        if let Some(first) = bound.iter().find(|b| b.key == key) {
            errors.push(
                &tokens,
                format!(
                    "`{key}` is given twice: first as `{}`; remove one",
                    first.tokens
                ),
            );
            continue;
        }
        bound.push(Bound { key, value, tokens });
    }
    bound
}

fn unknown_keyword(name: &str, spec: &Spec) -> String {
    let names: Vec<&str> = spec.keywords.iter().map(|k| k.name).collect();
    let hint = match closest(name, &names) {
        Some(c) => format!("did you mean `{c}`? "),
        None => String::new(),
    };
    format!(
        "unknown keyword `{name}` for `{}`: {hint}`{}` takes {}",
        spec.name,
        spec.name,
        names.join(", ")
    )
}

fn unknown_positional(name: &str, spec: &Spec) -> String {
    let mut names: Vec<&str> = spec.flags.iter().map(|(f, _)| *f).collect();
    names.extend(spec.keywords.iter().map(|k| k.name));
    let hint = match closest(name, &names) {
        Some(c) => format!("did you mean `{c}`? "),
        None => String::new(),
    };
    let flags = if spec.flags.is_empty() {
        "no bare flags".to_string()
    } else {
        format!(
            "the bare flag{} {}",
            if spec.flags.len() == 1 { "" } else { "s" },
            spec.flags
                .iter()
                .map(|(f, _)| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!(
        "unexpected `{name}` in `{}`: {hint}it takes {flags}",
        spec.name
    )
}

/// Reads typed values out of bound arguments, reporting type and range errors.
pub struct Reader<'a, 'e> {
    pub bound: Vec<Bound<'a>>,
    pub errors: &'e mut Errors,
    pub class: &'static str,
    pub spec: &'static Spec,
}

/// The largest width (units, features, output_dim): a step's vectors live on the stack (a
/// debug build of a 16384-wide model needs about 1 MiB of it).
pub const MAX_WIDTH: u64 = 1 << 14;
/// The largest vocabulary (input_dim) or fixed length.
pub const MAX_COUNT: u64 = 1 << 24;

impl<'a> Reader<'a, '_> {
    fn get(&self, key: &str) -> Option<&Bound<'a>> {
        self.bound.iter().find(|b| b.key == key)
    }

    /// The value of a keyword given with one (not a bare flag).
    fn value(&self, key: &str) -> Option<&'a Value> {
        self.get(key).and_then(|b| b.value)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn tokens(&self, key: &str) -> Option<TokenStream> {
        self.get(key).map(|b| b.tokens.clone())
    }

    /// A size in 1..=max. `Err(())` if given but wrong (already reported), `Ok(None)` if absent.
    pub fn size(&mut self, key: &str, max: u64) -> Result<Option<usize>, ()> {
        let Some(b) = self.get(key) else {
            return Ok(None);
        };
        let Some(value) = b.value else {
            return Err(());
        };
        let (v, t) = (value, value.to_token_stream());
        let found = parse_size(v, key, self.class, max);
        match found {
            Ok(n) => Ok(Some(n)),
            Err(msg) => {
                self.errors.push(&t, msg);
                Err(())
            }
        }
    }

    /// A fixed length or `None` (free).
    pub fn steps(&mut self, key: &str) -> Result<Option<usize>, ()> {
        match self.value(key) {
            Some(Value::Ident(id)) if id == "None" => Ok(None),
            _ => self.size(key, MAX_COUNT),
        }
    }

    pub fn boolean(&mut self, key: &str, default: bool) -> bool {
        let Some(b) = self.get(key) else {
            return default;
        };
        let Some(value) = b.value else { return true };
        match value {
            Value::Bool(l) => l.value,
            Value::Ident(id) if id == "True" => true,
            Value::Ident(id) if id == "False" => false,
            other => {
                let t = other.to_token_stream();
                self.errors
                    .push(&t, format!("`{key}` takes `true` or `false`, found `{t}`"));
                default
            }
        }
    }

    /// An activation by Keras name, bare or quoted; `None` is linear. `Err(())` if given but
    /// wrong (reported), `Ok(None)` if absent.
    pub fn activation(&mut self, key: &str) -> Result<Option<Activation>, ()> {
        let Some(value) = self.value(key) else {
            return Ok(None);
        };
        let name = match value {
            Value::Ident(id) => id.to_string(),
            Value::Str(s) => s.value(),
            other => {
                let t = other.to_token_stream();
                self.errors.push(
                    &t,
                    format!("`{key}` takes an activation name such as `tanh`, found `{t}`"),
                );
                return Err(());
            }
        };
        match Activation::from_name(&name) {
            Some(a) => Ok(Some(a)),
            None => {
                let t = value.to_token_stream();
                let names: Vec<&str> = Activation::ALL
                    .iter()
                    .chain(Activation::ALIASES)
                    .map(|(n, _)| *n)
                    .filter(|n| !n.eq_ignore_ascii_case("none"))
                    .collect();
                let hint = match closest(&name, &names) {
                    Some(c) => format!("did you mean `{c}`? "),
                    None => String::new(),
                };
                self.errors.push(
                    &t,
                    format!(
                        "unknown activation `{name}`: {hint}valid activations are {}",
                        names.join(", ")
                    ),
                );
                Err(())
            }
        }
    }

    /// An activation with the class's default when absent or wrong.
    pub fn activation_or_default(&mut self, key: &str) -> Activation {
        let default = match self.spec.default(key) {
            Some(rnn_spec::Value::Str(name)) => Activation::from_name(name),
            _ => None,
        };
        self.activation(key)
            .ok()
            .flatten()
            .or(default)
            .unwrap_or(Activation::Linear)
    }

    /// A boolean with the class's default.
    pub fn flag(&mut self, key: &str) -> bool {
        let default = self.spec.default(key) == Some(rnn_spec::Value::Bool(true));
        self.boolean(key, default)
    }

    /// A wrapper's inner layer: `LSTM(32, seq)`. A bare class name is reported (it needs its
    /// arguments), as is any other value.
    pub fn layer(&mut self, key: &str) -> Option<&'a LayerAst> {
        let value = self.value(key)?;
        match value {
            Value::Layer(l) => Some(l),
            Value::Ident(id) if rnn_spec::class::class(&id.to_string()).is_some() => {
                let example = rnn_spec::class::class(&id.to_string()).map_or("", |c| c.example);
                self.errors.push(
                    id,
                    format!("`{id}` needs its arguments in parentheses, e.g. `{example}`"),
                );
                None
            }
            other => {
                let t = other.to_token_stream();
                self.errors.push(
                    &t,
                    format!(
                        "`{key}` takes a layer such as `LSTM(32)`, found `{t}`; e.g. `{}`",
                        self.spec.example
                    ),
                );
                None
            }
        }
    }

    /// `merge_mode`: `concat`, `sum`, `mul` or `ave`, bare or quoted. `None` (Keras's list of
    /// two outputs) is refused: a model here has one output.
    pub fn merge(&mut self, key: &str) -> Option<rnn_spec::Merge> {
        let default = match self.spec.default(key) {
            Some(rnn_spec::Value::Str(name)) => rnn_spec::Merge::from_name(name),
            _ => None,
        };
        let Some(value) = self.value(key) else {
            return default;
        };
        let name = match value {
            Value::Ident(id) => id.to_string(),
            Value::Str(s) => s.value(),
            _ => String::new(),
        };
        let names: Vec<&str> = rnn_spec::Merge::ALL.iter().map(|(n, _)| *n).collect();
        if let Some(m) = rnn_spec::Merge::from_name(&name) {
            return Some(m);
        }
        let t = value.to_token_stream();
        let message = if name == "None" {
            "`merge_mode = None` (the two directions as two outputs) is not supported: a model here has one output; use `concat` (Keras's default), `sum`, `mul` or `ave`".to_string()
        } else {
            let hint = match closest(&name, &names) {
                Some(c) => format!("did you mean `{c}`? "),
                None => String::new(),
            };
            format!("unknown `{key}` `{t}`: {hint}it takes {}", names.join(", "))
        };
        self.errors.push(&t, message);
        None
    }

    /// A number (negative too). `Err(())` if given but not a number, `Ok(None)` if absent.
    pub fn float(&mut self, key: &str) -> Result<Option<f64>, ()> {
        let Some(value) = self.value(key) else {
            return Ok(None);
        };
        match number(value) {
            Some(x) if x.is_finite() && (x as f32).is_finite() => Ok(Some(x)),
            Some(_) => {
                let t = value.to_token_stream();
                self.errors.push(
                    &t,
                    format!(
                        "`{key}` is beyond the f32 range (largest magnitude 3.4e38), found `{t}`"
                    ),
                );
                Err(())
            }
            None => {
                let t = value.to_token_stream();
                self.errors.push(
                    &t,
                    format!("`{key}` takes a number such as 0.5, found `{t}`"),
                );
                Err(())
            }
        }
    }

    /// A number that must not be negative (a standard deviation, a regularization factor).
    pub fn non_negative(&mut self, key: &str) {
        if let Ok(Some(x)) = self.float(key)
            && x < 0.0
        {
            let t = self.tokens(key);
            self.errors
                .push(t, format!("`{key}` must not be negative, found {x}"));
        }
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        let value = self.value(key)?;
        match value {
            Value::Str(s) if !s.value().is_empty() => Some(s.value()),
            other => {
                let t = other.to_token_stream();
                self.errors.push(
                    &t,
                    format!("`{key}` takes a non-empty string such as \"my_layer\", found `{t}`"),
                );
                None
            }
        }
    }

    /// A dropout rate: checked, then ignored (no effect at inference).
    pub fn rate(&mut self, key: &str) {
        let Some(value) = self.value(key) else { return };
        let ok = match value {
            Value::Float(f) => f
                .base10_parse::<f64>()
                .is_ok_and(|r| (0.0..1.0).contains(&r)),
            Value::Int(i) => i.base10_parse::<u64>().is_ok_and(|r| r == 0),
            _ => false,
        };
        if !ok {
            let t = value.to_token_stream();
            self.errors.push(
                &t,
                format!("`{key}` takes a rate in [0, 1) such as 0.2, found `{t}`"),
            );
        }
    }

    /// `(steps, features)` for `Input(shape = ...)`.
    pub fn shape(&mut self, key: &str) -> Result<Option<(Option<usize>, usize)>, ()> {
        let Some(value) = self.value(key) else {
            return Ok(None);
        };
        let t = value.to_token_stream();
        let Value::Tuple(_, items) = value else {
            self.errors.push(
                &t,
                format!(
                    "`{key}` takes a tuple `(steps, features)` such as `(None, 32)`, found `{t}`"
                ),
            );
            return Err(());
        };
        let items: Vec<&Value> = items.iter().collect();
        if items.len() != 2 {
            self.errors.push(
                &t,
                format!("`{key}` takes two sizes `(steps, features)` such as `(None, 32)`, found {} in `{t}`", items.len()),
            );
            return Err(());
        }
        let steps = match items[0] {
            Value::Ident(id) if id == "None" => Ok(None),
            v => parse_size(v, "steps", self.class, MAX_COUNT).map(Some),
        };
        let features = parse_size(items[1], "features", self.class, MAX_WIDTH);
        match (steps, features) {
            (Ok(s), Ok(f)) => Ok(Some((s, f))),
            (s, f) => {
                for (res, v) in [(s.err(), items[0]), (f.err(), items[1])] {
                    if let Some(msg) = res {
                        self.errors.push(v, msg);
                    }
                }
                Err(())
            }
        }
    }
}

/// The value of a number literal, with its sign.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => i.base10_parse::<f64>().ok(),
        Value::Float(f) => f.base10_parse::<f64>().ok(),
        Value::Neg(_, inner) => number(inner).map(|x| -x),
        _ => None,
    }
}

/// A positive integer no larger than `max`.
fn parse_size(v: &Value, key: &str, class: &str, max: u64) -> Result<usize, String> {
    let text = v.to_token_stream().to_string();
    match v {
        Value::Int(lit) => match lit.base10_parse::<u64>() {
            Ok(0) => Err(format!("`{key}` of `{class}` must be at least 1, found 0")),
            Ok(n) if n > max => Err(format!(
                "`{key}` of `{class}` is {n}, larger than the limit {max}: check the size"
            )),
            Ok(n) => Ok(n as usize),
            Err(_) => Err(format!(
                "`{key}` of `{class}` must be an integer from 1 to {max}, found `{text}`"
            )),
        },
        Value::Neg(..) => Err(format!(
            "`{key}` of `{class}` must be at least 1, found `{text}`"
        )),
        _ => Err(format!(
            "`{key}` of `{class}` must be an integer from 1 to {max}, found `{text}`"
        )),
    }
}
