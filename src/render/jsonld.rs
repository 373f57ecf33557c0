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

use serde_json::{Map, Value, json};

use crate::content::kinds::KindData;
use crate::render::context::{LinkCtx, PageCtx, SiteCtx};

/// Serialises `v` for the inside of an HTML `<script>` data block.
pub fn script_safe(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
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

fn breadcrumbs(origin: &str, crumbs: &[LinkCtx], page: &PageCtx) -> Value {
    let abs = |u: &str| {
        if u.starts_with("http") {
            u.to_string()
        } else {
            format!("{origin}{u}")
        }
    };
    let mut items: Vec<Value> = crumbs
        .iter()
        .enumerate()
        .map(|(i, b)| {
            json!({"@type": "ListItem", "position": i + 1, "name": b.judul, "item": abs(&b.url)})
        })
        .collect();
    items.push(json!({
        "@type": "ListItem",
        "position": items.len() + 1,
        "name": page.title,
        "item": page.permalink,
    }));
    json!({"@type": "BreadcrumbList", "itemListElement": items})
}

/// The JSON-LD of one page, ready for a `<script type="application/ld+json">`;
/// `origin` is `https://host` (root-relative URLs already carry the base
/// path).
pub fn page(site: &SiteCtx, origin: &str, page: &PageCtx, data: &KindData) -> String {
    let org_id = format!("{origin}{}#organisasi", site.urls.home);
    let mut graph = vec![
        organisation(site, origin),
        breadcrumbs(origin, &page.breadcrumbs, page),
    ];
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
            let hours = sp.jam_layanan.as_deref().or(site.jam_layanan.as_deref());
            if place.is_some() || hours.is_some() {
                let mut loc = Map::new();
                loc.insert("@type".into(), json!("CivicStructure"));
                put(&mut loc, "name", place);
                put(&mut loc, "address", place);
                put(&mut loc, "openingHours", hours);
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
    script_safe(&json!({"@context": "https://schema.org", "@graph": graph}))
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
}
