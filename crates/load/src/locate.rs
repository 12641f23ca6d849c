//! JSON paths (`$.RoleDetailList[3].RolePolicyList[0].PolicyDocument`) and finding where one starts in a
//! JSON text, so errors about embedded documents can name a line and column.

use std::fmt;

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Seg {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// A path from the root of a file to a value inside it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct JsonPath(pub Vec<Seg>);

impl JsonPath {
    /// The root (`$`).
    pub fn root() -> Self {
        JsonPath(Vec::new())
    }

    /// This path plus an object member.
    pub fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        JsonPath(v)
    }

    /// This path plus an array index.
    pub fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        JsonPath(v)
    }

    /// This path followed by a relative path as `pare_policy` prints it (`Statement[2].Action[3]`,
    /// `Condition.StringEquals["aws:SourceIp"]`).
    pub fn join_relative(&self, rel: &str) -> Self {
        let mut out = self.clone();
        let b = rel.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b.get(i) {
                Some(b'.') => i += 1,
                Some(b'[') => {
                    let rest = rel.get(i + 1..).unwrap_or("");
                    let Some(end) = rest.find(']') else { break };
                    let inner = rest.get(..end).unwrap_or("");
                    if let Ok(n) = inner.parse::<usize>() {
                        out.0.push(Seg::Index(n));
                    } else {
                        let k = inner.trim_matches(|c| c == '"' || c == '\'');
                        out.0.push(Seg::Key(k.to_string()));
                    }
                    i += end + 2;
                }
                Some(_) => {
                    let rest = rel.get(i..).unwrap_or("");
                    let end = rest.find(['.', '[']).unwrap_or(rest.len());
                    out.0.push(Seg::Key(rest.get(..end).unwrap_or("").to_string()));
                    i += end;
                }
                None => break,
            }
        }
        out
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for s in &self.0 {
            match s {
                Seg::Index(i) => write!(f, "[{i}]")?,
                Seg::Key(k)
                    if !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
                {
                    write!(f, ".{k}")?
                }
                Seg::Key(k) => write!(f, "[{}]", serde_json::Value::String(k.clone()))?,
            }
        }
        Ok(())
    }
}

/// The 1-based line and column (in characters) where the value at `path` starts in the JSON `text`, if the
/// text is JSON and the path exists.
pub(crate) fn locate(text: &str, path: &JsonPath) -> Option<(usize, usize)> {
    let mut s = Walker {
        b: text.as_bytes(),
        pos: 0,
    };
    s.ws();
    let pos = s.find(&path.0, 0)?;
    Some(line_col(text, pos))
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = text.get(..pos).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

struct Walker<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Walker<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.pos += 1;
        }
        if self.b.get(self.pos..self.pos + 3) == Some(&[0xef, 0xbb, 0xbf]) {
            self.pos += 3;
            self.ws();
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    /// Walks to the value at `path` starting at the current value; returns its byte offset.
    fn find(&mut self, path: &[Seg], depth: usize) -> Option<usize> {
        if depth > 512 {
            return None;
        }
        self.ws();
        let Some((first, rest)) = path.split_first() else {
            return Some(self.pos);
        };
        match (first, self.peek()?) {
            (Seg::Key(k), b'{') => {
                self.pos += 1;
                let mut found = None;
                loop {
                    self.ws();
                    if self.peek()? == b'}' {
                        return found;
                    }
                    let key = self.string()?;
                    self.eat(b':')?;
                    self.ws();
                    if &key == k {
                        // Duplicate keys: the last one wins, as serde_json does.
                        let save = self.pos;
                        found = self.find(rest, depth + 1);
                        self.pos = save;
                    }
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        b'}' => return found,
                        _ => return None,
                    }
                }
            }
            (Seg::Index(n), b'[') => {
                self.pos += 1;
                let mut i = 0;
                loop {
                    self.ws();
                    if self.peek()? == b']' {
                        return None;
                    }
                    if i == *n {
                        return self.find(rest, depth + 1);
                    }
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        _ => return None,
                    }
                    i += 1;
                }
            }
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        let start = self.pos;
        if self.peek()? != b'"' {
            return None;
        }
        self.pos += 1;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    let raw = std::str::from_utf8(self.b.get(start..self.pos)?).ok()?;
                    return serde_json::from_str(raw).ok();
                }
                _ => self.pos += 1,
            }
        }
    }

    fn skip(&mut self, depth: usize) -> Option<()> {
        if depth > 512 {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.ws();
                    if self.peek()? == close {
                        self.pos += 1;
                        return Some(());
                    }
                    if open == b'{' {
                        self.string()?;
                        self.eat(b':')?;
                    }
                    self.skip(depth + 1)?;
                    self.ws();
                    match self.peek()? {
                        b',' => self.pos += 1,
                        c if c == close => {}
                        _ => return None,
                    }
                }
            }
            _ => {
                while let Some(c) = self.peek() {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.pos += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_and_join() {
        let p = JsonPath::root().key("RoleDetailList").index(3).key("a b");
        assert_eq!(p.to_string(), r#"$.RoleDetailList[3]["a b"]"#);
        let j = JsonPath::root().join_relative(r#"Statement[2].Condition.StringEquals["aws:SourceIp"]"#);
        assert_eq!(
            j.to_string(),
            r#"$.Statement[2].Condition.StringEquals["aws:SourceIp"]"#
        );
    }

    #[test]
    fn locates_nested_values() {
        let text = "{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": {\"d\": [true,\n    null]}\n}";
        let p = JsonPath::root().key("a").index(1).key("b");
        assert_eq!(locate(text, &p), Some((2, 18)));
        let p = JsonPath::root().key("c").key("d").index(1);
        assert_eq!(locate(text, &p), Some((4, 5)));
        assert_eq!(locate(text, &JsonPath::root().key("zz")), None);
        assert_eq!(locate(text, &JsonPath::root()), Some((1, 1)));
    }
}
