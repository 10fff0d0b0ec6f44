#!/usr/bin/env bash
# Build and run the RTNeural peer benchmark (all three backends), single thread.
#
#   RTN=/tmp/rtneural-src OUT=/tmp/rtneural-build benches/rtneural/run.sh > rtneural.jsonl
#
# RTN    RTNeural tree at the pinned commit, xsimd unpacked in $RTN/modules/xsimd
#        (see README.md; run.sh fetches both with git if $RTN does not exist).
# OUT    where the binaries go (bench_stl, bench_eigen, bench_xsimd).
# BENCH  directory holding bench.cpp and build.sh (default /work/shared/peers/rtneural).
# ARCH   compiler arch flags, passed to build.sh (default -march=native).
# SKIP_BUILD=1      reuse existing binaries in $OUT.
# RTN_BENCH_SCALE   repeat-count multiplier read by the binaries (default 1; 0.2 for a smoke test).
# ONLY   substring filter on workload names, passed to the binaries (e.g. seq500).
#
# stdout: JSON lines {"peer":"rtneural-<backend>","workload":...,"seconds":<median>};
# stderr: build log, spread (min/p10/p90) per workload and a checksum per backend
# (the checksums must agree across backends to about 1e-6 relative).
set -euo pipefail
RTN_COMMIT=1fb1f075a5d66e85bfc8f488c3f3626840cb3a1d
XSIMD_COMMIT=a00c81f7b9e808a42aedcf7da2fbb1f9a636da34
RTN="${RTN:?set RTN=/path/to/RTNeural}"
OUT="${OUT:?set OUT=/path/to/build-dir}"
BENCH="${BENCH:-/work/shared/peers/rtneural}"

if [ ! -d "$RTN/RTNeural" ]; then
    echo "+ fetching RTNeural $RTN_COMMIT and xsimd $XSIMD_COMMIT into $RTN" >&2
    tmp="$(mktemp -d)"
    git clone -q https://github.com/jatinchowdhury18/RTNeural "$tmp/rtn"
    git clone -q https://github.com/xtensor-stack/xsimd "$tmp/xsimd"
    mkdir -p "$RTN"
    git -C "$tmp/rtn" archive "$RTN_COMMIT" | tar -x -C "$RTN"
    mkdir -p "$RTN/modules/xsimd"
    git -C "$tmp/xsimd" archive "$XSIMD_COMMIT" | tar -x -C "$RTN/modules/xsimd"
    rm -rf "$tmp"
fi
[ -f "$RTN/modules/xsimd/include/xsimd/xsimd.hpp" ] \
    || { echo "missing $RTN/modules/xsimd (xsimd $XSIMD_COMMIT)" >&2; exit 1; }

# build.sh picks RTNEURAL_DEFAULT_ALIGNMENT from the target: 64 with AVX-512,
# 32 with AVX/AVX2 (Eigen capped at 32), 16 otherwise.
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    RTN="$RTN" OUT="$OUT" bash "$BENCH/build.sh" >&2
fi

status=0
for b in eigen xsimd stl; do
    "$OUT/bench_$b" ${ONLY:+"$ONLY"} || { echo "bench_$b failed" >&2; status=1; }
done
exit $status
