//! The registry: which agency sites exist (`sites/<slug>/site.toml`), under
//! which subdomain, plus the `[[subdomain]]` hosts of laman.toml.
//!
//! Every label is checked once here (RFC 1123, reserved names, duplicates);
//! later stages receive valid `Site`s only. A site whose folder or site.toml
//! is broken becomes a `BrokenSite` with its diagnostics, so the others
//! still build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::RegencyConfig;
use crate::content::date::PageDate;
use crate::content::front_matter::parse_toml;
use crate::diagnostic::{Diagnostic, FileKind, Location, Message};
use crate::error::Error;
use crate::profile::RESERVED_LABELS;

/// `sites/<slug>/site.toml`: the agency.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Subdomain label (default: the folder name).
    #[serde(default)]
    pub subdomain: Option<String>,
    /// Official name of the agency.
    pub nama_resmi: String,
    /// Official short name.
    #[serde(default)]
    pub singkatan: Option<String>,
    /// One sentence about the agency (home page, meta description).
    #[serde(default)]
    pub deskripsi: Option<String>,
    /// Serves the public directly (default true; LAYANAN-001).
    #[serde(default)]
    pub melayani_publik: Option<bool>,
    /// Why not, when `melayani_publik = false`.
    #[serde(default)]
    pub alasan_tidak_melayani: Option<String>,
    /// Collects personal data (PRIVASI-001).
    #[serde(default)]
    pub mengumpulkan_data_pribadi: Option<bool>,
    /// Office address.
    #[serde(default)]
    pub alamat: Option<Alamat>,
    /// Phone.
    #[serde(default)]
    pub telepon: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Opening hours.
    #[serde(default)]
    pub jam_layanan: Option<String>,
    /// PPID Pelaksana of the agency.
    #[serde(default)]
    pub ppid: Option<PpidSitus>,
    /// Complaint channels.
    #[serde(default)]
    pub kanal_pengaduan: Vec<KanalPengaduan>,
    /// Who manages the site.
    #[serde(default)]
    pub pengelola: Option<Pengelola>,
    /// The decree that assigned the subdomain.
    #[serde(default)]
    pub penetapan_subdomain: Option<PenetapanSubdomain>,
    /// Where the site is hosted.
    #[serde(default)]
    pub hosting: Option<HostingSitus>,
    /// Backups.
    #[serde(default)]
    pub backup: Option<Backup>,
    /// Service level.
    #[serde(default)]
    pub sla: Option<Sla>,
    /// Source repository.
    #[serde(default)]
    pub repositori: Option<Repositori>,
    /// Third-party scripts and embeds.
    #[serde(default)]
    pub pihak_ketiga: Vec<PihakKetiga>,
    /// Main navigation (default: top-level pages and sections by weight).
    #[serde(default)]
    pub menu: Vec<MenuItem>,
}

/// `[alamat]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Alamat {
    pub jalan: String,
    #[serde(default)]
    pub desa: Option<String>,
    #[serde(default)]
    pub kecamatan: Option<String>,
    #[serde(default)]
    pub kabupaten: Option<String>,
    #[serde(default)]
    pub provinsi: Option<String>,
    #[serde(default)]
    pub kode_pos: Option<String>,
}

impl Alamat {
    /// One line: `Jl. … , Kec. …, Kabupaten …, Jawa Barat 43211`.
    pub fn one_line(&self) -> String {
        let mut parts = vec![self.jalan.clone()];
        parts.extend(self.desa.clone());
        parts.extend(self.kecamatan.as_ref().map(|k| format!("Kec. {k}")));
        parts.extend(self.kabupaten.clone());
        let prov = match (&self.provinsi, &self.kode_pos) {
            (Some(p), Some(k)) => Some(format!("{p} {k}")),
            (Some(p), None) => Some(p.clone()),
            (None, Some(k)) => Some(k.clone()),
            (None, None) => None,
        };
        parts.extend(prov);
        parts.join(", ")
    }
}

/// `[ppid]`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PpidSitus {
    #[serde(default)]
    pub jabatan: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub telepon: Option<String>,
    #[serde(default)]
    pub lokasi_layanan: Option<String>,
    #[serde(default)]
    pub jam_layanan: Option<String>,
    #[serde(default)]
    pub url_ppid_utama: Option<String>,
}

/// `[[kanal_pengaduan]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct KanalPengaduan {
    pub id: String,
    pub nama: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub kontak: Option<String>,
}

/// `[pengelola]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Pengelola {
    pub unit: String,
    #[serde(default)]
    pub jabatan: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub telepon: Option<String>,
    #[serde(default)]
    pub sop_pengelolaan: Option<String>,
    #[serde(default)]
    pub tanggal_review: Option<PageDate>,
}

/// `[penetapan_subdomain]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PenetapanSubdomain {
    pub nomor_sk: String,
    #[serde(default)]
    pub tanggal: Option<PageDate>,
}

/// `[hosting]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct HostingSitus {
    pub penyedia: String,
    #[serde(default)]
    pub mandiri_tik_sk: Option<String>,
    #[serde(default)]
    pub atestasi_iso27001: Option<String>,
}

/// `[backup]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Backup {
    pub tujuan: String,
    #[serde(default)]
    pub terakhir: Option<PageDate>,
}

/// `[sla]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Sla {
    pub ketersediaan: String,
    #[serde(default)]
    pub kontak: Option<String>,
}

/// `[repositori]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Repositori {
    pub url: String,
}

/// `[[pihak_ketiga]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct PihakKetiga {
    pub nama: String,
    /// Host names it serves from (`www.youtube-nocookie.com`), matched against the output (PRIVASI-003).
    #[serde(default)]
    pub host: Vec<String>,
    #[serde(default)]
    pub tujuan: Option<String>,
    #[serde(default)]
    pub lokasi_pemrosesan: Option<String>,
}

/// `[[menu]]`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// Label.
    pub judul: String,
    /// Target: `@/path.md`, a root-relative path or a URL.
    pub url: String,
}

/// A valid host label (RFC 1123, lower case).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Subdomain(String);

impl Subdomain {
    /// Checks `label`.
    pub fn parse(label: &str) -> Result<Subdomain, Message> {
        if !crate::profile::is_dns_label(label) {
            return Err(Message::InvalidSubdomain {
                label: label.to_string(),
            });
        }
        if RESERVED_LABELS.contains(&label) {
            return Err(Message::ReservedSubdomain {
                label: label.to_string(),
            });
        }
        Ok(Subdomain(label.to_string()))
    }

    /// The label.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An agency site ready to build.
#[derive(Debug, Clone)]
pub struct Site {
    /// Folder name under sites/.
    pub slug: String,
    /// Its subdomain.
    pub subdomain: Subdomain,
    /// `dinkes.cianjurkab.go.id`.
    pub fqdn: String,
    /// Absolute folder.
    pub dir: PathBuf,
    /// Folder as shown to users (`sites/dinkes`).
    pub shown: PathBuf,
    /// site.toml.
    pub config: SiteConfig,
    /// site.toml as written (to locate later findings without reading it again).
    pub toml_text: String,
    /// What Diskominfo allows this site beyond the default (`[allow]` of laman.toml).
    pub trust: crate::trust::SiteTrust,
}

/// A site that cannot be built, with why.
#[derive(Debug, Clone)]
pub struct BrokenSite {
    /// Folder name (lossy when not UTF-8).
    pub slug: String,
    /// Host, when the label is known and valid (to keep its previous output).
    pub fqdn: Option<String>,
    /// What is wrong.
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything found under sites/.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Buildable sites, sorted by slug.
    pub sites: Vec<Site>,
    /// Sites with a broken folder, site.toml or label.
    pub broken: Vec<BrokenSite>,
    /// Problems with laman.toml's `[[subdomain]]` list.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses site.toml text.
pub fn parse_site_toml(text: &str, shown: &Path) -> Result<SiteConfig, Box<Diagnostic>> {
    parse_toml(text, FileKind::Site).map_err(|l| {
        Box::new(
            Diagnostic::new(Location::at_offset(shown, text, l.offset), l.message)
                .with_source(text, l.width),
        )
    })
}

/// Finds the sites under `<root>/sites`. With `only` non-empty, just those slugs.
pub fn discover(root: &Path, config: &RegencyConfig, only: &[String]) -> Result<Registry, Error> {
    let sites_dir = root.join("sites");
    let mut reg = Registry::default();
    let mut taken: BTreeMap<String, PathBuf> = BTreeMap::new();
    for entry in &config.subdomains {
        let at = Location::file(crate::config::FILE_NAME);
        match Subdomain::parse(&entry.name) {
            Ok(_) | Err(Message::ReservedSubdomain { .. }) => {}
            Err(m) => reg.diagnostics.push(Diagnostic::new(at.clone(), m)),
        }
        if let Some(other) =
            taken.insert(entry.name.clone(), PathBuf::from(crate::config::FILE_NAME))
        {
            reg.diagnostics.push(Diagnostic::new(
                at,
                Message::DuplicateSubdomain {
                    label: entry.name.clone(),
                    other,
                },
            ));
        }
    }
    let mut dirs: Vec<(std::ffi::OsString, PathBuf)> = match std::fs::read_dir(&sites_dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .map(|e| (e.file_name(), e.path()))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io(&sites_dir, e)),
    };
    dirs.sort();
    for name in only {
        if !dirs.iter().any(|(n, _)| n.to_str() == Some(name.as_str())) {
            return Err(Error::UnknownSite(name.clone()));
        }
    }
    for (name, dir) in dirs {
        let Some(slug) = name.to_str().map(str::to_string) else {
            let lossy = name.to_string_lossy().into_owned();
            reg.broken.push(BrokenSite {
                slug: lossy.clone(),
                fqdn: None,
                diagnostics: vec![Diagnostic::new(
                    Location::file(Path::new("sites").join(&lossy)),
                    Message::NotUtf8FileName,
                )],
            });
            continue;
        };
        if !only.is_empty() && !only.contains(&slug) {
            continue;
        }
        let shown = Path::new("sites").join(&slug);
        match load_site(&slug, &dir, &shown, config, &mut taken) {
            Ok(site) => reg.sites.push(site),
            Err(diagnostic) => {
                let fqdn = Subdomain::parse(&slug)
                    .ok()
                    .map(|s| format!("{}.{}", s.as_str(), config.region.domain));
                reg.broken.push(BrokenSite {
                    slug,
                    fqdn,
                    diagnostics: vec![*diagnostic],
                });
            }
        }
    }
    Ok(reg)
}

fn load_site(
    slug: &str,
    dir: &Path,
    shown: &Path,
    config: &RegencyConfig,
    taken: &mut BTreeMap<String, PathBuf>,
) -> Result<Site, Box<Diagnostic>> {
    let domain = &config.region.domain;
    let toml_path = dir.join("site.toml");
    let toml_shown = shown.join("site.toml");
    let bytes = match std::fs::read(&toml_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Box::new(Diagnostic::new(
                Location::file(shown),
                Message::MissingSiteToml,
            )));
        }
        Err(e) => {
            return Err(Box::new(Diagnostic::new(
                Location::file(&toml_shown),
                Message::Unreadable {
                    detail: e.to_string(),
                },
            )));
        }
    };
    let text = crate::content::source::decode(bytes, &toml_shown)?;
    let site_config = parse_site_toml(&text, &toml_shown)?;
    let label = site_config
        .subdomain
        .clone()
        .unwrap_or_else(|| slug.to_string());
    let label_at = match site_config.subdomain {
        Some(_) => {
            let off = text.find("subdomain").unwrap_or(0);
            Location::at_offset(&toml_shown, &text, off)
        }
        None => Location::file(shown),
    };
    let subdomain =
        Subdomain::parse(&label).map_err(|m| Box::new(Diagnostic::new(label_at.clone(), m)))?;
    if let Some(other) = taken.get(&label) {
        return Err(Box::new(Diagnostic::new(
            label_at,
            Message::DuplicateSubdomain {
                label,
                other: other.clone(),
            },
        )));
    }
    taken.insert(label.clone(), toml_shown);
    Ok(Site {
        slug: slug.to_string(),
        fqdn: format!("{}.{domain}", subdomain.as_str()),
        subdomain,
        dir: dir.to_path_buf(),
        shown: shown.to_path_buf(),
        config: site_config,
        toml_text: text,
        trust: config.allow.for_site(slug),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomain_labels_follow_rfc_1123() {
        for ok in ["dinkes", "kec-cibeber", "dp3a", "a"] {
            assert!(Subdomain::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "Dinkes",
            "-dinkes",
            "dinkes-",
            "din_kes",
            "dinkes.baru",
            "",
            &"a".repeat(64),
        ] {
            assert!(
                matches!(Subdomain::parse(bad), Err(Message::InvalidSubdomain { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            Subdomain::parse("www"),
            Err(Message::ReservedSubdomain { .. })
        ));
    }

    #[test]
    fn address_reads_as_one_line() {
        let a = Alamat {
            jalan: "Jl. Dr. Muwardi No. 1".into(),
            kecamatan: Some("Cianjur".into()),
            kabupaten: Some("Kabupaten Cianjur".into()),
            provinsi: Some("Jawa Barat".into()),
            kode_pos: Some("43215".into()),
            ..Alamat::default()
        };
        assert_eq!(
            a.one_line(),
            "Jl. Dr. Muwardi No. 1, Kec. Cianjur, Kabupaten Cianjur, Jawa Barat 43215"
        );
    }
}
