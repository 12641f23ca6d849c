//! `pare policies`: declared policies to a snapshot.

use crate::exit::Outcome;
use crate::Globals;
use anyhow::Context;
use pare_load::snapshot::{PrincipalKind, Snapshot, LIVE};
use pare_load::{load_auth_details_value, load_sources, LoadOptions};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `pare policies`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files, auth-details JSON, Terraform plan JSON, CloudFormation templates, directories, or `iam:live`.
    #[arg(required = true)]
    pub sources: Vec<String>,
    /// Where to write the snapshot; stdout when absent.
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Fail on the first invalid policy instead of skipping and counting it.
    #[arg(long)]
    pub strict: bool,
    /// AWS region for `iam:live`.
    #[arg(long)]
    pub region: Option<String>,
    /// AWS profile for `iam:live`.
    #[arg(long)]
    pub profile: Option<String>,
    /// Endpoint URL for `iam:live`.
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// A value for a CloudFormation parameter or pseudo parameter (`AWS::AccountId=111122223333`), also used
    /// for the account of Terraform resources whose ARN is only known after apply; repeatable.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// A service control policy file (or a directory of them); repeatable. Its documents go to the snapshot's
    /// `scps`.
    #[arg(long = "scp", value_name = "FILE")]
    pub scps: Vec<String>,
}

/// Runs the command.
pub fn run(args: Args, globals: Globals) -> anyhow::Result<Outcome> {
    let mut params = BTreeMap::new();
    for p in &args.params {
        let Some((k, v)) = p.split_once('=') else {
            anyhow::bail!("invalid `--param {p}`: expected KEY=VALUE");
        };
        params.insert(k.trim().to_string(), v.to_string());
    }
    let options = LoadOptions {
        strict: args.strict,
        params,
    };
    let (live, files): (Vec<&String>, Vec<&String>) = args.sources.iter().partition(|s| s.as_str() == LIVE);
    let mut snapshot = load_sources(&files, &options)?;
    if !args.scps.is_empty() {
        let mut scps = load_sources(&args.scps, &options)?;
        let mut moved = std::mem::take(&mut scps.policies);
        moved.append(&mut scps.resource_policies);
        if !scps.principals.is_empty() {
            anyhow::bail!("`--scp` takes policy documents, and a source given there defines principals");
        }
        scps.scps.append(&mut moved);
        snapshot.extend(scps);
    }
    if !live.is_empty() {
        let opts = pare_aws::AwsOptions {
            region: args.region.clone(),
            profile: args.profile.clone(),
            endpoint_url: args.endpoint_url.clone(),
        };
        let value = pare_aws::account_authorization_details(&opts)
            .with_context(|| "cannot load `iam:live` (GetAccountAuthorizationDetails)".to_string())?;
        let part = load_auth_details_value(&value, LIVE)?;
        if args.strict {
            if let Some(first) = part.errors.first() {
                anyhow::bail!("{first}");
            }
        }
        snapshot.extend(part);
    }
    let json = snapshot.to_json_pretty();
    match &args.out {
        Some(path) => {
            std::fs::write(path, &json).with_context(|| format!("cannot write `{}`", path.display()))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(json.as_bytes())?;
            out.flush()?;
        }
    }
    if !globals.quiet {
        eprint!("{}", summary(&snapshot));
    }
    Ok(Outcome::Clean)
}

/// The short summary printed on stderr: principals by kind, documents, skipped, placeholders, then each error.
pub fn summary(s: &Snapshot) -> String {
    let count = |k: PrincipalKind| s.principals.iter().filter(|p| p.kind == k).count();
    let documents: usize = s.sources.iter().map(|src| src.documents).sum();
    let skipped: usize = s.sources.iter().map(|src| src.skipped).sum();
    let unresolved: usize = s.principals.iter().map(|p| p.unresolved.len()).sum();
    let mut names: Vec<&str> = s.placeholders.iter().map(|p| p.name.as_str()).collect();
    names.dedup();
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut out = format!(
        "loaded {}: {}, {}, {}, {}, {}; {}, {} skipped, {}, {}\n",
        plural(s.sources.len(), "source", "sources"),
        plural(count(PrincipalKind::User), "user", "users"),
        plural(count(PrincipalKind::Role), "role", "roles"),
        plural(count(PrincipalKind::Group), "group", "groups"),
        plural(s.policies.len(), "unattached policy", "unattached policies"),
        plural(s.resource_policies.len(), "resource policy", "resource policies"),
        plural(documents, "document", "documents"),
        skipped,
        plural(names.len(), "placeholder", "placeholders"),
        plural(unresolved, "unresolved attachment", "unresolved attachments"),
    );
    if !names.is_empty() {
        out.push_str(&format!("placeholders: {}\n", names.join(", ")));
    }
    for e in &s.errors {
        out.push_str(&format!("warning: skipped: {e}\n"));
    }
    out
}
