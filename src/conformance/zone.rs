//! `laman dns zone`: the BIND zone-file records every registered host
//! needs (A/AAAA to the `[hosting]` addresses, CAA from `caa_issuers` at
//! the apex, which covers every subdomain by tree climbing). Pure text.

use std::fmt::Write as _;
use std::net::IpAddr;

use super::{Expected, Target};

/// Zone-file lines for `domain`, relative to `$ORIGIN domain.`.
pub fn render(domain: &str, targets: &[Target], expected: &Expected) -> String {
    let domain = domain.trim_end_matches('.');
    let mut s = String::new();
    let _ = writeln!(
        s,
        "; Records every registered host of {domain} needs (laman dns zone)."
    );
    let _ = writeln!(s, "$ORIGIN {domain}.");
    if expected.addresses.is_empty() {
        let _ = writeln!(
            s,
            "; [hosting] in laman.toml lists no address: no A/AAAA records."
        );
    }
    for issuer in &expected.caa_issuers {
        let _ = writeln!(s, "@\tIN\tCAA\t0 issue \"{issuer}\"");
    }
    for t in targets {
        let label = if t.host == domain {
            "@".to_string()
        } else {
            t.host
                .strip_suffix(&format!(".{domain}"))
                .unwrap_or(&t.host)
                .to_string()
        };
        let _ = writeln!(s, "; {}", t.owner);
        for ip in &expected.addresses {
            let rtype = match ip {
                IpAddr::V4(_) => "A",
                IpAddr::V6(_) => "AAAA",
            };
            let _ = writeln!(s, "{label}\tIN\t{rtype}\t{ip}");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_relative_labels_addresses_and_caa() {
        let t = |h: &str, o: &str| Target::new(h, o);
        let e = Expected {
            addresses: vec![
                "192.0.2.10".parse().expect("ip"),
                "2001:db8::10".parse().expect("ip"),
            ],
            caa_issuers: vec!["letsencrypt.org".into()],
        };
        let z = render(
            "kab.go.id",
            &[t("kab.go.id", "apex"), t("dinkes.kab.go.id", "dinkes")],
            &e,
        );
        assert_eq!(
            z,
            "; Records every registered host of kab.go.id needs (laman dns zone).\n$ORIGIN kab.go.id.\n\
@\tIN\tCAA\t0 issue \"letsencrypt.org\"\n; apex\n@\tIN\tA\t192.0.2.10\n@\tIN\tAAAA\t2001:db8::10\n\
; dinkes\ndinkes\tIN\tA\t192.0.2.10\ndinkes\tIN\tAAAA\t2001:db8::10\n"
        );
    }
}
