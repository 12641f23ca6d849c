//! The pare terminal UI (ratatui): one state, an action enum, a pure update function, and views that render the state.
