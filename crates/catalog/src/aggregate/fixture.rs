//! A small hand-made catalog the aggregation tests count against by hand.
//!
//! Rules (position: id, vendor, techniques) and their logic:
//! - 0: r1 Sigma [T1204, T1218.005]: Image `*\mshta.exe`, ParentImage `*\WINWORD.EXE`,
//!   CommandLine `*http*`; not (CommandLine `*\Teams\\*` or ParentImage `*\explorer.exe`)
//! - 1: r2 Elastic [T1204, T1204.002]: process.name `mshta.exe` and `MSHTA.exe` (one
//!   triple twice), process.parent.name `winword.exe`; not process.parent.name `explorer.exe`
//! - 2: r3 Splunk [T1204.002]: process_name `mshta.exe`, (process `*http*` or
//!   process `*javascript:*`); not parent_process_name `explorer.exe`
//! - 3: r4 Sigma [T1059.001]: Image `*\powershell.exe`, CommandLine `*http*`;
//!   not ParentImage `*\explorer.exe`
//! - 4: r5 Sigma [T1204.002]: TargetFilename `*.lnk`, Image `*\explorer.exe`
//! - 5: r6 Elastic [T1059, T1059.001]: process.name `powershell.exe`, process.command_line `*-enc*`
//! - 6: r7 Sigma [T1999, unknown to ATT&CK]: Image `*\mshta.exe`
//! - 7: r8 Sigma [no technique]: CommandLine `*http*`
//!
//! Events (position: id, parent) and the rules reading each:
//! - 0: sysmon; 1: sysmon-1 (sysmon) by r1, r2, r3, r4, r6, r7; 2: sysmon-11 (sysmon) by r5
//! - 3: win-security by r8; 4: win-security-4688 (win-security) by r1, r3, r4
//! - 5: m365; 6: `m365:Consent to application.` (m365) by r8 (an id URLs must encode)
//!
//! The attack bundle knows DC0032 Process Creation (named by Sysmon 1 and
//! Security 4688) and DC0039 File Creation.

use crate::fields::FieldDef;
use crate::model::{
    Attack, Catalog, DataComponent, Event, FORMAT_NAME, FORMAT_VERSION, ParseStatus, Rule, Tactic, Technique, Vendor,
};
use crate::predicate::{Expr, Leaf, Op};

use super::Atlas;

pub fn atlas() -> Atlas {
    Atlas::new(catalog())
}

pub fn catalog() -> Catalog {
    Catalog {
        format: FORMAT_NAME.into(),
        version: FORMAT_VERSION,
        generator: "fixture".into(),
        sources: vec![],
        attack: attack(),
        fields: fields(),
        events: events(),
        rules: rules(),
        detail_shards: 4,
        demo: false,
    }
}

fn events() -> Vec<Event> {
    let event =
        |id: &str, name: &str, source: &str, code: Option<&str>, components: &[&str], parent: Option<&str>| Event {
            id: id.into(),
            name: name.into(),
            source: source.into(),
            platform: "windows".into(),
            code: code.map(Into::into),
            channel: None,
            description: format!("{name} (fixture)."),
            data_components: components.iter().map(|c| (*c).into()).collect(),
            fields: vec![],
            parent: parent.map(Into::into),
        };
    vec![
        event("sysmon", "Sysmon (any event)", "Sysmon", None, &[], None),
        Event {
            fields: vec!["process.executable".into(), "process.name".into(), "process.command_line".into()],
            ..event("sysmon-1", "Process creation", "Sysmon", Some("1"), &["DC0032"], Some("sysmon"))
        },
        event("sysmon-11", "File created", "Sysmon", Some("11"), &["DC0039", "DC9999"], Some("sysmon")),
        event("win-security", "Windows Security (any event)", "Windows Security", None, &[], None),
        event(
            "win-security-4688",
            "A new process has been created",
            "Windows Security",
            Some("4688"),
            &["DC0032"],
            Some("win-security"),
        ),
        event("m365", "Microsoft 365 (any operation)", "Microsoft 365 audit log", None, &[], None),
        event(
            "m365:Consent to application.",
            "Microsoft 365 Consent to application.",
            "Microsoft 365 audit log",
            Some("Consent to application."),
            &[],
            Some("m365"),
        ),
    ]
}

/// The events each fixture rule reads, by rule id.
fn events_read(id: &str) -> &'static [&'static str] {
    match id {
        "r1" | "r3" | "r4" => &["sysmon-1", "win-security-4688"],
        "r2" | "r6" | "r7" => &["sysmon-1"],
        "r5" => &["sysmon-11"],
        _ => &["win-security", "m365:Consent to application."],
    }
}

fn rules() -> Vec<Rule> {
    use Vendor::{Elastic, Sigma, Splunk};
    let and = Expr::and;
    let not = Expr::negate;
    vec![
        rule(
            "r1",
            Sigma,
            "Mshta Spawned by Word",
            &["T1204", "T1218.005"],
            and(vec![
                w("Image", "process.executable", r"*\mshta.exe"),
                w("ParentImage", "process.parent.executable", r"*\WINWORD.EXE"),
                w("CommandLine", "process.command_line", "*http*"),
                not(Expr::or(vec![
                    w("CommandLine", "process.command_line", r"*\Teams\\*"),
                    w("ParentImage", "process.parent.executable", r"*\explorer.exe"),
                ])),
            ]),
        ),
        rule(
            "r2",
            Elastic,
            "Microsoft HTML Application from Office",
            &["T1204", "T1204.002"],
            and(vec![
                eq("process.name", "process.name", "mshta.exe"),
                eq("process.name", "process.name", "MSHTA.exe"),
                eq("process.parent.name", "process.parent.name", "winword.exe"),
                not(eq("process.parent.name", "process.parent.name", "explorer.exe")),
            ]),
        ),
        rule(
            "r3",
            Splunk,
            "Suspicious mshta child",
            &["T1204.002"],
            and(vec![
                eq("process_name", "process.name", "mshta.exe"),
                Expr::or(vec![
                    w("process", "process.command_line", "*http*"),
                    w("process", "process.command_line", "*javascript:*"),
                ]),
                not(eq("parent_process_name", "process.parent.name", "explorer.exe")),
            ]),
        ),
        rule(
            "r4",
            Sigma,
            "PowerShell Download",
            &["T1059.001"],
            and(vec![
                w("Image", "process.executable", r"*\powershell.exe"),
                w("CommandLine", "process.command_line", "*http*"),
                not(w("ParentImage", "process.parent.executable", r"*\explorer.exe")),
            ]),
        ),
        rule(
            "r5",
            Sigma,
            "LNK File Opened",
            &["T1204.002"],
            and(vec![w("TargetFilename", "file.path", "*.lnk"), w("Image", "process.executable", r"*\explorer.exe")]),
        ),
        rule(
            "r6",
            Elastic,
            "Encoded PowerShell",
            &["T1059", "T1059.001"],
            and(vec![
                eq("process.name", "process.name", "powershell.exe"),
                w("process.command_line", "process.command_line", "*-enc*"),
            ]),
        ),
        rule("r7", Sigma, "Mshta Anywhere", &["T1999"], w("Image", "process.executable", r"*\mshta.exe")),
        rule("r8", Sigma, "Any URL on a Command Line", &[], w("CommandLine", "process.command_line", "*http*")),
    ]
}

fn attack() -> Attack {
    let tactic = |id: &str, shortname: &str, name: &str| Tactic {
        id: id.into(),
        shortname: shortname.into(),
        name: name.into(),
        url: format!("https://attack.mitre.org/tactics/{id}"),
    };
    Attack {
        version: "18.1".into(),
        date: None,
        tactics: vec![
            tactic("TA0001", "initial-access", "Initial Access"),
            tactic("TA0002", "execution", "Execution"),
            tactic("TA0005", "defense-evasion", "Defense Evasion"),
        ],
        techniques: vec![
            technique("T1566", "Phishing", &["initial-access"], &["Windows", "Linux", "macOS"]),
            technique("T1566.001", "Spearphishing Attachment", &["initial-access"], &["Windows", "Linux", "macOS"]),
            technique("T1204", "User Execution", &["execution"], &["Windows", "Linux", "macOS"]),
            technique("T1204.001", "Malicious Link", &["execution"], &["Windows", "Linux", "macOS"]),
            technique("T1204.002", "Malicious File", &["execution"], &["Windows", "Linux", "macOS"]),
            technique("T1059", "Command and Scripting Interpreter", &["execution"], &["Windows", "Network Devices"]),
            technique("T1059.001", "PowerShell", &["execution"], &["Windows"]),
            technique("T1218", "System Binary Proxy Execution", &["defense-evasion"], &["Windows"]),
            technique("T1218.005", "Mshta", &["defense-evasion"], &["Windows"]),
            technique("T1027", "Obfuscated Files or Information", &["defense-evasion"], &["Windows", "Linux"]),
            Technique {
                deprecated: true,
                ..technique("T1064", "Scripting", &["execution", "defense-evasion"], &["Windows"])
            },
        ],
        revoked: vec![],
        data_components: vec![
            DataComponent {
                id: "DC0032".into(),
                name: "Process Creation".into(),
                description: "A new process starts.".into(),
                log_sources: vec![
                    ("WinEventLog:Sysmon".into(), "EventCode=1".into()),
                    ("WinEventLog:Security".into(), "EventCode=4688".into()),
                    ("auditd:SYSCALL".into(), "execve".into()),
                ],
            },
            DataComponent {
                id: "DC0039".into(),
                name: "File Creation".into(),
                description: "A new file is written.".into(),
                log_sources: vec![("WinEventLog:Sysmon".into(), "EventCode=11, 23".into())],
            },
        ],
    }
}

fn technique(id: &str, name: &str, tactics: &[&str], platforms: &[&str]) -> Technique {
    Technique {
        id: id.into(),
        name: name.into(),
        description: format!("{name} description."),
        platforms: platforms.iter().map(|p| (*p).into()).collect(),
        tactics: tactics.iter().map(|t| (*t).into()).collect(),
        url: format!("https://attack.mitre.org/techniques/{}", id.replace('.', "/")),
        parent: id.split_once('.').map(|(parent, _)| parent.to_owned()),
        deprecated: false,
    }
}

fn fields() -> Vec<FieldDef> {
    let def =
        |name: &str, sigma: &[&str], splunk: &[&str], basename_of: Option<&str>, extension_of: Option<&str>| FieldDef {
            name: name.into(),
            description: String::new(),
            sigma: sigma.iter().map(|s| (*s).into()).collect(),
            elastic: vec![],
            splunk: splunk.iter().map(|s| (*s).into()).collect(),
            splunk_raw: vec![],
            basename_of: basename_of.map(Into::into),
            extension_of: extension_of.map(Into::into),
        };
    vec![
        def("process.executable", &["Image"], &["process_path"], None, None),
        def("process.name", &[], &["process_name"], Some("process.executable"), None),
        def("process.command_line", &["CommandLine"], &["process"], None, None),
        def("process.parent.executable", &["ParentImage"], &["parent_process_path"], None, None),
        def("process.parent.name", &[], &["parent_process_name"], Some("process.parent.executable"), None),
        def("file.path", &["TargetFilename"], &[], None, None),
        def("file.extension", &[], &[], None, Some("file.path")),
    ]
}

fn rule(id: &str, vendor: Vendor, title: &str, techniques: &[&str], logic: Expr) -> Rule {
    Rule {
        id: id.into(),
        vendor,
        title: title.into(),
        path: format!("rules/{id}.yml"),
        url: String::new(),
        status: ParseStatus::Parsed,
        reason: None,
        techniques: techniques.iter().map(|t| (*t).into()).collect(),
        tactics: vec![],
        tags: vec![],
        severity: Some("high".into()),
        maturity: None,
        kind: None,
        language: vendor.as_str().into(),
        authors: vec![],
        date: None,
        modified: None,
        description: String::new(),
        references: vec![],
        false_positives: vec![],
        log_source: vec![("product".into(), "windows".into()), ("category".into(), "process_creation".into())],
        attributes: vec![],
        logic: Some(logic),
        events: events_read(id).iter().map(|e| (*e).into()).collect(),
    }
}

/// A leaf as the front end writes it: the source field resolved to `canonical`.
fn leaf(source: &str, canonical: &str, op: Op, value: &str) -> Expr {
    Expr::Leaf(Leaf {
        field: Some(canonical.into()),
        source_field: Some(source.into()),
        op,
        value: Some(value.into()),
        case_sensitive: false,
    })
}

fn w(source: &str, canonical: &str, pattern: &str) -> Expr {
    leaf(source, canonical, Op::Wildcard, pattern)
}

fn eq(source: &str, canonical: &str, value: &str) -> Expr {
    leaf(source, canonical, Op::Eq, value)
}
