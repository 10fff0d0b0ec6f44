//! `Input(steps, features)` or `Input(shape = (steps, features))`.

use rnn_spec::class::INPUT;

use super::{missing, reader};
use crate::args::MAX_WIDTH;
use crate::check::Errors;
use crate::parse::LayerAst;

pub fn read(ast: &LayerAst, errors: &mut Errors) -> Option<(Option<usize>, usize)> {
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
