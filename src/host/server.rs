//! The network side: the HTTPS and HTTP accept loops, TLS, HTTP/1.1 with
//! hyper, and the limits that keep slow, idle or numerous clients from
//! exhausting the server: fair admission (`admit.rs`: caps per address,
//! per IPv6 /64 and in all, idle connections closed first to make room), a
//! TLS handshake timeout, hyper's header read timeout (which also bounds
//! how long an idle keep-alive connection waits for its next request), an
//! idle timeout on every read and write, and a send timeout for a client
//! that stops reading its response.

use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt as _;
use hyper::body::{Frame, SizeHint};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

use crate::host::acme::Certs;
use crate::host::admit::{Admission, Busy, Caps, Slot};
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
    admission: Arc<Admission>,
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
            admission: Arc::new(Admission::new(Caps {
                max_connections: limits.max_connections,
                max_per_ip: limits.max_per_ip,
                max_per_net: limits.max_per_net,
            })),
            limits,
            https_port,
            events,
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

    fn admit(&self, ip: IpAddr) -> Option<Slot> {
        self.admission.admit(ip).ok()
    }
}

/// The next admitted connection. A refused one is closed at once (a
/// reset, no answer): the decision needs the peer's address, so the
/// server keeps accepting instead of pausing at the cap.
async fn accept(listener: &TcpListener, shared: &Arc<Shared>) -> (TcpStream, Slot) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                if let Some(slot) = shared.admit(peer.ip()) {
                    let _ = stream.set_nodelay(true);
                    return (stream, slot);
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

/// A response body that marks its connection busy until it is sent (or
/// dropped), so admission never closes a connection mid-response.
struct Tracked {
    body: respond::Body,
    _busy: Busy,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }
    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }
    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

fn tracked(resp: hyper::Response<respond::Body>, busy: Busy) -> hyper::Response<respond::Body> {
    resp.map(|body| Tracked { body, _busy: busy }.boxed())
}

/// Serves HTTPS on `listener` until the task is dropped.
pub async fn serve_https(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    shared: Arc<Shared>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let (stream, slot) = accept(&listener, &shared).await;
        let acceptor = acceptor.clone();
        let shared = shared.clone();
        tokio::spawn(async move {
            let conn = slot.conn().clone();
            let serve = async {
                let limits = shared.limits;
                let idle = Idle::new(stream, limits.idle_timeout, limits.send_timeout);
                let Ok(Ok(tls)) =
                    tokio::time::timeout(limits.handshake_timeout, acceptor.accept(idle)).await
                else {
                    return;
                };
                let (_, tls_conn) = tls.get_ref();
                if tls_conn.alpn_protocol() == Some(b"acme-tls/1") {
                    // A TLS-ALPN-01 validation: the handshake was the answer.
                    return;
                }
                let sni = tls_conn.server_name().map(|s| s.to_ascii_lowercase());
                let conn = conn.clone();
                let shared = shared.clone();
                let svc = service_fn(move |req| {
                    let busy = conn.busy();
                    let release = shared.release();
                    let resp = respond::https(&req, sni.as_deref(), release.as_ref());
                    let resp = tracked(resp, busy);
                    async move { Ok::<_, std::convert::Infallible>(resp) }
                });
                let _ = http1(&limits)
                    .serve_connection(TokioIo::new(tls), svc)
                    .await;
            };
            // Closed to make room for another client: dropping the
            // connection future closes the socket.
            tokio::select! {
                () = serve => {}
                () = conn.reaped() => {}
            }
            drop(slot);
        });
    }
}

/// Serves plain HTTP (redirects, HTTP-01) on `listener`.
pub async fn serve_http(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let (stream, slot) = accept(&listener, &shared).await;
        let shared = shared.clone();
        tokio::spawn(async move {
            let conn = slot.conn().clone();
            let limits = shared.limits;
            let io = Idle::new(stream, limits.idle_timeout, limits.send_timeout);
            let busy_conn = conn.clone();
            let svc = service_fn(move |req| {
                let busy = busy_conn.busy();
                let resp = tracked(http_answer(&req, &shared), busy);
                async move { Ok::<_, std::convert::Infallible>(resp) }
            });
            tokio::select! {
                _ = http1(&limits).serve_connection(TokioIo::new(io), svc) => {}
                () = conn.reaped() => {}
            }
            drop(slot);
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
/// has made progress for `limit`, or when a write has been waiting for
/// the client to take bytes for `send` (a client that stopped reading its
/// response, even if it keeps sending).
pub struct Idle<S> {
    inner: S,
    limit: Duration,
    send: Duration,
    last: Instant,
    /// Since when a write has been pending without progress.
    blocked: Option<Instant>,
    timer: Pin<Box<Sleep>>,
}

impl<S> std::fmt::Debug for Idle<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Idle")
            .field("limit", &self.limit)
            .field("send", &self.send)
            .finish()
    }
}

impl<S> Idle<S> {
    /// Wraps `inner`.
    pub fn new(inner: S, limit: Duration, send: Duration) -> Idle<S> {
        Idle {
            inner,
            limit,
            send,
            last: Instant::now(),
            blocked: None,
            timer: Box::pin(tokio::time::sleep(limit)),
        }
    }

    fn due(&self) -> Instant {
        let idle = self.last + self.limit;
        match self.blocked {
            Some(since) => idle.min(since + self.send),
            None => idle,
        }
    }

    /// Called when an operation is pending: the timer is only re-armed
    /// when it fires (or must fire earlier), so progress costs one clock
    /// read, not a timer reset.
    fn poll_idle<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let due = self.due();
        if due < self.timer.deadline() {
            self.timer.as_mut().reset(due);
        }
        loop {
            match self.timer.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) => {
                    let due = self.due();
                    if due <= Instant::now() {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "idle or send timeout",
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
                self.last = Instant::now();
                Poll::Ready(r)
            }
            Poll::Pending => self.poll_idle(cx),
        }
    }

    fn write_progress<T>(
        &mut self,
        r: Poll<io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<T>> {
        match r {
            Poll::Ready(_) => self.blocked = None,
            Poll::Pending => {
                self.blocked.get_or_insert_with(Instant::now);
            }
        }
        self.progress(r, cx)
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
        this.write_progress(r, cx)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_flush(cx);
        this.write_progress(r, cx)
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
        this.write_progress(r, cx)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
