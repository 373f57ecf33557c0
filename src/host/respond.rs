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
    let name = match raw.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(']') => h,
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
        if this.reading.is_none() {
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
