//! The one page shell of laman's HTML reports (the compliance report of
//! `laman check --report` and the conformance report of `laman
//! conformance`): the same head, style sheet and `<main>` landmark, so both
//! read as one family and pass the same accessibility checks. Text is
//! escaped by the one escaper, `render::escape_html`.

use crate::render::escape_html;

/// One style sheet for every report: findings tables (`galat`,
/// `peringatan`, `info`), the conformance matrix cells (`gagal`, `lulus`,
/// `tak-pasti`, `kosong`), wide tables that scroll inside their region,
/// and findings tables (`kartu`) that become one card per row on a phone,
/// each cell headed by its column's name (`data-label`).
const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1a1a1a;line-height:1.5}\
h1,h2,h3{color:#0b4f40}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #bbb;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#e8f1ee}.ok,.lulus{background:#e3f4e1}.galat,.gagal{background:#f9d9d6}.galat{font-weight:bold}.peringatan,.tak-pasti{background:#fdf0c8}.info{background:#eef}.kosong{background:#eee}\
.lencana{display:inline-block;padding:0 .4rem;border-radius:.3rem}.gulir{overflow-x:auto}.matriks{font-size:.85rem}.matriks td,.matriks th{padding:.3rem}.kecil{font-size:.9rem;color:#444}code{background:#f3f3f3;padding:0 .2rem;word-break:break-all}\
.matriks th[scope=row]{overflow-wrap:anywhere}td,h1,h2{overflow-wrap:anywhere}\
.vonis{font-weight:bold;padding:.5rem .75rem;border-left:6px solid}.vonis.terbit{background:#e3f4e1;border-color:#2e7d32}.vonis.blokir{background:#f9d9d6;border-color:#b3261e}\
.tgl{white-space:nowrap}.lokasi{margin:.25rem 0 0;padding-left:1.2rem;font-size:.9rem}details summary{cursor:pointer}\
@media (max-width:40rem){body{margin:1rem auto}.kartu,.kartu tbody,.kartu tr,.kartu td{display:block;width:auto}.kartu thead{position:absolute;left:-9999px}.kartu tr{border:1px solid #bbb;margin:0 0 .75rem}.kartu td,.kartu tbody th{border:0;border-bottom:1px solid #ddd}.kartu tbody th{display:block}.kartu caption{display:block;text-align:left}.kartu td::before{content:attr(data-label);display:block;font-weight:bold;font-size:.85rem;color:#0b4f40}}";

/// A complete, self-contained report page (no script, no outside resource)
/// in Bahasa Indonesia around `body` (already HTML).
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape_html(title)
    )
}

/// Text written for people, as HTML: escaped, and each `` `span` `` shown as
/// code (the catalogues write commands and header values that way).
pub fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut parts = text.split('`');
    if let Some(first) = parts.next() {
        out.push_str(&escape_html(first));
    }
    let rest: Vec<&str> = parts.collect();
    // An odd number of backticks leaves the last one as it was written.
    let pairs = rest.len() / 2 * 2;
    for (i, part) in rest.iter().enumerate() {
        if i >= pairs {
            out.push('`');
            out.push_str(&escape_html(part));
        } else if i % 2 == 0 {
            out.push_str("<code>");
            out.push_str(&escape_html(part));
            out.push_str("</code>");
        } else {
            out.push_str(&escape_html(part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_shows_backticked_spans_as_code_and_escapes_the_rest() {
        assert_eq!(
            prose("Kirim `max-age=1` & <b> `x"),
            "Kirim <code>max-age=1</code> &amp; &lt;b&gt; `x"
        );
        assert_eq!(prose("tanpa kode"), "tanpa kode");
        assert!(page("A & B", "<p>x</p>").contains("<title>A &amp; B</title>"));
    }
}
