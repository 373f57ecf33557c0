//! What templates see. These types are the contract between the build and
//! the theme (docs/templates.md lists them for template authors): a theme
//! may use any field here and nothing else.

use serde::Serialize;

use crate::content::date::PageDate;
use crate::markdown::Heading;
use crate::registry::{Alamat, KanalPengaduan, PpidSitus};

/// `site`: the agency and its regency, the same on every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    /// Folder name.
    pub slug: String,
    /// `dinkes.cianjurkab.go.id`.
    pub fqdn: String,
    /// `https://dinkes.cianjurkab.go.id` (no trailing slash).
    pub base_url: String,
    /// Prefix of every root-relative URL ("" normally).
    pub base_path: String,
    /// Official name.
    pub nama_resmi: String,
    /// Short name (falls back to the subdomain in upper case).
    pub singkatan: String,
    /// One sentence about the agency.
    pub deskripsi: Option<String>,
    /// Address on one line.
    pub alamat: Option<String>,
    /// Address parts.
    pub alamat_detail: Option<Alamat>,
    /// Phone.
    pub telepon: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Opening hours.
    pub jam_layanan: Option<String>,
    /// PPID facts.
    pub ppid: Option<PpidSitus>,
    /// Complaint channels.
    pub kanal_pengaduan: Vec<KanalPengaduan>,
    /// Whether the agency serves the public directly.
    pub melayani_publik: bool,
    /// Main navigation.
    pub menu: Vec<LinkCtx>,
    /// The regency.
    pub region: RegionCtx,
    /// URLs of special pages (present only when the site has them).
    pub urls: SpecialUrls,
    /// Theme assets.
    pub assets: AssetUrls,
    /// Year of the build, for the footer.
    pub year: i32,
}

/// `site.region`.
#[derive(Debug, Clone, Serialize)]
pub struct RegionCtx {
    /// `Kabupaten Cianjur`.
    pub name: String,
    /// `Pemerintah Kabupaten Cianjur`.
    pub government: String,
    /// `cianjurkab.go.id`.
    pub domain: String,
    /// `https://cianjurkab.go.id`.
    pub portal: String,
    /// Show the "Situs contoh" banner.
    pub contoh: bool,
}

/// `site.urls`: where the pages every site should have are.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SpecialUrls {
    /// Home.
    pub home: String,
    /// Search page.
    pub cari: String,
    /// Atom feed of berita, when there is news.
    pub feed: Option<String>,
    /// The first page of each of these kinds, when present.
    pub maklumat: Option<String>,
    /// Complaints page.
    pub pengaduan: Option<String>,
    /// PPID page.
    pub ppid: Option<String>,
    /// Contact page.
    pub kontak: Option<String>,
    /// Index of service standards (the section that holds them).
    pub layanan: Option<String>,
    /// Public information list.
    pub dip: Option<String>,
    /// Periodic information page.
    pub informasi_berkala: Option<String>,
    /// The section that lists the news.
    pub berita: Option<String>,
    /// Privacy policy.
    pub kebijakan_privasi: Option<String>,
    /// Accessibility statement.
    pub aksesibilitas: Option<String>,
}

/// `site.assets`.
#[derive(Debug, Clone, Serialize)]
pub struct AssetUrls {
    /// Stylesheet.
    pub css: String,
    /// Search script.
    pub search_js: String,
    /// Coat of arms image.
    pub lambang: String,
    /// Search index JSON.
    pub search_index: String,
}

/// A labelled link.
#[derive(Debug, Clone, Serialize)]
pub struct LinkCtx {
    /// Label.
    pub judul: String,
    /// URL.
    pub url: String,
}

/// A date as templates need it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DateCtx {
    /// `2025-01-31`.
    pub iso: String,
    /// `31 Januari 2025`.
    pub teks: String,
}

impl From<&PageDate> for DateCtx {
    fn from(d: &PageDate) -> Self {
        DateCtx {
            iso: d.iso_day(),
            teks: d.indonesian(),
        }
    }
}

/// `page`: one page (also the page of a section and of the home).
#[derive(Debug, Clone, Serialize)]
pub struct PageCtx {
    /// Title.
    pub title: String,
    /// Summary (front matter `description`, else the start of the text).
    pub description: String,
    /// The front matter `description` as the editor wrote it (no fallback),
    /// shown as the page's lead paragraph where a theme wants one.
    pub lead: Option<String>,
    /// Root-relative URL.
    pub url: String,
    /// Absolute URL.
    pub permalink: String,
    /// `standar-pelayanan` …
    pub jenis: &'static str,
    /// `Standar Pelayanan` …
    pub jenis_label: &'static str,
    /// Publication date.
    pub date: Option<DateCtx>,
    /// Last review.
    pub updated: Option<DateCtx>,
    /// Body as HTML.
    pub content: String,
    /// The kind's fields (`page.data.persyaratan` …), `@/` links resolved.
    pub data: serde_json::Value,
    /// Front matter `[extra]`.
    pub extra: serde_json::Value,
    /// Headings of the body.
    pub headings: Vec<Heading>,
    /// From the home to the parent of this page.
    pub breadcrumbs: Vec<LinkCtx>,
    /// schema.org JSON-LD of this page, already escaped for the inside of
    /// `<script type="application/ld+json">` (output it with `| safe`).
    pub jsonld: String,
    /// The entry of `site.menu` to mark as where the reader is (#14: the
    /// theme compares one URL per entry instead of testing prefixes).
    pub menu_aktif: Option<MenuAktif>,
}

/// `page.menu_aktif`: the one menu entry marked on a page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MenuAktif {
    /// The entry's URL (every entry with this URL is marked).
    pub url: String,
    /// `page` when the entry is the page itself, `true` when the page is
    /// under it: the value of `aria-current`.
    pub aria: &'static str,
}

impl MenuAktif {
    /// The entry of `menu` to mark on the page at `url`: the page itself;
    /// else the entry with the longest URL, ending in `/`, that the page's
    /// URL starts with, but the home's (`home`), which every URL starts with.
    pub fn of(menu: &[LinkCtx], url: &str, home: &str) -> Option<MenuAktif> {
        if menu.iter().any(|m| m.url == url) {
            return Some(MenuAktif {
                url: url.to_string(),
                aria: "page",
            });
        }
        menu.iter()
            .filter(|m| m.url != home && m.url.ends_with('/') && url.starts_with(&m.url))
            .max_by_key(|m| m.url.len())
            .map(|m| MenuAktif {
                url: m.url.clone(),
                aria: "true",
            })
    }
}

/// A page in a list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PageSummary {
    /// Title.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
    /// Summary.
    pub description: String,
    /// Publication date.
    pub date: Option<DateCtx>,
    /// Kind.
    pub jenis: &'static str,
    /// Kind label.
    pub jenis_label: &'static str,
}

/// `section`: a list page.
#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    /// Pages on this list page.
    pub pages: Vec<PageSummary>,
    /// Sub-sections.
    pub subsections: Vec<LinkCtx>,
    /// Pagination.
    pub paginator: PaginatorCtx,
}

/// `section.paginator`.
#[derive(Debug, Clone, Serialize)]
pub struct PaginatorCtx {
    /// 1-based number of this list page.
    pub current: usize,
    /// Number of list pages.
    pub total: usize,
    /// Pages in the whole section.
    pub pages_total: usize,
    /// Previous list page.
    pub prev: Option<String>,
    /// Next list page.
    pub next: Option<String>,
}

/// Extra data of the home page (`home`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HomeCtx {
    /// Newest berita (at most 5).
    pub berita: Vec<PageSummary>,
    /// Every service standard.
    pub layanan: Vec<PageSummary>,
    /// Top-level pages and sections, by weight.
    pub halaman: Vec<PageSummary>,
}

#[cfg(test)]
mod tests {
    use super::{LinkCtx, MenuAktif};

    fn menu(urls: &[&str]) -> Vec<LinkCtx> {
        urls.iter()
            .map(|u| LinkCtx {
                judul: u.to_string(),
                url: u.to_string(),
            })
            .collect()
    }

    fn marked(menu: &[LinkCtx], url: &str) -> Option<(String, &'static str)> {
        MenuAktif::of(menu, url, "/").map(|m| (m.url, m.aria))
    }

    #[test]
    fn the_page_itself_is_marked_as_the_page() {
        let m = menu(&["/", "/layanan/", "/layanan/izin/"]);
        assert_eq!(marked(&m, "/"), Some(("/".into(), "page")));
        assert_eq!(
            marked(&m, "/layanan/izin/"),
            Some(("/layanan/izin/".into(), "page"))
        );
    }

    #[test]
    fn under_nested_entries_only_the_deepest_is_marked() {
        let m = menu(&["/", "/layanan/", "/layanan/izin/", "/berita/"]);
        assert_eq!(
            marked(&m, "/layanan/izin/bangunan/"),
            Some(("/layanan/izin/".into(), "true"))
        );
        assert_eq!(
            marked(&m, "/layanan/kk/"),
            Some(("/layanan/".into(), "true"))
        );
    }

    #[test]
    fn every_mark_a_page_can_get_is_one_made_for_the_site() {
        let m = menu(&["/", "/layanan/", "/layanan/izin/", "/berita/", "/layanan/"]);
        let made = crate::render::site::Menus::marks(&m);
        for url in [
            "/",
            "/x/",
            "/layanan/",
            "/layanan/izin/a/",
            "/berita/b/",
            "/cari/",
        ] {
            let mark = MenuAktif::of(&m, url, "/");
            assert!(made.contains(&mark), "{url}: {mark:?}");
        }
        assert_eq!(made.len(), 1 + 2 * 4, "none, and each URL as page or under");
    }

    #[test]
    fn the_home_and_entries_without_a_closing_slash_are_no_prefix() {
        let m = menu(&["/", "/unduh/laporan.pdf", "/layan"]);
        assert_eq!(marked(&m, "/berita/satu/"), None);
        assert_eq!(marked(&m, "/unduh/laporan.pdf/x/"), None);
        assert_eq!(marked(&m, "/layanan/"), None);
    }
}
