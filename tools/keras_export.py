#!/usr/bin/env python3
"""Export a Keras RNN model to the rnn-weights JSON format (docs/WEIGHTS_FORMAT.md, version 1).

Usage:
    python tools/keras_export.py MODEL OUT.json [--gzip] [--indent N] [--tf-keras | --keras3] [--verbose]

MODEL is a `.keras` file (Keras 3, loaded with `keras`) or a `.h5` file (Keras 2, loaded with
`tf_keras`); `--tf-keras` / `--keras3` override the choice made from the extension. OUT ending in
`.gz` (or `--gzip`) writes gzip-compressed JSON. `--indent N` pretty-prints the metadata (each
tensor's data stays on one line).

Supported layers: InputLayer (not written), Embedding, SimpleRNN, Dense. Anything else, or an option
that changes inference in a way the project does not implement (return_state, stateful,
zero_output_for_mask, time_major, an activation outside the list in WEIGHTS_FORMAT.md), makes the
exporter print one line to stderr and exit with status 2. Other failures (unreadable file, ...) exit 1.
Dropout arguments and `unroll` are ignored (no effect on inference results).

Floats are written with the shortest decimal text that parses back to the same float32.
Requirements (pinned in tools/requirements.txt): numpy, and keras 3.x and/or tf_keras 2.x with tensorflow.
"""

import argparse
import contextlib
import gzip
import io
import json
import os
import re
import sys
import zlib

import numpy as np

FORMAT = "rnn-weights"
VERSION = 1

SUPPORTED_CLASSES = ("Embedding", "SimpleRNN", "Dense")
# Activation names as written in the file (see docs/WEIGHTS_FORMAT.md).
ACTIVATIONS = {
    "linear", "relu", "sigmoid", "tanh", "softmax", "elu", "selu", "softplus", "softsign",
    "swish", "gelu", "exponential", "hard_sigmoid", "hard_sigmoid_keras2", "relu6",
    "leaky_relu", "mish", "log_softmax",
}
WEIGHT_NAMES = {
    "Embedding": ["embeddings"],
    "SimpleRNN": ["kernel", "recurrent_kernel", "bias"],
    "Dense": ["kernel", "bias"],
}


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
# Model -> document
# --------------------------------------------------------------------------------------------
def _activation(layer, cfg, tf_keras):
    act = cfg.get("activation", "linear")
    if act is None:
        act = "linear"
    if not isinstance(act, str):
        raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): custom activation "
                          f"{act!r} is not supported")
    if act == "silu":
        act = "swish"
    if tf_keras and act == "hard_sigmoid":
        act = "hard_sigmoid_keras2"
    if act not in ACTIVATIONS or (act == "hard_sigmoid_keras2" and not tf_keras):
        raise Unsupported(f"layer '{layer.name}' ({type(layer).__name__}): activation '{act}' "
                          f"is not supported")
    return act


def _weight_short_name(w):
    name = getattr(w, "path", None) or w.name
    name = name.split("/")[-1]
    return name.split(":")[0]


def _layer_doc(layer, tf_keras):
    cls = type(layer).__name__
    cfg = layer.get_config()
    where = f"layer '{layer.name}' ({cls})"

    def refuse(what):
        raise Unsupported(f"{where}: {what} is not supported")

    # Quantized / LoRA layers (Keras 3) store different tensors.
    qmode = getattr(getattr(layer, "dtype_policy", None), "quantization_mode", None)
    if qmode:
        refuse(f"quantization mode '{qmode}'")
    if getattr(layer, "lora_enabled", False):
        refuse("LoRA")

    if cls == "Embedding":
        if cfg.get("sparse"):
            refuse("sparse=True")
        config = {
            "input_dim": int(cfg["input_dim"]),
            "output_dim": int(cfg["output_dim"]),
            "mask_zero": bool(cfg.get("mask_zero", False)),
            "input_length": None if cfg.get("input_length") is None else int(cfg["input_length"]),
        }
        names = ["embeddings"]
        shapes = [[config["input_dim"], config["output_dim"]]]
    elif cls == "SimpleRNN":
        for key in ("return_state", "stateful", "zero_output_for_mask", "time_major"):
            if cfg.get(key):
                refuse(f"{key}=True")
        cell = getattr(layer, "cell", None)
        if cell is not None and type(cell).__name__ != "SimpleRNNCell":
            refuse(f"cell class {type(cell).__name__}")
        units = int(cfg["units"])
        config = {
            "units": units,
            "activation": _activation(layer, cfg, tf_keras),
            "use_bias": bool(cfg.get("use_bias", True)),
            "return_sequences": bool(cfg.get("return_sequences", False)),
            "go_backwards": bool(cfg.get("go_backwards", False)),
        }
        names = ["kernel", "recurrent_kernel"] + (["bias"] if config["use_bias"] else [])
        shapes = [None, [units, units]] + ([[units]] if config["use_bias"] else [])
    elif cls == "Dense":
        units = int(cfg["units"])
        config = {
            "units": units,
            "activation": _activation(layer, cfg, tf_keras),
            "use_bias": bool(cfg.get("use_bias", True)),
        }
        names = ["kernel"] + (["bias"] if config["use_bias"] else [])
        shapes = [None] + ([[units]] if config["use_bias"] else [])
    else:
        raise Unsupported(f"{where}: layer class {cls} is not supported "
                          f"(supported: {', '.join(SUPPORTED_CLASSES)})")

    weights = layer.weights
    values = layer.get_weights()
    if len(values) != len(names):
        raise Unsupported(f"{where}: expected {len(names)} weight tensors {names}, found {len(values)}")
    tensors = []
    for w, val, want, shape in zip(weights, values, names, shapes):
        got = _weight_short_name(w)
        if got != want:
            raise Unsupported(f"{where}: expected weight '{want}', found '{got}'")
        val = np.asarray(val)
        if val.dtype.kind != "f":
            raise Unsupported(f"{where}: weight '{got}' has dtype {val.dtype}, expected float")
        if shape is None:  # kernels: (in, units)
            if val.ndim != 2 or val.shape[1] != config["units"]:
                raise Unsupported(f"{where}: kernel shape {val.shape} is not (in, {config['units']})")
        elif list(val.shape) != shape:
            raise Unsupported(f"{where}: weight '{got}' has shape {list(val.shape)}, expected {shape}")
        arr = val.astype(np.float32)
        if not np.all(np.isfinite(arr)):
            raise Unsupported(f"{where}: weight '{got}' holds NaN/inf (or overflows float32)")
        tensors.append((want, [int(d) for d in arr.shape], arr))
    return {"name": layer.name, "class": cls, "config": config}, tensors


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
        if len(getattr(layer, "_inbound_nodes", [None])) > 1 or layer.input is not prev:
            raise Unsupported(f"model '{model.name}': layer '{layer.name}' is not fed by the previous "
                              "layer; only linear (Sequential-like) models are supported")
        prev = layer.output
    if prev is not outputs[0]:
        raise Unsupported(f"model '{model.name}': output is not the last layer's output")


def model_document(model, producer, tf_keras):
    """Return (metadata dict with placeholders, list of (name, shape, float32 array) per layer)."""
    layers = list(model.layers)
    for layer in layers:  # report the first unsupported class before anything else
        cls = type(layer).__name__
        if cls != "InputLayer" and cls not in SUPPORTED_CLASSES:
            raise Unsupported(f"layer '{layer.name}' ({cls}): layer class {cls} is not supported "
                              f"(supported: {', '.join(SUPPORTED_CLASSES)})")
    docs = []
    for layer in layers:
        if type(layer).__name__ == "InputLayer":
            continue
        docs.append(_layer_doc(layer, tf_keras))
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
    return input_shape, docs


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


def export_model(model, out_path, producer, tf_keras, gzip_out=None, indent=None):
    """Export an in-memory Keras model. Raises Unsupported. Returns the checksum."""
    input_shape, docs = model_document(model, producer, tf_keras)
    if gzip_out is None:
        gzip_out = str(out_path).endswith(".gz")
    tmp = str(out_path) + ".part"
    try:
        if gzip_out:
            raw = gzip.GzipFile(tmp, "wb", compresslevel=6, mtime=0)  # mtime=0: reproducible bytes
            fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        else:
            fh = open(tmp, "w", encoding="utf-8", newline="\n")
        with fh:
            checksum = write_document(fh, model.name, producer, input_shape, docs, indent)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return checksum


def export_file(model_path, out_path, use_tf_keras=None, gzip_out=None, indent=None, verbose=False):
    """Load model_path (.keras -> keras, .h5 -> tf_keras unless use_tf_keras says otherwise) and
    export it. Raises Unsupported for unsupported models. Returns the checksum."""
    if use_tf_keras is None:
        use_tf_keras = str(model_path).lower().endswith((".h5", ".hdf5"))
    with _quiet_stderr(not verbose):
        model, producer = load_model(str(model_path), use_tf_keras)
    return export_model(model, out_path, producer, use_tf_keras, gzip_out, indent)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", help=".keras (Keras 3) or .h5 (Keras 2 / tf_keras) model file")
    ap.add_argument("out", help="output weights JSON (.gz suffix: gzip)")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--tf-keras", dest="tf_keras", action="store_true", default=None,
                   help="load with tf_keras (default for .h5)")
    g.add_argument("--keras3", dest="tf_keras", action="store_false",
                   help="load with keras 3 (default for .keras)")
    ap.add_argument("--gzip", action="store_true", default=None, help="gzip the output")
    ap.add_argument("--indent", type=int, default=None, help="pretty-print metadata with N spaces")
    ap.add_argument("--verbose", action="store_true", help="do not silence TensorFlow's stderr")
    args = ap.parse_args(argv)
    prog = "keras_export"
    if not os.path.exists(args.model):
        print(f"{prog}: error: {args.model}: no such file", file=sys.stderr)
        return 1
    try:
        checksum = export_file(args.model, args.out, args.tf_keras, args.gzip, args.indent, args.verbose)
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
        print(f"{prog}: wrote {args.out} ({checksum})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
