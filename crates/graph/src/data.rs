//! The data tables the graph embeds: escalation methods (`data/escalation-methods.json`) and the rules for
//! actions CloudTrail cannot show (`data/unobservable.json`). Parsed once; a table that fails to parse is empty
//! and [`load_errors`] says why (a test asserts there are none).

use serde::Deserialize;
use std::sync::OnceLock;

static ESCALATION_JSON: &str = include_str!("../data/escalation-methods.json");
static UNOBSERVABLE_JSON: &str = include_str!("../data/unobservable.json");

/// The kind of target an escalation method reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// A customer managed policy attached to the principal (directly or through a group).
    AttachedPolicy,
    /// The principal itself, a user.
    SelfUser,
    /// A group the principal (a user) belongs to.
    OwnGroup,
    /// The principal itself (a role), or a role it can assume.
    OwnRole,
    /// Another user.
    User,
    /// A group the principal could join.
    Group,
    /// Any role.
    Role,
    /// A role that trusts the method's service and that the principal may pass.
    PassRole,
    /// A role that trusts the method's service, used by an existing resource of that service.
    ServiceRole,
    /// A role whose trust policy trusts the principal.
    TrustingRole,
}

/// What the principal obtains through a method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grants {
    /// Any permission it writes for itself: admin-equivalent at once.
    Arbitrary,
    /// The permissions of the target principal.
    Target,
}

/// One escalation method of the table.
#[derive(Debug, Clone, Deserialize)]
pub struct Method {
    /// Stable kebab-case id.
    pub id: String,
    /// The method's number in Rhino Security Labs' list, when it comes from there.
    #[serde(default)]
    pub rhino: Option<u32>,
    /// What the method does.
    pub name: String,
    /// The IAM actions it needs (all of them).
    pub actions: Vec<String>,
    /// What it reaches.
    pub target: TargetKind,
    /// The service principal the passed or used role must trust (`lambda.amazonaws.com`).
    #[serde(default)]
    pub service: Option<String>,
    /// What the principal obtains.
    pub grants: Grants,
    /// A limit of the check, shown with each path that uses the method.
    #[serde(default)]
    pub caveat: Option<String>,
}

#[derive(Debug, Deserialize)]
struct EscalationFile {
    about: String,
    methods: Vec<Method>,
    admin_probes: Probes,
}

#[derive(Debug, Deserialize)]
struct Probes {
    about: String,
    actions: Vec<String>,
}

/// One rule of the unobservable table.
#[derive(Debug, Clone, Deserialize)]
pub struct UnobservableRule {
    /// The reason code (`data-event`, `pass-role`).
    pub id: String,
    /// Action patterns it covers.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// With `resource_type`: every action of this service prefix that can be scoped to that resource type.
    #[serde(default)]
    pub prefix: Option<String>,
    /// See `prefix`.
    #[serde(default)]
    pub resource_type: Option<String>,
    /// Why CloudTrail does not show it.
    pub reason: String,
    /// The AWS documentation that says so.
    pub doc: String,
}

#[derive(Debug, Deserialize)]
struct UnobservableFile {
    #[allow(dead_code)]
    about: String,
    rules: Vec<UnobservableRule>,
}

/// The embedded tables.
#[derive(Debug)]
pub struct Tables {
    /// Escalation methods, in table order.
    pub methods: Vec<Method>,
    /// What the escalation table says about its source.
    pub methods_about: String,
    /// Actions a principal must be allowed on `*` to count as admin-equivalent.
    pub admin_probes: Vec<String>,
    /// How admin-equivalence is decided.
    pub admin_probes_about: String,
    /// Rules for actions CloudTrail cannot show.
    pub unobservable: Vec<UnobservableRule>,
    /// Problems parsing the embedded tables (empty in a correct build).
    pub errors: Vec<String>,
}

/// The embedded tables, parsed on first use.
pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(load)
}

/// Problems met parsing the embedded tables.
pub fn load_errors() -> &'static [String] {
    &tables().errors
}

fn load() -> Tables {
    let mut errors = Vec::new();
    let (methods, methods_about, admin_probes, admin_probes_about) =
        match serde_json::from_str::<EscalationFile>(ESCALATION_JSON) {
            Ok(f) => (f.methods, f.about, f.admin_probes.actions, f.admin_probes.about),
            Err(e) => {
                errors.push(format!("embedded escalation-methods.json: {e}"));
                (Vec::new(), String::new(), Vec::new(), String::new())
            }
        };
    let unobservable = match serde_json::from_str::<UnobservableFile>(UNOBSERVABLE_JSON) {
        Ok(f) => f.rules,
        Err(e) => {
            errors.push(format!("embedded unobservable.json: {e}"));
            Vec::new()
        }
    };
    Tables {
        methods,
        methods_about,
        admin_probes,
        admin_probes_about,
        unobservable,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_and_name_real_actions() {
        let t = tables();
        assert!(t.errors.is_empty(), "{:?}", t.errors);
        assert!(t.methods.len() >= 25);
        let cat = pare_catalog::catalog();
        for m in &t.methods {
            for a in &m.actions {
                assert!(
                    cat.action(a).is_some(),
                    "method {} names unknown action {a}",
                    m.id
                );
            }
            let needs_service = matches!(m.target, TargetKind::PassRole | TargetKind::ServiceRole);
            assert_eq!(needs_service, m.service.is_some(), "method {}", m.id);
        }
        for a in &t.admin_probes {
            assert!(cat.action(a).is_some(), "probe {a}");
        }
        for r in &t.unobservable {
            for p in &r.patterns {
                assert!(
                    !cat.expand(p).is_empty(),
                    "rule {} pattern {p} matches nothing",
                    r.id
                );
            }
        }
    }

    #[test]
    fn method_ids_are_unique() {
        let mut ids: Vec<_> = tables().methods.iter().map(|m| m.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
