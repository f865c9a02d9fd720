//! The (field, operator, value) key under which equal tests from different
//! vendors meet, so that Sigma `Image|endswith: '\mshta.exe'`, Elastic
//! `process.name : "mshta.exe"` and Splunk `process_name=mshta.exe` count as
//! one indicator. The rules are written down in docs/normalization.md.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::fields::FieldTable;
use crate::predicate::{FieldName, Leaf, Op};
use crate::wildcard::{self, Token};

/// A normalized (field, operator, value) triple.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IndicatorKey {
    /// Canonical field; empty for a field-less search.
    pub field: FieldName,
    pub op: Op,
    /// The value, case-folded where the operator compares text.
    pub value: String,
}

impl fmt::Display for IndicatorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = if self.field.is_empty() { "(any field)" } else { &self.field };
        if self.op.has_value() {
            write!(f, "{field} {} {}", self.op, self.value)
        } else {
            write!(f, "{field} {}", self.op)
        }
    }
}

/// Normalizes a leaf into its key:
/// 1. a `wildcard` without wildcards is an `eq` of its literal text, and the
///    pattern `*` alone is `exists` (any value at all);
/// 2. a path field tested for `*\name` or `*/name` (a literal last component)
///    is its basename field `eq name` (process.executable → process.name);
/// 3. a path field, or the name field of a path, tested for `*.ext` is the
///    path's extension field `eq ext` (file.path or file.name → file.extension);
/// 4. a full-text `match` on a field is a `wildcard *value*` (a KQL phrase
///    on a text field and Sigma's `contains` look for the same thing);
///    field-less matches (keywords) stay `match`;
/// 5. text values are lower-cased (rules from every vendor match paths and
///    names case-insensitively in practice), except regular expressions,
///    field references and raw conditions, which keep their spelling;
/// 6. a registry path starting with a hive is written with the hive's short
///    name (`HKEY_LOCAL_MACHINE\`, `\REGISTRY\MACHINE\`, `MACHINE\` → `hklm\`);
/// 7. Sysmon's spelling of DWORD registry data, `DWORD (0x00000001)`, is the
///    hex number `0x00000001` that Splunk's and Elastic's registry data hold;
/// 8. a `cidr` block of a single address (`/32`, `/128` or no prefix) is an
///    `eq` of the address.
pub fn key(leaf: &Leaf, fields: &FieldTable) -> IndicatorKey {
    let field = leaf.field.clone().unwrap_or_else(no_field);
    let value = leaf.value.clone().unwrap_or_default();
    let (field, op, value) = match leaf.op {
        Op::Wildcard => wildcard_key(field, value, fields),
        Op::Match if !field.is_empty() => {
            let mut tokens = wildcard::decode(&value);
            if tokens.first() != Some(&Token::AnyRun) {
                tokens.insert(0, Token::AnyRun);
            }
            if tokens.last() != Some(&Token::AnyRun) {
                tokens.push(Token::AnyRun);
            }
            (field, Op::Wildcard, wildcard::encode(&tokens))
        }
        Op::Cidr => cidr_key(field, value),
        op => (field, op, value),
    };
    // `field : *` (KQL), `field=*` (SPL) and Sigma's `Field: '*'` all ask for
    // any value; the front ends write some as `exists`, some as this pattern.
    // (A pattern decodes to nothing but "any run" exactly when it is all `*`.)
    let any_value = |pattern: &str| !pattern.is_empty() && pattern.chars().all(|c| c == '*');
    let (op, value) = match op {
        Op::Wildcard if any_value(&value) => (Op::Exists, String::new()),
        op => (op, value),
    };
    let value = match op {
        Op::RegexMatch | Op::Fieldref | Op::Raw => value,
        _ if value.is_ascii() => {
            let mut value = value;
            value.make_ascii_lowercase();
            value
        }
        _ => value.to_lowercase(),
    };
    let value = match op {
        Op::Eq | Op::Wildcard if REGISTRY_PATH_FIELDS.contains(&&*field) => short_hive(op, value),
        Op::Eq if &*field == REGISTRY_DATA_FIELD => dword_hex(value),
        _ => value,
    };
    IndicatorKey { field, op, value }
}

/// The field of a field-less search, shared like every other name.
fn no_field() -> FieldName {
    static EMPTY: std::sync::OnceLock<FieldName> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| FieldName::from("")).clone()
}

/// Fields holding a full registry path, whose hive spelling depends only on
/// the log source (Sysmon `HKLM\`, Windows 4657 and Elastic Endpoint
/// `\REGISTRY\MACHINE\`, SentinelOne and CrowdStrike `MACHINE\`). Elsewhere —
/// in a command line or an argument — the spelling is what the user typed,
/// and `reg.exe HKEY_LOCAL_MACHINE\…` is a different string from `HKLM\…`.
const REGISTRY_PATH_FIELDS: &[&str] = &["registry.path"];

/// The field holding registry value data (Sysmon `Details`, CIM
/// `registry_value_data`, ECS `registry.data.strings`).
const REGISTRY_DATA_FIELD: &str = "registry.data.strings";

/// Hive spellings at the start of a registry path (lower-cased, as keys are)
/// and the short name they become. Only full-name ↔ short-name pairs that
/// name the same hive: `HKCU` stays apart from `HKU` (HKCU is one user's view,
/// HKU holds every user).
const HIVES: &[(&str, &str)] = &[
    ("hkey_local_machine\\", "hklm\\"),
    ("\\registry\\machine\\", "hklm\\"),
    ("machine\\", "hklm\\"),
    ("hkey_users\\", "hku\\"),
    ("\\registry\\user\\", "hku\\"),
    ("user\\", "hku\\"),
    ("hkey_current_user\\", "hkcu\\"),
    ("hkey_classes_root\\", "hkcr\\"),
    ("hkey_current_config\\", "hkcc\\"),
];

/// Rewrites a leading hive to its short name. Works on the decoded pattern so
/// that an escape right after the hive (`HKEY_USERS\\*`) is kept intact.
fn short_hive(op: Op, value: String) -> String {
    // Cheap test first: most registry paths start with a short hive already.
    if !HIVES.iter().any(|(long, _)| value.starts_with(long)) {
        return value;
    }
    let tokens = match op {
        Op::Wildcard => wildcard::decode(&value),
        _ => wildcard::literal_tokens(&value),
    };
    for (long, short) in HIVES {
        let prefix = wildcard::literal_tokens(long);
        if let Some(rest) = tokens.strip_prefix(prefix.as_slice()) {
            let mut out = wildcard::literal_tokens(short);
            out.extend_from_slice(rest);
            return match op {
                Op::Wildcard => wildcard::encode(&out),
                _ => wildcard::literal(&out).unwrap_or(value),
            };
        }
    }
    value
}

/// `dword (0x00000001)` → `0x00000001`: Sysmon writes DWORD data with its
/// type, Splunk's Sysmon add-on and Elastic's rules hold the bare hex number
/// (security_content searches `registry_value_data="0x00000001"` over Sysmon
/// event 13 data).
fn dword_hex(value: String) -> String {
    let hex = value.strip_prefix("dword (0x").and_then(|rest| rest.strip_suffix(')'));
    match hex {
        Some(digits) if digits.len() == 8 && digits.chars().all(|c| c.is_ascii_hexdigit()) => format!("0x{digits}"),
        _ => value,
    }
}

/// A block holding one address is that address: `cidrMatch(ip, "::1")` and
/// `DestinationIp: '::1'` test the same thing. Only a parseable address
/// qualifies, so placeholders and malformed blocks stay `cidr`.
fn cidr_key(field: FieldName, value: String) -> (FieldName, Op, String) {
    let (address, prefix) = match value.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (value.as_str(), None),
    };
    let single = matches!(
        (address.parse::<IpAddr>(), prefix),
        (Ok(_), None) | (Ok(IpAddr::V4(_)), Some("32")) | (Ok(IpAddr::V6(_)), Some("128"))
    );
    if single {
        let address = address.to_owned();
        (field, Op::Eq, address)
    } else {
        (field, Op::Cidr, value)
    }
}

fn wildcard_key(field: FieldName, value: String, fields: &FieldTable) -> (FieldName, Op, String) {
    // Most patterns (`*evil*` on a command line) need no rewriting: skip
    // decoding them, which is most of the cost of keying a whole catalog.
    let related = fields.basename_field(&field).is_some()
        || fields.extension_field(&field).is_some()
        || fields.get(&field).is_some_and(|def| def.basename_of.is_some());
    if !related && wildcard::has_wildcard_chars(&value) && value != "*" {
        return (field, Op::Wildcard, value);
    }
    let tokens = wildcard::decode(&value);
    if let Some(literal) = wildcard::literal(&tokens) {
        return (field, Op::Eq, literal);
    }
    if let [Token::AnyRun, rest @ ..] = tokens.as_slice() {
        if let Some(name_field) = fields.basename_field(&field)
            && let Some(name) = last_component(rest)
        {
            return (FieldName::from(name_field), Op::Eq, name);
        }
        // A name ends in the same extension as its path, so `file.name *.lnk`
        // is `file.extension lnk` too.
        let path_field = fields.get(&field).and_then(|def| def.basename_of.as_deref()).unwrap_or(&field);
        if let Some(ext_field) = fields.extension_field(path_field)
            && let Some(ext) = extension(rest)
        {
            return (FieldName::from(ext_field), Op::Eq, ext);
        }
    }
    (field, Op::Wildcard, value)
}

/// `\name.exe` or `/name` with a literal, separator-free name.
fn last_component(tokens: &[Token]) -> Option<String> {
    let (first, name) = tokens.split_first()?;
    if !matches!(first, Token::Literal('\\' | '/')) || name.is_empty() {
        return None;
    }
    let name = wildcard::literal(name)?;
    (!name.contains(['\\', '/'])).then_some(name)
}

/// `.ext` with a literal extension of letters and digits.
fn extension(tokens: &[Token]) -> Option<String> {
    let (first, ext) = tokens.split_first()?;
    if !matches!(first, Token::Literal('.')) || ext.is_empty() {
        return None;
    }
    let ext = wildcard::literal(ext)?;
    ext.chars().all(|c| c.is_ascii_alphanumeric()).then_some(ext)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FieldDef;

    fn fields() -> FieldTable {
        let def = |name: &str, basename_of: Option<&str>, extension_of: Option<&str>| FieldDef {
            name: name.into(),
            description: String::new(),
            sigma: vec![],
            elastic: vec![],
            splunk: vec![],
            splunk_raw: vec![],
            basename_of: basename_of.map(Into::into),
            extension_of: extension_of.map(Into::into),
        };
        FieldTable::new(vec![
            def("process.executable", None, None),
            def("process.name", Some("process.executable"), None),
            def("file.path", None, None),
            def("file.name", Some("file.path"), None),
            def("file.extension", None, Some("file.path")),
        ])
    }

    fn leaf(field: &str, op: Op, value: &str) -> Leaf {
        Leaf::new(Some(field), op, Some(value.into()), false)
    }

    fn k(field: &str, op: Op, value: &str) -> IndicatorKey {
        IndicatorKey { field: field.into(), op, value: value.into() }
    }

    #[test]
    fn path_endswith_name_meets_name_eq() {
        let f = fields();
        let sigma = leaf("process.executable", Op::Wildcard, r"*\MSHTA.exe");
        let elastic = leaf("process.name", Op::Eq, "mshta.exe");
        assert_eq!(key(&sigma, &f), k("process.name", Op::Eq, "mshta.exe"));
        assert_eq!(key(&sigma, &f), key(&elastic, &f));
        assert_eq!(key(&leaf("process.executable", Op::Wildcard, "*/curl"), &f), k("process.name", Op::Eq, "curl"));
    }

    #[test]
    fn only_exact_last_components_collapse() {
        let f = fields();
        // No separator: `*mshta.exe` also matches `notmshta.exe`.
        assert_eq!(
            key(&leaf("process.executable", Op::Wildcard, "*mshta.exe"), &f),
            k("process.executable", Op::Wildcard, "*mshta.exe")
        );
        // A wildcard inside the name, or a deeper path, stays a pattern.
        assert_eq!(key(&leaf("process.executable", Op::Wildcard, r"*\ms*.exe"), &f).op, Op::Wildcard);
        assert_eq!(key(&leaf("process.executable", Op::Wildcard, r"*\temp\a.exe"), &f).op, Op::Wildcard);
    }

    #[test]
    fn extension_and_literal_patterns() {
        let f = fields();
        assert_eq!(key(&leaf("file.path", Op::Wildcard, "*.LNK"), &f), k("file.extension", Op::Eq, "lnk"));
        assert_eq!(key(&leaf("file.path", Op::Wildcard, r"C:\a\*b"), &f), k("file.path", Op::Eq, r"c:\a*b"));
    }

    #[test]
    fn a_phrase_match_on_a_field_is_contains() {
        let f = fields();
        let kql =
            Leaf::new(Some("powershell.file.script_block_text"), Op::Match, Some("Invoke-Mimikatz".into()), false);
        assert_eq!(key(&kql, &f), k("powershell.file.script_block_text", Op::Wildcard, "*invoke-mimikatz*"));
        let keyword = Leaf::new(None, Op::Match, Some("evil".into()), false);
        assert_eq!(key(&keyword, &f), k("", Op::Match, "evil"));
    }

    #[test]
    fn regex_keeps_its_case() {
        let f = fields();
        assert_eq!(key(&leaf("x", Op::RegexMatch, "[A-Z]+"), &f).value, "[A-Z]+");
        let exists = Leaf::new(Some("x"), Op::Exists, None, false);
        assert_eq!(key(&exists, &f).to_string(), "x exists");
    }

    #[test]
    fn a_name_ending_in_an_extension_is_the_extension() {
        let f = fields();
        // Splunk `file_name=*.lnk` and Sigma `TargetFilename|endswith: '.lnk'`.
        assert_eq!(key(&leaf("file.name", Op::Wildcard, "*.LNK"), &f), k("file.extension", Op::Eq, "lnk"));
        assert_eq!(key(&leaf("file.path", Op::Wildcard, "*.lnk"), &f), k("file.extension", Op::Eq, "lnk"));
        // process.executable has no extension field: the name pattern stays.
        assert_eq!(key(&leaf("process.name", Op::Wildcard, "*.exe"), &f), k("process.name", Op::Wildcard, "*.exe"));
        // Not just an extension: a dot inside the name, or a wildcard in it.
        assert_eq!(key(&leaf("file.name", Op::Wildcard, "*.tar.gz"), &f), k("file.name", Op::Wildcard, "*.tar.gz"));
        assert_eq!(key(&leaf("file.name", Op::Wildcard, "*.d?l"), &f).op, Op::Wildcard);
    }

    #[test]
    fn a_pattern_of_only_stars_is_exists() {
        let f = fields();
        // Sigma `Field: '*'` and KQL `field : *` (which the Elastic front end writes as `exists`).
        assert_eq!(key(&leaf("service.name", Op::Wildcard, "*"), &f), k("service.name", Op::Exists, ""));
        assert_eq!(key(&leaf("service.name", Op::Wildcard, "**"), &f).op, Op::Exists);
        assert_eq!(key(&leaf("service.name", Op::Wildcard, "?*"), &f), k("service.name", Op::Wildcard, "?*"));
        // A literal star is a value.
        assert_eq!(key(&leaf("service.name", Op::Wildcard, r"\*"), &f), k("service.name", Op::Eq, "*"));
    }

    #[test]
    fn registry_hives_are_written_short() {
        let f = fields();
        // The spellings Elastic rules list side by side for one key (Endpoint,
        // SentinelOne and CrowdStrike, Sysmon), and the long name.
        let expected = k("registry.path", Op::Wildcard, r"hklm\software\microsoft\windows\currentversion\run\\*");
        for written in [
            r"\REGISTRY\MACHINE\Software\Microsoft\Windows\CurrentVersion\Run\\*",
            r"MACHINE\Software\Microsoft\Windows\CurrentVersion\Run\\*",
            r"HKEY_LOCAL_MACHINE\Software\Microsoft\Windows\CurrentVersion\Run\\*",
            r"HKLM\Software\Microsoft\Windows\CurrentVersion\Run\\*",
        ] {
            assert_eq!(key(&leaf("registry.path", Op::Wildcard, written), &f), expected, "{written}");
        }
        // An escape right after the hive survives the rewrite.
        assert_eq!(
            key(&leaf("registry.path", Op::Wildcard, r"HKEY_USERS\\*\Environment\UserInitMprLogonScript"), &f),
            k("registry.path", Op::Wildcard, r"hku\\*\environment\userinitmprlogonscript")
        );
        assert_eq!(
            key(&leaf("registry.path", Op::Wildcard, r"\REGISTRY\USER\\*\Software"), &f).value,
            r"hku\\*\software"
        );
        assert_eq!(
            key(&leaf("registry.path", Op::Eq, r"\REGISTRY\MACHINE\SYSTEM\CurrentControlSet\Control\Lsa\RunAsPPL"), &f),
            k("registry.path", Op::Eq, r"hklm\system\currentcontrolset\control\lsa\runasppl")
        );
        assert_eq!(
            key(&leaf("registry.path", Op::Eq, r"HKEY_CLASSES_ROOT\ms-settings"), &f).value,
            r"hkcr\ms-settings"
        );
        // HKCU is not HKU; its long name still becomes its short one.
        assert_eq!(key(&leaf("registry.path", Op::Eq, r"HKEY_CURRENT_USER\Software"), &f).value, r"hkcu\software");
        assert_eq!(key(&leaf("registry.path", Op::Eq, r"HKCU\Software"), &f).value, r"hkcu\software");
        // Only at the start, and only in registry paths: `*\REGISTRY\MACHINE\…`
        // is a different pattern, and a command line holds what was typed.
        assert_eq!(
            key(&leaf("registry.path", Op::Wildcard, r"*\REGISTRY\MACHINE\SAM"), &f).value,
            r"*\registry\machine\sam"
        );
        assert_eq!(
            key(&leaf("process.command_line", Op::Eq, r"HKEY_LOCAL_MACHINE\SAM"), &f).value,
            r"hkey_local_machine\sam"
        );
        assert_eq!(key(&leaf("registry.path", Op::Eq, r"MachineGuid"), &f).value, "machineguid");
    }

    #[test]
    fn sysmon_dword_data_is_the_hex_number() {
        let f = fields();
        // Sigma `Details: 'DWORD (0x00000001)'` and Splunk `registry_value_data="0x00000001"`.
        assert_eq!(
            key(&leaf("registry.data.strings", Op::Eq, "DWORD (0x00000001)"), &f),
            k("registry.data.strings", Op::Eq, "0x00000001")
        );
        assert_eq!(key(&leaf("registry.data.strings", Op::Eq, "DWORD (0x0000000A)"), &f).value, "0x0000000a");
        // Patterns, other spellings and other fields are left alone.
        assert_eq!(
            key(&leaf("registry.data.strings", Op::Wildcard, "*DWORD (0x00000001)*"), &f).value,
            "*dword (0x00000001)*"
        );
        assert_eq!(key(&leaf("registry.data.strings", Op::Eq, "DWORD (0x1)"), &f).value, "dword (0x1)");
        assert_eq!(
            key(&leaf("registry.data.strings", Op::Eq, "QWORD (0x00000000-0x00000001)"), &f).value,
            "qword (0x00000000-0x00000001)"
        );
        assert_eq!(key(&leaf("process.command_line", Op::Eq, "DWORD (0x00000001)"), &f).value, "dword (0x00000001)");
    }

    #[test]
    fn a_block_of_one_address_is_the_address() {
        let f = fields();
        assert_eq!(key(&leaf("destination.ip", Op::Cidr, "::1"), &f), k("destination.ip", Op::Eq, "::1"));
        assert_eq!(key(&leaf("destination.ip", Op::Cidr, "::1/128"), &f), k("destination.ip", Op::Eq, "::1"));
        assert_eq!(key(&leaf("source.ip", Op::Cidr, "192.0.0.8/32"), &f), k("source.ip", Op::Eq, "192.0.0.8"));
        assert_eq!(key(&leaf("source.ip", Op::Cidr, "10.0.0.0/8"), &f), k("source.ip", Op::Cidr, "10.0.0.0/8"));
        // A v4 address with a v6 length, or a placeholder, is not one address.
        assert_eq!(key(&leaf("source.ip", Op::Cidr, "10.0.0.1/128"), &f).op, Op::Cidr);
        assert_eq!(key(&leaf("source.ip", Op::Cidr, "%internal_ips%"), &f).op, Op::Cidr);
    }
}
