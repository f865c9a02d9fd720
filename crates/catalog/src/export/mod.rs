//! What the app lets people take away, made in the browser: CSV of every
//! table it shows ([`csv`]) and an ATT&CK Navigator layer of the coverage
//! matrix as filtered ([`navigator`]). Both are built here, from the same
//! aggregate results the views render, so a file says what the page says.

pub mod csv;
mod json;
pub mod navigator;

/// A file name for a download: `rule-atlas-` and the parts, lower case,
/// every run of anything but ASCII letters and digits one dash, cut to a
/// length every file system takes. Parts come from URLs and catalog data
/// (a technique id, an event id), so nothing of them may name a path.
pub fn file_name(parts: &[&str], extension: &str) -> String {
    let mut out = String::from("rule-atlas");
    for c in parts.iter().flat_map(|p| std::iter::once('-').chain(p.chars())) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out: String = out.chars().take(120).collect();
    while out.ends_with('-') {
        out.pop();
    }
    format!("{out}.{extension}")
}

/// Percent-encodes all but RFC 3986's unreserved characters, so an id is
/// one path segment of a link.
pub fn encode(text: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{encode, file_name};

    #[test]
    fn ids_are_one_path_segment() {
        assert_eq!(encode("T1204.002"), "T1204.002");
        assert_eq!(encode("a/b c%"), "a%2Fb%20c%25");
    }

    #[test]
    fn file_names_are_plain() {
        assert_eq!(file_name(&["T1204", "indicators"], "csv"), "rule-atlas-t1204-indicators.csv");
        assert_eq!(
            file_name(&["m365:Consent to application.", "fields"], "csv"),
            "rule-atlas-m365-consent-to-application-fields.csv"
        );
        assert_eq!(file_name(&["../../etc/passwd"], "csv"), "rule-atlas-etc-passwd.csv");
        assert_eq!(file_name(&[], "json"), "rule-atlas.json");
        assert_eq!(file_name(&["Ünïcode  ?*", ""], "csv"), "rule-atlas-n-code.csv");
        let long = "x".repeat(10_000);
        assert_eq!(file_name(&[&long], "csv").len(), 124);
    }
}
