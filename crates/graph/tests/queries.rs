//! Graph construction and every query on the hand-written account in `fixtures/graph/` (a developer user in a
//! group with a boundary, a deploy role, a break-glass admin role, Lambda and CodeBuild service roles, an
//! MFA-guarded auditor role, a CI user, a user with no usage, and one principal the snapshot does not declare).

#![allow(clippy::panic, clippy::unwrap_used)]

use pare_graph::report::PrincipalAnalysis;
use pare_graph::{Decision, Edge, Node, PermissionGraph, PrincipalKind};
use pare_load::snapshot::Snapshot;
use pare_trail::usage::UsageSummary;
use std::path::PathBuf;

const A: &str = "arn:aws:iam::111122223333";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/graph")
}

fn load() -> (Snapshot, UsageSummary) {
    let s = Snapshot::read(fixtures().join("snapshot.json")).unwrap();
    let u = UsageSummary::read(fixtures().join("usage.json")).unwrap();
    (s, u)
}

fn arn(rest: &str) -> String {
    format!("{A}:{rest}")
}

fn analysis(g: &PermissionGraph<'_>, rest: &str) -> PrincipalAnalysis {
    g.analyze_principal(&arn(rest)).unwrap()
}

fn edges<'g>(g: &'g PermissionGraph<'_>, from: &str, pred: impl Fn(&Edge) -> bool) -> Vec<&'g str> {
    let graph = g.graph();
    let mut out: Vec<&str> = graph
        .edge_indices()
        .filter_map(|e| {
            let (a, b) = graph.edge_endpoints(e)?;
            let (Node::Principal { arn: fa, .. }, Node::Principal { arn: tb, .. }) = (&graph[a], &graph[b])
            else {
                return None;
            };
            (fa == from && pred(&graph[e])).then_some(tb.as_str())
        })
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn builds_nodes_and_edges() {
    let (s, u) = load();
    let g = PermissionGraph::build(&s, &u);
    assert!(g.errors().is_empty(), "{:?}", g.errors());
    let graph = g.graph();
    let count = |f: &dyn Fn(&Node) -> bool| graph.node_weights().filter(|n| f(n)).count();
    // 8 users and roles + 1 group declared, 1 undeclared, 4 services and accounts named in trust policies.
    assert_eq!(
        count(&|n| matches!(
            n,
            Node::Principal {
                kind: PrincipalKind::Undeclared,
                ..
            }
        )),
        1
    );
    assert_eq!(
        count(&|n| matches!(
            n,
            Node::Principal {
                kind: PrincipalKind::Group,
                ..
            }
        )),
        1
    );
    assert_eq!(
        count(&|n| matches!(
            n,
            Node::Principal {
                kind: PrincipalKind::Service,
                ..
            }
        )),
        2
    );
    assert_eq!(
        count(&|n| matches!(
            n,
            Node::Principal {
                kind: PrincipalKind::Account,
                ..
            }
        )),
        1
    );
    // AdministratorAccess is attached to two roles but is one policy node.
    let admin_policy = g
        .policies()
        .iter()
        .filter(|p| p.arn.as_deref() == Some("arn:aws:iam::aws:policy/AdministratorAccess"))
        .count();
    assert_eq!(admin_policy, 1);
    assert!(count(&|n| matches!(n, Node::Statement(..))) >= 20);
    assert!(graph
        .node_weights()
        .any(|n| n == &Node::Action("s3:ListBucket".into())));
    assert!(graph
        .node_weights()
        .any(|n| n == &Node::ResourcePattern("arn:aws:s3:::app-artifacts/*".into())));
    assert!(graph
        .node_weights()
        .any(|n| n == &Node::Resource("arn:aws:s3:::app-artifacts/builds/1041/app.zip".into())));

    assert_eq!(
        edges(&g, &arn("user/alice"), |e| matches!(e, Edge::MemberOf)),
        [arn("group/developers")]
    );
    // Grants edges carry the statement's resources and conditions.
    let grants_with_condition = graph
        .edge_weights()
        .filter(|e| {
            matches!(
                e,
                Edge::Grants {
                    conditional: true,
                    allow: true,
                    ..
                }
            )
        })
        .count();
    // KeyViaS3 grants kms:Decrypt and kms:GenerateDataKey; the auditor's trust policy requires MFA.
    assert_eq!(grants_with_condition, 3);
    assert!(graph
        .edge_weights()
        .any(|e| matches!(e, Edge::Grants { allow: false, resources, .. }
        if resources == &vec!["arn:aws:s3:::app-artifacts/releases/*".to_string()])));
}

#[test]
fn trust_policies_give_can_assume_edges() {
    let (s, u) = load();
    let g = PermissionGraph::build(&s, &u);
    let can = |from: &str| edges(&g, from, |e| matches!(e, Edge::CanAssume { .. }));
    assert_eq!(can(&arn("user/alice")), [arn("role/deploy")]);
    assert_eq!(can(&arn("role/deploy")), [arn("role/admin")]);
    assert_eq!(
        can("lambda.amazonaws.com"),
        [arn("role/app"), arn("role/ops-automation")]
    );
    assert_eq!(can("codebuild.amazonaws.com"), [arn("role/build")]);
    assert_eq!(can(&arn("root")), [arn("role/auditor")]);
    // Admin may call sts:AssumeRole on anything, but only the MFA-guarded auditor trusts its account: identity
    // policies alone never let a principal assume a role.
    assert_eq!(
        g.can_assume_detail(&arn("role/admin")),
        [(arn("role/auditor").as_str(), true)]
    );
    // Bob has no sts:AssumeRole permission, so the account-wide auditor trust does not reach him.
    assert!(can(&arn("user/bob")).is_empty());
}

#[test]
fn assumed_edges_and_chains() {
    let (s, u) = load();
    let g = PermissionGraph::build(&s, &u);
    let assumed = edges(&g, &arn("user/alice"), |e| {
        matches!(e, Edge::Assumed { count: 3, .. })
    });
    assert_eq!(assumed, [arn("role/deploy")]);
    let assumed = edges(&g, &arn("role/deploy"), |e| {
        matches!(e, Edge::Assumed { count: 1, .. })
    });
    assert_eq!(assumed, [arn("role/admin")]);
    let chains = g.assume_chains(&arn("user/alice"));
    assert!(
        chains.contains(&vec![arn("role/deploy"), arn("role/admin"), arn("role/auditor")]),
        "{chains:?}"
    );
}

#[test]
fn used_actions_with_the_statements_that_allow_them() {
    let (s, u) = load();
    let g = PermissionGraph::build(&s, &u);
    let alice = analysis(&g, "user/alice");
    let get = alice.used.iter().find(|a| a.action == "s3:GetObject").unwrap();
    assert_eq!(get.decision, "allowed");
    let by: Vec<_> = get
        .allowed_by
        .iter()
        .map(|r| (r.policy.as_str(), r.sid.as_deref(), r.attachment))
        .collect();
    assert_eq!(
        by,
        [
            ("DeveloperAccess", Some("Artifacts"), "managed"),
            ("DeveloperBoundary", None, "boundary")
        ]
    );
    let artifacts = get
        .allowed_by
        .iter()
        .find(|r| r.policy == "DeveloperAccess")
        .unwrap();
    assert_eq!(
        artifacts.via_group.as_deref(),
        Some(arn("group/developers").as_str())
    );
    assert!(artifacts.json_path.starts_with("$.principals["));

    // `cloudwatch:GetMetricData` named no resource: allowed through `Resource: *`.
    let metric = alice
        .used
        .iter()
        .find(|a| a.action == "cloudwatch:GetMetricData")
        .unwrap();
    assert_eq!(metric.resources, ["*"]);
    assert_eq!(metric.allowed_by[0].sid.as_deref(), Some("Observe"));

    // The app role's kms:Decrypt is allowed only through S3 (kms:ViaService): the usage cannot check that.
    let app = analysis(&g, "role/app");
    let decrypt = app.used.iter().find(|a| a.action == "kms:Decrypt").unwrap();
    assert_eq!(decrypt.decision, "allowed-if-conditions");
    assert_eq!(decrypt.allowed_by[0].sid.as_deref(), Some("KeyViaS3"));
}

#[test]
fn used_but_not_granted() {
    let (s, u) = load();
    let g = PermissionGraph::build(&s, &u);
    let alice = analysis(&g, "user/alice");
    let missing: Vec<_> = alice
        .missing
        .iter()
        .map(|m| (m.action.as_str(), m.decision))
        .collect();
    assert_eq!(
        missing,
        [
            ("ec2:DescribeInstances", "implicit-deny"),
            ("iam:ListRoles", "implicit-deny"),
            ("s3:DeleteObject", "explicit-deny"),
        ]
    );
    // Allowed by alice's inline policy, outside her boundary.
    let ec2 = &alice.missing[0];
    assert_eq!(ec2.why, "the permissions boundary does not allow the request");
    // Inside her boundary, granted by nothing.
    assert_eq!(alice.missing[1].why, "no policy allows the request");
    assert_eq!(alice.missing[1].denied, 2);
    let delete = &alice.missing[2];
    assert_eq!(delete.denied_by[0].sid.as_deref(), Some("NoProdDeletes"));
    assert_eq!(
        delete.resources,
        ["arn:aws:s3:::app-artifacts/releases/1.4.0/app.zip"]
    );

    // Calls that failed with AccessDenied on a queue the policy does not name.
    let app = analysis(&g, "role/app");
    assert_eq!(app.missing.len(), 1);
    assert_eq!(
        (app.missing[0].action.as_str(), app.missing[0].denied),
        ("sqs:SendMessage", 3)
    );
    let deploy = analysis(&g, "role/deploy");
    assert_eq!(deploy.missing[0].action, "lambda:UpdateFunctionConfiguration");
}

#[test]
fn granted_respects_denies_boundary_and_groups() {
    let (s, u) = load();
    let g = PermissionGraph::build(&s, &u);
    let granted = g.granted(&arn("user/alice"));
    // Group policy and inline policy count; the boundary removes ec2:Describe*.
    assert!(granted.actions.contains_key("s3:ListBucket"));
    assert!(granted.actions.contains_key("sts:AssumeRole"));
    assert!(!granted.actions.keys().any(|a| a.starts_with("ec2:")));
    // A Deny on a sub-path leaves the action granted elsewhere.
    assert!(granted.actions.contains_key("s3:DeleteObject"));
    // Every grant names identity statements, never the boundary.
    for (a, grant) in &granted.actions {
        assert!(!grant.statements.is_empty(), "{a}");
        for k in &grant.statements {
            assert_ne!(g.policies()[k.policy].name, "DeveloperBoundary");
        }
    }
    // The same request through the evaluator.
    assert!(matches!(
        g.evaluate_for(
            &arn("user/alice"),
            "s3:DeleteObject",
            "arn:aws:s3:::app-artifacts/releases/x"
        ),
        Decision::ExplicitDeny(_)
    ));
    // Wildcards expand through the catalog: cloudwatch:Get* and cloudwatch:List* are many actions.
    assert!(
        granted
            .actions
            .keys()
            .filter(|a| a.starts_with("cloudwatch:"))
            .count()
            > 10
    );
    let admin = g.granted(&arn("role/admin"));
    assert_eq!(admin.actions.len(), pare_catalog::catalog().action_count());
}

#[test]
fn unused_riskiest_first_and_unobservable_with_reasons() {
    let (s, u) = load();
    let g = PermissionGraph::build(&s, &u);
    let deploy = analysis(&g, "role/deploy");
    let unused: Vec<_> = deploy
        .unused
        .iter()
        .map(|u| (u.action.as_str(), u.risk))
        .collect();
    // lambda:CreateFunction is part of escalation methods, then Write, then Read.
    assert_eq!(
        unused,
        [
            ("lambda:CreateFunction", 100),
            ("cloudformation:CreateChangeSet", 60),
            ("cloudformation:ExecuteChangeSet", 60),
            ("lambda:GetFunction", 20)
        ]
    );
    // lambda:InvokeFunction is a data event: not logged by default, so not "unused".
    let unobs: Vec<_> = deploy
        .unobservable
        .iter()
        .map(|u| (u.action.as_str(), u.reason))
        .collect();
    assert_eq!(unobs, [("lambda:InvokeFunction", "data-event")]);

    let build = analysis(&g, "role/build");
    let reasons: Vec<_> = build
        .unobservable
        .iter()
        .map(|u| (u.action.as_str(), u.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            ("iam:PassRole", "pass-role"),
            ("lambda:InvokeFunction", "data-event")
        ]
    );

    let app = analysis(&g, "role/app");
    let gen = app
        .unobservable
        .iter()
        .find(|u| u.action == "kms:GenerateDataKey")
        .unwrap();
    assert_eq!(gen.reason, "via-service");
    assert!(gen.detail.contains("`kms:ViaService`"));

    // The wildcard admin statement comes first among statements, and its unused grants rank highest.
    let admin = analysis(&g, "role/admin");
    assert_eq!(admin.statements[0].wildcard, "*");
    assert_eq!(admin.statements[0].used, 2);
    assert_eq!(admin.unused[0].risk, 105);
    let by_level: Vec<_> = admin.access_levels.iter().map(|l| l.level).collect();
    assert_eq!(
        by_level,
        ["List", "Read", "Write", "Permissions management", "Tagging"]
    );
    let list = &admin.access_levels[0];
    assert_eq!(list.granted, list.used + list.unused + list.unobservable);
}

#[test]
fn declared_without_usage_and_observed_without_declaration() {
    let (s, u) = load();
    let g = PermissionGraph::build(&s, &u);
    let carol = analysis(&g, "user/carol");
    assert!(!carol.observed && carol.declared);
    assert_eq!(carol.counts.used, 0);
    assert_eq!(
        carol.counts.granted,
        carol.counts.unused + carol.counts.unobservable
    );
    assert!(carol.counts.unused > 0);

    let mallory = analysis(&g, "user/mallory");
    assert!(!mallory.declared && mallory.observed);
    assert_eq!(mallory.kind, "undeclared");
    assert_eq!(mallory.used.len(), 2);
    assert!(mallory.used.iter().all(|u| u.decision == "not-declared"));
    assert_eq!(mallory.counts.missing, 0);

    let all = g.analyze();
    assert_eq!(all.summary.not_declared, 1);
    assert_eq!(all.summary.principals, 10, "groups are not listed");
}

#[test]
fn escalation_paths_on_the_fixture_account() {
    let (s, u) = load();
    let g = PermissionGraph::build(&s, &u);
    let steps = |who: &str| -> Vec<Vec<(String, String, String)>> {
        g.escalation_paths(&arn(who))
            .into_iter()
            .map(|p| p.steps.into_iter().map(|s| (s.from, s.to, s.method)).collect())
            .collect()
    };
    // A user allowed iam:CreatePolicyVersion on its own managed policy.
    assert_eq!(
        steps("user/bob"),
        [vec![(
            arn("user/bob"),
            "*".to_string(),
            "create-policy-version".to_string()
        )]]
    );
    // A role with PassRole on * and lambda:CreateFunction + InvokeFunction: the admin role Lambda trusts.
    assert_eq!(
        steps("role/build"),
        [vec![(
            arn("role/build"),
            arn("role/ops-automation"),
            "lambda-create-invoke".to_string()
        )]]
    );
    // The chain user -> deploy -> admin.
    let alice = steps("user/alice");
    assert_eq!(
        alice[0],
        [
            (arn("user/alice"), arn("role/deploy"), "assume-role".to_string()),
            (arn("role/deploy"), arn("role/admin"), "assume-role".to_string())
        ]
    );
    // Deploy may pass only the app role (not admin-equivalent): no lambda-create-invoke path.
    assert!(steps("role/deploy")
        .iter()
        .all(|p| p.iter().all(|s| s.2 != "lambda-create-invoke")));
    // No way up for these; admins need none.
    for who in [
        "role/app",
        "role/auditor",
        "user/carol",
        "role/admin",
        "role/ops-automation",
    ] {
        assert!(steps(who).is_empty(), "{who}");
    }
    // Each step names the statements that allow it.
    let build = g.escalation_paths(&arn("role/build"));
    let pass = &build[0].steps[0].actions[0];
    assert_eq!(
        (pass.action.as_str(), pass.resource.as_str()),
        ("iam:PassRole", arn("role/ops-automation").as_str())
    );
    assert_eq!(pass.allowed_by[0].sid.as_deref(), Some("PassAny"));
    assert_eq!(build[0].steps[0].rhino, Some(15));
    assert!(g.is_admin_equivalent(&arn("role/admin")));
    assert!(!g.is_admin_equivalent(&arn("user/alice")));
}

#[test]
fn analysis_is_deterministic() {
    let (s, u) = load();
    let a = PermissionGraph::build(&s, &u).analyze().to_json_pretty();
    let b = PermissionGraph::build(&s, &u).analyze().to_json_pretty();
    assert_eq!(a, b);
    assert!(a.starts_with("{\n  \"schema\": \"pare.analysis/v1\""));
}
