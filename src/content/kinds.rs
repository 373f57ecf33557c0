//! Page kinds (`jenis`) and their typed schemas.
//!
//! Every kind of ../spec/content-rules.toml `model_sumber.jenis_halaman` has a
//! struct whose fields are the legal terms (`persyaratan`, `biaya_rp`, …).
//! Front matter is deserialized straight into a struct that holds the
//! generic keys *and* the kind's fields with `deny_unknown_fields`, so an
//! unknown key or a wrong type is reported at its own line and column.
//!
//! Top-level fields of a kind are optional here: a page missing a required
//! field still builds, and the rules engine reports the gap with its rule ID
//! and legal basis. Entries inside lists (an official, a document) must be
//! well formed: an entry without a name is malformed, not incomplete.

use serde::{Deserialize, Serialize};

use crate::content::date::PageDate;
use crate::content::front_matter::{self, Located, Split};

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// Newest first.
    Date,
    /// Smallest weight first.
    Weight,
    /// Alphabetical.
    Title,
}

/// The generic keys every page may carry (Zola/Hugo names).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Common {
    /// Page title (default: from the file name).
    pub title: Option<String>,
    /// One-sentence summary for lists, search and `<meta name=description>`.
    pub description: Option<String>,
    /// Publication date.
    pub date: Option<PageDate>,
    /// Date of the last substantive review.
    pub updated: Option<PageDate>,
    /// Left out of the build unless `--drafts`.
    pub draft: bool,
    /// Order in lists (smaller first).
    pub weight: Option<i64>,
    /// Template to render with instead of the kind's own.
    pub template: Option<String>,
    /// Old paths that redirect here.
    pub aliases: Vec<String>,
    /// Section only: how to order pages (default: weight when every page has one, else date).
    pub sort_by: Option<SortBy>,
    /// Section only: pages per list page (default from laman.toml, 0 = all on one).
    pub paginate_by: Option<usize>,
    /// Urgent information (META-001).
    pub darurat: bool,
    /// Free-form data for custom templates.
    pub extra: Option<serde_json::Value>,
}

/// An image with its text alternative.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Gambar {
    /// Path or URL of the image.
    pub src: String,
    /// Text alternative (required for accessibility).
    #[serde(default)]
    pub alt: String,
}

/// A link with a label.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Tautan {
    /// Label.
    pub judul: String,
    /// Target: a URL or `@/path.md`.
    pub url: String,
    /// Optional short explanation.
    #[serde(default)]
    pub keterangan: Option<String>,
}

/// Unit of a service's completion time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Satuan {
    /// Minutes.
    #[serde(rename = "menit")]
    Menit,
    /// Hours.
    #[serde(rename = "jam")]
    Jam,
    /// Working days.
    #[serde(rename = "hari kerja")]
    HariKerja,
    /// Calendar days.
    #[serde(rename = "hari kalender")]
    HariKalender,
}

/// Completion time of a service.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JangkaWaktu {
    /// Amount.
    pub nilai: u32,
    /// Unit.
    pub satuan: Satuan,
}

/// A decree that sets something (number and date).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Penetapan {
    /// Decree number.
    pub nomor: String,
    /// Decree date.
    pub tanggal: PageDate,
}

/// An official.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pejabat {
    /// Name.
    pub nama: String,
    /// Position.
    pub jabatan: String,
    /// Short profile.
    #[serde(default)]
    pub profil_singkat: Option<String>,
    /// Link to the KPK e-LHKPN announcement.
    #[serde(default)]
    pub lhkpn_url: Option<String>,
    /// Photo.
    #[serde(default)]
    pub foto: Option<Gambar>,
}

/// An organisational unit.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    /// Name.
    pub nama: String,
    /// What the unit does.
    #[serde(default)]
    pub gambaran_umum: Option<String>,
    /// Head of the unit.
    #[serde(default)]
    pub kepala: Option<String>,
    /// Address (UPTD).
    #[serde(default)]
    pub alamat: Option<String>,
}

/// A periodic-information entry (UU 14/2008 Pasal 9).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EntriBerkala {
    /// Category (one of the ten of the spec).
    pub kategori: KategoriBerkala,
    /// Label.
    pub judul: String,
    /// Page (`@/…`) or document URL.
    pub tautan: String,
    /// Last update of the information.
    pub tanggal_mutakhir: PageDate,
    /// Date of the document itself.
    #[serde(default)]
    pub tanggal: Option<PageDate>,
}

/// The categories of periodic information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum KategoriBerkala {
    Profil,
    Program,
    Kinerja,
    Keuangan,
    AksesInformasi,
    Regulasi,
    TataCaraInformasi,
    PengaduanWewenang,
    Pengadaan,
    SiagaDarurat,
}

/// Category of a public-information row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub enum KategoriInformasi {
    Berkala,
    SertaMerta,
    SetiapSaat,
}

/// One row of the Daftar Informasi Publik.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BarisDip {
    /// Summary of the information.
    pub ringkasan: String,
    /// Official or unit that holds it.
    #[serde(default)]
    pub penguasa: Option<String>,
    /// Who is responsible for producing it.
    #[serde(default)]
    pub penanggung_jawab: Option<String>,
    /// When and where it was made.
    #[serde(default)]
    pub waktu_tempat: Option<String>,
    /// Form (softcopy/hardcopy).
    #[serde(default)]
    pub bentuk: Option<String>,
    /// Retention period.
    #[serde(default)]
    pub retensi: Option<String>,
    /// Category.
    pub kategori: KategoriInformasi,
    /// Link to the information.
    #[serde(default)]
    pub tautan: Option<String>,
    /// Exempt information: never published (PRIVASI-002).
    #[serde(default)]
    pub dikecualikan: bool,
}

/// A legal document.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DokumenHukum {
    /// Kind (Perda, Perbup, SK …).
    pub jenis: String,
    /// Number.
    pub nomor: String,
    /// Year.
    pub tahun: u16,
    /// Subject.
    pub tentang: String,
    /// Link (JDIH).
    #[serde(default)]
    pub url: Option<String>,
}

/// A document with a title.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Dokumen {
    /// Title.
    pub judul: String,
    /// Link.
    #[serde(default)]
    pub url: Option<String>,
    /// Year.
    #[serde(default)]
    pub tahun: Option<u16>,
    /// Date.
    #[serde(default)]
    pub tanggal: Option<PageDate>,
    /// HTML summary of the document (AKSES-002).
    #[serde(default)]
    pub ringkasan: Option<String>,
}

/// Budget of a programme.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Anggaran {
    /// Source of funds (APBD, DAK …).
    pub sumber: String,
    /// Amount in rupiah.
    pub jumlah_rp: u64,
}

/// A programme or activity.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Program {
    pub nama: String,
    #[serde(default)]
    pub penanggung_jawab: Option<String>,
    #[serde(default)]
    pub kontak: Option<String>,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub capaian: Option<String>,
    #[serde(default)]
    pub jadwal: Option<String>,
    #[serde(default)]
    pub anggaran: Option<Anggaran>,
}

/// A performance indicator.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Capaian {
    pub indikator: String,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub realisasi: Option<String>,
}

/// A number to call in an emergency (PSC 119, Damkar 113, the BPBD's own).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct NomorDarurat {
    pub nama: String,
    pub telepon: String,
}

/// An office's emergency arrangements.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct KantorSiaga {
    pub nama: String,
    #[serde(default)]
    pub titik_kumpul: Option<String>,
    #[serde(default)]
    pub jalur_evakuasi: Option<String>,
}

/// An urgent-information item.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct InfoSertaMerta {
    pub judul: String,
    pub tanggal: PageDate,
    #[serde(default)]
    pub ringkasan: Option<String>,
    #[serde(default)]
    pub tautan: Option<String>,
}

macro_rules! kinds {
    ( $( $variant:ident $jenis:literal $label:literal { $( $field:ident : $ty:ty ),* $(,)? } )* ) => {
        /// A page kind.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[allow(missing_docs)]
        pub enum Kind { $( #[serde(rename = $jenis)] $variant, )* }

        impl Kind {
            /// Every kind, in catalogue order.
            pub const ALL: &'static [Kind] = &[ $( Kind::$variant, )* ];

            /// The `jenis = "…"` value.
            pub fn as_str(self) -> &'static str {
                match self { $( Kind::$variant => $jenis, )* }
            }

            /// Human label in Indonesian.
            pub fn label(self) -> &'static str {
                match self { $( Kind::$variant => $label, )* }
            }

            /// The kind named `s`, if any.
            pub fn parse(s: &str) -> Option<Kind> {
                match s { $( $jenis => Some(Kind::$variant), )* _ => None }
            }
        }

        /// The fields of each kind, as editors wrote them.
        pub mod data {
            use super::*;
            $(
                #[doc = concat!("Fields of `jenis = \"", $jenis, "\"`.")]
                #[derive(Debug, Clone, Default, Serialize)]
                #[allow(missing_docs)]
                pub struct $variant { $( pub $field: $ty, )* }
            )*
        }

        mod raw {
            use super::*;
            $(
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                pub(super) struct $variant {
                    #[serde(default)] title: Option<String>,
                    #[serde(default)] description: Option<String>,
                    #[serde(default)] date: Option<PageDate>,
                    #[serde(default)] updated: Option<PageDate>,
                    #[serde(default)] draft: bool,
                    #[serde(default)] weight: Option<i64>,
                    #[serde(default)] template: Option<String>,
                    #[serde(default)] aliases: Vec<String>,
                    #[serde(default)] sort_by: Option<SortBy>,
                    #[serde(default)] paginate_by: Option<usize>,
                    #[serde(default)] darurat: bool,
                    #[serde(default)] extra: Option<serde_json::Value>,
                    #[serde(default)] #[allow(dead_code)] jenis: Option<String>,
                    $( #[serde(default)] $field: $ty, )*
                }

                impl $variant {
                    pub(super) fn split(self) -> (Common, KindData) {
                        (
                            Common {
                                title: self.title,
                                description: self.description,
                                date: self.date,
                                updated: self.updated,
                                draft: self.draft,
                                weight: self.weight,
                                template: self.template,
                                aliases: self.aliases,
                                sort_by: self.sort_by,
                                paginate_by: self.paginate_by,
                                darurat: self.darurat,
                                extra: self.extra,
                            },
                            KindData::$variant(Box::new(data::$variant { $( $field: self.$field, )* })),
                        )
                    }
                }
            )*
        }

        /// The kind-specific data of a page.
        // Boxed: the largest kind is 560 bytes inline, and a build holds one
        // per page (5 MiB at 10,000 pages; #14, peak memory).
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        #[allow(missing_docs)]
        pub enum KindData { $( $variant(Box<data::$variant>), )* }

        impl KindData {
            /// Data of kind `jenis` with every field empty (sections without `_index.md`).
            pub fn empty(jenis: Kind) -> KindData {
                match jenis { $( Kind::$variant => KindData::$variant(Box::default()), )* }
            }

            /// The kind this data belongs to.
            pub fn jenis(&self) -> Kind {
                match self { $( KindData::$variant(_) => Kind::$variant, )* }
            }
        }

        /// Deserializes front matter as kind `jenis`.
        pub fn parse(jenis: Kind, text: &str, split: &Split<'_>) -> Result<(Common, KindData), Located> {
            parse_read(jenis, text, split, split.read())
        }

        /// [`parse`] of a front matter already read.
        pub fn parse_read(jenis: Kind, text: &str, split: &Split<'_>, read: front_matter::Read<'_>) -> Result<(Common, KindData), Located> {
            match jenis {
                $( Kind::$variant => front_matter::parse_read::<raw::$variant>(text, split, read).map(raw::$variant::split), )*
            }
        }
    };
}

kinds! {
    Halaman "halaman" "Halaman" {}
    Bagian "bagian" "Bagian" {}
    Beranda "beranda" "Beranda" {
        sambutan: Option<String>,
        lambang: Option<Gambar>,
        sorotan: Vec<Tautan>,
    }
    Profil "profil" "Profil" {
        nama_resmi: Option<String>,
        kedudukan: Option<String>,
        alamat: Option<String>,
        ruang_lingkup: Option<String>,
        maksud_tujuan: Option<String>,
        unit_kerja: Vec<Unit>,
    }
    VisiMisi "visi-misi" "Visi dan Misi" {
        visi: Option<String>,
        misi: Vec<String>,
        sumber: Option<String>,
        periode_akhir: Option<PageDate>,
    }
    TugasFungsi "tugas-fungsi" "Tugas dan Fungsi" {
        tugas: Option<String>,
        fungsi: Vec<String>,
        dasar_hukum: Vec<String>,
    }
    StrukturOrganisasi "struktur-organisasi" "Struktur Organisasi" {
        unit: Vec<Unit>,
        bagan: Option<Gambar>,
    }
    PejabatPage "pejabat" "Profil Pejabat" {
        pejabat: Vec<Pejabat>,
    }
    Kontak "kontak" "Kontak" {
        peta_url: Option<String>,
    }
    StandarPelayanan "standar-pelayanan" "Standar Pelayanan" {
        persyaratan: Vec<String>,
        prosedur: Vec<String>,
        jangka_waktu: Option<JangkaWaktu>,
        biaya_rp: Option<u64>,
        produk: Option<String>,
        pengaduan: Vec<String>,
        dasar_hukum: Vec<String>,
        sarana_prasarana: Option<String>,
        kompetensi_pelaksana: Option<String>,
        pengawasan_internal: Option<String>,
        jumlah_pelaksana: Option<u32>,
        jaminan_pelayanan: Option<String>,
        jaminan_keamanan: Option<String>,
        evaluasi_kinerja: Option<String>,
        dasar_biaya: Option<String>,
        penetapan: Option<Penetapan>,
        ditinjau: Option<PageDate>,
        sippn_url: Option<String>,
        alur: Option<Gambar>,
        tempat: Option<String>,
        jam_layanan: Option<String>,
        daring_url: Option<String>,
        telepon: Option<String>,
    }
    MaklumatPelayanan "maklumat-pelayanan" "Maklumat Pelayanan" {
        teks: Option<String>,
        penandatangan: Option<String>,
        tanggal: Option<PageDate>,
        gambar: Option<Gambar>,
    }
    Pengaduan "pengaduan" "Pengaduan" {
        pengelola: Option<String>,
        prosedur: Vec<String>,
        waktu_respon: Option<String>,
        wbs_url: Option<String>,
    }
    Ppid "ppid" "PPID" {
        tata_cara_permohonan: Vec<String>,
        tata_cara_keberatan: Vec<String>,
        penyelesaian_sengketa: Option<String>,
        waktu_layanan: Option<String>,
        biaya: Option<String>,
    }
    DaftarInformasiPublik "daftar-informasi-publik" "Daftar Informasi Publik" {
        informasi: Vec<BarisDip>,
    }
    InformasiBerkala "informasi-berkala" "Informasi Berkala" {
        entri: Vec<EntriBerkala>,
    }
    InformasiSertaMerta "informasi-serta-merta" "Informasi Serta Merta" {
        informasi: Vec<InfoSertaMerta>,
    }
    InformasiSetiapSaat "informasi-setiap-saat" "Informasi Setiap Saat" {
        dokumen: Vec<Dokumen>,
    }
    LaporanLayananInformasi "laporan-layanan-informasi" "Laporan Layanan Informasi" {
        tahun: Option<u16>,
        jumlah_permohonan: Option<u32>,
        waktu_rata2: Option<String>,
        dikabulkan: Option<u32>,
        ditolak: Option<u32>,
        alasan_penolakan: Vec<String>,
        dokumen: Option<String>,
    }
    ProdukHukum "produk-hukum" "Produk Hukum" {
        dokumen: Vec<DokumenHukum>,
    }
    ProgramKegiatan "program-kegiatan" "Program dan Kegiatan" {
        program: Vec<Program>,
    }
    Kinerja "kinerja" "Kinerja" {
        tahun: Option<u16>,
        capaian: Vec<Capaian>,
        dokumen: Vec<Dokumen>,
    }
    LaporanKeuangan "laporan-keuangan" "Laporan Keuangan" {
        tahun: Option<u16>,
        dokumen: Vec<Dokumen>,
    }
    Pengadaan "pengadaan" "Pengadaan Barang dan Jasa" {
        sirup_url: Option<String>,
        lpse_url: Option<String>,
        pengumuman: Vec<Dokumen>,
    }
    SiagaDarurat "siaga-darurat" "Siaga Darurat" {
        peringatan_dini: Vec<String>,
        evakuasi: Vec<String>,
        kantor: Vec<KantorSiaga>,
        nomor_darurat: Vec<NomorDarurat>,
    }
    Berita "berita" "Berita" {
        penulis: Option<String>,
        gambar: Option<Gambar>,
    }
    KebijakanPrivasi "kebijakan-privasi" "Kebijakan Privasi" {
        dasar_pemrosesan: Option<String>,
        tujuan: Option<String>,
        jenis_data: Vec<String>,
        retensi: Option<String>,
        rincian_data: Option<String>,
        jangka_waktu_pemrosesan: Option<String>,
        hak_subjek: Vec<String>,
        kontak_pengendali: Option<String>,
    }
    PernyataanAksesibilitas "pernyataan-aksesibilitas" "Pernyataan Aksesibilitas" {
        standar: Option<String>,
        kontak: Option<String>,
        kendala_diketahui: Vec<String>,
    }
}

impl Kind {
    /// The kind most like `s` (for "did you mean"), by edit distance.
    pub fn suggest(s: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .map(|j| (strsim::levenshtein(s, j.as_str()), *j))
            .filter(|(d, _)| *d <= 3)
            .min_by_key(|(d, _)| *d)
            .map(|(_, j)| j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Message;

    fn parse_str(jenis: Kind, text: &str) -> Result<(Common, KindData), Located> {
        let s = front_matter::split(text).expect("split");
        parse(jenis, text, &s)
    }

    #[test]
    fn every_kind_round_trips_its_name() {
        for j in Kind::ALL {
            assert_eq!(Kind::parse(j.as_str()), Some(*j));
        }
        assert_eq!(Kind::ALL.len(), 27);
    }

    #[test]
    fn service_standard_fields_are_typed() {
        let text = "+++\njenis = \"standar-pelayanan\"\ntitle = \"KIR\"\npersyaratan = [\"KTP\"]\njangka_waktu = { nilai = 3, satuan = \"hari kerja\" }\nbiaya_rp = 0\n+++\n";
        let (c, d) = parse_str(Kind::StandarPelayanan, text).expect("ok");
        assert_eq!(c.title.as_deref(), Some("KIR"));
        let KindData::StandarPelayanan(sp) = d else {
            panic!("wrong kind")
        };
        assert_eq!(sp.persyaratan, vec!["KTP".to_string()]);
        assert_eq!(sp.biaya_rp, Some(0));
    }

    #[test]
    fn unknown_key_points_at_the_key() {
        let text = "+++\njenis = \"profil\"\nvisi = \"x\"\n+++\n";
        let e = parse_str(Kind::Profil, text).expect_err("unknown key");
        assert!(matches!(e.message, Message::UnknownKey { ref key, .. } if key == "visi"));
        assert_eq!(&text[e.offset..e.offset + 4], "visi");
    }

    #[test]
    fn wrong_unit_is_an_invalid_value() {
        let text = "+++\njangka_waktu = { nilai = 3, satuan = \"minggu\" }\n+++\n";
        let e = parse_str(Kind::StandarPelayanan, text).expect_err("bad unit");
        assert!(
            matches!(e.message, Message::InvalidValue { ref value, ref allowed, .. } if value == "minggu" && allowed.contains(&"hari kerja".to_string())),
            "{:?}",
            e.message
        );
    }

    #[test]
    fn suggests_the_nearest_kind() {
        assert_eq!(
            Kind::suggest("standar-layanan"),
            Some(Kind::StandarPelayanan)
        );
        assert_eq!(Kind::suggest("pengumuman-lelang"), None);
        assert_eq!(Kind::suggest("profile"), Some(Kind::Profil));
        assert_eq!(Kind::suggest("visi_misi"), Some(Kind::VisiMisi));
    }
}
