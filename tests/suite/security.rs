//! The editor trust boundary, tried as an attacker with an agency editor's
//! rights (docs/security.md): only `sites/<slug>/content/`, `static/` and
//! `site.toml`. Every attack must get its named error at the place it was
//! written, change nothing outside that site's output (the rest of the
//! project and the deploy root are hashed before and after), leave the
//! live release untouched, and stop no other site.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use laman::build::BuildReport;
use laman::{Localize, Severity};
use sha2::{Digest, Sha256};

use crate::support::http;
use crate::support::serve::Serve;
use crate::support::*;

const ALPHA: &str = "alpha.contohkab.go.id";
const BETA: &str = "beta.contohkab.go.id";
const DINKES: &str = "dinkes.cianjurkab.go.id";
const DISKOMINFO: &str = "diskominfo.cianjurkab.go.id";

/// Every regular file below `dir` (symbolic links not followed) with its SHA-256.
fn hashes(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).expect("read");
            let rel = e.path().strip_prefix(dir).expect("inside").to_path_buf();
            out.insert(rel, laman::output::hex(&Sha256::digest(&bytes)));
        }
    }
    out
}

/// Findings with `code`, as (file:line:col, text).
fn coded(r: &BuildReport, code: &str) -> Vec<(String, String)> {
    r.all_diagnostics()
        .filter(|d| d.code == code)
        .map(|d| (d.location.to_string(), d.text(laman::Lang::En)))
        .collect()
}

fn page_with_aliases(aliases: &[&str]) -> String {
    let list: Vec<String> = aliases
        .iter()
        .map(|a| toml::Value::String(a.to_string()).to_string())
        .collect();
    format!(
        "+++\ntitle = \"Serangan\"\naliases = [{}]\n+++\n\nTeks.\n",
        list.join(", ")
    )
}

#[test]
fn aliases_cannot_leave_the_site_replace_laman_files_or_inject_redirects() {
    let escape = std::env::temp_dir().join(format!("laman-escape-{}.html", std::process::id()));
    let escape_rel = format!("../../../../../../../../..{}", escape.display());
    let cases: &[(&str, &str)] = &[
        (&escape_rel, "KELUARAN-002"),
        (
            "../../deploy/current/beta.contohkab.go.id/index.html",
            "KELUARAN-002",
        ),
        ("/a/../../../x.html", "KELUARAN-002"),
        ("..\\..\\..\\x.html", "KELUARAN-002"),
        ("%2e%2e/%2e%2e/x.html", "KELUARAN-002"),
        ("\u{ff0e}\u{ff0e}/\u{ff0e}\u{ff0e}/x.html", "KELUARAN-002"),
        ("\u{2024}\u{2024}/x.html", "KELUARAN-002"),
        ("/a\u{2215}..\u{2215}x", "KELUARAN-002"),
        ("* https://evil.example/:splat 302! #", "KELUARAN-002"),
        ("/lama https://evil.example/ 302!", "KELUARAN-002"),
        // Query aliases (`/?p=123`) carry no `_redirects` syntax either.
        ("/?p=1 https://evil.example/ 302!", "KELUARAN-002"),
        ("/?p=:splat", "KELUARAN-002"),
        ("/?p=1\n/* https://evil.example/ 200!", "KELUARAN-002"),
        ("//evil.example/?p=1", "KELUARAN-002"),
        ("/x\n/* https://evil.example/ 200!", "KELUARAN-002"),
        ("//evil.example/", "KELUARAN-002"),
        ("/", "KELUARAN-002"),
        ("/.well-known/security.txt", "KELUARAN-002"),
        ("/a\0b/", "KELUARAN-002"),
        ("/cari/index.html", "KELUARAN-001"),
        ("/404.html", "KELUARAN-001"),
        ("/profil/", "KELUARAN-001"),
    ];
    let p = Project::fixture("minimal");
    let first = p.build();
    assert!(
        !first.all_diagnostics().any(|d| d.is_input_error()),
        "{:#?}",
        findings(&first)
    );
    let before = hashes(p.root());
    for (alias, code) in cases {
        p.write(
            "sites/alpha/content/serangan.md",
            page_with_aliases(&[alias]),
        );
        let r = p.build();
        let found = coded(&r, code);
        assert_eq!(found.len(), 1, "{alias:?}: {:#?}", findings(&r));
        assert!(
            found[0].0.starts_with("sites/alpha/content/serangan.md:"),
            "{alias:?} located at {}",
            found[0].0
        );
        let alpha = r.sites.iter().find(|s| s.slug == "alpha").expect("alpha");
        assert_ne!(alpha.status, laman::build::SiteStatus::Built, "{alias:?}");
        let beta = r.sites.iter().find(|s| s.slug == "beta").expect("beta");
        assert_eq!(beta.status, laman::build::SiteStatus::Built, "{alias:?}");
        assert!(!escape.exists(), "{alias:?} wrote {}", escape.display());
        // Nothing changed but the page written here; public/ is the previous build.
        let mut after = hashes(p.root());
        after.remove(Path::new("sites/alpha/content/serangan.md"));
        let mut expected = before.clone();
        // The release id and time of the manifest change with every build,
        // and the render memo is laman's own cache.
        let state = |rel: &Path| rel.ends_with("sites.json") || rel.starts_with(".laman/memo");
        // The tree the build replaced, kept beside public/ for the next
        // build, is that same previous build, byte for byte.
        let spare: BTreeMap<PathBuf, String> = after
            .iter()
            .filter_map(|(rel, h)| {
                let inside = rel.strip_prefix(".public.spare").ok()?;
                Some((Path::new("public").join(inside), h.clone()))
            })
            .filter(|(rel, _)| !state(rel))
            .collect();
        let public_before: BTreeMap<PathBuf, String> = before
            .iter()
            .filter(|(rel, _)| rel.starts_with("public") && !state(rel))
            .map(|(rel, h)| (rel.clone(), h.clone()))
            .collect();
        assert_eq!(spare, public_before, "{alias:?} changed the spare tree");
        for m in [&mut after, &mut expected] {
            m.retain(|rel, _| !state(rel) && !rel.starts_with(".public.spare"));
        }
        assert_eq!(after, expected, "{alias:?} changed files");
        assert!(
            !p.path("public").join(ALPHA).join("_redirects").exists()
                || !p.output(ALPHA, "_redirects").contains("evil"),
            "{alias:?}"
        );
    }
}

#[test]
fn an_alias_attack_changes_no_live_release_and_a_dry_run_writes_nothing() {
    let p = Project::example();
    let first = p.cli(&["publish"]);
    assert_eq!(first.code, Some(0), "{}{}", first.stdout, first.stderr);
    const PAGE: &str = "sites/dinkes/content/serangan.md";
    p.write(
        PAGE,
        page_with_aliases(&[
            "../../deploy/current/diskominfo.cianjurkab.go.id/index.html",
            "* https://evil.example/:splat 302! #",
        ]),
    );
    let project_before = hashes(p.root());
    let dry = p.cli(&["publish", "--dry-run"]);
    assert_eq!(dry.code, Some(1), "{}{}", dry.stdout, dry.stderr);
    let text = format!("{}{}", dry.stdout, dry.stderr);
    assert!(text.contains("KELUARAN-002"), "{text}");
    assert_eq!(
        hashes(p.root()),
        project_before,
        "a dry run wrote something"
    );

    let live_before = hashes(&p.path("deploy/current/"));
    let out = p.cli(&["publish"]);
    assert_eq!(
        out.code,
        Some(1),
        "dinkes is blocked: {}{}",
        out.stdout,
        out.stderr
    );
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(text.contains(&format!("{PAGE}:3:")), "{text}");
    let live_after = hashes(&p.path("deploy/current/"));
    // dinkes blocked and kept, diskominfo rebuilt the same: both exactly as they were.
    for host in [DINKES, DISKOMINFO] {
        let pick = |m: &BTreeMap<PathBuf, String>| -> BTreeMap<PathBuf, String> {
            m.iter()
                .filter(|(k, _)| k.starts_with(host))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let before = pick(&live_before);
        assert!(!before.is_empty(), "{host} was live");
        assert_eq!(before, pick(&live_after), "{host} changed");
    }
    // No release holds the attacker's redirect (releases share files by hard links).
    for entry in std::fs::read_dir(p.path("deploy/releases")).expect("releases") {
        let dir = entry.expect("entry").path();
        for rel in hashes(&dir).into_keys() {
            let bytes = std::fs::read(dir.join(&rel)).expect("read");
            assert!(
                !String::from_utf8_lossy(&bytes).contains("evil.example"),
                "{}",
                rel.display()
            );
        }
    }
}

#[test]
fn static_files_cannot_replace_what_laman_generates() {
    let p = Project::fixture("minimal");
    let first = p.build();
    assert!(!first.all_diagnostics().any(|d| d.is_input_error()));
    let headers = p.output(ALPHA, "_headers");
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "_headers",
            b"/*\n  Content-Security-Policy: default-src * 'unsafe-inline'\n  Strict-Transport-Security: max-age=0\n",
            "KELUARAN-001",
        ),
        ("_redirects", b"/* https://evil.example/:splat 302!\n", "KELUARAN-001"),
        ("_HEADERS", b"/*\n  X-Frame-Options: ALLOWALL\n", "KELUARAN-001"),
        ("robots.txt", b"User-agent: *\nDisallow: /\n", "KELUARAN-001"),
        ("layanan.json", b"[]", "KELUARAN-001"),
        ("sitemap.xml", b"<urlset/>", "KELUARAN-003"),
        ("cari/indeks.json", b"[]", "KELUARAN-001"),
        ("cari/lain.txt", b"x", "KELUARAN-001"),
        ("404.html", b"<script>window.pwned=1</script>", "KELUARAN-003"),
        ("cari/index.html", b"<h1>palsu</h1>", "KELUARAN-003"),
        ("profil/index.txt", b"x", ""),
        ("SK Bupati 2024.pdf", b"%PDF", "KELUARAN-002"),
    ];
    for (rel, bytes, code) in cases {
        let path = format!("sites/alpha/static/{rel}");
        p.write(&path, bytes);
        let r = p.build();
        if code.is_empty() {
            assert!(!r.all_diagnostics().any(|d| d.is_input_error()), "{rel}");
        } else {
            let found = coded(&r, code);
            assert_eq!(found.len(), 1, "{rel}: {:#?}", findings(&r));
            assert_eq!(found[0].0, path, "{rel}");
            assert!(found[0].1.contains(rel), "{rel}: {}", found[0].1);
        }
        // laman's own files stay laman's.
        assert_eq!(p.output(ALPHA, "_headers"), headers, "{rel}");
        assert!(!p.output(ALPHA, "_redirects").contains("evil"), "{rel}");
        assert!(p.output(ALPHA, "robots.txt").contains("Sitemap:"), "{rel}");
        p.remove(&path);
    }
    // A hidden folder is never read: /.well-known/ stays laman's.
    p.write(
        "sites/alpha/static/.well-known/security.txt",
        "Contact: mailto:evil@example.org\n",
    );
    let r = p.build();
    assert!(
        !r.all_diagnostics().any(|d| d.is_input_error()),
        "{:#?}",
        findings(&r)
    );
    assert!(!p.output(ALPHA, ".well-known/security.txt").contains("evil"));
}

#[test]
fn files_a_browser_runs_need_diskominfos_permission() {
    let p = Project::fixture("minimal");
    let cases: &[(&str, &[u8], Option<&str>)] = &[
        ("js/x.js", b"window.pwned=1", Some("KELUARAN-003")),
        ("js/x.mjs", b"window.pwned=1", Some("KELUARAN-003")),
        (
            "halaman.html",
            b"<script>window.pwned=1</script>",
            Some("KELUARAN-003"),
        ),
        (
            "data.xml",
            b"<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">1</x:script>",
            Some("KELUARAN-003"),
        ),
        (
            "gambar/jahat.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.pwned=1\"/>",
            Some("KELUARAN-003"),
        ),
        (
            "gambar/jahat2.svg",
            b"<svg><a href=\"jav&#x61;script:x\">x</a></svg>",
            Some("KELUARAN-003"),
        ),
        ("x.wasm", b"\0asm", Some("KELUARAN-003")),
        (
            "gambar/peta.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>",
            None,
        ),
        ("dokumen/laporan.pdf", b"%PDF-1.4", None),
        ("gaya/tambahan.css", b"p{color:red}", None),
    ];
    for (rel, bytes, code) in cases {
        let path = format!("sites/alpha/static/{rel}");
        p.write(&path, bytes);
        let r = p.check();
        match code {
            Some(code) => {
                let found = coded(&r, code);
                assert_eq!(found.len(), 1, "{rel}: {:#?}", findings(&r));
                assert_eq!(found[0].0, path);
            }
            None => assert!(
                !r.all_diagnostics().any(|d| d.is_input_error()),
                "{rel}: {:#?}",
                findings(&r)
            ),
        }
        p.remove(&path);
    }
    // Allowed per site in laman.toml: the script is published, for that site only.
    p.write("sites/alpha/static/js/x.js", "console.log(1)");
    p.write("sites/beta/static/js/y.js", "console.log(2)");
    let toml = std::fs::read_to_string(p.path("laman.toml")).expect("toml");
    p.write(
        "laman.toml",
        toml.replace("[allow]", "[allow]\nstatic_scripts = [\"alpha\"]"),
    );
    let r = p.build();
    assert!(
        coded(&r, "KELUARAN-003")
            .iter()
            .all(|(at, _)| at.contains("sites/beta/"))
    );
    assert_eq!(coded(&r, "KELUARAN-003").len(), 1);
    assert!(p.has_output(ALPHA, "js/x.js"));
}

#[test]
fn a_symlink_out_of_the_site_is_refused() {
    let p = Project::fixture("minimal");
    let outside = p.path("rahasia.txt");
    std::fs::write(&outside, "kata sandi").expect("write");
    std::fs::create_dir_all(p.path("sites/alpha/static")).expect("mkdir");
    std::os::unix::fs::symlink(&outside, p.path("sites/alpha/static/bocor.txt")).expect("symlink");
    std::os::unix::fs::symlink("/etc", p.path("sites/alpha/static/etc")).expect("symlink");
    let r = p.build();
    let found = coded(&r, "SUMBER-003");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(!p.path("public").join(ALPHA).join("bocor.txt").exists());
    assert!(!p.path("public").join(ALPHA).join("etc").exists());
}

#[test]
fn raw_html_is_sanitized_and_every_removal_is_reported_at_its_line() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/alpha/content/xss.md",
        "+++\ntitle = \"XSS\"\n+++\n\nAman <b>tebal</b>.\n\n<script>window.pwned=1</script>\n\n<img src=x onerror=\"window.pwned=1\" alt=\"x\">\n\n[klik](javascript:window.pwned=1)\n\n<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\n\n<iframe src=\"https://evil.example/\"></iframe>\n",
    );
    let r = p.build();
    let found = coded(&r, "HTML-001");
    let lines: Vec<&str> = found
        .iter()
        .map(|(at, _)| at.rsplit_once(':').map_or("", |(a, _)| a))
        .collect();
    assert_eq!(
        lines,
        [
            "sites/alpha/content/xss.md:7",
            "sites/alpha/content/xss.md:9",
            "sites/alpha/content/xss.md:11",
            "sites/alpha/content/xss.md:13",
            "sites/alpha/content/xss.md:15",
        ],
        "{found:#?}"
    );
    assert!(
        r.all_diagnostics()
            .filter(|d| d.code == "HTML-001")
            .all(|d| d.severity == Severity::Error)
    );
    // The page is written without them (the editor can preview it), and
    // the errors block publishing.
    let html = p.output(ALPHA, "xss/index.html");
    for bad in [
        "<script>window",
        "onerror",
        "javascript:",
        "http-equiv",
        "evil.example",
    ] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(html.contains("<b>tebal</b>"));
    assert!(r.has_errors());
    // In English too.
    let en = r
        .all_diagnostics()
        .find(|d| d.code == "HTML-001")
        .expect("one")
        .text(laman::Lang::En);
    assert!(en.contains("`<script>` removed"), "{en}");
}

#[test]
fn site_templates_need_permission_and_cannot_take_the_run_down() {
    let p = Project::fixture("minimal");
    // alpha is not allowed its own templates.
    p.write("sites/alpha/templates/page.html", "<p>palsu</p>");
    let r = p.build();
    let found = coded(&r, "TEMA-003");
    assert_eq!(found.len(), 1, "{:#?}", findings(&r));
    assert_eq!(found[0].0, "sites/alpha/templates");
    p.remove("sites/alpha/templates");

    // beta is allowed, and bounded: each of these stops beta only, and the
    // process ends normally (a stack overflow would abort it with 134).
    let cases: &[(&str, &str, &str)] = &[
        ("404.html", "{% include \"404.html\" %}", "calls itself"),
        (
            "page.html",
            "{% macro f(n) %}{{ f(n=n) }}{% endmacro %}{{ f(n=1) }}",
            "calls itself",
        ),
        (
            "page.html",
            "{% for i in range(2000000000) %}x{% endfor %}",
            "range",
        ),
        (
            "page.html",
            "{% set s = 'xxxxxxxxxx' %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}{% for i in range(10) %}{{ s }}{% endfor %}",
            "steps",
        ),
        // Loops in loops over a list made once, writing nothing: no output
        // and no call to check a clock at, and 10^12 turns (with Tera this
        // hung the whole run, every other site's too).
        (
            "page.html",
            "{% set xs = range(10000) | list %}{% for a in xs %}{% for b in xs %}{% for c in xs %}{% endfor %}{% endfor %}{% endfor %}",
            "steps",
        ),
        ("page.html", &"{% if true %}".repeat(200), "nested"),
    ];
    for (name, text, says) in cases {
        let path = format!("sites/beta/templates/{name}");
        p.write(&path, text);
        p.write("sites/beta/content/lain.md", "+++\ntitle = \"Lain\"\n+++\n");
        let out = p.cli(&["--lang", "en", "build"]);
        assert_eq!(out.code, Some(1), "{name}: {}{}", out.stdout, out.stderr);
        let text = format!("{}{}", out.stdout, out.stderr);
        assert!(text.contains("TEMA-004"), "{name}: {text}");
        assert!(text.contains(says), "{name}: {text}");
        assert!(
            p.has_output(ALPHA, "index.html"),
            "{name}: alpha still builds"
        );
        p.remove(&path);
    }
}

#[test]
fn link_targets_in_front_matter_and_site_toml_cannot_carry_script() {
    let p = Project::fixture("minimal");
    p.build();
    let cases: &[(&str, &str)] = &[
        (
            "sites/alpha/content/kontak-lain.md",
            "+++\ntitle = \"Kontak\"\njenis = \"kontak\"\npeta_url = \"javascript:alert(document.cookie)\"\n+++\n",
        ),
        (
            "sites/alpha/content/kontak-lain.md",
            "+++\ntitle = \"Kontak\"\njenis = \"kontak\"\npeta_url = \" JaVa\\tScRiPt:alert(1)\"\n+++\n",
        ),
    ];
    for (rel, text) in cases {
        p.write(rel, text);
        let r = p.build();
        let found = coded(&r, "HTML-002");
        assert_eq!(found.len(), 1, "{text}: {:#?}", findings(&r));
        assert!(
            found[0].0.starts_with(&format!("{rel}:4:")),
            "{text}: {}",
            found[0].0
        );
        let alpha = r.sites.iter().find(|s| s.slug == "alpha").expect("alpha");
        assert_ne!(alpha.status, laman::build::SiteStatus::Built);
        assert!(
            !p.has_output(ALPHA, "kontak-lain/index.html"),
            "never written"
        );
        p.remove(rel);
    }
    // A menu entry of site.toml.
    let toml = std::fs::read_to_string(p.path("sites/beta/site.toml")).expect("site.toml");
    p.write(
        "sites/beta/site.toml",
        format!("{toml}\n[[menu]]\njudul = \"Klik\"\nurl = \"javascript:alert(1)\"\n"),
    );
    let r = p.build();
    let found = coded(&r, "HTML-002");
    assert_eq!(found.len(), 1, "{:#?}", findings(&r));
    assert!(
        found[0].0.starts_with("sites/beta/site.toml:"),
        "{}",
        found[0].0
    );
    assert!(!p.output(BETA, "index.html").contains("javascript:"));
}

#[test]
fn menu_entries_an_editor_writes_stay_text_in_the_menu_made_once_per_site() {
    let p = Project::fixture("minimal");
    let toml = std::fs::read_to_string(p.path("sites/alpha/site.toml")).expect("site.toml");
    // The label closes the link and opens a script; the URL closes its
    // attribute and adds a handler (both are site.toml, the editor's).
    p.write(
        "sites/alpha/site.toml",
        format!(
            "{toml}\n[[menu]]\njudul = \"</a><script>alert(1)</script>\"\nurl = \"@/_index.md\"\n\n\
             [[menu]]\njudul = \"Profil\"\nurl = '/profil/\" onmouseover=\"alert(2)'\n"
        ),
    );
    p.build();
    for rel in [
        "index.html",
        "profil/index.html",
        "berita/berita-1/index.html",
        "berita/index.html",
        "404.html",
        "cari/index.html",
    ] {
        let html = p.output(ALPHA, rel);
        assert!(!html.contains("<script>alert(1)"), "{rel}");
        assert!(!html.contains("\" onmouseover"), "{rel}");
        assert!(
            html.contains("&lt;/a&gt;&lt;script&gt;alert(1)"),
            "{rel}: the label is written as text"
        );
    }
    // An editor of a site without its own templates cannot replace the menu
    // by writing one: the site stops (TEMA-003), the others keep the theme's.
    p.write(
        "sites/alpha/templates/menu.html",
        "<script>alert(3)</script>",
    );
    let r = p.build();
    assert_eq!(coded(&r, "TEMA-003").len(), 1, "{:#?}", findings(&r));
    let alpha = r.sites.iter().find(|s| s.slug == "alpha").expect("alpha");
    assert_ne!(alpha.status, laman::build::SiteStatus::Built);
    assert!(!p.output(BETA, "index.html").contains("alert(3)"));
}

#[test]
fn a_file_and_a_folder_of_the_same_name_are_a_finding_not_a_failed_run() {
    let p = Project::fixture("minimal");
    p.build();
    for (rel, text) in [
        (
            "sites/alpha/content/dua.md",
            page_with_aliases(&["/a.html", "/a.html/"]),
        ),
        ("sites/alpha/static/profil", "bukan folder".to_string()),
    ] {
        p.write(rel, text);
        let r = p.build();
        let found = coded(&r, "KELUARAN-001");
        assert_eq!(found.len(), 1, "{rel}: {:#?}", findings(&r));
        let beta = r.sites.iter().find(|s| s.slug == "beta").expect("beta");
        assert_eq!(beta.status, laman::build::SiteStatus::Built, "{rel}");
        p.remove(rel);
    }
}

#[test]
fn a_page_named_like_a_reserved_path_is_refused() {
    let p = Project::fixture("minimal");
    p.build();
    for (page, output) in [
        ("sites/alpha/content/cari/_index.md", "cari/index.html"),
        ("sites/alpha/content/cari/palsu.md", "cari/palsu/index.html"),
    ] {
        p.write(page, "+++\ntitle = \"Palsu\"\n+++\n");
        let r = p.build();
        // (A folder `cari/` also makes a list page on `cari/index.html`: refused too.)
        let found = coded(&r, "KELUARAN-001");
        assert!(
            found
                .iter()
                .any(|(at, text)| at == page && text.contains(output)),
            "{page}: {found:#?}"
        );
        let alpha = r.sites.iter().find(|s| s.slug == "alpha").expect("alpha");
        assert_ne!(alpha.status, laman::build::SiteStatus::Built, "{page}");
        assert!(!p.output(ALPHA, "cari/index.html").contains("Palsu"));
        p.remove(page);
    }
}

#[test]
fn the_preview_survives_a_recursive_site_template_and_shows_its_error() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/templates/page.html",
        "{% include \"page.html\" %}",
    );
    let mut s = Serve::start(&p, &["--lang", "en"]);
    let beta = s.get("beta", "/");
    assert_eq!(beta.status, 500, "{}", beta.body);
    assert!(beta.body.contains("TEMA-004"), "{}", beta.body);
    assert_eq!(s.get("alpha", "/").status, 200, "the other site is served");
    assert!(s.child_alive(), "laman serve is still running");
}

#[test]
fn the_preview_answers_only_loopback_hosts() {
    let p = Project::fixture("minimal");
    let s = Serve::start(&p, &[]);
    let raw = |head: &str| -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", s.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream.write_all(head.as_bytes()).expect("send");
        let mut out = String::new();
        let _ = stream.read_to_string(&mut out);
        out.lines().next().unwrap_or("").to_string()
    };
    let port = s.port;
    assert!(
        raw(&format!(
            "GET / HTTP/1.1\r\nHost: alpha.localhost:{port}\r\nConnection: close\r\n\r\n"
        ))
        .contains(" 200 ")
    );
    assert!(
        raw(&format!(
            "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
        ))
        .contains(" 200 ")
    );
    assert!(
        raw(&format!(
            "GET / HTTP/1.1\r\nHost: [::1]:{port}\r\nConnection: close\r\n\r\n"
        ))
        .contains(" 200 ")
    );
    for host in [
        format!("alpha.evil.example:{port}"),
        "alpha.evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("alpha.localhost.evil.example:{port}"),
        format!("127.0.0.2:{port}"),
        "alpha.localhost:1".to_string(),
    ] {
        let status = raw(&format!(
            "GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        ));
        assert!(status.contains(" 421 "), "{host}: {status}");
    }
    let none = raw("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert!(none.contains(" 400 "), "{none}");
    let two = raw(&format!(
        "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    ));
    assert!(two.contains(" 400 "), "{two}");
}

mod property {
    //! Random aliases and file names: whatever an editor writes, every file
    //! the build writes is inside its own site's folder.

    use super::*;
    use proptest::prelude::*;

    fn alias_strategy() -> impl Strategy<Value = String> {
        let part = prop_oneof![
            Just("..".to_string()),
            Just(".".to_string()),
            Just("".to_string()),
            Just("%2e%2e".to_string()),
            Just("\u{ff0e}\u{ff0e}".to_string()),
            Just("\\..".to_string()),
            Just("cari".to_string()),
            Just("_redirects".to_string()),
            Just(".well-known".to_string()),
            "[a-z0-9._~ *:!#?-]{1,8}",
            any::<String>().prop_map(|s| s.chars().take(6).collect()),
        ];
        (
            any::<bool>(),
            prop::collection::vec(part, 1..6),
            any::<bool>(),
        )
            .prop_map(|(lead, parts, trail)| {
                let mut s = parts.join("/");
                if lead {
                    s.insert(0, '/');
                }
                if trail {
                    s.push('/');
                }
                s
            })
    }

    proptest! {
        // Each case checks the output-path rules; whole builds are below.
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn an_accepted_alias_is_a_plain_path_inside_the_site(alias in alias_strategy()) {
            if let Ok(rel) = laman::trust::paths::check_alias(&alias) {
                let file = laman::render::site::alias_file(rel);
                prop_assert!(laman::trust::paths::check_contained(&file).is_ok(), "{file}");
                prop_assert!(!file.split('/').any(|s| s == ".." || s == "." || s.starts_with('.')));
                prop_assert!(file.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~/".contains(&b)), "{file}");
            }
        }

        #[test]
        fn an_accepted_query_alias_carries_only_plain_words(
            alias in "/?[a-z0-9._/-]{0,6}\\?[a-zA-Z0-9=&:*! #%?/_-]{0,12}"
        ) {
            if let Some(Ok(q)) = laman::trust::paths::check_query_alias(&alias) {
                prop_assert!(q.path.is_empty() || laman::trust::paths::check_alias(q.path).is_ok());
                let plain = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
                prop_assert!(q.pairs().count() >= 1);
                for (k, v) in q.pairs() {
                    prop_assert!(plain(k) && plain(v), "{alias:?}");
                }
            }
        }

        #[test]
        fn the_writer_never_leaves_its_folder(rel in ".{0,40}") {
            if laman::trust::paths::check_contained(&rel).is_ok() {
                let mut depth: i32 = 0;
                for seg in rel.split('/') {
                    depth += if seg == ".." { -1 } else { 1 };
                    prop_assert!(depth > 0, "{rel:?}");
                }
                prop_assert!(!rel.starts_with('/') && !rel.contains('\\') && !rel.contains('\0'));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn whatever_the_aliases_every_written_file_is_inside_its_site(
            aliases in prop::collection::vec(alias_strategy(), 1..4)
        ) {
            let p = Project::fixture("minimal");
            let refs: Vec<&str> = aliases.iter().map(String::as_str).collect();
            p.write("sites/alpha/content/acak.md", page_with_aliases(&refs));
            let outside_before = hashes(&p.path("sites"));
            let r = p.build();
            prop_assert!(r.sites.iter().any(|s| s.slug == "beta" && s.status == laman::build::SiteStatus::Built));
            for (rel, _) in hashes(&p.path("public")) {
                let first = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned());
                prop_assert!(
                    matches!(first.as_deref(), Some(ALPHA) | Some(BETA) | Some("sites.json")),
                    "{}", rel.display()
                );
            }
            prop_assert_eq!(hashes(&p.path("sites")), outside_before);
            let top: Vec<String> = std::fs::read_dir(p.root()).expect("root")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            for name in top {
                // `.public.lock` is the build's lock of public/ (one writer at a time).
                prop_assert!(
                    matches!(name.as_str(), "laman.toml" | "sites" | "themes" | "public" | ".public.lock"),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn no_script_vector_runs_in_chromium_and_no_csp_violation_was_needed() {
    let dir = browser_tools();
    let p = Project::example();
    let vectors = [
        "<script>window.pwned=1</script>",
        "<img src=x onerror=\"window.pwned=2\" alt=\"x\">",
        "<svg onload=\"window.pwned=3\"></svg>",
        "<iframe src=\"javascript:parent.pwned=4\"></iframe>",
        "<iframe srcdoc=\"<script>parent.pwned=5</script>\"></iframe>",
        "<object data=\"javascript:parent.pwned=6\"></object>",
        "<embed src=\"javascript:parent.pwned=7\">",
        "<details open ontoggle=\"window.pwned=8\"><summary>x</summary></details>",
        "<video><source onerror=\"window.pwned=9\"></video>",
        "<input autofocus onfocus=\"window.pwned=10\">",
        "<body onload=\"window.pwned=11\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.pwned=12\">",
        "<a href=\"jav&#x09;ascript:window.pwned=13\" id=\"a13\">x</a>",
        "<style>@import 'data:text/css,body{}';</style>",
        "<math><mtext><table><mglyph><style><img src=x onerror=\"window.pwned=14\">",
        "<svg><iframe><a title=\"</iframe><img src onerror=window.pwned=15>\">test",
        "<svg><foreignObject><math><iframe><!--</iframe><img src onerror=window.pwned=16>-->",
        "<math><annotation-xml encoding='text/html'><xmp><!--</xmp><img title='--&gt;&lt;img src=1 onerror=window.pwned=17&gt;'>",
        "<svg><?xml-stylesheet ><img src=x onerror=\"window.pwned=18\"> ?></svg>",
        "<form><button formaction=\"javascript:window.pwned=19\">x</button></form>",
        "<script src=\"/js/x.js\"></script>",
        "<base href=\"https://evil.example/\">",
        "<div style=\"background:url(javascript:window.pwned=20)\">x</div>",
        "[klik](javascript:window.pwned=21)",
        "<noscript><p title=\"</noscript><img src=x onerror=window.pwned=22>\"></noscript>",
    ];
    let body = vectors.join("\n\n");
    p.write(
        "sites/dinkes/content/uji-xss.md",
        format!("+++\ntitle = \"Uji XSS\"\n+++\n\nHalaman uji.\n\n{body}\n"),
    );
    let r = p.build();
    let reported = coded(&r, "HTML-001");
    assert!(reported.len() >= vectors.len(), "{reported:#?}");
    let root = p.path("public").join(DINKES);
    assert!(
        root.join("uji-xss/index.html").is_file(),
        "the sanitized page is written"
    );
    let server = http::StaticServer::start(&root);
    let shot = dir.join("artifacts");
    std::fs::create_dir_all(&shot).expect("artifacts");
    let out = Command::new("node")
        .arg(dir.join("xss.mjs"))
        .arg(server.url("/uji-xss/"))
        .arg(shot.join("xss.png"))
        .output()
        .expect("node runs (install Debian's nodejs)");
    assert!(
        out.status.success(),
        "xss.mjs failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["status"], 200);
    assert_eq!(
        report["pwned"],
        serde_json::Value::Null,
        "a script ran: {report}"
    );
    assert_eq!(
        report["csp"],
        serde_json::json!([]),
        "the CSP had to stop something: {report}"
    );
    assert!(
        report["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Uji XSS")),
        "{report}"
    );
}

/// Editors' text in the JSON-LD data block (#13, item 4) cannot end the
/// block or open a script: a service whose title, description and place
/// and a news item whose author try `</script><script>…`, `<!--` and
/// U+2028 render as JSON that parses back to the same text, contains no
/// `<` at all, and nothing runs in chromium with the CSP unused.
#[test]
fn editor_text_cannot_break_out_of_the_json_ld_block() {
    let dir = browser_tools();
    let p = Project::example();
    let attack =
        "Uji </script><script>window.pwned=1</script><!-- <script>window.pwned=2</script> \u{2028}";
    let toml_str = |s: &str| toml::Value::String(s.to_string()).to_string();
    let svc = std::fs::read_to_string(
        p.path("sites/dinkes/content/layanan/ambulans-gawat-darurat-psc-119.md"),
    )
    .expect("service page");
    let svc = svc
        .replacen(
            "title = \"Ambulans Gawat Darurat PSC 119\"",
            &format!("title = {}", toml_str(attack)),
            1,
        )
        .replacen(
            "tempat = \"Di lokasi kejadian: ambulans datang kepada pasien\"",
            &format!("tempat = {}", toml_str(attack)),
            1,
        )
        // Opening hours become structured data only when read exactly: an
        // attack around readable hours gives none, and stays text.
        .replacen(
            "jam_layanan = \"24 jam setiap hari, termasuk hari libur\"",
            &format!(
                "jam_layanan = {}",
                toml_str(&format!("Senin-Jumat 08.00-15.00 {attack}"))
            ),
            1,
        );
    assert!(
        svc.contains("jam_layanan = \"Senin-Jumat"),
        "the hours attack is in the page"
    );
    assert!(svc.contains("window.pwned=1"), "the attack is in the page");
    p.write("sites/dinkes/content/layanan/uji-jsonld.md", svc);
    p.write(
        "sites/dinkes/content/berita/uji-jsonld.md",
        format!(
            "+++\ntitle = \"Uji berita\"\njenis = \"berita\"\ndate = 2026-11-01\ndescription = {}\npenulis = {}\n+++\n\nIsi.\n",
            toml_str(attack),
            toml_str(attack)
        ),
    );
    let r = p.build();
    assert!(!r.has_errors(), "{:#?}", findings(&r));
    let root = p.path("public").join(DINKES);
    for page in [
        "layanan/uji-jsonld/index.html",
        "berita/uji-jsonld/index.html",
    ] {
        let html = std::fs::read_to_string(root.join(page)).expect(page);
        let open = "<script type=\"application/ld+json\">";
        let start = html.find(open).expect("a JSON-LD block") + open.len();
        let len = html[start..].find("</script>").expect("end of block");
        let block = &html[start..start + len];
        assert!(
            !block.contains('<') && !block.contains('\u{2028}'),
            "{block}"
        );
        let v: serde_json::Value = serde_json::from_str(block).expect("JSON");
        if page.starts_with("layanan/") {
            assert!(
                !v.to_string().contains("openingHours"),
                "no hours read from a text with other words: {v}"
            );
        }
        assert!(
            v.to_string().contains("window.pwned=1"),
            "the editor's text is kept as data: {v}"
        );
        let server = http::StaticServer::start(&root);
        let url = format!("/{}", page.trim_end_matches("index.html"));
        let out = Command::new("node")
            .arg(dir.join("xss.mjs"))
            .arg(server.url(&url))
            .output()
            .expect("node runs (install Debian's nodejs)");
        assert!(
            out.status.success(),
            "xss.mjs failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(report["status"], 200, "{report}");
        assert_eq!(
            report["pwned"],
            serde_json::Value::Null,
            "a script ran: {report}"
        );
        assert_eq!(report["csp"], serde_json::json!([]), "{report}");
    }
}
