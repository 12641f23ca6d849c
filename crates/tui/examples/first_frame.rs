//! Benchmark: how fast `pare tui` shows a large usage summary. Generates a summary of 1,000,000 events
//! (2,000 principals × 20 actions, up to 8 resources each, declared in a snapshot with broad policies),
//! writes it to a temporary file, then times, best of 5:
//! the first frame (the loading screen, drawn before any input is read), reading the summary, the analysis,
//! and the first principals frame and principal frame from the analysed data (160×48 `TestBackend`).
//!
//! `cargo run --release -p pare-tui --example first_frame [principals] [events]`

use pare_load::snapshot::{Origin, PolicyDocument, Principal, PrincipalKind, Snapshot};
use pare_trail::usage::{ActionUsage, PrincipalType, PrincipalUsage, UsageSummary, Window};
use pare_tui::data::Data;
use pare_tui::state::State;
use pare_tui::update::{update, Action};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

const ACTIONS: &[(&str, &str)] = &[
    ("s3:GetObject", "arn:aws:s3:::data-{p}/obj/{r}.json"),
    ("s3:PutObject", "arn:aws:s3:::data-{p}/out/{r}.json"),
    ("s3:ListBucket", "arn:aws:s3:::data-{p}"),
    ("s3:DeleteObject", "arn:aws:s3:::data-{p}/tmp/{r}"),
    (
        "dynamodb:GetItem",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/t{p}",
    ),
    (
        "dynamodb:PutItem",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/t{p}",
    ),
    (
        "dynamodb:Query",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/t{p}/index/i{r}",
    ),
    (
        "dynamodb:UpdateItem",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/t{p}",
    ),
    ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:q{p}-{r}"),
    (
        "sqs:ReceiveMessage",
        "arn:aws:sqs:eu-west-1:111122223333:q{p}-{r}",
    ),
    ("sqs:DeleteMessage", "arn:aws:sqs:eu-west-1:111122223333:q{p}-{r}"),
    ("kms:Decrypt", "arn:aws:kms:eu-west-1:111122223333:key/k{p}-{r}"),
    ("kms:Encrypt", "arn:aws:kms:eu-west-1:111122223333:key/k{p}-{r}"),
    (
        "kms:GenerateDataKey",
        "arn:aws:kms:eu-west-1:111122223333:key/k{p}-{r}",
    ),
    (
        "lambda:InvokeFunction",
        "arn:aws:lambda:eu-west-1:111122223333:function:f{p}-{r}",
    ),
    (
        "logs:PutLogEvents",
        "arn:aws:logs:eu-west-1:111122223333:log-group:g{p}:log-stream:s{r}",
    ),
    (
        "logs:CreateLogStream",
        "arn:aws:logs:eu-west-1:111122223333:log-group:g{p}:log-stream:s{r}",
    ),
    ("ec2:DescribeInstances", "*"),
    ("ec2:DescribeVpcs", "*"),
    ("iam:GetRole", "arn:aws:iam::111122223333:role/r{r}"),
];

fn usage(principals: usize, events: u64) -> UsageSummary {
    let actions_per = ACTIONS.len();
    let per_action = (events / (principals as u64 * actions_per as u64)).max(1);
    let mut out = UsageSummary::empty();
    out.window = Some(Window {
        start: "2026-11-01T00:00:00Z".to_string(),
        end: "2026-11-30T00:00:00Z".to_string(),
    });
    out.stats.records = per_action * principals as u64 * actions_per as u64;
    for p in 0..principals {
        let mut actions = Vec::new();
        for a in 0..actions_per {
            let (action, template) = ACTIONS[(a + p) % ACTIONS.len()];
            let n = 1 + (p + a) % 8;
            let resources: Vec<String> = (0..n)
                .map(|r| {
                    template
                        .replace("{p}", &p.to_string())
                        .replace("{r}", &r.to_string())
                })
                .collect();
            actions.push(ActionUsage {
                action: action.to_string(),
                count: per_action,
                denied: 0,
                first_seen: "2026-11-01T00:00:00Z".to_string(),
                last_seen: format!("2026-11-{:02}T12:00:00Z", 1 + (p + a) % 28),
                event_names: vec![format!("{}:{}", action.split(':').next().unwrap_or(""), "Call")],
                resources,
                sample_event_ids: (0..3).map(|k| format!("{p:06}-{a:03}-{k}")).collect(),
                regions: vec!["eu-west-1".to_string()],
            });
        }
        out.principals.push(PrincipalUsage {
            arn: format!("arn:aws:iam::111122223333:role/app-{p:05}"),
            r#type: PrincipalType::AssumedRole,
            actions,
        });
    }
    out.normalize();
    out
}

fn snapshot(principals: usize) -> Snapshot {
    let mut s = Snapshot::default();
    let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:*", "dynamodb:*", "sqs:*", "kms:Decrypt", "kms:Encrypt",
            "kms:GenerateDataKey", "lambda:InvokeFunction", "logs:*", "ec2:Describe*", "iam:Get*"],
         "Resource": "*"}]});
    for p in 0..principals {
        let name = format!("app-{p:05}");
        let mut pr = Principal::new(
            PrincipalKind::Role,
            format!("arn:aws:iam::111122223333:role/{name}"),
            name,
            "/".to_string(),
        );
        pr.inline.push(PolicyDocument {
            name: "app".to_string(),
            arn: None,
            origin: Origin::file("bench.json", format!("$.roles[{p}]")),
            document: doc.clone(),
        });
        s.principals.push(pr);
    }
    s
}

fn best<T>(
    runs: usize,
    mut f: impl FnMut() -> Result<T, Box<dyn Error>>,
) -> Result<(Duration, T), Box<dyn Error>> {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f()?;
        best = best.min(t.elapsed());
        last = Some(v);
    }
    let v = last.ok_or("no run")?;
    Ok((best, v))
}

fn draw(state: &State) -> Result<(), Box<dyn Error>> {
    let mut t = Terminal::new(TestBackend::new(160, 48))?;
    t.draw(|f| f.render_widget(state, f.area()))?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let principals: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(2_000);
    let events: u64 = args.next().map(|a| a.parse()).transpose()?.unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("pare-tui-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("usage.json");
    let u = usage(principals, events);
    u.write(&path)?;
    let bytes = std::fs::metadata(&path)?.len();
    let resources: usize = u
        .principals
        .iter()
        .flat_map(|p| &p.actions)
        .map(|a| a.resources.len())
        .sum();
    let actions: usize = u.principals.iter().map(|p| p.actions.len()).sum();
    println!(
        "summary: {} events, {} principals, {actions} principal-actions, {resources} resources, {:.1} MB",
        u.stats.records,
        u.principals.len(),
        bytes as f64 / 1e6
    );
    let snap = snapshot(principals);
    let (first, ()) = best(5, || draw(&State::new(true)))?;
    let (read, usage) = best(5, || Ok(UsageSummary::read(&path)?))?;
    let (analyze, data) = best(5, || {
        Ok(Arc::new(Data::new(usage.clone(), Some(snap.clone()), Vec::new())))
    })?;
    let (list, mut state) = best(5, || {
        let s = State::with_data(data.clone(), true);
        draw(&s)?;
        Ok(s)
    })?;
    let (principal, ()) = best(5, || {
        update(&mut state, Action::Back);
        update(&mut state, Action::Open);
        draw(&state)
    })?;
    let _ = std::fs::remove_dir_all(&dir);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("first frame (loading screen):        {:8.2} ms", ms(first));
    println!("read the summary:                    {:8.2} ms", ms(read));
    println!("analysis (pare_graph):               {:8.2} ms", ms(analyze));
    println!("first principals frame from data:    {:8.2} ms", ms(list));
    println!("principal view frame:                {:8.2} ms", ms(principal));
    println!(
        "open to principals list (read+analysis+frame): {:.0} ms",
        ms(read + analyze + list)
    );
    Ok(())
}
