//! A test-only hook to stop a publish at a named stage, so that tests can
//! kill the process at a deterministic point: with
//! `LAMAN_PUBLISH_PAUSE_AT=<stage>` and `LAMAN_PUBLISH_PAUSE_FILE=<path>`
//! the process writes the stage name to `<path>` when it reaches the stage
//! and then waits forever (until it is killed). Without both variables it
//! does nothing. Stages: `build`, `copy` (one host copied, the others not),
//! `synced`, `release`, `link`, `switched`.

/// Pauses here when asked to (see the module doc).
pub fn at(stage: &str) {
    let (Ok(want), Ok(marker)) = (
        std::env::var("LAMAN_PUBLISH_PAUSE_AT"),
        std::env::var("LAMAN_PUBLISH_PAUSE_FILE"),
    ) else {
        return;
    };
    if want != stage {
        return;
    }
    let tmp = format!("{marker}.tmp");
    if std::fs::write(&tmp, stage).is_ok() {
        let _ = std::fs::rename(&tmp, &marker);
    }
    loop {
        std::thread::park();
    }
}
