//! Strings from logs and policies are data: before they reach the terminal, every character a terminal could
//! interpret (C0 and C1 controls, DEL, escape sequences, bidirectional overrides) is replaced by a visible
//! escape, so a crafted event or policy cannot move the cursor, change colours, set the window title or
//! reorder text.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach the terminal as itself.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            // bidirectional embeddings, overrides and isolates
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
            // line and paragraph separators, zero-width characters and the byte order mark
            | '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200D}' | '\u{FEFF}'
        )
}

/// The text with every unsafe character replaced by a visible escape: `\n`, `\t`, `\r`, `\x1b` (ESC and the
/// other C0 controls, DEL), `\u{9b}` (C1 controls, bidirectional and zero-width characters). Borrowed when
/// nothing needed replacing.
///
/// ```
/// use pare_tui::sanitize::sanitize;
/// assert_eq!(sanitize("\u{1b}[2Jrole/x"), "\\x1b[2Jrole/x");
/// assert_eq!(sanitize("plain"), "plain");
/// ```
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// [`sanitize`] applied to each line of a multi-line text (the line breaks are kept as lines).
pub fn sanitize_lines(text: &str) -> Vec<String> {
    text.lines().map(|l| sanitize(l).into_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_escape_sequences_and_controls() {
        // CSI clear screen, OSC set title terminated by BEL, cursor movement, C1 CSI, DEL, NUL.
        let hostile = "a\u{1b}[2J\u{1b}]0;pwned\u{7}b\u{1b}[10;10H\u{9b}31m\u{7f}\u{0}c";
        let s = sanitize(hostile);
        assert_eq!(s, "a\\x1b[2J\\x1b]0;pwned\\x07b\\x1b[10;10H\\u{9b}31m\\x7f\\x00c");
        assert!(!s.chars().any(|c| c.is_control()));
    }

    #[test]
    fn neutralises_line_breaks_tabs_and_bidi() {
        assert_eq!(sanitize("x\ny\tz\r"), "x\\ny\\tz\\r");
        assert_eq!(sanitize("evil\u{202E}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(sanitize("a\u{2066}b\u{200B}"), "a\\u{2066}b\\u{200b}");
    }

    #[test]
    fn keeps_ordinary_text_borrowed() {
        let arn = "arn:aws:iam::111122223333:role/reports-app — ünïcode";
        assert!(matches!(sanitize(arn), Cow::Borrowed(_)));
    }

    #[test]
    fn lines_are_sanitised_one_by_one() {
        assert_eq!(
            sanitize_lines("{\n  \"k\": \"\u{1b}[31m\"\n}"),
            ["{", "  \"k\": \"\\x1b[31m\"", "}"]
        );
    }
}
