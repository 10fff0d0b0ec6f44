#!/usr/bin/env python3
"""Loads examples/web/index.html in headless Chromium and checks its numbers.

    python3 examples/web/check.py NATIVE_BIN WASM [WASM...]

NATIVE_BIN is this crate's `native` binary, built for the host: it runs the same Rust code on
the fixture's token rows (tests/fixtures/imdb.io.json), and the page, given each WASM file
(paths relative to examples/web), must show the same f32 bits for every row, all within 1e-5
of Keras's recorded outputs. The repository root is served on a free local port; the page posts
its results to /result (`?report=1`). Prints each build's time for one forward pass of 500
tokens as the browser measured it. Needs python3 and Debian's `chromium` (or CHROMIUM=path).
Exits non-zero on any difference, or when the page fails or does not answer in 180 s.
"""

import http.server
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests/fixtures/imdb.io.json"
TOLERANCE = 1e-5  # the parity bound of tests/keras_fixtures.rs
TIMEOUT = 180


def native_outputs(native_bin, rows):
    """The host's bits for each row, from `native` (one line of ids in, `bits value` out)."""
    text = "".join(" ".join(map(str, ids)) + "\n" for ids in rows)
    out = subprocess.run([native_bin], input=text, capture_output=True, text=True, check=True)
    return [line.split()[0] for line in out.stdout.splitlines()]


def serve(results):
    """Serves ROOT on 127.0.0.1 (a free port); a POST to /result goes to `results`."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(ROOT), **kwargs)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()
            if self.path == "/result":
                results.put(json.loads(body))

        def log_message(self, *args):
            pass

    http.server.SimpleHTTPRequestHandler.extensions_map[".wasm"] = "application/wasm"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_page(chromium, url, results):
    """Opens `url` in headless Chromium and waits for the page's report."""
    profile = tempfile.mkdtemp(prefix="rnn-web-chromium-")
    args = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", url,
    ]
    # Its own process group, so that the browser's helpers end with it.
    browser = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        return results.get(timeout=TIMEOUT)
    except queue.Empty:
        return {"error": f"no report from the page in {TIMEOUT} s"}
    finally:
        try:
            os.killpg(browser.pid, signal.SIGTERM)
            browser.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(browser.pid, signal.SIGKILL)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    native_bin, wasms = sys.argv[1], sys.argv[2:]
    chromium = os.environ.get("CHROMIUM", "chromium")
    fixture = json.loads(FIXTURE.read_text())
    rows = fixture["inputs"]
    keras = [out[0] for out in fixture["outputs"]]
    native = native_outputs(native_bin, rows)
    results = queue.Queue()
    server = serve(results)
    failures = 0
    for wasm in wasms:
        url = (f"http://127.0.0.1:{server.server_address[1]}/examples/web/index.html"
               f"?report=1&wasm={wasm}")
        report = run_page(chromium, url, results)
        if "error" in report:
            print(f"{wasm}: the page failed: {report['error']}")
            failures += 1
            continue
        page = report["rows"]
        for i, (ours, bits, k) in enumerate(zip(page, native, keras)):
            same = ours["bits"] == bits
            close = ours["value"] is not None and abs(ours["value"] - k) <= TOLERANCE
            print(f"{wasm} row {i}: page {ours['value']!r} ({ours['bits']}), native {bits}, "
                  f"Keras {k!r}: {'same bits' if same else 'DIFFERENT BITS'}, "
                  f"{'within' if close else 'NOT within'} {TOLERANCE} of Keras")
            failures += (not same) + (not close)
        if len(page) != len(native):
            print(f"{wasm}: {len(page)} rows on the page, {len(native)} native")
            failures += 1
        t = report["timing"]
        print(f"{wasm}: simd128 {report['simd128']}; one forward pass of {t['tokens']} tokens in "
              f"the browser: {t['median_us']:.1f} us (median; {t['min_us']:.1f}-{t['max_us']:.1f}); "
              f"{report['userAgent']}")
    server.shutdown()
    if failures:
        sys.exit(f"{failures} differences")


if __name__ == "__main__":
    main()
