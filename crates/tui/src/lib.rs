//! The pare terminal UI (ratatui): explore who can do what, what they used, and try a tighter policy.
//!
//! The shape is ratatui's recommended one: one [`State`](state::State) with enums for what is shown
//! ([`Screen`](state::Screen), [`Mode`](state::Mode), [`Pane`](state::Pane)), one [`Action`](update::Action)
//! enum, a pure [`update`](update::update) that does no I/O (work for the runtime is queued as
//! [`Effect`](state::Effect)s), and views rendering `&State` ([`view`]). The runtime ([`app`]) owns the
//! terminal and runs replay, analysis, proposals and event look-ups on worker threads.
//!
//! The data comes from the other crates: the analysis is `pare_graph`'s (`pare.analysis/v1`), proposals are
//! `pare_propose`'s. Strings from logs and policies are shown, never interpreted ([`sanitize`]).
//!
//! ```
//! use pare_tui::state::{Screen, State};
//! use pare_tui::update::{update, Action};
//!
//! let mut state = State::new(false);
//! update(&mut state, Action::LoadFailed("cannot read `u.json`".into()));
//! assert_eq!(state.screen, Screen::Failed);
//! update(&mut state, Action::Quit);
//! assert!(state.quit);
//! ```

pub mod app;
pub mod data;
pub mod diff;
pub mod keys;
pub mod sanitize;
pub mod state;
pub mod update;
pub mod view;

pub use app::{run, Options, TuiError};
