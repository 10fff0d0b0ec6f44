//! Peak memory of loading a ~100 MB weights file. Writes the file to the temp directory with
//! one process, then loads it in a fresh child process and reports that child's peak resident
//! memory (VmHWM, Linux) against the file size and the weights' own size.
//!
//! Run: `cargo run --release --example load_memory`

use rnn_runtime::rnn_model;

rnn_model! { struct Big<Embedding(40000, 256), SimpleRNN(32)>; }

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::temp_dir().join("rnn_load_memory.json");
    if std::env::args().nth(1).as_deref() == Some("--load") {
        let before = vm_hwm_kib().unwrap_or(0);
        let model = Big::load(&path)?;
        let after = vm_hwm_kib().unwrap_or(0);
        std::hint::black_box(&model);
        println!("{before} {after}");
        return Ok(());
    }
    std::fs::write(&path, Big::random(1).to_json())?;
    let file_mib = std::fs::metadata(&path)?.len() as f64 / (1 << 20) as f64;
    let out = std::process::Command::new(std::env::current_exe()?)
        .arg("--load")
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text
        .split_whitespace()
        .filter_map(|v| v.parse::<f64>().ok());
    let (before, after) = (it.next().unwrap_or(0.0), it.next().unwrap_or(0.0));
    let weights_mib = (Big::PARAMS * 4) as f64 / (1 << 20) as f64;
    println!(
        "{{\"file_mib\": {file_mib:.1}, \"weights_mib\": {weights_mib:.1}, \"peak_rss_before_load_mib\": {:.1}, \"peak_rss_after_load_mib\": {:.1}}}",
        before / 1024.0,
        after / 1024.0
    );
    std::fs::remove_file(&path)?;
    Ok(())
}
