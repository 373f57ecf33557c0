//! The editor trust boundary (docs/security.md). Agency editors are
//! untrusted: they control `sites/<slug>/content/**`, `static/**` and
//! `site.toml`, nothing else. Diskominfo is trusted: `laman.toml`,
//! `themes/` and the machines. This module holds the checks that keep an
//! editor's input inside its own site's output and off script:
//!
//! - [`paths`]: every output path made from editor input (aliases, static
//!   file names) is relative, inside the site, and free of `_redirects` /
//!   `_headers` syntax; the writer checks again before it opens a file.
//!   `paths::leads_out` walks a path below a site folder for links an
//!   editor planted (`laman new page`, `laman impor`).
//! - [`html`]: raw HTML in Markdown goes through a sanitizer (ammonia) with
//!   an allowlist; what it removes is reported where it was written.
//! - [`statics`]: static files that a browser would run (scripts, HTML,
//!   SVG with script, WebAssembly) need Diskominfo's permission.
//! - [`SiteTrust`]: what Diskominfo allows one site in `laman.toml`.
//!
//! It is a leaf: it knows nothing of content, render or rules, so every
//! stage can ask it.

pub mod html;
pub mod paths;
pub mod statics;

use serde::Serialize;

/// What Diskominfo allows one site beyond the default (`[allow]` of
/// laman.toml); the default allows nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SiteTrust {
    /// The site's `templates/` folder overrides theme templates.
    pub templates: bool,
    /// The site may ship files a browser runs (`.js`, `.html`, SVG with script, `.wasm`).
    pub scripts: bool,
    /// Hosts an `<iframe src>` may point at (the regency's list, lower case).
    pub iframe_hosts: Vec<String>,
}
