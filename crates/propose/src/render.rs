//! Output formats: IAM JSON (the `pare.proposals/v1` document, or one bare policy document), Terraform
//! (`data "aws_iam_policy_document"` plus an `aws_iam_policy` using it) and CloudFormation (YAML,
//! `AWS::IAM::ManagedPolicy`). Each statement's justification goes along as comments.

use crate::model::{Proposal, Proposals, Statement};
use std::fmt::Write as _;

/// An output format of `pare propose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `pare.proposals/v1` (or, per principal, the bare IAM policy document).
    #[default]
    Json,
    /// Terraform HCL.
    Terraform,
    /// CloudFormation YAML.
    CloudFormation,
}

impl Format {
    /// Parses `json`, `terraform` or `cloudformation`.
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "json" => Some(Format::Json),
            "terraform" | "tf" => Some(Format::Terraform),
            "cloudformation" | "cfn" => Some(Format::CloudFormation),
            _ => None,
        }
    }

    /// The file extension of one principal's file.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Terraform => "tf",
            Format::CloudFormation => "yaml",
        }
    }
}

/// The whole document as pretty JSON with a final newline.
pub fn to_json(proposals: &Proposals) -> String {
    let mut s = serde_json::to_string_pretty(proposals).unwrap_or_default();
    s.push('\n');
    s
}

/// One proposal's bare IAM policy document, pretty, with a final newline.
pub fn policy_json(proposal: &Proposal) -> String {
    let mut s = serde_json::to_string_pretty(&proposal.policy).unwrap_or_default();
    s.push('\n');
    s
}

/// The principal's name (last part of its ARN).
pub fn principal_name(arn: &str) -> &str {
    arn.rsplit(['/', ':']).next().unwrap_or(arn)
}

/// A Terraform identifier or CloudFormation logical id from a principal name.
fn identifier(name: &str, camel: bool) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if camel && upper {
                out.push(c.to_ascii_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            if !camel && !out.ends_with('_') {
                out.push('_');
            }
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, if camel { "P" } else { "p_" });
    }
    out
}

/// A string literal in HCL: JSON escapes, plus `${`/`%{` doubled so Terraform does not interpolate them.
fn hcl_string(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
    json.replace("${", "$${").replace("%{", "%%{")
}

fn hcl_list(items: &[String], indent: &str) -> String {
    if items.len() <= 1 {
        let inner: Vec<String> = items.iter().map(|s| hcl_string(s)).collect();
        return format!("[{}]", inner.join(", "));
    }
    let mut out = String::from("[\n");
    for item in items {
        let _ = writeln!(out, "{indent}  {},", hcl_string(item));
    }
    out.push_str(indent);
    out.push(']');
    out
}

/// Attributes as `terraform fmt` prints them: the `=` of consecutive one-line attributes aligned, a
/// multi-line value (a list over several lines) standing alone.
fn write_attributes(out: &mut String, indent: &str, attrs: &[(&str, String)]) {
    let mut i = 0;
    while i < attrs.len() {
        let single = |a: &(&str, String)| !a.1.contains('\n');
        let Some(first) = attrs.get(i) else { break };
        if !single(first) {
            let _ = writeln!(out, "{indent}{} = {}", first.0, first.1);
            i += 1;
            continue;
        }
        let group: Vec<&(&str, String)> = attrs
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .take_while(|a| single(a))
            .collect();
        let width = group.iter().map(|a| a.0.len()).max().unwrap_or(0);
        for (name, value) in &group {
            let _ = writeln!(out, "{indent}{name:<width$} = {value}");
        }
        i += group.len();
    }
}

fn comment_lines(text: &str, prefix: &str, out: &mut String) {
    for line in text.lines() {
        let _ = writeln!(out, "{prefix}{line}");
    }
}

fn statement_comment(proposal: &Proposal, st: &Statement) -> String {
    let mut out = String::new();
    if let Some(j) = proposal.justification.iter().find(|j| j.sid == st.sid) {
        let _ = writeln!(
            out,
            "observed: {} ({} successful calls)",
            j.actions.join(", "),
            j.count
        );
        if !j.sample_event_ids.is_empty() {
            let _ = writeln!(out, "events: {}", j.sample_event_ids.join(", "));
        }
        for r in &j.resources {
            let _ = writeln!(
                out,
                "{}: {} (from {} ARN{})",
                r.pattern,
                r.why,
                r.from_count,
                if r.from_count == 1 { "" } else { "s" }
            );
        }
        for c in &j.conditions {
            let _ = writeln!(out, "condition: {c}");
        }
    }
    for w in proposal.wildcards.iter().filter(|w| w.sid == st.sid) {
        let extra = if w.extra_actions.is_empty() && w.extra_grants.is_empty() {
            "admits nothing beyond the observed actions".to_string()
        } else {
            let mut all = w.extra_actions.clone();
            all.extend(w.extra_grants.iter().cloned());
            format!("also admits {}", all.join(", "))
        };
        let _ = writeln!(out, "wildcard {}: {extra}", w.pattern);
    }
    out
}

fn header(proposal: &Proposal, strictness: &str) -> String {
    let mut out = format!(
        "pare proposal for {} (strictness {strictness}): {} characters of {} ({})\n",
        proposal.principal, proposal.size.characters, proposal.size.limit, proposal.size.kind
    );
    if let Some(c) = &proposal.compared_to_declared {
        let _ = writeln!(
            out,
            "declared policies allowed {} actions; this allows {} ({} removed, {} with narrower resources)",
            c.declared_actions, c.proposed_actions, c.actions_removed, c.resources_narrowed
        );
    }
    for e in &proposal.excluded {
        let calls = if e.count == 1 { "call" } else { "calls" };
        let _ = writeln!(out, "left out: {} ({} {calls}, {})", e.action, e.count, e.reason);
    }
    for w in &proposal.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

/// One principal's proposal as Terraform: a `data "aws_iam_policy_document"` and an `aws_iam_policy`.
pub fn terraform(proposal: &Proposal, strictness: &str) -> String {
    let name = identifier(principal_name(&proposal.principal), false);
    let mut out = String::new();
    comment_lines(&header(proposal, strictness), "# ", &mut out);
    let _ = writeln!(out, "data \"aws_iam_policy_document\" \"{name}\" {{");
    for (i, st) in proposal.policy.statement.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        comment_lines(&statement_comment(proposal, st), "  # ", &mut out);
        out.push_str("  statement {\n");
        write_attributes(
            &mut out,
            "    ",
            &[
                ("sid", hcl_string(&st.sid)),
                ("effect", "\"Allow\"".to_string()),
                ("actions", hcl_list(&st.action, "    ")),
                ("resources", hcl_list(&st.resource, "    ")),
            ],
        );
        if let Some(cond) = &st.condition {
            for (test, keys) in cond {
                if let Some(keys) = keys.as_object() {
                    for (variable, values) in keys {
                        let values: Vec<String> = match values {
                            serde_json::Value::Array(a) => a
                                .iter()
                                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                                .collect(),
                            v => vec![v.as_str().map_or_else(|| v.to_string(), str::to_string)],
                        };
                        out.push('\n');
                        out.push_str("    condition {\n");
                        write_attributes(
                            &mut out,
                            "      ",
                            &[
                                ("test", hcl_string(test)),
                                ("variable", hcl_string(variable)),
                                ("values", hcl_list(&values, "      ")),
                            ],
                        );
                        out.push_str("    }\n");
                    }
                }
            }
        }
        out.push_str("  }\n");
    }
    out.push_str("}\n\n");
    let _ = writeln!(out, "resource \"aws_iam_policy\" \"{name}\" {{");
    let _ = writeln!(
        out,
        "  name        = {}",
        hcl_string(&format!(
            "{}-least-privilege",
            principal_name(&proposal.principal)
        ))
    );
    let _ = writeln!(
        out,
        "  description = {}",
        hcl_string(&format!(
            "Proposed by pare from observed usage of {}",
            proposal.principal
        ))
    );
    let _ = writeln!(out, "  policy      = data.aws_iam_policy_document.{name}.json");
    out.push_str("}\n");
    out
}

fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn yaml_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => yaml_string(s),
        other => other.to_string(),
    }
}

/// The CloudFormation resources of one proposal (indented under `Resources:`).
fn cloudformation_resource(proposal: &Proposal, strictness: &str, out: &mut String) {
    let logical = format!(
        "{}LeastPrivilege",
        identifier(principal_name(&proposal.principal), true)
    );
    comment_lines(&header(proposal, strictness), "  # ", out);
    let _ = writeln!(out, "  {logical}:");
    out.push_str("    Type: AWS::IAM::ManagedPolicy\n");
    out.push_str("    Properties:\n");
    let _ = writeln!(
        out,
        "      Description: {}",
        yaml_string(&format!(
            "Proposed by pare from observed usage of {}",
            proposal.principal
        ))
    );
    let rest = proposal.principal.splitn(6, ':').nth(5).unwrap_or("");
    if rest.starts_with("role/") || rest.starts_with("user/") || rest.starts_with("group/") {
        let key = if rest.starts_with("role/") {
            "Roles"
        } else if rest.starts_with("user/") {
            "Users"
        } else {
            "Groups"
        };
        let _ = writeln!(
            out,
            "      {key}:\n        - {}",
            yaml_string(principal_name(&proposal.principal))
        );
    }
    out.push_str("      PolicyDocument:\n");
    out.push_str("        Version: \"2012-10-17\"\n");
    out.push_str("        Statement:\n");
    for st in &proposal.policy.statement {
        comment_lines(&statement_comment(proposal, st), "          # ", out);
        let _ = writeln!(out, "          - Sid: {}", yaml_string(&st.sid));
        out.push_str("            Effect: Allow\n");
        out.push_str("            Action:\n");
        for a in &st.action {
            let _ = writeln!(out, "              - {}", yaml_string(a));
        }
        out.push_str("            Resource:\n");
        for r in &st.resource {
            let _ = writeln!(out, "              - {}", yaml_string(r));
        }
        if let Some(cond) = &st.condition {
            out.push_str("            Condition:\n");
            for (op, keys) in cond {
                let _ = writeln!(out, "              {}:", yaml_string(op));
                if let Some(keys) = keys.as_object() {
                    for (k, v) in keys {
                        let _ = writeln!(out, "                {}: {}", yaml_string(k), yaml_value(v));
                    }
                }
            }
        }
    }
}

/// Proposals as one CloudFormation template.
pub fn cloudformation(proposals: &Proposals) -> String {
    let mut out = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\n");
    let _ = writeln!(
        out,
        "Description: {}",
        yaml_string(&format!(
            "Least-privilege policies proposed by pare (strictness {})",
            proposals.strictness
        ))
    );
    out.push_str("Resources:\n");
    for (i, p) in proposals.proposals.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        cloudformation_resource(p, &proposals.strictness, &mut out);
    }
    if proposals.proposals.is_empty() {
        out.push_str("  {}\n");
    }
    out
}

/// Proposals as Terraform, one block pair per principal.
pub fn terraform_all(proposals: &Proposals) -> String {
    let parts: Vec<String> = proposals
        .proposals
        .iter()
        .map(|p| terraform(p, &proposals.strictness))
        .collect();
    parts.join("\n")
}

/// A file name for one principal: its ARN's account and resource part, with anything but `[A-Za-z0-9._-]`
/// turned into `-` (`111122223333-role-reports-app`).
pub fn file_stem(principal: &str) -> String {
    let mut parts = principal.splitn(6, ':');
    let account = parts.nth(4).unwrap_or("");
    let rest = parts.next().unwrap_or(principal);
    let raw = if account.is_empty() {
        rest.to_string()
    } else {
        format!("{account}-{rest}")
    };
    let mut out: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            file_stem("arn:aws:iam::111122223333:role/service/reports-app"),
            "111122223333-role-service-reports-app"
        );
        assert_eq!(identifier("reports-app", false), "reports_app");
        assert_eq!(identifier("reports-app", true), "ReportsApp");
        assert_eq!(identifier("1x", true), "P1x");
        assert_eq!(
            hcl_string("arn:aws:s3:::b/${aws:username}/*"),
            "\"arn:aws:s3:::b/$${aws:username}/*\""
        );
    }
}
