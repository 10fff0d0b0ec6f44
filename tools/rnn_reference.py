"""Plain-numpy reference forward pass over an rnn-weights document (docs/WEIGHTS_FORMAT.md),
implementing the semantics written in /work/shared/KERAS.md (SimpleRNN, LSTM, GRU, masking,
go_backwards, the tensor-less layers, and the Bidirectional and TimeDistributed wrappers). Used
by gen_fixtures.py and check_keras_semantics.py to cross-check Keras's own predictions; float64 throughout.
"""

import json
import gzip
import math

import numpy as np

_erf = np.frompyfunc(math.erf, 1, 1)


def _softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x):
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "softmax": _softmax,
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "swish": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / math.sqrt(2)).astype(np.float64)),
    "exponential": np.exp,
    "hard_sigmoid": lambda x: np.clip(x / 6 + 0.5, 0, 1),
    "hard_sigmoid_keras2": lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "log_softmax": lambda x: (x - x.max(axis=-1, keepdims=True))
    - np.log(np.exp(x - x.max(axis=-1, keepdims=True)).sum(axis=-1, keepdims=True)),
}


# Layers that are the identity at inference (no tensors, config {}).
IDENTITY_CLASSES = ("Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout",
                    "ActivityRegularization")


def _simple_rnn_cell(cfg, W):
    act = ACTIVATIONS[cfg["activation"]]
    K, R = W["kernel"], W["recurrent_kernel"]
    b = W["bias"] if cfg["use_bias"] else 0.0

    def step(x, states):
        (h,) = states
        return (act(x @ K + b + h @ R),)
    return step


def _lstm_cell(cfg, W):
    """Gate columns i, f, c, o: z = x·K + h·R + b; i, f, o = σ(z_i, z_f, z_o);
    c' = f⊙c + i⊙act(z_c); h' = o⊙act(c')."""
    act = ACTIVATIONS[cfg["activation"]]
    sig = ACTIVATIONS[cfg["recurrent_activation"]]
    K, R = W["kernel"], W["recurrent_kernel"]
    b = W["bias"] if cfg["use_bias"] else 0.0
    u = cfg["units"]

    def step(x, states):
        h, c = states
        z = x @ K + h @ R + b
        i, f, g, o = (z[:, k * u:(k + 1) * u] for k in range(4))
        c = sig(f) * c + sig(i) * act(g)
        return sig(o) * act(c), c
    return step


def _gru_cell(cfg, W):
    """Gate columns z, r, h. reset_after (bias [2, 3u]: input row, recurrent row):
    x·K + b_in and h·R + b_rec kept apart; z, r = σ(sum); hh = act(xK_h + b_in,h + r⊙(hR_h + b_rec,h)).
    Otherwise (bias [3u]): hh = act(xK_h + b_h + (r⊙h)·R_h). Both: h' = z⊙h + (1−z)⊙hh."""
    act = ACTIVATIONS[cfg["activation"]]
    sig = ACTIVATIONS[cfg["recurrent_activation"]]
    K, R = W["kernel"], W["recurrent_kernel"]
    u = cfg["units"]
    if cfg["use_bias"]:
        b = W["bias"]
        b_in, b_rec = (b[0], b[1]) if cfg["reset_after"] else (b, np.zeros(3 * u))
    else:
        b_in = b_rec = np.zeros(3 * u)

    def cols(a, k):
        return a[..., k * u:(k + 1) * u]

    def step(x, states):
        (h,) = states
        xk = x @ K + b_in
        if cfg["reset_after"]:
            hr = h @ R + b_rec
            z = sig(cols(xk, 0) + cols(hr, 0))
            r = sig(cols(xk, 1) + cols(hr, 1))
            hh = act(cols(xk, 2) + r * cols(hr, 2))
        else:
            z = sig(cols(xk, 0) + h @ cols(R, 0))
            r = sig(cols(xk, 1) + h @ cols(R, 1))
            hh = act(cols(xk, 2) + (r * h) @ cols(R, 2))
        return (z * h + (1 - z) * hh,)
    return step


# Recurrent layers: class -> fn(config, tensors) -> step(x_t, states) -> new states (h first).
CELLS = {"SimpleRNN": _simple_rnn_cell, "LSTM": _lstm_cell, "GRU": _gru_cell}


def load(path):
    op = gzip.open if str(path).endswith(".gz") else open
    with op(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def _run_recurrent(cls, cfg, W, h, mask, zero_output_for_mask=False):
    """One SimpleRNN / LSTM / GRU over h (B, T, F) with an optional (B, T) mask. Returns the
    sequence of outputs in processing order (B, T, u) and the last output (B, u).
    zero_output_for_mask (set by Bidirectional on its inner layers when they return sequences):
    a masked step outputs zeros instead of the previous step's output."""
    B, T = h.shape[0], h.shape[1]
    u = cfg["units"]
    step = CELLS[cls](cfg, W)
    # states: SimpleRNN and GRU (h,), LSTM (h, c); the output is h
    states = tuple(np.zeros((B, u)) for _ in range(2 if cls == "LSTM" else 1))
    prev = np.zeros((B, u))
    outs = []
    steps = range(T - 1, -1, -1) if cfg["go_backwards"] else range(T)
    for t in steps:
        new = step(h[:, t], states)
        if mask is not None:
            # a masked step keeps every state (LSTM: h AND c) and repeats the previous
            # output (zeros before the first unmasked step), or outputs zeros
            m = mask[:, t][:, None]
            states = tuple(np.where(m, n, s) for n, s in zip(new, states))
            out = np.where(m, new[0], 0.0 if zero_output_for_mask else prev)
        else:
            states = new
            out = new[0]
        prev = out
        outs.append(out)
    seq = np.stack(outs, axis=1) if outs else np.zeros((B, 0, u))
    last = outs[-1] if outs else np.zeros((B, u))
    return seq, last


MERGES = {
    "concat": lambda a, b: np.concatenate([a, b], axis=-1),
    "sum": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "ave": lambda a, b: (a + b) / 2,
}


def _inner(cfg, *wrapper_keys):
    """A wrapper's record config -> (inner class, inner config)."""
    return cfg["layer"], {k: v for k, v in cfg.items() if k not in ("layer",) + wrapper_keys}


def _out_len(T, k, s, d, padding):
    """A window's output length (docs/KERAS_LAYERS.md)."""
    span = d * (k - 1) + 1
    if padding == "valid":
        return max((T - span) // s + 1, 0) if T >= span else 0
    if padding == "same":
        return -(-T // s)
    return (T - 1) // s + 1 if T > 0 else 0  # causal


def _pad_left(T, k, s, d, padding):
    span = d * (k - 1) + 1
    if padding == "causal":
        return span - 1
    if padding == "same":
        out = -(-T // s)
        return max((out - 1) * s + span - T, 0) // 2
    return 0


def _conv1d(cfg, W, h):
    """y[t, f] = act(b[f] + sum_j sum_c xp[t s + j d, g cg + c] K[j, c, f]), written plainly
    (float64) from docs/KERAS_LAYERS.md."""
    K = W["kernel"]
    k, cg, F = K.shape
    s, d, groups = cfg["strides"], cfg["dilation_rate"], cfg["groups"]
    B, T, C = h.shape
    n = _out_len(T, k, s, d, cfg["padding"])
    pad = _pad_left(T, k, s, d, cfg["padding"])
    fg = F // groups
    y = np.zeros((B, n, F))
    for t in range(n):
        for j in range(k):
            i = t * s + j * d - pad
            if 0 <= i < T:
                for g in range(groups):
                    y[:, t, g * fg:(g + 1) * fg] += h[:, i, g * cg:(g + 1) * cg] @ K[j, :, g * fg:(g + 1) * fg]
    if cfg["use_bias"]:
        y = y + W["bias"]
    return ACTIVATIONS[cfg["activation"]](y)


def _pool1d(cfg, h, reduce):
    """Max or mean over each window's real steps (the padding is not counted)."""
    p, s = cfg["pool_size"], cfg["strides"]
    B, T, C = h.shape
    n = _out_len(T, p, s, 1, cfg["padding"])
    pad = _pad_left(T, p, s, 1, cfg["padding"])
    y = np.zeros((B, n, C))
    for t in range(n):
        lo, hi = max(t * s - pad, 0), min(t * s - pad + p, T)
        y[:, t] = reduce(h[:, lo:hi], axis=1)
    return y


def _apply(cls, cfg, W, h, mask):
    """One layer: returns (output, the mask it passes on)."""
    if cls == "Embedding":
        ids = h.astype(np.int64)
        h = W["embeddings"][ids]
        mask = (ids != 0) if cfg["mask_zero"] else None
    elif cls == "Dense":
        act = ACTIVATIONS[cfg["activation"]]
        z = h @ W["kernel"]
        if cfg["use_bias"]:
            z = z + W["bias"]
        h = act(z)  # mask (if any) passes through unchanged
    elif cls in CELLS:
        seq, last = _run_recurrent(cls, cfg, W, h, mask)
        if cfg["return_sequences"]:
            h = seq
            # Keras passes the input mask on unchanged (NOT reversed under go_backwards)
        else:
            h = last
            mask = None
    elif cls == "Bidirectional":
        # The forward copy runs as the inner layer; the backward copy (go_backwards flipped)
        # reads input and mask reversed. Both have zero_output_for_mask = return_sequences, so
        # masked steps of a returned sequence are zeros. With return_sequences the backward
        # output is flipped back to align in time and the input mask flows on; otherwise the
        # two last outputs are merged and the mask is consumed.
        icls, icfg = _inner(cfg, "merge_mode")
        fw = {k[len("forward_"):]: v for k, v in W.items() if k.startswith("forward_")}
        bw = {k[len("backward_"):]: v for k, v in W.items() if k.startswith("backward_")}
        rs = icfg["return_sequences"]
        y_seq, y_last = _run_recurrent(icls, icfg, fw, h, mask, zero_output_for_mask=rs)
        b_cfg = dict(icfg, go_backwards=not icfg["go_backwards"])
        b_seq, b_last = _run_recurrent(icls, b_cfg, bw, h, mask, zero_output_for_mask=rs)
        merge = MERGES[cfg["merge_mode"]]
        if rs:
            h = merge(y_seq, b_seq[:, ::-1])
        else:
            h = merge(y_last, b_last)
            mask = None
    elif cls == "TimeDistributed":
        # the inner layer (Dense, Activation, identity) on every step; the mask passes
        icls, icfg = _inner(cfg)
        h, _ = _apply(icls, icfg, W, h, None)
    elif cls == "Masking":
        # a step is masked when ALL its features equal mask_value; masked steps become zeros;
        # the new mask replaces any incoming one and flows on as Embedding's does
        # (Keras compares in float32: the mask value is rounded to float32 first)
        keep = np.any(h != float(np.float32(cfg["mask_value"])), axis=-1)
        h = np.where(keep[..., None], h, 0.0)
        mask = keep
    elif cls == "Activation":
        h = ACTIVATIONS[cfg["activation"]](h)  # elementwise (softmax: last axis); mask passes
    elif cls == "ReLU":
        # x above the threshold (strictly), capped at max_value; slope * (x - threshold) at or
        # below it (docs/KERAS_LAYERS.md); Keras compares in float32; the mask passes
        t = float(np.float32(cfg["threshold"]))
        top = h if cfg["max_value"] is None else np.minimum(h, float(np.float32(cfg["max_value"])))
        h = np.where(h > t, top, float(np.float32(cfg["negative_slope"])) * (h - t))
    elif cls == "LeakyReLU":
        h = np.where(h > 0, h, float(np.float32(cfg["negative_slope"])) * h)  # the mask passes
    elif cls == "ELU":
        h = np.where(h > 0, h, float(np.float32(cfg["alpha"])) * np.expm1(h))  # the mask passes
    elif cls == "Softmax":
        if mask is not None:
            raise ValueError("Softmax on a masked sequence: Keras raises")
        h = _softmax(h)  # the last axis
    elif cls == "Conv1D":
        h, mask = _conv1d(cfg, W, h), None  # the mask is dropped (padded steps count)
    elif cls == "MaxPooling1D":
        h, mask = _pool1d(cfg, h, np.max), None
    elif cls == "AveragePooling1D":
        h, mask = _pool1d(cfg, h, np.mean), None
    elif cls == "GlobalMaxPooling1D":
        h, mask = np.max(h, axis=1, keepdims=cfg["keepdims"]), None
    elif cls == "GlobalAveragePooling1D":
        if mask is None:
            h = np.mean(h, axis=1, keepdims=cfg["keepdims"])
        else:
            m = mask[..., None].astype(np.float64)
            with np.errstate(invalid="ignore", divide="ignore"):
                h = np.sum(h * m, axis=1, keepdims=cfg["keepdims"]) / np.sum(m, axis=1, keepdims=cfg["keepdims"])
        mask = None
    elif cls == "Flatten":
        h, mask = h.reshape(h.shape[0], -1), None
    elif cls == "RepeatVector":
        h, mask = np.repeat(h[:, None, :], cfg["n"], axis=1), None
    elif cls == "ZeroPadding1D":
        # l zero steps before, r after; the mask is dropped (padded steps count)
        left, right = cfg["padding"]
        h, mask = np.pad(h, ((0, 0), (left, right), (0, 0))), None
    elif cls == "Cropping1D":
        left, right = cfg["cropping"]
        h, mask = h[:, left:h.shape[1] - right], None
    elif cls == "UpSampling1D":
        h, mask = np.repeat(h, cfg["size"], axis=1), None  # x0 x0 x1 x1 ...
    elif cls == "Reshape":
        h, mask = h.reshape((h.shape[0],) + tuple(cfg["target_shape"])), None  # row-major
    elif cls == "Permute":
        h, mask = np.transpose(h, [0] + list(cfg["dims"])), None
    elif cls == "PReLU":
        # max(x, 0) + alpha * min(x, 0), alpha broadcast over the shared axes; the mask passes
        h = np.maximum(h, 0) + W["alpha"] * np.minimum(h, 0)
    elif cls == "BatchNormalization":
        # inference: the moving statistics, per feature of the last axis; the mask passes
        eps = float(np.float32(cfg["epsilon"]))
        g = W["gamma"] if cfg["scale"] else 1.0
        b = W["beta"] if cfg["center"] else 0.0
        h = g * (h - W["moving_mean"]) / np.sqrt(W["moving_variance"] + eps) + b
    elif cls == "LayerNormalization":
        # each step's mean and biased variance over its features; Keras 3's rms_scaling: not
        # centred, gamma only (docs/KERAS_LAYERS.md); the mask passes
        eps = float(np.float32(cfg["epsilon"]))
        mean = h.mean(axis=-1, keepdims=True)
        var = h.var(axis=-1, keepdims=True)
        if cfg["rms_scaling"]:
            h = h / np.sqrt(var + eps) * W["gamma"]
        else:
            h = (h - mean) / np.sqrt(var + eps)
            if cfg["scale"]:
                h = h * W["gamma"]
            if cfg["center"]:
                h = h + W["beta"]
    elif cls in IDENTITY_CLASSES:
        pass  # identity at inference; the mask passes
    else:
        raise ValueError(cls)
    return h, mask


def forward(doc, x, return_mask=False, mask=None):
    """x: (B, T) ids or (B, T, F) floats; mask: an incoming (B, T) bool mask or None. Returns
    the model output (float64), and with return_mask also the mask it passes on."""
    h = np.asarray(x)
    if h.dtype.kind == "f":
        h = h.astype(np.float64)
    for L in doc["layers"]:
        W = {w["name"]: np.asarray(w["data"], np.float64).reshape(w["shape"]) for w in L["weights"]}
        h, mask = _apply(L["class"], L["config"], W, h, mask)
    return (h, mask) if return_mask else h
