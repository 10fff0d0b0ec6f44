#!/usr/bin/env python3
"""Generate the test fixtures under tests/fixtures/ from real Keras models.

Run from the repository root:

    python -m venv venv && venv/bin/pip install -r tools/requirements.txt
    venv/bin/python tools/gen_fixtures.py            # all fixtures
    venv/bin/python tools/gen_fixtures.py imdb seed1 # only these
    venv/bin/python tools/gen_fixtures.py --check    # write nothing: compare the exporter's
                                                     # declaration with each fixture's dsl and
                                                     # the weights files byte for byte

Needs (pinned in tools/requirements.txt): tensorflow-cpu==2.21.0, keras==3.15.1,
tf_keras==2.21.0, numpy==2.4.6 (h5py comes with them). Deterministic: every model's weights and
inputs come from numpy generators seeded by the fixture name. (Keras's predictions may differ in
the last bits between CPUs / oneDNN settings; the weights and inputs do not.)

For every fixture NAME it writes
  tests/fixtures/NAME.weights.json[.gz]  the model exported by tools/keras_export.py (gzip > ~50 KB)
  tests/fixtures/NAME.io.json            inputs, Keras's model.predict outputs, layer table
  tests/fixtures/summaries/NAME.txt      Keras 2.4.3-style model.summary() text
  tests/fixtures/keras/NAME.keras or NAME.h5  the saved Keras file itself (gzip when over
                                         ORIGINAL_GZIP_OVER bytes: NAME.keras.gz, NAME.h5.gz)
Keras 3 models are saved as .keras and tf_keras models as .h5 and exported from those files (the
Rust reader of Keras files is tested on the same originals).

    venv/bin/python tools/gen_fixtures.py --refused    # only (re)write tests/fixtures/keras_refused/:
                                                       # Keras files the project refuses (the
                                                       # compile-error cases in tests/ui)
    venv/bin/python tools/gen_fixtures.py --originals  # only (re)write the originals, each after
                                                       # checking that its export is the committed
                                                       # weights file byte for byte

Each export is also checked against the plain-numpy reference in tools/rnn_reference.py (the KERAS.md semantics), and the `rnn_model!` layer list the
exporter prints must equal the fixture's "dsl" string; a mismatch aborts the run.
"""

import gzip
import io
import json
import os
import shutil
import sys
import tempfile
import warnings
import zlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import keras_export  # noqa: E402
import rnn_reference  # noqa: E402

ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "tests", "fixtures")
SUMMARIES = os.path.join(OUT, "summaries")
GZIP_OVER = 50_000  # bytes of uncompressed weights JSON
ORIGINALS = os.path.join(OUT, "keras")
# A saved Keras file over this many bytes is committed gzip-compressed (Keras 3 stores the zip's
# entries uncompressed; the Rust loader decompresses gzip).
ORIGINAL_GZIP_OVER = 16_000

ACTS = ["linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign",
        "swish", "gelu", "exponential", "hard_sigmoid", "relu6", "leaky_relu", "mish",
        "log_softmax"]

with keras_export._quiet_stderr():
    import tensorflow as tf  # noqa: E402
    import keras  # noqa: E402
    import tf_keras  # noqa: E402
tf.get_logger().setLevel("ERROR")
warnings.filterwarnings("ignore")


# --------------------------------------------------------------------------------------------
# Keras 2.4.3 print_summary (Sequential branch), re-implemented
# --------------------------------------------------------------------------------------------
def keras243_summary(model_name, rows, trainable, non_trainable, line_length=65,
                     positions=(.45, .85, 1.)):
    """rows: [(layer name, class name, output shape tuple, param count)]. Returns the text."""
    positions = [int(line_length * p) for p in positions]
    lines = []

    def print_row(fields):
        line = ""
        for i, field in enumerate(fields):
            if i > 0:
                line = line[:-1] + " "
            line += str(field)
            line = line[:positions[i]]
            line += " " * (positions[i] - len(line))
        lines.append(line)

    lines.append('Model: "{}"'.format(model_name))
    lines.append("_" * line_length)
    print_row(["Layer (type)", "Output Shape", "Param #"])
    lines.append("=" * line_length)
    for i, (name, cls, shape, params) in enumerate(rows):
        print_row([name + " (" + cls + ")", shape, params])
        lines.append("=" * line_length if i == len(rows) - 1 else "_" * line_length)
    lines.append("Total params: {:,}".format(trainable + non_trainable))
    lines.append("Trainable params: {:,}".format(trainable))
    lines.append("Non-trainable params: {:,}".format(non_trainable))
    lines.append("_" * line_length)
    return "".join(l + "\n" for l in lines)


def _count(weights):
    return int(sum(int(np.prod(w.shape)) for w in weights))


def layer_rows(model, tfk):
    rows = []
    for layer in model.layers:
        if tfk:
            shape = layer.output_shape
        else:
            shape = tuple(layer.output.shape)
        shape = tuple(None if d is None else int(d) for d in shape)
        rows.append((layer.name, type(layer).__name__, shape, int(layer.count_params())))
    return rows


# --------------------------------------------------------------------------------------------
# JSON text helpers (floats: shortest float32 text)
# --------------------------------------------------------------------------------------------
def f32_nested(a):
    a = np.asarray(a, np.float32)
    if a.ndim == 1:
        return "[" + ",".join(keras_export.f32_strings(a)) + "]"
    return "[" + ",".join(f32_nested(x) for x in a) + "]"


def int_nested(a):
    return json.dumps(np.asarray(a).astype(np.int64).tolist(), separators=(",", ":"))


def rows_text(a, leaf):
    """Top-level list with one batch entry per line."""
    return "[\n  " + ",\n  ".join(leaf(x) for x in a) + "\n ]"


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------
def seed_of(name):
    return zlib.crc32(name.encode())


def q(a, decimals):
    return np.round(np.asarray(a, np.float64), decimals).astype(np.float32)


class Spec:
    def __init__(self, name, dsl, build, inputs, tfk=False, scales=None, quantize=None,
                 summary=True):
        self.name, self.dsl, self.build, self.inputs, self.tfk = name, dsl, build, inputs, tfk
        self.scales = scales or {}
        self.quantize = quantize  # decimals for tensors with > 4096 values
        self.summary = summary


def random_weights(model, rng, scales, quantize):
    """Realistic-scale seeded weights. scales: per weight-name max |value| overrides."""
    for layer in model.layers:
        new = []
        for w, v in zip(layer.weights, layer.get_weights()):
            wname = keras_export._weight_short_name(w)
            if wname == "moving_variance":
                # positive, away from 0 (BatchNormalization divides by its square root)
                new.append(rng.uniform(0.2, 2.5, v.shape).astype(np.float32))
                continue
            if wname == "embeddings":
                lim = scales.get(wname, 0.5)
            elif wname in ("gamma", "moving_mean"):
                lim = scales.get(wname, 1.5)
            elif wname == "kernel":
                lim = scales.get(wname, min(0.5, 2.0 / np.sqrt(v.shape[0])))
            elif wname == "recurrent_kernel":
                lim = scales.get(wname, min(0.5, 1.5 / np.sqrt(v.shape[0])))
            else:
                lim = scales.get(wname, 0.2)
            a = rng.uniform(-lim, lim, v.shape)
            if quantize is not None and a.size > 4096:
                a = q(a, quantize)
            new.append(a.astype(np.float32))
        layer.set_weights(new)


def tokens(rng, batch, T, vocab, ensure=()):
    x = rng.integers(0, vocab, (batch, T))
    for i, (r, c, v) in enumerate(ensure):
        x[r, c] = v
    return x.astype(np.int32)


def mask_rows(rng, T, vocab):
    """pre-padded, post-padded, interior zeros, all zeros, no zeros."""
    def nz(n):
        return rng.integers(1, vocab, n)
    rows = [
        np.concatenate([np.zeros(3, int), nz(T - 3)]),
        np.concatenate([nz(T - 3), np.zeros(3, int)]),
        np.where(np.arange(T) % 3 == 1, 0, nz(T)),
        np.zeros(T, int),
        nz(T),
    ]
    rows[2][0] = 0 if T > 4 else rows[2][0]  # interior row also starts padded
    rows[2][-1] = nz(1)[0]
    return np.stack(rows).astype(np.int32)


def masked_floats(rng, T, F, mask_value=0.0, partial=False):
    """Float rows for a Masking layer: masked steps have ALL features equal to mask_value, the
    others are random. Rows: pre-padded, post-padded, interior (and first) steps masked, all
    masked, none masked; with partial=True also a row whose steps have SOME features equal to
    mask_value (not masked) next to fully masked steps."""
    mv = np.float32(mask_value)
    x = floats(rng, 6 if partial else 5, T, F)
    x[0, :3] = mv
    x[1, T - 3:] = mv
    x[2, (np.arange(T) % 3 == 1) | (np.arange(T) == 0)] = mv
    x[3] = mv
    if partial:
        x[5, 1, 0] = mv                  # one feature only
        x[5, 3, :F - 1] = mv             # all but the last feature
        x[5, 4, 1:] = mv                 # all but the first feature
        x[5, 5] = mv                     # masked
        x[4, 2, F // 2] = mv             # the unmasked row also gets a partial step
    return x


def floats(rng, batch, T, F, scale=1.0, decimals=4):
    return q(rng.normal(0, scale, (batch, T, F)), decimals)


def build_seq(K, name, layers, build_shape=None):
    m = K.Sequential(layers, name=name)
    if build_shape is not None:
        m.build(build_shape)
    return m


def specs():
    L = keras.layers
    S = []

    def k3(name, dsl, layers_fn, inputs_fn, build_shape=None, **kw):
        S.append(Spec(name, dsl, lambda: build_seq(keras, name, layers_fn(), build_shape),
                      inputs_fn, **kw))

    # --- seed models (the notebook) ---
    k3("seed_rnn", "Input(None, 32), SimpleRNN(64, seq)",
       lambda: [keras.Input((None, 32)), L.SimpleRNN(64, return_sequences=True)],
       lambda r: floats(r, 2, 100, 32))
    tok20 = lambda r: tokens(r, 3, 20, 10000, ensure=[(0, 0, 0), (1, 5, 9999), (2, 19, 1)])  # noqa: E731
    k3("seed1", "Embedding(10000, 32), SimpleRNN(32)",
       lambda: [L.Embedding(10000, 32), L.SimpleRNN(32)], tok20, (None, None), quantize=2)
    k3("seed2", "Embedding(10000, 32), SimpleRNN(32, seq)",
       lambda: [L.Embedding(10000, 32), L.SimpleRNN(32, return_sequences=True)], tok20,
       (None, None), quantize=2)
    k3("seed3", "Embedding(10000, 32), SimpleRNN(32, seq), SimpleRNN(32, seq), SimpleRNN(32, seq), SimpleRNN(32)",
       lambda: [L.Embedding(10000, 32)] + [L.SimpleRNN(32, return_sequences=True) for _ in range(3)]
       + [L.SimpleRNN(32)], tok20, (None, None), quantize=2)
    k3("imdb", "Embedding(10000, 32), SimpleRNN(32), Dense(1, activation = sigmoid)",
       lambda: [L.Embedding(10000, 32), L.SimpleRNN(32), L.Dense(1, activation="sigmoid")], tok20,
       (None, None), quantize=2)

    # --- masking ---
    k3("mask_last", "Embedding(50, 8, mask_zero = true), SimpleRNN(6)",
       lambda: [L.Embedding(50, 8, mask_zero=True), L.SimpleRNN(6)],
       lambda r: mask_rows(r, 8, 50), (None, None))
    k3("mask_seq", "Embedding(50, 8, mask_zero = true), SimpleRNN(6, seq), SimpleRNN(5, seq), Dense(3)",
       lambda: [L.Embedding(50, 8, mask_zero=True), L.SimpleRNN(6, return_sequences=True),
                L.SimpleRNN(5, return_sequences=True), L.Dense(3)],
       lambda r: mask_rows(r, 8, 50), (None, None))
    k3("mask_dense_between",
       "Embedding(50, 8, mask_zero = true), SimpleRNN(6, seq), Dense(4, activation = relu), SimpleRNN(5)",
       lambda: [L.Embedding(50, 8, mask_zero=True), L.SimpleRNN(6, return_sequences=True),
                L.Dense(4, activation="relu"), L.SimpleRNN(5)],
       lambda r: mask_rows(r, 8, 50), (None, None))
    k3("mask_back", "Embedding(30, 6, mask_zero = true), SimpleRNN(5, seq, go_backwards = true)",
       lambda: [L.Embedding(30, 6, mask_zero=True),
                L.SimpleRNN(5, return_sequences=True, go_backwards=True)],
       lambda r: mask_rows(r, 7, 30), (None, None))
    k3("mask_back_last", "Embedding(30, 6, mask_zero = true), SimpleRNN(5, go_backwards = true)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.SimpleRNN(5, go_backwards=True)],
       lambda r: mask_rows(r, 7, 30), (None, None))

    # After a go_backwards layer that returns sequences, Keras passes the layer's INPUT mask on
    # unreversed, although the outputs are in processing (reversed) order.
    k3("mask_back_then_forward",
       "Embedding(30, 6, mask_zero = true), SimpleRNN(5, seq, go_backwards = true), SimpleRNN(4, seq)",
       lambda: [L.Embedding(30, 6, mask_zero=True),
                L.SimpleRNN(5, return_sequences=True, go_backwards=True),
                L.SimpleRNN(4, return_sequences=True)],
       lambda r: mask_rows(r, 7, 30), (None, None))
    k3("mask_back_twice",
       "Embedding(30, 6, mask_zero = true), SimpleRNN(5, seq), SimpleRNN(4, seq, go_backwards = true), Dense(2), SimpleRNN(3, go_backwards = true)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.SimpleRNN(5, return_sequences=True),
                L.SimpleRNN(4, return_sequences=True, go_backwards=True), L.Dense(2),
                L.SimpleRNN(3, go_backwards=True)],
       lambda r: mask_rows(r, 7, 30), (None, None))

    # --- other options ---
    k3("back_seq", "Input(None, 5), SimpleRNN(7, seq, go_backwards = true)",
       lambda: [keras.Input((None, 5)), L.SimpleRNN(7, return_sequences=True, go_backwards=True)],
       lambda r: floats(r, 3, 6, 5))
    k3("back_stack",
       "Input(None, 4), SimpleRNN(6, seq), SimpleRNN(5, seq, go_backwards = true), SimpleRNN(3, go_backwards = true)",
       lambda: [keras.Input((None, 4)), L.SimpleRNN(6, return_sequences=True),
                L.SimpleRNN(5, return_sequences=True, go_backwards=True),
                L.SimpleRNN(3, go_backwards=True)],
       lambda r: floats(r, 3, 7, 4))
    k3("no_bias", "Input(None, 4), SimpleRNN(6, seq, use_bias = false), Dense(3, use_bias = false)",
       lambda: [keras.Input((None, 4)), L.SimpleRNN(6, return_sequences=True, use_bias=False),
                L.Dense(3, use_bias=False)],
       lambda r: floats(r, 2, 5, 4))
    k3("dense_vec",
       "Input(None, 3), SimpleRNN(8), Dense(6, activation = relu), Dense(3, activation = softmax)",
       lambda: [keras.Input((None, 3)), L.SimpleRNN(8), L.Dense(6, activation="relu"),
                L.Dense(3, activation="softmax")],
       lambda r: floats(r, 4, 9, 3))
    k3("fixed_len", "Input(12, 4), SimpleRNN(5, seq), Dense(2)",
       lambda: [keras.Input(shape=(12, 4)), L.SimpleRNN(5, return_sequences=True), L.Dense(2)],
       lambda r: floats(r, 3, 12, 4))
    k3("embed_only", "Embedding(20, 4)", lambda: [L.Embedding(20, 4)],
       lambda r: tokens(r, 3, 6, 20, ensure=[(0, 0, 0), (1, 1, 19)]), (None, None))
    k3("embed_dense", "Embedding(20, 4), Dense(3, activation = tanh)",
       lambda: [L.Embedding(20, 4), L.Dense(3, activation="tanh")],
       lambda r: tokens(r, 3, 6, 20, ensure=[(0, 0, 0), (1, 1, 19)]), (None, None))

    # --- layers without tensors: Dropout-likes (identity), Activation, Masking ---
    masked8 = lambda r: mask_rows(r, 8, 50)  # noqa: E731
    k3("drop_mask",
       "Embedding(50, 8, mask_zero = true), Dropout(0.5), SimpleRNN(6, seq), Dropout(0.5), SimpleRNN(5)",
       lambda: [L.Embedding(50, 8, mask_zero=True), L.Dropout(0.5),
                L.SimpleRNN(6, return_sequences=True), L.Dropout(0.5), L.SimpleRNN(5)],
       masked8, (None, None))
    k3("masking_stack", "Input(None, 4), Masking(), SimpleRNN(6, seq), SimpleRNN(5, seq), Dense(2)",
       lambda: [keras.Input((None, 4)), L.Masking(), L.SimpleRNN(6, return_sequences=True),
                L.SimpleRNN(5, return_sequences=True), L.Dense(2)],
       lambda r: masked_floats(r, 8, 4))
    k3("masking_value_last", "Input(None, 4), Masking(mask_value = -1.0), SimpleRNN(6, seq), SimpleRNN(5)",
       lambda: [keras.Input((None, 4)), L.Masking(mask_value=-1.0),
                L.SimpleRNN(6, return_sequences=True), L.SimpleRNN(5)],
       lambda r: masked_floats(r, 8, 4, -1.0, partial=True))
    k3("masking_back",
       "Input(None, 4), Masking(), SimpleRNN(5, seq, go_backwards = true), SimpleRNN(4, seq)",
       lambda: [keras.Input((None, 4)), L.Masking(),
                L.SimpleRNN(5, return_sequences=True, go_backwards=True),
                L.SimpleRNN(4, return_sequences=True)],
       lambda r: masked_floats(r, 7, 4))
    k3("masking_partial", "Input(None, 3), Masking(mask_value = -1.0), SimpleRNN(4, seq)",
       lambda: [keras.Input((None, 3)), L.Masking(mask_value=-1.0), L.SimpleRNN(4, return_sequences=True)],
       lambda r: masked_floats(r, 7, 3, -1.0, partial=True))
    k3("masking_noop_chain",
       "Input(None, 4), Masking(), GaussianNoise(0.1), SimpleRNN(5, seq), Activation(tanh), Dense(3, activation = softmax)",
       lambda: [keras.Input((None, 4)), L.Masking(), L.GaussianNoise(0.1),
                L.SimpleRNN(5, return_sequences=True), L.Activation("tanh"),
                L.Dense(3, activation="softmax")],
       lambda r: masked_floats(r, 6, 4, partial=True))
    k3("activation_softmax_seq", "Input(None, 3), SimpleRNN(5, seq), Activation(softmax)",
       lambda: [keras.Input((None, 3)), L.SimpleRNN(5, return_sequences=True), L.Activation("softmax")],
       lambda r: floats(r, 3, 6, 3), scales={"kernel": 1.0, "recurrent_kernel": 0.5})
    k3("activation_relu_vec", "Input(None, 3), SimpleRNN(6), Activation(relu)",
       lambda: [keras.Input((None, 3)), L.SimpleRNN(6), L.Activation("relu")],
       lambda r: floats(r, 4, 7, 3))
    k3("activation_mask", "Embedding(30, 6, mask_zero = true), SimpleRNN(5, seq), Activation(sigmoid), SimpleRNN(3)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.SimpleRNN(5, return_sequences=True),
                L.Activation("sigmoid"), L.SimpleRNN(3)],
       lambda r: mask_rows(r, 7, 30), (None, None))
    k3("spatial_dropout_mask", "Embedding(40, 6, mask_zero = true), SpatialDropout1D(0.2), SimpleRNN(5, seq), Dense(3)",
       lambda: [L.Embedding(40, 6, mask_zero=True), L.SpatialDropout1D(0.2),
                L.SimpleRNN(5, return_sequences=True), L.Dense(3)],
       lambda r: mask_rows(r, 8, 40), (None, None))
    k3("gaussian_noise_mask", "Embedding(40, 6, mask_zero = true), GaussianNoise(0.1), SimpleRNN(5)",
       lambda: [L.Embedding(40, 6, mask_zero=True), L.GaussianNoise(0.1), L.SimpleRNN(5)],
       lambda r: mask_rows(r, 8, 40), (None, None))
    k3("gaussian_dropout_seq", "Input(None, 4), SimpleRNN(6, seq), GaussianDropout(0.3), Dense(2, activation = tanh)",
       lambda: [keras.Input((None, 4)), L.SimpleRNN(6, return_sequences=True), L.GaussianDropout(0.3),
                L.Dense(2, activation="tanh")],
       lambda r: floats(r, 3, 6, 4))
    k3("activity_reg_mask",
       "Embedding(40, 6, mask_zero = true), SimpleRNN(5, seq), ActivityRegularization(l1 = 0.01), SimpleRNN(4, go_backwards = true)",
       lambda: [L.Embedding(40, 6, mask_zero=True), L.SimpleRNN(5, return_sequences=True),
                L.ActivityRegularization(l1=0.01), L.SimpleRNN(4, go_backwards=True)],
       lambda r: mask_rows(r, 8, 40), (None, None))
    # An explicitly named layer: printed with `name = ...`, and it does not use up an automatic
    # number (the second Dropout is `dropout`, not `dropout_1`).
    k3("named_dropout", 'Input(None, 3), Dropout(0.5, name = "drop_in"), SimpleRNN(4, seq), Dropout(0.25), Dense(2)',
       lambda: [keras.Input((None, 3)), L.Dropout(0.5, name="drop_in"),
                L.SimpleRNN(4, return_sequences=True), L.Dropout(0.25), L.Dense(2)],
       lambda r: floats(r, 3, 5, 3))

    # --- activations ---
    def act_rnn_inputs(act):
        def f(r):
            if act == "exponential":
                return q(np.clip(r.normal(0, 1, (3, 6, 3)), -2, 2), 4)
            x = np.stack([r.normal(0, 1, (6, 3)), r.uniform(-6, 6, (6, 3)),
                          r.uniform(-6, 6, (6, 3)) * np.array([1, 4, 10])])
            return q(x, 4)
        return f

    for act in ACTS:
        scales = ({"kernel": 0.1, "recurrent_kernel": 0.02, "bias": 0.1} if act == "exponential"
                  else {"kernel": 0.5, "recurrent_kernel": 0.3})
        # the declaration leaves out a keyword at its default (SimpleRNN: tanh, Dense: linear)
        rnn_act = "" if act == "tanh" else f", activation = {act}"
        k3(f"act_rnn_{act}", f"Input(None, 3), SimpleRNN(4, seq{rnn_act})",
           (lambda a: lambda: [keras.Input((None, 3)),
                               L.SimpleRNN(4, return_sequences=True, activation=a)])(act),
           act_rnn_inputs(act), scales=scales, summary=False)
    for act in ACTS:
        dense_act = "" if act == "linear" else f", activation = {act}"
        k3(f"act_dense_{act}", f"Input(None, 5), Dense(4{dense_act})",
           (lambda a: lambda: [keras.Input((None, 5)), L.Dense(4, activation=a)])(act),
           lambda r: q(np.stack([np.linspace(-6, 6, 20).reshape(4, 5),
                                 r.uniform(-6, 6, (4, 5)), r.normal(0, 1, (4, 5))]), 4),
           scales={"kernel": 0.6 if act == "exponential" else 1.0, "bias": 0.5}, summary=False)

    # --- LSTM and GRU (Keras 3) ---
    tok500 = lambda r: tokens(r, 3, 500, 10000, ensure=[(0, 0, 0), (1, 250, 9999), (2, 499, 1)])  # noqa: E731
    k3("lstm_imdb", "Embedding(10000, 32), LSTM(32), Dense(1, activation = sigmoid)",
       lambda: [L.Embedding(10000, 32), L.LSTM(32), L.Dense(1, activation="sigmoid")], tok500,
       (None, None), quantize=2)
    # The book's Jena temperature models (dropout arguments: identity at inference, printed).
    jena = lambda r: floats(r, 3, 120, 14)  # noqa: E731
    k3("gru_jena", "Input(None, 14), GRU(32), Dense(1)",
       lambda: [keras.Input((None, 14)), L.GRU(32), L.Dense(1)], jena)
    k3("gru_jena_stacked",
       "Input(None, 14), GRU(32, seq, dropout = 0.1, recurrent_dropout = 0.5), "
       "GRU(64, activation = relu, dropout = 0.1, recurrent_dropout = 0.5), Dense(1)",
       lambda: [keras.Input((None, 14)),
                L.GRU(32, dropout=0.1, recurrent_dropout=0.5, return_sequences=True),
                L.GRU(64, activation="relu", dropout=0.1, recurrent_dropout=0.5), L.Dense(1)],
       jena)
    # GRU's two bias forms (reset_after true: bias [2, 3u]; false: [3u]), with and without bias.
    k3("gru_reset_after", "Input(None, 4), GRU(8, seq)",
       lambda: [keras.Input((None, 4)), L.GRU(8, return_sequences=True)],
       lambda r: floats(r, 3, 7, 4), scales={"bias": 0.5})
    k3("gru_reset_after_no_bias", "Input(None, 4), GRU(8, use_bias = false)",
       lambda: [keras.Input((None, 4)), L.GRU(8, use_bias=False)],
       lambda r: floats(r, 3, 7, 4))
    k3("gru_reset_before", "Input(None, 4), GRU(8, reset_after = false)",
       lambda: [keras.Input((None, 4)), L.GRU(8, reset_after=False)],
       lambda r: floats(r, 3, 7, 4), scales={"bias": 0.5})
    k3("gru_reset_before_no_bias", "Input(None, 4), GRU(8, seq, use_bias = false, reset_after = false)",
       lambda: [keras.Input((None, 4)), L.GRU(8, return_sequences=True, use_bias=False, reset_after=False)],
       lambda r: floats(r, 3, 7, 4))
    k3("lstm_no_bias", "Input(None, 4), LSTM(8, seq, use_bias = false), Dense(3, use_bias = false)",
       lambda: [keras.Input((None, 4)), L.LSTM(8, return_sequences=True, use_bias=False),
                L.Dense(3, use_bias=False)],
       lambda r: floats(r, 3, 7, 4))
    # unit_forget_bias only changes initialisation: printed, no effect on the file.
    k3("lstm_forget_bias_off", "Input(None, 3), LSTM(4, unit_forget_bias = false)",
       lambda: [keras.Input((None, 3)), L.LSTM(4, unit_forget_bias=False)],
       lambda r: floats(r, 3, 5, 3))

    # masks: pre, post, interior, all-padding and unpadded rows
    k3("lstm_mask_last", "Embedding(50, 8, mask_zero = true), LSTM(6)",
       lambda: [L.Embedding(50, 8, mask_zero=True), L.LSTM(6)], masked8, (None, None))
    k3("lstm_mask_seq", "Embedding(50, 8, mask_zero = true), LSTM(6, seq), LSTM(5, seq), Dense(3)",
       lambda: [L.Embedding(50, 8, mask_zero=True), L.LSTM(6, return_sequences=True),
                L.LSTM(5, return_sequences=True), L.Dense(3)], masked8, (None, None))
    k3("gru_mask_last", "Embedding(50, 8, mask_zero = true), GRU(6, dropout = 0.2)",
       lambda: [L.Embedding(50, 8, mask_zero=True), L.GRU(6, dropout=0.2)], masked8, (None, None))
    k3("gru_mask_seq",
       "Embedding(50, 8, mask_zero = true), GRU(6, seq), GRU(5, seq, reset_after = false), Dense(3)",
       lambda: [L.Embedding(50, 8, mask_zero=True), L.GRU(6, return_sequences=True),
                L.GRU(5, return_sequences=True, reset_after=False), L.Dense(3)],
       masked8, (None, None))

    # LSTM's cell state c must survive masked steps: long interior padding runs, a strong
    # forget/input gate spread (bias up to 1), 12 steps.
    def c_rows(r):
        x = r.integers(1, 40, (5, 12))
        x[0, 2:7] = 0          # a long interior run
        x[0, 9:11] = 0
        x[1, 1:] = 0           # one real token, then padding: the output repeats
        x[2, 1::2] = 0         # every other step
        x[3] = 0               # all padding
        return x.astype(np.int32)
    k3("lstm_mask_state", "Embedding(40, 6, mask_zero = true), LSTM(5, seq), LSTM(4)",
       lambda: [L.Embedding(40, 6, mask_zero=True), L.LSTM(5, return_sequences=True), L.LSTM(4)],
       c_rows, (None, None), scales={"bias": 1.0})

    # go_backwards, with and without a mask, a forward layer after a backwards `seq` layer
    masked7 = lambda r: mask_rows(r, 7, 30)  # noqa: E731
    k3("lstm_back_mask",
       "Embedding(30, 6, mask_zero = true), LSTM(5, seq, go_backwards = true), LSTM(4, seq)",
       lambda: [L.Embedding(30, 6, mask_zero=True),
                L.LSTM(5, return_sequences=True, go_backwards=True), L.LSTM(4, return_sequences=True)],
       masked7, (None, None))
    k3("lstm_back_mask_last", "Embedding(30, 6, mask_zero = true), LSTM(5, go_backwards = true)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.LSTM(5, go_backwards=True)],
       masked7, (None, None))
    k3("lstm_back", "Input(None, 5), LSTM(7, seq, go_backwards = true), LSTM(3)",
       lambda: [keras.Input((None, 5)), L.LSTM(7, return_sequences=True, go_backwards=True),
                L.LSTM(3)],
       lambda r: floats(r, 3, 6, 5))
    k3("gru_back_mask",
       "Embedding(30, 6, mask_zero = true), GRU(5, seq, go_backwards = true), GRU(4)",
       lambda: [L.Embedding(30, 6, mask_zero=True),
                L.GRU(5, return_sequences=True, go_backwards=True), L.GRU(4)],
       masked7, (None, None))
    k3("gru_back", "Input(None, 5), GRU(6, seq, go_backwards = true), GRU(4, seq)",
       lambda: [keras.Input((None, 5)), L.GRU(6, return_sequences=True, go_backwards=True),
                L.GRU(4, return_sequences=True)],
       lambda r: floats(r, 3, 6, 5))

    # wide layers (several SIMD blocks), small batch, short sequences
    k3("lstm_wide", "Input(None, 16), LSTM(128, seq), Dense(4)",
       lambda: [keras.Input((None, 16)), L.LSTM(128, return_sequences=True), L.Dense(4)],
       lambda r: floats(r, 2, 6, 16), quantize=3)
    k3("gru_wide", "Input(None, 16), GRU(160)",
       lambda: [keras.Input((None, 16)), L.GRU(160)],
       lambda r: floats(r, 2, 5, 16), quantize=3)

    # mixed stacks
    k3("lstm_gru_mixed_mask",
       "Embedding(50, 8, mask_zero = true), SimpleRNN(6, seq), LSTM(5, seq, go_backwards = true), GRU(4, seq), Dense(2)",
       lambda: [L.Embedding(50, 8, mask_zero=True), L.SimpleRNN(6, return_sequences=True),
                L.LSTM(5, return_sequences=True, go_backwards=True),
                L.GRU(4, return_sequences=True), L.Dense(2)],
       masked8, (None, None))
    k3("lstm_masking", "Input(None, 4), Masking(), LSTM(6, seq), GRU(3)",
       lambda: [keras.Input((None, 4)), L.Masking(), L.LSTM(6, return_sequences=True), L.GRU(3)],
       lambda r: masked_floats(r, 8, 4, partial=True))

    # activations (cell activation and the gates' recurrent_activation)
    gate_in = lambda r: floats(r, 3, 8, 3, scale=2.0)  # noqa: E731
    for name, cls, kw, dsl in [
        ("lstm_act_relu", "LSTM", {"activation": "relu"}, "activation = relu"),
        ("lstm_act_softsign_linear", "LSTM", {"activation": "softsign", "recurrent_activation": "linear"},
         "activation = softsign, recurrent_activation = linear"),
        ("lstm_recact_hard_sigmoid", "LSTM", {"recurrent_activation": "hard_sigmoid"},
         "recurrent_activation = hard_sigmoid"),
        ("gru_act_linear", "GRU", {"activation": "linear"}, "activation = linear"),
        ("gru_recact_softsign", "GRU", {"recurrent_activation": "softsign"},
         "recurrent_activation = softsign"),
        ("gru_act_relu_hard_sigmoid", "GRU", {"activation": "relu", "recurrent_activation": "hard_sigmoid",
                                              "reset_after": False},
         "activation = relu, recurrent_activation = hard_sigmoid, reset_after = false"),
    ]:
        k3(name, f"Input(None, 3), {cls}(4, seq, {dsl})",
           (lambda c, k: lambda: [keras.Input((None, 3)), getattr(L, c)(4, return_sequences=True, **k)])(cls, kw),
           gate_in, scales={"kernel": 0.6, "recurrent_kernel": 0.4, "bias": 0.5})

    # --- activation layers: ReLU, LeakyReLU, ELU, Softmax (issue 22) ---
    def around(points, batch, T, F, scale=1.0):
        """Seeded floats with the values in `points` (thresholds, limits, 0) placed in turn
        over the first steps, so the rules at and around them are exercised."""
        def make(r):
            x = floats(r, batch, T, F, scale)
            flat = x.reshape(-1)
            flat[:len(points)] = points
            return x
        return make

    relu_points = [0.2, 0.19999, 0.20001, 1.5, 1.50001, 0.0, -0.0, -1.0, 2.0, 0.2, 1.4999, 0.1]
    k3("relu_params", "Input(None, 4), ReLU(max_value = 1.5, negative_slope = 0.1, threshold = 0.2)",
       lambda: [keras.Input((None, 4)), L.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2)],
       around(relu_points, 3, 5, 4))
    k3("relu_low_max", "Input(None, 3), ReLU(max_value = 0.5, threshold = 1.0), SimpleRNN(3, seq)",
       lambda: [keras.Input((None, 3)), L.ReLU(max_value=0.5, threshold=1.0),
                L.SimpleRNN(3, return_sequences=True)],
       around([1.0, 0.99999, 1.00001, 0.5, 0.7, 3.0], 3, 6, 3, 1.5))
    k3("relu_stack", "Input(None, 3), SimpleRNN(5, seq), ReLU(), Dense(2), ReLU(max_value = 6.0)",
       lambda: [keras.Input((None, 3)), L.SimpleRNN(5, return_sequences=True), L.ReLU(),
                L.Dense(2), L.ReLU(max_value=6.0)],
       lambda r: floats(r, 3, 7, 3), scales={"kernel": 3.0})
    k3("relu_fixed_len", "Input(6, 4), ReLU(negative_slope = 0.05), SimpleRNN(3)",
       lambda: [keras.Input((6, 4)), L.ReLU(negative_slope=0.05), L.SimpleRNN(3)],
       lambda r: floats(r, 3, 6, 4))
    k3("leaky_relu_mask", "Embedding(30, 6, mask_zero = true), LeakyReLU(), SimpleRNN(4)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.LeakyReLU(), L.SimpleRNN(4)],
       lambda r: mask_rows(r, 7, 30), (None, None), scales={"embeddings": 1.0})
    k3("leaky_relu_slope", "Input(None, 4), LeakyReLU(negative_slope = 0.01), SimpleRNN(3, seq)",
       lambda: [keras.Input((None, 4)), L.LeakyReLU(negative_slope=0.01),
                L.SimpleRNN(3, return_sequences=True)],
       around([0.0, -0.0, -1e-5, 1e-5, -3.0], 3, 5, 4))
    k3("elu_alpha", "Input(None, 4), ELU(alpha = 0.5), SimpleRNN(3, seq)",
       lambda: [keras.Input((None, 4)), L.ELU(alpha=0.5), L.SimpleRNN(3, return_sequences=True)],
       around([0.0, -0.0, -1e-4, 1e-4, -8.0, -20.0], 3, 5, 4))
    k3("elu_mask", "Embedding(30, 6, mask_zero = true), ELU(), SimpleRNN(5, seq), ReLU(max_value = 0.5), SimpleRNN(3)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.ELU(), L.SimpleRNN(5, return_sequences=True),
                L.ReLU(max_value=0.5), L.SimpleRNN(3)],
       lambda r: mask_rows(r, 7, 30), (None, None), scales={"embeddings": 1.0})
    k3("softmax_seq", "Input(None, 4), SimpleRNN(5, seq), Softmax()",
       lambda: [keras.Input((None, 4)), L.SimpleRNN(5, return_sequences=True), L.Softmax()],
       lambda r: floats(r, 3, 6, 4), scales={"kernel": 2.0})
    k3("softmax_after_mask", "Embedding(30, 6, mask_zero = true), SimpleRNN(5), Softmax()",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.SimpleRNN(5), L.Softmax()],
       lambda r: mask_rows(r, 7, 30), (None, None))
    k3("td_activation_layers",
       "Input(None, 4), TimeDistributed(ReLU(max_value = 1.0, threshold = 0.1)), TimeDistributed(LeakyReLU(negative_slope = 0.2)), TimeDistributed(ELU(alpha = 2.0)), SimpleRNN(4, seq), TimeDistributed(Softmax())",
       lambda: [keras.Input((None, 4)), L.TimeDistributed(L.ReLU(max_value=1.0, threshold=0.1)),
                L.TimeDistributed(L.LeakyReLU(negative_slope=0.2)),
                L.TimeDistributed(L.ELU(alpha=2.0)), L.SimpleRNN(4, return_sequences=True),
                L.TimeDistributed(L.Softmax())],
       around([0.1, 1.0, 0.0, -0.5], 3, 6, 4, 1.5))
    k3("td_leaky_relu_mask",
       "Embedding(30, 6, mask_zero = true), TimeDistributed(LeakyReLU()), TimeDistributed(ELU(alpha = 0.3)), SimpleRNN(3)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.TimeDistributed(L.LeakyReLU()),
                L.TimeDistributed(L.ELU(alpha=0.3)), L.SimpleRNN(3)],
       lambda r: mask_rows(r, 7, 30), (None, None), scales={"embeddings": 1.0})

    # --- normalization layers: BatchNormalization (inference), LayerNormalization (issue 22) ---
    # Random moving statistics (the variance positive), gamma and beta; between recurrent
    # layers, without center / scale, Keras 3's rms_scaling, after a masked Embedding (the mask
    # passes), in TimeDistributed, on the vector after the last recurrent layer.
    k3("bn_stats", "Input(None, 4), BatchNormalization(), SimpleRNN(5, seq), BatchNormalization(epsilon = 0.01), GRU(3)",
       lambda: [keras.Input((None, 4)), L.BatchNormalization(), L.SimpleRNN(5, return_sequences=True),
                L.BatchNormalization(epsilon=0.01), L.GRU(3)],
       lambda r: floats(r, 3, 6, 4, 2.0))
    k3("bn_plain", "Input(None, 3), BatchNormalization(center = false, scale = false), LSTM(4, seq), BatchNormalization(scale = false)",
       lambda: [keras.Input((None, 3)), L.BatchNormalization(center=False, scale=False),
                L.LSTM(4, return_sequences=True), L.BatchNormalization(scale=False)],
       lambda r: floats(r, 3, 5, 3, 2.0))
    k3("ln_seq", "Input(None, 4), LayerNormalization(), SimpleRNN(5, seq), LayerNormalization(epsilon = 0.0001, center = false), Dense(2)",
       lambda: [keras.Input((None, 4)), L.LayerNormalization(), L.SimpleRNN(5, return_sequences=True),
                L.LayerNormalization(epsilon=0.0001, center=False), L.Dense(2)],
       lambda r: floats(r, 3, 6, 4, 2.0))
    k3("ln_rms", "Input(None, 4), LayerNormalization(rms_scaling = true), SimpleRNN(3, seq), LayerNormalization(scale = false, rms_scaling = true)",
       lambda: [keras.Input((None, 4)), L.LayerNormalization(rms_scaling=True),
                L.SimpleRNN(3, return_sequences=True), L.LayerNormalization(scale=False, rms_scaling=True)],
       lambda r: floats(r, 3, 6, 4, 2.0))
    k3("norm_mask", "Embedding(30, 6, mask_zero = true), BatchNormalization(), LayerNormalization(), SimpleRNN(4, seq), LayerNormalization(), SimpleRNN(3)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.BatchNormalization(), L.LayerNormalization(),
                L.SimpleRNN(4, return_sequences=True), L.LayerNormalization(), L.SimpleRNN(3)],
       lambda r: mask_rows(r, 7, 30), (None, None), scales={"embeddings": 1.0})
    k3("td_norm", "Input(None, 4), TimeDistributed(BatchNormalization()), TimeDistributed(LayerNormalization()), SimpleRNN(4, seq), TimeDistributed(LayerNormalization(center = false))",
       lambda: [keras.Input((None, 4)), L.TimeDistributed(L.BatchNormalization()),
                L.TimeDistributed(L.LayerNormalization()), L.SimpleRNN(4, return_sequences=True),
                L.TimeDistributed(L.LayerNormalization(center=False))],
       lambda r: floats(r, 3, 6, 4, 2.0))
    k3("norm_vector", "Input(None, 4), LSTM(5), BatchNormalization(), LayerNormalization(), Dense(2)",
       lambda: [keras.Input((None, 4)), L.LSTM(5), L.BatchNormalization(), L.LayerNormalization(),
                L.Dense(2)],
       lambda r: floats(r, 3, 6, 4))

    # --- tf_keras (Keras 2) ---
    T = tf_keras.layers
    S.append(Spec("tfk_imdb", "Embedding(10000, 32), SimpleRNN(32), Dense(1, activation = sigmoid)",
                  lambda: build_seq(tf_keras, "tfk_imdb", [T.Embedding(10000, 32), T.SimpleRNN(32),
                                                           T.Dense(1, activation="sigmoid")],
                                    (None, None)),
                  tok20, tfk=True, quantize=2))
    S.append(Spec("tfk_hard_sigmoid",
                  "Input(None, 3), SimpleRNN(4, seq, activation = hard_sigmoid_keras2)",
                  lambda: build_seq(tf_keras, "tfk_hard_sigmoid",
                                    [tf_keras.Input((None, 3)),
                                     T.SimpleRNN(4, return_sequences=True, activation="hard_sigmoid")]),
                  act_rnn_inputs("hard_sigmoid"), tfk=True,
                  scales={"kernel": 0.5, "recurrent_kernel": 0.3}))
    S.append(Spec("tfk_input_length", "Embedding(100, 8, input_length = 10), SimpleRNN(4)",
                  lambda: build_seq(tf_keras, "tfk_input_length",
                                    [T.Embedding(100, 8, input_length=10), T.SimpleRNN(4)]),
                  lambda r: tokens(r, 3, 10, 100, ensure=[(0, 0, 0), (2, 9, 99)]), tfk=True))
    S.append(Spec("tfk_activation_hard_sigmoid",
                  "Input(None, 3), SimpleRNN(4, seq, activation = linear), Activation(hard_sigmoid_keras2)",
                  lambda: build_seq(tf_keras, "tfk_activation_hard_sigmoid",
                                    [tf_keras.Input((None, 3)),
                                     T.SimpleRNN(4, return_sequences=True, activation="linear"),
                                     T.Activation("hard_sigmoid")]),
                  act_rnn_inputs("hard_sigmoid"), tfk=True,
                  scales={"kernel": 0.5, "recurrent_kernel": 0.3}))
    S.append(Spec("tfk_masking",
                  "Input(None, 4), Masking(), SimpleRNN(5, seq), Dropout(0.5), SimpleRNN(3)",
                  lambda: build_seq(tf_keras, "tfk_masking",
                                    [tf_keras.Input((None, 4)), T.Masking(),
                                     T.SimpleRNN(5, return_sequences=True), T.Dropout(0.5),
                                     T.SimpleRNN(3)]),
                  lambda r: masked_floats(r, 8, 4, partial=True), tfk=True))
    S.append(Spec("tfk_masking_back",
                  "Input(None, 4), Masking(mask_value = -1.0), SimpleRNN(5, seq, go_backwards = true), Dense(2)",
                  lambda: build_seq(tf_keras, "tfk_masking_back",
                                    [tf_keras.Input((None, 4)), T.Masking(mask_value=-1.0),
                                     T.SimpleRNN(5, return_sequences=True, go_backwards=True),
                                     T.Dense(2)]),
                  lambda r: masked_floats(r, 7, 4, -1.0), tfk=True))
    S.append(Spec("tfk_noise_mask",
                  "Embedding(40, 6, mask_zero = true), GaussianDropout(0.3), SpatialDropout1D(0.2), SimpleRNN(5, seq), ActivityRegularization(l2 = 0.001), Activation(softmax)",
                  lambda: build_seq(tf_keras, "tfk_noise_mask",
                                    [T.Embedding(40, 6, mask_zero=True), T.GaussianDropout(0.3),
                                     T.SpatialDropout1D(0.2), T.SimpleRNN(5, return_sequences=True),
                                     T.ActivityRegularization(l2=0.001), T.Activation("softmax")],
                                    (None, None)),
                  lambda r: mask_rows(r, 8, 40), tfk=True))

    # tf_keras LSTM / GRU (.h5)
    def tk(name, dsl, layers_fn, inputs_fn, build_shape=None, **kw):
        S.append(Spec(name, dsl, lambda: build_seq(tf_keras, name, layers_fn(), build_shape),
                      inputs_fn, tfk=True, **kw))

    # tf_keras activation layers: LeakyReLU's `alpha` (stored float32-rounded, a negative slope
    # accepted), ReLU's numpy float32 options, ELU, Softmax, inside TimeDistributed too.
    tk("tfk_leaky_relu", "Input(None, 4), LeakyReLU(), SimpleRNN(3, seq), LeakyReLU(negative_slope = -0.1)",
       lambda: [tf_keras.Input((None, 4)), T.LeakyReLU(), T.SimpleRNN(3, return_sequences=True),
                T.LeakyReLU(alpha=-0.1)],
       around([0.0, -0.0, -1e-5, -2.0], 3, 5, 4))
    tk("tfk_relu_params", "Input(None, 4), ReLU(max_value = 1.5, negative_slope = 0.1, threshold = 0.2), SimpleRNN(3)",
       lambda: [tf_keras.Input((None, 4)), T.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2),
                T.SimpleRNN(3)],
       around(relu_points, 3, 5, 4))
    tk("tfk_elu_softmax_mask", "Embedding(30, 6, mask_zero = true), ELU(alpha = 0.7), SimpleRNN(5), Softmax()",
       lambda: [T.Embedding(30, 6, mask_zero=True), T.ELU(alpha=0.7), T.SimpleRNN(5), T.Softmax()],
       lambda r: mask_rows(r, 7, 30), (None, None), scales={"embeddings": 1.0})
    tk("tfk_td_activation_layers",
       "Input(None, 4), TimeDistributed(ReLU(max_value = 0.8)), TimeDistributed(ELU()), SimpleRNN(4, seq), TimeDistributed(Softmax())",
       lambda: [tf_keras.Input((None, 4)), T.TimeDistributed(T.ReLU(max_value=0.8)),
                T.TimeDistributed(T.ELU()), T.SimpleRNN(4, return_sequences=True),
                T.TimeDistributed(T.Softmax())],
       around([0.8, 0.0, -1.0], 3, 6, 4, 1.5))

    # tf_keras normalization layers: `axis` stored as [2] on a sequence, [1] on a vector and
    # inside TimeDistributed.
    tk("tfk_norm", "Input(None, 4), BatchNormalization(), SimpleRNN(5, seq), LayerNormalization(), GRU(3), BatchNormalization(center = false), LayerNormalization(scale = false)",
       lambda: [tf_keras.Input((None, 4)), T.BatchNormalization(), T.SimpleRNN(5, return_sequences=True),
                T.LayerNormalization(), T.GRU(3), T.BatchNormalization(center=False),
                T.LayerNormalization(scale=False)],
       lambda r: floats(r, 3, 6, 4, 2.0))
    tk("tfk_norm_mask_td", "Embedding(30, 6, mask_zero = true), TimeDistributed(BatchNormalization()), LayerNormalization(epsilon = 0.01), TimeDistributed(LayerNormalization()), SimpleRNN(3)",
       lambda: [T.Embedding(30, 6, mask_zero=True), T.TimeDistributed(T.BatchNormalization()),
                T.LayerNormalization(epsilon=0.01), T.TimeDistributed(T.LayerNormalization()),
                T.SimpleRNN(3)],
       lambda r: mask_rows(r, 7, 30), (None, None), scales={"embeddings": 1.0})

    tk("tfk_imdb_lstm", "Embedding(10000, 32), LSTM(32), Dense(1, activation = sigmoid)",
       lambda: [T.Embedding(10000, 32), T.LSTM(32), T.Dense(1, activation="sigmoid")], tok500,
       (None, None), quantize=2)
    # Keras 2's hard_sigmoid (0.2x + 0.5) as the gates' activation
    tk("tfk_lstm_hard_sigmoid", "Input(None, 3), LSTM(4, seq, recurrent_activation = hard_sigmoid_keras2)",
       lambda: [tf_keras.Input((None, 3)),
                T.LSTM(4, return_sequences=True, recurrent_activation="hard_sigmoid")],
       gate_in, scales={"kernel": 0.6, "recurrent_kernel": 0.4, "bias": 0.5})
    tk("tfk_gru_hard_sigmoid", "Input(None, 3), GRU(4, seq, recurrent_activation = hard_sigmoid_keras2)",
       lambda: [tf_keras.Input((None, 3)),
                T.GRU(4, return_sequences=True, recurrent_activation="hard_sigmoid")],
       gate_in, scales={"kernel": 0.6, "recurrent_kernel": 0.4, "bias": 0.5})
    # Keras 2.0-2.2 defaults: hard_sigmoid gates and reset_after false
    tk("tfk_gru_keras2_defaults",
       "Embedding(40, 6, mask_zero = true), GRU(5, seq, recurrent_activation = hard_sigmoid_keras2, reset_after = false), LSTM(4, recurrent_activation = hard_sigmoid_keras2)",
       lambda: [T.Embedding(40, 6, mask_zero=True),
                T.GRU(5, return_sequences=True, recurrent_activation="hard_sigmoid", reset_after=False),
                T.LSTM(4, recurrent_activation="hard_sigmoid")],
       lambda r: mask_rows(r, 8, 40), (None, None))
    tk("tfk_lstm_masking_back", "Input(None, 4), Masking(), LSTM(5, seq, go_backwards = true), GRU(3)",
       lambda: [tf_keras.Input((None, 4)), T.Masking(),
                T.LSTM(5, return_sequences=True, go_backwards=True), T.GRU(3)],
       lambda r: masked_floats(r, 7, 4))
    tk("tfk_gru_no_bias", "Input(None, 4), GRU(6, seq, use_bias = false), LSTM(3, use_bias = false)",
       lambda: [tf_keras.Input((None, 4)), T.GRU(6, return_sequences=True, use_bias=False),
                T.LSTM(3, use_bias=False)],
       lambda r: floats(r, 3, 6, 4))
    tk("tfk_gru_jena", "Input(None, 14), GRU(32, seq, dropout = 0.1, recurrent_dropout = 0.5), GRU(64, activation = relu, dropout = 0.1, recurrent_dropout = 0.5), Dense(1)",
       lambda: [tf_keras.Input((None, 14)),
                T.GRU(32, dropout=0.1, recurrent_dropout=0.5, return_sequences=True),
                T.GRU(64, activation="relu", dropout=0.1, recurrent_dropout=0.5), T.Dense(1)],
       jena)

    # --- Bidirectional and TimeDistributed ---
    # Every merge mode with LSTM, GRU (both reset_after forms) and SimpleRNN inside; masks from
    # Embedding(mask_zero) and Masking (pre, post, interior, all-padding rows); the Bidirectional
    # output sequence is ZEROS at masked steps (zero_output_for_mask = return_sequences) and the
    # mask flows on; the inner layer uses up its automatic name (a later LSTM is `lstm_1`).
    k3("bidi_lstm_concat", "Input(None, 4), Bidirectional(LSTM(5, seq))",
       lambda: [keras.Input((None, 4)), L.Bidirectional(L.LSTM(5, return_sequences=True))],
       lambda r: floats(r, 3, 6, 4))
    k3("bidi_gru_sum_last", "Input(None, 4), Bidirectional(GRU(5), merge_mode = sum)",
       lambda: [keras.Input((None, 4)), L.Bidirectional(L.GRU(5), merge_mode="sum")],
       lambda r: floats(r, 3, 6, 4), scales={"bias": 0.5})
    k3("bidi_gru_reset_before_mul",
       "Input(None, 3), Bidirectional(GRU(4, seq, reset_after = false), merge_mode = mul), Dense(2)",
       lambda: [keras.Input((None, 3)),
                L.Bidirectional(L.GRU(4, return_sequences=True, reset_after=False), merge_mode="mul"),
                L.Dense(2)],
       lambda r: floats(r, 3, 5, 3), scales={"bias": 0.5})
    k3("bidi_rnn_ave_mask",
       "Embedding(30, 6, mask_zero = true), Bidirectional(SimpleRNN(5, seq), merge_mode = ave), Dense(2)",
       lambda: [L.Embedding(30, 6, mask_zero=True),
                L.Bidirectional(L.SimpleRNN(5, return_sequences=True), merge_mode="ave"), L.Dense(2)],
       masked7, (None, None))
    k3("bidi_lstm_mask_last", "Embedding(30, 6, mask_zero = true), Bidirectional(LSTM(5))",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.Bidirectional(L.LSTM(5))],
       masked7, (None, None), scales={"bias": 0.5})
    k3("bidi_stacked",
       "Embedding(50, 6, mask_zero = true), Bidirectional(LSTM(5, seq, dropout = 0.2)), "
       "Bidirectional(GRU(4), merge_mode = ave)",
       lambda: [L.Embedding(50, 6, mask_zero=True),
                L.Bidirectional(L.LSTM(5, return_sequences=True, dropout=0.2)),
                L.Bidirectional(L.GRU(4), merge_mode="ave")],
       masked8, (None, None))
    # after Masking, followed by a forward recurrent layer that reads the flowing mask
    k3("bidi_masking_then_lstm",
       "Input(None, 4), Masking(), Bidirectional(GRU(5, seq), merge_mode = sum), LSTM(3)",
       lambda: [keras.Input((None, 4)), L.Masking(),
                L.Bidirectional(L.GRU(5, return_sequences=True), merge_mode="sum"), L.LSTM(3)],
       lambda r: masked_floats(r, 8, 4, partial=True))
    k3("bidi_dropout_mul",
       "Embedding(50, 6, mask_zero = true), Dropout(0.5), Bidirectional(SimpleRNN(4), merge_mode = mul), "
       "Dense(1, activation = sigmoid)",
       lambda: [L.Embedding(50, 6, mask_zero=True), L.Dropout(0.5),
                L.Bidirectional(L.SimpleRNN(4), merge_mode="mul"), L.Dense(1, activation="sigmoid")],
       masked8, (None, None))
    k3("bidi_imdb", "Embedding(10000, 32), Bidirectional(LSTM(32)), Dense(1, activation = sigmoid)",
       lambda: [L.Embedding(10000, 32), L.Bidirectional(L.LSTM(32)), L.Dense(1, activation="sigmoid")],
       tok500, (None, None), quantize=2)
    # the forward layer after it is `lstm_1` (the inner LSTM is `lstm`)
    k3("bidi_then_lstm_seq",
       "Embedding(30, 6, mask_zero = true), Bidirectional(LSTM(4, seq)), LSTM(3, seq), Dense(2)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.Bidirectional(L.LSTM(4, return_sequences=True)),
                L.LSTM(3, return_sequences=True), L.Dense(2)],
       masked7, (None, None))
    # a go_backwards layer before: its outputs are in reversed order, its mask is passed unreversed
    k3("bidi_after_back",
       "Embedding(30, 6, mask_zero = true), GRU(5, seq, go_backwards = true), "
       "Bidirectional(LSTM(4, seq), merge_mode = sum)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.GRU(5, return_sequences=True, go_backwards=True),
                L.Bidirectional(L.LSTM(4, return_sequences=True), merge_mode="sum")],
       masked7, (None, None))
    k3("bidi_named", 'Input(None, 3), Bidirectional(SimpleRNN(3, seq, activation = relu), name = "encoder"), '
       "Bidirectional(GRU(2, seq, reset_after = false), merge_mode = ave), SimpleRNN(2)",
       lambda: [keras.Input((None, 3)),
                L.Bidirectional(L.SimpleRNN(3, return_sequences=True, activation="relu"), name="encoder"),
                L.Bidirectional(L.GRU(2, return_sequences=True, reset_after=False), merge_mode="ave"),
                L.SimpleRNN(2)],
       lambda r: floats(r, 3, 5, 3))
    # TimeDistributed softmax heads on masked sequences (the mask flows through, unchanged)
    k3("td_softmax_bidi",
       "Embedding(30, 6, mask_zero = true), Bidirectional(GRU(5, seq)), TimeDistributed(Dense(4, activation = softmax))",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.Bidirectional(L.GRU(5, return_sequences=True)),
                L.TimeDistributed(L.Dense(4, activation="softmax"))],
       masked7, (None, None))
    k3("td_softmax_lstm",
       "Embedding(30, 6, mask_zero = true), LSTM(6, seq), TimeDistributed(Dense(3, activation = softmax))",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.LSTM(6, return_sequences=True),
                L.TimeDistributed(L.Dense(3, activation="softmax"))],
       masked7, (None, None))
    k3("td_masking_chain",
       "Input(None, 4), Masking(), TimeDistributed(Dense(5, activation = relu)), TimeDistributed(Dropout(0.5)), "
       "Bidirectional(SimpleRNN(3)), Dense(2)",
       lambda: [keras.Input((None, 4)), L.Masking(), L.TimeDistributed(L.Dense(5, activation="relu")),
                L.TimeDistributed(L.Dropout(0.5)), L.Bidirectional(L.SimpleRNN(3)), L.Dense(2)],
       lambda r: masked_floats(r, 7, 4, partial=True))

    # tf_keras (.h5)
    tk("bidi_tfk_lstm_mul_td",
       "Embedding(40, 6, mask_zero = true), Bidirectional(LSTM(5, seq), merge_mode = mul), "
       "TimeDistributed(Dense(3, activation = softmax))",
       lambda: [T.Embedding(40, 6, mask_zero=True),
                T.Bidirectional(T.LSTM(5, return_sequences=True), merge_mode="mul"),
                T.TimeDistributed(T.Dense(3, activation="softmax"))],
       lambda r: mask_rows(r, 8, 40), (None, None))
    tk("bidi_tfk_gru_keras2_ave",
       "Input(None, 4), Masking(mask_value = -1.0), "
       "Bidirectional(GRU(4, recurrent_activation = hard_sigmoid_keras2, reset_after = false), merge_mode = ave)",
       lambda: [tf_keras.Input((None, 4)), T.Masking(mask_value=-1.0),
                T.Bidirectional(T.GRU(4, recurrent_activation="hard_sigmoid", reset_after=False),
                                merge_mode="ave")],
       lambda r: masked_floats(r, 7, 4, -1.0, partial=True), scales={"bias": 0.5})
    tk("bidi_tfk_rnn_stacked",
       "Input(None, 3), Bidirectional(SimpleRNN(4, seq)), Bidirectional(SimpleRNN(3), merge_mode = sum)",
       lambda: [tf_keras.Input((None, 3)), T.Bidirectional(T.SimpleRNN(4, return_sequences=True)),
                T.Bidirectional(T.SimpleRNN(3), merge_mode="sum")],
       lambda r: floats(r, 3, 6, 3))
    tk("bidi_tfk_back_named",
       'Embedding(30, 6, mask_zero = true), LSTM(5, seq, go_backwards = true), '
       'Bidirectional(GRU(4, seq), name = "bi"), Dropout(0.3), TimeDistributed(Dense(2)), GRU(3)',
       lambda: [T.Embedding(30, 6, mask_zero=True), T.LSTM(5, return_sequences=True, go_backwards=True),
                T.Bidirectional(T.GRU(4, return_sequences=True), name="bi"), T.Dropout(0.3),
                T.TimeDistributed(T.Dense(2)), T.GRU(3)],
       masked7, (None, None))
    tk("tfk_causal_conv_lstm", "Input(None, 2), Conv1D(3, 4, padding = causal), LSTM(4)",
       lambda: [tf_keras.Input((None, 2)), T.Conv1D(3, 4, padding="causal"), T.LSTM(4)],
       lambda r: floats(r, 3, 8, 2))
    tk("td_tfk_lstm_softmax",
       "Input(None, 4), Masking(), LSTM(5, seq), TimeDistributed(Dense(3, activation = softmax))",
       lambda: [tf_keras.Input((None, 4)), T.Masking(), T.LSTM(5, return_sequences=True),
                T.TimeDistributed(T.Dense(3, activation="softmax"))],
       lambda r: masked_floats(r, 7, 4))
    # --- Conv1D, pooling, Flatten, RepeatVector (issue 22) ---
    k3("conv_pool_gru", "Input(None, 4), Conv1D(6, 3, activation = relu), MaxPooling1D(), GRU(5)",
       lambda: [keras.Input((None, 4)), L.Conv1D(6, 3, activation="relu"), L.MaxPooling1D(2),
                L.GRU(5)],
       lambda r: floats(r, 3, 11, 4))
    k3("conv_strides_same_causal",
       "Input(None, 3), Conv1D(4, 3, strides = 2, padding = same), "
       "AveragePooling1D(pool_size = 3, strides = 2, padding = same), Conv1D(5, 2, padding = causal, dilation_rate = 2)",
       lambda: [keras.Input((None, 3)), L.Conv1D(4, 3, strides=2, padding="same"),
                L.AveragePooling1D(3, strides=2, padding="same"),
                L.Conv1D(5, 2, padding="causal", dilation_rate=2)],
       lambda r: floats(r, 3, 13, 3))
    k3("conv_groups_mask_gap",
       "Embedding(30, 8, mask_zero = true), Conv1D(6, 3, groups = 2), GlobalAveragePooling1D()",
       lambda: [L.Embedding(30, 8, mask_zero=True), L.Conv1D(6, 3, groups=2),
                L.GlobalAveragePooling1D()],
       lambda r: mask_rows(r, 8, 30), (None, None))
    k3("gap_mask_dense", "Embedding(30, 6, mask_zero = true), GlobalAveragePooling1D(), Dense(2)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.GlobalAveragePooling1D(), L.Dense(2)],
       # no all-padding row: Keras averages no step to NaN (docs/KERAS_LAYERS.md)
       lambda r: np.delete(mask_rows(r, 8, 30), 3, axis=0), (None, None))
    k3("addition_rnn",
       "Input(7, 12), LSTM(16), RepeatVector(4), LSTM(16, seq), TimeDistributed(Dense(12, activation = softmax))",
       lambda: [keras.Input((7, 12)), L.LSTM(16), L.RepeatVector(4), L.LSTM(16, return_sequences=True),
                L.TimeDistributed(L.Dense(12, activation="softmax"))],
       lambda r: floats(r, 3, 7, 12))
    # causal, stride-1 convolutions stream (tests/streaming.rs)
    k3("causal_conv_gru",
       "Input(None, 3), Conv1D(4, 3, padding = causal, dilation_rate = 2, activation = relu), GRU(5, seq), "
       "Conv1D(2, 2, padding = causal), Dense(1)",
       lambda: [keras.Input((None, 3)), L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu"),
                L.GRU(5, return_sequences=True), L.Conv1D(2, 2, padding="causal"), L.Dense(1)],
       lambda r: floats(r, 3, 9, 3))
    k3("conv_flatten", "Input(6, 3), Conv1D(4, 2), Flatten(), Dense(2)",
       lambda: [keras.Input((6, 3)), L.Conv1D(4, 2), L.Flatten(), L.Dense(2)],
       lambda r: floats(r, 3, 6, 3))
    # --- more Conv1D / pooling / masks / book models (issue 22), Keras 3 ---
    no_empty = lambda rows: np.delete(rows, 3, axis=0)  # noqa: E731  (no all-padding row)
    k3("conv_kernel_one_seven", "Input(None, 3), Conv1D(5, 1, activation = tanh), Conv1D(4, 7, activation = sigmoid)",
       lambda: [keras.Input((None, 3)), L.Conv1D(5, 1, activation="tanh"),
                L.Conv1D(4, 7, activation="sigmoid")],
       lambda r: floats(r, 3, 13, 3))
    k3("conv_same_strides3", "Input(None, 4), Conv1D(5, 4, strides = 3, padding = same, activation = elu), GRU(3)",
       lambda: [keras.Input((None, 4)), L.Conv1D(5, 4, strides=3, padding="same", activation="elu"),
                L.GRU(3)],
       lambda r: floats(r, 3, 11, 4))
    k3("conv_same_dilation3", "Input(None, 3), Conv1D(4, 3, padding = same, dilation_rate = 3), Conv1D(3, 2, padding = same, dilation_rate = 2)",
       lambda: [keras.Input((None, 3)), L.Conv1D(4, 3, padding="same", dilation_rate=3),
                L.Conv1D(3, 2, padding="same", dilation_rate=2)],
       lambda r: floats(r, 3, 10, 3))
    k3("conv_causal_k5_nobias", "Input(None, 3), Conv1D(4, 5, padding = causal, dilation_rate = 2, use_bias = false), LSTM(3, seq)",
       lambda: [keras.Input((None, 3)), L.Conv1D(4, 5, padding="causal", dilation_rate=2, use_bias=False),
                L.LSTM(3, return_sequences=True)],
       lambda r: floats(r, 3, 9, 3))
    k3("conv_causal_strides3", "Input(None, 4), Conv1D(6, 4, strides = 3, padding = causal, activation = relu), Conv1D(3, 2, strides = 2, padding = causal)",
       lambda: [keras.Input((None, 4)), L.Conv1D(6, 4, strides=3, padding="causal", activation="relu"),
                L.Conv1D(3, 2, strides=2, padding="causal")],
       lambda r: floats(r, 3, 13, 4))
    k3("conv_valid_k6_strides2", "Input(None, 3), Conv1D(4, 6, strides = 2, activation = softplus), Dense(2)",
       lambda: [keras.Input((None, 3)), L.Conv1D(4, 6, strides=2, activation="softplus"), L.Dense(2)],
       lambda r: floats(r, 3, 13, 3))
    k3("conv_valid_dilations", "Input(None, 3), Conv1D(4, 2, dilation_rate = 2, activation = swish), Conv1D(3, 3, dilation_rate = 3)",
       lambda: [keras.Input((None, 3)), L.Conv1D(4, 2, dilation_rate=2, activation="swish"),
                L.Conv1D(3, 3, dilation_rate=3)],
       lambda r: floats(r, 3, 13, 3))
    k3("conv_groups4_same", "Input(None, 8), Conv1D(8, 3, padding = same, groups = 4, use_bias = false), Conv1D(4, 2, groups = 2, activation = relu)",
       lambda: [keras.Input((None, 8)), L.Conv1D(8, 3, padding="same", groups=4, use_bias=False),
                L.Conv1D(4, 2, groups=2, activation="relu")],
       lambda r: floats(r, 3, 7, 8))
    k3("maxpool_odd_valid", "Input(None, 3), MaxPooling1D(pool_size = 3), Dense(2)",
       lambda: [keras.Input((None, 3)), L.MaxPooling1D(3), L.Dense(2)],
       lambda r: floats(r, 3, 11, 3))
    k3("maxpool_same_s2", "Input(None, 3), MaxPooling1D(pool_size = 4, strides = 2, padding = same)",
       lambda: [keras.Input((None, 3)), L.MaxPooling1D(4, strides=2, padding="same")],
       lambda r: floats(r, 3, 9, 3))
    k3("avgpool_same_s3", "Input(None, 3), AveragePooling1D(strides = 3, padding = same)",
       lambda: [keras.Input((None, 3)), L.AveragePooling1D(2, strides=3, padding="same")],
       lambda r: floats(r, 3, 13, 3))
    k3("avgpool_valid_s1", "Input(None, 3), AveragePooling1D(pool_size = 4, strides = 1), SimpleRNN(2)",
       lambda: [keras.Input((None, 3)), L.AveragePooling1D(4, strides=1), L.SimpleRNN(2)],
       lambda r: floats(r, 3, 5, 3))
    k3("conv_maxpool_s1_same", "Input(None, 4), Conv1D(5, 3, activation = relu), MaxPooling1D(pool_size = 3, strides = 1, padding = same), AveragePooling1D(pool_size = 3, padding = same)",
       lambda: [keras.Input((None, 4)), L.Conv1D(5, 3, activation="relu"),
                L.MaxPooling1D(3, strides=1, padding="same"), L.AveragePooling1D(3, padding="same")],
       lambda r: floats(r, 3, 12, 4))
    k3("mask_conv_pool_gmp", "Embedding(30, 6, mask_zero = true), Conv1D(5, 3, padding = same), MaxPooling1D(), GlobalMaxPooling1D()",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.Conv1D(5, 3, padding="same"), L.MaxPooling1D(2),
                L.GlobalMaxPooling1D()],
       lambda r: mask_rows(r, 9, 30), (None, None))
    k3("mask_maxpool_lstm", "Embedding(30, 6, mask_zero = true), MaxPooling1D(strides = 1), LSTM(3)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.MaxPooling1D(2, strides=1), L.LSTM(3)],
       lambda r: mask_rows(r, 8, 30), (None, None))
    k3("mask_gmp_keepdims_dense", "Embedding(30, 6, mask_zero = true), GlobalMaxPooling1D(keepdims = true), Dense(3)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.GlobalMaxPooling1D(keepdims=True), L.Dense(3)],
       lambda r: mask_rows(r, 7, 30), (None, None))
    k3("mask_gap_keepdims_lstm", "Embedding(30, 6, mask_zero = true), GlobalAveragePooling1D(keepdims = true), LSTM(3)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.GlobalAveragePooling1D(keepdims=True), L.LSTM(3)],
       lambda r: no_empty(mask_rows(r, 7, 30)), (None, None))
    k3("masking_conv_gru", "Input(None, 4), Masking(), Conv1D(5, 3, padding = causal), GRU(3)",
       lambda: [keras.Input((None, 4)), L.Masking(), L.Conv1D(5, 3, padding="causal"), L.GRU(3)],
       lambda r: masked_floats(r, 8, 4, partial=True))
    k3("gap_repeat_lstm",
       "Input(None, 4), Conv1D(6, 3, activation = relu), GlobalAveragePooling1D(), RepeatVector(3), LSTM(4, seq), TimeDistributed(Dense(2))",
       lambda: [keras.Input((None, 4)), L.Conv1D(6, 3, activation="relu"), L.GlobalAveragePooling1D(),
                L.RepeatVector(3), L.LSTM(4, return_sequences=True), L.TimeDistributed(L.Dense(2))],
       lambda r: floats(r, 3, 9, 4))
    k3("conv_pool_flatten_softmax",
       "Input(12, 3), Conv1D(4, 3, padding = same), MaxPooling1D(pool_size = 3), Flatten(), Dense(3, activation = softmax)",
       lambda: [keras.Input((12, 3)), L.Conv1D(4, 3, padding="same"), L.MaxPooling1D(3), L.Flatten(),
                L.Dense(3, activation="softmax")],
       lambda r: floats(r, 3, 12, 3))
    # Deep Learning with Python 6.4: the Jena conv + GRU model, and the IMDB 1D convnet
    jena60 = lambda r: floats(r, 3, 60, 14)  # noqa: E731
    k3("jena_conv_gru",
       "Input(None, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), Conv1D(32, 5, activation = relu), GRU(32, dropout = 0.1, recurrent_dropout = 0.5), Dense(1)",
       lambda: [keras.Input((None, 14)), L.Conv1D(32, 5, activation="relu"), L.MaxPooling1D(3),
                L.Conv1D(32, 5, activation="relu"), L.GRU(32, dropout=0.1, recurrent_dropout=0.5),
                L.Dense(1)],
       jena60, scales={"kernel": 0.15})
    tok500v = lambda r: tokens(r, 3, 500, 500, ensure=[(0, 0, 0), (1, 250, 499), (2, 499, 1)])  # noqa: E731
    k3("imdb_conv1d",
       "Embedding(500, 128), Conv1D(32, 7, activation = relu), MaxPooling1D(pool_size = 5), Conv1D(32, 7, activation = relu), GlobalMaxPooling1D(), Dense(1, activation = sigmoid)",
       lambda: [L.Embedding(500, 128), L.Conv1D(32, 7, activation="relu"), L.MaxPooling1D(5),
                L.Conv1D(32, 7, activation="relu"), L.GlobalMaxPooling1D(), L.Dense(1, activation="sigmoid")],
       lambda r: tokens(r, 3, 100, 500, ensure=[(0, 0, 0), (2, 99, 499)]), (None, None),
       quantize=2, scales={"kernel": 0.1})
    # an activity-recognition CNN-LSTM (128 steps of 9 sensor channels, 6 classes), smaller
    k3("cnn_lstm_har",
       "Input(128, 9), Conv1D(16, 3, activation = relu), Conv1D(16, 3, activation = relu), Dropout(0.5), MaxPooling1D(), LSTM(20), Dense(20, activation = relu), Dense(6, activation = softmax)",
       lambda: [keras.Input((128, 9)), L.Conv1D(16, 3, activation="relu"), L.Conv1D(16, 3, activation="relu"),
                L.Dropout(0.5), L.MaxPooling1D(2), L.LSTM(20), L.Dense(20, activation="relu"),
                L.Dense(6, activation="softmax")],
       lambda r: floats(r, 2, 128, 9), scales={"kernel": 0.3})

    # --- the same kinds from tf_keras (.h5) ---
    tk("tfk_imdb_conv1d",
       "Embedding(500, 128, input_length = 500), Conv1D(32, 7, activation = relu), MaxPooling1D(pool_size = 5), Conv1D(32, 7, activation = relu), GlobalMaxPooling1D(), Dense(1)",
       lambda: [T.Embedding(500, 128, input_length=500), T.Conv1D(32, 7, activation="relu"),
                T.MaxPooling1D(5), T.Conv1D(32, 7, activation="relu"), T.GlobalMaxPooling1D(), T.Dense(1)],
       tok500v, quantize=2, scales={"kernel": 0.1})
    tk("tfk_jena_conv_gru",
       "Input(None, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), Conv1D(32, 5, activation = relu), GRU(32, dropout = 0.1, recurrent_dropout = 0.5), Dense(1)",
       lambda: [tf_keras.Input((None, 14)), T.Conv1D(32, 5, activation="relu"), T.MaxPooling1D(3),
                T.Conv1D(32, 5, activation="relu"), T.GRU(32, dropout=0.1, recurrent_dropout=0.5),
                T.Dense(1)],
       jena60, scales={"kernel": 0.15})
    tk("tfk_addition_rnn",
       "Input(7, 12), LSTM(16), RepeatVector(4), LSTM(16, seq), TimeDistributed(Dense(12, activation = softmax))",
       lambda: [tf_keras.Input((7, 12)), T.LSTM(16), T.RepeatVector(4), T.LSTM(16, return_sequences=True),
                T.TimeDistributed(T.Dense(12, activation="softmax"))],
       lambda r: floats(r, 3, 7, 12))
    tk("tfk_cnn_lstm_har",
       "Input(128, 9), Conv1D(16, 3, activation = relu), Conv1D(16, 3, activation = relu), Dropout(0.5), MaxPooling1D(), LSTM(20), Dense(20, activation = relu), Dense(6, activation = softmax)",
       lambda: [tf_keras.Input((128, 9)), T.Conv1D(16, 3, activation="relu"), T.Conv1D(16, 3, activation="relu"),
                T.Dropout(0.5), T.MaxPooling1D(2), T.LSTM(20), T.Dense(20, activation="relu"),
                T.Dense(6, activation="softmax")],
       lambda r: floats(r, 2, 128, 9), scales={"kernel": 0.3})
    tk("tfk_conv_same_causal",
       "Input(None, 3), Conv1D(4, 3, strides = 2, padding = same), Conv1D(3, 2, padding = causal, dilation_rate = 3, activation = tanh)",
       lambda: [tf_keras.Input((None, 3)), T.Conv1D(4, 3, strides=2, padding="same"),
                T.Conv1D(3, 2, padding="causal", dilation_rate=3, activation="tanh")],
       lambda r: floats(r, 3, 13, 3))
    tk("tfk_conv_groups_avgpool",
       "Input(None, 4), Conv1D(8, 3, groups = 2, use_bias = false), AveragePooling1D(pool_size = 3, strides = 2, padding = same), GRU(3)",
       lambda: [tf_keras.Input((None, 4)), T.Conv1D(8, 3, groups=2, use_bias=False),
                T.AveragePooling1D(3, strides=2, padding="same"), T.GRU(3)],
       lambda r: floats(r, 3, 10, 4))
    tk("tfk_mask_conv_gap_keepdims",
       "Embedding(30, 6, mask_zero = true), Conv1D(4, 2, padding = causal), GlobalAveragePooling1D(keepdims = true), TimeDistributed(Dense(2))",
       lambda: [T.Embedding(30, 6, mask_zero=True), T.Conv1D(4, 2, padding="causal"),
                T.GlobalAveragePooling1D(keepdims=True), T.TimeDistributed(T.Dense(2))],
       lambda r: mask_rows(r, 8, 30), (None, None))
    tk("tfk_mask_gap_dense",
       "Embedding(30, 6, mask_zero = true), GlobalAveragePooling1D(), Dense(3, activation = softmax)",
       lambda: [T.Embedding(30, 6, mask_zero=True), T.GlobalAveragePooling1D(), T.Dense(3, activation="softmax")],
       lambda r: no_empty(mask_rows(r, 9, 30)), (None, None))
    tk("tfk_masking_maxpool_lstm",
       "Input(None, 4), Masking(), MaxPooling1D(strides = 1), LSTM(3)",
       lambda: [tf_keras.Input((None, 4)), T.Masking(), T.MaxPooling1D(2, strides=1), T.LSTM(3)],
       lambda r: masked_floats(r, 7, 4))
    tk("tfk_gmp_keepdims_lstm",
       "Input(None, 5), Conv1D(4, 3, padding = same, activation = tanh), GlobalMaxPooling1D(keepdims = true), LSTM(3)",
       lambda: [tf_keras.Input((None, 5)), T.Conv1D(4, 3, padding="same", activation="tanh"),
                T.GlobalMaxPooling1D(keepdims=True), T.LSTM(3)],
       lambda r: floats(r, 3, 6, 5))
    tk("tfk_gap_repeat_gru",
       "Input(None, 4), GlobalAveragePooling1D(), RepeatVector(3), GRU(2, seq)",
       lambda: [tf_keras.Input((None, 4)), T.GlobalAveragePooling1D(), T.RepeatVector(3),
                T.GRU(2, return_sequences=True)],
       lambda r: floats(r, 3, 5, 4))
    tk("tfk_conv_pool_flatten",
       "Input(10, 3), Conv1D(4, 3, strides = 2), AveragePooling1D(), Flatten(), Dense(2)",
       lambda: [tf_keras.Input((10, 3)), T.Conv1D(4, 3, strides=2), T.AveragePooling1D(2), T.Flatten(),
                T.Dense(2)],
       lambda r: floats(r, 3, 10, 3))
    tk("tfk_maxpool_odd_s3",
       "Input(None, 3), MaxPooling1D(pool_size = 4, strides = 3), AveragePooling1D(strides = 1, padding = same)",
       lambda: [tf_keras.Input((None, 3)), T.MaxPooling1D(4, strides=3),
                T.AveragePooling1D(2, strides=1, padding="same")],
       lambda r: floats(r, 3, 13, 3))

    # --- ZeroPadding1D, Cropping1D, UpSampling1D, Reshape, Permute, PReLU (issue 22) ---
    # Keras 3: pad then convolve, crop a convolved / recurrent sequence, upsample between two
    # GRUs, Reshape a Dense vector to a sequence for an LSTM / GRU, a vector to (-1, 1), a fixed
    # sequence to a vector, a free length to (-1, F/2); Permute((2, 1)) before an LSTM; PReLU
    # (random alpha of both signs) on vectors and fixed sequences with and without shared axes,
    # after a masked LSTM (the mask passes on), in TimeDistributed; masks dropped by
    # ZeroPadding1D / UpSampling1D (the padded steps count).
    prelu = {"alpha": 0.8}
    k3("pad_conv_gru", "Input(None, 4), ZeroPadding1D(padding = 2), Conv1D(6, 5, activation = relu), GRU(5)",
       lambda: [keras.Input((None, 4)), L.ZeroPadding1D(2), L.Conv1D(6, 5, activation="relu"), L.GRU(5)],
       lambda r: floats(r, 3, 9, 4))
    k3("pad_asym_conv_dense",
       "Input(None, 3), ZeroPadding1D(padding = (2, 0)), Conv1D(4, 3), Dense(2)",
       lambda: [keras.Input((None, 3)), L.ZeroPadding1D((2, 0)), L.Conv1D(4, 3), L.Dense(2)],
       lambda r: floats(r, 3, 7, 3))
    k3("conv_crop_lstm",
       "Input(None, 3), Conv1D(5, 3, padding = same, activation = tanh), Cropping1D(cropping = (1, 2)), LSTM(4, seq)",
       lambda: [keras.Input((None, 3)), L.Conv1D(5, 3, padding="same", activation="tanh"),
                L.Cropping1D((1, 2)), L.LSTM(4, return_sequences=True)],
       lambda r: floats(r, 3, 9, 3))
    k3("gru_upsample_gru", "Input(None, 3), GRU(6, seq), UpSampling1D(size = 3), GRU(4, seq)",
       lambda: [keras.Input((None, 3)), L.GRU(6, return_sequences=True), L.UpSampling1D(3),
                L.GRU(4, return_sequences=True)],
       lambda r: floats(r, 3, 5, 3))
    k3("lstm_dense_reshape_gru", "Input(None, 8), LSTM(16), Dense(12), Reshape((4, 3)), GRU(5)",
       lambda: [keras.Input((None, 8)), L.LSTM(16), L.Dense(12), L.Reshape((4, 3)), L.GRU(5)],
       lambda r: floats(r, 3, 6, 8))
    k3("gru_reshape_column_lstm", "Input(None, 4), GRU(6), Reshape((-1, 1)), LSTM(3)",
       lambda: [keras.Input((None, 4)), L.GRU(6), L.Reshape((-1, 1)), L.LSTM(3)],
       lambda r: floats(r, 3, 7, 4))
    k3("reshape_seq_to_vec", "Input(7, 2), Reshape((14,)), Dense(3, activation = softmax)",
       lambda: [keras.Input((7, 2)), L.Reshape((14,)), L.Dense(3, activation="softmax")],
       lambda r: floats(r, 3, 7, 2))
    k3("conv_reshape_half_gru",
       "Input(None, 8), Conv1D(8, 3, padding = causal), Reshape((-1, 4)), GRU(3, seq)",
       lambda: [keras.Input((None, 8)), L.Conv1D(8, 3, padding="causal"), L.Reshape((-1, 4)),
                L.GRU(3, return_sequences=True)],
       lambda r: floats(r, 3, 5, 8))
    k3("permute_lstm", "Input(6, 4), Permute((2, 1)), LSTM(5), Dense(2)",
       lambda: [keras.Input((6, 4)), L.Permute((2, 1)), L.LSTM(5), L.Dense(2)],
       lambda r: floats(r, 3, 6, 4))
    k3("prelu_dense_vec", "Input(None, 4), LSTM(6), Dense(5), PReLU(), Dense(2)",
       lambda: [keras.Input((None, 4)), L.LSTM(6), L.Dense(5), L.PReLU(), L.Dense(2)],
       lambda r: floats(r, 4, 6, 4), scales=dict(prelu, kernel=1.0))
    k3("prelu_seq_fixed",
       "Input(6, 3), PReLU(), SimpleRNN(4, seq), PReLU(shared_axes = [1]), Permute((1, 2)), Dense(2)",
       lambda: [keras.Input((6, 3)), L.PReLU(), L.SimpleRNN(4, return_sequences=True),
                L.PReLU(shared_axes=[1]), L.Permute((1, 2)), L.Dense(2)],
       lambda r: floats(r, 3, 6, 3), scales=dict(prelu, kernel=1.0))
    k3("prelu_shared_axes",
       "Input(5, 4), PReLU(shared_axes = [2]), GRU(3, seq), PReLU(shared_axes = [1, 2])",
       lambda: [keras.Input((5, 4)), L.PReLU(shared_axes=2), L.GRU(3, return_sequences=True),
                L.PReLU(shared_axes=(1, 2))],
       lambda r: floats(r, 3, 5, 4), scales=prelu)
    k3("prelu_mask_lstm",
       "Embedding(30, 6, mask_zero = true), LSTM(5, seq), PReLU(shared_axes = [1]), LSTM(3)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.LSTM(5, return_sequences=True),
                L.PReLU(shared_axes=[1]), L.LSTM(3)],
       masked7, (None, None), scales=prelu)
    k3("td_prelu_gru", "Input(None, 4), TimeDistributed(PReLU()), GRU(3, seq)",
       lambda: [keras.Input((None, 4)), L.TimeDistributed(L.PReLU()), L.GRU(3, return_sequences=True)],
       lambda r: floats(r, 3, 6, 4), scales=prelu)
    k3("mask_pad_upsample_lstm",
       "Embedding(30, 6, mask_zero = true), ZeroPadding1D(padding = (2, 1)), UpSampling1D(), LSTM(4)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.ZeroPadding1D((2, 1)), L.UpSampling1D(),
                L.LSTM(4)],
       masked7, (None, None))
    # a mask reaching Cropping1D and Reshape: dropped, the padded steps count
    k3("mask_crop_reshape_gru",
       "Embedding(30, 6, mask_zero = true), Cropping1D(cropping = (1, 2)), Reshape((-1, 3)), GRU(4)",
       lambda: [L.Embedding(30, 6, mask_zero=True), L.Cropping1D((1, 2)), L.Reshape((-1, 3)),
                L.GRU(4)],
       masked7, (None, None))

    # tf_keras (.h5)
    tk("tfk_pad_conv_lstm", "Input(None, 3), ZeroPadding1D(), Conv1D(4, 3), LSTM(3)",
       lambda: [tf_keras.Input((None, 3)), T.ZeroPadding1D(), T.Conv1D(4, 3), T.LSTM(3)],
       lambda r: floats(r, 3, 6, 3))
    tk("tfk_gru_crop_dense", "Input(None, 4), GRU(5, seq), Cropping1D(), Dense(2)",
       lambda: [tf_keras.Input((None, 4)), T.GRU(5, return_sequences=True), T.Cropping1D(), T.Dense(2)],
       lambda r: floats(r, 3, 7, 4))
    tk("tfk_conv_crop_upsample",
       "Input(None, 3), Conv1D(4, 3, strides = 2, padding = same), Cropping1D(cropping = (0, 1)), UpSampling1D(), Conv1D(2, 3, padding = same)",
       lambda: [tf_keras.Input((None, 3)), T.Conv1D(4, 3, strides=2, padding="same"), T.Cropping1D((0, 1)),
                T.UpSampling1D(), T.Conv1D(2, 3, padding="same")],
       lambda r: floats(r, 3, 9, 3))
    tk("tfk_gru_dense_reshape_lstm",
       "Input(10, 3), GRU(8), Dense(12, activation = tanh), Reshape((6, 2)), LSTM(4, seq)",
       lambda: [tf_keras.Input((10, 3)), T.GRU(8), T.Dense(12, activation="tanh"), T.Reshape((6, 2)),
                T.LSTM(4, return_sequences=True)],
       lambda r: floats(r, 3, 10, 3))
    tk("tfk_lstm_reshape_gru", "Input(None, 3), LSTM(6), Reshape((-1, 2)), GRU(3)",
       lambda: [tf_keras.Input((None, 3)), T.LSTM(6), T.Reshape((-1, 2)), T.GRU(3)],
       lambda r: floats(r, 3, 5, 3))
    tk("tfk_conv_reshape_dense", "Input(5, 4), Conv1D(4, 2), Reshape((16,)), Dense(2)",
       lambda: [tf_keras.Input((5, 4)), T.Conv1D(4, 2), T.Reshape((16,)), T.Dense(2)],
       lambda r: floats(r, 3, 5, 4))
    tk("tfk_reshape_half_lstm", "Input(None, 6), Reshape((-1, 3)), LSTM(3, seq)",
       lambda: [tf_keras.Input((None, 6)), T.Reshape((-1, 3)), T.LSTM(3, return_sequences=True)],
       lambda r: floats(r, 3, 4, 6))
    tk("tfk_permute_gru", "Input(5, 3), Permute((2, 1)), GRU(4, seq), Dense(2)",
       lambda: [tf_keras.Input((5, 3)), T.Permute((2, 1)), T.GRU(4, return_sequences=True), T.Dense(2)],
       lambda r: floats(r, 3, 5, 3))
    tk("tfk_prelu_seq", "Input(6, 4), PReLU(), LSTM(5, seq), PReLU(shared_axes = [1]), Dense(2)",
       lambda: [tf_keras.Input((6, 4)), T.PReLU(), T.LSTM(5, return_sequences=True),
                T.PReLU(shared_axes=[1]), T.Dense(2)],
       lambda r: floats(r, 3, 6, 4), scales=dict(prelu, kernel=1.0))
    tk("tfk_prelu_vec", "Input(None, 3), GRU(6), PReLU(shared_axes = [1]), Dense(4), PReLU()",
       lambda: [tf_keras.Input((None, 3)), T.GRU(6), T.PReLU(shared_axes=[1]), T.Dense(4), T.PReLU()],
       lambda r: floats(r, 4, 5, 3), scales=dict(prelu, kernel=1.0))
    tk("tfk_prelu_mask_gru",
       "Embedding(40, 6, mask_zero = true), GRU(5, seq), PReLU(shared_axes = [1]), GRU(3)",
       lambda: [T.Embedding(40, 6, mask_zero=True), T.GRU(5, return_sequences=True),
                T.PReLU(shared_axes=[1]), T.GRU(3)],
       lambda r: mask_rows(r, 8, 40), (None, None), scales=prelu)
    tk("tfk_td_prelu_mask",
       "Embedding(30, 6, mask_zero = true), TimeDistributed(PReLU()), LSTM(4)",
       lambda: [T.Embedding(30, 6, mask_zero=True), T.TimeDistributed(T.PReLU()), T.LSTM(4)],
       masked7, (None, None), scales=dict(prelu, embeddings=1.0))
    tk("tfk_mask_upsample_gru",
       "Embedding(30, 6, mask_zero = true), UpSampling1D(size = 3), GRU(3)",
       lambda: [T.Embedding(30, 6, mask_zero=True), T.UpSampling1D(3), T.GRU(3)],
       masked7, (None, None))
    tk("tfk_mask_pad_gru",
       "Embedding(30, 6, mask_zero = true), ZeroPadding1D(padding = (0, 3)), GRU(4, seq)",
       lambda: [T.Embedding(30, 6, mask_zero=True), T.ZeroPadding1D((0, 3)), T.GRU(4, return_sequences=True)],
       masked7, (None, None))
    # a mask reaching Permute: dropped (a fixed length: Permute((2, 1)) makes it the width)
    tk("tfk_mask_permute_lstm",
       "Embedding(30, 6, mask_zero = true, input_length = 7), Permute((2, 1)), LSTM(4)",
       lambda: [T.Embedding(30, 6, mask_zero=True, input_length=7), T.Permute((2, 1)), T.LSTM(4)],
       masked7)
    return S


def write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def check(spec, tmp):
    """--check: rebuild the model, export it, and compare the declaration with the fixture's dsl
    and the weights file with the committed one (byte for byte). Writes nothing under tests/."""
    K = tf_keras if spec.tfk else keras
    K.backend.clear_session()
    rng = np.random.default_rng(seed_of(spec.name))
    model = spec.build()
    random_weights(model, rng, spec.scales, spec.quantize)
    src = os.path.join(tmp, spec.name + (".h5" if spec.tfk else ".keras"))
    model.save(src)
    problems = []
    committed = [os.path.join(OUT, spec.name + e) for e in (".weights.json", ".weights.json.gz")]
    committed = [c for c in committed if os.path.exists(c)]
    out = os.path.join(tmp, spec.name + ".weights.json" + (".gz" if committed and committed[0].endswith(".gz") else ""))
    exported = keras_export.export_file(src, out, use_tf_keras=spec.tfk, indent=None if out.endswith(".gz") else 1)
    if exported.layers_dsl != spec.dsl:
        problems.append(f"the exporter declares {exported.layers_dsl!r}, the spec says {spec.dsl!r}")
    io_path = os.path.join(OUT, spec.name + ".io.json")
    if os.path.exists(io_path):
        with open(io_path, encoding="utf-8") as f:
            fixture_dsl = json.load(f)["dsl"]
        if fixture_dsl != spec.dsl:
            problems.append(f"the committed fixture says {fixture_dsl!r}, the spec {spec.dsl!r}")
    else:
        problems.append("no committed fixture")
    if committed:
        with open(committed[0], "rb") as a, open(out, "rb") as b:
            if a.read() != b.read():
                problems.append(f"{os.path.basename(committed[0])} differs from the committed file")
    return problems


def keep_original(spec, src):
    """Copies the saved Keras file `src` to tests/fixtures/keras/, gzip-compressed when large
    (mtime=0: the same bytes compress to the same file), removing the other form."""
    os.makedirs(ORIGINALS, exist_ok=True)
    plain = os.path.join(ORIGINALS, os.path.basename(src))
    for old in (plain, plain + ".gz"):
        if os.path.exists(old):
            os.remove(old)
    if os.path.getsize(src) > ORIGINAL_GZIP_OVER:
        with open(src, "rb") as f, gzip.GzipFile(plain + ".gz", "wb", compresslevel=9, mtime=0) as g:
            shutil.copyfileobj(f, g)
    else:
        shutil.copyfile(src, plain)


def make(spec, tmp):
    K = tf_keras if spec.tfk else keras
    K.backend.clear_session()
    rng = np.random.default_rng(seed_of(spec.name))
    model = spec.build()
    random_weights(model, rng, spec.scales, spec.quantize)
    x = spec.inputs(np.random.default_rng(seed_of(spec.name) + 1))
    input_kind = "tokens" if x.dtype.kind in "iu" else "floats"

    # save, then export from the saved file like a user would
    src = os.path.join(tmp, spec.name + (".h5" if spec.tfk else ".keras"))
    model.save(src)
    keep_original(spec, src)
    plain = os.path.join(tmp, spec.name + ".weights.json")
    exported = keras_export.export_file(src, plain, use_tf_keras=spec.tfk, indent=1)
    # the declaration the exporter prints must be the fixture's
    if exported.layers_dsl != spec.dsl:
        raise SystemExit(f"{spec.name}: the exporter declares\n  {exported.layers_dsl}\n"
                         f"but the fixture says\n  {spec.dsl}")
    for old in (".weights.json", ".weights.json.gz"):
        if os.path.exists(os.path.join(OUT, spec.name + old)):
            os.remove(os.path.join(OUT, spec.name + old))
    if os.path.getsize(plain) > GZIP_OVER:
        wpath = os.path.join(OUT, spec.name + ".weights.json.gz")
        keras_export.export_file(src, wpath, use_tf_keras=spec.tfk, gzip_out=True)
    else:
        wpath = os.path.join(OUT, spec.name + ".weights.json")
        os.replace(plain, wpath)

    y = np.asarray(model.predict(x, verbose=0), np.float32)

    # cross-check: Keras's output vs the numpy reference run on the exported file
    ref = rnn_reference.forward(rnn_reference.load(wpath), x)
    err = float(np.max(np.abs(ref - y))) if y.size else 0.0
    tol = 1e-4 * max(1.0, float(np.max(np.abs(y))) if y.size else 1.0)
    if not np.all(np.isfinite(y)) or err > tol:
        raise SystemExit(f"{spec.name}: Keras output differs from reference: max abs err {err}")

    rows = layer_rows(model, spec.tfk)
    producer = ("tf_keras " if spec.tfk else "keras ") + K.__version__
    leaf_in = int_nested if input_kind == "tokens" else f32_nested
    parts = [
        '"name": ' + json.dumps(spec.name),
        '"dsl": ' + json.dumps(spec.dsl),
        '"producer": ' + json.dumps(producer),
        '"input_kind": ' + json.dumps(input_kind),
        '"inputs": ' + rows_text(x, leaf_in),
        '"outputs": ' + rows_text(y, f32_nested),
        '"layers": [\n  ' + ",\n  ".join(
            json.dumps({"name": n, "class": c, "output_shape": str(s), "params": p})
            for n, c, s, p in rows) + "\n ]",
        '"total_params": ' + str(int(model.count_params())),
    ]
    write_text(os.path.join(OUT, spec.name + ".io.json"), "{\n " + ",\n ".join(parts) + "\n}\n")

    if spec.summary:
        text = keras243_summary(model.name, rows, _count(model.trainable_weights),
                                _count(model.non_trainable_weights))
        write_text(os.path.join(SUMMARIES, spec.name + ".txt"), text)
    return wpath, err


def refused_softmax(out):
    """Softmax over the time axis (Keras 3 `.keras`, tf_keras `.h5`): rnn_model! normalises over
    the last axis only; the file is refused with the DSL's message."""
    keras.backend.clear_session()
    m = keras.Sequential([keras.Input((None, 4)), keras.layers.SimpleRNN(3, return_sequences=True),
                          keras.layers.Softmax(axis=1)])
    m.save(os.path.join(out, "softmax_time_axis.keras"))
    tf_keras.backend.clear_session()
    m = tf_keras.Sequential([tf_keras.Input((None, 4)),
                             tf_keras.layers.SimpleRNN(3, return_sequences=True),
                             tf_keras.layers.Softmax(axis=1)])
    m.save(os.path.join(out, "softmax_time_axis.h5"))


def refused_norm(out):
    """BatchNormalization over the time axis (Keras 3 `.keras`) and LayerNormalization over it
    (tf_keras `.h5`, axis [1]): rnn_model! normalises the last axis only; the file is refused
    with the DSL's message."""
    keras.backend.clear_session()
    m = keras.Sequential([keras.Input((5, 4)), keras.layers.SimpleRNN(3, return_sequences=True),
                          keras.layers.BatchNormalization(axis=1)])
    m.save(os.path.join(out, "batch_norm_time_axis.keras"))
    tf_keras.backend.clear_session()
    m = tf_keras.Sequential([tf_keras.Input((5, 4)),
                             tf_keras.layers.SimpleRNN(3, return_sequences=True),
                             tf_keras.layers.LayerNormalization(axis=1)])
    m.save(os.path.join(out, "layer_norm_time_axis.h5"))


def refused():
    """Keras files rnn_model! refuses, each with its reason: a layer class it does not implement
    (Keras 3 `.keras`), several (`unimplemented_stack`, Keras 3 and tf_keras), an option it does not implement (tf_keras `.h5`), and a weights-only
    HDF5 file (`save_weights`: no architecture)."""
    out = os.path.join(OUT, "keras_refused")
    os.makedirs(out, exist_ok=True)
    keras.backend.clear_session()
    L = keras.layers
    sep = keras.Sequential([keras.Input((None, 4)), L.SeparableConv1D(2, 3), L.GRU(3)])
    sep.save(os.path.join(out, "separable_conv1d.keras"))
    sep.save_weights(os.path.join(out, "conv1d.weights.h5"))
    # Several classes rnn_model! does not implement (with one twice): named together in one
    # error, by a Keras 3 file and a tf_keras one.
    stack = keras.Sequential([keras.Input((None, 4)), L.SeparableConv1D(8, 3), L.Conv1DTranspose(8, 3),
                              L.UnitNormalization(), L.SeparableConv1D(8, 3), L.GRU(3)])
    stack.save(os.path.join(out, "unimplemented_stack.keras"))
    # A model rule broken by a file (Keras accepts it; rnn_model! computes the mask from the
    # input): the same message as the declaration that breaks it (tests/ui/rule_*).
    late = keras.Sequential([keras.Input((None, 4)), L.Dense(4), L.Masking(), L.LSTM(3)])
    late.save(os.path.join(out, "masking_after_dense.keras"))
    tf_keras.backend.clear_session()
    T = tf_keras.layers
    stateful = tf_keras.Sequential([T.LSTM(4, stateful=True, batch_input_shape=(1, None, 3))])
    stateful.save(os.path.join(out, "stateful_lstm.h5"))
    stack = tf_keras.Sequential([T.SeparableConv1D(8, 3, input_shape=(None, 4)), T.Conv1DTranspose(8, 3),
                                 T.UnitNormalization(), T.SeparableConv1D(8, 3), T.GRU(3)])
    stack.save(os.path.join(out, "unimplemented_stack.h5"))
    refused_softmax(out)
    refused_norm(out)
    for f in sorted(os.listdir(out)):
        print(f"{f:28s} {os.path.getsize(os.path.join(out, f)):9d} B")


def main(argv):
    if "--refused" in argv:
        return refused()
    check_only = "--check" in argv
    originals = "--originals" in argv
    argv = [a for a in argv if a not in ("--check", "--originals")]
    os.makedirs(SUMMARIES, exist_ok=True)
    wanted = set(argv)
    all_specs = specs()
    unknown = wanted - {s.name for s in all_specs}
    if unknown:
        raise SystemExit(f"unknown fixture(s): {', '.join(sorted(unknown))}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for spec in all_specs:
            if wanted and spec.name not in wanted:
                continue
            if check_only or originals:
                problems = check(spec, tmp)
                if originals and not problems:
                    keep_original(spec, os.path.join(tmp, spec.name + (".h5" if spec.tfk else ".keras")))
                print(f"{spec.name:28s} " + ("ok" if not problems else "; ".join(problems)), flush=True)
                failed += bool(problems)
                continue
            wpath, err = make(spec, tmp)
            print(f"{spec.name:28s} {os.path.basename(wpath):40s} {os.path.getsize(wpath):9d} B"
                  f"  ref err {err:.1e}", flush=True)
    if failed:
        raise SystemExit(f"{failed} fixture(s) do not match")


if __name__ == "__main__":
    main(sys.argv[1:])
