//! Support for the `laman host` tests (host.rs): a `dir` deploy root laid out from a `laman
//! build` output the way `laman publish` does it (releases/<id>/ with
//! gzip/brotli siblings, `current` switched by rename), a certificate
//! authority and PEM files made with rcgen, pebble (ACME) on free
//! loopback ports, the `laman host` process, and the real `curl`.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};

use super::copy_tree;
use super::named::{Proc, free_port, require, wait_tcp};

pub const DOMAIN: &str = "cianjurkab.go.id";

pub fn fqdn(label: &str) -> String {
    format!("{label}.{DOMAIN}")
}

/// A deploy root: `current`, `releases/`.
pub struct Deploy {
    pub root: PathBuf,
}

impl Deploy {
    pub fn new(root: &Path) -> Deploy {
        std::fs::create_dir_all(root.join("releases")).expect("mkdir releases");
        Deploy {
            root: root.to_path_buf(),
        }
    }

    pub fn release_dir(&self, id: &str) -> PathBuf {
        self.root.join("releases").join(id)
    }

    /// Copies a build output (`public/`) to `releases/<id>`, lets `edit`
    /// change it, then writes the `.gz`/`.br` siblings publish writes.
    pub fn add_release(&self, public: &Path, id: &str, edit: impl FnOnce(&Path)) -> PathBuf {
        let dir = self.release_dir(id);
        copy_tree(public, &dir);
        edit(&dir);
        precompress(&dir);
        dir
    }

    /// Points `current` at `releases/<id>` atomically (new link, rename).
    pub fn activate(&self, id: &str) {
        let tmp = self.root.join(format!(".current.tmp-{id}"));
        let _ = std::fs::remove_file(&tmp);
        std::os::unix::fs::symlink(format!("releases/{id}"), &tmp).expect("symlink");
        std::fs::rename(&tmp, self.root.join("current")).expect("rename current");
    }
}

/// Text files that publish precompresses.
fn compressible(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("html" | "css" | "js" | "json" | "xml" | "txt" | "svg" | "webmanifest")
    )
}

/// Writes `.gz` and `.br` beside text files over 1024 bytes when smaller.
pub fn precompress(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.expect("walk");
        let p = entry.path();
        if !entry.file_type().is_file()
            || !compressible(p)
            || p.file_name() == Some("sites.json".as_ref())
        {
            continue;
        }
        let data = std::fs::read(p).expect("read");
        if data.len() <= 1024 {
            continue;
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&data).expect("gzip");
        let gz = gz.finish().expect("gzip");
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 4, 20);
            w.write_all(&data).expect("brotli");
        }
        let name = p.file_name().expect("name").to_string_lossy().into_owned();
        if gz.len() < data.len() {
            std::fs::write(p.with_file_name(format!("{name}.gz")), gz).expect("write gz");
        }
        if br.len() < data.len() {
            std::fs::write(p.with_file_name(format!("{name}.br")), br).expect("write br");
        }
    }
}

/// A CA and leaf certificates as PEM files.
pub struct Pki {
    issuer: CertifiedIssuer<'static, KeyPair>,
    pub ca: PathBuf,
}

impl Pki {
    pub fn new(dir: &Path, name: &str) -> Pki {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.distinguished_name.push(DnType::CommonName, name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let issuer =
            CertifiedIssuer::self_signed(p, KeyPair::generate().expect("key")).expect("ca");
        let ca = dir.join(format!("{name}-ca.pem"));
        std::fs::write(&ca, issuer.as_ref().pem()).expect("write ca");
        Pki { issuer, ca }
    }

    /// Writes `<stem>.pem` (leaf + CA) and `<stem>.key` for `sans`.
    pub fn leaf(&self, dir: &Path, stem: &str, sans: &[&str]) -> (PathBuf, PathBuf) {
        let sans: Vec<String> = sans.iter().map(|s| s.to_string()).collect();
        let mut p = CertificateParams::new(sans.clone()).expect("params");
        p.distinguished_name
            .push(DnType::CommonName, sans[0].clone());
        let key = KeyPair::generate().expect("key");
        let cert = p.signed_by(&key, &self.issuer).expect("sign");
        let (c, k) = (
            dir.join(format!("{stem}.pem")),
            dir.join(format!("{stem}.key")),
        );
        std::fs::write(&c, format!("{}{}", cert.pem(), self.issuer.as_ref().pem())).expect("cert");
        std::fs::write(&k, key.serialize_pem()).expect("key");
        (c, k)
    }
}

/// pebble on free loopback ports, validating against `tls_port`/`http_port`.
pub struct Pebble {
    _proc: Proc,
    pub directory: String,
    /// CA of pebble's own HTTPS certificate (`--acme-ca-root`).
    pub api_ca: PathBuf,
    /// pebble's issuing root, fetched after start (curl `--cacert`).
    pub root: PathBuf,
}

impl Pebble {
    pub fn start(
        dir: &Path,
        dns_port: u16,
        tls_port: u16,
        http_port: u16,
        validity: Option<u64>,
    ) -> Pebble {
        let pebble = require("pebble", "pebble");
        std::fs::create_dir_all(dir).expect("mkdir");
        let pki = Pki::new(dir, "pebble-api");
        let (cert, key) = pki.leaf(dir, "localhost", &["localhost", "127.0.0.1"]);
        let (api, mgmt) = (free_port(), free_port());
        let mut cfg = serde_json::json!({ "pebble": {
            "listenAddress": format!("127.0.0.1:{api}"),
            "managementListenAddress": format!("127.0.0.1:{mgmt}"),
            "certificate": cert, "privateKey": key,
            "httpPort": http_port, "tlsPort": tls_port,
            "ocspResponderURL": "", "externalAccountBindingRequired": false
        }});
        if let Some(v) = validity {
            cfg["pebble"]["certificateValidityPeriod"] = v.into();
        }
        let conf = dir.join("pebble.json");
        std::fs::write(&conf, cfg.to_string()).expect("pebble.json");
        let log = dir.join("pebble.log");
        let out = std::fs::File::create(&log).expect("log");
        let mut proc = Proc::spawn(
            Command::new(pebble)
                .arg("-config")
                .arg(&conf)
                .arg("-dnsserver")
                .arg(format!("127.0.0.1:{dns_port}"))
                .arg("-strict=false")
                .env("PEBBLE_VA_NOSLEEP", "1")
                .env("PEBBLE_WFE_NONCEREJECT", "0")
                .env("PEBBLE_AUTHZREUSE", "0")
                .stdout(out.try_clone().expect("dup"))
                .stderr(out),
        );
        wait_tcp(
            ([127, 0, 0, 1], mgmt).into(),
            Duration::from_secs(10),
            "pebble",
        );
        proc.assert_running(&log);
        let root = dir.join("pebble-root.pem");
        let got = curl(&[
            "--cacert",
            pki.ca.to_str().expect("utf8"),
            "-o",
            root.to_str().expect("utf8"),
            &format!("https://127.0.0.1:{mgmt}/roots/0"),
        ]);
        assert_eq!(got.code, 0, "fetch pebble root: {}", got.stderr);
        Pebble {
            _proc: proc,
            directory: format!("https://127.0.0.1:{api}/dir"),
            api_ca: pki.ca.clone(),
            root,
        }
    }
}

/// The zone of the tests: the apex and `labels` with A 127.0.0.1 only
/// (pebble validates over IPv6 only when there is an AAAA record).
pub fn zone(labels: &[&str]) -> String {
    let mut z = format!(
        "$ORIGIN {DOMAIN}.\n$TTL 300\n@ IN SOA ns1 hostmaster 2026112301 3600 600 604800 60\n@ IN NS ns1\nns1 IN A 127.0.0.1\n@ IN A 127.0.0.1\n"
    );
    for l in labels {
        z.push_str(&format!("{l} IN A 127.0.0.1\n"));
    }
    z
}

/// A running `laman host`.
pub struct Host {
    proc: Option<Proc>,
    pub https: u16,
    pub http: u16,
    pub log: PathBuf,
}

impl Host {
    /// Starts `laman host --root <root> <args…>` on the given ports and
    /// waits until HTTPS accepts connections.
    pub fn start(root: &Path, https: u16, http: u16, args: &[&str], log: &Path) -> Host {
        Host::start_on("127.0.0.1", root, https, http, args, log)
    }

    /// [`Host::start`] with HTTPS on `listen` (`[::]`: dual-stack, every
    /// address of the test's network namespace).
    pub fn start_on(
        listen: &str,
        root: &Path,
        https: u16,
        http: u16,
        args: &[&str],
        log: &Path,
    ) -> Host {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .expect("log");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_laman"));
        cmd.arg("--lang")
            .arg("en")
            .arg("host")
            .arg("--root")
            .arg(root)
            .arg("--https")
            .arg(format!("{listen}:{https}"))
            .arg("--http")
            .arg(format!("127.0.0.1:{http}"))
            .args(args)
            .stdout(Stdio::null())
            .stderr(out);
        let mut proc = Proc::spawn(&mut cmd);
        let addr: SocketAddr = ([127, 0, 0, 1], https).into();
        let deadline = Instant::now() + Duration::from_secs(15);
        while std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            proc.assert_running(log);
            assert!(
                Instant::now() < deadline,
                "laman host did not listen: {}",
                read(log)
            );
            std::thread::sleep(Duration::from_millis(20)); // poll interval
        }
        Host {
            proc: Some(proc),
            https,
            http,
            log: log.to_path_buf(),
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.proc.as_ref().map_or(0, |p| p.id())
    }

    pub fn stop(&mut self) {
        self.proc.take();
    }

    pub fn log(&self) -> String {
        read(&self.log)
    }
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

/// What curl got.
#[derive(Debug)]
pub struct Curl {
    pub code: i32,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub stderr: String,
}

impl Curl {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Runs the real curl with `-sS -i`; splits status, headers and body.
pub fn curl(args: &[&str]) -> Curl {
    let bin = require("curl", "curl");
    let out = Command::new(bin)
        .args(["-sS", "-i", "--max-time", "10"])
        .args(args)
        .output()
        .expect("run curl");
    let raw = out.stdout;
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n");
    let (head, body) = match split {
        Some(i) => (
            String::from_utf8_lossy(&raw[..i]).into_owned(),
            raw[i + 4..].to_vec(),
        ),
        None => (String::new(), raw.clone()),
    };
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Curl {
        code: out.status.code().unwrap_or(-1),
        status,
        headers,
        body,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// GET `https://<host>:<port><path>` resolved to loopback, trusting `ca`.
pub fn get(host: &str, port: u16, ca: &Path, path: &str, extra: &[&str]) -> Curl {
    let resolve = format!("{host}:{port}:127.0.0.1");
    let url = format!("https://{host}:{port}{path}");
    let mut args = vec![
        "--path-as-is",
        "--resolve",
        &resolve,
        "--cacert",
        ca.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    args.push(&url);
    curl(&args)
}

/// Polls `f` until it returns `Some` or `limit` passes.
pub fn poll<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100)); // poll interval
    }
}
