//! The conformance fixture: a project whose laman.toml registers one host
//! per fault, bind9 serving the zone `laman dns zone` plans with the faults
//! applied (plus an `example.` zone for out-of-zone NXDOMAIN), one TLS/HTTP
//! server per 127.0.0.x address, and `openssl s_server` with an RSA-1024
//! key. Everything stops when the `Fixture` drops.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use laman::conformance::Recorded;
use sha2::{Digest, Sha256};

use super::Project;
use super::named::{Named, Proc, require, wait_tcp};
use super::tls::{self, Ca, Servers, Spec, page, server_config};

pub const DOMAIN: &str = "cianjurkab.go.id";

/// Registered labels (besides apex and www) and the loopback address of their server.
pub const HOSTS: &[(&str, u8)] = &[
    ("dinkes", 4),
    ("hilang", 0),
    ("salah", 5),
    ("lama", 0),
    ("luar", 0),
    ("disdik", 6),
    ("pasar", 7),
    ("kedaluwarsa", 8),
    ("segera", 9),
    ("salahnama", 10),
    ("mandiri", 11),
    ("lemah", 12),
    ("nohttps", 13),
    ("nohsts", 14),
    ("ubah", 15),
    ("judol", 16),
    ("macet", 17),
    ("ocspbaik", 18),
    ("ocsphilang", 19),
    ("ocspcabut", 20),
    ("antara", 21),
];

/// The OCSP responder the OCSP fixture leaves name.
pub const OCSP_URL: &str = "http://ocsp.fixture.example/";

pub fn fqdn(label: &str) -> String {
    if label == "@" {
        DOMAIN.to_string()
    } else {
        format!("{label}.{DOMAIN}")
    }
}

pub fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, 0, 0, last))
}

/// What each faulty host must fail; every other host must fail nothing.
pub struct Fixture {
    pub project: Project,
    _named: Named,
    _servers: Servers,
    _openssl: Proc,
    pub dns_port: u16,
    pub https_port: u16,
    pub http_port: u16,
}

pub fn laman_toml() -> String {
    let mut s = format!(
        "[region]\nname = \"Kabupaten Cianjur\"\ndomain = \"{DOMAIN}\"\nprofile = \"cianjur\"\n\n[hosting]\nipv4 = [\"127.0.0.1\"]\n\n"
    );
    for (label, _) in HOSTS {
        s.push_str(&format!("[[subdomain]]\nname = \"{label}\"\n\n"));
    }
    // Every host is set by a decree of the register (REG001 passes).
    let labels: Vec<String> = HOSTS.iter().map(|(l, _)| format!("\"{l}\"")).collect();
    s.push_str(&format!(
        "[[decree]]\nnumber = \"500/1/Kep/Diskominfo/2024\"\ndate = 2024-01-15\nissuer = \"Kepala Dinas Komunikasi dan Informatika\"\nsubdomains = [{}]\n\n",
        labels.join(", ")
    ));
    s
}

/// The planned zone (`laman dns zone`) with the deliberate faults applied.
/// The zone's SOA/NS head.
pub const ZONE_HEAD: &str = "$TTL 300\n@ IN SOA ns1 hostmaster 2026112301 3600 600 604800 60\n@ IN NS ns1\nns1 IN A 127.0.0.1\n";

fn zone(planned: &str) -> String {
    let mut z = String::from(ZONE_HEAD);
    for line in planned.lines() {
        let label = line.split('\t').next().unwrap_or_default();
        // faults: a missing record, a wrong address, two dangling CNAMEs, www as an alias
        if ["hilang", "salah", "lama", "luar", "www"].contains(&label) {
            continue;
        }
        z.push_str(line);
        z.push('\n');
    }
    z.push_str("salah\tIN\tA\t127.0.0.99\n");
    z.push_str("lama\tIN\tCNAME\tsitus-lama\n");
    z.push_str("luar\tIN\tCNAME\tapp.tidak-ada.example.\n");
    z.push_str("www\tIN\tCNAME\t@\n");
    z.push_str("disdik\tIN\tCAA\t0 issue \"pebble.letsencrypt.org\"\n");
    z.push_str("*.pasar\tIN\tA\t127.0.0.1\n");
    z
}

fn manifest(hosts: &[&str]) -> String {
    let files = |h: &str| {
        let idx = page(h);
        let sm = tls::sitemap(h);
        serde_json::json!([
            { "path": "index.html", "size": idx.len(), "sha256": hex(&idx) },
            { "path": "sitemap.xml", "size": sm.len(), "sha256": hex(sm.as_bytes()) },
        ])
    };
    let hosts: Vec<_> = hosts
        .iter()
        .map(|h| serde_json::json!({ "host": h, "site": h, "status": "built", "files": files(h) }))
        .collect();
    serde_json::json!({ "schema": 1, "release": "t", "generated": "2026-11-23T01:00:00Z", "domain": DOMAIN, "hosts": hosts }).to_string()
}

pub fn hex(b: &[u8]) -> String {
    laman::output::hex(&Sha256::digest(b))
}

pub fn spec(label: &str, last: u8, tls: Option<std::sync::Arc<rustls::ServerConfig>>) -> Spec {
    let host = fqdn(label);
    Spec {
        home: page(&host),
        host,
        ip: ip(last),
        tls,
        redirect: true,
        hsts: true,
        hang: false,
    }
}

impl Fixture {
    pub fn start() -> Fixture {
        let project = Project {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        project.write("laman.toml", laman_toml());
        let planned = project.cli(&["dns", "zone"]);
        assert_eq!(planned.code, Some(0), "{}", planned.stderr);
        let dir = project.path("net");
        std::fs::create_dir_all(&dir).expect("mkdir");
        let example = "$TTL 300\n@ IN SOA ns1.example. hostmaster.example. 1 3600 600 604800 60\n@ IN NS ns1.example.\nns1 IN A 127.0.0.1\n";
        let named = Named::start(
            &dir,
            &[
                (DOMAIN, zone(&planned.stdout)),
                ("example", example.to_string()),
            ],
        );
        let ca = Ca::new();
        project.write("ca.pem", ca.pem());
        project.write("sites.json", manifest(&[&fqdn("dinkes"), &fqdn("ubah")]));
        let mut all = specs(&ca);
        all.extend(ocsp_specs(&ca, &dir));
        let (servers, https_port, http_port) = Servers::on_free_ports(all);
        let openssl = start_rsa1024(&project, &ca, https_port);
        let dns_port = named.port;
        Fixture {
            project,
            _named: named,
            _servers: servers,
            _openssl: openssl,
            dns_port,
            https_port,
            http_port,
        }
    }
}

/// The chain of issue #11 item 8: a leaf valid for 40 more days, signed by
/// an intermediate that expired yesterday. The leaf began 90 days ago, so
/// the midpoint of its window (where TLS002 was judged before #11) falls
/// while the intermediate was still valid.
pub fn expired_intermediate(ca: &Ca, host: &str) -> tls::Leaf {
    ca.leaf_via_intermediate(&[host], (-90, 40), (-400, -1))
}

/// One server per host with a TLS or HTTP fault, and the healthy ones.
fn specs(ca: &Ca) -> Vec<Spec> {
    let valid = |l: &str| Some(server_config(ca.leaf(&[&fqdn(l)], (-1, 90))));
    let mut specs = vec![
        spec(
            "@",
            2,
            Some(server_config(ca.leaf(&[DOMAIN, &fqdn("www")], (-1, 90)))),
        ),
        spec("dinkes", 4, valid("dinkes")),
        spec("salah", 5, valid("salah")),
        spec("disdik", 6, valid("disdik")),
        spec("pasar", 7, valid("pasar")),
        spec(
            "kedaluwarsa",
            8,
            Some(server_config(ca.leaf(&[&fqdn("kedaluwarsa")], (-400, -35)))),
        ),
        spec(
            "segera",
            9,
            Some(server_config(ca.leaf(&[&fqdn("segera")], (-80, 10)))),
        ),
        // A leaf valid 40 more days under an intermediate that expired yesterday.
        spec(
            "antara",
            21,
            Some(server_config(expired_intermediate(ca, &fqdn("antara")))),
        ),
        spec(
            "salahnama",
            10,
            Some(server_config(ca.leaf(&["lain.example.org"], (-1, 90)))),
        ),
        spec(
            "mandiri",
            11,
            Some(server_config(Ca::self_signed(&[&fqdn("mandiri")]))),
        ),
        spec("lemah", 12, None),
        Spec {
            redirect: false,
            ..spec("nohttps", 13, valid("nohttps"))
        },
        Spec {
            hsts: false,
            ..spec("nohsts", 14, valid("nohsts"))
        },
        Spec {
            home: b"<html><body><h1>Hacked by nobody</h1></body></html>".to_vec(),
            ..spec("ubah", 15, valid("ubah"))
        },
        Spec {
            hang: true,
            ..spec("macet", 17, None)
        },
    ];
    let mut judol = spec("judol", 16, valid("judol"));
    judol.home = b"<html><body><p>Dinas Pasar</p><div style=\"display:none\"><a href=\"https://gacor.example/\">S L O T  G A C O R m4xw1n</a></div></body></html>".to_vec();
    specs.push(judol);
    specs
}

/// TLS011 hosts: a good staple, a responder but no staple, a revoked staple.
fn ocsp_specs(ca: &Ca, dir: &Path) -> Vec<Spec> {
    let (good, good_pem) = ca.leaf_with_ocsp(&[&fqdn("ocspbaik")], 0x1001, OCSP_URL);
    let good_resp = ca.ocsp_response(dir, &good_pem, 0x1001, false, 3);
    let (none, _) = ca.leaf_with_ocsp(&[&fqdn("ocsphilang")], 0x1002, OCSP_URL);
    let (rev, rev_pem) = ca.leaf_with_ocsp(&[&fqdn("ocspcabut")], 0x1003, OCSP_URL);
    let rev_resp = ca.ocsp_response(dir, &rev_pem, 0x1003, true, 3);
    vec![
        spec(
            "ocspbaik",
            18,
            Some(tls::server_config_with_ocsp(good, good_resp)),
        ),
        spec("ocsphilang", 19, Some(server_config(none))),
        spec(
            "ocspcabut",
            20,
            Some(tls::server_config_with_ocsp(rev, rev_resp)),
        ),
    ]
}

fn start_rsa1024(project: &Project, ca: &Ca, port: u16) -> Proc {
    let dir = project.path("net");
    let (key, spki) = tls::rsa1024(&dir);
    let cert = dir.join("rsa1024.pem");
    std::fs::write(&cert, ca.leaf_for_key(&[&fqdn("lemah")], &spki)).expect("write cert");
    let addr = SocketAddr::new(ip(12), port);
    let log = std::fs::File::create(dir.join("s_server.log")).expect("log");
    let p = Proc::spawn(
        Command::new(require("openssl", "openssl"))
            .args([
                "s_server",
                "-quiet",
                "-www",
                "-cipher",
                "ALL:@SECLEVEL=0",
                "-accept",
            ])
            .arg(addr.to_string())
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdout(log.try_clone().expect("dup"))
            .stderr(log),
    );
    wait_tcp(addr, Duration::from_secs(10), "openssl s_server");
    p
}

pub fn run_args(f: &Fixture, out: &Path) -> Vec<String> {
    let mut a: Vec<String> = vec![
        "conformance".into(),
        "--resolver".into(),
        format!("127.0.0.1:{}", f.dns_port),
        "--https-port".into(),
        f.https_port.to_string(),
        "--http-port".into(),
        f.http_port.to_string(),
        "--ca-root".into(),
        f.project.path("ca.pem").display().to_string(),
        "--manifest".into(),
        f.project.path("sites.json").display().to_string(),
        "--timeout".into(),
        "2".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    let mut map = vec![("@", 2u8), ("www", 2)];
    map.extend(HOSTS.iter().filter(|(_, l)| *l != 0).copied());
    for (label, last) in map {
        a.push("--connect".into());
        a.push(format!("{}={}", fqdn(label), ip(last)));
    }
    a
}

/// Runs `laman conformance` against the fixture, writing into `out`, with `extra` arguments.
pub fn run_conformance(f: &Fixture, out: &Path, extra: &[String]) -> super::CliOutput {
    let mut args = run_args(f, out);
    args.extend(extra.iter().cloned());
    f.project
        .cli(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

pub fn read(out: &Path) -> Vec<Recorded> {
    let text = std::fs::read_to_string(out.join("findings.jsonl")).expect("findings.jsonl");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("finding line"))
        .collect()
}
