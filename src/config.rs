//! `laman.toml`: the regency. Parsed from `&str` (tests) or loaded from a
//! project root (CLI); unknown keys are rejected with line and column.
//!
//! Keys are English (tool settings), except `contoh`, which names the
//! Indonesian "example site" banner it switches on.

use std::path::{Path, PathBuf};

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};

use crate::content::front_matter::parse_toml;
use crate::diagnostic::{Diagnostic, FileKind, Location, Message};
use crate::error::Error;
use crate::profile::Profile;

/// The name of the regency file at the project root.
pub const FILE_NAME: &str = "laman.toml";

/// The whole of laman.toml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegencyConfig {
    /// The regency.
    pub region: Region,
    /// `/.well-known/security.txt` (RFC 9116).
    #[serde(default)]
    pub security: Security,
    /// Build settings.
    #[serde(default)]
    pub build: BuildSettings,
    /// Addresses every subdomain must point to.
    #[serde(default)]
    pub hosting: Hosting,
    /// Registered subdomains that are not generated sites (lpse, jdih …).
    #[serde(default, rename = "subdomain")]
    pub subdomains: Vec<SubdomainEntry>,
    /// `[[decree]]`: the register of decrees that set subdomains (src/decree.rs).
    #[serde(default, rename = "decree")]
    pub decrees: Vec<crate::decree::Decree>,
    /// Content-rule settings: severity overrides with their citation.
    #[serde(default)]
    pub rules: RulesSettings,
    /// `[publish]`: deploy targets (docs/publish.md).
    #[serde(default)]
    pub publish: Option<crate::publish::settings::PublishSettings>,
    /// `[allow]`: what Diskominfo allows editors beyond the default (docs/security.md).
    #[serde(default)]
    pub allow: Allow,
    /// The text this was parsed from (for locating errors found later).
    #[serde(skip)]
    pub source: String,
}

impl RegencyConfig {
    /// The subdomain decree register as the checks read it.
    pub fn register(&self) -> crate::decree::Register<'_> {
        crate::decree::Register {
            decrees: &self.decrees,
            profile: self.region.profile,
        }
    }
}

/// `[rules]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSettings {
    /// `[rules.override.<RULE-ID>]`: a regency's own severity for a rule, with its legal reason.
    #[serde(default, rename = "override")]
    pub overrides: std::collections::BTreeMap<String, RuleOverride>,
    /// Hosts allowed to serve `<script src>` (AMAN-002); default: none, only the site itself.
    #[serde(default)]
    pub script_hosts: Vec<String>,
}

/// `[allow]`: exceptions to the editor trust boundary, Diskominfo's
/// decision (docs/security.md). The default allows nothing.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// Sites (folder names) whose `templates/` folder overrides theme
    /// templates (default: none; a site's `templates/` is then an error).
    #[serde(default)]
    pub template_overrides: Vec<String>,
    /// Sites that may ship files a browser runs in `static/` (`.js`,
    /// `.html`, SVG with script, `.wasm`; default: none).
    #[serde(default)]
    pub static_scripts: Vec<String>,
    /// Hosts an `<iframe src="https://HOST/…">` in a page may point at
    /// (e.g. a video or map provider; default: none, no iframes).
    #[serde(default)]
    pub iframe_hosts: Vec<String>,
}

impl Allow {
    /// What the site `slug` is allowed.
    pub fn for_site(&self, slug: &str) -> crate::trust::SiteTrust {
        crate::trust::SiteTrust {
            templates: self.template_overrides.iter().any(|s| s == slug),
            scripts: self.static_scripts.iter().any(|s| s == slug),
            iframe_hosts: self
                .iframe_hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
        }
    }
}

/// A severity override of laman.toml.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleOverride {
    /// New severity.
    pub severity: SeverityName,
    /// The citation that justifies it (e.g. a Surat Edaran Bupati).
    pub reason: String,
}

/// A severity as written in laman.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    /// Blocks publishing.
    Error,
    /// Reported.
    Warning,
    /// Report only.
    Info,
}

impl From<SeverityName> for crate::diagnostic::Severity {
    fn from(s: SeverityName) -> Self {
        match s {
            SeverityName::Error => crate::diagnostic::Severity::Error,
            SeverityName::Warning => crate::diagnostic::Severity::Warning,
            SeverityName::Info => crate::diagnostic::Severity::Info,
        }
    }
}

/// `[region]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// `Kabupaten Cianjur`.
    pub name: String,
    /// `cianjurkab.go.id`.
    pub domain: String,
    /// Regency profile (`cianjur` …), which decides severities and citations.
    pub profile: Profile,
    /// URL of the regency portal (default `https://<domain>`).
    #[serde(default)]
    pub portal: Option<String>,
    /// UTC offset of the regency (default `+07:00`, WIB).
    #[serde(default = "default_utc_offset")]
    pub utc_offset: String,
    /// Sample content: every page shows "Situs contoh — bukan informasi resmi".
    #[serde(default)]
    pub contoh: bool,
    /// Coat of arms image (path in the theme or static; default the theme's).
    #[serde(default)]
    pub lambang: Option<String>,
}

fn default_utc_offset() -> String {
    "+07:00".to_string()
}

impl Region {
    /// The portal URL.
    pub fn portal_url(&self) -> String {
        self.portal
            .clone()
            .unwrap_or_else(|| format!("https://{}", self.domain))
    }

    /// The regency's UTC offset (WIB when unparsable; checked at load).
    pub fn offset(&self) -> FixedOffset {
        parse_offset(&self.utc_offset).unwrap_or_else(wib)
    }
}

/// WIB (+07:00, Asia/Jakarta): the zone of a regency whose laman.toml
/// says none, or cannot be read.
pub fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset")
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
    FixedOffset::east_opt(sign * secs)
}

/// `[security]`: what `/.well-known/security.txt` says.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Security {
    /// `Contact:` lines (`mailto:` or `https:`), the Diskominfo/CSIRT contact.
    #[serde(default)]
    pub contact: Vec<String>,
    /// `Policy:` URL.
    #[serde(default)]
    pub policy: Option<String>,
    /// `Expires:` is the build date plus this many days (default 180; RFC 9116 advises < 1 year).
    #[serde(default = "default_expires_days")]
    pub expires_days: u32,
    /// `Preferred-Languages:` (default `id, en`).
    #[serde(default = "default_languages")]
    pub preferred_languages: String,
}

fn default_expires_days() -> u32 {
    180
}

fn default_languages() -> String {
    "id, en".to_string()
}

impl Default for Security {
    fn default() -> Self {
        Security {
            contact: Vec::new(),
            policy: None,
            expires_days: default_expires_days(),
            preferred_languages: default_languages(),
        }
    }
}

/// `[build]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSettings {
    /// Pages per list page of a section (default 10; 0 = no pagination).
    #[serde(default = "default_paginate_by")]
    pub paginate_by: usize,
    /// Entries in the Atom feed (default 20).
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
}

fn default_paginate_by() -> usize {
    10
}

fn default_feed_limit() -> usize {
    20
}

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings {
            paginate_by: default_paginate_by(),
            feed_limit: default_feed_limit(),
        }
    }
}

/// `[hosting]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hosting {
    /// IPv4 addresses every subdomain must resolve to.
    #[serde(default)]
    pub ipv4: Vec<String>,
    /// IPv6 addresses every subdomain must resolve to.
    #[serde(default)]
    pub ipv6: Vec<String>,
    /// CAA issuer domains the regency's certificates come from (default `["letsencrypt.org"]`).
    #[serde(default = "default_caa_issuers")]
    pub caa_issuers: Vec<String>,
}

fn default_caa_issuers() -> Vec<String> {
    vec!["letsencrypt.org".to_string()]
}

impl Default for Hosting {
    fn default() -> Self {
        Hosting {
            ipv4: Vec::new(),
            ipv6: Vec::new(),
            caa_issuers: default_caa_issuers(),
        }
    }
}

/// What a registered host is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostKind {
    /// An agency's website.
    SitusPd,
    /// A regency-wide service (jdih, ppid …).
    Layanan,
    /// An application (lpse, sikap …).
    Aplikasi,
}

/// `[[subdomain]]`: a registered host that laman does not build.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SubdomainEntry {
    /// Label (`lpse`).
    pub name: String,
    /// What it is.
    #[serde(default = "default_host_kind")]
    pub jenis: HostKind,
    /// Who runs it / what it is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Number of the decree of the register that sets it (`[[decree]] number`).
    #[serde(default)]
    pub decree: Option<String>,
}

fn default_host_kind() -> HostKind {
    HostKind::Aplikasi
}

/// Parses laman.toml text; `path` is only used for the location of errors.
pub fn parse(text: &str, path: &Path) -> Result<RegencyConfig, Box<Diagnostic>> {
    let mut cfg: RegencyConfig = parse_toml(text, FileKind::Regency).map_err(|l| {
        Box::new(
            Diagnostic::new(Location::at_offset(path, text, l.offset), l.message)
                .with_source(text, l.width),
        )
    })?;
    if parse_offset(&cfg.region.utc_offset).is_none() {
        let offset = text.find("utc_offset").unwrap_or(0);
        return Err(Box::new(
            Diagnostic::new(
                Location::at_offset(path, text, offset),
                Message::InvalidValue {
                    file: FileKind::Regency,
                    value: cfg.region.utc_offset.clone(),
                    allowed: vec!["+07:00".into(), "+08:00".into(), "+09:00".into()],
                },
            )
            .with_source(text, "utc_offset".len()),
        ));
    }
    // `[hosting]` addresses: a blank (`ISI: …`) is ISIAN-001 of `laman
    // check`; anything else must be an address, or DNS001 would silently
    // compare with nothing.
    let hosting = text.find("[hosting]").unwrap_or(0);
    for (list, key, v6) in [
        (&cfg.hosting.ipv4, "ipv4", false),
        (&cfg.hosting.ipv6, "ipv6", true),
    ] {
        for a in list {
            let ok = if v6 {
                a.parse::<std::net::Ipv6Addr>().is_ok()
            } else {
                a.parse::<std::net::Ipv4Addr>().is_ok()
            };
            if !ok && !crate::decree::blank(a) {
                let quoted = format!("\"{a}\"");
                let offset = text[hosting..]
                    .find(&quoted)
                    .map_or(hosting, |o| hosting + o);
                return Err(Box::new(
                    Diagnostic::new(
                        Location::at_offset(path, text, offset),
                        Message::NotAnAddress {
                            key: key.into(),
                            value: a.clone(),
                        },
                    )
                    .with_source(text, quoted.len()),
                ));
            }
        }
    }
    if let Some(p) = &cfg.publish {
        crate::publish::settings::validate(p, text, path)?;
    }
    let hosts: Vec<crate::decree::HostRef<'_>> = cfg
        .subdomains
        .iter()
        .map(|s| crate::decree::HostRef {
            name: &s.name,
            decree: s.decree.as_deref(),
        })
        .collect();
    crate::decree::validate(&cfg.decrees, &hosts, text, path)?;
    cfg.source = text.to_string();
    Ok(cfg)
}

/// Loads `<root>/laman.toml`.
pub fn load(root: &Path) -> Result<RegencyConfig, Error> {
    let path = root.join(FILE_NAME);
    let bytes = std::fs::read(&path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound && !path.exists() {
            // Not a project: say where laman looked, absolutely.
            Error::NoProject(std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()))
        } else {
            Error::Io {
                path: path.clone(),
                source,
            }
        }
    })?;
    let shown = PathBuf::from(FILE_NAME);
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Error::Config(Box::new(Diagnostic::new(
            Location::at_offset(&shown, &text, valid),
            Message::NotUtf8,
        )))
    })?;
    parse(&text, &shown).map_err(Error::Config)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "[region]\nname = \"Kabupaten Cianjur\"\ndomain = \"cianjurkab.go.id\"\nprofile = \"cianjur\"\n";

    #[test]
    fn parses_minimal_regency_with_defaults() {
        let c = parse(MINIMAL, Path::new("laman.toml")).expect("ok");
        assert_eq!(c.region.profile, Profile::Cianjur);
        assert_eq!(c.region.portal_url(), "https://cianjurkab.go.id");
        assert_eq!(c.build.paginate_by, 10);
        assert_eq!(c.region.offset().local_minus_utc(), 7 * 3600);
    }

    #[test]
    fn rejects_unknown_key_with_position() {
        let text = format!("{MINIMAL}domian = \"x\"\n");
        let d = parse(&text, Path::new("laman.toml")).expect_err("unknown");
        assert_eq!(d.code, "KONFIG-001");
        assert_eq!(d.location.line, Some(5));
        assert!(matches!(*d.message, Message::UnknownKey { ref key, .. } if key == "domian"));
    }

    #[test]
    fn a_hosting_address_that_is_no_address_is_an_error_at_its_place() {
        let text = format!("{MINIMAL}\n[hosting]\nipv4 = [\"192.0.2.10\", \"192.0.2.300\"]\n");
        let d = parse(&text, Path::new("laman.toml")).expect_err("bad ipv4");
        assert_eq!(d.code, "KONFIG-001");
        assert_eq!((d.location.line, d.location.column), (Some(7), Some(23)));
        assert!(
            matches!(*d.message, Message::NotAnAddress { ref value, .. } if value == "192.0.2.300")
        );
        let v6 = format!("{MINIMAL}\n[hosting]\nipv6 = [\"192.0.2.10\"]\n");
        assert!(
            parse(&v6, Path::new("laman.toml")).is_err(),
            "an IPv4 address under ipv6"
        );
        // A scaffold blank is ISIAN-001 of `laman check`, not a parse error.
        let blank = format!(
            "{MINIMAL}\n[hosting]\nipv4 = [\"ISI: alamat IPv4\"]\nipv6 = [\"2001:db8::10\"]\n"
        );
        parse(&blank, Path::new("laman.toml")).expect("blank and a good ipv6");
    }

    #[test]
    fn a_backup_destination_that_keeps_nothing_is_an_error_at_its_key() {
        let b = "\n[[publish.backup]]\npath = \"/mnt/a\"\nplace = \"off-site\"\n";
        let text = format!("{MINIMAL}{b}keep = 2\n{b}keep = 0\n");
        let d = parse(&text, Path::new("laman.toml")).expect_err("keep 0");
        assert_eq!((d.location.line, d.location.column), (Some(14), Some(1)));
        assert!(matches!(*d.message, Message::InvalidValue { ref value, .. } if value == "0"));
        parse(&format!("{MINIMAL}{b}keep = 2\n"), Path::new("laman.toml")).expect("keep 2");
    }

    #[test]
    fn rejects_unknown_profile() {
        let text = MINIMAL.replace("\"cianjur\"", "\"jakarta\"");
        let d = parse(&text, Path::new("laman.toml")).expect_err("profile");
        assert!(
            matches!(*d.message, Message::InvalidValue { ref value, .. } if value == "jakarta")
        );
        assert_eq!(d.location.line, Some(4));
    }
}
