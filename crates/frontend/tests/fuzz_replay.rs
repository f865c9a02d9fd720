//! The fuzz targets' smoke test, on stable (docs/fuzzing.md): every committed
//! input of `fuzz/regressions/<target>/` (crashers the fuzzer found, and
//! hand-written hostile seeds) and, when the rule corpus is present, a sample
//! of the corpus seeds, through the same `atlas_frontend::fuzzing` functions
//! the cargo-fuzz targets call. The catalog reader's inputs are replayed by
//! the app's own test (tests/fuzz_replay_catalog.rs at the workspace root).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use std::{fs, thread};

use atlas_frontend::fuzzing;
use atlas_frontend::yaml::{Yaml, parse_documents};

/// Longest one input may take here. The fuzz campaign holds every input to
/// 1 s in an optimized build; this unoptimized test build is several times
/// slower, so the smoke only catches what has gone badly wrong (a hang, an
/// exponential blow-up).
const BUDGET: Duration = Duration::from_secs(10);

/// Every n-th corpus file is replayed (the corpus tests of the builder read
/// them all; this adds the fuzz targets' checks on a sample).
const SAMPLE_EVERY: usize = 7;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared corpus, by the policy of every corpus test (the builder's
/// `tests/common`): none when `RULE_ATLAS_NO_CORPUS` is set; else
/// `RULE_ATLAS_CORPUS` (relative to the workspace root), which must then be a
/// folder; else `../shared/corpus` beside the workspace when it is there.
fn corpus_dir() -> Option<PathBuf> {
    if std::env::var_os("RULE_ATLAS_NO_CORPUS").is_some_and(|off| !off.is_empty()) {
        return None;
    }
    if let Some(dir) = std::env::var_os("RULE_ATLAS_CORPUS").filter(|dir| !dir.is_empty()) {
        let dir = root().join(dir);
        assert!(dir.is_dir(), "RULE_ATLAS_CORPUS names {}, which is not a folder", dir.display());
        return Some(dir);
    }
    Some(root().join("../shared/corpus")).filter(|dir| dir.is_dir())
}

fn files_under(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.expect("directory entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, extensions, out);
        } else if extensions.is_empty() || path.extension().is_some_and(|e| extensions.iter().any(|x| e == *x)) {
            out.push(path);
        }
    }
}

/// Runs one input through a target in a thread of the builder's stack size
/// (rayon's default, 2 MiB), naming the input when it panics or is too slow.
fn replay(target: &str, name: &str, data: Vec<u8>, failures: &mut Vec<String>) {
    let started = Instant::now();
    let owned = (target.to_owned(), name.to_owned());
    let outcome = thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || catch_unwind(AssertUnwindSafe(|| fuzzing::run(&owned.0, &data))))
        .expect("spawn")
        .join();
    match outcome {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) => failures.push(format!("{target}: no such target")),
        Ok(Err(_)) | Err(_) => failures.push(format!("{target}/{name}: panicked (see the message above)")),
    }
    let took = started.elapsed();
    if took > BUDGET {
        failures.push(format!("{target}/{name}: took {took:?}, over {BUDGET:?}"));
    }
}

#[test]
fn regression_inputs_replay() {
    let mut failures = Vec::new();
    let mut count = 0;
    for target in fuzzing::TARGETS.iter().filter(|t| **t != "catalog_reader") {
        let mut files = Vec::new();
        files_under(&root().join("fuzz/regressions").join(target), &[], &mut files);
        assert!(!files.is_empty(), "no inputs in fuzz/regressions/{target}");
        for path in files {
            let name = path.file_name().expect("file name").to_string_lossy().into_owned();
            replay(target, &name, fs::read(&path).expect("readable input"), &mut failures);
            count += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {count} inputs failed:\n{}", failures.len(), failures.join("\n"));
}

/// The scalar text at `key` of every document of a YAML file.
fn yaml_texts(text: &str, path: &[&str]) -> Vec<String> {
    let Ok(documents) = parse_documents(text) else { return Vec::new() };
    let mut out = Vec::new();
    for document in &documents {
        let mut node = Some(document);
        for key in path {
            node = node.and_then(|n| n.get(key));
        }
        match node {
            Some(Yaml::Seq(items)) => out.extend(items.iter().filter_map(Yaml::scalar_text)),
            Some(other) => out.extend(other.scalar_text()),
            None => {}
        }
    }
    out
}

/// The Elastic query target of a rule file, by its `language`, and the query.
fn elastic_query(text: &str) -> Option<(&'static str, String)> {
    let value: toml::Table = toml::from_str(text).ok()?;
    let rule = value.get("rule")?.as_table()?;
    let target = match rule.get("language")?.as_str()?.to_ascii_lowercase().as_str() {
        "kuery" | "lucene" => "kql",
        "eql" => "eql",
        "esql" => "esql",
        _ => return None,
    };
    Some((target, rule.get("query")?.as_str()?.to_owned()))
}

#[test]
fn corpus_seeds_replay() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("skipped: no rule corpus (set RULE_ATLAS_CORPUS to a folder with sigma/, elastic/, splunk/)");
        return;
    };
    let mut failures = Vec::new();
    let mut counts: Vec<(&str, usize)> = fuzzing::TARGETS.iter().map(|t| (*t, 0)).collect();
    let mut run = |target: &'static str, name: &str, data: Vec<u8>, failures: &mut Vec<String>| {
        replay(target, name, data, failures);
        if let Some(count) = counts.iter_mut().find(|(t, _)| *t == target) {
            count.1 += 1;
        }
    };
    let sample = |folder: &str, extensions: &[&str]| {
        let mut files = Vec::new();
        files_under(&corpus.join(folder), extensions, &mut files);
        files.into_iter().step_by(SAMPLE_EVERY).collect::<Vec<_>>()
    };
    for path in sample("sigma", &["yml", "yaml"]) {
        let (name, data) = (path.display().to_string(), fs::read(&path).expect("readable"));
        for condition in yaml_texts(&String::from_utf8_lossy(&data), &["detection", "condition"]) {
            run("sigma_condition", &name, condition.into_bytes(), &mut failures);
        }
        run("sigma_file", &name, data, &mut failures);
    }
    for path in sample("elastic", &["toml"]) {
        let (name, data) = (path.display().to_string(), fs::read(&path).expect("readable"));
        if let Some((target, query)) = elastic_query(&String::from_utf8_lossy(&data)) {
            run(target, &name, query.into_bytes(), &mut failures);
        }
        run("elastic_toml", &name, data, &mut failures);
    }
    let mut splunk = sample("splunk/detections", &["yml", "yaml"]);
    splunk.extend(sample("splunk/macros", &["yml", "yaml"]));
    for path in splunk {
        let (name, data) = (path.display().to_string(), fs::read(&path).expect("readable"));
        for search in yaml_texts(&String::from_utf8_lossy(&data), &["search"]) {
            run("spl_search", &name, search.into_bytes(), &mut failures);
        }
        run("splunk_yaml", &name, data, &mut failures);
    }
    println!("corpus seeds replayed: {counts:?}");
    for (target, count) in &counts {
        assert!(*target == "catalog_reader" || *count > 0, "no corpus seed for {target}");
    }
    assert!(failures.is_empty(), "{} corpus seeds failed:\n{}", failures.len(), failures.join("\n"));
}
