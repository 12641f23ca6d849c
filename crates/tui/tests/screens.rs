//! Every screen rendered with ratatui's `TestBackend` at 80×24 and 160×48 (insta snapshots), and key
//! sequences driving the state, on the hand-written graph fixtures and on the reports-app scenario.

// Test helpers outside `#[test]` functions fail loudly too.
#![allow(clippy::unwrap_used, clippy::panic)]

use pare_graph::PermissionGraph;
use pare_load::snapshot::Snapshot;
use pare_propose::Strictness;
use pare_trail::usage::UsageSummary;
use pare_tui::app::{compute_proposal, find_event, load, Options};
use pare_tui::data::{Category, Data, Slot};
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
            // Before the data is loaded the runtime has nothing to run them on either.
            let Some(data) = state.data.clone() else {
                continue;
            };
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
                // Analyses are fed by the tests themselves (see `analyse`).
                Effect::Analyze(_) => {}
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

/// A key press whose effects are left queued (to look at them).
fn press_queued(state: &mut State, code: KeyCode) {
    if let Some(a) = key(state, KeyEvent::new(code, KeyModifiers::NONE)) {
        update(state, a);
    }
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
    assert!(state.current_info().unwrap().arn.contains(arn_part));
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
    let mut state = State::with_analysis(graph_data(), false);
    snap("principals", &state);
    let names = |s: &State| -> Vec<String> {
        let d = s.listing.as_ref().unwrap();
        s.principal_order
            .iter()
            .map(|&i| d.principals[i].arn.clone())
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
    assert!(state.analysis(first).unwrap().admin_equivalent);
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
        state.listing.as_ref().unwrap().principals.len()
    );
}

#[test]
fn principal_view_groups_and_filters_actions() {
    let mut state = State::with_analysis(graph_data(), false);
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
    let mut state = State::with_analysis(graph_data(), false);
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
    let mut state = State::with_analysis(graph_data(), false);
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
    let mut state = State::with_analysis(graph_data(), false);
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
    let mut state = State::with_analysis(scenario_data(), false);
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
    let mut state = State::with_analysis(scenario_data(), false);
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
    let mut state = State::with_analysis(scenario_data(), false);
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
    let mut state = State::with_analysis(Arc::new(Data::new(usage, None, Vec::new())), false);
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
    let mut state = State::with_analysis(graph_data(), false);
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
    let mut state = State::with_analysis(graph_data(), false);
    press(&mut state, KeyCode::Char('/'));
    let a = key(&state, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)).unwrap();
    update(&mut state, a);
    assert!(state.quit);
}

#[test]
fn stale_proposal_results_are_dropped() {
    let data = scenario_data();
    let mut state = State::with_analysis(data.clone(), false);
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

/// The analyses of `data`, as the worker would send them, keyed by principal.
fn analyses(data: &Data) -> Vec<Slot> {
    data.analyze_all()
}

fn arn_at(state: &State, row: usize) -> String {
    let i = state.principal_order[row];
    state.listing.as_ref().unwrap().principals[i].arn.clone()
}

fn selected_arn(state: &State) -> String {
    arn_at(state, state.principals_cursor.selected)
}

fn last_request(state: &State) -> Vec<usize> {
    match state
        .effects
        .iter()
        .rev()
        .find(|e| matches!(e, Effect::Analyze(_)))
    {
        Some(Effect::Analyze(first)) => first.clone(),
        _ => Vec::new(),
    }
}

#[test]
fn the_list_is_built_without_analysis_and_matches_it() {
    let data = graph_data();
    let analysis = PermissionGraph::build(data.snapshot.as_ref().unwrap(), &data.usage).analyze();
    let arns: Vec<&str> = data.principals().iter().map(|p| p.arn.as_str()).collect();
    let expected: Vec<&str> = analysis.principals.iter().map(|p| p.arn.as_str()).collect();
    assert_eq!(arns, expected);
    for (info, p) in data.principals().iter().zip(&analysis.principals) {
        assert_eq!(info.kind, p.kind, "{}", p.arn);
        assert_eq!(info.declared, p.declared, "{}", p.arn);
        assert_eq!(info.observed, p.observed, "{}", p.arn);
        assert_eq!(info.usage_type, p.usage_type, "{}", p.arn);
    }
    // One principal at a time gives what the whole analysis gives.
    let slots = analyses(&data);
    for (slot, p) in slots.iter().zip(&analysis.principals) {
        assert_eq!(slot.ready(), Some(p));
    }
    let alice = data.principals()[data.index_of("arn:aws:iam::111122223333:user/alice").unwrap()].clone();
    assert_eq!(alice.policies, 2);
    assert_eq!(alice.actions, 8);
    assert_eq!(alice.last_seen, "2026-11-07T17:45:12Z");
}

#[test]
fn first_frame_lists_principals_with_pending_analyses() {
    let data = graph_data();
    let mut state = State::with_data(data.clone(), false);
    assert_eq!(state.screen, Screen::Principals);
    assert!(state.analyses.iter().all(Slot::is_pending));
    // The selected row first, then the rest of the visible page.
    let first = last_request(&state);
    assert_eq!(first[0], state.principal_order[0]);
    assert_eq!(first.len(), state.principal_order.len().min(state.page));
    snap("principals_pending", &state);
    let text = render(&state, 80, 24);
    assert!(text.contains("analysing: 0/10 done"), "{text}");
    assert!(text.contains("role/admin"), "{text}");
    // Moving the selection asks for the new row first.
    state.effects.clear();
    press_queued(&mut state, KeyCode::Down);
    assert_eq!(last_request(&state)[0], state.principal_order[1]);
    // Nothing asked again when the wish has not changed.
    state.effects.clear();
    update(&mut state, Action::Resize(80, 18));
    update(&mut state, Action::Resize(80, 18));
    let before = state.effects.len();
    update(&mut state, Action::Resize(80, 18));
    assert_eq!(state.effects.len(), before);
    // Results arrive: their columns fill in, the rest stay pending.
    let slots = analyses(&data);
    for i in [0, 6, 9] {
        update(
            &mut state,
            Action::Analysed {
                index: i,
                slot: slots[i].clone(),
            },
        );
    }
    assert_eq!(state.analysed, 3);
    press(&mut state, KeyCode::Char('s'));
    press(&mut state, KeyCode::Char('s'));
    assert_eq!(state.sort, Sort::Risk);
    snap("principals_partial_by_risk", &state);
    // Known rows first (riskiest first), pending rows last by name.
    let known: Vec<usize> = state.principal_order[..3].to_vec();
    assert!(known.iter().all(|&i| state.analysis(i).is_some()));
    assert!(state.principal_order[3..]
        .iter()
        .all(|&i| state.analyses[i].is_pending()));
    let pending: Vec<String> = (3..state.principal_order.len())
        .map(|r| arn_at(&state, r))
        .collect();
    let mut sorted = pending.clone();
    sorted.sort();
    assert_eq!(pending, sorted);
}

#[test]
fn results_arriving_resort_without_moving_the_selection() {
    let data = graph_data();
    let slots = analyses(&data);
    let mut state = State::with_data(data.clone(), false);
    press(&mut state, KeyCode::Char('s'));
    press(&mut state, KeyCode::Char('s'));
    assert_eq!(state.sort, Sort::Risk);
    // All pending: by name.
    assert_eq!(arn_at(&state, 0), "arn:aws:iam::111122223333:role/admin");
    for _ in 0..7 {
        press(&mut state, KeyCode::Down);
    }
    let chosen = selected_arn(&state);
    assert_eq!(chosen, "arn:aws:iam::111122223333:user/bob");
    // Results in an order unrelated to the list's; the selection follows its principal.
    for i in [9, 2, 7, 0, 4, 1, 8, 3, 6, 5] {
        update(
            &mut state,
            Action::Analysed {
                index: i,
                slot: slots[i].clone(),
            },
        );
        assert_eq!(selected_arn(&state), chosen, "after principal {i}");
        let risks: Vec<Option<u32>> = state
            .principal_order
            .iter()
            .map(|&j| state.analysis(j).map(pare_tui::data::risk))
            .collect();
        let known = risks.iter().take_while(|r| r.is_some()).count();
        assert!(risks[known..].iter().all(Option::is_none), "{risks:?}");
        assert!(risks[..known].windows(2).all(|w| w[0] >= w[1]), "{risks:?}");
    }
    assert_eq!(state.analysed, 10);
    let full = State::with_analysis(data, false);
    let mut by_risk = full;
    by_risk.sort = Sort::Risk;
    pare_tui::update::refresh_principals(&mut by_risk);
    assert_eq!(state.principal_order, by_risk.principal_order);
}

#[test]
fn opening_a_pending_principal_asks_for_it_first_and_fills_in() {
    let data = graph_data();
    let slots = analyses(&data);
    let mut state = State::with_data(data.clone(), false);
    press(&mut state, KeyCode::Char('/'));
    typed(&mut state, "user/alice");
    press(&mut state, KeyCode::Enter);
    state.effects.clear();
    press_queued(&mut state, KeyCode::Enter);
    assert_eq!(state.screen, Screen::Principal);
    let alice = data.index_of("arn:aws:iam::111122223333:user/alice").unwrap();
    assert_eq!(state.principal, Some(alice));
    // Asked for first since the search selected her (and not asked again).
    assert_eq!(state.requested[0], alice);
    assert!(last_request(&state).is_empty());
    // Back on the list, moving away: she is no longer first; opening another asks for it first.
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Char('/'));
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Down);
    press_queued(&mut state, KeyCode::Enter);
    let other = state.principal.unwrap();
    assert_ne!(other, alice);
    assert_eq!(state.requested[0], other);
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Char('/'));
    typed(&mut state, "user/alice");
    press(&mut state, KeyCode::Enter);
    press_queued(&mut state, KeyCode::Enter);
    assert_eq!(state.principal, Some(alice));
    assert_eq!(state.requested[0], alice);
    assert!(state.current_principal().is_none());
    assert!(state.rows.is_empty());
    snap("principal_pending", &state);
    // Enter on a principal without rows does nothing; the proposal needs no analysis.
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.screen, Screen::Principal);
    // Another principal's result does not fill this view.
    update(
        &mut state,
        Action::Analysed {
            index: 0,
            slot: slots[0].clone(),
        },
    );
    assert!(state.rows.is_empty());
    update(
        &mut state,
        Action::Analysed {
            index: alice,
            slot: slots[alice].clone(),
        },
    );
    assert!(!state.rows.is_empty());
    let text = render(&state, 80, 24);
    assert!(text.contains("granted 89"), "{text}");
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.screen, Screen::Action);
}

#[test]
fn a_failed_analysis_is_shown_not_dropped() {
    let mut state = State::with_data(graph_data(), false);
    update(
        &mut state,
        Action::Analysed {
            index: 0,
            slot: Slot::Failed("the permission graph does not know `x`".into()),
        },
    );
    assert_eq!(state.analysed, 1);
    let text = render(&state, 80, 24);
    let row = text.lines().find(|l| l.contains("role/admin")).unwrap();
    assert!(row.contains('?'), "{row}");
    press(&mut state, KeyCode::Enter);
    let text = render(&state, 80, 24);
    assert!(
        text.contains("no analysis: the permission graph does not know `x`"),
        "{text}"
    );
}

#[test]
fn the_worker_analyses_what_is_asked_first_then_the_rest() {
    let data = graph_data();
    let (priority_tx, priority_rx) = std::sync::mpsc::channel();
    let (tx, rx) = std::sync::mpsc::channel();
    priority_tx.send(vec![7, 3]).unwrap();
    pare_tui::app::analyze(&data, &priority_rx, &tx);
    drop(tx);
    let order: Vec<usize> = rx
        .iter()
        .map(|a| match a {
            Action::Analysed { index, slot } => {
                assert!(slot.ready().is_some());
                index
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(order, vec![7, 3, 0, 1, 2, 4, 5, 6, 8, 9]);
}

#[test]
fn the_header_keeps_filter_and_counts_at_80_columns() {
    let mut state = State::with_analysis(scenario_data(), false);
    press(&mut state, KeyCode::Char('s'));
    press(&mut state, KeyCode::Char('/'));
    typed(&mut state, "reports-batch");
    press(&mut state, KeyCode::Enter);
    for (w, h) in [(80, 24), (100, 30), (160, 48)] {
        let text = render(&state, w, h);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[2].contains("filter `reports-batch`"), "{w}: {}", lines[2]);
        assert!(lines[2].contains("1/2 shown"), "{w}: {}", lines[2]);
        assert!(lines[1].contains("2 principals"), "{w}: {}", lines[1]);
        assert!(lines[1].contains("with unused grants"), "{w}: {}", lines[1]);
        assert!(lines[1].chars().count() <= usize::from(w));
        assert!(lines[2].chars().count() <= usize::from(w));
    }
    // The least important part goes first: the window at 80 columns with a long filter.
    press(&mut state, KeyCode::Char('/'));
    typed(&mut state, "-and-more-text-to-fill-the-line");
    let text = render(&state, 80, 24);
    let line = text.lines().nth(2).unwrap();
    assert!(line.contains("0/2 shown") && !line.contains("window"), "{line}");
    // A filter longer than the line is elided in its middle; the count stays.
    typed(&mut state, &"x".repeat(100));
    let text = render(&state, 80, 24);
    let line = text.lines().nth(2).unwrap();
    assert!(
        line.starts_with("filter `reports-batch-and-") && line.ends_with("xx` · 0/2 shown"),
        "{line}"
    );
    assert_eq!(line.chars().count(), 80, "{line}");
    assert_eq!(pare_tui::view::elide("abcdefgh", 5), "ab…gh");
    assert_eq!(pare_tui::view::elide("abc", 5), "abc");
    assert_eq!(
        pare_tui::view::fit(&[("a".into(), 0), ("bbbb".into(), 2), ("cc".into(), 1)], 8),
        "a · cc"
    );
    assert_eq!(
        pare_tui::view::fit(&[("a".into(), 0), ("(b)".into(), 2)], 8),
        "a (b)"
    );
}

#[test]
fn the_list_is_shown_before_the_summary_is_fully_read() {
    let options = Options {
        usage: Some(root().join("fixtures/graph/usage.json")),
        policies: vec![root().join("fixtures/graph/snapshot.json").display().to_string()],
        ..Options::default()
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let data = Arc::new(load(&options, &tx).unwrap());
    drop(tx);
    let listed: Vec<Arc<pare_tui::data::Listing>> = rx
        .iter()
        .filter_map(|a| match a {
            Action::Listed(l) => Some(l),
            _ => None,
        })
        .collect();
    assert_eq!(listed.len(), 1);
    // The digest gives the list the full summary gives.
    assert_eq!(*listed[0], *graph_data().listing);
    assert!(Arc::ptr_eq(&listed[0], &data.listing));

    let mut state = State::new(false);
    update(&mut state, Action::Listed(listed[0].clone()));
    assert_eq!(state.screen, Screen::Principals);
    assert!(state.data.is_none());
    assert!(render(&state, 80, 24).contains("user/alice"));
    select_principal(&mut state, "user/alice");
    // A proposal asked for before the data is there is asked again when it arrives.
    press_queued(&mut state, KeyCode::Char('p'));
    assert_eq!(state.screen, Screen::Proposal);
    assert!(matches!(state.proposal, ProposalView::Computing { .. }));
    state.effects.clear();
    update(&mut state, Action::Loaded(data));
    // Same list: nothing reset.
    assert_eq!(state.screen, Screen::Proposal);
    assert!(state
        .effects
        .iter()
        .any(|e| matches!(e, Effect::Propose { principal, .. } if principal.ends_with("user/alice"))));
}

#[test]
fn the_list_comes_first_with_policies_of_any_kind() {
    // Policies that are not one snapshot file go through the loader before the list is made.
    let scen = root().join("fixtures/scenarios/reports-app");
    let options = Options {
        usage: Some(root().join("fixtures/graph/usage.json")),
        policies: vec![scen.join("terraform/plan.json").display().to_string()],
        params: [("account_id".to_string(), "111122223333".to_string())]
            .into_iter()
            .collect(),
        ..Options::default()
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let data = load(&options, &tx).unwrap();
    drop(tx);
    let listed: Vec<_> = rx
        .iter()
        .filter_map(|a| match a {
            Action::Listed(l) => Some(l),
            _ => None,
        })
        .collect();
    assert_eq!(listed.len(), 1);
    assert!(Arc::ptr_eq(&listed[0], &data.listing));
    assert!(data
        .index_of("arn:aws:iam::111122223333:role/reports-app")
        .is_some());
    assert!(data.index_of("arn:aws:iam::111122223333:user/alice").is_some());
}

#[test]
fn a_summary_that_is_not_one_fails_with_the_summary_reader_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("u.json");
    std::fs::write(&path, "{\"schema\": \"pare.usage/v1\", \"principals\": [oops]}").unwrap();
    let options = Options {
        usage: Some(path.clone()),
        ..Options::default()
    };
    let (tx, _rx) = std::sync::mpsc::channel();
    let err = load(&options, &tx).unwrap_err();
    assert!(
        err.starts_with("cannot read the usage summary: not a usage summary ("),
        "{err}"
    );
    assert!(err.contains("u.json:1"), "{err}");
}

#[test]
fn the_list_counts_distinct_actions_of_an_unnormalised_summary() {
    use pare_tui::data::{principal_list, ActionDigest, PrincipalDigest, UsageDigest};
    let action = |name: &str, count: u64, last: &str| ActionDigest {
        action: name.into(),
        count,
        last_seen: last.into(),
    };
    let principal = |arn: &str, actions: Vec<ActionDigest>| PrincipalDigest {
        arn: arn.into(),
        r#type: pare_trail::usage::PrincipalType::IAMUser,
        actions,
    };
    let digest = UsageDigest {
        schema: Some("pare.usage/v1".into()),
        window: None,
        principals: vec![
            principal(
                "arn:aws:iam::1:user/b",
                vec![
                    action("s3:PutObject", 1, "2026-11-02"),
                    action("s3:GetObject", 2, "2026-11-01"),
                ],
            ),
            principal(
                "arn:aws:iam::1:user/a",
                vec![action("s3:GetObject", 5, "2026-11-03")],
            ),
            principal(
                "arn:aws:iam::1:user/b",
                vec![
                    action("s3:GetObject", 4, "2026-11-05"),
                    action("sqs:SendMessage", 1, "2026-11-04"),
                ],
            ),
        ],
    };
    let list = principal_list(&digest, None);
    assert_eq!(list.len(), 2);
    assert_eq!(
        (list[0].arn.as_str(), list[0].actions, list[0].calls),
        ("arn:aws:iam::1:user/a", 1, 5)
    );
    assert_eq!(
        (list[1].arn.as_str(), list[1].actions, list[1].calls),
        ("arn:aws:iam::1:user/b", 3, 8)
    );
    assert_eq!(list[1].last_seen, "2026-11-05");
    assert_eq!(list[1].kind, "undeclared");
}
