#!/usr/bin/env python3
"""Benchmark of "peer" SimpleRNN implementations (numpy, ONNX Runtime,
TensorFlow/Keras 3, PyTorch) on the same four workloads as our Rust code.

Every peer runs single-threaded, in its own subprocess (so thread pools and
library globals never interfere), on identical seeded weights and inputs.
Each peer's output is checked against a float64 numpy reference
(max abs diff must be < 1e-4, otherwise the run fails).

Semantics (Keras SimpleRNN, tanh, zero initial state):
    h_t = tanh(x_t @ K + b + h_{t-1} @ R),  K: (in, units), R: (units, units)

Output: one JSON line per (workload, peer) on stdout, a table on stderr.

    python benches/peers.py                      # all workloads, all peers
    python benches/peers.py --workloads seed,imdb1 --quick
    python benches/peers.py --peers numpy,onnxruntime
"""

import os

# Single thread everywhere; must happen before numpy/TF/torch/ORT import.
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

# name -> spec. layers: list of (input_dim, units, return_sequences)
WORKLOADS = {
    "seed": dict(embedding=False, batch=1, T=100, in_dim=32,
                 layers=[(32, 64, True)]),
    "imdb1": dict(embedding=True, batch=1, T=T_IMDB,
                  layers=[(EMB_DIM, 32, False)]),
    "imdb128": dict(embedding=True, batch=128, T=T_IMDB,
                    layers=[(EMB_DIM, 32, False)]),
    "stack128": dict(embedding=True, batch=128, T=T_IMDB,
                     layers=[(EMB_DIM, 32, True)] * 3 + [(32, 32, False)]),
}
PEERS = ["numpy", "onnxruntime", "tensorflow", "torch"]
PEER_MODULES = {"numpy": ["numpy"], "onnxruntime": ["onnx", "onnxruntime"],
                "tensorflow": ["tensorflow", "keras"], "torch": ["torch"]}


# --------------------------------------------------------------------------
# Data: identical for every peer (deterministic from SEED and workload name)
# --------------------------------------------------------------------------
def make_data(name):
    spec = WORKLOADS[name]
    # imdb1 and imdb128 share the same model (same weights).
    model_key = {"imdb128": "imdb1"}.get(name, name)
    rng = np.random.default_rng([SEED, sum(map(ord, model_key))])
    emb = None
    if spec["embedding"]:
        emb = rng.uniform(-1.0, 1.0, (VOCAB, EMB_DIM)).astype(np.float32)
    layers = []
    for in_dim, units, ret_seq in spec["layers"]:
        K = rng.uniform(-0.3, 0.3, (in_dim, units)).astype(np.float32)
        R = rng.uniform(-0.3, 0.3, (units, units)).astype(np.float32)
        b = rng.uniform(-0.1, 0.1, (units,)).astype(np.float32)
        layers.append((K, R, b, ret_seq))
    irng = np.random.default_rng([SEED, sum(map(ord, name)), 1])
    B, T = spec["batch"], spec["T"]
    if spec["embedding"]:
        x = irng.integers(0, VOCAB, (B, T), dtype=np.int64)
    else:
        x = irng.uniform(-1.0, 1.0, (B, T, spec["in_dim"])).astype(np.float32)
    return dict(name=name, emb=emb, layers=layers, x=x, batch=B)


def reference(d):
    """float64 numpy reference, output in the workload's shape."""
    x = d["x"]
    X = d["emb"].astype(np.float64)[x] if d["emb"] is not None else x.astype(np.float64)
    for K, R, b, ret_seq in d["layers"]:
        K, R, b = K.astype(np.float64), R.astype(np.float64), b.astype(np.float64)
        H = np.zeros((X.shape[0], K.shape[1]))
        outs = []
        for t in range(X.shape[1]):
            H = np.tanh(X[:, t] @ K + H @ R + b)
            outs.append(H)
        X = np.stack(outs, axis=1) if ret_seq else H
    return X[0] if d["batch"] == 1 else X  # seed (100,64), imdb1 (32,), batch (128,32)


# --------------------------------------------------------------------------
# Peers: build(d) -> (run: () -> np.ndarray in workload shape, version, variants)
# variants: optional dict name -> run for peers with several ways to call.
# --------------------------------------------------------------------------
def build_numpy(d):
    emb, layers, x = d["emb"], d["layers"], d["x"]

    if d["batch"] == 1:
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
    else:
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
    return {"loop": run}, "numpy " + np.__version__


def build_onnxruntime(d):
    import onnx
    import onnxruntime as ort
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
    for i, (K, R, b, ret_seq) in enumerate(d["layers"]):
        units = K.shape[1]
        inits.append(numpy_helper.from_array(K.T[None].copy(), f"W{i}"))  # (1, units, in)
        inits.append(numpy_helper.from_array(R.T[None].copy(), f"R{i}"))  # (1, units, units)
        inits.append(numpy_helper.from_array(
            np.concatenate([b, np.zeros_like(b)])[None], f"B{i}"))         # (1, 2*units)
        nodes.append(helper.make_node(
            "RNN", [cur, f"W{i}", f"R{i}", f"B{i}"], [f"Y{i}", f"Yh{i}"],
            hidden_size=units, activations=["Tanh"], direction="forward"))
        if i < n - 1:  # (T, 1, B, u) -> (T, B, u) feeds the next RNN
            nodes.append(helper.make_node("Squeeze", [f"Y{i}", "ax1"], [f"seq{i + 1}"]))
            cur = f"seq{i + 1}"
    if last_ret_seq:  # (T, 1, B, u) -> (B, T, u)
        nodes.append(helper.make_node("Squeeze", [f"Y{n - 1}", "ax1"], ["ys"]))
        nodes.append(helper.make_node("Transpose", ["ys"], ["y"], perm=[1, 0, 2]))
    else:             # Y_h (1, B, u) -> (B, u)
        nodes.append(helper.make_node("Squeeze", [f"Yh{n - 1}", "ax0"], ["y"]))
    out_shape = ["B", "T", "U"] if last_ret_seq else ["B", "U"]
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)
    graph = helper.make_graph(nodes, "simplernn_" + d["name"], [inp], [out], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = min(model.ir_version, 9)
    onnx.checker.check_model(model)

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.log_severity_level = 3
    sess = ort.InferenceSession(model.SerializeToString(), so,
                                providers=["CPUExecutionProvider"])
    feed = {"x": d["x"]}
    single = d["batch"] == 1

    def run():
        y = sess.run(["y"], feed)[0]
        return y[0] if single else y
    return {"session.run": run}, f"onnxruntime {ort.__version__} (onnx {onnx.__version__}, opset 17)"


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
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.set_visible_devices([], "GPU")
    import keras

    x = d["x"]
    layers = []
    if d["emb"] is not None:
        layers.append(keras.Input(shape=(None,), dtype="int32"))
        layers.append(keras.layers.Embedding(VOCAB, EMB_DIM))
    else:
        layers.append(keras.Input(shape=(None, x.shape[2])))
    for K, R, b, ret_seq in d["layers"]:
        layers.append(keras.layers.SimpleRNN(K.shape[1], return_sequences=ret_seq))
    model = keras.Sequential(layers)
    j = 0
    if d["emb"] is not None:
        model.layers[0].set_weights([d["emb"]])
        j = 1
    for i, (K, R, b, _) in enumerate(d["layers"]):
        model.layers[j + i].set_weights([K, R, b])

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
    return variants, f"tensorflow {tf.__version__}, keras {keras.__version__}"


def build_torch(d):
    import torch
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    from torch import nn

    layers = d["layers"]
    units = {K.shape[1] for K, _, _, _ in layers}
    assert len(units) == 1
    u = units.pop()
    in_dim = layers[0][0].shape[0]
    rnn = nn.RNN(in_dim, u, num_layers=len(layers), nonlinearity="tanh",
                 bias=True, batch_first=True)
    with torch.no_grad():
        for i, (K, R, b, _) in enumerate(layers):
            getattr(rnn, f"weight_ih_l{i}").copy_(torch.from_numpy(K.T.copy()))
            getattr(rnn, f"weight_hh_l{i}").copy_(torch.from_numpy(R.T.copy()))
            getattr(rnn, f"bias_ih_l{i}").copy_(torch.from_numpy(b))
            getattr(rnn, f"bias_hh_l{i}").zero_()
    rnn.eval()
    emb = None
    if d["emb"] is not None:
        emb = nn.Embedding(VOCAB, EMB_DIM)
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
            y = out if ret_seq else h_n[-1]
            y = y.numpy()
        return y[0] if single else y
    return {"nn.RNN": run}, f"torch {torch.__version__}"


BUILDERS = {"numpy": build_numpy, "onnxruntime": build_onnxruntime,
            "tensorflow": build_tensorflow, "torch": build_torch}


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
    ts = []
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    # process CPU time / wall time: ~1.0 means one busy thread
    cpu_util = (time.process_time() - c0) / (time.perf_counter() - w0)
    return statistics.median(ts), n, cpu_util


def worker(peer, workloads, quick):
    target, min_runs, max_runs = (0.25, 5, 2000) if quick else (1.5, 15, 20000)
    builder = BUILDERS[peer]
    for name in workloads:
        d = make_data(name)
        ref = reference(d)
        variants, version = builder(d)
        results = {}
        for vname, fn in variants.items():
            try:
                y = np.asarray(fn())
            except Exception as e:  # e.g. XLA unavailable: note it, keep going
                if len(variants) > 1:
                    print(f"  [{peer}/{name}] variant {vname} failed: {type(e).__name__}: {e}",
                          file=sys.stderr)
                    continue
                raise
            if y.shape != ref.shape:
                raise SystemExit(f"FAIL {peer}/{vname}/{name}: shape {y.shape} != {ref.shape}")
            diff = float(np.max(np.abs(y.astype(np.float64) - ref)))
            if not diff < TOL:
                raise SystemExit(f"FAIL {peer}/{vname}/{name}: max_abs_diff {diff:.3g} >= {TOL}")
            med, n, util = time_fn(fn, target, min_runs, max_runs)
            results[vname] = (med, n, diff, util)
        if not results:
            raise SystemExit(f"FAIL {peer}/{name}: no variant ran")
        best = min(results, key=lambda k: results[k][0])
        med, n, diff, util = results[best]
        rec = {"workload": name, "peer": peer, "seconds": med, "runs": n,
               "max_abs_diff": diff, "version": version, "variant": best,
               "cpu_util": round(util, 3)}
        if len(results) > 1:
            rec["variants"] = {k: v[0] for k, v in results.items()}
        print(json.dumps(rec), flush=True)


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------
def fmt_t(s):
    return f"{s * 1e3:9.3f} ms" if s >= 1e-3 else f"{s * 1e6:9.1f} us"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workloads", default=",".join(WORKLOADS),
                    help="comma-separated subset of " + ",".join(WORKLOADS))
    ap.add_argument("--peers", default=",".join(PEERS),
                    help="comma-separated subset of " + ",".join(PEERS))
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--_worker", help=argparse.SUPPRESS)
    a = ap.parse_args()
    wls = [w for w in a.workloads.split(",") if w]
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
        p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
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

    print(f"\nSimpleRNN peers, 1 thread each, median of runs ({'quick' if a.quick else 'full'})",
          file=sys.stderr)
    print(f"{'workload':9} {'peer':12} {'median':>12} {'runs':>6} {'max|diff|':>10} {'cpu':>5}  variant / version",
          file=sys.stderr)
    for r in records:
        print(f"{r['workload']:9} {r['peer']:12} {fmt_t(r['seconds']):>12} {r['runs']:6d} "
              f"{r['max_abs_diff']:10.2e} {r['cpu_util']:5.2f}  {r['variant']} / {r['version']}",
              file=sys.stderr)
        for k, v in r.get("variants", {}).items():
            if k != r["variant"]:
                print(f"{'':9} {'':12} {fmt_t(v):>12}   (variant {k})", file=sys.stderr)
    if failed:
        sys.exit(f"FAILED peers: {', '.join(failed)}")


if __name__ == "__main__":
    main()
