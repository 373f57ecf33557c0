use super::*;

#[test]
fn finds_spaced_and_leet_judol_terms() {
    assert_eq!(
        judol_terms("Situs S L O T  G A C O R hari ini"),
        vec!["slotgacor", "gacor", "situsslot"]
    );
    assert_eq!(judol_terms("bandar t0g3l terpercaya"), vec!["togel"]);
    assert_eq!(judol_terms("m4xw1n"), vec!["maxwin"]);
    assert!(judol_terms("Jadwal pelayanan posyandu dan slot waktu vaksinasi").is_empty());
}

#[test]
fn finds_links_hidden_by_inline_style_only() {
    let html = r#"<p>ok <a href="https://ppid.cianjurkab.go.id/">PPID</a></p>
<div style="display: none"><a href="https://slot.example/">x</a><a href="https://dinkes.cianjurkab.go.id/">y</a></div>
<a href="https://visible.example/">z</a>"#;
    assert_eq!(
        hidden_links(html, "cianjurkab.go.id"),
        vec!["https://slot.example/"]
    );
}

#[test]
fn maps_urls_to_release_files() {
    assert_eq!(file_of("/"), "index.html");
    assert_eq!(file_of("/layanan/kir/"), "layanan/kir/index.html");
    assert_eq!(file_of("/feed.xml?x"), "feed.xml");
    assert_eq!(
        path_on("https://a.go.id/x/", "a.go.id").as_deref(),
        Some("/x/")
    );
    assert_eq!(path_on("https://b.go.id/x/", "a.go.id"), None);
    assert_eq!(
        sitemap_urls("<urlset><url><loc> https://a.go.id/ </loc></url></urlset>"),
        vec!["https://a.go.id/"]
    );
}

/// The example regency's own content and theme must not look like judol.
#[test]
fn example_content_and_theme_have_no_false_positives() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hits = Vec::new();
    for dir in ["sites", "themes"] {
        for e in walkdir::WalkDir::new(root.join(dir))
            .into_iter()
            .filter_map(Result::ok)
        {
            let ok = e
                .path()
                .extension()
                .is_some_and(|x| x == "md" || x == "html" || x == "toml");
            if !ok {
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            let terms = judol_terms(&visible_text(&text));
            if !terms.is_empty() {
                hits.push(format!("{}: {terms:?}", e.path().display()));
            }
        }
    }
    assert!(hits.is_empty(), "{hits:#?}");
}
