//! The words of every content rule finding, in Bahasa Indonesia and English.

use super::Localize;
use crate::diagnostic::{Lang, RuleFinding};

impl Localize for RuleFinding {
    fn text(&self, lang: Lang) -> String {
        text(self, lang)
    }
}

/// The text of a finding.
fn text(f: &RuleFinding, lang: Lang) -> String {
    use Lang::*;
    use RuleFinding::*;
    match (f, lang) {
        (MissingPage { kind }, Id) => format!("situs belum memiliki halaman jenis `{kind}`"),
        (MissingPage { kind }, En) => format!("the site has no page of kind `{kind}`"),
        (MissingField { field }, Id) => format!("`{field}` wajib diisi"),
        (MissingField { field }, En) => format!("`{field}` is required"),
        (MissingRecommended { fields }, Id) => format!("belum diisi: {}", ticks(fields)),
        (MissingRecommended { fields }, En) => format!("not filled in: {}", ticks(fields)),
        (
            Stale {
                field,
                date,
                days,
                limit,
            },
            Id,
        ) => {
            format!("`{field}` = {date} sudah {days} hari, melewati batas {limit} hari")
        }
        (
            Stale {
                field,
                date,
                days,
                limit,
            },
            En,
        ) => {
            format!("`{field}` = {date} is {days} days old, over the limit of {limit} days")
        }
        (FutureDate { field, date }, Id) => {
            format!("`{field}` = {date} lebih baru daripada tanggal hari ini")
        }
        (FutureDate { field, date }, En) => format!("`{field}` = {date} is after today"),
        (
            DateOrder {
                field,
                date,
                earlier_than,
            },
            Id,
        ) => {
            format!("`{field}` = {date} lebih awal daripada tanggal dokumen {earlier_than}")
        }
        (
            DateOrder {
                field,
                date,
                earlier_than,
            },
            En,
        ) => {
            format!("`{field}` = {date} is earlier than the document's date {earlier_than}")
        }
        (MissingCategory { category }, Id) => {
            format!("kategori informasi berkala `{category}` belum ada entrinya")
        }
        (MissingCategory { category }, En) => {
            format!("periodic-information category `{category}` has no entry")
        }
        (UnknownChannel { id }, Id) => {
            format!("kanal pengaduan `{id}` tidak didefinisikan di site.toml")
        }
        (UnknownChannel { id }, En) => {
            format!("complaint channel `{id}` is not defined in site.toml")
        }
        (NoLaporChannel, Id) => {
            "belum ada kanal pengaduan SP4N-LAPOR! (id = \"lapor\", url di lapor.go.id)".into()
        }
        (NoLaporChannel, En) => {
            "no SP4N-LAPOR! complaint channel (id = \"lapor\", url on lapor.go.id)".into()
        }
        (NoDirectChannel, Id) => "belum ada kanal pengaduan langsung milik PD selain LAPOR!".into(),
        (NoDirectChannel, En) => "no direct complaint channel of the agency besides LAPOR!".into(),
        (NotGoId { email }, Id) => format!("alamat e-mail `{email}` bukan domain go.id"),
        (NotGoId { email }, En) => format!("e-mail address `{email}` is not on a go.id domain"),
        (DomainMismatch { domain, expected }, Id) => {
            format!("domain `{domain}` bukan domain resmi profil daerah (`{expected}`)")
        }
        (DomainMismatch { domain, expected }, En) => {
            format!("domain `{domain}` is not the profile's official domain (`{expected}`)")
        }
        (DuplicateAgency { other }, Id) => format!("PD yang sama juga memiliki situs {other}"),
        (DuplicateAgency { other }, En) => format!("the same agency also has the site {other}"),
        (InvalidDecree { host, why }, lang) => invalid_decree(host, why, lang),
        (HostingElsewhere { provider }, Id) => {
            format!("hosting di `{provider}`, bukan Pusat Data Diskominfo, tanpa SK/atestasi")
        }
        (HostingElsewhere { provider }, En) => {
            format!(
                "hosted at `{provider}`, not the Diskominfo data centre, without decree or attestation"
            )
        }
        (HostingExceptionNotInRegulation { provider, field }, Id) => format!(
            "hosting di `{provider}`, bukan Pusat Data Diskominfo: `{field}` bukan pengecualian yang dikenal peraturan daerah ini"
        ),
        (HostingExceptionNotInRegulation { provider, field }, En) => format!(
            "hosted at `{provider}`, not the Diskominfo data centre: `{field}` is no exception this regency's regulation knows"
        ),
        (ImageWithoutAlt { src }, Id) => {
            format!("gambar `{src}` tidak memiliki teks alternatif yang bermakna")
        }
        (ImageWithoutAlt { src }, En) => format!("image `{src}` has no meaningful alt text"),
        (HeadingSkip { from, to }, Id) => format!("urutan judul melompat dari h{from} ke h{to}"),
        (HeadingSkip { from, to }, En) => format!("heading levels skip from h{from} to h{to}"),
        (NoLang, Id) => "halaman tidak menyatakan lang=\"id\"".into(),
        (NoLang, En) => "the page does not declare lang=\"id\"".into(),
        (DocumentWithoutSummary { url }, Id) => {
            format!("dokumen `{url}` ditautkan tanpa ringkasan teks di halaman")
        }
        (DocumentWithoutSummary { url }, En) => {
            format!("document `{url}` is linked without a text summary on the page")
        }
        (MediaWithoutCaptions { element }, Id) => {
            format!("<{element}> tanpa takarir atau transkrip")
        }
        (MediaWithoutCaptions { element }, En) => {
            format!("<{element}> without captions or transcript")
        }
        (InsecureResource { url }, Id) => {
            format!("sumber daya dimuat lewat http:// yang tidak aman: {url}")
        }
        (InsecureResource { url }, En) => format!("resource loaded over insecure http://: {url}"),
        (ScriptHostNotAllowed { host }, Id) => {
            format!("skrip dari host `{host}` tidak ada di daftar izin profil daerah")
        }
        (ScriptHostNotAllowed { host }, En) => {
            format!("script from host `{host}` is not on the profile's allow-list")
        }
        (ThirdPartyUndeclared { host }, Id) => {
            format!("pihak ketiga `{host}` belum dicantumkan di [[pihak_ketiga]] site.toml")
        }
        (ThirdPartyUndeclared { host }, En) => {
            format!("third party `{host}` is not declared in [[pihak_ketiga]] of site.toml")
        }
        (PersonalNumber { masked }, Id) => {
            format!("tampak seperti NIK/KK (16 digit) di teks terbit: {masked}")
        }
        (PersonalNumber { masked }, En) => {
            format!("looks like a NIK/KK number (16 digits) in published text: {masked}")
        }
        (Secret { what }, Id) => {
            format!("tampak seperti rahasia ({what}) di berkas sumber atau keluaran")
        }
        (Secret { what }, En) => format!("looks like a secret ({what}) in a source or output file"),
        (BrokenOutputLink { target }, Id) => {
            format!("tautan ke `{target}` menuju berkas yang tidak ada")
        }
        (BrokenOutputLink { target }, En) => {
            format!("link to `{target}` leads to a file that does not exist")
        }
        (MissingAnchor { target }, Id) => {
            format!("tautan ke `{target}`: jangkar tidak ada di halaman tujuan")
        }
        (MissingAnchor { target }, En) => {
            format!("link to `{target}`: the anchor does not exist on the target page")
        }
        (NotLinked { target }, Id) => format!("halaman ini tidak menautkan {target}"),
        (NotLinked { target }, En) => format!("this page does not link to {target}"),
        (FeeWithoutBasis { fee_rp }, Id) => {
            format!("biaya Rp{fee_rp} tanpa `dasar_biaya` (peraturan yang menetapkannya)")
        }
        (FeeWithoutBasis { fee_rp }, En) => {
            format!("fee Rp{fee_rp} without `dasar_biaya` (the regulation that sets it)")
        }
        (AnnualReportMissing { year }, Id) => {
            format!("laporan layanan informasi tahun {year} belum diterbitkan (batas 31 Maret)")
        }
        (AnnualReportMissing { year }, En) => {
            format!("the information-service report for {year} is not published (due 31 March)")
        }
        (PeriodEnded { date }, Id) => format!("periode visi dan misi berakhir {date}"),
        (PeriodEnded { date }, En) => format!("the vision and mission period ended on {date}"),
        (NoReason, Id) => "melayani_publik = false tanpa `alasan_tidak_melayani`".into(),
        (NoReason, En) => "melayani_publik = false without `alasan_tidak_melayani`".into(),
        (InvalidValue { field, value }, Id) => format!("nilai `{field}` = {value} tidak sah"),
        (InvalidValue { field, value }, En) => format!("`{field}` = {value} is not valid"),
        (NoSecurityContact, Id) => {
            "laman.toml [security] contact kosong; security.txt memakai alamat bawaan".into()
        }
        (NoSecurityContact, En) => {
            "laman.toml [security] contact is empty; security.txt uses a default address".into()
        }
        (Unevaluable { detail }, Id) => format!("aturan tidak dapat dievaluasi: {detail}"),
        (Unevaluable { detail }, En) => format!("the rule could not be evaluated: {detail}"),
        (Waiver { pages }, Id) => format!(
            "{pages} halaman informasi serta-merta berubah: galat diturunkan menjadi peringatan (META-001)"
        ),
        (Waiver { pages }, En) => format!(
            "{pages} urgent-information pages changed: errors lowered to warnings (META-001)"
        ),
        (
            BackupFailed {
                destination,
                date,
                error,
            },
            Id,
        ) => match date {
            Some(d) => format!(
                "cadangan rilis ke `{destination}` gagal pada {d}: {error}"
            ),
            None => format!(
                "cadangan rilis ke `{destination}` gagal (rilis tetap terbit): {error}"
            ),
        },
        (
            BackupFailed {
                destination,
                date,
                error,
            },
            En,
        ) => match date {
            Some(d) => format!("the backup of the release to `{destination}` failed on {d}: {error}"),
            None => format!(
                "the backup of the release to `{destination}` failed (the release is live): {error}"
            ),
        },
        (BackupNone, Id) => {
            "publish.log belum mencatat cadangan terverifikasi untuk situs ini (laman publish menulisnya ke tujuan [[publish.backup]])".to_string()
        }
        (BackupNone, En) => {
            "publish.log records no verified backup of this site yet (laman publish writes it to the [[publish.backup]] destinations)".to_string()
        }
        (
            BackupStale {
                destination,
                date,
                days,
                limit,
            },
            Id,
        ) => format!(
            "cadangan terverifikasi terakhir ({date}, ke `{destination}`) sudah {days} hari, melewati batas {limit} hari"
        ),
        (
            BackupStale {
                destination,
                date,
                days,
                limit,
            },
            En,
        ) => format!(
            "the last verified backup ({date}, to `{destination}`) is {days} days old, over the limit of {limit} days"
        ),
        (BackupWrongPlace { place }, Id) => format!(
            "tidak ada tujuan [[publish.backup]] dengan place = \"{place}\" seperti yang diminta peraturan daerah"
        ),
        (BackupWrongPlace { place }, En) => format!(
            "no [[publish.backup]] destination has place = \"{place}\" as the regional regulation requires"
        ),
    }
}

fn ticks(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a host has no valid subdomain decree.
fn invalid_decree(host: &str, why: &crate::decree::Invalid, lang: Lang) -> String {
    use crate::decree::Invalid::*;
    match (why, lang) {
        (Missing, Lang::Id) => format!(
            "{host} tidak punya SK penetapan subdomain: tidak ada [[decree]] di laman.toml yang menyebutnya"
        ),
        (Missing, Lang::En) => {
            format!("{host} has no subdomain decree: no [[decree]] in laman.toml lists it")
        }
        (Placeholder { value }, Lang::Id) => {
            format!("{host}: nomor SK `{value}` masih kosong atau isian contoh")
        }
        (Placeholder { value }, Lang::En) => {
            format!("{host}: decree number `{value}` is blank or a placeholder")
        }
        (Unknown { number }, Lang::Id) => format!(
            "{host}: SK `{number}` tidak ada dalam daftar SK penetapan subdomain ([[decree]] di laman.toml)"
        ),
        (Unknown { number }, Lang::En) => format!(
            "{host}: decree `{number}` is not in the register of subdomain decrees ([[decree]] in laman.toml)"
        ),
        (NotForHost { number }, Lang::Id) => {
            format!("{host}: SK `{number}` tidak menetapkan subdomain ini")
        }
        (NotForHost { number }, Lang::En) => {
            format!("{host}: decree `{number}` does not set this subdomain")
        }
        (Future { number, date }, Lang::Id) => format!(
            "{host}: SK `{number}` bertanggal {date}, setelah hari ini; belum menetapkan apa pun"
        ),
        (Future { number, date }, Lang::En) => {
            format!("{host}: decree `{number}` is dated {date}, after today; it sets nothing yet")
        }
        (Expired { number, until }, Lang::Id) => {
            format!("{host}: SK `{number}` berlaku sampai {until} dan sudah berakhir")
        }
        (Expired { number, until }, Lang::En) => {
            format!("{host}: decree `{number}` was in force until {until} and has ended")
        }
        (Issuer { number, issuer }, Lang::Id) => format!(
            "{host}: SK `{number}` dikeluarkan oleh `{issuer}`, bukan Kepala Dinas yang disebut peraturan"
        ),
        (Issuer { number, issuer }, Lang::En) => format!(
            "{host}: decree `{number}` is issued by `{issuer}`, not the Kepala Dinas the regulation names"
        ),
        (DateDiffers { number, date }, Lang::Id) => {
            format!("{host}: tanggal SK `{number}` di site.toml berbeda dengan daftar SK ({date})")
        }
        (DateDiffers { number, date }, Lang::En) => format!(
            "{host}: the date of decree `{number}` in site.toml differs from the register ({date})"
        ),
    }
}
