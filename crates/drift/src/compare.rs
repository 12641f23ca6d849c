//! The decision procedure: is some request allowed by `head` and not by `base`?
//!
//! A request is an action, a resource and a context. Each dimension is cut into finitely many classes inside
//! which every statement of both sides behaves the same, so evaluating one representative per class decides
//! every request of the class:
//!
//! - **Actions**: the catalog's finite action set (plus actions the catalog does not know that either side names,
//!   and a stand-in for head wildcards that match no known action). Actions are grouped by which statements'
//!   `Action`/`NotAction` apply to them — only actions some head `Allow` reaches are considered.
//! - **Resources**: the regular languages of the class's resource patterns; the product automaton of all of
//!   them ([`crate::glob::signatures`]) yields one witness ARN per realizable combination of matches.
//! - **Context**: per condition key, representative values (absent, single values, sets) covering every
//!   combination of the key's condition outcomes ([`crate::context`]); keys are independent, so their product
//!   covers the condition space.
//!
//! Every representative request is decided by `pare_policy::decide` for both sides; a request that head allows
//! and base does not is a counterexample, already checked by the evaluator. The procedure is exact whenever the
//! context candidates are (no policy variable inside condition values, multivalued keys with at most eight value
//! classes, fewer than [`MAX_COMBOS`] combinations); otherwise it says so and reports the statement as possibly
//! broader.

use crate::context::{self, Clause, KeyClasses};
use crate::glob::{self, Dialect, Glob, VarTable};
use crate::side::{DocLayer, Side};
use pare_policy::{
    decide, evaluate, ActionPattern, ActionSpec, Condition, ContextValue, Decision, Effect, Layer, Reason,
    Request, ResourcePattern, Statement,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

/// Resource patterns of a class (text, variables on), the cache key of its witnesses.
type PatternKey = Vec<(String, bool)>;
/// One witness per realizable signature, or the budget ran out.
type Witnesses = Result<Vec<String>, glob::TooLarge>;

/// At most this many context combinations are tried per action class; beyond, the result is inexact.
pub const MAX_COMBOS: usize = 4096;

/// Why a request is allowed by head and not by base.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The principal (or policy file) does not exist in base.
    NewPrincipal,
    /// No base statement covers the action.
    NewAction,
    /// Base covers the action, but not on this resource.
    WidenedResource,
    /// Base covers action and resource, but only under conditions this request does not meet.
    ConditionLoosened,
    /// A base `Deny` applied to the request; head has none that does.
    DenyRemoved,
    /// Base's permissions boundary did not allow the request.
    BoundaryLoosened,
    /// A base SCP level did not allow the request.
    ScpLoosened,
    /// The comparison could not be decided exactly for this statement.
    PossiblyBroader,
}

impl Kind {
    /// Every kind, in report order.
    pub const ALL: [Kind; 8] = [
        Kind::NewPrincipal,
        Kind::NewAction,
        Kind::WidenedResource,
        Kind::ConditionLoosened,
        Kind::DenyRemoved,
        Kind::BoundaryLoosened,
        Kind::ScpLoosened,
        Kind::PossiblyBroader,
    ];

    /// The stable kebab-case code.
    pub fn code(self) -> &'static str {
        match self {
            Kind::NewPrincipal => "new-principal",
            Kind::NewAction => "new-action",
            Kind::WidenedResource => "widened-resource",
            Kind::ConditionLoosened => "condition-loosened",
            Kind::DenyRemoved => "deny-removed",
            Kind::BoundaryLoosened => "boundary-loosened",
            Kind::ScpLoosened => "scp-loosened",
            Kind::PossiblyBroader => "possibly-broader",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// One line on what the kind flags.
    pub fn description(self) -> &'static str {
        match self {
            Kind::NewPrincipal => "a principal or policy that base does not have grants requests",
            Kind::NewAction => "actions base did not grant became allowed",
            Kind::WidenedResource => "an action base granted became allowed on more resources",
            Kind::ConditionLoosened => "a condition that limited an allowed action was removed or loosened",
            Kind::DenyRemoved => "a Deny that blocked requests was removed or narrowed",
            Kind::BoundaryLoosened => "the permissions boundary was removed or widened",
            Kind::ScpLoosened => "a service control policy was removed or widened",
            Kind::PossiblyBroader => "the change could not be compared exactly and may grant more",
        }
    }
}

/// A request head allows and base does not, with what the evaluator said.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Why base does not allow it.
    pub kind: Kind,
    /// The request (already decided: head `Allow`, base not).
    pub request: Request,
    /// Every action that behaves exactly like `request.action` for both sides (shared by the class's cells).
    pub actions: Arc<Vec<String>>,
    /// Label of the head document whose `Allow` statement grants it, and the statement index.
    pub head_statement: (String, usize),
    /// Base's decision and reason.
    pub base_decision: Option<(Decision, Reason)>,
    /// Condition keys the statements test that the request leaves absent (as written in the policies).
    pub absent_keys: Vec<String>,
    /// Context keys of the request (lowercase) → their spelling in the policies.
    pub key_names: BTreeMap<String, String>,
    /// Base statements that explain the decision (deny statements for `deny-removed`, allows that cover the
    /// action for `widened-resource`/`condition-loosened`): (label, index).
    pub base_statements: Vec<(String, usize)>,
}

/// A head statement whose comparison was inexact.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Inexact {
    /// Head document label and statement index.
    pub head_statement: (String, usize),
    /// Why.
    pub reason: String,
    /// An action of the class concerned.
    pub action: String,
}

/// The result of comparing one pair of sides.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Broadening requests, at most one per (action class, kind, head statement), deterministic order.
    pub cells: Vec<Cell>,
    /// Statements compared inexactly, when no exact broadening was found for them.
    pub inexact: Vec<Inexact>,
    /// Representative requests evaluated.
    pub requests: usize,
    /// Action classes considered.
    pub classes: usize,
}

/// Patterns that must not be split across a class (allow-list entries), so that acceptance is uniform within
/// every class.
#[derive(Debug, Clone, Default)]
pub struct Refine {
    /// Action patterns.
    pub actions: Vec<String>,
    /// Resource patterns.
    pub resources: Vec<String>,
}

struct Universe {
    names: Vec<String>,
    index: HashMap<String, usize>,
}

fn universe() -> &'static Universe {
    static U: OnceLock<Universe> = OnceLock::new();
    U.get_or_init(|| {
        // The names alone: no service of the catalog is parsed for them.
        let names: Vec<String> = pare_catalog::catalog()
            .action_names()
            .iter()
            .map(|a| a.to_string())
            .collect();
        let index = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_ascii_lowercase(), i))
            .collect();
        Universe { names, index }
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64).max(1)])
    }
    fn full(n: usize) -> Bits {
        let mut b = Bits::new(n);
        for i in 0..n {
            b.set(i);
        }
        b
    }
    fn set(&mut self, i: usize) {
        if let Some(w) = self.0.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    fn get(&self, i: usize) -> bool {
        self.0.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
    fn or(&mut self, o: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&o.0) {
            *a |= b;
        }
    }
    fn not(&self, n: usize) -> Bits {
        let mut b = Bits::new(n);
        for i in 0..n {
            if !self.get(i) {
                b.set(i);
            }
        }
        b
    }
}

/// Which side a statement belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Which {
    Base,
    Head,
}

struct Stmt<'a> {
    which: Which,
    layer: DocLayer,
    label: &'a str,
    index: usize,
    st: &'a Statement,
    vars: bool,
}

fn statements<'a>(side: &'a Side, which: Which) -> Vec<Stmt<'a>> {
    let mut out = Vec::new();
    for (layer, doc) in side.docs() {
        let vars = doc.policy.variables_enabled();
        for (index, st) in doc.policy.statements.iter().enumerate() {
            out.push(Stmt {
                which,
                layer,
                label: &doc.label,
                index,
                st,
                vars,
            });
        }
    }
    out
}

/// A readable stand-in for an action wildcard that matches no known action (`foo:*` → `foo:PareExample`).
fn action_stand_in(pattern: &str) -> String {
    pattern.replace('*', "PareExample").replace('?', "X")
}

struct ActionSets<'u> {
    uni: &'u Universe,
    extras: Vec<String>,
    cache: HashMap<String, Bits>,
}

impl ActionSets<'_> {
    fn len(&self) -> usize {
        self.uni.names.len() + self.extras.len()
    }

    fn name(&self, i: usize) -> &str {
        match self.uni.names.get(i) {
            Some(n) => n,
            None => self
                .extras
                .get(i - self.uni.names.len())
                .map(String::as_str)
                .unwrap_or_default(),
        }
    }

    fn pattern(&mut self, p: &ActionPattern) -> Bits {
        let key = p.as_str().trim().to_ascii_lowercase();
        if let Some(b) = self.cache.get(&key) {
            return b.clone();
        }
        let n = self.len();
        let mut bits = Bits::new(n);
        if p.is_any() {
            bits = Bits::full(n);
        } else {
            let raw = p.as_str().trim();
            match raw.split_once(':') {
                Some((prefix, _)) if !prefix.contains(['*', '?']) => {
                    for info in pare_catalog::catalog().expand(raw) {
                        if let Some(&i) = self.uni.index.get(&info.full_name.to_ascii_lowercase()) {
                            if p.matches(info.full_name) {
                                bits.set(i);
                            }
                        }
                    }
                }
                _ => {
                    for (i, name) in self.uni.names.iter().enumerate() {
                        if p.matches(name) {
                            bits.set(i);
                        }
                    }
                }
            }
            let base = self.uni.names.len();
            for (j, e) in self.extras.iter().enumerate() {
                if p.matches(e) {
                    bits.set(base + j);
                }
            }
        }
        self.cache.insert(key, bits.clone());
        bits
    }

    fn spec(&mut self, spec: &ActionSpec) -> Bits {
        let n = self.len();
        let mut bits = Bits::new(n);
        for p in spec.patterns() {
            let b = self.pattern(p);
            bits.or(&b);
        }
        if spec.is_not() {
            bits.not(n)
        } else {
            bits
        }
    }
}

fn is_head_allow(s: &Stmt<'_>) -> bool {
    s.which == Which::Head && s.st.effect == Effect::Allow && matches!(s.layer, DocLayer::Identity(_))
}

/// Compares `head` with `base` (`None`: base has nothing, every allowed request is new).
pub fn compare(base: Option<&Side>, head: &Side, refine: &Refine) -> Comparison {
    let empty = Side::default();
    let base_side = base.unwrap_or(&empty);
    let mut all: Vec<Stmt<'_>> = statements(head, Which::Head);
    all.extend(statements(base_side, Which::Base));
    if !all.iter().any(is_head_allow) {
        return Comparison::default();
    }

    // The action universe: the catalog, plus unknown literal actions either side names, plus a stand-in for each
    // head Allow wildcard that matches no known action.
    let uni = universe();
    let mut extras: BTreeSet<String> = BTreeSet::new();
    for s in &all {
        for p in s.st.action.patterns() {
            let raw = p.as_str().trim();
            if !p.has_wildcard() && !uni.index.contains_key(&raw.to_ascii_lowercase()) {
                extras.insert(raw.to_string());
            }
        }
    }
    let refine_actions: Vec<ActionPattern> = refine.actions.iter().map(ActionPattern::new).collect();
    let mut sets = ActionSets {
        uni,
        extras: extras.iter().cloned().collect(),
        cache: HashMap::new(),
    };
    let mut stand_ins = Vec::new();
    for s in all.iter().filter(|s| is_head_allow(s)) {
        if let ActionSpec::Action(v) = &s.st.action {
            for p in &v.items {
                if p.has_wildcard() && !p.is_any() {
                    let b = sets.pattern(p);
                    if b.0.iter().all(|w| *w == 0) {
                        stand_ins.push(action_stand_in(p.as_str().trim()));
                    }
                }
            }
        }
    }
    if !stand_ins.is_empty() {
        for s in stand_ins {
            if !sets.extras.iter().any(|e| e.eq_ignore_ascii_case(&s)) {
                sets.extras.push(s);
            }
        }
        sets.cache.clear();
    }
    let n = sets.len();
    let stmt_bits: Vec<Bits> = all.iter().map(|s| sets.spec(&s.st.action)).collect();
    let refine_bits: Vec<Bits> = refine_actions.iter().map(|p| sets.pattern(p)).collect();
    let mut reach = Bits::new(n);
    for (s, b) in all.iter().zip(&stmt_bits) {
        if is_head_allow(s) {
            reach.or(b);
        }
    }

    // Action classes: actions with the same applicable statements (and refine patterns).
    // INVARIANT: keys are compared as words of 64 statements, so no per-action allocation is needed.
    let key_bits: Vec<&Bits> = stmt_bits.iter().chain(refine_bits.iter()).collect();
    let words = key_bits.len().div_ceil(64).max(1);
    let mut class_of: HashMap<Vec<u64>, usize> = HashMap::new();
    let mut classes: Vec<(Vec<bool>, Vec<usize>)> = Vec::new();
    let mut packed = vec![0u64; words];
    for a in 0..n {
        if !reach.get(a) {
            continue;
        }
        packed.iter_mut().for_each(|w| *w = 0);
        for (i, b) in key_bits.iter().enumerate() {
            if b.get(a) {
                if let Some(w) = packed.get_mut(i / 64) {
                    *w |= 1 << (i % 64);
                }
            }
        }
        match class_of.get(&packed) {
            Some(&c) => {
                if let Some(cl) = classes.get_mut(c) {
                    cl.1.push(a);
                }
            }
            None => {
                class_of.insert(packed.clone(), classes.len());
                let key: Vec<bool> = key_bits.iter().map(|b| b.get(a)).collect();
                classes.push((key, vec![a]));
            }
        }
    }

    let head_in = head.input();
    let base_in = base.map(Side::input);
    let mut out = Comparison {
        classes: classes.len(),
        ..Default::default()
    };
    let mut sig_cache: HashMap<PatternKey, Witnesses> = HashMap::new();
    let mut seen_cells: BTreeSet<(usize, Kind, String, usize)> = BTreeSet::new();

    for (ci, (key, members)) in classes.iter().enumerate() {
        let rel: Vec<&Stmt<'_>> = all
            .iter()
            .zip(key.iter())
            .filter(|(_, k)| **k)
            .map(|(s, _)| s)
            .collect();
        // Members are in universe order: the catalog's (sorted case-insensitively), then the extras.
        let actions: Arc<Vec<String>> = Arc::new(members.iter().map(|&a| sets.name(a).to_string()).collect());
        let Some(rep) = actions.first().cloned() else {
            continue;
        };

        // Resources.
        let mut patterns: BTreeSet<(String, bool)> = BTreeSet::new();
        for s in &rel {
            if let Some(spec) = &s.st.resource {
                for p in spec.patterns() {
                    patterns.insert((p.as_str().to_string(), s.vars));
                }
            }
        }
        for r in &refine.resources {
            patterns.insert((r.clone(), false));
        }
        let patterns: Vec<(String, bool)> = patterns.into_iter().collect();
        let mut table = VarTable::default();
        let globs: Vec<Glob> = patterns
            .iter()
            .map(|(p, vars)| Glob::compile(p, Dialect::Arn, if *vars { Some(&mut table) } else { None }))
            .collect();
        let mut cond_var_keys: Vec<String> = Vec::new();
        for s in &rel {
            for c in s.st.condition.iter().flatten() {
                if c.operator.kind.takes_variables() && s.vars {
                    for e in &c.entries {
                        for v in &e.values {
                            cond_var_keys.extend(glob::var_keys(v.as_str()));
                        }
                    }
                }
            }
        }
        let var_sample = var_sample(&globs);
        let witnesses: Vec<String> = match sig_cache
            .entry(patterns.clone())
            .or_insert_with(|| resource_witnesses(&globs, &table, &var_sample))
        {
            Ok(w) => w.clone(),
            Err(_) => {
                for s in rel.iter().filter(|s| is_head_allow(s)) {
                    out.inexact.push(Inexact {
                        head_statement: (s.label.to_string(), s.index),
                        reason: "resource patterns too complex to enumerate exactly".into(),
                        action: rep.clone(),
                    });
                }
                globs
                    .iter()
                    .flat_map(|g| glob::fillings(g.toks()))
                    .map(|w| concretize(&w, &var_sample))
                    .collect()
            }
        };

        // Context.
        let mut base_req = Request::new(rep.clone(), String::new());
        for k in table.keys().iter().chain(cond_var_keys.iter()) {
            base_req
                .context
                .insert(k.clone(), ContextValue::Single(var_sample.clone()));
        }
        let mut by_key: BTreeMap<String, Vec<Clause>> = BTreeMap::new();
        let mut key_names: BTreeMap<String, String> = BTreeMap::new();
        let mut clause_seen: BTreeSet<(String, String, Vec<String>)> = BTreeSet::new();
        for s in &rel {
            for c in s.st.condition.iter().flatten() {
                for e in &c.entries {
                    let sig = (
                        e.key_lower().to_string(),
                        c.operator.canonical(),
                        e.values.iter().map(|v| v.as_str().to_string()).collect(),
                    );
                    key_names
                        .entry(e.key_lower().to_string())
                        .or_insert_with(|| e.key.clone());
                    if !clause_seen.insert(sig) {
                        continue;
                    }
                    by_key.entry(e.key_lower().to_string()).or_default().push(Clause {
                        operator: c.operator.clone(),
                        condition: Condition {
                            operator: c.operator.clone(),
                            entries: vec![e.clone()],
                        },
                    });
                }
            }
        }
        let keys: Vec<KeyClasses> = by_key
            .iter()
            .map(|(k, clauses)| context::key_classes(k, clauses, &var_sample, &base_req))
            .collect();
        let mut inexact_reason: Option<String> = keys.iter().find_map(|k| k.inexact.clone());
        let total: usize = keys
            .iter()
            .map(|k| k.values.len().max(1))
            .fold(1usize, |a, b| a.saturating_mul(b));
        let combos = total.min(MAX_COMBOS);
        if total > MAX_COMBOS {
            inexact_reason = Some(format!(
                "{total} combinations of condition values; the first {MAX_COMBOS} were compared"
            ));
        }

        let mut found_for_class = false;
        for w in &witnesses {
            for combo in 0..combos {
                let mut req = base_req.clone();
                req.resource = w.clone();
                let mut rest = combo;
                for k in &keys {
                    let len = k.values.len().max(1);
                    if let Some(Some(v)) = k.values.get(rest % len) {
                        req.context.insert(k.key.clone(), v.clone());
                    } else {
                        req.context.remove(&k.key);
                    }
                    rest /= len;
                }
                out.requests += 1;
                if decide(&head_in, &req) != Decision::Allow {
                    continue;
                }
                if base_in
                    .as_ref()
                    .is_some_and(|b| decide(b, &req) == Decision::Allow)
                {
                    continue;
                }
                let cell = explain(base, base_in.as_ref(), &head_in, req, &actions, &all);
                let Some(mut cell) = cell else { continue };
                cell.absent_keys = keys
                    .iter()
                    .filter(|k| !cell.request.context.contains_key(&k.key))
                    .map(|k| key_names.get(&k.key).cloned().unwrap_or_else(|| k.key.clone()))
                    .collect();
                cell.key_names = key_names.clone();
                found_for_class = true;
                let k = (
                    ci,
                    cell.kind,
                    cell.head_statement.0.clone(),
                    cell.head_statement.1,
                );
                if seen_cells.insert(k) {
                    out.cells.push(cell);
                }
            }
        }
        if let Some(reason) = inexact_reason {
            if !found_for_class {
                for s in rel.iter().filter(|s| is_head_allow(s)) {
                    out.inexact.push(Inexact {
                        head_statement: (s.label.to_string(), s.index),
                        reason: reason.clone(),
                        action: rep.clone(),
                    });
                }
            }
        }
    }
    out.inexact.sort();
    out.inexact.dedup_by(|a, b| a.head_statement == b.head_statement);
    out
}

/// A value for policy variables that no literal of the patterns contains, so it behaves like the opaque symbol.
fn var_sample(globs: &[Glob]) -> String {
    let lits: BTreeSet<char> = globs
        .iter()
        .flat_map(|g| g.toks().iter())
        .filter_map(|t| match t {
            glob::Tok::Lit(c) => Some(*c),
            _ => None,
        })
        .collect();
    let c = ['v', 'w', 'q', 'k', 'z', '8', '~']
        .into_iter()
        .find(|c| !lits.contains(c))
        .unwrap_or('\u{e001}');
    std::iter::repeat_n(c, 3).collect()
}

fn concretize(w: &str, var_sample: &str) -> String {
    let mut s = String::new();
    for c in w.chars() {
        if glob::is_var(c) {
            s.push_str(var_sample);
        } else {
            s.push(c);
        }
    }
    s
}

/// One concrete resource per realizable signature, readable where a filled-in pattern has the same signature.
fn resource_witnesses(
    globs: &[Glob],
    _table: &VarTable,
    var_sample: &str,
) -> Result<Vec<String>, glob::TooLarge> {
    if globs.is_empty() {
        return Ok(vec!["*".to_string()]);
    }
    let sigs = glob::signatures(globs, glob::MAX_STATES)?;
    let mut out = Vec::with_capacity(sigs.len());
    // Each readable candidate's signature, computed once.
    let candidates: Vec<(Vec<bool>, String)> = globs
        .iter()
        .flat_map(|g| glob::fillings(g.toks()))
        .map(|c| (glob::signature_of(globs, &c), c))
        .collect();
    for (sig, witness) in &sigs {
        let nice = if sig.iter().all(|b| !*b) {
            // Matches nothing: a plausible ARN outside every pattern, if one exists.
            [
                "arn:aws:s3:::pare-other-bucket",
                "arn:aws:iam::999999999999:role/pare-other",
                "pare-other",
            ]
            .into_iter()
            .map(str::to_string)
            .find(|c| &glob::signature_of(globs, c) == sig)
        } else {
            candidates.iter().find(|(s, _)| s == sig).map(|(_, c)| c.clone())
        };
        let chosen: String = nice.unwrap_or_else(|| witness.clone());
        out.push(concretize(&chosen, var_sample));
    }
    Ok(out)
}

/// Why base does not allow `req`, which head allows; `None` if the evaluator disagrees on a re-check.
fn explain(
    base: Option<&Side>,
    base_in: Option<&pare_policy::EvalInput<'_>>,
    head_in: &pare_policy::EvalInput<'_>,
    req: Request,
    actions: &Arc<Vec<String>>,
    all: &[Stmt<'_>],
) -> Option<Cell> {
    let he = evaluate(head_in, &req);
    if he.decision != Decision::Allow {
        return None;
    }
    let head_statement = he
        .matched
        .iter()
        .find(|m| m.effect == Effect::Allow && m.layer == Layer::Identity)
        .map(|m| (m.source.to_string(), m.index))?;
    let (kind, base_decision, base_statements) = match (base, base_in) {
        (Some(_), Some(bin)) => {
            let be = evaluate(bin, &req);
            if be.decision == Decision::Allow {
                return None;
            }
            let matched: Vec<(String, usize)> = be
                .matched
                .iter()
                .map(|m| (m.source.to_string(), m.index))
                .collect();
            match be.reason {
                Reason::ExplicitDeny => (Kind::DenyRemoved, Some((be.decision, be.reason)), matched),
                Reason::BoundaryDoesNotAllow => {
                    (Kind::BoundaryLoosened, Some((be.decision, be.reason)), matched)
                }
                Reason::ScpDoesNotAllow(_) => (Kind::ScpLoosened, Some((be.decision, be.reason)), matched),
                _ => {
                    let base_allows = all.iter().filter(|s| {
                        s.which == Which::Base
                            && s.st.effect == Effect::Allow
                            && matches!(s.layer, DocLayer::Identity(_))
                    });
                    let on_action: Vec<&Stmt<'_>> = base_allows
                        .filter(|s| s.st.action.applies_to(&req.action))
                        .collect();
                    let on_resource: Vec<&Stmt<'_>> = on_action
                        .iter()
                        .copied()
                        .filter(|s| s.st.resource.as_ref().is_none_or(|r| r.applies_to(&req)))
                        .collect();
                    let (kind, stmts) = if on_action.is_empty() {
                        (Kind::NewAction, Vec::new())
                    } else if on_resource.is_empty() {
                        (Kind::WidenedResource, on_action)
                    } else {
                        (Kind::ConditionLoosened, on_resource)
                    };
                    (
                        kind,
                        Some((be.decision, be.reason)),
                        stmts.iter().map(|s| (s.label.to_string(), s.index)).collect(),
                    )
                }
            }
        }
        _ => (Kind::NewPrincipal, None, Vec::new()),
    };
    Some(Cell {
        kind,
        request: req,
        actions: Arc::clone(actions),
        head_statement,
        base_decision,
        absent_keys: Vec::new(),
        key_names: BTreeMap::new(),
        base_statements,
    })
}

/// Whether a resource pattern (as an allow-list entry writes it) covers `resource`.
pub fn resource_pattern_matches(pattern: &str, resource: &str) -> bool {
    ResourcePattern::new(pattern, false).matches(resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_codes_are_unique_and_round_trip() {
        let mut codes: Vec<&str> = Kind::ALL.iter().map(|k| k.code()).collect();
        for k in Kind::ALL {
            assert_eq!(Kind::from_code(k.code()), Some(k));
            assert!(!k.description().is_empty());
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Kind::ALL.len());
    }
}
