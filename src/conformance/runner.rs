//! Orchestrates a run: for each host DNS → HTTP chain → HTTPS home
//! (handshake captured) → extra paths → content, with bounded concurrency
//! (`buffer_unordered`), a politeness limit per address, a timeout per
//! network step, and a second fresh-connection pass that confirms every new
//! critical/high failure before it is reported.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use super::evidence::{Answered, Evidence};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::certs::{self, ca_domain};
use super::http::{self, Hop, Response};
use super::net::{Net, Polite, Politeness, RealNet};
use super::tls::{Handshake, TlsClient};
use super::{
    Check, ConformanceError, ConformanceOptions, ConformanceReport, Observation, Status, Target,
    content, dns,
};
use crate::diagnostic::Bilingual;
use crate::output::HostManifest;

/// Most sitemap URLs fetched per host for CNT001/CNT005.
const SITEMAP_PAGES: usize = 10;
/// Most hops followed from `http://host/`.
const MAX_HOPS: usize = 7;

/// Shared state of one run.
#[derive(Debug)]
pub struct Ctx<N> {
    net: Arc<N>,
    tls: TlsClient,
    polite: Politeness,
    opts: ConformanceOptions,
}

/// Result of one request.
#[derive(Debug)]
enum Fetched {
    Ok(Response),
    TimedOut,
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    Http,
    Https,
}

/// Runs the job on a fresh tokio runtime with the real network.
pub fn run(
    opts: &ConformanceOptions,
    resolver: SocketAddr,
) -> Result<ConformanceReport, ConformanceError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ConformanceError::Setup(e.to_string()))?;
    let mut extra = Vec::new();
    for p in &opts.ca_roots {
        extra.extend(super::tls::read_roots(p)?);
    }
    let tls = TlsClient::new(extra)?;
    let mut report = rt.block_on(async {
        let net = RealNet::new(resolver, opts.timeout).map_err(ConformanceError::Setup)?;
        Ok::<_, ConformanceError>(run_with(Arc::new(net), tls, opts.clone()).await)
    })?;
    // The vantage point of every DNS answer (spec: "the resolver used").
    for f in report
        .findings
        .iter_mut()
        .filter(|f| f.check.group() == "DNS")
    {
        f.resolver = Some(resolver.to_string());
    }
    Ok(report)
}

/// Runs the job over any [`Net`].
pub async fn run_with<N: Net>(
    net: Arc<N>,
    tls: TlsClient,
    opts: ConformanceOptions,
) -> ConformanceReport {
    let started = Instant::now();
    let ctx = Arc::new(Ctx {
        net,
        tls,
        polite: Politeness::new(opts.per_ip),
        opts,
    });
    let targets = ctx.opts.targets.clone();
    let mut findings: Vec<Observation> = futures_util::stream::iter(targets.clone())
        .map(|t| {
            let ctx = ctx.clone();
            async move { confirmed(&ctx, &t).await }
        })
        .buffer_unordered(ctx.opts.concurrency.max(1))
        .flat_map(futures_util::stream::iter)
        .collect()
        .await;
    let (domain, now, profile) = (ctx.opts.domain.as_str(), ctx.opts.now, ctx.opts.profile);
    findings.extend(super::register::decrees(&targets, profile, now));
    let seen = super::register::Sightings {
        zone: ctx
            .opts
            .zone
            .as_ref()
            .map(|(source, names)| (source, names)),
        ct: ctx
            .opts
            .ct
            .as_ref()
            .map(|(file, names)| (file.as_str(), names)),
    };
    if seen.zone.is_some() || seen.ct.is_some() {
        let at = (domain, profile);
        findings.extend(super::register::sightings(seen, &targets, at, now));
    }
    findings.sort_by(|a, b| (a.host(), a.check).cmp(&(b.host(), b.check)));
    let profile = ctx.opts.profile;
    let mut cited: std::collections::BTreeMap<Check, Arc<[crate::diagnostic::Citation]>> =
        Default::default();
    for f in &mut findings {
        f.diagnostic.basis = cited
            .entry(f.check)
            .or_insert_with(|| super::basis::of_check(f.check, profile).into())
            .clone();
    }
    ConformanceReport {
        findings,
        targets,
        elapsed: started.elapsed(),
        profile,
    }
}

/// Checks a host; new critical/high failures are re-checked once.
async fn confirmed<N: Net>(ctx: &Ctx<N>, t: &Target) -> Vec<Observation> {
    let mut first = check_host(ctx, &t.host).await;
    let is_new = |f: &Observation| {
        f.is_blocking()
            && !ctx
                .opts
                .previous_fails
                .contains(&(f.host().to_string(), f.check))
    };
    if !first.iter().any(is_new) {
        return first;
    }
    let second = check_host(ctx, &t.host).await;
    for f in first.iter_mut().filter(|f| is_new(f)) {
        let again = second
            .iter()
            .any(|s| s.check == f.check && s.status == Status::Fail);
        if again {
            f.confirmed = Some(true);
        } else {
            f.unconfirmed();
        }
    }
    first
}

/// Every check of one host.
async fn check_host<N: Net>(ctx: &Ctx<N>, host: &str) -> Vec<Observation> {
    let o = &ctx.opts;
    let now = o.now;
    let d = dns::check(ctx.net.as_ref(), host, &o.domain, &o.expected, now).await;
    let mut out = d.findings.clone();
    let ip = o.connect.get(host).copied().or_else(|| {
        d.addresses
            .iter()
            .find(|a| a.is_ipv4())
            .or(d.addresses.first())
            .copied()
    });
    let Some(ip) = ip else {
        return out;
    };
    if o.expected.addresses.iter().any(IpAddr::is_ipv6) {
        out.push(ipv6(ctx, host, &d.addresses).await);
    }
    let hops = follow(ctx, host, ip).await;
    out.push(http::first_hop(host, &hops, now));
    out.push(http::chain(host, &hops, now));
    let (hs, home) = fetch(ctx, Scheme::Https, host, ip, o.https_port, "/").await;
    match &hs {
        Some(hs) => {
            let (tls, leaf) = certs::findings(&ctx.tls, host, hs, now);
            out.extend(tls);
            if let Some(leaf) = leaf {
                out.push(caa_authorises(ctx, host, &d, &leaf, now));
            }
        }
        None => out.push(unreachable_tls(host, &home, now)),
    }
    if let Fetched::Ok(home) = home {
        out.extend(served(ctx, host, ip, home).await);
    }
    out
}

/// DNS002: an AAAA record, and HTTPS answering on its address.
async fn ipv6<N: Net>(ctx: &Ctx<N>, host: &str, addrs: &[IpAddr]) -> Observation {
    let now = ctx.opts.now;
    let v6: Vec<IpAddr> = addrs.iter().copied().filter(IpAddr::is_ipv6).collect();
    let Some(ip) = v6.first().copied() else {
        let msg = Bilingual::new("tidak ada rekaman AAAA", "no AAAA record");
        return Observation::new(
            host,
            Check::DNS002,
            Status::Fail,
            Evidence::Ipv6 {
                aaaa: v6,
                address: None,
                result: None,
            },
            now,
            msg,
        );
    };
    let (_, r) = fetch(ctx, Scheme::Https, host, ip, ctx.opts.https_port, "/").await;
    let (status, result, msg) = match r {
        Fetched::Ok(r) => (
            Status::Pass,
            Answered::Status {
                status: r.status,
                bytes: None,
            },
            Bilingual::new(
                format!("HTTPS lewat IPv6 ({ip}) menjawab {}", r.status),
                format!("HTTPS over IPv6 ({ip}) answers {}", r.status),
            ),
        ),
        Fetched::TimedOut => (
            Status::Inconclusive,
            Answered::Error {
                error: "timeout".into(),
            },
            Bilingual::new(
                format!("HTTPS lewat IPv6 ({ip}) habis waktu"),
                format!("HTTPS over IPv6 ({ip}) timed out"),
            ),
        ),
        Fetched::Failed(e) => (
            Status::Fail,
            Answered::Error { error: e.clone() },
            Bilingual::new(
                format!("HTTPS lewat IPv6 ({ip}) gagal: {e}"),
                format!("HTTPS over IPv6 ({ip}) failed: {e}"),
            ),
        ),
    };
    let ev = Evidence::Ipv6 {
        aaaa: v6,
        address: Some(ip),
        result: Some(result),
    };
    Observation::new(host, Check::DNS002, status, ev, now, msg)
}

fn unreachable_tls(host: &str, home: &Fetched, now: chrono::DateTime<chrono::Utc>) -> Observation {
    let (s, reason) = match home {
        Fetched::TimedOut => (Status::Inconclusive, "timeout".to_string()),
        Fetched::Failed(e) => (Status::Fail, e.clone()),
        Fetched::Ok(_) => (Status::Inconclusive, "no handshake".to_string()),
    };
    Observation::new(
        host,
        Check::TLS001,
        s,
        Evidence::Error {
            error: reason.clone(),
        },
        now,
        Bilingual::new(
            format!("koneksi HTTPS gagal: {reason}"),
            format!("HTTPS connection failed: {reason}"),
        ),
    )
}

fn caa_authorises<N>(
    ctx: &Ctx<N>,
    host: &str,
    d: &dns::DnsOutcome,
    leaf: &certs::CertInfo,
    now: chrono::DateTime<chrono::Utc>,
) -> Observation {
    let ca = leaf.issuer_org.as_deref().and_then(ca_domain);
    let caa = d
        .caa
        .as_ref()
        .map(|(_, r)| r.as_slice())
        .unwrap_or_default();
    let ev = Evidence::CaaIssuer {
        issuer: leaf.issuer.clone(),
        ca: ca.map(|c| c.to_string()),
        caa: caa.to_vec(),
        found_at: d.caa.as_ref().map(|(a, _)| a.clone()),
        caa_issuers: ctx.opts.expected.caa_issuers.clone(),
    };
    let (s, m) = match (d.caa_known, ca) {
        (false, _) => (
            Status::Inconclusive,
            Bilingual::new("CAA tidak dapat dibaca", "CAA could not be read"),
        ),
        (true, None) => (
            Status::Inconclusive,
            Bilingual::new(
                format!("CA penerbit tidak dikenal: {}", leaf.issuer),
                format!("unknown issuing CA: {}", leaf.issuer),
            ),
        ),
        (true, Some(ca)) if dns::caa_authorises(caa, ca) => (
            Status::Pass,
            Bilingual::new(format!("CAA mengizinkan {ca}"), format!("CAA allows {ca}")),
        ),
        (true, Some(ca)) => (
            Status::Fail,
            Bilingual::new(
                format!("CAA tidak mengizinkan {ca}, penerbit sertifikat yang disajikan"),
                format!("CAA does not allow {ca}, the issuer of the served certificate"),
            ),
        ),
    };
    Observation::new(host, Check::DNS011, s, ev, now, m)
}

/// HTTP003/005/007/009 and the content checks over the HTTPS home response.
async fn served<N: Net>(ctx: &Ctx<N>, host: &str, ip: IpAddr, home: Response) -> Vec<Observation> {
    let o = &ctx.opts;
    let now = o.now;
    let port = o.https_port;
    let mut out = vec![
        http::hsts(host, host == o.domain, &home, now),
        http::security_headers(host, &home, now),
    ];
    let rand = crate::output::hex(&Sha256::digest(format!("{host}{}", now.timestamp())));
    let random_path = format!("/laman-404-{}", &rand[..16]);
    if let (_, Fetched::Ok(r)) = fetch(ctx, Scheme::Https, host, ip, port, &random_path).await {
        out.push(http::statuses(host, &home, &r, now));
    }
    if let (_, Fetched::Ok(r)) = fetch(
        ctx,
        Scheme::Https,
        host,
        ip,
        port,
        "/.well-known/security.txt",
    )
    .await
    {
        out.push(http::security_txt(host, &r, now));
    }
    let manifest: Option<&HostManifest> = o
        .manifest
        .as_ref()
        .and_then(|m| m.hosts.iter().find(|h| h.host == host));
    let mut pages = vec![(format!("https://{host}/"), home.body.clone())];
    let mut paths = vec![("/".to_string(), home.body.clone())];
    if let (_, Fetched::Ok(sm)) = fetch(ctx, Scheme::Https, host, ip, port, "/sitemap.xml").await
        && sm.status == 200
    {
        let urls = content::sitemap_urls(&String::from_utf8_lossy(&sm.body));
        if let Some(m) = manifest {
            out.push(content::sitemap_drift(host, &urls, m, now));
        }
        let same_host = urls
            .iter()
            .filter_map(|u| Some((u.clone(), content::path_on(u, host)?)));
        for (url, path) in same_host.filter(|(_, p)| p != "/").take(SITEMAP_PAGES) {
            if let (_, Fetched::Ok(r)) = fetch(ctx, Scheme::Https, host, ip, port, &path).await
                && r.status == 200
            {
                pages.push((url, r.body.clone()));
                paths.push((path, r.body));
            }
        }
    }
    out.push(content::judol(host, &pages, now));
    out.push(content::hidden(host, &o.domain, &home.body, now));
    if let Some(m) = manifest {
        out.push(content::drift(host, &paths, m, now));
    }
    out
}

/// Follows redirects from `http://host/` while they stay on `host`.
async fn follow<N: Net>(ctx: &Ctx<N>, host: &str, ip: IpAddr) -> Vec<Hop> {
    let mut hops = Vec::new();
    let mut url = format!("http://{host}/");
    for _ in 0..MAX_HOPS {
        let Some((scheme, h, port, path)) =
            split_url(&url, ctx.opts.http_port, ctx.opts.https_port)
        else {
            break;
        };
        if !h.eq_ignore_ascii_case(host) {
            // Another host: recorded (HTTP002 sees a downgrade), not followed.
            hops.push(Hop {
                url,
                status: None,
                location: None,
                error: Some("not followed: other host".into()),
                timed_out: false,
            });
            break;
        }
        let (_, r) = fetch(ctx, scheme, host, ip, port, &path).await;
        let mut hop = Hop {
            url: url.clone(),
            status: None,
            location: None,
            error: None,
            timed_out: false,
        };
        match r {
            Fetched::Ok(r) => {
                hop.status = Some(r.status);
                hop.location = r.header("location").map(str::to_string);
            }
            Fetched::TimedOut => hop.timed_out = true,
            Fetched::Failed(e) => hop.error = Some(e),
        }
        let next = hop
            .location
            .clone()
            .filter(|_| hop.status.is_some_and(|s| (300..400).contains(&s)));
        hops.push(hop);
        match next {
            Some(l) if l.starts_with('/') => url = format!("{}{l}", origin(&url)),
            Some(l) => url = l,
            None => break,
        }
    }
    hops
}

fn origin(url: &str) -> String {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    url[..end].to_string()
}

/// `(scheme, host, port, path)`; a URL without a port uses the run's ports.
fn split_url(url: &str, http_port: u16, https_port: u16) -> Option<(Scheme, String, u16, String)> {
    let (scheme, rest, default) = if let Some(r) = url.strip_prefix("https://") {
        (Scheme::Https, r, https_port)
    } else {
        (Scheme::Http, url.strip_prefix("http://")?, http_port)
    };
    let (authority, path) = rest
        .find('/')
        .map_or((rest, "/"), |i| (&rest[..i], &rest[i..]));
    let (h, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (authority, default),
    };
    Some((scheme, h.to_ascii_lowercase(), port, path.to_string()))
}

/// One request on a fresh connection, within the step timeout (waiting
/// for a politeness slot does not count against it).
async fn fetch<N: Net>(
    ctx: &Ctx<N>,
    scheme: Scheme,
    host: &str,
    ip: IpAddr,
    port: u16,
    path: &str,
) -> (Option<Handshake>, Fetched) {
    let slot = ctx.polite.slot(ip).await;
    let addr = SocketAddr::new(ip, port);
    let work = async {
        let tcp = match ctx.net.connect(addr).await {
            Ok(s) => Polite::new(s, slot),
            Err(e) => return (None, Fetched::Failed(format!("tcp_connect: {e}"))),
        };
        match scheme {
            Scheme::Http => (None, into_fetched(http::get(tcp, host, path).await)),
            Scheme::Https => {
                let (hs, stream) = ctx.tls.connect(tcp, host).await;
                match stream {
                    Some(s) => (Some(hs), into_fetched(http::get(s, host, path).await)),
                    None => {
                        let e = hs.error.clone().unwrap_or_default();
                        (Some(hs), Fetched::Failed(format!("tls: {e}")))
                    }
                }
            }
        }
    };
    tokio::time::timeout(ctx.opts.timeout, work)
        .await
        .unwrap_or((None, Fetched::TimedOut))
}

fn into_fetched(r: Result<Response, http::HttpError>) -> Fetched {
    match r {
        Ok(r) => Fetched::Ok(r),
        Err(e) => Fetched::Failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;
    use crate::conformance::net::{DnsAnswer, RData, RType, Rr};

    /// ok: the first A query says NXDOMAIN, later ones answer (a flaky
    /// failure); hung: connections never complete; refused: refused.
    struct Flaky {
        a_calls: AtomicUsize,
    }

    const HUNG: &str = "192.0.2.20";

    fn a(name: &str, ip: &str) -> DnsAnswer {
        let address = ip.parse().unwrap_or(std::net::Ipv4Addr::UNSPECIFIED);
        DnsAnswer::NoError {
            answers: vec![Rr {
                name: name.into(),
                ttl: 60,
                data: RData::A { address },
            }],
        }
    }

    impl Net for Flaky {
        type Stream = tokio::io::DuplexStream;
        async fn query(&self, name: &str, t: RType) -> DnsAnswer {
            match (name, t) {
                ("ok.kab.go.id", RType::A) if self.a_calls.fetch_add(1, Ordering::SeqCst) == 0 => {
                    DnsAnswer::NxDomain
                }
                ("ok.kab.go.id", RType::A) => a(name, "192.0.2.10"),
                ("hung.kab.go.id", RType::A) => a(name, HUNG),
                ("refused.kab.go.id", RType::A) => a(name, "192.0.2.30"),
                ("ok.kab.go.id" | "hung.kab.go.id" | "refused.kab.go.id", _) => DnsAnswer::NoData,
                _ => DnsAnswer::NxDomain,
            }
        }
        async fn connect(&self, addr: SocketAddr) -> std::io::Result<Self::Stream> {
            if addr.ip().to_string() == HUNG {
                std::future::pending::<()>().await;
            }
            Err(std::io::ErrorKind::ConnectionRefused.into())
        }
    }

    #[tokio::test]
    async fn flaky_failure_is_not_confirmed_and_hung_host_is_inconclusive() {
        let mut o = ConformanceOptions::new("kab.go.id", chrono::DateTime::UNIX_EPOCH);
        let t = |h: &str| Target::new(h, h);
        o.targets = vec![
            t("hung.kab.go.id"),
            t("ok.kab.go.id"),
            t("refused.kab.go.id"),
        ];
        o.timeout = Duration::from_millis(200);
        let net = Arc::new(Flaky {
            a_calls: AtomicUsize::new(0),
        });
        let tls = TlsClient::new(Vec::new()).expect("tls client");
        let started = Instant::now();
        let r = run_with(net, tls, o).await;
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        let get = |h: &str, c: Check| {
            r.findings
                .iter()
                .find(|f| f.host() == h && f.check == c)
                .unwrap_or_else(|| panic!("{h} {c}"))
        };
        let dns = get("ok.kab.go.id", Check::DNS001);
        assert_eq!(dns.status, Status::Inconclusive, "{dns:?}");
        assert_eq!(dns.confirmed, Some(false));
        // A refused connection is a measurement, confirmed on the second pass.
        let tls = get("refused.kab.go.id", Check::TLS001);
        assert_eq!(tls.status, Status::Fail);
        assert_eq!(tls.confirmed, Some(true));
        for c in [Check::TLS001, Check::HTTP001] {
            assert_eq!(get("hung.kab.go.id", c).status, Status::Inconclusive);
        }
        let hung_fails: Vec<Check> = r
            .findings
            .iter()
            .filter(|f| f.host() == "hung.kab.go.id" && f.status == Status::Fail)
            .map(|f| f.check)
            .collect();
        assert_eq!(
            hung_fails,
            vec![Check::DNS010],
            "only the missing CAA is a failure"
        );
    }

    #[tokio::test]
    async fn politeness_limits_connections_per_address() {
        let p = Politeness::new(1);
        let ip: IpAddr = "192.0.2.1".parse().expect("ip");
        let other: IpAddr = "192.0.2.2".parse().expect("ip");
        let first = p.slot(ip).await;
        let wait = Duration::from_millis(50);
        assert!(
            tokio::time::timeout(wait, p.slot(ip)).await.is_err(),
            "second slot must wait"
        );
        assert!(tokio::time::timeout(wait, p.slot(other)).await.is_ok());
        drop(first);
        assert!(tokio::time::timeout(wait, p.slot(ip)).await.is_ok());
    }

    #[test]
    fn splits_urls_with_default_ports() {
        let u = split_url("https://a.go.id/x?y", 8080, 8443).expect("url");
        assert_eq!(u, (Scheme::Https, "a.go.id".into(), 8443, "/x?y".into()));
        let u = split_url("http://a.go.id:81", 8080, 8443).expect("url");
        assert_eq!(u, (Scheme::Http, "a.go.id".into(), 81, "/".into()));
        assert_eq!(origin("https://a.go.id/x/y"), "https://a.go.id");
    }
}
