//! TLS and HTTP fixture servers for the conformance tests: a test CA and
//! leaf certificates made with rcgen (valid, expired, expiring, wrong name,
//! self-signed, and a leaf for an RSA-1024 key made by `openssl genrsa`),
//! and in-process servers, one per loopback address (127.0.0.x), each
//! serving HTTPS and plain HTTP on the same two ports. Dropping `Servers`
//! stops them all.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
    SubjectPublicKeyInfo,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The fixture CA (organisation "Let's Encrypt", so CAA maps it to letsencrypt.org).
pub struct Ca {
    issuer: CertifiedIssuer<'static, KeyPair>,
    key_pem: String,
}

/// A certificate chain and its key.
pub struct Leaf {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl Ca {
    pub fn new() -> Ca {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.distinguished_name
            .push(DnType::CommonName, "Fixture Root R1");
        p.distinguished_name
            .push(DnType::OrganizationName, "Let's Encrypt");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().expect("key");
        let key_pem = key.serialize_pem();
        Ca {
            issuer: CertifiedIssuer::self_signed(p, key).expect("ca"),
            key_pem,
        }
    }

    /// A leaf with serial `serial` whose AIA names the OCSP responder `url`,
    /// and its PEM (for `openssl ocsp`).
    pub fn leaf_with_ocsp(&self, sans: &[&str], serial: u64, url: &str) -> (Leaf, String) {
        let mut p = Self::params(sans, (-1, 90));
        p.serial_number = Some(rcgen::SerialNumber::from(serial));
        p.custom_extensions
            .push(rcgen::CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 5, 5, 7, 1, 1],
                aia_ocsp(url),
            ));
        let key = KeyPair::generate().expect("key");
        let cert = p.signed_by(&key, &self.issuer).expect("sign");
        let leaf = Leaf {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        };
        (leaf, cert.pem())
    }

    /// An OCSP response for the leaf `leaf_pem` (serial `serial`) made by
    /// `openssl ocsp` from an index: `good` or `revoked`, valid `days`.
    pub fn ocsp_response(
        &self,
        dir: &Path,
        leaf_pem: &str,
        serial: u64,
        revoked: bool,
        days: u32,
    ) -> Vec<u8> {
        let openssl = super::named::require("openssl", "openssl");
        let tag = format!("ocsp-{serial:x}");
        let path = |ext: &str| dir.join(format!("{tag}.{ext}"));
        std::fs::write(path("ca.pem"), self.pem()).expect("write");
        std::fs::write(path("ca.key"), &self.key_pem).expect("write");
        std::fs::write(path("leaf.pem"), leaf_pem).expect("write");
        let (status, when) = if revoked {
            ("R", "260101000000Z")
        } else {
            ("V", "")
        };
        std::fs::write(
            path("index"),
            format!("{status}\t301231235959Z\t{when}\t{serial:02X}\tunknown\t/CN=leaf\n"),
        )
        .expect("write");
        let run = |args: &[&std::ffi::OsStr]| {
            let out = std::process::Command::new(&openssl)
                .args(args)
                .output()
                .expect("openssl ocsp");
            assert!(
                out.status.success(),
                "openssl ocsp: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let (ca, key, leaf, index, req, resp) = (
            path("ca.pem"),
            path("ca.key"),
            path("leaf.pem"),
            path("index"),
            path("req"),
            path("resp"),
        );
        run(&[
            "ocsp".as_ref(),
            "-issuer".as_ref(),
            ca.as_os_str(),
            "-cert".as_ref(),
            leaf.as_os_str(),
            "-no_nonce".as_ref(),
            "-reqout".as_ref(),
            req.as_os_str(),
        ]);
        let days = days.to_string();
        run(&[
            "ocsp".as_ref(),
            "-index".as_ref(),
            index.as_os_str(),
            "-rsigner".as_ref(),
            ca.as_os_str(),
            "-rkey".as_ref(),
            key.as_os_str(),
            "-CA".as_ref(),
            ca.as_os_str(),
            "-reqin".as_ref(),
            req.as_os_str(),
            "-respout".as_ref(),
            resp.as_os_str(),
            "-resp_no_certs".as_ref(),
            "-ndays".as_ref(),
            days.as_ref(),
        ]);
        std::fs::read(resp).expect("read response")
    }

    pub fn pem(&self) -> String {
        self.issuer.as_ref().pem()
    }

    fn params(sans: &[&str], days: (i64, i64)) -> CertificateParams {
        let sans: Vec<String> = sans.iter().map(|s| s.to_string()).collect();
        let mut p = CertificateParams::new(sans.clone()).expect("params");
        p.distinguished_name.push(
            DnType::CommonName,
            sans.first().cloned().unwrap_or_default(),
        );
        let (y, m, d) = ymd(days.0);
        p.not_before = rcgen::date_time_ymd(y, m, d);
        let (y, m, d) = ymd(days.1);
        p.not_after = rcgen::date_time_ymd(y, m, d);
        p
    }

    /// A leaf for `sans`, valid from `days.0` to `days.1` days from now.
    pub fn leaf(&self, sans: &[&str], days: (i64, i64)) -> Leaf {
        let key = KeyPair::generate().expect("key");
        let cert = Self::params(sans, days)
            .signed_by(&key, &self.issuer)
            .expect("sign");
        Leaf {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    /// A leaf for `sans` valid `leaf_days`, signed by an intermediate CA
    /// (itself signed by this root) valid `intermediate_days` (days from
    /// today); the chain served is leaf then intermediate.
    pub fn leaf_via_intermediate(
        &self,
        sans: &[&str],
        leaf_days: (i64, i64),
        intermediate_days: (i64, i64),
    ) -> Leaf {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.distinguished_name
            .push(DnType::CommonName, "Fixture Intermediate E1");
        p.distinguished_name
            .push(DnType::OrganizationName, "Let's Encrypt");
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let (y, m, d) = ymd(intermediate_days.0);
        p.not_before = rcgen::date_time_ymd(y, m, d);
        let (y, m, d) = ymd(intermediate_days.1);
        p.not_after = rcgen::date_time_ymd(y, m, d);
        let intermediate =
            CertifiedIssuer::signed_by(p, KeyPair::generate().expect("key"), &self.issuer)
                .expect("intermediate");
        let key = KeyPair::generate().expect("key");
        let cert = Self::params(sans, leaf_days)
            .signed_by(&key, &intermediate)
            .expect("sign");
        Leaf {
            chain: vec![cert.der().clone(), intermediate.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    /// A self-signed certificate for `sans`.
    pub fn self_signed(sans: &[&str]) -> Leaf {
        let key = KeyPair::generate().expect("key");
        let cert = Self::params(sans, (-1, 90))
            .self_signed(&key)
            .expect("self-sign");
        Leaf {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        }
    }

    /// Signs a leaf for the public key in `spki_pem` (e.g. RSA-1024 from openssl); returns PEM.
    pub fn leaf_for_key(&self, sans: &[&str], spki_pem: &str) -> String {
        let spki = SubjectPublicKeyInfo::from_pem(spki_pem).expect("spki");
        Self::params(sans, (-1, 90))
            .signed_by(&spki, &self.issuer)
            .expect("sign")
            .pem()
    }
}

/// DER of an AuthorityInfoAccess extension with one OCSP responder URL.
fn aia_ocsp(url: &str) -> Vec<u8> {
    let oid = [0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
    let mut desc = oid.to_vec();
    desc.push(0x86);
    desc.push(url.len() as u8);
    desc.extend_from_slice(url.as_bytes());
    let mut inner = vec![0x30, desc.len() as u8];
    inner.extend(desc);
    let mut outer = vec![0x30, inner.len() as u8];
    outer.extend(inner);
    outer
}

/// The date `n` days from today (UTC).
fn ymd(n: i64) -> (i32, u8, u8) {
    use chrono::Datelike;
    let d = chrono::Utc::now().date_naive() + chrono::Duration::days(n);
    (d.year(), d.month() as u8, d.day() as u8)
}

/// How one fixture host behaves.
#[derive(Clone)]
pub struct Spec {
    pub host: String,
    pub ip: IpAddr,
    /// None: no HTTPS listener from us (e.g. openssl s_server serves it).
    pub tls: Option<Arc<ServerConfig>>,
    /// http:// answers 301 to https://host/ (else 200 with the page).
    pub redirect: bool,
    /// HTTPS responses carry HSTS.
    pub hsts: bool,
    /// Body of `/`.
    pub home: Vec<u8>,
    /// Accept connections and never answer (a hung host).
    pub hang: bool,
}

pub fn server_config(leaf: Leaf) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(leaf.chain, leaf.key)
        .expect("cert");
    Arc::new(cfg)
}

/// A server config that staples `ocsp` to every handshake.
pub fn server_config_with_ocsp(leaf: Leaf, ocsp: Vec<u8>) -> Arc<ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert_with_ocsp(leaf.chain, leaf.key, ocsp)
        .expect("cert");
    Arc::new(cfg)
}

/// All in-process fixture servers; stopped on drop.
pub struct Servers {
    rt: Option<tokio::runtime::Runtime>,
}

impl Drop for Servers {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

impl Servers {
    /// Serves `specs` on two ports free on every address they use, bound
    /// before returning: (servers, HTTPS port, HTTP port). `free_port`
    /// looks at 127.0.0.1 only, and another test may hold a port on one of
    /// the other loopback addresses (CI saw 127.0.0.2 taken once), or take
    /// it in between: then two other ports are tried.
    pub fn on_free_ports(specs: Vec<Spec>) -> (Servers, u16, u16) {
        let mut taken = Vec::new();
        loop {
            let (https_port, http_port) = (super::named::free_port(), super::named::free_port());
            match Servers::try_start(specs.clone(), https_port, http_port) {
                Ok(servers) => return (servers, https_port, http_port),
                Err(addr) => taken.push(addr),
            }
            assert!(taken.len() < 20, "no two free ports: {taken:?} in use");
        }
    }

    /// Binds every spec's address on both ports before returning, or gives
    /// back the address that was in use.
    fn try_start(specs: Vec<Spec>, https_port: u16, http_port: u16) -> Result<Servers, SocketAddr> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let mut bound = Vec::new();
        for spec in specs {
            let spec = Arc::new(spec);
            if spec.tls.is_some() || spec.hang {
                let l = bind(&rt, SocketAddr::new(spec.ip, https_port))?;
                bound.push((l, spec.clone(), true));
            }
            let l = bind(&rt, SocketAddr::new(spec.ip, http_port))?;
            bound.push((l, spec, false));
        }
        for (l, spec, tls) in bound {
            rt.spawn(accept(l, spec, tls));
        }
        Ok(Servers { rt: Some(rt) })
    }
}

/// A listener on `addr`; the address back when it is in use.
fn bind(
    rt: &tokio::runtime::Runtime,
    addr: SocketAddr,
) -> Result<tokio::net::TcpListener, SocketAddr> {
    match rt.block_on(tokio::net::TcpListener::bind(addr)) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Err(addr),
        Err(e) => panic!("bind {addr}: {e}"),
    }
}

async fn accept(l: tokio::net::TcpListener, spec: Arc<Spec>, tls: bool) {
    let mut held = Vec::new();
    while let Ok((s, _)) = l.accept().await {
        if spec.hang {
            held.push(s); // never answer
            continue;
        }
        let spec = spec.clone();
        tokio::spawn(async move {
            match (&spec.tls, tls) {
                (Some(cfg), true) => {
                    if let Ok(t) = tokio_rustls::TlsAcceptor::from(cfg.clone()).accept(s).await {
                        serve(t, &spec, true).await;
                    }
                }
                _ => serve(s, &spec, false).await,
            }
        });
    }
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut s: S, spec: &Spec, tls: bool) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16384 {
        match s.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let host = head
        .lines()
        .find_map(|l| {
            l.strip_prefix("Host: ")
                .or_else(|| l.strip_prefix("host: "))
        })
        .unwrap_or(&spec.host)
        .trim()
        .to_string();
    let resp = respond(spec, tls, &path, &host);
    let _ = s.write_all(&resp).await;
    let _ = s.shutdown().await;
}

fn respond(spec: &Spec, tls: bool, path: &str, host: &str) -> Vec<u8> {
    if !tls && spec.redirect {
        return format!("HTTP/1.1 301 Moved Permanently\r\nLocation: https://{host}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").into_bytes();
    }
    let expires = (chrono::Utc::now() + chrono::Duration::days(180)).to_rfc3339();
    let (status, ctype, body) = match path {
        "/" => ("200 OK", "text/html; charset=utf-8", spec.home.clone()),
        "/.well-known/security.txt" => (
            "200 OK",
            "text/plain",
            format!("Contact: mailto:csirt@{host}\nExpires: {expires}\n").into_bytes(),
        ),
        "/sitemap.xml" => ("200 OK", "application/xml", sitemap(host).into_bytes()),
        _ => ("404 Not Found", "text/plain", b"tidak ditemukan".to_vec()),
    };
    let mut h = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if tls {
        if spec.hsts {
            h.push_str("Strict-Transport-Security: max-age=31536000; includeSubDomains\r\n");
        }
        h.push_str("Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; object-src 'none'\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: strict-origin-when-cross-origin\r\n");
    }
    h.push_str("\r\n");
    let mut out = h.into_bytes();
    out.extend_from_slice(&body);
    out
}

/// The sitemap every fixture host serves.
pub fn sitemap(host: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://{host}/</loc></url></urlset>\n"
    )
}

/// The home page of a healthy fixture host.
pub fn page(host: &str) -> Vec<u8> {
    format!("<!DOCTYPE html><html lang=\"id\"><head><title>{host}</title></head><body><h1>Dinas</h1><p>Jam pelayanan 08.00–16.00, slot waktu antrean daring.</p><a href=\"https://ppid.cianjurkab.go.id/\">PPID</a></body></html>\n").into_bytes()
}

/// Writes an RSA-1024 key with `openssl genrsa`; returns (key path, public key PEM).
pub fn rsa1024(dir: &Path) -> (std::path::PathBuf, String) {
    let openssl = super::named::require("openssl", "openssl");
    let key = dir.join("rsa1024.key");
    let st = std::process::Command::new(&openssl)
        .args(["genrsa", "-out"])
        .arg(&key)
        .arg("1024")
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl genrsa");
    assert!(st.success(), "openssl genrsa failed");
    let out = std::process::Command::new(&openssl)
        .args(["rsa", "-pubout", "-in"])
        .arg(&key)
        .stderr(std::process::Stdio::null())
        .output()
        .expect("openssl rsa -pubout");
    (key, String::from_utf8_lossy(&out.stdout).into_owned())
}
