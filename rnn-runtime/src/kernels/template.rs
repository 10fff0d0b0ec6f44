//! The intrinsics kernels, written once as a template ([`simd_kernels!`]) and expanded to one
//! module per instruction set: `x86_64.rs` expands it to `avx2` (AVX2 + FMA, 8-lane `__m256`),
//! `avx512` (AVX-512F, 16-lane `__m512`) and `avx512_256` (AVX-512VL, 8-lane `__m256` in 32
//! registers), `aarch64.rs` to `neon` (4-lane `float32x4_t`), `wasm32.rs` to `simd128`. A
//! fix to a kernel is made in the template and reaches every path.
//!
//! Why intrinsics: which values live in registers then does not depend on LLVM's
//! auto-vectoriser, which with the portable kernel kept the accumulators in memory at some
//! widths and rows (docs/PERFORMANCE.md).
//!
//! Why a `macro_rules!` template and not generic code over a trait of small per-path wrapper
//! functions: the wrappers (`#[target_feature]` functions cannot be `#[inline(always)]`) are not
//! all inlined (tried: docs/PERFORMANCE.md). Here the template substitutes each intrinsic's
//! name directly, so the expanded code calls the intrinsics themselves. Where an instruction
//! set's intrinsic has another shape than the template's (argument order, no masked loads), the
//! expansion passes a helper of its own under the template's name (`helpers`).
//!
//! The template names nothing of an architecture: its module (`arch`), register type, lane
//! count, blocking, lane masks and intrinsics are all parameters.

/// Expands to `pub(super) mod $name` holding, for one instruction set:
/// `matvec2_group` (the grouped matrix-vector product, in row blocks for three rows or more),
/// `lstm_row` and `gru_row` (one row's whole gated step, the gates in the
/// product's registers), `sigmoid` (and the `exp` it is built on), and `tanh` with the
/// division replaced by a reciprocal estimate refined by one Newton step.
///
/// Parameters: the module name and its doc; the `#[target_feature]` string; the `std::arch`
/// module whose intrinsics it uses; the register type and its lane count; the tiles (registers
/// per row) for one row (and the number of partial sums its inputs are split over), for two rows
/// and the row block (rows x registers) for more; the wide groups' threshold, row block and
/// chunk of inputs (`wide`: from that many rows, the blocked products); the type of a tile's lane mask, its all-lanes
/// value, and items defining `fn lanes(left: usize) -> mask` (the lanes that hold outputs when
/// `left` remain) and any helper the intrinsics below name; then the intrinsics by name, with
/// x86's meanings: `fmadd(a, b, c) = a b + c`, `fnmadd(a, b, c) = c - a b` (each rounded once),
/// `min(a, b)` and `max(a, b)` NaN when `b` is (the template clamps with the value second),
/// `shl_i32::<N>` and `sar_i32::<N>` shifts by a constant; the masked load and store as
/// closure-like forms over (pointer, mask[, value]), touching only the masked lanes' memory;
/// and `rcp`, a reciprocal estimate good to about 12 bits (the template adds one Newton step).
macro_rules! simd_kernels {
    (
        $(#[$meta:meta])*
        mod $name:ident;
        feature = $feature:literal;
        arch = $($arch:ident)::+;
        register = $reg:ty, lanes = $lanes:literal;
        tiles = (one_row: $t_one:literal split $s_one:literal, few_rows: $t_few:literal);
        row_block = ($block_rows:literal rows x $block_tiles:literal);
        wide = (from $wide_min:literal rows: $wide_rows:literal rows x $wide_tiles:literal, chunk $chunk:literal);
        mask = $mask:ty, full = $full:expr;
        helpers = { $($helpers:item)* }
        setzero = $setzero:ident, set1 = $set1:ident, loadu = $loadu:ident,
        storeu = $storeu:ident, add = $add:ident, sub = $sub:ident, mul = $mul:ident,
        div = $div:ident, fmadd = $fmadd:ident, fnmadd = $fnmadd:ident, min = $min:ident,
        max = $max:ident, as_int = $as_int:ident, as_float = $as_float:ident,
        add_i32 = $add_i32:ident, sub_i32 = $sub_i32:ident, shl_i32 = $shl_i32:ident,
        sar_i32 = $sar_i32:ident, set1_i32 = $set1_i32:ident;
        masked_load = |$lp:ident, $lm:ident| $masked_load:expr;
        masked_store = |$sp:ident, $sm:ident, $sv:ident| $masked_store:expr;
        rcp = $rcp:ident;
    ) => {
        $(#[$meta])*
        pub(super) mod $name {
            use $($arch)::+::*;
            use std::array::from_fn;

            #[allow(unused_imports)]
            use super::super::approx::{
                EXP_C1, EXP_C2, EXP_HI, EXP_LO, EXP_P2, EXP_P3, EXP_P4, EXP_P5, EXP_P6,
                HALF_TANH_HALF, LOG2_E, OddRational, ROUND_MAGIC, TANH,
            };

            $($helpers)*

            /// Floats in a register.
            pub(in super::super) const LANES: usize = $lanes;

            /// A group's products `out[g] = init[g] + x1[g] · w1 + x2[g] · w2` (either product
            /// may have no inputs): the rows' inputs, the weights, and where each row's
            /// accumulators start and go (OUT floats each; the same rows, or rows that do not
            /// overlap).
            #[derive(Clone, Copy)]
            struct Rows<'a, const G: usize, const IN1: usize, const IN2: usize, const OUT: usize> {
                x1: [&'a [f32; IN1]; G],
                w1: &'a [[f32; OUT]; IN1],
                x2: [&'a [f32; IN2]; G],
                w2: &'a [[f32; OUT]; IN2],
                init: [*const f32; G],
                out: [*mut f32; G],
            }

            impl<'a, const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>
                Rows<'a, G, IN1, IN2, OUT>
            {
                /// Rows `r..r + R`.
                #[inline(always)]
                fn block<const R: usize>(&self, r: usize) -> Rows<'a, R, IN1, IN2, OUT> {
                    Rows {
                        x1: std::array::from_fn(|k| self.x1[r + k]),
                        w1: self.w1,
                        x2: std::array::from_fn(|k| self.x2[r + k]),
                        w2: self.w2,
                        init: std::array::from_fn(|k| self.init[r + k]),
                        out: std::array::from_fn(|k| self.out[r + k]),
                    }
                }
            }

            /// `acc[g] += x1[g] · w1 + x2[g] · w2` (either product may have no inputs). Outputs
            /// go in tiles of `T` registers per row, the last tile masked. With one or two rows
            /// each row's sum is also split over the inputs into partial sums (the template's
            /// `split` for one row, 2 for two), so that enough independent FMA chains are in
            /// flight to cover the FMA latency (a single sequence is otherwise latency-bound).
            #[target_feature(enable = $feature)]
            #[inline]
            pub(in super::super) fn matvec2_group<
                const G: usize,
                const IN1: usize,
                const IN2: usize,
                const OUT: usize,
            >(
                x1: &[&[f32; IN1]; G],
                w1: &[[f32; OUT]; IN1],
                x2: &[&[f32; IN2]; G],
                w2: &[[f32; OUT]; IN2],
                acc: &mut [[f32; OUT]; G],
            ) {
                // Reads and writes of `acc` both go through pointers from this one.
                let base = acc.as_mut_ptr();
                let out: [*mut f32; G] = std::array::from_fn(|g| base.wrapping_add(g).cast());
                let init = out.map(|p| p.cast_const());
                rows(&Rows { x1: *x1, w1, x2: *x2, w2, init, out })
            }

            /// `out[g] = init[g] + x1[g] · w1 + x2[g] · w2` ([`matvec2_group`] starting from
            /// other rows than its output, which it never reads and writes whole: `out` may be
            /// uninitialised).
            #[target_feature(enable = $feature)]
            #[inline]
            pub(in super::super) fn matvec2_group_init<
                const G: usize,
                const IN1: usize,
                const IN2: usize,
                const OUT: usize,
            >(
                x1: &[&[f32; IN1]; G],
                w1: &[[f32; OUT]; IN1],
                x2: &[&[f32; IN2]; G],
                w2: &[[f32; OUT]; IN2],
                init: &[&[f32; OUT]; G],
                out: &mut std::mem::MaybeUninit<[[f32; OUT]; G]>,
            ) {
                let base = out.as_mut_ptr().cast::<[f32; OUT]>();
                let out: [*mut f32; G] = std::array::from_fn(|g| base.wrapping_add(g).cast());
                let init = init.map(|r| r.as_ptr());
                rows(&Rows { x1: *x1, w1, x2: *x2, w2, init, out })
            }

            /// `out[r] = init + x[r] · w` for R rows at constant strides: row `r`'s inputs are
            /// `x[r XS..r XS + IN]`, its outputs `out[r ys..r ys + OUT]` (a convolution's
            /// windows, overlapping when XS < IN, and its output steps), in blocks shaped by the
            /// outputs: tiles of `T = min(⌈OUT / LANES⌉, $wide_tiles)` registers and as many
            /// rows as fill the wide blocks' `$wide_rows x $wide_tiles` accumulators (on
            /// AVX-512, 12 rows x 2 registers for 32 outputs, where [`rows`]' blocks would
            /// leave half of their 4 registers empty), then blocks of 2 rows and 1. Each row's
            /// sum runs over the inputs in order from `init`; `out` is written and never read.
            ///
            /// # Safety
            /// The path's features; `x` readable for `(R - 1) XS + IN` floats, `out` writable
            /// for `(R - 1) ys + OUT`, and `ys >= OUT`.
            #[target_feature(enable = $feature)]
            #[inline]
            pub(in super::super) unsafe fn matvec_strided<
                const R: usize,
                const IN: usize,
                const OUT: usize,
                const XS: usize,
            >(
                x: *const f32,
                w: &[[f32; OUT]; IN],
                init: &[f32; OUT],
                out: *mut f32,
                ys: usize,
            ) {
                const ACC: usize = $wide_rows * $wide_tiles;
                let p = Strided::<IN, OUT, XS> { x, w, init, out, ys };
                match OUT.div_ceil($lanes).min($wide_tiles) {
                    0 | 1 => strided_rows::<R, 1, ACC, IN, OUT, XS>(&p),
                    2 => strided_rows::<R, 2, { ACC / 2 }, IN, OUT, XS>(&p),
                    3 => strided_rows::<R, 3, { ACC / 3 }, IN, OUT, XS>(&p),
                    _ => strided_rows::<R, $wide_tiles, $wide_rows, IN, OUT, XS>(&p),
                }
            }

            /// The operands of [`matvec_strided`] (its safety contract holds for them).
            struct Strided<'a, const IN: usize, const OUT: usize, const XS: usize> {
                x: *const f32,
                w: &'a [[f32; OUT]; IN],
                init: &'a [f32; OUT],
                out: *mut f32,
                ys: usize,
            }

            /// [`matvec_strided`]'s R rows in blocks of `B` rows x `T` registers, then of 2
            /// and 1.
            #[target_feature(enable = $feature)]
            #[inline]
            fn strided_rows<
                const R: usize,
                const T: usize,
                const B: usize,
                const IN: usize,
                const OUT: usize,
                const XS: usize,
            >(
                p: &Strided<'_, IN, OUT, XS>,
            ) {
                let mut r = 0;
                while r + B <= R {
                    strided_block::<B, T, IN, OUT, XS>(p, r);
                    r += B;
                }
                while r + 2 <= R {
                    strided_block::<2, T, IN, OUT, XS>(p, r);
                    r += 2;
                }
                if r < R {
                    strided_block::<1, T, IN, OUT, XS>(p, r);
                }
            }

            /// Rows `r..r + B` of [`matvec_strided`], in tiles of `T` registers across the
            /// outputs (full ones, then the masked last).
            #[target_feature(enable = $feature)]
            #[inline]
            fn strided_block<
                const B: usize,
                const T: usize,
                const IN: usize,
                const OUT: usize,
                const XS: usize,
            >(
                p: &Strided<'_, IN, OUT, XS>,
                r: usize,
            ) {
                let mut j = 0;
                while j + $lanes * T <= OUT {
                    strided_tile::<B, T, true, IN, OUT, XS>(p, r, j);
                    j += $lanes * T;
                }
                if j < OUT {
                    strided_tile::<B, T, false, IN, OUT, XS>(p, r, j);
                }
            }

            /// Rows `r..r + B` of [`matvec_strided`], outputs `j..j + LANES T` (masked past
            /// OUT unless `FULL`). Per input, the fewer of the tile's weight registers and the
            /// rows' broadcasts are held: the weights when there are no more of them than
            /// rows (12 rows x 2 registers: 24 accumulators, 2 weights and a broadcast), else
            /// the broadcasts (AVX2's 3 rows x 4: 12, 3 and a weight), so that the block fits
            /// the registers.
            #[target_feature(enable = $feature)]
            #[inline]
            fn strided_tile<
                const B: usize,
                const T: usize,
                const FULL: bool,
                const IN: usize,
                const OUT: usize,
                const XS: usize,
            >(
                p: &Strided<'_, IN, OUT, XS>,
                r: usize,
                j: usize,
            ) {
                let m: [$mask; T] = from_fn(|t| lanes(OUT.saturating_sub(j + $lanes * t)));
                let start = load::<T, FULL>(p.init.as_ptr(), j, &m);
                let mut a: [[$reg; T]; B] = [start; B];
                // Row g's first input (the caller's rows r..r + B are inside `x`).
                let x: [*const f32; B] = from_fn(|g| p.x.wrapping_add((r + g) * XS));
                for (i, row) in p.w.iter().enumerate() {
                    // SAFETY (the reads of `x`): input i < IN of a row inside `x`.
                    if T <= B {
                        let wv = load::<T, FULL>(row.as_ptr(), j, &m);
                        for (ag, xg) in a.iter_mut().zip(&x) {
                            let xb = $set1(unsafe { *xg.add(i) });
                            for (at, wt) in ag.iter_mut().zip(&wv) {
                                *at = $fmadd(xb, *wt, *at);
                            }
                        }
                    } else {
                        let xb: [$reg; B] = from_fn(|g| $set1(unsafe { *x[g].add(i) }));
                        for t in 0..T {
                            if FULL || m[t] != 0 {
                                let [wt] = load::<1, FULL>(row.as_ptr(), j + $lanes * t, &[m[t]]);
                                for g in 0..B {
                                    a[g][t] = $fmadd(xb[g], wt, a[g][t]);
                                }
                            }
                        }
                    }
                }
                for (g, ag) in a.iter().enumerate() {
                    let q = p.out.wrapping_add((r + g) * p.ys);
                    for (t, v) in ag.iter().enumerate() {
                        let q = q.wrapping_add(j + $lanes * t);
                        // SAFETY: inside the row, or masked to the lanes below OUT.
                        unsafe {
                            if FULL || m[t] == $full {
                                $storeu(q, *v);
                            } else if m[t] != 0 {
                                let ($sp, $sm, $sv) = (q, m[t], *v);
                                $masked_store;
                            }
                        }
                    }
                }
            }

            /// The products of [`Rows`]: one or two rows in tiles across the outputs, more in
            /// blocks of rows.
            #[target_feature(enable = $feature)]
            #[inline]
            fn rows<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
                p: &Rows<'_, G, IN1, IN2, OUT>,
            ) {
                if G == 1 {
                    tiles::<G, $t_one, $s_one, IN1, IN2, OUT>(p)
                } else if G >= $wide_min {
                    wide::<G, IN1, IN2, OUT>(p)
                } else if G == 2 {
                    tiles::<G, $t_few, 2, IN1, IN2, OUT>(p)
                } else {
                    // Blocks of `$block_rows` rows (the last ones of 2, never of 1: one row's
                    // `$block_tiles` accumulators are too few chains), each in tiles of
                    // `$block_tiles` registers: a step over the inputs loads the tile's weights
                    // once for all the block's rows and broadcasts each row's input once for
                    // the whole tile.
                    let mut r = 0;
                    while G - r >= $block_rows && G - r != $block_rows + 1 {
                        tiles::<$block_rows, $block_tiles, 1, IN1, IN2, OUT>(&p.block(r));
                        r += $block_rows;
                    }
                    while G - r >= 2 {
                        tiles::<2, $block_tiles, 1, IN1, IN2, OUT>(&p.block(r));
                        r += 2;
                    }
                    if G - r == 1 {
                        tiles::<1, $block_tiles, 1, IN1, IN2, OUT>(&p.block(r));
                    }
                }
            }

            /// A wide group's products (`$wide_min` rows or more), blocked for the cache: for
            /// each tile of `$wide_tiles` registers of outputs, the inputs in chunks of up to
            /// `$chunk`; each chunk's panel of weights (its inputs x the tile) is first copied
            /// into a contiguous buffer, then read by every block of `$wide_rows` rows. So a
            /// step's weights are read from memory once for the whole group (where [`rows`]'
            /// smaller groups read them once per block of rows), and the panel's rows do not
            /// all fall in the same few cache sets, as a tile's column of a matrix whose rows
            /// are a multiple of 4 KiB apart does (docs/PERFORMANCE.md, "Wide layers"); for the
            /// same reason a tile's sums wait between chunks in a buffer of their own
            /// ([`wide_tile`]), not in the rows of `out`.
            #[target_feature(enable = $feature)]
            #[inline]
            fn wide<const G: usize, const IN1: usize, const IN2: usize, const OUT: usize>(
                p: &Rows<'_, G, IN1, IN2, OUT>,
            ) {
                // Uninitialised: each chunk writes the rows it reads (no 16-64 KiB memset a step).
                let mut panel = std::mem::MaybeUninit::<Panel>::uninit();
                let panel: *mut [f32; $lanes * $wide_tiles] = panel.as_mut_ptr().cast();
                let mut j = 0;
                while j + $lanes * $wide_tiles <= OUT {
                    wide_tile::<G, true, IN1, IN2, OUT>(p, j, panel);
                    j += $lanes * $wide_tiles;
                }
                if j < OUT {
                    wide_tile::<G, false, IN1, IN2, OUT>(p, j, panel);
                }
            }

            /// A chunk's weights for one tile of [`wide`], row after row, cache-line aligned
            /// (only its size and alignment are used: [`wide`] writes and reads its rows
            /// through a pointer).
            #[repr(align(64))]
            #[allow(dead_code)]
            struct Panel([[f32; $lanes * $wide_tiles]; $chunk]);

            /// One tile of [`wide`] at output `j`. The first chunk starts from `init`, the last
            /// ends in `out`; between chunks the tile's sums wait in `sums`, the G rows' tiles
            /// side by side (16 KiB at 64 rows of 64 floats), not in `out`, whose rows are OUT
            /// floats apart: 4 KiB at W = 256, so that every row's tile fell in the same few L1
            /// sets and came back from L2 at each chunk.
            #[target_feature(enable = $feature)]
            #[inline]
            fn wide_tile<
                const G: usize,
                const FULL: bool,
                const IN1: usize,
                const IN2: usize,
                const OUT: usize,
            >(
                p: &Rows<'_, G, IN1, IN2, OUT>,
                j: usize,
                panel: *mut [f32; $lanes * $wide_tiles],
            ) {
                let m: [$mask; $wide_tiles] =
                    std::array::from_fn(|t| lanes(OUT.saturating_sub(j + $lanes * t)));
                // Uninitialised: each row's tile is written by the first chunk before any read.
                let mut sums = std::mem::MaybeUninit::<Sums<G>>::uninit();
                let sums: *mut [f32; $lanes * $wide_tiles] = sums.as_mut_ptr().cast();
                let mut k = 0;
                // Product 1's chunks, then product 2's; with no inputs at all, one empty chunk
                // (`out = init`).
                loop {
                    let end = if k < IN1 {
                        (k + $chunk).min(IN1)
                    } else {
                        (k + $chunk).min(IN1 + IN2)
                    };
                    for i in k..end {
                        let w = if i < IN1 { &p.w1[i] } else { &p.w2[i - IN1] };
                        // The masked lanes of a last tile are read as zeros.
                        let v = load::<$wide_tiles, FULL>(w.as_ptr(), j, &m);
                        for (t, vt) in v.iter().enumerate() {
                            // SAFETY: row i - k < $chunk of the panel, $lanes floats at a
                            // register's offset inside it.
                            unsafe { $storeu(panel.add(i - k).cast::<f32>().add($lanes * t), *vt) };
                        }
                    }
                    let chunk = Chunk { k, end, j, panel, sums };
                    let c = (&chunk, &m);
                    match (k == 0, end == IN1 + IN2) {
                        (true, true) => wide_blocks::<G, FULL, true, true, IN1, IN2, OUT>(p, c),
                        (true, false) => wide_blocks::<G, FULL, true, false, IN1, IN2, OUT>(p, c),
                        (false, true) => wide_blocks::<G, FULL, false, true, IN1, IN2, OUT>(p, c),
                        (false, false) => wide_blocks::<G, FULL, false, false, IN1, IN2, OUT>(p, c),
                    }
                    if end == IN1 + IN2 {
                        break;
                    }
                    k = end;
                }
            }

            /// A [`wide_tile`]'s sums between chunks, cache-line aligned (only its size and
            /// alignment are used, as [`Panel`]'s).
            #[repr(align(64))]
            #[allow(dead_code)]
            struct Sums<const G: usize>([[f32; $lanes * $wide_tiles]; G]);

            /// One chunk of a [`wide_tile`]: inputs `k..end` of the two products taken as one
            /// (`k < IN1`: product 1's, else product 2's from `k - IN1`), their weights in
            /// `panel`, the tile at output `j`, the sums between chunks in `sums`.
            struct Chunk {
                k: usize,
                end: usize,
                j: usize,
                panel: *const [f32; $lanes * $wide_tiles],
                sums: *mut [f32; $lanes * $wide_tiles],
            }

            /// Every row of a [`Chunk`], in blocks of `$wide_rows` rows, then of 2, then 1;
            /// `FIRST`: the sums start from `init`, else from `sums`; `LAST`: they end in `out`,
            /// else in `sums`.
            #[target_feature(enable = $feature)]
            #[inline]
            fn wide_blocks<
                const G: usize,
                const FULL: bool,
                const FIRST: bool,
                const LAST: bool,
                const IN1: usize,
                const IN2: usize,
                const OUT: usize,
            >(
                p: &Rows<'_, G, IN1, IN2, OUT>,
                (c, m): (&Chunk, &[$mask; $wide_tiles]),
            ) {
                let mut r = 0;
                while G - r >= $wide_rows {
                    wide_block::<G, $wide_rows, FULL, FIRST, LAST, IN1, IN2, OUT>(p, c, r, m);
                    r += $wide_rows;
                }
                while G - r >= 2 {
                    wide_block::<G, 2, FULL, FIRST, LAST, IN1, IN2, OUT>(p, c, r, m);
                    r += 2;
                }
                if G - r == 1 {
                    wide_block::<G, 1, FULL, FIRST, LAST, IN1, IN2, OUT>(p, c, r, m);
                }
            }

            /// Rows `r..r + R` of a [`Chunk`] (see [`wide_blocks`] for `FIRST` and `LAST`).
            #[target_feature(enable = $feature)]
            #[inline]
            fn wide_block<
                const G: usize,
                const R: usize,
                const FULL: bool,
                const FIRST: bool,
                const LAST: bool,
                const IN1: usize,
                const IN2: usize,
                const OUT: usize,
            >(
                p: &Rows<'_, G, IN1, IN2, OUT>,
                c: &Chunk,
                r: usize,
                m: &[$mask; $wide_tiles],
            ) {
                // `sums` rows are whole: full loads and stores (lanes past OUT are zeros times
                // the panel's zeros, never stored to `out`).
                let all = [$full; $wide_tiles];
                let mut a: [[$reg; $wide_tiles]; R] = std::array::from_fn(|g| {
                    if FIRST {
                        load::<$wide_tiles, FULL>(p.init[r + g], c.j, m)
                    } else {
                        let row = c.sums.wrapping_add(r + g).cast_const().cast();
                        load::<$wide_tiles, true>(row, 0, &all)
                    }
                });
                let (k, end) = (c.k, c.end);
                if k < IN1 {
                    let x: [&[f32; IN1]; R] = std::array::from_fn(|g| p.x1[r + g]);
                    for i in k..end {
                        // SAFETY: rows k..end of the panel were written by this chunk's copy.
                        let w = unsafe { &*c.panel.add(i - k) };
                        add_input::<R, $wide_tiles, true, IN1>(&mut a, &x, i, w, 0, &all);
                    }
                } else {
                    let x: [&[f32; IN2]; R] = std::array::from_fn(|g| p.x2[r + g]);
                    for i in k..end {
                        // SAFETY: as above.
                        let w = unsafe { &*c.panel.add(i - k) };
                        add_input::<R, $wide_tiles, true, IN2>(&mut a, &x, i - IN1, w, 0, &all);
                    }
                }
                for (g, ag) in a.iter().enumerate() {
                    for (t, v) in ag.iter().enumerate() {
                        // SAFETY: `sums` has G whole rows; in `out`, inside the row, or masked
                        // to the lanes below OUT.
                        unsafe {
                            if !LAST {
                                $storeu(c.sums.add(r + g).cast::<f32>().add($lanes * t), *v);
                            } else if FULL || m[t] == $full {
                                $storeu(p.out[r + g].wrapping_add(c.j + $lanes * t), *v);
                            } else {
                                let q = p.out[r + g].wrapping_add(c.j + $lanes * t);
                                let ($sp, $sm, $sv) = (q, m[t], *v);
                                $masked_store;
                            }
                        }
                    }
                }
            }

            /// Loads `LANES * T` floats of a row from `j`: plain loads for full registers,
            /// masked ones for the last (a masked store cannot be forwarded to a later load of
            /// the same bytes). A pointer past a row is formed with `wrapping_add` and only used
            /// under an all-false mask, which reads nothing.
            #[target_feature(enable = $feature)]
            #[inline]
            fn load<const T: usize, const FULL: bool>(
                row: *const f32,
                j: usize,
                m: &[$mask; T],
            ) -> [$reg; T] {
                std::array::from_fn(|t| {
                    let p = row.wrapping_add(j + $lanes * t);
                    // SAFETY: full registers lie inside the row ($lanes * t + $lanes <= OUT - j);
                    // masked lanes are those below OUT.
                    unsafe {
                        if FULL || m[t] == $full {
                            $loadu(p)
                        } else {
                            let ($lp, $lm) = (p, m[t]);
                            $masked_load
                        }
                    }
                })
            }

            #[target_feature(enable = $feature)]
            #[inline]
            fn tiles<
                const G: usize,
                const T: usize,
                const S: usize,
                const IN1: usize,
                const IN2: usize,
                const OUT: usize,
            >(
                p: &Rows<'_, G, IN1, IN2, OUT>,
            ) {
                // Full tiles first, with no lane masks in the inner loops; then the last,
                // partial tile with its masks.
                let mut j = 0;
                while j + $lanes * T <= OUT {
                    tile::<G, T, S, true, IN1, IN2, OUT>(p, j);
                    j += $lanes * T;
                }
                if j < OUT {
                    tile::<G, T, S, false, IN1, IN2, OUT>(p, j);
                }
            }

            /// One tile of `T` registers per row at output `j`; `FULL`: every lane holds an
            /// output (no masks). Each row's tile is read from `init` before any of it is
            /// written to `out`.
            #[target_feature(enable = $feature)]
            #[inline]
            fn tile<
                const G: usize,
                const T: usize,
                const S: usize,
                const FULL: bool,
                const IN1: usize,
                const IN2: usize,
                const OUT: usize,
            >(
                p: &Rows<'_, G, IN1, IN2, OUT>,
                j: usize,
            ) {
                let m: [$mask; T] =
                    std::array::from_fn(|t| lanes(OUT.saturating_sub(j + $lanes * t)));
                // S partial sums per output register; the first starts from `init`.
                let mut a: [[[$reg; T]; G]; S] = [[[$setzero(); T]; G]; S];
                a[0] = std::array::from_fn(|g| load::<T, FULL>(p.init[g], j, &m));
                accumulate::<G, T, S, FULL, IN1, OUT>(&mut a, &p.x1, p.w1, j, &m);
                accumulate::<G, T, S, FULL, IN2, OUT>(&mut a, &p.x2, p.w2, j, &m);
                for g in 0..G {
                    for t in 0..T {
                        let v = match S {
                            4 => $add($add(a[0][g][t], a[1][g][t]), $add(a[2][g][t], a[3][g][t])),
                            2 => $add(a[0][g][t], a[1][g][t]),
                            _ => a[0][g][t],
                        };
                        let q = p.out[g].wrapping_add(j + $lanes * t);
                        // SAFETY: as for the loads: inside the row, or masked to the lanes
                        // below OUT.
                        unsafe {
                            if FULL || m[t] == $full {
                                $storeu(q, v);
                            } else {
                                let ($sp, $sm, $sv) = (q, m[t], v);
                                $masked_store;
                            }
                        }
                    }
                }
            }

            /// Adds `x · w` for one tile into the `S` partial sums `a` (input `i` into sum
            /// `i % S`; a remainder of fewer than `S` inputs into sum 0).
            #[target_feature(enable = $feature)]
            #[inline]
            fn accumulate<
                const G: usize,
                const T: usize,
                const S: usize,
                const FULL: bool,
                const IN: usize,
                const OUT: usize,
            >(
                a: &mut [[[$reg; T]; G]; S],
                x: &[&[f32; IN]; G],
                w: &[[f32; OUT]; IN],
                j: usize,
                m: &[$mask; T],
            ) {
                let mut i = 0;
                while i + S <= IN {
                    for s in 0..S {
                        add_input::<G, T, FULL, IN>(&mut a[s], x, i + s, &w[i + s], j, m);
                    }
                    i += S;
                }
                while i < IN {
                    add_input::<G, T, FULL, IN>(&mut a[0], x, i, &w[i], j, m);
                    i += 1;
                }
            }

            /// Adds input `i` times its weight row `w` into one tile's accumulators: each
            /// row's input is broadcast once, then the weights come a register at a time, so
            /// the tile needs only G + 1 registers besides its accumulators (3 rows x 4
            /// registers fit AVX2's 16).
            #[target_feature(enable = $feature)]
            #[inline]
            fn add_input<const G: usize, const T: usize, const FULL: bool, const IN: usize>(
                a: &mut [[$reg; T]; G],
                x: &[&[f32; IN]; G],
                i: usize,
                w: &[f32],
                j: usize,
                m: &[$mask; T],
            ) {
                let xs: [$reg; G] = std::array::from_fn(|g| $set1(x[g][i]));
                for t in 0..T {
                    if FULL || m[t] != 0 {
                        let [wt] = load::<1, FULL>(w.as_ptr(), j + $lanes * t, &[m[t]]);
                        for g in 0..G {
                            a[g][t] = $fmadd(xs[g], wt, a[g][t]);
                        }
                    }
                }
            }

            /// `z = f(z)`, [`MAP_WIDTH`] registers at a time through `fw`, then one at a time
            /// through `f1`, the tail through a lane mask. `fw` and `f1` must be the same
            /// function (one N-wide function at N = MAP_WIDTH and 1), so the results do not
            /// depend on where a value falls.
            #[target_feature(enable = $feature)]
            #[inline]
            fn map(
                z: &mut [f32],
                fw: impl Fn([$reg; MAP_WIDTH]) -> [$reg; MAP_WIDTH],
                f1: impl Fn([$reg; 1]) -> [$reg; 1],
            ) {
                let (wide, rest) = z.as_chunks_mut::<{ MAP_WIDTH * $lanes }>();
                for chunk in wide {
                    let p = chunk.as_mut_ptr();
                    // SAFETY: the chunk holds MAP_WIDTH registers of f32s; unaligned access is
                    // allowed.
                    let v = fw(from_fn(|k| unsafe { $loadu(p.add(k * $lanes)) }));
                    for (k, v) in v.into_iter().enumerate() {
                        // SAFETY: as for the loads.
                        unsafe { $storeu(p.add(k * $lanes), v) };
                    }
                }
                let (chunks, tail) = rest.as_chunks_mut::<$lanes>();
                for chunk in chunks {
                    // SAFETY: `chunk` is one register of f32s.
                    unsafe { $storeu(chunk.as_mut_ptr(), f1([$loadu(chunk.as_ptr())])[0]) };
                }
                if !tail.is_empty() {
                    let m = lanes(tail.len());
                    // SAFETY: the mask covers exactly `tail.len()` lanes, so only `tail` is
                    // touched.
                    unsafe {
                        let ($lp, $lm) = (tail.as_ptr(), m);
                        let v = f1([$masked_load])[0];
                        let ($sp, $sm, $sv) = (tail.as_mut_ptr(), m, v);
                        $masked_store;
                    }
                }
            }

            /// How many registers [`map`] runs through an activation together. An activation
            /// is one long chain of dependent operations per register; written N registers
            /// side by side, each step's N independent operations sit together in program
            /// order, so the core overlaps the chains instead of filling its scheduler with one
            /// chain's waiting operations (docs/PERFORMANCE.md).
            const MAP_WIDTH: usize = 4;

            /// [`exp_fast`](super::super::exp_fast) on N registers side by side (see
            /// [`MAP_WIDTH`]), with fused multiply-adds; each lane's result is the same at any N.
            #[target_feature(enable = $feature)]
            #[inline]
            fn exp<const N: usize>(x: [$reg; N]) -> [$reg; N] {
                let c = $set1;
                // NaN stays NaN: min and max return their second operand when one is NaN.
                let x = x.map(|x| $max(c(EXP_LO), $min(c(EXP_HI), x)));
                // n = round(x log2(e)): adding 1.5 * 2^23 rounds to an integer, whose value
                // is in the low mantissa bits.
                let k = x.map(|x| $fmadd(x, c(LOG2_E), c(ROUND_MAGIC)));
                let n = k.map(|k| $sub(k, c(ROUND_MAGIC)));
                let r: [$reg; N] = from_fn(|i| $fnmadd(n[i], c(EXP_C1), x[i]));
                let r: [$reg; N] = from_fn(|i| $fnmadd(n[i], c(EXP_C2), r[i]));
                let r2 = r.map(|r| $mul(r, r));
                let even = r2.map(|r2| $fmadd($fmadd(r2, c(EXP_P6), c(EXP_P4)), r2, c(EXP_P2)));
                let odd = r2.map(|r2| $fmadd(r2, c(EXP_P5), c(EXP_P3)));
                let y: [$reg; N] = from_fn(|i| $fmadd(r[i], odd[i], even[i]));
                let y: [$reg; N] = from_fn(|i| $fmadd(r2[i], y[i], $add(r[i], c(1.0))));
                // y * 2^n as y * 2^(n/2) * 2^(n - n/2): both factors normal for n in
                // [-150, 129], and the second product rounds once (to 0, a subnormal or inf).
                let bias = $set1_i32(127);
                from_fn(|i| {
                    let n = $sub_i32($as_int(k[i]), $as_int(c(ROUND_MAGIC)));
                    let n1 = $sar_i32::<1>(n);
                    let n2 = $sub_i32(n, n1);
                    let s1 = $as_float($shl_i32::<23>($add_i32(n1, bias)));
                    let s2 = $as_float($shl_i32::<23>($add_i32(n2, bias)));
                    $mul($mul(y[i], s1), s2)
                })
            }

            /// [`sigmoid_fast`](super::super::sigmoid_fast) on N registers side by side, with
            /// fused multiply-adds: `1 / (1 + exp(-x))` with a true division, which runs
            /// beside the FMA pipes (a reciprocal estimate with Newton steps would run on them;
            /// docs/PERFORMANCE.md).
            #[target_feature(enable = $feature)]
            #[inline]
            fn sigmoid_n<const N: usize>(x: [$reg; N]) -> [$reg; N] {
                let one = $set1(1.0);
                exp(x.map(|x| $sub($setzero(), x))).map(|e| $div(one, $add(one, e)))
            }

            /// [`gate_sigmoid_fast`](super::super::gate_sigmoid_fast) on N registers side by
            /// side: `tanh(x / 2) / 2 + 0.5` ([`HALF_TANH_HALF`] through [`odd_rational_n`]).
            #[target_feature(enable = $feature)]
            #[inline]
            fn gate_sigmoid_n<const N: usize>(x: [$reg; N]) -> [$reg; N] {
                odd_rational_n::<N, { u64::MAX }>(x).map(|t| $add(t, $set1(0.5)))
            }

            /// `z = σ(z)` for gates, elementwise ([`gate_sigmoid_n`] through [`map`]).
            #[target_feature(enable = $feature)]
            #[inline]
            pub(in super::super) fn gate_sigmoid(z: &mut [f32]) {
                map(z, |x| gate_sigmoid_n(x), |x| gate_sigmoid_n(x));
            }

            /// `z = sigmoid(z)` elementwise ([`sigmoid_n`] through [`map`]).
            #[target_feature(enable = $feature)]
            #[inline]
            pub(in super::super) fn sigmoid(z: &mut [f32]) {
                map(z, |x| sigmoid_n(x), |x| sigmoid_n(x));
            }

            /// `z = e^z` elementwise: [`exp_fast`](super::super::exp_fast) with fused multiply-adds.
            #[target_feature(enable = $feature)]
            #[inline]
            pub(in super::super) fn exp_in_place(z: &mut [f32]) {
                map(z, |x| exp(x), |x| exp(x));
            }

            /// [`tanh_fast`](super::super::tanh_fast) on N registers side by side (see
            /// [`odd_rational_n`]).
            #[target_feature(enable = $feature)]
            #[inline]
            fn tanh_n<const N: usize>(x: [$reg; N]) -> [$reg; N] {
                odd_rational_n::<N, 0>(x)
            }

            /// [`OddRational::eval`] on N registers side by side, register `i` with
            /// [`HALF_TANH_HALF`] where bit `i` of `HALVED` is set, else [`TANH`], the division
            /// replaced by a reciprocal estimate refined by one Newton step. (The choice is a
            /// constant parameter, not an argument: with the rationals passed as references,
            /// LLVM stopped inlining this into `map`'s loops.)
            #[target_feature(enable = $feature)]
            #[inline]
            fn odd_rational_n<const N: usize, const HALVED: u64>(x: [$reg; N]) -> [$reg; N] {
                let r: [&OddRational; N] =
                    from_fn(|i| if HALVED >> i & 1 == 1 { &HALF_TANH_HALF } else { &TANH });
                let c = $set1;
                // NaN stays NaN (as in `eval`): min and max return their second operand when
                // one is NaN.
                let x: [$reg; N] = from_fn(|i| $max(c(-r[i].clamp), $min(c(r[i].clamp), x[i])));
                let x2 = x.map(|x| $mul(x, x));
                // Horner in x² for p, then for q, written out: one closure over a coefficient
                // accessor (`|r| &r.p`) was not inlined (a call per coefficient, measured in the
                // disassembly).
                let top = r[0].p.len() - 1;
                let mut p: [$reg; N] = from_fn(|i| $fmadd(x2[i], c(r[i].p[top]), c(r[i].p[top - 1])));
                for k in (0..top - 1).rev() {
                    p = from_fn(|i| $fmadd(x2[i], p[i], c(r[i].p[k])));
                }
                let p: [$reg; N] = from_fn(|i| $mul(p[i], x[i]));
                let top = r[0].q.len() - 1;
                let mut q: [$reg; N] = from_fn(|i| $fmadd(x2[i], c(r[i].q[top]), c(r[i].q[top - 1])));
                for k in (0..top - 1).rev() {
                    q = from_fn(|i| $fmadd(x2[i], q[i], c(r[i].q[k])));
                }
                // 1/q: estimate, then r += r * (1 - q r).
                let e = q.map(|q| $rcp(q));
                let e: [$reg; N] = from_fn(|i| $fmadd(e[i], $fnmadd(q[i], e[i], c(1.0)), e[i]));
                from_fn(|i| $max(c(-r[i].bound), $min(c(r[i].bound), $mul(p[i], e[i]))))
            }

            /// `z = tanh(z)` elementwise ([`tanh_n`] through [`map`]).
            #[target_feature(enable = $feature)]
            #[inline]
            pub(in super::super) fn tanh(z: &mut [f32]) {
                map(z, |x| tanh_n(x), |x| tanh_n(x));
            }

            /// One row's LSTM step (Keras's default activations), the gates computed in the
            /// product's registers: `z = z0 + x · kernel + h · recurrent` over the gate columns
            /// i, f, o, c (U each), then `c = σ(z_f) c + σ(z_i) tanh(z_c)` in place and
            /// `h_out = σ(z_o) tanh(c)`. Units go in tiles of `2 LANES` (8 accumulators: the
            /// 8 independent FMA chains that cover the FMA latency at two FMAs a cycle), so
            /// a tile's gates run while the next tile's products do. U must be a multiple of
            /// `LANES` (the caller checks); `h_out` must not be `h` (every tile reads all of
            /// `h`).
            #[target_feature(enable = $feature)]
            #[inline]
            pub(in super::super) fn lstm_row<const IN: usize, const U: usize, const U4: usize>(
                x: &[f32; IN],
                kernel: &[[f32; U4]; IN],
                h: &[f32; U],
                recurrent: &[[f32; U4]; U],
                z0: &[f32; U4],
                c: &mut [f32; U],
                h_out: &mut [f32; U],
            ) {
                let mut j = 0;
                while j + 2 * $lanes <= U {
                    lstm_tile::<2, IN, U, U4>(x, kernel, h, recurrent, z0, c, h_out, j);
                    j += 2 * $lanes;
                }
                while j + $lanes <= U {
                    lstm_tile::<1, IN, U, U4>(x, kernel, h, recurrent, z0, c, h_out, j);
                    j += $lanes;
                }
            }

            /// `acc[g][t] += Σ_i x[i] · w[i][g U + j + LANES t]`: the gate blocks' columns
            /// of a tile of units from `j` (each `x[i]` broadcast once for all `GATES * T`
            /// registers).
            #[target_feature(enable = $feature)]
            #[inline]
            fn gate_products<const GATES: usize, const T: usize, const N: usize, const U: usize, const C: usize>(
                acc: &mut [[$reg; T]; GATES],
                x: &[f32; N],
                w: &[[f32; C]; N],
                j: usize,
            ) {
                for (xi, row) in x.iter().zip(w) {
                    let xb = $set1(*xi);
                    for (g, ag) in acc.iter_mut().enumerate() {
                        for (t, a) in ag.iter_mut().enumerate() {
                            // SAFETY: column g U + j + LANES t + LANES <= GATES U <= C (the
                            // callers' tiles lie inside the U units of each gate block).
                            let wv = unsafe { $loadu(row.as_ptr().add(g * U + j + $lanes * t)) };
                            *a = $fmadd(xb, wv, *a);
                        }
                    }
                }
            }

            /// Units `j..j + LANES T` of [`lstm_row`].
            #[target_feature(enable = $feature)]
            #[inline]
            #[allow(clippy::too_many_arguments)]
            fn lstm_tile<const T: usize, const IN: usize, const U: usize, const U4: usize>(
                x: &[f32; IN],
                kernel: &[[f32; U4]; IN],
                h: &[f32; U],
                recurrent: &[[f32; U4]; U],
                z0: &[f32; U4],
                c: &mut [f32; U],
                h_out: &mut [f32; U],
                j: usize,
            ) {
                // SAFETY: column g U + j + LANES t + LANES <= 4 U = U4 for the tile's units.
                let mut a: [[$reg; T]; 4] = std::array::from_fn(|g| {
                    std::array::from_fn(|t| unsafe { $loadu(z0.as_ptr().add(g * U + j + $lanes * t)) })
                });
                gate_products::<4, T, IN, U, U4>(&mut a, x, kernel, j);
                gate_products::<4, T, U, U, U4>(&mut a, h, recurrent, j);
                // The gates in two rounds of one N-wide rational (the gate sigmoid is `tanh(x /
                // 2) / 2 + 0.5`, [`gate_sigmoid_n`]): i, f and the candidate first, then o beside
                // the cell's tanh, which the output needs anyway. Bit-identical to sigmoid(i, f,
                // o), then tanh(g), then tanh(c); fewer registers live in the first round (no
                // spills) and o off the way to c (docs/PERFORMANCE.md).
                let sigmoid_of = |t| $add(t, $set1(0.5));
                if T == 2 {
                    // Both registers side by side.
                    let [i0, f0, i1, f1, g0, g1] = odd_rational_n::<6, 0b001111>([
                        a[0][0],
                        a[1][0],
                        a[0][T - 1],
                        a[1][T - 1],
                        a[3][0],
                        a[3][T - 1],
                    ]);
                    let [i0, f0, i1, f1] = [i0, f0, i1, f1].map(sigmoid_of);
                    // SAFETY: units j..j + 2 LANES lie inside `c` and `h_out` (j + 2 LANES <= U).
                    unsafe {
                        let (cp0, cp1) = (c.as_mut_ptr().add(j), c.as_mut_ptr().add(j + $lanes));
                        let c0 = $fmadd(f0, $loadu(cp0), $mul(i0, g0));
                        let c1 = $fmadd(f1, $loadu(cp1), $mul(i1, g1));
                        $storeu(cp0, c0);
                        $storeu(cp1, c1);
                        let [o0, o1, t0, t1] =
                            odd_rational_n::<4, 0b0011>([a[2][0], a[2][T - 1], c0, c1]);
                        $storeu(h_out.as_mut_ptr().add(j), $mul(sigmoid_of(o0), t0));
                        $storeu(h_out.as_mut_ptr().add(j + $lanes), $mul(sigmoid_of(o1), t1));
                    }
                    return;
                }
                for t in 0..T {
                    let u = j + $lanes * t;
                    let [i, f, g] = odd_rational_n::<3, 0b011>([a[0][t], a[1][t], a[3][t]]);
                    let (i, f) = (sigmoid_of(i), sigmoid_of(f));
                    // SAFETY: units u..u + LANES lie inside `c` and `h_out` (u + LANES <= U).
                    unsafe {
                        let cp = c.as_mut_ptr().add(u);
                        let cn = $fmadd(f, $loadu(cp), $mul(i, g));
                        $storeu(cp, cn);
                        let [o, tc] = odd_rational_n::<2, 0b01>([a[2][t], cn]);
                        $storeu(h_out.as_mut_ptr().add(u), $mul(sigmoid_of(o), tc));
                    }
                }
            }

            /// One row's GRU step with `reset_after = true` (Keras's default activations), the
            /// gates in the product's registers: from `a0 = (folded row or b_in)` and `b_rec`
            /// over the gate columns z, r, h (U each), `a = a0 + x · kernel`,
            /// `b = b_rec + h · recurrent`, `z, r = σ(a + b)`, `hh = tanh(a_h + r b_h)`,
            /// `h_out = z h + (1 - z) hh`. Tiles as [`lstm_row`]; U a multiple of `LANES`;
            /// `h_out` must not be `h`.
            #[target_feature(enable = $feature)]
            #[inline]
            #[allow(clippy::too_many_arguments)]
            pub(in super::super) fn gru_row<const IN: usize, const U: usize, const U3: usize>(
                x: &[f32; IN],
                kernel: &[[f32; U3]; IN],
                h: &[f32; U],
                recurrent: &[[f32; U3]; U],
                a0: &[f32; U3],
                b_rec: &[f32; U3],
                h_out: &mut [f32; U],
            ) {
                // Tiles of 4 LANES units (12 accumulators) where U allows, else of 2 (6).
                let mut j = 0;
                while j + 4 * $lanes <= U {
                    gru_tile::<4, IN, U, U3>(x, kernel, h, recurrent, a0, b_rec, h_out, j);
                    j += 4 * $lanes;
                }
                while j + 2 * $lanes <= U {
                    gru_tile::<2, IN, U, U3>(x, kernel, h, recurrent, a0, b_rec, h_out, j);
                    j += 2 * $lanes;
                }
                while j + $lanes <= U {
                    gru_tile::<1, IN, U, U3>(x, kernel, h, recurrent, a0, b_rec, h_out, j);
                    j += $lanes;
                }
            }

            /// Units `j..j + LANES T` of [`gru_row`].
            #[target_feature(enable = $feature)]
            #[inline]
            #[allow(clippy::too_many_arguments)]
            fn gru_tile<const T: usize, const IN: usize, const U: usize, const U3: usize>(
                x: &[f32; IN],
                kernel: &[[f32; U3]; IN],
                h: &[f32; U],
                recurrent: &[[f32; U3]; U],
                a0: &[f32; U3],
                b_rec: &[f32; U3],
                h_out: &mut [f32; U],
                j: usize,
            ) {
                // SAFETY (the loads): column g U + j + LANES t + LANES <= 3 U = U3.
                let at = |v: &[f32; U3], g: usize, t: usize| unsafe {
                    $loadu(v.as_ptr().add(g * U + j + $lanes * t))
                };
                // z and r: a + b in one accumulator each; a_h and b_h apart (r multiplies b_h).
                let mut zr: [[$reg; T]; 2] =
                    std::array::from_fn(|g| std::array::from_fn(|t| $add(at(a0, g, t), at(b_rec, g, t))));
                let bh: [$reg; T] = std::array::from_fn(|t| at(b_rec, 2, t));
                let mut ah: [$reg; T] = std::array::from_fn(|t| at(a0, 2, t));
                if IN > 0 {
                    // The input product over all three blocks: z and r into `zr`, h into `ah`.
                    let mut xa: [[$reg; T]; 3] = [zr[0], zr[1], ah];
                    gate_products::<3, T, IN, U, U3>(&mut xa, x, kernel, j);
                    [zr[0], zr[1], ah] = xa;
                }
                // The recurrent product: z and r into `zr`, h into `bh`.
                let mut hb: [[$reg; T]; 3] = [zr[0], zr[1], bh];
                gate_products::<3, T, U, U, U3>(&mut hb, h, recurrent, j);
                let [z_acc, r_acc, bh] = hb;
                let zr = [z_acc, r_acc];
                // The tile's gates side by side (T registers each; faster than a register at a
                // time: docs/PERFORMANCE.md).
                let z = gate_sigmoid_n(zr[0]);
                let r = gate_sigmoid_n(zr[1]);
                let hh = tanh_n::<T>(from_fn(|t| $fmadd(r[t], bh[t], ah[t])));
                let one = $set1(1.0);
                for t in 0..T {
                    let u = j + $lanes * t;
                    // SAFETY: units u..u + LANES lie inside `h` and `h_out` (u + LANES <= U).
                    unsafe {
                        let hn = $fmadd(z[t], $loadu(h.as_ptr().add(u)), $mul($sub(one, z[t]), hh[t]));
                        $storeu(h_out.as_mut_ptr().add(u), hn);
                    }
                }
            }
        }
    };
}

pub(super) use simd_kernels;
