//! A regency's first day (issue #10), as its operator lives it: the built
//! binary alone, an empty folder as the working directory, nothing copied
//! from the repository, today's real date. For every profile: `init`,
//! `new site`, `build`, `check` — the only errors are the `ISI:` blanks, each
//! at its line and column — then a small script fills every blank with a
//! plausible value, and `check` is clean and `publish` deploys.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::CliOutput;

const PROFILES: [&str; 6] = [
    "cianjur",
    "pangandaran",
    "purwakarta",
    "limapuluhkota",
    "bogor",
    "nasional",
];

/// Runs the binary in `dir` with the real clock (no SOURCE_DATE_EPOCH).
fn laman(dir: &Path, args: &[&str]) -> CliOutput {
    let out = Command::new(env!("CARGO_BIN_EXE_laman"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run laman");
    CliOutput {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn check_json(dir: &Path) -> Value {
    let out = laman(dir, &["check", "--format", "json"]);
    assert!(matches!(out.code, Some(0 | 1)), "{out:?}");
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"))
}

fn findings(report: &Value) -> Vec<Value> {
    report["findings"].as_array().cloned().unwrap_or_default()
}

fn at(f: &Value) -> String {
    format!(
        "{}:{}:{} {} {}",
        f["file"].as_str().unwrap_or("?"),
        f["line"],
        f["column"],
        f["rule"],
        f["message"]
    )
}

/// A plausible value for the blank of `key` whose placeholder says `what`:
/// what an operator would type.
fn plausible(key: &str, what: &str, domain: &str) -> String {
    let last = key.rsplit(['.', '[']).next().unwrap_or(key);
    let last = last.trim_end_matches(|c: char| c == ']' || c.is_ascii_digit());
    let last = if last.is_empty() { key } else { last };
    if key.starts_with("security.contact") {
        return format!("mailto:csirt@diskominfo.{domain}");
    }
    if key.starts_with("hosting.ipv4") {
        return "203.0.113.10".into();
    }
    if key == "region.name" {
        return "Kabupaten Contoh".into();
    }
    match last {
        "email" => format!("info@dinkes.{domain}"),
        "telepon" | "kontak" if what.contains("telepon") => "(0263) 261234".into(),
        "kode_pos" => "43211".into(),
        "url" | "dokumen" | "lpse_url" | "sop_pengelolaan" => {
            format!("https://dinkes.{domain}/dokumen/{}.pdf", last)
        }
        _ => {
            // The placeholder's own description, as a sentence.
            let t = what.trim();
            let mut c = t.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => "Keterangan".into(),
            }
        }
    }
}

/// Replaces every blank the report lists, at its line and column (right to
/// left within a line), asserting that the text there is the blank.
fn fill(dir: &Path, report: &Value, domain: &str) {
    let mut blanks: Vec<(PathBuf, usize, usize, String)> = findings(report)
        .iter()
        .filter(|f| f["rule"] == "ISIAN-001")
        .map(|f| {
            (
                dir.join(f["file"].as_str().expect("file")),
                f["line"].as_u64().expect("line") as usize,
                f["column"].as_u64().expect("column") as usize,
                f["data"]["key"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    blanks.sort_by(|a, b| (&a.0, a.1, b.2).cmp(&(&b.0, b.1, a.2)));
    for (path, line, column, key) in blanks {
        let text = std::fs::read_to_string(&path).expect("read");
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let l = &mut lines[line - 1];
        let start = l
            .char_indices()
            .nth(column - 1)
            .map(|(i, _)| i)
            .expect("column");
        let rest = &l[start..];
        assert!(
            rest.starts_with("ISI:"),
            "{}:{line}:{column} is not a blank: {l}",
            path.display()
        );
        let end = rest.find(['"', '\'']).unwrap_or(rest.len());
        let what = rest["ISI:".len()..end].to_string();
        let value = if key.is_empty() {
            "Halaman ini menjelaskan layanan kami kepada masyarakat.".to_string()
        } else {
            plausible(&key, &what, domain)
        };
        l.replace_range(start..start + end, &value);
        std::fs::write(&path, lines.join("\n")).expect("write");
    }
}

/// Diskominfo records the decree the filled-in site.toml names in the
/// register of laman.toml (docs/decree.md): a number no register holds is
/// a DOMAIN-003 finding (#11 item 2).
fn record_decree(dir: &Path) {
    let site = std::fs::read_to_string(dir.join("sites/dinkes/site.toml")).expect("site.toml");
    let number = site
        .lines()
        .find_map(|l| l.trim().strip_prefix("nomor_sk = \""))
        .and_then(|r| r.split('"').next())
        .expect("nomor_sk")
        .to_string();
    let path = dir.join("laman.toml");
    let mut toml = std::fs::read_to_string(&path).expect("laman.toml");
    toml.push_str(&format!(
        "\n[[decree]]\nnumber = \"{number}\"\ndate = 2025-01-02\nissuer = \"Kepala Dinas Komunikasi dan Informatika\"\nsubdomains = [\"dinkes\"]\n"
    ));
    std::fs::write(&path, toml).expect("write");
}

#[test]
fn every_profile_goes_from_an_empty_folder_to_a_publish_with_the_binary_alone() {
    for profile in PROFILES {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();

        let init = laman(dir, &["init", "--profile", profile]);
        assert_eq!(init.code, Some(0), "{profile}: {init:?}");
        assert!(!dir.join("themes").exists(), "init writes no theme");
        let toml = std::fs::read_to_string(dir.join("laman.toml")).expect("laman.toml");
        let domain = toml
            .lines()
            .find_map(|l| l.strip_prefix("domain = \""))
            .and_then(|l| l.split('"').next())
            .expect("domain")
            .to_string();
        for section in ["[region]", "[security]", "[hosting]", "[publish]"] {
            assert!(toml.contains(section), "{profile}: {section} missing");
        }

        let new = laman(dir, &["new", "site", "dinkes"]);
        assert_eq!(new.code, Some(0), "{profile}: {new:?}");
        for step in ["laman check dinkes", "laman serve", "laman publish"] {
            assert!(
                new.stdout.contains(step),
                "{profile}: {step}: {}",
                new.stdout
            );
        }

        // The build writes the site (blanks block publishing, not the preview).
        let build = laman(dir, &["build"]);
        assert_eq!(build.code, Some(1), "{profile}: {build:?}");
        let host = format!("dinkes.{domain}");
        for out in ["index.html", "assets/laman.css", "profil/index.html"] {
            assert!(
                dir.join("public").join(&host).join(out).is_file(),
                "{profile}: public/{host}/{out} not built: {build:?}"
            );
        }

        // Every error is a blank, at a line and column where `ISI:` stands,
        // naming its key; nothing else is found, not even a warning.
        let report = check_json(dir);
        let all = findings(&report);
        let blanks: Vec<&Value> = all.iter().filter(|f| f["rule"] == "ISIAN-001").collect();
        let others: Vec<String> = all
            .iter()
            .filter(|f| f["rule"] != "ISIAN-001" && f["severity"] != "info")
            .map(at)
            .collect();
        assert!(others.is_empty(), "{profile}: {others:#?}");
        assert!(blanks.len() > 50, "{profile}: {}", blanks.len());
        for b in &blanks {
            assert_eq!(b["severity"], "error", "{}", at(b));
            let file = dir.join(b["file"].as_str().expect("file"));
            let text = std::fs::read_to_string(&file).expect("file");
            let line = text
                .lines()
                .nth(b["line"].as_u64().expect("line") as usize - 1)
                .expect("line");
            let col = b["column"].as_u64().expect("column") as usize - 1;
            let here: String = line.chars().skip(col).take(4).collect();
            assert_eq!(here, "ISI:", "{}", at(b));
            if let Some(key) = b["data"]["key"].as_str() {
                assert!(
                    b["message"].as_str().unwrap_or("").contains(key),
                    "{}",
                    at(b)
                );
            }
        }
        assert!(
            blanks
                .iter()
                .any(|b| b["file"] == "laman.toml" && b["site"].is_null()),
            "{profile}: laman.toml's blanks are findings"
        );

        // Blanks block publishing.
        let plan = laman(dir, &["publish", "--dry-run"]);
        assert_eq!(plan.code, Some(1), "{profile}: {plan:?}");

        fill(dir, &report, &domain);
        record_decree(dir);
        let report = check_json(dir);
        let left: Vec<String> = findings(&report)
            .iter()
            .filter(|f| f["severity"] != "info")
            .map(at)
            .collect();
        assert!(left.is_empty(), "{profile}: after filling: {left:#?}");

        let publish = laman(dir, &["publish"]);
        assert_eq!(publish.code, Some(0), "{profile}: {publish:?}");
        assert!(
            dir.join("deploy/current")
                .join(&host)
                .join("index.html")
                .is_file(),
            "{profile}: nothing deployed: {publish:?}"
        );
    }
}

#[test]
fn outside_a_project_laman_says_how_to_start_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let shown = std::path::absolute(dir).expect("absolute");
    let id = laman(dir, &["build"]);
    assert_eq!(id.code, Some(2), "{id:?}");
    assert_eq!(
        id.stderr,
        format!(
            "galat: laman.toml tidak ditemukan di {} — jalankan `laman init --profile PROFIL` (cianjur, pangandaran, purwakarta, limapuluhkota, bogor, nasional) atau `-C DIR`\n",
            shown.display()
        )
    );
    let en = laman(dir, &["--lang", "en", "check"]);
    assert_eq!(en.code, Some(2), "{en:?}");
    assert_eq!(
        en.stderr,
        format!(
            "error: laman.toml not found in {} — run `laman init --profile PROFILE` (cianjur, pangandaran, purwakarta, limapuluhkota, bogor, nasional) or `-C DIR`\n",
            shown.display()
        )
    );
}

#[test]
fn a_site_is_named_as_tab_completion_types_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    assert_eq!(laman(dir, &["init", "--profile", "bogor"]).code, Some(0));
    assert_eq!(laman(dir, &["new", "site", "dinkes"]).code, Some(0));
    for name in ["sites/dinkes/", "dinkes/", "./sites/dinkes"] {
        let out = laman(dir, &["check", name]);
        assert_ne!(out.code, Some(2), "{name}: {out:?}");
        assert!(!out.stderr.contains("tidak ada situs"), "{name}: {out:?}");
        assert!(out.stdout.contains("dinkes"), "{name}: {out:?}");
    }
    // A name that cannot be a subdomain is refused in the editor's language.
    let bad = laman(dir, &["new", "site", "Dinsos"]);
    assert_eq!(bad.code, Some(2), "{bad:?}");
    assert_eq!(
        bad.stderr,
        "galat: subdomain `Dinsos` tidak sah (RFC 1123) — pakai huruf kecil a–z, angka dan tanda hubung (bukan di awal/akhir), maks. 63 karakter\n"
    );
    let outside = laman(dir, &["new", "page", "dinkes/", "berita", "../x.md"]);
    assert_eq!(
        outside.stderr,
        "galat: ../x.md: jalurnya harus tetap di dalam folder content/\n"
    );
    let unknown = laman(dir, &["check", "sites/dinsos/"]);
    assert_eq!(unknown.code, Some(2), "{unknown:?}");
    assert!(
        unknown.stderr.contains("tidak ada situs `dinsos`"),
        "{unknown:?}"
    );
}

#[test]
fn a_new_site_previews_with_its_blanks_and_the_index_says_it_is_blocked() {
    let project = crate::support::Project {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let dir = project.root();
    assert_eq!(laman(dir, &["init", "--profile", "cianjur"]).code, Some(0));
    let en = laman(dir, &["--lang", "en", "new", "site", "dinkes"]);
    assert_eq!(en.code, Some(0), "{en:?}");
    assert!(
        en.stdout.ends_with(
            "\nNext steps:\n  1. replace every `ISI: …` value in sites/dinkes/ — `laman check dinkes` lists those left\n  2. preview: laman serve   (then open http://dinkes.localhost:1111/)\n  3. publish: laman publish   (`laman publish --dry-run` first to see what would go out)\n"
        ),
        "{}",
        en.stdout
    );
    let serve = crate::support::serve::Serve::start(&project, &[]);
    let home = serve.get("dinkes", "/");
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains("ISI: nama resmi Perangkat Daerah"));
    let css = serve.get("dinkes", "/assets/laman.css");
    assert_eq!(css.status, 200);
    let index = serve.get("", "/");
    assert!(
        index.body.contains("<span class=\"laman-bad\">diblokir: "),
        "{}",
        index.body
    );
    assert!(index.body.contains("hosting.ipv4[0]"), "{}", index.body);
}

/// A regency that keeps its project in git sees only what people wrote:
/// after `init`, `new site`, two builds (the second leaves the spare tree
/// and the render memo), a publish and a report, `git status` lists
/// laman.toml, the `.gitignore` and the site's sources, nothing laman wrote.
/// An existing `.gitignore` is left as it is.
#[test]
fn git_sees_only_what_people_wrote() {
    let git = crate::support::named::require("git", "git");
    let dir = tempfile::tempdir().expect("tempdir");
    let dir = dir.path();
    let run_git = |args: &[&str]| {
        let out = Command::new(&git)
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .expect("run git");
        assert!(out.status.success(), "git {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run_git(&["init", "-q"]);
    let init = laman(dir, &["init", "--profile", "cianjur"]);
    assert_eq!(init.code, Some(0), "{init:?}");
    assert!(init.stdout.contains(".gitignore"), "{}", init.stdout);
    assert_eq!(laman(dir, &["new", "site", "dinkes"]).code, Some(0));
    for _ in 0..2 {
        let build = laman(dir, &["build"]);
        assert!(build.code == Some(0) || build.code == Some(1), "{build:?}");
        std::fs::write(
            dir.join("sites/dinkes/content/profil.md"),
            std::fs::read_to_string(dir.join("sites/dinkes/content/profil.md")).expect("read")
                + "\nSatu baris lagi.\n",
        )
        .expect("edit");
    }
    assert!(dir.join(".public.spare").is_dir() && dir.join(".laman/memo").is_dir());
    let _ = laman(dir, &["publish"]);
    let _ = laman(dir, &["laporan", "--periode", "2026-11"]);
    let status = run_git(&["status", "--porcelain", "--untracked-files=all"]);
    let mut seen: Vec<&str> = status.lines().map(|l| &l[3..]).collect();
    seen.retain(|p| !p.starts_with("sites/dinkes/"));
    assert_eq!(seen, [".gitignore", "laman.toml"], "{status}");
    assert!(
        status.contains("sites/dinkes/content/profil.md"),
        "{status}"
    );

    // A folder that already has a .gitignore keeps it.
    let other = tempfile::tempdir().expect("tempdir");
    std::fs::write(other.path().join(".gitignore"), "milik-sendiri\n").expect("write");
    let init = laman(other.path(), &["init", "--profile", "bogor"]);
    assert_eq!(init.code, Some(0), "{init:?}");
    assert_eq!(
        std::fs::read_to_string(other.path().join(".gitignore")).expect("read"),
        "milik-sendiri\n"
    );
}
