//! `laman serve` as an editor uses it: the real binary on a free loopback
//! port over a temporary copy of the example regency, spoken to over plain
//! HTTP/1.1 with `Host: <site>.localhost:PORT`. Edits are real file writes
//! seen through notify; every wait polls with a deadline.

use crate::support::Project;
use crate::support::serve::{Serve, poll};

const PROFIL: &str = "sites/dinkes/content/profil.md";

#[test]
fn an_edited_page_is_served_new_and_open_tabs_get_a_reload_message() {
    let p = Project::example();
    let s = Serve::start(&p, &[]);
    let first = s.get("dinkes", "/profil/");
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Profil Dinas Kesehatan"));
    // The reload and overlay tags come from the same origin (CSP script-src 'self').
    assert!(
        first
            .body
            .contains("<script src=\"/__laman/reload.js\" defer></script>")
    );
    assert!(
        first
            .head
            .contains("content-security-policy: default-src 'self'")
    );
    assert!(
        first.body.contains("href=\"http://dinkes.localhost:"),
        "links point at the preview"
    );
    let js = s.get("dinkes", "/__laman/reload.js");
    assert_eq!(js.status, 200);
    assert!(js.head.contains("content-type: text/javascript"));
    assert!(js.body.contains("EventSource(\"/__laman/events\")"));

    let events = s.events("dinkes");
    let other = s.events("dinsos");
    let text = std::fs::read_to_string(p.path(PROFIL)).expect("read");
    p.write(PROFIL, format!("{text}\nParagraf baru SUNTINGAN-7731.\n"));
    events.wait_reload(0);
    assert!(
        events
            .text()
            .contains("data: {\"what\":\"dinkes/profil.md\"}")
    );
    let page = s.get("dinkes", "/profil/");
    assert!(
        page.body.contains("SUNTINGAN-7731"),
        "the served page is the new one"
    );
    // The home page lists it and was rendered again, whole.
    let home = s.get("dinkes", "/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("href=\"/profil/\"") && home.body.contains("</html>"));
    // Only the page's own files and the lists showing it were rendered.
    poll("the terminal line", || {
        s.terminal()
            .lines()
            .find(|l| l.contains("dibangun ulang dinkes/content/profil.md"))
            .map(|l| assert!(l.contains(" ms — 0 galat"), "{l}"))
    });
    // Another site's tabs are left alone.
    let dinkes_page = s.get("dinsos", "/");
    assert_eq!(dinkes_page.status, 200);
    assert_eq!(other.reloads(), 0, "{}", other.text());
    assert!(
        !std::path::Path::new(&p.path("public")).exists(),
        "serve writes nothing"
    );
}

/// The preview's terminal line counts every error a build finds, the
/// rules' too: a site whose rules find errors is not "0 errors" there
/// while `laman build` refuses it.
#[test]
fn the_first_line_counts_the_errors_a_build_finds() {
    let p = Project::fixture("minimal");
    let built = p.cli(&["--lang", "en", "build"]);
    let text = format!("{}{}", built.stdout, built.stderr);
    let summary = text
        .lines()
        .find(|l| l.starts_with("Done:"))
        .expect("the build's summary");
    let errors: usize = summary
        .rsplit("; ")
        .next()
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count of errors");
    assert!(errors > 0, "{summary}");
    let s = Serve::start(&p, &["--lang", "en"]);
    let terminal = s.terminal();
    let line = terminal
        .lines()
        .find(|l| l.contains("rebuilt all sites"))
        .expect("the first line");
    assert!(
        line.contains(&format!("— {errors} errors,")),
        "{line}\nbuild: {summary}"
    );
}

#[test]
fn broken_front_matter_shows_its_error_and_fixing_it_recovers() {
    let p = Project::example();
    let mut s = Serve::start(&p, &[]);
    let events = s.events("dinkes");
    let good = std::fs::read_to_string(p.path(PROFIL)).expect("read");
    p.write(PROFIL, good.replacen("title = \"", "title = ", 1));
    events.wait_reload(0);
    let err = poll("the error page", || {
        let r = s.get("dinkes", "/profil/");
        (r.status == 500).then_some(r)
    });
    assert!(err.body.contains("META-002"), "{}", err.body);
    assert!(
        err.body.contains("sites/dinkes/content/profil.md:2:9"),
        "file:line:column shown: {}",
        err.body
    );
    assert!(
        err.body
            .contains("<script src=\"/__laman/reload.js\" defer></script>")
    );
    poll("the error in the terminal", || {
        s.terminal().contains("galat[META-002]").then_some(())
    });
    assert!(
        s.terminal()
            .contains("--> sites/dinkes/content/profil.md:2:9")
    );
    // One broken site never hides the others.
    assert_eq!(s.get("dinsos", "/").status, 200);
    let index = s.get("", "/");
    assert!(
        index
            .body
            .contains("<span class=\"laman-bad\">tidak dapat dibangun (1 galat)</span>"),
        "{}",
        index.body
    );

    let n = events.reloads();
    p.write(PROFIL, good.replace("Kedudukan", "Kedudukan PULIH-4410"));
    events.wait_reload(n);
    let fixed = poll("the fixed page", || {
        let r = s.get("dinkes", "/profil/");
        (r.status == 200).then_some(r)
    });
    assert!(fixed.body.contains("PULIH-4410"));
    assert!(
        s.child.try_wait().expect("status").is_none(),
        "still running"
    );
}

#[test]
fn a_template_change_rebuilds_every_site_and_a_broken_one_recovers() {
    let p = Project::example();
    let s = Serve::start(&p, &["--lang", "en"]);
    let a = s.events("dinkes");
    let b = s.events("bpbd");
    let base = "themes/default/templates/base.html";
    let good = std::fs::read_to_string(p.path(base)).expect("read");
    assert!(good.contains("</footer>"));
    p.write(
        base,
        good.replace("</footer>", "<p>TEMA-BARU-1</p></footer>"),
    );
    a.wait_reload(0);
    b.wait_reload(0);
    for site in ["dinkes", "bpbd", "dinsos"] {
        let r = s.get(site, "/");
        assert!(r.body.contains("TEMA-BARU-1"), "{site} rebuilt");
    }
    poll("the terminal line", || {
        s.terminal().contains("rebuilt all sites").then_some(())
    });

    let n = a.reloads();
    p.write(base, good.replace("</footer>", "{{ page.title </footer>"));
    a.wait_reload(n);
    let err = s.get("dinkes", "/");
    assert_eq!(err.status, 500);
    assert!(
        err.body.contains("themes/default/templates/base.html:"),
        "{}",
        err.body
    );
    assert!(err.body.contains("This site cannot be built"));

    let n = a.reloads();
    p.write(base, &good);
    a.wait_reload(n);
    let r = s.get("dinkes", "/");
    assert_eq!(r.status, 200);
    assert!(!r.body.contains("TEMA-BARU-1"));
}

#[test]
fn the_index_lists_every_site_with_its_preview_link() {
    let p = Project::example();
    let s = Serve::start(&p, &[]);
    let index = s.get("", "/");
    assert_eq!(index.status, 200);
    let mut count = 0;
    for entry in std::fs::read_dir(p.path("sites")).expect("sites") {
        let slug = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(
            index
                .body
                .contains(&format!("href=\"http://{slug}.localhost:{}/\"", s.port)),
            "{slug} listed"
        );
        count += 1;
    }
    assert!(count >= 3);
    assert!(
        index
            .body
            .contains("<span class=\"laman-ok\">siap terbit</span>"),
        "{}",
        index.body
    );
    // A site answers to its folder name too, and an unknown host gets the index with 404.
    assert_eq!(s.get("kec-cibeber", "/").status, 200);
    let unknown = s.get("tidakada", "/");
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("dinkes.localhost"));
}

#[test]
fn the_overlay_gets_the_findings_of_the_page_and_they_follow_edits() {
    let p = Project::example();
    let s = Serve::start(&p, &["--lang", "en"]);
    let path = "/__laman/findings?path=/layanan/ambulans-gawat-darurat-psc-119/";
    let r = s.get("dinkes", path);
    assert_eq!(r.status, 200);
    assert!(r.head.contains("content-type: application/json"));
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("json");
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "LAYANAN-006");
    assert_eq!(f["level"], "info");
    assert!(
        f["message"]
            .as_str()
            .expect("message")
            .contains("sippn_url")
    );
    assert_eq!(
        f["file"],
        "sites/dinkes/content/layanan/ambulans-gawat-darurat-psc-119.md"
    );
    // The overlay's script and style are served; a page without findings shows none.
    assert!(
        s.get("dinkes", "/__laman/overlay.js")
            .body
            .contains("laman-overlay")
    );
    assert!(
        s.get("dinkes", "/__laman/overlay.css")
            .head
            .contains("text/css")
    );
    let none: serde_json::Value =
        serde_json::from_str(&s.get("dinkes", "/__laman/findings?path=/profil/").body)
            .expect("json");
    assert_eq!(none["findings"].as_array().map(Vec::len), Some(0));

    // A body edit that breaks a rule shows up in the page's findings.
    let events = s.events("dinkes");
    let text = std::fs::read_to_string(p.path(PROFIL)).expect("read");
    p.write(PROFIL, format!("{text}\n![](/assets/lambang.svg)\n"));
    events.wait_reload(0);
    let after: serde_json::Value =
        serde_json::from_str(&s.get("dinkes", "/__laman/findings?path=/profil/").body)
            .expect("json");
    let rules: Vec<&str> = after["findings"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(
        !rules.is_empty(),
        "an image without alt text is reported: {after}"
    );
}

#[test]
fn a_new_page_is_served_and_a_broken_site_toml_shows_its_error() {
    let p = Project::example();
    let s = Serve::start(&p, &[]);
    let events = s.events("dinkes");
    assert_eq!(s.get("dinkes", "/pengumuman-baru/").status, 404);
    p.write(
        "sites/dinkes/content/pengumuman-baru.md",
        "+++\ntitle = \"Pengumuman Baru\"\n+++\nIsi BARU-8812.\n",
    );
    events.wait_reload(0);
    let r = s.get("dinkes", "/pengumuman-baru/");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("BARU-8812"));
    // A new page is patched into the site's last render, not a site rebuild.
    poll("the page line", || {
        s.terminal()
            .contains("dibangun ulang dinkes/content/pengumuman-baru.md")
            .then_some(())
    });

    let n = events.reloads();
    let toml = std::fs::read_to_string(p.path("sites/dinkes/site.toml")).expect("read");
    p.write("sites/dinkes/site.toml", format!("{toml}\nnama_resmi = \n"));
    events.wait_reload(n);
    let err = s.get("dinkes", "/");
    assert_eq!(err.status, 500);
    assert!(err.body.contains("sites/dinkes/site.toml:"), "{}", err.body);
    assert_eq!(s.get("dinsos", "/").status, 200, "other sites unaffected");
    let n = events.reloads();
    p.write("sites/dinkes/site.toml", &toml);
    events.wait_reload(n);
    assert_eq!(s.get("dinkes", "/").status, 200);
}

#[test]
fn a_broken_site_template_survives_page_edits_and_recovers() {
    let p = Project::example();
    p.allow_templates("dinkes");
    let s = Serve::start(&p, &[]);
    let events = s.events("dinkes");
    let tpl = "sites/dinkes/templates/page.html";
    p.write(tpl, "<!DOCTYPE html>\n<p>{{ page.title </p>\n");
    events.wait_reload(0);
    let err = s.get("dinkes", "/profil/");
    assert_eq!(err.status, 500);
    assert!(
        err.body.contains("sites/dinkes/templates/page.html:"),
        "{}",
        err.body
    );

    // A body edit while the site cannot render does not bring the server down.
    let n = events.reloads();
    let text = std::fs::read_to_string(p.path(PROFIL)).expect("read");
    p.write(PROFIL, format!("{text}\nSELAMA-RUSAK-3391\n"));
    events.wait_reload(n);
    assert_eq!(s.get("dinkes", "/profil/").status, 500);
    assert_eq!(s.get("dinsos", "/").status, 200);

    let n = events.reloads();
    p.remove(tpl);
    events.wait_reload(n);
    let fixed = s.get("dinkes", "/profil/");
    assert_eq!(fixed.status, 200);
    assert!(fixed.body.contains("SELAMA-RUSAK-3391"));
}

#[test]
fn a_double_slash_target_redirects_on_the_same_host() {
    let p = Project::example();
    let s = Serve::start(&p, &[]);
    // `//layanan` once answered `Location: //layanan/`, a link to the host "layanan".
    for (target, want) in [("//layanan", "/layanan/"), ("///layanan", "/layanan/")] {
        let r = s.get("dinkes", target);
        assert_eq!(r.status, 301, "{target}: {}", r.head);
        let loc = r
            .head
            .lines()
            .find_map(|l| l.strip_prefix("location: "))
            .expect("location");
        assert_eq!(loc, want, "{target}");
    }
    assert_eq!(s.get("dinkes", "/layanan").status, 301);
}

/// Never stale, proven: random sequences of edits (body, title, date,
/// weight, draft, a new page, a deleted page, a renamed page, a section's
/// title) go through the preview's incremental path (`rebuild_page`, as
/// the watcher calls it), and after each one every rendered file and every
/// finding equals a full render of the same tree, byte for byte.
/// A draft shifts the news list pages after its own by one; they are
/// rendered after the reload is sent, yet a list page fetched at once
/// after the reload already shows the shifted slice.
#[test]
fn a_list_page_fetched_right_after_a_draft_reload_is_fresh() {
    let p = Project::example();
    for n in 0..35 {
        p.write(
            &format!("sites/dinkes/content/berita/kabar-{n:02}.md"),
            format!(
                "+++\ntitle = \"Kabar {n}\"\njenis = \"berita\"\ndate = 2026-{:02}-{:02}\n+++\n\nKabar nomor {n}.\n",
                5 + n / 28,
                n % 28 + 1
            ),
        );
    }
    let s = Serve::start(&p, &[]);
    // News titles in the order a page shows them ("Kabar 7", …).
    let titles = |body: &str| -> Vec<String> {
        body.match_indices("Kabar ")
            .map(|(k, _)| {
                let digits: String = body[k + 6..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                format!("Kabar {digits}")
            })
            .filter(|t| t.len() > 6)
            .collect()
    };
    let third = titles(&s.get("dinkes", "/berita/halaman/3/").body);
    let fourth = titles(&s.get("dinkes", "/berita/halaman/4/").body);
    let moves = fourth.first().expect("list page 4 lists news").clone();
    assert!(!third.contains(&moves));
    let events = s.events("dinkes");
    let newest = "sites/dinkes/content/berita/kabar-34.md";
    let text = std::fs::read_to_string(p.path(newest)).expect("read");
    p.write(newest, text.replacen("+++\n", "+++\ndraft = true\n", 1));
    events.wait_reload(0);
    let after = s.get("dinkes", "/berita/halaman/3/");
    assert_eq!(after.status, 200);
    assert!(
        titles(&after.body).contains(&moves),
        "{moves} moved up to list page 3: {:?}",
        titles(&after.body)
    );
    assert_eq!(s.get("dinkes", "/berita/kabar-34/").status, 404);
}

mod never_stale {
    use std::path::Path;

    use laman::serve::state::Project as Preview;
    use proptest::prelude::*;

    use crate::support::{Project, now};

    const SITE: &str = "bpbd";

    #[derive(Debug, Clone)]
    enum Edit {
        Body(usize),
        Title(usize, u8),
        Date(usize, u8),
        Weight(usize, u8),
        Draft(usize),
        Undraft(usize),
        New(u8),
        Delete(usize),
        Rename(usize, u8),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        prop_oneof![
            (any::<usize>()).prop_map(Edit::Body),
            (any::<usize>(), any::<u8>()).prop_map(|(i, t)| Edit::Title(i, t)),
            (any::<usize>(), any::<u8>()).prop_map(|(i, d)| Edit::Date(i, d)),
            (any::<usize>(), any::<u8>()).prop_map(|(i, w)| Edit::Weight(i, w)),
            (any::<usize>()).prop_map(Edit::Draft),
            (any::<usize>()).prop_map(Edit::Undraft),
            (any::<u8>()).prop_map(Edit::New),
            (any::<usize>()).prop_map(Edit::Delete),
            (any::<usize>(), any::<u8>()).prop_map(|(i, n)| Edit::Rename(i, n)),
        ]
    }

    /// Pages below content/ (sorted), drafts included.
    fn pages(content: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![content.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("read_dir") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "md") {
                    let rel = p.strip_prefix(content).expect("inside");
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        out.sort();
        out
    }

    /// Replaces or adds the front matter line `key = value` (at the top, so
    /// that it never lands in a table).
    fn set_key(text: &str, key: &str, value: &str) -> String {
        let end = text[3..].find("+++").map_or(3, |i| i + 3);
        let (front, body) = text.split_at(end);
        let kept: Vec<&str> = front
            .lines()
            .skip(1)
            .filter(|l| !l.starts_with(&format!("{key} =")))
            .collect();
        format!("+++\n{key} = {value}\n{}\n{body}", kept.join("\n"))
    }

    /// Applies `e` to the files; returns the paths below content/ it changed.
    fn apply(content: &Path, e: &Edit) -> Vec<String> {
        let all = pages(content);
        let pick = |i: usize| all[i % all.len()].clone();
        let read = |rel: &str| std::fs::read_to_string(content.join(rel)).expect("read");
        let write =
            |rel: &str, text: String| std::fs::write(content.join(rel), text).expect("write");
        match *e {
            Edit::Body(i) => {
                let rel = pick(i);
                write(&rel, read(&rel) + "\nSatu paragraf baru.\n");
                vec![rel]
            }
            Edit::Title(i, t) => {
                let rel = pick(i);
                write(
                    &rel,
                    set_key(&read(&rel), "title", &format!("\"Judul {t}\"")),
                );
                vec![rel]
            }
            Edit::Date(i, d) => {
                let rel = pick(i);
                let day = format!("2026-{:02}-{:02}", d % 12 + 1, d % 28 + 1);
                write(&rel, set_key(&read(&rel), "date", &day));
                vec![rel]
            }
            Edit::Weight(i, w) => {
                let rel = pick(i);
                write(&rel, set_key(&read(&rel), "weight", &(w % 7).to_string()));
                vec![rel]
            }
            Edit::Draft(i) | Edit::Undraft(i) => {
                let rel = pick(i);
                let v = if matches!(e, Edit::Draft(_)) {
                    "true"
                } else {
                    "false"
                };
                write(&rel, set_key(&read(&rel), "draft", v));
                vec![rel]
            }
            Edit::New(n) => {
                let rel = format!("berita/baru-{n}.md");
                let text = format!(
                    "+++\ntitle = \"Berita baru {n}\"\njenis = \"berita\"\ndate = 2026-0{}-1{}\n+++\n\nIsi berita baru {n}, lihat [layanan](@/layanan/_index.md).\n",
                    n % 9 + 1,
                    n % 9
                );
                write(&rel, text);
                vec![rel]
            }
            Edit::Delete(i) => {
                let rel = pick(i);
                std::fs::remove_file(content.join(&rel)).expect("remove");
                vec![rel]
            }
            Edit::Rename(i, n) => {
                let rel = pick(i);
                if rel.ends_with("_index.md") {
                    return Vec::new();
                }
                let dir = rel.rsplit_once('/').map_or("", |(d, _)| d);
                let to = if dir.is_empty() {
                    format!("nama-{n}.md")
                } else {
                    format!("{dir}/nama-{n}.md")
                };
                if to == rel || content.join(&to).exists() {
                    return Vec::new();
                }
                std::fs::rename(content.join(&rel), content.join(&to)).expect("rename");
                vec![rel, to]
            }
        }
    }

    fn full(root: &Path) -> Preview {
        let mut p = Preview::new(root, vec![SITE.to_string()], false, 1111).with_clock(now());
        p.rebuild_all();
        p
    }

    /// Every rendered file and every finding of the site.
    fn snapshot(p: &mut Preview) -> (Vec<(String, Vec<u8>)>, Vec<String>) {
        p.refresh_extras(SITE);
        p.refresh_rules(SITE);
        let s = &p.sites[SITE];
        let files = s
            .outputs()
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_vec()))
            .collect();
        let mut diags: Vec<String> = s.all_diagnostics().map(|d| format!("{d:?}")).collect();
        diags.sort();
        (files, diags)
    }

    fn check(p: &mut Preview, root: &Path, after: &[Edit]) {
        let (files, diags) = snapshot(p);
        let (want_files, want_diags) = snapshot(&mut full(root));
        let paths = |f: &[(String, Vec<u8>)]| f.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&files), paths(&want_files), "files after {after:?}");
        for ((path, got), (_, want)) in files.iter().zip(&want_files) {
            assert!(
                got == want,
                "{path} differs from a full render after {after:?}:\n--- incremental\n{}\n--- full\n{}",
                String::from_utf8_lossy(got),
                String::from_utf8_lossy(want)
            );
        }
        assert_eq!(diags, want_diags, "findings after {after:?}");
    }

    /// A build frees each page body's HTML once the page is written (only
    /// the section pages, which their list pages show, and the feed's
    /// pages keep theirs); the preview keeps every body. Both give the
    /// same bytes: every file the preview renders is the file the build
    /// wrote, list pages, feed and search index included.
    #[test]
    fn a_build_writes_every_file_the_preview_renders() {
        let project = project();
        let root = project.root();
        let mut o = project.options();
        o.rules = true;
        o.only = vec![SITE.to_string()];
        o.base_url = Some(format!("http://{SITE}.localhost:1111"));
        laman::build::build(&o).expect("build");
        let hosts: Vec<_> = std::fs::read_dir(root.join("public"))
            .expect("public")
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{SITE}."))
            })
            .collect();
        assert_eq!(hosts.len(), 1);
        let host = hosts[0].path();
        let (files, _) = snapshot(&mut full(root));
        assert!(files.len() > 40, "{} files", files.len());
        for must in [
            "berita/index.html",
            "berita/halaman/2/index.html",
            "atom.xml",
        ] {
            assert!(files.iter().any(|(p, _)| p == must), "{must}");
        }
        for (path, want) in &files {
            let got = std::fs::read(host.join(path)).unwrap_or_default();
            assert!(
                &got == want,
                "{path} differs:\n--- build\n{}\n--- preview\n{}",
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(want)
            );
        }
    }

    /// The example's BPBD site with twelve more news items, so that the
    /// news list has two list pages and edits move pages between them.
    fn project() -> Project {
        project_with(12)
    }

    /// The example with `count` more news items in BPBD (dated May 2026
    /// on, one a day: kabar-00 is the oldest).
    fn project_with(count: usize) -> Project {
        let p = Project::example();
        for n in 0..count {
            p.write(
                &format!("sites/{SITE}/content/berita/kabar-{n:02}.md"),
                format!(
                    "+++\ntitle = \"Kabar {n}\"\njenis = \"berita\"\ndate = 2026-{:02}-{:02}\n+++\n\nKabar nomor {n}; baca juga [profil](@/profil.md).\n",
                    5 + n / 28,
                    n % 28 + 1
                ),
            );
        }
        p
    }

    /// A draft near the top of a long news list shifts every list page
    /// after its own by one: those wait (`deferred`) until the site rules
    /// run, which is before any page or finding is answered; edits made
    /// meanwhile still end equal to a full render.
    #[test]
    fn list_pages_after_a_draft_wait_and_are_never_stale() {
        let p = project_with(40);
        let content = p.path(&format!("sites/{SITE}/content"));
        let mut preview = full(p.root());
        let newest = "berita/kabar-39.md";
        let text = std::fs::read_to_string(content.join(newest)).expect("read");
        std::fs::write(
            content.join(newest),
            text.replacen("+++\n", "+++\ndraft = true\n", 1),
        )
        .expect("write");
        preview.rebuild_page(SITE, newest);
        let waiting = preview.sites[SITE].deferred().clone();
        assert!(
            waiting.contains("berita/halaman/3/index.html")
                && !waiting.contains("berita/index.html"),
            "deferred: {waiting:?}"
        );
        assert!(preview.rules_stale());
        // More edits before the rules ran: a title, the draft back, a new item.
        let other = "berita/kabar-20.md";
        let t = std::fs::read_to_string(content.join(other)).expect("read");
        std::fs::write(
            content.join(other),
            t.replace("Kabar 20", "Kabar dua puluh"),
        )
        .expect("write");
        preview.rebuild_page(SITE, other);
        std::fs::write(content.join(newest), &text).expect("write");
        preview.rebuild_page(SITE, newest);
        let fresh = "berita/kabar-99.md";
        std::fs::write(
            content.join(fresh),
            "+++\ntitle = \"Kabar baru\"\njenis = \"berita\"\ndate = 2026-04-30\n+++\n\nBaru.\n",
        )
        .expect("write");
        preview.rebuild_page(SITE, fresh);
        check(&mut preview, p.root(), &[]);
        assert!(preview.sites[SITE].deferred().is_empty());
        assert!(!preview.rules_stale());
    }

    /// A title edit of one news item renders that page, the list pages
    /// and home that show it — not the site; the others stay as they were.
    #[test]
    fn a_title_edit_renders_only_what_reads_the_title() {
        let p = project();
        let content = p.path(&format!("sites/{SITE}/content"));
        let mut preview = full(p.root());
        let total = preview.sites[SITE].outputs().len();
        let rel = "berita/kabar-05.md";
        let text = std::fs::read_to_string(content.join(rel)).expect("read");
        std::fs::write(content.join(rel), text.replace("Kabar 5", "Kabar lima")).expect("write");
        let r = preview.rebuild_page(SITE, rel);
        assert!(
            r.rendered > 0 && r.rendered < 6,
            "rendered {} of {total} files",
            r.rendered
        );
        let page = preview.sites[SITE].outputs()["berita/kabar-05/index.html"].clone();
        assert!(String::from_utf8_lossy(&page).contains("Kabar lima"));
        check(&mut preview, p.root(), &[]);
    }

    /// A news item that becomes a draft and comes back renders its page
    /// (when it comes back), the list pages whose slice moved and home —
    /// not the site; everything equals a full render after each step.
    #[test]
    fn a_draft_and_back_renders_only_the_list_pages_that_moved() {
        let p = project();
        let content = p.path(&format!("sites/{SITE}/content"));
        let mut preview = full(p.root());
        let total = preview.sites[SITE].outputs().len();
        let rel = "berita/kabar-05.md";
        let text = std::fs::read_to_string(content.join(rel)).expect("read");
        std::fs::write(
            content.join(rel),
            text.replacen("+++\n", "+++\ndraft = true\n", 1),
        )
        .expect("write");
        let r = preview.rebuild_page(SITE, rel);
        assert!(
            r.rendered > 0 && r.rendered < 6,
            "rendered {} of {total} files",
            r.rendered
        );
        assert!(
            !preview.sites[SITE]
                .outputs()
                .contains_key("berita/kabar-05/index.html")
        );
        check(&mut preview, p.root(), &[]);
        std::fs::write(content.join(rel), text).expect("write");
        let r = preview.rebuild_page(SITE, rel);
        assert!(
            r.rendered > 0 && r.rendered < 6,
            "rendered {} of {total} files",
            r.rendered
        );
        check(&mut preview, p.root(), &[]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, max_shrink_iters: 32, ..ProptestConfig::default() })]
        #[test]
        fn incremental_renders_equal_a_full_render(edits in prop::collection::vec(edit(), 1..6)) {
            let p = project();
            let content = p.path(&format!("sites/{SITE}/content"));
            let mut preview = full(p.root());
            let mut done = Vec::new();
            for e in &edits {
                let changed = apply(&content, e);
                done.push(e.clone());
                // As the watcher hands a burst over: sorted, one page at a time.
                let mut changed = changed;
                changed.sort();
                for rel in &changed {
                    preview.rebuild_page(SITE, rel);
                }
                check(&mut preview, p.root(), &done);
            }
        }
    }
}
