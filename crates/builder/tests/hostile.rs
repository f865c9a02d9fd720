//! Hostile input (issue #10): rules written to hang the build, exhaust its
//! memory or make a catalog the app cannot read. Each costs its own rule, the
//! rest builds, and whatever is written reads back with the app's reader.
//!
//! The rules are generated here rather than kept as fixtures (some are
//! megabytes), into flat folders: a layout other than the upstream clones'.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use atlas_catalog::predicate::MAX_DEPTH;
use atlas_catalog::{Catalog, ParseStatus, Rule};
use serde_json::Value;

fn rule_atlas(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rule-atlas")).args(args).output().expect("rule-atlas runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rule-atlas-hostile-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `a or (b and (c or (d and …)))`, `levels` deep, in a language's spelling.
fn alternating(levels: usize, leaf: impl Fn(usize) -> String, and: &str, or: &str) -> String {
    let mut text = leaf(levels);
    for level in (0..levels).rev() {
        let op = if level % 2 == 0 { or } else { and };
        text = format!("{} {op} ({text})", leaf(level));
    }
    text
}

fn sigma_rule(id: &str, detection: &str) -> String {
    format!(
        "title: Hostile {id}\nid: {id}\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n{detection}\nlevel: low\n"
    )
}

fn elastic_rule(id: &str, language: &str, kind: &str, query: &str) -> String {
    format!(
        "[metadata]\nmaturity = \"production\"\n\n[rule]\nname = \"Hostile {id}\"\nrule_id = \"{id}\"\n\
         language = \"{language}\"\ntype = \"{kind}\"\nindex = [\"logs-*\"]\nquery = '''\n{query}\n'''\n"
    )
}

fn splunk_rule(id: &str, search: &str) -> String {
    format!("name: Hostile {id}\nid: {id}\ntype: TTP\nstatus: production\nsearch: '{search}'\n")
}

/// Writes the hostile folders: flat folders of Sigma, Elastic and Splunk files.
fn write_hostile(root: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (sigma, elastic, splunk) = (root.join("sigma"), root.join("elastic"), root.join("splunk"));
    for dir in [&sigma, &elastic, &splunk] {
        fs::create_dir_all(dir).expect("folder");
    }
    let write = |dir: &Path, name: &str, text: &str| fs::write(dir.join(name), text).expect("write");

    // A quantifier pattern with 40 `*`s: exponential for a backtracking matcher.
    let stars = format!("{}x", "s*".repeat(40));
    write(
        &sigma,
        "stars.yml",
        &sigma_rule("stars", &format!("  {}: {{Image: a}}\n  condition: 1 of {stars}", "s".repeat(200))),
    );
    // `wide` forty times doubles a value forty times.
    let chain = vec!["wide"; 40].join("|");
    write(
        &sigma,
        "wide.yml",
        &sigma_rule("wide", &format!("  sel:\n    CommandLine|{chain}|base64offset: ab\n  condition: sel")),
    );
    // A selection named 50,000 times, each copy 3 leaves.
    let repeated = vec!["sel"; 50_000].join(" or ");
    write(
        &sigma,
        "repeat.yml",
        &sigma_rule("repeat", &format!("  sel:\n    Image: [a, b, c]\n  condition: {repeated}")),
    );
    // Conditions nested 40 levels, and/or alternating.
    let mut selections = String::new();
    for n in 0..=40 {
        let _ = writeln!(selections, "  s{n}: {{Image: v{n}}}");
    }
    let condition = alternating(40, |n| format!("s{n}"), "and", "or");
    write(&sigma, "deep.yml", &sigma_rule("deep", &format!("{selections}  condition: {condition}")));
    // YAML nested 200 levels, and a billion laughs.
    write(&sigma, "yaml-deep.yml", &format!("title: x\ndetection: {}1{}\n", "[".repeat(200), "]".repeat(200)));
    let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for n in 1..10 {
        let _ = writeln!(laughs, "a{n}: &a{n} [{}]", vec![format!("*a{}", n - 1); 10].join(", "));
    }
    write(&sigma, "laughs.yml", &format!("title: laughs\n{laughs}detection:\n  sel: {{Image: x}}\n  condition: sel\n"));
    // A file over the size limit.
    write(
        &sigma,
        "huge.yml",
        &sigma_rule("huge", &format!("  sel:\n    Image: '{}'\n  condition: sel", "a".repeat(3 << 20))),
    );
    // Not rules at all.
    write(&sigma, "README.md", "# our rules\n");
    write(&sigma, "config.yml", "owner: detection team\n");
    // One good rule: it must come through whatever its neighbours do.
    write(&sigma, "good.yml", &sigma_rule("good", "  sel:\n    Image|endswith: '\\mshta.exe'\n  condition: sel"));

    let kql = alternating(40, |n| format!("process.name : \"p{n}\""), "and", "or");
    write(&elastic, "kql.toml", &elastic_rule("kql-deep", "kuery", "query", &kql));
    let eql = format!("process where {}", alternating(40, |n| format!("process.name == \"p{n}\""), "and", "or"));
    write(&elastic, "eql.toml", &elastic_rule("eql-deep", "eql", "eql", &eql));
    let esql = format!("FROM logs-* | WHERE {}", alternating(40, |n| format!("process.name == \"p{n}\""), "AND", "OR"));
    write(&elastic, "esql.toml", &elastic_rule("esql-deep", "esql", "esql", &esql));
    write(&elastic, "nested.toml", &format!("[rule]\nx = {}1{}\n", "[".repeat(500), "]".repeat(500)));
    write(&elastic, "notes.toml", "[tool]\nname = \"not a rule\"\n");

    let spl = alternating(40, |n| format!("process_name=p{n}"), "AND", "OR");
    write(&splunk, "spl.yml", &splunk_rule("spl-deep", &format!("index=main {spl}")));
    // Macros that call the next one ten times: 10^8 copies of `x=1` if nothing stops them.
    for n in 0..8 {
        write(
            &splunk,
            &format!("m{n}.yml"),
            &format!("name: m{n}\ndefinition: '{}'\n", format!("`m{}` ", n + 1).repeat(10)),
        );
    }
    write(&splunk, "m8.yml", "name: m8\ndefinition: 'x=1'\n");
    write(&splunk, "bomb.yml", &splunk_rule("macro-bomb", "index=main `m0`"));
    (sigma, elastic, splunk)
}

fn status(catalog: &Catalog, id: &str) -> (ParseStatus, String) {
    let rule: &Rule = catalog.rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("rule {id} in the catalog"));
    (rule.status, rule.reason.clone().unwrap_or_default())
}

#[test]
fn hostile_rules_cost_their_own_rule_and_the_rest_builds() {
    let root = temp_dir("build");
    let (sigma, elastic, splunk) = write_hostile(&root);
    let out = root.join("out");
    let result = rule_atlas(&[
        "build",
        "--sigma",
        path(&sigma),
        "--elastic",
        path(&elastic),
        "--splunk",
        path(&splunk),
        "--out",
        path(&out),
        "-q",
    ]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));

    // The app's reader (serde_json with its default nesting limit) takes the whole catalog.
    let text = fs::read_to_string(out.join("catalog.json")).expect("catalog written");
    let catalog: Catalog = serde_json::from_str(&text).expect("the app can read the catalog");
    assert!(catalog.rules.iter().filter_map(|r| r.logic.as_ref()).all(|logic| logic.depth() <= MAX_DEPTH));

    assert_eq!(status(&catalog, "good").0, ParseStatus::Parsed);
    let (stars, reason) = status(&catalog, "stars");
    assert_eq!(stars, ParseStatus::Error);
    assert!(reason.ends_with("x` in the condition matches no search identifier"), "{reason}");
    let (wide, reason) = status(&catalog, "wide");
    assert_eq!(wide, ParseStatus::Error);
    assert!(reason.ends_with("the modifiers make a value longer than the limit of 65536 characters"), "{reason}");
    let (repeat, reason) = status(&catalog, "repeat");
    assert_eq!(
        (repeat, reason.as_str()),
        (ParseStatus::Error, "the condition makes a tree of more than 100000 leaves")
    );
    for id in ["deep", "kql-deep", "eql-deep", "esql-deep", "spl-deep"] {
        // Cut exactly at the limit: the deepest tree the app reads.
        let rule = catalog.rules.iter().find(|r| r.id == id).expect("rule");
        assert_eq!(rule.logic.as_ref().map(|l| l.depth()), Some(MAX_DEPTH), "{id}");
        let (status, reason) = status(&catalog, id);
        assert_eq!(status, ParseStatus::Partial, "{id}: {reason}");
        assert!(
            reason.contains(&format!("limit exceeded: logic nested deeper than {MAX_DEPTH} levels")),
            "{id}: {reason}"
        );
    }
    let (bomb, reason) = status(&catalog, "macro-bomb");
    assert_eq!(bomb, ParseStatus::Partial);
    assert!(reason.contains("macro expansion exceeds 1048576 bytes"), "{reason}");

    let report: Value =
        serde_json::from_slice(&fs::read(out.join("build-report.json")).expect("report")).expect("json");
    let diagnostic = |file: &str| {
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| d["file"] == file)
            .unwrap_or_else(|| panic!("a diagnostic for {file}"))
            .clone()
    };
    let huge = diagnostic("huge.yml");
    assert_eq!(huge["reason"], "limit exceeded");
    assert!(huge["message"].as_str().unwrap().contains("larger than the limit of 2097152 bytes"));
    let deep_yaml = diagnostic("yaml-deep.yml");
    assert!(deep_yaml["message"].as_str().unwrap().contains("nested deeper than the limit of 64"), "{deep_yaml}");
    assert_eq!(deep_yaml["line"], 2);
    assert!(diagnostic("laughs.yml")["message"].as_str().unwrap().contains("too many alias expansions"));
    assert!(diagnostic("nested.toml")["message"].as_str().unwrap().contains("max recursion depth"));
    let wide = diagnostic("wide.yml");
    assert_eq!(wide["line"], 8, "the line of the field with the modifier chain: {wide}");

    // Files that are not rules are skipped with a reason.
    let skipped = &report["vendors"]["sigma"]["skipped"];
    assert_eq!(skipped["not a rule file (.md)"], 1, "{skipped}");
    assert_eq!(skipped["not a Sigma rule (no `detection`, `logsource`, `correlation` or `filter`)"], 1, "{skipped}");
    assert_eq!(report["vendors"]["elastic"]["skipped"]["not an Elastic rule (no `[rule]` table)"], 1);
    assert_eq!(report["vendors"]["splunk"]["skipped"]["search macro (read with the macros)"], 9);

    // `explain` prints the same trees in the contract form, which a JSON
    // reader with the default nesting limit reads too.
    let explained = rule_atlas(&["explain", path(&sigma.join("deep.yml")), path(&elastic.join("eql.toml"))]);
    let stdout = String::from_utf8_lossy(&explained.stdout);
    for line in stdout.lines() {
        let value: Value = serde_json::from_str(line).expect("explain output reads");
        assert_eq!(value["status"], "partial", "{line}");
    }
    assert_eq!(stdout.lines().count(), 2);

    // Memory stays bounded (issue #10: under 1 GB for hostile rules).
    let peak = report["peak_memory_bytes"].as_u64().expect("peak memory on Linux");
    assert!(peak < 1 << 30, "peak memory {peak} bytes");
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn a_folder_without_rules_is_an_error_naming_it() {
    let root = temp_dir("empty");
    fs::write(root.join("README.md"), "nothing here\n").expect("write");
    fs::write(root.join("notes.yml"), "owner: x\n").expect("write");
    let out = root.join("out");
    let result = rule_atlas(&["build", "--sigma", path(&root), "--out", path(&out), "-q"]);
    assert!(!result.status.success());
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(
        stderr.contains(&format!("Sigma rule folder `{}` holds no rule (2 other files skipped)", root.display())),
        "{stderr}"
    );
    assert!(!out.join("catalog.json").exists(), "no empty catalog is written");
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn explain_reports_an_unreadable_file_on_its_line_and_goes_on() {
    let root = temp_dir("explain");
    let good = root.join("good.yml");
    fs::write(&good, sigma_rule("good", "  sel:\n    Image|endswith: '\\mshta.exe'\n  condition: sel")).expect("write");
    let missing = root.join("missing.yml");
    let result = rule_atlas(&["explain", path(&missing), path(&good)]);
    assert!(!result.status.success(), "an unreadable file makes the exit status non-zero");
    let stdout = String::from_utf8_lossy(&result.stdout);
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0]["file"], path(&missing));
    assert_eq!(lines[0]["status"], "error");
    assert!(lines[0]["reason"].as_str().unwrap().starts_with("cannot read"), "{}", lines[0]);
    assert_eq!(lines[1]["id"], "good");
    assert_eq!(lines[1]["status"], "parsed");
    let _ = fs::remove_dir_all(&root);
}
