//! `laman init` and `laman new`: starting files for a regency, an agency
//! site and a single page. Every value an editor must replace starts with
//! `ISI:` so that it is easy to find (and, later, flagged by `laman check`).
//! Files are never overwritten.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::config::RegencyConfig;
use crate::content::kinds::Kind;
use crate::error::Error;
use crate::profile::Profile;
use crate::registry::Subdomain;

/// A comment line citing `article`, or saying that the regulation of
/// `profile` has none (and what laman asks for anyway).
fn cite(article: Option<&str>, otherwise: &str) -> String {
    match article {
        Some(a) => format!("# Dasar: {a}."),
        None => format!("# Regulasi daerah ini tidak mengaturnya; {otherwise}."),
    }
}

/// The laman.toml that `laman init --profile <p>` writes: every section the
/// profile's rules and `laman publish` need, each with the article that
/// asks for it. Values only Diskominfo knows are `ISI: …` placeholders
/// (ISIAN-001 until filled; while any is left, no site is published).
pub fn regency_toml(profile: Profile) -> String {
    let i = profile.info();
    let a = profile.articles();
    let name = match profile {
        Profile::Nasional => "ISI: nama kabupaten/kota, mis. Kabupaten Contoh".to_string(),
        _ => i.region_name.to_string(),
    };
    let profile_line = format!("profile = \"{}\"", i.code);
    let profile_line = format!("{profile_line:<28}");
    format!(
        r#"# {region} — konfigurasi laman (milik Diskominfo; editor tidak mengubahnya).
# Regulasi profil `{code}`: {regulation}.
# Ganti setiap nilai "ISI: …" dengan keterangan yang sebenarnya. Selama
# laman.toml masih berisi isian kosong, `laman check` melaporkannya
# (ISIAN-001) dan `laman publish` tidak menerbitkan situs mana pun.

[region]
# Dasar: {domain_article}.
name = "{name}"
domain = "{domain}"
{profile_line}# menentukan tingkat (galat/peringatan) dan pasal setiap aturan
portal = "https://{domain}"
utc_offset = "+07:00"       # WIB; +08:00 WITA, +09:00 WIT
contoh = false              # true: setiap halaman bertanda "Situs contoh — bukan informasi resmi"

[security]
# /.well-known/security.txt setiap situs (RFC 9116): kontak CSIRT/Diskominfo
# untuk laporan kerentanan.
{security}
contact = ["ISI: mailto:csirt@diskominfo.{domain}"]
expires_days = 180
preferred_languages = "id, en"

[build]
paginate_by = 10
feed_limit = 20

[hosting]
# Alamat server Pusat Data yang dituju setiap subdomain (`laman conformance`
# memeriksanya, DNS001).
{hosting}
ipv4 = ["ISI: alamat IPv4 server Pusat Data, mis. 203.0.113.10"]
ipv6 = []                   # alamat IPv6 Pusat Data, bila ada
caa_issuers = ["letsencrypt.org"]

[allow]
# Pengecualian batas kepercayaan editor (docs/security.md): bawaannya tidak
# ada. Host iframe yang diizinkan, situs dengan templat atau skrip sendiri.
iframe_hosts = []
template_overrides = []
static_scripts = []

[publish]
# `laman publish` menerbitkan hanya situs tanpa galat; situs dengan galat
# mempertahankan versi yang sedang tayang (docs/publish.md).
{publish}
target = "lokal"

[publish.targets.lokal]
kind = "dir"
path = "deploy"             # folder rilis yang dilayani `laman host --root deploy`
keep = 5

# Cadangan terverifikasi setiap rilis (arsip + SHA-256, dibaca ulang);
# OPS-001 membacanya dari publish.log, bukan dari site.toml [backup].
{backup}
# [[publish.backup]]
# name = "cadangan"
# path = "/mnt/cadangan"      # disk/share yang sudah terpasang (laman tidak membuatnya)
# place = "{place}"

# Aturan dengan tingkat khusus daerah ini, dengan dasar hukumnya:
# [rules.override.ID-ATURAN]
# severity = "error"
# reason = "Surat Edaran Bupati Nomor …"

# Daftar SK penetapan subdomain (docs/decree.md): setiap situs menunjuk
# nomornya di site.toml [penetapan_subdomain] nomor_sk.
# [[decree]]
# number = "500/112/Kep/Diskominfo/2026"
# date = 2026-03-12
# issuer = "Kepala Dinas Komunikasi dan Informatika"
# subdomains = ["dinkes", "lpse"]
# until = 2031-03-12          # bila SK punya masa berlaku

# Subdomain terdaftar yang bukan situs Perangkat Daerah (aplikasi, layanan):
# [[subdomain]]
# name = "lpse"
# jenis = "aplikasi"
# decree = "500/112/Kep/Diskominfo/2026"
"#,
        region = i.region_name,
        regulation = i.regulation,
        domain_article = a.domain,
        domain = i.domain,
        code = i.code,
        profile_line = profile_line,
        security = cite(
            a.security,
            "security.txt dianjurkan RFC 9116 (teknis, bukan dasar hukum)"
        ),
        hosting = cite(a.hosting, "kebijakan Diskominfo (tanpa dasar daerah)"),
        publish = cite(a.publish, "kebijakan Diskominfo"),
        backup = cite(a.backup, "kebijakan Diskominfo"),
        place = match profile {
            Profile::Purwakarta => "pusat-data",
            _ => "off-site",
        },
    )
}

/// The `.gitignore` of a new project: what laman writes beside the sources
/// (the output and its staging, spare and lock; `.laman/`: the render
/// memo, the history and the test evidence; releases; reports), so that a
/// regency that keeps its project in git sees only what people wrote.
pub const GITIGNORE: &str = "\
# Ditulis oleh laman, bukan oleh orang: jangan dimasukkan ke git.
# Written by laman, not by people: keep it out of git.
/public/
/.public.*
/.laman/
/deploy/
/laporan/
";

/// Writes `<root>/laman.toml` for `profile`, and a `.gitignore` unless
/// the folder has one (it is left as it is).
pub fn init(root: &Path, profile: Profile) -> Result<Vec<PathBuf>, Error> {
    let path = root.join(crate::config::FILE_NAME);
    write_new(&path, &regency_toml(profile))?;
    let mut made = vec![path];
    let ignore = root.join(".gitignore");
    // Anything there, a dangling symbolic link included, is the folder's own.
    if ignore.symlink_metadata().is_err() {
        write_new(&ignore, GITIGNORE)?;
        made.push(ignore);
    }
    Ok(made)
}

/// What marks a value to fill in every scaffold (`ISI: nama layanan`);
/// `laman check` reports each one left (`ISIAN-001`).
pub const PLACEHOLDER: &str = "ISI: ";

/// The pages a new site starts with: (path below content/, kind, title).
pub const SITE_PAGES: &[(&str, Kind, &str)] = &[
    ("_index.md", Kind::Beranda, "Beranda"),
    ("profil.md", Kind::Profil, "Profil"),
    ("visi-misi.md", Kind::VisiMisi, "Visi dan Misi"),
    ("tugas-fungsi.md", Kind::TugasFungsi, "Tugas dan Fungsi"),
    (
        "struktur-organisasi.md",
        Kind::StrukturOrganisasi,
        "Struktur Organisasi",
    ),
    ("pejabat.md", Kind::PejabatPage, "Profil Pejabat"),
    ("kontak.md", Kind::Kontak, "Kontak"),
    ("layanan/_index.md", Kind::Bagian, "Layanan"),
    (
        "layanan/contoh-layanan.md",
        Kind::StandarPelayanan,
        "ISI: nama layanan",
    ),
    (
        "maklumat-pelayanan.md",
        Kind::MaklumatPelayanan,
        "Maklumat Pelayanan",
    ),
    ("pengaduan.md", Kind::Pengaduan, "Pengaduan"),
    ("ppid/_index.md", Kind::Ppid, "PPID"),
    (
        "ppid/informasi-berkala.md",
        Kind::InformasiBerkala,
        "Informasi Berkala",
    ),
    (
        "ppid/daftar-informasi-publik.md",
        Kind::DaftarInformasiPublik,
        "Daftar Informasi Publik",
    ),
    (
        "ppid/informasi-serta-merta.md",
        Kind::InformasiSertaMerta,
        "Informasi Serta Merta",
    ),
    (
        "ppid/informasi-setiap-saat.md",
        Kind::InformasiSetiapSaat,
        "Informasi Setiap Saat",
    ),
    (
        "ppid/laporan-layanan-informasi.md",
        Kind::LaporanLayananInformasi,
        "Laporan Layanan Informasi",
    ),
    ("produk-hukum.md", Kind::ProdukHukum, "Produk Hukum"),
    (
        "program-kegiatan.md",
        Kind::ProgramKegiatan,
        "Program dan Kegiatan",
    ),
    ("kinerja.md", Kind::Kinerja, "Kinerja"),
    (
        "laporan-keuangan.md",
        Kind::LaporanKeuangan,
        "Laporan Keuangan",
    ),
    ("pengadaan.md", Kind::Pengadaan, "Pengadaan Barang dan Jasa"),
    ("siaga-darurat.md", Kind::SiagaDarurat, "Siaga Darurat"),
    (
        "kebijakan-privasi.md",
        Kind::KebijakanPrivasi,
        "Kebijakan Privasi",
    ),
    (
        "pernyataan-aksesibilitas.md",
        Kind::PernyataanAksesibilitas,
        "Pernyataan Aksesibilitas",
    ),
    ("berita/_index.md", Kind::Bagian, "Berita"),
    // A first news item, so that the site is not stale from day one (MUTAKHIR-003).
    (
        "berita/situs-baru.md",
        Kind::Berita,
        "ISI: judul berita pertama",
    ),
];

/// site.toml of a new site: every section the rules ask for under any
/// profile (each citing the article of `profile`), dates `today`, facts
/// only the agency knows as `ISI: …`.
pub fn site_toml(slug: &str, domain: &str, profile: Profile, today: NaiveDate) -> String {
    let a = profile.articles();
    format!(
        r#"# Situs {slug}.{domain}. Ganti setiap nilai "ISI: …" dengan keterangan
# yang sebenarnya; `laman check {slug}` menyebut yang belum diisi.
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
{manager}
unit = "ISI: unit pengelola situs"
email = "ISI: e-mail pengelola"
sop_pengelolaan = "ISI: tautan atau nomor SOP pengelolaan situs"
tanggal_review = {today}     # tanggal SOP terakhir ditinjau (paling lama setahun sekali)

[penetapan_subdomain]
{decree}
nomor_sk = "ISI: nomor SK penetapan subdomain"
# tanggal = TTTT-BB-HH    # tanggal SK, bila diketahui

[hosting]
{hosting}
penyedia = "diskominfo"     # server di Pusat Data Diskominfo

[backup]
{backup}
tujuan = "ISI: tempat cadangan, mis. server cadangan Pusat Data Diskominfo"
terakhir = {today}          # tanggal cadangan terakhir (paling lama 30 hari)

[sla]
{sla}
ketersediaan = "ISI: ketersediaan yang dijanjikan, mis. 99,5%"
kontak = "ISI: kontak layanan TIK Diskominfo"

[repositori]
{repository}
url = "ISI: tautan repositori kode situs di Diskominfo"

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
"#,
        manager = cite(a.manager, "SOP dan pengelola dianjurkan (OPS-004)"),
        decree = cite(a.decree, "SK penetapan subdomain dianjurkan (DOMAIN-003)"),
        hosting = cite(a.hosting, "kebijakan Diskominfo (DOMAIN-006)"),
        backup = cite(a.backup, "cadangan dianjurkan (OPS-001)"),
        sla = cite(a.sla, "perjanjian tingkat layanan dianjurkan (SITUS-001)"),
        repository = cite(a.repository, "repositori kode dianjurkan (OPS-005)"),
    )
}

/// The kind-specific front-matter lines of a new page of kind `jenis`;
/// dates are `today`, years the current one (or the last, for reports of a
/// finished year).
fn kind_fields(jenis: Kind, today: NaiveDate) -> String {
    let year = today.year();
    let last = year - 1;
    match jenis {
        Kind::Halaman | Kind::Bagian | Kind::Kontak => String::new(),
        Kind::Beranda => {
            "sambutan = \"ISI: sambutan kepala Perangkat Daerah\"\nsorotan = [{ judul = \"Layanan\", url = \"@/layanan/_index.md\", keterangan = \"ISI: keterangan\" }]\n".into()
        }
        Kind::Profil => {
            "nama_resmi = \"ISI: nama resmi\"\nkedudukan = \"ISI: dasar pembentukan (Perda tentang Perangkat Daerah)\"\nalamat = \"ISI: alamat lengkap\"\nruang_lingkup = \"ISI: ruang lingkup kegiatan\"\nmaksud_tujuan = \"ISI: maksud dan tujuan\"\nunit_kerja = [{ nama = \"ISI: nama unit\", gambaran_umum = \"ISI: gambaran umum\" }]\n".into()
        }
        Kind::VisiMisi => format!(
            "visi = \"ISI: visi\"\nmisi = [\"ISI: misi pertama\"]\nsumber = \"ISI: RPJMD / Renstra dan periodenya\"\nperiode_akhir = {}-12-31    # akhir periode RPJMD/Renstra: ganti bila lain\n",
            year + 4
        ),
        Kind::TugasFungsi => {
            "tugas = \"ISI: tugas pokok\"\nfungsi = [\"ISI: fungsi\"]\ndasar_hukum = [\"ISI: Peraturan Bupati tentang kedudukan, susunan organisasi, tugas dan fungsi\"]\n".into()
        }
        Kind::StrukturOrganisasi => {
            "unit = [{ nama = \"ISI: nama unit\", gambaran_umum = \"ISI: gambaran umum\", kepala = \"ISI: nama kepala\" }]\n".into()
        }
        Kind::PejabatPage => {
            "pejabat = [{ nama = \"ISI: nama\", jabatan = \"ISI: jabatan\", profil_singkat = \"ISI: profil singkat\", lhkpn_url = \"https://elhkpn.kpk.go.id/portal/user/check_public\" }]\n".into()
        }
        Kind::StandarPelayanan => format!(
            "persyaratan = [\"ISI: persyaratan\"]\nprosedur = [\"ISI: langkah pertama\"]\njangka_waktu = {{ nilai = 1, satuan = \"hari kerja\" }}\nbiaya_rp = 0\nproduk = \"ISI: produk pelayanan\"\npengaduan = [\"lapor\", \"telepon\"]\ndasar_hukum = [\"ISI: dasar hukum\"]\nsarana_prasarana = \"ISI: sarana dan prasarana\"\nkompetensi_pelaksana = \"ISI: kompetensi pelaksana\"\npengawasan_internal = \"ISI: pengawasan internal\"\njumlah_pelaksana = 1\njaminan_pelayanan = \"ISI: jaminan pelayanan\"\njaminan_keamanan = \"ISI: jaminan keamanan dan keselamatan\"\nevaluasi_kinerja = \"ISI: evaluasi kinerja pelaksana\"\npenetapan = {{ nomor = \"ISI: nomor keputusan\", tanggal = {today} }}\nditinjau = {today}\n"
        ),
        Kind::MaklumatPelayanan => format!(
            "teks = \"ISI: Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan yang telah ditetapkan dan apabila tidak menepati janji ini, kami siap menerima sanksi sesuai peraturan perundang-undangan yang berlaku.\"\npenandatangan = \"ISI: nama dan jabatan kepala Perangkat Daerah\"\ntanggal = {today}\n"
        ),
        Kind::Pengaduan => {
            "pengelola = \"ISI: unit pengelola pengaduan\"\nprosedur = [\"ISI: langkah pertama\"]\nwaktu_respon = \"ISI: paling lambat 5 hari kerja\"\nwbs_url = \"ISI: tautan whistleblowing system (WBS) kabupaten\"\n".into()
        }
        Kind::Ppid => {
            "tata_cara_permohonan = [\"ISI: langkah permohonan\"]\ntata_cara_keberatan = [\"ISI: langkah keberatan\"]\npenyelesaian_sengketa = \"ISI: penyelesaian sengketa melalui Komisi Informasi\"\nwaktu_layanan = \"10 hari kerja, dapat diperpanjang 7 hari kerja\"\nbiaya = \"Tidak dipungut biaya\"\n".into()
        }
        Kind::DaftarInformasiPublik => {
            "informasi = [{ ringkasan = \"ISI: ringkasan informasi\", penguasa = \"ISI: pejabat/unit\", penanggung_jawab = \"ISI: penanggung jawab\", waktu_tempat = \"ISI: waktu dan tempat\", bentuk = \"softcopy\", retensi = \"ISI: jangka waktu penyimpanan\", kategori = \"berkala\" }]\n".into()
        }
        Kind::InformasiBerkala => {
            // One entry per category the rules ask for (PPID-003), each
            // linking to the scaffold's page that holds it.
            let entries: Vec<String> = BERKALA
                .iter()
                .map(|(kategori, judul, tautan)| {
                    format!(
                        "  {{ kategori = \"{kategori}\", judul = \"{judul}\", tautan = \"{tautan}\", tanggal_mutakhir = {today} }},\n"
                    )
                })
                .collect();
            format!("entri = [\n{}]\n", entries.concat())
        }
        Kind::InformasiSertaMerta => "informasi = []\n".into(),
        Kind::InformasiSetiapSaat => {
            "dokumen = [{ judul = \"ISI: judul dokumen\", url = \"ISI: tautan\", ringkasan = \"ISI: ringkasan\" }]\n".into()
        }
        Kind::LaporanLayananInformasi => format!(
            "tahun = {last}\njumlah_permohonan = 0\nwaktu_rata2 = \"ISI: rata-rata waktu\"\ndikabulkan = 0\nditolak = 0\nalasan_penolakan = []\ndokumen = \"ISI: tautan laporan lengkap\"\n"
        ),
        Kind::ProdukHukum => format!(
            "dokumen = [{{ jenis = \"ISI: Perda/Perbup/SK\", nomor = \"ISI: nomor\", tahun = {year}, tentang = \"ISI: tentang\", url = \"ISI: tautan JDIH\" }}]\n"
        ),
        Kind::ProgramKegiatan => {
            "program = [{ nama = \"ISI: nama program\", penanggung_jawab = \"ISI: penanggung jawab\", kontak = \"ISI: kontak\", target = \"ISI: target\", jadwal = \"ISI: jadwal\", anggaran = { sumber = \"APBD\", jumlah_rp = 0 } }]\n".into()
        }
        Kind::Kinerja => format!(
            "tahun = {last}\ncapaian = [{{ indikator = \"ISI: indikator\", target = \"ISI: target\", realisasi = \"ISI: realisasi\" }}]\n"
        ),
        Kind::LaporanKeuangan => format!(
            "tahun = {last}\ndokumen = [{{ judul = \"ISI: Laporan Realisasi Anggaran\", url = \"ISI: tautan\", tahun = {last} }}]\n"
        ),
        Kind::Pengadaan => {
            "sirup_url = \"https://sirup.lkpp.go.id\"\nlpse_url = \"ISI: tautan LPSE kabupaten\"\n".into()
        }
        Kind::SiagaDarurat => {
            "peringatan_dini = [\"ISI: langkah peringatan dini\"]\nevakuasi = [\"ISI: langkah evakuasi\"]\nkantor = [{ nama = \"ISI: nama kantor\", titik_kumpul = \"ISI: titik kumpul\", jalur_evakuasi = \"ISI: jalur evakuasi\" }]\n".into()
        }
        Kind::Berita => "penulis = \"ISI: nama penulis\"\n".into(),
        Kind::KebijakanPrivasi => {
            "dasar_pemrosesan = \"ISI: dasar pemrosesan\"\ntujuan = \"ISI: tujuan\"\njenis_data = [\"ISI: jenis data\"]\nretensi = \"ISI: masa retensi\"\nrincian_data = \"ISI: rincian data\"\njangka_waktu_pemrosesan = \"ISI: jangka waktu\"\nhak_subjek = [\"ISI: hak subjek data\"]\nkontak_pengendali = \"ISI: kontak pengendali data\"\n".into()
        }
        Kind::PernyataanAksesibilitas => {
            "standar = \"WCAG 2.1 tingkat AA\"\nkontak = \"ISI: kontak untuk kendala aksesibilitas\"\n".into()
        }
    }
}

/// The categories of the informasi-berkala page (PPID-003): category,
/// title, and the scaffold page it links to.
const BERKALA: &[(&str, &str, &str)] = &[
    ("profil", "Profil", "@/profil.md"),
    ("program", "Program dan Kegiatan", "@/program-kegiatan.md"),
    ("kinerja", "Kinerja", "@/kinerja.md"),
    ("keuangan", "Laporan Keuangan", "@/laporan-keuangan.md"),
    (
        "akses_informasi",
        "Laporan Layanan Informasi",
        "@/ppid/laporan-layanan-informasi.md",
    ),
    ("regulasi", "Produk Hukum", "@/produk-hukum.md"),
    (
        "tata_cara_informasi",
        "Tata Cara Memperoleh Informasi",
        "@/ppid/_index.md",
    ),
    ("pengaduan_wewenang", "Pengaduan", "@/pengaduan.md"),
    ("pengadaan", "Pengadaan Barang dan Jasa", "@/pengadaan.md"),
    ("siaga_darurat", "Siaga Darurat", "@/siaga-darurat.md"),
];

/// A new page of kind `jenis`, last updated `today`.
pub fn page_text(jenis: Kind, title: &str, today: NaiveDate) -> String {
    let jenis_line = match jenis {
        Kind::Halaman | Kind::Bagian => String::new(),
        j => format!("jenis = \"{}\"\n", j.as_str()),
    };
    let section = if jenis == Kind::Bagian {
        "sort_by = \"weight\"\n"
    } else {
        ""
    };
    let date = if jenis == Kind::Berita {
        format!("date = {today}\n")
    } else {
        String::new()
    };
    format!(
        "+++\ntitle = \"{title}\"\ndescription = \"ISI: satu kalimat ringkasan halaman ini\"\n{date}updated = {today}\n{jenis_line}{section}{fields}+++\n\nISI: tulis isi halaman {label} di sini.\n",
        fields = kind_fields(jenis, today),
        label = jenis.label(),
    )
}

/// Scaffolds `sites/<slug>/` with every required page, for the regency of
/// `config`, dated `today`.
pub fn new_site(
    root: &Path,
    slug: &str,
    config: &RegencyConfig,
    today: NaiveDate,
) -> Result<Vec<PathBuf>, Error> {
    Subdomain::parse(slug).map_err(|m| Error::SiteName(Box::new(m)))?;
    let dir = root.join("sites").join(slug);
    if dir.exists() {
        return Err(Error::Exists(dir));
    }
    let mut written = Vec::new();
    let site_toml_path = dir.join("site.toml");
    let toml = site_toml(slug, &config.region.domain, config.region.profile, today);
    write_new(&site_toml_path, &toml)?;
    written.push(site_toml_path);
    for (rel, jenis, title) in SITE_PAGES {
        let path = dir.join("content").join(rel);
        write_new(&path, &page_text(*jenis, title, today))?;
        written.push(path);
    }
    let keep = dir.join("static/.gitkeep");
    write_new(&keep, "")?;
    Ok(written)
}

/// Scaffolds one page of kind `jenis` at `sites/<slug>/content/<path>`,
/// dated `today`.
pub fn new_page(
    root: &Path,
    slug: &str,
    jenis: Kind,
    path: &str,
    today: NaiveDate,
) -> Result<PathBuf, Error> {
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
        return Err(Error::PagePath(path.to_string()));
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
    // The site folder is the editors': a folder on the way that is a
    // symbolic link (or `content/` itself) could lead the new page out.
    let folders = rel.parent().into_iter().flat_map(Path::components);
    let parts = std::iter::once(std::path::Component::Normal("content".as_ref())).chain(folders);
    if crate::trust::paths::leads_out(&site, parts, &mut Default::default()) {
        return Err(Error::PagePath(path.to_string()));
    }
    let full = site.join("content").join(&rel);
    write_new(&full, &page_text(jenis, &title, today))?;
    Ok(full)
}

/// Writes a new file; anything already at `path`, a dangling symbolic link
/// included, is `Exists` and is never written through (`create_new`).
fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    use std::io::Write as _;
    let exists = || Error::Exists(path.to_path_buf());
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => exists(),
            _ => Error::io(path, e),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{front_matter, kinds};

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, 4).expect("date")
    }

    /// An editor controls `sites/<slug>/`: a symbolic link planted at the
    /// new page's path, on a folder of its way or as `content/` itself,
    /// or a dangling `.gitignore` link, never makes laman write outside.
    #[test]
    fn a_planted_symbolic_link_never_leads_a_scaffold_out() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tmp");
        let (root, outside) = (dir.path().join("proyek"), dir.path().join("luar"));
        std::fs::create_dir_all(&outside).expect("outside");
        std::fs::create_dir_all(&root).expect("root");
        symlink(outside.join("abaikan"), root.join(".gitignore")).expect("link");
        let made = init(&root, Profile::Cianjur).expect("init");
        assert_eq!(made, [root.join("laman.toml")]);
        let config = crate::config::load(&root).expect("laman.toml");
        new_site(&root, "dinkes", &config, day()).expect("new site");
        let content = root.join("sites/dinkes/content");

        symlink(outside.join("tanam.md"), content.join("tanam.md")).expect("link");
        assert!(matches!(
            new_page(&root, "dinkes", Kind::Halaman, "tanam", day()),
            Err(Error::Exists(_))
        ));
        symlink(&outside, content.join("tanaman")).expect("link");
        assert!(matches!(
            new_page(&root, "dinkes", Kind::Halaman, "tanaman/sip", day()),
            Err(Error::PagePath(_))
        ));
        std::fs::rename(&content, root.join("sites/dinkes/isi")).expect("move");
        symlink(&outside, &content).expect("link");
        assert!(matches!(
            new_page(&root, "dinkes", Kind::Halaman, "baru", day()),
            Err(Error::PagePath(_))
        ));
        let left: Vec<_> = std::fs::read_dir(&outside).expect("outside").collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn every_scaffolded_page_parses_under_its_kind() {
        for jenis in Kind::ALL {
            let text = page_text(*jenis, "Judul", day());
            let split = front_matter::split(&text).expect("split");
            let parsed = kinds::parse(*jenis, &text, &split);
            assert!(parsed.is_ok(), "{}: {:?}", jenis.as_str(), parsed.err());
        }
    }

    #[test]
    fn scaffolded_site_toml_parses() {
        for p in Profile::ALL {
            let text = site_toml("dinkes", p.info().domain, p, day());
            crate::registry::parse_site_toml(&text, Path::new("site.toml")).expect("site.toml");
        }
    }

    #[test]
    fn every_section_cites_the_profile_s_own_regulation_or_says_it_has_none() {
        for p in Profile::ALL {
            let text = regency_toml(p);
            for section in ["[region]", "[security]", "[hosting]", "[publish]"] {
                let after = &text[text.find(section).expect(section)..];
                let comment: String = after
                    .lines()
                    .skip(1)
                    .take_while(|l| l.starts_with('#'))
                    .collect();
                assert!(
                    comment.contains("Dasar: ") || comment.contains("tidak mengaturnya"),
                    "{p:?} {section}: {comment}"
                );
            }
        }
        let pwk = regency_toml(Profile::Purwakarta);
        assert!(pwk.contains("Pasal 19 ayat (2)"), "{pwk}");
        assert!(pwk.contains("Perda tidak menyebut nama domainnya"), "{pwk}");
        // Another regency's article is never borrowed.
        assert!(!regency_toml(Profile::Bogor).contains("Pasal 15 ayat (6)"));
        let lpk = site_toml(
            "dinkes",
            "limapuluhkotakab.go.id",
            Profile::Limapuluhkota,
            day(),
        );
        assert!(lpk.contains("Pasal 8 ayat (2) huruf a"), "{lpk}");
        let cjr = site_toml("dinkes", "cianjurkab.go.id", Profile::Cianjur, day());
        assert!(!cjr.contains("Pasal 8 ayat (2) huruf a"), "{cjr}");
    }

    #[test]
    fn a_scaffold_is_dated_the_day_it_is_made() {
        let d = NaiveDate::from_ymd_opt(2031, 7, 9).expect("date");
        let page = page_text(Kind::InformasiBerkala, "Informasi Berkala", d);
        assert!(page.contains("updated = 2031-07-09\n"), "{page}");
        assert_eq!(page.matches("tanggal_mutakhir = 2031-07-09").count(), 10);
        let report = page_text(Kind::LaporanLayananInformasi, "Laporan", d);
        assert!(report.contains("tahun = 2030\n"), "{report}");
        let toml = site_toml("dinkes", "bogorkab.go.id", Profile::Bogor, d);
        assert!(toml.contains("terakhir = 2031-07-09"), "{toml}");
        assert!(!toml.contains("2026"), "{toml}");
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
