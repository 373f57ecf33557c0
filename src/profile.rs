//! Regency profiles: which regency, its go.id domain and the regulation that
//! puts agency sites on its subdomains (../spec/content-rules.toml
//! `profil_daerah`). Severity overrides are applied by the rules engine;
//! this module only names the profiles.

use serde::{Deserialize, Serialize};

/// A regency profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Kabupaten Cianjur, Perbup 25/2018.
    Cianjur,
    /// Kabupaten Pangandaran, Perbup 47/2017.
    Pangandaran,
    /// Kabupaten Purwakarta, Perda 2/2022.
    Purwakarta,
    /// Kabupaten Lima Puluh Kota, Perbup 47/2018.
    Limapuluhkota,
    /// Kabupaten Bogor, Perbup 11/2015.
    Bogor,
    /// National rules only, for a regency without a profile of its own.
    Nasional,
}

/// Facts about the regency of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileInfo {
    /// `cianjur` …
    pub code: &'static str,
    /// `Kabupaten Cianjur`.
    pub region_name: &'static str,
    /// Province.
    pub province: &'static str,
    /// The regency's go.id domain.
    pub domain: &'static str,
    /// Source ID in the catalogue.
    pub regulation_id: &'static str,
    /// Full title of the regulation.
    pub regulation: &'static str,
    /// Article that puts agency sites on subdomains.
    pub subdomain_article: &'static str,
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 6] = [
        Profile::Cianjur,
        Profile::Pangandaran,
        Profile::Purwakarta,
        Profile::Limapuluhkota,
        Profile::Bogor,
        Profile::Nasional,
    ];

    /// The profile called `code`.
    pub fn parse(code: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.info().code == code)
    }

    /// Its facts.
    pub fn info(self) -> ProfileInfo {
        match self {
            Profile::Cianjur => ProfileInfo {
                code: "cianjur",
                region_name: "Kabupaten Cianjur",
                province: "Jawa Barat",
                domain: "cianjurkab.go.id",
                regulation_id: "PERBUP-CJR-25-2018",
                regulation: "Peraturan Bupati Cianjur Nomor 25 Tahun 2018 tentang Penyelenggaraan E-Government",
                subdomain_article: "Pasal 15 ayat (4)-(5)",
            },
            Profile::Pangandaran => ProfileInfo {
                code: "pangandaran",
                region_name: "Kabupaten Pangandaran",
                province: "Jawa Barat",
                domain: "pangandarankab.go.id",
                regulation_id: "PERBUP-PND-47-2017",
                regulation: "Peraturan Bupati Pangandaran Nomor 47 Tahun 2017 tentang Penyelenggaraan E-Government di Lingkungan Pemerintah Kabupaten Pangandaran",
                subdomain_article: "Pasal 11 ayat (1)-(4)",
            },
            Profile::Purwakarta => ProfileInfo {
                code: "purwakarta",
                region_name: "Kabupaten Purwakarta",
                province: "Jawa Barat",
                domain: "purwakartakab.go.id",
                regulation_id: "PERDA-PWK-2-2022",
                regulation: "Peraturan Daerah Kabupaten Purwakarta Nomor 2 Tahun 2022 tentang Penyelenggaraan Sistem Pemerintahan Berbasis Elektronik",
                subdomain_article: "Pasal 19 ayat (2) (the Perda does not name the domain; it is known from public evidence)",
            },
            Profile::Limapuluhkota => ProfileInfo {
                code: "limapuluhkota",
                region_name: "Kabupaten Lima Puluh Kota",
                province: "Sumatera Barat",
                domain: "limapuluhkotakab.go.id",
                regulation_id: "PERBUP-LPK-47-2018",
                regulation: "Peraturan Bupati Lima Puluh Kota Nomor 47 Tahun 2018 tentang Tata Kelola Penyelenggaraan E-Government di Lingkungan Pemerintah Kabupaten Lima Puluh Kota",
                subdomain_article: "Pasal 14 ayat (4)-(5)",
            },
            Profile::Bogor => ProfileInfo {
                code: "bogor",
                region_name: "Kabupaten Bogor",
                province: "Jawa Barat",
                domain: "bogorkab.go.id",
                regulation_id: "PERBUP-BGR-11-2015",
                regulation: "Peraturan Bupati Bogor Nomor 11 Tahun 2015 tentang Pelaksanaan dan Pengembangan E-Government di Lingkungan Pemerintah Kabupaten Bogor",
                subdomain_article: "Pasal 10 ayat (1)-(4)",
            },
            Profile::Nasional => ProfileInfo {
                code: "nasional",
                region_name: "Kabupaten Contoh",
                province: "",
                domain: "contohkab.go.id",
                regulation_id: "PERMENKOMINFO-28-2006",
                regulation: "Peraturan Menteri Komunikasi dan Informatika Nomor 28/PER/M.KOMINFO/9/2006 tentang Penggunaan Nama Domain go.id untuk Situs Web Resmi Pemerintahan Pusat dan Daerah",
                subdomain_article: "Penjelasan (SKPD memakai sub domain)",
            },
        }
    }
}

/// The articles of a profile's regulation that ask for each part of the
/// configuration `laman init` and `laman new site` write (quoted in their
/// comments). Verified against ../shared/spec/legal-audit.md (sections 1
/// and 2); `None` where the regulation says nothing, and the comment says
/// so instead of borrowing another regency's article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Articles {
    /// The regency domain and agency subdomains.
    pub domain: &'static str,
    /// Security of the electronic systems (`[security]`, security.txt).
    pub security: Option<&'static str>,
    /// Where servers stand (`[hosting]` of laman.toml and of site.toml).
    pub hosting: Option<&'static str>,
    /// Publishing only what passed its checks, kept current (`[publish]`).
    pub publish: Option<&'static str>,
    /// The decree that assigns an agency its subdomain (`[penetapan_subdomain]`).
    pub decree: Option<&'static str>,
    /// Backups (`[backup]`).
    pub backup: Option<&'static str>,
    /// Service level agreement (`[sla]`).
    pub sla: Option<&'static str>,
    /// Staff and SOP of the site (`[pengelola]`).
    pub manager: Option<&'static str>,
    /// Source code handed to the regency (`[repositori]`).
    pub repository: Option<&'static str>,
}

impl Profile {
    /// The articles behind each part of the configuration.
    pub fn articles(self) -> Articles {
        match self {
            Profile::Cianjur => Articles {
                domain: "Pasal 15 ayat (4)-(5): subdomain Perangkat Daerah terintegrasi dengan domain cianjurkab.go.id",
                security: Some(
                    "Pasal 13 ayat (7): wajib menjaga keamanan dan kerahasiaan data dan informasi",
                ),
                hosting: Some(
                    "Pasal 15 ayat (6): semua domain dan subdomain ditempatkan di tempat yang disediakan Dinas",
                ),
                publish: Some(
                    "Pasal 13 ayat (8): menjaga keterkinian dan keutuhan data; Pasal 14 ayat (6) huruf d: lolos uji sebelum dipakai",
                ),
                decree: Some("Pasal 11 ayat (1): berkoordinasi dengan Dinas untuk menjadi PSE"),
                backup: Some(
                    "Pasal 16 ayat (3): backup data diletakkan jauh dari pusat data (kewajiban Dinas)",
                ),
                sla: None,
                manager: Some(
                    "Pasal 8 ayat (1)-(5): SOP, ditinjau minimal setahun sekali; Pasal 12 ayat (1): SDM TIK",
                ),
                repository: Some(
                    "Pasal 14 ayat (5), (7): perangkat lunak legal/terbuka, kode di repository Dinas",
                ),
            },
            Profile::Pangandaran => Articles {
                domain: "Pasal 11 ayat (1)-(3): https://namasubdomain.pangandarankab.go.id digunakan oleh SKPD",
                security: Some(
                    "Pasal 6 ayat (4): SKPD pengelola TIK bertanggung jawab atas keamanan Sistem Elektronik; Pasal 10 ayat (2)",
                ),
                hosting: Some(
                    "Pasal 6 ayat (1)-(3): seluruh server dikonsolidasikan pada pusat data",
                ),
                publish: Some(
                    "Pasal 15 ayat (1): memutakhirkan data secara periodik; Pasal 16 ayat (5): log aktivitas didokumentasikan (publish.log)",
                ),
                decree: Some(
                    "Pasal 11 ayat (4): penggunaan subdomain ditetapkan dengan keputusan kepala Dinas (galat bila tidak ada)",
                ),
                backup: Some(
                    "Pasal 23 ayat (2)-(3): back up oleh Dinas, terpisah dari ruang server",
                ),
                sla: None,
                manager: Some("Pasal 21 ayat (1): setiap SKPD memiliki SDM yang bertanggung jawab"),
                repository: Some(
                    "Pasal 12 ayat (6)-(7): kode sumber wajib diserahkan; hak cipta milik Pemerintah Daerah",
                ),
            },
            Profile::Purwakarta => Articles {
                domain: "Pasal 19 ayat (2): situs web Perangkat Daerah merupakan sub domain dari domain resmi Pemerintah Daerah. Perda tidak menyebut nama domainnya; purwakartakab.go.id diambil dari bukti publik",
                security: Some(
                    "Pasal 4 ayat (8) dan Pasal 11: keamanan informasi (kerahasiaan, keutuhan, ketersediaan)",
                ),
                hosting: Some(
                    "Pasal 20 ayat (1)-(5) dan Pasal 21 ayat (1): server dan data di Pusat Data",
                ),
                publish: Some(
                    "Pasal 15 ayat (1): aplikasi diuji sebelum diimplementasikan (situs dengan galat tidak diterbitkan)",
                ),
                decree: None,
                backup: Some(
                    "Pasal 22 ayat (1)-(3): wajib pencadangan berkala ke server di Pusat Data (galat bila tidak ada)",
                ),
                sla: None,
                manager: Some(
                    "Pasal 26 ayat (1) huruf a: minimal satu staf teknisi TIK sekaligus Service Desk Tier 1",
                ),
                repository: Some(
                    "Pasal 13 ayat (1) dan Pasal 15 ayat (2)-(4): kode sumber terbuka, diserahkan ke Repositori Dinas",
                ),
            },
            Profile::Limapuluhkota => Articles {
                domain: "Pasal 14 ayat (4)-(5): subdomain terintegrasi dengan domain www.limapuluhkotakab.go.id",
                security: Some(
                    "Pasal 8 ayat (2) huruf b dan Pasal 11 ayat (3): keamanan informasi",
                ),
                hosting: Some(
                    "Pasal 14 ayat (6): semua domain dan subdomain ditempatkan di tempat yang disediakan Dinas Kominfo",
                ),
                publish: Some(
                    "Pasal 11 ayat (3): keterkinian dan keutuhan data; Pasal 13 ayat (4) huruf d: lolos uji",
                ),
                decree: None,
                backup: Some(
                    "Pasal 11 ayat (4): data disimpan dan diamankan di pusat data Dinas Kominfo",
                ),
                sla: Some(
                    "Pasal 8 ayat (2) huruf a jo. Pasal 19 ayat (1): tersedianya perjanjian tingkat layanan (galat bila tidak ada)",
                ),
                manager: Some("Pasal 7 dan Pasal 9 ayat (5): SOP dibuat oleh masing-masing OPD"),
                repository: Some(
                    "Pasal 13 ayat (3), (5): perangkat lunak legal/terbuka; hak cipta dan kode di Pusat Data",
                ),
            },
            Profile::Bogor => Articles {
                domain: "Pasal 10 ayat (1)-(3): https://namasubdomain.bogorkab.go.id digunakan oleh SKPD",
                security: Some(
                    "Pasal 6 ayat (4): Diskominfo bertanggung jawab atas keamanan Sistem Elektronik; Pasal 9 ayat (2)",
                ),
                hosting: Some(
                    "Pasal 6 ayat (1)-(3): seluruh server dikonsolidasikan pada pusat data",
                ),
                publish: Some("Pasal 12 ayat (1): SKPD wajib memutakhirkan data secara periodik"),
                decree: Some(
                    "Pasal 10 ayat (4): penggunaan subdomain ditetapkan dengan keputusan kepala Dinas (galat bila tidak ada)",
                ),
                backup: Some(
                    "Pasal 22 ayat (2)-(3): back up oleh Diskominfo, terpisah dari ruang server",
                ),
                sla: None,
                manager: Some("Pasal 17 ayat (1): setiap SKPD memiliki unit kerja pengelola"),
                repository: Some(
                    "Pasal 13 ayat (3)-(4): kode sumber wajib diserahkan; hak cipta milik Pemerintah Daerah",
                ),
            },
            Profile::Nasional => Articles {
                domain: "Permenkominfo 28/2006, Penjelasan: SKPD memakai sub domain dari domain pemerintah daerah (contohkab.go.id adalah contoh: ganti dengan domain kabupaten Anda)",
                security: None,
                hosting: None,
                publish: Some(
                    "UU 14/2008 Pasal 9 ayat (3): informasi berkala disampaikan secara berkala",
                ),
                decree: None,
                backup: None,
                sla: None,
                manager: None,
                repository: None,
            },
        }
    }
}

/// Whether `label` is a DNS label laman accepts for a subdomain: 1–63 of
/// `a-z`, `0-9` and `-`, not starting or ending with `-` (reserved labels
/// included; [`RESERVED_LABELS`] says which a site may not take).
pub fn is_dns_label(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

/// Labels reserved for regency-wide services (content-rules.toml `slug_cadangan`).
pub const RESERVED_LABELS: &[&str] = &[
    "www",
    "mail",
    "webmail",
    "ppid",
    "jdih",
    "lpse",
    "sirup",
    "data",
    "opendata",
    "satudata",
    "sso",
    "accounts",
    "api",
    "cdn",
    "static",
    "portal",
    "web",
    "lapor",
    "sp4n",
    "spbe",
    "covid19",
    "cctv",
    "katalog-apps",
    "mpp",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_parses_from_its_code() {
        for p in Profile::ALL {
            assert_eq!(Profile::parse(p.info().code), Some(p));
            assert!(p.info().domain.ends_with(".go.id"));
        }
        assert_eq!(Profile::parse("jakarta"), None);
    }
}
