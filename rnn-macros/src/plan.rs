//! Stage 3: how the checked model runs, decided as data (unit-tested without a compiler): the
//! passes over time, which ops each step runs and where each reads its mask, the folded
//! Embedding, the state each recurrent layer keeps, the lockstep group sizes, and whether the
//! model can stream one step at a time. `expand` only turns this into tokens.

use rnn_spec::{Flow, LayerKind, Role};

use crate::model::{Model, Source};

pub struct Plan {
    /// Where the mask comes from, if the model has one.
    pub mask: Option<MaskSource>,
    /// The first Embedding folded into the recurrent layer after it.
    pub fold: Option<Fold>,
    /// What runs, in order: passes over time, layers over whole sequences, ops on vectors.
    pub stages: Vec<Stage>,
    /// Rows run in lockstep by `predict` on the AVX-512 and NEON paths ([`group_sizes`]).
    pub group: usize,
    /// The same on the AVX2 path.
    pub group_avx2: usize,
    /// Rows run in lockstep after the whole groups, before the last rows one by one.
    pub group_small: usize,
    /// Every recurrent layer's gate columns are a whole number of 64-float tiles (the runtime's
    /// `simd::Shape::Group`, which chooses a batch's path by it on some CPUs).
    pub whole_tiles: bool,
    /// Multiply-adds a row-timestep costs, for `predict`'s split over threads.
    pub step_work: u128,
    /// The shortest input the model's windows leave a step of (1 without windows).
    pub min_steps: usize,
    /// Whether a streaming `step` is possible, or why not (read by the streaming API's
    /// expansion; unit-tested here).
    #[allow(dead_code)]
    pub stream: Result<(), String>,
}

/// The mask belongs to positions of the model's input and is never reversed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MaskSource {
    /// `Embedding(mask_zero = true)`: id 0 is padding.
    Tokens,
    /// `Masking(mask_value)` (layer `layer`): a step whose features all equal the value.
    Values { layer: usize, value: f32 },
}

/// `FoldedEmbedding<vocab, width>`: `embeddings · kernel + bias` per token (all gates: `width`
/// is the kernel's columns), built with the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub embedding: usize,
    pub into: usize,
    pub vocab: usize,
    pub width: usize,
    /// Tables: 2 for a `Bidirectional` (one per direction), else 1.
    pub copies: usize,
}

/// The largest folded table built with the model at run time: 64 MiB of f32, an
/// `Embedding(10000, 256)` before an `LSTM(256)` (40 MiB; the IMDB LSTM's is 5 MiB).
/// Folding halves a wide first layer's work a step (docs/PERFORMANCE.md, "Folding").
const FOLD_MAX_BYTES: u128 = 64 << 20;
/// The most multiply-adds building that table may take: 2^32, about 0.4 s in a release build
/// for the `LSTM(256)` above (the runtime builds it with the widest vectors the CPU has; a
/// debug build runs it unoptimised, several times slower).
const FOLD_MAX_WORK: u128 = 1 << 32;
/// A baked model's table is computed by the macro while it compiles (unoptimised, in the
/// proc macro) and lands in the binary: at most 32 MiB and 2^27 multiply-adds, well under a
/// second there.
const FOLD_MAX_BYTES_BAKED: u128 = 32 << 20;
const FOLD_MAX_WORK_BAKED: u128 = 1 << 27;

/// One stage of the forward pass. Each reads what the stage before left: the current sequence
/// (the model's input, a buffer, a repeated vector) or the current vector.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// A loop over the current sequence's steps.
    Pass(Pass),
    /// A layer over the whole current sequence (`Conv1D`, pooling): a new sequence of its own
    /// length, `width` per step, in a buffer.
    Window { layer: usize, width: usize },
    /// The current sequence to one vector (global pooling, `Flatten`), averaged over the
    /// unmasked steps when `masked`; with `keepdims`, a sequence of that one step.
    Reduce {
        layer: usize,
        width: usize,
        masked: bool,
        keepdims: bool,
    },
    /// Ops on the current vector.
    Vector(Vec<Op>),
    /// The current vector as a sequence of `n` steps (`RepeatVector`).
    Repeat { layer: usize, n: usize },
    /// The current vector's values as a sequence of `steps` steps, `width` each (`Reshape`).
    Split {
        layer: usize,
        width: usize,
        steps: usize,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pass {
    /// Reads its input from the last step to the first.
    pub backwards: bool,
    /// Its steps read the mask of the model's input (no layer before dropped it).
    pub masked: bool,
    pub ops: Vec<Op>,
    /// A `Bidirectional` layer that ends the pass. Its `ops` are then stateless (lookups,
    /// per-step layers, Masking) and run at two positions a step: `__t` for the forward copy
    /// and `__n - 1 - __t` for the backward one (one loop for one row, a loop per copy for a
    /// group: `expand_bidi_pass`).
    pub bidi: Option<Bidi>,
    /// Where each step's last value goes (a Bidirectional's merged sequence: after the loop).
    pub sink: Sink,
}

/// A `Bidirectional` layer in its pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bidi {
    pub layer: usize,
    /// The inner layer's units (each direction's output width).
    pub units: usize,
    /// Each copy reads the mask at the position it consumes.
    pub masked: bool,
    /// Each copy's input projection is its own folded Embedding table.
    pub folded: bool,
    /// It returns the merged sequence (masked steps zero) rather than the merged last outputs.
    pub seq: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sink {
    /// A buffer of `width` per step, read by the next pass.
    Buffer { width: usize },
    /// The model's output sequence.
    Output,
    /// Nothing: the last output is read after the loop.
    Nothing,
}

/// One layer's work in a step. `layer` indexes `Model::layers`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// The Embedding row of the token at this step.
    Lookup { layer: usize },
    /// A recurrent step over state `units` wide, reading the mask at `mask`.
    Step {
        layer: usize,
        units: usize,
        mask: MaskAt,
        /// Its input projection is the folded Embedding's row.
        folded: bool,
    },
    /// A layer on the last axis (Dense, Activation) writing `width` per row.
    PerStep { layer: usize, width: usize },
    /// Masking: zeroes masked steps.
    Mask { layer: usize, width: usize },
    /// A causal, stride-1 `Conv1D` writing `width` per row, its last inputs in the model's
    /// state (`CausalState`): it streams, and a whole sequence runs it step by step too.
    Causal { layer: usize, width: usize },
}

/// Which position's mask a recurrent step reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskAt {
    /// No mask.
    None,
    /// The position it consumes (`__t`): the first recurrent layer of a backwards pass.
    Consumed,
    /// The position it produces (`__k`): Keras passes a `go_backwards` layer's input mask on
    /// unreversed, so layers after it read the mask by output position.
    Produced,
}

/// The plan of a checked model; `baked`: its weights are baked in (`#[weights = ...]`).
pub fn plan(model: &Model, baked: bool) -> Plan {
    let mask = mask_source(model);
    let fold = fold(model, baked);
    let mut b = Builder {
        model,
        fold,
        stages: Vec::new(),
        ops: Vec::new(),
        backwards: false,
        steps_in_pass: false,
        first_in_pass: true,
        // The mask lives until a layer that does not support it drops it (a window, a
        // reduction) or a recurrent layer without `seq` consumes it.
        masked: mask.is_some(),
        pass_masked: mask.is_some(),
        vector: false,
    };
    for (i, l) in model.layers.iter().enumerate() {
        b.layer(i, l);
    }
    b.finish();
    Plan {
        mask,
        fold,
        stages: b.stages,
        group: group_sizes(model).0,
        group_avx2: group_sizes(model).1,
        group_small: group_sizes(model).2,
        whole_tiles: whole_tiles(model),
        step_work: step_work(model, fold),
        min_steps: min_steps(model),
        stream: stream(model),
    }
}

/// The stages of a plan, built layer by layer: an open pass (`ops`) gathers the step-by-step
/// layers until a layer needs the whole sequence or ends it.
struct Builder<'m> {
    model: &'m Model,
    fold: Option<Fold>,
    stages: Vec<Stage>,
    /// The open pass's ops, or the ops on the current vector (`vector`).
    ops: Vec<Op>,
    backwards: bool,
    /// Whether the open pass has a recurrent step (its later layers see only its outputs).
    steps_in_pass: bool,
    first_in_pass: bool,
    masked: bool,
    /// Whether the mask was alive when the open pass began (its steps then read it, even if a
    /// layer in it drops the mask for the layers after).
    pass_masked: bool,
    /// Whether what flows is one vector per row (after the time axis ended).
    vector: bool,
}

impl Builder<'_> {
    fn layer(&mut self, i: usize, l: &crate::model::Layer) {
        let model = self.model;
        if self.vector {
            match l.kind {
                LayerKind::RepeatVector { n, .. } => {
                    self.stages
                        .push(Stage::Vector(std::mem::take(&mut self.ops)));
                    self.stages.push(Stage::Repeat { layer: i, n });
                    self.restart();
                    self.vector = false;
                }
                LayerKind::Reshape { out_seq: true, .. } => {
                    self.stages
                        .push(Stage::Vector(std::mem::take(&mut self.ops)));
                    let Flow::Seq { steps, width } = l.output else {
                        unreachable!("a reshape to two axes makes a sequence")
                    };
                    self.stages.push(Stage::Split {
                        layer: i,
                        width,
                        steps: steps.unwrap_or(1),
                    });
                    self.restart();
                    self.vector = false;
                }
                _ => self.ops.extend(op(model, i, self.fold)),
            }
            return;
        }
        match l.kind {
            LayerKind::Bidirectional { inner, .. } => {
                if self.steps_in_pass {
                    self.cut(Sink::Buffer {
                        width: model.layers[i - 1].output.width(),
                    });
                }
                let seq = l.kind.returns_sequences();
                self.stages.push(Stage::Pass(Pass {
                    backwards: false,
                    ops: std::mem::take(&mut self.ops),
                    bidi: Some(Bidi {
                        layer: i,
                        units: inner.sizes().1,
                        masked: self.masked,
                        folded: self.fold.is_some_and(|f| f.into == i),
                        seq,
                    }),
                    masked: self.pass_masked,
                    sink: if seq {
                        Sink::Buffer {
                            width: l.output.width(),
                        }
                    } else {
                        Sink::Nothing
                    },
                }));
                self.masked &= seq;
                self.restart();
                self.vector = !seq;
            }
            kind if kind.is_recurrent() => {
                let (units, go_backwards) = (kind.sizes().1, kind.goes_backwards());
                if go_backwards && self.steps_in_pass {
                    self.cut(Sink::Buffer {
                        width: model.layers[i - 1].output.width(),
                    });
                    self.backwards = true;
                    self.first_in_pass = true;
                } else if !self.steps_in_pass {
                    self.backwards = go_backwards;
                }
                let mask_at = match (self.masked, self.first_in_pass && self.backwards) {
                    (false, _) => MaskAt::None,
                    (true, true) => MaskAt::Consumed,
                    (true, false) => MaskAt::Produced,
                };
                self.ops.push(Op::Step {
                    layer: i,
                    units,
                    mask: mask_at,
                    folded: self.fold.is_some_and(|f| f.into == i),
                });
                self.steps_in_pass = true;
                self.first_in_pass = false;
                if !kind.returns_sequences() {
                    self.cut(Sink::Nothing);
                    self.vector = true;
                    self.masked = false;
                }
            }
            kind if kind.is_causal() => {
                self.ops.push(Op::Causal {
                    layer: i,
                    width: l.output.width(),
                });
                // It keeps a state: a `go_backwards` layer or a Bidirectional after it starts
                // a pass of its own.
                self.steps_in_pass = true;
                self.masked = false;
            }
            kind if kind.role() == Role::Window => {
                self.close_pass(i);
                self.stages.push(Stage::Window {
                    layer: i,
                    width: l.output.width(),
                });
                // A `PReLU` with an alpha per step keeps the mask; the others drop it.
                self.masked &= !kind.drops_mask();
                self.restart();
            }
            kind if kind.role() == Role::Reduce => {
                let masked =
                    self.masked && matches!(kind, LayerKind::GlobalAveragePooling1d { .. });
                self.close_pass(i);
                let keepdims = l.output.is_seq();
                self.stages.push(Stage::Reduce {
                    layer: i,
                    width: l.output.width(),
                    masked,
                    keepdims,
                });
                self.masked = false;
                self.restart();
                self.vector = !keepdims;
            }
            _ => self.ops.extend(op(model, i, self.fold)),
        }
    }

    /// Ends the open pass with `sink`.
    fn cut(&mut self, sink: Sink) {
        self.stages.push(Stage::Pass(Pass {
            backwards: self.backwards,
            ops: std::mem::take(&mut self.ops),
            bidi: None,
            masked: self.pass_masked,
            sink,
        }));
        self.restart();
    }

    /// Before a layer that needs the whole sequence (layer `i`): the open pass, if it computes
    /// anything, stores its sequence. (With no ops, the layer reads the sequence where it is:
    /// the model's float input, a buffer, a repeated vector.)
    fn close_pass(&mut self, i: usize) {
        if !self.ops.is_empty() {
            self.cut(Sink::Buffer {
                width: self.model.layers[i - 1].output.width(),
            });
        }
    }

    /// A new pass starts (forwards, no step yet, reading the mask if it is still alive).
    fn restart(&mut self) {
        (self.backwards, self.steps_in_pass, self.first_in_pass) = (false, false, true);
        self.pass_masked = self.masked;
    }

    fn finish(&mut self) {
        if self.vector {
            self.stages
                .push(Stage::Vector(std::mem::take(&mut self.ops)));
            return;
        }
        // The model's output sequence: the open pass's (with no ops, a copy of the sequence
        // the last stage left).
        self.cut(Sink::Output);
    }
}

/// Multiply-adds one row-timestep costs: every weight of a layer that runs each step is used
/// once a step (its parameter count), except a folded layer's input kernel, which the table
/// lookup replaces, and an Embedding's table (a lookup). `predict` gives each thread at least
/// `rnn_runtime::threads::MIN_WORK_PER_THREAD` of it, so a costly step splits sooner.
fn step_work(model: &Model, fold: Option<Fold>) -> u128 {
    // The layers that run on steps: those whose input is a sequence.
    let inputs = std::iter::once(true).chain(model.layers.iter().map(|l| l.output.is_seq()));
    let params: u128 = model
        .layers
        .iter()
        .zip(inputs)
        .filter(|(l, on_steps)| *on_steps && l.kind.role() != Role::Embedding)
        .map(|(l, _)| l.kind.params())
        .sum();
    let folded = fold.map_or(0, |f| {
        let input = model.layers[f.into].kind.sizes().0 as u128;
        input * f.width as u128 * f.copies as u128
    });
    params.saturating_sub(folded).max(1)
}

/// The op of a layer that is not recurrent (`None` for one that does nothing at inference).
fn op(model: &Model, i: usize, fold: Option<Fold>) -> Option<Op> {
    let l = &model.layers[i];
    match l.kind.role() {
        Role::Embedding if fold.is_some_and(|f| f.embedding == i) => None,
        Role::Embedding => Some(Op::Lookup { layer: i }),
        Role::Masking => Some(Op::Mask {
            layer: i,
            width: l.output.width(),
        }),
        Role::PerStep => Some(Op::PerStep {
            layer: i,
            width: l.output.width(),
        }),
        Role::Inert
        | Role::Input
        | Role::Recurrent
        | Role::Window
        | Role::Reduce
        | Role::Repeat => None,
    }
}

fn mask_source(model: &Model) -> Option<MaskSource> {
    if let Source::Tokens {
        mask_zero: true, ..
    } = model.input
    {
        return Some(MaskSource::Tokens);
    }
    model
        .layers
        .iter()
        .enumerate()
        .find_map(|(layer, l)| match l.kind {
            LayerKind::Masking { mask_value, .. } => Some(MaskSource::Values {
                layer,
                value: mask_value,
            }),
            _ => None,
        })
}

/// The shortest input the model leaves a step of: `rnn_spec::rules::min_steps` over its
/// layers (1 when nothing shortens the sequence).
fn min_steps(model: &Model) -> usize {
    rnn_spec::rules::min_steps(model.layers.iter().map(|l| &l.kind)).unwrap_or(1)
}

/// The first Embedding folds into the first layer that computes after it when that is a
/// recurrent layer (its input projection, every gate's columns, becomes a row lookup) or a
/// `Conv1D` (each tap's product becomes a row lookup: `rnn_spec::bake::fold_conv_table`) and the
/// table stays within [`FOLD_MAX_BYTES`] and [`FOLD_MAX_WORK`] (a baked model's within
/// [`FOLD_MAX_BYTES_BAKED`] and [`FOLD_MAX_WORK_BAKED`]).
fn fold(model: &Model, baked: bool) -> Option<Fold> {
    let LayerKind::Embedding {
        input_dim,
        output_dim,
        ..
    } = model.layers.first()?.kind
    else {
        return None;
    };
    let (into, next) = model
        .layers
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, l)| l.kind.role() != Role::Inert)?;
    let width = match next.kind {
        // A Conv1D's table: every tap's projection side by side (`fold_conv_table`); a causal,
        // stride-1 one runs step by step from its state instead, on looked-up rows.
        LayerKind::Conv1d {
            kernel_size,
            filters,
            ..
        } if !next.kind.is_causal() => kernel_size * filters,
        // The input kernel's columns: U, 4U or 3U (a Bidirectional's forward copy's first).
        kind if kind.is_recurrent() => *next.kind.tensors().first()?.1.get(1)?,
        _ => return None,
    };
    let copies = if next.kind.inner().is_some() { 2 } else { 1 };
    let (v, d, w, c) = (
        input_dim as u128,
        output_dim as u128,
        width as u128,
        copies as u128,
    );
    let (max_bytes, max_work) = if baked {
        (FOLD_MAX_BYTES_BAKED, FOLD_MAX_WORK_BAKED)
    } else {
        (FOLD_MAX_BYTES, FOLD_MAX_WORK)
    };
    (c * v * w * 4 <= max_bytes && c * v * d * w <= max_work).then_some(Fold {
        embedding: 0,
        into,
        vocab: input_dim,
        width,
        copies,
    })
}

/// Rows of a batch run together in lockstep on the AVX2, AVX-512 and NEON paths: `(group,
/// small)`, groups of `group` rows, then the rest `small` at a time, then one by one.
///
/// `small` is 6, a whole number of the SIMD products' row blocks (rnn-runtime's
/// `kernels::template`; docs/PERFORMANCE.md has the measurements). A group's per-step arrays live
/// on the stack, so they are capped at 64 KiB each (a gated layer's are 3U or 4U wide): wide
/// layers run fewer rows at once.
///
/// A model with a wide recurrent layer (a weight matrix of [`WIDE_WEIGHTS`] floats or more,
/// as `LSTM(64)`'s) runs larger groups, with its arrays capped at 128 KiB: the kernels'
/// blocked products read a step's weights once for the whole group (docs/PERFORMANCE.md,
/// "Wide layers"), where they would read them once per 6 rows. On AVX-512 (and on NEON, not
/// timed: the same 32 registers and 6 x 4 row block), `group` = 64 rows
/// (32, 24, 16 or 12 when wider); on AVX2 (`group_avx2`), at most 32. Measured: 64 rows rather
/// than 32 take AVX-512's lstm_w128 from 86.6 to 82.9 ms and gru_w128 from 59.5 to 56.2
/// (lstm_w256 with 64 rows and a 256 KiB cap was no faster than with 32), and AVX2's lstm_w64
/// from 32 to 41 ms.
///
/// Returns `(group, group_avx2, small)`.
fn group_sizes(model: &Model) -> (usize, usize, usize) {
    // Widths of the vectors a step holds (an Embedding's input is a token id, not a vector).
    let widest = model
        .layers
        .iter()
        .map(|l| match l.kind {
            LayerKind::Embedding { .. } => l.output.width(),
            _ => l.output.width().max(l.kind.sizes().0),
        })
        .max()
        .unwrap_or(1);
    // A step's arrays for each row stay within the cap: a gated layer's are 4U wide.
    let gated = model
        .layers
        .iter()
        .map(|l| l.kind.inner().copied().unwrap_or(l.kind))
        .any(|k| matches!(k, LayerKind::Lstm { .. } | LayerKind::Gru { .. }));
    let per_row = if gated { 4 * widest } else { widest }.max(1);
    let small = 6.min((16 * 1024 / per_row).max(1));
    let wide = model
        .layers
        .iter()
        .filter(|l| l.kind.is_recurrent())
        .flat_map(|l| l.kind.tensors())
        .any(|(_, shape)| shape.len() == 2 && shape[0] * shape[1] >= WIDE_WEIGHTS);
    let group = |most: usize| {
        [64, 32, 24, 16, 12]
            .into_iter()
            .filter(|g| *g <= most)
            .find(|g| g * per_row <= 32 * 1024)
            .filter(|_| wide)
            .unwrap_or(small)
    };
    (group(64), group(32), small)
}

/// Whether every recurrent layer's gate columns (its kernels' second dimension: U, 3U, 4U; a
/// wrapper's inner layer's) are a multiple of 64 floats, the AVX-512 kernels' 4-register tile.
fn whole_tiles(model: &Model) -> bool {
    model
        .layers
        .iter()
        .filter(|l| l.kind.is_recurrent())
        .flat_map(|l| l.kind.tensors())
        .filter(|(_, shape)| shape.len() == 2)
        .all(|(_, shape)| shape[1] % 64 == 0)
}

/// The weight matrix (in floats) from which a recurrent layer runs in wide groups
/// ([`group_sizes`]): 64 KiB, `LSTM(64)`'s recurrent kernel.
const WIDE_WEIGHTS: usize = 16 * 1024;

/// A model streams (one step at a time, state carried) when every layer can
/// (`LayerKind::no_stream`: a causal, stride-1 `Conv1D` can) and every recurrent layer runs
/// forwards.
fn stream(model: &Model) -> Result<(), String> {
    for (i, l) in model.layers.iter().enumerate() {
        let why = match l.kind.no_stream() {
            Some(why) => why,
            None if l.kind.goes_backwards() => "runs backwards (`go_backwards`)",
            None => continue,
        };
        return Err(format!(
            "layer {} (`{}`) {why}: it needs the whole sequence before its first output",
            i + 1,
            l.name
        ));
    }
    Ok(())
}

impl Plan {
    /// The passes over time, in order.
    pub fn passes(&self) -> Vec<&Pass> {
        self.stages
            .iter()
            .filter_map(|s| match s {
                Stage::Pass(p) => Some(p),
                _ => None,
            })
            .collect()
    }

    /// The ops on vectors, in order.
    #[allow(dead_code)]
    pub fn tail(&self) -> Vec<Op> {
        self.stages
            .iter()
            .flat_map(|s| match s {
                Stage::Vector(ops) => ops.clone(),
                _ => Vec::new(),
            })
            .collect()
    }

    /// The recurrent layers' state arrays: layer and width.
    #[allow(dead_code)]
    pub fn states(&self) -> Vec<(usize, usize)> {
        self.passes()
            .into_iter()
            .flat_map(|p| {
                let bidi = p.bidi.map(|b| [(b.layer, b.units), (b.layer, b.units)]);
                let steps = p.ops.iter().filter_map(|op| match *op {
                    Op::Step { layer, units, .. } => Some((layer, units)),
                    _ => None,
                });
                steps.chain(bidi.into_iter().flatten())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::ModelDef;

    fn plan_of(src: &str) -> Plan {
        let def: ModelDef = syn::parse_str(src).expect("parses");
        let model = crate::check::check(&def).unwrap_or_else(|e| panic!("{src}: {e}"));
        plan(&model, false)
    }

    fn baked_plan_of(src: &str) -> Plan {
        let def: ModelDef = syn::parse_str(src).expect("parses");
        let model = crate::check::check(&def).unwrap_or_else(|e| panic!("{src}: {e}"));
        plan(&model, true)
    }

    fn step(layer: usize, units: usize, mask: MaskAt, folded: bool) -> Op {
        Op::Step {
            layer,
            units,
            mask,
            folded,
        }
    }

    #[test]
    fn a_last_output_model_is_one_pass_then_a_tail() {
        let p = plan_of(
            "struct M<Embedding(10000, 32), SimpleRNN(32), Dense(1, activation = sigmoid)>;",
        );
        assert_eq!(p.passes().len(), 1);
        assert_eq!(p.passes()[0].ops, [step(1, 32, MaskAt::None, true)]);
        assert_eq!(p.passes()[0].sink, Sink::Nothing);
        assert_eq!(p.tail(), [Op::PerStep { layer: 2, width: 1 }]);
        assert_eq!(
            p.fold,
            Some(Fold {
                embedding: 0,
                into: 1,
                vocab: 10000,
                width: 32,
                copies: 1
            })
        );
        assert_eq!(p.stream, Ok(()));
        assert_eq!(p.states(), [(1, 32)]);
    }

    #[test]
    fn folding_covers_every_gate_skips_inert_layers_and_stops_at_big_tables() {
        let p = plan_of("struct M<Embedding(100, 8), Dropout(0.5), SimpleRNN(8)>;");
        assert_eq!(p.fold.map(|f| f.into), Some(2));
        assert_eq!(p.passes()[0].ops, [step(2, 8, MaskAt::None, true)]);
        // A gated layer folds every gate's columns: the book's IMDB LSTM, 10000 x 128.
        let p = plan_of("struct M<Embedding(10000, 32), LSTM(32), Dense(1)>;");
        assert_eq!(p.fold.map(|f| (f.vocab, f.width)), Some((10000, 128)));
        let p = plan_of("struct M<Embedding(10000, 32), GRU(32)>;");
        assert_eq!(p.fold.map(|f| f.width), Some(96));
        // The widths real models use fold too: LSTM(256) on 10000 tokens, a 40 MiB table.
        let p = plan_of("struct M<Embedding(10000, 256), LSTM(256)>;");
        assert_eq!(p.fold.map(|f| f.width), Some(1024));
        // A table past 64 MiB (200000 x 128 floats is 97.7 MiB) or 2^32 multiply-adds to
        // build is not folded: the Embedding is looked up and the product computed.
        let p = plan_of("struct M<Embedding(200000, 32), LSTM(32)>;");
        assert_eq!(p.fold, None);
        assert_eq!(p.passes()[0].ops[0], Op::Lookup { layer: 0 });
        let p = plan_of("struct M<Embedding(20000, 1024), LSTM(256)>;");
        assert_eq!(p.fold, None, "20000 x 1024 x 1024 multiply-adds to build");
        // Baked, the macro builds the table while compiling: at most 32 MiB and 2^27.
        let p = baked_plan_of("struct M<Embedding(10000, 256), LSTM(256)>;");
        assert_eq!(p.fold, None);
        let p = baked_plan_of("struct M<Embedding(100000, 32), LSTM(32)>;");
        assert_eq!(p.fold, None, "48.8 MiB");
        let p = baked_plan_of("struct M<Embedding(20000, 256), SimpleRNN(32)>;");
        assert_eq!(p.fold, None, "20000 x 256 x 32 multiply-adds to build");
        let p = baked_plan_of("struct M<Embedding(10000, 32), LSTM(32)>;");
        assert_eq!(p.fold.map(|f| f.width), Some(128));
        // Dense after the Embedding: nothing folds.
        let p = plan_of("struct M<Embedding(100, 8), Dense(4), SimpleRNN(4)>;");
        assert_eq!(p.fold, None);
    }

    #[test]
    fn go_backwards_after_a_recurrent_layer_starts_a_backwards_pass() {
        let p = plan_of(
            "struct M<Embedding(30, 6, mask_zero = true), SimpleRNN(5, seq), SimpleRNN(4, seq, go_backwards = true), Dense(2), SimpleRNN(3, go_backwards = true)>;",
        );
        assert_eq!(p.mask, Some(MaskSource::Tokens));
        assert_eq!(p.passes().len(), 3);
        assert!(!p.passes()[0].backwards && p.passes()[1].backwards && p.passes()[2].backwards);
        assert_eq!(p.passes()[0].sink, Sink::Buffer { width: 5 });
        assert_eq!(p.passes()[1].sink, Sink::Buffer { width: 2 });
        // The first recurrent layer of a backwards pass reads the mask where it consumes.
        assert_eq!(p.passes()[1].ops[0], step(2, 4, MaskAt::Consumed, false));
        assert_eq!(p.passes()[2].ops, [step(4, 3, MaskAt::Consumed, false)]);
        assert!(
            p.stream
                .as_ref()
                .is_err_and(|why| why.contains("layer 3 (`simple_rnn_1`)"))
        );
    }

    #[test]
    fn a_first_go_backwards_layer_makes_the_first_pass_backwards() {
        let p = plan_of(
            "struct M<Embedding(30, 6, mask_zero = true), SimpleRNN(5, seq, go_backwards = true), SimpleRNN(4, seq)>;",
        );
        assert_eq!(p.passes().len(), 1);
        assert!(p.passes()[0].backwards);
        assert_eq!(p.passes()[0].sink, Sink::Output);
        // The layer after it reads the mask at the position it produces.
        assert_eq!(p.passes()[0].ops[1], step(2, 4, MaskAt::Produced, false));
    }

    #[test]
    fn masking_is_the_mask_source_and_an_op_and_inert_layers_vanish() {
        let p = plan_of(
            "struct M<Input(None, 4), Masking(mask_value = -1.0), GaussianNoise(0.1), SimpleRNN(6, seq), Activation(softmax)>;",
        );
        assert_eq!(
            p.mask,
            Some(MaskSource::Values {
                layer: 0,
                value: -1.0
            })
        );
        assert_eq!(
            p.passes()[0].ops,
            [
                Op::Mask { layer: 0, width: 4 },
                step(2, 6, MaskAt::Produced, false),
                Op::PerStep { layer: 3, width: 6 }
            ]
        );
        assert!(p.tail().is_empty());
    }

    #[test]
    fn a_row_timestep_costs_its_per_step_weights_and_a_folded_kernel_costs_nothing() {
        // Folded: SimpleRNN(32)'s recurrent kernel and bias; LSTM(32)'s, 4 gates.
        let p = plan_of("struct M<Embedding(10000, 32), SimpleRNN(32)>;");
        assert_eq!(p.step_work, 32 * 32 + 32);
        let p = plan_of("struct M<Embedding(10000, 32), LSTM(32)>;");
        assert_eq!(p.step_work, 4 * (32 * 32 + 32));
        // Both copies of a Bidirectional; the Dense after the time axis runs once a row.
        let p = plan_of(
            "struct M<Embedding(10000, 32), Bidirectional(LSTM(32)), Dense(1, activation = sigmoid)>;",
        );
        assert_eq!(p.step_work, 2 * 4 * (32 * 32 + 32));
        // Float inputs: both kernels, and a Dense that runs every step.
        let p = plan_of("struct M<Input(None, 8), GRU(16, seq), Dense(2)>;");
        assert_eq!(p.step_work, 3 * 16 * (8 + 16 + 2) + (16 * 2 + 2));
    }

    #[test]
    fn wide_layers_run_fewer_rows_at_once() {
        let p = plan_of("struct M<Input(None, 4), SimpleRNN(4096)>;");
        assert_eq!(p.group, 4);
        let p = plan_of("struct M<Input(None, 4), SimpleRNN(32)>;");
        assert_eq!(p.group, 6);
        // Gated layers: 6 rows while their 4U-wide gate arrays fit, fewer when wide.
        let p = plan_of("struct M<Input(None, 4), LSTM(32), Dense(1)>;");
        assert_eq!(p.group, 6);
        let p = plan_of("struct M<Input(None, 4), GRU(1024)>;");
        assert_eq!(p.group, 4);
        let p = plan_of("struct M<Input(None, 4), LSTM(32, seq), SimpleRNN(32)>;");
        assert_eq!(p.group, 6);
        // A wide gated layer in a mixed stack is capped as a gated one.
        let p = plan_of("struct M<Input(None, 4), LSTM(1024, seq), SimpleRNN(32)>;");
        assert_eq!(p.group, 4);
    }

    #[test]
    fn wide_recurrent_layers_run_in_wide_groups_then_small_ones() {
        // LSTM(64)'s recurrent kernel is 64 KiB: 64 rows at once, the rest 6 at a time.
        let p = plan_of("struct M<Embedding(10000, 64), LSTM(64)>;");
        assert_eq!((p.group, p.group_small), (64, 6));
        let p = plan_of("struct M<Embedding(10000, 128), LSTM(128)>;");
        assert_eq!((p.group, p.group_small), (64, 6));
        // AVX2 runs at most 32 (its 16 registers hold blocks of 3 rows).
        assert_eq!(p.group_avx2, 32);
        let p = plan_of("struct M<Embedding(10000, 256), LSTM(256)>;");
        assert_eq!((p.group, p.group_small), (32, 6));
        // 4 x 512 floats a row: 16 rows fit 128 KiB.
        let p = plan_of("struct M<Input(None, 8), LSTM(512)>;");
        assert_eq!((p.group, p.group_small), (16, 6));
        let p = plan_of("struct M<Input(None, 8), GRU(128), Dense(1)>;");
        assert_eq!((p.group, p.group_small), (64, 6));
        // Narrow layers keep the groups of 6 (LSTM(32)'s kernels are 16 KiB each)...
        let p = plan_of("struct M<Embedding(10000, 32), LSTM(32)>;");
        assert_eq!((p.group, p.group_small), (6, 6));
        // ... unless their input kernel is wide (256 x 128 floats, not folded).
        let p = plan_of("struct M<Embedding(10000, 256), LSTM(32)>;");
        assert_eq!((p.group, p.group_small), (32, 6));
        let p = plan_of("struct M<Input(None, 4), SimpleRNN(100)>;");
        assert_eq!((p.group, p.group_small), (6, 6));
    }

    #[test]
    fn whole_tiles_when_every_gate_width_is_a_multiple_of_64() {
        // LSTM(32): 128 columns; GRU(32): 96; SimpleRNN(32): 32; GRU(64): 192.
        assert!(plan_of("struct M<Embedding(100, 8), LSTM(32)>;").whole_tiles);
        assert!(!plan_of("struct M<Embedding(100, 8), GRU(32)>;").whole_tiles);
        assert!(!plan_of("struct M<Embedding(100, 8), SimpleRNN(32)>;").whole_tiles);
        assert!(plan_of("struct M<Input(None, 3), GRU(64), Dense(1)>;").whole_tiles);
        assert!(plan_of("struct M<Embedding(100, 8), Bidirectional(LSTM(32))>;").whole_tiles);
        assert!(!plan_of("struct M<Embedding(100, 8), LSTM(32, seq), GRU(32)>;").whole_tiles);
    }

    #[test]
    fn a_bidirectional_layer_runs_both_copies_in_one_pass_over_folded_tables() {
        let p = plan_of(
            "struct M<Embedding(10000, 32), Bidirectional(LSTM(32)), Dense(1, activation = sigmoid)>;",
        );
        assert_eq!(p.passes().len(), 1);
        assert!(p.passes()[0].ops.is_empty());
        assert_eq!(
            p.passes()[0].bidi,
            Some(Bidi {
                layer: 1,
                units: 32,
                masked: false,
                folded: true,
                seq: false
            })
        );
        assert_eq!(
            p.fold.map(|f| (f.into, f.width, f.copies)),
            Some((1, 128, 2))
        );
        assert_eq!(p.tail(), [Op::PerStep { layer: 2, width: 1 }]);
        assert!(
            p.stream
                .as_ref()
                .is_err_and(|why| why.contains("`bidirectional`") && why.contains("Bidirectional"))
        );
        assert_eq!(p.states(), [(1, 32), (1, 32)]);
        // Both copies are gated: 6 rows on AVX2, as for a plain LSTM.
        assert_eq!(p.group, 6);
    }

    #[test]
    fn a_bidirectional_sequence_ends_its_pass_and_reads_a_buffer_after_a_recurrent_layer() {
        let p = plan_of(
            "struct M<Embedding(30, 6, mask_zero = true), LSTM(5, seq), Bidirectional(GRU(4, seq)), TimeDistributed(Dense(2)), SimpleRNN(3, go_backwards = true)>;",
        );
        assert_eq!(p.passes().len(), 3);
        assert_eq!(p.passes()[0].sink, Sink::Buffer { width: 5 });
        assert!(p.passes()[0].bidi.is_none());
        let bidi = p.passes()[1].bidi.expect("the Bidirectional's pass");
        assert!(bidi.masked && bidi.seq && !bidi.folded);
        assert_eq!(p.passes()[1].sink, Sink::Buffer { width: 8 });
        // After it: the per-step head, then a backwards layer in the same (backwards) pass,
        // reading the mask where it consumes.
        assert!(p.passes()[2].backwards);
        assert_eq!(
            p.passes()[2].ops,
            [
                Op::PerStep { layer: 3, width: 2 },
                step(4, 3, MaskAt::Consumed, false)
            ]
        );
        // A Bidirectional straight after the Embedding runs the lookups at both positions.
        let p = plan_of("struct M<Embedding(300000, 8), Dropout(0.2), Bidirectional(LSTM(16))>;");
        assert_eq!(p.fold, None);
        assert_eq!(p.passes().len(), 1);
        assert_eq!(p.passes()[0].ops, [Op::Lookup { layer: 0 }]);
    }

    #[test]
    fn windows_are_stages_over_whole_sequences_and_a_causal_convolution_streams() {
        // The book's Jena model: two windows over whole sequences, then a pass with the GRU
        // reading the second's buffer, then the Dense on the last output; it cannot stream.
        let p = plan_of(
            "struct M<Input(None, 14), Conv1D(32, 5, activation = relu), MaxPooling1D(pool_size = 3), Conv1D(32, 5), GRU(32), Dense(1)>;",
        );
        assert_eq!(
            p.stages[..3],
            [
                Stage::Window {
                    layer: 0,
                    width: 32
                },
                Stage::Window {
                    layer: 1,
                    width: 32
                },
                Stage::Window {
                    layer: 2,
                    width: 32
                },
            ]
        );
        assert_eq!(p.passes().len(), 1);
        assert_eq!(p.passes()[0].ops, [step(3, 32, MaskAt::None, false)]);
        assert_eq!(p.tail(), [Op::PerStep { layer: 4, width: 1 }]);
        assert_eq!(p.min_steps, 19);
        assert!(p.stream.is_err());
        // A masked Embedding, then a window: the mask is gone after it (Keras drops it), but
        // GlobalAveragePooling1D right after the Embedding averages the unmasked steps.
        let p = plan_of(
            "struct M<Embedding(30, 8, mask_zero = true), Dense(4), Conv1D(6, 3), LSTM(4, seq), GlobalAveragePooling1D()>;",
        );
        assert!(p.passes()[0].masked && !p.passes()[1].masked);
        assert_eq!(p.passes()[1].ops, [step(3, 4, MaskAt::None, false)]);
        // An Embedding right before a Conv1D folds into it: the window reads the token ids.
        let p = plan_of("struct M<Embedding(30, 8), Conv1D(6, 3), LSTM(4)>;");
        assert_eq!(p.fold.map(|f| (f.into, f.width)), Some((1, 18)));
        assert_eq!(p.stages[0], Stage::Window { layer: 1, width: 6 });
        let p = plan_of(
            "struct M<Embedding(30, 8, mask_zero = true), GlobalAveragePooling1D(), Dense(2)>;",
        );
        assert!(matches!(p.stages[1], Stage::Reduce { masked: true, .. }));
        // A causal, stride-1 Conv1D is a step of the pass, with its last inputs in the state:
        // the model streams; before a go_backwards layer, the pass is cut after it.
        let p = plan_of(
            "struct M<Input(None, 3), Conv1D(4, 3, padding = causal, dilation_rate = 2), GRU(5, seq), Dense(1)>;",
        );
        assert_eq!(p.stages.len(), 1);
        assert_eq!(p.passes()[0].ops[0], Op::Causal { layer: 0, width: 4 });
        assert_eq!(p.stream, Ok(()));
        let p = plan_of(
            "struct M<Input(None, 3), Conv1D(4, 3, padding = causal), GRU(5, go_backwards = true)>;",
        );
        assert_eq!(p.passes().len(), 2);
        assert!(!p.passes()[0].backwards && p.passes()[1].backwards);
        // RepeatVector starts a new sequence from the last output (keras.io's addition_rnn).
        let p = plan_of(
            "struct M<Input(7, 12), LSTM(16), RepeatVector(4), LSTM(16, seq), TimeDistributed(Dense(12))>;",
        );
        assert!(matches!(p.stages[2], Stage::Repeat { layer: 1, n: 4 }));
        assert_eq!(p.passes()[1].sink, Sink::Output);
    }
}
