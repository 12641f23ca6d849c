//! [`Action`]s and the pure [`update`] function: every change of [`State`] goes through it, and it does no
//! I/O (work for the runtime is queued in [`State::effects`]).

use crate::data::{self, Category, Listing, Slot};
use crate::diff::{Change, DiffLine};
use crate::state::{
    first_visible, Cursor, Effect, EventView, Filter, LoadProgress, Mode, Pane, ProposalResult, ProposalView,
    Screen, Sort, State,
};
use pare_propose::{Format, Strictness};
use std::cmp::Ordering;
use std::sync::Arc;

/// Everything that can happen.
#[derive(Debug, Clone)]
pub enum Action {
    /// Loading progressed.
    Progress(LoadProgress),
    /// The principals list was made (before the inputs are fully read): it can be shown.
    Listed(Arc<Listing>),
    /// Loading finished (the principals list with it, when not [`Action::Listed`] before); the analyses
    /// follow as [`Action::Analysed`].
    Loaded(Arc<crate::data::Data>),
    /// The analysis of one principal arrived from the analysis worker.
    Analysed {
        /// Its index in [`Listing::principals`](crate::data::Listing::principals).
        index: usize,
        /// The analysis, or why there is none.
        slot: Slot,
    },
    /// Loading failed.
    LoadFailed(String),
    /// Move the selection (or scroll) by this many rows.
    Move(isize),
    /// Move by a page up.
    PageUp,
    /// Move by a page down.
    PageDown,
    /// To the first row.
    Top,
    /// To the last row.
    Bottom,
    /// Open what is selected.
    Open,
    /// Back to the previous screen (or close the overlay, or cancel the input).
    Back,
    /// Exit.
    Quit,
    /// Show or hide the help.
    ToggleHelp,
    /// Start typing a search query.
    StartSearch,
    /// A character typed into the input line.
    Input(char),
    /// Delete the last character of the input line.
    InputBackspace,
    /// Accept the input line.
    InputSubmit,
    /// Next sort order of the principals list.
    CycleSort,
    /// Next category filter of the principal's actions.
    CycleFilter,
    /// Switch the focused pane.
    NextPane,
    /// Show the proposal of the principal shown.
    ShowProposal,
    /// Set the proposal strictness (recomputes the proposal).
    SetStrictness(Strictness),
    /// Next output format for writing.
    CycleFormat,
    /// Start typing the path to write the proposal to.
    StartWrite,
    /// Show the graph.
    ShowGraph,
    /// Jump to the next line matching the diff query.
    NextMatch,
    /// A proposal was computed.
    ProposalReady(Box<ProposalResult>),
    /// No proposal could be made.
    ProposalUnavailable {
        /// For whom.
        principal: String,
        /// At which strictness.
        strictness: Strictness,
        /// Why.
        reason: String,
    },
    /// A sample event was looked up.
    EventLoaded {
        /// The event id.
        id: String,
        /// Its sanitised lines, or why it is not available.
        result: Result<Vec<String>, String>,
    },
    /// The proposal was written (the path), or not (why).
    Written(Result<String, String>),
    /// The terminal was resized (columns, rows).
    Resize(u16, u16),
}

/// Applies `action` to `state`.
pub fn update(state: &mut State, action: Action) {
    // A status message stays until the user does something.
    if !matches!(
        action,
        Action::Progress(_)
            | Action::Written(_)
            | Action::Resize(..)
            | Action::ProposalReady(_)
            | Action::Analysed { .. }
    ) {
        state.status = None;
    }
    apply(state, action);
    prioritize(state);
}

fn apply(state: &mut State, action: Action) {
    match action {
        Action::Progress(p) => state.progress = p,
        Action::Listed(listing) => listed(state, listing),
        Action::Loaded(data) => {
            let same = state
                .listing
                .as_ref()
                .is_some_and(|l| Arc::ptr_eq(l, &data.listing));
            if !same {
                listed(state, data.listing.clone());
            }
            state.data = Some(data);
            // Asked for before the inputs were fully read: ask again now the data is there.
            if let ProposalView::Computing {
                principal,
                strictness,
            } = &state.proposal
            {
                state.effects.push(Effect::Propose {
                    principal: principal.clone(),
                    strictness: *strictness,
                });
            }
        }
        Action::Analysed { index, slot } => analysed(state, index, slot),
        Action::LoadFailed(e) => {
            state.error = Some(e);
            state.screen = Screen::Failed;
        }
        Action::Quit => state.quit = true,
        Action::Resize(_, rows) => state.page = usize::from(rows).saturating_sub(8).max(1),
        Action::ToggleHelp => {
            state.mode = if state.mode == Mode::Help {
                Mode::Normal
            } else {
                Mode::Help
            };
            state.help_scroll = 0;
        }
        Action::StartSearch => {
            if searchable(state.screen) {
                state.mode = Mode::Search;
                state.input = query(state).clone();
            }
        }
        Action::StartWrite => {
            if matches!(state.proposal, ProposalView::Ready(_)) && state.screen == Screen::Proposal {
                state.mode = Mode::Write;
                state.input = default_path(state);
            } else {
                state.status = Some("no proposal to write yet".to_string());
            }
        }
        Action::Input(c) => match state.mode {
            Mode::Search => {
                state.input.push(c);
                apply_query(state);
            }
            Mode::Write => state.input.push(c),
            _ => {}
        },
        Action::InputBackspace => match state.mode {
            Mode::Search => {
                state.input.pop();
                apply_query(state);
            }
            Mode::Write => {
                state.input.pop();
            }
            _ => {}
        },
        Action::InputSubmit => match state.mode {
            Mode::Search => {
                state.mode = Mode::Normal;
                if state.screen == Screen::Proposal {
                    next_match(state, 0);
                }
            }
            Mode::Write => {
                state.mode = Mode::Normal;
                let path = std::mem::take(&mut state.input);
                if path.trim().is_empty() {
                    state.status = Some("no path given: nothing written".to_string());
                } else if let ProposalView::Ready(result) = &state.proposal {
                    state.effects.push(Effect::Write {
                        result: result.clone(),
                        format: state.format,
                        path,
                    });
                }
            }
            _ => {}
        },
        Action::Back => back(state),
        Action::Move(d) => move_by(state, d),
        Action::PageUp => move_by(state, -(state.page.max(1) as isize)),
        Action::PageDown => move_by(state, state.page.max(1) as isize),
        Action::Top => move_by(state, isize::MIN / 2),
        Action::Bottom => move_by(state, isize::MAX / 2),
        Action::Open => open(state),
        Action::CycleSort => {
            if state.screen == Screen::Principals {
                state.sort = state.sort.next();
                refresh_principals(state);
                state.status = Some(format!("sorted by {}", state.sort.label()));
            }
        }
        Action::CycleFilter => match state.screen {
            Screen::Principal => {
                state.filter = state.filter.next();
                refresh_rows(state);
            }
            Screen::Action | Screen::Graph => toggle_pane(state),
            _ => {}
        },
        Action::NextPane => toggle_pane(state),
        Action::ShowProposal => {
            if matches!(state.screen, Screen::Principal | Screen::Action) && state.principal.is_some() {
                push(state, Screen::Proposal);
                request_proposal(state);
            }
        }
        Action::SetStrictness(s) => {
            state.strictness = s;
            if state.screen == Screen::Proposal {
                request_proposal(state);
            }
        }
        Action::CycleFormat => {
            state.format = match state.format {
                Format::Json => Format::Terraform,
                Format::Terraform => Format::CloudFormation,
                Format::CloudFormation => Format::Json,
            };
            if state.mode == Mode::Write {
                state.input = swap_extension(&state.input, state.format);
            }
        }
        Action::ShowGraph => {
            if state.listing.is_some() && state.screen != Screen::Graph && state.mode == Mode::Normal {
                push(state, Screen::Graph);
                state.pane = Pane::First;
            }
        }
        Action::NextMatch => next_match(state, 1),
        Action::ProposalReady(result) => {
            let wanted = match &state.proposal {
                ProposalView::Computing {
                    principal,
                    strictness,
                } => *principal == result.principal && *strictness == result.strictness,
                _ => false,
            };
            // A result for an older request (another principal or strictness) is dropped.
            if wanted {
                state.proposal = ProposalView::Ready(result);
                state.diff_scroll = state.diff_scroll.min(diff_len(state).saturating_sub(1));
            }
        }
        Action::ProposalUnavailable {
            principal,
            strictness,
            reason,
        } => {
            let wanted = matches!(&state.proposal, ProposalView::Computing { principal: p, strictness: s }
                if *p == principal && *s == strictness);
            if wanted {
                state.proposal = ProposalView::Unavailable { principal, reason };
            }
        }
        Action::EventLoaded { id, result } => {
            if state.event == EventView::Loading(id.clone()) {
                state.event = match result {
                    Ok(lines) => EventView::Loaded { id, lines },
                    Err(why) => EventView::Unavailable(why),
                };
                state.event_scroll = 0;
            }
        }
        Action::Written(r) => {
            state.status = Some(match r {
                Ok(path) => format!("wrote {}", crate::sanitize::sanitize(&path)),
                Err(e) => format!("error: {}", crate::sanitize::sanitize(&e)),
            });
        }
    }
}

/// Shows a (new) principals list, every analysis pending.
fn listed(state: &mut State, listing: Arc<Listing>) {
    state.analyses = vec![Slot::Pending; listing.principals.len()];
    state.scores = vec![None; listing.principals.len()];
    state.analysed = 0;
    state.requested.clear();
    state.listing = Some(listing);
    state.screen = Screen::Principals;
    state.back.clear();
    state.error = None;
    refresh_principals(state);
}

/// Stores an arriving analysis; re-sorts the list when it is sorted by a column the analysis fills (keeping
/// the selected principal selected), and fills the principal's view when it is the one shown.
fn analysed(state: &mut State, index: usize, slot: Slot) {
    let Some(current) = state.analyses.get_mut(index) else {
        return;
    };
    if current.is_pending() {
        state.analysed += 1;
    }
    *current = slot;
    if let Some(scores) = state.scores.get_mut(index) {
        *scores = current.ready().map(crate::state::Scores::of);
    }
    if matches!(state.sort, Sort::Unused | Sort::Risk) {
        resort(state);
    }
    if state.principal == Some(index) && state.all_rows.is_empty() {
        fill_rows(state, index);
        refresh_rows(state);
    }
}

/// Asks the runtime to analyse first what the user is looking at: the principal shown, the selected row,
/// then the rest of the visible page (only when that changed and is still pending).
fn prioritize(state: &mut State) {
    if state.listing.is_none() {
        return;
    }
    let pending = |s: &State, i: usize| s.analyses.get(i).is_some_and(Slot::is_pending);
    let mut wanted: Vec<usize> = Vec::new();
    if matches!(
        state.screen,
        Screen::Principal | Screen::Action | Screen::Proposal
    ) {
        wanted.extend(state.principal);
    }
    let page = state.page.max(1);
    let selected = state.principals_cursor.selected;
    wanted.extend(state.principal_order.get(selected).copied());
    let from = first_visible(selected, page);
    wanted.extend(state.principal_order.iter().skip(from).take(page).copied());
    let mut seen = std::collections::BTreeSet::new();
    wanted.retain(|&i| pending(state, i) && seen.insert(i));
    let still: Vec<usize> = state
        .requested
        .iter()
        .copied()
        .filter(|&i| pending(state, i))
        .collect();
    if wanted != still && !wanted.is_empty() {
        state.requested = wanted.clone();
        state.effects.push(Effect::Analyze(wanted));
    }
}

fn searchable(screen: Screen) -> bool {
    matches!(
        screen,
        Screen::Principals | Screen::Principal | Screen::Graph | Screen::Proposal
    )
}

fn query(state: &mut State) -> &mut String {
    match state.screen {
        Screen::Principal => &mut state.action_query,
        Screen::Graph => &mut state.graph_query,
        Screen::Proposal => &mut state.diff_query,
        _ => &mut state.principal_query,
    }
}

fn apply_query(state: &mut State) {
    let text = state.input.clone();
    *query(state) = text;
    match state.screen {
        Screen::Principals => refresh_principals(state),
        Screen::Principal => refresh_rows(state),
        Screen::Graph => {
            state.edges_cursor = Cursor::default();
            state.paths_cursor = Cursor::default();
        }
        Screen::Proposal => next_match(state, 0),
        _ => {}
    }
}

fn push(state: &mut State, screen: Screen) {
    state.back.push(state.screen);
    state.screen = screen;
}

fn back(state: &mut State) {
    match state.mode {
        Mode::Help => {
            state.mode = Mode::Normal;
            return;
        }
        Mode::Search => {
            // Esc while typing clears the query.
            state.mode = Mode::Normal;
            state.input.clear();
            apply_query(state);
            return;
        }
        Mode::Write => {
            state.mode = Mode::Normal;
            state.input.clear();
            state.status = Some("nothing written".to_string());
            return;
        }
        Mode::Normal => {}
    }
    if state.screen == Screen::Action && state.pane == Pane::Second {
        state.pane = Pane::First;
        return;
    }
    if let Some(prev) = state.back.pop() {
        state.screen = prev;
        state.pane = Pane::First;
    }
}

fn toggle_pane(state: &mut State) {
    state.pane = match state.pane {
        Pane::First => Pane::Second,
        Pane::Second => Pane::First,
    };
}

/// Recomputes the principals list's order after a change of data, sort or query, selecting the first row.
pub fn refresh_principals(state: &mut State) {
    state.principal_order = sorted_order(state);
    state.principals_cursor = Cursor::default();
}

/// Re-sorts the principals list (analyses arrived) keeping the selected principal selected.
fn resort(state: &mut State) {
    let selected = state
        .principal_order
        .get(state.principals_cursor.selected)
        .copied();
    state.principal_order = sorted_order(state);
    if let Some(at) = selected.and_then(|i| state.principal_order.iter().position(|&j| j == i)) {
        state.principals_cursor.selected = at;
    }
}

/// Descending by a key, rows whose key is not known yet (analysis pending or failed) last, then by ARN.
fn desc_known<T: PartialOrd>(a: Option<T>, b: Option<T>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.partial_cmp(&a).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The principals (indices into [`Listing::principals`](crate::data::Listing::principals)) matching the query, in the current sort order.
fn sorted_order(state: &State) -> Vec<usize> {
    let Some(listing) = state.listing.as_ref() else {
        return Vec::new();
    };
    let q = state.principal_query.to_lowercase();
    let ps = &listing.principals;
    let mut order: Vec<usize> = (0..ps.len())
        .filter(|&i| q.is_empty() || ps[i].arn.to_lowercase().contains(&q) || ps[i].kind.contains(&q))
        .collect();
    let by_name = |a: &usize, b: &usize| ps[*a].arn.cmp(&ps[*b].arn);
    let score = |i: usize| state.scores.get(i).copied().flatten();
    match state.sort {
        Sort::Name => order.sort_by(by_name),
        Sort::Unused => order.sort_by(|x, y| {
            desc_known(score(*x).map(|s| s.unused), score(*y).map(|s| s.unused)).then_with(|| by_name(x, y))
        }),
        Sort::Risk => order.sort_by(|x, y| {
            desc_known(score(*x).map(|s| s.risk), score(*y).map(|s| s.risk)).then_with(|| by_name(x, y))
        }),
        Sort::Activity => order.sort_by(|x, y| ps[*y].calls.cmp(&ps[*x].calls).then_with(|| by_name(x, y))),
    }
    order
}

/// Recomputes the rows of the principal shown after a change of principal, filter or query.
pub fn refresh_rows(state: &mut State) {
    let q = state.action_query.to_lowercase();
    state.rows = state
        .all_rows
        .iter()
        .filter(|r| match state.filter {
            Filter::All => true,
            Filter::Only(c) => r.category == c,
        })
        .filter(|r| {
            q.is_empty()
                || r.action.to_lowercase().contains(&q)
                || r.level.to_lowercase().contains(&q)
                || r.category.label().contains(&q)
        })
        .cloned()
        .collect();
    state.rows_cursor = Cursor::default();
}

fn open(state: &mut State) {
    let Some(listing) = state.listing.clone() else {
        return;
    };
    match state.screen {
        Screen::Principals => {
            if let Some(&i) = state.principal_order.get(state.principals_cursor.selected) {
                open_principal(state, &listing, i);
            }
        }
        Screen::Principal => {
            if let Some(row) = state.rows.get(state.rows_cursor.selected).cloned() {
                state.action = Some(row);
                state.events_cursor = Cursor::default();
                state.event = EventView::None;
                state.pane = Pane::First;
                push(state, Screen::Action);
            }
        }
        Screen::Action => {
            let ids = sample_ids(state);
            if let Some(id) = ids.get(state.events_cursor.selected) {
                state.pane = Pane::Second;
                if state.data.as_ref().is_none_or(|d| d.logs.is_empty()) {
                    state.event = EventView::Unavailable(
                        "event JSON not loaded; open with --logs to read it from the log files".to_string(),
                    );
                } else {
                    state.event = EventView::Loading(id.clone());
                    state.effects.push(Effect::LoadEvent { id: id.clone() });
                }
            }
        }
        Screen::Graph => {
            let target = match state.pane {
                Pane::First => data::graph_edges(&state.analyses, &state.graph_query)
                    .get(state.edges_cursor.selected)
                    .and_then(|&(i, j)| {
                        let role = &state.analysis(i)?.assumes.get(j)?.role;
                        Some(listing.index_of(role).unwrap_or(i))
                    }),
                Pane::Second => data::graph_paths(&state.analyses, &state.graph_query)
                    .get(state.paths_cursor.selected)
                    .map(|&(i, _)| i),
            };
            if let Some(i) = target {
                open_principal(state, &listing, i);
            }
        }
        _ => {}
    }
}

fn open_principal(state: &mut State, listing: &Listing, i: usize) {
    if i >= listing.principals.len() {
        return;
    }
    state.principal = Some(i);
    fill_rows(state, i);
    state.action_query.clear();
    state.filter = Filter::All;
    refresh_rows(state);
    state.proposal = ProposalView::None;
    state.pane = Pane::First;
    push(state, Screen::Principal);
}

/// The rows of principal `i` (none until its analysis has arrived).
fn fill_rows(state: &mut State, i: usize) {
    state.all_rows = match (&state.data, state.analysis(i)) {
        (Some(data), Some(p)) => data::action_rows(p, &data.usage),
        _ => Vec::new(),
    };
}

/// The sample event ids of the action drilled into.
pub fn sample_ids(state: &State) -> Vec<String> {
    let (Some(data), Some(p), Some(row)) = (&state.data, state.current_info(), &state.action) else {
        return Vec::new();
    };
    if row.category == Category::Unused || row.category == Category::Unobservable {
        return Vec::new();
    }
    data.action_usage(&p.arn, &row.action)
        .map(|u| u.sample_event_ids.clone())
        .unwrap_or_default()
}

fn request_proposal(state: &mut State) {
    let Some(p) = state.current_info() else {
        return;
    };
    let principal = p.arn.clone();
    let observed = p.observed;
    let strictness = state.strictness;
    if !observed {
        state.proposal = ProposalView::Unavailable {
            principal,
            reason: "no usage recorded for this principal: nothing to base a proposal on".to_string(),
        };
        return;
    }
    if let ProposalView::Ready(r) = &state.proposal {
        if r.principal == principal && r.strictness == strictness {
            return;
        }
    }
    state.proposal = ProposalView::Computing {
        principal: principal.clone(),
        strictness,
    };
    state.effects.push(Effect::Propose {
        principal,
        strictness,
    });
}

fn diff_len(state: &State) -> usize {
    match &state.proposal {
        ProposalView::Ready(r) => r.diff.len(),
        _ => 0,
    }
}

fn next_match(state: &mut State, skip: usize) {
    let q = state.diff_query.to_lowercase();
    if q.is_empty() {
        return;
    }
    let ProposalView::Ready(r) = &state.proposal else {
        return;
    };
    let n = r.diff.len();
    let start = state.diff_scroll + skip;
    let hit = (0..n)
        .map(|k| (start + k) % n.max(1))
        .find(|&i| r.diff[i].text.to_lowercase().contains(&q));
    match hit {
        Some(i) => state.diff_scroll = i,
        None => state.status = Some(format!("no line matches `{}`", crate::sanitize::sanitize(&q))),
    }
}

fn move_by(state: &mut State, d: isize) {
    if state.mode == Mode::Help {
        state.help_scroll = scroll(state.help_scroll, d, crate::view::HELP.len());
        return;
    }
    if state.listing.is_none() {
        return;
    }
    match state.screen {
        Screen::Principals => state.principals_cursor.step(d, state.principal_order.len()),
        Screen::Principal => state.rows_cursor.step(d, state.rows.len()),
        Screen::Action => match state.pane {
            Pane::First => {
                let n = sample_ids(state).len();
                state.events_cursor.step(d, n);
            }
            Pane::Second => {
                let n = match &state.event {
                    EventView::Loaded { lines, .. } => lines.len(),
                    _ => 0,
                };
                state.event_scroll = scroll(state.event_scroll, d, n);
            }
        },
        Screen::Proposal => state.diff_scroll = scroll(state.diff_scroll, d, diff_len(state)),
        Screen::Graph => match state.pane {
            Pane::First => {
                let n = data::graph_edges(&state.analyses, &state.graph_query).len();
                state.edges_cursor.step(d, n);
            }
            Pane::Second => {
                let n = data::graph_paths(&state.analyses, &state.graph_query).len();
                state.paths_cursor.step(d, n);
            }
        },
        Screen::Loading | Screen::Failed => {}
    }
}

fn scroll(at: usize, d: isize, len: usize) -> usize {
    (at as isize)
        .saturating_add(d)
        .clamp(0, len.saturating_sub(1) as isize) as usize
}

fn default_path(state: &State) -> String {
    let stem = state
        .current_info()
        .map(|p| pare_propose::render::file_stem(&p.arn))
        .unwrap_or_else(|| "proposal".to_string());
    format!("{stem}.{}", state.format.extension())
}

fn swap_extension(path: &str, format: Format) -> String {
    let stem = [".json", ".tf", ".yaml"]
        .iter()
        .find_map(|e| path.strip_suffix(e))
        .unwrap_or(path);
    format!("{stem}.{}", format.extension())
}

/// The diff of the current policy (pretty JSON, `None` when not declared) and the proposal's policy.
pub fn proposal_diff(
    current: Option<&serde_json::Value>,
    proposal: &pare_propose::Proposal,
) -> Vec<DiffLine> {
    let old: Vec<String> = current
        .map(|v| crate::sanitize::sanitize_lines(&serde_json::to_string_pretty(v).unwrap_or_default()))
        .unwrap_or_default();
    let new = crate::sanitize::sanitize_lines(&pare_propose::render::policy_json(proposal));
    let mut d = crate::diff::diff_lines(&old, &new);
    if current.is_none() {
        for l in &mut d {
            l.change = Change::Added;
        }
    }
    d
}
