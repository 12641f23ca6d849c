//! A small JSON scanner that keeps the line and column of every value and object key.
//!
//! serde_json does not expose positions of nested values, and policy errors must point at the exact element
//! (`Statement[2].Action[3]` at `3:17`), so the parser reads the text itself into [`JsonValue`]s that carry
//! their [`Span`]. Object members keep their order and duplicates (AWS keeps the last duplicate key for most
//! elements; the policy parser reports duplicates itself).

use crate::error::Span;

/// Nesting deeper than this is refused (no policy is this deep; it keeps the scanner from overflowing the stack).
pub(crate) const MAX_DEPTH: usize = 64;

/// One JSON value with the position where it starts.
#[derive(Debug, Clone)]
pub(crate) struct JsonValue {
    pub span: Span,
    pub kind: JsonKind,
}

/// The JSON value itself. Numbers keep their text so printing gives them back unchanged.
#[derive(Debug, Clone)]
pub(crate) enum JsonKind {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<JsonValue>),
    Object(Vec<(String, Span, JsonValue)>),
}

impl JsonKind {
    /// A short name for error messages ("a string", "an array").
    pub fn describe(&self) -> &'static str {
        match self {
            JsonKind::Null => "null",
            JsonKind::Bool(_) => "a boolean",
            JsonKind::Number(_) => "a number",
            JsonKind::String(_) => "a string",
            JsonKind::Array(_) => "an array",
            JsonKind::Object(_) => "an object",
        }
    }
}

/// A JSON syntax error at a position.
#[derive(Debug, Clone)]
pub(crate) struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// Parses a whole JSON text (one value, surrounded by optional whitespace; a leading BOM is skipped).
pub(crate) fn parse(text: &str) -> Result<JsonValue, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut s = Scanner {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        line: 1,
        col: 1,
    };
    s.skip_ws();
    let v = s.value(0)?;
    s.skip_ws();
    if s.pos < s.bytes.len() {
        return Err(s.err("unexpected text after the JSON value"));
    }
    Ok(v)
}

/// Converts a serde_json value (no positions) into the scanner's tree, with unknown spans.
pub(crate) fn from_serde(v: &serde_json::Value) -> JsonValue {
    let kind = match v {
        serde_json::Value::Null => JsonKind::Null,
        serde_json::Value::Bool(b) => JsonKind::Bool(*b),
        serde_json::Value::Number(n) => JsonKind::Number(n.to_string()),
        serde_json::Value::String(s) => JsonKind::String(s.clone()),
        serde_json::Value::Array(a) => JsonKind::Array(a.iter().map(from_serde).collect()),
        serde_json::Value::Object(o) => JsonKind::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), Span::UNKNOWN, from_serde(v)))
                .collect(),
        ),
    };
    JsonValue {
        span: Span::UNKNOWN,
        kind,
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    line: u32,
    col: u32,
}

impl Scanner<'_> {
    fn span(&self) -> Span {
        Span {
            line: self.line,
            column: self.col,
        }
    }

    fn err(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            span: self.span(),
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Advances over one character (a whole UTF-8 sequence), keeping line and column.
    fn bump(&mut self) {
        let Some(b) = self.peek() else { return };
        if b == b'\n' {
            self.line += 1;
            self.col = 1;
            self.pos += 1;
            return;
        }
        let len = match b {
            0x00..=0x7f => 1,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 4,
        };
        self.pos = (self.pos + len).min(self.bytes.len());
        self.col += 1;
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.peek() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                self.bump();
            } else {
                break;
            }
        }
    }

    fn expect_byte(&mut self, want: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(want) {
            self.bump();
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn unexpected(&self, what: &str) -> SyntaxError {
        match self.text.get(self.pos..).and_then(|r| r.chars().next()) {
            None => self.err(format!("unexpected end of input, expected {what}")),
            Some(c) => self.err(format!("unexpected `{}`, expected {what}", c.escape_debug())),
        }
    }

    fn value(&mut self, depth: usize) -> Result<JsonValue, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.err(format!("JSON nested deeper than {MAX_DEPTH} levels")));
        }
        let span = self.span();
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b't') => self.keyword("true", JsonKind::Bool(true))?,
            Some(b'f') => self.keyword("false", JsonKind::Bool(false))?,
            Some(b'n') => self.keyword("null", JsonKind::Null)?,
            Some(b'-' | b'0'..=b'9') => JsonKind::Number(self.number()?),
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(JsonValue { span, kind })
    }

    fn keyword(&mut self, word: &str, kind: JsonKind) -> Result<JsonKind, SyntaxError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            for _ in 0..word.len() {
                self.bump();
            }
            Ok(kind)
        } else {
            Err(self.unexpected("a JSON value"))
        }
    }

    fn number(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        match self.peek() {
            Some(b'0') => self.bump(),
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.bump();
                }
            }
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.bump();
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.bump();
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("a digit"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.bump();
            }
        }
        Ok(self.text.get(start..self.pos).unwrap_or_default().to_string())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(b @ b'0'..=b'9') => u32::from(b - b'0'),
                Some(b @ b'a'..=b'f') => u32::from(b - b'a' + 10),
                Some(b @ b'A'..=b'F') => u32::from(b - b'A' + 10),
                _ => return Err(self.unexpected("a hexadecimal digit")),
            };
            n = n * 16 + d;
            self.bump();
        }
        Ok(n)
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.expect_byte(b'"', "`\"`")?;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.bump();
            }
            out.push_str(self.text.get(run_start..self.pos).unwrap_or_default());
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.bump();
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.bump();
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.bump();
                            let hi = self.hex4()?;
                            let code = if (0xd800..0xdc00).contains(&hi) {
                                if self.peek() != Some(b'\\') {
                                    return Err(self.err("unpaired surrogate in `\\u` escape"));
                                }
                                self.bump();
                                if self.peek() != Some(b'u') {
                                    return Err(self.err("unpaired surrogate in `\\u` escape"));
                                }
                                self.bump();
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(self.err("unpaired surrogate in `\\u` escape"));
                                }
                                0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
                            } else {
                                hi
                            };
                            match char::from_u32(code) {
                                Some(c) => out.push(c),
                                None => return Err(self.err("invalid `\\u` escape")),
                            }
                            continue;
                        }
                        _ => return Err(self.unexpected("an escape character")),
                    };
                    self.bump();
                    out.push(c);
                }
                Some(_) => return Err(self.err("control character in string")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonKind, SyntaxError> {
        self.bump();
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(JsonKind::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b']') => {
                    self.bump();
                    return Ok(JsonKind::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonKind, SyntaxError> {
        self.bump();
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(JsonKind::Object(members));
        }
        loop {
            self.skip_ws();
            let key_span = self.span();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key = self.string()?;
            self.skip_ws();
            self.expect_byte(b':', "`:`")?;
            self.skip_ws();
            let v = self.value(depth + 1)?;
            members.push((key, key_span, v));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.bump(),
                Some(b'}') => {
                    self.bump();
                    return Ok(JsonKind::Object(members));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_lines_and_columns() {
        let v = parse("{\n  \"a\": [1, \"é\", true]\n}").unwrap();
        let JsonKind::Object(m) = v.kind else { panic!() };
        assert_eq!(m[0].1, Span { line: 2, column: 3 });
        let JsonKind::Array(items) = &m[0].2.kind else {
            panic!()
        };
        assert_eq!(items[1].span.column, 12);
        assert_eq!(items[2].span.column, 17);
    }

    #[test]
    fn errors_point_at_the_problem() {
        let e = parse("{\"a\": [1,, 2]}").unwrap_err();
        assert_eq!((e.span.line, e.span.column), (1, 10));
        assert!(parse("[").is_err());
        assert!(parse("\"\\ud800\"").is_err());
        assert_eq!(
            match parse("\"\\ud83d\\ude00\"").unwrap().kind {
                JsonKind::String(s) => s,
                _ => String::new(),
            },
            "😀"
        );
        assert!(parse(&"[".repeat(100)).is_err());
    }
}
