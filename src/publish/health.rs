//! The HTTP part of the health check after a switch: one GET per host of
//! `health_url` (`{host}` replaced), answered with a status below 400.
//! HTTPS is verified against the Mozilla roots plus `health_ca`.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::net::TcpStream;

use super::settings::TargetSettings;
use crate::conformance::{http, tls};

/// A configured HTTP health check.
#[derive(Debug, Clone)]
pub struct HttpCheck {
    url: String,
    connect: Option<String>,
    ca: Option<PathBuf>,
    timeout: Duration,
}

/// A URL split for a request.
struct Url {
    https: bool,
    host: String,
    port: u16,
    path: String,
}

fn split(url: &str) -> Option<Url> {
    let (https, rest) = if let Some(r) = url.strip_prefix("https://") {
        (true, r)
    } else {
        (false, url.strip_prefix("http://")?)
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => {
            (h.to_string(), p.parse().ok()?)
        }
        _ => (authority.to_string(), if https { 443 } else { 80 }),
    };
    Some(Url {
        https,
        host,
        port,
        path: path.to_string(),
    })
}

impl HttpCheck {
    /// The check of a target, when `health_url` is set; relative
    /// `health_ca` paths are taken from `base`'s parent (the project).
    pub fn from_settings(s: &TargetSettings, _base: &Path) -> Option<HttpCheck> {
        Some(HttpCheck {
            url: s.health_url.clone()?,
            connect: s.health_connect.clone(),
            ca: s.health_ca.as_ref().map(PathBuf::from),
            timeout: Duration::from_secs(s.health_timeout_secs.unwrap_or(10)),
        })
    }

    /// Checks every host; returns one line per failing host.
    pub fn run(&self, hosts: &[&str]) -> Vec<String> {
        let rt = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => return vec![format!("health check: {e}")],
        };
        let client = match self.ca.as_ref().map(|p| tls::read_roots(p)).transpose() {
            Ok(extra) => match tls::TlsClient::new(extra.unwrap_or_default()) {
                Ok(c) => c,
                Err(e) => return vec![format!("health check: {e}")],
            },
            Err(e) => return vec![format!("health check: {e}")],
        };
        rt.block_on(async {
            let mut failures = Vec::new();
            for host in hosts {
                let url = self.url.replace("{host}", host);
                let r = tokio::time::timeout(self.timeout, self.one(&client, &url)).await;
                match r {
                    Ok(Ok(status)) if status < 400 => {}
                    Ok(Ok(status)) => failures.push(format!("{host}: {url} answered {status}")),
                    Ok(Err(e)) => failures.push(format!("{host}: {url}: {e}")),
                    Err(_) => failures.push(format!("{host}: {url}: timed out")),
                }
            }
            failures
        })
    }

    async fn one(&self, client: &tls::TlsClient, url: &str) -> Result<u16, String> {
        let u = split(url).ok_or_else(|| format!("not an http(s) URL: {url}"))?;
        let addr: SocketAddr = match &self.connect {
            Some(c) => match c.parse::<SocketAddr>() {
                Ok(a) => a,
                Err(_) => SocketAddr::new(
                    c.parse::<IpAddr>()
                        .map_err(|_| format!("health_connect `{c}` is not an address"))?,
                    u.port,
                ),
            },
            None => tokio::net::lookup_host((u.host.as_str(), u.port))
                .await
                .map_err(|e| e.to_string())?
                .next()
                .ok_or_else(|| format!("{} has no address", u.host))?,
        };
        let tcp = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        let host_header = if (u.https && u.port == 443) || (!u.https && u.port == 80) {
            u.host.clone()
        } else {
            format!("{}:{}", u.host, u.port)
        };
        let resp = if u.https {
            let (hs, stream) = client.connect(tcp, &u.host).await;
            let stream = stream.ok_or_else(|| hs.error.unwrap_or_else(|| "TLS failed".into()))?;
            http::get(stream, &host_header, &u.path).await
        } else {
            http::get(tcp, &host_header, &u.path).await
        };
        resp.map(|r| r.status).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        let u = split("https://dinkes.cianjurkab.go.id/").expect("url");
        assert!(u.https && u.port == 443 && u.host == "dinkes.cianjurkab.go.id" && u.path == "/");
        let u = split("http://a.b:8080/sehat?x=1").expect("url");
        assert!(!u.https && u.port == 8080 && u.host == "a.b" && u.path == "/sehat?x=1");
        assert!(split("ftp://x/").is_none());
    }
}
