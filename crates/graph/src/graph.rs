//! Building the permission graph from a snapshot and a usage summary.

use crate::authz::{self, Decision, PolicySet};
use crate::model::{Attachment, Edge, Node, PrincipalKind};
use crate::report::{DocumentError, StatementRef};
use pare_load::snapshot::{self, PolicyDocument, Snapshot};
use pare_policy::Policy;
use pare_trail::usage::{PrincipalType, UsageSummary};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One policy document of the snapshot, parsed.
#[derive(Debug)]
pub struct PolicyEntry {
    /// The policy name.
    pub name: String,
    /// The managed policy ARN.
    pub arn: Option<String>,
    /// How it is attached (a managed policy attached to several principals is one entry).
    pub attachment: Attachment,
    /// Where the document was read.
    pub file: String,
    /// JSON path of the document.
    pub json_path: String,
    /// The parsed document; `None` when it does not parse (the error is in [`PermissionGraph::errors`]).
    pub policy: Option<Policy>,
    /// The document with conditions on unknown keys assumed to hold, one copy per set of known keys (see
    /// [`crate::authz`]); empty when the document has no conditions.
    pub(crate) optimistic: Vec<Policy>,
    /// The graph node.
    pub node: NodeIndex,
}

/// A statement of a policy reached through a principal: which policy, which statement, and the group it comes
/// through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StmtKey {
    /// Index into [`PermissionGraph::policies`].
    pub policy: usize,
    /// Statement index in the document.
    pub statement: usize,
}

/// A principal of the graph: declared in the snapshot, observed in the usage, or both.
#[derive(Debug)]
pub struct PrincipalEntry {
    /// ARN (or the usage summary's identifier).
    pub arn: String,
    /// Kind.
    pub kind: PrincipalKind,
    /// Index in the snapshot's principals, when declared.
    pub declared: Option<usize>,
    /// Index in the usage summary's principals, when observed.
    pub observed: Option<usize>,
    /// Identity policies: own inline and managed, then each group's (policy index, group ARN).
    pub identity: Vec<(usize, Option<String>)>,
    /// Permissions boundary policy index.
    pub boundary: Option<usize>,
    /// Trust policy index (roles).
    pub trust: Option<usize>,
    /// Group ARNs (users).
    pub groups: Vec<String>,
    /// The graph node.
    pub node: NodeIndex,
}

impl PrincipalEntry {
    /// Whether the principal can make requests (users and roles; groups cannot).
    pub fn acts(&self) -> bool {
        matches!(self.kind, PrincipalKind::User | PrincipalKind::Role)
    }

    /// The account id in its ARN.
    pub fn account(&self) -> Option<&str> {
        account_of(&self.arn)
    }
}

/// The account id of an ARN (`arn:aws:iam::111122223333:user/x` → `111122223333`).
pub(crate) fn account_of(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    parts.nth(3).filter(|a| !a.is_empty())
}

/// The permission graph: principals, policies, statements, action patterns, resource patterns and observed
/// resources as petgraph nodes, with attached-to, member-of, grants, used, can-assume and assumed edges.
/// Queries live in [`crate::query`]; [`PermissionGraph::analyze`] runs them all.
pub struct PermissionGraph<'a> {
    pub(crate) snapshot: &'a Snapshot,
    pub(crate) usage: &'a UsageSummary,
    pub(crate) graph: DiGraph<Node, Edge>,
    pub(crate) policies: Vec<PolicyEntry>,
    pub(crate) principals: BTreeMap<String, PrincipalEntry>,
    pub(crate) scps: Vec<usize>,
    pub(crate) errors: Vec<DocumentError>,
    pub(crate) cache: crate::query::Cache,
    /// `policies[i]`'s label for the evaluator: `i` in decimal, so matched statements map back.
    pub(crate) labels: Vec<String>,
    /// `policies[i]`'s canonical index: the first policy with the same document, so principals whose policies
    /// have the same content (an inline policy copied to each role, say) share one computation.
    pub(crate) canon: Vec<usize>,
    /// `policies[i]` decides differently for different principals with the same policies: it uses policy
    /// variables or conditions on the principal's own keys.
    pub(crate) dependent: Vec<bool>,
    content_index: HashMap<String, usize>,
    node_index: HashMap<(u8, String), NodeIndex>,
}

impl<'a> PermissionGraph<'a> {
    /// Builds the graph. Documents that do not parse are recorded in [`errors`](Self::errors) and left out;
    /// nothing else can fail.
    pub fn build(snapshot: &'a Snapshot, usage: &'a UsageSummary) -> PermissionGraph<'a> {
        let mut g = PermissionGraph {
            snapshot,
            usage,
            graph: DiGraph::new(),
            policies: Vec::new(),
            principals: BTreeMap::new(),
            scps: Vec::new(),
            errors: Vec::new(),
            cache: crate::query::Cache::default(),
            labels: Vec::new(),
            canon: Vec::new(),
            dependent: Vec::new(),
            content_index: HashMap::new(),
            node_index: HashMap::new(),
        };
        g.add_declared();
        g.add_observed();
        g.add_trust_edges();
        g
    }

    /// The petgraph graph.
    pub fn graph(&self) -> &DiGraph<Node, Edge> {
        &self.graph
    }

    /// Documents that could not be parsed.
    pub fn errors(&self) -> &[DocumentError] {
        &self.errors
    }

    /// Every principal (declared or observed), by ARN.
    pub fn principals(&self) -> impl Iterator<Item = &PrincipalEntry> {
        self.principals.values()
    }

    /// One principal by ARN.
    pub fn principal(&self, arn: &str) -> Option<&PrincipalEntry> {
        self.principals.get(arn)
    }

    /// The parsed policies.
    pub fn policies(&self) -> &[PolicyEntry] {
        &self.policies
    }

    /// The snapshot the graph was built from.
    pub fn snapshot(&self) -> &Snapshot {
        self.snapshot
    }

    /// The usage summary the graph was built from.
    pub fn usage(&self) -> &UsageSummary {
        self.usage
    }

    /// The statement reference shown to users.
    pub fn statement_ref(&self, key: StmtKey, via_group: Option<&str>) -> StatementRef {
        let p = self.policies.get(key.policy);
        let sid = p
            .and_then(|p| p.policy.as_ref())
            .and_then(|pol| pol.statements.get(key.statement))
            .and_then(|s| s.sid.clone());
        StatementRef {
            policy: p.map(|p| p.name.clone()).unwrap_or_default(),
            policy_arn: p.and_then(|p| p.arn.clone()),
            attachment: p.map(|p| p.attachment.as_str()).unwrap_or("inline"),
            via_group: via_group.map(str::to_string),
            sid,
            index: key.statement,
            file: p.map(|p| p.file.clone()).unwrap_or_default(),
            json_path: p.map(|p| p.json_path.clone()).unwrap_or_default(),
        }
    }

    /// The policy set the evaluator sees for a principal: its identity policies (own and its groups'), its
    /// boundary and the snapshot's SCPs.
    pub(crate) fn policy_set(&self, p: &PrincipalEntry) -> PolicySet {
        PolicySet {
            identity: p.identity.iter().map(|(i, _)| *i).collect(),
            boundary: p.boundary,
            scps: self.scps.clone(),
            resource: None,
        }
    }

    /// The group a policy reaches a principal through.
    pub(crate) fn via_group<'p>(&self, p: &'p PrincipalEntry, policy: usize) -> Option<&'p str> {
        p.identity
            .iter()
            .find(|(i, _)| *i == policy)
            .and_then(|(_, g)| g.as_deref())
    }

    /// Roles a principal can assume according to the trust policies (checked with the evaluator).
    pub fn can_assume(&self, arn: &str) -> Vec<&str> {
        self.can_assume_detail(arn).into_iter().map(|(r, _)| r).collect()
    }

    /// Like [`Self::can_assume`], with whether it holds only if conditions hold.
    pub fn can_assume_detail(&self, arn: &str) -> Vec<(&str, bool)> {
        let Some(p) = self.principals.get(arn) else {
            return Vec::new();
        };
        let mut out: Vec<(&str, bool)> = self
            .graph
            .edges_directed(p.node, Direction::Outgoing)
            .filter_map(|e| match (e.weight(), &self.graph[e.target()]) {
                (Edge::CanAssume { conditional }, Node::Principal { arn, .. }) => {
                    Some((arn.as_str(), *conditional))
                }
                _ => None,
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Assume-role chains starting at a principal, following can-assume and assumed edges (each role once):
    /// every chain is a list of role ARNs, the first assumed directly by the principal.
    pub fn assume_chains(&self, arn: &str) -> Vec<Vec<String>> {
        let Some(p) = self.principals.get(arn) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut stack: Vec<(NodeIndex, Vec<String>)> = vec![(p.node, Vec::new())];
        while let Some((node, path)) = stack.pop() {
            let mut next: BTreeSet<String> = BTreeSet::new();
            for e in self.graph.edges_directed(node, Direction::Outgoing) {
                if matches!(e.weight(), Edge::CanAssume { .. } | Edge::Assumed { .. }) {
                    if let Node::Principal { arn: role, .. } = &self.graph[e.target()] {
                        if role != arn && !path.contains(role) {
                            next.insert(role.clone());
                        }
                    }
                }
            }
            if next.is_empty() && !path.is_empty() {
                out.push(path.clone());
            }
            for role in next.into_iter().rev() {
                if let Some(r) = self.principals.get(&role) {
                    let mut path = path.clone();
                    path.push(role);
                    stack.push((r.node, path));
                }
            }
        }
        out.sort();
        out
    }

    fn node(&mut self, tag: u8, key: &str, make: impl FnOnce() -> Node) -> NodeIndex {
        if let Some(&n) = self.node_index.get(&(tag, key.to_string())) {
            return n;
        }
        let n = self.graph.add_node(make());
        self.node_index.insert((tag, key.to_string()), n);
        n
    }

    /// The node of a principal (any kind) by ARN or service name.
    pub(crate) fn principal_index(&self, arn: &str) -> Option<NodeIndex> {
        self.node_index.get(&(0, arn.to_string())).copied()
    }

    pub(crate) fn principal_node(&mut self, arn: &str, kind: PrincipalKind) -> NodeIndex {
        self.node(0, arn, || Node::Principal {
            arn: arn.to_string(),
            kind,
        })
    }

    fn add_policy(&mut self, owner: &str, doc: &PolicyDocument, attachment: Attachment) -> usize {
        let key = match (&doc.arn, attachment) {
            (Some(arn), Attachment::Managed | Attachment::Boundary) => arn.clone(),
            _ => format!("{owner}\u{0}{}\u{0}{}", attachment.as_str(), doc.name),
        };
        if let Some(&n) = self.node_index.get(&(1, key.clone())) {
            if let Node::Policy(i) = self.graph[n] {
                return i;
            }
        }
        let index = self.policies.len();
        let node = self.graph.add_node(Node::Policy(index));
        self.node_index.insert((1, key), node);
        let parsed = match Policy::from_value(&doc.document) {
            Ok(p) => Some(p),
            Err(e) => {
                self.errors.push(DocumentError {
                    principal: owner.to_string(),
                    policy: doc.name.clone(),
                    file: doc.origin.file.clone(),
                    json_path: doc.origin.json_path.clone(),
                    message: e.to_string(),
                });
                None
            }
        };
        let text = doc.document.to_string();
        let dependent = text.contains("${")
            || parsed.as_ref().is_some_and(|p| {
                p.statements
                    .iter()
                    .flat_map(|st| st.condition.iter().flatten())
                    .flat_map(|c| c.entries.iter())
                    .any(|e| authz::is_principal_key(e.key_lower()))
            });
        let canon = if parsed.is_some() {
            *self.content_index.entry(text).or_insert(index)
        } else {
            index
        };
        let optimistic = match &parsed {
            Some(p) if authz::has_conditions(p) => authz::optimistic_variants(p),
            _ => Vec::new(),
        };
        self.policies.push(PolicyEntry {
            name: doc.name.clone(),
            arn: doc.arn.clone(),
            attachment,
            file: doc.origin.file.clone(),
            json_path: doc.origin.json_path.clone(),
            policy: parsed,
            optimistic,
            node,
        });
        self.labels.push(index.to_string());
        self.canon.push(canon);
        self.dependent.push(dependent);
        self.add_statements(index);
        index
    }

    fn add_statements(&mut self, index: usize) {
        let Some(entry) = self.policies.get(index) else {
            return;
        };
        let policy_node = entry.node;
        let Some(policy) = entry.policy.clone() else {
            return;
        };
        for (si, st) in policy.statements.iter().enumerate() {
            let sn = self.graph.add_node(Node::Statement(index, si));
            self.graph.add_edge(policy_node, sn, Edge::Contains);
            let resources: Vec<String> = match &st.resource {
                Some(r) => r
                    .patterns()
                    .iter()
                    .map(|p| {
                        if r.is_not() {
                            format!("!{}", p.as_str())
                        } else {
                            p.as_str().to_string()
                        }
                    })
                    .collect(),
                None => vec!["*".to_string()],
            };
            for r in &resources {
                let rn = self.node(2, r, || Node::ResourcePattern(r.clone()));
                self.graph.add_edge(sn, rn, Edge::Scopes);
            }
            for pat in st.action.patterns() {
                let key = pat.as_str().to_ascii_lowercase();
                let an = self.node(3, &key, || Node::Action(pat.as_str().to_string()));
                self.graph.add_edge(
                    sn,
                    an,
                    Edge::Grants {
                        allow: st.effect == pare_policy::Effect::Allow,
                        not_action: st.action.is_not(),
                        resources: resources.clone(),
                        conditional: st.condition.is_some(),
                    },
                );
            }
        }
    }

    fn add_declared(&mut self) {
        let snapshot = self.snapshot;
        for (i, doc) in snapshot.scps.iter().enumerate() {
            let idx = self.add_policy(&format!("scp:{i}"), doc, Attachment::Managed);
            self.scps.push(idx);
        }
        // Groups first, so users can link their group policies.
        let mut group_policies: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in snapshot.principals.iter().enumerate() {
            if p.kind != snapshot::PrincipalKind::Group {
                continue;
            }
            let node = self.principal_node(&p.arn, PrincipalKind::Group);
            let mut own = Vec::new();
            for d in &p.inline {
                own.push(self.attach(&p.arn, d, Attachment::Inline, node));
            }
            for d in &p.attached {
                own.push(self.attach(&p.arn, d, Attachment::Managed, node));
            }
            group_policies.insert(p.arn.clone(), own.clone());
            self.principals.insert(
                p.arn.clone(),
                PrincipalEntry {
                    arn: p.arn.clone(),
                    kind: PrincipalKind::Group,
                    declared: Some(i),
                    observed: None,
                    identity: own.into_iter().map(|x| (x, None)).collect(),
                    boundary: None,
                    trust: None,
                    groups: Vec::new(),
                    node,
                },
            );
        }
        for (i, p) in snapshot.principals.iter().enumerate() {
            let kind = match p.kind {
                snapshot::PrincipalKind::User => PrincipalKind::User,
                snapshot::PrincipalKind::Role => PrincipalKind::Role,
                snapshot::PrincipalKind::Group => continue,
            };
            let node = self.principal_node(&p.arn, kind);
            let mut identity = Vec::new();
            for d in &p.inline {
                identity.push((self.attach(&p.arn, d, Attachment::Inline, node), None));
            }
            for d in &p.attached {
                identity.push((self.attach(&p.arn, d, Attachment::Managed, node), None));
            }
            for g in &p.groups {
                let gn = self.principal_node(g, PrincipalKind::Group);
                self.graph.add_edge(node, gn, Edge::MemberOf);
                for &pi in group_policies.get(g).map(Vec::as_slice).unwrap_or(&[]) {
                    identity.push((pi, Some(g.clone())));
                }
            }
            let boundary = p
                .boundary
                .as_ref()
                .map(|d| self.attach(&p.arn, d, Attachment::Boundary, node));
            let trust = p
                .trust
                .as_ref()
                .map(|d| self.attach(&p.arn, d, Attachment::Trust, node));
            self.principals.insert(
                p.arn.clone(),
                PrincipalEntry {
                    arn: p.arn.clone(),
                    kind,
                    declared: Some(i),
                    observed: None,
                    identity,
                    boundary,
                    trust,
                    groups: p.groups.clone(),
                    node,
                },
            );
        }
    }

    fn attach(
        &mut self,
        owner: &str,
        doc: &PolicyDocument,
        attachment: Attachment,
        node: NodeIndex,
    ) -> usize {
        let idx = self.add_policy(owner, doc, attachment);
        if let Some(pn) = self.policies.get(idx).map(|p| p.node) {
            self.graph.add_edge(pn, node, Edge::AttachedTo(attachment));
        }
        idx
    }

    fn add_observed(&mut self) {
        let usage = self.usage;
        for (i, pu) in usage.principals.iter().enumerate() {
            let node = match self.principals.get_mut(&pu.arn) {
                Some(entry) => {
                    entry.observed = Some(i);
                    entry.node
                }
                None => {
                    let kind = PrincipalKind::Undeclared;
                    let node = self.principal_node(&pu.arn, kind);
                    self.principals.insert(
                        pu.arn.clone(),
                        PrincipalEntry {
                            arn: pu.arn.clone(),
                            kind,
                            declared: None,
                            observed: Some(i),
                            identity: Vec::new(),
                            boundary: None,
                            trust: None,
                            groups: Vec::new(),
                            node,
                        },
                    );
                    node
                }
            };
            for a in &pu.actions {
                let key = a.action.to_ascii_lowercase();
                let an = self.node(3, &key, || Node::Action(a.action.clone()));
                self.graph.add_edge(
                    node,
                    an,
                    Edge::Used {
                        count: a.count,
                        denied: a.denied,
                        first_seen: a.first_seen.clone(),
                        last_seen: a.last_seen.clone(),
                    },
                );
                let assume = is_assume_role_action(&a.action);
                for r in &a.resources {
                    if r == pare_trail::usage::ANY_RESOURCE {
                        continue;
                    }
                    let rn = self.node(4, r, || Node::Resource(r.clone()));
                    self.graph.add_edge(
                        node,
                        rn,
                        Edge::Touched {
                            action: a.action.clone(),
                        },
                    );
                    if assume && is_role_arn(r) {
                        let target = self.principal_node(r, PrincipalKind::Role);
                        self.graph.add_edge(
                            node,
                            target,
                            Edge::Assumed {
                                count: a.count,
                                denied: a.denied,
                                first_seen: a.first_seen.clone(),
                                last_seen: a.last_seen.clone(),
                            },
                        );
                    }
                }
            }
        }
    }

    /// Can-assume edges: for every role with a trust policy, every declared user or role, every account and
    /// service the trust policy names, checked with the evaluator (trust policy as the resource policy, the
    /// caller's identity policies, boundary and SCPs).
    fn add_trust_edges(&mut self) {
        let roles: Vec<(String, usize, NodeIndex)> = self
            .principals
            .values()
            .filter(|p| p.kind == PrincipalKind::Role)
            .filter_map(|p| p.trust.map(|t| (p.arn.clone(), t, p.node)))
            .collect();
        // (caller, whether an identity statement of it covers sts:AssumeRole), computed once per caller.
        let callers: Vec<(String, bool)> = self
            .principals
            .values()
            .filter(|p| p.declared.is_some() && p.acts())
            .map(|p| (p.arn.clone(), self.may_assume_roles(p)))
            .collect();
        let mut edges = Vec::new();
        for (role, trust, role_node) in &roles {
            let named = self.trust_named_principals(*trust);
            // Named services and accounts.
            for (kind, name) in &named {
                let decision = authz::assume(
                    self,
                    &PolicySet::default(),
                    *trust,
                    &authz::request("sts:AssumeRole", role, name, None),
                );
                if decision.allowed() {
                    let conditional = matches!(decision, Decision::AllowIfConditions(_));
                    edges.push((name.clone(), *kind, *role_node, conditional));
                }
            }
            // Declared users and roles. Only a trust policy naming the caller (or `*`) allows without the
            // caller's own permission; otherwise the caller needs an identity statement covering
            // sts:AssumeRole: a cheap filter before the evaluator.
            let open = self.trust_names(*trust);
            for (caller, may_assume) in &callers {
                if caller == role {
                    continue;
                }
                if !may_assume && !open.iter().any(|n| n == "*" || n == caller) {
                    continue;
                }
                let Some(p) = self.principals.get(caller) else {
                    continue;
                };
                let set = self.policy_set(p);
                let decision =
                    authz::assume(self, &set, *trust, &authz::request_for(p, "sts:AssumeRole", role));
                if decision.allowed() {
                    let conditional = matches!(decision, Decision::AllowIfConditions(_));
                    edges.push((caller.clone(), p.kind, *role_node, conditional));
                }
            }
        }
        for (from, kind, to, conditional) in edges {
            let n = self.principal_node(&from, kind);
            self.graph.add_edge(n, to, Edge::CanAssume { conditional });
        }
    }

    /// Every principal value (`*` included) the Allow statements of a trust policy name.
    fn trust_names(&self, trust: usize) -> Vec<String> {
        let Some(policy) = self.policies.get(trust).and_then(|p| p.policy.as_ref()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for st in policy
            .statements
            .iter()
            .filter(|s| s.effect == pare_policy::Effect::Allow)
        {
            match &st.principal {
                Some(pare_policy::PrincipalSpec::Principal(pare_policy::Principals::Any)) => {
                    out.push("*".to_string())
                }
                Some(pare_policy::PrincipalSpec::Principal(pare_policy::Principals::Map(map))) => {
                    out.extend(map.iter().flat_map(|(_, v)| v.items.iter().cloned()));
                }
                // NotPrincipal in an Allow: treat as open.
                Some(pare_policy::PrincipalSpec::NotPrincipal(_)) => out.push("*".to_string()),
                None => {}
            }
        }
        out
    }

    /// Whether an identity Allow statement of the principal covers `sts:AssumeRole`.
    fn may_assume_roles(&self, p: &PrincipalEntry) -> bool {
        p.identity.iter().any(|(i, _)| {
            self.policies
                .get(*i)
                .and_then(|e| e.policy.as_ref())
                .is_some_and(|pol| {
                    pol.statements.iter().any(|st| {
                        st.effect == pare_policy::Effect::Allow && st.action.applies_to("sts:AssumeRole")
                    })
                })
        })
    }

    /// Services (`lambda.amazonaws.com`) and accounts (`arn:aws:iam::<id>:root`) a trust policy's Allow
    /// statements name.
    fn trust_named_principals(&self, trust: usize) -> Vec<(PrincipalKind, String)> {
        let mut out = BTreeSet::new();
        let Some(policy) = self.policies.get(trust).and_then(|p| p.policy.as_ref()) else {
            return Vec::new();
        };
        for st in &policy.statements {
            if st.effect != pare_policy::Effect::Allow {
                continue;
            }
            let Some(pare_policy::PrincipalSpec::Principal(pare_policy::Principals::Map(map))) =
                &st.principal
            else {
                continue;
            };
            for (kind, values) in map {
                for v in &values.items {
                    match kind {
                        pare_policy::PrincipalKind::Service => {
                            out.insert((PrincipalKind::Service, v.clone()));
                        }
                        pare_policy::PrincipalKind::Aws => {
                            if v.len() == 12 && v.bytes().all(|b| b.is_ascii_digit()) {
                                out.insert((PrincipalKind::Account, format!("arn:aws:iam::{v}:root")));
                            } else if v.ends_with(":root") {
                                out.insert((PrincipalKind::Account, v.clone()));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        out.into_iter().collect()
    }

    /// The kind of a usage principal type.
    pub(crate) fn usage_type_name(t: PrincipalType) -> String {
        format!("{t:?}")
    }
}

/// `sts:AssumeRole`, `sts:AssumeRoleWithSAML`, `sts:AssumeRoleWithWebIdentity`.
pub(crate) fn is_assume_role_action(action: &str) -> bool {
    action
        .get(..14)
        .is_some_and(|p| p.eq_ignore_ascii_case("sts:AssumeRole"))
}

/// `arn:<partition>:iam::<account>:role/...`.
pub(crate) fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    parts.len() == 6
        && parts.first() == Some(&"arn")
        && parts.get(2) == Some(&"iam")
        && parts.get(5).is_some_and(|r| r.starts_with("role/"))
}

/// Whether a decision allows.
impl Decision {
    /// `true` for an allow.
    pub fn allowed(&self) -> bool {
        matches!(self, Decision::Allow(_) | Decision::AllowIfConditions(_))
    }
}
