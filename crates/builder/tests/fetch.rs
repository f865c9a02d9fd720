//! Fetching the public sources (scripts/fetch-sources.sh) and building from
//! them, against local git mirrors made from the fixture repositories: a
//! clone, an update after a new upstream commit, the offline cache, the
//! commit recorded in the catalog, and the fallback to the demo catalog when
//! nothing can be fetched (scripts/site-catalog.sh).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use atlas_catalog::{Catalog, Vendor};
use common::fixtures_dir;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("command runs");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn git(repo: &Path, args: &[&str]) -> String {
    let output = run(Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", "user.name=Rule Atlas", "-c", "user.email=atlas@example.org", "-c", "commit.gpgsign=false"])
        .args(args));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("folder");
    for entry in fs::read_dir(from).expect("readable fixture folder") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A git repository holding a fixture repository's files, as upstream.
fn mirror(root: &Path, name: &str) -> PathBuf {
    let repo = root.join("upstream").join(name);
    copy_tree(&fixtures_dir().join(name), &repo);
    git(&repo, &["init", "--quiet", "--initial-branch=main"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "--quiet", "-m", "fixture rules"]);
    repo
}

fn fetch(root: &Path, cache: &Path, urls: &[(&str, String)], extra: &[&str]) -> Output {
    let mut command = Command::new("bash");
    command.arg(workspace().join("scripts/fetch-sources.sh")).arg("--dir").arg(cache).args(extra);
    for (var, url) in urls {
        command.env(var, url);
    }
    command.current_dir(root).output().expect("fetch-sources runs")
}

#[test]
fn sources_are_cloned_updated_and_built_with_their_commit() {
    let root = std::env::temp_dir().join(format!("rule-atlas-fetch-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).expect("temp dir");
    let sigma = mirror(&root, "sigma");
    let elastic = mirror(&root, "elastic");
    let splunk = mirror(&root, "splunk");
    let attack = fixtures_dir().join("attack/enterprise-attack-fixture.json");
    let urls = [
        ("RULE_ATLAS_SIGMA_URL", format!("file://{}", sigma.display())),
        ("RULE_ATLAS_ELASTIC_URL", format!("file://{}", elastic.display())),
        ("RULE_ATLAS_SPLUNK_URL", format!("file://{}", splunk.display())),
        ("RULE_ATLAS_ATTACK_URL", format!("file://{}", attack.display())),
    ];
    let cache = root.join("cache");

    // First run: clones (sparse: only the rule folders are checked out).
    let output = fetch(&root, &cache, &urls, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), cache.display().to_string());
    let first = git(&sigma, &["rev-parse", "HEAD"]);
    assert_eq!(git(&cache.join("sigma"), &["rev-parse", "HEAD"]), first);
    assert!(cache.join("elastic/rules/windows/execution_fixture_kql_filters.toml").is_file());
    assert!(cache.join("splunk/macros").is_dir());
    assert!(cache.join("attack/enterprise-attack.json").is_file());

    // Upstream moves on: a later run brings the new rule.
    let new_rule = sigma.join("rules/windows/proc_creation_win_fixture_new.yml");
    fs::write(
        &new_rule,
        "title: Fixture New Rule\nid: 7b0c1a2e-0000-4000-8000-00000000f00d\nlogsource:\n  category: process_creation\n  product: windows\ndetection:\n  sel:\n    Image|endswith: '\\\\calc.exe'\n  condition: sel\n",
    )
    .expect("write");
    git(&sigma, &["add", "."]);
    git(&sigma, &["commit", "--quiet", "-m", "a new rule"]);
    let second = git(&sigma, &["rev-parse", "HEAD"]);
    assert_ne!(first, second);
    let output = fetch(&root, &cache, &urls, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(git(&cache.join("sigma"), &["rev-parse", "HEAD"]), second);
    assert!(cache.join("sigma/rules/windows/proc_creation_win_fixture_new.yml").is_file());

    // Offline: the cache as it is, even with the upstream gone.
    let gone: Vec<(&str, String)> = urls.iter().map(|(var, _)| (*var, "file:///nonexistent".to_owned())).collect();
    let output = fetch(&root, &cache, &gone, &["--offline"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    // The catalog built from the cache names each source's commit and date.
    let out = root.join("catalog");
    run(Command::new(env!("CARGO_BIN_EXE_rule-atlas")).args(["build", "-q", "--out"]).arg(&out).args([
        "--sigma".as_ref(),
        cache.join("sigma").as_os_str(),
        "--splunk".as_ref(),
        cache.join("splunk").as_os_str(),
        "--attack".as_ref(),
        cache.join("attack/enterprise-attack.json").as_os_str(),
    ]));
    let catalog: Catalog =
        serde_json::from_slice(&fs::read(out.join("catalog.json")).expect("catalog")).expect("catalog reads");
    let source = catalog.sources.iter().find(|s| s.vendor == Vendor::Sigma).expect("sigma source");
    assert_eq!(source.commit.as_deref(), Some(second.as_str()));
    assert!(source.committed.as_deref().is_some_and(|d| d.len() >= 10 && d.as_bytes()[4] == b'-'), "{source:?}");
    assert!(catalog.rules.iter().any(|r| r.title == "Fixture New Rule"));
    assert!(!catalog.demo);
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn without_network_or_cache_the_site_falls_back_to_the_demo_catalog() {
    let root = std::env::temp_dir().join(format!("rule-atlas-offline-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).expect("temp dir");
    let cache = root.join("cache");
    let output = fetch(&root, &cache, &[("RULE_ATLAS_SIGMA_URL", "file:///nonexistent/sigma".into())], &["--offline"]);
    assert!(!output.status.success(), "an empty cache cannot serve --offline");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("sigma: not in the cache"), "{stderr}");

    let output = Command::new("bash")
        .arg(workspace().join("scripts/site-catalog.sh"))
        .arg("--offline")
        .env_remove("RULE_ATLAS_CORPUS")
        .env("RULE_ATLAS_SOURCES", &cache)
        .output()
        .expect("site-catalog runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let chosen = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    assert!(chosen.ends_with("public/catalog"), "{}", chosen.display());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let says: Vec<&str> = stderr.lines().filter(|l| l.contains("demo catalog")).collect();
    assert_eq!(says.len(), 1, "{stderr}");
    assert!(says[0].contains("could not fetch the public rule repositories"), "{stderr}");
    let demo: Catalog =
        serde_json::from_slice(&fs::read(chosen.join("catalog.json")).expect("demo catalog")).expect("reads");
    assert!(demo.demo, "the demo catalog says what it is");
    let _ = fs::remove_dir_all(&root);
}
