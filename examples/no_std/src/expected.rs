// The numbers the sine model gives on FRAMES on the portable path, as f32 bits: the no_std
// crate's test (no std, no alloc in the runtime) and the workspace's tests/no_std.rs (std)
// both check them, so the two builds agree bit for bit.

/// Ten frames of a sine wave.
pub const FRAMES: [[f32; 1]; 10] = [
    [0.0],
    [0.129_634],
    [0.257_081],
    [0.380_188],
    [0.496_880],
    [0.605_186],
    [0.703_279],
    [0.789_504],
    [0.862_404],
    [0.920_750],
];

/// `forward(&FRAMES)`.
pub const FORWARD: u32 = 0x3f8262b9;

/// `step` over FRAMES from `state()`: each step's output.
pub const STEPS: [u32; 10] = [
    0xbcf4ac0a, 0x3d3553ae, 0x3e3bd112, 0x3eb3fd00, 0x3f0519b2, 0x3f2bbb91, 0x3f4be040, 0x3f65249e,
    0x3f77e93b, 0x3f8262b9,
];
