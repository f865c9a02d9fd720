//! `rule-atlas build`: reads the rule repositories in parallel, resolves
//! ATT&CK, and writes `catalog.json`, its rule-detail shards, the Splunk
//! macros it read (`macros.json`, for the app's checker) and
//! `build-report.json`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use atlas_catalog::highlight;
use atlas_catalog::index::IndicatorIndex;
use atlas_catalog::macros::MacroFile;
use atlas_catalog::model::{FORMAT_NAME, FORMAT_VERSION, detail_shard};
use atlas_catalog::{Attack, Catalog, FieldTable, ParseStatus, Polarity, Rule, RuleAbout, RuleDetail, Source, Vendor};
use rayon::prelude::*;

use crate::attack::{self, Resolution, Resolver};
use atlas_frontend::diagnostic::{Diagnostic, Severity};
use atlas_frontend::outcome::{FileOutcome, ParsedRule};
use atlas_frontend::{Context, fieldtable, front_end};

use crate::report::{BuildReport, VendorSummary};
use crate::{events, macros, sources};

/// Shards the rule details are split into by default (each ~200 KB for the
/// whole corpus; a small catalog wants fewer).
pub const DETAIL_SHARDS: u32 = 128;
pub const GENERATOR: &str = concat!("rule-atlas ", env!("CARGO_PKG_VERSION"));

/// What to build from and where to write.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub sigma: Option<PathBuf>,
    pub elastic: Option<PathBuf>,
    pub splunk: Option<PathBuf>,
    pub attack: Option<PathBuf>,
    /// The ATT&CK release, when the bundle does not say.
    pub attack_version: Option<String>,
    pub out: PathBuf,
    /// How many `details/<n>.json` files (default [`DETAIL_SHARDS`]).
    pub detail_shards: Option<u32>,
    /// The catalog is the demo made from fixture rules (the app says so).
    pub demo: bool,
}

/// The failures that stop a build (everything else is a diagnostic).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{what} `{}` does not exist or is not readable: {source}", path.display())]
    Input { what: &'static str, path: PathBuf, source: std::io::Error },
    #[error("ATT&CK bundle `{}`: {source}", path.display())]
    Attack { path: PathBuf, source: attack::AttackError },
    #[error("the field table is malformed: {0}")]
    FieldTable(#[from] toml::de::Error),
    #[error("cannot write `{}`: {source}", path.display())]
    Output { path: PathBuf, source: std::io::Error },
    #[error("cannot serialize the catalog: {0}")]
    Serialize(#[from] serde_json::Error),
    #[error("{what} `{}` holds no rule ({skipped} other files skipped): is it the right folder?", path.display())]
    NoRules { what: &'static str, path: PathBuf, skipped: usize },
}

/// One rule file to read.
struct Job {
    vendor: Vendor,
    root: PathBuf,
    path: PathBuf,
}

/// Everything the build produced, before writing.
pub struct Built {
    pub catalog: Catalog,
    pub details: Vec<(String, RuleDetail)>,
    pub report: BuildReport,
    /// The Splunk macros read, for the app's checker (`macros.json`).
    pub macros: MacroFile,
}

/// Reads every source and assembles the catalog; `tick` is called once per
/// file read (for a progress bar), with the total first.
pub fn build(options: &BuildOptions, tick: &(dyn Fn(usize, usize) + Sync)) -> Result<Built, BuildError> {
    let started = Instant::now();
    let fields = fieldtable::load()?;
    let Sources { jobs, skipped } = collect_jobs(options)?;
    let macros = match &options.splunk {
        Some(root) => {
            let files: Vec<PathBuf> =
                jobs.iter().filter(|job| job.vendor == Vendor::Splunk).map(|job| job.path.clone()).collect();
            macros::load(root, &files).map_err(|source| BuildError::Input {
                what: "Splunk rule folder",
                path: root.clone(),
                source,
            })?
        }
        None => macros::Macros::default(),
    };
    let context = Context { fields: &fields, macros: &macros.table };
    let total = jobs.len();
    tick(0, total);
    // ATT&CK is one large JSON file: read it while the rule files are read.
    let (attack, outcomes) = rayon::join(
        || load_attack(options),
        || {
            jobs.par_iter()
                .map(|job| {
                    let rel = relative(&job.root, &job.path);
                    let outcome = read_one(job, &rel, &context);
                    tick(1, total);
                    (job.vendor, rel, outcome)
                })
                .collect::<Vec<(Vendor, String, FileOutcome)>>()
        },
    );
    let attack = attack?;
    let mut outcomes = outcomes;
    outcomes.extend(skipped);
    let mut built = assemble(outcomes, attack, &fields, options);
    built.macros = macros.file();
    check_found_rules(options, &built.report)?;
    for warning in &macros.warnings {
        built.report.diagnostics.push(Diagnostic::new(
            Vendor::Splunk,
            "macros/",
            Severity::Warning,
            "unreadable macro",
            warning.clone(),
        ));
    }
    built.report.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok(built)
}

fn load_attack(options: &BuildOptions) -> Result<Attack, BuildError> {
    let Some(path) = &options.attack else {
        return Ok(Attack { version: "none".into(), ..Attack::default() });
    };
    let text = fs::read_to_string(path).map_err(|source| BuildError::Input {
        what: "ATT&CK bundle",
        path: path.clone(),
        source,
    })?;
    attack::load(&text, options.attack_version.as_deref())
        .map_err(|source| BuildError::Attack { path: path.clone(), source })
}

/// The rule files of every source folder, and the files beside them that are
/// not rule files (reported as skipped).
struct Sources {
    jobs: Vec<Job>,
    skipped: Vec<(Vendor, String, FileOutcome)>,
}

fn collect_jobs(options: &BuildOptions) -> Result<Sources, BuildError> {
    let mut sources = Sources { jobs: Vec::new(), skipped: Vec::new() };
    for vendor in Vendor::ALL {
        let Some(root) = source_folder(options, vendor) else { continue };
        fs::read_dir(root).map_err(|source| BuildError::Input { what: what(vendor), path: root.clone(), source })?;
        let listing = sources::list(root, front_end(vendor).repository());
        sources.jobs.extend(listing.files.into_iter().map(|path| Job { vendor, root: root.clone(), path }));
        sources.skipped.extend(
            listing
                .skipped
                .into_iter()
                .map(|(path, reason)| (vendor, relative(root, &path), FileOutcome::skipped(reason))),
        );
    }
    Ok(sources)
}

fn source_folder(options: &BuildOptions, vendor: Vendor) -> Option<&PathBuf> {
    match vendor {
        Vendor::Sigma => options.sigma.as_ref(),
        Vendor::Elastic => options.elastic.as_ref(),
        Vendor::Splunk => options.splunk.as_ref(),
    }
}

fn what(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Sigma => "Sigma rule folder",
        Vendor::Elastic => "Elastic rule folder",
        Vendor::Splunk => "Splunk rule folder",
    }
}

/// A source folder in which not one file is a rule is a mistake (a wrong
/// path, a clone of another repository), not an empty catalog to publish.
fn check_found_rules(options: &BuildOptions, report: &BuildReport) -> Result<(), BuildError> {
    for vendor in Vendor::ALL {
        let Some(root) = source_folder(options, vendor) else { continue };
        let found = report.vendors.get(&vendor).map_or(0, |summary| summary.rules() + summary.unreadable);
        if found == 0 {
            let skipped = report.vendors.get(&vendor).map_or(0, |summary| summary.skipped.values().sum::<usize>());
            return Err(BuildError::NoRules { what: what(vendor), path: root.clone(), skipped });
        }
    }
    Ok(())
}

fn read_one(job: &Job, rel: &str, context: &Context) -> FileOutcome {
    let text = match sources::read_text(&job.path) {
        Ok(text) => text,
        Err(error) => {
            let reason = match error {
                sources::ReadError::TooLarge => "limit exceeded",
                sources::ReadError::Io(_) => "unreadable file",
            };
            return FileOutcome::failed(Diagnostic::new(job.vendor, rel, Severity::Error, reason, error.to_string()));
        }
    };
    front_end(job.vendor).parse(rel, &text, context)
}

/// Path inside the repository, with `/` separators.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The steps from what the front ends read to the catalog and its report.
fn assemble(
    outcomes: Vec<(Vendor, String, FileOutcome)>,
    attack: Attack,
    fields: &FieldTable,
    options: &BuildOptions,
) -> Built {
    let mut report =
        BuildReport { generator: GENERATOR.into(), attack_version: attack.version.clone(), ..Default::default() };
    let mut rules = collect(outcomes, &mut report);
    count_not_parsed(&rules, &mut report);
    disambiguate_ids(&mut rules, &mut report);
    resolve_attack(&mut rules, &attack, &mut report);
    let events = events::assign(&mut rules, &attack, &mut report);
    rules.sort_by(|a, b| (a.rule.vendor, &a.rule.title, &a.rule.id).cmp(&(b.rule.vendor, &b.rule.title, &b.rule.id)));
    let (rules, details) = split_details(rules);
    summarize(&rules, &attack, fields, &mut report);
    let catalog = Catalog {
        format: FORMAT_NAME.into(),
        version: FORMAT_VERSION,
        generator: GENERATOR.into(),
        sources: sources(options, &report),
        attack,
        fields: fields.fields().to_vec(),
        events,
        rules,
        detail_shards: options.detail_shards.unwrap_or(DETAIL_SHARDS).clamp(1, 4096),
        demo: options.demo,
    };
    Built { catalog, details, report, macros: MacroFile::new(Vec::new()) }
}

/// The rules of every file, in order, with the files counted in the report;
/// a rule whose id its repository already used is left out.
fn collect(outcomes: Vec<(Vendor, String, FileOutcome)>, report: &mut BuildReport) -> Vec<ParsedRule> {
    let mut rules: Vec<ParsedRule> = Vec::new();
    let mut seen_ids: HashMap<(Vendor, String), String> = HashMap::new();
    for (vendor, rel, outcome) in outcomes {
        let summary = report.vendors.entry(vendor).or_default();
        summary.files += 1;
        if let Some(reason) = outcome.skipped {
            *summary.skipped.entry(reason).or_default() += 1;
        } else if outcome.rules.is_empty() {
            summary.unreadable += 1;
        }
        report.diagnostics.extend(outcome.diagnostics);
        for parsed in outcome.rules {
            let key = (vendor, parsed.rule.id.clone());
            if let Some(first) = seen_ids.get(&key) {
                report.diagnostics.push(
                    Diagnostic::new(
                        vendor,
                        &rel,
                        Severity::Error,
                        "duplicate rule id",
                        format!("rule id {} is already used by {first}; this rule is left out", parsed.rule.id),
                    )
                    .at_line(parsed.line)
                    .for_rule(&parsed.rule.id),
                );
                continue;
            }
            seen_ids.insert(key, rel.clone());
            rules.push(parsed);
        }
    }
    rules
}

/// Rule texts, their syntax tokens and descriptive metadata go to the
/// detail shards; the rest stays in the catalog.
fn split_details(rules: Vec<ParsedRule>) -> (Vec<Rule>, Vec<(String, RuleDetail)>) {
    rules
        .into_par_iter()
        .map(|parsed| {
            let (mut rule, mut detail) = (parsed.rule, parsed.detail);
            detail.about = RuleAbout::take_from(&mut rule);
            detail.highlight = highlight::encode(&highlight::highlight(&detail.text, &rule.language));
            let id = rule.id.clone();
            (rule, (id, detail))
        })
        .unzip()
}

/// The catalog-wide numbers of the report: indicators and coverage.
fn summarize(rules: &[Rule], attack: &Attack, fields: &FieldTable, report: &mut BuildReport) {
    let index = IndicatorIndex::build(rules, fields, Polarity::Indicator);
    report.distinct_indicators = index.len();
    report.shared_indicators = index.vendor_overlap(rules);
    report.techniques_in_attack = attack.techniques.iter().filter(|t| !t.deprecated).count();
    let known: HashSet<&str> = attack.techniques.iter().map(|t| t.id.as_str()).collect();
    let covered: HashSet<&str> =
        rules.iter().flat_map(|r| r.techniques.iter()).map(String::as_str).filter(|t| known.contains(t)).collect();
    report.techniques_covered = covered.len();
}

/// Rule ids are unique within a repository but not across them (a Sigma rule
/// may reuse the id of the Elastic rule it was ported from). The catalog needs
/// one id per rule for links, so a later vendor's rule gets `<id>-<vendor>`.
fn disambiguate_ids(rules: &mut [ParsedRule], report: &mut BuildReport) {
    rules.sort_by_key(|p| p.rule.vendor);
    let mut first_owner: HashMap<String, (Vendor, String)> = HashMap::new();
    for parsed in rules.iter_mut() {
        let rule = &mut parsed.rule;
        match first_owner.get(&rule.id) {
            Some((vendor, path)) => {
                let new_id = format!("{}-{}", rule.id, rule.vendor.as_str());
                report.diagnostics.push(
                    Diagnostic::new(
                        rule.vendor,
                        &rule.path,
                        Severity::Info,
                        "id shared across vendors",
                        format!(
                            "rule id {} is also the id of {} rule {path}; in the catalog this rule is {new_id}",
                            rule.id,
                            vendor.label()
                        ),
                    )
                    .for_rule(&rule.id),
                );
                rule.id = new_id;
            }
            None => {
                first_owner.insert(rule.id.clone(), (rule.vendor, rule.path.clone()));
            }
        }
    }
}

/// Counts the rules by status, and those not `parsed` by the categories of
/// their problems (the diagnostics the front ends made for them).
fn count_not_parsed(rules: &[ParsedRule], report: &mut BuildReport) {
    let mut categories: HashMap<(Vendor, &str), Vec<&str>> = HashMap::new();
    for diagnostic in &report.diagnostics {
        if let Some(id) = &diagnostic.rule_id {
            let found = categories.entry((diagnostic.vendor, id.as_str())).or_default();
            if !found.contains(&diagnostic.reason.as_str()) {
                found.push(diagnostic.reason.as_str());
            }
        }
    }
    let mut counts: Vec<(Vendor, String, String, ParseStatus, String)> = Vec::new();
    for parsed in rules {
        let rule = &parsed.rule;
        let summary = report.vendors.entry(rule.vendor).or_default();
        *summary.by_status.entry(rule.status).or_default() += 1;
        if rule.status != ParseStatus::NoQuery {
            let language = summary.languages.entry(rule.language.clone()).or_default();
            language.rules += 1;
            language.every_filter_in_tree += usize::from(rule.status == ParseStatus::Parsed);
        }
        if rule.status == ParseStatus::Parsed {
            continue;
        }
        let kind = rule.kind.clone().unwrap_or_default();
        match categories.get(&(rule.vendor, rule.id.as_str())) {
            Some(found) => {
                for category in found {
                    counts.push((
                        rule.vendor,
                        kind.clone(),
                        rule.language.clone(),
                        rule.status,
                        (*category).to_owned(),
                    ));
                }
            }
            // A status with no diagnostic (none is expected): its reason.
            None => {
                let reason = rule.reason.clone().unwrap_or_else(|| rule.status.label().to_owned());
                counts.push((rule.vendor, kind, rule.language.clone(), rule.status, reason));
            }
        }
    }
    for (vendor, kind, language, status, category) in counts {
        report.vendors.entry(vendor).or_default().count_not_parsed(&kind, &language, status, category);
    }
    for summary in report.vendors.values_mut() {
        summary.not_parsed.sort_by(|a, b| b.rules.cmp(&a.rules).then_with(|| a.cmp(b)));
    }
}

fn sources(options: &BuildOptions, report: &BuildReport) -> Vec<Source> {
    Vendor::ALL
        .into_iter()
        .filter_map(|vendor| Some((vendor, source_folder(options, vendor)?)))
        .map(|(vendor, folder)| {
            let repository = front_end(vendor).repository();
            let (commit, committed) = sources::git_revision(folder).unzip();
            Source {
                vendor,
                repository: repository.url.into(),
                revision: repository.branch.into(),
                rules: u32::try_from(report.vendors.get(&vendor).map_or(0, VendorSummary::rules)).unwrap_or(u32::MAX),
                commit,
                committed,
            }
        })
        .collect()
}

/// Replaces revoked technique IDs and records IDs and tactics this ATT&CK
/// release does not know (they stay on the rule).
fn resolve_attack(rules: &mut [ParsedRule], attack: &Attack, report: &mut BuildReport) {
    if attack.techniques.is_empty() {
        return;
    }
    let resolver = Resolver::new(attack);
    for parsed in rules {
        let rule = &mut parsed.rule;
        let mut resolved: Vec<String> = Vec::with_capacity(rule.techniques.len());
        for id in &rule.techniques {
            let id = match resolver.technique(id) {
                Resolution::Known(id) => id,
                Resolution::Replaced { by, tagged } => {
                    report.revoked_techniques.insert(tagged, by.clone());
                    by
                }
                Resolution::Unknown(id) => {
                    *report.unknown_techniques.entry(id.clone()).or_default() += 1;
                    id
                }
            };
            if !resolved.contains(&id) {
                resolved.push(id);
            }
        }
        rule.techniques = resolved;
        for tactic in &rule.tactics {
            if !resolver.knows_tactic(tactic) {
                *report.unknown_tactics.entry(tactic.clone()).or_default() += 1;
            }
        }
    }
}

/// Writes the catalog, its detail shards and the report into `out`.
pub fn write(built: &Built, out: &Path) -> Result<(), BuildError> {
    let details_dir = out.join("details");
    fs::create_dir_all(&details_dir).map_err(|source| BuildError::Output { path: details_dir.clone(), source })?;
    let count = built.catalog.detail_shards;
    let mut shards: Vec<BTreeMap<&str, &RuleDetail>> = vec![BTreeMap::new(); count as usize];
    for (id, detail) in &built.details {
        shards[detail_shard(id, count) as usize].insert(id, detail);
    }
    // The catalog is the largest file; write it while the shards are written.
    let (catalog, shards) = rayon::join(
        || write_json(&out.join("catalog.json"), &built.catalog, false),
        || {
            shards
                .par_iter()
                .enumerate()
                .try_for_each(|(n, shard)| write_json(&details_dir.join(format!("{n}.json")), shard, false))
        },
    );
    catalog?;
    shards?;
    write_json(&out.join("macros.json"), &built.macros, false)?;
    let report = BuildReport { peak_memory_bytes: peak_memory_bytes(), ..built.report.clone() };
    write_json(&out.join("build-report.json"), &report, true)
}

/// The process' peak resident set (`VmHWM` in /proc/self/status), which is
/// what the memory budget of a build is about.
fn peak_memory_bytes() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    let kilobytes: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kilobytes * 1024)
}

fn write_json<T: serde::Serialize + ?Sized>(path: &Path, value: &T, pretty: bool) -> Result<(), BuildError> {
    let bytes = if pretty { serde_json::to_vec_pretty(value)? } else { serde_json::to_vec(value)? };
    fs::write(path, bytes).map_err(|source| BuildError::Output { path: path.to_owned(), source })
}
