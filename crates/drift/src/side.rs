//! What is compared: one side of a comparison is the set of parsed policy documents that decide a principal's
//! requests (identity policies, permissions boundary, SCP levels), each document remembering where it was read.

use pare_policy::{EvalInput, Policy, PolicyRef, Span};

/// One parsed policy document with its provenance.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Unique label within its side (the evaluator reports matched statements by label).
    pub label: String,
    /// The policy's name (inline or managed policy name, or the file's relative path).
    pub name: String,
    /// The file it was read from, as shown to users and in SARIF (`iam/app.json`); may be `iam:live`.
    pub file: String,
    /// JSON path of the document inside `file` (`$` for a whole file).
    pub json_path: String,
    /// The parsed policy.
    pub policy: Policy,
}

impl Doc {
    /// Where statement `index` starts (unknown when the document came from a JSON value without positions).
    pub fn statement_span(&self, index: usize) -> Span {
        self.policy
            .statements
            .get(index)
            .map(|s| s.spans.statement.0)
            .unwrap_or(Span::UNKNOWN)
    }
}

/// The layers of policies that decide a principal's requests.
#[derive(Debug, Clone, Default)]
pub struct Side {
    /// Identity-based policies (inline, attached, inherited from groups).
    pub identity: Vec<Doc>,
    /// The permissions boundary, if any.
    pub boundary: Option<Doc>,
    /// SCP levels; every level must allow.
    pub scps: Vec<Vec<Doc>>,
}

/// Which layer of a side a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocLayer {
    /// An identity policy (index into [`Side::identity`]).
    Identity(usize),
    /// The boundary.
    Boundary,
    /// An SCP: level, index in the level.
    Scp(usize, usize),
}

impl Side {
    /// The evaluator's input for this side.
    pub fn input(&self) -> EvalInput<'_> {
        EvalInput {
            identity: self
                .identity
                .iter()
                .map(|d| PolicyRef::new(&d.label, &d.policy))
                .collect(),
            boundary: self
                .boundary
                .as_ref()
                .map(|d| PolicyRef::new(&d.label, &d.policy)),
            scps: self
                .scps
                .iter()
                .map(|level| {
                    level
                        .iter()
                        .map(|d| PolicyRef::new(&d.label, &d.policy))
                        .collect()
                })
                .collect(),
            resource_policy: None,
        }
    }

    /// Every document with its layer.
    pub fn docs(&self) -> Vec<(DocLayer, &Doc)> {
        let mut out: Vec<(DocLayer, &Doc)> = self
            .identity
            .iter()
            .enumerate()
            .map(|(i, d)| (DocLayer::Identity(i), d))
            .collect();
        if let Some(b) = &self.boundary {
            out.push((DocLayer::Boundary, b));
        }
        for (l, level) in self.scps.iter().enumerate() {
            for (i, d) in level.iter().enumerate() {
                out.push((DocLayer::Scp(l, i), d));
            }
        }
        out
    }

    /// The document with this evaluator label.
    pub fn by_label(&self, label: &str) -> Option<&Doc> {
        self.docs().into_iter().map(|(_, d)| d).find(|d| d.label == label)
    }
}
