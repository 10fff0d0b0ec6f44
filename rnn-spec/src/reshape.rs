//! The layers that rearrange a sequence's steps (`ZeroPadding1D`, `Cropping1D`,
//! `UpSampling1D`, `Reshape`, `Permute`) and `PReLU`, whose alpha is shaped like its input:
//! their constructors for [`LayerKind::build`], each Keras rule a named function.

use alloc::format;
use alloc::string::String;

use crate::build::Options;
use crate::layer::{Flow, LayerKind};
use crate::rules::{MAX_COUNT, MAX_WIDTH};
use crate::value::Ints;

/// `ZeroPadding1D(padding)` or `Cropping1D(cropping)`: the pair `(left, right)` its `key`
/// gives (an integer `n` is `(n, n)`), each a count of steps.
pub(crate) fn build_pair(o: &mut dyn Options, key: &'static str, flow: Flow) -> Option<Ints> {
    let given = required(o, key)?;
    let pair = match *given.as_slice() {
        [n] => [n, n],
        [l, r] => [l, r],
        _ => [-1, -1],
    };
    if let Some(message) = rule_pair(key, given, pair) {
        o.refuse(key, &message);
        return None;
    }
    let pair = Ints::new(&pair)?;
    if key == "cropping"
        && let Some(message) = rule_cropping_leaves_a_step(pair, flow)
    {
        o.refuse(key, &message);
        return None;
    }
    Some(pair)
}

/// The integers `key` takes (Keras's `None` is refused: the option has no such meaning).
fn required(o: &mut dyn Options, key: &'static str) -> Option<Ints> {
    let given = o.ints(key)?;
    if given.is_none() {
        o.refuse(
            key,
            &format!("`{key}` takes a tuple of integers, not `None`"),
        );
    }
    given
}

/// A padding or cropping is one count or two (`(left, right)`), none negative, each at most
/// [`MAX_COUNT`] steps.
fn rule_pair(key: &str, given: Ints, pair: [i64; 2]) -> Option<String> {
    let ok = pair.iter().all(|n| (0..=MAX_COUNT as i64).contains(n));
    (!ok).then(|| {
        format!(
            "`{key} = {}`: `{key}` takes a number of steps or a pair `(left, right)` of them, none negative (Keras's rule), e.g. `{key} = (2, 0)`",
            given.python()
        )
    })
}

/// `Cropping1D` leaves at least one step of a fixed length (Keras: "`cropping` parameter of
/// `Cropping1D` layer must be smaller than the input length"). A free length is checked when
/// the model runs (`rules::min_steps`).
fn rule_cropping_leaves_a_step(pair: Ints, flow: Flow) -> Option<String> {
    let Flow::Seq { steps: Some(t), .. } = flow else {
        return None;
    };
    let dropped: i64 = pair.as_slice().iter().sum();
    (dropped >= t as i64).then(|| {
        format!(
            "`Cropping1D` drops {dropped} steps of its {t}-step input, leaving none: crop fewer steps or give it a longer input (Keras refuses this too)"
        )
    })
}

/// `Reshape(target_shape)` on `flow`: the target, one `-1` inferred, holding exactly the
/// input's values per row.
pub(crate) fn build_reshape(o: &mut dyn Options, flow: Flow) -> Option<LayerKind> {
    let target = required(o, "target_shape")?;
    let (input, in_seq) = (flow.width(), flow.is_seq());
    let values = match flow {
        Flow::Seq { steps: None, .. } => None,
        Flow::Seq {
            steps: Some(t),
            width,
        } => Some(t as u128 * width as u128),
        Flow::Vector { width } => Some(width as u128),
    };
    let shape = match rule_reshape_target(target, values, input) {
        Ok(shape) => shape,
        Err(message) => {
            o.refuse("target_shape", &message);
            return None;
        }
    };
    let (out_seq, width) = match shape {
        [Some(_) | None, Some(w)] => (true, w),
        _ => (false, shape[0].unwrap_or(0)),
    };
    if let Some(message) = rule_width_fits("Reshape", width) {
        o.refuse("target_shape", &message);
        return None;
    }
    Some(LayerKind::Reshape {
        input,
        in_seq,
        target_shape: target,
        width: width as usize,
        out_seq,
    })
}

/// The target of a `Reshape` of rows of `values` values (`None`: a free length, `width` per
/// step): one axis (a vector) or two (a sequence), each positive or one `-1`, holding exactly
/// the input's values (Keras: "The total size of the tensor must be unchanged"). Returns the
/// sizes, the inferred one `None` where the length stays free.
fn rule_reshape_target(
    target: Ints,
    values: Option<u128>,
    width: usize,
) -> Result<[Option<u128>; 2], String> {
    let shown = target.python();
    let t = target.as_slice();
    if t.is_empty() || t.len() > 2 {
        return Err(format!(
            "`Reshape({shown})`: rnn_model! reshapes to a vector `(n,)` or a sequence `(steps, features)`, as everything between its layers is one or the other; give one or two sizes"
        ));
    }
    let unknown = t.iter().filter(|&&n| n == -1).count();
    if unknown > 1 || t.iter().any(|&n| n == 0 || n < -1) {
        return Err(format!(
            "`Reshape({shown})`: each size is positive, with at most one `-1` to infer (Keras's rule)"
        ));
    }
    let known: u128 = t.iter().filter(|&&n| n > 0).map(|&n| n as u128).product();
    let Some(values) = values else {
        // A free length: only `(-1, F')` keeps every length whole, with F' dividing the width.
        return match *t {
            [-1, f] if (width as i64) % f == 0 => Ok([None, Some(f as u128)]),
            _ => Err(format!(
                "`Reshape({shown})` of a free-length sequence of {width} features: the number of values is known only when the model runs, so rnn_model! takes `(-1, n)` with n dividing {width} there; give `Input` a fixed length, or write the target as `(-1, n)`"
            )),
        };
    };
    let whole = if unknown == 1 {
        values.is_multiple_of(known)
    } else {
        values == known
    };
    if !whole {
        return Err(format!(
            "`Reshape({shown})` of {values} values per row: the target holds {}, and the total size must be unchanged (Keras's rule)",
            if unknown == 1 {
                format!("a multiple of {known}")
            } else {
                format!("{known}")
            }
        ));
    }
    let size = |n: i64| Some(if n == -1 { values / known } else { n as u128 });
    Ok(match *t {
        [n] => [size(n), None],
        [a, b] => [size(a), size(b)],
        _ => [None, None],
    })
}

/// A width made by a layer (`Reshape`, `Flatten`, `Permute`) is at most [`MAX_WIDTH`]: each
/// row of it is an array on the stack.
pub(crate) fn rule_width_fits(class: &str, width: u128) -> Option<String> {
    (width > MAX_WIDTH as u128).then(|| {
        format!(
            "`{class}` would make rows of {width} values, more than the {MAX_WIDTH} a layer's output may be wide: reduce the sequence first (pooling, a strided `Conv1D`)"
        )
    })
}

/// `Permute(dims)` of a sequence: `(1, 2)` or `(2, 1)`; swapping needs a fixed length, which
/// becomes the width.
pub(crate) fn build_permute(o: &mut dyn Options, flow: Flow) -> Option<LayerKind> {
    let dims = required(o, "dims")?;
    let (steps, width) = match flow {
        Flow::Seq { steps, width } => (steps, width),
        Flow::Vector { width } => (Some(1), width),
    };
    if let Some(message) = rule_permute_dims(dims, steps) {
        o.refuse("dims", &message);
        return None;
    }
    Some(LayerKind::Permute {
        steps: steps.unwrap_or(0),
        width,
        dims,
    })
}

/// `dims` is a permutation of the sequence's axes, 1-based (Keras's rule); `(2, 1)` makes the
/// length the features, so it needs a fixed one, at most [`MAX_WIDTH`].
fn rule_permute_dims(dims: Ints, steps: Option<usize>) -> Option<String> {
    let shown = dims.python();
    match (dims.as_slice(), steps) {
        ([1, 2], _) => None,
        ([2, 1], Some(t)) => rule_width_fits("Permute", t as u128),
        ([2, 1], None) => Some(format!(
            "`Permute({shown})` of a free-length sequence: the length would become the features, which no layer after can be sized for; give `Input` a fixed length"
        )),
        _ => Some(format!(
            "`Permute({shown})`: `dims` is a permutation of a sequence's axes, 1-based: `(2, 1)` swaps steps and features, `(1, 2)` keeps them"
        )),
    }
}

/// `PReLU(shared_axes)` on `flow`: alpha is shaped like the input (without the batch axis),
/// each shared axis 1.
pub(crate) fn build_prelu(o: &mut dyn Options, flow: Flow) -> Option<LayerKind> {
    let shared = o.ints("shared_axes")?;
    let rank = if flow.is_seq() { 2 } else { 1 };
    let axes = shared.as_ref().map_or(&[][..], |s| s.as_slice());
    if let Some(message) = rule_shared_axes(shared, rank) {
        o.refuse("shared_axes", &message);
        return None;
    }
    let width = flow.width();
    let shares = |axis: i64| axes.contains(&axis);
    let alpha_width = if shares(rank) { 1 } else { width };
    let alpha_steps = match flow {
        Flow::Seq { .. } if shares(1) => 1,
        Flow::Seq { steps: Some(t), .. } => t,
        Flow::Seq { steps: None, .. } => {
            o.refuse(
                "shared_axes",
                "a `PReLU` on a free-length sequence needs `shared_axes = [1]`: without it alpha has one row per step (Keras refuses to build it too: the shape has no length); share the time axis or give `Input` a fixed length",
            );
            return None;
        }
        Flow::Vector { .. } => 1,
    };
    Some(LayerKind::PRelu {
        width,
        seq: flow.is_seq(),
        alpha_steps,
        alpha_width,
        shared_axes: shared,
    })
}

/// Each shared axis is one of the input's, 1-based (1 the time axis of a sequence).
fn rule_shared_axes(shared: Option<Ints>, rank: i64) -> Option<String> {
    let shared = shared?;
    let bad = shared.as_slice().iter().any(|a| !(1..=rank).contains(a));
    bad.then(|| {
        format!(
            "`shared_axes = {}`: the axes are the input's, 1-based: {}",
            shared.python(),
            if rank == 2 {
                "1 (time) and 2 (features) on a sequence, e.g. `shared_axes = [1]`"
            } else {
                "1 (features) on a vector"
            }
        )
    })
}
