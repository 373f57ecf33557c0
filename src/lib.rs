//! laman builds, checks, publishes and watches the mandatory websites of
//! the government agencies of an Indonesian regency, each on a subdomain of
//! the regency's go.id domain.
//!
//! The library is organised by stage, data flowing forward:
//! `config` → `registry` → `content` → `markdown` → `render` → `output`,
//! orchestrated by `build`. It never prints and never exits; the binary's
//! `cli` module does both. Problems in the input are `Diagnostic`s (data);
//! `Error` means a command could not run at all.

// A `Diagnostic` (location, typed message, legal basis) is the error of
// per-file steps; it travels once per problem, so its size does not matter.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod config;
pub mod conformance;
pub mod content;
pub mod decree;
pub mod deflate;
pub mod diagnostic;
pub mod error;
pub mod history;
pub mod host;
pub mod import;
pub mod markdown;
pub mod media;
pub mod output;
pub mod profile;
pub mod publish;
pub mod registry;
pub mod render;
pub mod report;
pub mod rules;
pub mod scaffold;
pub mod serve;
pub mod text;
pub mod trust;

pub use diagnostic::{Diagnostic, Lang, Location, Message, Severity};
pub use error::Error;
pub use text::Localize;
