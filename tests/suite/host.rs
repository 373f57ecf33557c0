//! `laman host` against real components on loopback: the real binary,
//! pebble (ACME, TLS-ALPN-01) resolving names through bind9, the real
//! `curl`, and raw TLS clients for what curl would normalise. Each test
//! lays out its own deploy root from a `laman build` of the example
//! regency (support/host.rs) and stops every process it started.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::host::{self, Deploy, Host, Pebble, Pki, curl, fqdn, get, poll, read};
use crate::support::named::{Named, free_port};
use crate::support::{self, Project};

/// The example regency built once into a temporary project.
fn built() -> Project {
    let p = Project::example();
    let report = p.build();
    assert!(p.path("public/sites.json").is_file(), "{report:?}");
    p
}

/// A deploy root with release `r1` (plus a test `_redirects`) active.
fn deploy(p: &Project, tmp: &Path) -> Deploy {
    let d = Deploy::new(&tmp.join("deploy"));
    d.add_release(&p.path("public"), "r1", |dir| {
        let h = dir.join(fqdn("dinkes"));
        std::fs::write(
            h.join("_redirects"),
            "/lama /profil/ 301\n/arsip/* /berita/:splat 302\n/ p=123 /profil/ 301!\n/ page_id=7 lang=id /berita/ 301!\n",
        )
        .expect("write _redirects");
    });
    d.activate("r1");
    d
}

fn ports() -> (u16, u16) {
    (free_port(), free_port())
}

/// File mode with a wildcard certificate for the regency.
struct FileHost {
    _tmp: tempfile::TempDir,
    project: Project,
    deploy: Deploy,
    ca: PathBuf,
    host: Host,
}

fn file_host(extra: &[&str]) -> FileHost {
    file_host_on("127.0.0.1", extra)
}

/// [`file_host`] with HTTPS listening on `listen`.
fn file_host_on(listen: &str, extra: &[&str]) -> FileHost {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = built();
    let deploy = deploy(&project, tmp.path());
    let pki = Pki::new(tmp.path(), "regency");
    let wildcard = format!("*.{}", host::DOMAIN);
    let (cert, key) = pki.leaf(tmp.path(), "wildcard", &[&wildcard, host::DOMAIN]);
    let (https, http) = ports();
    let mut args = vec![
        "--cert",
        cert.to_str().expect("utf8"),
        "--key",
        key.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    let log = tmp.path().join("host.log");
    let host = Host::start_on(listen, &deploy.root, https, http, &args, &log);
    FileHost {
        ca: pki.ca.clone(),
        _tmp: tmp,
        project,
        deploy,
        host,
    }
}

impl FileHost {
    fn get(&self, label: &str, path: &str, extra: &[&str]) -> host::Curl {
        get(&fqdn(label), self.host.https, &self.ca, path, extra)
    }
}

/// The ACME set-up of a test: the example deployed, bind9 serving A
/// records for `labels`, pebble (certificates valid `validity` seconds)
/// with the ports of the server under test, an empty cache and a log.
struct Acme {
    _tmp: tempfile::TempDir,
    _project: Project,
    deploy: Deploy,
    _named: Named,
    pebble: Pebble,
    https: u16,
    http: u16,
    cache: PathBuf,
    log: PathBuf,
}

impl Acme {
    fn start(labels: &[&str], validity: Option<u64>) -> Acme {
        let tmp = tempfile::tempdir().expect("tempdir");
        let project = built();
        let deploy = deploy(&project, tmp.path());
        let named = Named::start(
            &tmp.path().join("dns"),
            &[(host::DOMAIN, host::zone(labels))],
        );
        let (https, http) = ports();
        let pebble = Pebble::start(
            &tmp.path().join("pebble"),
            named.port,
            https,
            http,
            validity,
        );
        Acme {
            cache: tmp.path().join("acme"),
            log: tmp.path().join("host.log"),
            _tmp: tmp,
            _project: project,
            deploy,
            _named: named,
            pebble,
            https,
            http,
        }
    }

    /// This pebble's directory, CA and the cache, then `extra`.
    fn args(&self, extra: &[&str]) -> Vec<String> {
        let mut a: Vec<String> = [
            "--acme-directory",
            &self.pebble.directory,
            "--acme-ca-root",
            self.pebble.api_ca.to_str().expect("utf8"),
            "--acme-cache",
            self.cache.to_str().expect("utf8"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    }

    /// `laman host` on the deploy root with `args`.
    fn host(&self, args: &[String]) -> Host {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Host::start(&self.deploy.root, self.https, self.http, &args, &self.log)
    }
}

#[test]
fn acme_issues_a_certificate_per_host_and_a_bad_dns_record_blocks_no_other() {
    // dinsos has no DNS record: its order fails, the others must not care.
    let labels = [
        "bpbd",
        "dinkes",
        "disdik",
        "disdukcapil",
        "diskominfo",
        "dpmptsp",
        "kec-cibeber",
    ];
    let env = Acme::start(&labels, None);
    let (https, cache, pebble) = (env.https, &env.cache, &env.pebble);
    let args = env.args(&["--acme-contact", "mailto:admin@cianjurkab.go.id"]);
    let mut server = env.host(&args);

    for label in labels {
        let name = fqdn(label);
        let page = poll(
            Duration::from_secs(60),
            &format!("certificate for {name}"),
            || {
                let r = get(&name, https, &pebble.root, "/", &[]);
                (r.status == 200).then_some(r)
            },
        );
        assert!(
            page.text().contains(&format!(
                "<link rel=\"canonical\" href=\"https://{name}/\">"
            )),
            "{name} served another host's page"
        );
    }
    // The host without DNS has no certificate; the handshake is refused.
    let bad = get(&fqdn("dinsos"), https, &pebble.root, "/", &[]);
    assert_ne!(bad.code, 0, "dinsos must not be served: {bad:?}");
    assert!(
        server
            .log()
            .contains("ACME error for dinsos.cianjurkab.go.id"),
        "{}",
        server.log()
    );
    // An unknown name gets no certificate at all.
    let unknown = get(&fqdn("tidak-ada"), https, &pebble.root, "/", &[]);
    assert_eq!(unknown.status, 0);
    assert!(unknown.stderr.contains("alert"), "{}", unknown.stderr);

    // Keys stay private: the folder 0700, every file 0600.
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(cache), 0o700);
    let files: Vec<PathBuf> = std::fs::read_dir(cache)
        .expect("cache")
        .map(|e| e.expect("entry").path())
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains("cert-dinkes")),
        "{files:?}"
    );
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }

    // Restart with pebble gone: certificates come from the cache.
    server.stop();
    let root = pebble.root.clone();
    drop(env.pebble);
    let server = Host::start(
        &env.deploy.root,
        https,
        env.http,
        &args.iter().map(String::as_str).collect::<Vec<_>>(),
        &env.log,
    );
    for label in ["dinkes", "disdik"] {
        let r = get(&fqdn(label), https, &root, "/", &[]);
        assert_eq!(
            r.status,
            200,
            "{label} after restart: {r:?}\n{}",
            server.log()
        );
    }
    // The cached certificates were loaded before the server said it
    // listens (and before it took its first connection): a restarted
    // server's first handshake for a cached host succeeds.
    let log = poll(Duration::from_secs(10), "second listening line", || {
        let log = server.log();
        (log.matches("listening https").count() == 2).then_some(log)
    });
    let listening = log.rfind("listening https").expect("second start listens");
    for label in ["dinkes", "disdik"] {
        let loaded = log
            .find(&format!(
                "certificate of {} loaded from the cache",
                fqdn(label)
            ))
            .unwrap_or(usize::MAX);
        assert!(loaded < listening, "{label} loaded after listening:\n{log}");
    }
}

fn serial(host: &str, port: u16, ca: &Path) -> Option<String> {
    let resolve = format!("{host}:{port}:127.0.0.1");
    let url = format!("https://{host}:{port}/");
    let r = curl(&[
        "--resolve",
        &resolve,
        "--cacert",
        ca.to_str().expect("utf8"),
        "-o",
        "/dev/null",
        "-w",
        "%{certs}",
        &url,
    ]);
    // The headers go to /dev/null with the body; the write-out is all of stdout.
    r.text().lines().find_map(|l| {
        l.trim()
            .strip_prefix("Serial Number:")
            .map(|s| s.trim().to_string())
    })
}

#[test]
fn acme_renews_a_certificate_before_it_expires() {
    // Certificates valid 15 s: rustls-acme renews at two thirds of that.
    let env = Acme::start(&["dinkes"], Some(15));
    let (https, pebble) = (env.https, &env.pebble);
    let server = env.host(&env.args(&[]));
    let name = fqdn("dinkes");
    let first = poll(Duration::from_secs(60), "first certificate", || {
        serial(&name, https, &pebble.root)
    });
    let second = poll(Duration::from_secs(60), "a renewed certificate", || {
        serial(&name, https, &pebble.root).filter(|s| *s != first)
    });
    assert_ne!(first, second);
    // The server logs a deployment after its resolver holds the new
    // certificate, so curl can see it a moment before the log says so.
    let renewed = |log: &str| log.matches("new certificate for dinkes").count() >= 2;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !renewed(&server.log()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100)); // poll interval
    }
    assert!(renewed(&server.log()), "{}", server.log());
}

#[test]
fn new_hosts_beyond_the_certificate_budget_wait() {
    let labels = [
        "bpbd",
        "dinkes",
        "dinsos",
        "disdik",
        "disdukcapil",
        "diskominfo",
        "dpmptsp",
        "kec-cibeber",
    ];
    let env = Acme::start(&labels, None);
    let (https, cache, pebble) = (env.https, &env.cache, &env.pebble);
    let server = env.host(&env.args(&["--cert-limit", "2"]));
    // Two hosts (bpbd, dinkes: sorted order) get certificates, six wait.
    for label in ["bpbd", "dinkes"] {
        poll(Duration::from_secs(60), label, || {
            (get(&fqdn(label), https, &pebble.root, "/", &[]).status == 200).then_some(())
        });
    }
    let r = get(&fqdn("disdik"), https, &pebble.root, "/", &[]);
    assert_eq!(r.status, 0, "disdik is over the budget: {r:?}");
    let text = server.log();
    assert_eq!(
        text.matches(" waits: 2 new certificates for cianjurkab.go.id")
            .count(),
        6,
        "{text}"
    );
    let record = read(&cache.join("throttle.json"));
    assert_eq!(record.matches("\"host\"").count(), 2, "{record}");
}

#[test]
fn file_certificate_serves_each_host_with_headers_encodings_and_conditionals() {
    let f = file_host(&[]);
    let dinkes = fqdn("dinkes");
    let r = f.get("dinkes", "/", &[]);
    assert_eq!(r.status, 200, "{r:?}");
    assert!(r.text().contains(&format!("href=\"https://{dinkes}/\"")));
    let disdik = f.get("disdik", "/", &[]);
    assert!(disdik.text().contains("Dinas Pendidikan"));
    // HSTS and the generated _headers rules.
    assert_eq!(
        r.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(
        r.header("content-security-policy")
            .is_some_and(|v| v.contains("default-src 'self'"))
    );
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let css = f.get("dinkes", "/assets/laman.css", &[]);
    assert_eq!(css.header("cache-control"), Some("public, max-age=86400"));
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    let sec = f.get("dinkes", "/.well-known/security.txt", &[]);
    assert_eq!(
        sec.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    let json = f.get("dinkes", "/layanan.json", &[]);
    assert_eq!(json.header("access-control-allow-origin"), Some("*"));

    // Conditional requests.
    let etag = r.header("etag").expect("etag").to_string();
    let again = f.get("dinkes", "/", &["-H", &format!("If-None-Match: {etag}")]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let lm = r
        .header("last-modified")
        .expect("last-modified")
        .to_string();
    assert_eq!(
        f.get("dinkes", "/", &["-H", &format!("If-Modified-Since: {lm}")])
            .status,
        304
    );
    assert_eq!(
        f.get("dinkes", "/", &["-H", "If-None-Match: \"other\""])
            .status,
        200
    );

    // Precompressed siblings, per Accept-Encoding, with their own ETag.
    let plain =
        std::fs::read(f.deploy.release_dir("r1").join(&dinkes).join("index.html")).expect("index");
    let br = f.get("dinkes", "/", &["-H", "Accept-Encoding: gzip, br"]);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(br.header("vary"), Some("Accept-Encoding"));
    assert_ne!(br.header("etag"), Some(etag.as_str()));
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&br.body[..], 4096)
        .read_to_end(&mut decoded)
        .expect("brotli");
    assert_eq!(decoded, plain);
    let gz = f.get("dinkes", "/", &["-H", "Accept-Encoding: gzip"]);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_end(&mut decoded)
        .expect("gunzip");
    assert_eq!(decoded, plain);
    assert_ne!(gz.header("etag"), br.header("etag"));
    let br_etag = br.header("etag").expect("etag").to_string();
    let br304 = f.get(
        "dinkes",
        "/",
        &[
            "-H",
            "Accept-Encoding: br",
            "-H",
            &format!("If-None-Match: {br_etag}"),
        ],
    );
    assert_eq!(br304.status, 304);
    assert_eq!(r.header("content-encoding"), None);
    assert_eq!(r.body, plain);

    // Folders, 404 page, redirects, HEAD, methods, hidden files.
    let folder = f.get("dinkes", "/profil?x=1", &[]);
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/profil/?x=1"));
    let missing = f.get("dinkes", "/tidak-ada/", &[]);
    assert_eq!(missing.status, 404);
    let page404 =
        std::fs::read(f.deploy.release_dir("r1").join(&dinkes).join("404.html")).expect("404");
    assert_eq!(missing.body, page404);
    let alias = f.get("dinkes", "/lama", &[]);
    assert_eq!(
        (alias.status, alias.header("location")),
        (301, Some("/profil/"))
    );
    let splat = f.get("dinkes", "/arsip/2024/banjir", &[]);
    assert_eq!(
        (splat.status, splat.header("location")),
        (302, Some("/berita/2024/banjir"))
    );
    let head = f.get("dinkes", "/", &["-I"]);
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(plain.len().to_string().as_str())
    );
    assert!(head.body.is_empty());
    assert_eq!(f.get("dinkes", "/", &["-X", "POST"]).status, 405);
    for hidden in [
        "/_headers",
        "/_redirects",
        "/sites.json",
        "/index.html.gz",
        "/index.html.br",
        "/assets/laman.css.br",
    ] {
        let h = f.get("dinkes", hidden, &[]);
        assert_eq!(h.status, 404, "{hidden}");
        assert_eq!(h.body, page404, "{hidden}");
    }
    // A Host header naming another host than SNI.
    let wrong = f.get("dinkes", "/", &["-H", &format!("Host: {}", fqdn("disdik"))]);
    assert_eq!(wrong.status, 421);
    // A name the certificate covers but the release does not have: refused.
    let unknown = f.get("tidak-ada", "/", &[]);
    assert_eq!(unknown.status, 0);
    assert!(unknown.stderr.contains("alert"), "{}", unknown.stderr);
    drop(f.project);
}

#[test]
fn http_redirects_to_https_and_unknown_hosts_get_404() {
    let f = file_host(&[]);
    let dinkes = fqdn("dinkes");
    let resolve = format!("{dinkes}:{}:127.0.0.1", f.host.http);
    let url = format!("http://{dinkes}:{}/profil/?q=1", f.host.http);
    let r = curl(&["--resolve", &resolve, &url]);
    assert_eq!(r.status, 301);
    assert_eq!(
        r.header("location"),
        Some(format!("https://{dinkes}:{}/profil/?q=1", f.host.https).as_str())
    );
    let other = format!("tidak-ada.{}", host::DOMAIN);
    let resolve = format!("{other}:{}:127.0.0.1", f.host.http);
    let r = curl(&[
        "--resolve",
        &resolve,
        &format!("http://{other}:{}/", f.host.http),
    ]);
    assert_eq!(r.status, 404);
    assert_eq!(r.header("location"), None);
}

/// One raw HTTP/1.1 request over TLS, so nothing normalises the path.
fn raw_https(port: u16, host: &str, ca: &Path, request: &[u8]) -> Vec<u8> {
    let mut tls = tls_client(port, host, ca);
    tls.write_all(request).expect("send");
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out);
    out
}

type Tls = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

fn tls_client(port: u16, host: &str, ca: &Path) -> Tls {
    let sock = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    tls_over(sock, host, ca)
}

fn tls_over(sock: TcpStream, host: &str, ca: &Path) -> Tls {
    use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject as _};
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).expect("ca") {
        roots.add(c.expect("pem")).expect("root");
    }
    let cfg = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let conn = rustls::ClientConnection::new(
        Arc::new(cfg),
        ServerName::try_from(host.to_string()).expect("name"),
    )
    .expect("client");
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    rustls::StreamOwned::new(conn, sock)
}

#[test]
fn refuses_traversal_encoded_separators_nul_and_symlinks_out() {
    let f = file_host(&[]);
    let dinkes = fqdn("dinkes");
    let root = f.deploy.root.clone();
    std::fs::write(root.join("rahasia.txt"), "RAHASIA-NEGARA").expect("secret");
    let hostdir = f.deploy.release_dir("r1").join(&dinkes);
    std::os::unix::fs::symlink("../../../rahasia.txt", hostdir.join("relatif.txt"))
        .expect("symlink");
    std::os::unix::fs::symlink(root.join("rahasia.txt"), hostdir.join("mutlak.txt"))
        .expect("symlink");
    std::os::unix::fs::symlink("/etc", hostdir.join("etc")).expect("symlink");
    std::os::unix::fs::symlink(format!("../{}", fqdn("disdik")), hostdir.join("lintas"))
        .expect("symlink");
    std::os::unix::fs::symlink("profil", hostdir.join("dalam")).expect("symlink");
    let manifest = read(&f.deploy.release_dir("r1").join("sites.json"));
    let attacks = [
        "/../sites.json",
        "/../../rahasia.txt",
        "/%2e%2e/sites.json",
        "/%2E%2E/%2e%2E/rahasia.txt",
        "/.%2e/sites.json",
        "/profil/../../sites.json",
        "/..%2fsites.json",
        "/..%2Fsites.json",
        "/..%5csites.json",
        "/..\\sites.json",
        "/profil%2f..%2f..%2fsites.json",
        "/index.html%00.txt",
        "/%00",
        "/relatif.txt",
        "/mutlak.txt",
        "/etc/passwd",
        "/lintas/index.html",
        "/./index.html",
    ];
    for path in attacks {
        let req = format!("GET {path} HTTP/1.1\r\nHost: {dinkes}\r\nConnection: close\r\n\r\n");
        let resp =
            String::from_utf8_lossy(&raw_https(f.host.https, &dinkes, &f.ca, req.as_bytes()))
                .into_owned();
        let status = resp.split_whitespace().nth(1).unwrap_or("");
        assert!(
            matches!(status, "400" | "404"),
            "{path}: {}",
            resp.lines().next().unwrap_or("")
        );
        assert!(!resp.contains("RAHASIA-NEGARA"), "{path} leaked the secret");
        assert!(!resp.contains("root:x:0:0"), "{path} leaked /etc/passwd");
        assert!(!resp.contains("\"schema\""), "{path} leaked sites.json");
        assert!(
            !resp.contains("Dinas Pendidikan"),
            "{path} crossed into another host"
        );
    }
    assert!(manifest.contains("\"schema\""));
    // curl --path-as-is sends the dots as they are.
    let r = f.get("dinkes", "/../../rahasia.txt", &[]);
    assert!(matches!(r.status, 400 | 404), "{r:?}");
    // A symlink that stays inside the host folder still works.
    assert_eq!(f.get("dinkes", "/dalam/", &[]).status, 200);
}

#[test]
fn the_evidence_inside_a_release_is_never_served() {
    // `laman publish` keeps each release's test evidence (OPS-002) in
    // releases/<id>/.laman/bukti/: beside the hosts, never one of them.
    let f = file_host(&[]);
    let dinkes = fqdn("dinkes");
    let bukti = f.deploy.release_dir("r1").join(".laman/bukti/laporan");
    std::fs::create_dir_all(&bukti).expect("mkdir");
    std::fs::write(bukti.join("laporan.json"), "BUKTI-UJI-RILIS").expect("evidence");
    let attacks = [
        (dinkes.as_str(), "/.laman/bukti/laporan/laporan.json"),
        (dinkes.as_str(), "/../.laman/bukti/laporan/laporan.json"),
        (dinkes.as_str(), "/%2e%2e/.laman/bukti/laporan/laporan.json"),
        (
            dinkes.as_str(),
            "/..%2f.laman%2fbukti%2flaporan%2flaporan.json",
        ),
        (".laman", "/bukti/laporan/laporan.json"),
        (".laman.cianjurkab.go.id", "/bukti/laporan/laporan.json"),
        ("laman", "/bukti/laporan/laporan.json"),
    ];
    for (host, path) in attacks {
        let req = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        let resp =
            String::from_utf8_lossy(&raw_https(f.host.https, &dinkes, &f.ca, req.as_bytes()))
                .into_owned();
        let status = resp.split_whitespace().nth(1).unwrap_or("");
        assert!(
            matches!(status, "400" | "404" | "421"),
            "{host}{path}: {}",
            resp.lines().next().unwrap_or("")
        );
        assert!(
            !resp.contains("BUKTI-UJI-RILIS"),
            "{host}{path} served the evidence"
        );
    }
    // The host itself is served as before.
    assert_eq!(f.get("dinkes", "/", &[]).status, 200);
}

/// Status line and head (lower-case) of a raw response.
fn status_and_head(resp: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(resp).to_ascii_lowercase();
    let head = text.split("\r\n\r\n").next().unwrap_or("").to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head)
}

fn location(head: &str) -> Option<&str> {
    head.lines().find_map(|l| l.strip_prefix("location: "))
}

#[test]
fn redirects_stay_on_the_host_and_bad_host_headers_get_400() {
    let f = file_host(&[]);
    let dinkes = fqdn("dinkes");
    let ask =
        |req: String| status_and_head(&raw_https(f.host.https, &dinkes, &f.ca, req.as_bytes()));
    // `//layanan` is a folder: the redirect adds the slash to the
    // normalised path, never `//layanan/` (scheme-relative: the host "layanan").
    for target in ["//layanan", "///layanan", "//layanan?q=1"] {
        let (status, head) = ask(format!(
            "GET {target} HTTP/1.1\r\nHost: {dinkes}\r\nConnection: close\r\n\r\n"
        ));
        assert_eq!(status, 301, "{target}: {head}");
        let loc = location(&head).expect("location");
        assert!(loc.starts_with("/layanan/"), "{target}: {loc}");
    }
    // A `_redirects` splat cannot make one either (`/arsip/* /berita/:splat`
    // is fine; a rule to `/:splat` would have been the hole).
    let (status, head) = ask(format!(
        "GET /arsip//evil.example HTTP/1.1\r\nHost: {dinkes}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(status, 302, "{head}");
    assert_eq!(location(&head), Some("/berita/evil.example"));
    // Query conditions (an imported WordPress site's `/?p=123`): every
    // key with its value, other keys ignored, the matched query dropped;
    // anything else is the home page.
    for (target, want) in [
        ("/?p=123", Some("/profil/")),
        ("/?utm_source=wa&p=123", Some("/profil/")),
        ("/?lang=id&page_id=7", Some("/berita/")),
        ("/?p=1234", None),
        ("/?page_id=7", None),
        ("/", None),
    ] {
        let (status, head) = ask(format!(
            "GET {target} HTTP/1.1\r\nHost: {dinkes}\r\nConnection: close\r\n\r\n"
        ));
        match want {
            Some(to) => {
                assert_eq!(status, 301, "{target}: {head}");
                assert_eq!(location(&head), Some(to), "{target}");
            }
            None => assert_eq!(status, 200, "{target}: {head}"),
        }
    }
    // Host rules (RFC 9112 §3.2): missing, duplicated, or contradicted by
    // an absolute-form target → 400.
    let other = fqdn("disdik");
    for (what, req) in [
        (
            "no Host",
            "GET / HTTP/1.1\r\nConnection: close\r\n\r\n".to_string(),
        ),
        (
            "two Hosts",
            format!(
                "GET / HTTP/1.1\r\nHost: {dinkes}\r\nHost: {other}\r\nConnection: close\r\n\r\n"
            ),
        ),
        (
            "two equal Hosts",
            format!(
                "GET / HTTP/1.1\r\nHost: {dinkes}\r\nHost: {dinkes}\r\nConnection: close\r\n\r\n"
            ),
        ),
        (
            "absolute-form for another host",
            format!("GET https://{other}/ HTTP/1.1\r\nHost: {dinkes}\r\nConnection: close\r\n\r\n"),
        ),
        (
            "empty Host",
            "GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n".to_string(),
        ),
    ] {
        let (status, head) = ask(req);
        assert_eq!(status, 400, "{what}: {head}");
    }
    // What stays allowed: absolute-form naming the same host, HTTP/1.0
    // without Host (the SNI names the site).
    let (status, head) = ask(format!(
        "GET https://{dinkes}/ HTTP/1.1\r\nHost: {dinkes}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(status, 200, "{head}");
    let (status, head) = ask("GET / HTTP/1.0\r\n\r\n".to_string());
    assert_eq!(status, 200, "{head}");
    // Plain HTTP: the same rules before any redirect.
    let plain = |req: &str| {
        let mut s = TcpStream::connect(("127.0.0.1", f.host.http)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        s.write_all(req.as_bytes()).expect("send");
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        status_and_head(&out)
    };
    let (status, _) = plain("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 400);
    let (status, _) = plain(&format!(
        "GET / HTTP/1.1\r\nHost: {dinkes}\r\nHost: {other}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(status, 400);
    let (status, head) = plain(&format!(
        "GET //layanan HTTP/1.1\r\nHost: {dinkes}\r\nConnection: close\r\n\r\n"
    ));
    assert_eq!(status, 301);
    assert!(
        location(&head).is_some_and(|l| l.starts_with(&format!("https://{dinkes}:"))),
        "{head}"
    );
}

#[test]
fn a_new_release_is_served_without_restart_and_requests_never_mix_releases() {
    let f = file_host(&[]);
    let dinkes = fqdn("dinkes");
    let public = f.project.path("public");
    let mark = |dir: &Path, tag: &str, with_disdik: bool, extra: Option<&str>| {
        let h = dir.join(&dinkes);
        let page =
            read(&h.join("index.html")).replace("<main", &format!("<main data-rilis=\"{tag}\""));
        std::fs::write(h.join("index.html"), page).expect("index");
        let headers = read(&h.join("_headers")) + &format!("\n/*\n  X-Rilis: {tag}\n");
        std::fs::write(h.join("_headers"), headers).expect("_headers");
        let mut m: serde_json::Value =
            serde_json::from_str(&read(&dir.join("sites.json"))).expect("manifest");
        let hosts = m["hosts"].as_array_mut().expect("hosts");
        if !with_disdik {
            hosts.retain(|h| h["host"] != fqdn("disdik"));
            std::fs::remove_dir_all(dir.join(fqdn("disdik"))).expect("rm disdik");
        }
        if let Some(label) = extra {
            support::copy_tree(&h, &dir.join(fqdn(label)));
            let mut entry = hosts[0].clone();
            entry["host"] = fqdn(label).into();
            hosts.push(entry);
        }
        std::fs::write(dir.join("sites.json"), m.to_string()).expect("manifest");
    };
    f.deploy
        .add_release(&public, "ra", |d| mark(d, "A", true, None));
    f.deploy
        .add_release(&public, "rb", |d| mark(d, "B", false, Some("baru")));
    f.deploy.activate("ra");
    let a = f.get("dinkes", "/", &[]);
    assert_eq!(a.header("x-rilis"), Some("A"));
    assert!(a.text().contains("data-rilis=\"A\""));
    assert_eq!(f.get("disdik", "/", &[]).status, 200);

    // Switch to B: the next request is B, the new host gets served, the removed host not.
    f.deploy.activate("rb");
    let b = f.get("dinkes", "/", &[]);
    assert_eq!(b.header("x-rilis"), Some("B"));
    assert!(b.text().contains("data-rilis=\"B\""));
    poll(Duration::from_secs(15), "the new host", || {
        (f.get("baru", "/", &[]).status == 200).then_some(())
    });
    poll(Duration::from_secs(15), "the removed host refused", || {
        (f.get("disdik", "/", &[]).status == 0).then_some(())
    });

    // Readers during many switches: the header (from _headers) and the
    // body (a brotli sibling) always come from the same release.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let switcher = {
        let stop = stop.clone();
        let d = Deploy::new(&f.deploy.root);
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                d.activate(if n % 2 == 0 { "ra" } else { "rb" });
                n += 1;
            }
            n
        })
    };
    let mut seen = std::collections::BTreeSet::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.len() < 2 || Instant::now() < deadline - Duration::from_secs(55) {
        let req = format!(
            "GET / HTTP/1.1\r\nHost: {dinkes}\r\nAccept-Encoding: br\r\nConnection: close\r\n\r\n"
        );
        let resp = raw_https(f.host.https, &dinkes, &f.ca, req.as_bytes());
        let split = resp
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("head");
        let head = String::from_utf8_lossy(&resp[..split]).to_ascii_lowercase();
        let tag = head
            .lines()
            .find_map(|l| l.strip_prefix("x-rilis: "))
            .expect("x-rilis")
            .to_ascii_uppercase();
        assert!(head.contains("content-encoding: br"), "{head}");
        let mut body = Vec::new();
        brotli::Decompressor::new(&resp[split + 4..], 4096)
            .read_to_end(&mut body)
            .expect("brotli");
        let body = String::from_utf8_lossy(&body);
        assert!(
            body.contains(&format!("data-rilis=\"{tag}\"")),
            "header {tag} with the other release's page"
        );
        seen.insert(tag);
        assert!(Instant::now() < deadline, "never saw both releases");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let switches = switcher.join().expect("switcher");
    assert!(switches > 10, "{switches}");
}

#[test]
fn slow_clients_do_not_block_others_and_are_cut_off() {
    let f = file_host(&[
        "--header-timeout",
        "2",
        "--handshake-timeout",
        "2",
        "--idle-timeout",
        "4",
    ]);
    let dinkes = fqdn("dinkes");
    // Connections that never start TLS.
    let silent: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(("127.0.0.1", f.host.https)).expect("connect"))
        .collect();
    // TLS connections that trickle header bytes, one every 300 ms.
    let started = Instant::now();
    let tricklers: Vec<std::thread::JoinHandle<Duration>> = (0..40)
        .map(|_| {
            let (port, host, ca) = (f.host.https, dinkes.clone(), f.ca.clone());
            std::thread::spawn(move || {
                let mut tls = tls_client(port, &host, &ca);
                let mut msg = format!("GET / HTTP/1.1\r\nHost: {host}\r\n").into_bytes();
                msg.extend(std::iter::repeat_n(b'X', 1000));
                for b in msg {
                    if tls.write_all(&[b]).and_then(|_| tls.flush()).is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(300)); // the attack's pace
                    if started.elapsed() > Duration::from_secs(60) {
                        break;
                    }
                }
                started.elapsed()
            })
        })
        .collect();
    // A normal client is served while all of them hang on.
    let r = f.get("dinkes", "/", &[]);
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        tricklers.iter().all(|t| !t.is_finished()),
        "cut off before the normal request"
    );
    // And the slow ones are cut off by the server (header timeout 2 s).
    for t in tricklers {
        let lasted = t.join().expect("trickler");
        assert!(
            lasted < Duration::from_secs(30),
            "a trickler lasted {lasted:?}"
        );
    }
    for mut s in silent {
        s.set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        let mut buf = [0u8; 16];
        let n = s.read(&mut buf);
        assert!(matches!(n, Ok(0) | Err(_)), "silent connection got {n:?}");
        if let Err(e) = &n {
            assert_ne!(
                e.kind(),
                std::io::ErrorKind::WouldBlock,
                "silent connection not closed"
            );
        }
    }
}

#[test]
fn acme_http01_answers_challenges_on_the_http_port() {
    let env = Acme::start(&["dinkes", "disdik"], None);
    let (https, http, pebble) = (env.https, env.http, &env.pebble);
    let server = env.host(&env.args(&["--http01"]));
    for label in ["dinkes", "disdik"] {
        poll(Duration::from_secs(60), label, || {
            (get(&fqdn(label), https, &pebble.root, "/", &[]).status == 200).then_some(())
        });
    }
    assert!(
        server.log().contains("new certificate for dinkes"),
        "{}",
        server.log()
    );
    // No challenge pending: an unknown token is a 404, not a redirect.
    let resolve = format!("{}:{http}:127.0.0.1", fqdn("dinkes"));
    let r = curl(&[
        "--resolve",
        &resolve,
        &format!(
            "http://{}:{http}/.well-known/acme-challenge/x",
            fqdn("dinkes")
        ),
    ]);
    assert_eq!(r.status, 404);
}

#[test]
fn file_certificate_that_does_not_name_a_host_is_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = built();
    let deploy = deploy(&project, tmp.path());
    let pki = Pki::new(tmp.path(), "regency");
    let (cert, key) = pki.leaf(tmp.path(), "two", &[&fqdn("dinkes"), &fqdn("disdik")]);
    let (https, http) = ports();
    let log = tmp.path().join("host.log");
    let server = Host::start(
        &deploy.root,
        https,
        http,
        &[
            "--cert",
            cert.to_str().expect("utf8"),
            "--key",
            key.to_str().expect("utf8"),
        ],
        &log,
    );
    assert_eq!(get(&fqdn("disdik"), https, &pki.ca, "/", &[]).status, 200);
    assert_eq!(get(&fqdn("bpbd"), https, &pki.ca, "/", &[]).status, 0);
    let text = server.log();
    assert!(
        text.contains("warning: the --cert certificate does not name bpbd.cianjurkab.go.id"),
        "{text}"
    );
    assert!(!text.contains("does not name dinkes"), "{text}");
}

/// A TCP connection to 127.0.0.1:`port` from the loopback address `from`
/// (all of 127.0.0.0/8 is local on Linux: many client addresses, no
/// network).
fn connect_from(from: [u8; 4], port: u16) -> std::io::Result<TcpStream> {
    use socket2::{Domain, Socket, Type};
    let s = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    s.bind(&std::net::SocketAddr::from((from, 0)).into())?;
    s.connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)).into(),
        Duration::from_secs(3),
    )?;
    Ok(s.into())
}

/// Threads and resident memory (KiB) of a process, from /proc.
fn threads_and_rss(pid: u32) -> (usize, u64) {
    let status = read(Path::new(&format!("/proc/{pid}/status")));
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in /proc/{pid}/status"))
    };
    (field("Threads:") as usize, field("VmRSS:"))
}

const BIG: usize = 5 * 1024 * 1024;

/// Puts a 5 MiB file at `/unduh/besar.bin` of dinkes in release r1.
fn big_file(f: &FileHost) -> Vec<u8> {
    let dir = f
        .deploy
        .release_dir("r1")
        .join(fqdn("dinkes"))
        .join("unduh");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let data: Vec<u8> = (0..BIG).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.join("besar.bin"), &data).expect("big file");
    data
}

/// A TLS client from `from` that asks for the big file, takes the first
/// byte of the response and then reads nothing more.
fn slow_reader(f: &FileHost, from: [u8; 4]) -> std::io::Result<Tls> {
    let dinkes = fqdn("dinkes");
    let sock = connect_from(from, f.host.https)?;
    let mut tls = tls_over(sock, &dinkes, &f.ca);
    tls.write_all(format!("GET /unduh/besar.bin HTTP/1.1\r\nHost: {dinkes}\r\n\r\n").as_bytes())?;
    tls.flush()?;
    let mut first = [0u8; 1];
    tls.read_exact(&mut first)?;
    Ok(tls)
}

#[test]
fn slow_readers_of_a_large_file_hold_no_threads_and_little_memory() {
    let f = file_host(&["--send-timeout", "300", "--idle-timeout", "300"]);
    let data = big_file(&f);
    let pid = f.host.pid();
    // Warm up: one full download, so the baseline includes the file path.
    let whole = f.get("dinkes", "/unduh/besar.bin", &[]);
    assert_eq!(whole.body.len(), BIG);
    let (threads0, rss0) = threads_and_rss(pid);
    // 300 clients on 6 addresses that stop reading a 5 MiB download.
    let slow: Vec<Tls> = (0..300u16)
        .map(|i| slow_reader(&f, [127, 0, 3, 1 + (i % 6) as u8]).expect("slow reader"))
        .collect();
    let (threads, rss) = threads_and_rss(pid);
    // Before: one blocking thread per slow reader (and 4 chunks queued for each).
    assert!(
        threads <= threads0 + 8,
        "{threads} threads with 300 slow readers (idle: {threads0})"
    );
    let grown = rss.saturating_sub(rss0);
    // The measurement, for the record (`--nocapture`).
    let _ = writeln!(
        std::io::stderr(),
        "300 slow readers: threads {threads0} -> {threads}, RSS {rss0} -> {rss} KiB"
    );
    assert!(
        grown < 300 * 128,
        "{grown} KiB more resident memory for 300 slow readers"
    );
    // A normal visitor is served at once, and so is the whole file.
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let r = f.get("dinkes", "/", &[]);
        times.push(t.elapsed());
        assert_eq!(r.status, 200);
    }
    times.sort();
    assert!(times[1] < Duration::from_secs(1), "page times {times:?}");
    let whole = f.get("dinkes", "/unduh/besar.bin", &[]);
    assert_eq!(whole.status, 200);
    assert!(whole.body == data, "the download arrived whole");
    drop(slow);
}

#[test]
fn a_client_that_stops_reading_is_cut_off_by_the_send_timeout() {
    let f = file_host(&["--send-timeout", "2", "--idle-timeout", "300"]);
    big_file(&f);
    let mut tls = slow_reader(&f, [127, 0, 4, 1]).expect("slow reader");
    // The client stops reading for longer than the send timeout.
    std::thread::sleep(Duration::from_secs(6)); // the attack's pace, not synchronisation
    tls.sock
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut got = Vec::new();
    let end = tls.read_to_end(&mut got);
    if let Err(e) = &end {
        assert!(
            !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "the server did not close: {e}"
        );
    }
    assert!(got.len() < BIG, "the whole file was sent after the stall");
}

#[test]
fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    let f = file_host(&["--header-timeout", "2", "--idle-timeout", "300"]);
    let dinkes = fqdn("dinkes");
    let mut tls = tls_client(f.host.https, &dinkes, &f.ca);
    tls.sock
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    tls.write_all(format!("GET /robots.txt HTTP/1.1\r\nHost: {dinkes}\r\n\r\n").as_bytes())
        .expect("send");
    // Read one whole response (Content-Length), keeping the connection.
    let mut raw = Vec::new();
    let mut buf = [0u8; 4096];
    let body_len = loop {
        let n = tls.read(&mut buf).expect("read");
        assert!(n > 0, "closed before the response");
        raw.extend_from_slice(&buf[..n]);
        let (status, head) = status_and_head(&raw);
        if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            assert_eq!(status, 200, "{head}");
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|v| v.trim().parse().ok())
                .expect("content-length");
            if raw.len() >= i + 4 + len {
                break len;
            }
        }
    };
    assert!(body_len > 0);
    let idle_since = Instant::now();
    let n = tls.read(&mut buf);
    let waited = idle_since.elapsed();
    match n {
        Ok(0) => {}
        Err(e) => assert!(
            !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "still open after {waited:?}: {e}"
        ),
        Ok(n) => panic!("{n} unexpected bytes on an idle connection"),
    }
    // Not before the limit (a lower bound cannot flake on a busy machine).
    assert!(
        waited >= Duration::from_millis(1500),
        "closed after {waited:?}"
    );
}

#[test]
fn the_address_cap_refuses_another_busy_connection_but_not_a_neighbour() {
    let f = file_host(&[
        "--max-per-ip",
        "5",
        "--send-timeout",
        "300",
        "--idle-timeout",
        "300",
    ]);
    big_file(&f);
    let from = [127, 0, 5, 1];
    let busy: Vec<Tls> = (0..5)
        .map(|_| slow_reader(&f, from).expect("slow reader"))
        .collect();
    // The sixth from the same address is closed at once (its handshake fails).
    let sixth = connect_from(from, f.host.https).map(|s| {
        let mut tls = tls_over(s, &fqdn("dinkes"), &f.ca);
        let req = format!("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", fqdn("dinkes"));
        tls.write_all(req.as_bytes())
            .and_then(|()| tls.flush())
            .and_then(|()| {
                let mut b = [0u8; 1];
                tls.read_exact(&mut b)
            })
    });
    assert!(
        matches!(sixth, Err(_) | Ok(Err(_))),
        "a sixth connection from one address was served"
    );
    // A neighbouring address is served.
    let mut tls = tls_over(
        connect_from([127, 0, 5, 2], f.host.https).expect("connect"),
        &fqdn("dinkes"),
        &f.ca,
    );
    let req = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        fqdn("dinkes")
    );
    tls.write_all(req.as_bytes()).expect("send");
    let mut out = Vec::new();
    let _ = tls.read_to_end(&mut out);
    assert_eq!(status_and_head(&out).0, 200);
    drop(busy);
}

#[test]
fn a_flood_of_idle_connections_from_many_addresses_leaves_room_for_a_visitor() {
    let f = file_host(&["--max-connections", "200", "--max-per-ip", "40"]);
    let port = f.host.https;
    // 17 addresses x 40 idle connections, reconnecting for 10 s at most
    // (at most 400 each): 680 held at a time against 200 places.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flooders: Vec<std::thread::JoinHandle<(usize, Vec<TcpStream>)>> = (0..17u8)
        .map(|a| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(10);
                let mut held: Vec<TcpStream> = Vec::new();
                let mut opened = 0;
                while opened < 400
                    && Instant::now() < deadline
                    && !stop.load(std::sync::atomic::Ordering::Relaxed)
                {
                    // Drop the connections the server closed, open new ones.
                    held.retain(|s| {
                        let _ = s.set_nonblocking(true);
                        let mut b = [0u8; 1];
                        matches!(s.peek(&mut b), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
                    });
                    while held.len() < 40 && opened < 400 && Instant::now() < deadline {
                        if let Ok(s) = connect_from([127, 0, 6, 1 + a], port) {
                            held.push(s);
                        }
                        opened += 1;
                    }
                    std::thread::yield_now();
                }
                (opened, held)
            })
        })
        .collect();
    // While the flood goes on, a visitor from another address is served.
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(f.get("dinkes", "/", &[]).status);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut opened = 0;
    let mut held = Vec::new();
    for t in flooders {
        let (n, h) = t.join().expect("flooder");
        opened += n;
        held.extend(h);
    }
    assert_eq!(statuses, vec![200; 5], "after {opened} flood connections");
    assert!(opened > 680, "the flood opened only {opened}");
    // The server keeps at most 200 of them open: the others were closed.
    poll(Duration::from_secs(20), "the flood held to the cap", || {
        let open = held
            .iter()
            .filter(|s| {
                let _ = s.set_nonblocking(true);
                let mut b = [0u8; 1];
                matches!(s.peek(&mut b), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
            })
            .count();
        (open <= 200).then_some(())
    });
}

/// A TCP connection to `[to]:port` from `from`. In the flood test's
/// namespace a whole /64 is routed to `lo` (`ip -6 route add local`), and
/// `IPV6_FREEBIND` lets a socket take any address of it without adding
/// each one to the interface.
fn connect_from6(
    from: std::net::Ipv6Addr,
    to: std::net::Ipv6Addr,
    port: u16,
) -> std::io::Result<TcpStream> {
    use socket2::{Domain, Socket, Type};
    let s = Socket::new(Domain::IPV6, Type::STREAM, None)?;
    s.set_freebind_v6(true)?;
    s.bind(&std::net::SocketAddr::from((from, 0)).into())?;
    s.connect_timeout(
        &std::net::SocketAddr::from((to, port)).into(),
        Duration::from_secs(3),
    )?;
    Ok(s.into())
}

/// [`slow_reader`] over a connection the caller opened.
fn slow_reader_over(f: &FileHost, sock: TcpStream) -> std::io::Result<Tls> {
    let dinkes = fqdn("dinkes");
    let mut tls = tls_over(sock, &dinkes, &f.ca);
    tls.write_all(format!("GET /unduh/besar.bin HTTP/1.1\r\nHost: {dinkes}\r\n\r\n").as_bytes())?;
    tls.flush()?;
    let mut first = [0u8; 1];
    tls.read_exact(&mut first)?;
    Ok(tls)
}

/// The status of `GET /` of dinkes over a connection the caller opened,
/// and how long the whole exchange took.
fn page_over(f: &FileHost, sock: TcpStream) -> (u16, Duration) {
    let t = Instant::now();
    let dinkes = fqdn("dinkes");
    let mut tls = tls_over(sock, &dinkes, &f.ca);
    let req = format!("GET / HTTP/1.1\r\nHost: {dinkes}\r\nConnection: close\r\n\r\n");
    let mut out = Vec::new();
    let sent = tls.write_all(req.as_bytes());
    if sent.is_ok() {
        let _ = tls.read_to_end(&mut out);
    }
    (status_and_head(&out).0, t.elapsed())
}

#[test]
fn a_flooding_ipv6_64_is_held_to_its_cap_and_other_clients_are_served() {
    use std::net::Ipv6Addr;
    let tmp = tempfile::tempdir().expect("tempdir");
    // Its own network: the /64 and its routes exist only for this test.
    let ns = support::netns::Netns::new(tmp.path());
    ns.run(|| {
        use support::netns::ip;
        // fd00:1::/64 floods (every address of it is local); fd00:2::1 is
        // a visitor from another /64.
        ip(&["-6", "route", "add", "local", "fd00:1::/64", "dev", "lo"]);
        ip(&["-6", "addr", "add", "fd00:2::1/64", "dev", "lo", "nodad"]);
        let server: Ipv6Addr = "fd00:2::1".parse().expect("ip");
        let f = file_host_on(
            "[::]",
            &[
                "--max-connections",
                "200",
                "--max-per-net",
                "40",
                "--send-timeout",
                "300",
                "--idle-timeout",
                "300",
            ],
        );
        big_file(&f);
        let port = f.host.https;
        let pid = f.host.pid();
        let whole = f.get("dinkes", "/unduh/besar.bin", &[]);
        assert_eq!(whole.body.len(), BIG);
        let (threads0, rss0) = threads_and_rss(pid);
        // 300 clients, each from its own address of one /64, each holding a
        // download it stops reading (busy: never reaped to make room).
        // Counted per address alone, all would be light and 200 would fill
        // the server.
        let flood = |i: u16| Ipv6Addr::new(0xfd00, 1, 0, 0, 0, 0, 0x100, i);
        let mut held = Vec::new();
        for i in 1..=300u16 {
            if let Ok(t) = connect_from6(flood(i), server, port)
                .and_then(|sock| slow_reader_over(&f, sock))
            {
                held.push(t);
            }
        }
        assert_eq!(held.len(), 40, "downloads held by one /64");
        let (threads, rss) = threads_and_rss(pid);
        let _ = writeln!(
            std::io::stderr(),
            "300 clients of one /64: {} held, threads {threads0} -> {threads}, RSS {rss0} -> {rss} KiB",
            held.len()
        );
        assert!(threads <= threads0 + 8, "{threads} threads (idle: {threads0})");
        assert!(
            rss.saturating_sub(rss0) < 40 * 1024,
            "RSS {rss0} -> {rss} KiB"
        );
        // A visitor from another /64 and one over IPv4 are served at once.
        for _ in 0..3 {
            let sock = connect_from6(server, server, port).expect("connect");
            let (status, took) = page_over(&f, sock);
            assert_eq!(status, 200, "a visitor from fd00:2::/64");
            assert!(took < Duration::from_secs(1), "the page took {took:?}");
            let sock = connect_from([127, 0, 0, 1], port).expect("connect");
            assert_eq!(page_over(&f, sock).0, 200, "a visitor over IPv4");
        }
        // The /64's next client is refused while its downloads run...
        let sock = connect_from6(flood(999), server, port).expect("connect");
        assert_eq!(page_over(&f, sock).0, 0, "a 41st connection of the /64");
        // ...and served once they end: the places come back.
        drop(held);
        poll(Duration::from_secs(10), "the /64 served again", || {
            let sock = connect_from6(flood(999), server, port).ok()?;
            (page_over(&f, sock).0 == 200).then_some(())
        });
    });
}
