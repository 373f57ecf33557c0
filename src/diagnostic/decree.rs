//! What is wrong with the subdomain decree register or a host's decree, as
//! data (src/decree.rs judges; src/text words it).

use serde::Serialize;

/// What is wrong with the register in laman.toml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RegisterFault {
    /// `number` or `issuer` is blank or a scaffold placeholder (`ISI: …`).
    Blank {
        /// The key.
        field: String,
    },
    /// `date`/`until` carries a time of day: a decree is dated by the day.
    NotADay {
        /// The key.
        field: String,
    },
    /// `subdomains` is empty.
    NoSubdomains,
    /// A label in `subdomains` that is no valid host label.
    BadLabel {
        /// The label as written.
        label: String,
    },
    /// Two decrees with one number.
    Duplicate,
    /// `until` lies before `date`.
    EndsBeforeStart,
    /// A host refers to a number the register does not hold.
    Unknown,
    /// A host refers to a decree that does not list it.
    NotForHost {
        /// The host label.
        label: String,
    },
}

/// Why a host has no valid decree (a finding of DOMAIN-003). Dates are ISO days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Invalid {
    /// The host refers to no decree and the register lists none for it.
    Missing,
    /// The reference is blank or a placeholder.
    Placeholder {
        /// As written.
        value: String,
    },
    /// The number is not in the register.
    Unknown {
        /// As written.
        number: String,
    },
    /// The decree does not set this subdomain.
    NotForHost {
        /// The decree.
        number: String,
    },
    /// The decree is dated after today.
    Future {
        /// The decree.
        number: String,
        /// Its date.
        date: String,
    },
    /// The decree ended before today.
    Expired {
        /// The decree.
        number: String,
        /// Its last day.
        until: String,
    },
    /// The decree is not by the Kepala Dinas the profile's regulation names.
    Issuer {
        /// The decree.
        number: String,
        /// Who set it.
        issuer: String,
    },
    /// The site's `tanggal` is not the register's date.
    DateDiffers {
        /// The decree.
        number: String,
        /// The register's date.
        date: String,
    },
}
