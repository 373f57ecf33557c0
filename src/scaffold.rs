//! `laman init` and `laman new`: starting files for a regency, an agency
//! site and a single page. Every value an editor must replace starts with
//! `ISI:` so that it is easy to find (and, later, flagged by `laman check`).
//! Files are never overwritten.

use std::path::{Path, PathBuf};

use crate::content::kinds::Jenis;
use crate::error::Error;
use crate::profile::Profile;
use crate::registry::Subdomain;

/// The laman.toml that `laman init --profile <p>` writes.
pub fn regency_toml(profile: Profile) -> String {
    let i = profile.info();
    format!(
        r#"# {region} — laman configuration.
# Regulation: {regulation}
# ({article}: agency websites are subdomains of {domain}.)

[region]
name = "{region}"
domain = "{domain}"
profile = "{code}"
portal = "https://{domain}"
utc_offset = "+07:00"       # WIB; +08:00 WITA, +09:00 WIT
contoh = false              # true shows "Situs contoh — bukan informasi resmi" on every page

[security]
# /.well-known/security.txt of every site: the Diskominfo / CSIRT contact.
contact = ["mailto:csirt@diskominfo.{domain}"]
expires_days = 180

[build]
paginate_by = 10
feed_limit = 20

[hosting]
# The addresses of the Pusat Data server every subdomain must point to.
ipv4 = []
ipv6 = []

# Registered hosts that are applications, not generated agency sites:
# [[subdomain]]
# name = "lpse"
# jenis = "aplikasi"
"#,
        region = i.region_name,
        regulation = i.regulation,
        article = i.subdomain_article,
        domain = i.domain,
        code = i.code,
    )
}

/// Writes `<root>/laman.toml` for `profile`.
pub fn init(root: &Path, profile: Profile) -> Result<Vec<PathBuf>, Error> {
    let path = root.join(crate::config::FILE_NAME);
    write_new(&path, &regency_toml(profile))?;
    Ok(vec![path])
}

/// What marks a value to fill in every scaffold (`ISI: nama layanan`);
/// `laman check` reports each one left (`ISIAN-001`).
pub const PLACEHOLDER: &str = "ISI: ";

/// The pages a new site starts with: (path below content/, kind, title).
pub const SITE_PAGES: &[(&str, Jenis, &str)] = &[
    ("_index.md", Jenis::Beranda, "Beranda"),
    ("profil.md", Jenis::Profil, "Profil"),
    ("visi-misi.md", Jenis::VisiMisi, "Visi dan Misi"),
    ("tugas-fungsi.md", Jenis::TugasFungsi, "Tugas dan Fungsi"),
    (
        "struktur-organisasi.md",
        Jenis::StrukturOrganisasi,
        "Struktur Organisasi",
    ),
    ("pejabat.md", Jenis::PejabatPage, "Profil Pejabat"),
    ("kontak.md", Jenis::Kontak, "Kontak"),
    ("layanan/_index.md", Jenis::Bagian, "Layanan"),
    (
        "layanan/contoh-layanan.md",
        Jenis::StandarPelayanan,
        "ISI: nama layanan",
    ),
    (
        "maklumat-pelayanan.md",
        Jenis::MaklumatPelayanan,
        "Maklumat Pelayanan",
    ),
    ("pengaduan.md", Jenis::Pengaduan, "Pengaduan"),
    ("ppid/_index.md", Jenis::Ppid, "PPID"),
    (
        "ppid/informasi-berkala.md",
        Jenis::InformasiBerkala,
        "Informasi Berkala",
    ),
    (
        "ppid/daftar-informasi-publik.md",
        Jenis::DaftarInformasiPublik,
        "Daftar Informasi Publik",
    ),
    (
        "ppid/informasi-serta-merta.md",
        Jenis::InformasiSertaMerta,
        "Informasi Serta Merta",
    ),
    (
        "ppid/informasi-setiap-saat.md",
        Jenis::InformasiSetiapSaat,
        "Informasi Setiap Saat",
    ),
    (
        "ppid/laporan-layanan-informasi.md",
        Jenis::LaporanLayananInformasi,
        "Laporan Layanan Informasi",
    ),
    ("produk-hukum.md", Jenis::ProdukHukum, "Produk Hukum"),
    (
        "program-kegiatan.md",
        Jenis::ProgramKegiatan,
        "Program dan Kegiatan",
    ),
    ("kinerja.md", Jenis::Kinerja, "Kinerja"),
    (
        "laporan-keuangan.md",
        Jenis::LaporanKeuangan,
        "Laporan Keuangan",
    ),
    (
        "pengadaan.md",
        Jenis::Pengadaan,
        "Pengadaan Barang dan Jasa",
    ),
    ("siaga-darurat.md", Jenis::SiagaDarurat, "Siaga Darurat"),
    (
        "kebijakan-privasi.md",
        Jenis::KebijakanPrivasi,
        "Kebijakan Privasi",
    ),
    (
        "pernyataan-aksesibilitas.md",
        Jenis::PernyataanAksesibilitas,
        "Pernyataan Aksesibilitas",
    ),
    ("berita/_index.md", Jenis::Bagian, "Berita"),
];

/// site.toml of a new site.
pub fn site_toml(slug: &str, domain: &str) -> String {
    format!(
        r#"# Situs {slug}.{domain}. Ganti setiap nilai "ISI: …".
nama_resmi = "ISI: nama resmi Perangkat Daerah"
singkatan = "ISI: singkatan"
deskripsi = "ISI: satu kalimat tentang Perangkat Daerah ini"
melayani_publik = true
mengumpulkan_data_pribadi = false
telepon = "ISI: (0263) 000000"
email = "ISI: {slug}@{domain}"
jam_layanan = "ISI: Senin–Jumat 08.00–16.00 WIB"

[alamat]
jalan = "ISI: Jl. …"
kecamatan = "ISI: kecamatan"
kode_pos = "ISI: kode pos"

[ppid]
jabatan = "ISI: PPID Pelaksana …"
email = "ISI: ppid@{slug}.{domain}"
telepon = "ISI: nomor telepon"
lokasi_layanan = "ISI: ruang layanan informasi"
jam_layanan = "ISI: Senin–Jumat 08.00–15.00 WIB"
url_ppid_utama = "https://ppid.{domain}"

[[kanal_pengaduan]]
id = "lapor"
nama = "SP4N-LAPOR!"
url = "https://www.lapor.go.id"

[[kanal_pengaduan]]
id = "telepon"
nama = "Telepon pengaduan"
kontak = "ISI: nomor telepon"

[pengelola]
unit = "ISI: unit pengelola situs"
email = "ISI: e-mail pengelola"

[penetapan_subdomain]
nomor_sk = "ISI: nomor SK penetapan subdomain"

[[menu]]
judul = "Beranda"
url = "@/_index.md"

[[menu]]
judul = "Profil"
url = "@/profil.md"

[[menu]]
judul = "Layanan"
url = "@/layanan/_index.md"

[[menu]]
judul = "PPID"
url = "@/ppid/_index.md"

[[menu]]
judul = "Berita"
url = "@/berita/_index.md"

[[menu]]
judul = "Pengaduan"
url = "@/pengaduan.md"

[[menu]]
judul = "Kontak"
url = "@/kontak.md"
"#
    )
}

/// The kind-specific front-matter lines of a new page of kind `jenis`.
fn kind_fields(jenis: Jenis) -> &'static str {
    match jenis {
        Jenis::Halaman | Jenis::Bagian | Jenis::Kontak => "",
        Jenis::Beranda => {
            "sambutan = \"ISI: sambutan kepala Perangkat Daerah\"\nsorotan = [{ judul = \"Layanan\", url = \"@/layanan/_index.md\", keterangan = \"ISI: keterangan\" }]\n"
        }
        Jenis::Profil => {
            "nama_resmi = \"ISI: nama resmi\"\nkedudukan = \"ISI: dasar pembentukan (Perda tentang Perangkat Daerah)\"\nalamat = \"ISI: alamat lengkap\"\nruang_lingkup = \"ISI: ruang lingkup kegiatan\"\nmaksud_tujuan = \"ISI: maksud dan tujuan\"\nunit_kerja = [{ nama = \"ISI: nama unit\", gambaran_umum = \"ISI: gambaran umum\" }]\n"
        }
        Jenis::VisiMisi => {
            "visi = \"ISI: visi\"\nmisi = [\"ISI: misi pertama\"]\nsumber = \"ISI: RPJMD / Renstra dan periodenya\"\nperiode_akhir = 2029-12-31\n"
        }
        Jenis::TugasFungsi => {
            "tugas = \"ISI: tugas pokok\"\nfungsi = [\"ISI: fungsi\"]\ndasar_hukum = [\"ISI: Peraturan Bupati tentang kedudukan, susunan organisasi, tugas dan fungsi\"]\n"
        }
        Jenis::StrukturOrganisasi => {
            "unit = [{ nama = \"ISI: nama unit\", gambaran_umum = \"ISI: gambaran umum\", kepala = \"ISI: nama kepala\" }]\n"
        }
        Jenis::PejabatPage => {
            "pejabat = [{ nama = \"ISI: nama\", jabatan = \"ISI: jabatan\", profil_singkat = \"ISI: profil singkat\", lhkpn_url = \"https://elhkpn.kpk.go.id/portal/user/check_public\" }]\n"
        }
        Jenis::StandarPelayanan => {
            "persyaratan = [\"ISI: persyaratan\"]\nprosedur = [\"ISI: langkah pertama\"]\njangka_waktu = { nilai = 1, satuan = \"hari kerja\" }\nbiaya_rp = 0\nproduk = \"ISI: produk pelayanan\"\npengaduan = [\"lapor\", \"telepon\"]\ndasar_hukum = [\"ISI: dasar hukum\"]\nsarana_prasarana = \"ISI: sarana dan prasarana\"\nkompetensi_pelaksana = \"ISI: kompetensi pelaksana\"\npengawasan_internal = \"ISI: pengawasan internal\"\njumlah_pelaksana = 1\njaminan_pelayanan = \"ISI: jaminan pelayanan\"\njaminan_keamanan = \"ISI: jaminan keamanan dan keselamatan\"\nevaluasi_kinerja = \"ISI: evaluasi kinerja pelaksana\"\npenetapan = { nomor = \"ISI: nomor keputusan\", tanggal = 2026-01-02 }\n"
        }
        Jenis::MaklumatPelayanan => {
            "teks = \"ISI: Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan yang telah ditetapkan dan apabila tidak menepati janji ini, kami siap menerima sanksi sesuai peraturan perundang-undangan yang berlaku.\"\npenandatangan = \"ISI: nama dan jabatan kepala Perangkat Daerah\"\ntanggal = 2026-01-02\n"
        }
        Jenis::Pengaduan => {
            "pengelola = \"ISI: unit pengelola pengaduan\"\nprosedur = [\"ISI: langkah pertama\"]\nwaktu_respon = \"ISI: paling lambat 5 hari kerja\"\n"
        }
        Jenis::Ppid => {
            "tata_cara_permohonan = [\"ISI: langkah permohonan\"]\ntata_cara_keberatan = [\"ISI: langkah keberatan\"]\npenyelesaian_sengketa = \"ISI: penyelesaian sengketa melalui Komisi Informasi\"\nwaktu_layanan = \"10 hari kerja, dapat diperpanjang 7 hari kerja\"\nbiaya = \"Tidak dipungut biaya\"\n"
        }
        Jenis::DaftarInformasiPublik => {
            "informasi = [{ ringkasan = \"ISI: ringkasan informasi\", penguasa = \"ISI: pejabat/unit\", penanggung_jawab = \"ISI: penanggung jawab\", waktu_tempat = \"ISI: waktu dan tempat\", bentuk = \"softcopy\", retensi = \"ISI: jangka waktu penyimpanan\", kategori = \"berkala\" }]\n"
        }
        Jenis::InformasiBerkala => {
            "entri = [{ kategori = \"profil\", judul = \"Profil\", tautan = \"@/profil.md\", tanggal_mutakhir = 2026-01-02 }]\n"
        }
        Jenis::InformasiSertaMerta => "informasi = []\n",
        Jenis::InformasiSetiapSaat => {
            "dokumen = [{ judul = \"ISI: judul dokumen\", url = \"ISI: tautan\", ringkasan = \"ISI: ringkasan\" }]\n"
        }
        Jenis::LaporanLayananInformasi => {
            "tahun = 2025\njumlah_permohonan = 0\nwaktu_rata2 = \"ISI: rata-rata waktu\"\ndikabulkan = 0\nditolak = 0\nalasan_penolakan = []\ndokumen = \"ISI: tautan laporan lengkap\"\n"
        }
        Jenis::ProdukHukum => {
            "dokumen = [{ jenis = \"ISI: Perda/Perbup/SK\", nomor = \"ISI: nomor\", tahun = 2026, tentang = \"ISI: tentang\", url = \"ISI: tautan JDIH\" }]\n"
        }
        Jenis::ProgramKegiatan => {
            "program = [{ nama = \"ISI: nama program\", penanggung_jawab = \"ISI: penanggung jawab\", kontak = \"ISI: kontak\", target = \"ISI: target\", jadwal = \"ISI: jadwal\", anggaran = { sumber = \"APBD\", jumlah_rp = 0 } }]\n"
        }
        Jenis::Kinerja => {
            "tahun = 2025\ncapaian = [{ indikator = \"ISI: indikator\", target = \"ISI: target\", realisasi = \"ISI: realisasi\" }]\n"
        }
        Jenis::LaporanKeuangan => {
            "tahun = 2025\ndokumen = [{ judul = \"ISI: Laporan Realisasi Anggaran\", url = \"ISI: tautan\", tahun = 2025 }]\n"
        }
        Jenis::Pengadaan => {
            "sirup_url = \"https://sirup.lkpp.go.id\"\nlpse_url = \"ISI: tautan LPSE kabupaten\"\n"
        }
        Jenis::SiagaDarurat => {
            "peringatan_dini = [\"ISI: langkah peringatan dini\"]\nevakuasi = [\"ISI: langkah evakuasi\"]\nkantor = [{ nama = \"ISI: nama kantor\", titik_kumpul = \"ISI: titik kumpul\", jalur_evakuasi = \"ISI: jalur evakuasi\" }]\n"
        }
        Jenis::Berita => "penulis = \"ISI: nama penulis\"\n",
        Jenis::KebijakanPrivasi => {
            "dasar_pemrosesan = \"ISI: dasar pemrosesan\"\ntujuan = \"ISI: tujuan\"\njenis_data = [\"ISI: jenis data\"]\nretensi = \"ISI: masa retensi\"\nrincian_data = \"ISI: rincian data\"\njangka_waktu_pemrosesan = \"ISI: jangka waktu\"\nhak_subjek = [\"ISI: hak subjek data\"]\nkontak_pengendali = \"ISI: kontak pengendali data\"\n"
        }
        Jenis::PernyataanAksesibilitas => {
            "standar = \"WCAG 2.1 tingkat AA\"\nkontak = \"ISI: kontak untuk kendala aksesibilitas\"\n"
        }
    }
}

/// A new page of kind `jenis`.
pub fn page_text(jenis: Jenis, title: &str) -> String {
    let jenis_line = match jenis {
        Jenis::Halaman | Jenis::Bagian => String::new(),
        j => format!("jenis = \"{}\"\n", j.as_str()),
    };
    let section = if jenis == Jenis::Bagian {
        "sort_by = \"weight\"\n"
    } else {
        ""
    };
    format!(
        "+++\ntitle = \"{title}\"\ndescription = \"ISI: satu kalimat ringkasan halaman ini\"\n{jenis_line}{section}{fields}+++\n\nISI: tulis isi halaman {label} di sini.\n",
        fields = kind_fields(jenis),
        label = jenis.label(),
    )
}

/// Scaffolds `sites/<slug>/` with every required page.
pub fn new_site(root: &Path, slug: &str, domain: &str) -> Result<Vec<PathBuf>, Error> {
    Subdomain::parse(slug)
        .map_err(|m| Error::Usage(crate::text::Localize::text(&m, crate::Lang::En)))?;
    let dir = root.join("sites").join(slug);
    if dir.exists() {
        return Err(Error::Exists(dir));
    }
    let mut written = Vec::new();
    let site_toml_path = dir.join("site.toml");
    write_new(&site_toml_path, &site_toml(slug, domain))?;
    written.push(site_toml_path);
    for (rel, jenis, title) in SITE_PAGES {
        let path = dir.join("content").join(rel);
        write_new(&path, &page_text(*jenis, title))?;
        written.push(path);
    }
    let keep = dir.join("static/.gitkeep");
    write_new(&keep, "")?;
    Ok(written)
}

/// Scaffolds one page of kind `jenis` at `sites/<slug>/content/<path>`.
pub fn new_page(root: &Path, slug: &str, jenis: Jenis, path: &str) -> Result<PathBuf, Error> {
    let site = root.join("sites").join(slug);
    if !site.join("site.toml").is_file() {
        return Err(Error::UnknownSite(slug.to_string()));
    }
    let rel = Path::new(path);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(Error::Usage(format!(
            "{path}: the path must stay below content/"
        )));
    }
    let mut rel = rel.to_path_buf();
    if rel.extension().is_none() {
        rel.set_extension("md");
    }
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = if stem == "_index" {
        jenis.label().to_string()
    } else {
        format!("ISI: judul {}", jenis.label())
    };
    let full = site.join("content").join(&rel);
    write_new(&full, &page_text(jenis, &title))?;
    Ok(full)
}

fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    if path.exists() {
        return Err(Error::Exists(path.to_path_buf()));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{front_matter, kinds};

    #[test]
    fn every_scaffolded_page_parses_under_its_kind() {
        for jenis in Jenis::ALL {
            let text = page_text(*jenis, "Judul");
            let split = front_matter::split(&text).expect("split");
            let parsed = kinds::parse(*jenis, &text, &split);
            assert!(parsed.is_ok(), "{}: {:?}", jenis.as_str(), parsed.err());
        }
    }

    #[test]
    fn scaffolded_site_toml_parses() {
        let text = site_toml("dinkes", "cianjurkab.go.id");
        crate::registry::parse_site_toml(&text, Path::new("site.toml")).expect("site.toml");
    }

    #[test]
    fn every_profile_writes_a_valid_laman_toml() {
        for p in Profile::ALL {
            let text = regency_toml(p);
            let cfg = crate::config::parse(&text, Path::new("laman.toml")).expect("laman.toml");
            assert_eq!(cfg.region.profile, p);
            assert_eq!(cfg.region.domain, p.info().domain);
        }
    }
}
