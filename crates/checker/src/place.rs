//! Where a diagnostic points in the checked text, for the app to show and
//! select it: the offset an editor counts (UTF-16 code units) and the line
//! with a caret under the column.

/// Characters of a long line shown on either side of a diagnostic's column.
const EXCERPT_CHARS: usize = 60;

/// The line a diagnostic points into, cut around its column when long, and
/// a caret under the column (tabs kept, so the caret lines up).
pub fn excerpt(text: &str, line: u32, column: Option<u32>) -> Option<String> {
    let content = text.lines().nth((line as usize).checked_sub(1)?)?;
    let chars: Vec<char> = content.chars().collect();
    let at = column.map_or(0, |c| (c as usize).saturating_sub(1)).min(chars.len());
    let start = at.saturating_sub(EXCERPT_CHARS);
    let end = (at + EXCERPT_CHARS).min(chars.len());
    let lead = if start > 0 { "…" } else { "" };
    let mut out: String = lead.to_owned();
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    if column.is_some() {
        out.push('\n');
        out.push_str(&" ".repeat(lead.chars().count()));
        out.extend(chars[start..at].iter().map(|&c| if c == '\t' { '\t' } else { ' ' }));
        out.push('^');
    }
    Some(out)
}

/// The editor's offset (UTF-16 code units) of a 1-based line and column
/// (in characters).
pub fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset = 0usize;
    for (i, content) in text.split('\n').enumerate() {
        if i + 1 == line as usize {
            offset += content.chars().take((column as usize).saturating_sub(1)).map(char::len_utf16).sum::<usize>();
            break;
        }
        offset += content.encode_utf16().count() + 1;
    }
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_point_at_the_column() {
        let text = "title: x\n\tdetection: (a\nlast";
        assert_eq!(excerpt(text, 2, Some(14)).as_deref(), Some("\tdetection: (a\n\t            ^"));
        assert_eq!(excerpt(text, 3, None).as_deref(), Some("last"));
        assert_eq!(excerpt(text, 9, Some(1)), None);
        assert_eq!(excerpt(text, 0, Some(1)), None);
        let long = format!("{}X{}", "a".repeat(100), "b".repeat(100));
        let cut = excerpt(&long, 1, Some(101)).unwrap();
        let (shown, caret) = cut.split_once('\n').unwrap();
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(caret.chars().count(), shown.chars().position(|c| c == 'X').unwrap() + 1);
    }

    #[test]
    fn editor_offsets_count_utf16_units() {
        let text = "ab\n😀cd\nx";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 2, 1), 3);
        // The emoji is two UTF-16 units.
        assert_eq!(utf16_offset(text, 2, 3), 6);
        assert_eq!(utf16_offset(text, 3, 1), 8);
    }
}
