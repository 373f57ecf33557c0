//! Reads `sslscan --xml` output into the certificate verdicts the
//! differential test compares: name match, expired, self-signed, weak key.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

fn xml_text(xml: &str, tag: &str) -> String {
    let Some(i) = xml.find(&format!("<{tag}")) else {
        return String::new();
    };
    let rest = &xml[i..];
    let Some(gt) = rest.find('>') else {
        return String::new();
    };
    let body = &rest[gt + 1..];
    let end = body.find(&format!("</{tag}>")).unwrap_or(0);
    body[..end]
        .trim()
        .trim_start_matches("<![CDATA[")
        .trim_end_matches("]]>")
        .to_string()
}

fn xml_attr(xml: &str, tag: &str, attr: &str) -> String {
    let Some(i) = xml.find(&format!("<{tag} ")) else {
        return String::new();
    };
    let el = &xml[i..i + xml[i..].find('>').unwrap_or(0)];
    el.split(&format!("{attr}=\""))
        .nth(1)
        .and_then(|v| v.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// (name matches, expired, self-signed, weak key)
pub type Verdict = (bool, bool, bool, bool);

pub fn sslscan_verdict(sslscan: &Path, dir: &Path, host: &str, addr: SocketAddr) -> Verdict {
    let file = dir.join(format!("{host}.xml"));
    let st = Command::new(sslscan)
        .arg(format!("--xml={}", file.display()))
        .arg(format!("--sni-name={host}"))
        .args([
            "--no-ciphersuites",
            "--no-groups",
            "--no-heartbleed",
            "--no-renegotiation",
            "--no-compression",
            "--no-fallback",
        ])
        .arg(addr.to_string())
        .output()
        .expect("run sslscan");
    assert!(
        st.status.success(),
        "sslscan {host}: {}",
        String::from_utf8_lossy(&st.stderr)
    );
    let xml = std::fs::read_to_string(&file).expect("sslscan xml");
    let names = xml_text(&xml, "altnames");
    assert!(
        !xml_text(&xml, "not-valid-after").is_empty(),
        "no certificate in sslscan output for {host}:\n{xml}"
    );
    let name_ok = names
        .split(',')
        .map(str::trim)
        .any(|n| n == format!("DNS:{host}"));
    let bits: u32 = xml_attr(&xml, "pk", "bits").parse().unwrap_or(0);
    let weak = match xml_attr(&xml, "pk", "type").as_str() {
        "RSA" => bits < 2048,
        // sslscan reports an EC key's security bits (128 for P-256).
        "EC" => bits < 128,
        _ => false,
    };
    (
        name_ok,
        xml_text(&xml, "expired") == "true",
        xml_text(&xml, "self-signed") == "true",
        weak,
    )
}
