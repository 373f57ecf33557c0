//! What a content rule found, as data. The rule ID, legal basis and
//! requirement travel beside it in the `Diagnostic`; its words are in
//! `crate::text`.

use serde::Serialize;

/// One kind of rule finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RuleFinding {
    /// The site has no page of this kind.
    MissingPage {
        /// The page kind (`jenis`).
        #[serde(rename = "jenis")]
        kind: String,
    },
    /// A required field is missing or empty (page front matter or site.toml).
    MissingField { field: String },
    /// A recommended field is missing or empty.
    MissingRecommended { fields: Vec<String> },
    /// A date is older than allowed.
    Stale {
        field: String,
        date: String,
        days: i64,
        limit: i64,
    },
    /// A date lies after the build date.
    FutureDate { field: String, date: String },
    /// `tanggal_mutakhir` earlier than the document's own date.
    DateOrder {
        field: String,
        date: String,
        earlier_than: String,
    },
    /// A category of periodic information has no entry.
    MissingCategory {
        /// The category (`kategori`).
        #[serde(rename = "kategori")]
        category: String,
    },
    /// A complaint channel id that site.toml does not define.
    UnknownChannel { id: String },
    /// No SP4N-LAPOR! channel on lapor.go.id.
    NoLaporChannel,
    /// No direct channel of the agency besides LAPOR!.
    NoDirectChannel,
    /// An e-mail address outside go.id.
    NotGoId { email: String },
    /// The regency domain is not the profile's.
    DomainMismatch { domain: String, expected: String },
    /// Two sites for one agency.
    DuplicateAgency { other: String },
    /// A host without a valid subdomain decree (DOMAIN-003, src/decree.rs).
    InvalidDecree {
        /// The host (`dinkes.pangandarankab.go.id`).
        host: String,
        /// Why.
        #[serde(flatten)]
        why: super::decree::Invalid,
    },
    /// Hosting outside the Diskominfo data centre without the required decree/attestation.
    HostingElsewhere {
        /// The hosting provider (`penyedia`).
        #[serde(rename = "penyedia")]
        provider: String,
    },
    /// Hosting outside the Pusat Data excused by a decree or attestation
    /// the profile's regulation does not recognise (DOMAIN-006).
    HostingExceptionNotInRegulation {
        /// The hosting provider (`penyedia`).
        #[serde(rename = "penyedia")]
        provider: String,
        /// The key written (`mandiri_tik_sk`, `atestasi_iso27001`).
        field: String,
    },
    /// An image without alt text (or alt = file name).
    ImageWithoutAlt { src: String },
    /// Heading levels skip (h2 → h4).
    HeadingSkip { from: u8, to: u8 },
    /// `<html>` without `lang="id"`.
    NoLang,
    /// A linked document with no summary text on the page.
    DocumentWithoutSummary { url: String },
    /// Embedded audio/video without captions or transcript.
    MediaWithoutCaptions { element: String },
    /// A resource loaded over plain http.
    InsecureResource { url: String },
    /// A script from a host that is not allowed.
    ScriptHostNotAllowed { host: String },
    /// A third-party script or embed not declared in `[pihak_ketiga]`.
    ThirdPartyUndeclared { host: String },
    /// Something that looks like a NIK/KK number in published text.
    PersonalNumber { masked: String },
    /// Something that looks like a secret.
    Secret { what: String },
    /// A link in the output to a file that does not exist.
    BrokenOutputLink { target: String },
    /// A link to an anchor that does not exist on the target page.
    MissingAnchor { target: String },
    /// A page that must link to the maklumat does not.
    NotLinked { target: String },
    /// A fee without the regulation that sets it.
    FeeWithoutBasis {
        /// The fee in rupiah (`biaya_rp`).
        #[serde(rename = "biaya_rp")]
        fee_rp: u64,
    },
    /// The annual information-service report for a year is missing.
    AnnualReportMissing {
        /// The year the report is for (`tahun`).
        #[serde(rename = "tahun")]
        year: i32,
    },
    /// The vision/mission period has ended.
    PeriodEnded { date: String },
    /// `melayani_publik = false` without a reason.
    NoReason,
    /// A value that makes no sense (0 days, unknown unit …).
    InvalidValue { field: String, value: String },
    /// The security contact is not configured.
    NoSecurityContact,
    /// The rule could not be evaluated.
    Unevaluable { detail: String },
    /// META-001: errors waived because only urgent information changed.
    Waiver { pages: usize },
    /// OPS-001: a backup destination of laman.toml could not take a
    /// verified copy of the release (missing, full, read-only …).
    BackupFailed {
        /// The destination's name.
        destination: String,
        /// The day of the attempt (`None`: this publish).
        date: Option<String>,
        /// What went wrong.
        error: String,
    },
    /// OPS-001: publish.log holds no verified backup of the site's
    /// release (destinations configured in laman.toml).
    BackupNone,
    /// OPS-001: the newest verified backup is older than allowed.
    BackupStale {
        /// The destination it went to.
        destination: String,
        /// Its day.
        date: String,
        /// Its age in days.
        days: i64,
        /// The limit.
        limit: i64,
    },
    /// OPS-001: no backup destination is of the place the profile's
    /// regulation requires (`pusat-data` or `off-site`).
    BackupWrongPlace {
        /// The place required.
        place: String,
    },
}
