//! Regular languages of IAM wildcard patterns (`*`, `?`) and the product construction that decides, for a set of
//! patterns, every combination of "matches / does not match" that some string realizes — with a witness string
//! for each.
//!
//! A pattern compiles to a sequence of [`Tok`]s whose NFA states are the positions between tokens. Running all
//! patterns' NFAs side by side (subset construction per pattern) over a finite alphabet of representative
//! characters explores every reachable product state; each state's acceptance vector is a realizable
//! *signature*. Because every character outside the patterns' literals behaves identically (one "other"
//! representative stands for all of them), the exploration is exact: a signature is realizable by some string iff
//! it is found, which makes language inclusion (`L(head) ⊆ ∪ L(base)`) and its counterexample a by-product.

use std::collections::{BTreeMap, HashMap, VecDeque};

/// How `*` and `?` treat the colon that separates ARN segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// ARN patterns (`Resource`, `NotResource`, `Arn*` conditions): wildcards match within one colon-separated
    /// segment, except a `*` that ends a segment, which may run past colons (AWS IAM User Guide, "Using
    /// wildcards in resource ARNs").
    Arn,
    /// Plain strings (`StringLike`, actions): `*` is any run of characters, `?` any one character.
    Plain,
}

/// One token of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tok {
    /// Exactly this character.
    Lit(char),
    /// Any one character (`?`); `colon` says whether it may be a colon.
    One {
        /// May match `:`.
        colon: bool,
    },
    /// Any run of characters (`*`), possibly empty; `colon` says whether the run may contain colons.
    Star {
        /// May match `:`.
        colon: bool,
    },
}

/// First code point used for opaque policy-variable symbols (Unicode private use area).
pub const VAR_BASE: u32 = 0xF0000;

/// Whether `c` stands for a policy variable's (unknown) value.
pub fn is_var(c: char) -> bool {
    (c as u32) >= VAR_BASE
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Glob {
    toks: Vec<Tok>,
}

impl Glob {
    /// Compiles `pattern` in `dialect`. With `vars`, policy variables (`${aws:username}`, with or without a
    /// default) become opaque symbols from `vars` (one per key), and `${*}`, `${?}`, `${$}` the literal characters.
    pub fn compile(pattern: &str, dialect: Dialect, vars: Option<&mut VarTable>) -> Glob {
        let units = pre_units(pattern, vars);
        match dialect {
            Dialect::Plain => Glob {
                toks: units
                    .into_iter()
                    .map(|u| match u {
                        Pre::Star => Tok::Star { colon: true },
                        Pre::One => Tok::One { colon: true },
                        Pre::Lit(c) => Tok::Lit(c),
                    })
                    .collect(),
            },
            Dialect::Arn => {
                // INVARIANT: mirrors pare_policy's ResourcePattern: split at the first five colons; segments one
                // to five hold no colon; the sixth (resource) segment may; a shorter pattern whose last segment
                // ends in `*` lets that segment run over the rest of the value, colons included; `*` alone is
                // everything.
                if units.len() == 1 && units.first() == Some(&Pre::Star) {
                    return Glob {
                        toks: vec![Tok::Star { colon: true }],
                    };
                }
                let mut segs: Vec<Vec<Pre>> = vec![Vec::new()];
                for u in units {
                    if u == Pre::Lit(':') && segs.len() < 6 {
                        segs.push(Vec::new());
                    } else if let Some(last) = segs.last_mut() {
                        last.push(u);
                    }
                }
                let k = segs.len();
                let tail_run = k < 6 && segs.last().is_some_and(|s| s.last() == Some(&Pre::Star));
                let mut toks = Vec::new();
                for (i, seg) in segs.into_iter().enumerate() {
                    if i > 0 {
                        toks.push(Tok::Lit(':'));
                    }
                    let colon = i == 5 || (tail_run && i + 1 == k);
                    for u in seg {
                        toks.push(match u {
                            Pre::Star => Tok::Star { colon },
                            Pre::One => Tok::One { colon },
                            Pre::Lit(c) => Tok::Lit(c),
                        });
                    }
                }
                Glob { toks }
            }
        }
    }

    /// A pattern matching exactly `s` (no wildcard characters).
    pub fn literal(s: &str) -> Glob {
        Glob {
            toks: s.chars().map(Tok::Lit).collect(),
        }
    }

    /// The tokens.
    pub fn toks(&self) -> &[Tok] {
        &self.toks
    }

    fn len(&self) -> usize {
        self.toks.len()
    }

    /// Whether the pattern matches `s` (the NFA run directly; used for quick checks and witnesses).
    pub fn matches(&self, s: &str) -> bool {
        let mut set = Bits::new(self.len() + 1);
        set.insert(0);
        self.close(&mut set);
        for c in s.chars() {
            set = self.step(&set, c);
            if set.is_empty() {
                return false;
            }
        }
        set.contains(self.len())
    }

    /// Adds the positions reachable by letting `*` match the empty run.
    fn close(&self, set: &mut Bits) {
        for i in 0..self.len() {
            if set.contains(i) && matches!(self.toks.get(i), Some(Tok::Star { .. })) {
                set.insert(i + 1);
            }
        }
    }

    fn step(&self, set: &Bits, c: char) -> Bits {
        let mut next = Bits::new(self.len() + 1);
        for i in set.iter() {
            match self.toks.get(i) {
                Some(Tok::Lit(x)) if *x == c => next.insert(i + 1),
                Some(Tok::One { colon }) if !is_var(c) && (*colon || c != ':') => next.insert(i + 1),
                Some(Tok::Star { colon }) if *colon || c != ':' => next.insert(i),
                _ => {}
            }
        }
        self.close(&mut next);
        next
    }

    /// Whether the pattern accepts from this state set.
    fn accepts(&self, set: &Bits) -> bool {
        set.contains(self.len())
    }
}

/// Policy variables seen while compiling, each mapped to one opaque symbol.
#[derive(Debug, Clone, Default)]
pub struct VarTable {
    keys: Vec<String>,
}

impl VarTable {
    /// The symbol for `key` (case-insensitive), allocating one the first time.
    pub fn symbol(&mut self, key: &str) -> char {
        let key = key.trim().to_ascii_lowercase();
        let i = match self.keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                self.keys.push(key);
                self.keys.len() - 1
            }
        };
        char::from_u32(VAR_BASE + i as u32).unwrap_or('\u{F0000}')
    }

    /// The key a symbol stands for.
    pub fn key(&self, c: char) -> Option<&str> {
        let i = (c as u32).checked_sub(VAR_BASE)? as usize;
        self.keys.get(i).map(String::as_str)
    }

    /// Every key, in allocation order.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pre {
    Lit(char),
    Star,
    One,
}

/// Splits pattern text into literal characters and wildcards, replacing `${...}` as [`Glob::compile`] says.
fn pre_units(text: &str, mut vars: Option<&mut VarTable>) -> Vec<Pre> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(table) = vars.as_deref_mut() {
            if let Some(body) = rest.strip_prefix("${") {
                if let Some(end) = var_end(body) {
                    let inner = body.get(..end).unwrap_or_default();
                    let key = inner.split(',').next().unwrap_or_default().trim();
                    match (key, inner.contains(',')) {
                        ("*", false) => out.push(Pre::Lit('*')),
                        ("?", false) => out.push(Pre::Lit('?')),
                        ("$", false) => out.push(Pre::Lit('$')),
                        _ => out.push(Pre::Lit(table.symbol(key))),
                    }
                    rest = body.get(end + 1..).unwrap_or_default();
                    continue;
                }
            }
        }
        out.push(match c {
            '*' => Pre::Star,
            '?' => Pre::One,
            c => Pre::Lit(c),
        });
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
    out
}

/// The keys of the policy variables in `text` (lowercased), in order of appearance.
pub fn var_keys(text: &str) -> Vec<String> {
    let mut table = VarTable::default();
    let _ = pre_units(text, Some(&mut table));
    table.keys
}

/// The byte offset of the `}` closing a variable body (quotes in a default may hold `}`); `None` if malformed.
fn var_end(body: &str) -> Option<usize> {
    let mut in_quote = false;
    for (i, c) in body.char_indices() {
        match c {
            '\'' => in_quote = !in_quote,
            '}' if !in_quote => return if i == 0 { None } else { Some(i) },
            _ => {}
        }
    }
    None
}

/// A small bit set over NFA positions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64).max(1)])
    }
    fn insert(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    fn contains(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(k, &w)| {
            let mut rest = w;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let b = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(k * 64 + b)
            })
        })
    }
}

/// Which patterns a string matches: bit `i` set when pattern `i` matches.
pub type Signature = Vec<bool>;

/// The exploration gave up because the product automaton grew past its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

/// Default budget of product states.
pub const MAX_STATES: usize = 200_000;

/// Every realizable signature of `globs` with its shortest witness (and, among equally short ones, the first in
/// alphabet order), sorted by signature. Exact: a signature is in the result iff some string realizes it.
pub fn signatures(globs: &[Glob], max_states: usize) -> Result<BTreeMap<Signature, String>, TooLarge> {
    let alphabet = alphabet(globs);
    // INVARIANT: `alphabet` puts the "other" representative first.
    let other = alphabet.first().copied().filter(|c| *c != ':' && *c != '/');
    let mut start: Vec<Bits> = globs
        .iter()
        .map(|g| {
            let mut b = Bits::new(g.len() + 1);
            b.insert(0);
            g.close(&mut b);
            b
        })
        .collect();
    start.shrink_to_fit();
    let mut seen: HashMap<Vec<Bits>, ()> = HashMap::new();
    let mut out: BTreeMap<Signature, String> = BTreeMap::new();
    let mut queue: VecDeque<(Vec<Bits>, String)> = VecDeque::new();
    seen.insert(start.clone(), ());
    queue.push_back((start, String::new()));
    while let Some((state, witness)) = queue.pop_front() {
        let sig: Signature = globs.iter().zip(&state).map(|(g, s)| g.accepts(s)).collect();
        out.entry(sig).or_insert_with(|| witness.clone());
        if state.iter().all(Bits::is_empty) {
            continue;
        }
        // Only characters some pattern expects next can move a pattern differently from the "other"
        // representative (and the colon, which wildcards may refuse); the rest need not be tried.
        let mut live: Vec<char> = Vec::new();
        for (g, set) in globs.iter().zip(&state) {
            for i in set.iter() {
                if let Some(Tok::Lit(c)) = g.toks.get(i) {
                    if !live.contains(c) {
                        live.push(*c);
                    }
                }
            }
        }
        for &c in alphabet
            .iter()
            .filter(|c| live.contains(c) || **c == ':' || Some(**c) == other)
        {
            let next: Vec<Bits> = globs.iter().zip(&state).map(|(g, s)| g.step(s, c)).collect();
            if seen.contains_key(&next) {
                continue;
            }
            if seen.len() >= max_states {
                return Err(TooLarge);
            }
            seen.insert(next.clone(), ());
            let mut w = witness.clone();
            w.push(c);
            queue.push_back((next, w));
        }
    }
    Ok(out)
}

/// The representative characters: every literal of every pattern, `:` and `/`, and one character that appears in
/// no pattern (it stands for all the others, which every pattern treats alike).
fn alphabet(globs: &[Glob]) -> Vec<char> {
    let mut chars: Vec<char> = globs
        .iter()
        .flat_map(|g| g.toks.iter())
        .filter_map(|t| match t {
            Tok::Lit(c) => Some(*c),
            _ => None,
        })
        .collect();
    chars.push(':');
    chars.push('/');
    let other = ['x', 'z', 'q', 'k', '0', '7', '_', '~']
        .into_iter()
        .find(|c| !chars.contains(c))
        .or_else(|| ('\u{e000}'..'\u{f8ff}').find(|c| !chars.contains(c)));
    if let Some(o) = other {
        // The "other" character first: witnesses read more naturally with it.
        chars.insert(0, o);
    }
    let mut seen = Vec::with_capacity(chars.len());
    for c in chars {
        if !seen.contains(&c) {
            seen.push(c);
        }
    }
    seen
}

/// The signature of a concrete string.
pub fn signature_of(globs: &[Glob], s: &str) -> Signature {
    globs.iter().map(|g| g.matches(s)).collect()
}

/// Readable stand-ins for a wildcard pattern: each `*` and `?` replaced by a filler.
pub fn fillings(pattern_toks: &[Tok]) -> Vec<String> {
    let fills: [(&str, &str); 3] = [("example", "x"), ("pare-example", "z"), ("", "x")];
    fills
        .iter()
        .map(|(star, one)| {
            let mut s = String::new();
            for t in pattern_toks {
                match t {
                    Tok::Lit(c) => s.push(*c),
                    Tok::One { .. } => s.push_str(one),
                    Tok::Star { .. } => s.push_str(star),
                }
            }
            s
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arn(p: &str) -> Glob {
        Glob::compile(p, Dialect::Arn, None)
    }

    #[test]
    fn arn_star_stays_in_segment_unless_it_ends_it() {
        let g = arn("arn:aws:s3:::bucket/*");
        assert!(g.matches("arn:aws:s3:::bucket/a/b:c"));
        let mid = arn("arn:aws:iam::*:role/x");
        assert!(mid.matches("arn:aws:iam::111:role/x"));
        let inner = arn("arn:aws:iam::1*1:role/x");
        assert!(inner.matches("arn:aws:iam::1221:role/x"));
        assert!(!inner.matches("arn:aws:iam::1:2:1:role/x"));
        assert!(arn("arn:aws:s3:::b?c").matches("arn:aws:s3:::b:c"));
        assert!(!arn("arn:aws:s3:us?east:::b").matches("arn:aws:s3:us:east:::b"));
        assert!(arn("arn:aws:s3:*").matches("arn:aws:s3:::b:c"));
        assert!(!arn("arn:aws:s3").matches("arn:aws:s3:::b"));
        assert!(arn("*").matches("anything:at:all"));
    }

    #[test]
    fn signatures_find_inclusion_and_witness() {
        let head = arn("arn:aws:s3:::logs*");
        let base = arn("arn:aws:s3:::logs/*");
        let sigs = signatures(&[head, base], MAX_STATES).unwrap();
        let w = sigs.get(&vec![true, false]).unwrap();
        assert_eq!(w, "arn:aws:s3:::logs");
        assert!(sigs.contains_key(&vec![true, true]));
        // L(base) ⊆ L(head): no string matches base alone.
        assert!(!sigs.contains_key(&vec![false, true]));
    }

    #[test]
    fn star_question_languages() {
        let a = Glob::compile("a*b", Dialect::Plain, None);
        let b = Glob::compile("a?*", Dialect::Plain, None);
        let sigs = signatures(&[a, b], MAX_STATES).unwrap();
        // "ab" matches a*b but not a?* (needs two chars after... no: a?* needs at least 2 chars total: "ab" ok).
        assert!(!sigs.contains_key(&vec![true, false]));
        assert_eq!(sigs.get(&vec![false, true]).map(String::as_str), Some("ax"));
    }

    #[test]
    fn vars_are_opaque() {
        let mut t = VarTable::default();
        let head = Glob::compile("b/${aws:username}", Dialect::Plain, Some(&mut t));
        let v = t.symbol("aws:username");
        let base = Glob::compile("b/?", Dialect::Plain, None);
        assert!(!base.matches(&format!("b/{v}")));
        assert!(head.matches(&format!("b/{v}")));
        assert!(Glob::compile("b/*", Dialect::Plain, None).matches(&format!("b/{v}")));
    }
}
