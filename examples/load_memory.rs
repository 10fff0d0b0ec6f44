//! Peak memory of loading a big weights file, each load in a fresh child process whose peak
//! resident memory (VmHWM, Linux) is reported against the file size and the weights' own size.
//!
//! Run: `cargo run --release --example load_memory` writes a ~121 MiB JSON weights file of
//! `Embedding(40000, 256), SimpleRNN(32)` to the temp directory and loads it.
//! `cargo run --release --example load_memory -- wide.json wide.keras wide.h5` loads each given
//! file into `Embedding(100000, 256), SimpleRNN(32), Dense(1)` (docs/KERAS_FILES.md, Memory,
//! says how those files are made): the JSON file and Keras's own files of one model, compared.

use rnn_runtime::rnn_model;

rnn_model! { struct Big<Embedding(40000, 256), SimpleRNN(32)>; }
rnn_model! { struct Wide<Embedding(100000, 256), SimpleRNN(32), Dense(1)>; }

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// In the child: loads `path` into `M`, prints the peak RSS before and after, in KiB, and the
/// seconds the load took.
fn child<M>(load: impl Fn(&str) -> rnn_runtime::Result<M>, path: &str) -> rnn_runtime::Result<()> {
    let before = vm_hwm_kib().unwrap_or(0);
    let start = std::time::Instant::now();
    let model = load(path)?;
    let seconds = start.elapsed().as_secs_f64();
    let after = vm_hwm_kib().unwrap_or(0);
    std::hint::black_box(&model);
    println!("{before} {after} {seconds}");
    Ok(())
}

/// Loads `path` in a child process (`--load` or `--load-wide`) and prints the figures.
fn measure(
    flag: &str,
    path: &std::path::Path,
    params: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let file_mib = std::fs::metadata(path)?.len() as f64 / (1 << 20) as f64;
    let out = std::process::Command::new(std::env::current_exe()?)
        .arg(flag)
        .arg(path)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text
        .split_whitespace()
        .filter_map(|v| v.parse::<f64>().ok());
    let (before, after) = (it.next().unwrap_or(0.0), it.next().unwrap_or(0.0));
    let seconds = it.next().unwrap_or(0.0);
    let weights_mib = (params * 4) as f64 / (1 << 20) as f64;
    println!(
        "{{\"file\": {:?}, \"file_mib\": {file_mib:.1}, \"weights_mib\": {weights_mib:.1}, \"peak_rss_before_load_mib\": {:.1}, \"peak_rss_after_load_mib\": {:.1}, \"load_s\": {seconds:.2}}}",
        path.display().to_string(),
        before / 1024.0,
        after / 1024.0
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--load") => return Ok(child(|p| Big::load(p), &args[1])?),
        Some("--load-wide") => return Ok(child(|p| Wide::load(p), &args[1])?),
        _ => {}
    }
    if !args.is_empty() {
        for path in &args {
            measure("--load-wide", path.as_ref(), Wide::PARAMS)?;
        }
        return Ok(());
    }
    let path = std::env::temp_dir().join("rnn_load_memory.json");
    std::fs::write(&path, Big::random(1).to_json())?;
    measure("--load", &path, Big::PARAMS)?;
    std::fs::remove_file(&path)?;
    Ok(())
}
