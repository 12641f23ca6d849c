//! Parse errors: what is wrong, where (file label, JSON path, line and column) and, when known, a fix.

use std::fmt;

/// A 1-based line and column (columns count characters). `line == 0` means unknown (the policy came from a
/// `serde_json::Value`, which has no positions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column in characters, 0 when unknown.
    pub column: u32,
}

impl Span {
    /// No position known.
    pub const UNKNOWN: Span = Span { line: 0, column: 0 };

    /// Whether the position is known.
    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}

/// Why a policy could not be parsed. Display: `error text (file:line:col: Json.Path)` pieces as known, e.g.
/// ``unknown action `s3:GetObjcet` (policy.json:7:9: Statement[0].Action[1]): did you mean `s3:GetObject`?``
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file label the caller supplied ([`crate::ParseOptions::file`]), if any.
    pub file: Option<String>,
    /// JSON path of the offending element, e.g. `Statement[2].Action[3]`; empty for the document itself.
    pub path: String,
    /// Where the offending element starts.
    pub span: Span,
    /// What is wrong (lowercase, user values in backticks).
    pub message: String,
    /// A fix, e.g. ``did you mean `s3:GetObject`?``.
    pub help: Option<String>,
}

impl ParseError {
    pub(crate) fn new(path: String, span: Span, message: impl Into<String>) -> Self {
        ParseError {
            file: None,
            path,
            span,
            message: message.into(),
            help: None,
        }
    }

    /// `file:line:col` (the parts that are known), e.g. `policy.json:3:17`.
    pub fn location(&self) -> String {
        let mut out = self.file.clone().unwrap_or_default();
        if self.span.is_known() {
            if !out.is_empty() {
                out.push(':');
            }
            out.push_str(&format!("{}:{}", self.span.line, self.span.column));
        }
        out
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        let loc = self.location();
        match (loc.is_empty(), self.path.is_empty()) {
            (true, true) => {}
            (false, true) => write!(f, " ({loc})")?,
            (true, false) => write!(f, " (at {})", self.path)?,
            (false, false) => write!(f, " ({loc}: {})", self.path)?,
        }
        if let Some(help) = &self.help {
            write!(f, ": {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}
