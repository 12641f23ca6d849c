//! Rendering: `impl Widget for &State`, split into one `render_*` helper per screen and part. Styles are
//! constants ([`COLOR`], and [`MONO`] when `NO_COLOR` is set). Every string that comes from logs or policies
//! goes through [`sanitize`](crate::sanitize::sanitize) first.

use crate::data::{self, ActionRow, Category, PrincipalInfo, Slot};
use crate::diff::Change;
use crate::sanitize::sanitize;
use crate::state::{first_visible, EventView, Mode, Pane, ProposalView, Screen, Sort, State};
use crate::update::sample_ids;
use pare_graph::report::PrincipalAnalysis;
use pare_propose::{Format, Strictness};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Gauge, Paragraph, Row, Table, Widget, Wrap};

/// The styles of one theme.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// The title bar.
    pub title: Style,
    /// Secondary text.
    pub dim: Style,
    /// The selected row.
    pub selected: Style,
    /// Table headers and group headings.
    pub heading: Style,
    /// Used actions, added lines.
    pub good: Style,
    /// Missing actions, removed lines, errors.
    pub bad: Style,
    /// Unused actions, warnings.
    pub warn: Style,
    /// The focused pane's border.
    pub focus: Style,
    /// Keys in hints.
    pub key: Style,
}

/// Colours.
pub const COLOR: Theme = Theme {
    title: Style::new()
        .fg(Color::Black)
        .bg(Color::Cyan)
        .add_modifier(Modifier::BOLD),
    dim: Style::new().fg(Color::DarkGray),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    heading: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
    good: Style::new().fg(Color::Green),
    bad: Style::new().fg(Color::Red),
    warn: Style::new().fg(Color::Magenta),
    focus: Style::new().fg(Color::Cyan),
    key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
};

/// No colour (`NO_COLOR`): modifiers only.
pub const MONO: Theme = Theme {
    title: Style::new().add_modifier(Modifier::REVERSED),
    dim: Style::new(),
    selected: Style::new().add_modifier(Modifier::REVERSED),
    heading: Style::new().add_modifier(Modifier::BOLD),
    good: Style::new(),
    bad: Style::new().add_modifier(Modifier::BOLD),
    warn: Style::new(),
    focus: Style::new().add_modifier(Modifier::BOLD),
    key: Style::new().add_modifier(Modifier::BOLD),
};

/// Every key, as the help lists it.
pub const HELP: &[(&str, &str)] = &[
    ("q, Ctrl-C", "quit (Ctrl-C also while typing)"),
    ("?", "show or hide this help"),
    ("↑ ↓, j k, mouse wheel", "move the selection or scroll"),
    ("PgUp PgDn, Ctrl-U Ctrl-D", "move by a page"),
    ("Home End", "first or last row"),
    (
        "Enter",
        "open the principal, action, sample event or graph node selected",
    ),
    ("Esc, Backspace, ←, h", "back (closes help, cancels typing)"),
    (
        "/",
        "search: filter the list, or find in the diff (Enter keeps, Esc clears)",
    ),
    ("n", "next line matching the search in the diff"),
    ("s", "principals: sort by name, unused fraction, risk, activity"),
    (
        "Tab",
        "principal: cycle all/used/missing/unused/unobservable; action, graph: switch pane",
    ),
    ("p", "principal or action: the proposal beside the current policy"),
    (
        "1 2 3",
        "proposal strictness: exact, balanced, loose (recomputed in the background)",
    ),
    ("f", "proposal: output format json, terraform, cloudformation"),
    (
        "w",
        "proposal: write it to a file (type the path, Tab changes format, Enter writes)",
    ),
    ("g", "graph: who can assume whom, and escalation paths"),
];

fn theme(state: &State) -> &'static Theme {
    if state.color {
        &COLOR
    } else {
        &MONO
    }
}

fn s(text: &str) -> String {
    sanitize(text).into_owned()
}

/// Below this width, IAM ARNs are shown without `arn:aws:iam::<account>:` and times without the clock.
const WIDE: u16 = 120;

/// An IAM ARN shortened to `role/name` on narrow terminals (sanitised).
fn arn(text: &str, width: u16) -> String {
    if width < WIDE {
        let mut parts = text.splitn(6, ':');
        if let (Some("arn"), Some(_), Some("iam"), Some(""), Some(_), Some(rest)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) {
            return s(rest);
        }
    }
    s(text)
}

impl Widget for &State {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [top, body, bottom] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
        render_title(self, top, buf);
        match self.screen {
            Screen::Loading => render_loading(self, body, buf),
            Screen::Failed => render_failed(self, body, buf),
            Screen::Principals => render_principals(self, body, buf),
            Screen::Principal => render_principal(self, body, buf),
            Screen::Action => render_action(self, body, buf),
            Screen::Proposal => render_proposal(self, body, buf),
            Screen::Graph => render_graph(self, body, buf),
        }
        render_footer(self, bottom, buf);
        if self.mode == Mode::Help {
            render_help(self, body, buf);
        }
    }
}

fn render_title(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let screen = match state.screen {
        Screen::Loading => "loading",
        Screen::Failed => "error",
        Screen::Principals => "principals",
        Screen::Principal => "principal",
        Screen::Action => "action",
        Screen::Proposal => "proposal",
        Screen::Graph => "graph",
    };
    let mut text = format!(" pare tui · {screen}");
    if matches!(
        state.screen,
        Screen::Principal | Screen::Action | Screen::Proposal
    ) {
        if let Some(p) = state.current_info() {
            text.push_str(" · ");
            text.push_str(&s(&p.arn));
        }
    }
    buf.set_style(area, t.title);
    Paragraph::new(Line::from(Span::styled(text, t.title))).render(area, buf);
}

fn hint<'a>(t: &Theme, pairs: &[(&'a str, &'a str)]) -> Line<'a> {
    let mut spans = Vec::new();
    for (k, what) in pairs {
        spans.push(Span::styled(*k, t.key));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans)
}

fn render_footer(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let line = match state.mode {
        Mode::Search => Line::from(vec![
            Span::styled("/", t.key),
            Span::raw(s(&state.input)),
            Span::raw("▏"),
        ]),
        Mode::Write => Line::from(vec![
            Span::styled(format!("write {} to: ", format_name(state.format)), t.key),
            Span::raw(s(&state.input)),
            Span::raw("▏  "),
            Span::styled("Tab", t.key),
            Span::raw(" format  "),
            Span::styled("Enter", t.key),
            Span::raw(" write  "),
            Span::styled("Esc", t.key),
            Span::raw(" cancel"),
        ]),
        Mode::Help => hint(t, &[("Esc", "close"), ("↑↓", "scroll")]),
        Mode::Normal => match &state.status {
            Some(msg) => Line::from(Span::styled(s(msg), t.warn)),
            None => match state.screen {
                Screen::Principals => hint(
                    t,
                    &[
                        ("Enter", "open"),
                        ("/", "filter"),
                        ("s", "sort"),
                        ("g", "graph"),
                        ("?", "help"),
                        ("q", "quit"),
                    ],
                ),
                Screen::Principal => hint(
                    t,
                    &[
                        ("Enter", "action"),
                        ("Tab", "category"),
                        ("p", "proposal"),
                        ("/", "filter"),
                        ("Esc", "back"),
                        ("?", "help"),
                    ],
                ),
                Screen::Action => hint(
                    t,
                    &[
                        ("Enter", "event JSON"),
                        ("Tab", "pane"),
                        ("p", "proposal"),
                        ("Esc", "back"),
                        ("?", "help"),
                    ],
                ),
                Screen::Proposal => hint(
                    t,
                    &[
                        ("1/2/3", "strictness"),
                        ("f", "format"),
                        ("w", "write"),
                        ("/", "find"),
                        ("Esc", "back"),
                        ("?", "help"),
                    ],
                ),
                Screen::Graph => hint(
                    t,
                    &[
                        ("Tab", "pane"),
                        ("Enter", "open"),
                        ("/", "filter"),
                        ("Esc", "back"),
                        ("?", "help"),
                    ],
                ),
                Screen::Loading | Screen::Failed => hint(t, &[("q", "quit")]),
            },
        },
    };
    Paragraph::new(line).render(area, buf);
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Json => "json",
        Format::Terraform => "terraform",
        Format::CloudFormation => "cloudformation",
    }
}

fn render_loading(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let p = &state.progress;
    let [msg, gauge, _] =
        Layout::vertical([Constraint::Length(2), Constraint::Length(3), Constraint::Min(0)]).areas(area);
    Paragraph::new(s(&p.stage)).style(t.heading).render(msg, buf);
    let ratio = if p.sources_queued == 0 {
        0.0
    } else {
        (p.sources_done as f64 / p.sources_queued as f64).clamp(0.0, 1.0)
    };
    Gauge::default()
        .block(Block::bordered().title("replay"))
        .gauge_style(t.focus)
        .ratio(ratio)
        .label(format!(
            "{} records · {}/{} sources",
            p.records, p.sources_done, p.sources_queued
        ))
        .render(gauge, buf);
}

fn render_failed(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let msg = state.error.as_deref().unwrap_or("unknown error");
    Paragraph::new(vec![
        Line::from(Span::styled(format!("error: {}", s(msg)), t.bad)),
        Line::from(""),
        Line::from("press q to quit"),
    ])
    .wrap(Wrap { trim: false })
    .render(area, buf);
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Joins the parts that fit in `width` columns with ` · ` (a part starting with `(` with a space): parts are
/// `(text, rank)`, and the parts of the highest rank (the least important) are left out first until the rest
/// fits; the order is kept, and the parts of the lowest rank are always kept. Empty parts are left out.
pub fn fit(parts: &[(String, u8)], width: usize) -> String {
    let mut keep: Vec<bool> = parts.iter().map(|(t, _)| !t.is_empty()).collect();
    let join = |keep: &[bool]| -> String {
        let mut out = String::new();
        for ((t, _), _) in parts.iter().zip(keep).filter(|(_, k)| **k) {
            if !out.is_empty() {
                out.push_str(if t.starts_with('(') { " " } else { " · " });
            }
            out.push_str(t);
        }
        out
    };
    let len = |keep: &[bool]| join(keep).chars().count();
    let mut ranks: Vec<u8> = parts.iter().map(|(_, r)| *r).collect();
    ranks.sort_unstable();
    ranks.dedup();
    // Drop whole ranks, least important first, but never the most important one.
    for rank in ranks.iter().skip(1).rev() {
        if len(&keep) <= width {
            break;
        }
        for (k, (_, r)) in keep.iter_mut().zip(parts) {
            if r == rank {
                *k = false;
            }
        }
    }
    join(&keep)
}

/// `text` in at most `max` columns (at least 3), its middle replaced by `…` when it does not fit.
pub fn elide(text: &str, max: usize) -> String {
    let n = text.chars().count();
    let max = max.max(3);
    if n <= max {
        return text.to_string();
    }
    let head = (max - 1).div_ceil(2);
    let tail = max - 1 - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(n - tail).collect();
    format!("{start}…{end}")
}

/// A time as its date on narrow terminals (sanitised).
fn when(text: &str, width: u16) -> String {
    if width < WIDE {
        s(text.get(..10).unwrap_or(text))
    } else {
        s(text)
    }
}

fn render_principals(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let Some(d) = &state.listing else { return };
    let [head, table] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
    let total = d.principals.len();
    let declared = d.principals.iter().filter(|p| p.declared).count();
    let observed = d.principals.iter().filter(|p| p.observed).count();
    let ready = || data::ready(&state.analyses).map(|(_, p)| p);
    let with_unused = ready().filter(|p| p.counts.unused > 0).count();
    let with_escalation = ready().filter(|p| !p.escalation.is_empty()).count();
    let done = state.analysed >= total;
    let width = usize::from(area.width);
    let line1 = fit(
        &[
            (format!("{total} principals"), 0),
            (format!("({declared} declared, {observed} observed)"), 3),
            (
                if done {
                    String::new()
                } else {
                    format!("analysing: {}/{total} done", state.analysed)
                },
                1,
            ),
            (format!("{with_unused} with unused grants"), 2),
            (format!("{with_escalation} with escalation paths"), 2),
        ],
        width,
    );
    let window = d
        .window
        .as_ref()
        .map(|w| {
            format!(
                "window {} .. {}",
                when(&w.start, area.width),
                when(&w.end, area.width)
            )
        })
        .unwrap_or_else(|| "no usage".to_string());
    let shown = format!("{}/{total} shown", state.principal_order.len());
    // A filter too long for the line keeps its start and end, so the count beside it stays visible.
    let room = width.saturating_sub(shown.chars().count() + " · filter ``".chars().count());
    let line2 = fit(
        &[
            (
                if state.principal_query.is_empty() {
                    String::new()
                } else {
                    format!("filter `{}`", elide(&s(&state.principal_query), room))
                },
                0,
            ),
            (shown, 0),
            (format!("sort: {}", state.sort.label()), 1),
            (window, 2),
        ],
        width,
    );
    Paragraph::new(vec![Line::from(line1), Line::from(Span::styled(line2, t.dim))]).render(head, buf);
    let height = usize::from(table.height.saturating_sub(1));
    let from = first_visible(state.principals_cursor.selected, height);
    let mark = |sort: Sort, label: &'static str| {
        if state.sort == sort {
            format!("{label}▼")
        } else {
            label.to_string()
        }
    };
    let wide = area.width >= WIDE;
    let mut header = vec![
        Cell::from("kind"),
        Cell::from(mark(Sort::Unused, "unused")),
        Cell::from(mark(Sort::Risk, "risk")),
        Cell::from(mark(Sort::Activity, "calls")),
        Cell::from("actions"),
        Cell::from("pol"),
    ];
    let mut widths = vec![
        Constraint::Length(10),
        Constraint::Length(7),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(3),
    ];
    if wide {
        header.push(Cell::from("used/granted"));
        header.push(Cell::from("last seen"));
        widths.push(Constraint::Length(12));
        widths.push(Constraint::Length(20));
    }
    header.push(Cell::from(mark(Sort::Name, "principal")));
    widths.push(Constraint::Min(10));
    let rows = state
        .principal_order
        .iter()
        .enumerate()
        .skip(from)
        .take(height)
        .map(|(k, &i)| {
            let info = &d.principals[i];
            let slot = state.analyses.get(i).unwrap_or(&Slot::Pending);
            let mut row = Row::new(principal_cells(info, slot, wide, area.width));
            if k == state.principals_cursor.selected {
                row = row.style(t.selected);
            }
            row
        });
    Table::new(rows, widths)
        .header(Row::new(header).style(t.heading))
        .render(table, buf);
}

/// The cells of one row of the principals list: what the list says at once, and `…` where the analysis has
/// not arrived (`?` where it failed).
fn principal_cells(info: &PrincipalInfo, slot: &Slot, wide: bool, width: u16) -> Vec<Cell<'static>> {
    let (unused, risk, used) = match slot {
        Slot::Ready(p) => (
            pct(data::unused_fraction(p)),
            risk_label(p),
            format!("{}/{}", p.counts.used, p.counts.granted),
        ),
        Slot::Pending => ("…".to_string(), "…".to_string(), "…".to_string()),
        Slot::Failed(_) => ("?".to_string(), "?".to_string(), "?".to_string()),
    };
    let mut cells = vec![
        Cell::from(info.kind),
        Cell::from(unused),
        Cell::from(risk),
        Cell::from(info.calls.to_string()),
        Cell::from(info.actions.to_string()),
        Cell::from(info.policies.to_string()),
    ];
    if wide {
        cells.push(Cell::from(used));
        cells.push(Cell::from(s(&info.last_seen)));
    }
    cells.push(Cell::from(arn(&info.arn, width)));
    cells
}

fn risk_label(p: &PrincipalAnalysis) -> String {
    if p.admin_equivalent {
        "admin".to_string()
    } else if !p.escalation.is_empty() {
        "esc".to_string()
    } else {
        data::risk(p).to_string()
    }
}

/// The principal's view before its analysis has arrived: what the usage summary and the snapshot say.
fn render_principal_pending(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let Some(info) = state.current_info() else {
        return;
    };
    let slot = state
        .principal
        .and_then(|i| state.analyses.get(i))
        .unwrap_or(&Slot::Pending);
    let status = match slot {
        Slot::Failed(why) => Line::from(Span::styled(format!("no analysis: {}", s(why)), t.bad)),
        _ => Line::from(Span::styled(
            "analysing… grants, unused and unobservable actions appear when it is done",
            t.warn,
        )),
    };
    let last = if info.last_seen.is_empty() {
        "never".to_string()
    } else {
        when(&info.last_seen, area.width)
    };
    Paragraph::new(vec![
        Line::from(format!(
            "{}{}{}",
            info.kind,
            if info.declared {
                ", declared"
            } else {
                ", not declared"
            },
            if info.observed { ", observed" } else { ", no usage" },
        )),
        Line::from(format!(
            "{} actions used · {} calls · last seen {last} · {} declared policies",
            info.actions, info.calls, info.policies
        )),
        status,
    ])
    .wrap(Wrap { trim: false })
    .render(area, buf);
}

fn render_principal(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let Some(p) = state.current_principal() else {
        render_principal_pending(state, area, buf);
        return;
    };
    let [head, table] = Layout::vertical([Constraint::Length(4), Constraint::Min(0)]).areas(area);
    let c = &p.counts;
    let levels: Vec<String> = p
        .access_levels
        .iter()
        .map(|l| format!("{} {}/{}", l.level, l.used, l.granted))
        .collect();
    let flags = format!(
        "{}{}{}{}",
        p.kind,
        if p.declared {
            ", declared"
        } else {
            ", not declared"
        },
        if p.observed { ", observed" } else { ", no usage" },
        if p.admin_equivalent {
            ", ADMIN-EQUIVALENT"
        } else {
            ""
        }
    );
    Paragraph::new(vec![
        Line::from(flags),
        Line::from(vec![
            Span::styled(format!("granted {}", c.granted), t.heading),
            Span::raw(" · "),
            Span::styled(format!("used {}", c.used), t.good),
            Span::raw(" · "),
            Span::styled(format!("unused {}", c.unused), t.warn),
            Span::raw(format!(" · unobservable {} · ", c.unobservable)),
            Span::styled(format!("missing {}", c.missing), t.bad),
        ]),
        Line::from(Span::styled(
            format!("used/granted by level: {}", levels.join(" · ")),
            t.dim,
        )),
        Line::from(Span::styled(
            format!(
                "showing {} ({} rows){}",
                state.filter.label(),
                state.rows.len(),
                if state.action_query.is_empty() {
                    String::new()
                } else {
                    format!(" · filter `{}`", s(&state.action_query))
                }
            ),
            t.dim,
        )),
    ])
    .render(head, buf);
    // Group headings (service · access level) are interleaved with the rows.
    let mut lines: Vec<(Option<usize>, String)> = Vec::new();
    let mut group = (String::new(), "");
    let mut selected_line = 0;
    for (k, r) in state.rows.iter().enumerate() {
        if (r.service.as_str(), r.level) != (group.0.as_str(), group.1) {
            group = (r.service.clone(), r.level);
            lines.push((None, format!("{} · {}", s(&r.service), r.level)));
        }
        if k == state.rows_cursor.selected {
            selected_line = lines.len();
        }
        lines.push((Some(k), String::new()));
    }
    let height = usize::from(table.height.saturating_sub(1));
    let from = first_visible(selected_line, height);
    let header = Row::new(vec!["category", "action", "calls", "last seen", "risk"]).style(t.heading);
    let rows = lines.iter().skip(from).take(height).map(|(k, heading)| match k {
        None => Row::new(vec![
            Cell::from(""),
            Cell::from(Span::styled(heading.clone(), t.heading)),
        ]),
        Some(k) => {
            let r = &state.rows[*k];
            let row = action_row(t, r, area.width);
            if *k == state.rows_cursor.selected {
                row.style(t.selected)
            } else {
                row
            }
        }
    });
    Table::new(
        rows,
        [
            Constraint::Length(12),
            Constraint::Min(20),
            Constraint::Length(7),
            Constraint::Length(if area.width < WIDE { 10 } else { 20 }),
            Constraint::Length(4),
        ],
    )
    .header(header)
    .render(table, buf);
    if state.rows.is_empty() {
        let msg = table.intersection(Rect {
            y: table.y.saturating_add(1),
            height: 1,
            ..table
        });
        Paragraph::new(Span::styled("no actions in this view", t.dim)).render(msg, buf);
    }
}

fn category_style(t: &Theme, c: Category) -> Style {
    match c {
        Category::Used => t.good,
        Category::Missing => t.bad,
        Category::Unused => t.warn,
        Category::Unobservable => t.dim,
    }
}

fn action_row<'a>(t: &Theme, r: &ActionRow, width: u16) -> Row<'a> {
    let calls = match r.category {
        Category::Used | Category::Missing => r.count.to_string(),
        _ => String::new(),
    };
    let risk = if r.category == Category::Unused {
        r.risk.to_string()
    } else {
        String::new()
    };
    Row::new(vec![
        Cell::from(Span::styled(r.category.label(), category_style(t, r.category))),
        Cell::from(format!("  {}", s(&r.action))),
        Cell::from(calls),
        Cell::from(if width < WIDE {
            s(r.last_seen.get(..10).unwrap_or(&r.last_seen))
        } else {
            s(&r.last_seen)
        }),
        Cell::from(risk),
    ])
}

/// The lines of the action's details, and the line of each sample event.
fn action_details(state: &State) -> (Vec<Line<'static>>, Vec<usize>) {
    let t = theme(state);
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut event_lines = Vec::new();
    let (Some(d), Some(p), Some(row)) = (&state.data, state.current_principal(), &state.action) else {
        return (out, event_lines);
    };
    let head = |text: &str| Line::from(Span::styled(text.to_string(), t.heading));
    out.push(Line::from(vec![
        Span::styled(s(&row.action), t.heading),
        Span::raw(format!(" · {} · ", row.level)),
        Span::styled(row.category.label(), category_style(t, row.category)),
    ]));
    let stmts = |out: &mut Vec<Line<'static>>, title: &str, list: &[pare_graph::report::StatementRef]| {
        out.push(head(&format!("{title} ({})", list.len())));
        for st in list {
            out.push(Line::from(format!("  {}", s(&data::statement_label(st)))));
        }
    };
    let usage = d.action_usage(&p.arn, &row.action);
    match row.category {
        Category::Used => {
            if let Some(u) = p.used.get(row.index) {
                out.push(Line::from(format!(
                    "{} calls, {} denied · first {} · last {} · {}",
                    u.count,
                    u.denied,
                    s(&u.first_seen),
                    s(&u.last_seen),
                    u.decision
                )));
                out.push(head(&format!("resources touched ({})", u.resources.len())));
                for r in &u.resources {
                    out.push(Line::from(format!("  {}", s(r))));
                }
                stmts(&mut out, "allowed by", &u.allowed_by);
            }
        }
        Category::Missing => {
            if let Some(m) = p.missing.get(row.index) {
                out.push(Line::from(format!(
                    "{} calls, {} denied · {}",
                    m.count, m.denied, m.decision
                )));
                out.push(Line::from(Span::styled(s(&m.why), t.bad)));
                out.push(head(&format!("resources named ({})", m.resources.len())));
                for r in &m.resources {
                    out.push(Line::from(format!("  {}", s(r))));
                }
                stmts(&mut out, "denied by", &m.denied_by);
            }
        }
        Category::Unused => {
            if let Some(u) = p.unused.get(row.index) {
                out.push(Line::from(format!(
                    "never called in the window · risk {}",
                    u.risk
                )));
                stmts(&mut out, "granted by", &u.granted_by);
            }
        }
        Category::Unobservable => {
            if let Some(u) = p.unobservable.get(row.index) {
                out.push(Line::from(format!(
                    "not seen, and CloudTrail would not show it: {}",
                    u.reason
                )));
                out.push(Line::from(s(&u.detail)));
                out.push(Line::from(Span::styled(s(&u.doc), t.dim)));
            }
        }
    }
    if let Some(u) = usage {
        out.push(Line::from(Span::styled(
            format!(
                "regions: {} · events: {}",
                s(&u.regions.join(", ")),
                s(&u.event_names.join(", "))
            ),
            t.dim,
        )));
    }
    let ids = sample_ids(state);
    out.push(head(&format!(
        "sample events ({}) — Enter shows the JSON",
        ids.len()
    )));
    for (k, id) in ids.iter().enumerate() {
        event_lines.push(out.len());
        let text = format!("  {}", s(id));
        out.push(
            if k == state.events_cursor.selected && state.pane == Pane::First {
                Line::from(Span::styled(text, t.selected))
            } else {
                Line::from(text)
            },
        );
    }
    (out, event_lines)
}

fn pane_block(state: &State, title: String, focused: bool) -> Block<'static> {
    let t = theme(state);
    let b = Block::bordered().title(title);
    if focused {
        b.border_style(t.focus)
    } else {
        b.border_style(t.dim)
    }
}

fn split(area: Rect) -> [Rect; 2] {
    if area.width >= 120 {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area)
    } else {
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area)
    }
}

fn render_action(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let [info, event] = split(area);
    let (lines, event_lines) = action_details(state);
    let inner_h = usize::from(info.height.saturating_sub(2));
    let focus_line = event_lines
        .get(state.events_cursor.selected)
        .copied()
        .unwrap_or(0);
    let from = first_visible(focus_line, inner_h);
    Paragraph::new(lines)
        .block(pane_block(
            state,
            " action ".to_string(),
            state.pane == Pane::First,
        ))
        .scroll((u16::try_from(from).unwrap_or(u16::MAX), 0))
        .render(info, buf);
    let (title, body): (String, Vec<Line>) = match &state.event {
        EventView::None => (
            " event ".into(),
            vec![Line::from(Span::styled(
                "select a sample event and press Enter",
                t.dim,
            ))],
        ),
        EventView::Loading(id) => (
            format!(" event {} ", s(id)),
            vec![Line::from("looking it up in the logs…")],
        ),
        EventView::Unavailable(why) => (" event ".into(), vec![Line::from(Span::styled(s(why), t.warn))]),
        EventView::Loaded { id, lines } => (
            format!(" event {} ", s(id)),
            lines
                .iter()
                .skip(state.event_scroll)
                .map(|l| Line::from(l.clone()))
                .collect(),
        ),
    };
    Paragraph::new(body)
        .block(pane_block(state, title, state.pane == Pane::Second))
        .render(event, buf);
}

fn strictness_spans(state: &State, t: &Theme) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw("strictness ")];
    for (k, st) in [
        ("1", Strictness::Exact),
        ("2", Strictness::Balanced),
        ("3", Strictness::Loose),
    ] {
        let label = format!("{k} {}", st.as_str());
        spans.push(if st == state.strictness {
            Span::styled(format!("[{label}]"), t.selected)
        } else {
            Span::raw(format!(" {label} "))
        });
        spans.push(Span::raw(" "));
    }
    spans.push(Span::raw(format!("· format {}", format_name(state.format))));
    spans
}

fn render_proposal(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let [head, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(area);
    let mut info = vec![Line::from(strictness_spans(state, t))];
    match &state.proposal {
        ProposalView::None => info.push(Line::from("no proposal requested")),
        ProposalView::Computing { strictness, .. } => {
            info.push(Line::from(Span::styled(
                format!("computing the {} proposal…", strictness.as_str()),
                t.warn,
            )));
        }
        ProposalView::Unavailable { reason, .. } => info.push(Line::from(Span::styled(s(reason), t.warn))),
        ProposalView::Ready(r) => {
            let p = &r.proposal;
            let mut line = format!(
                "{} statements · {} / {} characters ({}){}",
                p.policy.statement.len(),
                p.size.characters,
                p.size.limit,
                p.size.kind,
                if p.size.fits { "" } else { " · DOES NOT FIT" }
            );
            if let Some(c) = &p.compared_to_declared {
                line.push_str(&format!(
                    " · actions {} → {} ({} removed, {} narrowed)",
                    c.declared_actions, c.proposed_actions, c.actions_removed, c.resources_narrowed
                ));
            }
            info.push(Line::from(line));
            let legend = if r.has_current {
                "- current policy   + proposal"
            } else {
                "no declared policy: the whole proposal is new"
            };
            let warn = p
                .warnings
                .first()
                .map(|w| format!(" · {}", s(w)))
                .unwrap_or_default();
            info.push(Line::from(Span::styled(format!("{legend}{warn}"), t.dim)));
        }
    }
    Paragraph::new(info).render(head, buf);
    let lines: Vec<Line> = match &state.proposal {
        ProposalView::Ready(r) => r
            .diff
            .iter()
            .skip(state.diff_scroll)
            .take(usize::from(body.height))
            .map(|l| match l.change {
                Change::Same => Line::from(format!("  {}", l.text)),
                Change::Removed => Line::from(Span::styled(format!("- {}", l.text), t.bad)),
                Change::Added => Line::from(Span::styled(format!("+ {}", l.text), t.good)),
            })
            .collect(),
        _ => Vec::new(),
    };
    Paragraph::new(lines)
        .block(Block::default().borders(Borders::TOP).border_style(t.dim))
        .render(body, buf);
}

fn render_graph(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let Some(d) = &state.listing else { return };
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(area);
    let analysing = if state.analysed < d.principals.len() {
        format!(" · {}/{} analysed…", state.analysed, d.principals.len())
    } else {
        String::new()
    };
    let analysed = |i: usize| state.analysis(i);
    let edges = data::graph_edges(&state.analyses, &state.graph_query);
    let h = usize::from(top.height.saturating_sub(2));
    let from = first_visible(state.edges_cursor.selected, h);
    let lines: Vec<Line> = edges
        .iter()
        .enumerate()
        .skip(from)
        .take(h)
        .filter_map(|(k, &(i, j))| {
            let p = analysed(i)?;
            let l = p.assumes.get(j)?;
            let how = match (l.can_assume, l.if_conditions) {
                (true, false) => "can assume".to_string(),
                (true, true) => "can assume if conditions hold".to_string(),
                (false, _) => "cannot assume".to_string(),
            };
            let seen = if l.assumed > 0 {
                format!(
                    ", assumed {}× (last {})",
                    l.assumed,
                    s(l.last_seen.as_deref().unwrap_or("?"))
                )
            } else {
                String::new()
            };
            let text = format!(
                "{} → {}  [{how}{seen}]",
                arn(&p.arn, area.width),
                arn(&l.role, area.width)
            );
            Some(if k == state.edges_cursor.selected && state.pane == Pane::First {
                Line::from(Span::styled(text, t.selected))
            } else {
                Line::from(text)
            })
        })
        .collect();
    let q = if state.graph_query.is_empty() {
        String::new()
    } else {
        format!(" filter `{}`", s(&state.graph_query))
    };
    Paragraph::new(if lines.is_empty() {
        vec![Line::from(Span::styled("no assume edges", t.dim))]
    } else {
        lines
    })
    .block(pane_block(
        state,
        format!(" who can assume whom ({}){q}{analysing} ", edges.len()),
        state.pane == Pane::First,
    ))
    .render(top, buf);
    let paths = data::graph_paths(&state.analyses, &state.graph_query);
    let h = usize::from(bottom.height.saturating_sub(2));
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for (k, &(i, j)) in paths.iter().enumerate() {
        let Some(p) = analysed(i) else { continue };
        let Some(path) = p.escalation.get(j) else {
            continue;
        };
        let focused = k == state.paths_cursor.selected && state.pane == Pane::Second;
        if focused {
            selected_line = lines.len();
        }
        let head = format!(
            "{} ⇒ {} ({} steps)",
            arn(&p.arn, area.width),
            arn(&path.reaches, area.width),
            path.steps.len()
        );
        lines.push(Line::from(Span::styled(
            head,
            if focused { t.selected } else { t.heading },
        )));
        for st in &path.steps {
            let acts: Vec<String> = st.actions.iter().map(|x| s(&x.action)).collect();
            lines.push(Line::from(format!(
                "    {} → {}: {} [{}]",
                arn(&st.from, area.width),
                arn(&st.to, area.width),
                s(&st.method_name),
                acts.join(", ")
            )));
        }
    }
    let from = first_visible(selected_line + 1, h);
    Paragraph::new(if lines.is_empty() {
        vec![Line::from(Span::styled("no escalation paths", t.dim))]
    } else {
        lines.into_iter().skip(from).collect()
    })
    .block(pane_block(
        state,
        format!(" escalation paths ({}){analysing} ", paths.len()),
        state.pane == Pane::Second,
    ))
    .render(bottom, buf);
}

fn render_help(state: &State, area: Rect, buf: &mut Buffer) {
    let t = theme(state);
    let w = area.width.min(100);
    let h = area.height.min(HELP.len() as u16 + 2);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    Clear.render(popup, buf);
    let key_w = HELP.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
    let lines: Vec<Line> = HELP
        .iter()
        .skip(state.help_scroll)
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:key_w$}  "), t.key),
                Span::raw(*what),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::bordered()
                .title(" keys (Esc closes) ")
                .border_style(t.focus),
        )
        .render(popup, buf);
}
