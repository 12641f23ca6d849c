//! The one [`State`] of the application, with enums for what is shown ([`Screen`], [`Mode`], [`Pane`]).

use crate::data::{ActionRow, Data, Listing, PrincipalInfo, Slot};
use crate::diff::DiffLine;
use pare_propose::{Format, Strictness};
use std::sync::Arc;

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The inputs are being read, replayed or analysed.
    Loading,
    /// Loading failed.
    Failed,
    /// Every principal.
    Principals,
    /// One principal's actions.
    Principal,
    /// One action of one principal.
    Action,
    /// The proposal for one principal beside its current policy.
    Proposal,
    /// Who can assume whom, and escalation paths.
    Graph,
}

/// What keys do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Navigation.
    Normal,
    /// Typing a search query.
    Search,
    /// The help overlay.
    Help,
    /// Typing the path to write the proposal to.
    Write,
}

/// Which part of a two-part screen has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The first: action details, or the assume edges of the graph.
    First,
    /// The second: the event JSON, or the escalation paths.
    Second,
}

/// How the principals list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// By ARN.
    Name,
    /// Largest unused fraction first.
    Unused,
    /// Riskiest first.
    Risk,
    /// Most calls first.
    Activity,
}

impl Sort {
    /// The next sort order.
    pub fn next(self) -> Sort {
        match self {
            Sort::Name => Sort::Unused,
            Sort::Unused => Sort::Risk,
            Sort::Risk => Sort::Activity,
            Sort::Activity => Sort::Name,
        }
    }

    /// Its label.
    pub fn label(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Unused => "unused fraction",
            Sort::Risk => "risk",
            Sort::Activity => "activity",
        }
    }
}

/// Which actions a principal's view lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Every category.
    All,
    /// One category.
    Only(crate::data::Category),
}

impl Filter {
    /// The next filter (All → used → missing → unused → unobservable → All).
    pub fn next(self) -> Filter {
        use crate::data::Category::*;
        match self {
            Filter::All => Filter::Only(Used),
            Filter::Only(Used) => Filter::Only(Missing),
            Filter::Only(Missing) => Filter::Only(Unused),
            Filter::Only(Unused) => Filter::Only(Unobservable),
            Filter::Only(Unobservable) => Filter::All,
        }
    }

    /// Its label.
    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Only(c) => c.label(),
        }
    }
}

/// Progress of the loading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadProgress {
    /// What is happening.
    pub stage: String,
    /// Records replayed.
    pub records: u64,
    /// Sources finished.
    pub sources_done: u64,
    /// Sources queued.
    pub sources_queued: u64,
}

/// A cursor over a list. The first row shown is derived from the selection and the height when rendering, so
/// the state keeps no layout.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Selected index.
    pub selected: usize,
}

impl Cursor {
    /// Moves by `delta` within `len` items.
    pub fn step(&mut self, delta: isize, len: usize) {
        if len == 0 {
            self.selected = 0;
            return;
        }
        let next = (self.selected as isize).saturating_add(delta);
        self.selected = next.clamp(0, len as isize - 1) as usize;
    }
}

/// The first row to show so that row `selected` is visible in `height` rows.
pub fn first_visible(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

/// The proposal for the principal shown.
#[derive(Debug, Clone, PartialEq)]
pub enum ProposalView {
    /// Not asked for.
    None,
    /// Being computed off the UI thread.
    Computing {
        /// For whom.
        principal: String,
        /// At which strictness.
        strictness: Strictness,
    },
    /// Computed.
    Ready(Box<ProposalResult>),
    /// No proposal can be made.
    Unavailable {
        /// For whom.
        principal: String,
        /// Why.
        reason: String,
    },
}

/// A computed proposal and its diff with the current policy.
#[derive(Debug, Clone, PartialEq)]
pub struct ProposalResult {
    /// For whom.
    pub principal: String,
    /// At which strictness.
    pub strictness: Strictness,
    /// The proposal.
    pub proposal: pare_propose::Proposal,
    /// Whether a current policy was found to compare with.
    pub has_current: bool,
    /// The diff, current policy → proposal.
    pub diff: Vec<DiffLine>,
}

/// The JSON of a sample event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventView {
    /// None asked for.
    None,
    /// Being looked up in the logs.
    Loading(String),
    /// Found: its lines, sanitised.
    Loaded {
        /// The event id.
        id: String,
        /// The pretty JSON, one sanitised line each.
        lines: Vec<String>,
    },
    /// Not available, and why.
    Unavailable(String),
}

/// Work the runtime does for the state (the update function does no I/O: it asks for it here).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Compute a proposal off the UI thread.
    Propose {
        /// For whom.
        principal: String,
        /// At which strictness.
        strictness: Strictness,
    },
    /// Write the proposal shown to a file.
    Write {
        /// The proposal.
        result: Box<ProposalResult>,
        /// The format.
        format: Format,
        /// The path.
        path: String,
    },
    /// Look up a sample event in the log files.
    LoadEvent {
        /// The event id.
        id: String,
    },
    /// Analyse these principals (indices into [`Listing::principals`](crate::data::Listing::principals)) first, in this order, then the rest;
    /// replaces the previous request.
    Analyze(Vec<usize>),
}

/// What the principals list sorts by, from a principal's analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// [`crate::data::unused_fraction`].
    pub unused: f64,
    /// [`crate::data::risk`].
    pub risk: u32,
}

impl Scores {
    /// The scores of an analysis.
    pub fn of(p: &pare_graph::report::PrincipalAnalysis) -> Scores {
        Scores {
            unused: crate::data::unused_fraction(p),
            risk: crate::data::risk(p),
        }
    }
}

/// The whole state of the application.
#[derive(Debug)]
pub struct State {
    /// The principals list (`None` until the inputs are listed).
    pub listing: Option<Arc<Listing>>,
    /// What was loaded (`None` until the inputs are fully read: the list may be shown before).
    pub data: Option<Arc<Data>>,
    /// Loading progress.
    pub progress: LoadProgress,
    /// Why loading failed.
    pub error: Option<String>,
    /// The screen shown.
    pub screen: Screen,
    /// The screens to go back to.
    pub back: Vec<Screen>,
    /// What keys do.
    pub mode: Mode,
    /// The focused pane of two-pane screens.
    pub pane: Pane,
    /// The principals list's order.
    pub sort: Sort,
    /// The search query of the principals list.
    pub principal_query: String,
    /// The search query of the principal's actions.
    pub action_query: String,
    /// The search query of the graph.
    pub graph_query: String,
    /// The search query of the diff (jumps to matching lines).
    pub diff_query: String,
    /// Text being typed (search or path).
    pub input: String,
    /// Each principal's analysis (parallel to [`Listing::principals`](crate::data::Listing::principals)), filled as results arrive.
    pub analyses: Vec<Slot>,
    /// The sort keys of each analysed principal (parallel to [`Listing::principals`](crate::data::Listing::principals)), computed once on arrival.
    pub scores: Vec<Option<Scores>>,
    /// How many analyses have arrived (ready or failed).
    pub analysed: usize,
    /// The principals last asked to be analysed first (see [`Effect::Analyze`]).
    pub requested: Vec<usize>,
    /// Indices into [`Listing::principals`](crate::data::Listing::principals), sorted and filtered.
    pub principal_order: Vec<usize>,
    /// Cursor over the principals list.
    pub principals_cursor: Cursor,
    /// The principal shown (index into [`Listing::principals`](crate::data::Listing::principals)).
    pub principal: Option<usize>,
    /// The action categories listed.
    pub filter: Filter,
    /// The principal's rows (every category), grouped.
    pub all_rows: Vec<ActionRow>,
    /// The rows listed (filter and query applied).
    pub rows: Vec<ActionRow>,
    /// Cursor over the rows.
    pub rows_cursor: Cursor,
    /// The action drilled into (an index into `rows`).
    pub action: Option<ActionRow>,
    /// Cursor over the sample events of the action.
    pub events_cursor: Cursor,
    /// The sample event shown.
    pub event: EventView,
    /// Scroll of the event JSON.
    pub event_scroll: usize,
    /// Proposal strictness.
    pub strictness: Strictness,
    /// Output format for writing the proposal.
    pub format: Format,
    /// The proposal.
    pub proposal: ProposalView,
    /// Scroll of the diff.
    pub diff_scroll: usize,
    /// Cursor over the graph's assume edges.
    pub edges_cursor: Cursor,
    /// Cursor over the graph's escalation paths.
    pub paths_cursor: Cursor,
    /// Scroll of the help overlay.
    pub help_scroll: usize,
    /// A message for the status line.
    pub status: Option<String>,
    /// Colours allowed (`NO_COLOR` unset).
    pub color: bool,
    /// Rows of the list area at the last render (for paging).
    pub page: usize,
    /// Work asked of the runtime.
    pub effects: Vec<Effect>,
    /// The application should exit.
    pub quit: bool,
}

impl State {
    /// A state waiting for its data.
    pub fn new(color: bool) -> State {
        State {
            listing: None,
            data: None,
            progress: LoadProgress::default(),
            error: None,
            screen: Screen::Loading,
            back: Vec::new(),
            mode: Mode::Normal,
            pane: Pane::First,
            sort: Sort::Name,
            principal_query: String::new(),
            action_query: String::new(),
            graph_query: String::new(),
            diff_query: String::new(),
            input: String::new(),
            analyses: Vec::new(),
            scores: Vec::new(),
            analysed: 0,
            requested: Vec::new(),
            principal_order: Vec::new(),
            principals_cursor: Cursor::default(),
            principal: None,
            filter: Filter::All,
            all_rows: Vec::new(),
            rows: Vec::new(),
            rows_cursor: Cursor::default(),
            action: None,
            events_cursor: Cursor::default(),
            event: EventView::None,
            event_scroll: 0,
            strictness: Strictness::default(),
            format: Format::Json,
            proposal: ProposalView::None,
            diff_scroll: 0,
            edges_cursor: Cursor::default(),
            paths_cursor: Cursor::default(),
            help_scroll: 0,
            status: None,
            color,
            page: 10,
            effects: Vec::new(),
            quit: false,
        }
    }

    /// A state showing `data`, every analysis still pending.
    pub fn with_data(data: Arc<Data>, color: bool) -> State {
        let mut s = State::new(color);
        crate::update::update(&mut s, crate::update::Action::Loaded(data));
        s
    }

    /// A state showing `data` with every principal analysed (synchronously, on this thread).
    pub fn with_analysis(data: Arc<Data>, color: bool) -> State {
        let mut s = State::with_data(data.clone(), color);
        for (index, slot) in data.analyze_all().into_iter().enumerate() {
            crate::update::update(&mut s, crate::update::Action::Analysed { index, slot });
        }
        s.effects.clear();
        s
    }

    /// The principal shown, from the principals list.
    pub fn current_info(&self) -> Option<&PrincipalInfo> {
        self.listing.as_ref()?.principals.get(self.principal?)
    }

    /// The analysis of the principal shown, once it has arrived.
    pub fn current_principal(&self) -> Option<&pare_graph::report::PrincipalAnalysis> {
        self.analyses.get(self.principal?)?.ready()
    }

    /// The analysis of principal `i`, once it has arrived.
    pub fn analysis(&self, i: usize) -> Option<&pare_graph::report::PrincipalAnalysis> {
        self.analyses.get(i)?.ready()
    }
}
