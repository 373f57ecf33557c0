//! TLS011: the OCSP response a server staples into the handshake (RFC 6960,
//! RFC 6066 status_request). rustls hands the stapled bytes to the
//! certificate verifier; this module reads them and judges them against the
//! leaf, its issuer and the clock:
//!
//! - no staple, and the leaf names no OCSP responder (Let's Encrypt stopped
//!   OCSP in 2025): nothing to staple, `pass` with that as evidence;
//! - no staple although the leaf names a responder: `fail`;
//! - a staple: it must be a successful response for this leaf's serial,
//!   signed by the issuer (or by a responder certificate the issuer signed
//!   for OCSP signing), with `thisUpdate` not in the future and `nextUpdate`
//!   not past (without `nextUpdate`, at most 10 days old, the CA/Browser
//!   Forum's limit), and say `good`. A `revoked` answer is a high failure:
//!   the certificate itself must not be used.
//!
//! Parsing walks the DER with asn1-rs (through x509-parser); signatures are
//! checked by x509-parser's `verify` (ring).

use super::evidence::Evidence;
use chrono::{DateTime, NaiveDateTime, Utc};
use rustls::pki_types::CertificateDer;
use x509_parser::asn1_rs::{Any, BitString, Class, FromDer, Oid, Tag};
use x509_parser::prelude::*;
use x509_parser::verify::verify_signature;
use x509_parser::x509::AlgorithmIdentifier;

use super::{Check, Observation, Risk, Status};
use crate::diagnostic::Bilingual;

/// `id-ad-ocsp`: the access method of an OCSP responder in AIA.
const OID_AD_OCSP: &str = "1.3.6.1.5.5.7.48.1";
/// `id-pkix-ocsp-basic`: the only response type there is.
const OID_OCSP_BASIC: &str = "1.3.6.1.5.5.7.48.1.1";
/// Allowed clock skew for `thisUpdate`.
const SKEW_SECS: i64 = 300;
/// Oldest acceptable response without `nextUpdate` (CA/B BR 4.9.10).
const MAX_AGE_SECS: i64 = 10 * 86_400;

/// What a stapled response says, once read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staple {
    /// `good`, `revoked` or `unknown`.
    pub cert_status: &'static str,
    /// Unix seconds.
    pub this_update: i64,
    /// Unix seconds, when given.
    pub next_update: Option<i64>,
    /// `issuer` or `delegated` (a responder certificate signed by the issuer).
    pub signer: &'static str,
}

/// Why a staple could not be accepted as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StapleError {
    /// Not a DER OCSP response.
    Unreadable(String),
    /// `responseStatus` other than `successful` (0).
    NotSuccessful(u32),
    /// No single response for the leaf's serial number.
    NotForThisCertificate,
    /// Neither the issuer nor an authorised responder signed it.
    BadSignature,
    /// The issuer's certificate was not available to check the signature.
    NoIssuer,
}

impl StapleError {
    fn describe(&self) -> Bilingual {
        match self {
            StapleError::Unreadable(e) => Bilingual::new(
                format!("respons OCSP yang disematkan tidak dapat dibaca: {e}"),
                format!("the stapled OCSP response cannot be read: {e}"),
            ),
            StapleError::NotSuccessful(s) => Bilingual::new(
                format!("respons OCSP bukan `successful` (status {s})"),
                format!("the OCSP response is not `successful` (status {s})"),
            ),
            StapleError::NotForThisCertificate => Bilingual::new(
                "respons OCSP bukan untuk sertifikat ini (nomor seri tidak cocok)",
                "the OCSP response is not for this certificate (serial does not match)",
            ),
            StapleError::BadSignature => Bilingual::new(
                "tanda tangan respons OCSP tidak sah",
                "the OCSP response's signature is not valid",
            ),
            StapleError::NoIssuer => Bilingual::new(
                "sertifikat penerbit tidak dikirim, tanda tangan OCSP tidak dapat diperiksa",
                "the issuer certificate was not sent; the OCSP signature cannot be checked",
            ),
        }
    }
}

fn bad(e: impl std::fmt::Display) -> StapleError {
    StapleError::Unreadable(e.to_string())
}

/// Reads one DER element: the element and what follows it.
fn element(i: &[u8]) -> Result<(Any<'_>, &[u8]), StapleError> {
    let (rest, any) = Any::from_der(i).map_err(bad)?;
    Ok((any, rest))
}

/// The children of a constructed element.
fn children<'a>(any: &Any<'a>) -> Result<Vec<(Any<'a>, &'a [u8])>, StapleError> {
    let mut out = Vec::new();
    let mut rest = any.data;
    while !rest.is_empty() {
        let (next, child) = Any::from_der(rest).map_err(bad)?;
        let raw = &rest[..rest.len() - next.len()];
        out.push((child, raw));
        rest = next;
    }
    Ok(out)
}

fn is_context(any: &Any<'_>, n: u32) -> bool {
    any.header.class() == Class::ContextSpecific && any.header.tag() == Tag(n)
}

fn generalized_time(any: &Any<'_>) -> Result<i64, StapleError> {
    if any.header.tag() != Tag::GeneralizedTime {
        return Err(bad("expected GeneralizedTime"));
    }
    let s = std::str::from_utf8(any.data).map_err(bad)?;
    let s = s.strip_suffix('Z').ok_or_else(|| bad("time is not UTC"))?;
    NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S%.f")
        .map(|t| t.and_utc().timestamp())
        .map_err(bad)
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&x| x == 0).count();
    &b[n.min(b.len().saturating_sub(1))..]
}

/// Reads `der` for `leaf`, checking the signature against `issuer` (the
/// leaf's issuer certificate, when known). Freshness is judged by the caller.
pub fn read(
    der: &[u8],
    leaf: &X509Certificate<'_>,
    issuer: Option<&X509Certificate<'_>>,
) -> Result<Staple, StapleError> {
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ... }
    let (top, _) = element(der)?;
    let parts = children(&top)?;
    let status = parts.first().ok_or_else(|| bad("empty response"))?;
    if status.0.header.tag() != Tag::Enumerated {
        return Err(bad("responseStatus missing"));
    }
    let code = status
        .0
        .data
        .iter()
        .fold(0u32, |a, b| (a << 8) | u32::from(*b));
    if code != 0 {
        return Err(StapleError::NotSuccessful(code));
    }
    let bytes = parts
        .iter()
        .find(|(p, _)| is_context(p, 0))
        .ok_or_else(|| bad("responseBytes missing"))?;
    // ResponseBytes ::= SEQUENCE { responseType OID, response OCTET STRING }
    let (rb, _) = element(bytes.0.data)?;
    let rb = children(&rb)?;
    let (Some(kind), Some(octets)) = (rb.first(), rb.get(1)) else {
        return Err(bad("responseBytes incomplete"));
    };
    let (_, oid) = Oid::from_der(kind.1).map_err(bad)?;
    if oid.to_id_string() != OID_OCSP_BASIC {
        return Err(bad(format!("response type {oid}")));
    }
    // BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature, certs [0] }
    let (basic, _) = element(octets.0.data)?;
    let basic = children(&basic)?;
    let [(tbs, tbs_raw), (_, alg_raw), (_, sig_raw), rest @ ..] = basic.as_slice() else {
        return Err(bad("BasicOCSPResponse incomplete"));
    };
    let (_, alg) = AlgorithmIdentifier::from_der(alg_raw).map_err(bad)?;
    let (_, sig) = BitString::from_der(sig_raw).map_err(bad)?;

    let staple = single_response(tbs, leaf)?;
    let signer = signer(tbs_raw, &alg, &sig, rest, issuer)?;
    Ok(Staple { signer, ..staple })
}

/// Finds the SingleResponse for `leaf` in ResponseData.
fn single_response(tbs: &Any<'_>, leaf: &X509Certificate<'_>) -> Result<Staple, StapleError> {
    // ResponseData ::= SEQUENCE { version [0] OPTIONAL, responderID, producedAt, responses, ext [1] OPTIONAL }
    let fields = children(tbs)?;
    let responses = fields
        .iter()
        .filter(|(f, _)| f.header.class() == Class::Universal)
        .find(|(f, _)| f.header.tag() == Tag::Sequence)
        .ok_or_else(|| bad("responses missing"))?;
    let serial = strip_zeros(leaf.raw_serial());
    for (single, _) in children(&responses.0)? {
        // SingleResponse ::= SEQUENCE { certID, certStatus, thisUpdate, nextUpdate [0] OPTIONAL, ... }
        let parts = children(&single)?;
        let [(cert_id, _), (status, _), (this, _), more @ ..] = parts.as_slice() else {
            return Err(bad("SingleResponse incomplete"));
        };
        // CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }
        let id = children(cert_id)?;
        let Some((sn, _)) = id.get(3) else {
            return Err(bad("CertID incomplete"));
        };
        if strip_zeros(sn.data) != serial {
            continue;
        }
        let cert_status = match (status.header.class(), status.header.tag()) {
            (Class::ContextSpecific, Tag(0)) => "good",
            (Class::ContextSpecific, Tag(1)) => "revoked",
            (Class::ContextSpecific, Tag(2)) => "unknown",
            _ => return Err(bad("certStatus")),
        };
        let next_update = match more.iter().find(|(m, _)| is_context(m, 0)) {
            Some((n, _)) => Some(generalized_time(&element(n.data)?.0)?),
            None => None,
        };
        return Ok(Staple {
            cert_status,
            this_update: generalized_time(this)?,
            next_update,
            signer: "issuer",
        });
    }
    Err(StapleError::NotForThisCertificate)
}

/// Who signed the response: the issuer itself, or a responder certificate
/// (in `certs [0]`) that the issuer signed with the OCSP-signing purpose.
fn signer(
    tbs_raw: &[u8],
    alg: &AlgorithmIdentifier<'_>,
    sig: &BitString<'_>,
    rest: &[(Any<'_>, &[u8])],
    issuer: Option<&X509Certificate<'_>>,
) -> Result<&'static str, StapleError> {
    let issuer = issuer.ok_or(StapleError::NoIssuer)?;
    if verify_signature(issuer.public_key(), alg, sig, tbs_raw).is_ok() {
        return Ok("issuer");
    }
    let Some((certs, _)) = rest.iter().find(|(c, _)| is_context(c, 0)) else {
        return Err(StapleError::BadSignature);
    };
    let (seq, _) = element(certs.data)?;
    for (_, raw) in children(&seq)? {
        let Ok((_, responder)) = parse_x509_certificate(raw) else {
            continue;
        };
        let authorised = responder.issuer().as_raw() == issuer.subject().as_raw()
            && responder
                .verify_signature(Some(issuer.public_key()))
                .is_ok()
            && matches!(responder.extended_key_usage(), Ok(Some(e)) if e.value.ocsp_signing);
        if authorised && verify_signature(responder.public_key(), alg, sig, tbs_raw).is_ok() {
            return Ok("delegated");
        }
    }
    Err(StapleError::BadSignature)
}

/// The OCSP responder URL the leaf names in its AIA extension, if any.
pub fn responder_url(leaf: &X509Certificate<'_>) -> Option<String> {
    leaf.extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityInfoAccess(aia) => {
                aia.iter()
                    .find_map(|d| match (&d.access_method, &d.access_location) {
                        (m, GeneralName::URI(u)) if m.to_id_string() == OID_AD_OCSP => {
                            Some((*u).to_string())
                        }
                        _ => None,
                    })
            }
            _ => None,
        })
}

/// TLS011 evidence of a staple that could not be read.
fn stapled_bytes(bytes: usize) -> Evidence {
    Evidence::Staple {
        stapled: true,
        bytes: Some(bytes),
        cert_status: None,
        this_update: None,
        next_update: None,
        signer: None,
        responder: None,
    }
}

fn rfc3339(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339())
        .unwrap_or_default()
}

/// TLS011 for a handshake: the presented `chain`, the stapled `ocsp` bytes
/// (empty when none), extra trusted roots (where the issuer may be when the
/// server sends no intermediate) and the clock.
pub fn finding(
    host: &str,
    chain: &[CertificateDer<'_>],
    ocsp: &[u8],
    roots: &[CertificateDer<'_>],
    now: DateTime<Utc>,
) -> Option<Observation> {
    let (_, leaf) = parse_x509_certificate(chain.first()?.as_ref()).ok()?;
    let url = responder_url(&leaf);
    let found = |status, ev, text| Observation::new(host, Check::TLS011, status, ev, now, text);
    let fail = |ev, text| Some(found(Status::Fail, ev, text));
    if ocsp.is_empty() {
        let ev = Evidence::Staple {
            stapled: false,
            bytes: None,
            cert_status: None,
            this_update: None,
            next_update: None,
            signer: None,
            responder: Some(url.clone()),
        };
        return match url {
            None => Some(found(
                Status::Pass,
                ev,
                Bilingual::new(
                    "sertifikat tidak mencantumkan responder OCSP; tidak ada yang perlu disematkan",
                    "the certificate names no OCSP responder; there is nothing to staple",
                ),
            )),
            Some(u) => fail(
                ev,
                Bilingual::new(
                    format!("server tidak menyematkan respons OCSP (responder: {u})"),
                    format!("the server staples no OCSP response (responder: {u})"),
                ),
            ),
        };
    }
    let issuers: Vec<X509Certificate<'_>> = chain[1..]
        .iter()
        .chain(roots)
        .filter_map(|c| parse_x509_certificate(c.as_ref()).ok().map(|(_, x)| x))
        .filter(|x| x.subject().as_raw() == leaf.issuer().as_raw())
        .collect();
    // Prefer an issuer whose key verifies the leaf (two CAs may share a name).
    let issuer = issuers
        .iter()
        .find(|i| leaf.verify_signature(Some(i.public_key())).is_ok())
        .or(issuers.first());
    let staple = match read(ocsp, &leaf, issuer) {
        Ok(s) => s,
        Err(StapleError::NoIssuer) => {
            return Some(found(
                Status::Inconclusive,
                stapled_bytes(ocsp.len()),
                StapleError::NoIssuer.describe(),
            ));
        }
        Err(e) => {
            return fail(stapled_bytes(ocsp.len()), e.describe());
        }
    };
    let ev = Evidence::Staple {
        stapled: true,
        bytes: None,
        cert_status: Some(staple.cert_status.to_string()),
        this_update: Some(rfc3339(staple.this_update)),
        next_update: Some(staple.next_update.map(rfc3339)),
        signer: Some(staple.signer.to_string()),
        responder: Some(url),
    };
    let t = now.timestamp();
    let text = if staple.cert_status == "revoked" {
        return Some(
            found(
                Status::Fail,
                ev,
                Bilingual::new(
                    "respons OCSP menyatakan sertifikat ini DICABUT (revoked)",
                    "the OCSP response says this certificate is REVOKED",
                ),
            )
            .with_risk(Risk::High),
        );
    } else if staple.cert_status != "good" {
        Bilingual::new(
            "respons OCSP tidak mengenal sertifikat ini (`unknown`)",
            "the OCSP response does not know this certificate (`unknown`)",
        )
    } else if staple.this_update > t + SKEW_SECS {
        Bilingual::new(
            format!(
                "respons OCSP berlaku mulai {} (di masa depan)",
                rfc3339(staple.this_update)
            ),
            format!(
                "the OCSP response starts at {} (in the future)",
                rfc3339(staple.this_update)
            ),
        )
    } else if staple.next_update.is_some_and(|n| n < t) {
        let n = rfc3339(staple.next_update.unwrap_or_default());
        Bilingual::new(
            format!("respons OCSP sudah basi sejak {n} (nextUpdate)"),
            format!("the OCSP response went stale at {n} (nextUpdate)"),
        )
    } else if staple.next_update.is_none() && t - staple.this_update > MAX_AGE_SECS {
        Bilingual::new(
            "respons OCSP lebih tua dari 10 hari dan tanpa nextUpdate",
            "the OCSP response is older than 10 days and has no nextUpdate",
        )
    } else {
        return Some(found(
            Status::Pass,
            ev,
            Bilingual::new(
                "respons OCSP disematkan: `good`, bertanda tangan sah, masih berlaku",
                "OCSP response stapled: `good`, validly signed, fresh",
            ),
        ));
    };
    fail(ev, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_leading_zero_octets_of_serials() {
        assert_eq!(strip_zeros(&[0, 0x80, 1]), &[0x80, 1]);
        assert_eq!(strip_zeros(&[0]), &[0]);
        assert_eq!(strip_zeros(&[5]), &[5]);
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        let ca = rcgen::CertifiedIssuer::self_signed(
            rcgen::CertificateParams::new(vec!["a.example".to_string()]).expect("params"),
            rcgen::KeyPair::generate().expect("key"),
        )
        .expect("cert");
        let der = ca.der().clone();
        let (_, leaf) = parse_x509_certificate(der.as_ref()).expect("parse");
        for junk in [
            &b""[..],
            b"\x30\x03\x0a\x01",
            b"\x30\x03\x0a\x01\x00",
            b"\xff\xff",
        ] {
            assert!(matches!(
                read(junk, &leaf, None),
                Err(StapleError::Unreadable(_))
            ));
        }
        assert_eq!(
            read(b"\x30\x03\x0a\x01\x06", &leaf, None),
            Err(StapleError::NotSuccessful(6))
        );
    }
}
