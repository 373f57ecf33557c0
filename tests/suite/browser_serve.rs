//! `laman serve` in a real browser (Debian's chromium driven by
//! playwright-core, see tests/browser/): the overlay shows a page's
//! findings, and an edit of the source file reloads the open tab by itself
//! with the new text — with no Content-Security-Policy violation.

use std::process::Command;

use crate::support::serve;
use crate::support::*;

#[test]
fn an_open_tab_reloads_after_an_edit_and_shows_the_overlay() {
    let dir = browser_tools();
    let p = Project::example();
    let s = serve::Serve::start(&p, &[]);
    let base = format!("http://dinkes.localhost:{}", s.port);
    let out = Command::new("node")
        .arg(dir.join("serve.mjs"))
        .arg(format!("{base}/layanan/ambulans-gawat-darurat-psc-119/"))
        .arg(format!("{base}/profil/"))
        .arg(p.path("sites/dinkes/content/profil.md"))
        .arg("Kalimat baru dari peramban BROWSER-5521.")
        .output()
        .expect("node runs (install Debian's nodejs)");
    assert!(
        out.status.success(),
        "serve.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        s.terminal()
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let overlay = r["overlay"].as_str().unwrap_or_default();
    assert!(overlay.contains("LAYANAN-006"), "overlay: {overlay}");
    assert!(overlay.contains("sippn_url"), "overlay: {overlay}");
    assert_eq!(r["overlay_on_clean_page"], false, "no findings, no overlay");
    assert_eq!(r["reloaded"], true);
    assert!(
        r["loads"].as_u64().unwrap_or(0) >= 1,
        "the tab reloaded: {r}"
    );
    assert_eq!(
        r["csp"].as_array().map(Vec::len),
        Some(0),
        "CSP violations: {r}"
    );
}
