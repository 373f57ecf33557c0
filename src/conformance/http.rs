//! HTTP stage: a small bounded HTTP/1.1 GET over any byte stream (no
//! redirect following: the runner records every hop), and the pure
//! verdicts HTTP001 (first hop to HTTPS), HTTP002 (chain), HTTP003 (HSTS),
//! HTTP005 (security headers), HTTP007 (security.txt), HTTP009 (status,
//! soft-404).

pub use super::evidence::Hop;
use super::evidence::{Answered, Evidence};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::{Check, Observation, Status};
use crate::diagnostic::Bilingual;

/// Largest response read (bytes).
pub const MAX_RESPONSE: usize = 4 * 1024 * 1024;

/// A parsed response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Header fields in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body (de-chunked).
    #[serde(skip)]
    pub body: Vec<u8>,
}

impl Response {
    /// First value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request gave no response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// Reading or writing failed.
    #[error("i/o: {0}")]
    Io(String),
    /// Not an HTTP/1.x response.
    #[error("malformed response: {0}")]
    Malformed(String),
    /// Larger than [`MAX_RESPONSE`].
    #[error("response larger than {MAX_RESPONSE} bytes")]
    TooLarge,
}

/// GET `path` on `host` over `stream` (Connection: close).
pub async fn get<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    host: &str,
    path: &str,
) -> Result<Response, HttpError> {
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: laman-conformance/1\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    );
    let io = |e: std::io::Error| HttpError::Io(e.to_string());
    stream.write_all(req.as_bytes()).await.map_err(io)?;
    stream.flush().await.map_err(io)?;
    let mut buf = Vec::new();
    let mut limited = (&mut stream).take(MAX_RESPONSE as u64 + 1);
    match limited.read_to_end(&mut buf).await {
        Ok(_) => {}
        // A peer closing TLS without close_notify still sent a full response.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof && !buf.is_empty() => {}
        Err(e) => return Err(io(e)),
    }
    if buf.len() > MAX_RESPONSE {
        return Err(HttpError::TooLarge);
    }
    parse(&buf)
}

/// Parses a complete HTTP/1.x response.
pub fn parse(buf: &[u8]) -> Result<Response, HttpError> {
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| HttpError::Malformed("no end of header".into()))?;
    let head = String::from_utf8_lossy(&buf[..end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(HttpError::Malformed(format!("status line `{status_line}`")));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| HttpError::Malformed(format!("status line `{status_line}`")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let raw = &buf[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        dechunk(raw)?
    } else {
        let len = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok());
        match len {
            Some(l) if l <= raw.len() => raw[..l].to_vec(),
            _ => raw.to_vec(),
        }
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut raw: &[u8]) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    loop {
        let nl = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| HttpError::Malformed("chunk size".into()))?;
        let size_text = String::from_utf8_lossy(&raw[..nl]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| HttpError::Malformed(format!("chunk size `{size_text}`")))?;
        raw = &raw[nl + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = raw
            .get(..size)
            .ok_or_else(|| HttpError::Malformed("short chunk".into()))?;
        out.extend_from_slice(chunk);
        raw = raw.get(size + 2..).unwrap_or_default();
    }
}

/// Whether `location` is `https://host[:port]/`.
fn is_https_home(location: &str, host: &str) -> bool {
    let Some(rest) = location.strip_prefix("https://") else {
        return false;
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let name = authority.split(':').next().unwrap_or_default();
    name.eq_ignore_ascii_case(host) && path.is_empty()
}

/// HTTP001 from the first hop of `http://host/`.
pub fn first_hop(host: &str, hops: &[Hop], now: DateTime<Utc>) -> Observation {
    let ev = Evidence::Redirects {
        chain: hops.to_vec(),
    };
    let first = hops.first();
    let (status, msg) = match first {
        Some(h) if h.timed_out => (
            Status::Inconclusive,
            Bilingual::new("permintaan HTTP habis waktu", "HTTP request timed out"),
        ),
        Some(Hop {
            status: Some(s @ (301 | 308)),
            location: Some(l),
            ..
        }) if is_https_home(l, host) => (
            Status::Pass,
            Bilingual::new(format!("{s} ke {l}"), format!("{s} to {l}")),
        ),
        Some(Hop {
            status: Some(s),
            location,
            ..
        }) => {
            let l = location.clone().unwrap_or_else(|| "-".into());
            (
                Status::Fail,
                Bilingual::new(
                    format!(
                        "http:// tidak langsung dialihkan ke https://{host}/ (status {s}, Location {l})"
                    ),
                    format!(
                        "http:// is not redirected to https://{host}/ first (status {s}, Location {l})"
                    ),
                ),
            )
        }
        Some(Hop { error, .. }) => {
            let e = error.clone().unwrap_or_default();
            (
                Status::Fail,
                Bilingual::new(
                    format!("port HTTP tidak menjawab: {e}"),
                    format!("HTTP port does not answer: {e}"),
                ),
            )
        }
        None => (
            Status::Inconclusive,
            Bilingual::new("tidak diukur", "not measured"),
        ),
    };
    Observation::new(host, Check::HTTP001, status, ev, now, msg)
}

/// HTTP002: no HTTPS→HTTP hop, at most 5 hops.
pub fn chain(host: &str, hops: &[Hop], now: DateTime<Utc>) -> Observation {
    let ev = Evidence::Redirects {
        chain: hops.to_vec(),
    };
    let downgrade = hops
        .windows(2)
        .any(|w| w[0].url.starts_with("https:") && w[1].url.starts_with("http:"));
    let redirects = hops.iter().filter(|h| h.location.is_some()).count();
    let (status, msg) = if downgrade {
        (
            Status::Fail,
            Bilingual::new(
                "pengalihan dari HTTPS ke HTTP",
                "redirect from HTTPS to HTTP",
            ),
        )
    } else if redirects > 5 {
        (
            Status::Fail,
            Bilingual::new(
                format!("{redirects} pengalihan (maks. 5)"),
                format!("{redirects} redirects (max 5)"),
            ),
        )
    } else if hops.last().is_some_and(|h| h.timed_out) {
        (
            Status::Inconclusive,
            Bilingual::new("rantai habis waktu", "chain timed out"),
        )
    } else {
        (
            Status::Pass,
            Bilingual::new(
                format!("{redirects} pengalihan, tetap HTTPS"),
                format!("{redirects} redirects, stays on HTTPS"),
            ),
        )
    };
    Observation::new(host, Check::HTTP002, status, ev, now, msg)
}

/// HTTP003 from the HTTPS home response.
pub fn hsts(host: &str, apex: bool, r: &Response, now: DateTime<Utc>) -> Observation {
    let raw = r.header("strict-transport-security");
    let lower = raw.map(str::to_ascii_lowercase).unwrap_or_default();
    let max_age = lower
        .split(';')
        .filter_map(|d| d.trim().strip_prefix("max-age="))
        .find_map(|v| v.trim_matches('"').parse::<u64>().ok());
    let subdomains = lower.split(';').any(|d| d.trim() == "includesubdomains");
    let ev = Evidence::Hsts {
        header: raw.map(str::to_string),
        max_age,
        include_subdomains: subdomains,
    };
    let problem = match (raw, max_age) {
        (None, _) => Some((
            "tidak ada header HSTS".to_string(),
            "no HSTS header".to_string(),
        )),
        (_, None) => Some((
            "max-age HSTS tidak valid".into(),
            "invalid HSTS max-age".into(),
        )),
        (_, Some(a)) if a < 31_536_000 => Some((
            format!("max-age {a} < 31536000"),
            format!("max-age {a} < 31536000"),
        )),
        _ if apex && !subdomains => Some((
            "apex tanpa includeSubDomains".into(),
            "apex without includeSubDomains".into(),
        )),
        _ => None,
    };
    let (status, msg) = match problem {
        Some((id, en)) => (Status::Fail, Bilingual::new(id, en)),
        None => (
            Status::Pass,
            Bilingual::new("HSTS terpasang", "HSTS present"),
        ),
    };
    Observation::new(host, Check::HTTP003, status, ev, now, msg)
}

/// HTTP005: CSP (frame-ancestors/object-src), nosniff, framing, Referrer-Policy.
pub fn security_headers(host: &str, r: &Response, now: DateTime<Utc>) -> Observation {
    let csp = r
        .header("content-security-policy")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut missing = Vec::new();
    if csp.is_empty() || !(csp.contains("frame-ancestors") || csp.contains("object-src")) {
        missing.push("Content-Security-Policy");
    }
    if !r
        .header("x-content-type-options")
        .is_some_and(|v| v.eq_ignore_ascii_case("nosniff"))
    {
        missing.push("X-Content-Type-Options");
    }
    if r.header("x-frame-options").is_none() && !csp.contains("frame-ancestors") {
        missing.push("X-Frame-Options");
    }
    if r.header("referrer-policy").is_none() {
        missing.push("Referrer-Policy");
    }
    let ev = Evidence::Headers {
        headers: r.headers.clone(),
        missing: missing.clone(),
    };
    let (status, msg) = if missing.is_empty() {
        (
            Status::Pass,
            Bilingual::new("header keamanan lengkap", "security headers present"),
        )
    } else {
        let m = missing.join(", ");
        (
            Status::Fail,
            Bilingual::new(
                format!("header kurang: {m}"),
                format!("missing headers: {m}"),
            ),
        )
    };
    Observation::new(host, Check::HTTP005, status, ev, now, msg)
}

/// HTTP007 from the response to `/.well-known/security.txt`.
pub fn security_txt(host: &str, r: &Response, now: DateTime<Utc>) -> Observation {
    let text = String::from_utf8_lossy(&r.body);
    let field = |name: &str| {
        text.lines()
            .filter_map(|l| l.split_once(':'))
            .filter(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_string())
            .collect::<Vec<_>>()
    };
    let contact = field("contact");
    let expires = field("expires");
    let expiry = expires
        .first()
        .and_then(|e| DateTime::parse_from_rfc3339(e).ok());
    let ev = Evidence::SecurityTxt {
        status: r.status,
        contact: contact.iter().map(|c| c.to_string()).collect(),
        expires: expires.iter().map(|c| c.to_string()).collect(),
    };
    let problem = if r.status != 200 {
        Some(format!("status {}", r.status))
    } else if contact.is_empty() {
        Some("Contact".to_string())
    } else if expiry.is_none_or(|e| e < now) {
        Some("Expires".to_string())
    } else {
        None
    };
    let (status, msg) = match problem {
        None => (
            Status::Pass,
            Bilingual::new("security.txt valid", "security.txt valid"),
        ),
        Some(p) => (
            Status::Fail,
            Bilingual::new(
                format!("security.txt tidak valid ({p})"),
                format!("security.txt not valid ({p})"),
            ),
        ),
    };
    Observation::new(host, Check::HTTP007, status, ev, now, msg)
}

/// HTTP009: home 2xx and a random path 404 (or 410).
pub fn statuses(host: &str, home: &Response, random: &Response, now: DateTime<Utc>) -> Observation {
    let ev = Evidence::Statuses {
        home: Answered::Status {
            status: home.status,
            bytes: Some(home.body.len()),
        },
        random: Answered::Status {
            status: random.status,
            bytes: Some(random.body.len()),
        },
    };
    let (status, msg) = if !(200..300).contains(&home.status) {
        (
            Status::Fail,
            Bilingual::new(
                format!("halaman utama berstatus {}", home.status),
                format!("home page status {}", home.status),
            ),
        )
    } else if (200..300).contains(&random.status) {
        (
            Status::Fail,
            Bilingual::new(
                "alamat acak menjawab 200 (soft-404)",
                "a random path answers 200 (soft-404)",
            ),
        )
    } else {
        (
            Status::Pass,
            Bilingual::new("status benar", "statuses correct"),
        )
    };
    Observation::new(host, Check::HTTP009, status, ev, now, msg)
}

#[cfg(test)]
mod tests;
