#!/usr/bin/env -S node --single-threaded-gc
// Runs a wasm32-wasip1 program (a test binary, an example) under Node's WASI, as cargo's runner:
//   CARGO_TARGET_WASM32_WASIP1_RUNNER=/abs/path/.ci/wasi.mjs cargo test --target wasm32-wasip1
// Cargo calls it with the .wasm file and the program's arguments, in the package's directory.
// The program sees that directory (and everything under it, so tests/fixtures) at the same
// absolute path it has on the host, so paths built from CARGO_MANIFEST_DIR at compile time open
// as they do natively, and relative paths from it as from the working directory;
// WASI_PREOPEN=dir1:dir2 gives those directories instead (the workspace root, for every
// package's tests). The environment is passed through; the exit code is the program's.
// `--single-threaded-gc` (the first line): Node 20's V8 crashed at random (SIGSEGV, or "Check
// failed: addr + aligned_size <= chunk_->area_end()" in its parallel sweeper, reached from
// `memory.grow`) in 5 of 6 runs of the 150 MB debug build of tests/baked.rs, after every test
// had passed; with the collector on one thread, 0 of 4 then every run since.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import process from "node:process";

// node:wasi warns that it is experimental, once, on stderr: not the program's output.
const emit = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === "string" ? rest[0] : rest[0]?.type;
  if (type !== "ExperimentalWarning") emit.call(process, warning, ...rest);
};
const { WASI } = await import("node:wasi");

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error("usage: node .ci/wasi.mjs program.wasm [args...]");
  process.exit(2);
}
// Relative paths start from the working directory, as they do natively.
const dirs = (process.env.WASI_PREOPEN ?? process.cwd()).split(":").filter(Boolean);
const preopens = { ".": process.cwd() };
for (const d of dirs) preopens[resolve(d)] = resolve(d);
const wasi = new WASI({
  version: "preview1",
  args: [file, ...args],
  env: process.env,
  preopens,
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
