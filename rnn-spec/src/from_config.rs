//! A weights file's record (class and recorded options) as [`Options`] for
//! [`LayerKind::build`], so a model can be declared by its file (`#[weights = "..."]` with no
//! layer list): the inverse of [`LayerKind::config_values`].

use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::activation::Activation;
use crate::build::Options;
use crate::class::{self, Class};
use crate::layer::{Flow, LayerKind, Merge};
use crate::value::{Ints, Value};

impl LayerKind {
    /// The layer a weights file records as `class` with `config`, on the input `input`.
    /// `Err` says which option is missing or of the wrong type. A wrapper's inner layer is
    /// leaked to get its `&'static` (one per wrapper in a model: compile-time use).
    pub fn from_config(
        class: &str,
        config: &[(&str, Value<'_>)],
        input: Flow,
    ) -> Result<LayerKind, String> {
        let spec = class::class(class)
            .filter(|c| c.in_file)
            .ok_or_else(|| crate::rules::rule_classes_implemented(&[class]).unwrap_or_default())?;
        let mut o = Config {
            class: spec,
            config,
            problems: Vec::new(),
        };
        let kind = LayerKind::build(spec, &mut o, input);
        match (kind, o.problems.is_empty()) {
            (Some(kind), true) => Ok(kind),
            (_, false) => Err(o.problems.join("; ")),
            (None, true) => Err(format!("the class `{class}` cannot be read from a file")),
        }
    }
}

/// A record's options; problems collected as text.
struct Config<'c, 'v> {
    class: &'static Class,
    config: &'c [(&'c str, Value<'v>)],
    problems: Vec<String>,
}

impl<'v> Config<'_, 'v> {
    /// The recorded value, or Keras's default for an option the file does not record (it does
    /// not change results, as `unit_forget_bias`).
    fn get(&mut self, key: &str) -> Option<Value<'v>> {
        let found = self
            .config
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .or_else(|| {
                self.class
                    .default(key)
                    .filter(|_| !self.class.config.contains(&key))
            });
        if found.is_none() {
            let class = self.class.name;
            self.problems
                .push(format!("`{class}` records no option `{key}`"));
        }
        found
    }

    fn wrong<T>(&mut self, key: &str, v: String) -> Option<T> {
        let class = self.class.name;
        self.problems
            .push(format!("`{class}`'s option `{key}` is {v}"));
        None
    }
}

impl Options for Config<'_, '_> {
    fn size(&mut self, key: &'static str, max: u64) -> Option<usize> {
        match self.get(key)? {
            Value::Int(n) if n > 0 && n <= max => Some(n as usize),
            v => {
                let v = format!("{v}");
                self.wrong(key, v)
            }
        }
    }

    fn steps(&mut self, key: &'static str) -> Option<Option<usize>> {
        match self.get(key)? {
            Value::Null => Some(None),
            Value::Int(n) if n > 0 && n <= crate::rules::MAX_COUNT => Some(Some(n as usize)),
            v => {
                let v = format!("{v}");
                self.wrong(key, v)
            }
        }
    }

    fn flag(&mut self, key: &'static str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(b),
            v => {
                let v = format!("{v}");
                self.wrong(key, v)
            }
        }
    }

    fn activation(&mut self, key: &'static str) -> Option<Activation> {
        let v = self.get(key)?;
        let found = match v {
            Value::Str(s) => Activation::from_name(s),
            _ => None,
        };
        let v = format!("{v}");
        found.or_else(|| self.wrong(key, v))
    }

    fn float(&mut self, key: &'static str) -> Option<f64> {
        match self.get(key)? {
            Value::Float(x) if x.is_finite() => Some(x),
            Value::Int(n) => Some(n as f64),
            v => {
                let v = format!("{v}");
                self.wrong(key, v)
            }
        }
    }

    fn float_or_none(&mut self, key: &'static str) -> Option<Option<f64>> {
        match self.get(key)? {
            Value::Null => Some(None),
            Value::Float(x) if x.is_finite() => Some(Some(x)),
            Value::Int(n) => Some(Some(n as f64)),
            v => {
                let v = format!("{v}");
                self.wrong(key, v)
            }
        }
    }

    fn ints(&mut self, key: &'static str) -> Option<Option<Ints>> {
        match self.get(key)? {
            Value::Null => Some(None),
            Value::Ints(v) => Some(Some(v)),
            Value::Int(n) if n <= i64::MAX as u64 => Some(Ints::new(&[n as i64])),
            v => {
                let v = format!("{v}");
                self.wrong(key, v)
            }
        }
    }

    fn axis(&mut self, key: &'static str) -> Option<i64> {
        match self.get(key)? {
            Value::Int(n) if n <= i64::MAX as u64 => Some(n as i64),
            Value::Float(x) if x.abs() < 1e15 && x == (x as i64) as f64 => Some(x as i64),
            v => {
                let v = format!("{v}");
                self.wrong(key, v)
            }
        }
    }

    fn choice(&mut self, key: &'static str) -> Option<&'static str> {
        let names = match self.class.keyword(key).map(|k| k.ty) {
            Some(crate::class::Ty::Choice(names)) => names,
            _ => &[],
        };
        let v = self.get(key)?;
        let found = match v {
            Value::Str(s) => names.iter().find(|n| n.eq_ignore_ascii_case(s)).copied(),
            _ => None,
        };
        let v = format!("{v} (it takes {})", names.join(", "));
        found.or_else(|| self.wrong(key, v))
    }

    fn merge(&mut self, key: &'static str) -> Option<Merge> {
        let v = self.get(key)?;
        let found = match v {
            Value::Str(s) => Merge::from_name(s),
            _ => None,
        };
        let v = format!("{v}");
        found.or_else(|| self.wrong(key, v))
    }

    fn layer(
        &mut self,
        key: &'static str,
        wrapper: &'static Class,
        input: Flow,
    ) -> Option<&'static LayerKind> {
        let inner = match self.get(key)? {
            Value::Str(s) => class::class(s).filter(|c| wrapper.wraps(c)).ok_or(s),
            v => {
                let v = format!("{v}");
                return self.wrong(key, v);
            }
        };
        let inner = match inner {
            Ok(c) => c,
            Err(s) => {
                let message = format!("`{}` cannot wrap `{s}`", wrapper.name);
                self.problems.push(message);
                return None;
            }
        };
        // A wrapper's record holds its own options and its inner layer's, side by side.
        match LayerKind::from_config(inner.name, self.config, input) {
            Ok(kind) => Some(Box::leak(Box::new(kind))),
            Err(e) => {
                self.problems.push(e);
                None
            }
        }
    }

    fn given(&self, key: &'static str) -> bool {
        self.config.iter().any(|(k, _)| *k == key)
    }

    fn refuse(&mut self, _key: &'static str, message: &str) {
        self.problems.push(message.into());
    }
}
