//! The site search index (`cari/indeks.json`): what people type finds what
//! the pages say.
//!
//! Text is normalised the same way at build time (here) and in the browser
//! (`themes/default/static/assets/cari.js`): lower case, diacritics removed,
//! split at anything that is not a letter or a digit and between letters
//! and digits (`PSC119` = `PSC 119`), spelling variants mapped to one form
//! (`ijin` → `izin`), then Indonesian stemming (Sastrawi's Nazief-Adriani /
//! ECS stemmer, crate `sastrawi-rs`). Acronyms and their phrases find each
//! other (`KTP` ↔ `kartu tanda penduduk`). The variant and acronym tables
//! travel inside the index, so the browser applies exactly the build's
//! tables; the browser learns each word's stem from the `kata` map (every
//! word of the site whose stem differs) and stems words the site does not
//! contain with a light affix stripper checked against the site's stems.
//!
//! Three zones per page, ranked title > fields > body: `st` the title,
//! `sf` the description and the kind's typed fields (persyaratan, prosedur,
//! produk, dasar hukum, unit …), `sb` the body. Each is a space-separated
//! set of stems.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

/// Spelling variants people type, and the form the pages use. Applied to
/// the index and to the query alike (the browser reads this table from the
/// index).
pub const VARIANTS: &[(&str, &str)] = &[
    ("ijin", "izin"),
    ("perijinan", "perizinan"),
    ("apotik", "apotek"),
    ("praktek", "praktik"),
    ("sertipikat", "sertifikat"),
    ("propinsi", "provinsi"),
    ("nomer", "nomor"),
    ("kwitansi", "kuitansi"),
    ("antri", "antre"),
    ("antrian", "antrean"),
    ("resiko", "risiko"),
    ("jadual", "jadwal"),
    ("obyek", "objek"),
    ("aktifitas", "aktivitas"),
    ("akte", "akta"),
    ("nasehat", "nasihat"),
    ("fotocopy", "fotokopi"),
    ("photocopy", "fotokopi"),
    ("online", "daring"),
    ("offline", "luring"),
    ("hutang", "utang"),
    ("ambulan", "ambulans"),
    ("pasport", "paspor"),
    ("passport", "paspor"),
    ("sekedar", "sekadar"),
    ("standart", "standar"),
    ("analisa", "analisis"),
    ("karir", "karier"),
    ("rumahsakit", "rumah sakit"),
    ("kartukeluarga", "kartu keluarga"),
    ("email", "surel"),
];

/// Acronyms and the phrases they stand for: a page with either is found by
/// either.
pub const ACRONYMS: &[(&str, &str)] = &[
    ("ktp", "kartu tanda penduduk"),
    ("kk", "kartu keluarga"),
    ("kia", "kartu identitas anak"),
    ("sip", "surat izin praktik"),
    ("str", "surat tanda registrasi"),
    ("slhs", "sertifikat laik higiene sanitasi"),
    ("nib", "nomor induk berusaha"),
    ("npwp", "nomor pokok wajib pajak"),
    ("pbg", "persetujuan bangunan gedung"),
    ("imb", "izin mendirikan bangunan"),
    ("siup", "surat izin usaha perdagangan"),
    ("dtks", "data terpadu kesejahteraan sosial"),
    ("ppid", "pejabat pengelola informasi dan dokumentasi"),
    ("psc", "public safety center"),
    ("dbd", "demam berdarah dengue"),
    ("bpbd", "badan penanggulangan bencana daerah"),
    ("sppt", "surat pemberitahuan pajak terutang"),
    ("skck", "surat keterangan catatan kepolisian"),
];

/// Words of this length or shorter are not stemmed (acronyms, numbers).
const MIN_STEM: usize = 4;

/// [`VARIANTS`] by the variant (the first one listed wins, as a search
/// through the list would).
fn variants() -> &'static HashMap<&'static str, &'static str> {
    static MAP: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::new();
        for (v, canon) in VARIANTS {
            m.entry(*v).or_insert(*canon);
        }
        m
    })
}

fn dictionary() -> &'static sastrawi::Dictionary {
    static DICT: OnceLock<sastrawi::Dictionary> = OnceLock::new();
    DICT.get_or_init(sastrawi::Dictionary::new)
}

/// Lower case, without diacritics, split into words at anything that is not
/// a letter or digit and between letters and digits; spelling variants
/// mapped (a variant may map to two words).
pub fn words(text: &str) -> Vec<String> {
    // Most text is ASCII: it has no diacritics to take off.
    let folded: String = if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        text.nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let variants = variants();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut digit = false;
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            let w = std::mem::take(cur);
            match variants.get(w.as_str()) {
                Some(canon) => out.extend(canon.split(' ').map(str::to_string)),
                None => out.push(w),
            }
        }
    };
    for c in folded.chars() {
        if c.is_alphanumeric() {
            let d = c.is_numeric();
            if !cur.is_empty() && d != digit {
                flush(&mut cur, &mut out);
            }
            digit = d;
            cur.push(c);
        } else {
            flush(&mut cur, &mut out);
        }
    }
    flush(&mut cur, &mut out);
    out
}

thread_local! {
    /// `word → stem` of every word stemmed on this thread (a pure function
    /// of the word and the built-in dictionary, so it is never stale).
    static STEMS: std::cell::RefCell<HashMap<String, String>> =
        std::cell::RefCell::new(HashMap::new());
}

#[allow(missing_debug_implementations)]
/// Stems words (and remembers `word → stem` in `kata` where they differ).
pub struct Stemmer<'a> {
    inner: sastrawi::Stemmer<'static>,
    kata: &'a mut BTreeMap<String, String>,
    /// Every word stemmed so far (the stemmer's dictionary walk is the cost
    /// of the index; a site repeats its words).
    cache: HashMap<String, String>,
}

impl<'a> Stemmer<'a> {
    /// A stemmer that records the stems it computes in `kata`.
    pub fn new(kata: &'a mut BTreeMap<String, String>) -> Self {
        Stemmer {
            inner: sastrawi::Stemmer::new(dictionary()),
            kata,
            cache: HashMap::new(),
        }
    }

    /// The stem of one normalised word.
    pub fn stem(&mut self, w: &str) -> String {
        if w.chars().count() <= MIN_STEM || !w.chars().all(char::is_alphabetic) {
            return w.to_string();
        }
        if let Some(s) = self.cache.get(w) {
            return s.clone();
        }
        // The sites of one build share their vocabulary: a word stemmed for
        // one site on this thread is not stemmed again for the next.
        let known = STEMS.with(|m| m.borrow().get(w).cloned());
        let s = match known {
            Some(s) => s,
            None => {
                let mut s = self.inner.stem_word(w).into_owned();
                if s.is_empty() {
                    s = w.to_string();
                }
                STEMS.with(|m| m.borrow_mut().insert(w.to_string(), s.clone()));
                s
            }
        };
        if s != w {
            self.kata.insert(w.to_string(), s.clone());
        }
        self.cache.insert(w.to_string(), s.clone());
        s
    }

    /// The set of stems of `text`, acronyms and their phrases added.
    pub fn stems(&mut self, text: &str) -> BTreeSet<String> {
        let ws = words(text);
        let present: HashSet<&str> = ws.iter().map(String::as_str).collect();
        let mut out = BTreeSet::new();
        for (acr, phrase) in ACRONYMS {
            let ph: Vec<&str> = phrase.split(' ').collect();
            if present.contains(acr) {
                for w in &ph {
                    out.insert(self.stem(w));
                }
            }
            if ph.iter().all(|w| present.contains(w))
                && ws
                    .windows(ph.len())
                    .any(|win| win.iter().zip(&ph).all(|(a, b)| a == b))
            {
                out.insert((*acr).to_string());
            }
        }
        for w in &ws {
            out.insert(self.stem(w));
        }
        out
    }
}

fn joined(set: &BTreeSet<String>) -> String {
    set.iter().map(String::as_str).collect::<Vec<_>>().join(" ")
}

/// Every string of a kind's fields (the typed fields of a page), URLs left
/// out, in document order.
pub fn field_text(data: &Value, out: &mut String) {
    match data {
        Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        Value::Array(items) => items.iter().for_each(|x| field_text(x, out)),
        Value::Object(map) => {
            for (k, v) in map {
                if !crate::trust::html::is_url_key(k) && k != "src" {
                    field_text(v, out);
                }
            }
        }
        _ => {}
    }
}

/// One page of the index.
#[derive(Debug)]
pub struct Entry {
    /// Title.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
    /// Summary shown under the result.
    pub description: String,
    /// Kind label.
    pub kind: String,
    /// Text the snippet is cut from.
    pub excerpt: String,
    /// The typed fields as text.
    pub fields: String,
    /// The body as plain text.
    pub body: String,
}

/// The index as JSON bytes.
pub fn index(entries: &[Entry]) -> Vec<u8> {
    let mut kata = BTreeMap::new();
    let pages: Vec<Value> = {
        let mut st = Stemmer::new(&mut kata);
        entries
            .iter()
            .map(|e| {
                let t = st.stems(&e.title);
                let f = st.stems(&format!("{}\n{}", e.description, e.fields));
                let b = st.stems(&e.body);
                let f: BTreeSet<String> = f.difference(&t).cloned().collect();
                let b: BTreeSet<String> = b
                    .difference(&t)
                    .filter(|w| !f.contains(*w))
                    .cloned()
                    .collect();
                json!({
                    "t": e.title,
                    "u": e.url,
                    "d": e.description,
                    "k": e.kind,
                    "x": e.excerpt,
                    "st": joined(&t),
                    "sf": joined(&f),
                    "sb": joined(&b),
                })
            })
            .collect()
    };
    let v = json!({
        "versi": 2,
        "varian": VARIANTS,
        "singkatan": ACRONYMS,
        "kata": kata,
        "p": pages,
    });
    serde_json::to_vec(&v).unwrap_or_else(|_| b"{\"p\":[]}".to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> BTreeSet<String> {
        let mut kata = BTreeMap::new();
        Stemmer::new(&mut kata).stems(text)
    }

    #[test]
    fn words_split_letters_from_digits_and_fold_case_and_accents() {
        assert_eq!(words("PSC119"), ["psc", "119"]);
        assert_eq!(words("PSC 119"), ["psc", "119"]);
        assert_eq!(words("Café—Déjà"), ["cafe", "deja"]);
    }

    #[test]
    fn variants_map_to_the_form_the_pages_use() {
        assert_eq!(words("Ijin apotik praktek"), ["izin", "apotek", "praktik"]);
    }

    #[test]
    fn indonesian_words_are_stemmed() {
        let s = stems("Perizinan pelayanan kesehatan");
        assert!(s.contains("izin"), "{s:?}");
        assert!(s.contains("layan"), "{s:?}");
        assert!(s.contains("sehat"), "{s:?}");
        // The variant is mapped before stemming.
        assert!(stems("perijinan").contains("izin"));
    }

    #[test]
    fn acronyms_and_phrases_find_each_other() {
        assert!(stems("Fotokopi Kartu Tanda Penduduk").contains("ktp"));
        let s = stems("KTP elektronik");
        assert!(s.contains("kartu") && s.contains("duduk"), "{s:?}");
    }
}
