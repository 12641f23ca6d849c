//! Terminal events → [`Action`]s. Pure: the mapping depends only on the state's mode and screen.

use crate::state::{Mode, Screen, State};
use crate::update::Action;
use pare_propose::Strictness;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};

/// Rows one mouse wheel notch scrolls.
const WHEEL: isize = 3;

/// The action for a terminal event, if any.
pub fn action_for(state: &State, event: &Event) -> Option<Action> {
    match event {
        Event::Key(k) if k.kind != KeyEventKind::Release => key(state, *k),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Move(WHEEL)),
            MouseEventKind::ScrollUp => Some(Action::Move(-WHEEL)),
            _ => None,
        },
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        _ => None,
    }
}

/// The action for a key press.
pub fn key(state: &State, k: KeyEvent) -> Option<Action> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && k.code == KeyCode::Char('c') {
        return Some(Action::Quit);
    }
    match state.mode {
        Mode::Search | Mode::Write => {
            return match k.code {
                KeyCode::Esc => Some(Action::Back),
                KeyCode::Enter => Some(Action::InputSubmit),
                KeyCode::Backspace => Some(Action::InputBackspace),
                KeyCode::Tab if state.mode == Mode::Write => Some(Action::CycleFormat),
                KeyCode::Char(c) if !ctrl => Some(Action::Input(c)),
                _ => None,
            }
        }
        Mode::Help => {
            return match k.code {
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Backspace => {
                    Some(Action::ToggleHelp)
                }
                KeyCode::Down | KeyCode::Char('j') => Some(Action::Move(1)),
                KeyCode::Up | KeyCode::Char('k') => Some(Action::Move(-1)),
                _ => None,
            }
        }
        Mode::Normal => {}
    }
    let on_proposal = state.screen == Screen::Proposal;
    Some(match k.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Down | KeyCode::Char('j') => Action::Move(1),
        KeyCode::Up | KeyCode::Char('k') => Action::Move(-1),
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Home => Action::Top,
        KeyCode::End => Action::Bottom,
        KeyCode::Enter | KeyCode::Right => Action::Open,
        KeyCode::Esc | KeyCode::Backspace | KeyCode::Left | KeyCode::Char('h') => Action::Back,
        KeyCode::Char('/') => Action::StartSearch,
        KeyCode::Char('n') => Action::NextMatch,
        KeyCode::Char('s') => Action::CycleSort,
        KeyCode::Tab | KeyCode::BackTab => Action::CycleFilter,
        KeyCode::Char('p') => Action::ShowProposal,
        KeyCode::Char('g') => Action::ShowGraph,
        KeyCode::Char('1') if on_proposal => Action::SetStrictness(Strictness::Exact),
        KeyCode::Char('2') if on_proposal => Action::SetStrictness(Strictness::Balanced),
        KeyCode::Char('3') if on_proposal => Action::SetStrictness(Strictness::Loose),
        KeyCode::Char('f') if on_proposal => Action::CycleFormat,
        KeyCode::Char('w') if on_proposal => Action::StartWrite,
        _ => return None,
    })
}
