//! Test harness shared by the integration tests: a fixture project copied
//! into a temporary folder (with the real default theme unless the fixture
//! has its own), builds with a fixed clock, the CLI binary, and helpers to
//! read the output. One submodule per kind of real server the tests start.

pub mod fixture;
pub mod host;
pub mod http;
pub mod named;
pub mod netns;
pub mod serve;
pub mod sslscan;
pub mod tls;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, TimeZone, Utc};
use laman::build::{self, BuildOptions, BuildReport};
use laman::{Diagnostic, Lang};

/// The fixed build time of every test build.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0)
        .single()
        .expect("valid time")
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A project in a temporary folder.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// Copies `tests/fixtures/<name>` and, unless it has one, the default theme.
    pub fn fixture(name: &str) -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_tree(&repo().join("tests/fixtures").join(name), dir.path());
        if !dir.path().join("themes").exists() {
            copy_tree(&repo().join("themes"), &dir.path().join("themes"));
        }
        Project { dir }
    }

    /// The example regency of the repository (laman.toml, sites/, themes/).
    pub fn example() -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(repo().join("laman.toml"), dir.path().join("laman.toml"))
            .expect("laman.toml");
        copy_tree(&repo().join("sites"), &dir.path().join("sites"));
        copy_tree(&repo().join("themes"), &dir.path().join("themes"));
        Project { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }

    /// Lets Diskominfo allow `slug` its own templates (`[allow]
    /// template_overrides` of laman.toml).
    pub fn allow_templates(&self, slug: &str) {
        let path = self.path("laman.toml");
        let text = std::fs::read_to_string(&path).expect("laman.toml");
        let line = format!("template_overrides = [\"{slug}\"]");
        let text = if text.contains("template_overrides = []") {
            text.replace("template_overrides = []", &line)
        } else if text.contains("[allow]") {
            text.replace("[allow]", &format!("[allow]\n{line}"))
        } else {
            format!("{text}\n[allow]\n{line}\n")
        };
        std::fs::write(&path, text).expect("write laman.toml");
    }

    pub fn remove(&self, rel: &str) {
        let p = self.path(rel);
        if p.is_dir() {
            std::fs::remove_dir_all(p).expect("rm -r");
        } else {
            std::fs::remove_file(p).expect("rm");
        }
    }

    /// Build options with the fixed clock, without the content rules
    /// (build.rs tests the build; check.rs the rules).
    pub fn options(&self) -> BuildOptions {
        let mut o = BuildOptions::new(self.root());
        o.now = now();
        o.rules = false;
        o
    }

    /// Options of a build with the rules on, today = the fixed clock's day.
    pub fn options_with_rules(&self) -> BuildOptions {
        let mut o = self.options();
        o.rules = true;
        o.today = Some(now().date_naive());
        o
    }

    /// Checks (rules on, nothing written) with today = the fixed clock's day.
    pub fn check(&self) -> BuildReport {
        let mut o = self.options_with_rules();
        o.mode = laman::build::Mode::Check;
        build::build(&o).expect("check runs")
    }

    /// One site of the example regency (with laman.toml and the theme).
    pub fn example_site(slug: &str) -> Project {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::copy(repo().join("laman.toml"), dir.path().join("laman.toml"))
            .expect("laman.toml");
        copy_tree(
            &repo().join("sites").join(slug),
            &dir.path().join("sites").join(slug),
        );
        copy_tree(&repo().join("themes"), &dir.path().join("themes"));
        Project { dir }
    }

    /// Replaces `from` by `to` in a file (fails when `from` is not there).
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.path(rel);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        std::fs::write(&p, text.replacen(from, to, 1)).expect("write");
    }

    /// Builds everything with the fixed clock.
    pub fn build(&self) -> BuildReport {
        build::build(&self.options()).expect("build runs")
    }

    /// Reads an output file of `host`.
    pub fn output(&self, host: &str, rel: &str) -> String {
        let p = self.path("public").join(host).join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    pub fn has_output(&self, host: &str, rel: &str) -> bool {
        self.path("public").join(host).join(rel).is_file()
    }

    /// Runs the `laman` binary in the project.
    pub fn cli(&self, args: &[&str]) -> CliOutput {
        let out = Command::new(env!("CARGO_BIN_EXE_laman"))
            .args(args)
            .current_dir(self.root())
            .env("SOURCE_DATE_EPOCH", now().timestamp().to_string())
            // The language is laman's default (Bahasa Indonesia) or the
            // test's `--lang`, whatever the locale of the machine.
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .output()
            .expect("run laman");
        CliOutput {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// What the binary printed.
#[derive(Debug)]
pub struct CliOutput {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// `tests/browser/`, after checking that what the browser tests need is
/// there: Debian's chromium (or `$CHROMIUM`) and the npm packages of the
/// committed lockfile (playwright-core, axe-core). Fails naming what to
/// install.
pub fn browser_tools() -> PathBuf {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "chromium not found at {chromium}: install the Debian package `chromium` (apt-get install chromium)"
    );
    let dir = repo().join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir()
            && dir.join("node_modules/axe-core").is_dir(),
        "tests/browser/node_modules is missing: run `npm ci --prefix tests/browser` (needs Debian's nodejs and npm)"
    );
    dir
}

/// axe-core (`tests/browser/axe.mjs`) on each of `urls` at phone and
/// desktop width in Debian's chromium, screenshots into `artifacts`: one run
/// per page and width. Fails when the script fails, or when a page did not
/// answer 200, has a WCAG 2.1 AA violation or needed the
/// Content-Security-Policy to stop something. Returns the runs for the
/// caller's own assertions.
pub fn axe_clean(artifacts: &Path, urls: &[String]) -> Vec<serde_json::Value> {
    let dir = browser_tools();
    let out = Command::new("node")
        .arg(dir.join("axe.mjs"))
        .arg(artifacts)
        .args(urls)
        .output()
        .expect("node runs (install Debian's nodejs)");
    assert!(
        out.status.success(),
        "axe.mjs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let runs = report.as_array().expect("array").clone();
    assert_eq!(runs.len(), urls.len() * 2, "each page at two widths");
    for run in &runs {
        assert_eq!(run["status"], 200, "{}", run["url"]);
        assert_eq!(
            run["violations"].as_array().map(Vec::len),
            Some(0),
            "axe violations on {} ({}):\n{:#}",
            run["url"],
            run["viewport"],
            run["violations"]
        );
        assert_eq!(
            run["csp"].as_array().map(Vec::len),
            Some(0),
            "CSP violations on {}: {:#}",
            run["url"],
            run["csp"]
        );
    }
    runs
}

/// Copies a folder tree (regular files and folders).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// Every finding of a report.
pub fn findings(r: &BuildReport) -> Vec<&Diagnostic> {
    r.all_diagnostics().collect()
}

/// The single finding of a report (fails otherwise).
pub fn only_finding(r: &BuildReport) -> &Diagnostic {
    let all = findings(r);
    assert_eq!(all.len(), 1, "expected exactly one finding, got {all:#?}");
    all[0]
}

/// A finding as the CLI prints it, in `lang`.
pub fn human(d: &Diagnostic, lang: Lang) -> String {
    laman::report::human(d, lang)
}

/// Compares `actual` with the golden file `tests/golden/<name>`;
/// `UPDATE_GOLDEN=1` rewrites it.
pub fn golden(name: &str, actual: &str) {
    let path = repo().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "output differs from {} (UPDATE_GOLDEN=1 to accept):\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// The `<main …>…</main>` element of a page.
pub fn main_element(html: &str) -> String {
    let start = html.find("<main").expect("<main>");
    let end = html.find("</main>").expect("</main>") + "</main>".len();
    html[start..end].to_string()
}

/// Runs the Nu Html Checker (vnu-jar from tests/browser, Debian's Java) over
/// `dir` and returns its error lines.
pub fn vnu_errors(dir: &Path) -> Vec<String> {
    let jar = repo().join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "{} is missing: run `npm ci --prefix tests/browser`",
        jar.display()
    );
    let out = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(dir)
        .output()
        .expect("java runs (install Debian's default-jre-headless)");
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&out.stdout).lines())
        .filter(|l| l.contains("error:"))
        .map(str::to_string)
        .collect()
}
