#!/usr/bin/env python3
"""Export a Keras RNN model to the rnn-weights JSON format (docs/WEIGHTS_FORMAT.md, version 1),
and print the matching `rnn_model!` declaration.

Usage:
    python tools/keras_export.py MODEL OUT.json [--gzip] [--indent N] [--tf-keras | --keras3]
                                 [--no-decl] [--verbose]

MODEL is a `.keras` file (Keras 3, loaded with `keras`) or a `.h5` file (Keras 2, loaded with
`tf_keras`); `--tf-keras` / `--keras3` override the choice made from the extension. OUT ending in
`.gz` (or `--gzip`) writes gzip-compressed JSON; OUT `-` writes the JSON to stdout. `--indent N`
pretty-prints the metadata (each tensor's data stays on one line).

After a successful export the exporter prints the declaration that matches the file, ready to
paste (to stdout, or to stderr when stdout carries the JSON; `--no-decl` leaves it out):

    rnn_model! { pub struct Imdb<Embedding(10000, 32), SimpleRNN(32), Dense(1, activation = sigmoid)>; }

The tables (supported classes, their file config keys, weight tensor names, activation names, the
DSL keywords and defaults) are read from tools/spec.json, a snapshot written by the Rust crate
`rnn-spec` (a Rust test holds it equal to the spec), so the exporter and the macro cannot drift.
What stays here, per class, is an "exporter row" (EXPORTER_ROWS): how to read each config key
from a Keras layer, extra DSL-only values, tensor shape checks, and the refusals.

Supported layers: InputLayer (not written), Embedding, SimpleRNN, LSTM, GRU (both `reset_after`
forms: GRU's bias is [2, 3*units] with reset_after, [3*units] without), Dense, and the layers that
write no tensors: Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout,
ActivityRegularization (identity at inference), Activation, Masking, and the activation layers
ReLU (max_value, negative_slope, threshold), LeakyReLU (negative_slope; tf_keras's `alpha` is
written as negative_slope), ELU (alpha) and Softmax (the last axis only; nothing written),
BatchNormalization (epsilon, center, scale; gamma, beta, moving_mean, moving_variance) and
LayerNormalization (epsilon, center, scale, Keras 3's rms_scaling; gamma, beta), both over the
last axis only; the reshaping layers ZeroPadding1D (padding [l, r]) and Cropping1D (cropping
[l, r]; an int n is written [n, n], negative values and channels_first refused), UpSampling1D
(size), Reshape (target_shape as saved, a -1 kept; to (steps, features) or (n,)) and Permute
(dims); and PReLU (shared_axes, null or a list; tensor alpha shaped as Keras builds it, the
input's non-batch shape with each shared axis 1: (T, F), (1, F), (T, 1), (1, 1) on a sequence,
(F,) or (1,) on a vector, checked here against the layer's input).
LSTM and GRU write
`recurrent_activation` through the same activation mapping as `activation` (a tf_keras
`hard_sigmoid` becomes `hard_sigmoid_keras2`); their `dropout`, `recurrent_dropout` and LSTM's
`unit_forget_bias` are not written to the file but appear in the printed declaration when they
differ from the default, e.g. `GRU(32, seq, dropout = 0.1, recurrent_dropout = 0.5)`.

Wrappers: Bidirectional around SimpleRNN, LSTM or GRU (merge_mode concat, sum, mul or ave; the
record's config is merge_mode, layer = the inner class, then the inner class's config; the tensors
are the forward copy's prefixed `forward_`, then the backward copy's prefixed `backward_`, read from
`forward_layer` / `backward_layer`, so Keras 3 `.keras` and tf_keras `.h5` files give the same
order), and TimeDistributed around Dense, Activation or an identity layer (config layer = the inner
class, then its config; its tensors unprefixed). They are declared as
`Bidirectional(LSTM(32, seq), merge_mode = sum)` and `TimeDistributed(Dense(5, activation = softmax))`:
the inner layer as a standalone one but never with a name (it was auto-named by Keras when it was
created, which uses up its class's number: after `Bidirectional(LSTM(4))` the next LSTM is
`lstm_1`). Refused: merge_mode=None, a backward_layer that differs from the forward layer's reverse
copy in anything written to the file (Keras 3 files always record the backward layer; one that
matches is accepted), an inner layer with go_backwards=True (Keras 3 refuses it itself; tf_keras
accepts it), inner return_state / stateful, other inner classes.

Anything else (RNN(cell), ConvLSTM, ...), or an option that changes
inference in a way the project does not implement (return_state, stateful,
zero_output_for_mask, time_major, a recurrent layer with a cell of another class, Embedding
sparse, an activation outside the list in WEIGHTS_FORMAT.md, a non-finite mask_value), makes the
exporter print one line to stderr and exit with status 2. Other failures (unreadable file, ...)
exit 1. Dropout arguments, `unroll`, `use_cudnn` and LSTM/GRU `implementation` are ignored (no
effect on inference results).

Floats are written with the shortest decimal text that parses back to the same float32.
Requirements (pinned in tools/requirements.txt): numpy, and keras 3.x and/or tf_keras 2.x with tensorflow.
"""

import argparse
import collections
import contextlib
import gzip
import io
import json
import math
import os
import re
import sys
import zlib

import numpy as np

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spec.json")


def load_spec(path=SPEC_PATH):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


SPEC = load_spec()
FORMAT = SPEC["format"]
VERSION = SPEC["version"]
# Activation names as written in the file (see docs/WEIGHTS_FORMAT.md).
ACTIVATIONS = frozenset(SPEC["activations"])
LAYER_SPECS = {layer["class"]: layer for layer in SPEC["layers"]}
# Classes that have a record in the file (Input has none: Keras does not list InputLayer).
SUPPORTED_CLASSES = tuple(c for c, layer in LAYER_SPECS.items() if layer["in_file"])
IMPLEMENTED_CLASSES = tuple(LAYER_SPECS)  # every class the DSL knows, as rnn_spec::CLASSES
WEIGHT_NAMES = {c: [t["name"] for t in LAYER_SPECS[c]["tensors"]] for c in SUPPORTED_CLASSES}


class Unsupported(Exception):
    """The model uses something the project does not implement (exit status 2)."""


# --------------------------------------------------------------------------------------------
# float32 -> shortest round-trip text
# --------------------------------------------------------------------------------------------
_P10 = np.array([10.0 ** k for k in range(23)])  # exact in float64


def f32_strings(a):
    """Shortest decimal text of each float32 in `a` that parses back (correctly rounded) to the
    same float32. Returns a list of str (JSON numbers; `-0.0` keeps its sign).

    For every value the shortest p (1..9 significant digits) is searched vectorized in float64:
    the candidate c = rint(v * 10^n) / 10^n is accepted when it lies strictly inside v's float32
    rounding interval (exact in float64, so no double-rounding issue when a reader parses the text
    straight to f32); Python's repr of c then prints exactly those digits. Exact ties are accepted
    for integers only. Values with |decimal exponent| > 13 use numpy's Dragon4 one by one.
    """
    a = np.ascontiguousarray(a, dtype=np.float32).ravel()
    if not np.all(np.isfinite(a)):
        raise ValueError("tensor holds a non-finite value (NaN or inf)")
    v = a.astype(np.float64)
    up = (v + np.nextafter(a, np.float32(np.inf)).astype(np.float64)) * 0.5
    dn = (v + np.nextafter(a, np.float32(-np.inf)).astype(np.float64)) * 0.5
    absv = np.abs(v)
    nz = absv != 0
    e = np.zeros(v.shape, np.int64)
    with np.errstate(divide="ignore"):
        e[nz] = np.floor(np.log10(absv[nz])).astype(np.int64)
    res = v.copy()  # zeros are already final
    todo = nz & (np.abs(e) <= 13)
    slow = nz & ~todo
    for p in range(1, 10):
        if not todo.any():
            break
        idx = np.nonzero(todo)[0]
        n = (p - 1) - e[idx]
        vv = v[idx]
        pos = n >= 0
        s = _P10[np.abs(n)]
        with np.errstate(over="ignore", invalid="ignore"):
            m = np.where(pos, np.rint(vv * s), np.rint(vv / s))
            c = np.where(pos, m / s, m * s)
        good = (c > dn[idx]) & (c < up[idx])
        tie = ((c == dn[idx]) | (c == up[idx])) & (c == np.rint(c)) & (np.abs(c) < 2.0 ** 53)
        if tie.any():
            good |= tie & (c.astype(np.float32) == a[idx])
        res[idx[good]] = c[good]
        todo[idx[good]] = False
    slow |= todo
    out = list(map(float.__repr__, res.tolist()))
    # "1.0" -> "1" (but keep "-0.0": its sign matters for the checksum)
    for i in np.nonzero((res == np.trunc(res)) & (np.abs(res) < 1e16) & ~((res == 0) & np.signbit(res)))[0]:
        t = out[i]
        if t.endswith(".0"):
            out[i] = t[:-2]
    for i in np.nonzero(slow)[0]:
        out[i] = np.format_float_scientific(a[i], unique=True, trim="-").replace("e+", "e")
    return out


def write_f32_array(fh, a, chunk=1 << 20):
    """Write a flat JSON array of float32 values to text stream fh."""
    a = np.ascontiguousarray(a, dtype=np.float32).ravel()
    fh.write("[")
    for start in range(0, a.size, chunk):
        if start:
            fh.write(",")
        fh.write(",".join(f32_strings(a[start:start + chunk])))
    fh.write("]")


# --------------------------------------------------------------------------------------------
# Keras loading
# --------------------------------------------------------------------------------------------
@contextlib.contextmanager
def _quiet_stderr(enabled=True):
    """TensorFlow's C++ logging ignores TF_CPP_MIN_LOG_LEVEL before absl is initialised; silence
    file descriptor 2 while importing / loading."""
    if not enabled:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_backend(use_tf_keras):
    """Return (module, producer string)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if use_tf_keras:
        import tf_keras as K  # noqa: N812
        return K, "tf_keras " + K.__version__
    import keras as K  # noqa: N812
    return K, "keras " + K.__version__


def load_model(path, use_tf_keras):
    K, producer = import_backend(use_tf_keras)
    model = K.models.load_model(path, compile=False)
    return model, producer


# --------------------------------------------------------------------------------------------
# Exporter rows: how each spec class is read from a Keras layer
# --------------------------------------------------------------------------------------------
def _activation(layer, cfg, tf_keras, key="activation"):
    act = cfg.get(key, "linear")
    if act is None:
        act = "linear"
    if not isinstance(act, str):
        raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): custom {key} "
                          f"{act!r} is not supported")
    if act == "silu":
        act = "swish"
    if tf_keras and act == "hard_sigmoid":
        act = "hard_sigmoid_keras2"
    if act not in ACTIVATIONS or (act == "hard_sigmoid_keras2" and not tf_keras):
        raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): {key} '{act}' "
                          f"is not supported")
    return act


def _int(key):
    return lambda layer, cfg, tf_keras: int(cfg[key])


def _size(key, default=None):
    """A size Keras may store as a one-element list (a 1-D window's `kernel_size`, `strides`,
    `dilation_rate`, `pool_size`: `[5]`)."""
    def read(layer, cfg, tf_keras):
        v = cfg.get(key, default)
        if isinstance(v, (list, tuple)):
            if len(v) != 1:
                raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): {key}={v} is not supported")
            v = v[0]
        return int(v)
    return read


def _choice(key, names, default):
    """One of `names` (lower case), refused otherwise."""
    def read(layer, cfg, tf_keras):
        v = str(cfg.get(key, default)).lower()
        if v not in names:
            raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): {key}='{v}' is not supported")
        return v
    return read


def _check_channels_last(layer, cfg, refuse):
    """Only `data_format = channels_last` (Keras's default) is implemented."""
    if str(cfg.get("data_format", "channels_last")).lower() != "channels_last":
        refuse(f"data_format='{cfg['data_format']}'")


def _opt_int(key):
    return lambda layer, cfg, tf_keras: None if cfg.get(key) is None else int(cfg[key])


def _bool(key, default):
    return lambda layer, cfg, tf_keras: bool(cfg.get(key, default))


def _float(key, default=None):
    def read(layer, cfg, tf_keras):
        v = cfg.get(key, default)
        if v is None:
            return None
        v = float(v)
        if not math.isfinite(v):
            raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): {key}={v} is not supported")
        return v
    return read


def _f32_float(key, default=None, spelling=None):
    """A float option as the shortest text of its float32, as rnn_spec writes it (tf_keras stores
    LeakyReLU's alpha 0.3 as 0.30000001192092896, ReLU's options as numpy float32; the runtime
    computes in float32 anyway); `spelling`: the other Keras version's
    keyword for it (LeakyReLU's tf_keras `alpha`, rnn_spec::class::SPELLINGS)."""
    def read(layer, cfg, tf_keras):
        c = cfg if key in cfg or spelling not in cfg else dict(cfg, **{key: cfg[spelling]})
        v = _float(key, default)(layer, c, tf_keras)
        return None if v is None else float(f32_strings([v])[0])
    return read


def _check_softmax_axis(layer, cfg, refuse):
    """Softmax over the last axis only (rnn_spec's rule_softmax_last_axis)."""
    axis = cfg.get("axis", -1)
    if axis not in (-1, [-1], (-1,)):
        refuse(f"Softmax(axis = {axis}) (rnn_model! normalises over the last axis only, axis = -1)")


def _pair(key, default):
    """ZeroPadding1D's `padding` / Cropping1D's `cropping`: [left, right], an int n written
    [n, n] (Keras saves a two-element list); negative values refused."""
    def read(layer, cfg, tf_keras):
        v = cfg.get(key, default)
        if isinstance(v, (list, tuple)):
            if len(v) != 2:
                raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): {key}={v} is not supported")
            v = [int(v[0]), int(v[1])]
        else:
            v = [int(v), int(v)]
        if min(v) < 0:
            raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): a negative {key} {v} is not supported")
        return v
    return read


def _int_list(key, allow_none=False):
    """A list of ints as Keras saved it (Reshape's `target_shape` with its -1 kept, Permute's
    `dims`, PReLU's `shared_axes`; an int n read as [n]); None kept when allowed."""
    def read(layer, cfg, tf_keras):
        v = cfg.get(key)
        if v is None and allow_none:
            return None
        if v is None:
            raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): no {key}")
        items = list(v) if isinstance(v, (list, tuple)) or hasattr(v, "__iter__") else [v]
        return [int(x) for x in items]
    return read


def _positive_size(key, default):
    def read(layer, cfg, tf_keras):
        v = _size(key, default)(layer, cfg, tf_keras)
        if v < 1:
            raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): {key}={v} is not supported")
        return v
    return read


def _check_permute(layer, cfg, refuse):
    """Permute's dims: a permutation of 1..rank-1 (rnn_model! permutes a sequence's two axes)."""
    dims = [int(d) for d in cfg.get("dims", ())]
    if sorted(dims) != list(range(1, len(dims) + 1)) or len(dims) not in (1, 2):
        refuse(f"Permute(dims = {tuple(dims)})")
    shape = _layer_input_shape(layer)
    if dims == [2, 1] and shape is not None and len(shape) == 2 and shape[0] is None:
        refuse("Permute((2, 1)) of a free-length sequence (the length would become the features; "
               "give Input a fixed length)")


def _check_reshape(layer, cfg, refuse):
    """Reshape to a sequence (steps, features) or a vector (n,), one -1 at most, the rest
    positive."""
    shape = [int(d) for d in cfg.get("target_shape", ())]
    if len(shape) not in (1, 2) or shape.count(-1) > 1 or any(d == 0 or d < -1 for d in shape):
        refuse(f"Reshape(target_shape = {tuple(shape)})")
    # a free-length sequence: only (-1, n) with n dividing the features (rnn_model!'s rule)
    src = _layer_input_shape(layer)
    if src is not None and len(src) == 2 and src[0] is None:
        if not (len(shape) == 2 and shape[0] == -1 and src[1] is not None and src[1] % shape[1] == 0):
            refuse(f"Reshape({tuple(shape)}) of a free-length sequence of {src[1]} features "
                   "(on a free length rnn_model! takes (-1, n) with n dividing the features)")


def _layer_input_shape(layer):
    """A built layer's input shape without the batch axis (None entries for free sizes), or
    None if it cannot be told (inside TimeDistributed: one step, so (features,))."""
    shapes = getattr(layer, "_build_shapes_dict", None) or {}
    shape = next(iter(shapes.values()), None)
    if shape is None:
        try:
            shape = tuple(layer.input_shape)
        except Exception:  # noqa: BLE001
            try:
                shape = tuple(layer.input.shape)
            except Exception:  # noqa: BLE001
                return None
    if shape and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    return [None if d is None else int(d) for d in tuple(shape)[1:]]


def _check_prelu(layer, cfg, refuse):
    """PReLU: shared_axes among the input's non-batch axes (1 = steps, 2 = features on a
    sequence; 1 on a vector); alpha shaped as Keras builds it: the input's non-batch shape with
    each shared axis set to 1 ((T, F), (1, F), (T, 1), (1, 1) on a sequence; (F,) or (1,) on a
    vector). Without shared axis 1, a sequence needs a fixed length (Keras refuses a free one)."""
    ndim = _input_ndim(layer)
    axes = cfg.get("shared_axes")
    axes = [] if axes is None else [int(a) for a in (axes if hasattr(axes, "__iter__") else [axes])]
    if ndim is None:
        refuse("a PReLU whose input rank cannot be told")
    if any(a < 1 or a > ndim - 1 for a in axes) or len(set(axes)) != len(axes):
        refuse(f"PReLU(shared_axes = {axes}) on a rank-{ndim} input")
    alpha = next((w for w in layer.weights if _weight_short_name(w) == "alpha"), None)
    if alpha is None:
        refuse("a PReLU without its alpha")
    got = tuple(int(d) for d in alpha.shape)
    in_shape = _layer_input_shape(layer) if _INNER_NDIM is None else None
    if in_shape is not None and len(in_shape) != ndim - 1:
        in_shape = None
    want = []
    for i in range(1, ndim):
        if i in axes:
            want.append(1)
        elif in_shape is not None:
            want.append(in_shape[i - 1])
        else:
            want.append(got[i - 1] if len(got) == ndim - 1 else None)
    if len(got) != ndim - 1 or any(w is not None and w != g for w, g in zip(want, got)):
        shown = "(" + ", ".join("*" if w is None else str(w) for w in want) + (",)" if len(want) == 1 else ")")
        refuse(f"a PReLU alpha of shape {got} (expected {shown})")


# The rank of the input of the layer being read inside TimeDistributed (one step: 2), else None.
_INNER_NDIM = None


def _input_ndim(layer):
    """The rank of a built layer's input, batch axis included (3 on a sequence, 2 on a vector
    or inside TimeDistributed); None if it cannot be told."""
    if _INNER_NDIM is not None:
        return _INNER_NDIM
    spec = getattr(layer, "input_spec", None)
    spec = spec[0] if isinstance(spec, (list, tuple)) and spec else spec
    if getattr(spec, "ndim", None):
        return int(spec.ndim)
    shapes = getattr(layer, "_build_shapes_dict", None) or {}
    shape = next(iter(shapes.values()), None)
    if shape is not None:
        return len(shape)
    try:
        return len(layer.input.shape)
    except Exception:  # noqa: BLE001 (an inner layer of a wrapper has no input tensor)
        return None


def _check_norm_axis(layer, cfg, refuse):
    """BatchNormalization / LayerNormalization over the last axis only (rnn_spec's
    rule_last_axis): -1, or its positive index (tf_keras writes [2] on a sequence)."""
    axis = cfg.get("axis", -1)
    items = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    ndim = _input_ndim(layer)
    ok = len(items) == 1 and (items[0] == -1 or (ndim is not None and items[0] == ndim - 1))
    if not ok:
        refuse(f"{type(layer).__name__}(axis = {axis}) (rnn_model! normalises the last axis only, axis = -1)")
    if cfg.get("renorm"):
        refuse("renorm=True")


def _refuse_true(*keys):
    def check(layer, cfg, refuse):
        for key in keys:
            if cfg.get(key):
                refuse(f"{key}=True")
    return check


def _refused(cls):
    """The class's options that change inference and are not implemented (the spec's
    "refused"): refused when true."""
    return _refuse_true(*LAYER_SPECS[cls]["refused"])


def _check_recurrent(cls):
    """Refusals of SimpleRNN, LSTM and GRU: the spec's "refused" options, and a cell of another
    class (a subclass with a custom cell). `unroll`, `use_cudnn` and LSTM/GRU `implementation` do
    not change results and are ignored."""
    def check(layer, cfg, refuse):
        _refused(cls)(layer, cfg, refuse)
        cell = getattr(layer, "cell", None)
        if cell is not None and type(cell).__name__ != cls + "Cell":
            refuse(f"cell class {type(cell).__name__}")
    return check


# config: file config key -> reader(layer, keras config, tf_keras) -> JSON value; must be exactly
#         the spec's "config" list.
# dsl:    DSL keyword -> reader, for values printed in the declaration but not written to the file
#         (the rates of the layers that are the identity at inference).
# dims:   fn(file config) -> {"in": size or None (not checked), "units": size}: what the symbolic
#         dimensions of the spec's tensor shapes ("in", "units", "k*units", n) mean for this class.
# check:  fn(layer, keras config, refuse) -> None; calls refuse("what") for unimplemented options.
Row = collections.namedtuple("Row", "config dsl dims check", defaults=({}, {}, None, None))


def _units_dims(c):
    return {"in": None, "units": c["units"]}


EXPORTER_ROWS = {
    "Embedding": Row(
        config={"input_dim": _int("input_dim"), "output_dim": _int("output_dim"),
                "mask_zero": _bool("mask_zero", False), "input_length": _opt_int("input_length")},
        dims=lambda c: {"in": c["input_dim"], "units": c["output_dim"]},
        check=_refused("Embedding")),
    "SimpleRNN": Row(
        config={"units": _int("units"), "activation": _activation, "use_bias": _bool("use_bias", True),
                "return_sequences": _bool("return_sequences", False),
                "go_backwards": _bool("go_backwards", False)},
        dims=_units_dims,
        check=_check_recurrent("SimpleRNN")),
    "LSTM": Row(
        config={"units": _int("units"), "activation": _activation,
                "recurrent_activation": lambda layer, cfg, tf_keras: _activation(
                    layer, cfg, tf_keras, "recurrent_activation"),
                "use_bias": _bool("use_bias", True),
                "return_sequences": _bool("return_sequences", False),
                "go_backwards": _bool("go_backwards", False)},
        dsl={"unit_forget_bias": _bool("unit_forget_bias", True),
             "dropout": _float("dropout", 0.0), "recurrent_dropout": _float("recurrent_dropout", 0.0)},
        dims=_units_dims,
        check=_check_recurrent("LSTM")),
    "GRU": Row(
        config={"units": _int("units"), "activation": _activation,
                "recurrent_activation": lambda layer, cfg, tf_keras: _activation(
                    layer, cfg, tf_keras, "recurrent_activation"),
                "use_bias": _bool("use_bias", True),
                "return_sequences": _bool("return_sequences", False),
                "go_backwards": _bool("go_backwards", False),
                "reset_after": _bool("reset_after", True)},
        dsl={"dropout": _float("dropout", 0.0), "recurrent_dropout": _float("recurrent_dropout", 0.0)},
        dims=_units_dims,
        check=_check_recurrent("GRU")),
    "Dense": Row(
        config={"units": _int("units"), "activation": _activation, "use_bias": _bool("use_bias", True)},
        dims=_units_dims),
    "Dropout": Row(dsl={"rate": _float("rate")}),
    "SpatialDropout1D": Row(dsl={"rate": _float("rate")}),
    "GaussianNoise": Row(dsl={"stddev": _float("stddev")}),
    "GaussianDropout": Row(dsl={"rate": _float("rate")}),
    "ActivityRegularization": Row(dsl={"l1": _float("l1", 0.0), "l2": _float("l2", 0.0)}),
    "Activation": Row(config={"activation": _activation}),
    "ReLU": Row(config={"max_value": _f32_float("max_value"),
                        "negative_slope": _f32_float("negative_slope", 0.0),
                        "threshold": _f32_float("threshold", 0.0)}),
    "LeakyReLU": Row(config={"negative_slope": _f32_float("negative_slope", 0.3, spelling="alpha")}),
    "ELU": Row(config={"alpha": _f32_float("alpha", 1.0)}),
    "Softmax": Row(check=_check_softmax_axis),
    "BatchNormalization": Row(
        config={"epsilon": _f32_float("epsilon", 1e-3), "center": _bool("center", True),
                "scale": _bool("scale", True)},
        dsl={"momentum": _float("momentum", 0.99)},
        dims=lambda c: {"in": None, "units": None},
        check=_check_norm_axis),
    "LayerNormalization": Row(
        config={"epsilon": _f32_float("epsilon", 1e-3), "center": _bool("center", True),
                "scale": _bool("scale", True), "rms_scaling": _bool("rms_scaling", False)},
        dims=lambda c: {"in": None, "units": None},
        check=_check_norm_axis),
    "Masking": Row(config={"mask_value": _f32_float("mask_value", 0.0)}),
    "Conv1D": Row(
        config={"filters": _int("filters"), "kernel_size": _size("kernel_size"),
                "strides": _size("strides", 1),
                "padding": _choice("padding", ("valid", "same", "causal"), "valid"),
                "dilation_rate": _size("dilation_rate", 1), "groups": _int("groups"),
                "activation": _activation, "use_bias": _bool("use_bias", True)},
        dims=lambda c: {"in": None, "units": c["filters"], "kernel_size": c["kernel_size"],
                        "in/groups": None},
        check=_check_channels_last),
    "MaxPooling1D": Row(
        config={"pool_size": _size("pool_size", 2), "strides": _size("strides"),
                "padding": _choice("padding", ("valid", "same"), "valid")},
        check=_check_channels_last),
    "AveragePooling1D": Row(
        config={"pool_size": _size("pool_size", 2), "strides": _size("strides"),
                "padding": _choice("padding", ("valid", "same"), "valid")},
        check=_check_channels_last),
    "GlobalMaxPooling1D": Row(config={"keepdims": _bool("keepdims", False)},
                              check=_check_channels_last),
    "GlobalAveragePooling1D": Row(config={"keepdims": _bool("keepdims", False)},
                                  check=_check_channels_last),
    "Flatten": Row(check=_check_channels_last),
    "RepeatVector": Row(config={"n": _int("n")}),
    "ZeroPadding1D": Row(config={"padding": _pair("padding", 1)}, check=_check_channels_last),
    "Cropping1D": Row(config={"cropping": _pair("cropping", (1, 1))}, check=_check_channels_last),
    "UpSampling1D": Row(config={"size": _positive_size("size", 2)}),
    "Reshape": Row(config={"target_shape": _int_list("target_shape")}, check=_check_reshape),
    "Permute": Row(config={"dims": _int_list("dims")}, check=_check_permute),
    "PReLU": Row(config={"shared_axes": _int_list("shared_axes", allow_none=True)},
                 dims=lambda c: None, check=_check_prelu),
    # The wrappers' records are built by _bidirectional_doc / _time_distributed_doc (the inner
    # class's config follows these keys); the rows only name the wrapper's own keys.
    "Bidirectional": Row(config={"merge_mode": None, "layer": None}),
    "TimeDistributed": Row(config={"layer": None}),
}


def _check_rows():
    """The rows must cover the spec exactly (a new spec class needs its row)."""
    for cls in SUPPORTED_CLASSES:
        if cls not in EXPORTER_ROWS:
            raise RuntimeError(f"tools/spec.json has class {cls} but keras_export.py has no exporter row for it")
        row, spec = EXPORTER_ROWS[cls], LAYER_SPECS[cls]
        if list(row.config) != spec["config"]:
            raise RuntimeError(f"exporter row {cls}: config keys {list(row.config)} != spec {spec['config']}")
        keywords = {k["name"] for k in spec["keywords"]}
        for key in row.dsl:
            if key not in keywords or key in spec["config"]:
                raise RuntimeError(f"exporter row {cls}: dsl key '{key}' is not a non-config spec keyword")
        if spec["tensors"] and row.dims is None:
            raise RuntimeError(f"exporter row {cls}: has tensors but no dims")
    for cls in EXPORTER_ROWS:
        if cls not in SUPPORTED_CLASSES:
            raise RuntimeError(f"exporter row {cls} has no spec entry in tools/spec.json")


_check_rows()


# --------------------------------------------------------------------------------------------
# Model -> document
# --------------------------------------------------------------------------------------------
def _weight_short_name(w):
    name = getattr(w, "path", None) or w.name
    name = name.split("/")[-1]
    return name.split(":")[0]


def _expected_shape(spec_shape, dims):
    """The spec's symbolic tensor shape (e.g. ["in", "4*units"]) in sizes; None: unchecked
    (dims None: the row's check verifies the shape itself, as PReLU's alpha, whose extent
    depends on the input's shape)."""
    if spec_shape is None or dims is None:
        return None
    out = []
    for d in spec_shape:
        if isinstance(d, int):
            out.append(d)
            continue
        k, _, sym = d.rpartition("*")
        size = dims[sym]
        out.append(None if size is None else (int(k) if k else 1) * size)
    return out


def _read_layer(layer, tf_keras, where, refuse, check=True):
    """A layer of a class with an exporter row: returns (class, file config, [(name, shape,
    float32 array)], DSL-only values). check=False skips the row's refusals (the caller runs
    its own)."""
    cls = type(layer).__name__
    cfg = layer.get_config()
    # Quantized / LoRA layers (Keras 3) store different tensors.
    qmode = getattr(getattr(layer, "dtype_policy", None), "quantization_mode", None)
    if qmode:
        refuse(f"quantization mode '{qmode}'")
    if getattr(layer, "lora_enabled", False):
        refuse("LoRA")

    row, spec = EXPORTER_ROWS[cls], LAYER_SPECS[cls]
    if check and row.check is not None:
        row.check(layer, cfg, refuse)
    config = {key: read(layer, cfg, tf_keras) for key, read in row.config.items()}
    extra = {key: read(layer, cfg, tf_keras) for key, read in row.dsl.items()}
    # the spec's tensors whose condition holds (GRU lists `bias` twice: [2, 3*units] with
    # reset_after, [3*units] without)
    wanted = [t for t in spec["tensors"]
              if t["when"] is None or all(config[k] == v for k, v in t["when"].items())]
    names = [t["name"] for t in wanted]

    weights = layer.weights
    values = layer.get_weights()
    if len(values) != len(names):
        raise Unsupported(f"{where}: expected {len(names)} weight tensors {names}, found {len(values)}")
    tensors = []
    for w, val, tspec in zip(weights, values, wanted):
        want = tspec["name"]
        got = _weight_short_name(w)
        if got != want:
            raise Unsupported(f"{where}: expected weight '{want}', found '{got}'")
        val = np.asarray(val)
        if val.dtype.kind != "f":
            raise Unsupported(f"{where}: weight '{got}' has dtype {val.dtype}, expected float")
        shape = _expected_shape(tspec.get("shape"), row.dims(config))
        if shape is not None:
            if val.ndim != len(shape) or any(s is not None and s != d for s, d in zip(shape, val.shape)):
                shown = "(" + ", ".join("*" if s is None else str(s) for s in shape) + ")"
                raise Unsupported(f"{where}: weight '{got}' has shape {tuple(val.shape)}, expected {shown}")
        arr = val.astype(np.float32)
        if not np.all(np.isfinite(arr)):
            raise Unsupported(f"{where}: weight '{got}' holds NaN/inf (or overflows float32)")
        tensors.append((want, [int(d) for d in arr.shape], arr))
    return cls, config, tensors, extra


# The wrappers' inner classes (the spec's "wraps").
BIDIRECTIONAL_INNER = tuple(LAYER_SPECS["Bidirectional"]["wraps"])
TIME_DISTRIBUTED_INNER = tuple(LAYER_SPECS["TimeDistributed"]["wraps"])


def _bidirectional_doc(layer, tf_keras, where, refuse):
    """Bidirectional: the record's config is merge_mode, layer (the inner class), then the inner
    class's config; the tensors are the forward copy's, prefixed `forward_`, then the backward
    copy's, prefixed `backward_`. Keras builds the backward copy itself (the inner layer's config
    with go_backwards flipped); a given backward_layer is accepted when it equals that copy in
    everything that changes inference (a Keras 3 file always records it)."""
    mode = layer.get_config().get("merge_mode", "concat")
    if mode is None:
        refuse("merge_mode=None (two outputs)")
    if mode not in SPEC["merge_modes"]:
        refuse(f"merge_mode '{mode}'")
    fwd, bwd = layer.forward_layer, layer.backward_layer
    icls = type(fwd).__name__
    if icls not in BIDIRECTIONAL_INNER:
        refuse(f"an inner layer of class {icls} (supported: {', '.join(BIDIRECTIONAL_INNER)})")
    if type(bwd).__name__ != icls:
        refuse(f"a backward_layer of class {type(bwd).__name__} with a forward {icls}")
    docs = []
    for part, sub in (("forward", fwd), ("backward", bwd)):
        sub_where = f"{where} {part} layer '{sub.name}'"

        def sub_refuse(what, _w=sub_where):
            raise Unsupported(f"{_w}: {what} is not supported")
        sub_cfg = sub.get_config()
        # Bidirectional itself sets the inner layers' zero_output_for_mask (= return_sequences):
        # that is its semantics, not a user option.
        inner_refused = [k for k in LAYER_SPECS[icls]["refused"] if k != "zero_output_for_mask"]
        _refuse_true(*inner_refused)(sub, sub_cfg, sub_refuse)
        cell = getattr(sub, "cell", None)
        if cell is not None and type(cell).__name__ != icls + "Cell":
            sub_refuse(f"cell class {type(cell).__name__}")
        docs.append(_read_layer(sub, tf_keras, sub_where, sub_refuse, check=False))
    (_, fcfg, ftensors, fextra), (_, bcfg, btensors, _) = docs
    if fcfg["go_backwards"]:
        refuse("an inner layer with go_backwards=True")
    if not bcfg["go_backwards"]:
        refuse("a backward_layer with go_backwards=False")
    diff = [k for k in fcfg if k != "go_backwards" and fcfg[k] != bcfg[k]]
    if diff:
        refuse("a backward_layer that is not the forward layer's reverse copy (differs in "
               + ", ".join(f"{k}: {fcfg[k]!r} / {bcfg[k]!r}" for k in diff) + ")")
    config = dict({"merge_mode": mode, "layer": icls}, **fcfg)
    tensors = ([("forward_" + n, sh, a) for n, sh, a in ftensors]
               + [("backward_" + n, sh, a) for n, sh, a in btensors])
    return config, tensors, {"layer": _layer_dsl(icls, dict(fcfg, **fextra))}


def _time_distributed_doc(layer, tf_keras, where, refuse):
    """TimeDistributed: the record's config is layer (the inner class), then the inner class's
    config; the tensors are the inner layer's, unprefixed."""
    inner = layer.layer
    icls = type(inner).__name__
    if icls not in TIME_DISTRIBUTED_INNER:
        refuse(f"an inner layer of class {icls} (supported: {', '.join(TIME_DISTRIBUTED_INNER)})")
    sub_where = f"{where} inner layer '{inner.name}'"

    def sub_refuse(what):
        raise Unsupported(f"{sub_where}: {what} is not supported")
    global _INNER_NDIM
    _INNER_NDIM = 2
    try:
        _, icfg, tensors, iextra = _read_layer(inner, tf_keras, sub_where, sub_refuse)
    finally:
        _INNER_NDIM = None
    config = dict({"layer": icls}, **icfg)
    return config, tensors, {"layer": _layer_dsl(icls, dict(icfg, **iextra))}


WRAPPERS = {"Bidirectional": _bidirectional_doc, "TimeDistributed": _time_distributed_doc}


def _layer_doc(layer, tf_keras):
    """Returns (file record without weights, [(name, shape, float32 array)], DSL-only values)."""
    cls = type(layer).__name__
    where = f"layer '{layer.name}' ({cls})"

    def refuse(what):
        raise Unsupported(f"{where}: {what} is not supported")

    if cls not in EXPORTER_ROWS:
        raise Unsupported(f"{where}: layer class {cls} is not supported "
                          f"(supported: {', '.join(SUPPORTED_CLASSES)})")
    if cls in WRAPPERS:
        config, tensors, extra = WRAPPERS[cls](layer, tf_keras, where, refuse)
    else:
        _, config, tensors, extra = _read_layer(layer, tf_keras, where, refuse)
    return {"name": layer.name, "class": cls, "config": config}, tensors, extra


def _tensors_in(v):
    if isinstance(v, (list, tuple)):
        return [t for x in v for t in _tensors_in(x)]
    if isinstance(v, dict):
        return [t for x in v.values() for t in _tensors_in(x)]
    return [v] if type(v).__name__ == "KerasTensor" else []


def _fed_by(layer, prev):
    """The layer's only call takes `prev` as its only tensor input (besides a mask)."""
    nodes = getattr(layer, "_inbound_nodes", None) or [None]
    if len(nodes) > 1:
        return False
    arguments = getattr(nodes[0], "arguments", None)
    if arguments is not None:
        # Keras 3: a layer that receives a mask is called with it as the `mask` keyword, and then
        # `layer.input` is [input, mask]; any other tensor argument (initial_state, ...) refuses.
        if len(arguments.args) != 1 or arguments.args[0] is not prev:
            return False
        return not any(_tensors_in(v) for k, v in arguments.kwargs.items() if k != "mask")
    return layer.input is prev


def _check_linear_chain(model, layers):
    if type(model).__name__ == "Sequential":
        return
    inputs = getattr(model, "inputs", None) or []
    outputs = getattr(model, "outputs", None) or []
    if len(inputs) != 1 or len(outputs) != 1:
        raise Unsupported(f"model '{model.name}': only single-input single-output models are supported")
    prev = inputs[0]
    for layer in layers:
        if type(layer).__name__ == "InputLayer":
            continue
        if not _fed_by(layer, prev):
            raise Unsupported(f"model '{model.name}': layer '{layer.name}' is not fed by the previous "
                              "layer; only linear (Sequential-like) models are supported")
        prev = layer.output
    if prev is not outputs[0]:
        raise Unsupported(f"model '{model.name}': output is not the last layer's output")


Exported = collections.namedtuple("Exported", "input_shape docs extras")


def model_document(model, producer, tf_keras):
    """Return Exported(input shape or None, [(file record, [(name, shape, float32 array)])],
    [DSL-only values per layer])."""
    layers = list(model.layers)
    # every unsupported class, named in one message before anything else (as rnn_spec's
    # rules::rule_classes_implemented words it)
    where, classes = [], []
    for layer in layers:
        cls = type(layer).__name__
        if cls != "InputLayer" and cls not in SUPPORTED_CLASSES:
            where.append(f"layer '{layer.name}' ({cls})")
            if cls not in classes:
                classes.append(cls)
    if classes:
        s, are = ("", "is") if len(classes) == 1 else ("es", "are")
        names = ", ".join(f"`{c}`" for c in classes)
        raise Unsupported(f"{', '.join(where)}: layer class{s} {names} {are} not implemented "
                          f"by rnn_model! (it implements {', '.join(IMPLEMENTED_CLASSES)})")
    docs, extras = [], []
    for layer in layers:
        if type(layer).__name__ == "InputLayer":
            continue
        record, tensors, extra = _layer_doc(layer, tf_keras)
        docs.append((record, tensors))
        extras.append(extra)
    _check_linear_chain(model, layers)
    if not docs:
        raise Unsupported(f"model '{model.name}': no layers")
    input_shape = None
    try:
        inputs = model.inputs
        if inputs:
            input_shape = [None if d is None else int(d) for d in tuple(inputs[0].shape)[1:]]
    except Exception:  # unbuilt model: leave the optional field out
        input_shape = None
    return Exported(input_shape, docs, extras)


# --------------------------------------------------------------------------------------------
# The rnn_model! declaration that matches the file
# --------------------------------------------------------------------------------------------
class NoDeclaration(Exception):
    """The declaration cannot be derived (e.g. an unbuilt float model: unknown input width)."""


def struct_name(model_name):
    """The model name in CamelCase; `Model` for Keras's automatic names."""
    if not model_name or re.fullmatch(r"(sequential|functional|model)(_\d+)?", model_name):
        return "Model"
    s = "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]+", model_name) if p)
    if not s or not s[0].isalpha():
        s = "Model" + s
    return s


# Keywords whose value is a [left, right] pair, written `2` when both sides are equal, else
# `(1, 2)` (ZeroPadding1D's padding, Cropping1D's cropping).
PAIR_KEYWORDS = ("padding", "cropping")


def _dsl_text(v, typ, key=None):
    if v is None:
        return "None"
    if isinstance(v, (list, tuple)):
        items = [str(int(x)) for x in v]
        if key == "shared_axes":
            return "[" + ", ".join(items) + "]"
        if key in PAIR_KEYWORDS and len(items) == 2 and items[0] == items[1]:
            return items[0]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if typ == "bool":
        return "true" if v else "false"
    if typ in ("activation", "merge", "layer", "choice"):
        return str(v)  # a layer: its declaration text, already written
    if typ in ("float", "rate"):
        return repr(float(v))
    if typ in ("size", "steps"):
        return str(int(v))
    if typ == "str":
        return json.dumps(v)
    return repr(v)


def _is_default(v, default, typ):
    if default is None or v is None:
        return v is None and default is None
    if isinstance(v, (list, tuple)):
        if not isinstance(default, (list, tuple)):
            default = [default] * len(v)  # a pair's default given as one int
        return [int(x) for x in v] == [int(x) for x in default]
    if typ in ("float", "rate"):
        return float(v) == float(default)
    return v == default


def _layer_dsl(cls, values, name=None, auto_name=None):
    spec = LAYER_SPECS[cls]
    types = {k["name"]: k["type"] for k in spec["keywords"]}
    # Required positionals are written positionally; one with a default (Masking's mask_value,
    # ActivityRegularization's l1) is written as a keyword, and only when it is not the default.
    defaults = {k["name"]: k["default"] for k in spec["keywords"]}
    required = [k["name"] for k in spec["keywords"] if k["required"]]
    required.sort(key=spec["positional"].index)
    args = []
    for p in required:
        if p not in values:
            raise NoDeclaration(f"{cls}: {p} is unknown")
        args.append(_dsl_text(values[p], types[p], p))
    flagged = set(spec["flags"].values())
    args += [flag for flag, key in spec["flags"].items() if values.get(key)]
    for kw in spec["keywords"]:
        k = kw["name"]
        if k in required or k in flagged:
            continue
        if k == "name":
            if name is not None and name != auto_name:
                args.append(f"name = {json.dumps(name)}")
        elif k == "strides" and values.get(k) == values.get("pool_size"):
            continue  # pooling's `strides = None` is `pool_size`: not written
        elif k in values and not _is_default(values[k], kw["default"], kw["type"]):
            args.append(f"{k} = {_dsl_text(values[k], kw['type'], k)}")
    return f"{cls}({', '.join(args)})"


def declaration_layers(exported):
    """The layer list of the declaration, e.g. `Embedding(10000, 32), SimpleRNN(32)`.
    Raises NoDeclaration."""
    out = []
    docs = exported.docs
    if docs[0][0]["class"] != "Embedding":  # float input: Input(T, F) first
        shape = exported.input_shape
        if shape is None or len(shape) != 2:
            kernel = next((t for t in docs[0][1] if t[0] in ("kernel", "forward_kernel")), None)
            if shape is None and kernel is not None:
                shape = [None, kernel[1][0]]
            else:
                raise NoDeclaration(f"input shape {shape} is not (steps, features)")
        if shape[1] is None:
            raise NoDeclaration("the input width is unknown")
        out.append(_layer_dsl("Input", {"steps": shape[0], "features": shape[1]}))
    used = collections.Counter()
    for (record, _), extra in zip(docs, exported.extras):
        cls = record["class"]
        snake = LAYER_SPECS[cls]["snake"]
        auto = snake if used[snake] == 0 else f"{snake}_{used[snake]}"
        if record["name"] == auto:  # auto-named: uses up the number; explicit names do not
            used[snake] += 1
        if cls in WRAPPERS:
            # the inner layer is declared without a name, so it was auto-named when it was
            # created: Keras's `Bidirectional(LSTM(4))` uses up `lstm` (a later LSTM is `lstm_1`)
            used[LAYER_SPECS[record["config"]["layer"]]["snake"]] += 1
        out.append(_layer_dsl(cls, dict(record["config"], **extra), record["name"], auto))
    return ", ".join(out)


def declaration(model_name, layers_dsl):
    return f"rnn_model! {{ pub struct {struct_name(model_name)}<{layers_dsl}>; }}"


def write_document(fh, model_name, producer, input_shape, docs, indent=None):
    """Write the weights JSON to text stream fh; return the checksum string."""
    crc = 0
    meta_layers = []
    arrays = []
    for layer, tensors in docs:
        ws = []
        for name, shape, arr in tensors:
            ws.append({"name": name, "shape": shape, "data": f"@@DATA{len(arrays)}@@"})
            arrays.append(arr)
            crc = zlib.crc32(np.ascontiguousarray(arr, dtype="<f4").tobytes(), crc)
        meta_layers.append(dict(layer, weights=ws))
    checksum = "crc32:%08x" % (crc & 0xFFFFFFFF)
    doc = {"format": FORMAT, "version": VERSION, "model": model_name, "producer": producer}
    if input_shape is not None:
        doc["input_shape"] = input_shape
    doc["layers"] = meta_layers
    doc["checksum"] = checksum
    if indent is None:
        text = json.dumps(doc, separators=(",", ":"))
    else:
        text = json.dumps(doc, indent=indent)
        # keep short integer lists (shapes) on one line
        text = re.sub(r"\[\s*((?:-?\d+|null)(?:,\s*(?:-?\d+|null))*)\s*\]",
                      lambda m: "[" + re.sub(r"\s+", "", m.group(1)).replace(",", ", ") + "]", text)
    pos = 0
    for i, arr in enumerate(arrays):
        mark = f'"@@DATA{i}@@"'
        j = text.index(mark, pos)
        fh.write(text[pos:j])
        write_f32_array(fh, arr)
        pos = j + len(mark)
    fh.write(text[pos:])
    fh.write("\n")
    return checksum


ExportResult = collections.namedtuple("ExportResult", "checksum struct layers_dsl declaration")


def export_model(model, out_path, producer, tf_keras, gzip_out=None, indent=None):
    """Export an in-memory Keras model to out_path (`-`: stdout). Raises Unsupported.
    Returns ExportResult(checksum, struct name, declaration layer list or None, full declaration
    or a `// no declaration: why` line)."""
    exported = model_document(model, producer, tf_keras)
    try:
        layers_dsl = declaration_layers(exported)
        decl = declaration(model.name, layers_dsl)
    except NoDeclaration as e:
        layers_dsl, decl = None, f"// no rnn_model! declaration: {e}"
    if gzip_out is None:
        gzip_out = str(out_path).endswith(".gz")
    args = (model.name, producer, exported.input_shape, exported.docs, indent)
    if str(out_path) == "-":
        if gzip_out:
            raw = gzip.GzipFile(fileobj=sys.stdout.buffer, mode="wb", compresslevel=6, mtime=0)
            with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as fh:
                checksum = write_document(fh, *args)
        else:
            checksum = write_document(sys.stdout, *args)
        sys.stdout.flush()
        return ExportResult(checksum, struct_name(model.name), layers_dsl, decl)
    tmp = str(out_path) + ".part"
    try:
        if gzip_out:
            raw = gzip.GzipFile(tmp, "wb", compresslevel=6, mtime=0)  # mtime=0: reproducible bytes
            fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        else:
            fh = open(tmp, "w", encoding="utf-8", newline="\n")
        with fh:
            checksum = write_document(fh, *args)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return ExportResult(checksum, struct_name(model.name), layers_dsl, decl)


def export_file(model_path, out_path, use_tf_keras=None, gzip_out=None, indent=None, verbose=False):
    """Load model_path (.keras -> keras, .h5 -> tf_keras unless use_tf_keras says otherwise) and
    export it. Raises Unsupported for unsupported models. Returns an ExportResult."""
    if use_tf_keras is None:
        use_tf_keras = str(model_path).lower().endswith((".h5", ".hdf5"))
    with _quiet_stderr(not verbose):
        model, producer = load_model(str(model_path), use_tf_keras)
    return export_model(model, out_path, producer, use_tf_keras, gzip_out, indent)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help=".keras (Keras 3) or .h5 (Keras 2 / tf_keras) model file")
    ap.add_argument("out", help="output weights JSON (.gz suffix: gzip; '-': stdout)")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--tf-keras", dest="tf_keras", action="store_true", default=None,
                   help="load with tf_keras (default for .h5)")
    g.add_argument("--keras3", dest="tf_keras", action="store_false",
                   help="load with keras 3 (default for .keras)")
    ap.add_argument("--gzip", action="store_true", default=None, help="gzip the output")
    ap.add_argument("--indent", type=int, default=None, help="pretty-print metadata with N spaces")
    ap.add_argument("--no-decl", action="store_true",
                    help="do not print the matching rnn_model! declaration")
    ap.add_argument("--verbose", action="store_true", help="do not silence TensorFlow's stderr")
    args = ap.parse_args(argv)
    prog = "keras_export"
    if not os.path.exists(args.model):
        print(f"{prog}: error: {args.model}: no such file", file=sys.stderr)
        return 1
    try:
        result = export_file(args.model, args.out, args.tf_keras, args.gzip, args.indent, args.verbose)
    except Unsupported as e:
        print(f"{prog}: unsupported: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # one line, no traceback
        msg = " ".join(str(e).split())
        if len(msg) > 400:
            msg = msg[:400] + "..."
        print(f"{prog}: error: {type(e).__name__}: {msg}", file=sys.stderr)
        return 1
    if args.verbose:
        print(f"{prog}: wrote {args.out} ({result.checksum})", file=sys.stderr)
    if not args.no_decl:
        print(result.declaration, file=sys.stderr if args.out == "-" else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
