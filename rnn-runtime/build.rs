//! Probes the build machine's CPU for the tests of the SIMD paths: when the build runs on the
//! machine it targets (host == target, x86-64), emits `cpu_avx2` (AVX2 and FMA) and
//! `cpu_avx512` (AVX-512F too) and `cpu_avx512vl` (AVX-512VL too: the 256-bit AVX-512 kernels)
//! for what the CPU has, and the tests of a path it lacks are
//! marked ignored rather than passing without running. The library itself never reads them.
//! `cpu_neon` needs no probe: NEON is part of the target (aarch64 with `target_feature =
//! "neon"`), so every CPU a build for it runs on has it (under qemu-aarch64 too).
//!
//! `RNN_HIDE_AVX512=1` (or `RNN_HIDE_AVX2=1`, which hides both) leaves the cfg out on a CPU
//! that has the path, to see those tests reported as ignored.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(cpu_avx2, cpu_avx512, cpu_avx512vl, cpu_neon)");
    // (No `rerun-if-changed=build.rs`: a changed script reruns anyway, and the workspace's root
    // package runs this file as its own build script from another directory.)
    println!("cargo::rerun-if-env-changed=RNN_HIDE_AVX2");
    println!("cargo::rerun-if-env-changed=RNN_HIDE_AVX512");
    let aarch64 = env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "aarch64");
    let neon =
        env::var("CARGO_CFG_TARGET_FEATURE").is_ok_and(|f| f.split(',').any(|f| f == "neon"));
    if aarch64 && neon {
        println!("cargo::rustc-cfg=cpu_neon");
    }
    let same_machine = env::var("HOST").ok() == env::var("TARGET").ok();
    let x86_64 = env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "x86_64");
    if !(same_machine && x86_64) {
        return;
    }
    let hidden = |name: &str| env::var(name).is_ok_and(|v| !v.is_empty() && v != "0");
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::is_x86_feature_detected as has;
        if has!("avx2") && has!("fma") && !hidden("RNN_HIDE_AVX2") {
            println!("cargo::rustc-cfg=cpu_avx2");
            if has!("avx512f") && !hidden("RNN_HIDE_AVX512") {
                println!("cargo::rustc-cfg=cpu_avx512");
                if has!("avx512vl") {
                    println!("cargo::rustc-cfg=cpu_avx512vl");
                }
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = hidden;
}
