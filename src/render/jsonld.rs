//! schema.org structured data (JSON-LD) for every page: the agency as a
//! `GovernmentOrganization` (parent: the regency), a `BreadcrumbList`, a
//! `GovernmentService` on service standard pages and a `NewsArticle` on
//! news. Written as a `<script type="application/ld+json">` data block,
//! which no browser executes, so the CSP (`script-src 'self'`) stays as it
//! is.
//!
//! Editors' text goes into it, so it is escaped for the place it lands in:
//! after JSON encoding, `<`, `>` and `&` become `\u003c`, `\u003e`,
//! `\u0026` (no `</script>` or `<!--` can end or change the block) and
//! U+2028/U+2029 are escaped too. The JSON value is unchanged.
//!
//! The agency's node is the same on every page of a site: it is serialised
//! once per site ([`SiteLd`]) and each page's block is written around it.
//! Opening hours go in as schema.org `openingHours` only when
//! [`crate::render::hours::parse`] reads the editor's text exactly.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::content::kinds::KindData;
use crate::render::context::{LinkCtx, PageCtx, SiteCtx};

/// Serialises `v` for the inside of an HTML `<script>` data block.
pub fn script_safe(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(s.len() + 16);
    push_safe(&mut out, &s);
    out
}

/// Appends JSON text `s` to `out` with `<` `>` `&` U+2028 U+2029 written
/// as `\uXXXX` escapes (the same JSON value).
fn push_safe(out: &mut String, s: &str) {
    let b = s.as_bytes();
    if memchr::memchr3(b'<', b'>', b'&', b).is_none() && memchr::memchr(0xE2, b).is_none() {
        out.push_str(s);
        return;
    }
    let mut done = 0;
    let mut i = 0;
    while i < b.len() {
        let esc = match b[i] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
            0xE2 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0xA8) => "\\u2028",
            0xE2 if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0xA9) => "\\u2029",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[done..i]);
        out.push_str(esc);
        i += if b[i] == 0xE2 { 3 } else { 1 };
        done = i;
    }
    out.push_str(&s[done..]);
}

/// The part of the JSON-LD every page of a site shares.
#[derive(Debug)]
pub struct SiteLd {
    /// `https://host`.
    origin: String,
    /// `@id` of the agency's node.
    org_id: String,
    /// The agency's node, serialised and script-safe.
    org: String,
}

impl SiteLd {
    /// The agency's node of `site`; `origin` is `https://host`.
    pub fn new(site: &SiteCtx, origin: &str) -> Self {
        SiteLd {
            origin: origin.to_string(),
            org_id: format!("{origin}{}#organisasi", site.urls.home),
            org: script_safe(&organisation(site, origin)),
        }
    }
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
        map.insert(key.into(), json!(v));
    }
}

/// The agency.
fn organisation(site: &SiteCtx, origin: &str) -> Value {
    let home = format!("{origin}{}", site.urls.home);
    let mut org = Map::new();
    org.insert("@type".into(), json!("GovernmentOrganization"));
    org.insert("@id".into(), json!(format!("{home}#organisasi")));
    org.insert("name".into(), json!(site.nama_resmi));
    org.insert("url".into(), json!(home));
    if site.singkatan != site.nama_resmi {
        org.insert("alternateName".into(), json!(site.singkatan));
    }
    put(&mut org, "description", site.deskripsi.as_deref());
    put(&mut org, "telephone", site.telepon.as_deref());
    put(&mut org, "email", site.email.as_deref());
    if let Some(a) = &site.alamat_detail {
        let mut addr = Map::new();
        addr.insert("@type".into(), json!("PostalAddress"));
        let street = match &a.desa {
            Some(d) => format!("{}, {d}", a.jalan),
            None => a.jalan.clone(),
        };
        addr.insert("streetAddress".into(), json!(street));
        put(&mut addr, "addressLocality", a.kabupaten.as_deref());
        put(&mut addr, "addressRegion", a.provinsi.as_deref());
        put(&mut addr, "postalCode", a.kode_pos.as_deref());
        addr.insert("addressCountry".into(), json!("ID"));
        org.insert("address".into(), Value::Object(addr));
    } else {
        put(&mut org, "address", site.alamat.as_deref());
    }
    org.insert(
        "parentOrganization".into(),
        json!({
            "@type": "GovernmentOrganization",
            "name": site.region.government,
            "url": site.region.portal,
        }),
    );
    Value::Object(org)
}

#[derive(Serialize)]
struct Breadcrumbs<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<Crumb<'a>>,
}

/// Keys in the order serde_json's maps write them (sorted), as before.
#[derive(Serialize)]
struct Crumb<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: std::borrow::Cow<'a, str>,
    name: &'a str,
    position: usize,
}

fn breadcrumbs<'a>(origin: &str, crumbs: &'a [LinkCtx], page: &'a PageCtx) -> Breadcrumbs<'a> {
    let abs = |u: &'a str| -> std::borrow::Cow<'a, str> {
        if u.starts_with("http") {
            u.into()
        } else {
            format!("{origin}{u}").into()
        }
    };
    let mut items: Vec<Crumb<'a>> = crumbs
        .iter()
        .enumerate()
        .map(|(i, b)| Crumb {
            kind: "ListItem",
            item: abs(&b.url),
            name: &b.judul,
            position: i + 1,
        })
        .collect();
    items.push(Crumb {
        kind: "ListItem",
        item: page.permalink.as_str().into(),
        name: &page.title,
        position: items.len() + 1,
    });
    Breadcrumbs {
        kind: "BreadcrumbList",
        items,
    }
}

/// The JSON-LD of one page, ready for a `<script type="application/ld+json">`
/// (root-relative URLs already carry the base path):
/// `{"@context": "https://schema.org", "@graph": [agency, breadcrumbs, …]}`.
pub fn page(ld: &SiteLd, site: &SiteCtx, page: &PageCtx, data: &KindData) -> String {
    let org_id = &ld.org_id;
    let mut out = String::with_capacity(ld.org.len() + 1024);
    out.push_str("{\"@context\":\"https://schema.org\",\"@graph\":[");
    out.push_str(&ld.org);
    out.push(',');
    let crumbs = serde_json::to_string(&breadcrumbs(&ld.origin, &page.breadcrumbs, page))
        .unwrap_or_else(|_| "{}".into());
    push_safe(&mut out, &crumbs);
    let mut graph = Vec::new();
    match data {
        KindData::StandarPelayanan(sp) => {
            let mut svc = Map::new();
            svc.insert("@type".into(), json!("GovernmentService"));
            svc.insert("name".into(), json!(page.title));
            svc.insert("url".into(), json!(page.permalink));
            put(&mut svc, "description", Some(&page.description));
            svc.insert("serviceType".into(), json!(page.title));
            svc.insert("provider".into(), json!({"@id": org_id}));
            svc.insert(
                "areaServed".into(),
                json!({"@type": "AdministrativeArea", "name": site.region.name}),
            );
            if let Some(fee) = sp.biaya_rp {
                svc.insert(
                    "offers".into(),
                    json!({"@type": "Offer", "price": fee, "priceCurrency": "IDR"}),
                );
            }
            let mut channel = Map::new();
            channel.insert("@type".into(), json!("ServiceChannel"));
            put(&mut channel, "serviceUrl", sp.daring_url.as_deref());
            if let Some(tel) = sp.telepon.as_deref().or(site.telepon.as_deref()) {
                channel.insert(
                    "servicePhone".into(),
                    json!({"@type": "ContactPoint", "telephone": tel}),
                );
            }
            let place = sp.tempat.as_deref().or(site.alamat.as_deref());
            // Structured hours only when the text reads exactly; the page
            // shows the text itself either way.
            let hours = sp
                .jam_layanan
                .as_deref()
                .or(site.jam_layanan.as_deref())
                .and_then(crate::render::hours::parse);
            if place.is_some() || hours.is_some() {
                let mut loc = Map::new();
                loc.insert("@type".into(), json!("CivicStructure"));
                put(&mut loc, "name", place);
                put(&mut loc, "address", place);
                match hours.as_deref() {
                    Some([one]) => {
                        loc.insert("openingHours".into(), json!(one));
                    }
                    Some(many) if !many.is_empty() => {
                        loc.insert("openingHours".into(), json!(many));
                    }
                    _ => {}
                }
                channel.insert("serviceLocation".into(), Value::Object(loc));
            }
            if channel.len() > 1 {
                svc.insert("availableChannel".into(), Value::Object(channel));
            }
            graph.push(Value::Object(svc));
        }
        KindData::Berita(b) => {
            let mut art = Map::new();
            art.insert("@type".into(), json!("NewsArticle"));
            art.insert("headline".into(), json!(page.title));
            art.insert("url".into(), json!(page.permalink));
            art.insert("mainEntityOfPage".into(), json!(page.permalink));
            put(&mut art, "description", Some(&page.description));
            if let Some(d) = &page.date {
                art.insert("datePublished".into(), json!(d.iso));
            }
            if let Some(d) = page.updated.as_ref().or(page.date.as_ref()) {
                art.insert("dateModified".into(), json!(d.iso));
            }
            match b
                .penulis
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                Some(name) => art.insert("author".into(), json!({"@type": "Person", "name": name})),
                None => art.insert("author".into(), json!({"@id": org_id})),
            };
            art.insert("publisher".into(), json!({"@id": org_id}));
            graph.push(Value::Object(art));
        }
        _ => {}
    }
    for node in &graph {
        out.push(',');
        push_safe(
            &mut out,
            &serde_json::to_string(node).unwrap_or_else(|_| "{}".into()),
        );
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_text_cannot_leave_the_script_block() {
        let v = json!({"name": "</script><script>alert(1)</script><!-- & \u{2028}"});
        let s = script_safe(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        assert!(!s.contains('\u{2028}'));
        // Same value once parsed.
        assert_eq!(serde_json::from_str::<Value>(&s).expect("json"), v);
    }

    #[test]
    fn other_text_passes_through_unchanged() {
        // Other characters starting with the byte E2 (dash, ellipsis) stay.
        let v = json!({"name": "Senin–Kamis … \u{2029} a<b"});
        assert_eq!(
            script_safe(&v),
            "{\"name\":\"Senin–Kamis … \\u2029 a\\u003cb\"}"
        );
        let plain = json!({"name": "Dinas Kesehatan"});
        assert_eq!(script_safe(&plain), "{\"name\":\"Dinas Kesehatan\"}");
    }
}
