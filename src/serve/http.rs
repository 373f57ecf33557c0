//! The preview's HTTP side (hyper, HTTP/1.1): routing by the Host header,
//! pages from memory with the reload/overlay tags injected, assets from
//! disk, the Server-Sent Events stream that tells tabs to reload, and the
//! findings of a page for the overlay.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use tokio::sync::{broadcast, mpsc};

use crate::diagnostic::Lang;
use crate::render::extras::SECURITY_HEADERS;
use crate::serve::pages;
use crate::serve::state::{Lookup, Project};

/// A reload message: which sites changed (`None`: all).
#[derive(Debug, Clone)]
pub struct Reload {
    /// Site folder names, or `None` for every site.
    pub sites: Option<Vec<String>>,
    /// What was rebuilt, for the message's data.
    pub what: String,
}

/// What every request needs.
#[derive(Debug, Clone)]
pub struct Shared {
    /// The project in memory.
    pub project: Arc<RwLock<Project>>,
    /// Reload messages.
    pub reloads: broadcast::Sender<Reload>,
    /// Language of the pages laman makes.
    pub lang: Lang,
    /// The port actually listened on.
    pub port: u16,
}

type Body = BoxBody<Bytes, Infallible>;

const RELOAD_JS: &str = include_str!("assets/reload.js");
const OVERLAY_JS: &str = include_str!("assets/overlay.js");
const OVERLAY_CSS: &str = include_str!("assets/overlay.css");

/// Answers one request.
pub async fn handle(req: Request<Incoming>, shared: Shared) -> Result<Response<Body>, Infallible> {
    Ok(respond(&req, &shared))
}

fn respond(req: &Request<Incoming>, shared: &Shared) -> Response<Body> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "GET only\n");
    }
    // Only loopback names: a web page the editor visits cannot point its
    // own host name at 127.0.0.1 and read the preview (DNS rebinding).
    let mut hosts = req.headers().get_all(hyper::header::HOST).iter();
    let (Some(host), None) = (hosts.next(), hosts.next()) else {
        return plain(StatusCode::BAD_REQUEST, "exactly one Host header\n");
    };
    let label = match host.to_str().map(|h| preview_host(h, shared.port)) {
        Ok(PreviewHost::Index) => None,
        Ok(PreviewHost::Site(label)) => Some(label),
        _ => return plain(StatusCode::MISDIRECTED_REQUEST, "not a preview host\n"),
    };
    let path = req.uri().path();
    if let Some(rest) = path.strip_prefix("/__laman/") {
        return laman_route(rest, req.uri().query(), label.as_deref(), shared);
    }
    let Some(label) = label else {
        if read(&shared.project).rules_stale() {
            let mut project = write(&shared.project);
            let slugs: Vec<String> = project.sites.keys().cloned().collect();
            for slug in slugs {
                project.refresh_rules(&slug);
            }
        }
        let project = read(&shared.project);
        return html(
            StatusCode::OK,
            pages::index_page(shared.lang, &project, shared.port).into_bytes(),
        );
    };
    site_route(&label, path, req.uri().query(), shared)
}

/// What a Host header names for the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewHost {
    /// `localhost`, `127.0.0.1` or `[::1]`: the index of all sites.
    Index,
    /// `<label>.localhost`: a site.
    Site(String),
    /// Anything else: answered 421, so a rebound DNS name reads nothing.
    Refused,
}

/// The preview answers only loopback names, with no port or its own (see
/// [`PreviewHost`]).
pub fn preview_host(host: &str, port: u16) -> PreviewHost {
    preview_host_inner(host, port).unwrap_or(PreviewHost::Refused)
}

fn preview_host_inner(host: &str, port: u16) -> Option<PreviewHost> {
    let (name, host_port) = match host.strip_prefix('[') {
        Some(v6) => {
            let (addr, rest) = v6.split_once(']')?;
            (format!("[{addr}]"), rest.strip_prefix(':'))
        }
        None => match host.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (host.to_string(), None),
        },
    };
    if let Some(p) = host_port
        && p.parse::<u16>().ok() != Some(port)
    {
        return None;
    }
    let name = name.to_ascii_lowercase();
    let name = name.strip_suffix('.').unwrap_or(&name);
    match name {
        "localhost" | "127.0.0.1" | "[::1]" => return Some(PreviewHost::Index),
        _ => {}
    }
    let label = name.strip_suffix(".localhost")?;
    let is_label = !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    is_label.then(|| PreviewHost::Site(label.to_string()))
}

fn read(p: &RwLock<Project>) -> std::sync::RwLockReadGuard<'_, Project> {
    p.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write(p: &RwLock<Project>) -> std::sync::RwLockWriteGuard<'_, Project> {
    p.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn laman_route(
    rest: &str,
    query: Option<&str>,
    label: Option<&str>,
    shared: &Shared,
) -> Response<Body> {
    match rest {
        "reload.js" => asset("text/javascript; charset=utf-8", RELOAD_JS),
        "overlay.js" => asset("text/javascript; charset=utf-8", OVERLAY_JS),
        "overlay.css" => asset("text/css; charset=utf-8", OVERLAY_CSS),
        "events" => events(label, shared),
        "findings" => {
            let path = query
                .unwrap_or("")
                .split('&')
                .find_map(|kv| kv.strip_prefix("path="))
                .map(|v| {
                    percent_encoding::percent_decode_str(v)
                        .decode_utf8_lossy()
                        .into_owned()
                })
                .unwrap_or_else(|| "/".to_string());
            if read(&shared.project).rules_stale() {
                let mut project = write(&shared.project);
                if let Some(slug) = label
                    .and_then(|l| project.site_for_label(l))
                    .map(|s| s.site.slug.clone())
                {
                    project.refresh_rules(&slug);
                }
            }
            let project = read(&shared.project);
            let findings = label
                .and_then(|l| project.site_for_label(l))
                .map(|s| s.findings_at(&output_path(&path)))
                .unwrap_or_default();
            let body = pages::findings_json(shared.lang, &findings).to_string();
            let mut r = Response::new(full(body.into_bytes()));
            set(&mut r, "content-type", "application/json");
            set(&mut r, "cache-control", "no-store");
            r
        }
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// `/a/b/` → `a/b/index.html`, `/x.css` → `x.css`.
pub fn output_path(url_path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(url_path).decode_utf8_lossy();
    let p = decoded.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

fn site_route(label: &str, path: &str, query: Option<&str>, shared: &Shared) -> Response<Body> {
    let out = output_path(path);
    let is_html = out.ends_with(".html");
    {
        let needs_refresh = read(&shared.project)
            .site_for_label(label)
            .is_some_and(|s| {
                s.is_stale_extra(&out) || (query.is_some() && s.is_stale_extra("_redirects"))
            });
        if needs_refresh {
            let mut project = write(&shared.project);
            if let Some(slug) = project.site_for_label(label).map(|s| s.site.slug.clone()) {
                project.refresh_extras(&slug);
            }
        }
        // An input error found by assembling the findings shows the error
        // page: the findings are complete before a page is answered.
        if read(&shared.project).rules_stale() {
            let mut project = write(&shared.project);
            if let Some(slug) = project.site_for_label(label).map(|s| s.site.slug.clone()) {
                project.refresh_rules(&slug);
            }
        }
    }
    let project = read(&shared.project);
    let Some(site) = project.site_for_label(label) else {
        // A site that is broken as a whole (site.toml) still shows its error.
        if let Some(b) = project.broken.iter().find(|b| b.slug == label) {
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::error_page(shared.lang, &b.slug, &b.diagnostics).into_bytes(),
            );
        }
        return html(
            StatusCode::NOT_FOUND,
            pages::index_page(shared.lang, &project, shared.port).into_bytes(),
        );
    };
    let slug = site.site.slug.clone();
    if is_html || !out.contains('.') {
        let errors = project.errors_of(&slug);
        if !errors.is_empty() {
            return html(
                StatusCode::INTERNAL_SERVER_ERROR,
                pages::error_page(shared.lang, &slug, &errors).into_bytes(),
            );
        }
    }
    if let Some(to) = query.and_then(|q| query_redirect(site.lookup("_redirects"), path, q)) {
        let mut r = Response::new(full(Vec::new()));
        *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
        set(&mut r, "location", &crate::host::respond::same_host(&to));
        return r;
    }
    match site.lookup(&out) {
        Lookup::Bytes(b) if is_html => html(StatusCode::OK, pages::inject(&b)),
        Lookup::Bytes(b) => file_response(&out, b),
        Lookup::File(p) => match std::fs::read(&p) {
            Ok(bytes) => file_response(&out, Bytes::from(bytes)),
            Err(_) => not_found(site.lookup("404.html")),
        },
        Lookup::Missing if !out.contains('.') => {
            // `/profil` → `/profil/` when that page exists.
            if matches!(site.lookup(&format!("{out}/index.html")), Lookup::Bytes(_)) {
                let mut r = Response::new(full(Vec::new()));
                *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
                // One leading `/`: `//layanan` must not become the
                // scheme-relative `//layanan/` (a link to the host "layanan").
                let path = path.trim_start_matches(['/', '\\']);
                set(&mut r, "location", &format!("/{path}/"));
                return r;
            }
            not_found(site.lookup("404.html"))
        }
        Lookup::Missing => not_found(site.lookup("404.html")),
    }
}

/// The target of the site's `_redirects` rule with query conditions that
/// `path?query` matches (`/?p=123` of an imported WordPress site), read
/// and matched as `laman host` does; the preview has no other use for
/// `_redirects` (aliases are pages in memory).
fn query_redirect(redirects: Lookup, path: &str, query: &str) -> Option<String> {
    let Lookup::Bytes(text) = redirects else {
        return None;
    };
    let (rules, _) = crate::host::rules::parse_redirects(&String::from_utf8_lossy(&text));
    rules
        .iter()
        .filter(|r| !r.query.is_empty() && (301..=308).contains(&r.status))
        .find_map(|r| r.target(path, Some(query)))
}

fn not_found(page: Lookup) -> Response<Body> {
    match page {
        Lookup::Bytes(b) => html(StatusCode::NOT_FOUND, pages::inject(&b)),
        _ => plain(StatusCode::NOT_FOUND, "404\n"),
    }
}

fn events(label: Option<&str>, shared: &Shared) -> Response<Body> {
    let slug = label.and_then(|l| {
        read(&shared.project)
            .site_for_label(l)
            .map(|s| s.site.slug.clone())
            .or_else(|| Some(l.to_string()))
    });
    let mut rx = shared.reloads.subscribe();
    let (tx, body_rx) = mpsc::channel::<Bytes>(8);
    tokio::spawn(async move {
        if tx
            .send(Bytes::from_static(b": laman serve\nretry: 500\n\n"))
            .await
            .is_err()
        {
            return;
        }
        let mut keepalive = tokio::time::interval(std::time::Duration::from_secs(15));
        keepalive.tick().await;
        loop {
            tokio::select! {
                msg = rx.recv() => match msg {
                    Ok(m) => {
                        let concerns = match (&m.sites, &slug) {
                            (None, _) | (_, None) => true,
                            (Some(sites), Some(s)) => sites.contains(s),
                        };
                        if !concerns {
                            continue;
                        }
                        let data = serde_json::json!({ "what": m.what }).to_string();
                        let frame = format!("event: reload\ndata: {data}\n\n");
                        if tx.send(Bytes::from(frame)).await.is_err() {
                            break;
                        }
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                _ = keepalive.tick() => {
                    if tx.send(Bytes::from_static(b": keepalive\n\n")).await.is_err() {
                        break;
                    }
                }
            }
        }
    });
    let mut r = Response::new(BodyExt::boxed(Stream(body_rx)));
    set(&mut r, "content-type", "text/event-stream");
    set(&mut r, "cache-control", "no-store");
    r
}

/// A response body fed by a channel (the SSE stream).
struct Stream(mpsc::Receiver<Bytes>);

impl hyper::body::Body for Stream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|m| m.map(|b| Ok(Frame::data(b))))
    }
}

fn full(bytes: impl Into<Bytes>) -> Body {
    BodyExt::boxed(Full::new(bytes.into()))
}

fn set(r: &mut Response<Body>, name: &'static str, value: &str) {
    if let Ok(v) = hyper::header::HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(full(Bytes::from_static(text.as_bytes())));
    *r.status_mut() = status;
    set(&mut r, "content-type", "text/plain; charset=utf-8");
    r
}

fn asset(content_type: &str, text: &'static str) -> Response<Body> {
    let mut r = Response::new(full(Bytes::from_static(text.as_bytes())));
    set(&mut r, "content-type", content_type);
    set(&mut r, "cache-control", "no-cache");
    r
}

/// An HTML response with the site's security headers (without HSTS: the
/// preview is plain HTTP) and no caching.
fn html(status: StatusCode, body: Vec<u8>) -> Response<Body> {
    let mut r = Response::new(full(body));
    *r.status_mut() = status;
    set(&mut r, "content-type", "text/html; charset=utf-8");
    set(&mut r, "cache-control", "no-store");
    for (name, value) in SECURITY_HEADERS {
        if *name != "Strict-Transport-Security"
            && let (Ok(n), Ok(v)) = (
                hyper::header::HeaderName::from_bytes(name.as_bytes()),
                hyper::header::HeaderValue::from_str(value),
            )
        {
            r.headers_mut().insert(n, v);
        }
    }
    r
}

fn file_response(path: &str, bytes: Bytes) -> Response<Body> {
    let mut r = Response::new(full(bytes));
    set(&mut r, "content-type", crate::media::content_type(path));
    set(&mut r, "cache-control", "no-cache");
    set(&mut r, "x-content-type-options", "nosniff");
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_map_to_site_labels() {
        let label = |h: &str| preview_host(h, 1111);
        let site = |s: &str| PreviewHost::Site(s.to_string());
        assert_eq!(label("dinkes.localhost:1111"), site("dinkes"));
        assert_eq!(label("Dinkes.localhost."), site("dinkes"));
        assert_eq!(label("localhost:1111"), PreviewHost::Index);
        assert_eq!(label("localhost"), PreviewHost::Index);
        assert_eq!(label("127.0.0.1:1111"), PreviewHost::Index);
        assert_eq!(label("[::1]:1111"), PreviewHost::Index);
    }

    #[test]
    fn other_hosts_are_refused() {
        for h in [
            "dinkes.evil.example",
            "dinkes.evil.example:1111",
            "evil.example",
            "localhost.evil.example",
            "a.b.localhost:1111",
            "dinkes.localhost:2222",
            "127.0.0.2:1111",
            "10.0.0.1:1111",
            "[::2]:1111",
            "0.0.0.0:1111",
            ".localhost",
            "din_kes.localhost",
            "[::1",
            "",
        ] {
            assert_eq!(preview_host(h, 1111), PreviewHost::Refused, "{h:?}");
        }
    }

    #[test]
    fn url_paths_map_to_output_files() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/profil/"), "profil/index.html");
        assert_eq!(output_path("/assets/laman.css"), "assets/laman.css");
        assert_eq!(output_path("/berita%20baru/"), "berita baru/index.html");
    }
}
