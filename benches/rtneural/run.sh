#!/usr/bin/env bash
# Build and run the RTNeural peer benchmark (all three backends), single thread.
#
#   RTN=/tmp/rtneural-src OUT=/tmp/rtneural-build benches/rtneural/run.sh > rtneural.jsonl
#
# RTN    RTNeural tree at the pinned commit, xsimd unpacked in $RTN/modules/xsimd
#        (see README.md; run.sh fetches both with git if $RTN does not exist).
# OUT    where the binaries go (bench_stl, bench_eigen, bench_xsimd; conv_step_<backend>, built
#        here from this directory's conv_step.cpp with build.sh's flags).
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
    # conv_step.cpp (the conv_step twin) lives here, not in $BENCH: the same flags as build.sh's.
    HERE="$(cd "$(dirname "$0")" && pwd)"
    ARCH="${ARCH:--march=native}"
    CXX="${CXX:-g++}"
    if echo | $CXX $ARCH -dM -E - | grep -q '__AVX512F__'; then SIMD_ALIGN=64
    elif echo | $CXX $ARCH -dM -E - | grep -q '__AVX__'; then SIMD_ALIGN=32
    else SIMD_ALIGN=16; fi
    EIGEN_ALIGN=$(( SIMD_ALIGN > 32 ? 32 : SIMD_ALIGN ))
    COMMON=(-std=c++17 -O3 $ARCH -DNDEBUG -I"$RTN" -I"$RTN/modules/json" -DRTNEURAL_NAMESPACE=RTNeural)
    echo "+ $CXX ... conv_step.cpp -> $OUT/conv_step_{stl,eigen,xsimd}" >&2
    $CXX "${COMMON[@]}" -DRTNEURAL_DEFAULT_ALIGNMENT=$SIMD_ALIGN "$HERE/conv_step.cpp" -o "$OUT/conv_step_stl"
    $CXX "${COMMON[@]}" -DRTNEURAL_USE_EIGEN=1 -DRTNEURAL_DEFAULT_ALIGNMENT=$EIGEN_ALIGN \
        -I"$RTN/modules/Eigen" "$HERE/conv_step.cpp" -o "$OUT/conv_step_eigen"
    $CXX "${COMMON[@]}" -DRTNEURAL_USE_XSIMD=1 -DRTNEURAL_DEFAULT_ALIGNMENT=$SIMD_ALIGN \
        -I"$RTN/modules/xsimd/include" "$HERE/conv_step.cpp" -o "$OUT/conv_step_xsimd"
fi

status=0
for b in eigen xsimd stl; do
    "$OUT/bench_$b" ${ONLY:+"$ONLY"} || { echo "bench_$b failed" >&2; status=1; }
done
# conv_step (checked against a float64 Keras reference before it is timed; exits 1 if it fails)
case conv_step in *"${ONLY:-}"*)
    for b in eigen xsimd stl; do
        "$OUT/conv_step_$b" || { echo "conv_step_$b failed" >&2; status=1; }
    done;;
esac
exit $status
