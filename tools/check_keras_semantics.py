#!/usr/bin/env python3
"""Check the masking / go_backwards rules of /work/shared/KERAS.md (Embedding mask_zero and the
Masking layer, through the identity layers and Activation; SimpleRNN, LSTM (h and c) and GRU;
the LSTM/GRU cells with every activation and recurrent_activation, GRU's two reset_after forms)
against real Keras 3 and tf_keras,
and probe edge cases (T=0, empty batch, out-of-range token ids). Prints a report; exit 1 on a
mismatch with the reference in tools/rnn_reference.py.

    venv/bin/python tools/check_keras_semantics.py
"""

import os
import sys
import tempfile
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import keras_export  # noqa: E402
import rnn_reference  # noqa: E402

with keras_export._quiet_stderr():
    import tensorflow as tf  # noqa: E402
    import keras  # noqa: E402
    import tf_keras  # noqa: E402
tf.get_logger().setLevel("ERROR")
warnings.filterwarnings("ignore")

ROWS = np.array([
    [0, 0, 0, 3, 7, 2, 9, 4],   # pre-padded
    [5, 8, 1, 6, 0, 0, 0, 0],   # post-padded
    [0, 4, 0, 0, 7, 0, 2, 3],   # interior zeros
    [0, 0, 0, 0, 0, 0, 0, 0],   # all masked
    [1, 2, 3, 4, 5, 6, 7, 8],   # no padding
    [0, 0, 0, 0, 0, 0, 0, 6],   # only the last step
    [6, 0, 0, 0, 0, 0, 0, 0],   # only the first step
], np.int32)

# (name, layers(K) -> list)
MODELS = [
    ("last", lambda L: [L.Embedding(10, 4, mask_zero=True), L.SimpleRNN(3)]),
    ("seq", lambda L: [L.Embedding(10, 4, mask_zero=True), L.SimpleRNN(3, return_sequences=True)]),
    ("seq_seq_dense", lambda L: [L.Embedding(10, 4, mask_zero=True),
                                 L.SimpleRNN(3, return_sequences=True),
                                 L.SimpleRNN(3, return_sequences=True), L.Dense(2)]),
    ("dense_between", lambda L: [L.Embedding(10, 4, mask_zero=True),
                                 L.SimpleRNN(3, return_sequences=True),
                                 L.Dense(3, activation="relu"), L.SimpleRNN(2)]),
    ("embed_dense_masked", lambda L: [L.Embedding(10, 4, mask_zero=True), L.Dense(2)]),
    ("back_seq", lambda L: [L.Embedding(10, 4, mask_zero=True),
                            L.SimpleRNN(3, return_sequences=True, go_backwards=True)]),
    ("back_last", lambda L: [L.Embedding(10, 4, mask_zero=True), L.SimpleRNN(3, go_backwards=True)]),
    # the interesting one: which mask does the layer after a go_backwards sequence see?
    ("back_then_fwd", lambda L: [L.Embedding(10, 4, mask_zero=True),
                                 L.SimpleRNN(3, return_sequences=True, go_backwards=True),
                                 L.SimpleRNN(3, return_sequences=True)]),
    ("back_then_fwd_last", lambda L: [L.Embedding(10, 4, mask_zero=True),
                                      L.SimpleRNN(3, return_sequences=True, go_backwards=True),
                                      L.SimpleRNN(3)]),
    ("back_then_back", lambda L: [L.Embedding(10, 4, mask_zero=True),
                                  L.SimpleRNN(3, return_sequences=True, go_backwards=True),
                                  L.SimpleRNN(3, return_sequences=True, go_backwards=True)]),
    # LSTM and GRU: a masked step keeps h AND c (LSTM), the output repeats the previous one
    ("lstm_last", lambda L: [L.Embedding(10, 4, mask_zero=True), L.LSTM(3)]),
    ("lstm_seq", lambda L: [L.Embedding(10, 4, mask_zero=True), L.LSTM(3, return_sequences=True)]),
    ("lstm_back_seq", lambda L: [L.Embedding(10, 4, mask_zero=True),
                                 L.LSTM(3, return_sequences=True, go_backwards=True)]),
    ("lstm_back_last", lambda L: [L.Embedding(10, 4, mask_zero=True), L.LSTM(3, go_backwards=True)]),
    ("lstm_back_then_fwd", lambda L: [L.Embedding(10, 4, mask_zero=True),
                                      L.LSTM(3, return_sequences=True, go_backwards=True),
                                      L.LSTM(3, return_sequences=True)]),
    ("gru_last", lambda L: [L.Embedding(10, 4, mask_zero=True), L.GRU(3)]),
    ("gru_seq_v1", lambda L: [L.Embedding(10, 4, mask_zero=True),
                              L.GRU(3, return_sequences=True, reset_after=False)]),
    ("gru_back_seq", lambda L: [L.Embedding(10, 4, mask_zero=True),
                                L.GRU(3, return_sequences=True, go_backwards=True)]),
    ("gru_back_then_fwd", lambda L: [L.Embedding(10, 4, mask_zero=True),
                                     L.GRU(3, return_sequences=True, go_backwards=True),
                                     L.GRU(3)]),
    ("mixed_back", lambda L: [L.Embedding(10, 4, mask_zero=True),
                              L.SimpleRNN(3, return_sequences=True),
                              L.LSTM(3, return_sequences=True, go_backwards=True),
                              L.GRU(3, return_sequences=True, reset_after=False),
                              L.LSTM(2, go_backwards=True)]),
]


def reference_variant(doc, x, reverse_mask_after_backwards):
    """rnn_reference.forward, optionally reversing the propagated mask after a go_backwards layer."""
    if not reverse_mask_after_backwards:
        return rnn_reference.forward(doc, x)
    # run layer by layer with the alternative rule
    out, mask = x, None
    for L in doc["layers"]:
        out, new_mask = rnn_reference.forward({"layers": [L]}, out, return_mask=True, mask=mask)
        cfg = L["config"]
        if (L["class"] in rnn_reference.CELLS and cfg["return_sequences"] and cfg["go_backwards"]
                and new_mask is not None):
            new_mask = new_mask[:, ::-1]
        mask = new_mask
    return out


def build(K, name, layers_fn, seed):
    K.backend.clear_session()
    m = K.Sequential(layers_fn(K.layers), name=name)
    m.build((None, None))
    rng = np.random.default_rng(seed)
    for layer in m.layers:
        layer.set_weights([rng.uniform(-0.8, 0.8, w.shape).astype(np.float32)
                           for w in layer.get_weights()])
    return m


def check_masking(tmp):
    ok = True
    for K, tag in ((keras, "keras " + keras.__version__), (tf_keras, "tf_keras " + tf_keras.__version__)):
        tfk = K is tf_keras
        for i, (name, fn) in enumerate(MODELS):
            m = build(K, name, fn, 100 + i)
            path = os.path.join(tmp, f"{name}.json")
            keras_export.export_model(m, path, tag, tfk)
            doc = rnn_reference.load(path)
            y = np.asarray(m.predict(ROWS, verbose=0), np.float64)
            e_plain = np.abs(rnn_reference.forward(doc, ROWS) - y).max()
            e_rev = np.abs(reference_variant(doc, ROWS, True) - y).max()
            verdict = "OK" if e_plain < 1e-5 else "MISMATCH"
            note = ""
            if "back_then" in name:
                note = (f"  [mask passed on unreversed: err {e_plain:.1e}; "
                        f"mask reversed: err {e_rev:.1e}]")
            if verdict != "OK":
                ok = False
            print(f"{tag:16s} {name:20s} {verdict}{note}")
            if name == "embed_dense_masked":
                # masked steps of a Dense output are computed normally (not zeroed)
                emb0 = doc["layers"][0]["weights"][0]["data"][:4]
                print(f"{'':16s} {'':20s} Dense at a masked step = Dense(embedding[0]) "
                      f"(not zeros): {not np.allclose(y[3, 0], 0)}; "
                      f"keras mask out: {getattr(m.layers[-1], 'supports_masking', None)}; emb0={emb0[:2]}")
    return ok


# Masking layer: float rows where masked steps have ALL features equal to MV.
MV = -1.0


def masking_rows():
    rng = np.random.default_rng(7)
    x = np.round(rng.normal(0, 1, (7, 8, 3)), 4).astype(np.float32)
    x[0, :3] = MV                     # pre-padded
    x[1, 5:] = MV                     # post-padded
    x[2, [0, 2, 3, 6]] = MV           # interior
    x[3] = MV                         # all masked
    x[5, 1, 0] = MV                   # some features only: NOT masked
    x[5, 3, :2] = MV
    x[6, :7] = MV                     # only the last step
    return x


MASKING_MODELS = [
    ("masking_only", lambda L: [L.Masking(MV)]),
    ("masking_seq", lambda L: [L.Masking(MV), L.SimpleRNN(3, return_sequences=True)]),
    ("masking_last", lambda L: [L.Masking(MV), L.SimpleRNN(3)]),
    ("masking_noop_dense", lambda L: [L.Masking(MV), L.Dropout(0.5), L.SpatialDropout1D(0.2),
                                      L.GaussianNoise(0.1), L.GaussianDropout(0.3),
                                      L.ActivityRegularization(l1=0.01), L.Activation("tanh"),
                                      L.SimpleRNN(3, return_sequences=True), L.Dense(2),
                                      L.Activation("softmax"), L.SimpleRNN(2)]),
    ("masking_back_then_fwd", lambda L: [L.Masking(MV),
                                         L.SimpleRNN(3, return_sequences=True, go_backwards=True),
                                         L.SimpleRNN(3, return_sequences=True)]),
    ("masking_back_last", lambda L: [L.Masking(MV), L.SimpleRNN(3, go_backwards=True)]),
    ("masking_lstm_gru", lambda L: [L.Masking(MV), L.LSTM(3, return_sequences=True),
                                    L.GRU(3, return_sequences=True, go_backwards=True),
                                    L.LSTM(2)]),
]


# LSTM / GRU cells: every activation as `activation` and as `recurrent_activation`, GRU both
# reset_after forms, with and without bias; float inputs, no mask.
def check_gated_cells(tmp):
    ok = True
    rng = np.random.default_rng(11)
    x = np.round(rng.normal(0, 1, (3, 6, 3)), 4).astype(np.float32)
    worst = 0.0
    for K, tag in ((keras, "keras " + keras.__version__), (tf_keras, "tf_keras " + tf_keras.__version__)):
        tfk = K is tf_keras
        acts = [a for a in ACTIVATIONS]
        cases = []
        for cls in ("LSTM", "GRU"):
            for a in acts:
                cases.append((cls, dict(activation=a)))
                cases.append((cls, dict(recurrent_activation=a)))
            for use_bias in (True, False):
                cases.append((cls, dict(use_bias=use_bias, go_backwards=True)))
                if cls == "GRU":
                    cases.append((cls, dict(use_bias=use_bias, reset_after=False)))
        bad = []
        for i, (cls, kw) in enumerate(cases):
            K.backend.clear_session()
            m = K.Sequential([K.Input((None, 3)), getattr(K.layers, cls)(4, return_sequences=True, **kw)])
            r = np.random.default_rng(300 + i)
            scale = 0.1 if "exponential" in kw.values() else 0.6
            m.layers[0].set_weights([r.uniform(-scale, scale, w.shape).astype(np.float32)
                                     for w in m.layers[0].get_weights()])
            path = os.path.join(tmp, "gated.json")
            try:
                keras_export.export_model(m, path, tag, tfk)
            except keras_export.Unsupported as e:
                print(f"{tag:16s} {cls} {kw}: export refused: {e}")
                continue
            y = np.asarray(m.predict(x, verbose=0), np.float64)
            err = np.abs(rnn_reference.forward(rnn_reference.load(path), x) - y).max()
            err /= max(1.0, np.abs(y).max())  # relative where Keras's output exceeds 1
            worst = max(worst, err)
            if not err < 1e-5:
                bad.append(f"{cls} {kw}: err {err:.1e}")
        ok &= not bad
        print(f"{tag:16s} {len(cases)} LSTM/GRU cell cases: " + ("OK" if not bad else "MISMATCH " + "; ".join(bad))
              + f"  (max err, relative above 1: {worst:.1e})")
    return ok


ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign",
               "swish", "gelu", "exponential", "hard_sigmoid", "relu6", "leaky_relu", "mish",
               "log_softmax"]


def check_masking_layer(tmp):
    """Masking: which steps are masked (ALL features == mask_value), masked steps zeroed in the
    layer's output, the mask then flowing as Embedding's (through the identity layers and
    Activation, unreversed past go_backwards)."""
    ok = True
    x = masking_rows()
    want_mask = ~np.all(x == MV, axis=-1)
    for K, tag in ((keras, "keras " + keras.__version__), (tf_keras, "tf_keras " + tf_keras.__version__)):
        tfk = K is tf_keras
        for i, (name, fn) in enumerate(MASKING_MODELS):
            K.backend.clear_session()
            m = K.Sequential([K.Input((None, 3))] + fn(K.layers), name=name)
            rng = np.random.default_rng(200 + i)
            for layer in m.layers:
                if layer.weights:
                    layer.set_weights([rng.uniform(-0.8, 0.8, w.shape).astype(np.float32)
                                       for w in layer.get_weights()])
            path = os.path.join(tmp, f"{name}.json")
            keras_export.export_model(m, path, tag, tfk)
            y = np.asarray(m.predict(x, verbose=0), np.float64)
            err = np.abs(rnn_reference.forward(rnn_reference.load(path), x) - y).max()
            note = ""
            if name == "masking_only":
                mask = np.asarray(m.layers[0].compute_mask(tf.constant(x)))
                zeroed = bool(np.all(y[~want_mask] == 0))
                kept = bool(np.array_equal(y[want_mask], x[want_mask]))
                if not (np.array_equal(mask, want_mask) and zeroed and kept):
                    err = np.inf
                note = (f"  [mask = all features == {MV}: {np.array_equal(mask, want_mask)}; "
                        f"masked steps zeroed: {zeroed}; others unchanged: {kept}]")
            verdict = "OK" if err < 1e-5 else "MISMATCH"
            ok &= verdict == "OK"
            print(f"{tag:16s} {name:22s} {verdict}  err {err:.1e}{note}")
    return ok


def probe(label, fn):
    try:
        r = fn()
        r = np.asarray(r)
        print(f"{label}: returns shape {r.shape}" + (f", values {r.ravel()[:6].tolist()}" if r.size else ""))
    except Exception as e:  # noqa: BLE001
        msg = " ".join(str(e).split())[:220]
        print(f"{label}: RAISES {type(e).__name__}: {msg}")


def edge_cases():
    for K in (keras, tf_keras):
        tag = "keras3" if K is keras else "tf_keras"
        L = K.layers
        K.backend.clear_session()
        rnn_seq = K.Sequential([K.Input((None, 3)), L.SimpleRNN(4, return_sequences=True)])
        rnn_last = K.Sequential([K.Input((None, 3)), L.SimpleRNN(4)])
        emb = K.Sequential([L.Embedding(10, 2)])
        emb.build((None, None))
        emb_rnn = K.Sequential([L.Embedding(10, 2, mask_zero=True), L.SimpleRNN(4)])
        emb_rnn.build((None, None))
        f0 = np.zeros((2, 0, 3), np.float32)
        probe(f"{tag} SimpleRNN(seq) predict T=0", lambda: rnn_seq.predict(f0, verbose=0))
        probe(f"{tag} SimpleRNN(last) predict T=0", lambda: rnn_last.predict(f0, verbose=0))
        probe(f"{tag} SimpleRNN(last) __call__ T=0", lambda: rnn_last(f0))
        probe(f"{tag} SimpleRNN(seq) predict batch=0",
              lambda: rnn_seq.predict(np.zeros((0, 5, 3), np.float32), verbose=0))
        probe(f"{tag} SimpleRNN(seq) __call__ batch=0",
              lambda: rnn_seq(np.zeros((0, 5, 3), np.float32)))
        probe(f"{tag} Embedding predict T=0", lambda: emb.predict(np.zeros((2, 0), np.int32), verbose=0))
        probe(f"{tag} Embedding+mask+SimpleRNN predict T=0",
              lambda: emb_rnn.predict(np.zeros((2, 0), np.int32), verbose=0))
        for bad in (10, 11, 1000, -1):
            probe(f"{tag} Embedding(10) predict id={bad}",
                  lambda: emb.predict(np.array([[1, bad]], np.int32), verbose=0))
        probe(f"{tag} Embedding(10) __call__ id=10", lambda: emb(np.array([[1, 10]], np.int32)))
        probe(f"{tag} Embedding(10) predict id=2.7 (float)",
              lambda: emb.predict(np.array([[2.7, 1]], np.float32), verbose=0)
              - emb.layers[0].get_weights()[0][[2, 1]][None])


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ok = check_masking(tmp)
        ok &= check_masking_layer(tmp)
        ok &= check_gated_cells(tmp)
    edge_cases()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
