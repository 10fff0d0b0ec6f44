//! The numbers the web page must show, from the same code on the host: reads token ids from
//! stdin (one sequence a line, ids separated by spaces) and prints, a line each, the f32 bits
//! of P(positive) in hex and its value (`nan` for a refused sequence). `.ci/run` compares the
//! page's numbers with these (check.py).

use std::io::BufRead;

fn main() {
    for line in std::io::stdin().lock().lines() {
        let line = line.expect("stdin is readable");
        let ids: Vec<u32> = line
            .split_whitespace()
            .map(|t| t.parse().expect("token ids are u32"))
            .collect();
        let p = rnn_web_example::sentiment(&ids).unwrap_or(f32::NAN);
        println!("{:08x} {p:?}", p.to_bits());
    }
}
