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
