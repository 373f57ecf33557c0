//! The files every site gets besides its pages: Atom feed, sitemap.xml,
//! robots.txt, security.txt (RFC 9116), `_headers` and `_redirects`, the
//! search index, and the machine-readable exports `layanan.json`,
//! `dip.json` and `kontak.json` (INTEROP-001). Pure functions of the model.

use chrono::{Duration, SecondsFormat};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::content::kinds::{Kind, KindData, SortBy};
use crate::markdown::Rendered;
use crate::render::site::{Model, excerpt};

/// The security headers every response carries (also used by `laman host`).
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
    ("Strict-Transport-Security", "max-age=31536000"),
];

/// Escapes text for XML.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The pages the Atom feed shows: the newest `berita`, at most
/// `[build] feed_limit`.
pub fn feed_pages(model: &Model<'_>) -> Vec<usize> {
    let mut idx = model.sorted_of(Kind::Berita, SortBy::Date);
    idx.truncate(model.config.build.feed_limit.max(1));
    idx
}

/// Atom feed of the newest `berita`; `None` when the site has no news.
pub fn atom(model: &Model<'_>, bodies: &[Rendered]) -> Option<String> {
    let idx = feed_pages(model);
    if idx.is_empty() {
        return None;
    }
    let zone = model.zone();
    let site = &model.ctx;
    let self_url = model.absolute(&format!("{}/atom.xml", site.base_path));
    let home = model.absolute(&site.urls.home);
    let stamp = |i: usize| {
        let p = &model.tree.pages[i];
        p.common
            .updated
            .or(p.common.date)
            .map(|d| d.timestamp(zone).to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_else(|| model.opts.now.to_rfc3339_opts(SecondsFormat::Secs, true))
    };
    let updated = idx.iter().map(|&i| stamp(i)).max().unwrap_or_default();
    let mut s = String::with_capacity(4096);
    s.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"id\">\n");
    s.push_str(&format!(
        "  <title>Berita — {}</title>\n",
        xml_escape(&site.nama_resmi)
    ));
    s.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&self_url)
    ));
    s.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&home)
    ));
    s.push_str(&format!(
        "  <id>{}</id>\n  <updated>{updated}</updated>\n",
        xml_escape(&self_url)
    ));
    s.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&site.nama_resmi)
    ));
    for &i in &idx {
        let p = &model.tree.pages[i];
        let url = model.absolute(&model.links.url(&p.url_path));
        let published = p
            .common
            .date
            .map(|d| d.timestamp(zone).to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_else(|| stamp(i));
        let summary = p
            .common
            .description
            .clone()
            .unwrap_or_else(|| excerpt(&bodies[i].plain, 200));
        s.push_str("  <entry>\n");
        s.push_str(&format!("    <title>{}</title>\n", xml_escape(&p.title())));
        s.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&url)
        ));
        s.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
        s.push_str(&format!(
            "    <published>{published}</published>\n    <updated>{}</updated>\n",
            stamp(i)
        ));
        s.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml_escape(&summary)
        ));
        s.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            xml_escape(&bodies[i].html.text())
        ));
        s.push_str("  </entry>\n");
    }
    s.push_str("</feed>\n");
    Some(s)
}

/// `sitemap.xml` of `urls` (root-relative URL, optional last-modified day).
pub fn sitemap(model: &Model<'_>, urls: &[(String, Option<String>)]) -> String {
    let mut s = String::with_capacity(64 + urls.len() * 96);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, lastmod) in urls {
        s.push_str("  <url><loc>");
        s.push_str(&xml_escape(&model.absolute(url)));
        s.push_str("</loc>");
        if let Some(d) = lastmod {
            s.push_str("<lastmod>");
            s.push_str(d);
            s.push_str("</lastmod>");
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// `robots.txt`: everything allowed, the sitemap named.
pub fn robots(model: &Model<'_>) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        model.absolute(&format!("{}/sitemap.xml", model.ctx.base_path))
    )
}

/// `/.well-known/security.txt` (RFC 9116) with the Diskominfo contact.
pub fn security_txt(model: &Model<'_>) -> String {
    let sec = &model.config.security;
    let mut s = String::new();
    let contacts: Vec<String> = if sec.contact.is_empty() {
        vec![format!("mailto:csirt@{}", model.config.region.domain)]
    } else {
        sec.contact.clone()
    };
    for c in contacts {
        s.push_str(&format!("Contact: {c}\n"));
    }
    let expires = model.opts.now + Duration::days(i64::from(sec.expires_days.max(1)));
    s.push_str(&format!(
        "Expires: {}\n",
        expires.to_rfc3339_opts(SecondsFormat::Secs, true)
    ));
    if let Some(p) = &sec.policy {
        s.push_str(&format!("Policy: {p}\n"));
    }
    s.push_str(&format!(
        "Preferred-Languages: {}\n",
        sec.preferred_languages
    ));
    s.push_str(&format!(
        "Canonical: {}\n",
        model.absolute(&format!("{}/.well-known/security.txt", model.ctx.base_path))
    ));
    s
}

/// `_headers` (Netlify syntax; `laman host` applies the same rules).
pub fn headers(model: &Model<'_>) -> String {
    let base = &model.ctx.base_path;
    let mut s = format!("{base}/*\n");
    let hosts = &model.site.trust.iframe_hosts;
    for (k, v) in SECURITY_HEADERS {
        if *k == "Content-Security-Policy" && !hosts.is_empty() {
            // Frames only from the hosts Diskominfo allows (docs/security.md).
            let frames: Vec<String> = hosts.iter().map(|h| format!("https://{h}")).collect();
            s.push_str(&format!("  {k}: {v}; frame-src {}\n", frames.join(" ")));
        } else {
            s.push_str(&format!("  {k}: {v}\n"));
        }
    }
    s.push_str(&format!(
        "\n{base}/assets/*\n  Cache-Control: public, max-age=86400\n"
    ));
    s.push_str(&format!(
        "\n{base}/cari/indeks.json\n  Cache-Control: public, max-age=300\n"
    ));
    s.push_str(&format!(
        "\n{base}/*.json\n  Access-Control-Allow-Origin: *\n\n{base}/.well-known/security.txt\n  Content-Type: text/plain; charset=utf-8\n"
    ));
    s
}

/// `_redirects` for aliases: `from to 301`. An alias with a query
/// (`/?p=123`, checked by `trust::paths::check_query_alias` when the page
/// was read) becomes Netlify's query-condition form `from p=123 to 301!`:
/// forced, since a file (the home page) usually exists at its path and
/// would otherwise shadow it.
pub fn redirects(model: &Model<'_>) -> String {
    let mut s = String::new();
    for p in &model.tree.pages {
        let to = model.links.url(&p.url_path);
        for alias in &p.common.aliases {
            match crate::trust::paths::check_query_alias(alias) {
                Some(Ok(q)) => {
                    let from = format!("{}/{}", model.ctx.base_path, q.path);
                    let conditions: Vec<String> =
                        q.pairs().map(|(k, v)| format!("{k}={v}")).collect();
                    s.push_str(&format!("{from} {} {to} 301!\n", conditions.join(" ")));
                }
                // Refused when the page was read; never written.
                Some(Err(_)) => {}
                None => {
                    let from = format!("{}/{}", model.ctx.base_path, alias.trim_start_matches('/'));
                    s.push_str(&format!("{from} {to} 301\n"));
                }
            }
        }
    }
    s
}

/// The search index (see `render::search`): per page `t` title, `u` URL,
/// `d` description, `k` kind label, `x` text excerpt, and the stems of the
/// title, the typed fields and the body.
pub fn search_index(model: &Model<'_>, bodies: &[Rendered]) -> Vec<u8> {
    crate::render::search::index(&search_entries(model, bodies))
}

/// What the search index is made of: one entry per page.
pub fn search_entries<'a>(
    model: &'a Model<'_>,
    bodies: &'a [Rendered],
) -> Vec<crate::render::search::Entry<'a>> {
    model
        .tree
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let summary = model.summary(i, &bodies[i]);
            let mut fields = String::new();
            if let Ok(data) = serde_json::to_value(&p.data) {
                crate::render::search::field_text(&data, &mut fields);
            }
            crate::render::search::Entry {
                title: summary.title,
                url: summary.url,
                description: summary.description,
                kind: p.jenis().label(),
                excerpt: crate::render::site::Excerpt::of(&bodies[i].plain, 300),
                fields,
                body: &bodies[i].plain,
            }
        })
        .collect()
}

fn agency(model: &Model<'_>) -> Value {
    let c = &model.site.config;
    json!({
        "nama_resmi": c.nama_resmi,
        "singkatan": model.ctx.singkatan,
        "host": model.site.fqdn,
        "url": model.absolute(&model.ctx.urls.home),
        "daerah": model.config.region.name,
    })
}

/// `layanan.json`: every service standard with its components.
pub fn layanan_json(model: &Model<'_>) -> Vec<u8> {
    let idx = model.sorted_of(Kind::StandarPelayanan, SortBy::Weight);
    let channels = &model.site.config.kanal_pengaduan;
    let items: Vec<Value> = idx
        .iter()
        .filter_map(|&i| {
            let p = &model.tree.pages[i];
            let KindData::StandarPelayanan(sp) = &p.data else {
                return None;
            };
            let mut v = serde_json::to_value(sp).unwrap_or(Value::Null);
            if let Value::Object(map) = &mut v {
                map.insert("judul".into(), json!(p.title()));
                map.insert(
                    "url".into(),
                    json!(model.absolute(&model.links.url(&p.url_path))),
                );
                let kanal: Vec<Value> = sp
                    .pengaduan
                    .iter()
                    .map(|id| match channels.iter().find(|k| &k.id == id) {
                        Some(k) => serde_json::to_value(k).unwrap_or(Value::Null),
                        None => json!({ "id": id }),
                    })
                    .collect();
                map.insert("kanal_pengaduan".into(), Value::Array(kanal));
                map.insert(
                    "diperbarui".into(),
                    json!(p.common.updated.map(|d| d.iso_day())),
                );
            }
            Some(v)
        })
        .collect();
    pretty(
        &json!({ "schema": "laman/layanan/1", "penyelenggara": agency(model), "layanan": items }),
    )
}

/// `dip.json`: the Daftar Informasi Publik, without exempt rows.
pub fn dip_json(model: &Model<'_>) -> Vec<u8> {
    let mut rows: Vec<Value> = Vec::new();
    for i in model.indices_of(Kind::DaftarInformasiPublik) {
        let p = &model.tree.pages[i];
        if let KindData::DaftarInformasiPublik(d) = &p.data {
            for row in d.informasi.iter().filter(|r| !r.dikecualikan) {
                let mut v = serde_json::to_value(row).unwrap_or(Value::Null);
                if let (Value::Object(map), Some(t)) = (&mut v, &row.tautan) {
                    let url = model.links.resolve(t).unwrap_or_else(|| t.clone());
                    let abs = if url.starts_with('/') {
                        model.absolute(&url)
                    } else {
                        url
                    };
                    map.insert("tautan".into(), json!(abs));
                }
                if let Value::Object(map) = &mut v {
                    map.remove("dikecualikan");
                }
                rows.push(v);
            }
        }
    }
    pretty(&json!({ "schema": "laman/dip/1", "badan_publik": agency(model), "informasi": rows }))
}

/// `kontak.json`: the agency's contact data.
pub fn kontak_json(model: &Model<'_>) -> Vec<u8> {
    let c = &model.site.config;
    pretty(&json!({
        "schema": "laman/kontak/1",
        "penyelenggara": agency(model),
        "alamat": c.alamat,
        "alamat_lengkap": model.ctx.alamat,
        "telepon": c.telepon,
        "email": c.email,
        "jam_layanan": c.jam_layanan,
        "ppid": c.ppid,
        "kanal_pengaduan": c.kanal_pengaduan,
    }))
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_default();
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_escapes_the_five() {
        assert_eq!(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
    }
}
