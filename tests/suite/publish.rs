//! `laman publish`: the `dir` target (releases, hard links, gate, rollback,
//! keep, lock, atomic switch, killed publishes, health check) and the
//! `netlify` target (a recording fake `netlify` on PATH), plus the
//! generated `_redirects`/`_headers` under Netlify's own parsers.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use laman::output::Manifest;
use laman::publish::journal::{self, LogEntry};

use crate::support::*;

const DINKES: &str = "dinkes.cianjurkab.go.id";
const DINSOS: &str = "dinsos.cianjurkab.go.id";
const PROFIL_DINSOS: &str = "sites/dinsos/content/profil.md";

/// The `laman` binary in `p`, with the fixed clock.
fn laman(p: &Project) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_laman"));
    c.current_dir(p.root())
        .env("SOURCE_DATE_EPOCH", now().timestamp().to_string())
        .env("USER", "budi")
        .env_remove("LAMAN_PUBLISH_PAUSE_AT")
        .stdin(Stdio::null());
    c
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(p: &Project, args: &[&str]) -> Run {
    let out = laman(p).args(args).output().expect("run laman");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn publish_ok(p: &Project, args: &[&str]) -> Run {
    let mut all = vec!["publish"];
    all.extend_from_slice(args);
    let r = run(p, &all);
    assert_eq!(
        r.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        r.stdout,
        r.stderr
    );
    r
}

fn deploy(p: &Project) -> PathBuf {
    p.path("deploy")
}

fn current(p: &Project) -> String {
    let link = std::fs::read_link(deploy(p).join("current")).expect("current is a symlink");
    assert!(link.is_relative(), "{}", link.display());
    link.file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned()
}

fn release_manifest(dir: &Path) -> Manifest {
    let bytes = std::fs::read(dir.join("sites.json")).expect("sites.json");
    serde_json::from_slice(&bytes).expect("manifest")
}

/// `current` leads to a complete release: its sites.json names it and every
/// listed file is there with its size.
fn assert_current_complete(root: &Path) -> String {
    let cur = root.join("current");
    let link = std::fs::read_link(&cur).expect("current");
    let id = link.file_name().expect("id").to_string_lossy().into_owned();
    let m = release_manifest(&cur);
    assert_eq!(m.release, id);
    for h in &m.hosts {
        for f in &h.files {
            let md = std::fs::metadata(cur.join(&h.host).join(&f.path))
                .unwrap_or_else(|e| panic!("{id}/{}/{}: {e}", h.host, f.path));
            assert_eq!(md.len(), f.size, "{}/{}", h.host, f.path);
        }
    }
    id
}

fn log(p: &Project) -> Vec<LogEntry> {
    journal::read(&deploy(p))
}

fn ino(path: &Path) -> u64 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .ino()
}

#[test]
fn two_publishes_then_rollback_and_rollback_to() {
    let p = Project::example();
    assert!(
        std::fs::read_to_string(repo().join(".gitignore"))
            .expect("gitignore")
            .lines()
            .any(|l| l == "/deploy"),
        "deploy/ is git-ignored"
    );
    let first = publish_ok(&p, &["--as", "sari"]);
    assert!(
        first.stdout.contains("8 situs terbit, 0 diblokir"),
        "{}",
        first.stdout
    );
    let r1 = assert_current_complete(&deploy(&p));
    assert!(r1.starts_with("000001-"), "{r1}");

    p.edit(PROFIL_DINSOS, "Dinas Sosial", "Dinas Sosial (versi dua)");
    publish_ok(&p, &[]);
    let r2 = assert_current_complete(&deploy(&p));
    assert_ne!(r1, r2);
    let live = |p: &Project| {
        std::fs::read_to_string(
            deploy(p)
                .join("current")
                .join(DINSOS)
                .join("profil/index.html"),
        )
        .expect("profil")
    };
    assert!(live(&p).contains("versi dua"));

    // Unchanged files are the same inode in both releases (siblings too);
    // the changed page is a new file.
    let rel = |id: &str, f: &str| deploy(&p).join("releases").join(id).join(f);
    for f in [
        format!("{DINKES}/index.html"),
        format!("{DINKES}/index.html.br"),
        format!("{DINKES}/index.html.gz"),
        format!("{DINKES}/_headers"),
    ] {
        assert_eq!(ino(&rel(&r1, &f)), ino(&rel(&r2, &f)), "{f} is hard-linked");
    }
    let page = format!("{DINSOS}/profil/index.html");
    assert_ne!(ino(&rel(&r1, &page)), ino(&rel(&r2, &page)));
    // The siblings decompress to the file.
    let plain = std::fs::read(rel(&r2, &page)).expect("page");
    let mut gz = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(rel(&r2, &format!("{page}.gz"))).expect("gz"))
        .read_to_end(&mut gz)
        .expect("gunzip");
    assert_eq!(gz, plain);
    let mut br = Vec::new();
    brotli::Decompressor::new(
        std::fs::File::open(rel(&r2, &format!("{page}.br"))).expect("br"),
        4096,
    )
    .read_to_end(&mut br)
    .expect("unbrotli");
    assert_eq!(br, plain);

    let back = run(&p, &["publish", "--rollback"]);
    assert_eq!(back.code, Some(0), "{}", back.stderr);
    assert_eq!(assert_current_complete(&deploy(&p)), r1);
    assert!(!live(&p).contains("versi dua"));

    let fwd = run(&p, &["publish", "--rollback", "--to", &r2, "--lang", "en"]);
    assert_eq!(fwd.code, Some(0), "{}", fwd.stderr);
    assert!(
        fwd.stdout
            .contains(&format!("{r2} is live again (was {r1})")),
        "{}",
        fwd.stdout
    );
    assert_eq!(current(&p), r2);

    let bad = run(&p, &["publish", "--rollback", "--to", "000099-x"]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr.contains("tidak ada rilis `000099-x`"),
        "{}",
        bad.stderr
    );
    assert_eq!(current(&p), r2);

    let raw = log(&p);
    // Each publish writes `switching` before `current` moves, then its outcome.
    for pair in raw
        .windows(2)
        .filter(|w| w[1].action == "publish" && w[1].result.as_str() != "switching")
    {
        assert_eq!(pair[0].result.as_str(), "switching");
        assert_eq!(pair[0].release, pair[1].release);
        assert!(pair[0].published.is_empty(), "nothing is live yet");
    }
    let entries: Vec<LogEntry> = raw
        .into_iter()
        .filter(|e| e.result.as_str() != "switching")
        .collect();
    let summary: Vec<(&str, &str, Option<&str>, Option<&str>)> = entries
        .iter()
        .map(|e| {
            (
                e.who.as_str(),
                e.result.as_str(),
                e.release.as_deref(),
                e.previous.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("sari", "published", Some(r1.as_str()), None),
            ("budi", "published", Some(r2.as_str()), Some(r1.as_str())),
            ("budi", "rolled-back", Some(r1.as_str()), Some(r2.as_str())),
            ("budi", "rolled-back", Some(r2.as_str()), Some(r1.as_str())),
        ]
    );
    assert_eq!(entries[0].published.len(), 8);
    assert_eq!(entries[0].target, "lokal");
}

/// Empties `persyaratan` of a standar pelayanan: LAYANAN-002, a content
/// rule at error level (the build still writes the site; the gate blocks it).
fn break_dinkes(p: &Project) {
    let rel = "sites/dinkes/content/layanan/verifikasi-izin-apotek.md";
    let text = std::fs::read_to_string(p.path(rel)).expect("page");
    let start = text.find("persyaratan = [").expect("persyaratan");
    let end = start + text[start..].find("\n]\n").expect("end of array") + 2;
    p.write(
        rel,
        format!("{}persyaratan = []{}", &text[..start], &text[end..]),
    );
}

#[test]
fn a_site_with_an_error_keeps_its_live_version_and_is_reported_blocked() {
    let p = Project::example();
    publish_ok(&p, &[]);
    let r1 = current(&p);
    let old_page = std::fs::read_to_string(
        deploy(&p)
            .join("current")
            .join(DINKES)
            .join("layanan/verifikasi-izin-apotek/index.html"),
    )
    .expect("page");

    break_dinkes(&p);
    p.edit(PROFIL_DINSOS, "Dinas Sosial", "Dinas Sosial (versi dua)");
    let plan = run(&p, &["publish", "--dry-run"]);
    assert_eq!(plan.code, Some(1), "{}", plan.stderr);
    assert!(
        plan.stdout
            .contains("DIBLOKIR (versi yang tayang dipertahankan)"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("7 situs akan terbit, 1 diblokir"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stderr.contains("galat[LAYANAN-002]"),
        "{}",
        plan.stderr
    );
    assert_eq!(current(&p), r1, "a dry run changes nothing");
    assert_eq!(log(&p).len(), 2, "a dry run logs nothing");

    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains(DINKES))
        .expect("dinkes line");
    assert!(line.contains("BLOCKED (live version kept)"), "{line}");
    assert!(
        r.stdout.contains("7 sites published, 1 blocked"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("LAYANAN-002"), "{}", r.stderr);
    let r2 = assert_current_complete(&deploy(&p));
    assert_ne!(r1, r2);

    let cur = deploy(&p).join("current");
    let new_page = std::fs::read_to_string(
        cur.join(DINKES)
            .join("layanan/verifikasi-izin-apotek/index.html"),
    )
    .expect("page");
    assert_eq!(new_page, old_page, "dinkes keeps its live version");
    assert!(
        std::fs::read_to_string(
            p.path("public")
                .join(DINKES)
                .join("layanan/verifikasi-izin-apotek/index.html")
        )
        .expect("public")
            != old_page,
        "the build did write the broken version to public/"
    );
    let carried = |f: &str| {
        (
            ino(&deploy(&p).join("releases").join(&r1).join(DINKES).join(f)),
            ino(&deploy(&p).join("releases").join(&r2).join(DINKES).join(f)),
        )
    };
    let (a, b) = carried("layanan/verifikasi-izin-apotek/index.html");
    assert_eq!(a, b, "the blocked site is carried by hard links");
    assert!(
        std::fs::read_to_string(cur.join(DINSOS).join("profil/index.html"))
            .expect("dinsos")
            .contains("versi dua")
    );
    let m = release_manifest(&cur);
    let status = |h: &str| m.hosts.iter().find(|x| x.host == h).expect("host").status;
    assert_eq!(status(DINKES), laman::output::HostStatus::Kept);
    assert_eq!(status(DINSOS), laman::output::HostStatus::Built);
    let last = log(&p).pop().expect("entry");
    assert_eq!(last.result.as_str(), "partly-blocked");
    assert_eq!(last.blocked, vec![DINKES.to_string()]);
    assert_eq!(last.published.len(), 7);
}

#[test]
fn keep_prunes_old_releases_but_never_current_or_previous() {
    let p = Project::example();
    let mut ids = Vec::new();
    for i in 0..4 {
        p.edit(PROFIL_DINSOS, "Dinas Sosial", &format!("Dinas Sosial {i}"));
        publish_ok(&p, &["--keep", "2"]);
        ids.push(current(&p));
    }
    let mut left: Vec<String> = std::fs::read_dir(deploy(&p).join("releases"))
        .expect("releases")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ids[2..].to_vec());
    // keep = 1 still keeps the previous release for a rollback.
    p.edit(PROFIL_DINSOS, "Dinas Sosial", "Dinas Sosial lagi");
    publish_ok(&p, &["--keep", "1"]);
    let n = std::fs::read_dir(deploy(&p).join("releases"))
        .expect("ls")
        .count();
    assert_eq!(n, 2);
    publish_ok(&p, &["--rollback"]);
    assert_eq!(current(&p), ids[3]);
}

/// A publish started with the pause hook; killed on drop.
struct Paused {
    child: Child,
}

impl Drop for Paused {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(path: &Path, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while !path.exists() {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(e) = child.stderr.as_mut() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("publish exited ({status}) before its pause point:\n{err}");
        }
        assert!(Instant::now() < deadline, "pause point not reached");
        std::thread::yield_now();
    }
}

fn paused_publish(p: &Project, stage: &str) -> Paused {
    let marker = p.path(&format!("pause-{stage}"));
    let mut child = laman(p)
        .args(["publish"])
        .env("LAMAN_PUBLISH_PAUSE_AT", stage)
        .env("LAMAN_PUBLISH_PAUSE_FILE", &marker)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn laman");
    wait_for(&marker, &mut child);
    Paused { child }
}

#[test]
fn a_second_publish_is_refused_while_one_holds_the_lock() {
    let p = Project::example();
    let first = paused_publish(&p, "build");
    let second = run(&p, &["publish"]);
    assert_eq!(second.code, Some(2), "{}", second.stdout);
    assert!(
        second
            .stderr
            .contains("penerbitan lain sedang berjalan (budi, pid "),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains(&format!("pid {}", first.child.id())),
        "{}",
        second.stderr
    );
    let rb = run(&p, &["publish", "--rollback", "--lang", "en"]);
    assert_eq!(rb.code, Some(2));
    assert!(
        rb.stderr.contains("another publish is running"),
        "{}",
        rb.stderr
    );
    drop(first);
    publish_ok(&p, &[]);
}

#[test]
fn a_publish_killed_at_any_stage_leaves_current_on_a_complete_release() {
    let p = Project::example();
    publish_ok(&p, &[]);
    let first = current(&p);
    let mut live = first.clone();
    for (i, stage) in ["copy", "synced", "release", "link", "switched"]
        .iter()
        .enumerate()
    {
        p.edit(PROFIL_DINSOS, "Dinas Sosial", &format!("Dinas Sosial {i}"));
        let paused = paused_publish(&p, stage);
        drop(paused); // SIGKILL
        let tmp_release = std::fs::read_dir(deploy(&p).join("releases"))
            .expect("releases")
            .any(|e| {
                e.expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .starts_with(".tmp-")
            });
        assert_eq!(
            tmp_release,
            matches!(*stage, "copy" | "synced"),
            "a half-built release is left behind only when killed before its rename ({stage})"
        );
        let now_live = assert_current_complete(&deploy(&p));
        if *stage == "switched" {
            assert_ne!(
                now_live, live,
                "killed after the switch: the new release is live"
            );
        } else {
            assert_eq!(now_live, live, "killed at {stage}");
        }
        live = now_live;
    }
    let r = publish_ok(&p, &[]);
    assert!(r.stdout.contains("8 situs terbit"));
    let id = assert_current_complete(&deploy(&p));
    assert_ne!(id, first);
    let leftovers: Vec<String> = [deploy(&p), deploy(&p).join("releases")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).expect("ls"))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Writes release `k` by hand: three hosts, every file containing `k`.
fn fake_release(root: &Path, k: usize) -> String {
    let id = format!("{k:06}-t");
    let dir = root.join("releases").join(&id);
    let mut hosts = Vec::new();
    for h in ["a.go.id", "b.go.id", "c.go.id"] {
        let mut files = Vec::new();
        for f in ["index.html", "x/y.html", "z.css"] {
            let body = format!("release {k}\n");
            let path = dir.join(h).join(f);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &body).expect("write");
            files.push(serde_json::json!({"path": f, "size": body.len(), "sha256": "-"}));
        }
        hosts.push(serde_json::json!({"host": h, "site": h, "status": "built", "files": files}));
    }
    let m = serde_json::json!({"schema": 1, "release": id, "generated": "t", "domain": "go.id", "hosts": hosts});
    std::fs::write(dir.join("sites.json"), m.to_string()).expect("manifest");
    id
}

#[test]
fn a_reader_never_sees_a_missing_file_or_two_releases_during_1000_switches() {
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path().to_path_buf();
    let ids: Vec<String> = (1..=4).map(|k| fake_release(&root, k)).collect();
    laman::publish::dir::switch(&root, &ids[0]).expect("first switch");
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (root, stop) = (root.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut groups = 0u64;
            let mut seen = std::collections::BTreeSet::new();
            while !stop.load(Ordering::Relaxed) {
                // One fetch group, pinned to one reading of `current`, as a server does.
                let link = std::fs::read_link(root.join("current")).expect("current always exists");
                let base = root.join(&link);
                let m = release_manifest(&base);
                let k: usize = m.release[..6].parse().expect("k");
                for h in &m.hosts {
                    for f in &h.files {
                        let body = std::fs::read_to_string(base.join(&h.host).join(&f.path))
                            .unwrap_or_else(|e| {
                                panic!("{}/{}/{}: {e}", link.display(), h.host, f.path)
                            });
                        assert_eq!(body, format!("release {k}\n"), "mixed releases");
                    }
                }
                seen.insert(k);
                groups += 1;
            }
            (groups, seen)
        })
    };
    for i in 0..1000 {
        laman::publish::dir::switch(&root, &ids[(i + 1) % ids.len()]).expect("switch");
    }
    stop.store(true, Ordering::Relaxed);
    let (groups, seen) = reader.join().expect("reader found no missing file or mix");
    assert!(groups > 0);
    assert!(!seen.is_empty());
    let left: Vec<_> = std::fs::read_dir(&root)
        .expect("ls")
        .map(|e| e.expect("e").file_name())
        .collect();
    assert_eq!(left.len(), 2, "only current and releases/: {left:?}");
}

/// A tiny HTTP server: 200 for every Host, 500 for hosts starting with
/// `fail` (when set). Stops on drop.
struct Health {
    port: u16,
    fail: Arc<std::sync::Mutex<Option<String>>>,
    /// When set, a failing answer first uses up every inode of the file
    /// system of this folder (between the switch and the switch back).
    exhaust: Arc<std::sync::Mutex<Option<PathBuf>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Health {
    /// A health server, and `p`'s laman.toml pointed at it.
    fn start_for(p: &Project) -> Health {
        let server = Health::start();
        p.edit(
            "laman.toml",
            "# health_url = \"https://{host}/\"\n# health_connect = \"127.0.0.1\"",
            &format!(
                "health_url = \"http://{{host}}:{0}/\"\nhealth_connect = \"127.0.0.1:{0}\"\nhealth_timeout_secs = 5",
                server.port
            ),
        );
        server
    }

    fn start() -> Health {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let fail: Arc<std::sync::Mutex<Option<String>>> = Arc::default();
        let exhaust: Arc<std::sync::Mutex<Option<PathBuf>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (f, s, x) = (fail.clone(), stop.clone(), exhaust.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::Relaxed) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let mut host = String::new();
                let mut reader = BufReader::new(conn.try_clone().expect("clone"));
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(h) = line.to_ascii_lowercase().strip_prefix("host:") {
                        host = h.trim().to_string();
                    }
                }
                let bad = f
                    .lock()
                    .expect("lock")
                    .as_ref()
                    .is_some_and(|b| host.starts_with(b.as_str()));
                if let Some(dir) = x.lock().expect("lock").as_ref().filter(|_| bad) {
                    std::fs::create_dir_all(dir).expect("filler dir");
                    // Bounded by the file system's inode count.
                    let mut n = 0u32;
                    while std::fs::File::create(dir.join(n.to_string())).is_ok() {
                        n += 1;
                    }
                }
                let status = if bad {
                    "500 Internal Server Error"
                } else {
                    "200 OK"
                };
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                );
            }
        });
        Health {
            port,
            fail,
            exhaust,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Health {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn a_failed_health_check_switches_back_automatically() {
    let p = Project::example();
    let server = Health::start_for(&p);
    publish_ok(&p, &[]);
    let r1 = current(&p);
    *server.fail.lock().expect("lock") = Some("dinkes.".into());
    p.edit(PROFIL_DINSOS, "Dinas Sosial", "Dinas Sosial (versi dua)");
    let r = run(&p, &["publish"]);
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(
        r.stderr.contains("pemeriksaan kesehatan rilis 000002-"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "dikembalikan ke {r1}: {DINKES}: http://{DINKES}:{}/ answered 500",
            server.port
        )),
        "{}",
        r.stderr
    );
    assert_eq!(assert_current_complete(&deploy(&p)), r1);
    let last = log(&p).pop().expect("entry");
    assert_eq!(last.result.as_str(), "health-failed");
    assert!(last.published.is_empty(), "nothing stayed live");
    assert!(last.release.expect("release").starts_with("000002-"));
    // Healthy again: the next publish goes out.
    *server.fail.lock().expect("lock") = None;
    publish_ok(&p, &[]);
    assert!(current(&p).starts_with("000003-"));
}

#[test]
fn bad_publish_settings_are_reported_at_their_line() {
    let p = Project::example();
    p.edit("laman.toml", "target = \"lokal\"", "target = \"produksi\"");
    let r = run(&p, &["publish"]);
    assert_eq!(r.code, Some(2));
    let text = std::fs::read_to_string(p.path("laman.toml")).expect("toml");
    let line = text
        .lines()
        .position(|l| l.starts_with("target = \"produksi\""))
        .expect("line")
        + 1;
    assert!(
        r.stderr.contains(&format!("--> laman.toml:{line}:1")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("nilai `produksi` tidak diperbolehkan"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`lokal`, `netlify`"), "{}", r.stderr);

    let p = Project::example();
    p.edit("laman.toml", "keep = 5", "keep = 5\nsites = {}");
    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(2));
    let text = std::fs::read_to_string(p.path("laman.toml")).expect("toml");
    let line = text.lines().position(|l| l == "sites = {}").expect("line") + 1;
    assert!(
        r.stderr.contains(&format!("--> laman.toml:{line}:1")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`sites`"), "{}", r.stderr);
    assert!(!deploy(&p).exists(), "nothing was written");
}

// ---------------------------------------------------------------- netlify

const FAKE_NETLIFY: &str = r#"#!/bin/sh
# Recording fake of the Netlify CLI (tests/suite/publish.rs).
log="$FAKE_NETLIFY_LOG"
line="$(date +%s%N)"
for a in "$@"; do line="$line	$a"; done
printf '%s\n' "$line" >> "$log"
case "$1" in
deploy)
  site=""; prev=""
  for a in "$@"; do [ "$prev" = "--site" ] && site="$a"; prev="$a"; done
  if [ "$site" = "site-disdik" ] && [ ! -e "$log.limited" ]; then
    : > "$log.limited"
    echo "Error: JSONHTTPError: Too Many Requests (429)" >&2
    exit 1
  fi
  n=$(( $(cat "$log.count" 2>/dev/null || echo 0) + 1 ))
  echo "$n" > "$log.count"
  printf '{\n  "site_id": "%s",\n  "site_name": "x",\n  "deploy_id": "dep-%s-%s",\n  "deploy_url": "https://x.netlify.app",\n  "logs": "https://app.netlify.com"\n}\n' "$site" "$site" "$n"
  # The CLI vanishes after this site's deploy (it cannot be started again).
  if [ -n "$FAKE_NETLIFY_VANISH_AFTER" ] && [ "$site" = "$FAKE_NETLIFY_VANISH_AFTER" ]; then rm -f "$0"; fi
  ;;
api)
  case "$4" in
  *"\"$FAKE_NETLIFY_FAIL_RESTORE\""*)
    echo "Error: JSONHTTPError: Not Found (404)" >&2
    exit 1
    ;;
  esac
  echo '{"id": "restored"}'
  ;;
*)
  echo "fake netlify: unknown command $1" >&2
  exit 2
  ;;
esac
"#;

struct Call {
    at_ns: u128,
    argv: Vec<String>,
}

fn calls(log: &Path) -> Vec<Call> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let mut parts = l.split('\t');
            Call {
                at_ns: parts.next().expect("time").parse().expect("ns"),
                argv: parts.map(str::to_string).collect(),
            }
        })
        .collect()
}

/// Puts the recording fake `netlify` into `<project>/bin`; returns it with
/// the PATH that finds it first and its call log.
fn fake_netlify(p: &Project) -> FakeCli {
    use std::os::unix::fs::PermissionsExt as _;
    let bin = p.path("bin");
    std::fs::create_dir_all(&bin).expect("bin");
    std::fs::write(bin.join("netlify"), FAKE_NETLIFY).expect("fake");
    std::fs::set_permissions(bin.join("netlify"), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    FakeCli {
        path: format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        ),
        calls_log: p.path("netlify-calls.log"),
    }
}

/// Gives every host of the example but `skip` the Netlify site id
/// `site-<label>` in laman.toml, with `settings` (pacing, retries) in place
/// of the example's and the approving decree.
fn netlify_sites(p: &Project, skip: &[&str], settings: &str) {
    let sites: Vec<String> = HOSTS
        .iter()
        .filter(|h| !skip.contains(h))
        .map(|h| format!("\"{h}.cianjurkab.go.id\" = \"site-{h}\""))
        .collect();
    p.edit(
        "laman.toml",
        "sites = {}\nmin_interval_ms = 1000\nretries = 5",
        &format!("sites = {{ {} }}\n{settings}\n{APPROVAL}", sites.join(", ")),
    );
}

/// The decree that approves the Netlify target (Cianjur 15(6)/16(7); #11 item 3).
const APPROVAL: &str = "approval = { number = \"500/17/Diskominfo/2026\", date = 2026-05-04, issuer = \"Kepala Dinas Komunikasi dan Informatika\" }";

/// #11 item 3: going back to an earlier release on a Netlify target puts
/// the sites outside the Pusat Data as much as a publish does, so the
/// rollback is refused the same way (exit 2, the article named, nothing
/// called) until laman.toml records the approving decree.
#[test]
fn a_rollback_to_a_target_outside_the_pusat_data_needs_the_approval_too() {
    let p = Project::example();
    let cli = fake_netlify(&p);
    let calls_log = cli.calls_log.clone();
    let rollback = |extra: &[&str]| {
        let mut args = vec!["publish", "--target", "netlify", "--rollback"];
        args.extend(extra);
        cli.run(&p, &[], &args)
    };
    let r = rollback(&[]);
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "Peraturan Bupati Cianjur Nomor 25 Tahun 2018 Pasal 15 ayat (6) dan Pasal 16 ayat (7)"
        ),
        "{}",
        r.stderr
    );
    let en = rollback(&["--lang", "en"]);
    assert!(
        en.stderr
            .contains("does not allow without an approving decree"),
        "{}",
        en.stderr
    );
    assert!(
        calls(&calls_log).is_empty(),
        "refused before Netlify is called"
    );
    // With the decree recorded, the rollback is no longer refused for hosting.
    let toml = std::fs::read_to_string(p.path("laman.toml")).expect("read");
    p.write(
        "laman.toml",
        toml.replace(
            "min_interval_ms = 1000",
            &format!("min_interval_ms = 1000\n{APPROVAL}"),
        ),
    );
    let r = rollback(&[]);
    assert!(
        !r.stderr.contains("Pusat Data"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
}

/// #11 item 3: every regency profile keeps sites in the Pusat Data; a
/// Netlify target is refused (exit 2, the article named, in both
/// languages, before anything is built or called) until laman.toml records
/// the approving decree; a decree dated after today approves nothing, and a
/// placeholder decree number is an error at its line. `nasional` allows it.
#[test]
fn a_target_outside_the_pusat_data_needs_the_regulations_approval() {
    let p = Project::example();
    let cli = fake_netlify(&p);
    let calls_log = cli.calls_log.clone();
    let publish = |extra: &[&str]| {
        let mut args = vec!["publish", "--target", "netlify", "--dry-run"];
        args.extend(extra);
        cli.run(&p, &[], &args)
    };
    let r = publish(&[]);
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("target `netlify` menempatkan situs di luar Pusat Data, yang tidak dibolehkan Peraturan Bupati Cianjur Nomor 25 Tahun 2018 Pasal 15 ayat (6) dan Pasal 16 ayat (7)"),
        "{}",
        r.stderr
    );
    let en = publish(&["--lang", "en"]);
    assert!(
        en.stderr.contains("which Peraturan Bupati Cianjur Nomor 25 Tahun 2018 Pasal 15 ayat (6) dan Pasal 16 ayat (7) does not allow without an approving decree"),
        "{}",
        en.stderr
    );
    assert!(!p.path("public").exists(), "refused before the build");
    assert!(calls(&calls_log).is_empty());

    // Under Pangandaran the article is 6(2)-(3).
    let toml = std::fs::read_to_string(p.path("laman.toml")).expect("read");
    p.write(
        "laman.toml",
        toml.replace("profile = \"cianjur\"", "profile = \"pangandaran\"")
            .replace(
                "domain = \"cianjurkab.go.id\"",
                "domain = \"pangandarankab.go.id\"",
            ),
    );
    let r = publish(&[]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr
            .contains("Peraturan Bupati Pangandaran Nomor 47 Tahun 2017 Pasal 6 ayat (2)-(3)"),
        "{}",
        r.stderr
    );
    p.write("laman.toml", toml.clone());

    // A decree dated after today approves nothing yet.
    let with = |approval: &str| {
        p.write(
            "laman.toml",
            toml.replace(
                "min_interval_ms = 1000",
                &format!("min_interval_ms = 1000\n{approval}"),
            ),
        );
    };
    with(&APPROVAL.replace("2026-05-04", "2099-01-01"));
    let r = publish(&[]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.contains("bertanggal 2099-01-01, setelah hari ini"),
        "{}",
        r.stderr
    );

    // A placeholder number is an error at its line.
    with(&APPROVAL.replace("500/17/Diskominfo/2026", "ISI: nomor SK"));
    let r = publish(&[]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("laman.toml:"), "{}", r.stderr);
    assert!(r.stderr.contains("approval.number"), "{}", r.stderr);

    // With the decree recorded, the refusal is gone (the plan may still
    // stop on what this test leaves unset, such as the Netlify site ids).
    with(APPROVAL);
    let r = publish(&[]);
    assert!(
        !r.stderr.contains("Pusat Data"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
    assert!(calls(&calls_log).is_empty(), "a dry run calls nothing");

    // nasional: no regional regulation keeps the site in a Pusat Data.
    p.write(
        "laman.toml",
        toml.replace("profile = \"cianjur\"", "profile = \"nasional\""),
    );
    let r = publish(&[]);
    assert!(
        !r.stderr.contains("Pusat Data"),
        "{}\n{}",
        r.stdout,
        r.stderr
    );
}

const HOSTS: &[&str] = &[
    "bpbd",
    "dinkes",
    "dinsos",
    "disdik",
    "disdukcapil",
    "diskominfo",
    "dpmptsp",
    "kec-cibeber",
];

/// laman never deletes a Netlify site. When an agency's site folder is
/// removed, its Netlify site stays live: every publish says so (and logs
/// it) instead of claiming it was removed, until Diskominfo deletes the
/// site there and takes its site id out of laman.toml; then the host is
/// reported removed once and forgotten.
#[test]
fn a_removed_site_on_netlify_is_reported_still_live_until_its_site_id_goes() {
    let p = Project::example();
    let cli = fake_netlify(&p);
    let calls_log = cli.calls_log.clone();
    netlify_sites(&p, &[], "min_interval_ms = 0\nretries = 2\nbackoff_ms = 10");
    let netlify = |args: &[&str]| cli.run(&p, &[], args);
    let r = netlify(&["publish", "--target", "netlify"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let host = "dinsos.cianjurkab.go.id";
    p.remove("sites/dinsos");
    let before = calls(&calls_log).len();

    let r = netlify(&["publish", "--target", "netlify"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let line = host_line(&r.stdout, host);
    assert!(line.contains("MASIH TAYANG"), "{line}");
    assert!(!r.stdout.contains("dihapus (folder"), "{}", r.stdout);
    let new_calls = &calls(&calls_log)[before..];
    assert_eq!(
        new_calls.len(),
        HOSTS.len() - 1,
        "no deploy for the gone site"
    );
    assert!(
        new_calls
            .iter()
            .all(|c| !c.argv.contains(&"site-dinsos".to_string()))
    );
    let state_dir = p.path("deploy/netlify");
    let last = journal::read(&state_dir).pop().expect("entry");
    assert_eq!(last.left_live, vec![host.to_string()]);
    assert!(last.removed.is_empty());
    // Said again on the next publish: nothing has changed on Netlify.
    let r = netlify(&["publish", "--target", "netlify", "--lang", "en"]);
    assert!(
        host_line(&r.stdout, host).contains("STILL LIVE"),
        "{}",
        r.stdout
    );

    // Diskominfo deleted the Netlify site and its id: removed once, then gone.
    netlify_sites_without(&p, "dinsos");
    let r = netlify(&["publish", "--target", "netlify"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(
        host_line(&r.stdout, host).contains("dihapus (folder situs tidak ada lagi)"),
        "{}",
        r.stdout
    );
    let last = journal::read(&state_dir).pop().expect("entry");
    assert_eq!(last.removed, vec![host.to_string()]);
    assert!(last.left_live.is_empty());
    let r = netlify(&["publish", "--target", "netlify"]);
    assert!(!r.stdout.contains(host), "forgotten:\n{}", r.stdout);
}

/// Takes `label`'s site id out of the `sites` table that [`netlify_sites`] wrote.
fn netlify_sites_without(p: &Project, label: &str) {
    p.edit(
        "laman.toml",
        &format!("\"{label}.cianjurkab.go.id\" = \"site-{label}\", "),
        "",
    );
}

#[test]
fn netlify_deploys_each_host_paced_and_retried_and_rolls_back_by_deploy_id() {
    let p = Project::example();
    let cli = fake_netlify(&p);
    let calls_log = cli.calls_log.clone();
    // Every host but dinkes in laman.toml; dinkes from the environment.
    netlify_sites(
        &p,
        &["dinkes"],
        "min_interval_ms = 200\nretries = 2\nbackoff_ms = 400",
    );
    let netlify = |args: &[&str]| {
        cli.run(
            &p,
            &[("LAMAN_NETLIFY_SITE_DINKES_CIANJURKAB_GO_ID", "site-dinkes")],
            args,
        )
    };

    let plan = netlify(&["publish", "--target", "netlify", "--dry-run"]);
    assert_eq!(plan.code, Some(0), "{}", plan.stderr);
    assert!(calls(&calls_log).is_empty(), "a dry run calls nothing");

    let r = netlify(&["publish", "--target", "netlify"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let c = calls(&calls_log);
    assert_eq!(c.len(), HOSTS.len() + 1, "one call per host plus one retry");
    let mut expected: Vec<Vec<String>> = Vec::new();
    for h in HOSTS {
        let argv = |_: usize| {
            vec![
                "deploy".to_string(),
                "--no-build".into(),
                "--dir".into(),
                format!("public/{h}.cianjurkab.go.id"),
                "--site".into(),
                format!("site-{h}"),
                "--prod".into(),
                "--json".into(),
            ]
        };
        expected.push(argv(0));
        if *h == "disdik" {
            expected.push(argv(1));
        }
    }
    let got: Vec<Vec<String>> = c.iter().map(|x| x.argv.clone()).collect();
    assert_eq!(got, expected);
    // Paced: calls min_interval_ms (200) apart. The fake stamps its own
    // start, so one gap can lose the start-up jitter of a loaded machine;
    // the whole run cannot: n calls span at least (n - 1) intervals.
    for w in c.windows(2) {
        let gap_ms = (w[1].at_ns - w[0].at_ns) / 1_000_000;
        assert!(gap_ms >= 100, "calls {gap_ms} ms apart");
    }
    let span_ms = (c[c.len() - 1].at_ns - c[0].at_ns) / 1_000_000;
    let floor = 200 * (c.len() as u128 - 1) - 100;
    assert!(span_ms >= floor, "{} calls in {span_ms} ms", c.len());
    let retry = c
        .iter()
        .position(|x| x.argv.contains(&"site-disdik".to_string()))
        .expect("disdik");
    let gap_ms = (c[retry + 1].at_ns - c[retry].at_ns) / 1_000_000;
    assert!(gap_ms >= 350, "retry after {gap_ms} ms");
    assert!(
        r.stdout
            .contains("netlify disdik.cianjurkab.go.id  deploy dep-site-disdik-4 (2 panggilan)"),
        "{}",
        r.stdout
    );

    let state_dir = p.path("deploy/netlify");
    let entries = journal::read(&state_dir);
    assert_eq!(entries.len(), 1);
    let first_ids: Vec<(String, String)> = entries[0]
        .deploys
        .iter()
        .map(|d| (d.host.clone(), d.deploy_id.clone().expect("deploy id")))
        .collect();
    assert_eq!(first_ids.len(), HOSTS.len());
    assert_eq!(
        first_ids[0],
        (
            "bpbd.cianjurkab.go.id".to_string(),
            "dep-site-bpbd-1".to_string()
        )
    );
    let first_id = entries[0].release.clone().expect("publish id");

    // A second publish, then a rollback restores every host's first deploy.
    let r = netlify(&["publish", "--target", "netlify"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let before = calls(&calls_log).len();
    let rb = netlify(&["publish", "--target", "netlify", "--rollback"]);
    assert_eq!(rb.code, Some(0), "{}\n{}", rb.stdout, rb.stderr);
    let restores: Vec<serde_json::Value> = calls(&calls_log)[before..]
        .iter()
        .map(|c| {
            assert_eq!(c.argv[..3], ["api", "restoreSiteDeploy", "--data"]);
            serde_json::from_str(&c.argv[3]).expect("json data")
        })
        .collect();
    let want: Vec<serde_json::Value> = first_ids
        .iter()
        .map(|(h, d)| {
            let label = h.split('.').next().expect("label");
            serde_json::json!({"site_id": format!("site-{label}"), "deploy_id": d})
        })
        .collect();
    assert_eq!(restores, want);
    assert!(
        rb.stdout.contains(&format!("{first_id} tayang lagi")),
        "{}",
        rb.stdout
    );
    let last = journal::read(&state_dir).pop().expect("entry");
    assert_eq!(last.action, "rollback");
    assert_eq!(last.result.as_str(), "rolled-back");
    assert_eq!(last.deploys.len(), HOSTS.len());

    // A host without a site id is reported, the others still deploy.
    let out = cli.run(&p, &[], &["publish", "--target", "netlify", "--lang", "en"]);
    assert_eq!(out.code, Some(2));
    let stdout = &out.stdout;
    assert!(
        stdout.contains("netlify dinkes.cianjurkab.go.id  FAILED: no site id: set sites in laman.toml or LAMAN_NETLIFY_SITE_DINKES_CIANJURKAB_GO_ID"),
        "{stdout}"
    );
    assert!(
        stdout.contains("netlify dinsos.cianjurkab.go.id  deploy dep-site-dinsos-"),
        "{stdout}"
    );

    // --to: every host gets the deploy it had as of the second publish.
    let entries = journal::read(&state_dir);
    let second = &entries[1];
    assert_eq!(second.action, "publish");
    let before = calls(&calls_log).len();
    let to = netlify(&[
        "publish",
        "--target",
        "netlify",
        "--rollback",
        "--to",
        second.release.as_deref().expect("id"),
    ]);
    assert_eq!(to.code, Some(0), "{}", to.stderr);
    let restores: Vec<serde_json::Value> = calls(&calls_log)[before..]
        .iter()
        .map(|c| serde_json::from_str(&c.argv[3]).expect("json data"))
        .collect();
    let want: Vec<serde_json::Value> = second
        .deploys
        .iter()
        .map(|d| serde_json::json!({"site_id": d.site_id, "deploy_id": d.deploy_id}))
        .collect();
    assert_eq!(restores, want);
}

#[test]
fn netlify_does_not_deploy_a_blocked_site() {
    let p = Project::example();
    let cli = fake_netlify(&p);
    netlify_sites(&p, &[], "min_interval_ms = 0\nretries = 5");
    break_dinkes(&p);
    let calls_log = cli.calls_log.clone();
    let out = cli.run(&p, &[], &["publish", "--target", "netlify"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    // Every other host is deployed (disdik after the fake's one 429).
    let deployed: std::collections::BTreeSet<String> = calls(&calls_log)
        .into_iter()
        .filter_map(|c| {
            let at = c.argv.iter().position(|a| a == "--site")?;
            c.argv.get(at + 1).cloned()
        })
        .collect();
    let want: std::collections::BTreeSet<String> = HOSTS
        .iter()
        .filter(|h| **h != "dinkes")
        .map(|h| format!("site-{h}"))
        .collect();
    assert_eq!(deployed, want);
    let last = journal::read(&p.path("deploy/netlify"))
        .pop()
        .expect("entry");
    assert_eq!(last.blocked, vec![DINKES.to_string()]);
    assert_eq!(last.result.as_str(), "partly-blocked");
}

#[test]
fn generated_redirects_and_headers_parse_under_netlifys_own_parsers() {
    let modules = repo().join("tests/netlify/node_modules/@netlify/redirect-parser");
    assert!(
        modules.exists(),
        "Netlify's parsers are missing: run `npm ci --prefix tests/netlify` (Debian packages nodejs, npm)"
    );
    let p = Project::example();
    // Aliases so that _redirects has rules, one of an old dynamic URL
    // (a query condition, as an imported WordPress site has).
    p.edit(
        PROFIL_DINSOS,
        "+++\n",
        "+++\naliases = [\"tentang-kami\", \"lama/profil.html\", \"/?page_id=7\"]\n",
    );
    let report = p.build();
    assert!(!report.has_errors());
    let out = Command::new("node")
        .arg(repo().join("tests/netlify/check.mjs"))
        .arg(p.path("public"))
        .output()
        .expect("node (Debian package nodejs)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["errors"], serde_json::json!([]), "{v}");
    assert_eq!(v["files"], 16);
    assert!(v["headers"].as_u64().expect("n") > 0);
    let redirects = v["redirects"].as_array().expect("redirects");
    assert_eq!(redirects.len(), 3, "{v}");
    for r in redirects {
        let to = r["to"].as_str().expect("to");
        assert!(to.starts_with('/') || to.starts_with("https://"), "{r}");
    }
    assert_eq!(redirects[0]["to"], "/profil/");
    // Netlify reads the query alias as a forced rule on `/` with the condition.
    assert_eq!(redirects[2]["from"], "/", "{v}");
    assert_eq!(
        redirects[2]["query"],
        serde_json::json!({"page_id": "7"}),
        "{v}"
    );
    assert_eq!(redirects[2]["to"], "/profil/", "{v}");
    assert_eq!(redirects[2]["status"], 301, "{v}");
    assert_eq!(redirects[2]["force"], true, "{v}");
}

#[test]
fn netlify_toml_is_as_design_section_6_says() {
    let text = std::fs::read_to_string(repo().join("netlify.toml")).expect("netlify.toml");
    let v: toml::Value = toml::from_str(&text).expect("toml");
    let build = v
        .get("build")
        .and_then(toml::Value::as_table)
        .expect("[build]");
    assert_eq!(
        build.get("publish").and_then(toml::Value::as_str),
        Some("public")
    );
    assert_eq!(
        build.get("ignore").and_then(toml::Value::as_str),
        Some("exit 0")
    );
    assert!(
        build
            .get("command")
            .and_then(toml::Value::as_str)
            .is_some_and(|c| c.contains("build"))
    );
    assert!(
        v.get("redirects").is_none() && v.get("headers").is_none(),
        "no rules at the top"
    );
}

#[test]
fn a_removed_or_dangling_current_keeps_a_blocked_site_from_the_newest_release() {
    let p = Project::example();
    publish_ok(&p, &[]);
    let r1 = current(&p);
    let page = "layanan/verifikasi-izin-apotek/index.html";
    let live_page = |id: &str| {
        std::fs::read_to_string(deploy(&p).join("releases").join(id).join(DINKES).join(page))
            .expect("page")
    };
    let old_page = live_page(&r1);
    break_dinkes(&p);
    // `current` removed by hand: the newest complete release stands in.
    std::fs::remove_file(deploy(&p).join("current")).expect("rm current");
    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains(DINKES))
        .expect("dinkes");
    assert!(line.contains("BLOCKED (live version kept)"), "{line}");
    let r2 = assert_current_complete(&deploy(&p));
    assert_ne!(r1, r2);
    assert_eq!(live_page(&r2), old_page, "dinkes carried from {r1}");
    let last = log(&p).pop().expect("entry");
    assert_eq!(last.result.as_str(), "partly-blocked");
    assert_eq!(last.previous, None);
    assert_eq!(last.base.as_deref(), Some(r1.as_str()));
    // `current` pointing nowhere, and a newer folder that is not a
    // complete release (no manifest): the newest complete one is used.
    std::fs::create_dir_all(deploy(&p).join("releases/999999-x")).expect("mkdir");
    std::fs::remove_file(deploy(&p).join("current")).expect("rm current");
    std::os::unix::fs::symlink("releases/000000-gone", deploy(&p).join("current"))
        .expect("dangling");
    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    let r3 = assert_current_complete(&deploy(&p));
    assert_eq!(live_page(&r3), old_page, "dinkes carried from {r2}");
    assert_eq!(
        log(&p).pop().expect("entry").base.as_deref(),
        Some(r2.as_str())
    );
}

/// A tmpfs of `size` mounted at `dir`, unmounted on drop. `None` (with
/// the reason on stderr) when the test does not run as root or the
/// container refuses the mount: a full disk cannot be made otherwise
/// without filling a real one.
struct Tmpfs(PathBuf);

impl Tmpfs {
    // A skipped test says why on stderr (the test harness shows it).
    #[allow(clippy::print_stderr)]
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        use std::os::unix::fs::MetadataExt as _;
        if std::fs::metadata("/proc/self").map(|m| m.uid()).ok() != Some(0) {
            eprintln!("skipped: mounting a tmpfs for a full disk needs root");
            return None;
        }
        std::fs::create_dir_all(dir).expect("mkdir");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: mount -t tmpfs was refused (no CAP_SYS_ADMIN here)");
            return None;
        }
        Some(Tmpfs(dir.to_path_buf()))
    }

    /// Fills the file system to the last byte with `name`.
    fn fill(&self, name: &str) {
        let mut f = std::fs::File::create(self.0.join(name)).expect("filler");
        for chunk in [1 << 16, 4096, 1] {
            let buf = vec![0u8; chunk];
            // Bounded by the tmpfs size.
            while f.write_all(&buf).is_ok() {}
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn dot_entries(root: &Path) -> Vec<String> {
    [root.to_path_buf(), root.join("releases")]
        .iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn a_full_disk_fails_cleanly_leaves_no_debris_and_the_log_says_so() {
    let p = Project::example();
    // A release of the example is about 8 MB: 2 MB cannot hold one.
    let Some(fs) = Tmpfs::mount(&deploy(&p), "2m") else {
        return;
    };
    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("No space left"), "{}", r.stderr);
    assert_eq!(
        dot_entries(&deploy(&p)),
        Vec::<String>::new(),
        "debris left"
    );
    assert!(std::fs::symlink_metadata(deploy(&p).join("current")).is_err());
    let entries = log(&p);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].result.as_str(), "failed");
    assert!(entries[0].published.is_empty(), "nothing went live");
    assert!(
        entries[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("No space left")),
        "{entries:?}"
    );
    drop(fs);

    // Room for one release, then a disk full to the last byte: the publish
    // fails, removes its half-built release and logs the failure (the
    // line fits in the log's last page).
    let Some(fs) = Tmpfs::mount(&deploy(&p), "24m") else {
        return;
    };
    publish_ok(&p, &[]);
    let r1 = current(&p);
    p.edit(PROFIL_DINSOS, "Dinas Sosial", "Dinas Sosial (penuh)");
    fs.fill("pengisi");
    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("No space left"), "{}", r.stderr);
    assert_eq!(assert_current_complete(&deploy(&p)), r1);
    assert_eq!(
        dot_entries(&deploy(&p)),
        Vec::<String>::new(),
        "debris left"
    );
    let last = log(&p).pop().expect("entry");
    assert_eq!((last.result.as_str(), last.published.len()), ("failed", 0));
    // Room again: the next publish goes out and is logged.
    std::fs::remove_file(deploy(&p).join("pengisi")).expect("rm filler");
    publish_ok(&p, &[]);
    assert_ne!(current(&p), r1);
    assert_eq!(log(&p).pop().expect("entry").result.as_str(), "published");
    drop(fs);
}

#[test]
fn a_publish_that_cannot_write_its_log_does_not_switch_and_says_so() {
    let p = Project::example();
    publish_ok(&p, &[]);
    let r1 = current(&p);
    let releases = || {
        std::fs::read_dir(deploy(&p).join("releases"))
            .expect("ls")
            .count()
    };
    let before = releases();
    // A log that cannot be appended to (a folder in its place): the
    // `switching` entry fails, so nothing moves.
    let log_file = deploy(&p).join("publish.log");
    std::fs::rename(&log_file, deploy(&p).join("publish.log.asli")).expect("aside");
    std::fs::create_dir(&log_file).expect("folder");
    p.edit(PROFIL_DINSOS, "Dinas Sosial", "Dinas Sosial (tanpa log)");
    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("the publish log could not be written")
            && r.stderr.contains("nothing new went live"),
        "{}",
        r.stderr
    );
    assert_eq!(assert_current_complete(&deploy(&p)), r1);
    assert_eq!(releases(), before, "the unswitched release is removed");
    assert_eq!(dot_entries(&deploy(&p)), Vec::<String>::new());
}

/// Files of the live release whose content has `marker`.
fn live_files_with(p: &Project, marker: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(deploy(p).join("current/"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            std::fs::read(e.path())
                .is_ok_and(|b| b.windows(marker.len()).any(|w| w == marker.as_bytes()))
        })
        .map(|e| e.path().to_path_buf())
        .collect()
}

#[test]
fn a_build_with_drafts_during_a_publish_puts_nothing_unpublished_live() {
    let p = Project::example();
    let marker = "RANCANGAN-BELUM-TERBIT";
    p.write(
        "sites/dinkes/content/berita/rancangan.md",
        format!(
            "+++\ntitle = \"{marker}\"\ndescription = \"Draf.\"\njenis = \"berita\"\ndate = 2026-08-11\npenulis = \"Tim Humas\"\ndraft = true\n+++\n\n{marker} isi draf.\n"
        ),
    );
    // A publish between its build and its copy: a `build --drafts` is
    // refused at once and public/ keeps the publish's build.
    let paused = paused_publish(&p, "copy");
    let b = run(&p, &["--lang", "en", "build", "--drafts"]);
    assert_ne!(b.code, Some(0), "{}\n{}", b.stdout, b.stderr);
    assert!(
        b.stderr.contains("another laman is writing this output"),
        "{}",
        b.stderr
    );
    let public_has_draft = walkdir::WalkDir::new(p.path("public"))
        .into_iter()
        .filter_map(Result::ok)
        .any(|e| e.path().to_string_lossy().contains("rancangan"));
    assert!(
        !public_has_draft,
        "the draft reached public/ during the publish"
    );
    drop(paused); // SIGKILL: the kernel frees both locks
    // Both at once, three times: whatever order the locks give them, the
    // live release never has the draft.
    for _ in 0..3 {
        let mut publish = laman(&p)
            .arg("publish")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("publish");
        let mut build = laman(&p)
            .args(["build", "--drafts"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("build");
        let _ = build.wait().expect("build ends");
        let _ = publish.wait().expect("publish ends");
        if std::fs::symlink_metadata(deploy(&p).join("current")).is_ok() {
            assert_eq!(live_files_with(&p, marker), Vec::<PathBuf>::new());
        }
    }
    publish_ok(&p, &[]);
    assert_eq!(live_files_with(&p, marker), Vec::<PathBuf>::new());
}

/// The plan or result line of `host` in `laman publish`'s output.
fn host_line<'a>(out: &'a str, host: &str) -> &'a str {
    out.lines()
        .find(|l| l.split_whitespace().next() == Some(host))
        .unwrap_or_else(|| panic!("no line for {host}:\n{out}"))
}

/// The file counts of a plan line, in Indonesian.
fn counts(new: usize, changed: usize, unchanged: usize, removed: usize) -> String {
    format!("{new} baru, {changed} berubah, {unchanged} tetap, {removed} dihapus")
}

fn host_files(m: &Manifest, host: &str) -> Vec<laman::output::FileEntry> {
    m.hosts
        .iter()
        .find(|h| h.host == host)
        .unwrap_or_else(|| panic!("{host} not in {}", m.release))
        .files
        .clone()
}

/// A page whose front matter does not parse: an input error, so the
/// build writes nothing for the site.
fn break_dinsos_input(p: &Project) {
    p.write(
        "sites/dinsos/content/rusak.md",
        "+++\ntitle = \"Rusak\"\ndescription = \"tanpa tutup\n+++\n",
    );
}

#[test]
fn a_site_whose_build_wrote_nothing_keeps_its_live_version() {
    let p = Project::example();
    publish_ok(&p, &[]);
    let r1 = current(&p);
    let live = release_manifest(&deploy(&p).join("releases").join(&r1));
    break_dinsos_input(&p);

    let plan = run(&p, &["publish", "--dry-run"]);
    assert_eq!(plan.code, Some(1), "{}\n{}", plan.stdout, plan.stderr);
    let line = host_line(&plan.stdout, DINSOS);
    assert!(
        line.contains("DIBLOKIR (versi yang tayang dipertahankan)") && line.ends_with("1 galat"),
        "{line}"
    );
    assert!(
        plan.stderr.contains("sites/dinsos/content/rusak.md:"),
        "{}",
        plan.stderr
    );
    assert!(
        plan.stdout.contains("7 situs akan terbit, 1 diblokir;"),
        "{}",
        plan.stdout
    );

    let r = run(&p, &["publish"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    let r2 = assert_current_complete(&deploy(&p));
    assert_ne!(r1, r2);
    let m = release_manifest(&deploy(&p).join("current"));
    let kept = m.hosts.iter().find(|h| h.host == DINSOS).expect("dinsos");
    assert_eq!(kept.status, laman::output::HostStatus::Kept);
    assert_eq!(
        kept.files,
        host_files(&live, DINSOS),
        "the live files, as they were"
    );
    let f = |id: &str| {
        deploy(&p)
            .join("releases")
            .join(id)
            .join(DINSOS)
            .join("profil/index.html")
    };
    assert_eq!(ino(&f(&r1)), ino(&f(&r2)), "carried by a hard link");
    let last = log(&p).pop().expect("entry");
    assert_eq!(last.result.as_str(), "partly-blocked");
    assert_eq!(last.blocked, vec![DINSOS.to_string()]);
    assert_eq!(last.published.len(), 7);
}

#[test]
fn a_blocked_site_that_was_never_published_has_nothing_live() {
    let p = Project::example();
    let aside = p.path("dinsos-aside");
    std::fs::rename(p.path("sites/dinsos"), &aside).expect("mv dinsos");
    let first = publish_ok(&p, &[]);
    assert!(
        first.stdout.contains("7 situs terbit, 0 diblokir"),
        "{}",
        first.stdout
    );
    let r1 = current(&p);
    std::fs::rename(&aside, p.path("sites/dinsos")).expect("mv back");
    break_dinsos_input(&p);

    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    let line = host_line(&r.stdout, DINSOS);
    assert!(
        line.contains("BLOCKED (never published)") && line.ends_with("1 error"),
        "{line}"
    );
    assert!(
        r.stdout.contains("7 sites published, 1 blocked"),
        "{}",
        r.stdout
    );
    let r2 = assert_current_complete(&deploy(&p));
    assert_ne!(r1, r2);
    let m = release_manifest(&deploy(&p).join("current"));
    assert_eq!(m.hosts.len(), 7);
    assert!(m.hosts.iter().all(|h| h.host != DINSOS));
    assert!(!deploy(&p).join("current").join(DINSOS).exists());
    let last = log(&p).pop().expect("entry");
    assert_eq!(last.result.as_str(), "partly-blocked");
    assert_eq!(last.blocked, vec![DINSOS.to_string()]);

    // Fixed, it goes out with every file new; the others are unchanged.
    p.remove("sites/dinsos/content/rusak.md");
    let r = publish_ok(&p, &[]);
    let m = release_manifest(&deploy(&p).join("current"));
    let n = host_files(&m, DINSOS).len();
    assert!(n > 10, "{n}");
    let line = host_line(&r.stdout, DINSOS);
    assert!(
        line.contains("terbit") && line.ends_with(&counts(n, 0, 0, 0)),
        "{line}"
    );
    let dinkes = host_files(&m, DINKES).len();
    assert!(
        host_line(&r.stdout, DINKES).ends_with(&counts(0, 0, dinkes, 0)),
        "{}",
        r.stdout
    );
}

/// New, changed, unchanged and removed files of every host, as the
/// release manifests tell them.
fn expected_counts(old: &Manifest, new: &Manifest, host: &str) -> (usize, usize, usize, usize) {
    let old: std::collections::HashMap<String, String> = host_files(old, host)
        .into_iter()
        .map(|f| (f.path, f.sha256))
        .collect();
    let new = host_files(new, host);
    let n = new.iter().filter(|f| !old.contains_key(&f.path)).count();
    let c = new
        .iter()
        .filter(|f| old.get(&f.path).is_some_and(|s| *s != f.sha256))
        .count();
    let u = new
        .iter()
        .filter(|f| old.get(&f.path) == Some(&f.sha256))
        .count();
    let r = old
        .keys()
        .filter(|k| new.iter().all(|f| &f.path != *k))
        .count();
    (n, c, u, r)
}

#[test]
fn the_plan_counts_new_changed_unchanged_and_removed_files_per_host() {
    let p = Project::example();
    publish_ok(&p, &[]);
    let r1 = current(&p);
    // A page edited, two added, a news item removed: the counts of
    // dinsos differ from each other (checked below), so no two of them
    // can trade places unseen.
    p.edit(PROFIL_DINSOS, "Dinas Sosial", "Dinas Sosial (versi dua)");
    for page in ["baru", "baru-lagi"] {
        p.write(
            &format!("sites/dinsos/content/{page}.md"),
            "+++\ntitle = \"Halaman baru\"\ndescription = \"Halaman baru Dinas Sosial.\"\n+++\nIsi baru.\n",
        );
    }
    p.remove("sites/dinsos/content/berita/pelatihan-dapur-umum-tagana.md");
    let plan = run(&p, &["publish", "--dry-run"]);
    let r = run(&p, &["publish"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let old = release_manifest(&deploy(&p).join("releases").join(&r1));
    let new = release_manifest(&deploy(&p).join("current"));
    let (n, c, u, d) = expected_counts(&old, &new, DINSOS);
    let distinct: std::collections::HashSet<usize> = [n, c, u, d].into_iter().collect();
    assert_eq!(distinct.len(), 4, "{n} {c} {u} {d}");
    for h in &new.hosts {
        let (n, c, u, d) = expected_counts(&old, &new, &h.host);
        let want = counts(n, c, u, d);
        for out in [&plan.stdout, &r.stdout] {
            let line = host_line(out, &h.host);
            assert!(line.ends_with(&want), "{line}\nwant {want}");
        }
    }
}

#[test]
fn a_removed_site_leaves_the_release_and_a_rollback_brings_it_back() {
    let p = Project::example();
    publish_ok(&p, &[]);
    let r1 = current(&p);
    let live = release_manifest(&deploy(&p).join("releases").join(&r1));
    let files = host_files(&live, DINSOS).len();
    // The agency merged into another: its site folder is deleted.
    p.remove("sites/dinsos");

    let plan = run(&p, &["publish", "--dry-run"]);
    assert_eq!(plan.code, Some(0), "{}\n{}", plan.stdout, plan.stderr);
    let line = host_line(&plan.stdout, DINSOS);
    assert!(
        line.contains("dihapus (folder situs tidak ada lagi)")
            && line.ends_with(&counts(0, 0, 0, files)),
        "{line}"
    );
    assert!(
        plan.stdout
            .contains("7 situs akan terbit, 0 diblokir, 1 dihapus;"),
        "{}",
        plan.stdout
    );
    assert_eq!(current(&p), r1, "a dry run changes nothing");

    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    assert!(
        host_line(&r.stdout, DINSOS).contains("removed (site folder is gone)"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("7 sites published, 0 blocked, 1 removed"),
        "{}",
        r.stdout
    );
    let r2 = assert_current_complete(&deploy(&p));
    assert_ne!(r1, r2);
    let m = release_manifest(&deploy(&p).join("current"));
    assert_eq!(m.hosts.len(), 7);
    assert!(m.hosts.iter().all(|h| h.host != DINSOS));
    assert!(!deploy(&p).join("current").join(DINSOS).exists());
    let last = log(&p).pop().expect("entry");
    assert_eq!(last.result.as_str(), "published");
    assert_eq!(last.removed, vec![DINSOS.to_string()]);
    assert!(last.blocked.is_empty(), "{:?}", last.blocked);
    assert_eq!(last.published.len(), 7);
    assert!(!last.published.contains(&DINSOS.to_string()));

    let back = run(&p, &["publish", "--rollback"]);
    assert_eq!(back.code, Some(0), "{}", back.stderr);
    assert_eq!(assert_current_complete(&deploy(&p)), r1);
    assert!(
        deploy(&p)
            .join("current")
            .join(DINSOS)
            .join("index.html")
            .is_file()
    );
    let last = log(&p).pop().expect("entry");
    assert_eq!(last.result.as_str(), "rolled-back");
    assert!(last.published.contains(&DINSOS.to_string()));
}

/// The fake CLI on PATH and its call log, for running laman with it.
struct FakeCli {
    path: String,
    calls_log: PathBuf,
}

impl FakeCli {
    /// Runs laman in `p` with the fake CLI and extra environment.
    fn run(&self, p: &Project, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = laman(p);
        cmd.args(args)
            .env("PATH", &self.path)
            .env("FAKE_NETLIFY_LOG", &self.calls_log);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("laman");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// The example with every host given a site id, pacing off, and the fake
/// CLI.
fn netlify_project() -> (Project, FakeCli) {
    let p = Project::example();
    let cli = fake_netlify(&p);
    netlify_sites(&p, &[], "min_interval_ms = 0\nretries = 5");
    (p, cli)
}

fn hosts_but(skip: &[&str]) -> Vec<String> {
    HOSTS
        .iter()
        .filter(|h| !skip.contains(h))
        .map(|h| format!("{h}.cianjurkab.go.id"))
        .collect()
}

#[test]
fn a_half_succeeded_netlify_rollback_logs_which_hosts_switched_and_which_did_not() {
    let (p, cli) = netlify_project();
    for _ in 0..2 {
        let r = cli.run(&p, &[], &["publish", "--target", "netlify"]);
        assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    }
    let state_dir = p.path("deploy/netlify");
    let live_before: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(state_dir.join("netlify.json")).expect("state"),
    )
    .expect("json");
    // Restoring dinsos fails; every other host is restored.
    let rb = cli.run(
        &p,
        &[("FAKE_NETLIFY_FAIL_RESTORE", "site-dinsos")],
        &["publish", "--target", "netlify", "--rollback"],
    );
    assert_eq!(rb.code, Some(2), "{}\n{}", rb.stdout, rb.stderr);
    let last = journal::read(&state_dir).pop().expect("entry");
    assert_eq!(last.action, "rollback");
    assert_eq!(last.result.as_str(), "partly-failed", "{last:?}");
    assert_eq!(last.published, hosts_but(&["dinsos"]));
    assert_eq!(last.failed, vec!["dinsos.cianjurkab.go.id".to_string()]);
    assert!(
        last.error.as_deref().is_some_and(|e| e.contains("dinsos")),
        "{last:?}"
    );
    // netlify.json agrees: dinsos still has the deploy it had.
    let live_after: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(state_dir.join("netlify.json")).expect("state"),
    )
    .expect("json");
    let dinsos = "dinsos.cianjurkab.go.id";
    assert_eq!(
        live_after["live"][dinsos], live_before["live"][dinsos],
        "dinsos unchanged"
    );
    assert_ne!(
        live_after["live"]["bpbd.cianjurkab.go.id"], live_before["live"]["bpbd.cianjurkab.go.id"],
        "bpbd restored"
    );
}

#[test]
fn a_netlify_publish_whose_cli_vanishes_midway_logs_what_went_live() {
    let (p, cli) = netlify_project();
    // The CLI is gone after the second host (dinkes): the hosts after it
    // cannot be deployed, bpbd and dinkes are live.
    let r = cli.run(
        &p,
        &[("FAKE_NETLIFY_VANISH_AFTER", "site-dinkes")],
        &["publish", "--target", "netlify", "--lang", "en"],
    );
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("cannot run `netlify`"), "{}", r.stderr);
    let state_dir = p.path("deploy/netlify");
    let last = journal::read(&state_dir).pop().expect("the run is logged");
    assert_eq!(last.result.as_str(), "partly-failed", "{last:?}");
    assert_eq!(
        last.published,
        vec![
            "bpbd.cianjurkab.go.id".to_string(),
            "dinkes.cianjurkab.go.id".to_string()
        ]
    );
    assert_eq!(last.failed, hosts_but(&["bpbd", "dinkes"]));
    let state: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(state_dir.join("netlify.json")).expect("state"),
    )
    .expect("json");
    let live: Vec<&String> = state["live"].as_object().expect("live").keys().collect();
    assert_eq!(live, ["bpbd.cianjurkab.go.id", "dinkes.cianjurkab.go.id"]);
}

#[test]
fn a_failed_health_check_that_cannot_switch_back_logs_that_the_release_is_live() {
    let p = Project::example();
    // The deploy folder on a tmpfs with room for data but few inodes.
    let Some(_fs) = Tmpfs::mount(&deploy(&p), "64m,nr_inodes=20000") else {
        return;
    };
    let server = Health::start_for(&p);
    publish_ok(&p, &[]);
    let r1 = current(&p);
    // dinkes fails its check, and before answering the server uses up the
    // inodes: the symlink of the switch back cannot be made.
    *server.fail.lock().expect("lock") = Some("dinkes.".into());
    *server.exhaust.lock().expect("lock") = Some(deploy(&p).join("pengisi"));
    p.edit(PROFIL_DINSOS, "Dinas Sosial", "Dinas Sosial (versi dua)");
    let r = run(&p, &["publish", "--lang", "en"]);
    assert_eq!(r.code, Some(2), "{}\n{}", r.stdout, r.stderr);
    let live = current(&p);
    assert_ne!(live, r1, "the switch back failed");
    assert!(
        r.stderr.contains(&format!("release {live} is live")),
        "{}",
        r.stderr
    );
    let last = log(&p).pop().expect("entry");
    assert_eq!(last.result.as_str(), "health-failed", "{last:?}");
    assert_eq!(last.release.as_deref(), Some(live.as_str()));
    assert_eq!(
        last.published.len(),
        HOSTS.len(),
        "every host is live: {last:?}"
    );
    let error = last.error.expect("error");
    assert!(
        error.contains("answered 500") && error.contains(&format!("switching back to {r1} failed")),
        "{error}"
    );
}

// ---------------------------------------------------------------------------
// Backups that are measured, not declared (#11 item 4) and the evidence a
// release keeps (OPS-002, #11 item 5b).
// ---------------------------------------------------------------------------

/// Appends one `[[publish.backup]]` per `(name, path, place)` to laman.toml.
fn with_backups(p: &Project, destinations: &[(&str, &Path, &str)]) {
    let mut text = std::fs::read_to_string(p.path("laman.toml")).expect("laman.toml");
    for (name, path, place) in destinations {
        text.push_str(&format!(
            "\n[[publish.backup]]\nname = \"{name}\"\npath = \"{}\"\nplace = \"{place}\"\n",
            path.display()
        ));
    }
    p.write("laman.toml", text);
}

/// The OPS-001 findings of `laman check --format json` (on `today`), as
/// (site, message).
fn ops_001(p: &Project, today: &str) -> Vec<(String, String)> {
    let out = p.cli(&["check", "--today", today, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", out.stdout, out.stderr));
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "OPS-001")
        .map(|f| {
            (
                f["site"].as_str().unwrap_or("-").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn backup_entries(p: &Project) -> Vec<LogEntry> {
    log(p)
        .into_iter()
        .filter(|e| e.action == "backup")
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The names inside a (plain) tar archive.
fn tar_names(path: &Path) -> Vec<String> {
    let f = std::fs::File::open(path).expect("archive");
    tar::Archive::new(f)
        .entries()
        .expect("entries")
        .map(|e| {
            e.expect("entry")
                .path()
                .expect("path")
                .display()
                .to_string()
        })
        .collect()
}

/// `keep = N` on a destination: after each verified copy, only the newest
/// N release archives laman wrote there stay (with their `.sha256`); what
/// else the destination holds is never touched, and the log says what went.
#[test]
fn a_backup_destination_keeps_only_its_newest_release_archives() {
    let p = Project::example();
    let tmp = tempfile::tempdir().expect("tmp");
    let drc = tmp.path().join("drc");
    std::fs::create_dir(&drc).expect("drc");
    std::fs::write(drc.join("000000-catatan-operator.txt"), "milik operator").expect("note");
    with_backups(&p, &[("drc", &drc, "off-site")]);
    p.edit(
        "laman.toml",
        "place = \"off-site\"\n",
        "place = \"off-site\"\nkeep = 1\n",
    );
    publish_ok(&p, &[]);
    let first = current(&p);
    p.edit(PROFIL_DINSOS, "Dinas Sosial", "Dinas Sosial (versi dua)");
    publish_ok(&p, &[]);
    let second = current(&p);
    assert_ne!(first, second);
    let mut left: Vec<String> = std::fs::read_dir(&drc)
        .expect("ls")
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    left.sort();
    assert_eq!(
        left,
        vec![
            "000000-catatan-operator.txt".to_string(),
            format!("{second}.tar"),
            format!("{second}.tar.sha256")
        ]
    );
    let entries = backup_entries(&p);
    let last = entries.last().expect("entry");
    assert_eq!(last.backups[0].pruned, vec![format!("{first}.tar")]);
    assert!(last.backups[0].verified);
}

#[test]
fn a_release_is_backed_up_verified_to_two_destinations_and_ops_001_reads_the_log() {
    let p = Project::example();
    let tmp = tempfile::tempdir().expect("tmp");
    let (drc, kantor) = (tmp.path().join("drc"), tmp.path().join("kantor"));
    std::fs::create_dir(&drc).expect("drc");
    std::fs::create_dir(&kantor).expect("kantor");
    with_backups(
        &p,
        &[("drc", &drc, "off-site"), ("kantor", &kantor, "off-site")],
    );
    // Configured, never backed up: site.toml's `[backup] terakhir` no
    // longer counts, every site is told the log has no verified backup.
    let before = ops_001(&p, "2026-11-23");
    assert_eq!(before.len(), 8, "{before:?}");
    assert!(
        before
            .iter()
            .all(|(_, m)| m.contains("belum mencatat cadangan terverifikasi")),
        "{before:?}"
    );

    let r = publish_ok(&p, &[]);
    let id = current(&p);
    for (name, dir) in [("drc", &drc), ("kantor", &kantor)] {
        let archive = dir.join(format!("{id}.tar"));
        let bytes = std::fs::read(&archive).expect("archive written");
        let sum = std::fs::read_to_string(dir.join(format!("{id}.tar.sha256"))).expect("sha256");
        assert_eq!(sum, format!("{}  {id}.tar\n", sha256_hex(&bytes)));
        assert!(
            r.stdout.contains(&format!("cadangan `{name}`")) && r.stdout.contains("terverifikasi"),
            "{}",
            r.stdout
        );
        let names = tar_names(&archive);
        assert!(names.contains(&format!("{id}/sites.json")), "{names:?}");
        assert!(
            names.contains(&format!("{id}/{DINKES}/index.html")),
            "{names:?}"
        );
        assert!(
            names.contains(&format!("{id}/.laman/bukti/laporan/laporan.json")),
            "the evidence is backed up with the release: {names:?}"
        );
        // Nothing temporary is left at the destination.
        assert_eq!(dot_entries(dir), Vec::<String>::new());
    }
    let entries = backup_entries(&p);
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = &entries[0];
    assert_eq!(e.result.as_str(), "backed-up");
    assert_eq!(e.release.as_deref(), Some(id.as_str()));
    assert_eq!(e.published.len(), 8, "the hosts the release holds");
    assert_eq!(e.backups.len(), 2);
    for b in &e.backups {
        assert!(b.verified && b.error.is_none(), "{b:?}");
        // Temporary folders share the disk of the project's deploy/.
        assert_eq!(
            b.same_file_system,
            std::fs::metadata(tmp.path()).expect("tmp").dev()
                == std::fs::metadata(deploy(&p)).expect("deploy").dev(),
            "{b:?}"
        );
        let (sha, len) =
            laman::publish::backup::digest(Path::new(b.archive.as_deref().expect("archive")))
                .expect("digest");
        assert_eq!((Some(sha), Some(len)), (b.sha256.clone(), b.bytes));
    }
    // The record is what OPS-001 reads: clean now, stale 31 days on.
    assert_eq!(ops_001(&p, "2026-11-23"), Vec::new());
    assert_eq!(ops_001(&p, "2026-12-23"), Vec::new());
    let late = ops_001(&p, "2026-12-25");
    assert_eq!(late.len(), 8, "{late:?}");
    assert!(
        late.iter().all(
            |(_, m)| m.contains("cadangan terverifikasi terakhir (2026-11-23")
                && m.contains("32 hari, melewati batas 30 hari")
        ),
        "{late:?}"
    );
}

/// A Netlify target keeps no copy laman can read back: the backup is made
/// of what the publish sent — `public/<host>` of each host deployed —
/// verified like a release, logged in the target's publish.log, and read
/// by OPS-001 like a `dir` target's. A host held back is not in it.
#[test]
fn a_netlify_publish_is_backed_up_from_what_it_sent() {
    let (p, cli) = netlify_project();
    let tmp = tempfile::tempdir().expect("tmp");
    let drc = tmp.path().join("drc");
    std::fs::create_dir(&drc).expect("drc");
    with_backups(&p, &[("drc", &drc, "off-site")]);
    break_dinkes(&p);
    let r = cli.run(&p, &[], &["publish", "--target", "netlify"]);
    assert_eq!(r.code, Some(1), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("cadangan `drc`"), "{}", r.stdout);
    let state_dir = p.path("deploy/netlify");
    let entries: Vec<LogEntry> = journal::read(&state_dir)
        .into_iter()
        .filter(|e| e.action == "backup")
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let e = &entries[0];
    assert_eq!(e.result.as_str(), "backed-up");
    let id = e.release.clone().expect("publish id");
    assert_eq!(e.published, hosts_but(&["dinkes"]));
    let b = &e.backups[0];
    assert!(b.verified, "{b:?}");
    let archive = drc.join(format!("{id}.tar"));
    let bytes = std::fs::read(&archive).expect("archive written");
    assert_eq!(b.sha256.as_deref(), Some(sha256_hex(&bytes).as_str()));
    let names = tar_names(&archive);
    assert!(
        names.contains(&format!("{id}/{DINSOS}/index.html")),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.contains(DINKES)),
        "the blocked host was not sent, so it is not in the copy: {names:?}"
    );
    // OPS-001 reads the Netlify target's log: every host sent has its
    // verified copy; dinkes has none yet.
    let findings = ops_001(&p, "2026-11-23");
    assert_eq!(
        findings.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        ["dinkes"],
        "{findings:?}"
    );
}

#[test]
fn a_missing_or_full_backup_destination_never_stops_the_publish_and_is_an_ops_001_finding() {
    let p = Project::example();
    let tmp = tempfile::tempdir().expect("tmp");
    let good = tmp.path().join("baik");
    std::fs::create_dir(&good).expect("good");
    let missing = tmp.path().join("tidak-terpasang");
    // A full disk: a 1 MB tmpfs cannot hold the example's release (~8 MB).
    // Without root (no mount), a path that is a file stands in for it.
    let full_dir = tmp.path().join("penuh");
    let full = Tmpfs::mount(&full_dir, "1m");
    let full_path = if full.is_some() {
        full_dir.clone()
    } else {
        std::fs::write(tmp.path().join("berkas"), "bukan folder").expect("file");
        tmp.path().join("berkas")
    };
    with_backups(
        &p,
        &[
            ("baik", &good, "off-site"),
            ("hilang", &missing, "off-site"),
            ("penuh", &full_path, "off-site"),
        ],
    );
    let r = run(&p, &["publish"]);
    // The release went live all the same.
    assert_eq!(r.code, Some(0), "{}\n{}", r.stdout, r.stderr);
    let id = assert_current_complete(&deploy(&p));
    assert!(good.join(format!("{id}.tar")).is_file());
    assert!(!missing.exists(), "a missing destination is never created");
    // Each failure is an OPS-001 finding at its [[publish.backup]], with
    // the article of the profile's regulation (Cianjur: Pasal 16 ayat (3)).
    for name in ["hilang", "penuh"] {
        // The finding: its first line and the indented lines under it.
        let lines: Vec<&str> = r.stderr.lines().collect();
        let at = lines
            .iter()
            .position(|l| {
                l.contains(&format!(
                    "cadangan rilis ke `{name}` gagal (rilis tetap terbit)"
                ))
            })
            .unwrap_or_else(|| panic!("{name}: {}", r.stderr));
        let rest: Vec<&str> = lines[at + 1..]
            .iter()
            .take_while(|l| l.starts_with(' '))
            .copied()
            .collect();
        let finding = format!("{}\n{}", lines[at], rest.join("\n"));
        assert!(finding.contains("laman.toml:"), "{finding}");
        assert!(
            finding.contains("Peraturan Bupati Cianjur Nomor 25 Tahun 2018 Pasal 16 ayat (3)"),
            "{finding}"
        );
    }
    assert!(r.stderr.contains("peringatan[OPS-001]"), "{}", r.stderr);
    if full.is_some() {
        assert!(r.stderr.contains("No space left"), "{}", r.stderr);
        assert_eq!(dot_entries(&full_dir), Vec::<String>::new(), "debris left");
    }
    let e = backup_entries(&p).pop().expect("a backup entry");
    assert_eq!(e.result.as_str(), "backup-failed");
    let outcome = |n: &str| {
        e.backups
            .iter()
            .find(|b| b.destination == n)
            .unwrap_or_else(|| panic!("{n}: {e:?}"))
    };
    assert!(outcome("baik").verified);
    for n in ["hilang", "penuh"] {
        let b = outcome(n);
        assert!(!b.verified && b.archive.is_none(), "{b:?}");
        assert!(b.error.is_some(), "{b:?}");
    }
    assert_eq!(
        log(&p)
            .iter()
            .rfind(|e| e.action == "publish")
            .map(|e| e.result.as_str()),
        Some("published")
    );
    // `laman check` keeps reporting both failures per site until a backup
    // to them succeeds; the good copy keeps the age clean.
    let found = ops_001(&p, "2026-11-23");
    assert_eq!(found.len(), 16, "{found:?}");
    assert!(
        found
            .iter()
            .any(|(_, m)| m.contains("`hilang` gagal pada 2026-11-23")),
        "{found:?}"
    );
    drop(full);

    // When every copy failed, the site has no verified backup at all.
    let q = Project::example();
    with_backups(&q, &[("hilang", &missing, "off-site")]);
    publish_ok(&q, &[]);
    let found = ops_001(&q, "2026-11-23");
    assert_eq!(found.len(), 16, "{found:?}");
    assert_eq!(
        found
            .iter()
            .filter(|(_, m)| m.contains("belum mencatat cadangan terverifikasi"))
            .count(),
        8,
        "{found:?}"
    );
}

#[test]
fn a_backup_destination_of_the_wrong_place_is_an_ops_001_finding() {
    // Purwakarta Perda 2/2022 Pasal 22 ayat (1): the backup goes to the
    // Pusat Data; an off-site copy alone does not satisfy it.
    let p = Project::example();
    p.edit(
        "laman.toml",
        "profile = \"cianjur\"",
        "profile = \"purwakarta\"",
    );
    let tmp = tempfile::tempdir().expect("tmp");
    with_backups(&p, &[("drc", tmp.path(), "off-site")]);
    let found = ops_001(&p, "2026-11-23");
    assert!(
        found.iter().any(
            |(_, m)| m.contains("place = \"pusat-data\" seperti yang diminta peraturan daerah")
        ),
        "{found:?}"
    );
}

#[test]
fn a_release_keeps_its_check_report_and_the_last_conformance_report_as_evidence() {
    let p = Project::example();
    // The newest conformance report, where `laman conformance` writes it
    // by default (<project>/conformance).
    p.write(
        "conformance/findings.jsonl",
        "{\"check\":\"TLS002\",\"status\":\"pass\"}\n",
    );
    p.write("conformance/report.html", "<h1>Laporan conformance</h1>\n");
    let r = publish_ok(&p, &[]);
    assert!(
        r.stdout.contains("bukti uji (OPS-002)")
            && r.stdout.contains("laporan conformance terakhir"),
        "{}",
        r.stdout
    );
    let id = current(&p);
    let bukti = deploy(&p).join("releases").join(&id).join(".laman/bukti");
    let report: serde_json::Value = serde_json::from_slice(
        &std::fs::read(bukti.join("laporan/laporan.json")).expect("laporan.json"),
    )
    .expect("json");
    assert_eq!(report["schema"], "laman/check/1");
    assert!(bukti.join("laporan/index.html").is_file());
    assert!(bukti.join("laporan/dinkes.html").is_file());
    assert_eq!(
        std::fs::read_to_string(bukti.join("conformance/report.html")).expect("copy"),
        "<h1>Laporan conformance</h1>\n"
    );
    // publish.log lists every evidence file with its SHA-256.
    let published = log(&p)
        .into_iter()
        .rfind(|e| e.action == "publish" && e.result.as_str() == "published")
        .expect("entry");
    let listed: Vec<&str> = published.evidence.iter().map(|e| e.path.as_str()).collect();
    for want in [
        ".laman/bukti/laporan/laporan.json",
        ".laman/bukti/laporan/index.html",
        ".laman/bukti/conformance/findings.jsonl",
        ".laman/bukti/conformance/report.html",
    ] {
        assert!(listed.contains(&want), "{want}: {listed:?}");
    }
    for e in &published.evidence {
        let bytes = std::fs::read(deploy(&p).join("releases").join(&id).join(&e.path))
            .expect("evidence file");
        assert_eq!(e.sha256, sha256_hex(&bytes), "{}", e.path);
        assert_eq!(e.bytes, bytes.len() as u64);
    }
    // The evidence is no site: sites.json does not list it.
    let m = release_manifest(&deploy(&p).join("releases").join(&id));
    assert!(m.hosts.iter().all(|h| !h.host.starts_with('.')));
}
