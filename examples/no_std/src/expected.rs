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
pub const FORWARD: u32 = 0x3f8262bb;

/// `step` over FRAMES from `state()`: each step's output.
pub const STEPS: [u32; 10] = [
    0xbcf4ac0d, 0x3d3553b0, 0x3e3bd114, 0x3eb3fd02, 0x3f0519b4, 0x3f2bbb93, 0x3f4be043, 0x3f6524a0,
    0x3f77e93e, 0x3f8262bb,
];
