#!/usr/bin/env bash
# aarch64 instruction counts of examples/bench's workloads on the portable and NEON paths: the
# bench built for aarch64-unknown-linux-gnu, run under qemu-aarch64 with the counting plugin
# (insn_count.c). One call's count is the count with `--calls 2` less the count with `--calls 1`
# (model building, folding and start-up cancel out). An emulator's time means nothing, so these
# are counts, not speed (docs/PERFORMANCE.md, "aarch64 (NEON)"). Then the bench binary's
# disassembly: fmla against fmul and fadd on 4-lane vectors.
#
# Needs qemu-user, gcc-aarch64-linux-gnu (with its binutils) and the Rust target
# aarch64-unknown-linux-gnu. `WORKLOADS="seed lstm1" tools/aarch64/counts.sh` for fewer; the
# default is every workload, the wide ones included (about an hour on one core).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/aarch64}
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
cargo build --release --example bench --target aarch64-unknown-linux-gnu
bench=$CARGO_TARGET_DIR/aarch64-unknown-linux-gnu/release/examples/bench
plugin=$CARGO_TARGET_DIR/libinsn_count.so
gcc -shared -fPIC -O2 -o "$plugin" tools/aarch64/insn_count.c

# count CALLS PATH WORKLOAD: the instructions of the whole run.
count() {
  qemu-aarch64 -L /usr/aarch64-linux-gnu -plugin "$plugin" "$bench" --calls "$1" --simd "$2" \
    --workloads "$3" 2>&1 >/dev/null | sed -n 's/^insns: //p'
}

workloads=${WORKLOADS:-seed imdb1 imdb128 stack128 lstm1 lstm128 gru1 gru128 lstm_step gru_step bidir128 lstm_w64 lstm_w128 lstm_w256 gru_w128}
echo "| workload | portable | NEON | portable / NEON |"
echo "|---|---|---|---|"
for w in $workloads; do
  declare -A per_call
  for path in portable neon; do
    one=$(count 1 "$path" "$w")
    two=$(count 2 "$path" "$w")
    per_call[$path]=$((two - one))
  done
  awk -v w="$w" -v p="${per_call[portable]}" -v n="${per_call[neon]}" \
    'BEGIN { printf "| %s | %.0f | %.0f | %.2fx |\n", w, p, n, p / n }'
done

echo
dis=$(aarch64-linux-gnu-objdump -d --no-show-raw-insn "$bench")
for op in fmla fmul fadd; do
  echo "$op on 4 lanes: $(grep -cE "\s$op\s+v[0-9]+\.4s" <<<"$dis")"
done
