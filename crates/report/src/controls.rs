//! Compliance control mapping. The controls and the finding codes behind them are data
//! (`data/controls.json`, embedded), not code: an auditor can read and review the mapping in one place.

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::findings::{Code, Finding};

const CONTROLS_JSON: &str = include_str!("../data/controls.json");

/// A framework the report maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    /// CIS AWS Foundations Benchmark, IAM section.
    Cis,
    /// NIST SP 800-53 rev. 5 AC-6.
    Nist,
    /// SOC 2 CC6.1 / CC6.3.
    Soc2,
    /// PCI DSS v4 7.2.
    PciDss,
}

impl Framework {
    /// All four, in report order.
    pub const ALL: [Framework; 4] = [
        Framework::Cis,
        Framework::Nist,
        Framework::Soc2,
        Framework::PciDss,
    ];

    /// The name used on the command line and in the data file.
    pub fn as_str(self) -> &'static str {
        match self {
            Framework::Cis => "cis",
            Framework::Nist => "nist-800-53",
            Framework::Soc2 => "soc2",
            Framework::PciDss => "pci-dss",
        }
    }

    /// Parses a `--framework` value.
    pub fn parse(s: &str) -> Option<Framework> {
        Framework::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
    }
}

/// One control as the data file states it.
#[derive(Debug, Clone, Deserialize)]
pub struct Control {
    /// Framework name.
    pub framework: String,
    /// Control id (`1.16`, `AC-6(7)`, `CC6.3`, `7.2.5`).
    pub id: String,
    /// Control title.
    pub title: String,
    /// Evidence the row needs: `usage`, `policies`.
    pub requires: Vec<String>,
    /// `all`, `users` or `roles`.
    pub scope: String,
    /// Codes that fail the row.
    pub fail_on: Vec<String>,
    /// Codes that make the row need review.
    pub review_on: Vec<String>,
    /// A note shown with the row.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ControlsFile {
    frameworks: std::collections::BTreeMap<String, String>,
    controls: Vec<Control>,
}

fn data() -> &'static ControlsFile {
    static DATA: OnceLock<ControlsFile> = OnceLock::new();
    DATA.get_or_init(|| {
        // INVARIANT: the embedded file is valid; `embedded_controls_are_valid` checks it.
        serde_json::from_str(CONTROLS_JSON).unwrap_or(ControlsFile {
            frameworks: Default::default(),
            controls: Vec::new(),
        })
    })
}

/// The controls of the embedded mapping.
pub fn controls() -> &'static [Control] {
    &data().controls
}

/// The full title of a framework (with its version).
pub fn framework_title(f: Framework) -> &'static str {
    data()
        .frameworks
        .get(f.as_str())
        .map(String::as_str)
        .unwrap_or("")
}

/// The status of a control row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No finding behind the row.
    Pass,
    /// A failing finding applies.
    Fail,
    /// Only review findings apply, or evidence is missing.
    NeedsReview,
}

impl Status {
    /// `pass`, `fail`, `needs-review`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NeedsReview => "needs-review",
        }
    }
}

/// A control row of the report.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ControlResult {
    /// Framework name.
    pub framework: String,
    /// Control id.
    pub id: String,
    /// Control title.
    pub title: String,
    /// The verdict.
    pub status: Status,
    /// Why (one line).
    pub reason: String,
    /// Finding codes behind the verdict.
    pub findings: Vec<String>,
    /// Principals behind the verdict.
    pub principals: Vec<String>,
}

/// The evidence a report had.
#[derive(Debug, Clone, Copy)]
pub struct Evidence {
    /// A usage summary was given.
    pub usage: bool,
    /// A policy snapshot was given.
    pub policies: bool,
}

/// Evaluates the controls of `frameworks` over `findings`. `kind_of` maps a principal to `user`/`role`/….
pub fn evaluate(
    frameworks: &[Framework],
    findings: &[Finding],
    evidence: Evidence,
    kind_of: &dyn Fn(&str) -> String,
) -> Vec<ControlResult> {
    let wanted: HashSet<&str> = frameworks.iter().map(|f| f.as_str()).collect();
    let mut out = Vec::new();
    for c in controls()
        .iter()
        .filter(|c| wanted.contains(c.framework.as_str()))
    {
        let in_scope = |f: &Finding| match c.scope.as_str() {
            "users" => f.principal == "account" || kind_of(&f.principal) == "user",
            "roles" => f.principal == "account" || kind_of(&f.principal) == "role",
            _ => true,
        };
        let hits = |codes: &[String]| -> (BTreeSet<String>, BTreeSet<String>) {
            let mut cs = BTreeSet::new();
            let mut ps = BTreeSet::new();
            for f in findings
                .iter()
                .filter(|f| in_scope(f) && codes.iter().any(|c| c == f.code))
            {
                cs.insert(f.code.to_string());
                ps.insert(f.principal.clone());
            }
            (cs, ps)
        };
        let missing: Vec<&str> = c
            .requires
            .iter()
            .map(String::as_str)
            .filter(|r| match *r {
                "usage" => !evidence.usage,
                "policies" => !evidence.policies,
                _ => false,
            })
            .collect();
        let (fail_codes, fail_principals) = hits(&c.fail_on);
        let (review_codes, review_principals) = hits(&c.review_on);
        let (status, reason, codes, principals) = if !fail_codes.is_empty() {
            let reason = format!("{} principal(s) with failing findings", fail_principals.len());
            (Status::Fail, reason, fail_codes, fail_principals)
        } else if !missing.is_empty() {
            let reason = format!("not assessable without {} evidence", missing.join(" and "));
            (Status::NeedsReview, reason, review_codes, review_principals)
        } else if !review_codes.is_empty() {
            let reason = format!("{} principal(s) with findings to review", review_principals.len());
            (Status::NeedsReview, reason, review_codes, review_principals)
        } else if let Some(note) = &c.note {
            (Status::NeedsReview, note.clone(), review_codes, review_principals)
        } else {
            (
                Status::Pass,
                "no finding behind this control".to_string(),
                review_codes,
                review_principals,
            )
        };
        out.push(ControlResult {
            framework: c.framework.clone(),
            id: c.id.clone(),
            title: c.title.clone(),
            status,
            reason,
            findings: codes.into_iter().collect(),
            principals: principals.into_iter().collect(),
        });
    }
    out
}

/// Checks the embedded data: every code named exists, every framework is known.
pub fn validate() -> Result<(), String> {
    let file: ControlsFile =
        serde_json::from_str(CONTROLS_JSON).map_err(|e| format!("controls.json: {e}"))?;
    let codes: HashSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    for c in &file.controls {
        if Framework::parse(&c.framework).is_none() {
            return Err(format!(
                "control {} names unknown framework `{}`",
                c.id, c.framework
            ));
        }
        for code in c.fail_on.iter().chain(&c.review_on) {
            if !codes.contains(code.as_str()) {
                return Err(format!("control {} names unknown finding code `{code}`", c.id));
            }
        }
        for r in &c.requires {
            if r != "usage" && r != "policies" {
                return Err(format!("control {} requires unknown evidence `{r}`", c.id));
            }
        }
        if !["all", "users", "roles"].contains(&c.scope.as_str()) {
            return Err(format!("control {} has unknown scope `{}`", c.id, c.scope));
        }
    }
    for f in Framework::ALL {
        if !file.frameworks.contains_key(f.as_str()) {
            return Err(format!("framework `{}` has no title", f.as_str()));
        }
        if !file.controls.iter().any(|c| c.framework == f.as_str()) {
            return Err(format!("framework `{}` has no control", f.as_str()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_controls_are_valid() {
        validate().unwrap();
        assert!(controls().len() >= 15);
    }

    #[test]
    fn a_failing_code_fails_the_row_and_names_the_principal() {
        let f = vec![Finding::new(
            Code::FullAdminPolicy,
            "arn:aws:iam::1:role/a",
            "x".into(),
            vec![],
        )];
        let rows = evaluate(
            &[Framework::Cis],
            &f,
            Evidence {
                usage: true,
                policies: true,
            },
            &|_| "role".to_string(),
        );
        let r = rows.iter().find(|r| r.id == "1.16").unwrap();
        assert_eq!(r.status, Status::Fail);
        assert_eq!(r.principals, ["arn:aws:iam::1:role/a"]);
        let r = rows.iter().find(|r| r.id == "1.15").unwrap();
        assert_eq!(r.status, Status::Pass);
    }

    #[test]
    fn missing_evidence_needs_review() {
        let rows = evaluate(
            &[Framework::Nist],
            &[],
            Evidence {
                usage: false,
                policies: true,
            },
            &|_| "user".to_string(),
        );
        let r = rows.iter().find(|r| r.id == "AC-6(7)").unwrap();
        assert_eq!(r.status, Status::NeedsReview);
        assert!(r.reason.contains("usage"));
    }

    #[test]
    fn scope_limits_principals() {
        let f = vec![Finding::new(
            Code::UnusedWrite,
            "arn:aws:iam::1:user/u",
            "x".into(),
            vec![],
        )];
        let rows = evaluate(
            &[Framework::PciDss],
            &f,
            Evidence {
                usage: true,
                policies: true,
            },
            &|p| if p.contains(":user/") { "user" } else { "role" }.to_string(),
        );
        assert_eq!(
            rows.iter().find(|r| r.id == "7.2.2").unwrap().status,
            Status::Fail
        );
        assert_eq!(
            rows.iter().find(|r| r.id == "7.2.5").unwrap().status,
            Status::Pass
        );
    }
}
