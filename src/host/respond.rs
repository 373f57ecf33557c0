//! From a request to a response, for one release. HTTPS: the host's
//! files with `_headers`, `_redirects`, HSTS, ETag/Last-Modified and
//! precompressed siblings; HTTP: a redirect to HTTPS (or an HTTP-01
//! answer). No network code here: `server.rs` feeds requests in.

use std::future::Future as _;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, combinators::BoxBody};
use hyper::body::Frame;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};

use crate::host::files::{self, Encoding, Found, Opened};
use crate::host::path::{self, CleanPath};
use crate::host::release::{Release, Site};

/// The body of every response.
pub type Body = BoxBody<Bytes, std::io::Error>;

/// The HSTS value when `_headers` does not set one: one year, no
/// `includeSubDomains` (the regency's apex would otherwise force HTTPS on
/// registered hosts laman does not serve).
pub const HSTS: &str = "max-age=31536000";

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

fn empty() -> Body {
    full(Bytes::new())
}

fn text(status: StatusCode, msg: &'static str) -> Response<Body> {
    let mut r = Response::new(full(msg));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// Why the host of a request is refused (the answer is 400: RFC 9112 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadHost {
    /// HTTP/1.1 (or later) without a Host header.
    Missing,
    /// More than one Host header.
    Duplicate,
    /// An absolute-form target naming another host than the Host header.
    Conflict,
    /// A Host that is empty or not text.
    Invalid,
}

/// A host name without port or trailing dot, lower-cased.
fn host_name(raw: &str) -> String {
    // `[::1]:443` is the IPv6 literal `[::1]` and a port; `[::1]` has none.
    let bracketed = raw
        .strip_prefix('[')
        .and_then(|r| r.find(']'))
        .map(|end| &raw[..end + 2]);
    let name = match (bracketed, raw.rsplit_once(':')) {
        (Some(literal), _) => literal,
        (None, Some((h, port))) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => raw,
    };
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The host a request names, lower-case, without port or trailing dot.
/// `Ok(None)` only for an HTTP/1.0 request that names none (HTTPS then
/// falls back to the SNI). Refused: HTTP/1.1 without Host, two Host
/// headers, an empty Host, and an absolute-form target (`GET
/// https://a/…`) whose host is not the Host header's: a proxy or cache in
/// front would key on one and laman would answer for the other.
pub fn request_host<B>(req: &Request<B>) -> Result<Option<String>, BadHost> {
    let mut all = req.headers().get_all(header::HOST).iter();
    let first = all.next();
    if all.next().is_some() {
        return Err(BadHost::Duplicate);
    }
    let header = match first {
        Some(v) => {
            let v = v.to_str().map_err(|_| BadHost::Invalid)?.trim();
            if v.is_empty() {
                return Err(BadHost::Invalid);
            }
            Some(host_name(v))
        }
        None if req.version() >= hyper::Version::HTTP_11 => return Err(BadHost::Missing),
        None => None,
    };
    let target = req.uri().host().map(host_name);
    match (header, target) {
        (Some(h), Some(t)) if h != t => Err(BadHost::Conflict),
        (Some(h), _) => Ok(Some(h)),
        (None, t) => Ok(t),
    }
}

/// Answers one HTTPS request from `release`. `sni` is the name the TLS
/// client asked for; a Host header naming another host gets 421.
pub fn https<B>(
    req: &Request<B>,
    sni: Option<&str>,
    release: Option<&Arc<Release>>,
) -> Response<Body> {
    let head = req.method() == Method::HEAD;
    if req.method() != Method::GET && !head {
        let mut r = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let host = match request_host(req) {
        Ok(h) => h,
        Err(_) => return text(StatusCode::BAD_REQUEST, "bad Host\n"),
    };
    if let (Some(h), Some(s)) = (host.as_deref(), sni) {
        if h != s {
            return text(StatusCode::MISDIRECTED_REQUEST, "misdirected request\n");
        }
    }
    let site = host
        .as_deref()
        .or(sni)
        .and_then(|h| release.and_then(|r| r.hosts.get(h)));
    let Some(site) = site else {
        return text(StatusCode::MISDIRECTED_REQUEST, "unknown host\n");
    };
    let clean = match path::clean(req.uri().path()) {
        Ok(c) => c,
        Err(_) => return finish(site, "/", text(StatusCode::BAD_REQUEST, "bad request\n")),
    };
    let mut resp = serve(site, &clean, req.uri().query(), req.headers());
    if head {
        *resp.body_mut() = empty();
    }
    finish(site, &clean.url, resp)
}

fn serve(
    site: &Site,
    clean: &CleanPath,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Response<Body> {
    if let Some(r) = redirect(site, &clean.url, query, headers, true) {
        return r;
    }
    if path::is_hidden(&clean.rel) {
        return not_found(site, headers);
    }
    let rel = if clean.dir || clean.rel.is_empty() {
        if clean.rel.is_empty() {
            "index.html".to_string()
        } else {
            format!("{}/index.html", clean.rel)
        }
    } else {
        clean.rel.clone()
    };
    match files::open(&site.files, &rel) {
        Found::File(f) => file_response(site, &rel, f, headers, StatusCode::OK),
        Found::Dir => {
            let mut loc = format!("{}/", clean.url);
            if let Some(q) = query {
                loc.push('?');
                loc.push_str(q);
            }
            moved(StatusCode::MOVED_PERMANENTLY, &loc)
        }
        Found::Missing => redirect(site, &clean.url, query, headers, false)
            .unwrap_or_else(|| not_found(site, headers)),
    }
}

fn moved(status: StatusCode, location: &str) -> Response<Body> {
    let mut r = Response::new(empty());
    *r.status_mut() = status;
    match HeaderValue::from_str(&encode_location(&same_host(location))) {
        Ok(v) => {
            r.headers_mut().insert(header::LOCATION, v);
            r
        }
        Err(_) => text(StatusCode::BAD_REQUEST, "bad request\n"),
    }
}

/// A path-absolute location keeps exactly one leading `/`: `//x` and
/// `/\x` would be scheme-relative (a link to the host `x`) in browsers.
/// Absolute URLs (`https://…`, from `_redirects`) pass unchanged.
pub fn same_host(loc: &str) -> std::borrow::Cow<'_, str> {
    if loc.starts_with('/') {
        let rest = loc.trim_start_matches(['/', '\\']);
        if rest.len() + 1 != loc.len() {
            return format!("/{rest}").into();
        }
    }
    loc.into()
}

fn encode_location(loc: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`');
    percent_encoding::utf8_percent_encode(loc, SET).to_string()
}

fn redirect(
    site: &Site,
    url: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    forced: bool,
) -> Option<Response<Body>> {
    let (rule, mut to) = site
        .redirects
        .iter()
        .filter(|r| r.force == forced)
        .find_map(|r| r.target(url, query).map(|to| (r, to)))?;
    match rule.status {
        200 | 404 => {
            let clean = path::clean(to.split('?').next().unwrap_or("/")).ok()?;
            let rel = if clean.dir {
                format!("{}/index.html", clean.rel)
                    .trim_start_matches('/')
                    .to_string()
            } else {
                clean.rel.clone()
            };
            if path::is_hidden(&rel) {
                return None;
            }
            let status = StatusCode::from_u16(rule.status).ok()?;
            match files::open(&site.files, &rel) {
                Found::File(f) => Some(file_response(site, &rel, f, headers, status)),
                _ => None,
            }
        }
        410 => Some(text(StatusCode::GONE, "gone\n")),
        code => {
            // The query is kept, unless the rule matched on it (`/?p=123`
            // → the page itself, not `…/?p=123`) or the target has one.
            if let Some(q) = query.filter(|_| !to.contains('?') && rule.query.is_empty()) {
                to.push('?');
                to.push_str(q);
            }
            Some(moved(StatusCode::from_u16(code).ok()?, &to))
        }
    }
}

fn not_found(site: &Site, headers: &HeaderMap) -> Response<Body> {
    match files::open(&site.files, "404.html") {
        Found::File(f) => {
            let mut r = file_response(site, "404.html", f, headers, StatusCode::NOT_FOUND);
            r.headers_mut().remove(header::ETAG);
            r.headers_mut().remove(header::LAST_MODIFIED);
            r
        }
        _ => text(StatusCode::NOT_FOUND, "not found\n"),
    }
}

fn file_response(
    site: &Site,
    rel: &str,
    plain: Opened,
    req: &HeaderMap,
    status: StatusCode,
) -> Response<Body> {
    let compressible = files::compressible(rel);
    let mut chosen = (plain, None);
    if compressible {
        let accept = req
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        for enc in files::accepted(accept) {
            if let Found::File(f) = files::open(&site.files, &format!("{rel}{}", enc.suffix())) {
                chosen = (f, Some(enc));
                break;
            }
        }
    }
    let (file, enc): (Opened, Option<Encoding>) = chosen;
    let etag = match enc {
        // A distinct tag per representation (RFC 9110 §8.8.3).
        Some(e) => format!("{}-{}\"", file.etag.trim_end_matches('"'), e.token()),
        None => file.etag.to_string(),
    };
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(files::content_type(rel)),
    );
    if let Some(e) = enc {
        h.insert(
            header::CONTENT_ENCODING,
            HeaderValue::from_static(e.token()),
        );
    }
    if compressible {
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(file.modified)) {
        h.insert(header::LAST_MODIFIED, v);
    }
    if status == StatusCode::OK && not_modified(req, &etag, file.modified) {
        let mut r = Response::new(empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        h.remove(header::CONTENT_TYPE);
        *r.headers_mut() = h;
        return r;
    }
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(file.size));
    let body = match file.content {
        files::Content::Bytes(b) => full(b),
        files::Content::File(f) => stream(f, file.size),
    };
    let mut r = Response::new(body);
    *r.status_mut() = status;
    *r.headers_mut() = h;
    r
}

fn not_modified(req: &HeaderMap, etag: &str, modified: std::time::SystemTime) -> bool {
    if let Some(inm) = req.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return inm
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag);
    }
    req.get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| files::unix_secs(modified) <= files::unix_secs(since))
}

/// A large file's body: one 64 KiB positional read at a time, the next
/// only when hyper asks for it. A chunk in the page cache (nearly always,
/// for a served file) is read in place with `RWF_NOWAIT`, which refuses
/// rather than wait for the disk; only then does the read go to the
/// runtime's small blocking pool. No thread and no more than one chunk
/// per connection wait on a client that reads slowly (the send timeout
/// ends one that stops).
struct FileBody {
    file: Arc<std::fs::File>,
    offset: u64,
    left: u64,
    reading: Option<tokio::task::JoinHandle<std::io::Result<Bytes>>>,
    /// Try the page cache first (`RWF_NOWAIT`); always, except in the
    /// tests of the pool's path (a file the tests just wrote is cached).
    cache_first: bool,
}

/// Bytes read per step of a streamed file.
const CHUNK: u64 = 64 * 1024;

impl hyper::body::Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        use std::task::Poll;
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        if this.reading.is_none() && this.cache_first {
            let n = this.left.min(CHUNK) as usize;
            let mut buf = vec![0u8; n];
            let cached = rustix::io::preadv2(
                &*this.file,
                &mut [std::io::IoSliceMut::new(&mut buf)],
                this.offset,
                rustix::io::ReadWriteFlags::NOWAIT,
            );
            match cached {
                Ok(got) if got > 0 => {
                    buf.truncate(got);
                    this.offset += got as u64;
                    this.left -= got as u64;
                    return Poll::Ready(Some(Ok(Frame::data(Bytes::from(buf)))));
                }
                Ok(_) => {
                    // Cut short under us: the response ends with an error.
                    this.left = 0;
                    return Poll::Ready(Some(Err(std::io::ErrorKind::UnexpectedEof.into())));
                }
                // Not cached (EAGAIN), or no RWF_NOWAIT here: the pool reads it.
                Err(_) => {}
            }
        }
        let reading = this.reading.get_or_insert_with(|| {
            let (file, offset, n) = (this.file.clone(), this.offset, this.left.min(CHUNK));
            tokio::task::spawn_blocking(move || {
                use std::os::unix::fs::FileExt as _;
                let mut buf = vec![0u8; n as usize];
                // A file cut short under us ends the response with an error.
                file.read_exact_at(&mut buf, offset)?;
                Ok(Bytes::from(buf))
            })
        });
        let got = match std::pin::Pin::new(reading).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        this.reading = None;
        match got {
            Ok(Ok(b)) => {
                this.offset += b.len() as u64;
                this.left -= b.len() as u64;
                Poll::Ready(Some(Ok(Frame::data(b))))
            }
            Ok(Err(e)) => {
                this.left = 0;
                Poll::Ready(Some(Err(e)))
            }
            Err(e) => {
                this.left = 0;
                Poll::Ready(Some(Err(std::io::Error::other(e))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        hyper::body::SizeHint::with_exact(self.left)
    }
}

fn stream(file: Arc<std::fs::File>, size: u64) -> Body {
    FileBody {
        file,
        offset: 0,
        left: size,
        reading: None,
        cache_first: true,
    }
    .boxed()
}

/// Adds the `_headers` rules matching `url` and HSTS when the rules do not set it.
fn finish(site: &Site, url: &str, mut resp: Response<Body>) -> Response<Body> {
    let h = resp.headers_mut();
    for rule in site.headers.iter().filter(|r| r.pattern.matches(url)) {
        for (name, value) in &rule.headers {
            h.insert(name.clone(), value.clone());
        }
    }
    let hsts = HeaderName::from_static("strict-transport-security");
    if !h.contains_key(&hsts) {
        h.insert(hsts, HeaderValue::from_static(HSTS));
    }
    resp
}

/// Answers a plain-HTTP request: 301 to the same URL over HTTPS for a
/// host of the release, 404 for any other host. `https_port` is left out
/// of the location when it is 443.
pub fn http_redirect<B>(
    req: &Request<B>,
    release: Option<&Arc<Release>>,
    https_port: u16,
) -> Response<Body> {
    let Ok(Some(host)) = request_host(req) else {
        return text(StatusCode::BAD_REQUEST, "missing or bad Host\n");
    };
    if !release.is_some_and(|r| r.hosts.contains_key(&host)) {
        return text(StatusCode::NOT_FOUND, "unknown host\n");
    }
    let pq = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let pq = if pq.starts_with('/') { pq } else { "/" };
    let port = if https_port == 443 {
        String::new()
    } else {
        format!(":{https_port}")
    };
    let mut r = moved(
        StatusCode::MOVED_PERMANENTLY,
        &format!("https://{host}{port}{pq}"),
    );
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    r
}

/// A plain-text 200 (HTTP-01 key authorisation).
pub fn plain(body: String) -> Response<Body> {
    let mut r = Response::new(full(body));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    r
}

/// 404 for anything else on port 80.
pub fn unknown() -> Response<Body> {
    text(StatusCode::NOT_FOUND, "not found\n")
}

#[cfg(test)]
mod tests {
    //! Requests answered from a real release folder (sites.json, files,
    //! siblings, `_headers`, `_redirects`), without a socket: `server.rs`
    //! and the suite's host tests put a network in front of the same code.
    use super::*;
    use std::io::Write as _;

    const HOST: &str = "dinkes.contoh.go.id";
    /// Bigger than the in-memory cache: streamed in 64 KiB chunks.
    const BIG: usize = 300_007;

    struct Fixture {
        _tmp: tempfile::TempDir,
        dir: std::path::PathBuf,
        release: Arc<Release>,
    }

    fn page(title: &str) -> Vec<u8> {
        format!(
            "<!doctype html><title>{title}</title>{}",
            "<p>isi</p>".repeat(200)
        )
        .into_bytes()
    }

    fn big() -> Vec<u8> {
        (0..BIG).map(|i| (i % 251) as u8).collect()
    }

    fn fixture() -> Fixture {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("000001-r");
        let host = dir.join(HOST);
        let put = |rel: &str, bytes: &[u8]| {
            let p = host.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, bytes).expect("write");
        };
        put("index.html", &page("Beranda"));
        put("index.html.gz", b"GZ");
        put("index.html.br", b"BR");
        put("berita/index.html", &page("Berita"));
        put("paksa/index.html", &page("Paksa"));
        put("lama-ada.html", &page("Lama ada"));
        put("logo.png", b"\x89PNG");
        put("logo.png.gz", b"GZPNG");
        put("besar.bin", &big());
        put("404.html", &page("Tidak ada"));
        put(".laman/bukti/periksa.json", b"{}");
        put(
            "_headers",
            b"/*\n  X-Frame-Options: DENY\n/berita/*\n  Strict-Transport-Security: max-age=60\n",
        );
        put(
            "_redirects",
            concat!(
                "/ p=123 /berita/ 301!\n",
                "/lama /baru/ 301\n",
                "/lama-ada.html /berita/ 302\n",
                "/paksa/ /berita/ 302!\n",
                "/hilang /x 410\n",
                "/alias /berita/ 200\n",
                "/salah /berita/ 404\n",
                "/tersembunyi /.laman/bukti/periksa.json 200\n",
                "/kosong /tidak-ada.html 200\n",
                "/keluar https://contoh.go.id/x 301\n",
                "/ganda //jahat.example/ 301\n",
                "/tanda /a\"<>`\u{e9}/ 301\n",
                "/bertanya /berita/?a=1 301\n",
            )
            .as_bytes(),
        );
        let manifest = format!(
            r#"{{"schema":1,"release":"000001-r","generated":"","domain":"contoh.go.id","hosts":[{{"host":"{HOST}","site":"dinkes","status":"built","files":[]}}]}}"#
        );
        std::fs::write(dir.join("sites.json"), manifest).expect("manifest");
        let release = crate::host::release::load(&dir, dir.clone()).expect("load");
        Fixture {
            _tmp: tmp,
            dir,
            release: Arc::new(release),
        }
    }

    fn req(method: &str, uri: &str, headers: &[(&str, &str)]) -> Request<()> {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).expect("request")
    }

    fn get(f: &Fixture, uri: &str, headers: &[(&str, &str)]) -> Response<Body> {
        let mut h = vec![("host", HOST)];
        h.extend_from_slice(headers);
        https(&req("GET", uri, &h), Some(HOST), Some(&f.release))
    }

    fn body(r: Response<Body>) -> Result<Vec<u8>, std::io::Error> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(r.into_body().collect())
            .map(|c| c.to_bytes().to_vec())
    }

    fn header<'a>(r: &'a Response<Body>, name: &str) -> Option<&'a str> {
        r.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[test]
    fn the_host_is_read_from_one_host_header_or_the_target() {
        let host = |v: hyper::Version, uri: &str, hs: &[&[u8]]| {
            let mut b = Request::builder().uri(uri).version(v);
            for h in hs {
                b = b.header("host", HeaderValue::from_bytes(h).expect("value"));
            }
            request_host(&b.body(()).expect("request"))
        };
        let v11 = hyper::Version::HTTP_11;
        let v10 = hyper::Version::HTTP_10;
        let ok = |s: &str| Ok(Some(s.to_string()));
        assert_eq!(host(v11, "/", &[b"Dinkes.Contoh.go.id.:8443"]), ok(HOST));
        assert_eq!(host(v11, "/", &[b" dinkes.contoh.go.id "]), ok(HOST));
        assert_eq!(host(v11, "/", &[b"[::1]:443"]), ok("[::1]"));
        assert_eq!(host(v11, "/", &[b"[::1]"]), ok("[::1]"));
        assert_eq!(host(v11, "/", &[b"a:b"]), ok("a:b"));
        assert_eq!(host(v11, "/", &[b"[fe80::1]:8443"]), ok("[fe80::1]"));
        assert_eq!(host(v11, "/", &[b"DINKES.contoh.go.id:"]), ok(HOST));
        assert_eq!(host(v11, "/", &[]), Err(BadHost::Missing));
        assert_eq!(
            host(hyper::Version::HTTP_2, "/", &[]),
            Err(BadHost::Missing)
        );
        assert_eq!(host(v10, "/", &[]), Ok(None));
        assert_eq!(host(v10, "https://Dinkes.contoh.go.id/x", &[]), ok(HOST));
        assert_eq!(host(v11, "/", &[b"a", b"a"]), Err(BadHost::Duplicate));
        assert_eq!(host(v11, "/", &[b"  "]), Err(BadHost::Invalid));
        assert_eq!(host(v11, "/", &[b"\xe9t\xe9"]), Err(BadHost::Invalid));
        assert_eq!(
            host(v11, "https://lain.contoh.go.id/", &[HOST.as_bytes()]),
            Err(BadHost::Conflict)
        );
        assert_eq!(
            host(v11, "https://dinkes.contoh.go.id:443/", &[HOST.as_bytes()]),
            ok(HOST)
        );
    }

    #[test]
    fn only_get_and_head_for_a_known_host_named_as_the_sni_says() {
        let f = fixture();
        let post = https(
            &req("POST", "/", &[("host", HOST)]),
            Some(HOST),
            Some(&f.release),
        );
        assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(header(&post, "allow"), Some("GET, HEAD"));
        let bad = https(&req("GET", "/", &[]), Some(HOST), Some(&f.release));
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
        let other = https(
            &req("GET", "/", &[("host", "lain.contoh.go.id")]),
            Some(HOST),
            Some(&f.release),
        );
        assert_eq!(other.status(), StatusCode::MISDIRECTED_REQUEST);
        assert_eq!(body(other).expect("body"), b"misdirected request\n");
        let unknown = https(
            &req("GET", "/", &[("host", "lain.contoh.go.id")]),
            None,
            Some(&f.release),
        );
        assert_eq!(unknown.status(), StatusCode::MISDIRECTED_REQUEST);
        assert_eq!(body(unknown).expect("body"), b"unknown host\n");
        let none = https(&req("GET", "/", &[("host", HOST)]), Some(HOST), None);
        assert_eq!(none.status(), StatusCode::MISDIRECTED_REQUEST);
        // HTTP/1.0 without Host: the SNI names the site.
        let old = Request::builder()
            .uri("/")
            .version(hyper::Version::HTTP_10)
            .body(())
            .expect("request");
        assert_eq!(
            https(&old, Some(HOST), Some(&f.release)).status(),
            StatusCode::OK
        );
        // Without SNI, the Host header alone.
        assert_eq!(
            https(&req("GET", "/", &[("host", HOST)]), None, Some(&f.release)).status(),
            StatusCode::OK
        );
        // A path that does not decode: 400, with the site's headers still.
        let r = get(&f, "/a%00b", &[]);
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(header(&r, "x-frame-options"), Some("DENY"));
        assert_eq!(header(&r, "strict-transport-security"), Some(HSTS));
    }

    #[test]
    fn a_page_carries_its_type_validators_length_and_site_headers() {
        let f = fixture();
        let index = page("Beranda");
        let r = get(&f, "/", &[]);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, "content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(header(&r, "vary"), Some("Accept-Encoding"));
        assert_eq!(header(&r, "content-encoding"), None);
        assert_eq!(
            header(&r, "content-length"),
            Some(index.len().to_string().as_str())
        );
        assert_eq!(header(&r, "x-frame-options"), Some("DENY"));
        assert_eq!(header(&r, "strict-transport-security"), Some(HSTS));
        let etag = header(&r, "etag").expect("etag").to_string();
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
        let modified = header(&r, "last-modified")
            .expect("last-modified")
            .to_string();
        assert_eq!(body(r).expect("body"), index);
        // The `_headers` rule of a path wins over the default HSTS.
        let r = get(&f, "/berita/", &[]);
        assert_eq!(header(&r, "strict-transport-security"), Some("max-age=60"));
        assert_eq!(body(r).expect("body"), page("Berita"));
        // HEAD: the same headers, no body.
        let head = https(
            &req("HEAD", "/", &[("host", HOST)]),
            Some(HOST),
            Some(&f.release),
        );
        assert_eq!(head.status(), StatusCode::OK);
        assert_eq!(
            header(&head, "content-length"),
            Some(index.len().to_string().as_str())
        );
        assert!(body(head).expect("body").is_empty());
        // Validators: 304 without a body or a type, the tag kept.
        for inm in [
            etag.clone(),
            format!("W/{etag}"),
            "*".into(),
            format!("\"x\", {etag}"),
        ] {
            let r = get(&f, "/", &[("if-none-match", &inm)]);
            assert_eq!(r.status(), StatusCode::NOT_MODIFIED, "{inm}");
            assert_eq!(header(&r, "content-type"), None);
            assert_eq!(header(&r, "etag"), Some(etag.as_str()));
            assert!(body(r).expect("body").is_empty());
        }
        // A tag that does not match wins over a date that would.
        let r = get(
            &f,
            "/",
            &[("if-none-match", "\"x\""), ("if-modified-since", &modified)],
        );
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            get(&f, "/", &[("if-modified-since", &modified)]).status(),
            StatusCode::NOT_MODIFIED
        );
        let before = httpdate::fmt_http_date(
            httpdate::parse_http_date(&modified).expect("date") - std::time::Duration::from_secs(1),
        );
        assert_eq!(
            get(&f, "/", &[("if-modified-since", &before)]).status(),
            StatusCode::OK
        );
        assert_eq!(
            get(&f, "/", &[("if-modified-since", "kemarin")]).status(),
            StatusCode::OK
        );
    }

    #[test]
    fn precompressed_siblings_are_chosen_by_accept_encoding() {
        let f = fixture();
        let plain_tag = header(&get(&f, "/", &[]), "etag")
            .expect("etag")
            .to_string();
        let r = get(&f, "/", &[("accept-encoding", "gzip, br")]);
        assert_eq!(header(&r, "content-encoding"), Some("br"));
        let br_tag = header(&r, "etag").expect("etag").to_string();
        // The sibling's own tag, marked: distinct from the plain file's.
        assert!(br_tag.ends_with("-br\"") && br_tag != plain_tag, "{br_tag}");
        assert_eq!(header(&r, "content-length"), Some("2"));
        assert_eq!(body(r).expect("body"), b"BR");
        let r = get(&f, "/", &[("accept-encoding", "gzip")]);
        assert_eq!(header(&r, "content-encoding"), Some("gzip"));
        assert_eq!(body(r).expect("body"), b"GZ");
        // The representation's own tag is what a 304 compares.
        let r = get(
            &f,
            "/",
            &[("accept-encoding", "br"), ("if-none-match", &plain_tag)],
        );
        assert_eq!(r.status(), StatusCode::OK);
        let r = get(
            &f,
            "/",
            &[("accept-encoding", "br"), ("if-none-match", &br_tag)],
        );
        assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
        // An image is not compressible: its sibling is never sent, no Vary.
        let r = get(&f, "/logo.png", &[("accept-encoding", "gzip")]);
        assert_eq!(header(&r, "content-type"), Some("image/png"));
        assert_eq!(header(&r, "content-encoding"), None);
        assert_eq!(header(&r, "vary"), None);
        assert_eq!(body(r).expect("body"), b"\x89PNG");
        // Siblings are never served by their own names.
        assert_eq!(
            get(&f, "/index.html.gz", &[]).status(),
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn folders_hidden_files_and_missing_pages() {
        let f = fixture();
        let r = get(&f, "/berita", &[]);
        assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(header(&r, "location"), Some("/berita/"));
        let r = get(&f, "/berita?a=1", &[]);
        assert_eq!(header(&r, "location"), Some("/berita/?a=1"));
        // `//berita` is the path `/berita`, never a link to the host "berita".
        let r = get(&f, "//berita", &[]);
        assert_eq!(header(&r, "location"), Some("/berita/"));
        for hidden in [
            "/.laman/bukti/periksa.json",
            "/_headers",
            "/_redirects",
            "/sites.json",
        ] {
            let r = get(&f, hidden, &[]);
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{hidden}");
            assert_eq!(header(&r, "etag"), None);
            assert_eq!(header(&r, "last-modified"), None);
            assert_eq!(header(&r, "content-type"), Some("text/html; charset=utf-8"));
            assert_eq!(body(r).expect("body"), page("Tidak ada"), "{hidden}");
        }
        let r = get(&f, "/tidak/ada/", &[]);
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(header(&r, "x-frame-options"), Some("DENY"));
        // A site without a 404 page answers in plain text.
        let g = fixture();
        std::fs::remove_file(g.dir.join(HOST).join("404.html")).expect("rm");
        let r = get(&g, "/tidak-ada", &[]);
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            header(&r, "content-type"),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(body(r).expect("body"), b"not found\n");
    }

    #[test]
    fn redirects_rewrites_and_gone_follow_the_rules_file() {
        let f = fixture();
        let loc = |uri: &str| {
            let r = get(&f, uri, &[]);
            (
                r.status().as_u16(),
                header(&r, "location").map(str::to_string),
            )
        };
        let to = |s: &str| Some(s.to_string());
        assert_eq!(loc("/lama"), (301, to("/baru/")));
        assert_eq!(loc("/lama?x=1"), (301, to("/baru/?x=1")));
        // The rule matched on the query: it is not carried over.
        assert_eq!(loc("/?p=123"), (301, to("/berita/")));
        assert_eq!(loc("/?p=124").0, 200);
        // A target with its own query keeps only that.
        assert_eq!(loc("/bertanya?b=2"), (301, to("/berita/?a=1")));
        // A file that exists wins over a rule without `!`; `!` wins over it.
        assert_eq!(loc("/lama-ada.html"), (200, None));
        assert_eq!(loc("/paksa/"), (302, to("/berita/")));
        assert_eq!(loc("/keluar"), (301, to("https://contoh.go.id/x")));
        assert_eq!(loc("/ganda"), (301, to("/jahat.example/")));
        assert_eq!(loc("/tanda"), (301, to("/a%22%3C%3E%60%C3%A9/")));
        let r = get(&f, "/hilang", &[]);
        assert_eq!(r.status(), StatusCode::GONE);
        assert_eq!(body(r).expect("body"), b"gone\n");
        // 200 and 404 rules answer with the target's file.
        let r = get(&f, "/alias", &[]);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(body(r).expect("body"), page("Berita"));
        let r = get(&f, "/salah", &[("if-none-match", "*")]);
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(body(r).expect("body"), page("Berita"));
        // ... but never a hidden file, nor a file that is not there.
        let r = get(&f, "/tersembunyi", &[]);
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(body(r).expect("body"), page("Tidak ada"));
        assert_eq!(loc("/kosong").0, 404);
    }

    #[test]
    fn same_host_locations_and_their_encoding() {
        assert_eq!(same_host("//x/y"), "/x/y");
        assert_eq!(same_host("/\\x"), "/x");
        assert_eq!(same_host("///"), "/");
        assert!(matches!(
            same_host("/ok/"),
            std::borrow::Cow::Borrowed("/ok/")
        ));
        assert_eq!(same_host("https://a.example/"), "https://a.example/");
        assert_eq!(same_host("relatif"), "relatif");
        assert_eq!(encode_location("/berita/ü?q=a b"), "/berita/%C3%BC?q=a%20b");
        assert_eq!(encode_location("/\t`"), "/%09%60");
        let r = moved(StatusCode::FOUND, "/x");
        assert_eq!(r.status(), StatusCode::FOUND);
        assert_eq!(header(&r, "location"), Some("/x"));
    }

    #[test]
    fn a_large_file_streams_whole_and_a_file_cut_short_ends_in_an_error() {
        let f = fixture();
        let r = get(&f, "/besar.bin", &[]);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, "content-length"), Some(BIG.to_string().as_str()));
        assert_eq!(
            hyper::body::Body::size_hint(r.body()).exact(),
            Some(BIG as u64)
        );
        assert!(!hyper::body::Body::is_end_stream(r.body()));
        assert_eq!(body(r).expect("body"), big());
        // Opened, then cut short under the server.
        let r = get(&f, "/besar.bin", &[]);
        let path = f.dir.join(HOST).join("besar.bin");
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open");
        file.set_len(100_000).expect("truncate");
        assert!(body(r).is_err());
        // Replaced by a longer file after opening: only the opened length is sent.
        std::fs::write(&path, big()).expect("write");
        let r = get(&f, "/besar.bin", &[]);
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        w.write_all(b"ekstra").expect("append");
        assert_eq!(body(r).expect("body").len(), BIG);
        // Frame by frame, through the page cache and through the pool:
        // 64 KiB each, the last one the rest, then the end.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        for cache_first in [true, false] {
            let mut body = FileBody {
                file: Arc::new(std::fs::File::open(&path).expect("open")),
                offset: 0,
                left: BIG as u64,
                reading: None,
                cache_first,
            };
            let mut sizes = Vec::new();
            let mut got = Vec::new();
            while let Some(frame) = rt.block_on(body.frame()) {
                let data = frame.expect("frame").into_data().expect("data");
                sizes.push(data.len());
                got.extend_from_slice(&data);
            }
            assert_eq!(sizes, [65_536, 65_536, 65_536, 65_536, BIG - 4 * 65_536]);
            assert_eq!(got, big(), "cache first: {cache_first}");
            assert!(hyper::body::Body::is_end_stream(&body));
            assert_eq!(hyper::body::Body::size_hint(&body).exact(), Some(0));
        }
        // Through the pool, a file cut short ends in an error.
        let mut body = FileBody {
            file: Arc::new(std::fs::File::open(&path).expect("open")),
            offset: 0,
            left: BIG as u64 + 10,
            reading: None,
            cache_first: false,
        };
        let mut last = None;
        while let Some(frame) = rt.block_on(body.frame()) {
            last = Some(frame.is_err());
        }
        assert_eq!(last, Some(true));
        // Streaming a file body directly: frames until the end, then none.
        let body = stream(Arc::new(std::fs::File::open(&path).expect("open")), 10);
        assert_eq!(hyper::body::Body::size_hint(&body).exact(), Some(10));
        let got = rt.block_on(body.collect()).expect("collect").to_bytes();
        assert_eq!(&got[..], &big()[..10]);
    }

    #[test]
    fn plain_http_redirects_known_hosts_to_https() {
        let f = fixture();
        let r = http_redirect(
            &req("GET", "/berita/?a=1", &[("host", HOST)]),
            Some(&f.release),
            8443,
        );
        assert_eq!(r.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(
            header(&r, "location"),
            Some("https://dinkes.contoh.go.id:8443/berita/?a=1")
        );
        assert_eq!(header(&r, "content-length"), Some("0"));
        let r = http_redirect(
            &req("GET", "/", &[("host", "DINKES.contoh.go.id:80")]),
            Some(&f.release),
            443,
        );
        assert_eq!(header(&r, "location"), Some("https://dinkes.contoh.go.id/"));
        let r = http_redirect(
            &req("OPTIONS", "*", &[("host", HOST)]),
            Some(&f.release),
            443,
        );
        assert_eq!(header(&r, "location"), Some("https://dinkes.contoh.go.id/"));
        let r = http_redirect(
            &req("GET", "/", &[("host", "lain.go.id")]),
            Some(&f.release),
            443,
        );
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = http_redirect(&req("GET", "/", &[("host", HOST)]), None, 443);
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let r = http_redirect(&req("GET", "/", &[]), Some(&f.release), 443);
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(body(r).expect("body"), b"missing or bad Host\n");
        let r = plain("kunci.otorisasi".into());
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, "content-type"), Some("application/octet-stream"));
        assert_eq!(body(r).expect("body"), b"kunci.otorisasi");
        let r = unknown();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert_eq!(body(r).expect("body"), b"not found\n");
    }
}
