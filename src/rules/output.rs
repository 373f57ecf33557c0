//! Rules on the rendered output: links and anchors that resolve
//! (TAUTAN-002/003), language and heading order (AKSES-003), captions
//! (AKSES-004), insecure resources and script hosts (AMAN-002), declared
//! third parties (PRIVASI-003), the maklumat linked from the home and every
//! service (MAKLUMAT-002), the home page's identity (KONTEN-007), and the
//! security contact (AMAN-003).

use std::rc::Rc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::site::host_of;
use super::{Engine, Findings, SiteInput};
use crate::content::kinds::Kind;
use crate::diagnostic::Location;
use crate::diagnostic::RuleFinding as F;

/// Runs every output rule on `input`.
pub(super) fn check(engine: &Engine, input: &SiteInput<'_>, found: &mut Findings) {
    let maklumat = input
        .tree
        .pages
        .iter()
        .find(|p| p.jenis() == Kind::MaklumatPelayanan)
        .map(|p| format!("{}{}", input.base_path, p.url_path));
    let declared: Vec<String> = input
        .site
        .config
        .pihak_ketiga
        .iter()
        .flat_map(|p| p.host.iter().map(|h| h.to_ascii_lowercase()))
        .collect();
    // Files are independent: check them in parallel (each worker keeps its
    // own cache of resolved link targets), keep the output order.
    let files: Vec<(&String, &super::PageHtml)> = input.html.iter().collect();
    let per_file: Vec<Findings> = files
        .par_iter()
        .map_init(FxHashMap::default, |cache, (path, html)| {
            let mut found = Findings::default();
            let path = path.as_str();
            let shared = Shared {
                engine,
                input,
                maklumat: maklumat.as_deref(),
                declared: &declared,
            };
            shared.one_file(path, html, cache, &mut found);
            found
        })
        .collect();
    found.0.extend(per_file.into_iter().flat_map(|f| f.0));
    if engine.config.security.contact.is_empty() {
        found.push(
            "AMAN-003",
            Location::file(crate::config::FILE_NAME),
            F::NoSecurityContact,
        );
    }
}

/// What every file's check reads.
struct Shared<'a> {
    engine: &'a Engine,
    input: &'a SiteInput<'a>,
    /// The maklumat page's URL path, if the site has one.
    maklumat: Option<&'a str>,
    /// Third-party hosts site.toml declares.
    declared: &'a [String],
}

impl Shared<'_> {
    /// The output rules of one HTML file.
    fn one_file(
        &self,
        path: &str,
        html: &super::PageHtml,
        cache: &mut FxHashMap<String, Option<Rc<str>>>,
        found: &mut Findings,
    ) {
        let (engine, input, maklumat, declared) =
            (self.engine, self.input, self.maklumat, self.declared);
        let fqdn = input.site.fqdn.as_str();
        let allowed = &engine.config.rules.script_hosts;
        let page = html.page.map(|i| &input.tree.pages[i]);
        let at = page.map_or_else(
            || Location::file(format!("{fqdn}/{path}")),
            |p| Location::file(&p.shown),
        );
        let f = &html.facts;
        links(input, path, f, &at, cache, found);
        if !f.lang_id {
            found.push("AKSES-003", at.clone(), F::NoLang);
        }
        if let Some((from, to)) = f
            .headings
            .windows(2)
            .map(|w| (w[0], w[1]))
            .find(|(a, b)| b > a && b - a > 1)
        {
            found.push("AKSES-003", at.clone(), F::HeadingSkip { from, to });
        }
        for (element, captioned) in &f.media {
            if !captioned {
                found.push(
                    "AKSES-004",
                    at.clone(),
                    F::MediaWithoutCaptions {
                        element: element.clone(),
                    },
                );
            }
        }
        for r in f.resources.iter().filter(|r| r.starts_with("http://")) {
            found.push(
                "AMAN-002",
                at.clone(),
                F::InsecureResource { url: r.to_string() },
            );
        }
        for s in &f.scripts {
            if let Some(host) = external_host(s, fqdn).filter(|h| !allowed.contains(h)) {
                found.push("AMAN-002", at.clone(), F::ScriptHostNotAllowed { host });
            }
        }
        let mut third: Vec<String> = f
            .resources
            .iter()
            .filter_map(|r| external_host(r, fqdn))
            .filter(|h| !declared.contains(h))
            .collect();
        third.sort();
        third.dedup();
        for host in third {
            found.push("PRIVASI-003", at.clone(), F::ThirdPartyUndeclared { host });
        }
        let is_home = path == "index.html";
        let is_service = page.is_some_and(|p| p.jenis() == Kind::StandarPelayanan);
        if let Some(m) = maklumat.filter(|_| is_home || is_service) {
            if !f
                .links
                .iter()
                .any(|l| &**l == m || l.split('#').next() == Some(m))
            {
                found.push(
                    "MAKLUMAT-002",
                    at.clone(),
                    F::NotLinked {
                        target: m.to_string(),
                    },
                );
            }
        }
        if is_home {
            home_identity(engine, f, &at, found);
        }
    }
}

fn home_identity(engine: &Engine, f: &super::HtmlFacts, at: &Location, found: &mut Findings) {
    let domain = &engine.config.region.domain;
    let portal = engine.config.region.portal_url();
    if !f.links.iter().any(|l| {
        l.starts_with(&portal)
            || host_of(l).is_some_and(|h| &h == domain || h == format!("www.{domain}"))
    }) {
        found.push("KONTEN-007", at.clone(), F::NotLinked { target: portal });
    }
    if !f.images.iter().any(|(_, alt)| {
        alt.as_deref()
            .is_some_and(|a| a.to_lowercase().contains("lambang"))
    }) {
        found.push(
            "KONTEN-007",
            at.clone(),
            F::MissingField {
                field: "lambang (gambar ber-alt)".into(),
            },
        );
    }
    if !f.has_search {
        found.push(
            "KONTEN-007",
            at.clone(),
            F::MissingField {
                field: "pencarian".into(),
            },
        );
    }
}

/// The host of a URL that leaves the site (`None` for same-site and relative URLs).
fn external_host(url: &str, fqdn: &str) -> Option<String> {
    // Root-relative and relative URLs stay on the site: no allocation.
    if url.starts_with('/') && !url.starts_with("//") || !url.contains("//") {
        return None;
    }
    let host = match url.strip_prefix("//") {
        Some(r) => host_of(&format!("https://{r}")),
        None => host_of(url),
    }?;
    (host != fqdn).then_some(host)
}

/// The output file a root-relative URL path serves, if any.
fn resolve(input: &SiteInput<'_>, target: &str) -> Option<String> {
    let rel = target
        .strip_prefix(input.base_path)
        .unwrap_or(target)
        .trim_start_matches('/');
    let candidates = if rel.is_empty() || rel.ends_with('/') {
        vec![format!("{rel}index.html")]
    } else {
        vec![rel.to_string(), format!("{rel}/index.html")]
    };
    candidates.into_iter().find(|c| input.files.contains(c))
}

/// TAUTAN-002 / TAUTAN-003: every root-relative link and anchor resolves.
fn links(
    input: &SiteInput<'_>,
    path: &str,
    f: &super::HtmlFacts,
    at: &Location,
    cache: &mut FxHashMap<String, Option<Rc<str>>>,
    found: &mut Findings,
) {
    for link in &f.links {
        let (target, frag) = match link.split_once('#') {
            Some((t, fr)) => (t, Some(fr)),
            None => (&**link, None),
        };
        let target = target.split('?').next().unwrap_or(target);
        let file: Option<Rc<str>> = if target.is_empty() {
            link.starts_with('#').then(|| Rc::from(path))
        } else if target.starts_with('/') && !target.starts_with("//") {
            // Navigation links repeat on every page: resolve each target once
            // (and allocate the key only the first time); one lookup and a
            // count of references after that.
            let resolved = match cache.get(target) {
                Some(r) => r.clone(),
                None => {
                    let r: Option<Rc<str>> = resolve(input, target).map(Rc::from);
                    cache.insert(target.to_string(), r.clone());
                    r
                }
            };
            if resolved.is_none() {
                found.push(
                    "TAUTAN-002",
                    at.clone(),
                    F::BrokenOutputLink {
                        target: link.to_string(),
                    },
                );
            }
            resolved
        } else {
            None
        };
        if let (Some(file), Some(frag)) = (file, frag.filter(|fr| !fr.is_empty())) {
            if let Some(t) = input.html.get(&*file) {
                if !t.facts.ids.contains(frag) {
                    found.push(
                        "TAUTAN-003",
                        at.clone(),
                        F::MissingAnchor {
                            target: link.to_string(),
                        },
                    );
                }
            }
        }
    }
}
