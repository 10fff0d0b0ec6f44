#!/usr/bin/env python3
"""Train the small sine-wave predictor of examples/stream.rs and export it.

    python3 tools/train_sine.py        # writes examples/models/sine.json (and prints the declaration)

The model reads one value per frame (a noisy sine wave of varying frequency) and predicts the
next clean value: `Input(None, 1), GRU(16), Dense(1)`, trained for a few epochs in Keras 3 on
seeded data, saved as .keras and exported by tools/keras_export.py like any user model. The
weights are committed, so nothing here runs in CI.
"""
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import keras_export  # noqa: E402

with keras_export._quiet_stderr():
    import keras  # noqa: E402

OUT = os.path.join(os.path.dirname(HERE), "examples", "models", "sine.json")


def waves(rng, n, steps):
    """n windows of `steps` noisy frames and the clean value of the frame after each."""
    t = np.arange(steps + 1, dtype=np.float64)
    freq = rng.uniform(0.05, 0.25, (n, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    clean = np.sin(freq * t + phase)
    noisy = clean[:, :steps] + rng.normal(0, 0.05, (n, steps))
    return noisy[..., None].astype(np.float32), clean[:, steps:].astype(np.float32)


def main():
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(7)
    x, y = waves(rng, 4000, 40)
    model = keras.Sequential([keras.Input((None, 1)), keras.layers.GRU(16), keras.layers.Dense(1)],
                             name="sine")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, epochs=8, batch_size=64, verbose=2)
    xv, yv = waves(np.random.default_rng(8), 500, 40)
    print("validation mse", float(model.evaluate(xv, yv, verbose=0)))
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "sine.keras")
        model.save(src)
        exported = keras_export.export_file(src, OUT, indent=None)
    print(exported.layers_dsl)


if __name__ == "__main__":
    main()
