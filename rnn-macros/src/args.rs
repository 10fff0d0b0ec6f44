//! A layer's arguments as `rnn_spec::Options`: bound to its class's keywords, then read as
//! typed values by `LayerKind::build`. Every problem becomes an error on the argument's own
//! tokens; binding and reading go on past errors so all of a layer's mistakes are reported
//! together.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::errors::Errors;
use crate::parse::{Arg, LayerAst, Value};
use rnn_spec::rules::{MAX_COUNT, MAX_WIDTH};
use rnn_spec::suggest::did_you_mean;
use rnn_spec::{Activation, Class as Spec, Flow, LayerKind, Merge, Ty};

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
    let hint = did_you_mean(name, &names);
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
    let hint = did_you_mean(name, &names);
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

/// A layer's bound arguments, read as typed values; type and range errors are reported on
/// their tokens.
pub struct Reader<'a, 'e> {
    pub ast: &'a LayerAst,
    pub bound: Vec<Bound<'a>>,
    pub errors: &'e mut Errors,
    pub class: &'static str,
    pub spec: &'static Spec,
    /// The keywords read so far: `finish` checks the others.
    read: Vec<&'static str>,
    /// The positive index of the layer's last axis (2 on a sequence, 1 on a vector or inside
    /// `TimeDistributed`), when known.
    last_axis: Option<i64>,
}

/// Binds a layer's arguments to its class's keywords (every mistake reported).
pub fn reader<'a, 'e>(
    ast: &'a LayerAst,
    class: &'static Spec,
    errors: &'e mut Errors,
) -> Reader<'a, 'e> {
    let bound = bind(ast, class, errors);
    Reader {
        ast,
        bound,
        errors,
        class: class.name,
        spec: class,
        read: Vec::new(),
        last_axis: None,
    }
}

/// The layer `ast` declares, of class `class`, on the input `input`: read by the one
/// constructor `LayerKind::build`, then every argument it did not read checked by its type.
pub fn layer(
    ast: &LayerAst,
    class: &'static Spec,
    input: Option<Flow>,
    errors: &mut Errors,
) -> Option<LayerKind> {
    let mut r = reader(ast, class, errors);
    r.last_axis = input.map(|f| if f.is_seq() { 2 } else { 1 });
    let input = input.unwrap_or(Flow::Vector { width: 0 });
    let kind = LayerKind::build(class, &mut r, input);
    r.finish();
    kind
}

/// `Input(steps, features)` or `Input(shape = (steps, features))`: the model's input shape.
pub fn input_shape(ast: &LayerAst, errors: &mut Errors) -> Option<(Option<usize>, usize)> {
    let mut r = reader(ast, &rnn_spec::class::INPUT, errors);
    let shape = r.shape("shape");
    let positional = (r.has("steps"), r.has("features"));
    let steps = r.read_steps("steps");
    let features = r.read_size("features", MAX_WIDTH);
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
            r.errors.push(
                ast,
                format!(
                    "`Input` needs its timesteps and features: `Input(None, F)` for free-length sequences of F features, e.g. `{}`",
                    r.spec.example
                ),
            );
            None
        }
    }
}

impl Reader<'_, '_> {
    /// After `LayerKind::build`: the arguments it did not read are checked by their keyword's
    /// type (they have no effect at inference: a dropout rate, a name, a seed), and a required
    /// argument (a positional one without a default) that is missing is reported with an
    /// example.
    fn finish(&mut self) {
        let unread: Vec<(&'static str, Ty)> = self
            .spec
            .keywords
            .iter()
            .filter(|k| self.has(k.name) && !self.read.contains(&k.name))
            .map(|k| (k.name, k.ty))
            .collect();
        for (key, ty) in unread {
            match ty {
                Ty::Rate => self.rate(key),
                Ty::Float => self.non_negative(key),
                Ty::Str => {
                    self.string(key);
                }
                Ty::Bool => {
                    self.boolean(key, false);
                }
                Ty::Activation => {
                    let _ = self.read_activation(key);
                }
                Ty::Size => {
                    let _ = self.read_size(key, MAX_WIDTH);
                }
                Ty::Steps => {
                    let _ = self.read_steps(key);
                }
                Ty::Axis => {
                    let _ = self.read_axis(key);
                }
                Ty::Choice(names) => {
                    self.read_choice(key, names);
                }
                Ty::Ints => {
                    let _ = self.read_ints(key);
                }
                Ty::Shape | Ty::Any | Ty::Layer | Ty::Merge => {}
            }
        }
        let missing: Vec<String> = self
            .spec
            .positional
            .iter()
            .filter(|p| !self.has(p) && self.spec.default(p).is_none())
            .map(|p| format!("`{p}`"))
            .collect();
        if !missing.is_empty() {
            self.errors.push(
                self.ast,
                format!(
                    "`{}` needs {}, e.g. `{}`",
                    self.class,
                    missing.join(" and "),
                    self.spec.example
                ),
            );
        }
    }

    /// The class's default of `key`, as a `T`.
    fn default_of<T>(
        &self,
        key: &str,
        f: impl Fn(rnn_spec::Value<'static>) -> Option<T>,
    ) -> Option<T> {
        self.spec.default(key).and_then(f)
    }
}

impl rnn_spec::Options for Reader<'_, '_> {
    fn size(&mut self, key: &'static str, max: u64) -> Option<usize> {
        self.read.push(key);
        match self.read_size(key, max) {
            Ok(Some(n)) => Some(n),
            Ok(None) => self.default_of(key, |v| match v {
                rnn_spec::Value::Int(n) => usize::try_from(n).ok(),
                _ => None,
            }),
            Err(()) => None,
        }
    }

    fn steps(&mut self, key: &'static str) -> Option<Option<usize>> {
        self.read.push(key);
        self.read_steps(key).ok()
    }

    fn flag(&mut self, key: &'static str) -> Option<bool> {
        self.read.push(key);
        let default = self.spec.default(key) == Some(rnn_spec::Value::Bool(true));
        Some(self.boolean(key, default))
    }

    fn activation(&mut self, key: &'static str) -> Option<Activation> {
        self.read.push(key);
        match self.read_activation(key) {
            Ok(Some(a)) => Some(a),
            Ok(None) => self.default_of(key, |v| match v {
                rnn_spec::Value::Str(name) => Activation::from_name(name),
                _ => None,
            }),
            Err(()) => None,
        }
    }

    fn float(&mut self, key: &'static str) -> Option<f64> {
        self.read.push(key);
        match self.read_float(key) {
            Ok(Some(x)) => Some(x),
            Ok(None) => self.default_of(key, |v| match v {
                rnn_spec::Value::Float(x) => Some(x),
                _ => None,
            }),
            Err(()) => None,
        }
    }

    fn float_or_none(&mut self, key: &'static str) -> Option<Option<f64>> {
        self.read.push(key);
        match self.value(key) {
            Some(Value::Ident(id)) if id == "None" => Some(None),
            None => match self.spec.default(key) {
                Some(rnn_spec::Value::Float(x)) => Some(Some(x)),
                _ => Some(None),
            },
            Some(_) => self.read_float(key).ok().flatten().map(Some),
        }
    }

    fn last_axis(&self) -> Option<i64> {
        self.last_axis
    }

    fn axis(&mut self, key: &'static str) -> Option<i64> {
        self.read.push(key);
        match self.read_axis(key) {
            Ok(Some(axis)) => Some(axis),
            Ok(None) => self.default_of(key, |v| match v {
                rnn_spec::Value::Float(x) => Some(x as i64),
                rnn_spec::Value::Int(n) => Some(n as i64),
                _ => None,
            }),
            Err(()) => None,
        }
    }

    fn ints(&mut self, key: &'static str) -> Option<Option<rnn_spec::Ints>> {
        self.read.push(key);
        match self.read_ints(key) {
            Ok(Some(v)) => Some(v),
            Ok(None) => match self.spec.default(key) {
                Some(rnn_spec::Value::Ints(v)) => Some(Some(v)),
                Some(rnn_spec::Value::Null) => Some(None),
                _ => None,
            },
            Err(()) => None,
        }
    }

    fn merge(&mut self, key: &'static str) -> Option<Merge> {
        self.read.push(key);
        self.read_merge(key)
    }

    fn choice(&mut self, key: &'static str) -> Option<&'static str> {
        self.read.push(key);
        let names = match self.spec.keyword(key).map(|k| k.ty) {
            Some(Ty::Choice(names)) => names,
            _ => &[],
        };
        self.read_choice(key, names)
    }

    fn layer(
        &mut self,
        key: &'static str,
        wrapper: &'static Spec,
        input: rnn_spec::Flow,
    ) -> Option<&'static LayerKind> {
        self.read.push(key);
        let inner_ast = self.read_layer(key)?;
        // An unknown class was reported before the walk (`check::rule_classes_implemented`).
        let class = rnn_spec::class::class(&inner_ast.kind.to_string())?;
        if !wrapper.wraps(class) {
            let can: Vec<&str> = wrapper.wrapped().collect();
            self.errors.push(
                &inner_ast.kind,
                format!(
                    "`{}` cannot wrap `{}`: it wraps {}",
                    wrapper.name,
                    class.name,
                    can.join(", ")
                ),
            );
            return None;
        }
        // `TimeDistributed`'s inner layer sees one step, (batch, features): its last axis is 1
        // (`LayerKind::build` passes it a vector).
        let kind = layer(inner_ast, class, Some(input), self.errors)?;
        // A `LayerKind` is `Copy` and refers to its inner layer by `&'static`: the macro's own
        // process holds the few bytes until it exits.
        Some(Box::leak(Box::new(kind)))
    }

    fn given(&self, key: &'static str) -> bool {
        self.has(key)
    }

    /// On the option's tokens, or the layer's when the option is not written (a `PReLU`
    /// without `shared_axes`, a `Flatten` too wide).
    fn refuse(&mut self, key: &'static str, message: &str) {
        let t = self.tokens(key).or_else(|| self.inner_tokens(key));
        match t {
            Some(t) => self.errors.push(t, message),
            None => self.errors.push(self.ast, message),
        }
    }
}

impl<'a> Reader<'a, '_> {
    fn get(&self, key: &str) -> Option<&Bound<'a>> {
        self.bound.iter().find(|b| b.key == key)
    }

    /// The value of a keyword given with one (not a bare flag).
    fn value(&self, key: &str) -> Option<&'a Value> {
        self.get(key).and_then(|b| b.value)
    }

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn tokens(&self, key: &str) -> Option<TokenStream> {
        self.get(key).map(|b| b.tokens.clone())
    }

    /// A size in 1..=max. `Err(())` if given but wrong (already reported), `Ok(None)` if absent.
    fn read_size(&mut self, key: &str, max: u64) -> Result<Option<usize>, ()> {
        let Some(b) = self.get(key) else {
            return Ok(None);
        };
        let Some(value) = b.value else {
            return Err(());
        };
        // Keras takes a 1-D window's sizes as one-element tuples too: `kernel_size = (5,)`.
        let value = match value {
            Value::Tuple(_, items) if items.len() == 1 => &items[0],
            v => v,
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
    fn read_steps(&mut self, key: &str) -> Result<Option<usize>, ()> {
        match self.value(key) {
            Some(Value::Ident(id)) if id == "None" => Ok(None),
            _ => self.read_size(key, MAX_COUNT),
        }
    }

    fn boolean(&mut self, key: &str, default: bool) -> bool {
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
    fn read_activation(&mut self, key: &str) -> Result<Option<Activation>, ()> {
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
                let hint = did_you_mean(&name, &names);
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

    /// A wrapper's inner layer: `LSTM(32, seq)`. A bare class name is reported (it needs its
    /// arguments), as is any other value.
    /// The tokens of the argument `key` of the inner layer (a wrapper's `layer`), if given.
    fn inner_tokens(&self, key: &str) -> Option<TokenStream> {
        let Some(Value::Layer(inner)) = self.value("layer") else {
            return None;
        };
        inner.args.iter().find_map(|a| match a {
            Arg::Keyword { key: k, .. } if k == key => Some(a.to_token_stream()),
            _ => None,
        })
    }

    fn read_layer(&mut self, key: &str) -> Option<&'a LayerAst> {
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
    fn read_merge(&mut self, key: &str) -> Option<rnn_spec::Merge> {
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
            let hint = did_you_mean(&name, &names);
            format!("unknown `{key}` `{t}`: {hint}it takes {}", names.join(", "))
        };
        self.errors.push(&t, message);
        None
    }

    /// One of `names`, bare or quoted (`padding = same`, `padding = "same"`, any case); the
    /// default when absent. A wrong name is reported with the names it takes.
    fn read_choice(&mut self, key: &str, names: &'static [&'static str]) -> Option<&'static str> {
        let default = match self.spec.default(key) {
            Some(rnn_spec::Value::Str(d)) => names.iter().find(|n| **n == d).copied(),
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
        if let Some(n) = names.iter().find(|n| n.eq_ignore_ascii_case(&name)) {
            return Some(n);
        }
        let t = value.to_token_stream();
        let hint = did_you_mean(&name, names);
        self.errors.push(
            &t,
            format!("unknown `{key}` `{t}`: {hint}it takes {}", names.join(", ")),
        );
        None
    }

    /// Integers: one (`2`), a tuple (`(1, 2)`, `(14,)`) or a list (`[1]`), negative ones too;
    /// `None` as Python's. `Err(())` if given but wrong (reported), `Ok(None)` if absent.
    fn read_ints(&mut self, key: &str) -> Result<Option<Option<rnn_spec::Ints>>, ()> {
        let Some(value) = self.value(key) else {
            return Ok(None);
        };
        let int = |v: &Value| number(v).filter(|x| x.fract() == 0.0 && x.abs() < 1e15);
        let items: Option<Vec<f64>> = match value {
            Value::Ident(id) if id == "None" => return Ok(Some(None)),
            Value::Tuple(_, items) | Value::List(_, items) => items.iter().map(int).collect(),
            v => int(v).map(|x| vec![x]),
        };
        let ints = items
            .and_then(|v| rnn_spec::Ints::new(&v.iter().map(|x| *x as i64).collect::<Vec<_>>()));
        match ints {
            Some(v) => Ok(Some(Some(v))),
            None => {
                let t = value.to_token_stream();
                self.errors.push(
                    &t,
                    format!(
                        "`{key}` takes an integer or a tuple of at most {} integers, e.g. `{}`, found `{t}`",
                        rnn_spec::Ints::MAX,
                        self.spec.example
                    ),
                );
                Err(())
            }
        }
    }

    /// A number (negative too). `Err(())` if given but not a number, `Ok(None)` if absent.
    fn read_float(&mut self, key: &str) -> Result<Option<f64>, ()> {
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

    /// An axis: an integer, negative counting from the last. A tuple of axes is reported with
    /// the reason only one is taken (`Softmax`, the one class with an axis, normalises over
    /// the last). `Err(())` if given but wrong (reported), `Ok(None)` if absent.
    fn read_axis(&mut self, key: &str) -> Result<Option<i64>, ()> {
        let Some(value) = self.value(key) else {
            return Ok(None);
        };
        let t = value.to_token_stream();
        let axis = match value {
            Value::Int(_) | Value::Neg(..) => number(value).filter(|x| x.fract() == 0.0),
            _ => None,
        };
        match (axis, value) {
            (Some(x), _) if x.abs() < 1e15 => Ok(Some(x as i64)),
            (_, Value::Tuple(..)) => {
                let message = if self.spec.kind == rnn_spec::Kind::Softmax {
                    rnn_spec::softmax_axis_refused(&t.to_string())
                } else {
                    rnn_spec::norm_axis_refused(self.spec, &t.to_string(), self.last_axis)
                };
                self.errors.push(&t, message);
                Err(())
            }
            _ => {
                self.errors.push(
                    &t,
                    format!("`{key}` takes an integer axis such as -1 (the last), found `{t}`"),
                );
                Err(())
            }
        }
    }

    /// A number that must not be negative (a standard deviation, a regularization factor).
    fn non_negative(&mut self, key: &str) {
        if let Ok(Some(x)) = self.read_float(key)
            && x < 0.0
        {
            let t = self.tokens(key);
            self.errors
                .push(t, format!("`{key}` must not be negative, found {x}"));
        }
    }

    fn string(&mut self, key: &str) -> Option<String> {
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
    fn rate(&mut self, key: &str) {
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
    fn shape(&mut self, key: &str) -> Result<Option<(Option<usize>, usize)>, ()> {
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
