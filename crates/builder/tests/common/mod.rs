//! Helpers shared by the builder's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared corpus: `RULE_ATLAS_CORPUS`, else `../shared/corpus` beside the
/// workspace (where CI and this machine keep it).
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("RULE_ATLAS_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    }
}

/// The builder's own test fixtures.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}
