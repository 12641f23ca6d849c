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

/// [`locate`] for JSON texts, [`locate_yaml`] for anything else (a YAML template).
pub(crate) fn locate_any(text: &str, path: &JsonPath) -> Option<(usize, usize)> {
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with(['{', '['])
    {
        locate(text, path)
    } else {
        locate_yaml(text, path)
    }
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

/// Where the value at `path` starts in a block-style YAML text (CloudFormation templates): each key is looked
/// up below its parent at a deeper indentation, each index as the n-th `- ` item. Flow collections
/// (`[a, b]`, `{a: b}`) are not entered: the position of the deepest element found is returned.
pub(crate) fn locate_yaml(text: &str, path: &JsonPath) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    // (line index, indent of the current node's key or item); the root is "before line 0" at indent -1.
    let mut line: Option<usize> = None;
    let mut indent: isize = -1;
    let mut found: Option<(usize, usize)> = None;
    let mut item_line: Option<usize> = None;
    for seg in &path.0 {
        // The first key of a sequence item sits on the item's own line: `- PolicyName: a`.
        if let (Seg::Key(k), Some(i)) = (seg, item_line.take()) {
            let l = lines.get(i).copied().unwrap_or("");
            let trimmed = l.trim_start();
            let body = trimmed.strip_prefix("- ").unwrap_or(trimmed).trim_start();
            let key = body
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(|c| c == '"' || c == '\'');
            if key == k && body.contains(':') {
                let col = l.len() - body.len();
                indent = col as isize;
                found = Some((i + 1, col + 1));
                continue;
            }
        }
        let start = line.map_or(0, |l| l + 1);
        let mut hit = None;
        let mut count = 0;
        let mut child_indent: Option<isize> = None;
        for (i, l) in lines.iter().enumerate().skip(start) {
            let trimmed = l.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let ind = (l.len() - trimmed.len()) as isize;
            if ind <= indent && !(matches!(seg, Seg::Index(_)) && ind == indent && trimmed.starts_with("- "))
            {
                break;
            }
            let ci = *child_indent.get_or_insert(ind);
            if ind != ci {
                continue;
            }
            match seg {
                Seg::Key(k) => {
                    let body = trimmed.strip_prefix("- ").unwrap_or(trimmed);
                    let key = body
                        .split(':')
                        .next()
                        .unwrap_or("")
                        .trim()
                        .trim_matches(|c| c == '"' || c == '\'');
                    if key == k && body.contains(':') {
                        hit = Some((i, ind + (trimmed.len() - body.len()) as isize));
                        break;
                    }
                }
                Seg::Index(n) => {
                    if trimmed.starts_with("- ") || trimmed == "-" {
                        if count == *n {
                            hit = Some((i, ind));
                            break;
                        }
                        count += 1;
                    }
                }
            }
        }
        match hit {
            Some((i, ind)) => {
                line = Some(i);
                indent = ind;
                found = Some((i + 1, ind as usize + 1));
                if matches!(seg, Seg::Index(_)) {
                    item_line = Some(i);
                }
            }
            None => break,
        }
    }
    found
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

    #[test]
    fn locates_in_yaml() {
        let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: a\n          PolicyDocument:\n            Statement: []\n        - PolicyName: b\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n";
        let p = JsonPath::root()
            .key("Resources")
            .key("Role")
            .key("Properties")
            .key("Policies")
            .index(1)
            .key("PolicyDocument");
        assert_eq!(locate_yaml(text, &p), Some((10, 11)));
        let deeper = p.key("Statement").index(0).key("Effect");
        assert_eq!(locate_yaml(text, &deeper), Some((12, 17)));
        let missing = JsonPath::root().key("Resources").key("Nope");
        assert_eq!(locate_yaml(text, &missing), Some((1, 1)));
    }
}
