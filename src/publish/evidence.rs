//! The evidence a release keeps (OPS-002; Purwakarta Perda 2/2022 Pasal
//! 15, Cianjur Perbup 25/2018 Pasal 14 ayat (6) huruf d, Lima Puluh Kota
//! Perbup 47/2018 Pasal 13 ayat (4) huruf d): the check report of the
//! build that went out (JSON and the HTML report) and the newest
//! conformance report, inside the release at `.laman/bukti/`, so that
//! Diskominfo can show that what went live was tested. `laman host` never
//! serves it (only the hosts of sites.json are served, and `.laman` is no
//! host name); publish.log lists every file with its SHA-256.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::PublishError;
use crate::build::BuildReport;

/// The evidence folder inside a release.
pub const DIR: &str = ".laman/bukti";

/// One evidence file, as publish.log lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    /// Path inside the release (`.laman/bukti/laporan/laporan.json`).
    pub path: String,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// The files to keep, by path under [`DIR`]: `laporan/` (the check
/// report: laporan.json, index.html, one page per agency) and
/// `conformance/` (findings.jsonl, report.html, owners.json, diff.json of
/// the newest conformance run in `conformance`, those that exist).
pub fn gather(report: &BuildReport, regency: &str, conformance: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = crate::report::html::files(report, regency)
        .into_iter()
        .map(|(name, text)| (format!("laporan/{name}"), text.into_bytes()))
        .collect();
    use crate::conformance::report::{DIFF, FINDINGS, OWNERS, REPORT};
    for name in [FINDINGS, REPORT, OWNERS, DIFF] {
        if let Ok(bytes) = std::fs::read(conformance.join(name)) {
            out.push((format!("conformance/{name}"), bytes));
        }
    }
    out
}

/// Writes the files under `<release>/.laman/bukti/`, each fsync'd (the
/// release is renamed into place after this, so it is atomic with it).
pub fn write(
    release: &Path,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<EvidenceFile>, PublishError> {
    let mut listed = Vec::new();
    for (rel, bytes) in files {
        let path = release.join(DIR).join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| PublishError::io(parent, e))?;
        }
        let mut f = std::fs::File::create(&path).map_err(|e| PublishError::io(&path, e))?;
        std::io::Write::write_all(&mut f, bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| PublishError::io(&path, e))?;
        listed.push(EvidenceFile {
            path: format!("{DIR}/{rel}"),
            sha256: crate::output::hex(&Sha256::digest(bytes)),
            bytes: bytes.len() as u64,
        });
    }
    Ok(listed)
}
