//! Builder speed on the shared corpus (found as the tests find it,
//! tests/common/mod.rs: RULE_ATLAS_CORPUS, else ../shared/corpus, else
//! nothing is measured): parsing each vendor's rules from memory, and the
//! whole build from disk. Run with `cargo bench -p atlas-builder`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};

use atlas_builder::build::{self, BuildOptions};
use atlas_builder::{macros, sources};
use atlas_catalog::Vendor;
use atlas_frontend::{elastic, fieldtable, sigma, splunk};
use criterion::Criterion;

/// (path inside the repository, text) of every file.
fn load(root: &Path, files: Vec<PathBuf>) -> Vec<(String, String)> {
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let rel = path.strip_prefix(root).ok()?.to_string_lossy().into_owned();
            Some((rel, text))
        })
        .collect()
}

fn front_ends(c: &mut Criterion, root: &Path) {
    let fields = fieldtable::load().expect("field table");
    let mut group = c.benchmark_group("parse");
    group.sample_size(10);

    let sigma_root = root.join("sigma");
    let sigma_files = load(&sigma_root, sources::rule_files(&sigma_root, Vendor::Sigma));
    group.bench_function(format!("sigma ({} files)", sigma_files.len()), |b| {
        b.iter(|| {
            sigma_files.iter().map(|(rel, text)| sigma::parse_file(rel, text, &fields).rules.len()).sum::<usize>()
        })
    });

    let elastic_root = root.join("elastic");
    let elastic_files = load(&elastic_root, sources::rule_files(&elastic_root, Vendor::Elastic));
    group.bench_function(format!("elastic ({} files)", elastic_files.len()), |b| {
        b.iter(|| {
            elastic_files.iter().map(|(rel, text)| elastic::parse_file(rel, text, &fields).rules.len()).sum::<usize>()
        })
    });

    let splunk_root = root.join("splunk");
    let splunk_files = load(&splunk_root, sources::rule_files(&splunk_root, Vendor::Splunk));
    let macros = macros::load(&splunk_root, &[]).map(|m| m.table).unwrap_or_default();
    group.bench_function(format!("splunk ({} files)", splunk_files.len()), |b| {
        b.iter(|| {
            splunk_files
                .iter()
                .map(|(rel, text)| splunk::parse_file(rel, text, &fields, &macros).rules.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn whole_build(c: &mut Criterion, root: &Path) {
    let options = BuildOptions {
        sigma: Some(root.join("sigma")),
        elastic: Some(root.join("elastic")),
        splunk: Some(root.join("splunk")),
        attack: Some(root.join("attack/enterprise-attack.json")),
        attack_version: Some("18.1".into()),
        out: std::env::temp_dir().join("rule-atlas-bench"),
        detail_shards: None,
        demo: false,
    };
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    group.bench_function("whole corpus, read + parse + assemble", |b| {
        b.iter(|| build::build(&options, &|_, _| {}).map(|built| built.catalog.rules.len()))
    });
    group.bench_function("whole corpus, including writing", |b| {
        b.iter(|| build::build(&options, &|_, _| {}).and_then(|built| build::write(&built, &options.out)))
    });
    group.finish();
}

fn main() {
    let Some(root) = common::corpus() else { return };
    let mut c = Criterion::default().configure_from_args();
    front_ends(&mut c, &root);
    whole_build(&mut c, &root);
    c.final_summary();
}
