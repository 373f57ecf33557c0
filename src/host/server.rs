//! The network side: the HTTPS and HTTP accept loops, TLS, HTTP/1.1 with
//! hyper, and the limits that keep slow or idle clients from exhausting
//! the server: a cap on open connections (all, and per client address), a
//! TLS handshake timeout, hyper's header read timeout (which also bounds
//! how long an idle keep-alive connection waits for its next request), and
//! an idle timeout on every read and write (a client that stops reading
//! its response is cut off too).

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Sleep;

use crate::host::acme::Certs;
use crate::host::release::{Current, Loaded};
use crate::host::respond;
use crate::host::{Event, EventSink, Limits};

/// What every connection task shares.
#[derive(Debug)]
pub struct Shared {
    /// The deploy root's `current`.
    pub current: Current,
    /// Certificates.
    pub certs: Arc<Certs>,
    /// Limits.
    pub limits: Limits,
    /// The HTTPS port named in redirects.
    pub https_port: u16,
    /// Event sink.
    pub events: EventSink,
    per_ip: Mutex<HashMap<IpAddr, usize>>,
    slots: Arc<Semaphore>,
}

impl Shared {
    /// Shared state for the accept loops.
    pub fn new(
        current: Current,
        certs: Arc<Certs>,
        limits: Limits,
        https_port: u16,
        events: EventSink,
    ) -> Shared {
        Shared {
            current,
            certs,
            slots: Arc::new(Semaphore::new(limits.max_connections)),
            limits,
            https_port,
            events,
            per_ip: Mutex::new(HashMap::new()),
        }
    }

    /// The release to serve from, reporting a newly loaded or broken one.
    pub fn release(&self) -> Option<Arc<crate::host::release::Release>> {
        match self.current.get() {
            Loaded::Same(r) => Some(r),
            Loaded::New(r) => {
                let _ = self.events.send(Event::Release {
                    id: r.id.clone(),
                    hosts: r.host_names(),
                    problems: r.problems.clone(),
                });
                Some(r)
            }
            Loaded::Failed { kept, error } => {
                if let Some(e) = error {
                    let _ = self.events.send(Event::ReleaseError {
                        error: e.to_string(),
                    });
                }
                kept
            }
        }
    }

    fn admit(self: &Arc<Self>, ip: IpAddr, permit: OwnedSemaphorePermit) -> Option<Slot> {
        let mut m = match self.per_ip.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let n = m.entry(ip).or_insert(0);
        if *n >= self.limits.max_per_ip {
            return None;
        }
        *n += 1;
        Some(Slot {
            shared: self.clone(),
            ip,
            _permit: permit,
        })
    }
}

/// One admitted connection; frees its place on drop.
struct Slot {
    shared: Arc<Shared>,
    ip: IpAddr,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut m) = self.shared.per_ip.lock() {
            if let Some(n) = m.get_mut(&self.ip) {
                *n -= 1;
                if *n == 0 {
                    m.remove(&self.ip);
                }
            }
        }
    }
}

async fn accept(listener: &TcpListener, shared: &Arc<Shared>) -> Option<(TcpStream, Slot)> {
    let permit = shared.slots.clone().acquire_owned().await.ok()?;
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                match shared.admit(peer.ip(), permit) {
                    Some(slot) => return Some((stream, slot)),
                    // Over the per-address cap: closed at once.
                    None => return None,
                }
            }
            Err(_) => {
                // EMFILE and friends: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

fn http1(limits: &Limits) -> hyper::server::conn::http1::Builder {
    let mut b = hyper::server::conn::http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true)
        .max_buf_size(64 * 1024);
    b
}

/// Serves HTTPS on `listener` until the task is dropped.
pub async fn serve_https(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    shared: Arc<Shared>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let Some((stream, slot)) = accept(&listener, &shared).await else {
            continue;
        };
        let acceptor = acceptor.clone();
        let shared = shared.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let limits = shared.limits;
            let idle = Idle::new(stream, limits.idle_timeout);
            let Ok(Ok(tls)) =
                tokio::time::timeout(limits.handshake_timeout, acceptor.accept(idle)).await
            else {
                return;
            };
            let (_, conn) = tls.get_ref();
            if conn.alpn_protocol() == Some(b"acme-tls/1") {
                // A TLS-ALPN-01 validation: the handshake was the answer.
                return;
            }
            let sni = conn.server_name().map(|s| s.to_ascii_lowercase());
            let svc = service_fn(move |req| {
                let release = shared.release();
                let resp = respond::https(&req, sni.as_deref(), release.as_ref());
                async move { Ok::<_, std::convert::Infallible>(resp) }
            });
            let _ = http1(&limits)
                .serve_connection(TokioIo::new(tls), svc)
                .await;
        });
    }
}

/// Serves plain HTTP (redirects, HTTP-01) on `listener`.
pub async fn serve_http(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Some((stream, slot)) = accept(&listener, &shared).await else {
            continue;
        };
        let shared = shared.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let limits = shared.limits;
            let io = Idle::new(stream, limits.idle_timeout);
            let svc = service_fn(move |req| {
                let resp = http_answer(&req, &shared);
                async move { Ok::<_, std::convert::Infallible>(resp) }
            });
            let _ = http1(&limits).serve_connection(TokioIo::new(io), svc).await;
        });
    }
}

fn http_answer<B>(req: &hyper::Request<B>, shared: &Shared) -> hyper::Response<respond::Body> {
    let release = shared.release();
    if let Some(token) = req
        .uri()
        .path()
        .strip_prefix("/.well-known/acme-challenge/")
    {
        let host = respond::request_host(req)
            .ok()
            .flatten()
            .unwrap_or_default();
        return match shared.certs.http01(&host, token) {
            Some(key_auth) => respond::plain(key_auth),
            None => respond::unknown(),
        };
    }
    respond::http_redirect(req, release.as_ref(), shared.https_port)
}

/// A stream that fails with `TimedOut` when neither a read nor a write
/// has made progress for `limit`.
pub struct Idle<S> {
    inner: S,
    limit: Duration,
    last: tokio::time::Instant,
    timer: Pin<Box<Sleep>>,
}

impl<S> std::fmt::Debug for Idle<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idle").field("limit", &self.limit).finish()
    }
}

impl<S> Idle<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, limit: Duration) -> Idle<S> {
        Idle {
            inner,
            limit,
            last: tokio::time::Instant::now(),
            timer: Box::pin(tokio::time::sleep(limit)),
        }
    }

    /// Called when an operation is pending: the timer is only re-armed
    /// when it fires, so progress costs one clock read, not a timer reset.
    fn poll_idle<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        loop {
            match self.timer.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) => {
                    let due = self.last + self.limit;
                    if due <= tokio::time::Instant::now() {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "idle timeout",
                        )));
                    }
                    self.timer.as_mut().reset(due);
                }
            }
        }
    }

    fn progress<T>(&mut self, r: Poll<io::Result<T>>, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        match r {
            Poll::Ready(r) => {
                self.last = tokio::time::Instant::now();
                Poll::Ready(r)
            }
            Poll::Pending => self.poll_idle(cx),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Idle<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        this.progress(r, cx)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Idle<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.progress(r, cx)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_flush(cx);
        this.progress(r, cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.progress(r, cx)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
