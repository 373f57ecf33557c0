//! `laman build`: output layout, content features, and every bad input the
//! build must report with file, line and column (issue: laman build).

use laman::build::SiteStatus;
use laman::output::Manifest;
use laman::{Lang, Localize};
use sha2::Digest;

use crate::support::*;

const ALPHA: &str = "alpha.contohkab.go.id";
const BETA: &str = "beta.contohkab.go.id";

#[test]
fn builds_every_site_into_its_host_folder_with_a_manifest() {
    let p = Project::fixture("minimal");
    let r = p.build();
    assert!(findings(&r).is_empty(), "{:#?}", findings(&r));
    assert!(r.sites.iter().all(|s| s.status == SiteStatus::Built));
    for rel in [
        "index.html",
        "profil/index.html",
        "layanan/index.html",
        "layanan/izin/index.html",
        "berita/index.html",
        "berita/berita-1/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        ".well-known/security.txt",
        "_headers",
        "_redirects",
        "atom.xml",
        "cari/index.html",
        "cari/indeks.json",
        "layanan.json",
        "dip.json",
        "kontak.json",
        "assets/laman.css",
        "gambar/gedung.png",
    ] {
        assert!(p.has_output(ALPHA, rel), "missing {rel}");
    }
    assert!(p.has_output(BETA, "profil/index.html"));

    let manifest: Manifest = serde_json::from_str(
        &std::fs::read_to_string(p.path("public/sites.json")).expect("sites.json"),
    )
    .expect("json");
    assert_eq!(manifest.release, r.release);
    assert!(manifest.release.starts_with("20261123T010000Z-"));
    let hosts: Vec<_> = manifest.hosts.iter().map(|h| h.host.as_str()).collect();
    assert_eq!(hosts, [ALPHA, BETA]);
    assert_eq!(manifest.other_hosts[0].host, "lpse.contohkab.go.id");
    // Every listed file exists with the listed size and hash, and nothing is unlisted.
    for h in &manifest.hosts {
        let on_disk = walkdir::WalkDir::new(p.path("public").join(&h.host))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .count();
        assert_eq!(on_disk, h.files.len(), "{}", h.host);
        for f in &h.files {
            let bytes =
                std::fs::read(p.path("public").join(&h.host).join(&f.path)).expect("listed file");
            assert_eq!(bytes.len() as u64, f.size, "{}", f.path);
            assert_eq!(
                laman::output::hex(&sha2::Sha256::digest(&bytes)),
                f.sha256,
                "{}",
                f.path
            );
        }
    }
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let p = Project::fixture("minimal");
    p.build();
    assert!(!p.has_output(ALPHA, "layanan/rahasia/index.html"));
    let mut o = p.options();
    o.drafts = true;
    laman::build::build(&o).expect("build");
    assert!(p.has_output(ALPHA, "layanan/rahasia/index.html"));
}

#[test]
fn sections_are_sorted_by_date_and_paginated() {
    let p = Project::fixture("minimal");
    p.build();
    let first = p.output(ALPHA, "berita/index.html");
    let second = p.output(ALPHA, "berita/halaman/2/index.html");
    // paginate_by = 2, newest first: 3, 2 | 1.
    let pos = |s: &str, needle: &str| s.find(needle).unwrap_or(usize::MAX);
    assert!(pos(&first, "Berita 3") < pos(&first, "Berita 2"));
    assert!(!first.contains("Berita 1<"));
    assert!(second.contains("Berita 1"));
    assert!(first.contains("href=\"/berita/halaman/2/\""), "next link");
    assert!(second.contains("href=\"/berita/\""), "prev link");
}

#[test]
fn internal_links_and_heading_anchors_are_resolved() {
    let p = Project::fixture("minimal");
    p.build();
    let profil = p.output(ALPHA, "profil/index.html");
    assert!(
        profil.contains("href=\"/layanan/izin/#persyaratan\""),
        "{profil}"
    );
    assert!(profil.contains("<h2 id=\"sejarah\">Sejarah</h2>"));
    assert!(profil.contains("alt=\"Gedung Dinas Alfa\""));
    let home = p.output(BETA, "index.html");
    assert!(home.contains("href=\"/profil/\""));
}

#[test]
fn yaml_front_matter_is_accepted() {
    let p = Project::fixture("minimal");
    p.build();
    let profil = p.output(BETA, "profil/index.html");
    assert!(profil.contains("Profil Badan Beta"));
    assert!(profil.contains("Urusan beta."));
}

#[test]
fn aliases_write_redirect_pages_and_netlify_rules() {
    let p = Project::fixture("minimal");
    p.build();
    let page = p.output(ALPHA, "tentang-kami/index.html");
    assert!(
        page.contains("https://alpha.contohkab.go.id/profil/"),
        "{page}"
    );
    assert!(page.contains("http-equiv=\"refresh\""));
    assert_eq!(
        p.output(ALPHA, "_redirects"),
        "/tentang-kami/ /profil/ 301\n"
    );
}

#[test]
fn feeds_sitemap_and_exports_are_well_formed() {
    let p = Project::fixture("minimal");
    p.build();
    let atom = p.output(ALPHA, "atom.xml");
    assert_eq!(atom.matches("<entry>").count(), 3);
    assert!(
        atom.contains("<published>2026-09-13T00:00:00+07:00</published>"),
        "{atom}"
    );
    let sitemap = p.output(ALPHA, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://alpha.contohkab.go.id/layanan/izin/</loc>"));
    assert!(
        !sitemap.contains("tentang-kami"),
        "aliases are not in the sitemap"
    );
    assert_eq!(
        p.output(ALPHA, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://alpha.contohkab.go.id/sitemap.xml\n"
    );
    assert_eq!(
        p.output(ALPHA, ".well-known/security.txt"),
        "Contact: mailto:csirt@contohkab.go.id\nExpires: 2027-05-22T01:00:00Z\nPreferred-Languages: id, en\nCanonical: https://alpha.contohkab.go.id/.well-known/security.txt\n"
    );
    let layanan: serde_json::Value =
        serde_json::from_str(&p.output(ALPHA, "layanan.json")).expect("json");
    let item = &layanan["layanan"][0];
    assert_eq!(item["judul"], "Izin Contoh");
    assert_eq!(item["biaya_rp"], 0);
    assert_eq!(item["jangka_waktu"]["satuan"], "hari kerja");
    assert_eq!(item["kanal_pengaduan"][0]["url"], "https://www.lapor.go.id");
    let index: serde_json::Value =
        serde_json::from_str(&p.output(ALPHA, "cari/indeks.json")).expect("json");
    assert!(
        index["p"]
            .as_array()
            .expect("array")
            .iter()
            .any(|e| e["u"] == "/layanan/izin/")
    );
    let headers = p.output(ALPHA, "_headers");
    assert!(headers.contains("X-Content-Type-Options: nosniff"));
}

/// A site of `INDEX_AFTER_PAGES` pages or more has its search index made
/// after its pages, not beside them (peak memory, #14): the index is still
/// written, with every page, and is what a small site's way gives.
#[test]
fn a_large_sites_search_index_is_made_after_its_pages_and_has_every_page() {
    let p = Project::fixture("minimal");
    let pages_of_beta = |r: &laman::build::BuildReport| {
        r.sites
            .iter()
            .find(|s| s.slug == "beta")
            .expect("beta")
            .pages
    };
    // Exactly on the line: the fixture's own pages and n more.
    let n = laman::render::pipeline::INDEX_AFTER_PAGES - pages_of_beta(&p.build());
    for i in 0..n {
        p.write(
            &format!("sites/beta/content/arsip/h{i}.md"),
            format!("+++\ntitle = \"Arsip {i}\"\n+++\nCatatan pelayanan nomor {i}.\n"),
        );
    }
    let r = p.build();
    assert!(r.sites.iter().all(|s| s.status == SiteStatus::Built));
    assert_eq!(
        pages_of_beta(&r),
        laman::render::pipeline::INDEX_AFTER_PAGES
    );
    let large = p.output(BETA, "cari/indeks.json");
    let index: serde_json::Value = serde_json::from_str(&large).expect("json");
    let urls: std::collections::HashSet<&str> = index["p"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|e| e["u"].as_str())
        .collect();
    for i in 0..n {
        assert!(urls.contains(format!("/arsip/h{i}/").as_str()), "h{i}");
    }
    // The same pages less one are below the line: the index beside the
    // pages has the same bytes but for that page.
    p.remove(&format!("sites/beta/content/arsip/h{}.md", n - 1));
    assert_eq!(
        pages_of_beta(&p.build()),
        laman::render::pipeline::INDEX_AFTER_PAGES - 1
    );
    let small = p.output(BETA, "cari/indeks.json");
    let last = format!("/arsip/h{}/", n - 1);
    let without: serde_json::Value = {
        let mut v = index.clone();
        v["p"]
            .as_array_mut()
            .expect("array")
            .retain(|e| e["u"] != last.as_str());
        v
    };
    let small: serde_json::Value = serde_json::from_str(&small).expect("json");
    assert_eq!(small["p"], without["p"]);
}

#[test]
fn the_menu_marks_one_entry_as_where_the_reader_is() {
    let p = Project::fixture("minimal");
    let toml = std::fs::read_to_string(p.path("sites/alpha/site.toml")).expect("site.toml");
    let menu = [
        ("Beranda", "@/_index.md"),
        ("Layanan", "@/layanan/_index.md"),
        ("Izin", "@/layanan/izin.md"),
        ("Berita", "@/berita/_index.md"),
    ]
    .iter()
    .map(|(judul, url)| format!("\n[[menu]]\njudul = \"{judul}\"\nurl = \"{url}\"\n"))
    .collect::<String>();
    p.write("sites/alpha/site.toml", format!("{toml}{menu}"));
    p.build();
    // The entries of the main menu that carry `aria-current`, with its value.
    let marked = |rel: &str| -> Vec<(String, String)> {
        let html = p.output(ALPHA, rel);
        let start = html.find("<nav class=\"menu\"").expect("a main menu");
        let nav = &html[start..start + html[start..].find("</nav>").expect("its end")];
        nav.split("<a href=\"")
            .skip(1)
            .filter_map(|a| {
                let (href, rest) = a.split_once('"')?;
                let aria = rest.strip_prefix(" aria-current=\"")?.split_once('"')?.0;
                Some((href.to_string(), aria.to_string()))
            })
            .collect()
    };
    let one = |url: &str, aria: &str| vec![(url.to_string(), aria.to_string())];
    assert_eq!(marked("index.html"), one("/", "page"));
    assert_eq!(marked("layanan/index.html"), one("/layanan/", "page"));
    // Under two entries: the deeper one, the page itself.
    assert_eq!(
        marked("layanan/izin/index.html"),
        one("/layanan/izin/", "page")
    );
    assert_eq!(
        marked("berita/berita-1/index.html"),
        one("/berita/", "true")
    );
    // A list's later pages are its section's page.
    assert_eq!(
        marked("berita/halaman/2/index.html"),
        one("/berita/", "page")
    );
    assert_eq!(
        marked("profil/index.html"),
        vec![],
        "not in the menu, under the home only"
    );
    // The search page is its own page, not the home it is made from.
    assert_eq!(marked("cari/index.html"), vec![]);
}

#[test]
fn site_templates_override_the_theme() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Khusus: {{ page.title }}</h1>{% endblock main %}",
    );
    p.write("sites/beta/content/lain.md", "+++\ntitle = \"Lain\"\n+++\n");
    let r = p.build();
    assert!(findings(&r).is_empty(), "{:#?}", findings(&r));
    assert!(
        p.output(BETA, "lain/index.html")
            .contains("<h1>Khusus: Lain</h1>")
    );
    // Kind templates extend page.html, so the override reaches them too.
    assert!(
        p.output(BETA, "profil/index.html")
            .contains("<h1>Khusus: Profil Badan Beta</h1>")
    );
    assert!(
        !p.output(ALPHA, "index.html").contains("Khusus"),
        "other sites keep the theme"
    );
}

// ---------------------------------------------------------------------------
// Bad input: each gets its own finding, located, in Indonesian and English.

fn broken_page(rel: &str, text: &str) -> (Project, laman::build::BuildReport) {
    let p = Project::fixture("minimal");
    p.write(rel, text);
    let r = p.build();
    (p, r)
}

#[test]
fn malformed_toml_front_matter_is_located() {
    let (_, r) = broken_page(
        "sites/alpha/content/rusak.md",
        "+++\ntitle = \"Rusak\"\ndescription = \"tanpa tutup\n+++\n",
    );
    let d = only_finding(&r);
    assert_eq!(d.code, "META-002");
    // toml notices the unterminated string at the end of its line; the
    // editor is shown the quote that opens it.
    assert_eq!(d.location.to_string(), "sites/alpha/content/rusak.md:3:15");
    assert_eq!(
        d.text(Lang::Id),
        "teks `description` dibuka dengan tanda kutip di sini tetapi tidak ditutup"
    );
    assert_eq!(
        d.text(Lang::En),
        "the text of `description` opens with a quote here but is never closed"
    );
}

#[test]
fn malformed_yaml_front_matter_is_located() {
    let (_, r) = broken_page(
        "sites/alpha/content/rusak.md",
        "---\ntitle: Rusak\n  jenis: profil\n---\n",
    );
    let d = only_finding(&r);
    assert_eq!(d.code, "META-002");
    assert_eq!(
        d.location.path.to_str(),
        Some("sites/alpha/content/rusak.md")
    );
    assert_eq!(d.location.line, Some(3));
    assert!(
        d.text(Lang::Id)
            .starts_with("front matter bukan YAML yang sah: "),
        "{}",
        d.text(Lang::Id)
    );
}

#[test]
fn unknown_key_is_named_with_the_keys_that_exist() {
    let (_, r) = broken_page(
        "sites/alpha/content/visi.md",
        "+++\ntitle = \"Visi\"\njenis = \"visi-misi\"\nvisi = \"Maju\"\nmisii = [\"a\"]\n+++\n",
    );
    let d = only_finding(&r);
    assert_eq!(
        human(d, Lang::Id),
        "galat[META-002]: kunci `misii` tidak dikenal di front matter\n  --> sites/alpha/content/visi.md:5:1\n   |\n 5 | misii = [\"a\"]\n   | ^^^^^\n  = saran: mungkin maksudnya `misi`?\n"
    );
    assert_eq!(
        human(d, Lang::En).lines().next(),
        Some("error[META-002]: unknown key `misii` in front matter")
    );
}

#[test]
fn wrong_type_says_what_was_expected() {
    let (_, r) = broken_page(
        "sites/alpha/content/layanan/kir.md",
        "+++\ntitle = \"KIR\"\njenis = \"standar-pelayanan\"\nbiaya_rp = \"gratis\"\n+++\n",
    );
    let d = only_finding(&r);
    assert_eq!(
        d.location.to_string(),
        "sites/alpha/content/layanan/kir.md:4:12"
    );
    assert_eq!(
        d.text(Lang::Id),
        "`biaya_rp` harus bilangan bulat tidak negatif, tertulis teks \"gratis\""
    );
    assert_eq!(
        d.text(Lang::En),
        "`biaya_rp` must be a whole number (0 or more), found string \"gratis\""
    );
}

#[test]
fn unknown_jenis_suggests_the_nearest_kind() {
    let (_, r) = broken_page(
        "sites/alpha/content/layanan/kir.md",
        "+++\ntitle = \"KIR\"\njenis = \"standar-layanan\"\n+++\n",
    );
    let d = only_finding(&r);
    assert_eq!(
        human(d, Lang::Id),
        "galat[META-002]: jenis halaman `standar-layanan` tidak dikenal\n  --> sites/alpha/content/layanan/kir.md:3:1\n   |\n 3 | jenis = \"standar-layanan\"\n   | ^^^^^\n  = saran: mungkin maksudnya `standar-pelayanan`? Daftar jenis ada di docs/panduan-editor.md\n"
    );
}

#[test]
fn invalid_date_is_located_at_the_value() {
    let (_, r) = broken_page(
        "sites/alpha/content/berita/salah.md",
        "+++\ntitle = \"Salah\"\njenis = \"berita\"\ndate = \"2026-02-30\"\n+++\n",
    );
    let d = only_finding(&r);
    assert_eq!(
        d.location.to_string(),
        "sites/alpha/content/berita/salah.md:4:8"
    );
    assert_eq!(
        d.text(Lang::Id),
        "tanggal `date` = `2026-02-30` tidak ada di kalender"
    );
    assert_eq!(
        d.text(Lang::En),
        "the date `date` = `2026-02-30` does not exist"
    );
}

#[test]
fn invalid_toml_date_literal_is_a_syntax_error_at_the_value() {
    let (_, r) = broken_page(
        "sites/alpha/content/berita/salah.md",
        "+++\ntitle = \"Salah\"\ndate = 2026-13-01\n+++\n",
    );
    let d = only_finding(&r);
    assert_eq!(d.code, "META-002");
    assert_eq!(d.location.line, Some(3));
}

#[test]
fn non_utf8_content_is_located_at_the_first_bad_byte() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/alpha/content/latin1.md",
        b"+++\ntitle = \"Caf\xe9\"\n+++\n",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(
        human(d, Lang::Id),
        "galat[SUMBER-001]: isi berkas bukan teks UTF-8\n  --> sites/alpha/content/latin1.md:2:13\n  = saran: simpan ulang berkas sebagai UTF-8 di penyunting teks\n"
    );
}

#[test]
fn non_utf8_file_name_is_reported_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let p = Project::fixture("minimal");
    let name = std::ffi::OsStr::from_bytes(b"berita-\xff.md");
    std::fs::write(
        p.path("sites/alpha/content").join(name),
        "+++\ntitle = \"x\"\n+++\n",
    )
    .expect("write");
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(d.code, "SUMBER-002");
    assert_eq!(
        d.location.to_string(),
        "sites/alpha/content/berita-\u{fffd}.md"
    );
    assert_eq!(d.text(Lang::En), "file name is not UTF-8");
}

#[test]
fn missing_template_names_the_template_and_the_key() {
    let (_, r) = broken_page(
        "sites/alpha/content/khusus.md",
        "+++\ntitle = \"Khusus\"\ntemplate = \"tidak-ada.html\"\n+++\n",
    );
    let d = only_finding(&r);
    assert_eq!(
        human(d, Lang::Id),
        "galat[TEMA-001]: templat `tidak-ada.html` tidak ditemukan\n  --> sites/alpha/content/khusus.md:3:1\n  = saran: periksa kunci `template` atau tambahkan templat di sites/<slug>/templates/\n"
    );
}

#[test]
fn broken_site_template_is_located_by_line_and_fails_only_that_site() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title \n{% endblock main %}\n",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(d.code, "TEMA-002");
    assert_eq!(
        d.location.path.to_str(),
        Some("sites/beta/templates/page.html")
    );
    assert_eq!(d.location.line, Some(4));
    assert!(
        d.text(Lang::Id).starts_with("templat `page.html` rusak: "),
        "{}",
        d.text(Lang::Id)
    );
    let beta = r.sites.iter().find(|s| s.slug == "beta").expect("beta");
    assert_eq!(beta.status, SiteStatus::Failed);
    assert!(p.has_output(ALPHA, "index.html"), "alpha still builds");
    assert!(!p.path("public").join(BETA).exists());
}

#[test]
fn template_error_at_render_time_names_the_template() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/templates/khusus.html",
        "{{ page.tidak_ada.sama_sekali }}",
    );
    p.write(
        "sites/beta/content/k.md",
        "+++\ntitle = \"K\"\ntemplate = \"khusus.html\"\n+++\n",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(d.code, "TEMA-002");
    assert_eq!(d.location.to_string(), "sites/beta/content/k.md:3:1");
    assert!(
        d.text(Lang::En).contains("khusus.html"),
        "{}",
        d.text(Lang::En)
    );
}

#[test]
fn a_menu_template_is_made_once_per_mark_and_its_error_reported_once() {
    // A site's own menu.html (beta may override templates): each page gets
    // the menu with its mark.
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/templates/menu.html",
        "<li>menu {{ kini }} {{ kini_aria }}</li>",
    );
    p.write(
        "sites/beta/content/layanan/_index.md",
        "+++\ntitle = \"Layanan\"\n+++\n",
    );
    p.write(
        "sites/beta/content/layanan/kk.md",
        "+++\ntitle = \"KK\"\n+++\n",
    );
    p.write(
        "sites/beta/site.toml",
        format!(
            "{}\n[[menu]]\njudul = \"Beranda\"\nurl = \"@/_index.md\"\n\n[[menu]]\njudul = \"Layanan\"\nurl = \"@/layanan/_index.md\"\n",
            std::fs::read_to_string(p.path("sites/beta/site.toml")).expect("site.toml")
        ),
    );
    let r = p.build();
    assert!(findings(&r).is_empty(), "{:#?}", findings(&r));
    let menu = |rel: &str| {
        let html = p.output(BETA, rel);
        let at = html.find("<li>menu").expect("the site's menu");
        html[at..at + html[at..].find("</li>").expect("its end")].to_string()
    };
    assert_eq!(menu("index.html"), "<li>menu / page");
    assert_eq!(menu("layanan/kk/index.html"), "<li>menu /layanan/ true");
    assert_eq!(
        menu("profil/index.html"),
        "<li>menu  ",
        "none writes nothing"
    );
    assert_eq!(menu("404.html"), "<li>menu  ");

    // One that cannot be rendered: one finding, not one per page.
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/templates/menu.html",
        "{{ site.tidak_ada.sama_sekali }}",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(d.code, "TEMA-002");
    assert!(
        d.text(Lang::En).contains("menu.html"),
        "{}",
        d.text(Lang::En)
    );
    assert_eq!(
        d.location.path.to_str(),
        Some("sites/beta/templates/menu.html"),
        "the site's own file, not the theme's"
    );
}

#[test]
fn two_pages_writing_the_same_file_are_reported() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/alpha/content/kontak.md",
        "+++\ntitle = \"Kontak\"\n+++\n",
    );
    p.write(
        "sites/alpha/content/kontak/index.md",
        "+++\ntitle = \"Kontak juga\"\n+++\n",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(
        human(d, Lang::Id),
        "galat[KELUARAN-001]: halaman ini dan sites/alpha/content/kontak/index.md sama-sama menulis `kontak/index.html`\n  --> sites/alpha/content/kontak.md\n  = saran: ganti nama salah satu berkas atau hapus aliasnya\n"
    );
}

#[test]
fn an_alias_over_a_page_is_reported() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/alpha/content/lain.md",
        "+++\ntitle = \"Lain\"\naliases = [\"/profil/\"]\n+++\n",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(d.code, "KELUARAN-001");
    assert_eq!(d.location.to_string(), "sites/alpha/content/lain.md:3:13");
}

#[test]
fn a_site_without_any_index_page_still_builds() {
    let p = Project::fixture("minimal");
    p.remove("sites/alpha/content/_index.md");
    p.remove("sites/alpha/content/berita/_index.md");
    let r = p.build();
    assert!(findings(&r).is_empty(), "{:#?}", findings(&r));
    assert!(
        p.output(ALPHA, "index.html")
            .contains("Dinas Alfa Kabupaten Contoh")
    );
    assert!(p.output(ALPHA, "berita/index.html").contains("Berita 3"));
}

#[test]
fn a_page_may_not_take_a_generated_path() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/alpha/content/cari.md",
        "+++\ntitle = \"Cari\"\n+++\n",
    );
    let r = p.build();
    assert_eq!(only_finding(&r).code, "KELUARAN-001");
}

#[test]
fn broken_internal_link_is_located_at_the_link() {
    let (_, r) = broken_page(
        "sites/alpha/content/tautan.md",
        "+++\ntitle = \"Tautan\"\n+++\n\nBaca [aturan](@/peraturan.md) kami.\n",
    );
    let d = only_finding(&r);
    assert_eq!(
        human(d, Lang::Id),
        "galat[TAUTAN-001]: tautan internal `@/peraturan.md` menunjuk ke halaman yang tidak ada\n  --> sites/alpha/content/tautan.md:5:15\n  = saran: tulis jalur berkas di bawah content/, misalnya @/layanan/kir.md\n"
    );
}

#[test]
fn broken_link_in_front_matter_data_is_located() {
    let (_, r) = broken_page(
        "sites/alpha/content/_index.md",
        "+++\ntitle = \"Beranda\"\njenis = \"beranda\"\nsorotan = [{ judul = \"X\", url = \"@/hilang.md\" }]\n+++\n",
    );
    let d = only_finding(&r);
    assert_eq!(d.code, "TAUTAN-001");
    assert_eq!(d.location.to_string(), "sites/alpha/content/_index.md:4:34");
}

#[test]
fn symlink_out_of_the_site_is_refused() {
    let p = Project::fixture("minimal");
    let outside = p.path("rahasia.md");
    std::fs::write(&outside, "+++\ntitle = \"Rahasia\"\n+++\n").expect("write");
    std::os::unix::fs::symlink(&outside, p.path("sites/alpha/content/bocor.md")).expect("symlink");
    std::os::unix::fs::symlink("/etc", p.path("sites/alpha/static/etc")).expect("symlink");
    let r = p.build();
    let all = findings(&r);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert!(all.iter().all(|d| d.code == "SUMBER-003"));
    assert_eq!(all[0].location.to_string(), "sites/alpha/content/bocor.md");
    assert!(
        all[0]
            .text(Lang::Id)
            .starts_with("tautan simbolik menunjuk ke luar folder situs: ")
    );
    assert!(!p.path("public").join(ALPHA).exists() || !p.has_output(ALPHA, "bocor/index.html"));
}

#[test]
fn symlink_inside_the_site_is_followed() {
    let p = Project::fixture("minimal");
    std::os::unix::fs::symlink(
        p.path("sites/alpha/content/profil.md"),
        p.path("sites/alpha/content/tentang.md"),
    )
    .expect("symlink");
    p.remove("sites/alpha/content/profil.md");
    std::fs::write(
        p.path("sites/alpha/profil-asli.md"),
        "+++\ntitle = \"Asli\"\n+++\n",
    )
    .expect("write");
    std::fs::remove_file(p.path("sites/alpha/content/tentang.md")).expect("rm");
    std::os::unix::fs::symlink(
        p.path("sites/alpha/profil-asli.md"),
        p.path("sites/alpha/content/tentang.md"),
    )
    .expect("symlink");
    p.write(
        "sites/alpha/content/_index.md",
        "+++\ntitle = \"Beranda\"\n+++\n",
    );
    let r = p.build();
    assert!(findings(&r).is_empty(), "{:#?}", findings(&r));
    assert!(p.output(ALPHA, "tentang/index.html").contains("Asli"));
}

#[test]
fn invalid_subdomain_is_refused_by_rfc_1123() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/site.toml",
        "nama_resmi = \"Badan Beta\"\nsubdomain = \"badan_beta\"\n",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(
        human(d, Lang::Id),
        "galat[DOMAIN-007]: subdomain `badan_beta` tidak sah (RFC 1123)\n  --> sites/beta/site.toml:2:1\n  = saran: pakai huruf kecil a–z, angka dan tanda hubung (bukan di awal/akhir), maks. 63 karakter\n"
    );
    assert!(p.has_output(ALPHA, "index.html"));
}

#[test]
fn folder_name_must_be_a_valid_label_too() {
    let p = Project::fixture("minimal");
    std::fs::rename(p.path("sites/beta"), p.path("sites/Beta")).expect("rename");
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(d.code, "DOMAIN-007");
    assert_eq!(d.location.to_string(), "sites/Beta");
}

#[test]
fn duplicate_subdomain_is_refused() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/site.toml",
        "nama_resmi = \"Badan Beta\"\nsubdomain = \"alpha\"\n",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(
        human(d, Lang::En),
        "error[REGISTRI-001]: subdomain `alpha` is already used by sites/alpha/site.toml\n  --> sites/beta/site.toml:2:1\n  = help: each agency needs its own subdomain; change `subdomain` in site.toml\n"
    );
}

#[test]
fn site_may_not_take_a_registered_application_host() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/site.toml",
        "nama_resmi = \"Badan Beta\"\nsubdomain = \"lpse\"\n",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(d.code, "DOMAIN-007", "lpse is reserved for the regency");
}

#[test]
fn malformed_site_toml_is_located() {
    let p = Project::fixture("minimal");
    p.write(
        "sites/beta/site.toml",
        "nama_resmi = \"Badan Beta\"\ntelepon = 12345\n",
    );
    let r = p.build();
    let d = only_finding(&r);
    assert_eq!(d.code, "KONFIG-001");
    assert_eq!(d.location.to_string(), "sites/beta/site.toml:2:11");
}

#[test]
fn every_problem_is_reported_in_one_run_and_other_sites_still_build() {
    let p = Project::fixture("minimal");
    p.write("sites/alpha/content/a.md", "+++\ntitle = 1\n+++\n");
    p.write("sites/alpha/content/b.md", "+++\njudul = \"x\"\n+++\n");
    p.write("sites/alpha/content/c.md", "+++\n+++\n[x](@/hilang.md)\n");
    let r = p.build();
    let locations: Vec<String> = findings(&r)
        .iter()
        .map(|d| d.location.to_string())
        .collect();
    assert_eq!(
        locations,
        [
            "sites/alpha/content/a.md:2:9",
            "sites/alpha/content/b.md:2:1",
            "sites/alpha/content/c.md:3:5"
        ]
    );
    assert!(p.has_output(BETA, "index.html"), "beta is unaffected");
    assert!(
        !p.path("public").join(ALPHA).exists(),
        "a failed site is not written"
    );
}

#[test]
fn a_failed_site_keeps_its_previous_output_and_the_others_update() {
    let p = Project::fixture("minimal");
    p.build();
    let old_alpha = p.output(ALPHA, "profil/index.html");
    p.write(
        "sites/beta/content/baru.md",
        "+++\ntitle = \"Halaman Baru\"\n+++\n",
    );
    p.write(
        "sites/alpha/content/profil.md",
        "+++\ntitle = \"Profil\"\njenis = \"profil\"\nvisi = 1\n+++\n",
    );
    let r = p.build();
    let alpha = r.sites.iter().find(|s| s.slug == "alpha").expect("alpha");
    assert_eq!(alpha.status, SiteStatus::FailedKeptPrevious);
    assert_eq!(p.output(ALPHA, "profil/index.html"), old_alpha);
    assert!(p.has_output(BETA, "baru/index.html"));
    let manifest = laman::output::read_manifest(&p.path("public")).expect("manifest");
    let kept = manifest
        .hosts
        .iter()
        .find(|h| h.host == ALPHA)
        .expect("alpha listed");
    assert_eq!(kept.status, laman::output::HostStatus::Kept);
}

#[test]
fn building_one_site_keeps_the_others() {
    let p = Project::fixture("minimal");
    p.build();
    p.write("sites/beta/content/baru.md", "+++\ntitle = \"Baru\"\n+++\n");
    let mut o = p.options();
    o.only = vec!["beta".into()];
    let r = laman::build::build(&o).expect("build");
    assert_eq!(r.sites.len(), 1);
    assert!(p.has_output(ALPHA, "index.html"), "alpha kept");
    assert!(p.has_output(BETA, "baru/index.html"));
    let manifest = laman::output::read_manifest(&p.path("public")).expect("manifest");
    assert_eq!(manifest.hosts.len(), 2);
}

#[test]
fn unknown_site_on_the_command_line_is_an_error() {
    let p = Project::fixture("minimal");
    let out = p.cli(&["build", "gamma"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(out.stderr, "galat: tidak ada situs `gamma` di sites/\n");
}

#[test]
fn no_panic_on_odd_files() {
    let p = Project::fixture("minimal");
    for (i, text) in [
        "",
        "+++",
        "+++\n+++",
        "\u{feff}+++\ntitle = \"BOM\"\n+++\n",
        "+++\r\ntitle = \"CRLF\"\r\n+++\r\nisi\r\n",
        "---\n---\n",
        "---\n- a\n- b\n---\n",
        "+++\nweight = 99999999999999999999\n+++\n",
        "+++\njenis = 5\n+++\n",
        "+++\nextra = { a = 1979-05-27T07:32:00Z }\n+++\n",
        "[](@/)\n![](@/#x)\n# \n## {#}\n",
    ]
    .iter()
    .enumerate()
    {
        p.write(&format!("sites/beta/content/aneh-{i}.md"), text);
    }
    let r = p.build();
    // Some of these are errors, none may crash the build or stop alpha.
    assert!(p.has_output(ALPHA, "index.html"));
    assert!(
        findings(&r)
            .iter()
            .all(|d| d.location.path.starts_with("sites/beta"))
    );
}

// ---------------------------------------------------------------------------
// The command line.

#[test]
fn cli_exit_codes_follow_findings() {
    let p = Project::fixture("minimal");
    let ok = p.cli(&["build", "--no-rules"]);
    assert_eq!(ok.code, Some(0), "{}", ok.stderr);
    assert!(ok.stdout.contains("Selesai: 2/2 situs"), "{}", ok.stdout);
    p.write("sites/alpha/content/x.md", "+++\nx = 1\n+++\n");
    let bad = p.cli(&["build", "--no-rules", "--lang", "en"]);
    assert_eq!(bad.code, Some(1));
    assert!(
        bad.stderr.starts_with(
            "error[META-002]: unknown key `x` in front matter\n  --> sites/alpha/content/x.md:2:1\n"
        ),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stdout.contains("FAILED (previous version kept)"),
        "{}",
        bad.stdout
    );
    p.write("laman.toml", "[region]\nname = 1\n");
    let cannot = p.cli(&["build", "--no-rules"]);
    assert_eq!(cannot.code, Some(2));
    assert!(
        cannot.stderr.starts_with("galat[KONFIG-001]: "),
        "{}",
        cannot.stderr
    );
    assert!(
        cannot.stderr.contains("--> laman.toml:2:8"),
        "{}",
        cannot.stderr
    );
}

#[test]
fn cli_summary_lists_each_site() {
    let p = Project::fixture("minimal");
    let out = p.cli(&["build", "--no-rules", "--lang", "en"]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(lines[0].trim_start().starts_with("alpha.contohkab.go.id"));
    assert!(lines[0].contains(" pages "), "{}", lines[0]);
    assert!(
        lines[2].starts_with("Done: 2/2 sites, 10 pages, "),
        "{}",
        lines[2]
    );
}

#[test]
fn base_url_with_host_placeholder_changes_absolute_urls_only() {
    let p = Project::fixture("minimal");
    let out = p.cli(&[
        "build",
        "--no-rules",
        "--base-url",
        "http://{host}.localhost:1111",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        p.output(ALPHA, "sitemap.xml")
            .contains("<loc>http://alpha.contohkab.go.id.localhost:1111/profil/</loc>")
    );
    assert!(p.output(ALPHA, "index.html").contains("href=\"/profil/\""));
}

// ---------------------------------------------------------------------------
// The example regency and the page kinds.

/// Root-relative `href`/`src` targets of an HTML page.
fn local_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let v = &rest[..end];
            if v.starts_with('/') && !v.starts_with("//") {
                out.push(v.replace("&amp;", "&"));
            }
        }
    }
    out
}

#[test]
fn example_regency_builds_with_no_finding_and_no_broken_internal_link() {
    let p = Project::example();
    let r = p.build();
    assert!(findings(&r).is_empty(), "{:#?}", findings(&r));
    assert!(r.sites.len() >= 8, "at least 8 agencies");
    let public = p.path("public");
    let mut checked = 0;
    for site in &r.sites {
        let host = site.host.as_deref().expect("host");
        let root = public.join(host);
        for entry in walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
        {
            if entry.path().extension().and_then(|e| e.to_str()) != Some("html") {
                continue;
            }
            let html = std::fs::read_to_string(entry.path()).expect("read");
            assert!(
                html.contains("Situs contoh — bukan informasi resmi"),
                "banner on {}",
                entry.path().display()
            );
            for link in local_links(&html) {
                let (path, frag) = link
                    .split_once('#')
                    .map_or((link.as_str(), None), |(a, b)| (a, Some(b)));
                let path = path.split('?').next().unwrap_or(path);
                let mut file = root.join(path.trim_start_matches('/'));
                if path.ends_with('/') {
                    file = file.join("index.html");
                }
                assert!(
                    file.is_file(),
                    "{}: broken link {link}",
                    entry.path().display()
                );
                if let (Some(f), Some("html")) = (frag, file.extension().and_then(|e| e.to_str())) {
                    let target = std::fs::read_to_string(&file).expect("read target");
                    assert!(
                        target.contains(&format!("id=\"{f}\"")),
                        "{}: missing anchor {link}",
                        entry.path().display()
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "checked {checked} links");
}

#[test]
fn golden_page_of_every_kind() {
    use laman::content::kinds::Kind;
    use laman::scaffold;
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path();
    scaffold::init(root, laman::profile::Profile::Cianjur).expect("init");
    let config = laman::config::load(root).expect("laman.toml");
    let today = now().date_naive();
    scaffold::new_site(root, "contoh", &config, today).expect("new site");
    scaffold::new_page(
        root,
        "contoh",
        Kind::Berita,
        "berita/contoh-berita.md",
        today,
    )
    .expect("berita");
    scaffold::new_page(root, "contoh", Kind::Halaman, "tentang.md", today).expect("halaman");
    let mut o = laman::build::BuildOptions::new(root);
    o.now = now();
    o.rules = false;
    let r = laman::build::build(&o).expect("build");
    assert!(findings(&r).is_empty(), "{:#?}", findings(&r));
    let host = root.join("public/contoh.cianjurkab.go.id");
    let mut pages: Vec<(&str, String)> = scaffold::SITE_PAGES
        .iter()
        .map(|(rel, jenis, _)| (jenis.as_str(), rel.to_string()))
        .collect();
    pages.push(("halaman", "tentang.md".into()));
    let mut seen = std::collections::BTreeSet::new();
    for (jenis, rel) in pages {
        let url =
            laman::content::url_for_dir(rel.trim_end_matches(".md").trim_end_matches("_index"));
        let html =
            std::fs::read_to_string(host.join(url.trim_start_matches('/')).join("index.html"))
                .expect("page");
        let name = if jenis == "bagian" {
            format!("bagian-{}", rel.split('/').next().unwrap_or("x"))
        } else {
            jenis.to_string()
        };
        golden(&format!("kinds/{name}.html"), &main_element(&html));
        seen.insert(jenis);
    }
    for j in Kind::ALL {
        assert!(
            seen.contains(j.as_str()),
            "no golden page for {}",
            j.as_str()
        );
    }
}

#[test]
fn init_writes_the_profile_and_new_site_builds_cleanly() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_laman"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("laman")
    };
    let out = run(&["init", "--profile", "bogor"]);
    assert!(out.status.success());
    let toml = std::fs::read_to_string(dir.path().join("laman.toml")).expect("laman.toml");
    assert!(toml.contains("domain = \"bogorkab.go.id\""));
    assert!(toml.contains("Peraturan Bupati Bogor Nomor 11 Tahun 2015"));
    assert_eq!(
        run(&["init", "--profile", "bogor"]).status.code(),
        Some(2),
        "never overwrites"
    );
    assert_eq!(
        run(&["init", "--profile", "jakarta"]).status.code(),
        Some(2)
    );
    copy_tree(&repo().join("themes"), &dir.path().join("themes"));
    assert!(run(&["new", "site", "dinkes"]).status.success());
    assert!(
        run(&["new", "page", "dinkes", "standar-pelayanan", "layanan/sip"])
            .status
            .success()
    );
    let page = std::fs::read_to_string(dir.path().join("sites/dinkes/content/layanan/sip.md"))
        .expect("page");
    assert!(page.contains("jenis = \"standar-pelayanan\"") && page.contains("ISI: "));
    assert_eq!(
        run(&["new", "page", "dinkes", "standar-layanan", "x.md"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(run(&["new", "site", "Dinkes Baru"]).status.code(), Some(2));
    let built = run(&["build"]);
    // The placeholders are incomplete content: the rules say so (exit 1); the build still writes.
    assert_eq!(
        built.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(!String::from_utf8_lossy(&built.stdout).contains("GAGAL"));
    assert!(
        dir.path()
            .join("public/dinkes.bogorkab.go.id/layanan/sip/index.html")
            .is_file()
    );
}

/// The build log shows every error but only the first few warnings of one
/// rule per site, then counts the rest; `laman check` still lists them all.
#[test]
fn build_log_counts_repeated_warnings_instead_of_listing_them() {
    let p = Project::example_site("dinkes");
    for i in 0..5 {
        p.write(
            &format!("sites/dinkes/content/catatan-{i}.md"),
            format!("+++\ntitle = \"Catatan {i}\"\n+++\nIsi catatan {i}.\n"),
        );
    }
    let build = p.cli(&["build"]);
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    assert_eq!(
        build.stderr.matches("peringatan[MUTAKHIR-002]").count(),
        3,
        "{}",
        build.stderr
    );
    assert!(
        build.stderr.contains(
            "catatan: 2 peringatan MUTAKHIR-002 lain di dinkes.cianjurkab.go.id tidak ditampilkan; semua temuan: `laman check`"
        ),
        "{}",
        build.stderr
    );
    let check = p.cli(&["check"]);
    assert_eq!(
        check.stdout.matches("[MUTAKHIR-002]").count()
            + check.stderr.matches("[MUTAKHIR-002]").count(),
        5,
        "{}{}",
        check.stdout,
        check.stderr
    );
}

/// The W3C Nu Html Checker finds no error on any page of the example
/// regency (every kind of page of the default theme, 8 sites). Before, a
/// service page whose body had a "Biaya" heading held the ID `biaya` twice:
/// the theme's component and the editor's heading.
#[test]
fn the_nu_html_checker_finds_no_error_on_any_example_page() {
    let p = Project::example();
    let r = p.build();
    assert!(!r.has_errors(), "{:#?}", findings(&r));
    let errors = vnu_errors(&p.path("public"));
    assert!(
        errors.is_empty(),
        "Nu Html Checker errors:\n{}",
        errors.join("\n")
    );
}

/// Path → (inode, bytes) of every file under `dir`.
fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<String, (u64, Vec<u8>)> {
    use std::os::unix::fs::MetadataExt as _;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("inside")
                .to_string_lossy();
            let ino = e.metadata().expect("stat").ino();
            let bytes = std::fs::read(e.path()).expect("read");
            (rel.into_owned(), (ino, bytes))
        })
        .collect()
}

#[test]
fn a_rebuild_writes_only_the_files_whose_bytes_changed() {
    let p = Project::fixture("minimal");
    p.build();
    // Every file stamped with the manifest's own time, as a fast build
    // within one tick of the kernel's coarse clock leaves them ("racily
    // clean"): their bytes are compared, and the unchanged ones are still
    // linked, not written again.
    let public = p.path("public");
    let manifest = std::fs::metadata(public.join("sites.json"))
        .and_then(|m| m.modified())
        .expect("manifest time");
    for e in walkdir::WalkDir::new(&public) {
        let e = e.expect("walk");
        if e.file_type().is_file() && e.file_name() != "sites.json" {
            std::fs::File::options()
                .write(true)
                .open(e.path())
                .and_then(|f| f.set_modified(manifest))
                .expect("set time");
        }
    }
    let before = snapshot(&p.path("public"));
    p.edit(
        "sites/alpha/content/profil.md",
        "Dinas Alfa berdiri tahun 2020.",
        "Dinas Alfa berdiri tahun 2021.",
    );
    let mut o = p.options();
    o.now += chrono::Duration::days(1);
    let r = laman::build::build(&o).expect("build");
    assert!(findings(&r).is_empty(), "{:#?}", findings(&r));
    let after = snapshot(&p.path("public"));
    let mut written = Vec::new();
    for (rel, (ino, bytes)) in &after {
        match before.get(rel) {
            // An unchanged file is the previous one, linked: same inode.
            Some((old_ino, old)) if old == bytes => assert_eq!(ino, old_ino, "{rel} rewritten"),
            // A changed or new file is a new one: the old tree is never written into.
            Some((old_ino, _)) => {
                assert_ne!(ino, old_ino, "{rel} changed in place");
                written.push(rel.as_str());
            }
            None => written.push(rel.as_str()),
        }
    }
    // The page, what shows its text (the search index), and what carries
    // the build time or the release (security.txt, the manifest).
    assert!(
        written.contains(&format!("{ALPHA}/profil/index.html").as_str()),
        "{written:?}"
    );
    assert!(written.contains(&"sites.json"), "{written:?}");
    assert!(
        written.len() < after.len() / 4,
        "{} of {} files written: {written:?}",
        written.len(),
        after.len()
    );
    assert!(
        !written
            .iter()
            .any(|w| w.starts_with(BETA) && w.ends_with(".html")),
        "{written:?}"
    );
}

#[test]
fn a_file_changed_by_hand_in_the_output_is_written_again() {
    let p = Project::fixture("minimal");
    p.build();
    let good = p.output(ALPHA, "profil/index.html");
    let path = p.path("public").join(ALPHA).join("profil/index.html");
    // Same size, other bytes: only the file's time tells.
    let forged = good.replace("Dinas Alfa", "Dinas Xxxx");
    assert_eq!(forged.len(), good.len());
    std::fs::write(&path, &forged).expect("edit by hand");
    // Edited within the clock tick the manifest was written in: the file's
    // time equals the manifest's (made certain here, as it happens by
    // chance on a fast machine).
    let manifest = std::fs::metadata(p.path("public").join("sites.json"))
        .and_then(|m| m.modified())
        .expect("manifest time");
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(manifest))
        .expect("set time");
    p.build();
    assert_eq!(p.output(ALPHA, "profil/index.html"), good);
}

#[test]
fn a_reader_of_the_output_never_sees_two_builds_mixed() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let p = Project::fixture("minimal");
    p.build();
    let public = p.path("public");
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (public, stop) = (public.clone(), stop.clone());
        std::thread::spawn(move || {
            let (mut whole, mut cut) = (0u64, 0u64);
            while !stop.load(Ordering::Relaxed) {
                // One reading, pinned to one tree as a server holding the
                // folder open is: every file it lists has the listed bytes,
                // or is gone (the replaced tree is being removed) — never
                // another build's bytes.
                let Ok(dir) = std::fs::File::open(&public) else {
                    continue;
                };
                let read = |rel: &str| -> Option<Vec<u8>> {
                    use std::io::Read as _;
                    let fd = rustix::fs::openat(
                        &dir,
                        rel,
                        rustix::fs::OFlags::RDONLY,
                        rustix::fs::Mode::empty(),
                    )
                    .ok()?;
                    let mut bytes = Vec::new();
                    std::fs::File::from(fd).read_to_end(&mut bytes).ok()?;
                    Some(bytes)
                };
                let Some(m) = read("sites.json") else {
                    cut += 1;
                    continue;
                };
                let m: Manifest = serde_json::from_slice(&m).expect("a complete manifest");
                let mut complete = true;
                for h in &m.hosts {
                    for f in &h.files {
                        match read(&format!("{}/{}", h.host, f.path)) {
                            Some(bytes) => assert_eq!(
                                laman::output::hex(&sha2::Sha256::digest(&bytes)),
                                f.sha256,
                                "{}/{} is not the bytes of release {}",
                                h.host,
                                f.path,
                                m.release
                            ),
                            None => complete = false,
                        }
                    }
                }
                if complete { whole += 1 } else { cut += 1 }
            }
            (whole, cut)
        })
    };
    for i in 0..12 {
        p.edit(
            "sites/alpha/content/profil.md",
            &format!("Dinas Alfa berdiri tahun {}.", 2020 + i),
            &format!("Dinas Alfa berdiri tahun {}.", 2021 + i),
        );
        let mut o = p.options();
        o.now += chrono::Duration::minutes(i);
        laman::build::build(&o).expect("build");
    }
    stop.store(true, Ordering::Relaxed);
    let (whole, _cut) = reader.join().expect("the reader saw no mix");
    assert!(whole > 0, "the reader read the output at least once");
}

/// Emergency numbers on a siaga-darurat page are tap-to-call (#13, item 1):
/// each `nomor_darurat` is a `tel:` link with only digits and `+`, shown
/// before the warning and evacuation steps.
#[test]
fn emergency_numbers_are_tap_to_call() {
    let p = Project::example_site("kec-cibeber");
    let r = p.build();
    assert!(!r.has_errors(), "{:#?}", findings(&r));
    let html = std::fs::read_to_string(
        p.path("public/kec-cibeber.cianjurkab.go.id/siaga-darurat/index.html"),
    )
    .expect("siaga-darurat page");
    for (href, shown) in [
        ("tel:119", ">119</a>"),
        ("tel:113", ">113</a>"),
        ("tel:02630000119", ">(0263) 000-0119</a>"),
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\"")) && html.contains(shown),
            "{href} in {html}"
        );
    }
    let numbers = html.find("Nomor darurat").expect("heading");
    let steps = html.find("Peringatan dini</h2>").expect("steps");
    assert!(numbers < steps, "the numbers come first");
}

/// An editor's phone number is data, never markup or another link scheme:
/// a `telepon` that tries to close the attribute, open a script or switch to
/// `javascript:` stays escaped text inside a `tel:` link.
#[test]
fn a_hostile_phone_number_stays_inside_its_tel_link() {
    let p = Project::example_site("kec-cibeber");
    p.edit(
        "sites/kec-cibeber/content/siaga-darurat.md",
        "telepon = \"113\"",
        "telepon = \"javascript:alert(1)\\\"><script>alert(2)</script><a href=\\\"x\"",
    );
    let r = p.build();
    assert!(!r.has_errors(), "{:#?}", findings(&r));
    let html = std::fs::read_to_string(
        p.path("public/kec-cibeber.cianjurkab.go.id/siaga-darurat/index.html"),
    )
    .expect("siaga-darurat page");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("href=\"javascript"), "{html}");
    assert!(!html.contains("href=\"x\""), "{html}");
    assert!(
        html.contains("href=\"tel:javascript:alert1&quot;&gt;&lt;script&gt;"),
        "{html}"
    );
}

/// The schema.org nodes of one output page's JSON-LD block.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let open = "<script type=\"application/ld+json\">";
    let start = html.find(open).expect("a JSON-LD block") + open.len();
    let end = start + html[start..].find("</script>").expect("end of block");
    let v: serde_json::Value = serde_json::from_str(&html[start..end]).expect("JSON");
    v["@graph"].as_array().expect("@graph").clone()
}

/// The place of a service page's `GovernmentService` node.
fn service_location(p: &Project, page: &str) -> serde_json::Value {
    let html = p.output(
        "dinkes.cianjurkab.go.id",
        &format!("layanan/{page}/index.html"),
    );
    let graph = json_ld(&html);
    let svc = graph
        .iter()
        .find(|n| n["@type"] == "GovernmentService")
        .unwrap_or_else(|| panic!("{page}: no GovernmentService in {graph:#?}"));
    svc["availableChannel"]["serviceLocation"].clone()
}

/// Opening hours in a service page's JSON-LD are schema.org's
/// `openingHours` read from the editor's text (#13): the page's own
/// `jam_layanan`, else the site's; a text that cannot be read exactly
/// gives no hours at all (never a guess), and the page still shows it.
#[test]
fn service_json_ld_carries_opening_hours_read_from_the_editors_text() {
    let p = Project::example_site("dinkes");
    p.edit(
        "sites/dinkes/content/layanan/slhs-depot-air-minum.md",
        "ditinjau = 2026-08-10\n+++",
        "ditinjau = 2026-08-10\njam_layanan = \"Senin - Kamis: 08.00 - 15.00, Jumat: 08.00 - 11.00\"\n+++",
    );
    let r = p.build();
    assert!(!r.has_errors(), "{:#?}", findings(&r));

    let slhs = service_location(&p, "slhs-depot-air-minum");
    assert_eq!(
        slhs["openingHours"],
        serde_json::json!(["Mo-Th 08:00-15:00", "Fr 08:00-11:00"]),
        "{slhs:#}"
    );
    // "24 jam setiap hari, termasuk hari libur": every day, all day.
    let psc = service_location(&p, "ambulans-gawat-darurat-psc-119");
    assert_eq!(psc["openingHours"], "Mo-Su", "{psc:#}");

    // The site's text ends in a remark ("PSC 119 melayani 24 jam setiap
    // hari"): no structured hours, the text stays on the page.
    let sip = service_location(&p, "rekomendasi-sip-tenaga-kesehatan");
    assert!(sip.get("openingHours").is_none(), "{sip:#}");
    assert!(sip["name"].is_string(), "the place is still there: {sip:#}");
    let html = p.output(
        "dinkes.cianjurkab.go.id",
        "layanan/rekomendasi-sip-tenaga-kesehatan/index.html",
    );
    assert!(
        html.contains("Senin–Kamis 08.00–15.30 WIB, Jumat 08.00–14.30 WIB; PSC 119 melayani 24 jam setiap hari"),
        "the editor's text is shown"
    );
}

/// Path → bytes of every file under `dir`.
fn bytes_of(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    snapshot(dir)
        .into_iter()
        .map(|(rel, (_, bytes))| (rel, bytes))
        .collect()
}

/// #14, item 3: a build over the previous output (its spare tree and the
/// render memo: pages whose template input did not change are not
/// rendered) writes the very bytes a build from nothing writes, after every
/// kind of edit; and after an edit of one page's body, every other page of
/// that site comes from the memo.
#[test]
fn an_incremental_build_writes_what_a_build_from_nothing_writes() {
    let p = Project::example();
    const DINKES: &str = "sites/dinkes";
    let news = format!("{DINKES}/content/berita/bulan-vitamin-a-februari-2026.md");
    type Edit<'a> = Box<dyn Fn(&Project) + 'a>;
    let edits: Vec<(&str, Edit)> = vec![
        ("nothing", Box::new(|_| {})),
        (
            "one page's body",
            Box::new(|p| {
                let text = std::fs::read_to_string(p.path(&news)).expect("news");
                p.write(&news, format!("{text}\nKalimat tambahan untuk diuji.\n"));
            }),
        ),
        (
            "a title",
            Box::new(|p| {
                p.edit(
                    &format!("{DINKES}/content/profil.md"),
                    "title = \"Profil Dinas Kesehatan\"",
                    "title = \"Profil Dinas Kesehatan Cianjur\"",
                )
            }),
        ),
        (
            "a new page linked from another",
            Box::new(|p| {
                p.write(
                    &format!("{DINKES}/content/berita/baru.md"),
                    "+++\ntitle = \"Berita baru\"\ndate = 2026-11-20\njenis = \"berita\"\n+++\n\nIsi berita baru.\n",
                );
                // From the news (a page of the feed, whose body is always
                // rendered) and from the profile (whose body the memo keeps).
                for page in [news.clone(), format!("{DINKES}/content/profil.md")] {
                    let text = std::fs::read_to_string(p.path(&page)).expect("page");
                    p.write(
                        &page,
                        format!("{text}\nLihat juga [berita baru](@/berita/baru.md).\n"),
                    );
                }
            }),
        ),
        // The section's pages show its title (their breadcrumbs): they are
        // rendered again with the bodies the memo keeps, made from their
        // Markdown then, which the build still holds for them (#14).
        (
            "a section's title",
            Box::new(|p| {
                p.edit(
                    &format!("{DINKES}/content/layanan/_index.md"),
                    "title = \"Layanan\"",
                    "title = \"Layanan Publik\"",
                )
            }),
        ),
        (
            "site.toml's menu",
            Box::new(|p| {
                p.edit(
                    &format!("{DINKES}/site.toml"),
                    "judul = \"Beranda\"",
                    "judul = \"Halaman Depan\"",
                )
            }),
        ),
        (
            "a template",
            Box::new(|p| {
                p.edit(
                    "themes/default/templates/base.html",
                    "<main id=\"isi\" tabindex=\"-1\">",
                    "<main id=\"isi\" tabindex=\"-1\" data-tema=\"2\">",
                )
            }),
        ),
        (
            "laman.toml",
            Box::new(|p| {
                p.edit(
                    "laman.toml",
                    "name = \"Kabupaten Cianjur\"",
                    "name = \"Kabupaten  Cianjur\"",
                )
            }),
        ),
        // The profile's body is the memo's while its `@/` link finds the
        // same page: with that page gone it is rendered again, and its
        // broken link is found (an error: the site keeps its last output).
        (
            "a linked page removed",
            Box::new(|p| p.remove(&format!("{DINKES}/content/berita/baru.md"))),
        ),
        (
            "a broken link removed",
            Box::new(|p| {
                for page in [news.clone(), format!("{DINKES}/content/profil.md")] {
                    p.edit(&page, "\nLihat juga [berita baru](@/berita/baru.md).\n", "");
                }
            }),
        ),
    ];
    let with_rules = p.options_with_rules();
    let build = || laman::build::build(&with_rules).expect("build");
    build();
    for (n, (what, edit)) in edits.iter().enumerate() {
        edit(&p);
        let r = build();
        let mut fresh = with_rules.clone();
        fresh.out = p.path(&format!("fresh-{n}"));
        let f = laman::build::build(&fresh).expect("build from nothing");
        // A site that fails keeps its last output where there is one.
        let status = |s: &laman::build::SiteReport| match s.status {
            SiteStatus::FailedKeptPrevious => SiteStatus::Failed,
            other => other,
        };
        assert_eq!(
            r.sites
                .iter()
                .map(|s| (&s.slug, status(s)))
                .collect::<Vec<_>>(),
            f.sites
                .iter()
                .map(|s| (&s.slug, status(s)))
                .collect::<Vec<_>>(),
            "after {what}"
        );
        let failed: Vec<String> = f
            .sites
            .iter()
            .filter(|s| s.status == SiteStatus::Failed)
            .filter_map(|s| Some(format!("{}/", s.host.as_ref()?)))
            .collect();
        // (and the manifests list it as kept: compared are the other hosts).
        let built = |mut files: std::collections::BTreeMap<String, Vec<u8>>| {
            files.retain(|rel, _| {
                failed.is_empty()
                    || rel.contains('/') && !failed.iter().any(|h| rel.starts_with(h.as_str()))
            });
            files
        };
        let (incremental, whole) = (
            built(bytes_of(&p.path("public"))),
            built(bytes_of(&fresh.out)),
        );
        assert_eq!(
            incremental.keys().collect::<Vec<_>>(),
            whole.keys().collect::<Vec<_>>(),
            "after {what}: other files"
        );
        for (rel, bytes) in &whole {
            assert!(incremental[rel] == *bytes, "after {what}: {rel} differs");
        }
        // The same findings: those of the kept pages come from the facts
        // the memo remembered of their bytes, not from reading them again.
        for (a, b) in r.sites.iter().zip(&f.sites) {
            assert_eq!(a.diagnostics, b.diagnostics, "after {what}: {}", a.slug);
        }
        let dinkes = r.sites.iter().find(|s| s.slug == "dinkes").expect("dinkes");
        match *what {
            // The build from nothing before it had no output to keep files
            // from, so it made no memo (its keys would serve nothing); this
            // one, over an output, makes it.
            "nothing" => assert_eq!(dinkes.remembered, 0, "after {what}"),
            // Every page but the edited one, and every list page: the
            // news page has a description, so no list shows its body
            // (section pages are list pages, not pages).
            "one page's body" => {
                assert_eq!(
                    dinkes.remembered,
                    dinkes.pages - 1 - sections(&p) + list_pages(&p),
                    "after {what}"
                );
                // From Markdown: the pages the feed shows (every news page,
                // the edited one among them) and the section pages; every
                // other body is the memo's.
                let news = std::fs::read_dir(p.path(&format!("{DINKES}/content/berita")))
                    .expect("berita")
                    .filter(|e| e.as_ref().is_ok_and(|e| e.file_name() != "_index.md"))
                    .count();
                assert_eq!(dinkes.markdown, news + sections(&p), "after {what}");
            }
            // The `site` context or the templates changed: nothing is kept,
            // so every body is rendered from Markdown again.
            "site.toml's menu" | "a template" | "laman.toml" => {
                assert_eq!(dinkes.remembered, 0, "after {what}");
                assert_eq!(dinkes.markdown, dinkes.pages, "after {what}");
            }
            _ => assert!(dinkes.remembered > 0, "after {what}"),
        }
    }
}

/// A page the render memo keeps is not read back and scanned again: the
/// rules get the facts the memo remembered of its bytes (#14). The output
/// folder is Diskominfo's: a file whose manifest entry and time say it
/// still has the bytes a build wrote is trusted, as it already was to be
/// kept. So a link changed in a kept file behind laman's back, the same
/// length and the old time, is not seen; read again, it would be a broken
/// link (TAUTAN-002).
#[test]
fn a_kept_page_is_not_read_again_for_its_facts() {
    let p = Project::example();
    let with_rules = p.options_with_rules();
    let build = || laman::build::build(&with_rules).expect("build");
    build();
    // Over an output: this build makes the memo; the next keeps every page.
    let first = build();
    let page = p.path("public/dinkes.cianjurkab.go.id/profil/index.html");
    let html = std::fs::read_to_string(&page).expect("page");
    let tampered = html.replacen("href=\"/visi-misi/\"", "href=\"/visi-misX/\"", 1);
    assert_ne!(tampered, html);
    let time = std::fs::metadata(&page)
        .and_then(|m| m.modified())
        .expect("time");
    let mut f = std::fs::File::options()
        .write(true)
        .open(&page)
        .expect("open");
    std::io::Write::write_all(&mut f, tampered.as_bytes()).expect("write");
    f.set_modified(time).expect("time");
    drop(f);
    // Without the spare tree (the output before this one), the build keeps
    // the files of this output, the changed one among them.
    std::fs::remove_dir_all(p.path(".public.spare")).expect("spare");
    let again = build();
    assert!(
        std::fs::read_to_string(&page)
            .expect("page")
            .contains("/visi-misX/"),
        "the changed file is the one kept"
    );
    let dinkes = |r: &laman::build::BuildReport| {
        r.sites
            .iter()
            .find(|s| s.slug == "dinkes")
            .expect("dinkes")
            .clone()
    };
    let (before, after) = (dinkes(&first), dinkes(&again));
    assert_eq!(
        after.remembered,
        after.pages - sections(&p) + list_pages(&p)
    );
    let broken: Vec<_> = after
        .diagnostics
        .iter()
        .filter(|d| d.code == "TAUTAN-002")
        .map(|d| &d.message)
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
    assert_eq!(after.diagnostics, before.diagnostics);
}

/// A memo made by a build without the rules has no facts: a build with
/// them reads the pages it keeps back and scans them, and finds what a
/// build from nothing finds.
#[test]
fn a_memo_without_facts_has_the_kept_pages_read_again() {
    let p = Project::example();
    // A page whose link leads nowhere: only its HTML tells (TAUTAN-002).
    p.write(
        "sites/dinkes/content/tautan-lama.md",
        "+++\ntitle = \"Tautan lama\"\n+++\n\nLihat [arsip](/arsip-lama/).\n",
    );
    p.build();
    p.build();
    let with_rules = p.options_with_rules();
    let kept = laman::build::build(&with_rules).expect("build");
    let mut fresh = with_rules.clone();
    fresh.out = p.path("fresh");
    let whole = laman::build::build(&fresh).expect("build from nothing");
    let dinkes = kept
        .sites
        .iter()
        .find(|s| s.slug == "dinkes")
        .expect("dinkes");
    assert_eq!(
        dinkes.remembered,
        dinkes.pages - sections(&p) + list_pages(&p)
    );
    assert!(
        dinkes
            .diagnostics
            .iter()
            .any(|d| d.code == "TAUTAN-002" && d.location.path.ends_with("tautan-lama.md")),
        "the kept page's link is read"
    );
    for (a, b) in kept.sites.iter().zip(&whole.sites) {
        assert_eq!(a.diagnostics, b.diagnostics, "{}", a.slug);
    }
}

/// How many list pages dinkes has: the first of each folder of its
/// content (the home's is the root's), and those after it (`…/halaman/N/`).
fn list_pages(p: &Project) -> usize {
    let folders = walkdir::WalkDir::new(p.path("sites/dinkes/content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .count();
    let later = walkdir::WalkDir::new(p.path("public/dinkes.cianjurkab.go.id"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name() == "index.html"
                && e.path()
                    .parent()
                    .and_then(std::path::Path::parent)
                    .and_then(std::path::Path::file_name)
                    .is_some_and(|n| n == "halaman")
        })
        .count();
    folders + later
}

/// How many of dinkes's pages are section pages (`_index.md`: rendered as
/// list pages, never remembered).
fn sections(p: &Project) -> usize {
    walkdir::WalkDir::new(p.path("sites/dinkes/content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "_index.md")
        .count()
}

/// #14: a build reads each page's text once, before the pages, and frees
/// it. An editor cannot hide an ID number or a secret from the rules by
/// where they write it: a build finds one in the front matter and one in
/// the body, each at its line (and the site is not published).
#[test]
fn a_build_finds_an_id_number_in_the_front_matter_and_a_secret_in_the_body() {
    let p = Project::example_site("dinkes");
    p.write(
        "sites/dinkes/content/uji-rahasia.md",
        "+++\ntitle = \"Uji\"\ndescription = \"NIK pemohon 3203012345670001.\"\n+++\n\nKunci: AKIAIOSFODNN7EXAMPLE\n",
    );
    let r = laman::build::build(&p.options_with_rules()).expect("build");
    let at = |rule: &str| -> Vec<Option<usize>> {
        r.all_diagnostics()
            .filter(|d| d.code == rule && d.location.path.ends_with("uji-rahasia.md"))
            .map(|d| d.location.line)
            .collect()
    };
    assert_eq!(
        at("PRIVASI-002"),
        vec![Some(3)],
        "the NIK in the front matter"
    );
    assert_eq!(at("AMAN-001"), vec![Some(6)], "the key in the body");
    assert!(r.has_errors());
}
