//! The catalog reader's fuzz target, replayed on stable (docs/fuzzing.md):
//! every committed input of `fuzz/regressions/catalog_reader/` and the
//! default catalog go through the app's reader (`load::parse_catalog`) and
//! the index the app builds over what it reads, exactly as
//! fuzz/fuzz_targets/catalog_reader.rs runs them.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rule_atlas_app::load::parse_catalog;

/// Longest one input may take in this unoptimized build (the campaign holds
/// every input to 1 s optimized): catches a hang, not a slow machine.
const BUDGET: Duration = Duration::from_secs(10);

fn replay(data: &[u8]) {
    atlas_frontend::fuzzing::catalog_reader(data, |bytes| parse_catalog("catalog/catalog.json", bytes));
}

#[test]
fn catalog_reader_inputs_replay() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<PathBuf> = fs::read_dir(root.join("fuzz/regressions/catalog_reader"))
        .expect("fuzz/regressions/catalog_reader")
        .map(|entry| entry.expect("entry").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in fuzz/regressions/catalog_reader");
    inputs.push(root.join("public/catalog/catalog.json"));
    for path in inputs {
        let data = fs::read(&path).expect("readable input");
        let started = Instant::now();
        // A panic names the input: the test output shows this line first.
        println!("replaying {}", path.display());
        replay(&data);
        assert!(started.elapsed() < BUDGET, "{} took {:?}", path.display(), started.elapsed());
    }
}
