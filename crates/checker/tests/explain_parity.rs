//! The checker's tree is `rule-atlas explain`'s (issue #14): every rule file
//! among the builder's fixtures, and a sample of corpus files of each vendor,
//! read by `explain` and by the checker (pasted, and dropped with its name,
//! with the macros of its repository as the build's `macros.json` carries
//! them) give the same rules, statuses and trees.

#[path = "../../builder/tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};

use atlas_builder::explain::explain_file;
use atlas_catalog::check::{CheckRequest, InputKind};
use atlas_checker::Checker;
use serde_json::Value;
use walkdir::WalkDir;

/// The `macros.json` a build of the repository holding `file` writes (the
/// nearest folder above it with a macros/ folder, as `explain` looks).
fn macros_json(file: &Path) -> Option<String> {
    let root = file.ancestors().skip(1).find(|dir| dir.join("macros").is_dir())?;
    let macros = atlas_builder::macros::load(root, &[]).expect("macros load");
    Some(serde_json::to_string(&macros.file()).expect("serializes"))
}

/// (id, status, tree) of each rule, as `explain` prints them.
type Read = Vec<(String, String, Option<Value>)>;

fn by_explain(file: &Path) -> Option<Read> {
    let fields = atlas_frontend::fieldtable::load().expect("field table");
    let lines = explain_file(file, &fields, None).ok()?;
    let rules: Read = lines
        .into_iter()
        .filter_map(|line| {
            let logic = line.logic.map(|l| serde_json::to_value(l).expect("tree serializes"));
            Some((line.id?, line.status, logic))
        })
        .collect();
    Some(rules)
}

fn by_checker(file: &Path, with_name: bool) -> Read {
    let text = std::fs::read_to_string(file).expect("readable");
    let request = CheckRequest {
        seq: 1,
        text,
        kind: InputKind::Auto,
        file_name: with_name.then(|| file.file_name().unwrap_or_default().to_string_lossy().into_owned()),
        fragment: None,
        technique: None,
        rule: None,
    };
    let mut checker = Checker::new();
    if let Some(macros) = macros_json(file) {
        checker.set_macros(&macros);
    }
    let response = checker.read(&request);
    assert_eq!(response.error, None, "{}", file.display());
    response
        .rules
        .into_iter()
        .map(|rule| {
            let logic = rule.logic.map(|json| serde_json::from_str::<Value>(&json).expect("tree is JSON"));
            (rule.id, rule.status.as_str().to_owned(), logic)
        })
        .collect()
}

/// Compares one file both ways; false when `explain` reads no rule from it.
fn same_reading(file: &Path) -> bool {
    let Some(explained) = by_explain(file) else { return false };
    assert_eq!(by_checker(file, true), explained, "dropped {}", file.display());
    if explained.is_empty() {
        return false;
    }
    assert_eq!(by_checker(file, false), explained, "pasted {}", file.display());
    true
}

fn rule_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|entry| entry.into_path())
        .filter(|path| path.extension().is_some_and(|e| e == "yml" || e == "yaml" || e == "toml"))
        .filter(|path| !path.components().any(|c| c.as_os_str() == "macros"))
        .collect();
    files.sort();
    files
}

#[test]
fn fixture_rules_read_as_explain_reads_them() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../builder/tests/fixtures");
    let read = rule_files(&fixtures).iter().filter(|file| same_reading(file)).count();
    assert!(read >= 30, "only {read} fixture files hold rules");
}

#[test]
fn corpus_samples_read_as_explain_reads_them() {
    let Some(corpus) = common::corpus() else { return };
    for (vendor, folder) in [("sigma", "sigma/rules"), ("elastic", "elastic/rules"), ("splunk", "splunk/detections")] {
        let files = rule_files(&corpus.join(folder));
        // Every n-th file: 25 per vendor, spread over the repository.
        let step = (files.len() / 25).max(1);
        let read = files.iter().step_by(step).filter(|file| same_reading(file)).count();
        assert!(read >= 20, "{vendor}: only {read} sampled files hold rules");
    }
}
