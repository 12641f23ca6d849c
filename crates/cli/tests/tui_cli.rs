//! `pare tui` end to end: scripts/tui-tmux-test.sh drives the real binary in tmux on the reports-app
//! scenario. Without tmux the test is skipped with a message, unless `PARE_REQUIRE_TMUX` or `CI` is set,
//! in which case it fails.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn tui_in_tmux() {
    let have_tmux = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_tmux {
        let required = std::env::var_os("PARE_REQUIRE_TMUX").is_some() || std::env::var_os("CI").is_some();
        assert!(
            !required,
            "tmux is required (PARE_REQUIRE_TMUX or CI is set) but not installed"
        );
        eprintln!("SKIPPED tui_in_tmux: tmux is not installed (install it with scripts/setup.sh)");
        return;
    }
    let out = Command::new("bash")
        .arg(root().join("scripts/tui-tmux-test.sh"))
        .arg(env!("CARGO_BIN_EXE_pare"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tui-tmux-test.sh failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("ok: screens"), "{stdout}");
    assert!(stdout.contains("ok: NO_COLOR"), "{stdout}");
}

#[test]
fn tui_without_inputs_is_a_usage_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_pare"))
        .arg("tui")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: nothing to open"), "{stderr}");
}

#[test]
fn tui_with_a_missing_file_names_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_pare"))
        .args(["tui", "--usage", "no/such/usage.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: usage summary `no/such/usage.json` does not exist"),
        "{stderr}"
    );
}
