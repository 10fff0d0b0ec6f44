#!/usr/bin/env python3
"""Benchmark of "peer" recurrent-model implementations (numpy, ONNX Runtime,
TensorFlow/Keras 3, PyTorch) on the same workloads as our Rust code
(`cargo run --release --example bench -- --json`), and, for the record, ONNX Runtime's
dynamic int8 quantization (peer "onnxruntime-int8"; not a float32 peer).

Every peer runs single-threaded (or, with `--threads default`, with its own default threading),
in its own subprocess (so thread pools and
library globals never interfere), on identical seeded weights and inputs.
Each peer's output is checked against a float64 numpy reference of the Keras
semantics BEFORE it is timed (max abs diff must be < 1e-4); a peer or variant
that fails the check is reported as failing and not timed.

onnxruntime-int8 is the onnxruntime peer's ONNX model through
onnxruntime.quantization.quantize_dynamic (QInt8 weights, per tensor; activations quantized to
uint8 at run time). Being quantized, it is checked against the same float64 reference with a
looser tolerance: max abs diff < 0.05 (INT8_TOL). ONNX Runtime quantizes LSTM
(DynamicQuantizeLSTM), Gather (the Embedding's table) and MatMul (Dense), but has no quantized
GRU or RNN: those stay float32, so on the GRU and SimpleRNN workloads this peer is float32
recurrence behind an int8 Embedding. Its version string lists the quantized graph's op types.

Workloads:
    seed      Input(None, 32) -> SimpleRNN(64, return_sequences), batch 1, 100 steps
    imdb1     Embedding(10000, 32) -> SimpleRNN(32), 500 tokens, batch 1, last output
    imdb128   the same, batch 128
    stack128  Embedding -> 3x SimpleRNN(32, seq) -> SimpleRNN(32), batch 128
    lstm1     Embedding(10000, 32) -> LSTM(32), 500 tokens, batch 1, last output
    lstm128   the same, batch 128
    gru1      Embedding(10000, 32) -> GRU(32) (reset_after=True), 500 tokens, batch 1
    gru128    the same, batch 128
    bidir128  Embedding(10000, 32) -> Bidirectional(LSTM(32)) (concat) -> Dense(1, sigmoid),
              500 tokens, batch 128, output (128, 1)
    lstm_w64  Embedding(10000, 64) -> LSTM(64), 500 tokens, batch 128, last output
    lstm_w128 Embedding(10000, 128) -> LSTM(128), the same
    lstm_w256 Embedding(10000, 256) -> LSTM(256), the same
    gru_w128  Embedding(10000, 128) -> GRU(128) (reset_after=True), the same
The last four (issue 21's widths, `--workloads wide`) are not in the default run, as in
examples/bench. Their token ids are examples/bench's batch (`tokens(128, 500, 4)`); their
weights are drawn here (not examples/bench's), with K and R at +-0.3 * sqrt(32 / rows) so the
gates see the spread they see at 32 units.

Convolutional workloads (issue 22, `--workloads conv`, not in the default run either; Conv1D
padding valid unless said, MaxPooling1D(p) strides p, valid; GRU reset_after=True; recurrent
layers return their last output):
    conv_gru128   Deep Learning with Python 6.4's Jena model: Input(240, 14) -> Conv1D(32, 5, relu)
                  -> MaxPooling1D(3) -> Conv1D(32, 5, relu) -> GRU(32) -> Dense(1), batch 128
    conv_imdb128  Embedding(10000, 128) -> Conv1D(32, 7, relu) -> MaxPooling1D(5) ->
                  Conv1D(32, 7, relu) -> GlobalMaxPooling1D -> Dense(1), 128 x 500 tokens
                  (examples/bench's `tokens(128, 500, 4)`)
    har128        Input(128, 9) -> Conv1D(64, 3, relu) -> Conv1D(64, 3, relu) -> MaxPooling1D(2)
                  -> LSTM(100) -> Dense(100, relu) -> Dense(6, softmax), batch 128
    conv_step     ONE streaming step of Input(None, 1) -> Conv1D(8, 3, padding causal) -> GRU(8)
                  -> Dense(1), state carried: "seconds" is one call with one sample
Weights are drawn here: Conv1D and Dense kernels +-sqrt(3 / fan_in), recurrent K and R as the
wide workloads, biases +-0.1; inputs uniform +-1. Keras's Conv1D: kernel (k, in, out), output t
= b + sum_j x[t + j] K[j] (valid), the input left-padded with k - 1 zeros when causal (so a
stream starts from zero history); ONNX and torch take it as (out, in, k), channels first.
How each peer runs them: numpy im2col (a copy of the windows, one product per Conv1D),
reshape-and-max pooling, the fused-gate loop; ONNX Runtime a hand-built graph (Transpose to
channels first, Conv, Relu, MaxPool, GlobalMaxPool, GRU/LSTM, Gemm, Softmax); TensorFlow a
Keras Sequential model of those layers (predict_on_batch, tf.function, with and without XLA);
torch nn.Conv1d, nn.MaxPool1d, amax, nn.GRU/nn.LSTM, nn.Linear (transposes between).
conv_step: only the numpy peer streams natively (its last 3 samples and the GRU state kept
between calls). No other peer has a streaming Conv1D, so each keeps the window of the last 3
samples itself (shifted in numpy; zeros before the first sample) and a call runs the
convolution over that window (valid) plus one recurrent step from the carried state, and the
Dense: ONNX Runtime a graph with inputs (window, h) and outputs (y, h'), TensorFlow a Keras
functional model of the same (Conv1D, GRU(return_state) from initial_state, Dense; all three
variants), torch nn.Conv1d + nn.GRU (one step, h carried) + nn.Linear. Its check steps
through 64 samples from reset and compares every step's output with the float64 reference (the
causal model's output at every time step), then the timing runs step after step, state
carried. Its real peer is RTNeural's streaming Conv1DT (benches/rtneural: conv_step.cpp).
onnxruntime-int8 runs these too (ConvInteger and MatMulInteger; DynamicQuantizeLSTM in har128;
GRU stays float32) and is checked with INT8_TOL.

Semantics (Keras 3 defaults, zero initial state; K: (in, G*units),
R: (units, G*units), gate blocks in Keras order):
    SimpleRNN  h = tanh(x K + h R + b)
    LSTM       [i f c o] = x K + h R + b;  c = s(f) c + s(i) tanh(c~);  h = s(o) tanh(c)
    GRU        [xz xr xh] = x K + b[0];  [hz hr hh] = h R + b[1]
               z = s(xz + hz);  r = s(xr + hr);  n = tanh(xh + r hh);  h = z h + (1 - z) n
(s = logistic sigmoid.) Bidirectional (merge_mode concat, last output): a second copy
of the layer with its own weights reads the sequence reversed (its last output is the one after
token 0), and the layer outputs [forward_last, backward_last]. Dense: y = act(x W + b), W (in, out).
ONNX and PyTorch get the same weights with their gate
orders: ONNX LSTM i,o,f,c / GRU z,r,h (linear_before_reset=1); torch LSTM
i,f,g,o / GRU r,z,n (its n-gate is reset-after, like Keras reset_after=True).

Output: one JSON line per (workload, peer) on stdout, a table on stderr. "seconds" is the
median wall time of a call (the figure to compare); "cpu_util" the process's CPU time over wall
time across the timed runs (about 1.0: one busy thread that had its core to itself; well below
1.0 with one thread: the core was shared, and "seconds" is inflated); "cpu_seconds" the
median process CPU time of a call, a cross-check on a shared machine (with one thread it is
close to what "seconds" would be on an idle core, cache interference aside).
A failing (workload, peer) prints {"workload", "peer", "error", ...} without
"seconds"; the run then exits non-zero.

    python benches/peers.py                      # all workloads, all peers
    python benches/peers.py --workloads seed,imdb1 --quick
    python benches/peers.py --workloads lstm1,lstm128,gru1,gru128 --quick
    python benches/peers.py --workloads bidir128
    python benches/peers.py --workloads wide     # lstm_w64,lstm_w128,lstm_w256,gru_w128
    python benches/peers.py --workloads conv     # conv_gru128,conv_imdb128,har128,conv_step
    python benches/peers.py --workloads lstm128,gru128,wide --peers onnxruntime-int8
    python benches/peers.py --peers numpy,onnxruntime
    python benches/peers.py --threads default    # every peer with its own default threading
"""

import os

# `--threads default` (passed to the workers as PEERS_THREADS=default): every peer with its own
# default threading. Otherwise single thread everywhere; must happen before numpy/TF/torch/ORT
# import.
DEFAULT_THREADS = os.environ.get("PEERS_THREADS") == "default"
if not DEFAULT_THREADS:
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                 "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS",
                 "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[_var] = "1"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("GLOG_minloglevel", "3")
os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # CPU only, even for CUDA wheels

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time

import numpy as np

SEED = 20240601
TOL = 1e-4
VOCAB, EMB_DIM, T_IMDB = 10000, 32, 500

# name -> spec. cell: "simple", "lstm" or "gru" (every layer of the model);
# layers: list of (input_dim, units, return_sequences)
WORKLOADS = {
    "seed": dict(cell="simple", embedding=False, batch=1, T=100, in_dim=32,
                 layers=[(32, 64, True)]),
    "imdb1": dict(cell="simple", embedding=True, batch=1, T=T_IMDB,
                  layers=[(EMB_DIM, 32, False)]),
    "imdb128": dict(cell="simple", embedding=True, batch=128, T=T_IMDB,
                    layers=[(EMB_DIM, 32, False)]),
    "stack128": dict(cell="simple", embedding=True, batch=128, T=T_IMDB,
                     layers=[(EMB_DIM, 32, True)] * 3 + [(32, 32, False)]),
    "lstm1": dict(cell="lstm", embedding=True, batch=1, T=T_IMDB,
                  layers=[(EMB_DIM, 32, False)]),
    "lstm128": dict(cell="lstm", embedding=True, batch=128, T=T_IMDB,
                    layers=[(EMB_DIM, 32, False)]),
    "gru1": dict(cell="gru", embedding=True, batch=1, T=T_IMDB,
                 layers=[(EMB_DIM, 32, False)]),
    "gru128": dict(cell="gru", embedding=True, batch=128, T=T_IMDB,
                   layers=[(EMB_DIM, 32, False)]),
    # Bidirectional(LSTM(32)), merge_mode concat, then Dense(1, sigmoid) on its 64 features.
    "bidir128": dict(cell="lstm", embedding=True, batch=128, T=T_IMDB,
                     layers=[(EMB_DIM, 32, False)], bidirectional=True,
                     dense=(2 * 32, 1, "sigmoid")),
}
# The wide workloads of examples/bench (issue 21): Embedding(10000, W), then LSTM(W) or GRU(W),
# 128 x 500 tokens, last output. Like there, not in the default run (they take seconds a call):
# name them, or `--workloads wide` for all four. emb_dim: the Embedding's width (default EMB_DIM);
# scaled: weights drawn at the 32-unit workloads' spread (see make_data); bench_tokens: the token
# ids of examples/bench's batch, `tokens(128, 500, 4)`.
for _w, _cell in ((64, "lstm"), (128, "lstm"), (256, "lstm"), (128, "gru")):
    WORKLOADS[f"{_cell}_w{_w}"] = dict(cell=_cell, embedding=True, batch=128, T=T_IMDB,
                                       emb_dim=_w, layers=[(_w, _w, False)], wide=True,
                                       scaled=True, bench_tokens=4)
WIDE = [w for w, spec in WORKLOADS.items() if spec.get("wide")]
# The convolutional workloads of examples/bench (issue 22), `--workloads conv`, not in the
# default run either. conv_layers: after the optional Embedding(VOCAB, emb_dim), as
# (kind, ...): ("conv", filters, kernel_size, padding, activation), ("maxpool", pool_size),
# ("gmaxpool",), ("gru" | "lstm", units) (last output), ("dense", units, activation); weights
# drawn in make_conv_data. step: one streaming step (see make_conv_data and step_variant).
WORKLOADS.update({
    # Deep Learning with Python, 6.4 (Jena temperatures): (240, 14) -> (1,)
    "conv_gru128": dict(conv=True, batch=128, T=240, in_dim=14, conv_layers=[
        ("conv", 32, 5, "valid", "relu"), ("maxpool", 3), ("conv", 32, 5, "valid", "relu"),
        ("gru", 32), ("dense", 1, None)]),
    # Deep Learning with Python, 6.4 (IMDB, 1D convnet): 500 tokens -> (1,)
    "conv_imdb128": dict(conv=True, batch=128, T=T_IMDB, emb_dim=128, bench_tokens=4,
                         conv_layers=[
        ("conv", 32, 7, "valid", "relu"), ("maxpool", 5), ("conv", 32, 7, "valid", "relu"),
        ("gmaxpool",), ("dense", 1, None)]),
    # a CNN-LSTM for activity recognition (UCI HAR, 128 steps x 9 signals -> 6 classes)
    "har128": dict(conv=True, batch=128, T=128, in_dim=9, conv_layers=[
        ("conv", 64, 3, "valid", "relu"), ("conv", 64, 3, "valid", "relu"), ("maxpool", 2),
        ("lstm", 100), ("dense", 100, "relu"), ("dense", 6, "softmax")]),
    # one step of Input(None, 1) -> Conv1D(8, 3, causal) -> GRU(8) -> Dense(1); x: 64 samples
    "conv_step": dict(conv=True, step=True, batch=1, T=64, in_dim=1, conv_layers=[
        ("conv", 8, 3, "causal", None), ("gru", 8), ("dense", 1, None)]),
})
CONV = [w for w, spec in WORKLOADS.items() if spec.get("conv")]
GROUPS = {"wide": WIDE, "conv": CONV}
GATES = {"simple": 1, "lstm": 4, "gru": 3}
# Every peer is float32 but onnxruntime-int8: ONNX Runtime's dynamic int8 quantization
# (onnxruntime.quantization.quantize_dynamic, QInt8 weights) of the onnxruntime peer's model,
# for the record; it is checked with the looser INT8_TOL.
PEERS = ["numpy", "onnxruntime", "tensorflow", "torch", "onnxruntime-int8"]
PEER_MODULES = {"numpy": ["numpy"], "onnxruntime": ["onnx", "onnxruntime"],
                "tensorflow": ["tensorflow", "keras"], "torch": ["torch"],
                "onnxruntime-int8": ["onnx", "onnxruntime"]}
INT8_TOL = 0.05
PEER_TOL = {"onnxruntime-int8": INT8_TOL}


# --------------------------------------------------------------------------
# Data: identical for every peer (deterministic from SEED and workload name)
# --------------------------------------------------------------------------
def make_data(name):
    spec = WORKLOADS[name]
    if spec.get("conv"):
        return make_conv_data(name)
    cell = spec["cell"]
    G = GATES[cell]
    # batch-1 and batch-128 twins share the same model (same weights).
    model_key = {"imdb128": "imdb1", "lstm128": "lstm1", "gru128": "gru1"}.get(name, name)
    rng = np.random.default_rng([SEED, sum(map(ord, model_key))])
    bidir = spec.get("bidirectional", False)
    # What the peers below implement: one Bidirectional layer, its last output.
    assert not bidir or (len(spec["layers"]) == 1 and not spec["layers"][0][2])
    emb = None
    if spec["embedding"]:
        emb = rng.uniform(-1.0, 1.0, (VOCAB, spec.get("emb_dim", EMB_DIM))).astype(np.float32)
    scaled = spec.get("scaled", False)

    def cell_weights(in_dim, units):
        # Keras weight shapes: kernel (in, G*u), recurrent_kernel (u, G*u),
        # bias (G*u,), or (2, 3*u) for GRU(reset_after=True): [input, recurrent].
        # scaled (the wide workloads): K and R drawn from +-0.3 * sqrt(32 / rows), so a gate's
        # pre-activation has the spread it has in the 32-unit workloads (unscaled +-0.3 at
        # W = 256 saturates the gates and makes the recurrence chaotic over 500 steps).
        kk = 0.3 * np.sqrt(32.0 / in_dim) if scaled else 0.3
        kr = 0.3 * np.sqrt(32.0 / units) if scaled else 0.3
        K = rng.uniform(-kk, kk, (in_dim, G * units)).astype(np.float32)
        R = rng.uniform(-kr, kr, (units, G * units)).astype(np.float32)
        bshape = (2, G * units) if cell == "gru" else (G * units,)
        b = rng.uniform(-0.1, 0.1, bshape).astype(np.float32)
        return K, R, b

    layers, backward = [], None
    for in_dim, units, ret_seq in spec["layers"]:
        K, R, b = cell_weights(in_dim, units)
        layers.append((K, R, b, ret_seq))
        if bidir:  # the backward copy's own weights, drawn right after the forward's
            backward = cell_weights(in_dim, units)
    dense = None
    if "dense" in spec:  # Keras Dense: kernel (in, out), bias (out,)
        in_dim, out_dim, act = spec["dense"]
        W = rng.uniform(-0.3, 0.3, (in_dim, out_dim)).astype(np.float32)
        bd = rng.uniform(-0.1, 0.1, (out_dim,)).astype(np.float32)
        assert act == "sigmoid"  # the only activation the peers below apply
        dense = (W, bd, act)
    irng = np.random.default_rng([SEED, sum(map(ord, name)), 1])
    B, T = spec["batch"], spec["T"]
    if spec.get("bench_tokens") is not None:
        x = bench_tokens(B, T, spec["bench_tokens"])
    elif spec["embedding"]:
        x = irng.integers(0, VOCAB, (B, T), dtype=np.int64)
    else:
        x = irng.uniform(-1.0, 1.0, (B, T, spec["in_dim"])).astype(np.float32)
    # backward: (K, R, b) of the Bidirectional layer's backward copy, or None;
    # dense: (W, b, activation) after the recurrent layers, or None.
    return dict(name=name, cell=cell, emb=emb, layers=layers, x=x, batch=B,
                backward=backward, dense=dense)


def bench_tokens(rows, steps, seed):
    """examples/bench's `tokens(rows, steps, seed)`: an LCG's ids in 1..=9999, row-major."""
    s, m = seed, (1 << 64) - 1
    out = np.empty(rows * steps, dtype=np.int64)
    for k in range(out.size):
        s = (s * 6364136223846793005 + 1442695040888963407) & m
        out[k] = 1 + (s >> 33) % 9999
    return out.reshape(rows, steps)


def _sig64(v):
    return 1.0 / (1.0 + np.exp(-v))


def ref_layer(X, cell, K, R, b, ret_seq, steps):
    """float64 reference: one recurrent layer (cell "simple", "lstm" or "gru") over the time
    steps `steps` of X (B, T, in), in that order, gate by gate (each gate's own kernel slice)."""
    K, R, b = K.astype(np.float64), R.astype(np.float64), b.astype(np.float64)
    u = R.shape[0]
    g = lambda M, k: M[..., k * u:(k + 1) * u]  # gate block k, Keras order
    H = np.zeros((X.shape[0], u))
    C = np.zeros((X.shape[0], u))
    outs = []
    for t in steps:
        x_t = X[:, t]
        if cell == "simple":
            H = np.tanh(x_t @ K + H @ R + b)
        elif cell == "lstm":  # Keras order i, f, c, o
            i = _sig64(x_t @ g(K, 0) + H @ g(R, 0) + g(b, 0))
            f = _sig64(x_t @ g(K, 1) + H @ g(R, 1) + g(b, 1))
            c_ = np.tanh(x_t @ g(K, 2) + H @ g(R, 2) + g(b, 2))
            o = _sig64(x_t @ g(K, 3) + H @ g(R, 3) + g(b, 3))
            C = f * C + i * c_
            H = o * np.tanh(C)
        else:  # GRU, Keras order z, r, h; reset_after=True
            bi, br = b[0], b[1]
            z = _sig64(x_t @ g(K, 0) + g(bi, 0) + H @ g(R, 0) + g(br, 0))
            r = _sig64(x_t @ g(K, 1) + g(bi, 1) + H @ g(R, 1) + g(br, 1))
            n = np.tanh(x_t @ g(K, 2) + g(bi, 2) + r * (H @ g(R, 2) + g(br, 2)))
            H = z * H + (1.0 - z) * n
        outs.append(H)
    return np.stack(outs, axis=1) if ret_seq else H


def reference(d):
    """float64 numpy reference of the Keras semantics, output in the workload's shape.

    Written gate by gate (each gate's own kernel slice), independently of the
    fused numpy peer."""
    if d.get("conv"):
        return conv_reference(d)
    x = d["x"]
    cell = d["cell"]
    X = d["emb"].astype(np.float64)[x] if d["emb"] is not None else x.astype(np.float64)
    T = X.shape[1]
    for K, R, b, ret_seq in d["layers"]:
        Y = ref_layer(X, cell, K, R, b, ret_seq, range(T))
        if d["backward"] is not None:  # reads t = T-1 .. 0: its last output is after token 0
            Yb = ref_layer(X, cell, *d["backward"], ret_seq, range(T - 1, -1, -1))
            Y = np.concatenate([Y, Yb], axis=-1)
        X = Y
    if d["dense"] is not None:
        W, bd, _ = d["dense"]
        X = _sig64(X @ W.astype(np.float64) + bd.astype(np.float64))
    # seed (100,64), *1 (32,), *128 (128,32), bidir128 (128,1)
    return X[0] if d["batch"] == 1 else X


def regate(M, order, u):
    """Reorder the gate blocks (width u) along the last axis: new block j = old order[j]."""
    return np.concatenate([M[..., k * u:(k + 1) * u] for k in order], axis=-1)


def np_sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))

# numpy peer: one step of a gated cell, as a user would write it: fused gate matmuls,
# state h (units,) or (B, units), Keras gate order. Returns (h, c).
def np_lstm_step(x_t, h, c, K, R, b):
    u = h.shape[-1]
    z = x_t @ K + h @ R + b
    i = np_sigmoid(z[..., :u])
    f = np_sigmoid(z[..., u:2 * u])
    g = np.tanh(z[..., 2 * u:3 * u])
    o = np_sigmoid(z[..., 3 * u:])
    c = f * c + i * g
    return o * np.tanh(c), c

def np_gru_step(x_t, h, c, K, R, b):  # reset_after=True
    u = h.shape[-1]
    xm = x_t @ K + b[0]
    hm = h @ R + b[1]
    z = np_sigmoid(xm[..., :u] + hm[..., :u])
    r = np_sigmoid(xm[..., u:2 * u] + hm[..., u:2 * u])
    n = np.tanh(xm[..., 2 * u:] + r * hm[..., 2 * u:])
    return z * h + (1.0 - z) * n, c


# --------------------------------------------------------------------------
# Peers: build(d) -> (run: () -> np.ndarray in workload shape, version, variants)
# variants: optional dict name -> run for peers with several ways to call.
# --------------------------------------------------------------------------
def build_numpy(d):
    if d.get("conv"):
        return build_numpy_conv(d)
    emb, layers, x = d["emb"], d["layers"], d["x"]
    # Bidirectional and Dense: only in the batched gated loop (the last branch below).
    assert (d["backward"] is None and d["dense"] is None) or (
        d["cell"] != "simple" and d["batch"] > 1)

    if d["cell"] == "simple" and d["batch"] == 1:
        seq = x[0]

        def run():  # the notebook's loop, one sequence
            X = emb[seq] if emb is not None else seq  # embedding = row gather
            for K, R, b, ret_seq in layers:
                h = np.zeros((K.shape[1],), dtype=np.float32)
                outs = []
                for x_t in X:
                    h = np.tanh(x_t @ K + h @ R + b)
                    outs.append(h)
                X = np.stack(outs) if ret_seq else h
            return X
    elif d["cell"] == "simple":
        def run():  # batched loop, H: (B, units)
            X = emb[x] if emb is not None else x
            for K, R, b, ret_seq in layers:
                H = np.zeros((X.shape[0], K.shape[1]), dtype=np.float32)
                outs = []
                for t in range(X.shape[1]):
                    H = np.tanh(X[:, t] @ K + H @ R + b)
                    outs.append(H)
                X = np.stack(outs, axis=1) if ret_seq else H
            return X
    elif d["batch"] == 1:
        step = {"lstm": np_lstm_step, "gru": np_gru_step}[d["cell"]]
        seq = x[0]

        def run():  # the same loop with a gated cell, one sequence
            X = emb[seq] if emb is not None else seq
            for K, R, b, ret_seq in layers:
                h = np.zeros((R.shape[0],), dtype=np.float32)
                c = np.zeros_like(h)
                outs = []
                for x_t in X:
                    h, c = step(x_t, h, c, K, R, b)
                    outs.append(h)
                X = np.stack(outs) if ret_seq else h
            return X
    else:
        step = {"lstm": np_lstm_step, "gru": np_gru_step}[d["cell"]]
        backward, dense = d["backward"], d["dense"]

        def run():  # batched loop with a gated cell, H, C: (B, units)
            X = emb[x] if emb is not None else x
            for K, R, b, ret_seq in layers:
                H = np.zeros((X.shape[0], R.shape[0]), dtype=np.float32)
                C = np.zeros_like(H)
                outs = []
                for t in range(X.shape[1]):
                    H, C = step(X[:, t], H, C, K, R, b)
                    outs.append(H)
                X_next = np.stack(outs, axis=1) if ret_seq else H
                if backward is not None:  # Bidirectional (last output only): reversed copy
                    Kb, Rb, bb = backward
                    Hb = np.zeros_like(H)
                    Cb = np.zeros_like(H)
                    for t in range(X.shape[1] - 1, -1, -1):
                        Hb, Cb = step(X[:, t], Hb, Cb, Kb, Rb, bb)
                    X_next = np.concatenate([H, Hb], axis=-1)  # [forward_last, backward_last]
                X = X_next
            if dense is not None:
                W, bd, _ = dense
                X = np_sigmoid(X @ W + bd)
            return X
    return {"loop": run}, "numpy " + np.__version__


def onnx_model(d):
    """The workload as an ONNX model (opset 17): input "x", output "y" of shape (B, ...)."""
    if d.get("conv"):
        return onnx_conv_model(d)
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    if d["emb"] is not None:
        inp = helper.make_tensor_value_info("x", TensorProto.INT64, ["B", "T"])
        inits.append(numpy_helper.from_array(d["emb"], "emb"))
        nodes.append(helper.make_node("Gather", ["emb", "x"], ["e"], axis=0))
        src = "e"
    else:
        inp = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", d["layers"][0][0].shape[0]])
        src = "x"
    nodes.append(helper.make_node("Transpose", [src], ["seq0"], perm=[1, 0, 2]))  # (T, B, in)
    cur = "seq0"
    n = len(d["layers"])
    last_ret_seq = d["layers"][-1][3]
    if n > 1 or last_ret_seq:
        inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "ax1"))
    if not last_ret_seq:
        inits.append(numpy_helper.from_array(np.array([0], dtype=np.int64), "ax0"))
    cell = d["cell"]
    for i, (K, R, b, ret_seq) in enumerate(d["layers"]):
        units = R.shape[0]
        if cell == "simple":
            Wb, Rb, order = b, np.zeros_like(b), [0]
            op, attrs = "RNN", dict(activations=["Tanh"])
        elif cell == "lstm":  # Keras i, f, c, o -> ONNX i, o, f, c; one fused bias
            Wb, Rb, order = b, np.zeros_like(b), [0, 3, 1, 2]
            op, attrs = "LSTM", {}
        else:                 # Keras z, r, h -> ONNX z, r, h; reset_after=True
            Wb, Rb, order = b[0], b[1], [0, 1, 2]
            op, attrs = "GRU", dict(linear_before_reset=1)
        # One direction's W (G*u, in), R (G*u, u), B (2*G*u,) in ONNX gate order.
        def onnx_weights(K, R, Wb, Rb):
            return (regate(K, order, units).T, regate(R, order, units).T,
                    np.concatenate([regate(Wb, order, units), regate(Rb, order, units)]))
        dirs = [onnx_weights(K, R, Wb, Rb)]
        direction = "forward"
        if d["backward"] is not None:  # stacked [forward, reverse] along the first axis
            assert cell == "lstm"
            Kb, R_b, bb = d["backward"]
            dirs.append(onnx_weights(Kb, R_b, bb, np.zeros_like(bb)))
            direction = "bidirectional"
        for j, nm in enumerate(("W", "R", "B")):
            # (D, G*u, in), (D, G*u, u), (D, 2*G*u); D = 1 or 2 directions
            inits.append(numpy_helper.from_array(
                np.stack([w[j] for w in dirs]).astype(np.float32), f"{nm}{i}"))
        nodes.append(helper.make_node(
            op, [cur, f"W{i}", f"R{i}", f"B{i}"], [f"Y{i}", f"Yh{i}"],
            hidden_size=units, direction=direction, **attrs))
        if i < n - 1:  # (T, 1, B, u) -> (T, B, u) feeds the next RNN
            nodes.append(helper.make_node("Squeeze", [f"Y{i}", "ax1"], [f"seq{i + 1}"]))
            cur = f"seq{i + 1}"
    rec = "y" if d["dense"] is None else "rec"  # the recurrent layers' output
    if last_ret_seq:  # (T, 1, B, u) -> (B, T, u)
        nodes.append(helper.make_node("Squeeze", [f"Y{n - 1}", "ax1"], ["ys"]))
        nodes.append(helper.make_node("Transpose", ["ys"], [rec], perm=[1, 0, 2]))
    elif d["backward"] is not None:  # Y_h (2, B, u) -> concat [forward, backward] (B, 2u)
        nodes.append(helper.make_node("Split", [f"Yh{n - 1}"], ["hf", "hb"], axis=0))
        nodes.append(helper.make_node("Concat", ["hf", "hb"], ["hcat"], axis=2))
        nodes.append(helper.make_node("Squeeze", ["hcat", "ax0"], [rec]))
    else:             # Y_h (1, B, u) -> (B, u)
        nodes.append(helper.make_node("Squeeze", [f"Yh{n - 1}", "ax0"], [rec]))
    if d["dense"] is not None:  # Dense(sigmoid): MatMul + Add + Sigmoid
        W, bd, _ = d["dense"]
        inits.append(numpy_helper.from_array(W, "Wd"))
        inits.append(numpy_helper.from_array(bd, "bd"))
        nodes.append(helper.make_node("MatMul", [rec, "Wd"], ["dm"]))
        nodes.append(helper.make_node("Add", ["dm", "bd"], ["dz"]))
        nodes.append(helper.make_node("Sigmoid", ["dz"], ["y"]))
    out_shape = ["B", "T", "U"] if last_ret_seq else ["B", "U"]
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)
    graph = helper.make_graph(nodes, f"{cell}_" + d["name"], [inp], [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = min(model.ir_version, 9)
    onnx.checker.check_model(model)
    return model


def ort_session(model_bytes):
    import onnxruntime as ort
    so = ort.SessionOptions()
    if not DEFAULT_THREADS:
        so.intra_op_num_threads = 1
        so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.log_severity_level = 3
    return ort.InferenceSession(model_bytes, so, providers=["CPUExecutionProvider"])


def ort_runner(sess, d):
    if d.get("conv"):
        return ort_conv_runner(sess, d)
    feed = {"x": d["x"]}
    single = d["batch"] == 1

    def run():
        y = sess.run(["y"], feed)[0]
        return y[0] if single else y
    return run


def build_onnxruntime(d):
    import onnx
    import onnxruntime as ort
    sess = ort_session(onnx_model(d).SerializeToString())
    return ({"session.run": ort_runner(sess, d)},
            f"onnxruntime {ort.__version__} (onnx {onnx.__version__}, opset 17)")


def build_onnxruntime_int8(d):
    """The onnxruntime peer's model through ONNX Runtime's dynamic quantization: int8 weights
    (QInt8, per tensor), activations quantized to uint8 at run time. It has quantized kernels
    for LSTM (DynamicQuantizeLSTM) and Gather (the Embedding) but none for GRU or RNN, which
    stay float32: the version string lists the op types of the quantized graph."""
    import logging
    import tempfile

    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "f32.onnx"), os.path.join(tmp, "int8.onnx")
        onnx.save(onnx_model(d), src)
        root = logging.getLogger()  # quiet its advice to pre-process (shape inference) first
        level = root.level
        root.setLevel(logging.ERROR)
        try:
            quantize_dynamic(src, dst, weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
        q = onnx.load(dst)
    ops = sorted({n.op_type for n in q.graph.node})
    sess = ort_session(q.SerializeToString())
    return ({"session.run": ort_runner(sess, d)},
            f"onnxruntime {ort.__version__} quantize_dynamic QInt8 (ops: {' '.join(ops)})")


def build_tensorflow(d):
    # TF/absl print init banners straight to fd 2; hide them during import.
    saved = os.dup(2)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        import tensorflow as tf
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    if not DEFAULT_THREADS:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.set_visible_devices([], "GPU")
    import keras
    version = f"tensorflow {tf.__version__}, keras {keras.__version__}"
    if d.get("conv"):
        return build_tensorflow_conv(d, tf, keras), version

    x = d["x"]
    layers = []
    if d["emb"] is not None:
        layers.append(keras.Input(shape=(None,), dtype="int32"))
        layers.append(keras.layers.Embedding(VOCAB, d["emb"].shape[1]))
    else:
        layers.append(keras.Input(shape=(None, x.shape[2])))
    # Keras 3 defaults: tanh, sigmoid recurrent activation, use_bias, GRU reset_after=True
    rnn_layer = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM,
                 "gru": keras.layers.GRU}[d["cell"]]
    bidir = d["backward"] is not None
    for K, R, b, ret_seq in d["layers"]:
        rnn = rnn_layer(R.shape[0], return_sequences=ret_seq)
        # Bidirectional: merge_mode="concat" (the default), [forward, backward]
        layers.append(keras.layers.Bidirectional(rnn, merge_mode="concat") if bidir else rnn)
    if d["dense"] is not None:
        W, bd, act = d["dense"]
        layers.append(keras.layers.Dense(W.shape[1], activation=act))
    model = keras.Sequential(layers)
    j = 0
    if d["emb"] is not None:
        model.layers[0].set_weights([d["emb"]])
        j = 1
    for i, (K, R, b, _) in enumerate(d["layers"]):
        if bidir:
            model.layers[j + i].forward_layer.set_weights([K, R, b])
            model.layers[j + i].backward_layer.set_weights(list(d["backward"]))
        else:
            model.layers[j + i].set_weights([K, R, b])
    if d["dense"] is not None:
        model.layers[j + len(d["layers"])].set_weights([W, bd])

    xt = tf.constant(x.astype(np.int32) if d["emb"] is not None else x)
    single = d["batch"] == 1
    fn = tf.function(lambda v: model(v, training=False))
    fn_xla = tf.function(lambda v: model(v, training=False), jit_compile=True)
    xn = xt.numpy()

    def post(y):
        y = y.numpy() if hasattr(y, "numpy") else np.asarray(y)
        return y[0] if single else y

    variants = {
        "tf.function": lambda: post(fn(xt)),
        "predict_on_batch": lambda: post(model.predict_on_batch(xn)),
        "tf.function(jit_compile=True)": lambda: post(fn_xla(xt)),
    }
    return variants, version


def build_torch(d):
    import torch
    if not DEFAULT_THREADS:
        torch.set_num_threads(1)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
    from torch import nn
    if d.get("conv"):
        return build_torch_conv(d, torch, nn), f"torch {torch.__version__}"

    layers = d["layers"]
    cell = d["cell"]
    bidir = d["backward"] is not None  # (one layer, see make_data)
    assert not bidir or cell == "lstm"
    units = {R.shape[0] for _, R, _, _ in layers}
    assert len(units) == 1
    u = units.pop()
    in_dim = layers[0][0].shape[0]
    if cell == "simple":
        rnn = nn.RNN(in_dim, u, num_layers=len(layers), nonlinearity="tanh",
                     bias=True, batch_first=True)
        order = [0]
    elif cell == "lstm":  # torch i, f, g, o == Keras i, f, c, o
        rnn = nn.LSTM(in_dim, u, num_layers=len(layers), bias=True, batch_first=True,
                      bidirectional=bidir)
        order = [0, 1, 2, 3]
    else:                 # torch r, z, n <- Keras z, r, h; n is reset-after like Keras
        rnn = nn.GRU(in_dim, u, num_layers=len(layers), bias=True, batch_first=True)
        order = [1, 0, 2]
    # (layer index, parameter-name suffix, Keras K, R, b): "_reverse" is torch's backward copy
    params = [(i, "", K, R, b) for i, (K, R, b, _) in enumerate(layers)]
    if bidir:
        params.append((0, "_reverse") + tuple(d["backward"]))
    with torch.no_grad():
        for i, sfx, K, R, b in params:
            b_ih, b_hh = (b[0], b[1]) if cell == "gru" else (b, np.zeros_like(b))
            for name, M in (("weight_ih", K), ("weight_hh", R)):
                getattr(rnn, f"{name}_l{i}{sfx}").copy_(
                    torch.from_numpy(regate(M, order, u).T.copy()))
            getattr(rnn, f"bias_ih_l{i}{sfx}").copy_(torch.from_numpy(regate(b_ih, order, u).copy()))
            getattr(rnn, f"bias_hh_l{i}{sfx}").copy_(torch.from_numpy(regate(b_hh, order, u).copy()))
    rnn.eval()
    dense = None
    if d["dense"] is not None:  # Keras W (in, out) -> torch weight (out, in)
        W, bd, _ = d["dense"]
        dense = nn.Linear(W.shape[0], W.shape[1])
        with torch.no_grad():
            dense.weight.copy_(torch.from_numpy(W.T.copy()))
            dense.bias.copy_(torch.from_numpy(bd))
        dense.eval()
    emb = None
    if d["emb"] is not None:
        emb = nn.Embedding(VOCAB, d["emb"].shape[1])
        with torch.no_grad():
            emb.weight.copy_(torch.from_numpy(d["emb"]))
        emb.eval()
    x = torch.from_numpy(d["x"])
    single = d["batch"] == 1
    ret_seq = layers[-1][3]

    def run():
        with torch.inference_mode():
            X = emb(x) if emb is not None else x
            out, h_n = rnn(X)
            if cell == "lstm":
                h_n = h_n[0]  # (h_n, c_n)
            if ret_seq:
                y = out
            elif bidir:  # h_n (2, B, u): [forward, backward] -> (B, 2u)
                y = torch.cat([h_n[0], h_n[1]], dim=1)
            else:
                y = h_n[-1]
            if dense is not None:
                y = torch.sigmoid(dense(y))
            y = y.numpy()
        return y[0] if single else y
    return {f"nn.{type(rnn).__name__}": run}, f"torch {torch.__version__}"


# --------------------------------------------------------------------------
# The convolutional workloads (issue 22, `--workloads conv`): data, reference, one builder
# per peer. d["layers"] holds the model's layers after the optional Embedding, in order:
#   ("conv", K (k, in, out), b (out,), padding "valid" | "causal", activation "relu" | None)
#   ("maxpool", p)            MaxPooling1D(p): strides p, valid
#   ("gmaxpool",)             GlobalMaxPooling1D
#   ("gru" | "lstm", K, R, b) last output (conv_step: every step's output, see below)
#   ("dense", W (in, out), b, activation None | "relu" | "softmax")
# conv_step streams: its x is a sequence (1, T, 1) of samples; a peer's variant is one step
# (the next sample of x, cycled; state carried) and has a `check` attribute that resets the
# state and steps through all of x, returning the (T, 1) outputs the reference gives.
# --------------------------------------------------------------------------
def make_conv_data(name):
    spec = WORKLOADS[name]
    rng = np.random.default_rng([SEED, sum(map(ord, name))])
    emb = None
    width = spec.get("in_dim")
    if spec.get("emb_dim"):
        width = spec["emb_dim"]
        emb = rng.uniform(-1.0, 1.0, (VOCAB, width)).astype(np.float32)

    def u(a, shape):
        return rng.uniform(-a, a, shape).astype(np.float32)

    layers = []
    for kind, *args in spec["conv_layers"]:
        if kind == "conv":  # uniform +-sqrt(3 / fan_in): unit-variance products
            filters, k, padding, act = args
            layers.append(("conv", u(np.sqrt(3.0 / (k * width)), (k, width, filters)),
                           u(0.1, (filters,)), padding, act))
            width = filters
        elif kind in ("gru", "lstm"):  # the wide workloads' spread (see make_data)
            units = args[0]
            G = GATES[kind]
            bshape = (2, G * units) if kind == "gru" else (G * units,)
            layers.append((kind, u(0.3 * np.sqrt(32.0 / width), (width, G * units)),
                           u(0.3 * np.sqrt(32.0 / units), (units, G * units)), u(0.1, bshape)))
            width = units
        elif kind == "dense":
            out, act = args
            layers.append(("dense", u(np.sqrt(3.0 / width), (width, out)), u(0.1, (out,)), act))
            width = out
        else:
            layers.append((kind, *args))
    irng = np.random.default_rng([SEED, sum(map(ord, name)), 1])
    B, T = spec["batch"], spec["T"]
    if spec.get("bench_tokens") is not None:
        x = bench_tokens(B, T, spec["bench_tokens"])
    else:
        x = irng.uniform(-1.0, 1.0, (B, T, spec["in_dim"])).astype(np.float32)
    return dict(name=name, conv=True, emb=emb, layers=layers, x=x, batch=B,
                step=spec.get("step", False))


def conv_reference(d):
    """float64 reference of the Keras semantics of a conv workload, written out loop by loop
    (tap by tap, window by window), independently of the peers."""
    X = d["emb"].astype(np.float64)[d["x"]] if d["emb"] is not None else d["x"].astype(np.float64)
    for kind, *p in d["layers"]:
        if kind == "conv":
            K, b, padding, act = p
            k = K.shape[0]
            if padding == "causal":  # k - 1 zeros on the left: output t sees x[t-k+1 .. t]
                X = np.concatenate([np.zeros((X.shape[0], k - 1, X.shape[2])), X], axis=1)
            T_out = X.shape[1] - k + 1
            Y = np.zeros((X.shape[0], T_out, K.shape[2])) + b.astype(np.float64)
            for j in range(k):  # tap j reads x[t + j]
                Y += X[:, j:j + T_out] @ K[j].astype(np.float64)
            X = np.maximum(Y, 0.0) if act == "relu" else Y
        elif kind == "maxpool":
            (pool,) = p
            X = np.stack([X[:, t * pool:(t + 1) * pool].max(axis=1)
                          for t in range(X.shape[1] // pool)], axis=1)
        elif kind == "gmaxpool":
            X = X.max(axis=1)
        elif kind in ("gru", "lstm"):  # conv_step: every step's output (streaming)
            X = ref_layer(X, kind, *p, d["step"], range(X.shape[1]))
        else:
            W, b, act = p
            X = X @ W.astype(np.float64) + b.astype(np.float64)
            if act == "relu":
                X = np.maximum(X, 0.0)
            elif act == "softmax":
                e = np.exp(X - X.max(axis=-1, keepdims=True))
                X = e / e.sum(axis=-1, keepdims=True)
    return X[0] if d["step"] else X  # conv_step (T, 1); the batches (128, out)


def step_variant(step, reset, x):
    """conv_step: `step(sample (1,) float32) -> output (1,)` with its state, `reset()`; returns
    the timed function (the next sample of x, cycled) with its `check` (all of x from reset)."""
    seq = x[0]
    pos = [0]

    def run():
        v = step(seq[pos[0]])
        pos[0] = (pos[0] + 1) % len(seq)
        return v

    def check():
        reset()
        pos[0] = 0
        return np.stack([np.asarray(run()).reshape(1) for _ in range(len(seq))])
    run.check = check
    return run


def step_window(d):
    """A peer that cannot stream a convolution: the causal Conv1D's input window of its
    last k samples (zeros before the first), shifted by one sample per step, as a user would
    keep it. Returns (window (k,) float32, push(sample), reset())."""
    k = d["layers"][0][1].shape[0]
    win = np.zeros((k,), dtype=np.float32)

    def push(v):
        win[:-1] = win[1:]
        win[-1] = v[0]

    def reset():
        win[:] = 0.0
    return win, push, reset


def build_numpy_conv(d):
    """im2col (a copy of the windows, then one product per layer), numpy's max for pooling,
    the fused-gate loop of build_numpy for the recurrent layer; conv_step streams natively
    (its window of the last k samples and the GRU state kept between calls)."""
    from numpy.lib.stride_tricks import sliding_window_view
    emb, x = d["emb"], d["x"]
    if d["step"]:
        (_, K, bc, _, _), (_, Kg, Rg, bg), (_, W, bw, _) = d["layers"]
        Kc = K[::-1, 0, :].copy()  # (k, out), row j: the sample j steps back
        h = np.zeros((Rg.shape[0],), dtype=np.float32)
        hist = np.zeros((K.shape[0],), dtype=np.float32)  # hist[j]: the sample j steps back
        state = [h]

        def step(v):
            hist[1:] = hist[:-1]
            hist[0] = v[0]
            c = hist @ Kc + bc
            state[0], _ = np_gru_step(c, state[0], None, Kg, Rg, bg)
            return state[0] @ W + bw

        def reset():
            hist[:] = 0.0
            state[0] = np.zeros_like(h)
        return {"step": step_variant(step, reset, x)}, "numpy " + np.__version__

    def run():
        X = emb[x] if emb is not None else x
        for kind, *p in d["layers"]:
            if kind == "conv":  # valid only here (causal is conv_step's)
                K, b, _, act = p
                k, c_in, c_out = K.shape
                B, T = X.shape[:2]
                win = sliding_window_view(X, k, axis=1)  # (B, T-k+1, in, k), a view
                cols = win.transpose(0, 1, 3, 2).reshape(B * (T - k + 1), k * c_in)  # im2col
                Y = cols @ K.reshape(k * c_in, c_out) + b
                if act == "relu":
                    np.maximum(Y, 0.0, out=Y)
                X = Y.reshape(B, T - k + 1, c_out)
            elif kind == "maxpool":
                (pool,) = p
                Tp = X.shape[1] // pool
                X = X[:, :Tp * pool].reshape(X.shape[0], Tp, pool, X.shape[2]).max(axis=2)
            elif kind == "gmaxpool":
                X = X.max(axis=1)
            elif kind in ("gru", "lstm"):
                K, R, b = p
                stepf = np_gru_step if kind == "gru" else np_lstm_step
                H = np.zeros((X.shape[0], R.shape[0]), dtype=np.float32)
                C = np.zeros_like(H)
                for t in range(X.shape[1]):
                    H, C = stepf(X[:, t], H, C, K, R, b)
                X = H
            else:
                W, b, act = p
                X = X @ W + b
                if act == "relu":
                    X = np.maximum(X, 0.0)
                elif act == "softmax":
                    e = np.exp(X - X.max(axis=-1, keepdims=True))
                    X = e / e.sum(axis=-1, keepdims=True)
        return X
    return {"im2col": run}, "numpy " + np.__version__


def onnx_conv_model(d):
    """A conv workload as an ONNX model (opset 17), channels first as ONNX's Conv wants:
    Transpose, Conv (+ Relu), MaxPool, GlobalMaxPool, GRU/LSTM (Transpose to (T, B, C) first),
    Gemm (+ Relu / Softmax). Input "x", output "y". conv_step: inputs "win" (1, 1, k) (the last
    k samples) and "h" (1, 1, u), outputs "y" (1, 1) and "h_out" (1, 1, u), the next "h"."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits = [], []
    ax = lambda nm, v: inits.append(numpy_helper.from_array(np.array(v, dtype=np.int64), nm))
    ax("ax0", [0])
    ax("ax2", [2])
    extra_in, extra_out = [], []
    if d["step"]:
        k = d["layers"][0][1].shape[0]
        u = d["layers"][1][2].shape[0]
        inp = helper.make_tensor_value_info("win", TensorProto.FLOAT, [1, 1, k])
        extra_in = [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, 1, u])]
        extra_out = [helper.make_tensor_value_info("h_out", TensorProto.FLOAT, [1, 1, u])]
        cur = "win"
    elif d["emb"] is not None:
        inp = helper.make_tensor_value_info("x", TensorProto.INT64, ["B", "T"])
        inits.append(numpy_helper.from_array(d["emb"], "emb"))
        nodes.append(helper.make_node("Gather", ["emb", "x"], ["e"], axis=0))
        nodes.append(helper.make_node("Transpose", ["e"], ["c0"], perm=[0, 2, 1]))  # (B, C, T)
        cur = "c0"
    else:
        inp = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", d["x"].shape[2]])
        nodes.append(helper.make_node("Transpose", ["x"], ["c0"], perm=[0, 2, 1]))
        cur = "c0"
    last = len(d["layers"]) - 1
    for i, (kind, *p) in enumerate(d["layers"]):
        o = "y" if i == last else f"l{i}"
        if kind == "conv":  # Keras (k, in, out) -> ONNX (out, in, k)
            K, b, padding, act = p
            inits.append(numpy_helper.from_array(np.ascontiguousarray(K.transpose(2, 1, 0)), f"W{i}"))
            inits.append(numpy_helper.from_array(b, f"B{i}"))
            pads = [K.shape[0] - 1, 0] if padding == "causal" and not d["step"] else [0, 0]
            conv_out = f"l{i}c" if act else o
            nodes.append(helper.make_node("Conv", [cur, f"W{i}", f"B{i}"], [conv_out],
                                          kernel_shape=[K.shape[0]], pads=pads))
            if act == "relu":
                nodes.append(helper.make_node("Relu", [conv_out], [o]))
        elif kind == "maxpool":
            nodes.append(helper.make_node("MaxPool", [cur], [o], kernel_shape=[p[0]],
                                          strides=[p[0]]))
        elif kind == "gmaxpool":  # (B, C, 1) -> (B, C)
            nodes.append(helper.make_node("GlobalMaxPool", [cur], [f"l{i}g"]))
            nodes.append(helper.make_node("Squeeze", [f"l{i}g", "ax2"], [o]))
        elif kind in ("gru", "lstm"):
            K, R, b = p
            units = R.shape[0]
            if kind == "gru":  # Keras z, r, h -> ONNX z, r, h; reset_after=True
                Wb, Rb, order, attrs = b[0], b[1], [0, 1, 2], dict(linear_before_reset=1)
            else:              # Keras i, f, c, o -> ONNX i, o, f, c
                Wb, Rb, order, attrs = b, np.zeros_like(b), [0, 3, 1, 2], {}
            inits.append(numpy_helper.from_array(regate(K, order, units).T[None].copy(), f"W{i}"))
            inits.append(numpy_helper.from_array(regate(R, order, units).T[None].copy(), f"R{i}"))
            inits.append(numpy_helper.from_array(
                np.concatenate([regate(Wb, order, units), regate(Rb, order, units)])[None], f"B{i}"))
            nodes.append(helper.make_node("Transpose", [cur], [f"l{i}t"], perm=[2, 0, 1]))
            ins = [f"l{i}t", f"W{i}", f"R{i}", f"B{i}"] + (["", "h"] if d["step"] else [])
            yh = "h_out" if d["step"] else f"l{i}h"
            nodes.append(helper.make_node(kind.upper(), ins, ["", yh], hidden_size=units, **attrs))
            nodes.append(helper.make_node("Squeeze", [yh, "ax0"], [o]))  # (1, B, u) -> (B, u)
        else:
            W, b, act = p
            inits.append(numpy_helper.from_array(W, f"W{i}"))
            inits.append(numpy_helper.from_array(b, f"B{i}"))
            gemm_out = f"l{i}d" if act else o
            nodes.append(helper.make_node("Gemm", [cur, f"W{i}", f"B{i}"], [gemm_out]))
            if act == "relu":
                nodes.append(helper.make_node("Relu", [gemm_out], [o]))
            elif act == "softmax":
                nodes.append(helper.make_node("Softmax", [gemm_out], [o], axis=-1))
        cur = o
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["B", "U"])
    graph = helper.make_graph(nodes, d["name"], [inp] + extra_in, [out] + extra_out, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = min(model.ir_version, 9)
    onnx.checker.check_model(model)
    return model


def ort_conv_runner(sess, d):
    if not d["step"]:
        feed = {"x": d["x"]}
        return lambda: sess.run(["y"], feed)[0]
    win, push, reset_win = step_window(d)
    u = d["layers"][1][2].shape[0]
    zero = np.zeros((1, 1, u), dtype=np.float32)
    feed = {"win": win.reshape(1, 1, -1), "h": zero}  # win: a view, updated in place

    def step(v):
        push(v)
        y, feed["h"] = sess.run(["y", "h_out"], feed)
        return y[0]

    def reset():
        reset_win()
        feed["h"] = zero
    return step_variant(step, reset, d["x"])


def build_tensorflow_conv(d, tf, keras):
    """A Keras Sequential model of the layers (fixed input length, as the published models);
    conv_step: Keras has no streaming Conv1D, so a step is a model of the window of the last k
    samples and the GRU state: Conv1D (valid) on the window, GRU(return_state) from the state,
    Dense; the window is shifted in numpy between calls."""
    L = keras.layers
    weights = []  # per Keras layer with weights, in order
    if d["step"]:
        (_, K, bc, _, _), (_, Kg, Rg, bg), (_, W, bw, _) = d["layers"]
        k, u = K.shape[0], Rg.shape[0]
        win_in = keras.Input(shape=(k, 1), batch_size=1)
        h_in = keras.Input(shape=(u,), batch_size=1)
        conv, gru, dense = L.Conv1D(K.shape[2], k), L.GRU(u, return_state=True), L.Dense(1)
        seq, h_out = gru(conv(win_in), initial_state=h_in)
        model = keras.Model([win_in, h_in], [dense(seq), h_out])
        conv.set_weights([K, bc])
        gru.set_weights([Kg, Rg, bg])
        dense.set_weights([W, bw])
    else:
        x = d["x"]
        layers = []
        if d["emb"] is not None:
            layers.append(keras.Input(shape=(x.shape[1],), dtype="int32"))
            layers.append(L.Embedding(VOCAB, d["emb"].shape[1]))
            weights.append([d["emb"]])
        else:
            layers.append(keras.Input(shape=x.shape[1:]))
        for kind, *p in d["layers"]:
            if kind == "conv":
                K, b, padding, act = p
                layers.append(L.Conv1D(K.shape[2], K.shape[0], padding=padding, activation=act))
                weights.append([K, b])
            elif kind == "maxpool":
                layers.append(L.MaxPooling1D(p[0]))
            elif kind == "gmaxpool":
                layers.append(L.GlobalMaxPooling1D())
            elif kind in ("gru", "lstm"):
                K, R, b = p
                layers.append((L.GRU if kind == "gru" else L.LSTM)(R.shape[0]))
                weights.append([K, R, b])
            else:
                W, b, act = p
                layers.append(L.Dense(W.shape[1], activation=act))
                weights.append([W, b])
        model = keras.Sequential(layers)
        for layer, w in zip([ly for ly in model.layers if ly.weights], weights):
            layer.set_weights(w)
    fn = tf.function(lambda *v: model(list(v) if len(v) > 1 else v[0], training=False))
    fn_xla = tf.function(lambda *v: model(list(v) if len(v) > 1 else v[0], training=False),
                         jit_compile=True)
    if not d["step"]:
        xt = tf.constant(d["x"].astype(np.int32) if d["emb"] is not None else d["x"])
        xn = xt.numpy()
        post = lambda y: y.numpy() if hasattr(y, "numpy") else np.asarray(y)
        return {"tf.function": lambda: post(fn(xt)),
                "predict_on_batch": lambda: post(model.predict_on_batch(xn)),
                "tf.function(jit_compile=True)": lambda: post(fn_xla(xt))}
    variants = {}
    for vname, call in (("tf.function", fn), ("tf.function(jit_compile=True)", fn_xla),
                        ("predict_on_batch", lambda w, h: model.predict_on_batch([w, h]))):
        win, push, reset_win = step_window(d)
        w3 = win.reshape(1, k, 1)  # a view: the shifts show through
        zero = np.zeros((1, u), dtype=np.float32)
        state = [zero]

        def step(v, call=call, push=push, w3=w3, state=state):
            push(v)
            y, state[0] = call(w3, state[0])
            return np.asarray(y)[0]

        def reset(reset_win=reset_win, state=state, zero=zero):
            reset_win()
            state[0] = zero
        variants[vname] = step_variant(step, reset, d["x"])
    return variants


def build_torch_conv(d, torch, nn):
    """nn.Conv1d (+ relu), nn.MaxPool1d, amax, nn.GRU / nn.LSTM (batch_first, transposed from
    channels first), nn.Linear; conv_step: Conv1d on the window of the last k samples (no
    streaming convolution in torch), nn.GRU one step from the carried h, Linear."""
    mods = []  # (kind, module, activation)
    with torch.no_grad():
        for kind, *p in d["layers"]:
            if kind == "conv":  # Keras (k, in, out) -> torch (out, in, k)
                K, b, padding, act = p
                # (causal only in conv_step, where the window carries the history)
                assert padding == "valid" or d["step"]
                m = nn.Conv1d(K.shape[1], K.shape[2], K.shape[0])
                m.weight.copy_(torch.from_numpy(np.ascontiguousarray(K.transpose(2, 1, 0))))
                m.bias.copy_(torch.from_numpy(b))
                mods.append(("conv", m, act))
            elif kind == "maxpool":
                mods.append(("maxpool", nn.MaxPool1d(p[0]), None))
            elif kind == "gmaxpool":
                mods.append(("gmaxpool", None, None))
            elif kind in ("gru", "lstm"):
                K, R, b = p
                u = R.shape[0]
                if kind == "gru":  # torch r, z, n <- Keras z, r, h
                    m, order, b_ih, b_hh = nn.GRU(K.shape[0], u, batch_first=True), [1, 0, 2], b[0], b[1]
                else:              # torch i, f, g, o == Keras i, f, c, o
                    m, order, b_ih, b_hh = nn.LSTM(K.shape[0], u, batch_first=True), [0, 1, 2, 3], b, np.zeros_like(b)
                m.weight_ih_l0.copy_(torch.from_numpy(regate(K, order, u).T.copy()))
                m.weight_hh_l0.copy_(torch.from_numpy(regate(R, order, u).T.copy()))
                m.bias_ih_l0.copy_(torch.from_numpy(regate(b_ih, order, u).copy()))
                m.bias_hh_l0.copy_(torch.from_numpy(regate(b_hh, order, u).copy()))
                mods.append((kind, m, None))
            else:
                W, b, act = p
                m = nn.Linear(W.shape[0], W.shape[1])
                m.weight.copy_(torch.from_numpy(W.T.copy()))
                m.bias.copy_(torch.from_numpy(b))
                mods.append(("dense", m, act))
    for _, m, _ in mods:
        if m is not None:
            m.eval()
    if d["step"]:
        (_, conv, _), (_, gru, _), (_, dense, _) = mods
        win, push, reset_win = step_window(d)
        w3 = torch.from_numpy(win).view(1, 1, -1)  # shares win's memory
        zero = torch.zeros(1, 1, gru.hidden_size)
        state = [zero]

        def step(v):
            push(v)
            with torch.inference_mode():
                c = conv(w3).transpose(1, 2)  # (1, 1, out) = (B, T, C)
                out, state[0] = gru(c, state[0])
                return dense(out[:, 0]).numpy()[0]

        def reset():
            reset_win()
            state[0] = zero
        return {"nn.Conv1d+nn.GRU step": step_variant(step, reset, d["x"])}

    emb = None
    if d["emb"] is not None:
        emb = nn.Embedding(VOCAB, d["emb"].shape[1])
        with torch.no_grad():
            emb.weight.copy_(torch.from_numpy(d["emb"]))
        emb.eval()
    x = torch.from_numpy(d["x"])

    def run():
        with torch.inference_mode():
            X = (emb(x) if emb is not None else x).transpose(1, 2)  # (B, C, T)
            for kind, m, act in mods:
                if kind in ("conv", "maxpool"):
                    X = m(X)
                elif kind == "gmaxpool":
                    X = X.amax(dim=2)
                elif kind in ("gru", "lstm"):
                    _, h_n = m(X.transpose(1, 2))  # batch_first (B, T, C)
                    X = (h_n[0] if kind == "lstm" else h_n)[-1]
                else:
                    X = m(X)
                if act == "relu":
                    X = torch.relu(X)
                elif act == "softmax":
                    X = torch.softmax(X, dim=-1)
            return X.numpy()
    return {"nn.Conv1d+nn." + ("GRU" if any(k == "gru" for k, _, _ in mods) else
                               "LSTM" if any(k == "lstm" for k, _, _ in mods) else "Linear"): run}


BUILDERS = {"numpy": build_numpy, "onnxruntime": build_onnxruntime,
            "tensorflow": build_tensorflow, "torch": build_torch,
            "onnxruntime-int8": build_onnxruntime_int8}


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------
def time_fn(fn, target_s, min_runs, max_runs):
    for _ in range(3):  # warm-up (tracing, allocator, caches)
        fn()
    t0 = time.perf_counter()
    fn()
    est = max(time.perf_counter() - t0, 1e-7)
    n = int(min(max_runs, max(min_runs, target_s / est)))
    ts, cs = [], []
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        c1, t0 = time.process_time(), time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
        cs.append(time.process_time() - c1)
    # process CPU time / wall time: ~1.0 means one busy thread
    cpu_util = (time.process_time() - c0) / (time.perf_counter() - w0)
    return statistics.median(ts), n, cpu_util, statistics.median(cs)


def worker(peer, workloads, quick):
    """Checks, then times, each workload; a check failure is reported (not timed)
    and the worker goes on with the next workload, exiting 1 at the end."""
    target, min_runs, max_runs = (0.25, 5, 2000) if quick else (1.5, 15, 20000)
    builder = BUILDERS[peer]
    tol = PEER_TOL.get(peer, TOL)
    any_failed = False

    def fail(name, error, version=None, variant=None, diff=None):
        nonlocal any_failed
        any_failed = True
        rec = {"workload": name, "peer": peer, "error": error}
        if variant is not None:
            rec["variant"] = variant
        if diff is not None:
            rec["max_abs_diff"] = diff
        if version is not None:
            rec["version"] = version
        print(f"  FAIL {peer}/{name}: {error}", file=sys.stderr, flush=True)
        print(json.dumps(rec), flush=True)

    for name in workloads:
        d = make_data(name)
        ref = reference(d)
        try:
            variants, version = builder(d)
        except Exception as e:
            fail(name, f"build: {type(e).__name__}: {e}")
            continue
        results, failures = {}, {}
        for vname, fn in variants.items():
            # 1. output check, before any timing
            try:
                # conv_step: the check steps through the whole input from reset (step_variant)
                y = np.asarray(getattr(fn, "check", fn)())
            except Exception as e:  # e.g. XLA unavailable: note it, keep going
                failures[vname] = (f"{type(e).__name__}: {e}", None)
                continue
            if y.shape != ref.shape:
                failures[vname] = (f"shape {y.shape} != {ref.shape}", None)
                continue
            diff = float(np.max(np.abs(y.astype(np.float64) - ref)))
            if not diff < tol:
                failures[vname] = (f"max_abs_diff {diff:.3g} >= {tol}", diff)
                continue
            # 2. timing, only for checked variants
            med, n, util, cpu = time_fn(fn, target, min_runs, max_runs)
            results[vname] = (med, n, diff, util, cpu)
        for vname, (err, _) in failures.items():
            if len(variants) > 1:
                print(f"  [{peer}/{name}] variant {vname} failed: {err}", file=sys.stderr)
        if not results:
            vname, (err, diff) = next(iter(failures.items()))
            fail(name, err if len(variants) == 1 else "no variant passed: " + "; ".join(
                f"{k}: {e}" for k, (e, _) in failures.items()), version, vname, diff)
            continue
        best = min(results, key=lambda k: results[k][0])
        med, n, diff, util, cpu = results[best]
        rec = {"workload": name, "peer": peer, "seconds": med, "runs": n,
               "max_abs_diff": diff, "version": version, "variant": best,
               "cpu_util": round(util, 3), "cpu_seconds": cpu,
               "threads": "default" if DEFAULT_THREADS else 1}
        if len(results) > 1:
            rec["variants"] = {k: v[0] for k, v in results.items()}
            rec["variants_cpu_seconds"] = {k: v[4] for k, v in results.items()}
        if failures:
            rec["failed_variants"] = {k: e for k, (e, _) in failures.items()}
        print(json.dumps(rec), flush=True)
    if any_failed:
        sys.exit(1)


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------
def fmt_t(s):
    return f"{s * 1e3:9.3f} ms" if s >= 1e-3 else f"{s * 1e6:9.1f} us"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workloads",
                    default=",".join(w for w in WORKLOADS if w not in WIDE + CONV),
                    help="comma-separated subset of " + ",".join(WORKLOADS)
                    + "; 'wide' for " + ",".join(WIDE) + ", 'conv' for " + ",".join(CONV)
                    + " (neither group in the default run)")
    ap.add_argument("--peers", default=",".join(PEERS),
                    help="comma-separated subset of " + ",".join(PEERS))
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--threads", choices=["1", "default"], default="1",
                    help="1 (default): one thread per peer; default: each peer's own default threading")
    ap.add_argument("--_worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    wls = []
    for w in a.workloads.split(","):
        for name in GROUPS.get(w, [w] if w else []):
            if name not in wls:
                wls.append(name)
    peers = [p for p in a.peers.split(",") if p]
    for w in wls:
        if w not in WORKLOADS:
            ap.error(f"unknown workload {w!r}")
    for p in peers:
        if p not in PEERS:
            ap.error(f"unknown peer {p!r}")

    if a._worker:
        worker(a._worker, wls, a.quick)
        return

    records = []
    failed = []
    for peer in peers:
        missing = [m for m in PEER_MODULES[peer] if importlib.util.find_spec(m) is None]
        if missing:
            print(f"note: skipping {peer}: not installed ({', '.join(missing)})", file=sys.stderr)
            continue
        print(f"running {peer} on {','.join(wls)} ...", file=sys.stderr, flush=True)
        cmd = [sys.executable, os.path.abspath(__file__), "--_worker", peer,
               "--workloads", ",".join(wls)] + (["--quick"] if a.quick else [])
        env = dict(os.environ, PEERS_THREADS=a.threads)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, env=env)
        for line in p.stdout.splitlines():
            if line.startswith("{"):
                records.append(json.loads(line))
        if p.returncode != 0:
            failed.append(peer)
            print(f"ERROR: peer {peer} failed (exit {p.returncode})", file=sys.stderr)

    order = {w: i for i, w in enumerate(WORKLOADS)}
    porder = {p: i for i, p in enumerate(PEERS)}
    records.sort(key=lambda r: (order[r["workload"]], porder[r["peer"]]))
    for r in records:
        print(json.dumps(r), flush=True)

    threads = "1 thread each" if a.threads == "1" else "each with its default threading"
    print(f"\nRNN peers, {threads}, median of runs ({'quick' if a.quick else 'full'})",
          file=sys.stderr)
    print(f"{'workload':12} {'peer':16} {'median':>12} {'runs':>6} {'max|diff|':>10} {'cpu':>5} {'cpu time':>12}  variant / version",
          file=sys.stderr)
    for r in records:
        if "error" in r:
            print(f"{r['workload']:12} {r['peer']:16} {'FAILED':>12}  {r['error']}", file=sys.stderr)
            continue
        print(f"{r['workload']:12} {r['peer']:16} {fmt_t(r['seconds']):>12} {r['runs']:6d} "
              f"{r['max_abs_diff']:10.2e} {r['cpu_util']:5.2f} {fmt_t(r['cpu_seconds']):>12}  "
              f"{r['variant']} / {r['version']}",
              file=sys.stderr)
        for k, v in r.get("variants", {}).items():
            if k != r["variant"]:
                cpu = r["variants_cpu_seconds"][k]
                print(f"{'':12} {'':16} {fmt_t(v):>12} {'':6} {'':10} {'':5} {fmt_t(cpu):>12}"
                      f"  (variant {k})", file=sys.stderr)
        for k, e in r.get("failed_variants", {}).items():
            print(f"{'':12} {'':16} {'FAILED':>12}   (variant {k}: {e})", file=sys.stderr)
    if failed:
        sys.exit(f"FAILED peers: {', '.join(failed)}")


if __name__ == "__main__":
    main()
