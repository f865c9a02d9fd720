//! The front ends stay pure (issue #11): no file system, threads, clock,
//! process or environment, so the same code runs in the browser. The wasm32
//! build itself is checked by scripts/test.sh; this test names the offending
//! line when someone reaches for I/O.

use std::fs;
use std::path::{Path, PathBuf};

const FORBIDDEN: [&str; 9] =
    ["std::fs", "std::env", "std::thread", "std::time", "std::process", "TcpStream", "UdpSocket", "rayon", "walkdir"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_front_ends_do_no_io() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    assert!(files.len() > 20, "found only {} source files", files.len());
    let mut offending = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("readable source");
        for (n, line) in text.lines().enumerate() {
            if FORBIDDEN.iter().any(|f| line.contains(f)) && !line.trim_start().starts_with("//") {
                offending.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(offending.is_empty(), "I/O in the front ends:\n{}", offending.join("\n"));
}
