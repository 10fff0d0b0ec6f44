//! Stage 1: tokens to an AST that keeps every token (and so every span). No meaning is given
//! to anything here; `check` does that and reports what is wrong on these tokens.
//!
//! Grammar:
//! ```text
//! input   := crate_path ';' attrs vis 'struct' Ident ('<' layer (',' layer)* ','? '>')? ';'
//! attrs   := ('#[weights = "path"]' | attribute)*      (no layer list: the file's layers)
//! layer   := Ident ( '(' arg (',' arg)* ','? ')' )?
//! arg     := Ident '=' value | value
//! value   := int | float | bool | string | layer | Ident | '-' value | '(' value (',' value)* ')'
//! ```
//! (A value that is a layer, `LSTM(32, seq)`, is a wrapper's inner layer:
//! `Bidirectional(LSTM(32, seq), merge_mode = sum)`.)
//! ```text
//! ```

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitBool, LitFloat, LitInt, LitStr, Token, Visibility, token};

/// What the runtime's `rnn_model!` hands the proc macro: its own `$crate`, then the user's item.
pub struct MacroInput {
    pub krate: TokenStream,
    pub model: ModelDef,
}

/// `$(#[attr])* $vis struct $Name<$layer, ...>;`
pub struct ModelDef {
    /// The attributes passed through to the struct (not `#[weights]`).
    pub attrs: Vec<Attribute>,
    /// `#[weights = "path"]`: the file baked in, and the whole attribute for error spans.
    pub weights: Option<(LitStr, Attribute)>,
    /// `struct Name;` with `#[weights]`: the layers come from the file.
    pub from_file: bool,
    pub vis: Visibility,
    pub name: Ident,
    /// The `<` ... `>` span, for errors about the whole layer list.
    pub list_span: Span,
    pub layers: Vec<LayerAst>,
}

/// `Kind(args)` or a bare `Kind`.
pub struct LayerAst {
    pub kind: Ident,
    pub paren: Option<token::Paren>,
    pub args: Punctuated<Arg, Token![,]>,
}

/// One argument: `key = value` or a positional value (a bare identifier such as `seq` is a
/// positional `Value::Ident`).
pub enum Arg {
    Keyword {
        key: Ident,
        eq: Token![=],
        value: Value,
    },
    Positional(Value),
}

/// A literal-ish value, kept as tokens for error spans.
pub enum Value {
    Int(LitInt),
    Float(LitFloat),
    Bool(LitBool),
    Str(LitStr),
    Ident(Ident),
    /// `LSTM(32, seq)`: a layer with arguments (an identifier followed by parentheses).
    Layer(Box<LayerAst>),
    Neg(Token![-], Box<Value>),
    Tuple(token::Paren, Punctuated<Value, Token![,]>),
    /// `[1, 2]`: Python's list, where Keras takes one (`shared_axes = [1]`).
    List(token::Bracket, Punctuated<Value, Token![,]>),
}

impl Parse for MacroInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut krate = TokenStream::new();
        while !input.peek(Token![;]) {
            let tt: proc_macro2::TokenTree = input.parse()?;
            krate.extend(std::iter::once(tt));
        }
        input.parse::<Token![;]>()?;
        let model = input.parse()?;
        Ok(MacroInput { krate, model })
    }
}

impl Parse for ModelDef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let (weights, attrs): (Vec<Attribute>, Vec<Attribute>) = input
            .call(Attribute::parse_outer)?
            .into_iter()
            .partition(|a| a.path().is_ident("weights"));
        let weights = match weights.as_slice() {
            [] => None,
            [one] => Some((weights_path(one)?, one.clone())),
            [_, second, ..] => {
                return Err(syn::Error::new_spanned(
                    second,
                    "a model bakes one weights file: remove the second `#[weights]`",
                ));
            }
        };
        let vis: Visibility = input.parse()?;
        if !input.peek(Token![struct]) {
            return Err(input.error(
                "expected `struct Name<Layer, ...>;`, e.g. `pub struct Model<Embedding(10000, 32), SimpleRNN(32)>;`",
            ));
        }
        input.parse::<Token![struct]>()?;
        let name: Ident = input.parse()?;
        if weights.is_some() && input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
            if !input.is_empty() {
                return Err(input.error(
                    "unexpected tokens after the model: declare one model per `rnn_model!`",
                ));
            }
            return Ok(ModelDef {
                attrs,
                weights,
                from_file: true,
                vis,
                list_span: name.span(),
                name,
                layers: Vec::new(),
            });
        }
        if !input.peek(Token![<]) {
            return Err(input.error(format!(
                "expected `<` and the layer list after `{name}`, e.g. `struct {name}<Embedding(10000, 32), SimpleRNN(32)>;`"
            )));
        }
        let lt: Token![<] = input.parse()?;
        let mut layers = Vec::new();
        while !input.peek(Token![>]) {
            if input.is_empty() {
                return Err(input.error("expected `>` to close the layer list"));
            }
            layers.push(input.parse()?);
            if input.peek(Token![>]) {
                break;
            }
            input.parse::<Token![,]>().map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected `,` between layers or `>` to close the list",
                )
            })?;
        }
        let gt: Token![>] = input.parse()?;
        input
            .parse::<Token![;]>()
            .map_err(|e| syn::Error::new(e.span(), "expected `;` after the layer list"))?;
        if !input.is_empty() {
            return Err(input
                .error("unexpected tokens after the model: declare one model per `rnn_model!`"));
        }
        let list_span = lt.span.join(gt.span).unwrap_or(lt.span);
        Ok(ModelDef {
            attrs,
            weights,
            from_file: false,
            vis,
            name,
            list_span,
            layers,
        })
    }
}

/// The path of `#[weights = "models/imdb.json"]`.
fn weights_path(attr: &Attribute) -> syn::Result<LitStr> {
    let usage =
        "expected `#[weights = \"path/to/weights.json\"]` (relative to the crate's Cargo.toml)";
    let value = match &attr.meta {
        syn::Meta::NameValue(nv) => &nv.value,
        _ => return Err(syn::Error::new_spanned(attr, usage)),
    };
    match value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) if !s.value().is_empty() => Ok(s.clone()),
        _ => Err(syn::Error::new_spanned(attr, usage)),
    }
}

impl Parse for LayerAst {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let kind: Ident = input
            .parse()
            .map_err(|e| syn::Error::new(e.span(), "expected a layer such as `SimpleRNN(32)`"))?;
        if !input.peek(token::Paren) {
            return Ok(LayerAst {
                kind,
                paren: None,
                args: Punctuated::new(),
            });
        }
        let content;
        let paren = syn::parenthesized!(content in input);
        let args = content.parse_terminated(Arg::parse, Token![,])?;
        Ok(LayerAst {
            kind,
            paren: Some(paren),
            args,
        })
    }
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Ident) && input.peek2(Token![=]) && !input.peek2(Token![==]) {
            let key: Ident = input.parse()?;
            let eq: Token![=] = input.parse()?;
            let value = input.parse()?;
            return Ok(Arg::Keyword { key, eq, value });
        }
        Ok(Arg::Positional(input.parse()?))
    }
}

impl Parse for Value {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let look = input.lookahead1();
        if look.peek(LitInt) {
            Ok(Value::Int(input.parse()?))
        } else if look.peek(LitFloat) {
            Ok(Value::Float(input.parse()?))
        } else if look.peek(LitBool) {
            Ok(Value::Bool(input.parse()?))
        } else if look.peek(LitStr) {
            Ok(Value::Str(input.parse()?))
        } else if look.peek(Ident) && input.peek2(token::Paren) {
            Ok(Value::Layer(Box::new(input.parse()?)))
        } else if look.peek(Ident) {
            Ok(Value::Ident(input.parse()?))
        } else if look.peek(Token![-]) {
            Ok(Value::Neg(input.parse()?, Box::new(input.parse()?)))
        } else if look.peek(token::Paren) {
            let content;
            let paren = syn::parenthesized!(content in input);
            Ok(Value::Tuple(
                paren,
                content.parse_terminated(Value::parse, Token![,])?,
            ))
        } else if look.peek(token::Bracket) {
            let content;
            let bracket = syn::bracketed!(content in input);
            Ok(Value::List(
                bracket,
                content.parse_terminated(Value::parse, Token![,])?,
            ))
        } else {
            Err(look.error())
        }
    }
}

impl ToTokens for LayerAst {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.kind.to_tokens(tokens);
        if let Some(paren) = &self.paren {
            paren.surround(tokens, |t| self.args.to_tokens(t));
        }
    }
}

impl ToTokens for Arg {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Arg::Keyword { key, eq, value } => {
                key.to_tokens(tokens);
                eq.to_tokens(tokens);
                value.to_tokens(tokens);
            }
            Arg::Positional(v) => v.to_tokens(tokens),
        }
    }
}

impl ToTokens for Value {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Value::Int(v) => v.to_tokens(tokens),
            Value::Float(v) => v.to_tokens(tokens),
            Value::Bool(v) => v.to_tokens(tokens),
            Value::Str(v) => v.to_tokens(tokens),
            Value::Ident(v) => v.to_tokens(tokens),
            Value::Layer(l) => l.to_tokens(tokens),
            Value::Neg(m, v) => {
                m.to_tokens(tokens);
                v.to_tokens(tokens);
            }
            Value::Tuple(p, vs) => p.surround(tokens, |t| vs.to_tokens(t)),
            Value::List(b, vs) => b.surround(tokens, |t| vs.to_tokens(t)),
        }
    }
}
