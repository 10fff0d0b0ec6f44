#!/usr/bin/env python3
"""Check the convolution, pooling, reshaping, normalization and activation layers of issue 22
(docs/KERAS_LAYERS.md) against real Keras 3 (`keras`) and tf_keras, with small numpy reference
implementations written here:

  1. Conv1D: output length and values for padding valid/same/causal, strides 1-3, dilation 1-3,
     kernel 1-5, odd and even lengths, groups, use_bias, activation, kernel shape; the
     combinations Keras refuses (with its message); channels_first.
  2. MaxPooling1D / AveragePooling1D (pool_size, strides, valid/same: is a padded position
     counted in the average?), GlobalMaxPooling1D / GlobalAveragePooling1D (keepdims, masks).
  3. Flatten, Reshape, RepeatVector, Permute, ZeroPadding1D, Cropping1D, UpSampling1D.
  4. BatchNormalization (inference), LayerNormalization (center/scale, Keras 3 rms_scaling).
  5. ReLU, LeakyReLU (both spellings), PReLU, ELU, Softmax (axis, mask).
  6. Masks through every layer (Embedding(mask_zero=True) in front): passed on, used, or dropped.
  7. Per class: default name, get_config() keys and defaults, weights (names, shapes, order),
     summary output shapes (fixed and free length), and the config as saved in a Keras 3
     `.keras` file and a tf_keras `.h5` file.

Prints a report (the facts docs/KERAS_LAYERS.md is written from); exits 1 when a reference
does not match Keras or a stated rule does not hold.

    TF_CPP_MIN_LOG_LEVEL=3 CUDA_VISIBLE_DEVICES= nice -n 19 venv/bin/python tools/check_keras_layers.py
"""

import contextlib
import io
import json
import math
import os
import sys
import tempfile
import warnings
import zipfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import keras_export  # noqa: E402

with keras_export._quiet_stderr():
    import h5py  # noqa: E402
    import tensorflow as tf  # noqa: E402
    import keras  # noqa: E402
    import tf_keras  # noqa: E402
tf.get_logger().setLevel("ERROR")
warnings.filterwarnings("ignore")

BACKENDS = ((keras, "keras3"), (tf_keras, "tf_keras"))
FAILURES = []
TOL = 2e-5


def fail(msg):
    FAILURES.append(msg)
    print("  FAIL " + msg)


def expect(cond, msg):
    if not cond:
        fail(msg)
    return cond


def err_text(e):
    import re
    msg = re.sub(r"\x1b\[[0-9;]*m|\[[01]m", "", str(e))
    msg = re.split(r"(?:Call )?[Aa]rguments received by", msg)[0]
    return f"{type(e).__name__}: " + " ".join(msg.split())[:400]


def out_shape(m):
    """A Sequential model's output shape (Keras 3 and tf_keras)."""
    return tuple(m.layers[-1].output.shape)


def attempt(fn):
    """(result, None) or (None, 'Class: message')."""
    try:
        with keras_export._quiet_stderr():
            return fn(), None
    except Exception as e:  # noqa: BLE001
        return None, err_text(e)


def np_out(y):
    return np.asarray(y, np.float64)


def rel_err(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.shape != b.shape:
        return np.inf
    if a.size == 0:
        return 0.0
    return float(np.abs(a - b).max() / max(1.0, np.abs(b).max()))


def normalise(msg):
    """A refusal message with layer names and numbers blanked, to group like refusals."""
    import re
    msg = re.sub(r"(conv1d|max_pooling1d|average_pooling1d)_\d+", r"\1", msg)
    msg = re.sub(r"\d+", "#", msg)
    return msg[:150]


def section(title):
    print()
    print("=" * 100)
    print(title)
    print("=" * 100)


# --------------------------------------------------------------------------------------------
# numpy references
# --------------------------------------------------------------------------------------------

def same_pads(T, s, span):
    n = -(-T // s)
    tot = max((n - 1) * s + span - T, 0)
    return tot // 2, tot - tot // 2


def conv_len(T, k, s, d, padding):
    span = d * (k - 1) + 1
    if padding == "same":
        return -(-T // s)
    if padding == "causal":
        T = T + span - 1
    return max((T - span) // s + 1, 0) if T >= span else 0


def conv1d_ref(x, W, b, s, d, padding, groups, act=None):
    B, T, C = x.shape
    k, cg, F = W.shape
    span = d * (k - 1) + 1
    if padding == "valid":
        L, R = 0, 0
    elif padding == "causal":
        L, R = span - 1, 0
    else:
        L, R = same_pads(T, s, span)
    xp = np.concatenate([np.zeros((B, L, C)), x, np.zeros((B, R, C))], axis=1)
    Tp = T + L + R
    n = (Tp - span) // s + 1 if Tp >= span else 0
    y = np.zeros((B, n, F))
    fg = F // groups
    idx = np.arange(n) * s
    for g in range(groups):
        xs = xp[:, :, g * cg:(g + 1) * cg]
        for j in range(k):
            y[:, :, g * fg:(g + 1) * fg] += xs[:, idx + j * d] @ W[j][:, g * fg:(g + 1) * fg]
    if b is not None:
        y += b
    if act == "relu":
        y = np.maximum(y, 0)
    return y


def pool_ref(x, p, s, padding, kind, count_pads=False):
    B, T, C = x.shape
    if padding == "valid":
        n, L = ((T - p) // s + 1 if T >= p else 0), 0
    else:
        n = -(-T // s)
        L, _ = same_pads(T, s, p)
    y = np.zeros((B, n, C))
    for t in range(n):
        w = t * s - L + np.arange(p)
        w = w[(w >= 0) & (w < T)]
        if kind == "max":
            y[:, t] = x[:, w].max(axis=1)
        else:
            y[:, t] = x[:, w].sum(axis=1) / (p if count_pads else len(w))
    return y


def relu_ref(x, max_value, negative_slope, threshold):
    """Found: f(x) = min(x, max_value) for x > threshold (STRICTLY: x == threshold gives 0, not
    threshold), negative_slope * (x - threshold) otherwise (also capped at max_value)."""
    y = np.where(x > threshold, x, negative_slope * (x - threshold))
    if max_value is not None:
        y = np.minimum(y, max_value)
    return y


def elu_ref(x, a):
    return np.where(x > 0, x, a * (np.exp(x) - 1))


def softmax_ref(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# --------------------------------------------------------------------------------------------
# 1. Conv1D
# --------------------------------------------------------------------------------------------

def check_conv1d():
    section("1. Conv1D: lengths and values against the numpy reference; refusals")
    rng = np.random.default_rng(1)
    for K, tag in BACKENDS:
        refusals = {}          # normalised message -> list of (case, message)
        short_accepted = []
        checked = 0
        bad = []
        for padding in ("valid", "same", "causal"):
            for s in (1, 2, 3):
                for d in (1, 2, 3):
                    for k in (1, 2, 3, 4, 5):
                        for T in (2, 7, 8):
                            for groups in (1, 2):
                                use_bias = (k + T + groups) % 2 == 0
                                act = "relu" if (k == 3 and T == 7) else None
                                x = rng.normal(0, 1, (2, T, 4)).astype(np.float32)
                                case = dict(padding=padding, s=s, d=d, k=k, T=T, groups=groups)

                                def run():
                                    layer = K.layers.Conv1D(6, k, strides=s, padding=padding,
                                                            dilation_rate=d, groups=groups,
                                                            use_bias=use_bias, activation=act)
                                    layer.build((None, T, 4))
                                    ws = [rng.uniform(-1, 1, w.shape).astype(np.float32)
                                          for w in layer.get_weights()]
                                    layer.set_weights(ws)
                                    return layer, ws, np_out(layer(x))

                                r, e = attempt(run)
                                n_ref = conv_len(T, k, s, d, padding)
                                if e is not None:
                                    refusals.setdefault(normalise(e), []).append((case, e))
                                    continue
                                if n_ref == 0:
                                    # too short: Keras should refuse; record what it did instead
                                    short_accepted.append(f"{case} -> shape {r[2].shape}")
                                    continue
                                layer, ws, y = r
                                checked += 1
                                if ws[0].shape != (k, 4 // groups, 6):
                                    bad.append(f"{case}: kernel shape {ws[0].shape}")
                                if use_bias != (len(ws) == 2):
                                    bad.append(f"{case}: {len(ws)} weights")
                                ref = conv1d_ref(x.astype(np.float64), ws[0].astype(np.float64),
                                                 ws[1] if use_bias else None, s, d, padding, groups, act)
                                if y.shape[1] != conv_len(T, k, s, d, padding):
                                    bad.append(f"{case}: length {y.shape[1]} != rule {conv_len(T, k, s, d, padding)}")
                                if rel_err(y, ref) > TOL:
                                    bad.append(f"{case}: values err {rel_err(y, ref):.1e} "
                                               f"(keras shape {y.shape}, ref {ref.shape})")
        print(f"{tag}: {checked} Conv1D cases match the reference (length rule and values)"
              + ("" if not bad else f"; {len(bad)} MISMATCHES"))
        for b in bad[:20]:
            fail(f"{tag} Conv1D {b}")
        for msg, items in refusals.items():
            cases = [c for c, _ in items]
            zero = sum(conv_len(c['T'], c['k'], c['s'], c['d'], c['padding']) == 0 for c in cases)
            sd = sum(c['s'] > 1 and c['d'] > 1 for c in cases)
            print(f"{tag}: REFUSED {len(cases)} cases ({sd} with strides>1 and dilation>1, {zero} whose "
                  f"output length would be 0), e.g. {cases[0]}:\n    {items[0][1]}")
        refused = {tuple(c.values()) for items in refusals.values() for c, _ in items}
        expect(all((c[1] > 1 and c[2] > 1) or conv_len(c[4], c[3], c[1], c[2], c[0]) == 0 for c in refused),
               f"{tag}: Conv1D refusals other than strides>1&dilation>1 or zero length")
        expect(sum(c[1] > 1 and c[2] > 1 for c in refused) == 360,
               f"{tag}: not every strides>1 & dilation>1 case refused")
        print(f"{tag}: too-short inputs (length rule gives 0) NOT refused, eager call: {len(short_accepted)}"
              + (f", e.g. {short_accepted[:3]} (garbage shapes from the TF CPU kernel)" if short_accepted else ""))
        # lengths reaching zero / too short with a FIXED input length, in a model
        for T, k, pad in ((2, 5, "valid"), (4, 5, "valid"), (5, 5, "valid"), (2, 5, "causal")):
            K.backend.clear_session()
            r, e = attempt(lambda: K.Sequential([K.Input((T, 3)), K.layers.Conv1D(2, k, padding=pad)]))
            shape = None if r is None else out_shape(r)
            print(f"{tag}: Input(({T}, 3)), Conv1D(2, {k}, padding={pad}): "
                  + (f"output shape {shape}" if e is None else f"REFUSED {e}"))
        # free length, a too-short input at run time
        K.backend.clear_session()
        m = K.Sequential([K.Input((None, 3)), K.layers.Conv1D(2, 5)])
        r, e = attempt(lambda: np_out(m(np.zeros((1, 3, 3), np.float32))))
        print(f"{tag}: Input((None, 3)), Conv1D(2, 5) called on T=3: "
              + (f"returns shape {r.shape}" if e is None else f"RAISES {e}"))

        # groups that do not divide
        for kw in (dict(filters=6, groups=3, cin=4), dict(filters=5, groups=2, cin=4)):
            r, e = attempt(lambda: K.layers.Conv1D(kw["filters"], 3, groups=kw["groups"]).build(
                (None, 7, kw["cin"])))
            print(f"{tag}: Conv1D({kw['filters']}, 3, groups={kw['groups']}) on {kw['cin']} channels: "
                  + ("accepted" if e is None else f"REFUSED {e}"))
        # other refusals
        for label, fn in (("padding='causal' strides=2", lambda: K.layers.Conv1D(2, 3, strides=2, padding="causal")),
                          ("padding='full'", lambda: K.layers.Conv1D(2, 3, padding="full")),
                          ("padding='SAME'", lambda: K.layers.Conv1D(2, 3, padding="SAME")),
                          ("kernel_size=0", lambda: K.layers.Conv1D(2, 0)),
                          ("strides=0", lambda: K.layers.Conv1D(2, 3, strides=0))):
            r, e = attempt(lambda: fn().build((None, 7, 4)))
            print(f"{tag}: Conv1D {label}: " + ("accepted" if e is None else f"REFUSED {e}"))

        # channels_first: input (batch, channels, steps)
        x = rng.normal(0, 1, (2, 4, 9)).astype(np.float32)
        K.backend.clear_session()

        def run_cf():
            layer = K.layers.Conv1D(3, 3, padding="same", data_format="channels_first")
            layer.build((None, 4, 9))
            ws = [rng.uniform(-1, 1, w.shape).astype(np.float32) for w in layer.get_weights()]
            layer.set_weights(ws)
            return ws, np_out(layer(x))
        r, e = attempt(run_cf)
        if e is None:
            ws, y = r
            ref = conv1d_ref(x.transpose(0, 2, 1).astype(np.float64), ws[0], ws[1], 1, 1, "same", 1)
            ok = rel_err(y, ref.transpose(0, 2, 1)) < TOL
            print(f"{tag}: Conv1D channels_first: input (B, C, T) = {x.shape} -> {y.shape}; kernel "
                  f"{ws[0].shape}; equals channels_last on the transposed input, transposed back: {ok}")
        else:
            print(f"{tag}: Conv1D channels_first: RAISES {e}")


# --------------------------------------------------------------------------------------------
# 2. pooling
# --------------------------------------------------------------------------------------------

def check_pooling():
    section("2. MaxPooling1D, AveragePooling1D, GlobalMaxPooling1D, GlobalAveragePooling1D")
    rng = np.random.default_rng(2)
    for K, tag in BACKENDS:
        n_ok, bad, refusals = 0, [], {}
        count_pads_matches = 0
        for kind, cls in (("max", "MaxPooling1D"), ("avg", "AveragePooling1D")):
            for p in (1, 2, 3, 4):
                for s in (None, 1, 2, 3):
                    for padding in ("valid", "same"):
                        for T in (2, 5, 6, 7, 8):
                            if padding == "valid" and T < p:
                                # not called: Keras does not refuse this up front and TensorFlow's
                                # CPU kernel then fails (AbortedError) or kills the process with
                                # SIGFPE (MaxPooling1D(3, strides=1) on T=2 in Keras 3)
                                continue
                            x = rng.normal(0, 1, (2, T, 3)).astype(np.float32)
                            r, e = attempt(lambda: np_out(getattr(K.layers, cls)(p, strides=s, padding=padding)(x)))
                            if e is not None:
                                refusals.setdefault(normalise(e), []).append(((cls, p, s, padding, T), e))
                                continue
                            ss = p if s is None else s
                            ref = pool_ref(x.astype(np.float64), p, ss, padding, kind)
                            if rel_err(r, ref) > TOL:
                                bad.append(f"{cls}({p}, strides={s}, padding={padding}) T={T}: "
                                           f"keras {r.shape} ref {ref.shape} err {rel_err(r, ref):.1e}")
                            else:
                                n_ok += 1
                            if kind == "avg" and padding == "same":
                                alt = pool_ref(x.astype(np.float64), p, ss, padding, kind, count_pads=True)
                                if not np.allclose(alt, ref) and rel_err(r, alt) < TOL:
                                    count_pads_matches += 1
        print(f"{tag}: {n_ok} pooling cases match (valid: floor((T-p)/s)+1; same: ceil(T/s), "
              f"pads split as Conv1D's, max over real steps, average over real steps only)")
        print(f"{tag}: AveragePooling1D 'same' cases that match 'padded positions counted': {count_pads_matches}")
        for b in bad[:20]:
            fail(f"{tag} pooling {b}")
        for msg, items in refusals.items():
            print(f"{tag}: REFUSED {len(items)} pooling cases, e.g. {[c for c, _ in items[:4]]}:\n    {items[0][1]}")
        # default strides
        for cls in ("MaxPooling1D", "AveragePooling1D"):
            r, e = attempt(lambda: getattr(K.layers, cls)().get_config())
            print(f"{tag}: {cls}() with no pool_size: " + (f"pool_size {r['pool_size']} strides {r['strides']}"
                                                           if e is None else f"REFUSED {e}"))
        # Global pooling, keepdims
        x = rng.normal(0, 1, (2, 5, 3)).astype(np.float32)
        for cls, f in (("GlobalMaxPooling1D", np.max), ("GlobalAveragePooling1D", np.mean)):
            for keepdims in (False, True):
                y = np_out(getattr(K.layers, cls)(keepdims=keepdims)(x))
                ref = f(x.astype(np.float64), axis=1, keepdims=keepdims)
                expect(rel_err(y, ref) < TOL, f"{tag} {cls}(keepdims={keepdims}) {y.shape} vs {ref.shape}")
            print(f"{tag}: {cls}: keepdims False -> (B, C), True -> (B, 1, C); values match")
        # pool larger than the fixed length in a model
        for pad in ("valid", "same"):
            K.backend.clear_session()
            r, e = attempt(lambda: K.Sequential([K.Input((2, 3)), K.layers.MaxPooling1D(3, padding=pad)]))
            print(f"{tag}: Input((2, 3)), MaxPooling1D(3, padding={pad}): "
                  + (f"output shape {out_shape(r)}" if e is None else f"REFUSED {e}"))


# --------------------------------------------------------------------------------------------
# 3. reshaping
# --------------------------------------------------------------------------------------------

def check_reshaping():
    section("3. Flatten, Reshape, RepeatVector, Permute, ZeroPadding1D, Cropping1D, UpSampling1D")
    rng = np.random.default_rng(3)
    x = rng.normal(0, 1, (2, 6, 4)).astype(np.float32)
    x2 = rng.normal(0, 1, (2, 5)).astype(np.float32)
    xd = x.astype(np.float64)
    cases = [
        ("Flatten()", x, lambda L: L.Flatten(), xd.reshape(2, -1)),
        ("Reshape((8, 3))", x, lambda L: L.Reshape((8, 3)), xd.reshape(2, 8, 3)),
        ("Reshape((-1, 2))", x, lambda L: L.Reshape((-1, 2)), xd.reshape(2, -1, 2)),
        ("Reshape((24,))", x, lambda L: L.Reshape((24,)), xd.reshape(2, 24)),
        ("RepeatVector(3)", x2, lambda L: L.RepeatVector(3), np.repeat(x2[:, None, :], 3, axis=1)),
        ("Permute((2, 1))", x, lambda L: L.Permute((2, 1)), xd.transpose(0, 2, 1)),
        ("ZeroPadding1D()", x, lambda L: L.ZeroPadding1D(), np.pad(xd, ((0, 0), (1, 1), (0, 0)))),
        ("ZeroPadding1D(2)", x, lambda L: L.ZeroPadding1D(2), np.pad(xd, ((0, 0), (2, 2), (0, 0)))),
        ("ZeroPadding1D((1, 3))", x, lambda L: L.ZeroPadding1D((1, 3)), np.pad(xd, ((0, 0), (1, 3), (0, 0)))),
        ("ZeroPadding1D((0, 2))", x, lambda L: L.ZeroPadding1D((0, 2)), np.pad(xd, ((0, 0), (0, 2), (0, 0)))),
        ("Cropping1D()", x, lambda L: L.Cropping1D(), xd[:, 1:-1]),
        ("Cropping1D(2)", x, lambda L: L.Cropping1D(2), xd[:, 2:-2]),
        ("Cropping1D((1, 3))", x, lambda L: L.Cropping1D((1, 3)), xd[:, 1:3]),
        ("Cropping1D((0, 2))", x, lambda L: L.Cropping1D((0, 2)), xd[:, 0:4]),
        ("UpSampling1D()", x, lambda L: L.UpSampling1D(), np.repeat(xd, 2, axis=1)),
        ("UpSampling1D(3)", x, lambda L: L.UpSampling1D(3), np.repeat(xd, 3, axis=1)),
    ]
    for K, tag in BACKENDS:
        for label, inp, fn, ref in cases:
            r, e = attempt(lambda: np_out(fn(K.layers)(inp)))
            if e is not None:
                fail(f"{tag} {label}: RAISES {e}")
                continue
            if expect(rel_err(r, ref) < 1e-6, f"{tag} {label}: {r.shape} vs reference {ref.shape}"):
                print(f"{tag}: {label}: {inp.shape[1:]} -> {r.shape[1:]} matches the reference")
        # edge cases and refusals
        probes = [
            ("Cropping1D((3, 3)) on T=6 (nothing left)", lambda: np_out(K.layers.Cropping1D((3, 3))(x))),
            ("Cropping1D((4, 3)) on T=6", lambda: np_out(K.layers.Cropping1D((4, 3))(x))),
            ("Reshape((5, -1)) on 6x4", lambda: np_out(K.layers.Reshape((5, -1))(x))),
            ("Reshape((-1, -1))", lambda: np_out(K.layers.Reshape((-1, -1))(x))),
            ("Permute((1, 2)) (identity)", lambda: np_out(K.layers.Permute((1, 2))(x)).shape),
            ("Permute((0, 1))", lambda: np_out(K.layers.Permute((0, 1))(x))),
            ("RepeatVector(3) on a sequence (B, T, F)", lambda: np_out(K.layers.RepeatVector(3)(x))),
            ("ZeroPadding1D(-1)", lambda: np_out(K.layers.ZeroPadding1D(-1)(x))),
            ("UpSampling1D(0)", lambda: np_out(K.layers.UpSampling1D(0)(x))),
        ]
        for label, fn in probes:
            r, e = attempt(fn)
            print(f"{tag}: {label}: " + (f"RAISES {e}" if e else
                                         f"returns {r if isinstance(r, tuple) else r.shape}"))
        # Flatten after a free length
        K.backend.clear_session()
        r, e = attempt(lambda: K.Sequential([K.Input((None, 4)), K.layers.Flatten(), K.layers.Dense(2)]))
        print(f"{tag}: Input((None, 4)), Flatten(), Dense(2): " + ("accepted" if e is None else f"REFUSED {e}"))
        K.backend.clear_session()
        r, e = attempt(lambda: K.Sequential([K.Input((None, 4)), K.layers.Flatten()]))
        if e is None:
            y, e2 = attempt(lambda: np_out(r(x)))
            print(f"{tag}: Input((None, 4)), Flatten() alone: output {out_shape(r)}; called on T=6: "
                  + (f"{y.shape}" if e2 is None else e2))
        K.backend.clear_session()
        r, e = attempt(lambda: K.Sequential([K.Input((6, 4)), K.layers.Cropping1D((3, 3))]))
        print(f"{tag}: Input((6, 4)), Cropping1D((3, 3)) in a model: "
              + (f"output {out_shape(r)}" if e is None else f"REFUSED {e}"))


# --------------------------------------------------------------------------------------------
# 4. normalization
# --------------------------------------------------------------------------------------------

def weight_names(layer):
    out = []
    for w in layer.weights:
        n = getattr(w, "path", None) or w.name
        out.append(n)
    return out


def check_normalization():
    section("4. BatchNormalization, LayerNormalization")
    rng = np.random.default_rng(4)
    x = rng.normal(0.5, 2, (3, 5, 4)).astype(np.float32)
    xd = x.astype(np.float64)
    for K, tag in BACKENDS:
        for center, scale in ((True, True), (False, True), (True, False), (False, False)):
            K.backend.clear_session()
            m = K.Sequential([K.Input((5, 4)), K.layers.BatchNormalization(center=center, scale=scale)])
            layer = m.layers[-1]
            ws = []
            for w in layer.get_weights():
                ws.append(rng.uniform(0.2, 2.0, w.shape).astype(np.float32))
            layer.set_weights(ws)
            names = [n.split("/")[-1].split(":")[0] for n in weight_names(layer)]
            getw = dict(zip(names, ws))
            eps = layer.get_config()["epsilon"]
            g = getw.get("gamma", 1.0)
            b = getw.get("beta", 0.0)
            ref = g * (xd - getw["moving_mean"]) / np.sqrt(getw["moving_variance"] + eps) + b
            y = np_out(m.predict(x, verbose=0))
            y_call = np_out(layer(x))  # training=None in eager: inference too?
            y_train = np_out(layer(x, training=True))
            ntw = sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
            tw = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
            s = summary_text(m)
            nt_line = [ln.strip() for ln in s.splitlines() if "Non-trainable" in ln]
            expect(rel_err(y, ref) < TOL, f"{tag} BatchNormalization(center={center}, scale={scale}) err {rel_err(y, ref):.1e}")
            print(f"{tag}: BatchNormalization(center={center}, scale={scale}): weights {names} "
                  f"(shapes {[w.shape for w in ws]}); trainable {tw}, non-trainable {ntw}; summary "
                  f"{nt_line}; predict = gamma*(x-mean)/sqrt(var+eps)+beta: {rel_err(y, ref) < TOL}; "
                  f"plain __call__ uses moving stats: {rel_err(y_call, ref) < TOL}; "
                  f"training=True differs: {rel_err(y_train, ref) > 1e-3}")
        print(f"{tag}: BatchNormalization epsilon default {K.layers.BatchNormalization().get_config()['epsilon']}, "
              f"momentum {K.layers.BatchNormalization().get_config()['momentum']}")
        # axis=1 (time axis) on a fixed length
        K.backend.clear_session()
        layer = K.layers.BatchNormalization(axis=1)
        layer.build((None, 5, 4))
        print(f"{tag}: BatchNormalization(axis=1) on (5, 4): weight shapes {[w.shape for w in layer.get_weights()]}")

        # LayerNormalization
        for kw in (dict(), dict(center=False), dict(scale=False), dict(center=False, scale=False),
                   dict(epsilon=0.5), dict(rms_scaling=True), dict(rms_scaling=True, center=False),
                   dict(rms_scaling=True, scale=False)):
            K.backend.clear_session()
            r, e = attempt(lambda: K.layers.LayerNormalization(**kw))
            if e is not None:
                print(f"{tag}: LayerNormalization({kw}): REFUSED {e}")
                continue
            layer = r
            layer.build((None, 5, 4))
            ws = [rng.uniform(0.2, 2.0, w.shape).astype(np.float32) for w in layer.get_weights()]
            layer.set_weights(ws)
            names = [n.split("/")[-1].split(":")[0] for n in weight_names(layer)]
            getw = dict(zip(names, ws))
            eps = layer.get_config()["epsilon"]
            g = getw.get("gamma", 1.0)
            b = getw.get("beta", 0.0)
            y = np_out(layer(x))
            mu = xd.mean(-1, keepdims=True)
            var = xd.var(-1, keepdims=True)
            cands = {
                "g*(x-mu)/sqrt(var+eps)+b": g * (xd - mu) / np.sqrt(var + eps) + b,
                "g*x/sqrt(var+eps)  [var about the mean, x NOT centred, no beta]": g * xd / np.sqrt(var + eps),
                "g*x/sqrt(mean(x^2)+eps)  [true RMS norm]": g * xd / np.sqrt((xd ** 2).mean(-1, keepdims=True) + eps),
                "g*x/sqrt(var+eps)+b": g * xd / np.sqrt(var + eps) + b,
            }
            hits = [k for k, v in cands.items() if rel_err(y, v) < TOL]
            expected = ("g*x/sqrt(var+eps)  [var about the mean, x NOT centred, no beta]"
                        if kw.get("rms_scaling") else "g*(x-mu)/sqrt(var+eps)+b")
            expect(expected in hits, f"{tag} LayerNormalization({kw}) matches {hits}")
            print(f"{tag}: LayerNormalization({kw}): weights {names} {[w.shape for w in ws]}; eps {eps}; "
                  f"formula: {hits}")


# --------------------------------------------------------------------------------------------
# 5. activation layers
# --------------------------------------------------------------------------------------------

def check_activations():
    section("5. ReLU, LeakyReLU, PReLU, ELU, Softmax")
    grid = np.array([-3, -2, -1.5, -1, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3, 4, 6],
                    np.float32)[None, None, :]
    gd = grid.astype(np.float64)
    relu_cases = [dict(), dict(max_value=2.0), dict(negative_slope=0.1), dict(threshold=1.0),
                  dict(threshold=-1.0), dict(max_value=2.5, negative_slope=0.2, threshold=1.0),
                  dict(threshold=1.0, negative_slope=0.5), dict(max_value=0.5, threshold=1.0),
                  dict(max_value=6.0), dict(max_value=0.0)]
    for K, tag in BACKENDS:
        for kw in relu_cases:
            r, e = attempt(lambda: np_out(K.layers.ReLU(**kw)(grid)))
            if e is not None:
                print(f"{tag}: ReLU({kw}): REFUSED {e}")
                continue
            ref = relu_ref(gd, kw.get("max_value"), kw.get("negative_slope", 0.0), kw.get("threshold", 0.0))
            ok = rel_err(r, ref) < 1e-6
            diff = "" if ok else f" keras {r.ravel().tolist()} vs ref {ref.ravel().tolist()}"
            expect(ok, f"{tag} ReLU({kw}){diff}")
            print(f"{tag}: ReLU({kw}): {'matches' if ok else 'DIFFERS'}{diff}")
        for label, fn in (("max_value=-1", lambda: K.layers.ReLU(max_value=-1.0)),
                          ("negative_slope=-0.1", lambda: K.layers.ReLU(negative_slope=-0.1)),
                          ("threshold=-1 (accepted?)", lambda: K.layers.ReLU(threshold=-1.0)),
                          ("LeakyReLU(negative_slope=-0.1)", lambda: K.layers.LeakyReLU(negative_slope=-0.1)),
                          ("LeakyReLU(alpha=-0.1)", lambda: K.layers.LeakyReLU(alpha=-0.1)),
                          ("ELU(alpha=-1)", lambda: K.layers.ELU(alpha=-1.0))):
            r, e = attempt(fn)
            print(f"{tag}: {label}: " + ("accepted" if e is None else f"REFUSED {e}"))

        # LeakyReLU: both spellings
        for kw in (dict(), dict(negative_slope=0.2), dict(alpha=0.2)):
            r, e = attempt(lambda: K.layers.LeakyReLU(**kw))
            if e is not None:
                print(f"{tag}: LeakyReLU({kw}): REFUSED {e}")
                continue
            y = np_out(r(grid))
            slope = kw.get("negative_slope", kw.get("alpha", 0.3))
            ok = rel_err(y, np.where(gd >= 0, gd, slope * gd)) < 1e-6
            expect(ok, f"{tag} LeakyReLU({kw})")
            print(f"{tag}: LeakyReLU({kw}): config {cfg_small(r)}; y = x if x >= 0 else {slope}*x: {ok}")
        for conf in ({"alpha": 0.2}, {"negative_slope": 0.2}):
            r, e = attempt(lambda: K.layers.LeakyReLU.from_config(dict(conf, name="lr")))
            print(f"{tag}: LeakyReLU.from_config({conf}): "
                  + (f"config {cfg_small(r)}" if e is None else f"REFUSED {e}"))

        # PReLU
        x = np.random.default_rng(5).normal(0, 1, (2, 5, 4)).astype(np.float32)
        for shared, shape in ((None, (None, 5, 4)), ([1], (None, 5, 4)), ([1], (None, None, 4)),
                              (None, (None, None, 4)), ([1, 2], (None, 5, 4))):
            K.backend.clear_session()
            layer = K.layers.PReLU(shared_axes=shared)
            r, e = attempt(lambda: layer.build(shape))
            if e is not None:
                print(f"{tag}: PReLU(shared_axes={shared}) built on {shape}: REFUSED {e}")
                continue
            w0 = layer.get_weights()
            a = np.random.default_rng(6).uniform(0.05, 0.9, w0[0].shape).astype(np.float32)
            layer.set_weights([a])
            y = np_out(layer(x))
            ref = np.maximum(x, 0) + a * np.minimum(x, 0)
            ok = rel_err(y, ref) < 1e-6
            expect(ok, f"{tag} PReLU(shared_axes={shared})")
            print(f"{tag}: PReLU(shared_axes={shared}) on {shape}: alpha {weight_names(layer)} shape "
                  f"{w0[0].shape}, initial values {np.unique(w0[0]).tolist()}; y = max(x,0) + alpha*min(x,0): {ok}")

        # ELU
        for a in (1.0, 0.5, 2.0):
            y = np_out(K.layers.ELU(alpha=a)(grid))
            expect(rel_err(y, elu_ref(gd, a)) < 1e-6, f"{tag} ELU(alpha={a})")
        print(f"{tag}: ELU(alpha in 1, 0.5, 2): y = x if x > 0 else alpha*(exp(x)-1): matches")

        # Softmax
        x = np.random.default_rng(7).normal(0, 2, (2, 5, 4)).astype(np.float32)
        for axis in (-1, 1, (1, 2)):
            r, e = attempt(lambda: np_out(K.layers.Softmax(axis=axis)(x)))
            if e is not None:
                print(f"{tag}: Softmax(axis={axis}): RAISES {e}")
                continue
            ok = rel_err(r, softmax_ref(x.astype(np.float64), axis if not isinstance(axis, tuple) else axis)) < 1e-6
            expect(ok, f"{tag} Softmax(axis={axis})")
            print(f"{tag}: Softmax(axis={axis}): matches exp(x - max)/sum over the axis")
        # with an explicit mask of the input's shape and one of (B, T)
        m3 = np.ones((2, 5, 4), bool)
        m3[0, :, 0] = False
        r, e = attempt(lambda: np_out(K.layers.Softmax()(x, mask=tf.constant(m3))))
        if e is None:
            ref = softmax_ref(np.where(m3, x, -1e9).astype(np.float64), -1)
            print(f"{tag}: Softmax()(x, mask of x's shape): masked entries -> {r[0, 0, 0]:.3g}; the rest "
                  f"renormalised: {rel_err(r, ref) < 1e-6}")
        else:
            print(f"{tag}: Softmax()(x, mask of x's shape): RAISES {e}")
        m2 = np.ones((2, 5), bool)
        m2[0, 3:] = False
        for axis in (-1, 1):
            r, e = attempt(lambda: np_out(K.layers.Softmax(axis=axis)(x, mask=tf.constant(m2))))
            print(f"{tag}: Softmax(axis={axis})(x (2,5,4), mask (2,5)): "
                  + (f"returns {r.shape}" if e is None else f"RAISES {e}"))


def cfg_small(layer):
    c = dict(layer.get_config())
    for k in ("name", "trainable", "dtype"):
        c.pop(k, None)
    return {k: (float(v) if isinstance(v, (np.floating, np.ndarray)) else v) for k, v in c.items()}


# --------------------------------------------------------------------------------------------
# 6. masks
# --------------------------------------------------------------------------------------------

MASK_LAYERS = [
    ("Conv1D(3, 3)", lambda L: L.Conv1D(3, 3)),
    ("Conv1D(3, 3, padding='same')", lambda L: L.Conv1D(3, 3, padding="same")),
    ("Conv1D(3, 3, padding='causal')", lambda L: L.Conv1D(3, 3, padding="causal")),
    ("MaxPooling1D(2)", lambda L: L.MaxPooling1D(2)),
    ("AveragePooling1D(2)", lambda L: L.AveragePooling1D(2)),
    ("GlobalMaxPooling1D()", lambda L: L.GlobalMaxPooling1D()),
    ("GlobalAveragePooling1D()", lambda L: L.GlobalAveragePooling1D()),
    ("GlobalAveragePooling1D(keepdims=True)", lambda L: L.GlobalAveragePooling1D(keepdims=True)),
    ("Flatten()", lambda L: L.Flatten()),
    ("Reshape((16, 2))", lambda L: L.Reshape((16, 2))),
    ("Permute((2, 1))", lambda L: L.Permute((2, 1))),
    ("ZeroPadding1D(1)", lambda L: L.ZeroPadding1D(1)),
    ("Cropping1D(1)", lambda L: L.Cropping1D(1)),
    ("UpSampling1D(2)", lambda L: L.UpSampling1D(2)),
    ("BatchNormalization()", lambda L: L.BatchNormalization()),
    ("LayerNormalization()", lambda L: L.LayerNormalization()),
    ("ReLU()", lambda L: L.ReLU()),
    ("LeakyReLU()", lambda L: L.LeakyReLU()),
    ("PReLU(shared_axes=[1])", lambda L: L.PReLU(shared_axes=[1])),
    ("ELU()", lambda L: L.ELU()),
    ("Softmax()", lambda L: L.Softmax()),
    ("Softmax(axis=1)", lambda L: L.Softmax(axis=1)),
    ("Dense(3) (control)", lambda L: L.Dense(3)),
]

MASK_IDS = np.array([
    [0, 0, 3, 7, 2, 9, 4, 1],
    [5, 8, 1, 6, 0, 0, 0, 0],
    [0, 4, 0, 0, 7, 0, 2, 3],
    [0, 0, 0, 0, 0, 0, 0, 0],
], np.int32)


def keras_mask(t):
    m = getattr(t, "_keras_mask", None)
    if m is None and hasattr(keras, "backend") and hasattr(keras.backend, "get_keras_mask"):
        try:
            m = keras.backend.get_keras_mask(t)
        except Exception:  # noqa: BLE001
            m = None
    return m


def check_masks():
    section("6. masks: Embedding(10, 4, mask_zero=True) -> layer (eager calls and Sequential models)")
    want = MASK_IDS != 0
    for K, tag in BACKENDS:
        rows = []
        for label, fn in MASK_LAYERS:
            K.backend.clear_session()
            emb = K.layers.Embedding(10, 4, mask_zero=True)
            emb.build((None, 8))
            emb.set_weights([np.random.default_rng(8).uniform(-1, 1, (10, 4)).astype(np.float32)])
            e = emb(MASK_IDS)
            in_mask = keras_mask(e)
            layer = fn(K.layers)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                r, err = attempt(lambda: layer(e))
            warned = [" ".join(str(w.message).split())[:160] for w in caught]
            if err is not None:
                rows.append((label, f"RAISES {err}", "", ""))
                continue
            y = r
            out_mask = keras_mask(y)
            # same call without a mask: does the layer use the mask?
            y_nomask = np_out(layer(tf.identity(np.asarray(e))))
            used = not np.allclose(np_out(y), y_nomask, equal_nan=True)
            if out_mask is None:
                om = "none"
            else:
                om = np.asarray(out_mask)
                om = ("input mask, unchanged" if om.shape == want.shape and np.array_equal(om, want)
                      else f"shape {om.shape}: {om.astype(int).tolist()}")
            rows.append((label, f"mask used: {used}", f"output mask: {om}",
                         f"warning: {warned[0]}" if warned else ""))
        in_ok = in_mask is not None and np.array_equal(np.asarray(in_mask), want)
        print(f"{tag}: Embedding eager output carries the mask: {in_ok}")
        for row in rows:
            print(f"{tag}: {row[0]:38s} " + "; ".join(x for x in row[1:] if x))

        # GlobalAveragePooling1D numbers with the mask, and an all-masked row, in a model
        K.backend.clear_session()
        m = K.Sequential([K.Input((8,), dtype="int32"), K.layers.Embedding(10, 4, mask_zero=True),
                          K.layers.GlobalAveragePooling1D()])
        E = np.random.default_rng(9).uniform(-1, 1, (10, 4)).astype(np.float32)
        m.layers[0].set_weights([E])
        y = np_out(m.predict(MASK_IDS, verbose=0))
        emb = E[MASK_IDS].astype(np.float64)
        w = want[..., None]
        with np.errstate(invalid="ignore", divide="ignore"):
            ref = (emb * w).sum(1) / w.sum(1)
        plain = emb.mean(1)
        ok = rel_err(y[:3], ref[:3]) < TOL
        expect(ok, f"{tag} GlobalAveragePooling1D does not average only unmasked steps")
        print(f"{tag}: Sequential Embedding(mask_zero) -> GlobalAveragePooling1D: rows with real steps = "
              f"mean of the unmasked steps: {ok} (plain mean would differ by {np.abs(plain[:3] - y[:3]).max():.2f}); "
              f"ALL-MASKED row -> {y[3].tolist()}")
        # GlobalMaxPooling1D / Conv1D in a model: padded steps enter as ordinary steps
        for label, layers, ref_fn in (
                ("GlobalMaxPooling1D", [K.layers.GlobalMaxPooling1D()], lambda: emb.max(1)),
                ("Conv1D(2, 1, use_bias=False) -> LSTM(2) sees no mask",
                 [K.layers.Conv1D(2, 1, use_bias=False), K.layers.GlobalAveragePooling1D()], None)):
            K.backend.clear_session()
            mm = K.Sequential([K.Input((8,), dtype="int32"), K.layers.Embedding(10, 4, mask_zero=True)] + layers)
            mm.layers[0].set_weights([E])
            yy = np_out(mm.predict(MASK_IDS, verbose=0))
            if ref_fn is not None:
                ok = rel_err(yy, ref_fn()) < TOL
                expect(ok, f"{tag} {label}: padded steps not treated as ordinary steps")
                print(f"{tag}: Sequential Embedding(mask_zero) -> {label}: max over ALL steps (id-0 rows "
                      f"included): {ok}")
            else:
                Wc = mm.layers[1].get_weights()[0][0].astype(np.float64)
                ok = rel_err(yy, (emb @ Wc).mean(1)) < TOL
                expect(ok, f"{tag} Conv1D drops the mask (GlobalAveragePooling1D after it averages all steps)")
                print(f"{tag}: Sequential Embedding(mask_zero) -> Conv1D(2, 1) -> GlobalAveragePooling1D: "
                      f"the average is over ALL steps (Conv1D dropped the mask): {ok}")
        # RepeatVector: compute_mask
        rv = K.layers.RepeatVector(3)
        r, e = attempt(lambda: keras_mask(rv(tf.zeros((4, 2)), mask=tf.ones((4,), bool))))
        print(f"{tag}: RepeatVector(3)(x (4, 2), mask=(4,) all true): output mask "
              + (f"{None if r is None else np.asarray(r).tolist()}" if e is None else f"RAISES {e}")
              + f"; supports_masking={getattr(rv, 'supports_masking', None)}")


# --------------------------------------------------------------------------------------------
# 7. names, configs, weights, summaries, saved configs
# --------------------------------------------------------------------------------------------

CLASSES = [
    # (label, fn(L), input shape without batch for fixed, free input shape or None)
    ("Conv1D", lambda L: L.Conv1D(4, 3), (8, 2), (None, 2)),
    ("Conv1D same s2", lambda L: L.Conv1D(4, 3, strides=2, padding="same"), (7, 2), (None, 2)),
    ("Conv1D causal d2", lambda L: L.Conv1D(4, 3, padding="causal", dilation_rate=2, use_bias=False), (8, 2), (None, 2)),
    ("MaxPooling1D", lambda L: L.MaxPooling1D(), (7, 2), (None, 2)),
    ("MaxPooling1D same", lambda L: L.MaxPooling1D(3, strides=2, padding="same"), (7, 2), (None, 2)),
    ("AveragePooling1D", lambda L: L.AveragePooling1D(2), (7, 2), (None, 2)),
    ("GlobalMaxPooling1D", lambda L: L.GlobalMaxPooling1D(), (7, 2), (None, 2)),
    ("GlobalAveragePooling1D", lambda L: L.GlobalAveragePooling1D(keepdims=True), (7, 2), (None, 2)),
    ("Flatten", lambda L: L.Flatten(), (7, 2), (None, 2)),
    ("Reshape", lambda L: L.Reshape((2, 7)), (7, 2), None),
    ("Reshape -1", lambda L: L.Reshape((-1, 1)), (7, 2), (None, 2)),
    ("RepeatVector", lambda L: L.RepeatVector(3), (2,), None),
    ("Permute", lambda L: L.Permute((2, 1)), (7, 2), (None, 2)),
    ("ZeroPadding1D", lambda L: L.ZeroPadding1D((1, 2)), (7, 2), (None, 2)),
    ("Cropping1D", lambda L: L.Cropping1D(2), (7, 2), (None, 2)),
    ("UpSampling1D", lambda L: L.UpSampling1D(3), (7, 2), (None, 2)),
    ("BatchNormalization", lambda L: L.BatchNormalization(), (7, 2), (None, 2)),
    ("BatchNormalization c/s off", lambda L: L.BatchNormalization(center=False, scale=False), (7, 2), None),
    ("LayerNormalization", lambda L: L.LayerNormalization(), (7, 2), (None, 2)),
    ("ReLU", lambda L: L.ReLU(max_value=6.0), (7, 2), (None, 2)),
    ("LeakyReLU", lambda L: L.LeakyReLU(), (7, 2), (None, 2)),
    ("PReLU", lambda L: L.PReLU(), (7, 2), None),
    ("PReLU shared", lambda L: L.PReLU(shared_axes=[1]), (7, 2), (None, 2)),
    ("ELU", lambda L: L.ELU(), (7, 2), (None, 2)),
    ("Softmax", lambda L: L.Softmax(), (7, 2), (None, 2)),
]


def summary_text(m):
    lines = []
    m.summary(print_fn=lambda s, *a, **k: lines.append(s), line_length=120)
    return "\n".join(lines)


def summary_shape(m, layer_name):
    import re
    for ln in summary_text(m).splitlines():
        if re.search(r"(^|[\s│|])" + re.escape(layer_name) + r" \(", ln):
            mm = re.search(r"\((None[^()]*)\)", ln)
            return "(" + mm.group(1).strip() + ")" if mm else "?"
    return "?"


def jsonable(v):
    return json.loads(json.dumps(v, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o)))


def check_configs():
    section("7. per class: default name, get_config() (initializers etc. elided), weights, summary shapes, "
            "saved configs")
    with tempfile.TemporaryDirectory() as tmp:
        for K, tag in BACKENDS:
            print(f"--- {tag}")
            for label, fn, fixed, free in CLASSES:
                K.backend.clear_session()
                layer = fn(K.layers)
                m = K.Sequential([K.Input(fixed), layer])
                cfg = jsonable(layer.get_config())
                short = {k: v for k, v in cfg.items() if k not in ("name", "trainable", "dtype")
                         and not k.endswith(("_initializer", "_regularizer", "_constraint"))}
                ws = [(w.path if hasattr(w, "path") else w.name, tuple(w.shape),
                       "trainable" if getattr(w, "trainable", True) else "non-trainable") for w in layer.weights]
                fixed_shape = summary_shape(m, layer.name)
                free_shape = "-"
                if free is not None:
                    K.backend.clear_session()
                    lf = fn(K.layers)
                    r, e = attempt(lambda: K.Sequential([K.Input(free), lf]))
                    free_shape = summary_shape(r, lf.name) if e is None else f"REFUSED {e}"
                # saved config
                if K is keras:
                    path = os.path.join(tmp, "m.keras")
                    m.save(path)
                    with zipfile.ZipFile(path) as z:
                        saved = json.loads(z.read("config.json"))
                        with z.open("model.weights.h5") as f:
                            with h5py.File(io.BytesIO(f.read()), "r") as h:
                                keys = []
                                h.visit(lambda n: keys.append(n) if isinstance(h[n], h5py.Dataset) else None)
                    scfg = [ly for ly in saved["config"]["layers"] if ly["class_name"] not in ("InputLayer",)][0]
                    stored = [k for k in keys if k.startswith("layers/")]
                else:
                    path = os.path.join(tmp, "m.h5")
                    m.save(path)
                    with h5py.File(path, "r") as h:
                        saved = json.loads(h.attrs["model_config"])
                        g = h["model_weights"][layer.name]
                        stored = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["weight_names"]]
                    scfg = [ly for ly in saved["config"]["layers"] if ly["class_name"] not in ("InputLayer",)][0]
                sc = scfg["config"]
                diffs = {k: (cfg.get(k), sc.get(k)) for k in set(cfg) | set(sc)
                         if jsonable(cfg.get(k)) != sc.get(k) and k != "dtype"}
                print(f"{tag} {label}: class {type(layer).__name__} name '{layer.name}'")
                print(f"    config {json.dumps(short)}")
                print(f"    weights {ws}; stored as {stored}")
                print(f"    summary: fixed {fixed} -> {fixed_shape}; free {free} -> {free_shape}")
                print(f"    saved ({'config.json' if K is keras else 'h5 model_config'}) class "
                      f"'{scfg['class_name']}'" + (f", differs from get_config: {diffs}" if diffs else
                                                   ", config identical to get_config()"))
                if K is keras:
                    print(f"    saved layer entry keys: {sorted(k for k in scfg if k != 'config')}")


SECTIONS = {"conv": lambda: check_conv1d(), "pool": lambda: check_pooling(),
            "reshape": lambda: check_reshaping(), "norm": lambda: check_normalization(),
            "act": lambda: check_activations(), "mask": lambda: check_masks(),
            "config": lambda: check_configs()}


def main(argv):
    """Optional arguments: the sections to run (conv pool reshape norm act mask config); all by
    default."""
    for name in (argv or list(SECTIONS)):
        SECTIONS[name]()
    section("result")
    if FAILURES:
        print(f"{len(FAILURES)} FAILURES:")
        for f in FAILURES:
            print("  " + f)
        return 1
    print("all checks hold")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
