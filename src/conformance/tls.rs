//! TLS stage: the rustls client with the capturing verifier (a bad
//! certificate is recorded, the handshake still finishes), certificate
//! parsing, and TLS001–TLS006 (TLS011 in `ocsp`) plus the issuer's CAA domain for DNS011.
//! One crypto provider (ring), passed explicitly. Verdicts are computed
//! from the captured chain with the webpki verifier and the injected clock.

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::ConformanceError;

/// The chain the server presented and the OCSP response it stapled.
type Captured = Arc<Mutex<Option<(Vec<CertificateDer<'static>>, Vec<u8>)>>>;

/// Records the presented chain and lets the handshake finish; handshake
/// signatures are still checked, so the peer must hold the key.
#[derive(Debug)]
struct Capture {
    inner: Arc<WebPkiServerVerifier>,
    seen: Captured,
}

impl ServerCertVerifier for Capture {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _name: &ServerName<'_>,
        ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        if let Ok(mut s) = self.seen.lock() {
            *s = Some((chain, ocsp.to_vec()));
        }
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The TLS client shared by all connections of a run.
#[derive(Debug, Clone)]
pub struct TlsClient {
    provider: Arc<CryptoProvider>,
    verifier: Arc<WebPkiServerVerifier>,
    /// The extra roots (`--ca-root`), where an issuer may be found for TLS011.
    extra: Arc<[CertificateDer<'static>]>,
}

/// What one handshake showed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Handshake {
    /// `TLSv1_3`.
    pub version: Option<String>,
    /// Negotiated suite.
    pub suite: Option<String>,
    /// ALPN protocol.
    pub alpn: Option<String>,
    /// Milliseconds.
    pub ms: u64,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// The presented chain (DER), leaf first.
    #[serde(skip)]
    pub chain: Vec<CertificateDer<'static>>,
    /// The stapled OCSP response (empty: none).
    #[serde(skip)]
    pub ocsp: Vec<u8>,
}

/// Reads every certificate of a PEM file.
pub fn read_roots(
    path: &std::path::Path,
) -> Result<Vec<CertificateDer<'static>>, ConformanceError> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| ConformanceError::CaRoot {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?
        .collect();
    match certs {
        Ok(c) if !c.is_empty() => Ok(c),
        Ok(_) => Err(ConformanceError::CaRoot {
            path: path.to_path_buf(),
            reason: "no certificate".into(),
        }),
        Err(e) => Err(ConformanceError::CaRoot {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }),
    }
}

impl TlsClient {
    /// Trusts the Mozilla roots (webpki-roots) plus `extra`.
    pub fn new(extra: Vec<CertificateDer<'static>>) -> Result<TlsClient, ConformanceError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        for c in extra.iter().cloned() {
            roots
                .add(c)
                .map_err(|e| ConformanceError::Setup(format!("CA root: {e}")))?;
        }
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| ConformanceError::Setup(e.to_string()))?;
        Ok(TlsClient {
            provider,
            verifier,
            extra: extra.into(),
        })
    }

    /// Handshakes over `stream` for `host`; the chain is captured even when the handshake fails.
    pub async fn connect<S>(&self, stream: S, host: &str) -> (Handshake, Option<TlsStream<S>>)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send,
    {
        let seen: Captured = Arc::default();
        let started = Instant::now();
        let mut hs = Handshake {
            version: None,
            suite: None,
            alpn: None,
            ms: 0,
            error: None,
            chain: Vec::new(),
            ocsp: Vec::new(),
        };
        let result = match self.config(seen.clone()) {
            Ok(cfg) => match ServerName::try_from(host.to_string()) {
                Ok(name) => {
                    TlsConnector::from(Arc::new(cfg))
                        .connect(name, stream)
                        .await
                }
                Err(e) => Err(io::Error::new(io::ErrorKind::InvalidInput, e)),
            },
            Err(e) => Err(io::Error::other(e)),
        };
        hs.ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        (hs.chain, hs.ocsp) = seen
            .lock()
            .ok()
            .and_then(|mut s| s.take())
            .unwrap_or_default();
        match result {
            Ok(tls) => {
                let (_, conn) = tls.get_ref();
                hs.version = conn.protocol_version().map(|v| format!("{v:?}"));
                hs.suite = conn
                    .negotiated_cipher_suite()
                    .map(|s| format!("{:?}", s.suite()));
                hs.alpn = conn
                    .alpn_protocol()
                    .map(|a| String::from_utf8_lossy(a).into_owned());
                (hs, Some(tls))
            }
            Err(e) => {
                hs.error = Some(describe(&e));
                (hs, None)
            }
        }
    }

    fn config(&self, seen: Captured) -> Result<ClientConfig, rustls::Error> {
        let capture = Arc::new(Capture {
            inner: self.verifier.clone(),
            seen,
        });
        let mut cfg = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()?
            .dangerous()
            .with_custom_certificate_verifier(capture)
            .with_no_client_auth();
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(cfg)
    }

    /// The extra trusted roots.
    pub fn extra_roots(&self) -> &[CertificateDer<'static>] {
        &self.extra
    }

    /// webpki's verdict on `chain` for `host` at `at` (`Ok` or the reason code).
    pub fn verdict(
        &self,
        chain: &[CertificateDer<'static>],
        host: &str,
        at: DateTime<Utc>,
    ) -> Result<(), String> {
        let (leaf, rest) = chain.split_first().ok_or("no certificate")?;
        let name = ServerName::try_from(host.to_string()).map_err(|e| e.to_string())?;
        let secs = u64::try_from(at.timestamp()).unwrap_or(0);
        self.verifier
            .verify_server_cert(
                leaf,
                rest,
                &name,
                &[],
                UnixTime::since_unix_epoch(Duration::from_secs(secs)),
            )
            .map(|_| ())
            .map_err(|e| reason_code(&e))
    }
}

/// The reason code of a certificate error (TESTING.md table).
pub fn reason_code(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => "expired",
            C::NotValidYet | C::NotValidYetContext { .. } => "not_yet_valid",
            C::NotValidForName | C::NotValidForNameContext { .. } => "wrong_name",
            C::UnknownIssuer => "unknown_issuer",
            C::BadSignature => "bad_signature",
            C::Revoked => "revoked",
            C::InvalidPurpose | C::InvalidPurposeContext { .. } => "invalid_purpose",
            _ => "invalid_certificate",
        }
        .to_string(),
        rustls::Error::AlertReceived(a) => format!("tls_alert:{a:?}"),
        other => other.to_string(),
    }
}

fn describe(e: &io::Error) -> String {
    match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        Some(r) => reason_code(r),
        None => format!("{:?}: {e}", e.kind()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_codes_cover_context_variants() {
        let e = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        assert_eq!(reason_code(&e), "unknown_issuer");
        let e = rustls::Error::InvalidCertificate(rustls::CertificateError::Expired);
        assert_eq!(reason_code(&e), "expired");
    }
}
