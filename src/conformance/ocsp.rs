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
    use crate::text::Localize;
    use rcgen::{
        BasicConstraints, CertificateParams, CertifiedIssuer, CustomExtension, DnType,
        ExtendedKeyUsagePurpose, IsCa, KeyPair, SerialNumber, SigningKey,
    };

    const DAY: i64 = 86_400;
    /// A fixed clock: 3 December 2026, 12:00 UTC.
    const NOW: i64 = 1_796_299_200;
    const URL: &str = "http://ocsp.contoh.example/";

    // A small DER writer: enough of RFC 6960 to build every answer a
    // responder could give, signed by a real key.
    fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let n = content.len();
        if n < 0x80 {
            out.push(n as u8);
        } else {
            let len: Vec<u8> = n
                .to_be_bytes()
                .into_iter()
                .skip_while(|&b| b == 0)
                .collect();
            out.push(0x80 | len.len() as u8);
            out.extend(len);
        }
        out.extend_from_slice(content);
        out
    }
    fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }
    fn time(t: i64) -> Vec<u8> {
        let d = DateTime::<Utc>::from_timestamp(t, 0).expect("time");
        tlv(0x18, d.format("%Y%m%d%H%M%SZ").to_string().as_bytes())
    }
    const OID_BASIC: &[u8] = &[0x06, 0x09, 0x2b, 6, 1, 5, 5, 7, 0x30, 1, 1];
    const OID_ECDSA_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 4, 3, 2];
    const OID_SHA1: &[u8] = &[0x06, 0x05, 0x2b, 0x0e, 3, 2, 0x1a];

    /// certStatus of a SingleResponse.
    enum Said {
        Good,
        Revoked,
        Unknown,
        Other,
    }

    /// One SingleResponse for `serial` (its DER INTEGER content).
    fn single(serial: &[u8], said: Said, this: i64, next: Option<i64>) -> Vec<u8> {
        let cert_id = seq(&[
            seq(&[OID_SHA1.to_vec(), vec![5, 0]]),
            tlv(0x04, &[1; 20]),
            tlv(0x04, &[2; 20]),
            tlv(0x02, serial),
        ]);
        let status = match said {
            Said::Good => vec![0x80, 0],
            Said::Revoked => tlv(0xa1, &time(NOW - 30 * DAY)),
            Said::Unknown => vec![0x82, 0],
            Said::Other => vec![0x83, 0],
        };
        let mut parts = vec![cert_id, status, time(this)];
        if let Some(n) = next {
            parts.push(tlv(0xa0, &time(n)));
        }
        seq(&parts)
    }

    /// A successful response with `singles`, signed by `key`, carrying
    /// `certs` (responder certificates) when given.
    fn response(singles: &[Vec<u8>], key: &KeyPair, certs: &[&[u8]]) -> Vec<u8> {
        let tbs = seq(&[
            tlv(0xa2, &tlv(0x04, &[3; 20])),
            time(NOW - DAY),
            seq(singles),
        ]);
        let mut sig = vec![0];
        sig.extend(key.sign(&tbs).expect("sign"));
        let mut basic = vec![tbs, seq(&[OID_ECDSA_SHA256.to_vec()]), tlv(0x03, &sig)];
        if !certs.is_empty() {
            let list: Vec<Vec<u8>> = certs.iter().map(|c| c.to_vec()).collect();
            basic.push(tlv(0xa0, &seq(&list)));
        }
        let bytes = seq(&[OID_BASIC.to_vec(), tlv(0x04, &seq(&basic))]);
        seq(&[tlv(0x0a, &[0]), tlv(0xa0, &bytes)])
    }

    fn ca(name: &str) -> CertifiedIssuer<'static, KeyPair> {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.distinguished_name.push(DnType::CommonName, name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        CertifiedIssuer::self_signed(p, KeyPair::generate().expect("key")).expect("ca")
    }

    /// The AIA extension with these access descriptions: (method, URL),
    /// method 1 = OCSP, 2 = CA issuers.
    fn aia_of(entries: &[(u8, &str)]) -> CustomExtension {
        let descs: Vec<Vec<u8>> = entries
            .iter()
            .map(|(m, url)| {
                seq(&[
                    tlv(0x06, &[0x2b, 6, 1, 5, 5, 7, 0x30, *m]),
                    tlv(0x86, url.as_bytes()),
                ])
            })
            .collect();
        CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], seq(&descs))
    }

    /// The AIA extension naming `url` as OCSP responder.
    fn aia(url: &str) -> CustomExtension {
        aia_of(&[(1, url)])
    }

    /// A leaf with serial `serial`, naming `url` as responder when given.
    fn leaf(ca: &CertifiedIssuer<'_, KeyPair>, serial: &[u8], url: Option<&str>) -> Vec<u8> {
        let mut p = CertificateParams::new(vec!["dinkes.contoh.go.id".into()]).expect("params");
        p.serial_number = Some(SerialNumber::from_slice(serial));
        if let Some(u) = url {
            p.custom_extensions.push(aia(u));
        }
        let key = KeyPair::generate().expect("key");
        p.signed_by(&key, ca).expect("sign").der().to_vec()
    }

    /// A responder certificate signed by `ca`, for OCSP signing or not.
    fn responder(ca: &CertifiedIssuer<'_, KeyPair>, ocsp_signing: bool) -> (Vec<u8>, KeyPair) {
        let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
        p.distinguished_name.push(DnType::CommonName, "OCSP");
        if ocsp_signing {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
        } else {
            p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        }
        let key = KeyPair::generate().expect("key");
        let der = p.signed_by(&key, ca).expect("sign").der().to_vec();
        (der, key)
    }

    fn at(t: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(t, 0).expect("time")
    }

    /// TLS011 for `leaf` issued by `ca` (sent in the chain), `ocsp` stapled.
    fn judge(leaf: &[u8], ca: &CertifiedIssuer<'_, KeyPair>, ocsp: &[u8], now: i64) -> Observation {
        let chain = [
            CertificateDer::from(leaf.to_vec()),
            CertificateDer::from(ca.der().to_vec()),
        ];
        finding("dinkes.contoh.go.id", &chain, ocsp, &[], at(now)).expect("a finding")
    }

    fn read_as(
        leaf: &[u8],
        ca: &CertifiedIssuer<'_, KeyPair>,
        ocsp: &[u8],
    ) -> Result<Staple, StapleError> {
        let (_, l) = parse_x509_certificate(leaf).expect("leaf");
        let (_, i) = parse_x509_certificate(ca.der().as_ref()).expect("issuer");
        read(ocsp, &l, Some(&i))
    }

    #[test]
    fn a_good_staple_signed_by_the_issuer_is_read_whole() {
        let ca = ca("Uji CA");
        let leaf = leaf(&ca, &[0x10, 0x01], Some(URL));
        let ocsp = response(
            &[single(
                &[0x10, 0x01],
                Said::Good,
                NOW - DAY,
                Some(NOW + 3 * DAY),
            )],
            ca.key(),
            &[],
        );
        assert_eq!(
            read_as(&leaf, &ca, &ocsp),
            Ok(Staple {
                cert_status: "good",
                this_update: NOW - DAY,
                next_update: Some(NOW + 3 * DAY),
                signer: "issuer",
            })
        );
        let o = judge(&leaf, &ca, &ocsp, NOW);
        assert_eq!((o.check, o.status), (Check::TLS011, Status::Pass));
        let Evidence::Staple {
            stapled,
            bytes,
            cert_status,
            this_update,
            next_update,
            signer,
            responder,
        } = o.evidence
        else {
            panic!("staple evidence");
        };
        assert!(stapled);
        assert_eq!(bytes, None);
        assert_eq!(cert_status.as_deref(), Some("good"));
        assert_eq!(this_update, Some(rfc3339(NOW - DAY)));
        assert_eq!(this_update.as_deref(), Some("2026-12-02T12:00:00+00:00"));
        assert_eq!(next_update, Some(Some(rfc3339(NOW + 3 * DAY))));
        assert_eq!(signer.as_deref(), Some("issuer"));
        assert_eq!(responder, Some(Some(URL.to_string())));
    }

    #[test]
    fn the_answer_for_this_serial_is_found_among_others() {
        let ca = ca("Uji CA");
        // A serial with its top bit set carries a leading zero octet in DER.
        let leaf = leaf(&ca, &[0x00, 0x80, 0x07], None);
        let ocsp = response(
            &[
                single(&[0x00, 0x80, 0x08], Said::Revoked, NOW - DAY, None),
                single(&[0x00, 0x80, 0x07], Said::Good, NOW - 2 * DAY, None),
            ],
            ca.key(),
            &[],
        );
        let s = read_as(&leaf, &ca, &ocsp).expect("read");
        assert_eq!(
            (s.cert_status, s.this_update, s.next_update),
            ("good", NOW - 2 * DAY, None)
        );
        let other = response(&[single(&[0x09], Said::Good, NOW, None)], ca.key(), &[]);
        assert_eq!(
            read_as(&leaf, &ca, &other),
            Err(StapleError::NotForThisCertificate)
        );
        let o = judge(&leaf, &ca, &other, NOW);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.diagnostic
                .text(crate::diagnostic::Lang::En)
                .contains("not for this certificate")
        );
        assert!(matches!(o.evidence, Evidence::Staple { bytes: Some(n), .. } if n == other.len()));
    }

    #[test]
    fn every_status_and_clock_edge_has_its_verdict() {
        let ca = ca("Uji CA");
        let sn = [0x20, 0x02];
        let leaf = leaf(&ca, &sn, Some(URL));
        let verdict = |said, this, next, now| {
            let ocsp = response(&[single(&sn, said, this, next)], ca.key(), &[]);
            let o = judge(&leaf, &ca, &ocsp, now);
            (
                o.status,
                o.risk,
                o.diagnostic.text(crate::diagnostic::Lang::En),
            )
        };
        let (s, r, t) = verdict(Said::Revoked, NOW - DAY, Some(NOW + DAY), NOW);
        assert_eq!((s, r), (Status::Fail, Risk::High));
        assert!(t.contains("REVOKED"), "{t}");
        let (s, r, t) = verdict(Said::Unknown, NOW - DAY, Some(NOW + DAY), NOW);
        assert_eq!(s, Status::Fail);
        assert_ne!(r, Risk::High);
        assert!(t.contains("`unknown`"), "{t}");
        // thisUpdate: five minutes of skew allowed, not one second more.
        assert_eq!(
            verdict(Said::Good, NOW + 300, Some(NOW + DAY), NOW).0,
            Status::Pass
        );
        let (s, _, t) = verdict(Said::Good, NOW + 301, Some(NOW + DAY), NOW);
        assert_eq!(s, Status::Fail);
        assert!(t.contains("future"), "{t}");
        // nextUpdate: fresh up to and including its second.
        assert_eq!(
            verdict(Said::Good, NOW - DAY, Some(NOW), NOW).0,
            Status::Pass
        );
        let (s, _, t) = verdict(Said::Good, NOW - DAY, Some(NOW - 1), NOW);
        assert_eq!(s, Status::Fail);
        assert!(
            t.contains("stale") && t.contains("2026-12-03T11:59:59"),
            "{t}"
        );
        // No nextUpdate: at most ten days old.
        assert_eq!(
            verdict(Said::Good, NOW - 10 * DAY, None, NOW).0,
            Status::Pass
        );
        let (s, _, t) = verdict(Said::Good, NOW - 10 * DAY - 1, None, NOW);
        assert_eq!(s, Status::Fail);
        assert!(t.contains("older than 10 days"), "{t}");
        // With a nextUpdate still ahead, age alone is no failure.
        assert_eq!(
            verdict(Said::Good, NOW - 20 * DAY, Some(NOW + DAY), NOW).0,
            Status::Pass
        );
        // A certStatus that is none of the three is unreadable.
        let (s, _, t) = verdict(Said::Other, NOW - DAY, None, NOW);
        assert_eq!(s, Status::Fail);
        assert!(t.contains("cannot be read"), "{t}");
    }

    #[test]
    fn only_the_issuer_or_its_ocsp_responder_may_sign() {
        let ca = ca("Uji CA");
        let sn = [0x30, 0x03];
        let leaf = leaf(&ca, &sn, Some(URL));
        let singles = [single(&sn, Said::Good, NOW - DAY, Some(NOW + DAY))];
        // A delegated responder with the OCSP-signing purpose.
        let (r, rkey) = responder(&ca, true);
        let ok = response(&singles, &rkey, &[&r]);
        assert_eq!(read_as(&leaf, &ca, &ok).map(|s| s.signer), Ok("delegated"));
        let o = judge(&leaf, &ca, &ok, NOW);
        assert_eq!(o.status, Status::Pass);
        assert!(
            matches!(&o.evidence, Evidence::Staple { signer: Some(s), .. } if s == "delegated")
        );
        // A junk entry before the responder is skipped, not fatal.
        let junk: &[u8] = &[0x30, 0x03, 0x02, 0x01, 0x05];
        let after_junk = response(&singles, &rkey, &[junk, &r]);
        assert_eq!(
            read_as(&leaf, &ca, &after_junk).map(|s| s.signer),
            Ok("delegated")
        );
        // The same responder without that purpose is not authorised.
        let (r2, r2key) = responder(&ca, false);
        let no_purpose = response(&singles, &r2key, &[&r2]);
        assert_eq!(
            read_as(&leaf, &ca, &no_purpose),
            Err(StapleError::BadSignature)
        );
        // A responder with the purpose but signed by another CA of the same name.
        let other = self::ca("Uji CA");
        let (r3, r3key) = responder(&other, true);
        let foreign = response(&singles, &r3key, &[&r3]);
        assert_eq!(
            read_as(&leaf, &ca, &foreign),
            Err(StapleError::BadSignature)
        );
        // A responder signed by the issuer, but the response signed by another key.
        let stranger = KeyPair::generate().expect("key");
        let wrong_key = response(&singles, &stranger, &[&r]);
        assert_eq!(
            read_as(&leaf, &ca, &wrong_key),
            Err(StapleError::BadSignature)
        );
        // No certificates at all, signed by a stranger.
        let bare = response(&singles, &stranger, &[]);
        assert_eq!(read_as(&leaf, &ca, &bare), Err(StapleError::BadSignature));
        let o = judge(&leaf, &ca, &bare, NOW);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.diagnostic
                .text(crate::diagnostic::Lang::En)
                .contains("signature")
        );
    }

    #[test]
    fn the_issuer_is_the_one_whose_key_signed_the_leaf() {
        let real = ca("Uji CA");
        let twin = ca("Uji CA"); // the same name, another key
        let sn = [0x40, 0x04];
        let leaf = leaf(&real, &sn, Some(URL));
        let ocsp = response(
            &[single(&sn, Said::Good, NOW - DAY, Some(NOW + DAY))],
            real.key(),
            &[],
        );
        let at_now = at(NOW);
        let host = "dinkes.contoh.go.id";
        let chain = [CertificateDer::from(leaf.clone())];
        let roots = [
            CertificateDer::from(twin.der().to_vec()),
            CertificateDer::from(real.der().to_vec()),
        ];
        // The twin comes first; the real issuer is still chosen.
        let o = finding(host, &chain, &ocsp, &roots, at_now).expect("finding");
        assert_eq!(o.status, Status::Pass);
        // Only the twin is known: its key does not verify the response.
        let o = finding(host, &chain, &ocsp, &roots[..1], at_now).expect("finding");
        assert_eq!(o.status, Status::Fail);
        // An unrelated CA is no issuer at all: inconclusive, not a failure.
        let stranger = [CertificateDer::from(ca("Lain").der().to_vec())];
        let o = finding(host, &chain, &ocsp, &stranger, at_now).expect("finding");
        assert_eq!(o.status, Status::Inconclusive);
        assert!(matches!(o.evidence, Evidence::Staple { bytes: Some(n), .. } if n == ocsp.len()));
        assert_eq!(
            read(&ocsp, &parse_x509_certificate(&leaf).expect("leaf").1, None),
            Err(StapleError::NoIssuer)
        );
    }

    #[test]
    fn no_staple_passes_only_when_there_is_no_responder() {
        let ca = ca("Uji CA");
        let with = leaf(&ca, &[0x50], Some(URL));
        let without = leaf(&ca, &[0x51], None);
        assert_eq!(
            responder_url(&parse_x509_certificate(&with).expect("leaf").1).as_deref(),
            Some(URL)
        );
        assert_eq!(
            responder_url(&parse_x509_certificate(&without).expect("leaf").1),
            None
        );
        // Only the OCSP access method names a responder, wherever it is listed.
        let with_aia = |entries: &[(u8, &str)]| {
            let mut p = CertificateParams::new(vec!["a.contoh.go.id".into()]).expect("params");
            p.custom_extensions.push(aia_of(entries));
            let der = p
                .signed_by(&KeyPair::generate().expect("key"), &ca)
                .expect("sign")
                .der()
                .to_vec();
            responder_url(&parse_x509_certificate(&der).expect("leaf").1)
        };
        assert_eq!(with_aia(&[(2, "http://ca.contoh.example/r1.der")]), None);
        assert_eq!(
            with_aia(&[(2, "http://ca.contoh.example/r1.der"), (1, URL)]).as_deref(),
            Some(URL)
        );
        let o = judge(&with, &ca, &[], NOW);
        assert_eq!(o.status, Status::Fail);
        assert!(o.diagnostic.text(crate::diagnostic::Lang::En).contains(URL));
        assert!(matches!(
            &o.evidence,
            Evidence::Staple { stapled: false, responder: Some(Some(u)), .. } if u == URL
        ));
        let o = judge(&without, &ca, &[], NOW);
        assert_eq!(o.status, Status::Pass);
        assert!(matches!(
            o.evidence,
            Evidence::Staple {
                stapled: false,
                responder: Some(None),
                ..
            }
        ));
        assert!(finding("x", &[], &[], &[], at(NOW)).is_none());
    }

    #[test]
    fn a_malformed_response_is_named_for_what_is_wrong() {
        let ca = ca("Uji CA");
        let sn = [0x60];
        let leaf = leaf(&ca, &sn, None);
        let unreadable = |der: &[u8]| match read_as(&leaf, &ca, der) {
            Err(StapleError::Unreadable(e)) => e,
            other => panic!("{other:?}"),
        };
        let ok = |s: u8| tlv(0x0a, &[s]);
        // The status is an ENUMERATED; a longer one is read whole (256 + 2).
        assert_eq!(
            read_as(&leaf, &ca, &seq(&[tlv(0x0a, &[1, 2])])),
            Err(StapleError::NotSuccessful(258))
        );
        assert!(unreadable(&seq(&[tlv(0x02, &[0])])).contains("responseStatus"));
        assert!(unreadable(&seq(&[ok(0)])).contains("responseBytes missing"));
        assert!(unreadable(&seq(&[ok(0), tlv(0xa1, &seq(&[]))])).contains("responseBytes missing"));
        let bytes = |inner: Vec<u8>| seq(&[ok(0), tlv(0xa0, &inner)]);
        assert!(unreadable(&bytes(seq(&[OID_BASIC.to_vec()]))).contains("incomplete"));
        let other_type = seq(&[OID_SHA1.to_vec(), tlv(0x04, &seq(&[]))]);
        assert!(unreadable(&bytes(other_type)).contains("response type"));
        let short_basic = seq(&[OID_BASIC.to_vec(), tlv(0x04, &seq(&[seq(&[])]))]);
        assert!(unreadable(&bytes(short_basic)).contains("BasicOCSPResponse"));
        // A thisUpdate that is not UTC, or not a GeneralizedTime.
        let t = |this: Vec<u8>| {
            let cert_id = seq(&[
                seq(&[OID_SHA1.to_vec()]),
                tlv(4, &[]),
                tlv(4, &[]),
                tlv(2, &sn),
            ]);
            response(&[seq(&[cert_id, vec![0x80, 0], this])], ca.key(), &[])
        };
        assert!(unreadable(&t(tlv(0x18, b"20261203120000"))).contains("not UTC"));
        assert!(unreadable(&t(tlv(0x17, b"261203120000Z"))).contains("GeneralizedTime"));
        // Fractions of a second are allowed.
        assert_eq!(
            read_as(&leaf, &ca, &t(tlv(0x18, b"20261203120000.5Z"))).map(|s| s.this_update),
            Ok(NOW)
        );
        // A CertID without its serial, and a SingleResponse cut short.
        let short_id = seq(&[seq(&[OID_SHA1.to_vec()]), tlv(4, &[]), tlv(4, &[])]);
        let r = response(&[seq(&[short_id, vec![0x80, 0], time(NOW)])], ca.key(), &[]);
        assert!(unreadable(&r).contains("CertID"));
        let r = response(&[seq(&[seq(&[]), vec![0x80, 0]])], ca.key(), &[]);
        assert!(unreadable(&r).contains("SingleResponse"));
    }

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
