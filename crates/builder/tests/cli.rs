//! The `rule-atlas` binary end to end: build over fixture repositories, bad
//! input reported without stopping the build, exit codes, and `explain`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use atlas_catalog::model::detail_shard;
use atlas_catalog::{Catalog, RuleDetail};
use common::fixtures_dir;
use serde_json::Value;

fn rule_atlas(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rule-atlas")).args(args).output().expect("rule-atlas runs")
}

fn temp_out(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rule-atlas-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).expect("file written")).expect("valid JSON")
}

#[test]
fn bad_rules_are_reported_and_the_build_goes_on() {
    let out = temp_out("bad");
    let result = rule_atlas(&["build", "--sigma", path(&fixtures_dir().join("sigma-bad")), "--out", path(&out), "-q"]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let report = read_json(&out.join("build-report.json"));
    let diagnostics = report["diagnostics"].as_array().expect("diagnostics");
    let find = |file: &str| {
        diagnostics
            .iter()
            .find(|d| d["file"] == format!("rules/{file}"))
            .unwrap_or_else(|| panic!("no diagnostic for {file}: {diagnostics:?}"))
    };
    let invalid = find("invalid_yaml.yml");
    assert_eq!((invalid["severity"].as_str(), invalid["reason"].as_str()), (Some("error"), Some("invalid YAML")));
    assert!(invalid["line"].as_u64().is_some_and(|l| (5..=6).contains(&l)), "{invalid}");
    assert_eq!(find("unknown_modifier.yml")["message"], "`Image|endswith|sometimes`: unknown modifier `sometimes`");
    assert_eq!(find("unknown_modifier.yml")["line"], 7);
    assert_eq!(find("missing_selection.yml")["reason"], "condition names a missing selection");
    assert_eq!(find("missing_selection.yml")["line"], 8);
    assert_eq!(find("empty_detection.yml")["reason"], "empty detection");
    assert_eq!(find("aggregation.yml")["reason"], "legacy aggregation in condition");
    assert_eq!(find("aggregation.yml")["severity"], "warning");
    let duplicate = find("duplicate_b.yml");
    assert_eq!(duplicate["reason"], "duplicate rule id");
    assert_eq!(duplicate["message"], "rule id dup-1 is already used by rules/duplicate_a.yml; this rule is left out");

    let sigma = &report["vendors"]["sigma"];
    assert_eq!(sigma["files"], 7);
    assert_eq!(sigma["unreadable"], 1);
    assert_eq!(sigma["by_status"]["parsed"], 1);
    assert_eq!(sigma["by_status"]["error"], 3);
    assert_eq!(sigma["by_status"]["unsupported"], 1);
    assert_eq!(sigma["reasons"]["unknown modifier"], 1);
    // The same counts by type, language, status and reason (Sigma has no types).
    let not_parsed = sigma["not_parsed"].as_array().expect("not_parsed rows");
    assert!(
        not_parsed.contains(&serde_json::json!({
            "kind": "", "language": "sigma", "status": "error", "reason": "unknown modifier", "rules": 1
        })),
        "{not_parsed:?}"
    );
    let catalog: Catalog = serde_json::from_value(read_json(&out.join("catalog.json"))).expect("catalog parses");
    assert_eq!(catalog.rules.len(), 5, "the duplicate is left out, the unreadable file gives no rule");
}

#[test]
fn missing_inputs_and_unwritable_output_fail_the_build() {
    let out = temp_out("missing");
    let result = rule_atlas(&["build", "--sigma", "/nonexistent/sigma", "--out", path(&out)]);
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("Sigma rule folder `/nonexistent/sigma` does not exist"), "{stderr}");

    let result = rule_atlas(&["build", "--attack", "/nonexistent/attack.json", "--out", path(&out)]);
    assert!(!result.status.success());

    let blocker = temp_out("blocker");
    std::fs::write(&blocker, "a file where the output folder should go").expect("write");
    let result = rule_atlas(&["build", "--sigma", path(&fixtures_dir().join("sigma")), "--out", path(&blocker)]);
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("cannot write"));
}

#[test]
fn fixture_catalog_resolves_attack_and_shards_details() {
    let out = temp_out("fixtures");
    let attack = fixtures_dir().join("attack/enterprise-attack-fixture.json");
    let result = rule_atlas(&[
        "build",
        "--sigma",
        path(&fixtures_dir().join("sigma")),
        "--attack",
        path(&attack),
        "--out",
        path(&out),
        "-q",
    ]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let catalog: Catalog = serde_json::from_value(read_json(&out.join("catalog.json"))).expect("catalog parses");
    assert_eq!((catalog.format.as_str(), catalog.version), ("rule-atlas-catalog", 1));
    assert_eq!(catalog.attack.version, "18.1-fixture");
    let tactics: Vec<_> = catalog.attack.tactics.iter().map(|t| t.shortname.as_str()).collect();
    assert_eq!(tactics, ["initial-access", "execution", "persistence", "defense-evasion", "credential-access"]);

    let powershell = catalog.rules.iter().find(|r| r.id == "3c9d2a41-6e0b-4b8e-a1f5-7d2c9e4b1a26").expect("rule");
    // T1086 is revoked by T1059.001 in the fixture bundle.
    assert_eq!(powershell.techniques, ["T1059.001"]);
    // Descriptive metadata moved to the detail shard.
    assert!(powershell.description.is_empty() && powershell.url.is_empty());
    let shard = detail_shard(&powershell.id, catalog.detail_shards);
    let details: std::collections::HashMap<String, RuleDetail> =
        serde_json::from_value(read_json(&out.join(format!("details/{shard}.json")))).expect("shard parses");
    let detail = &details[&powershell.id];
    assert!(detail.text.starts_with("title: 'Fixture: PowerShell Script Downloading"));
    assert_eq!(
        detail.about.url,
        "https://github.com/SigmaHQ/sigma/blob/master/rules/windows/posh_ps_fixture_encoded_download.yml"
    );
    assert_eq!(detail.about.authors, ["Rule Atlas"]);

    let report = read_json(&out.join("build-report.json"));
    assert_eq!(report["revoked_techniques"]["T1086"], "T1059.001");
    assert_eq!(report["unknown_techniques"]["T1685"], 1);
    assert_eq!(report["unknown_tactics"]["stealth"], 1);
    let aws = catalog.rules.iter().find(|r| r.title.contains("Console Login")).expect("rule");
    assert_eq!(aws.techniques, ["T1078", "T1685"], "unknown IDs are kept");
}

#[test]
fn explain_prints_one_json_object_per_rule() {
    let file = fixtures_dir().join("sigma/rules/windows/proc_creation_win_fixture_lsass_dump.yml");
    let result = rule_atlas(&["explain", path(&file)]);
    assert!(result.status.success());
    let stdout = String::from_utf8(result.stdout).expect("utf-8");
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 1);
    let rule = &lines[0];
    assert_eq!(rule["id"], "9a4f7e2d-1c3b-4e5a-8f60-2b7d9c1e3a48");
    assert_eq!(rule["vendor"], "sigma");
    assert_eq!(rule["status"], "parsed");
    assert_eq!(rule["techniques"], serde_json::json!(["T1003.001"]));
    assert!(rule.get("reason").is_none());
    assert_eq!(
        rule["logic"]["and"][0],
        serde_json::json!({"field": "process.executable", "source_field": "Image", "op": "wildcard", "value": "*\\rundll32.exe", "case_sensitive": false})
    );
    // ' -full' with windash: five dash forms.
    assert_eq!(rule["logic"]["and"][1]["or"].as_array().map(Vec::len), Some(5));

    let bad = fixtures_dir().join("sigma-bad/rules/invalid_yaml.yml");
    let result = rule_atlas(&["explain", path(&bad)]);
    let line: Value = serde_json::from_slice(&result.stdout).expect("JSON");
    assert_eq!(line["status"], "error");
    assert!(line["reason"].as_str().is_some_and(|r| r.starts_with("not valid YAML")));
}

/// public/catalog is the default catalog the app ships with; it must be what
/// the builder makes from the fixtures today (scripts/default-catalog.sh).
#[test]
fn the_default_catalog_is_current() {
    let out = temp_out("default");
    let fixtures = fixtures_dir();
    let result = rule_atlas(&[
        "build",
        "--sigma",
        path(&fixtures.join("sigma")),
        "--elastic",
        path(&fixtures.join("elastic")),
        "--splunk",
        path(&fixtures.join("splunk")),
        "--attack",
        path(&fixtures.join("attack/enterprise-attack-fixture.json")),
        "--detail-shards",
        "4",
        "--demo",
        "--out",
        path(&out),
        "-q",
    ]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let shipped = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../public/catalog");
    let mut files = vec![PathBuf::from("catalog.json"), PathBuf::from("macros.json")];
    files.extend((0..4).map(|n| PathBuf::from(format!("details/{n}.json"))));
    for file in files {
        let fresh = std::fs::read(out.join(&file)).expect("built");
        let committed = std::fs::read(shipped.join(&file)).unwrap_or_default();
        assert!(fresh == committed, "public/catalog/{} is stale: run scripts/default-catalog.sh", file.display());
    }
}
