//! Declared policies: loaders for policy files, get-account-authorization-details, Terraform plans and
//! CloudFormation templates into the `pare.policies/v1` snapshot, and the policy lint.
//!
//! - [`snapshot`]: the snapshot types ([`Snapshot`], [`Principal`], [`PolicyDocument`]).
//! - [`load_sources`]: files and directories to one normalized snapshot; [`load_bytes`] for content that is
//!   not on disk (a file at a git revision); [`load_auth_details_value`] for GetAccountAuthorizationDetails
//!   JSON already in memory (`iam:live`).
//! - [`lint`]: findings about policy documents (unknown actions, impossible resources, risky grants).
//!
//! # How sources become a snapshot
//!
//! - **Bare policy files** are not principals: an identity policy goes to [`Snapshot::policies`] and a
//!   document whose statements name a `Principal` to [`Snapshot::resource_policies`], named after the file —
//!   its path relative to the directory given, or its file name when the file itself was given — so two
//!   directories (or two versions of one file) compare document by document under the same names.
//! - **Managed policies** are attached at their default version, named `PolicyName` or, when the source omits
//!   it, the last part of the ARN. An attached policy whose document is not in the sources (an AWS managed
//!   policy attached from Terraform or CloudFormation) is listed in [`Principal::unresolved`]; a customer
//!   managed policy attached to nobody is kept in [`Snapshot::policies`].
//! - **Placeholders**: a value only known at deployment is written as a token and listed in
//!   [`Snapshot::placeholders`] with the reason and where it was met. CloudFormation: `${Ref:Param}` (a
//!   parameter without default), `${Ref:AWS::AccountId}` and the other pseudo parameters,
//!   `${GetAtt:Logical.Attr}`, `${ImportValue:Name}`, `${Ref:Logical}` for a generated name, `${If:Cond}` for
//!   a condition that cannot be evaluated (its true branch is used). Terraform: `${terraform:ADDRESS.ATTR}`
//!   named after the configuration reference (`${terraform:aws_s3_bucket.data.arn}`), and
//!   `${terraform:account_id}` for the account of new principals. [`LoadOptions::params`] resolves them.
//!   Tokens use the `${…}` policy-variable syntax, so the evaluator treats them as values that match nothing
//!   concrete.
//! - Principals with the same ARN from several sources are merged (policies unioned); output order never
//!   depends on the order of the sources.
//!
//! Invalid documents never stop a load: each is recorded in [`Snapshot::errors`] with its file, JSON path
//! and line/column, and skipped; [`LoadOptions::strict`] turns the first one into an [`Error`].
//!
//! ```
//! use pare_load::{load_bytes, LoadOptions};
//! let policy = br#"{"Version": "2012-10-17",
//!   "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#;
//! let snapshot = load_bytes("app.json", policy, &LoadOptions::default()).unwrap();
//! assert_eq!(snapshot.policies.len(), 1);
//! assert_eq!(snapshot.policies[0].name, "app.json");
//! ```

mod auth_details;
mod cloudformation;
mod error;
pub mod lint;
mod locate;
pub mod snapshot;
mod terraform;
mod validate;

pub use auth_details::load_auth_details_value;
pub use error::Error;
pub use snapshot::{Origin, PolicyDocument, Principal, PrincipalKind, Snapshot};

use locate::JsonPath;
use serde_json::Value;
use sha2::{Digest, Sha256};
use snapshot::{LoadError, Placeholder, SnapshotSource, SourceKind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How sources are loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Fail on the first invalid document or file instead of skipping and counting it.
    pub strict: bool,
    /// Values for CloudFormation parameters and pseudo parameters (`AWS::AccountId`, `AWS::Region`,
    /// `AWS::Partition`, …) and for unknown Terraform values (by placeholder address, e.g.
    /// `account_id`); anything not given stays a named placeholder.
    pub params: BTreeMap<String, String>,
}

/// File extensions read when walking a directory.
const EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template"];

/// Loads files and directories (recursive, in sorted path order) into one normalized snapshot.
///
/// Each file is recognized by content: a `pare.policies/v1` snapshot, `aws iam get-account-authorization-details`
/// output, `terraform show -json` output, a CloudFormation template (JSON or YAML), or a policy document.
/// A path that does not exist is an error; a file that cannot be recognized or parsed is recorded in
/// [`Snapshot::errors`] (or fails with `strict`).
pub fn load_sources<S: AsRef<str>>(sources: &[S], options: &LoadOptions) -> Result<Snapshot, Error> {
    load_sources_checked(sources, options, true)
}

/// [`load_sources`], optionally without validating documents (the lint validates and reports them itself).
pub(crate) fn load_sources_checked<S: AsRef<str>>(
    sources: &[S],
    options: &LoadOptions,
    validate: bool,
) -> Result<Snapshot, Error> {
    let mut out = Snapshot::new();
    for source in sources {
        let source = source.as_ref();
        let path = Path::new(source);
        let meta = std::fs::metadata(path).map_err(|e| Error::Io {
            path: source.to_string(),
            source: e,
        })?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files).map_err(|(p, e)| Error::Io {
                path: p.display().to_string(),
                source: e,
            })?;
            files.sort();
            for file in files {
                let rel = file
                    .strip_prefix(path)
                    .unwrap_or(&file)
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(&file).map_err(|e| Error::Io {
                    path: file.display().to_string(),
                    source: e,
                })?;
                let part = load_file(&file.display().to_string(), &rel, &bytes, options, validate);
                merge_part(&mut out, part, options)?;
            }
        } else {
            let bytes = std::fs::read(path).map_err(|e| Error::Io {
                path: source.to_string(),
                source: e,
            })?;
            let name = path
                .file_name()
                .map_or_else(|| source.to_string(), |n| n.to_string_lossy().into_owned());
            let part = load_file(source, &name, &bytes, options, validate);
            merge_part(&mut out, part, options)?;
        }
    }
    out.normalize();
    Ok(out)
}

/// Loads one input held in memory, recognized by content like a file of [`load_sources`]; `name` labels it
/// in origins and errors and names a bare policy document (use the path it has in the repository).
pub fn load_bytes(name: &str, bytes: &[u8], options: &LoadOptions) -> Result<Snapshot, Error> {
    let label = Path::new(name)
        .file_name()
        .map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned());
    let mut out = Snapshot::new();
    merge_part(&mut out, load_file(name, &label, bytes, options, true), options)?;
    out.normalize();
    Ok(out)
}

fn merge_part(out: &mut Snapshot, part: Snapshot, options: &LoadOptions) -> Result<(), Error> {
    if options.strict {
        if let Some(first) = part.errors.first() {
            return Err(Error::Invalid(first.clone()));
        }
    }
    out.extend(part);
    Ok(())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), (PathBuf, std::io::Error)> {
    let entries = std::fs::read_dir(dir).map_err(|e| (dir.to_path_buf(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| (dir.to_path_buf(), e))?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if hidden {
            continue;
        }
        let ft = entry.file_type().map_err(|e| (path.clone(), e))?;
        if ft.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Recognizes and loads one file. Never fails: problems are recorded in the returned snapshot's errors.
fn load_file(file: &str, name: &str, bytes: &[u8], options: &LoadOptions, validate: bool) -> Snapshot {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
        Err(e) => {
            let mut cx = Ctx::new(file, None);
            cx.file_error(format!(
                "the file is not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ));
            return cx.finish(SourceKind::PolicyFile, Some(sha256));
        }
    };
    let ext = Path::new(file)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let json: Result<Value, serde_json::Error> = serde_json::from_str(text);
    let value = match json {
        Ok(v) => v,
        Err(e) if ext == "json" || text.trim_start().starts_with(['{', '[']) => {
            let mut cx = Ctx::new(file, Some(text));
            cx.errors.push(LoadError {
                file: file.to_string(),
                json_path: None,
                line: Some(e.line()),
                column: Some(e.column().max(1)),
                message: format!("invalid JSON: {}", strip_serde_position(&e.to_string())),
            });
            cx.skipped += 1;
            return cx.finish(SourceKind::PolicyFile, Some(sha256));
        }
        Err(_) => {
            // Not JSON: a YAML CloudFormation template.
            let mut cx = Ctx::new(file, Some(text));
            cx.validate = validate;
            cloudformation::load_yaml(&mut cx, text, options);
            return cx.finish(SourceKind::Cloudformation, Some(sha256));
        }
    };
    let mut cx = Ctx::new(file, Some(text));
    cx.validate = validate;
    let kind = detect(&value);
    match kind {
        Some(SourceKind::Snapshot) => match Snapshot::from_json(text) {
            Ok(mut s) => {
                let documents = count_documents(&s);
                s.sources = vec![SnapshotSource {
                    path: file.to_string(),
                    kind: SourceKind::Snapshot,
                    sha256: Some(sha256),
                    documents,
                    skipped: 0,
                }];
                return s;
            }
            Err(e) => cx.file_error(e.to_string()),
        },
        Some(SourceKind::AuthDetails) => auth_details::load(&mut cx, &value),
        Some(SourceKind::TerraformPlan) => terraform::load(&mut cx, &value, options),
        Some(SourceKind::Cloudformation) => cloudformation::load_json(&mut cx, value, options),
        Some(_) => load_policy_document(&mut cx, name, value),
        None => cx.file_error(
            "not a recognized policy source: expected a policy document, get-account-authorization-details \
             output, a Terraform plan (`terraform show -json`), a CloudFormation template or a pare.policies/v1 \
             snapshot"
                .to_string(),
        ),
    }
    cx.finish(kind.unwrap_or(SourceKind::PolicyFile), Some(sha256))
}

fn strip_serde_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(msg).to_string(),
        None => msg.to_string(),
    }
}

fn count_documents(s: &Snapshot) -> usize {
    s.principals
        .iter()
        .map(|p| {
            p.inline.len()
                + p.attached.len()
                + usize::from(p.boundary.is_some())
                + usize::from(p.trust.is_some())
        })
        .sum::<usize>()
        + s.policies.len()
        + s.resource_policies.len()
        + s.scps.len()
}

/// What a parsed JSON file is.
fn detect(v: &Value) -> Option<SourceKind> {
    let obj = v.as_object()?;
    if obj.get("schema").and_then(Value::as_str) == Some(snapshot::SCHEMA) {
        return Some(SourceKind::Snapshot);
    }
    if obj.contains_key("Statement") {
        return Some(SourceKind::PolicyFile);
    }
    if ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"]
        .iter()
        .any(|k| obj.get(*k).is_some_and(Value::is_array))
    {
        return Some(SourceKind::AuthDetails);
    }
    if obj.contains_key("format_version")
        && [
            "planned_values",
            "resource_changes",
            "prior_state",
            "values",
            "configuration",
        ]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        return Some(SourceKind::TerraformPlan);
    }
    if obj.get("Resources").is_some_and(Value::is_object) || obj.contains_key("AWSTemplateFormatVersion") {
        return Some(SourceKind::Cloudformation);
    }
    None
}

/// A bare policy file: identity policies go to [`Snapshot::policies`], documents with `Principal` to
/// [`Snapshot::resource_policies`]; both named after the file (path relative to the directory given).
fn load_policy_document(cx: &mut Ctx<'_>, name: &str, value: Value) {
    let root = JsonPath::root();
    if let Some(doc) = cx.document(name, None, &root, value) {
        if doc.is_resource_policy() {
            cx.snap.resource_policies.push(doc);
        } else {
            cx.snap.policies.push(doc);
        }
    }
}

/// The state of loading one file: the snapshot part under construction, its errors and counts.
pub(crate) struct Ctx<'a> {
    pub file: String,
    pub text: Option<&'a str>,
    pub snap: Snapshot,
    pub errors: Vec<LoadError>,
    pub documents: usize,
    pub skipped: usize,
    /// Whether documents are validated (off for the lint, which reports invalid documents itself).
    pub validate: bool,
}

impl<'a> Ctx<'a> {
    pub fn new(file: &str, text: Option<&'a str>) -> Self {
        Ctx {
            file: file.to_string(),
            text,
            snap: Snapshot::new(),
            errors: Vec::new(),
            documents: 0,
            skipped: 0,
            validate: true,
        }
    }

    pub fn origin(&self, path: &JsonPath) -> Origin {
        Origin::file(self.file.clone(), path.to_string())
    }

    /// Records a problem with the whole file and counts it skipped.
    pub fn file_error(&mut self, message: String) {
        self.errors.push(LoadError {
            file: self.file.clone(),
            json_path: None,
            line: None,
            column: None,
            message,
        });
        self.skipped += 1;
    }

    /// Records a problem at a JSON path (not counted: the caller decides what was skipped).
    pub fn error_at(&mut self, path: &JsonPath, message: String) {
        let pos = self.text.and_then(|t| locate::locate_any(t, path));
        self.errors.push(LoadError {
            file: self.file.clone(),
            json_path: Some(path.to_string()),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            message,
        });
    }

    /// Records a placeholder.
    pub fn placeholder(&mut self, name: &str, reason: String, path: &JsonPath) {
        self.snap.placeholders.push(Placeholder {
            name: name.to_string(),
            reason,
            origin: self.origin(path),
        });
    }

    /// Validates a policy document found at `path` (an object, or a JSON string, URL-encoded or not) and
    /// returns it, or records why it is invalid and counts it skipped.
    pub fn document(
        &mut self,
        name: &str,
        arn: Option<String>,
        path: &JsonPath,
        value: Value,
    ) -> Option<PolicyDocument> {
        let value = match value {
            Value::String(s) => match decode_document(&s) {
                Ok(v) => v,
                Err(msg) => {
                    self.error_at(path, format!("policy `{name}`: {msg}"));
                    self.skipped += 1;
                    return None;
                }
            },
            other => other,
        };
        if let Err(p) = if self.validate {
            validate::validate(&value)
        } else {
            Ok(())
        } {
            let inner = path.join_relative(&p.path);
            let pos = self
                .text
                .and_then(|t| locate::locate_any(t, &inner).or_else(|| locate::locate_any(t, path)));
            self.errors.push(LoadError {
                file: self.file.clone(),
                json_path: Some(inner.to_string()),
                line: pos.map(|p| p.0),
                column: pos.map(|p| p.1),
                message: format!("invalid policy `{name}`: {}", p.message),
            });
            self.skipped += 1;
            return None;
        }
        self.documents += 1;
        Some(PolicyDocument {
            name: name.to_string(),
            arn,
            origin: self.origin(path),
            document: value,
        })
    }

    /// The loaded part, normalized, with its source entry.
    pub fn finish(mut self, kind: SourceKind, sha256: Option<String>) -> Snapshot {
        self.snap.sources.push(SnapshotSource {
            path: self.file.clone(),
            kind,
            sha256,
            documents: self.documents,
            skipped: self.skipped,
        });
        self.snap.errors.append(&mut self.errors);
        self.snap.normalize();
        self.snap
    }
}

/// A policy document given as a string: plain JSON, or URL-encoded JSON as the IAM API returns it.
pub(crate) fn decode_document(s: &str) -> Result<Value, String> {
    let trimmed = s.trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(s).map_err(|e| format!("the policy document is not valid JSON: {e}"));
    }
    let decoded = percent_decode(s)
        .ok_or_else(|| "the policy document is neither JSON nor URL-encoded JSON".to_string())?;
    serde_json::from_str(&decoded)
        .map_err(|e| format!("the URL-decoded policy document is not valid JSON: {e}"))
}

/// Decodes `%XX` escapes (RFC 3986; `+` stays `+`, as in IAM's encoding). None when not valid UTF-8 or escapes.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_url_encoded_documents() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        assert_eq!(decode_document(enc).unwrap()["Version"], "2012-10-17");
        assert!(decode_document("%ZZ").is_err());
        assert!(decode_document("{\"a\": 1}").is_ok());
    }

    #[test]
    fn detects_kinds() {
        assert_eq!(
            detect(&serde_json::json!({"Statement": []})),
            Some(SourceKind::PolicyFile)
        );
        assert_eq!(
            detect(&serde_json::json!({"RoleDetailList": []})),
            Some(SourceKind::AuthDetails)
        );
        assert_eq!(
            detect(&serde_json::json!({"format_version": "1.2", "planned_values": {}})),
            Some(SourceKind::TerraformPlan)
        );
        assert_eq!(
            detect(&serde_json::json!({"Resources": {}})),
            Some(SourceKind::Cloudformation)
        );
        assert_eq!(detect(&serde_json::json!({"x": 1})), None);
    }
}
