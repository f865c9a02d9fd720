//! The rule → events mapping: fixture rules of each vendor (written for
//! these tests, expected events checked by hand against events.toml), and the
//! corpus test over RULE_ATLAS_CORPUS: the mapped share, and the events of
//! T1204, T1059.001 and T1078 checked against their rules.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::OnceLock;

use atlas_builder::build::{self, BuildOptions, Built};
use atlas_builder::events;
use atlas_catalog::{Event, Rule, RuleDetail, Vendor};
use atlas_frontend::diagnostic::Severity;
use atlas_frontend::outcome::ParsedRule;

fn fixture_root() -> PathBuf {
    common::fixtures_dir().join("events")
}

/// The three fixture repositories, built once.
fn fixtures() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = fixture_root();
        let options = BuildOptions {
            sigma: Some(root.join("sigma")),
            elastic: Some(root.join("elastic")),
            splunk: Some(root.join("splunk")),
            attack: None,
            attack_version: None,
            out: PathBuf::new(),
            detail_shards: None,
            demo: false,
        };
        build::build(&options, &|_, _| {}).expect("fixtures build")
    })
}

fn rule<'a>(built: &'a Built, id: &str) -> &'a Rule {
    built.catalog.rules.iter().find(|r| r.id == id).unwrap_or_else(|| panic!("rule {id} not built"))
}

fn events_of(id: &str) -> Vec<&'static str> {
    rule(fixtures(), id).events.iter().map(String::as_str).collect()
}

fn event(built: &Built, id: &str) -> Event {
    built.catalog.events.iter().find(|e| e.id == id).cloned().unwrap_or_else(|| panic!("event {id} not listed"))
}

fn set<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'a str> {
    ids.into_iter().collect()
}

// --- Sigma -------------------------------------------------------------------

#[test]
fn sigma_process_creation_reads_sysmon_1_and_security_4688() {
    assert_eq!(events_of("7a1e0001-0000-4000-8000-000000000001"), ["sysmon-1", "win-security-4688"]);
}

#[test]
fn sigma_channel_is_narrowed_by_its_event_id() {
    assert_eq!(events_of("7a1e0001-0000-4000-8000-000000000002"), ["win-security-4624"]);
}

#[test]
fn sigma_channel_without_event_id_reads_the_whole_channel() {
    assert_eq!(events_of("7a1e0001-0000-4000-8000-000000000003"), ["win-security"]);
}

#[test]
fn sigma_category_is_narrowed_by_its_event_id() {
    // registry_event is Sysmon 12, 13 and 14; EventID 13 keeps 13.
    assert_eq!(events_of("7a1e0001-0000-4000-8000-000000000004"), ["sysmon-13"]);
}

#[test]
fn sigma_excluded_event_id_does_not_narrow() {
    // EventID 7036 is in a filter: the rule reads the System log, not 7036.
    assert_eq!(events_of("7a1e0001-0000-4000-8000-000000000005"), ["win-system"]);
}

#[test]
fn sigma_cloudtrail_calls_become_per_call_events() {
    // AssumeRole is excluded, so only the two calls looked for count.
    assert_eq!(
        set(events_of("7a1e0001-0000-4000-8000-000000000006")),
        set(["aws-cloudtrail:ConsoleLogin", "aws-cloudtrail:CreateAccessKey"])
    );
    let login = event(fixtures(), "aws-cloudtrail:ConsoleLogin");
    assert_eq!(login.parent.as_deref(), Some("aws-cloudtrail"));
    assert_eq!(login.code.as_deref(), Some("ConsoleLogin"));
    assert_eq!(login.source, "AWS CloudTrail");
    // The service-level parent is listed for the event view.
    assert_eq!(event(fixtures(), "aws-cloudtrail").parent, None);
}

#[test]
fn sigma_kubernetes_pairs_verbs_with_resources_per_branch() {
    // (create pods) or (delete secrets): never "create secrets".
    assert_eq!(
        set(events_of("7a1e0001-0000-4000-8000-000000000007")),
        set(["kubernetes-audit:create pods", "kubernetes-audit:delete secrets"])
    );
}

#[test]
fn sigma_linux_process_creation_reads_sysmon_for_linux_and_auditd() {
    assert_eq!(events_of("7a1e0001-0000-4000-8000-000000000008"), ["sysmon-linux-1", "auditd-execve"]);
}

#[test]
fn sigma_unknown_logsource_gets_no_event_and_a_reason() {
    assert!(events_of("7a1e0001-0000-4000-8000-000000000009").is_empty());
    let diagnostic = fixtures()
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule_id.as_deref() == Some("7a1e0001-0000-4000-8000-000000000009"))
        .expect("a diagnostic for the unmapped rule");
    assert_eq!(diagnostic.severity, Severity::Info);
    assert_eq!(diagnostic.reason, "no events: sigma logsource product=acme service=widget");
}

// --- Elastic -----------------------------------------------------------------

#[test]
fn elastic_process_start_over_several_indices() {
    // endgame-* and logs-endpoint.events.process-* give their process
    // events; winlogbeat-* and logs-system.security* give the process-start
    // events of Sysmon and the Security log (ECS process/start).
    assert_eq!(
        set(events_of("7a1e0002-0000-4000-8000-000000000001")),
        set(["sysmon-1", "win-security-4688", "elastic-defend-process", "endgame-process"])
    );
}

#[test]
fn elastic_dataset_and_actions_name_cloudtrail_calls() {
    assert_eq!(
        set(events_of("7a1e0002-0000-4000-8000-000000000002")),
        set(["aws-cloudtrail:CreateUser", "aws-cloudtrail:DeleteUser"])
    );
}

#[test]
fn elastic_process_category_on_script_block_text_reads_4104() {
    // Elastic files PowerShell 4104 under event.category "process"; the
    // script block field is what tells it from process creation.
    assert_eq!(events_of("7a1e0002-0000-4000-8000-000000000003"), ["win-powershell-4104"]);
}

#[test]
fn elastic_event_code_over_broad_indices_picks_the_listed_event() {
    assert_eq!(events_of("7a1e0002-0000-4000-8000-000000000004"), ["win-security-5136"]);
}

#[test]
fn elastic_generic_index_maps_to_nothing() {
    assert!(events_of("7a1e0002-0000-4000-8000-000000000005").is_empty());
    let reason = fixtures()
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule_id.as_deref() == Some("7a1e0002-0000-4000-8000-000000000005"))
        .map(|d| d.reason.as_str());
    assert_eq!(reason, Some("no events: elastic generic log source only (logs-*)"));
}

// --- Splunk ------------------------------------------------------------------

#[test]
fn splunk_sysmon_macro_with_event_code() {
    // The `sysmon` macro also selects Linux Sysmon; its sources do not add
    // Sysmon for Linux 10.
    assert_eq!(events_of("7a1e0003-0000-4000-8000-000000000001"), ["sysmon-10"]);
}

#[test]
fn splunk_data_model_without_data_source_falls_back_to_its_events() {
    assert_eq!(events_of("7a1e0003-0000-4000-8000-000000000002"), ["sysmon-1", "win-security-4688"]);
}

#[test]
fn splunk_security_macro_with_event_codes_and_data_sources() {
    assert_eq!(events_of("7a1e0003-0000-4000-8000-000000000003"), ["win-security-4624", "win-security-4625"]);
}

#[test]
fn splunk_cloudtrail_event_names_and_data_sources() {
    assert_eq!(
        set(events_of("7a1e0003-0000-4000-8000-000000000004")),
        set(["aws-cloudtrail:StopLogging", "aws-cloudtrail:DeleteTrail"])
    );
}

#[test]
fn splunk_cim_action_is_not_an_api_call() {
    assert_eq!(events_of("7a1e0003-0000-4000-8000-000000000005"), ["aws-cloudtrail"]);
}

#[test]
fn every_listed_event_is_complete_and_every_rule_event_is_listed() {
    let built = fixtures();
    let listed: BTreeSet<&str> = built.catalog.events.iter().map(|e| e.id.as_str()).collect();
    for rule in &built.catalog.rules {
        for id in &rule.events {
            assert!(listed.contains(id.as_str()), "{} reads unlisted {id}", rule.id);
        }
    }
    for event in &built.catalog.events {
        assert!(!event.name.is_empty() && !event.source.is_empty() && !event.platform.is_empty(), "{event:?}");
        if let Some(parent) = &event.parent {
            assert!(listed.contains(parent.as_str()), "{} has unlisted parent {parent}", event.id);
        }
    }
}

// --- Corpus ------------------------------------------------------------------

/// The whole corpus, built once; `None` (after the one-line notice) when
/// there is no corpus.
fn corpus() -> Option<&'static Built> {
    static BUILT: OnceLock<Built> = OnceLock::new();
    let root = common::corpus()?;
    Some(BUILT.get_or_init(|| {
        let options = BuildOptions {
            sigma: Some(root.join("sigma")),
            elastic: Some(root.join("elastic")),
            splunk: Some(root.join("splunk")),
            attack: Some(root.join("attack/enterprise-attack.json")),
            attack_version: Some("18.1".into()),
            out: PathBuf::new(),
            detail_shards: None,
            demo: false,
        };
        build::build(&options, &|_, _| {}).expect("corpus builds")
    }))
}

/// At least 95% of the rules that name a log source, index, data model or
/// base macro read at least one catalog event; the rest are listed by reason.
#[test]
fn corpus_mapped_share() {
    let Some(built) = corpus() else { return };
    let mut named: BTreeMap<Vendor, (usize, usize)> = BTreeMap::new();
    for rule in &built.catalog.rules {
        if events::names_log_source(rule) {
            let entry = named.entry(rule.vendor).or_default();
            entry.0 += 1;
            entry.1 += usize::from(!rule.events.is_empty());
        }
    }
    let (total, mapped) = named.values().fold((0, 0), |acc, (n, m)| (acc.0 + n, acc.1 + m));
    for (vendor, (n, m)) in &named {
        println!(
            "{}: {m} of {n} rules that name a log source are mapped ({:.1}%)",
            vendor.label(),
            *m as f64 * 100.0 / *n as f64
        );
    }
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for diagnostic in built.report.diagnostics.iter().filter(|d| d.reason.starts_with("no events")) {
        *reasons.entry(diagnostic.reason.as_str()).or_default() += 1;
    }
    println!("unmapped by reason:");
    for (reason, count) in &reasons {
        println!("  {count:>4} × {reason}");
    }
    let share = mapped as f64 * 100.0 / total as f64;
    assert!(share >= 95.0, "only {share:.1}% of {total} rules are mapped");
    for (vendor, (n, m)) in &named {
        assert!(*m as f64 >= *n as f64 * 0.95, "{}: only {m} of {n} mapped", vendor.label());
    }
}

/// The events a technique's rules read: event id → rules per vendor.
fn technique_events(built: &Built, technique: &str) -> BTreeMap<String, BTreeMap<Vendor, usize>> {
    let mut out: BTreeMap<String, BTreeMap<Vendor, usize>> = BTreeMap::new();
    for rule in built.catalog.rules.iter().filter(|r| r.techniques.iter().any(|t| t == technique)) {
        for id in &rule.events {
            *out.entry(id.clone()).or_default().entry(rule.vendor).or_default() += 1;
        }
    }
    out
}

fn count(events: &BTreeMap<String, BTreeMap<Vendor, usize>>, id: &str, vendor: Vendor) -> usize {
    events.get(id).and_then(|v| v.get(&vendor)).copied().unwrap_or(0)
}

fn print_events(technique: &str, events: &BTreeMap<String, BTreeMap<Vendor, usize>>) {
    println!("{technique}: {} catalog events", events.len());
    for (id, per_vendor) in events {
        println!("  {id}: {per_vendor:?}");
    }
}

/// At least `rules` rules of `vendor` tagged with the technique read `event`.
///
/// The bounds are about three quarters of the counts taken over the raw rule
/// files of the corpus described in ../shared/corpus/README.md (the counts
/// are in the comments): a mapping that breaks drops them to zero, a corpus
/// refresh that drops or retags a few rules does not fail the test. Which
/// events a rule reads, exactly, is checked on named rules ([`RuleReads`]).
struct AtLeast {
    event: &'static str,
    vendor: Vendor,
    rules: usize,
}

/// A corpus rule, by vendor and path, and the events it reads: checked by
/// hand against the rule's log source and events.toml.
struct RuleReads {
    vendor: Vendor,
    path: &'static str,
    events: &'static [&'static str],
}

fn check(technique: &str, at_least: &[AtLeast], rules: &[RuleReads]) {
    let Some(built) = corpus() else { return };
    let events = technique_events(built, technique);
    print_events(technique, &events);
    for e in at_least {
        let found = count(&events, e.event, e.vendor);
        assert!(
            found >= e.rules,
            "{technique}: {found} {} rules read {}, expected at least {}",
            e.vendor.label(),
            e.event,
            e.rules
        );
    }
    for expected in rules {
        let rule = built
            .catalog
            .rules
            .iter()
            .find(|r| r.vendor == expected.vendor && r.path == expected.path)
            .unwrap_or_else(|| panic!("{} rule {} not in the corpus", expected.vendor.label(), expected.path));
        assert!(rule.techniques.iter().any(|t| t == technique), "{} is not tagged {technique}", expected.path);
        assert_eq!(rule.events, expected.events, "{}", expected.path);
    }
}

/// T1204 User Execution. Counted over the rules: Sigma tags it on 4
/// Windows process_creation rules (settingcontent-ms shell execution,
/// DarkSide and Snatch ransomware, WebDAV LNK execution), 2 Windows
/// file_event rules (public folder extensions, Deno file written), 2 macOS
/// process_creation rules, one registry_event and one antivirus rule. Splunk:
/// 7 Sysmon EventID 1 rules (6 Endpoint.Processes searches and drop_icedid's
/// `sysmon` search), ECR image pushes (4 PutImage, 3
/// DescribeImageScanFindings), 3 Kubernetes pod create/update rules; Elastic's
/// 3 endpoint alert promotions read logs-endpoint.alerts-*.
#[test]
fn corpus_events_of_t1204() {
    check(
        "T1204",
        &[
            AtLeast { event: "sysmon-1", vendor: Vendor::Sigma, rules: 3 }, // 4
            AtLeast { event: "win-security-4688", vendor: Vendor::Sigma, rules: 3 }, // 4
            AtLeast { event: "sysmon-11", vendor: Vendor::Sigma, rules: 1 }, // 2
            AtLeast { event: "macos-esf-exec", vendor: Vendor::Sigma, rules: 1 }, // 2
            AtLeast { event: "sysmon-12", vendor: Vendor::Sigma, rules: 1 }, // 1
            AtLeast { event: "antivirus", vendor: Vendor::Sigma, rules: 1 }, // 1
            AtLeast { event: "sysmon-1", vendor: Vendor::Splunk, rules: 5 }, // 7
            AtLeast { event: "aws-cloudtrail:PutImage", vendor: Vendor::Splunk, rules: 3 }, // 4
            AtLeast { event: "aws-cloudtrail:DescribeImageScanFindings", vendor: Vendor::Splunk, rules: 2 }, // 3
            AtLeast { event: "kubernetes-audit:create pods", vendor: Vendor::Splunk, rules: 2 }, // 3
            AtLeast { event: "elastic-defend-alert", vendor: Vendor::Elastic, rules: 2 }, // 3
            AtLeast { event: "elastic-defend-process", vendor: Vendor::Elastic, rules: 1 }, // 12
            AtLeast { event: "elastic-defend-file", vendor: Vendor::Elastic, rules: 1 }, // 5
        ],
        &[
            // logsource category process_creation, product windows.
            RuleReads {
                vendor: Vendor::Sigma,
                path: "rules/windows/process_creation/proc_creation_win_webdav_lnk_execution.yml",
                events: &["sysmon-1", "win-security-4688"],
            },
            // category file_event, product windows.
            RuleReads {
                vendor: Vendor::Sigma,
                path: "rules/windows/file/file_event/file_event_win_creation_deno.yml",
                events: &["sysmon-11"],
            },
            // category antivirus.
            RuleReads {
                vendor: Vendor::Sigma,
                path: "rules/category/antivirus/av_hacktool.yml",
                events: &["antivirus"],
            },
            // `cloudtrail` eventSource=ecr.amazonaws.com eventName=PutImage.
            RuleReads {
                vendor: Vendor::Splunk,
                path: "detections/cloud/aws_ecr_container_upload_unknown_user.yml",
                events: &["aws-cloudtrail:PutImage"],
            },
            // `kube_audit` objectRef.resource=pods verb=create.
            RuleReads {
                vendor: Vendor::Splunk,
                path: "detections/cloud/kubernetes_pod_created_in_default_namespace.yml",
                events: &["kubernetes-audit:create pods"],
            },
            // index logs-endpoint.alerts-*, event.kind : alert.
            RuleReads {
                vendor: Vendor::Elastic,
                path: "rules/integrations/endpoint/execution_elastic_malicious_file_detected.toml",
                events: &["elastic-defend-alert"],
            },
        ],
    );
}

/// T1059.001 PowerShell, counted over the raw files: Sigma tags it on 103
/// Windows process_creation rules, 46 ps_script rules, 19 ps_module rules and
/// 8 ps_classic_start rules; Splunk on 29 `powershell` EventCode=4104 rules;
/// Elastic's 44 script-block rules read winlogbeat / logs-windows.powershell*.
#[test]
fn corpus_events_of_t1059_001() {
    check(
        "T1059.001",
        &[
            AtLeast { event: "sysmon-1", vendor: Vendor::Sigma, rules: 77 }, // 103
            AtLeast { event: "win-security-4688", vendor: Vendor::Sigma, rules: 77 }, // 103
            AtLeast { event: "win-powershell-4104", vendor: Vendor::Sigma, rules: 34 }, // 46
            AtLeast { event: "win-powershell-4103", vendor: Vendor::Sigma, rules: 14 }, // 19
            AtLeast { event: "win-powershell-classic-400", vendor: Vendor::Sigma, rules: 6 }, // 8
            AtLeast { event: "win-powershell-4104", vendor: Vendor::Splunk, rules: 21 }, // 29
            AtLeast { event: "win-powershell-4104", vendor: Vendor::Elastic, rules: 33 }, // 44
        ],
        &[
            // logsource category ps_script / ps_module / ps_classic_start, product windows.
            RuleReads {
                vendor: Vendor::Sigma,
                path: "rules/windows/powershell/powershell_script/posh_ps_susp_download.yml",
                events: &["win-powershell-4104"],
            },
            RuleReads {
                vendor: Vendor::Sigma,
                path: "rules/windows/powershell/powershell_module/posh_pm_susp_download.yml",
                events: &["win-powershell-4103"],
            },
            RuleReads {
                vendor: Vendor::Sigma,
                path: "rules/windows/powershell/powershell_classic/posh_pc_susp_download.yml",
                events: &["win-powershell-classic-400"],
            },
            // `powershell` EventCode=4104.
            RuleReads {
                vendor: Vendor::Splunk,
                path: "detections/endpoint/powershell_4104_hunting.yml",
                events: &["win-powershell-4104"],
            },
            // index winlogbeat-*, logs-windows.powershell*; a script-block query.
            RuleReads {
                vendor: Vendor::Elastic,
                path: "rules/windows/execution_posh_psreflect.toml",
                events: &["win-powershell-4104"],
            },
        ],
    );
}

/// T1078 Valid Accounts, counted over the raw files: Sigma tags it on 11
/// azure/signinlogs rules and on 3 windows/security rules whose selections
/// test EventID 4624 (external RDP and SMB logons, interactive logons on
/// servers) and 3 testing 4625; Elastic on 15 rules over the Entra ID
/// sign-in logs, 3 on CloudTrail ConsoleLogin and 3 on the Microsoft 365
/// UserLoggedIn operation; Splunk's data_source lists name Security 4769 on
/// 3 rules and CloudTrail ConsoleLogin on 1.
#[test]
fn corpus_events_of_t1078() {
    check(
        "T1078",
        &[
            AtLeast { event: "azure-signin", vendor: Vendor::Sigma, rules: 8 }, // 11
            AtLeast { event: "win-security-4624", vendor: Vendor::Sigma, rules: 2 }, // 3
            AtLeast { event: "win-security-4625", vendor: Vendor::Sigma, rules: 2 }, // 3
            AtLeast { event: "azure-signin", vendor: Vendor::Elastic, rules: 11 }, // 15
            AtLeast { event: "aws-cloudtrail:ConsoleLogin", vendor: Vendor::Elastic, rules: 2 }, // 3
            AtLeast { event: "m365:UserLoggedIn", vendor: Vendor::Elastic, rules: 2 }, // 3
            AtLeast { event: "win-security-4769", vendor: Vendor::Splunk, rules: 2 }, // 3
            AtLeast { event: "aws-cloudtrail:ConsoleLogin", vendor: Vendor::Splunk, rules: 1 }, // 1
        ],
        &[
            // logsource product azure, service signinlogs.
            RuleReads {
                vendor: Vendor::Sigma,
                path: "rules/cloud/azure/signin_logs/azure_app_ropc_authentication.yml",
                events: &["azure-signin"],
            },
            // service security, EventID 4624 (LogonType 10).
            RuleReads {
                vendor: Vendor::Sigma,
                path: "rules/windows/builtin/security/account_management/win_security_successful_external_remote_rdp_login.yml",
                events: &["win-security-4624"],
            },
            // index logs-aws.cloudtrail-*, event.action:ConsoleLogin.
            RuleReads {
                vendor: Vendor::Elastic,
                path: "rules/integrations/aws/initial_access_console_login_root.toml",
                events: &["aws-cloudtrail:ConsoleLogin"],
            },
            // `cloudtrail` eventName= ConsoleLogin.
            RuleReads {
                vendor: Vendor::Splunk,
                path: "detections/cloud/aws_successful_single_factor_authentication.yml",
                events: &["aws-cloudtrail:ConsoleLogin"],
            },
            // `wineventlog_security` EventCode=4769.
            RuleReads {
                vendor: Vendor::Splunk,
                path: "detections/endpoint/suspicious_kerberos_service_ticket_request.yml",
                events: &["win-security-4769"],
            },
        ],
    );
}

/// Every event a rule reads is listed, and ATT&CK's log sources link Sysmon 1
/// and Security 4688 to Process Creation.
#[test]
fn corpus_events_are_listed_and_linked_to_data_components() {
    let Some(built) = corpus() else { return };
    let listed: BTreeSet<&str> = built.catalog.events.iter().map(|e| e.id.as_str()).collect();
    for rule in &built.catalog.rules {
        for id in &rule.events {
            assert!(listed.contains(id.as_str()), "{} reads unlisted {id}", rule.path);
        }
    }
    for id in ["sysmon-1", "win-security-4688"] {
        assert!(event(built, id).data_components.iter().any(|dc| dc == "DC0032"), "{id}");
    }
    // WinEventLog:Security / EventCode=4624 names DC0067 Logon Session Creation.
    assert!(event(built, "win-security-4624").data_components.iter().any(|dc| dc == "DC0067"));
    // AWS:CloudTrail / ConsoleLogin names DC0067 too: a generated event is linked.
    assert!(event(built, "aws-cloudtrail:ConsoleLogin").data_components.iter().any(|dc| dc == "DC0067"));
}

/// Mapping every corpus rule again gives the catalog's events and each
/// rule's events unchanged. (How fast it is: `cargo bench -p atlas-builder`.)
#[test]
fn corpus_mapping_is_repeatable() {
    let Some(built) = corpus() else { return };
    let mut rules: Vec<ParsedRule> = built
        .catalog
        .rules
        .iter()
        .map(|rule| ParsedRule {
            rule: Rule { events: Vec::new(), ..rule.clone() },
            detail: RuleDetail::default(),
            line: None,
        })
        .collect();
    let mut report = atlas_builder::report::BuildReport::default();
    let events = events::assign(&mut rules, &built.catalog.attack, &mut report);
    assert!(events == built.catalog.events, "the event list differs");
    for (again, rule) in rules.iter().zip(&built.catalog.rules) {
        assert_eq!(again.rule.events, rule.events, "{}", rule.path);
    }
}
