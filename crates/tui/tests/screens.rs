//! Every screen rendered with ratatui's `TestBackend` at 80×24 and 160×48 (insta snapshots), and key
//! sequences driving the state, on the hand-written graph fixtures and on the reports-app scenario.

// Test helpers outside `#[test]` functions fail loudly too.
#![allow(clippy::unwrap_used, clippy::panic)]

use pare_load::snapshot::Snapshot;
use pare_propose::Strictness;
use pare_trail::usage::UsageSummary;
use pare_tui::app::{compute_proposal, find_event, load, Options};
use pare_tui::data::{Category, Data};
use pare_tui::keys::key;
use pare_tui::state::{Effect, EventView, Filter, Mode, Pane, ProposalView, Screen, Sort, State};
use pare_tui::update::{update, Action};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use std::path::PathBuf;
use std::sync::Arc;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn graph_data() -> Arc<Data> {
    let usage = UsageSummary::read(root().join("fixtures/graph/usage.json")).unwrap();
    let snapshot = Snapshot::read(root().join("fixtures/graph/snapshot.json")).unwrap();
    Arc::new(Data::new(usage, Some(snapshot), Vec::new()))
}

fn scenario_options() -> Options {
    let s = root().join("fixtures/scenarios/reports-app");
    Options {
        usage: None,
        policies: vec![s.join("terraform/plan.json").display().to_string()],
        logs: vec![s.join("cloudtrail").display().to_string()],
        params: [("account_id".to_string(), "111122223333".to_string())]
            .into_iter()
            .collect(),
        color: false,
    }
}

fn scenario_data() -> Arc<Data> {
    let (tx, _rx) = std::sync::mpsc::channel();
    Arc::new(load(&scenario_options(), &tx).unwrap())
}

/// Runs the effects the way the runtime does, but on this thread.
fn drain(state: &mut State) {
    while !state.effects.is_empty() {
        for effect in std::mem::take(&mut state.effects) {
            let data = state.data.clone().unwrap();
            match effect {
                Effect::Propose {
                    principal,
                    strictness,
                } => update(state, compute_proposal(&data, &principal, strictness)),
                Effect::LoadEvent { id } => {
                    let result = find_event(&data.logs, &id);
                    update(state, Action::EventLoaded { id, result });
                }
                Effect::Write { .. } => panic!("unexpected write"),
            }
        }
    }
}

fn press(state: &mut State, code: KeyCode) {
    if let Some(a) = key(state, KeyEvent::new(code, KeyModifiers::NONE)) {
        update(state, a);
    }
    drain(state);
}

fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        press(state, KeyCode::Char(c));
    }
}

fn render(state: &State, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| f.render_widget(state, f.area())).unwrap();
    let buf = t.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn snap(name: &str, state: &State) {
    insta::assert_snapshot!(format!("{name}_80x24"), render(state, 80, 24));
    insta::assert_snapshot!(format!("{name}_160x48"), render(state, 160, 48));
}

fn select_principal(state: &mut State, arn_part: &str) {
    press(state, KeyCode::Char('/'));
    typed(state, arn_part);
    press(state, KeyCode::Enter);
    press(state, KeyCode::Enter);
    assert_eq!(state.screen, Screen::Principal);
    assert!(state.current_principal().unwrap().arn.contains(arn_part));
}

#[test]
fn loading_and_failed_screens() {
    let mut state = State::new(false);
    update(
        &mut state,
        Action::Progress(pare_tui::state::LoadProgress {
            stage: "replaying the logs…".into(),
            records: 1234,
            sources_done: 3,
            sources_queued: 12,
        }),
    );
    snap("loading", &state);
    update(
        &mut state,
        Action::LoadFailed("cannot read the usage summary: `u.json`: not found".into()),
    );
    snap("failed", &state);
}

#[test]
fn principals_list_sorts_and_filters() {
    let mut state = State::with_data(graph_data(), false);
    snap("principals", &state);
    let names = |s: &State| -> Vec<String> {
        let a = &s.data.as_ref().unwrap().analysis;
        s.principal_order
            .iter()
            .map(|&i| a.principals[i].arn.clone())
            .collect()
    };
    let by_name = names(&state);
    let mut sorted = by_name.clone();
    sorted.sort();
    assert_eq!(by_name, sorted);
    press(&mut state, KeyCode::Char('s'));
    assert_eq!(state.sort, Sort::Unused);
    press(&mut state, KeyCode::Char('s'));
    assert_eq!(state.sort, Sort::Risk);
    // Admin-equivalent principals are the riskiest.
    let first = state.principal_order[0];
    assert!(state.data.as_ref().unwrap().analysis.principals[first].admin_equivalent);
    snap("principals_by_risk", &state);
    press(&mut state, KeyCode::Char('s'));
    assert_eq!(state.sort, Sort::Activity);
    press(&mut state, KeyCode::Char('/'));
    assert_eq!(state.mode, Mode::Search);
    typed(&mut state, "user/");
    assert!(names(&state).iter().all(|n| n.contains("user/")));
    assert!(!names(&state).is_empty());
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.mode, Mode::Normal);
    assert_eq!(
        names(&state).len(),
        state.data.as_ref().unwrap().analysis.principals.len()
    );
}

#[test]
fn principal_view_groups_and_filters_actions() {
    let mut state = State::with_data(graph_data(), false);
    select_principal(&mut state, "user/alice");
    snap("principal_alice", &state);
    let cats: std::collections::BTreeSet<Category> = state.rows.iter().map(|r| r.category).collect();
    assert!(cats.contains(&Category::Used));
    // Rows are grouped by service, then access level.
    let services: Vec<&str> = state.rows.iter().map(|r| r.service.as_str()).collect();
    let mut sorted = services.clone();
    sorted.sort();
    assert_eq!(services, sorted);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.filter, Filter::Only(Category::Used));
    assert!(state.rows.iter().all(|r| r.category == Category::Used));
    snap("principal_alice_used", &state);
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.screen, Screen::Principals);
}

#[test]
fn action_drill_down_without_logs_says_how_to_get_event_json() {
    let mut state = State::with_data(graph_data(), false);
    select_principal(&mut state, "user/alice");
    press(&mut state, KeyCode::Tab); // used only
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.screen, Screen::Action);
    snap("action_alice", &state);
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.pane, Pane::Second);
    match &state.event {
        EventView::Unavailable(why) => assert!(why.contains("open with --logs"), "{why}"),
        other => panic!("{other:?}"),
    }
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.pane, Pane::First);
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.screen, Screen::Principal);
}

#[test]
fn graph_view_navigates_to_principals() {
    let mut state = State::with_data(graph_data(), false);
    press(&mut state, KeyCode::Char('g'));
    assert_eq!(state.screen, Screen::Graph);
    snap("graph", &state);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.pane, Pane::Second);
    snap("graph_paths", &state);
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.screen, Screen::Principal);
    assert!(!state.current_principal().unwrap().escalation.is_empty());
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.screen, Screen::Graph);
}

#[test]
fn help_lists_every_key() {
    let mut state = State::with_data(graph_data(), false);
    press(&mut state, KeyCode::Char('?'));
    assert_eq!(state.mode, Mode::Help);
    snap("help", &state);
    let text = render(&state, 160, 48);
    for (k, _) in pare_tui::view::HELP {
        assert!(text.contains(k), "help misses `{k}`");
    }
    press(&mut state, KeyCode::Esc);
    assert_eq!(state.mode, Mode::Normal);
}

#[test]
fn scenario_proposal_diff_follows_strictness() {
    let mut state = State::with_data(scenario_data(), false);
    snap("scenario_principals", &state);
    select_principal(&mut state, "role/reports-batch");
    press(&mut state, KeyCode::Char('p'));
    assert_eq!(state.screen, Screen::Proposal);
    let ProposalView::Ready(balanced) = state.proposal.clone() else {
        panic!("{:?}", state.proposal)
    };
    assert_eq!(balanced.strictness, Strictness::Balanced);
    assert!(balanced.has_current);
    assert!(balanced
        .diff
        .iter()
        .any(|l| l.change == pare_tui::diff::Change::Removed));
    assert!(balanced
        .diff
        .iter()
        .any(|l| l.change == pare_tui::diff::Change::Added));
    snap("scenario_proposal_balanced", &state);
    press(&mut state, KeyCode::Char('1'));
    let ProposalView::Ready(exact) = state.proposal.clone() else {
        panic!("{:?}", state.proposal)
    };
    assert_eq!(exact.strictness, Strictness::Exact);
    snap("scenario_proposal_exact", &state);
    press(&mut state, KeyCode::Char('3'));
    let ProposalView::Ready(loose) = state.proposal.clone() else {
        panic!("{:?}", state.proposal)
    };
    assert_eq!(loose.strictness, Strictness::Loose);
    assert_ne!(exact.diff, loose.diff, "strictness must change the proposal");
    // Search jumps to a matching line.
    press(&mut state, KeyCode::Char('/'));
    typed(&mut state, "Resource");
    press(&mut state, KeyCode::Enter);
    let ProposalView::Ready(r) = &state.proposal else {
        panic!()
    };
    assert!(r.diff[state.diff_scroll].text.contains("Resource"));
}

#[test]
fn scenario_event_json_from_logs() {
    let mut state = State::with_data(scenario_data(), false);
    select_principal(&mut state, "role/reports-app");
    press(&mut state, KeyCode::Tab); // used
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.screen, Screen::Action);
    press(&mut state, KeyCode::Enter);
    match &state.event {
        EventView::Loaded { id, lines } => {
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains(&format!("\"eventID\": \"{id}\""))),
                "{lines:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The pane names the log file by its absolute path: keep the snapshot independent of the checkout.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let prefix = root.display().to_string();
    let screen: String = render(&state, 160, 48)
        .lines()
        .map(|l| match l.find(&prefix) {
            Some(i) => {
                let rest = &l[i..];
                let end = rest.find('│').unwrap_or(rest.len());
                format!("{}<path>{}\n", &l[..i], &rest[end..])
            }
            None => format!("{l}\n"),
        })
        .collect();
    insta::assert_snapshot!("scenario_event_160x48", screen);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.event_scroll, 1);
}

#[test]
fn writing_the_proposal_in_each_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = State::with_data(scenario_data(), false);
    select_principal(&mut state, "role/reports-app");
    press(&mut state, KeyCode::Char('p'));
    for (ext, needle) in [
        ("json", "\"Statement\""),
        ("tf", "aws_iam_policy_document"),
        ("yaml", "AWS::IAM::ManagedPolicy"),
    ] {
        press(&mut state, KeyCode::Char('w'));
        assert_eq!(state.mode, Mode::Write);
        assert!(state.input.ends_with(&format!(".{ext}")), "{}", state.input);
        let path = dir.path().join(format!("out.{ext}"));
        state.input.clear();
        typed(&mut state, &path.display().to_string());
        let action = key(&state, KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)).unwrap();
        update(&mut state, action);
        let Some(Effect::Write {
            result,
            format,
            path: p,
        }) = state.effects.pop()
        else {
            panic!()
        };
        std::fs::write(&p, pare_tui::app::render_proposal(&result, format)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(needle), "{ext}: {text}");
        press(&mut state, KeyCode::Char('f'));
    }
}

#[test]
fn hostile_strings_are_neutralised_on_screen() {
    let usage = UsageSummary::from_json(
        r#"{"schema": "pare.usage/v1", "sources": [], "window": null,
        "stats": {"records": 1, "skipped": 0, "unmapped": 0, "errors": []},
        "principals": [{"arn": "arn:aws:iam::111122223333:user/\u001b]0;pwned\u0007\u001b[2Jevil", "type": "IAMUser",
          "actions": [{"action": "s3:GetObject", "count": 1, "denied": 0,
            "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-01T00:00:00Z",
            "event_names": ["s3.amazonaws.com:GetObject"],
            "resources": ["arn:aws:s3:::b/\u001b[31mred\u202etxt"], "sample_event_ids": ["e\u001b[1"], "regions": []}]}],
        "unmapped": []}"#,
    )
    .unwrap();
    let mut state = State::with_data(Arc::new(Data::new(usage, None, Vec::new())), false);
    press(&mut state, KeyCode::Enter);
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.screen, Screen::Action);
    let text = render(&state, 160, 48);
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
    assert!(text.contains("\\x1b]0;pwned\\x07\\x1b[2Jevil"), "{text}");
    assert!(text.contains("\\x1b[31mred\\u{202e}txt"), "{text}");
}

#[test]
fn tiny_terminals_do_not_panic() {
    let mut state = State::with_data(graph_data(), false);
    for (w, h) in [(1, 1), (10, 3), (20, 5), (40, 10)] {
        render(&state, w, h);
    }
    select_principal(&mut state, "user/alice");
    press(&mut state, KeyCode::Enter);
    press(&mut state, KeyCode::Char('?'));
    for (w, h) in [(1, 1), (10, 3), (20, 5)] {
        render(&state, w, h);
    }
}

#[test]
fn ctrl_c_quits_even_while_typing() {
    let mut state = State::with_data(graph_data(), false);
    press(&mut state, KeyCode::Char('/'));
    let a = key(&state, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)).unwrap();
    update(&mut state, a);
    assert!(state.quit);
}

#[test]
fn stale_proposal_results_are_dropped() {
    let data = scenario_data();
    let mut state = State::with_data(data.clone(), false);
    select_principal(&mut state, "role/reports-app");
    let arn = state.current_principal().unwrap().arn.clone();
    update(&mut state, Action::ShowProposal);
    update(&mut state, Action::SetStrictness(Strictness::Loose));
    // The balanced result arrives after loose was asked for: ignored.
    update(&mut state, compute_proposal(&data, &arn, Strictness::Balanced));
    assert!(matches!(
        state.proposal,
        ProposalView::Computing {
            strictness: Strictness::Loose,
            ..
        }
    ));
    update(&mut state, compute_proposal(&data, &arn, Strictness::Loose));
    assert!(matches!(&state.proposal, ProposalView::Ready(r) if r.strictness == Strictness::Loose));
}
