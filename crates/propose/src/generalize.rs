//! Resource generalization: from the concrete ARNs a run touched to the fewest patterns that a strictness
//! allows, segment by segment along the catalog's ARN template of the resource type.
//!
//! An ARN is first matched against its resource type's template (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`),
//! which splits it into variables; each variable value is split into `/` segments, and each segment into
//! tokens (UUIDs, dates and timestamps are single tokens; other words are split at `-`, `_`, `.`, `:`, `+`,
//! `=`, `@`, `,`). ARNs of one type with the same shape are merged into one pattern when every position
//! where they differ may be generalized at the chosen [`Strictness`]; otherwise the group is split at the
//! leftmost position that may not, and each part is tried again. A group of one ARN is kept as it is.
//!
//! What each strictness allows at a position whose values differ:
//!
//! | strictness | may become `*` |
//! | --- | --- |
//! | `exact` | only tokens that look ephemeral in every value: UUIDs, dates and timestamps, numbers, hex ids of 6+ characters with a digit, random-looking ids of 10+ characters mixing letters and digits. The stable rest of the name stays (`i-*`, `reports/2026/11/*/*.json`, `reports-preview-build-*`). |
//! | `balanced` | the above, and names sharing a prefix and suffix of 3+ characters together when at least [`BALANCED_MIN_VARIANTS`] distinct names were seen (`build-artifacts-*`), keeping a common suffix too (`*.json`). |
//! | `loose` | the above, and any differing segment (`*` within its slashes, keeping a common prefix/suffix when there is one), the region when it differs; never the partition, the service, the account or the resource type. |
//!
//! Every pattern matches each ARN it was derived `from` (tested), so a proposal built from them allows
//! every observed call.

use pare_policy::wildcard_match;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// How far generalization may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Strictness {
    /// Only ephemeral-looking parts of names become `*`; conditions learned from the run are added.
    Exact,
    /// Also common prefixes shared by enough names.
    #[default]
    Balanced,
    /// Also any varying name segment, up to the resource type within its account.
    Loose,
}

impl Strictness {
    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Strictness::Exact => "exact",
            Strictness::Balanced => "balanced",
            Strictness::Loose => "loose",
        }
    }

    /// Parses `exact`, `balanced` or `loose`.
    pub fn parse(text: &str) -> Option<Strictness> {
        match text {
            "exact" => Some(Strictness::Exact),
            "balanced" => Some(Strictness::Balanced),
            "loose" => Some(Strictness::Loose),
            _ => None,
        }
    }

    /// All three, tightest first.
    pub const ALL: [Strictness; 3] = [Strictness::Exact, Strictness::Balanced, Strictness::Loose];
}

impl fmt::Display for Strictness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// At `balanced`, names that differ in non-ephemeral ways merge into `prefix*` only from this many variants.
pub const BALANCED_MIN_VARIANTS: usize = 3;
/// The fewest characters a `balanced` merge must keep (common prefix and suffix together).
pub const BALANCED_MIN_PREFIX: usize = 3;
/// At most this many source ARNs are listed in a pattern's `from` (the total is in `from_count`).
pub const MAX_FROM: usize = 20;

/// One resource pattern and how it was obtained.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Generalized {
    /// The pattern (`arn:aws:s3:::reports-output/reports/2026/11/*/*.json`) or a concrete ARN.
    pub pattern: String,
    /// The concrete ARNs it was derived from (all of them; callers cap what they print).
    pub from: Vec<String>,
    /// Why: which parts varied and what they looked like, or that the name was stable.
    pub why: String,
    /// A readable label for the pattern's resource (the first name in it), used to name statements.
    pub label: String,
}

/// A resource type's ARN template, split into literal text and `${Variables}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnTemplate {
    parts: Vec<TemplatePart>,
    text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum TemplatePart {
    Lit(String),
    Var(String),
}

impl ArnTemplate {
    /// Parses a catalog ARN template such as `arn:${Partition}:sqs:${Region}:${Account}:${QueueName}`.
    pub fn parse(text: &str) -> ArnTemplate {
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match rest.find("${") {
                Some(start) => {
                    let (lit, after) = rest.split_at(start);
                    if !lit.is_empty() {
                        parts.push(TemplatePart::Lit(lit.to_string()));
                    }
                    let body = &after[2..];
                    match body.find('}') {
                        Some(end) => {
                            parts.push(TemplatePart::Var(body[..end].to_string()));
                            rest = &body[end + 1..];
                        }
                        None => {
                            parts.push(TemplatePart::Lit(after.to_string()));
                            rest = "";
                        }
                    }
                }
                None => {
                    parts.push(TemplatePart::Lit(rest.to_string()));
                    rest = "";
                }
            }
        }
        ArnTemplate {
            parts,
            text: text.to_string(),
        }
    }

    /// The template as the catalog writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Splits `arn` into this template's variable values, or `None` when it does not fit. Partition, region
    /// and account never hold `:`; other variables are non-empty. The first fit is the one with the shortest
    /// values from the left.
    pub fn match_arn(&self, arn: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        if match_parts(&self.parts, arn, &mut out) {
            Some(out)
        } else {
            None
        }
    }

    /// How many literal characters the template has: the more, the more specific a fit.
    pub fn specificity(&self) -> usize {
        self.parts
            .iter()
            .map(|p| match p {
                TemplatePart::Lit(l) => l.len(),
                TemplatePart::Var(_) => 0,
            })
            .sum()
    }

    fn vars(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            TemplatePart::Var(v) => Some(v.as_str()),
            TemplatePart::Lit(_) => None,
        })
    }

    /// Every resource of this type within a partition, region and account: the scope variables filled (`*`
    /// when unknown), every other variable `*` (`arn:aws:ec2:eu-west-1:111122223333:instance/*`).
    pub fn type_scope(&self, partition: &str, region: Option<&str>, account: Option<&str>) -> String {
        let values: Vec<String> = self
            .vars()
            .map(|v| match v {
                "Partition" => partition.to_string(),
                "Region" => region.unwrap_or("*").to_string(),
                "Account" => account.unwrap_or("*").to_string(),
                _ => "*".to_string(),
            })
            .collect();
        let mut out = self.render(&values);
        while out.contains("**") {
            out = out.replace("**", "*");
        }
        out
    }

    fn render(&self, values: &[String]) -> String {
        let mut out = String::new();
        let mut i = 0;
        for p in &self.parts {
            match p {
                TemplatePart::Lit(l) => out.push_str(l),
                TemplatePart::Var(_) => {
                    if let Some(v) = values.get(i) {
                        out.push_str(v);
                    }
                    i += 1;
                }
            }
        }
        out
    }
}

fn is_scope_var(name: &str) -> bool {
    matches!(name, "Partition" | "Region" | "Account")
}

fn match_parts(parts: &[TemplatePart], s: &str, out: &mut Vec<String>) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return s.is_empty();
    };
    match first {
        TemplatePart::Lit(l) => match s.strip_prefix(l.as_str()) {
            Some(tail) => match_parts(rest, tail, out),
            None => false,
        },
        TemplatePart::Var(name) => {
            let scope = is_scope_var(name);
            if rest.is_empty() {
                if (s.is_empty() && !scope) || (scope && s.contains(':')) {
                    return false;
                }
                out.push(s.to_string());
                return true;
            }
            let min = usize::from(!scope);
            for (k, _) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
                if k < min {
                    continue;
                }
                let value = &s[..k];
                if scope && value.contains(':') {
                    break;
                }
                out.push(value.to_string());
                if match_parts(rest, &s[k..], out) {
                    return true;
                }
                out.pop();
            }
            false
        }
    }
}

/// The kind of a token, for deciding whether it is ephemeral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TokenKind {
    Uuid,
    Date,
    Number,
    HexId,
    RandomId,
    Word,
    Delim,
}

impl TokenKind {
    fn ephemeral(self) -> bool {
        matches!(
            self,
            TokenKind::Uuid | TokenKind::Date | TokenKind::Number | TokenKind::HexId | TokenKind::RandomId
        )
    }

    fn describe(self) -> &'static str {
        match self {
            TokenKind::Uuid => "uuids",
            TokenKind::Date => "dates",
            TokenKind::Number => "numbers",
            TokenKind::HexId => "hex ids",
            TokenKind::RandomId => "random ids",
            TokenKind::Word | TokenKind::Delim => "names",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token<'a> {
    text: &'a str,
    kind: TokenKind,
}

const DELIMS: &[char] = &['-', '_', '.', ':', '+', '=', '@', ','];

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `8-4-4-4-12` hex digits.
fn uuid_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.len() < 36 {
        return None;
    }
    let groups = [8usize, 4, 4, 4, 12];
    let mut i = 0;
    for (n, g) in groups.iter().enumerate() {
        let end = i + g;
        if !is_hex(s.get(i..end)?) {
            return None;
        }
        i = end;
        if n < 4 {
            if b.get(i) != Some(&b'-') {
                return None;
            }
            i += 1;
        }
    }
    // Not followed by more hex (it would be some other id).
    match b.get(i) {
        Some(c) if c.is_ascii_alphanumeric() => None,
        _ => Some(i),
    }
}

/// `YYYY-MM-DD`, optionally `THH:MM:SS(.fff)Z`-ish, or `YYYYMMDD(THHMMSSZ)`.
fn date_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> bool {
        b.get(from..from + n)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let mut i;
    if digits(0, 4) && b.get(4) == Some(&b'-') && digits(5, 2) && b.get(7) == Some(&b'-') && digits(8, 2) {
        i = 10;
    } else if digits(0, 8) && !b.get(8).is_some_and(u8::is_ascii_digit) {
        let (y, m, d) = (&s[0..4], &s[4..6], &s[6..8]);
        let plausible = y.starts_with("19") || y.starts_with("20");
        let m: u32 = m.parse().ok()?;
        let d: u32 = d.parse().ok()?;
        if !(plausible && (1..=12).contains(&m) && (1..=31).contains(&d)) {
            return None;
        }
        i = 8;
    } else {
        return None;
    }
    if b.get(i) == Some(&b'T') {
        let start = i + 1;
        let mut j = start;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b':' || b[j] == b'.') {
            j += 1;
        }
        if j - start >= 4 {
            i = j;
            if b.get(i) == Some(&b'Z') {
                i += 1;
            }
        }
    }
    match b.get(i) {
        Some(c) if c.is_ascii_alphanumeric() => None,
        _ => Some(i),
    }
}

fn word_kind(w: &str) -> TokenKind {
    let digits = w.bytes().filter(u8::is_ascii_digit).count();
    let alpha = w.bytes().filter(u8::is_ascii_alphabetic).count();
    if digits == w.len() {
        TokenKind::Number
    } else if w.len() >= 6 && digits > 0 && is_hex(w) {
        TokenKind::HexId
    } else if w.len() >= 10 && digits > 0 && alpha > 0 {
        TokenKind::RandomId
    } else {
        TokenKind::Word
    }
}

fn tokenize(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut at_boundary = true;
    while i < s.len() {
        let rest = &s[i..];
        if at_boundary {
            if let Some(n) = uuid_len(rest) {
                out.push(Token {
                    text: &rest[..n],
                    kind: TokenKind::Uuid,
                });
                i += n;
                at_boundary = false;
                continue;
            }
            if let Some(n) = date_len(rest) {
                out.push(Token {
                    text: &rest[..n],
                    kind: TokenKind::Date,
                });
                i += n;
                at_boundary = false;
                continue;
            }
        }
        let Some(c) = rest.chars().next() else { break };
        if DELIMS.contains(&c) {
            out.push(Token {
                text: &rest[..c.len_utf8()],
                kind: TokenKind::Delim,
            });
            i += c.len_utf8();
            at_boundary = true;
            continue;
        }
        let n = rest.find(|ch: char| DELIMS.contains(&ch)).unwrap_or(rest.len());
        let word = &rest[..n];
        out.push(Token {
            text: word,
            kind: word_kind(word),
        });
        i += n;
        at_boundary = false;
    }
    out
}

/// What became of one position (a `/` segment of a variable) across a group.
#[derive(Debug, Clone)]
enum Position {
    Same(String),
    Wild { text: String, note: String },
    Fail,
}

fn common_prefix<'a>(values: &[&'a str]) -> &'a str {
    let Some(first) = values.first() else { return "" };
    let mut n = first.len();
    for v in values.iter().skip(1) {
        n = n.min(
            first
                .char_indices()
                .zip(v.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8()),
        );
    }
    &first[..n]
}

fn common_suffix<'a>(values: &[&'a str]) -> &'a str {
    let Some(first) = values.first() else { return "" };
    let mut n = first.len();
    for v in values.iter().skip(1) {
        let m = first
            .bytes()
            .rev()
            .zip(v.bytes().rev())
            .take_while(|(a, b)| a == b)
            .count();
        n = n.min(m);
    }
    let mut start = first.len() - n;
    while !first.is_char_boundary(start) {
        start += 1;
    }
    &first[start..]
}

fn generalize_position(values: &BTreeSet<&str>, strictness: Strictness) -> Position {
    let list: Vec<&str> = values.iter().copied().collect();
    if list.len() == 1 {
        return Position::Same(list.first().map(|s| s.to_string()).unwrap_or_default());
    }
    // Token by token: the same shape everywhere, differing only in ephemeral-looking tokens.
    let tokens: Vec<Vec<Token<'_>>> = list.iter().map(|v| tokenize(v)).collect();
    if let Some(first) = tokens.first() {
        let same_shape = tokens.iter().all(|t| {
            t.len() == first.len()
                && t.iter()
                    .zip(first)
                    .all(|(a, b)| (a.kind == TokenKind::Delim) == (b.kind == TokenKind::Delim))
                && t.iter()
                    .zip(first)
                    .all(|(a, b)| a.kind != TokenKind::Delim || a.text == b.text)
        });
        if same_shape {
            let mut text = String::new();
            let mut kinds: BTreeSet<TokenKind> = BTreeSet::new();
            let mut ok = true;
            for i in 0..first.len() {
                let at: BTreeSet<&str> = tokens.iter().filter_map(|t| t.get(i)).map(|t| t.text).collect();
                if at.len() == 1 {
                    text.push_str(at.first().copied().unwrap_or_default());
                    continue;
                }
                let token_kinds: BTreeSet<TokenKind> =
                    tokens.iter().filter_map(|t| t.get(i)).map(|t| t.kind).collect();
                if token_kinds.iter().all(|k| k.ephemeral()) {
                    text.push('*');
                    kinds.extend(token_kinds);
                } else {
                    ok = false;
                    break;
                }
            }
            if ok {
                let what: Vec<&str> = kinds.iter().map(|k| k.describe()).collect();
                return Position::Wild {
                    note: format!("{} varied ({} values)", what.join(", "), list.len()),
                    text: collapse_stars(&text),
                };
            }
        }
    }
    if strictness == Strictness::Exact {
        return Position::Fail;
    }
    let prefix = common_prefix(&list);
    let rest: Vec<&str> = list.iter().map(|v| &v[prefix.len()..]).collect();
    // The suffix only from a delimiter on (`.json`, `-logs`): a shared last letter is chance, not a name.
    let suffix = common_suffix(&rest);
    let suffix = suffix
        .find(|c: char| DELIMS.contains(&c))
        .map_or("", |i| &suffix[i..]);
    if strictness == Strictness::Balanced {
        if list.len() >= BALANCED_MIN_VARIANTS
            && prefix.chars().count() + suffix.chars().count() >= BALANCED_MIN_PREFIX
        {
            return Position::Wild {
                text: format!("{prefix}*{suffix}"),
                note: format!("{} names share `{prefix}*{suffix}`", list.len()),
            };
        }
        return Position::Fail;
    }
    Position::Wild {
        text: format!("{prefix}*{suffix}"),
        note: if prefix.is_empty() && suffix.is_empty() {
            format!("{} different names", list.len())
        } else {
            format!("{} names around `{prefix}*{suffix}`", list.len())
        },
    }
}

/// `*-*` or `**` → `*`: adjacent wildcards separated only by delimiters say nothing more than one.
fn collapse_stars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = String::new(); // delimiters seen right after a `*`
    let mut after_star = false;
    for c in text.chars() {
        if after_star && DELIMS.contains(&c) {
            pending.push(c);
            continue;
        }
        if c == '*' && after_star {
            pending.clear();
            continue;
        }
        out.push_str(&pending);
        pending.clear();
        out.push(c);
        after_star = c == '*';
    }
    out.push_str(&pending);
    out
}

#[derive(Debug, Clone)]
struct Parsed {
    arn: String,
    /// Per template variable: its `/` segments.
    segments: Vec<Vec<String>>,
}

impl Parsed {
    fn shape(&self) -> Vec<usize> {
        self.segments.iter().map(Vec::len).collect()
    }
}

/// Generalizes concrete ARNs of one resource type along its template. ARNs that do not fit the template are
/// returned as they are.
pub fn generalize(template: &ArnTemplate, arns: &[String], strictness: Strictness) -> Vec<Generalized> {
    let vars: Vec<&str> = template.vars().collect();
    let mut out = Vec::new();
    let mut by_shape: BTreeMap<Vec<usize>, Vec<Parsed>> = BTreeMap::new();
    let unique: BTreeSet<&String> = arns.iter().collect();
    for arn in unique {
        match template.match_arn(arn) {
            Some(values) => {
                let segments: Vec<Vec<String>> = values
                    .iter()
                    .zip(&vars)
                    .map(|(v, name)| {
                        if is_scope_var(name) {
                            vec![v.clone()]
                        } else {
                            v.split('/').map(str::to_string).collect()
                        }
                    })
                    .collect();
                let p = Parsed {
                    arn: arn.clone(),
                    segments,
                };
                by_shape.entry(p.shape()).or_default().push(p);
            }
            None => out.push(Generalized {
                pattern: arn.clone(),
                from: vec![arn.clone()],
                why: format!(
                    "kept as observed: it does not fit the resource type's template `{}`",
                    template.as_str()
                ),
                label: label_of(arn),
            }),
        }
    }
    for group in by_shape.into_values() {
        build(template, &vars, group, strictness, &mut out);
    }
    remove_covered(&mut out);
    out.sort();
    out
}

fn build(
    template: &ArnTemplate,
    vars: &[&str],
    group: Vec<Parsed>,
    strictness: Strictness,
    out: &mut Vec<Generalized>,
) {
    if let [one] = group.as_slice() {
        out.push(Generalized {
            pattern: one.arn.clone(),
            from: vec![one.arn.clone()],
            why: "stable name: used as observed".to_string(),
            label: label_from_segments(template, vars, &one.segments),
        });
        return;
    }
    let Some(first) = group.first() else { return };
    let mut values: Vec<String> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for (vi, name) in vars.iter().enumerate() {
        let nseg = first.segments.get(vi).map_or(0, Vec::len);
        let mut segs = Vec::new();
        for si in 0..nseg {
            let at: BTreeSet<&str> = group
                .iter()
                .filter_map(|p| p.segments.get(vi).and_then(|s| s.get(si)))
                .map(String::as_str)
                .collect();
            let may = if is_scope_var(name) {
                if at.len() == 1 || (strictness == Strictness::Loose && *name == "Region") {
                    generalize_scope(&at)
                } else {
                    Position::Fail
                }
            } else {
                generalize_position(&at, strictness)
            };
            match may {
                Position::Same(s) => segs.push(s),
                Position::Wild { text, note } => {
                    let place = if nseg > 1 {
                        format!("{name} segment {}", si + 1)
                    } else {
                        (*name).to_string()
                    };
                    notes.push(format!("{place}: {note} → `{text}`"));
                    segs.push(text);
                }
                Position::Fail => {
                    // Split at this position and try each part again.
                    let mut parts: BTreeMap<String, Vec<Parsed>> = BTreeMap::new();
                    for p in group {
                        let key = p
                            .segments
                            .get(vi)
                            .and_then(|s| s.get(si))
                            .cloned()
                            .unwrap_or_default();
                        parts.entry(key).or_default().push(p);
                    }
                    for part in parts.into_values() {
                        build(template, vars, part, strictness, out);
                    }
                    return;
                }
            }
        }
        values.push(segs.join("/"));
    }
    let pattern = template.render(&values);
    let label = label_from_segments(
        template,
        vars,
        &values
            .iter()
            .map(|v| v.split('/').map(str::to_string).collect())
            .collect::<Vec<_>>(),
    );
    out.push(Generalized {
        pattern,
        from: group.into_iter().map(|p| p.arn).collect(),
        why: format!("{}; the rest is the same in every call", notes.join("; ")),
        label,
    });
}

fn generalize_scope(values: &BTreeSet<&str>) -> Position {
    if values.len() == 1 {
        Position::Same(values.first().map(|s| s.to_string()).unwrap_or_default())
    } else {
        Position::Wild {
            text: "*".to_string(),
            note: format!("{} regions", values.len()),
        }
    }
}

/// The first resource name in the pattern, for statement ids: the stable words (neither wildcards nor
/// ephemeral-looking tokens) of its first non-scope variable segment that has some, else the resource type's
/// word in the template (`key` in `:key/${KeyId}`).
fn label_from_segments(template: &ArnTemplate, vars: &[&str], segments: &[Vec<String>]) -> String {
    for (name, segs) in vars.iter().zip(segments) {
        if is_scope_var(name) {
            continue;
        }
        for s in segs {
            let words: Vec<&str> = tokenize(s)
                .into_iter()
                .filter(|t| t.kind != TokenKind::Delim && !t.kind.ephemeral() && t.text != "*")
                .map(|t| t.text.trim_matches('*'))
                .filter(|t| t.chars().any(|c| c.is_ascii_alphanumeric()))
                .collect();
            if !words.is_empty() {
                return words.join("-");
            }
        }
    }
    let mut last_literal = "";
    for p in &template.parts {
        match p {
            TemplatePart::Lit(l) => last_literal = l,
            TemplatePart::Var(v) if !is_scope_var(v) => break,
            TemplatePart::Var(_) => last_literal = "",
        }
    }
    let word: String = last_literal
        .split(|c: char| !c.is_ascii_alphanumeric())
        .rfind(|w| !w.is_empty() && w.chars().any(|c| c.is_ascii_alphabetic()) && *w != "arn")
        .unwrap_or("Any")
        .to_string();
    word
}

fn label_of(arn: &str) -> String {
    arn.splitn(6, ':').nth(5).unwrap_or(arn).to_string()
}

/// Drops patterns that another pattern of the set already covers (a concrete ARN under a wildcard), moving
/// their sources over.
fn remove_covered(out: &mut Vec<Generalized>) {
    let mut i = 0;
    while i < out.len() {
        let covered_by = out.iter().enumerate().find(|(j, other)| {
            *j != i
                && other.pattern != out[i].pattern
                && other.pattern.contains('*')
                && wildcard_match(&other.pattern, &out[i].pattern, false)
                && !out[i].pattern.contains('?')
        });
        if let Some((j, _)) = covered_by {
            let removed = out.remove(i);
            let j = if j > i { j - 1 } else { j };
            if let Some(target) = out.get_mut(j) {
                target.from.extend(removed.from);
                target.from.sort();
                target.from.dedup();
            }
            continue;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const INSTANCE: &str = "arn:${Partition}:ec2:${Region}:${Account}:instance/${InstanceId}";
    const FUNCTION: &str = "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}";

    fn pats(t: &str, arns: &[&str], st: Strictness) -> Vec<String> {
        generalize(&ArnTemplate::parse(t), &s(arns), st)
            .into_iter()
            .map(|g| g.pattern)
            .collect()
    }

    #[test]
    fn template_matching_splits_variables() {
        let t = ArnTemplate::parse(OBJECT);
        assert_eq!(
            t.match_arn("arn:aws:s3:::bucket/a/b.json"),
            Some(s(&["aws", "bucket", "a/b.json"]))
        );
        assert_eq!(t.match_arn("arn:aws:s3:::bucket"), None);
        let q = ArnTemplate::parse("arn:${Partition}:sqs:${Region}:${Account}:${QueueName}");
        assert_eq!(
            q.match_arn("arn:aws:sqs:eu-west-1:111122223333:jobs"),
            Some(s(&["aws", "eu-west-1", "111122223333", "jobs"]))
        );
        let iam = ArnTemplate::parse("arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}");
        assert_eq!(
            iam.match_arn("arn:aws:iam::111122223333:role/service/app"),
            Some(s(&["aws", "111122223333", "service/app"]))
        );
    }

    #[test]
    fn dated_prefixes_and_uuids_become_wildcards_at_exact() {
        let arns = [
            "arn:aws:s3:::reports-output/reports/2026/11/01/6b1f2c3e-0a4d-4e5f-8a9b-0c1d2e3f4a5b.json",
            "arn:aws:s3:::reports-output/reports/2026/11/02/7c2a3d4f-1b5e-4f60-9bac-1d2e3f4a5b6c.json",
            "arn:aws:s3:::reports-output/reports/2026/11/03/8d3b4e5a-2c6f-4a71-acbd-2e3f4a5b6c7d.json",
        ];
        assert_eq!(
            pats(OBJECT, &arns, Strictness::Exact),
            ["arn:aws:s3:::reports-output/reports/2026/11/*/*.json"]
        );
    }

    #[test]
    fn stable_names_stay_concrete_at_exact_and_balanced() {
        let arns = [
            "arn:aws:s3:::reports-input/config.json",
            "arn:aws:s3:::reports-input/schema.json",
        ];
        for st in [Strictness::Exact, Strictness::Balanced] {
            assert_eq!(pats(OBJECT, &arns, st), arns);
        }
        assert_eq!(
            pats(OBJECT, &arns, Strictness::Loose),
            ["arn:aws:s3:::reports-input/*.json"]
        );
    }

    #[test]
    fn different_buckets_split_before_keys_generalize() {
        let arns = [
            "arn:aws:s3:::alpha/run/1/a.txt",
            "arn:aws:s3:::alpha/run/2/a.txt",
            "arn:aws:s3:::beta/run/1/a.txt",
        ];
        assert_eq!(
            pats(OBJECT, &arns, Strictness::Exact),
            ["arn:aws:s3:::alpha/run/*/a.txt", "arn:aws:s3:::beta/run/1/a.txt"]
        );
    }

    #[test]
    fn instance_ids_keep_their_prefix() {
        let arns = [
            "arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f60718",
            "arn:aws:ec2:eu-west-1:111122223333:instance/i-0f9e8d7c6b5a49382",
        ];
        assert_eq!(
            pats(INSTANCE, &arns, Strictness::Exact),
            ["arn:aws:ec2:eu-west-1:111122223333:instance/i-*"]
        );
    }

    #[test]
    fn regions_and_accounts_never_merge_below_loose() {
        let arns = [
            "arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f60718",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0f9e8d7c6b5a49382",
        ];
        assert_eq!(pats(INSTANCE, &arns, Strictness::Balanced), arns);
        assert_eq!(
            pats(INSTANCE, &arns, Strictness::Loose),
            ["arn:aws:ec2:*:111122223333:instance/i-*"]
        );
        let accounts = [
            "arn:aws:ec2:eu-west-1:111122223333:instance/i-0a1b2c3d4e5f60718",
            "arn:aws:ec2:eu-west-1:444455556666:instance/i-0f9e8d7c6b5a49382",
        ];
        assert_eq!(pats(INSTANCE, &accounts, Strictness::Loose), accounts);
    }

    #[test]
    fn numbered_names_and_dated_buckets() {
        let fns = [
            "arn:aws:lambda:eu-west-1:111122223333:function:reports-preview-build-1042",
            "arn:aws:lambda:eu-west-1:111122223333:function:reports-preview-build-1043",
        ];
        assert_eq!(
            pats(FUNCTION, &fns, Strictness::Exact),
            ["arn:aws:lambda:eu-west-1:111122223333:function:reports-preview-build-*"]
        );
        let buckets = [
            "arn:aws:s3:::reports-scratch-2026-11-01/batch/0b4c2d1e-5f6a-4b7c-8d9e-0f1a2b3c4d5e/part-00000.parquet",
            "arn:aws:s3:::reports-scratch-2026-11-02/batch/1c5d3e2f-6a7b-4c8d-9eaf-1a2b3c4d5e6f/part-00001.parquet",
        ];
        assert_eq!(
            pats(OBJECT, &buckets, Strictness::Exact),
            ["arn:aws:s3:::reports-scratch-*/batch/*/part-*.parquet"]
        );
    }

    #[test]
    fn balanced_merges_common_prefixes_from_three_variants() {
        let two = [
            "arn:aws:s3:::build-artifacts-alpha/x",
            "arn:aws:s3:::build-artifacts-beta/x",
        ];
        assert_eq!(pats(OBJECT, &two, Strictness::Balanced), two);
        let three = [
            "arn:aws:s3:::build-artifacts-alpha/logs/a.log",
            "arn:aws:s3:::build-artifacts-beta/logs/b.log",
            "arn:aws:s3:::build-artifacts-gamma/logs/c.log",
        ];
        assert_eq!(pats(OBJECT, &three, Strictness::Exact), three);
        assert_eq!(
            pats(OBJECT, &three, Strictness::Balanced),
            ["arn:aws:s3:::build-artifacts-*/logs/*.log"]
        );
    }

    #[test]
    fn every_pattern_matches_its_sources() {
        let arns = [
            "arn:aws:s3:::reports-output/reports/2026/11/01/a.json",
            "arn:aws:s3:::reports-output/reports/2026/11/02/b.json",
            "arn:aws:s3:::reports-output/x",
            "arn:aws:s3:::other/deep/er/path.txt",
            "arn:aws:s3:::other/deep/ly.txt",
        ];
        for st in Strictness::ALL {
            let out = generalize(&ArnTemplate::parse(OBJECT), &s(&arns), st);
            for g in &out {
                for f in &g.from {
                    assert!(wildcard_match(&g.pattern, f, false), "{st}: {} !~ {f}", g.pattern);
                }
            }
            let total: usize = out.iter().map(|g| g.from.len()).sum();
            assert_eq!(total, arns.len());
        }
    }

    #[test]
    fn tokens() {
        let kinds = |s: &str| tokenize(s).into_iter().map(|t| t.kind).collect::<Vec<_>>();
        assert_eq!(
            kinds("6f1c2a9e-3b7d-4e58-9a41-2c8d5f7e0b13.json"),
            [TokenKind::Uuid, TokenKind::Delim, TokenKind::Word]
        );
        assert_eq!(kinds("2026-11-01"), [TokenKind::Date]);
        assert_eq!(kinds("20261101T120000Z"), [TokenKind::Date]);
        assert_eq!(
            kinds("i-0a1b2c3d4e5f60718"),
            [TokenKind::Word, TokenKind::Delim, TokenKind::HexId]
        );
        assert_eq!(
            kinds("part-00001"),
            [TokenKind::Word, TokenKind::Delim, TokenKind::Number]
        );
        assert_eq!(collapse_stars("*-*-*"), "*");
        assert_eq!(collapse_stars("a-*.json"), "a-*.json");
    }
}
