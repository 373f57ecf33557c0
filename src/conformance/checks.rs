//! The catalogue of checks this job runs: stable IDs, default severities,
//! group, and the Indonesian explanation (what it means, how to fix it)
//! shown in report.html. Pure data, no I/O.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Risk;

macro_rules! checks {
    ($($v:ident => $sev:ident, $title:literal, $meaning:literal, $fix:literal;)*) => {
        /// A check of `spec/conformance-checks.md` implemented here.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Check { $(
            #[doc = $title]
            $v,
        )* }

        impl Check {
            /// Every implemented check, in report order.
            pub const ALL: &'static [Check] = &[$(Check::$v),*];

            /// The stable ID (`DNS001`).
            pub fn id(self) -> &'static str {
                match self { $(Check::$v => stringify!($v),)* }
            }

            /// Risk of a failure (TLS004 may lower it by days left).
            pub fn risk(self) -> Risk {
                match self { $(Check::$v => Risk::$sev,)* }
            }

            /// Short Indonesian title.
            pub fn title(self) -> &'static str {
                match self { $(Check::$v => $title,)* }
            }

            /// What a failure means (Indonesian).
            pub fn meaning(self) -> &'static str {
                match self { $(Check::$v => $meaning,)* }
            }

            /// How to fix a failure (Indonesian).
            pub fn fix(self) -> &'static str {
                match self { $(Check::$v => $fix,)* }
            }
        }
    };
}

checks! {
    DNS001 => High, "Nama terdaftar resolve ke server hosting",
        "Subdomain tidak dapat ditemukan di DNS atau menunjuk ke alamat yang bukan server hosting Pemda; warga tidak sampai ke situs resmi.",
        "Tambahkan/perbaiki rekaman A/AAAA di zona DNS (lihat `laman dns zone`) agar menunjuk ke alamat [hosting] di laman.toml.";
    DNS002 => Low, "IPv6 tersedia",
        "Server hosting Pemda punya alamat IPv6, tetapi nama ini tidak punya rekaman AAAA atau situsnya tidak dapat dibuka lewat IPv6.",
        "Tambahkan rekaman AAAA ke alamat IPv6 [hosting] (lihat `laman dns zone`) dan pastikan server mendengarkan HTTPS di IPv6.";
    DNS004 => Medium, "Rantai CNAME sehat",
        "Rantai CNAME terlalu panjang, berputar, atau ada hop yang tidak dijawab; resolusi menjadi rapuh.",
        "Ganti rantai CNAME dengan rekaman A/AAAA langsung atau CNAME satu langkah.";
    DNS005 => Critical, "CNAME menggantung (risiko pengambilalihan)",
        "CNAME menunjuk ke nama yang tidak ada. Pihak lain dapat mendaftarkan nama tujuan itu dan menayangkan konten atas nama Pemda (subdomain takeover).",
        "Hapus rekaman CNAME yang tidak terpakai segera, atau arahkan ke layanan yang benar-benar dimiliki Pemda.";
    DNS010 => Low, "Rekaman CAA terpasang",
        "Tidak ada rekaman CAA yang berlaku (atau sintaksnya salah); CA mana pun boleh menerbitkan sertifikat untuk nama ini.",
        "Pasang `CAA 0 issue \"letsencrypt.org\"` (atau CA yang dipakai) di apex domain Pemda.";
    DNS011 => High, "CAA mengizinkan CA penerbit sertifikat",
        "Sertifikat yang disajikan diterbitkan oleh CA yang tidak diizinkan oleh rekaman CAA; perpanjangan berikutnya akan gagal, atau sertifikat diterbitkan di luar prosedur.",
        "Samakan rekaman CAA dengan CA yang dipakai (caa_issuers di laman.toml), lalu selidiki asal sertifikat.";
    DNS012 => Medium, "Tidak ada rekaman wildcard",
        "Label acak di bawah nama ini ikut resolve: rekaman wildcard membuat subdomain palsu tampak sah dan memudahkan penyalahgunaan.",
        "Hapus rekaman wildcard (`*`) dan daftarkan setiap subdomain secara eksplisit.";
    TLS001 => High, "Jabat tangan TLS berhasil",
        "Koneksi HTTPS gagal dibuka; browser warga menampilkan galat.",
        "Pastikan server mendengarkan di port 443 dengan TLS 1.2/1.3 dan sertifikat yang benar untuk nama ini.";
    TLS002 => High, "Rantai sertifikat terpercaya",
        "Rantai sertifikat tidak sampai ke root CA tepercaya (intermediate hilang atau CA tidak dikenal).",
        "Pasang sertifikat lengkap dengan intermediate (fullchain.pem) dari CA publik.";
    TLS003 => Critical, "Nama host cocok dengan sertifikat",
        "Sertifikat tidak memuat nama subdomain ini di SAN; browser menolak situs.",
        "Terbitkan sertifikat yang mencantumkan nama ini (`laman host` melakukannya otomatis per subdomain).";
    TLS004 => Critical, "Masa berlaku sertifikat",
        "Sertifikat kedaluwarsa atau akan segera kedaluwarsa; situs akan (atau sudah) diblokir browser.",
        "Perpanjang sertifikat dan periksa proses perpanjangan otomatis (ACME).";
    TLS005 => High, "Bukan sertifikat self-signed",
        "Sertifikat ditandatangani sendiri atau oleh CA privat; warga mendapat peringatan keamanan.",
        "Ganti dengan sertifikat dari CA publik (mis. Let's Encrypt).";
    TLS006 => High, "Kunci dan algoritme tanda tangan kuat",
        "Kunci sertifikat terlalu lemah (RSA < 2048 bit / EC < 256 bit) atau ditandatangani dengan SHA-1/MD5.",
        "Buat kunci baru RSA 2048+ atau ECDSA P-256 dan terbitkan ulang sertifikat.";
    TLS011 => Low, "OCSP stapling: respons disematkan, `good`, sah, masih berlaku",
        "Sertifikat mencantumkan responder OCSP, tetapi server tidak menyematkan (staple) respons OCSP yang sah dan masih berlaku; browser harus bertanya sendiri ke CA (lambat, bocor privasi), atau respons menyatakan sertifikat dicabut.",
        "Aktifkan OCSP stapling di server (nginx: `ssl_stapling on; ssl_stapling_verify on;`), atau gunakan sertifikat tanpa URL OCSP (Let's Encrypt sejak 2025). Jika respons menyatakan `revoked`, ganti sertifikat segera.";
    HTTP001 => High, "HTTP dialihkan ke HTTPS",
        "Permintaan http:// tidak langsung dialihkan (301/308) ke https:// nama yang sama; lalu lintas dapat disadap atau diubah.",
        "Tambahkan pengalihan permanen 301 dari http:// ke https:// untuk nama yang sama.";
    HTTP002 => High, "Rantai pengalihan aman",
        "Ada langkah pengalihan dari HTTPS ke HTTP, atau rantainya lebih dari 5 langkah.",
        "Perbaiki aturan pengalihan agar selalu tetap di HTTPS dan langsung ke tujuan akhir.";
    HTTP003 => Medium, "HSTS terpasang",
        "Header Strict-Transport-Security tidak ada atau terlalu pendek; browser dapat diturunkan ke HTTP.",
        "Kirim `Strict-Transport-Security: max-age=31536000` (apex: tambahkan `; includeSubDomains`).";
    HTTP005 => Low, "Header keamanan",
        "Header keamanan (CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy) kurang.",
        "Tambahkan header yang disebut di bukti; konfigurasi bawaan `laman host` sudah memuatnya.";
    HTTP007 => Low, "security.txt valid",
        "/.well-known/security.txt tidak ada, tanpa Contact, atau Expires sudah lewat; pelapor celah tidak tahu ke mana melapor.",
        "Terbitkan ulang situs (`laman build`) dengan [security] contact di laman.toml.";
    HTTP009 => Medium, "Status halaman benar",
        "Halaman utama tidak menjawab 2xx, atau alamat acak menjawab 200 (soft-404) sehingga halaman palsu tampak sah.",
        "Pastikan halaman utama tersedia dan alamat yang tidak ada menjawab 404.";
    CNT001 => Critical, "Tidak ada konten judi online",
        "Halaman memuat istilah judi online (slot, gacor, togel, maxwin …); situs kemungkinan diretas dan disisipi spam judol.",
        "Segera putus akses, cari berkas/akun yang disusupi, pulihkan dari rilis bersih (`laman publish`), ganti kredensial, laporkan ke CSIRT.";
    CNT003 => High, "Tidak ada tautan tersembunyi",
        "Halaman memuat tautan ke domain luar yang disembunyikan (display:none, posisi di luar layar); ciri khas penyisipan SEO spam.",
        "Hapus tautan sisipan, pulihkan dari rilis bersih, dan cari celah masuknya.";
    CNT004 => High, "Sitemap hanya berisi halaman terbitan",
        "sitemap.xml memuat alamat yang tidak ada di rilis yang diterbitkan; penyerang menambahkan halaman spam.",
        "Pulihkan sitemap.xml dari rilis terbitan dan hapus halaman asing di server.";
    CNT005 => Critical, "Konten sama dengan rilis terbitan",
        "Berkas yang disajikan berbeda dari yang diterbitkan (hash SHA-256 berbeda): kemungkinan deface atau perubahan di luar prosedur.",
        "Bandingkan dengan rilis di public/, pulihkan dengan `laman publish`, dan selidiki perubahan.";
    REG001 => High, "Subdomain ditetapkan dengan SK",
        "Subdomain terdaftar tidak punya SK penetapan yang berlaku dalam daftar [[decree]] laman.toml (docs/decree.md).",
        "Catat SK penetapan subdomain di laman.toml [[decree]] dan rujuk nomornya dari site.toml atau [[subdomain]].";
    REG002 => High, "Setiap nama di zona DNS terdaftar",
        "Zona DNS memuat subdomain yang tidak terdaftar di laman.toml/sites dan tidak punya SK penetapan: situs di luar pengawasan Diskominfo.",
        "Daftarkan subdomain itu ([[subdomain]] dan SK di [[decree]]) atau hapus rekamannya dari zona DNS.";
    REG003 => Medium, "Nama terdaftar ada di zona DNS",
        "Subdomain terdaftar tidak ada di zona DNS: warga tidak dapat membukanya.",
        "Tambahkan rekamannya ke zona DNS (lihat `laman dns zone`) atau hapus pendaftarannya.";
}

impl Check {
    /// Group shown as a column of the report matrix.
    pub fn group(self) -> &'static str {
        &self.id()[..self.id().len() - 3]
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Check {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Check::ALL
            .iter()
            .copied()
            .find(|c| c.id() == s)
            .ok_or_else(|| format!("unknown check `{s}`"))
    }
}

impl Serialize for Check {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_group() {
        for c in Check::ALL {
            assert_eq!(c.id().parse::<Check>(), Ok(*c));
        }
        assert_eq!(Check::HTTP009.group(), "HTTP");
        assert_eq!(Check::CNT005.group(), "CNT");
    }
}
