//! Helpers shared by the builder's integration tests (and its bench, which
//! includes this file).
//!
//! Predicate trees are compared in their one-line text form, the `Display` of
//! `atlas_catalog::Expr`: `(and (eq Image|process.executable "x") (not (exists User|user.name)))`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// What every corpus test prints, and does nothing else, when there is no corpus.
pub const NO_CORPUS: &str =
    "skipped: no rule corpus (set RULE_ATLAS_CORPUS to a folder with sigma/, elastic/, splunk/, attack/)";

/// The folders a corpus must hold.
const CORPUS_PARTS: [&str; 4] = ["sigma", "elastic", "splunk", "attack"];

/// The shared rule corpus, the one policy of every test that reads it:
///
/// - `RULE_ATLAS_CORPUS` set: that folder (a relative path is taken from the
///   workspace root), which must exist and hold sigma/, elastic/, splunk/ and
///   attack/ (a panic otherwise: a CI that means to test the corpus and
///   points at the wrong place must fail);
/// - unset: `../shared/corpus` beside the workspace when it is there (held to
///   the same rule), else `None` after printing [`NO_CORPUS`]; the caller
///   returns, and the test passes having checked nothing;
/// - `RULE_ATLAS_NO_CORPUS` set and not empty: `None` in any case (`scripts/test.sh
///   --no-corpus`).
pub fn corpus() -> Option<PathBuf> {
    if std::env::var_os("RULE_ATLAS_NO_CORPUS").is_some_and(|off| !off.is_empty()) {
        eprintln!("{NO_CORPUS}");
        return None;
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // Empty is unset, as in the scripts' `${RULE_ATLAS_CORPUS:-…}`.
    if let Some(dir) = std::env::var_os("RULE_ATLAS_CORPUS").filter(|dir| !dir.is_empty()) {
        let dir = workspace.join(dir);
        assert!(dir.is_dir(), "RULE_ATLAS_CORPUS names {}, which is not a folder", dir.display());
        return Some(complete(dir, "RULE_ATLAS_CORPUS"));
    }
    let default = workspace.join("../shared/corpus");
    if default.is_dir() {
        return Some(complete(default, "the default corpus"));
    }
    eprintln!("{NO_CORPUS}");
    None
}

/// The corpus folder, after checking it holds every part.
fn complete(dir: PathBuf, named_by: &str) -> PathBuf {
    let missing: Vec<String> =
        CORPUS_PARTS.into_iter().filter(|part| !dir.join(part).is_dir()).map(|part| format!("{part}/")).collect();
    assert!(
        missing.is_empty(),
        "{named_by} ({}) lacks {}: a rule corpus holds sigma/, elastic/, splunk/, attack/",
        dir.display(),
        missing.join(", ")
    );
    dir
}

/// The builder's own test fixtures.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}
