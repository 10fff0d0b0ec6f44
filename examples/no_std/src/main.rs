//! The example as firmware: a `#![no_std]`, `#![no_main]` binary with no `#[global_allocator]`.
//! That it links proves no `alloc` crate is reached (rustc refuses to link one without an
//! allocator). Built for `thumbv7em-none-eabihf` by `.ci/run`, which prints its size (flash and
//! RAM: README); not for the host, whose linker wants a C runtime. Runs the sine model and the
//! sentiment model.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}

/// The entry point: runs the model on a few frames, forever.
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let frames = [[0.0f32], [0.13], [0.26], [0.38], [0.5]];
    let mut out = [0.0f32; 5];
    let review = [1u32, 14, 22, 16, 43, 530, 973, 1622, 1385, 65, 458, 4468];
    loop {
        black_box(rnn_no_std_example::predict(black_box(&frames)));
        black_box(rnn_no_std_example::stream(black_box(&frames), &mut out));
        black_box(&out);
        black_box(rnn_no_std_example::sentiment(black_box(&review)));
    }
}
