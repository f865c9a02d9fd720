//! The shareable form of a check: `v1.<kind>.<data>`, the text of the rule
//! deflated and written in URL-safe base64, after the `#` of a `/check` link.
//! A fragment never leaves the browser (it is not sent with requests), so a
//! link carries a draft to a colleague without any server seeing it.

use atlas_catalog::check::InputKind;
use atlas_frontend::limits::MAX_FILE_BYTES;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The version prefix; another prefix is a link this checker cannot read.
const VERSION: &str = "v1";
/// Longest fragment written, in characters: longer links are cut by chat
/// tools and mail clients, and a rule that long is better shared as a file.
pub const MAX_FRAGMENT_CHARS: usize = 64 * 1024;
/// How hard to compress: the best ratio, still well under a millisecond
/// for a rule.
const LEVEL: u8 = 9;

/// Why a fragment cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FragmentError {
    #[error("the link is not a checker link (it does not start with `{VERSION}.`)")]
    Version,
    #[error("the link names an unknown language `{0}`")]
    Kind(String),
    #[error("the link is damaged: {0}")]
    Base64(String),
    #[error("the link is damaged: the compressed text is cut short or corrupt ({0})")]
    Inflate(String),
    #[error("the link holds more than {MAX_FILE_BYTES} bytes of text, more than the checker reads")]
    TooLarge,
    #[error("the link is damaged: the text is not UTF-8")]
    Utf8,
}

/// The fragment of a text read as `kind`; `None` when it would be longer
/// than [`MAX_FRAGMENT_CHARS`].
pub fn encode(kind: InputKind, text: &str) -> Option<String> {
    let deflated = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), LEVEL);
    // base64 writes 4 characters per 3 bytes.
    if deflated.len().div_ceil(3) * 4 > MAX_FRAGMENT_CHARS {
        return None;
    }
    Some(format!("{VERSION}.{}.{}", kind.as_str(), URL_SAFE_NO_PAD.encode(deflated)))
}

/// The kind and text of a fragment (with or without its `#`).
pub fn decode(fragment: &str) -> Result<(InputKind, String), FragmentError> {
    let fragment = fragment.trim().trim_start_matches('#');
    let rest = fragment.strip_prefix(VERSION).and_then(|r| r.strip_prefix('.')).ok_or(FragmentError::Version)?;
    let (kind, data) = rest.split_once('.').ok_or(FragmentError::Version)?;
    let kind = InputKind::parse(kind).ok_or_else(|| FragmentError::Kind(shorten(kind)))?;
    let deflated = URL_SAFE_NO_PAD.decode(data).map_err(|e| FragmentError::Base64(e.to_string()))?;
    // Bounded, so a small link cannot unpack into gigabytes.
    let bytes =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_FILE_BYTES).map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => FragmentError::TooLarge,
            _ => FragmentError::Inflate(e.to_string()),
        })?;
    let text = String::from_utf8(bytes).map_err(|_| FragmentError::Utf8)?;
    Ok((kind, text))
}

/// A name from a link, cut for a message.
fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip() {
        for text in ["", "title: x\n", "process.name : \"mshta.exe\"", "ünïcödé — \u{1F600}\r\n\t"] {
            let fragment = encode(InputKind::Kql, text).expect("short");
            assert!(fragment.starts_with("v1.kql."), "{fragment}");
            assert!(fragment.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')));
            assert_eq!(decode(&fragment), Ok((InputKind::Kql, text.to_owned())));
            assert_eq!(decode(&format!("#{fragment}")), Ok((InputKind::Kql, text.to_owned())));
        }
        // A 200-line rule is a short link.
        let rule = "detection:\n  selection:\n    Image|endswith: '\\mshta.exe'\n".repeat(66);
        assert!(encode(InputKind::Sigma, &rule).expect("fits").len() < 1_000);
    }

    #[test]
    fn damaged_links_say_what_is_wrong() {
        assert_eq!(decode("v2.kql.abc"), Err(FragmentError::Version));
        assert_eq!(decode("/technique/T1204"), Err(FragmentError::Version));
        assert_eq!(decode("v1.cobol.abc"), Err(FragmentError::Kind("cobol".into())));
        assert!(matches!(decode("v1.kql.a*b"), Err(FragmentError::Base64(_))));
        let good = encode(InputKind::Spl, &"index=main ".repeat(50)).expect("short");
        // Cut by whole base64 quads, so that the base64 still reads.
        let cut = &good[..good.len() - 8];
        assert!(matches!(decode(cut), Err(FragmentError::Inflate(_))), "{:?}", decode(cut));
        let not_utf8 =
            format!("v1.kql.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&[0xff, 0xfe], 9)));
        assert_eq!(decode(&not_utf8), Err(FragmentError::Utf8));
    }

    #[test]
    fn a_small_link_cannot_unpack_into_a_huge_text() {
        let bomb = "a".repeat(MAX_FILE_BYTES + 1);
        let fragment =
            format!("v1.kql.{}", URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(bomb.as_bytes(), 9)));
        assert!(fragment.len() < 10_000);
        assert_eq!(decode(&fragment), Err(FragmentError::TooLarge));
        // Text that does not compress well is not written into a link.
        let mut state = 0x2545_f491_u32;
        let noise: String = (0..200_000)
            .map(|_| {
                // xorshift32: no pattern for deflate to find.
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                char::from(b'!' + (state % 90) as u8)
            })
            .collect();
        assert_eq!(encode(InputKind::Kql, &noise), None);
    }
}
