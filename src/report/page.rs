//! The one page shell of laman's HTML reports (the compliance report of
//! `laman check --report` and the conformance report of `laman
//! conformance`): the same head, style sheet and `<main>` landmark, so both
//! read as one family and pass the same accessibility checks. Text is
//! escaped by the one escaper, `render::escape_html`.

use crate::render::escape_html;

/// One style sheet for every report: findings tables (`galat`,
/// `peringatan`, `info`), the conformance matrix cells (`gagal`, `lulus`,
/// `tak-pasti`, `kosong`), wide tables that scroll inside their region.
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a;line-height:1.5}\
h1,h2,h3{color:#0b4f40}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#e8f1ee}.ok,.lulus{background:#e3f4e1}.galat,.gagal{background:#f9d9d6}.galat{font-weight:bold}.peringatan,.tak-pasti{background:#fdf0c8}.info{background:#eef}.kosong{background:#eee}\
.lencana{display:inline-block;padding:0 .4rem;border-radius:.3rem}.gulir{overflow-x:auto}.matriks{font-size:.85rem}.matriks td,.matriks th{padding:.3rem}.kecil{font-size:.9rem;color:#444}code{background:#f3f3f3;padding:0 .2rem;word-break:break-all}";

/// A complete, self-contained report page (no script, no outside resource)
/// in Bahasa Indonesia around `body` (already HTML).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape_html(title)
    )
}
