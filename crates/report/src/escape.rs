//! Neutralising text taken from logs and policies before it reaches a browser, a Markdown viewer, a
//! spreadsheet or a terminal. Nothing an attacker can put in a `userAgent`, a resource name or a principal
//! ARN may run where the report is read.

/// Replaces control characters (ANSI escapes included: ESC is a control character) with `U+FFFD`-free,
/// visible `\u{..}` notation, so a planted escape sequence is shown, never interpreted.
pub fn inert(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// HTML text and attribute escaping (after [`inert`]).
pub fn html(s: &str) -> String {
    let s = inert(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Markdown inline text: Markdown and HTML metacharacters escaped, newlines folded (after [`inert`]).
pub fn markdown(s: &str) -> String {
    let s = inert(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A CSV field (RFC 4180), with spreadsheet formula injection defused: a field starting with `=`, `+`,
/// `-`, `@` or a tab is prefixed with `'` (OWASP's recommendation), after [`inert`].
pub fn csv_field(s: &str) -> String {
    let s = inert(s);
    let defused = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.into_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_neutralises_escapes() {
        let s = html("<script>alert('x')</script>\u{1b}[31mred\u{7}");
        assert!(!s.contains('<') && !s.contains('\u{1b}') && !s.contains('\u{7}'));
        assert!(s.contains("&lt;script&gt;") && s.contains("\\u{1b}[31m"));
    }

    #[test]
    fn markdown_escapes_links_and_html() {
        let s = markdown("[click](http://x) <img src=x onerror=alert(1)> a|b");
        assert!(s.contains("\\[click\\]") && s.contains("&lt;img") && s.contains("a\\|b"));
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("\u{1b}[2J"), "\\u{1b}[2J");
    }

    #[test]
    fn bidi_overrides_are_shown() {
        assert_eq!(inert("a\u{202e}b"), "a\\u{202e}b");
    }
}
