//! ATT&CK descriptions are a little Markdown (`[name](url)` links, `* `
//! lists) with stray HTML (`<code>`, `<b>`, `<br>`). This turns them into
//! blocks of typed spans the app renders as text nodes, so no description is
//! ever parsed as HTML, and links to other techniques stay inside the app.

/// A run of description text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Text(String),
    Code(String),
    /// A link to another ATT&CK technique (`T1566` or `T1566.001`).
    Technique {
        text: String,
        id: String,
    },
    /// Any other link.
    Link {
        text: String,
        url: String,
    },
}

/// A paragraph or a bulleted list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Span>),
    List(Vec<Vec<Span>>),
}

/// Splits a description into paragraphs and lists of spans.
pub fn description_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<Vec<Span>> = Vec::new();
    for line in text.lines().map(str::trim) {
        let bullet = line.strip_prefix("* ").or_else(|| line.strip_prefix("- "));
        if bullet.is_some() || line.is_empty() {
            flush_paragraph(&mut paragraph, &mut blocks);
        }
        if bullet.is_none() && !items.is_empty() {
            blocks.push(Block::List(std::mem::take(&mut items)));
        }
        match bullet {
            Some(item) => items.push(spans(item)),
            None if !line.is_empty() => paragraph.push(line),
            None => {}
        }
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    if !items.is_empty() {
        blocks.push(Block::List(items));
    }
    blocks
}

fn flush_paragraph(lines: &mut Vec<&str>, blocks: &mut Vec<Block>) {
    if !lines.is_empty() {
        blocks.push(Block::Paragraph(spans(&lines.join(" "))));
        lines.clear();
    }
}

/// Tags dropped without a trace (formatting only).
const DROPPED_TAGS: [&str; 4] = ["<b>", "</b>", "<i>", "</i>"];

/// Reads the inline markup of one paragraph or list item.
fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(tag) = DROPPED_TAGS.iter().find(|t| rest.starts_with(**t)) {
            rest = &rest[tag.len()..];
        } else if let Some(after) = rest.strip_prefix("<br>").or_else(|| rest.strip_prefix("<br/>")) {
            plain.push(' ');
            rest = after;
        } else if let Some((code, after)) = rest.strip_prefix("<code>").and_then(|r| r.split_once("</code>")) {
            push_plain(&mut out, &mut plain);
            out.push(Span::Code(code.to_owned()));
            rest = after;
        } else if let Some((link, after)) = link(rest) {
            push_plain(&mut out, &mut plain);
            out.push(link);
            rest = after;
        } else {
            plain.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    push_plain(&mut out, &mut plain);
    out
}

fn push_plain(out: &mut Vec<Span>, plain: &mut String) {
    if !plain.is_empty() {
        out.push(Span::Text(std::mem::take(plain)));
    }
}

/// `[text](url)` at the start of `rest`, and what follows it.
fn link(rest: &str) -> Option<(Span, &str)> {
    let inner = rest.strip_prefix('[')?;
    let (text, after) = inner.split_once("](")?;
    let (url, after) = after.split_once(')')?;
    if text.contains('[') || url.contains(char::is_whitespace) {
        return None;
    }
    let span = match technique_id(url) {
        Some(id) => Span::Technique { text: text.to_owned(), id },
        None => Span::Link { text: text.to_owned(), url: url.to_owned() },
    };
    Some((span, after))
}

/// `T1566.001` from `https://attack.mitre.org/techniques/T1566/001`.
fn technique_id(url: &str) -> Option<String> {
    let path = url.split_once("attack.mitre.org/techniques/")?.1.trim_end_matches('/');
    let mut parts = path.split('/');
    let id = parts.next().filter(|p| p.starts_with('T') && p[1..].chars().all(|c| c.is_ascii_digit()))?;
    match (parts.next(), parts.next()) {
        (None, _) => Some(id.to_owned()),
        (Some(sub), None) if sub.chars().all(|c| c.is_ascii_digit()) => Some(format!("{id}.{sub}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Span {
        Span::Text(s.into())
    }

    #[test]
    fn links_to_techniques_stay_in_the_app() {
        let blocks = description_blocks(
            "From [Phishing](https://attack.mitre.org/techniques/T1566).\n\nSee [Mshta](https://attack.mitre.org/techniques/T1218/005) and [docs](https://example.com/x).",
        );
        assert_eq!(
            blocks,
            [
                Block::Paragraph(vec![
                    text("From "),
                    Span::Technique { text: "Phishing".into(), id: "T1566".into() },
                    text(".")
                ]),
                Block::Paragraph(vec![
                    text("See "),
                    Span::Technique { text: "Mshta".into(), id: "T1218.005".into() },
                    text(" and "),
                    Span::Link { text: "docs".into(), url: "https://example.com/x".into() },
                    text("."),
                ]),
            ]
        );
    }

    #[test]
    fn lists_code_and_stray_tags() {
        let blocks = description_blocks("Such as:\n\n* run <code>mshta.exe</code>\n* <b>bold</b> <script>\nAfter.");
        assert_eq!(
            blocks,
            [
                Block::Paragraph(vec![text("Such as:")]),
                Block::List(vec![vec![text("run "), Span::Code("mshta.exe".into())], vec![text("bold <script>")]]),
                Block::Paragraph(vec![text("After.")]),
            ]
        );
    }

    #[test]
    fn unbalanced_markup_is_text() {
        assert_eq!(description_blocks("a [b](c d) <code>x"), [Block::Paragraph(vec![text("a [b](c d) <code>x")])]);
    }
}
