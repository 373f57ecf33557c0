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

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::Value;
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

/// Folds `text` (lower case, without diacritics) into `buf`; whether it is
/// ASCII.
fn fold_into(text: &str, buf: &mut String) -> bool {
    buf.clear();
    // Most text is ASCII: it has no diacritics to take off.
    if text.is_ascii() {
        buf.push_str(text);
        buf.make_ascii_lowercase();
        true
    } else {
        buf.extend(
            text.nfd()
                .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
                .flat_map(char::to_lowercase),
        );
        false
    }
}

/// Calls `f` with each word of folded text (split at anything that is not
/// a letter or digit and between letters and digits), before the variant
/// table.
fn each_word(folded: &str, ascii: bool, mut f: impl FnMut(&str)) {
    if ascii {
        // The same split, byte by byte: in ASCII the letters and digits
        // are `[a-z0-9]` (after folding) and the only numerals the digits.
        const CLASS: [u8; 256] = {
            let mut t = [0u8; 256];
            let mut c = 0;
            while c < 256 {
                let b = c as u8;
                t[c] = if b.is_ascii_digit() {
                    DIGIT
                } else if b.is_ascii_alphabetic() {
                    LETTER
                } else {
                    0
                };
                c += 1;
            }
            t
        };
        const LETTER: u8 = 1;
        const DIGIT: u8 = 2;
        let b = folded.as_bytes();
        let mut start = 0;
        let mut class = 0;
        for (i, c) in b.iter().enumerate() {
            let k = CLASS[*c as usize];
            if k != class {
                if class != 0 {
                    f(&folded[start..i]);
                }
                start = i;
                class = k;
            }
        }
        if class != 0 {
            f(&folded[start..]);
        }
        return;
    }
    let mut start = None;
    let mut digit = false;
    for (i, c) in folded.char_indices() {
        if c.is_alphanumeric() {
            let d = c.is_numeric();
            match start {
                Some(s) if d != digit => {
                    f(&folded[s..i]);
                    start = Some(i);
                }
                Some(_) => {}
                None => start = Some(i),
            }
            digit = d;
        } else if let Some(s) = start.take() {
            f(&folded[s..i]);
        }
    }
    if let Some(s) = start {
        f(&folded[s..]);
    }
}

/// Lower case, without diacritics, split into words at anything that is not
/// a letter or digit and between letters and digits; spelling variants
/// mapped (a variant may map to two words).
pub fn words(text: &str) -> Vec<String> {
    let mut folded = String::new();
    let ascii = fold_into(text, &mut folded);
    let variants = variants();
    let mut out = Vec::new();
    each_word(&folded, ascii, |w| match variants.get(w) {
        Some(canon) => out.extend(canon.split(' ').map(str::to_string)),
        None => out.push(w.to_string()),
    });
    out
}

thread_local! {
    /// `word → stem` of every word stemmed on this thread (a pure function
    /// of the word and the built-in dictionary, so it is never stale).
    static STEMS: std::cell::RefCell<FxHashMap<String, String>> =
        std::cell::RefCell::new(FxHashMap::default());
}

/// The stem of one normalised word, as Sastrawi gives it (words of
/// [`MIN_STEM`] characters or fewer, and words with digits, unchanged).
fn stem_word(inner: &sastrawi::Stemmer<'static>, w: &str) -> String {
    if w.chars().count() <= MIN_STEM || !w.chars().all(char::is_alphabetic) {
        return w.to_string();
    }
    // The sites of one build share their vocabulary: a word stemmed for
    // one site on this thread is not stemmed again for the next.
    if let Some(s) = STEMS.with(|m| m.borrow().get(w).cloned()) {
        return s;
    }
    let mut s = inner.stem_word(w).into_owned();
    if s.is_empty() {
        s = w.to_string();
    }
    STEMS.with(|m| m.borrow_mut().insert(w.to_string(), s.clone()));
    s
}

/// No stem computed yet / no acronym.
const NONE: u32 = u32::MAX;

/// One distinct word (after the variant table) of a site.
struct Word {
    text: Box<str>,
    /// Its stem (an index into `Vocab::stems`), computed when first needed.
    stem: u32,
    /// The acronym this word is ([`ACRONYMS`] index).
    acronym: u32,
    /// The acronyms whose phrase starts with this word (bit per index).
    phrase_start: u32,
}

/// The words and stems of one site's index, each stored once and known by
/// number: a page's zones are lists of stem numbers.
struct Vocab<'k> {
    inner: sastrawi::Stemmer<'static>,
    /// `word → stem` of the words whose stem differs (the index's `kata`).
    kata: &'k mut BTreeMap<String, String>,
    /// A word as it appears in the folded text → its word numbers after
    /// the variant table (a variant may be two words).
    seen: FxHashMap<Box<str>, (u32, u32)>,
    /// Word number by word.
    word_ids: FxHashMap<Box<str>, u32>,
    words: Vec<Word>,
    stem_ids: FxHashMap<Box<str>, u32>,
    stems: Vec<Box<str>>,
    /// Per stem: the page (counted from 1) that last took it, so that a
    /// stem goes into the first zone of a page that has it and no other.
    taken: Vec<u32>,
    /// Per acronym: its word numbers of the phrase, and its own stem.
    phrases: Vec<(Vec<u32>, u32)>,
    folded: String,
    seq: Vec<u32>,
}

impl<'k> Vocab<'k> {
    fn new(kata: &'k mut BTreeMap<String, String>) -> Self {
        let mut v = Vocab {
            inner: sastrawi::Stemmer::new(dictionary()),
            kata,
            seen: FxHashMap::default(),
            word_ids: FxHashMap::default(),
            words: Vec::new(),
            stem_ids: FxHashMap::default(),
            stems: Vec::new(),
            taken: Vec::new(),
            phrases: Vec::new(),
            folded: String::new(),
            seq: Vec::new(),
        };
        for (i, (acr, phrase)) in ACRONYMS.iter().enumerate() {
            let a = v.word(acr);
            v.words[a as usize].acronym = i as u32;
            let ph: Vec<u32> = phrase.split(' ').map(|w| v.word(w)).collect();
            v.words[ph[0] as usize].phrase_start |= 1 << i;
            // The acronym itself is what a phrase adds (not its stem).
            let own = v.intern_stem(acr);
            v.phrases.push((ph, own));
        }
        v
    }

    fn word(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.word_ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.words.push(Word {
            text: w.into(),
            stem: NONE,
            acronym: NONE,
            phrase_start: 0,
        });
        self.word_ids.insert(w.into(), id);
        id
    }

    fn intern_stem(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.stem_ids.get(s) {
            return id;
        }
        let id = self.stems.len() as u32;
        self.stems.push(s.into());
        self.stem_ids.insert(s.into(), id);
        self.taken.push(0);
        id
    }

    /// The stem number of word `w` (recorded in `kata` when it differs).
    #[inline]
    fn stem(&mut self, w: u32) -> u32 {
        match self.words[w as usize].stem {
            NONE => self.stem_first(w),
            known => known,
        }
    }

    /// [`Vocab::stem`] of a word met for the first time.
    fn stem_first(&mut self, w: u32) -> u32 {
        let text = &self.words[w as usize].text;
        let s = stem_word(&self.inner, text);
        if *s != **text {
            self.kata.insert(text.to_string(), s.clone());
        }
        let id = self.intern_stem(&s);
        self.words[w as usize].stem = id;
        id
    }

    /// Appends the word numbers of `text` to `self.seq`.
    fn read(&mut self, text: &str) {
        let mut folded = std::mem::take(&mut self.folded);
        let ascii = fold_into(text, &mut folded);
        each_word(&folded, ascii, |w| {
            let (a, b) = match self.seen.get(w) {
                Some(&ids) => ids,
                None => {
                    let ids = match variants().get(w) {
                        Some(canon) => {
                            let mut parts = canon.split(' ');
                            let a = parts.next().map_or(NONE, |p| self.word(p));
                            let b = parts.next().map_or(NONE, |p| self.word(p));
                            (a, b)
                        }
                        None => (self.word(w), NONE),
                    };
                    self.seen.insert(w.into(), ids);
                    ids
                }
            };
            self.seq.push(a);
            if b != NONE {
                self.seq.push(b);
            }
        });
        self.folded = folded;
    }

    /// The stems of the texts of one zone of page number `page` that no
    /// earlier zone of the page has: every word's stem, the phrase's stems
    /// for an acronym, the acronym for its phrase.
    fn zone(&mut self, page: u32, texts: &[&str]) -> Vec<u32> {
        self.seq.clear();
        for t in texts {
            self.read(t);
        }
        let seq = std::mem::take(&mut self.seq);
        let mut out = Vec::new();
        let mut take = |v: &mut Self, s: u32| {
            if v.taken[s as usize] != page {
                v.taken[s as usize] = page;
                out.push(s);
            }
        };
        for (i, &w) in seq.iter().enumerate() {
            let s = self.stem(w);
            take(self, s);
            let Word {
                acronym,
                phrase_start,
                ..
            } = self.words[w as usize];
            if acronym != NONE {
                for k in 0..self.phrases[acronym as usize].0.len() {
                    let pw = self.phrases[acronym as usize].0[k];
                    let s = self.stem(pw);
                    take(self, s);
                }
            }
            let mut bits = phrase_start;
            while bits != 0 {
                let a = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let (ph, own) = &self.phrases[a];
                if seq[i..].starts_with(ph) {
                    let own = *own;
                    take(self, own);
                }
            }
        }
        self.seq = seq;
        out
    }
}

/// A zone's stems, space-separated, in the order of the stems' text.
struct Joined<'a> {
    ids: &'a [u32],
    stems: &'a [Box<str>],
}

impl Joined<'_> {
    /// The length of the joined stems.
    fn len(&self) -> usize {
        self.ids
            .iter()
            .map(|&i| self.stems[i as usize].len() + 1)
            .sum()
    }
}

impl Serialize for Joined<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Joined first: one string to escape rather than a formatter call
        // per stem.
        let mut out = String::with_capacity(self.len());
        for (i, &id) in self.ids.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&self.stems[id as usize]);
        }
        s.serialize_str(&out)
    }
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
pub struct Entry<'a> {
    /// Title.
    pub title: String,
    /// Root-relative URL.
    pub url: String,
    /// Summary shown under the result.
    pub description: String,
    /// Kind label.
    pub kind: &'static str,
    /// Text the snippet is cut from.
    pub excerpt: crate::render::site::Excerpt<'a>,
    /// The typed fields as text.
    pub fields: String,
    /// The body as plain text.
    pub body: &'a str,
}

/// One page as written (keys in serde_json's own order, the order the
/// index has always had).
#[derive(Serialize)]
struct PageOut<'a> {
    d: &'a str,
    k: &'a str,
    sb: Joined<'a>,
    sf: Joined<'a>,
    st: Joined<'a>,
    t: &'a str,
    u: &'a str,
    x: crate::render::site::Excerpt<'a>,
}

/// How much of the index [`Index::write_to`] gathers before writing.
const WRITE_CHUNK: usize = 256 * 1024;

/// A buffer for chunks of `chunk` bytes of the index (a page's JSON may
/// pass the mark by a little).
fn buffer_for(chunk: usize) -> Vec<u8> {
    Vec::with_capacity(chunk.min(WRITE_CHUNK) * 5 / 4)
}

/// The JSON of `pages` in the index's list of pages, added to `buf`
/// (after a comma unless they are the list's first).
fn pages_into(buf: &mut Vec<u8>, pages: &[PageOut<'_>], first: bool) -> std::io::Result<()> {
    for (i, page) in pages.iter().enumerate() {
        if i > 0 || !first {
            buf.push(b',');
        }
        json_into(buf, page)?;
    }
    Ok(())
}

/// The end of the index's JSON after its list of pages, added to `buf`.
fn tail_into(buf: &mut Vec<u8>, out: &IndexOut<'_>) -> std::io::Result<()> {
    buf.extend_from_slice(b"],\"singkatan\":");
    json_into(buf, &out.singkatan)?;
    buf.extend_from_slice(b",\"varian\":");
    json_into(buf, &out.varian)?;
    buf.extend_from_slice(b",\"versi\":");
    json_into(buf, &out.versi)?;
    buf.push(b'}');
    Ok(())
}

/// `v`'s JSON, added to `buf`.
fn json_into<T: Serialize + ?Sized>(buf: &mut Vec<u8>, v: &T) -> std::io::Result<()> {
    serde_json::to_writer(buf, v).map_err(std::io::Error::other)
}

/// The index's JSON, written part by part by [`Index::write_to`] in the
/// order of its fields here (serde_json's own order, which the index has
/// always had); a test holds the two the same.
#[derive(Serialize)]
struct IndexOut<'a> {
    kata: &'a BTreeMap<String, String>,
    p: Vec<PageOut<'a>>,
    singkatan: &'static [(&'static str, &'static str)],
    varian: &'static [(&'static str, &'static str)],
    versi: u32,
}

/// Pages of one [`Part`] at least: each part has a vocabulary of its own
/// (its words hashed and stemmed once more), so small sites take one.
const MIN_PART: usize = 512;

/// The index as JSON bytes.
pub fn index(entries: &[Entry<'_>]) -> Vec<u8> {
    Index::of(entries).to_vec()
}

/// The stems of a run of pages, read with a vocabulary of their own.
#[derive(Debug)]
struct Part {
    /// `word → stem` of the words whose stem differs.
    kata: BTreeMap<String, String>,
    stems: Vec<Box<str>>,
    /// Per page: the stems of its title, fields and body, each in the
    /// order of the stems' text.
    zones: Vec<[Vec<u32>; 3]>,
}

impl Part {
    fn of(entries: &[Entry<'_>]) -> Part {
        let mut kata = BTreeMap::new();
        let (mut zones, stems) = {
            let mut v = Vocab::new(&mut kata);
            let zones: Vec<[Vec<u32>; 3]> = entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let page = i as u32 + 1;
                    let t = v.zone(page, &[&e.title]);
                    let f = v.zone(page, &[&e.description, &e.fields]);
                    let b = v.zone(page, &[e.body]);
                    [t, f, b]
                })
                .collect();
            (zones, v.stems)
        };
        // Each zone in the order of its stems' text.
        let mut order: Vec<u32> = (0..stems.len() as u32).collect();
        order.sort_unstable_by(|a, b| stems[*a as usize].cmp(&stems[*b as usize]));
        let mut rank = vec![0u32; stems.len()];
        for (r, s) in order.iter().enumerate() {
            rank[*s as usize] = r as u32;
        }
        for z in &mut zones {
            for ids in z {
                ids.sort_unstable_by_key(|s| rank[*s as usize]);
            }
        }
        Part { kata, stems, zones }
    }
}

/// The search index of some pages, read and ready to be written.
#[derive(Debug)]
pub struct Index<'a> {
    entries: &'a [Entry<'a>],
    parts: Vec<Part>,
    kata: BTreeMap<String, String>,
}

impl<'a> Index<'a> {
    /// The index of `entries`, read in parts side by side.
    pub fn of(entries: &'a [Entry<'a>]) -> Index<'a> {
        let threads = rayon::current_num_threads().max(1);
        Index::in_parts(entries, entries.len().div_ceil(threads * 2).max(MIN_PART))
    }

    /// The pages read in parts of `part` pages, side by side (a page's
    /// stems are its own, so the parts meet only in `kata`, where a word
    /// has the same stem in each).
    fn in_parts(entries: &'a [Entry<'a>], part: usize) -> Index<'a> {
        let part = part.max(1);
        let mut parts: Vec<Part> = entries.par_chunks(part).map(Part::of).collect();
        let mut kata = BTreeMap::new();
        for p in &mut parts {
            kata.append(&mut p.kata);
        }
        Index {
            entries,
            parts,
            kata,
        }
    }

    fn out(&self) -> IndexOut<'_> {
        fn joined<'a>(ids: &'a [u32], stems: &'a [Box<str>]) -> Joined<'a> {
            Joined { ids, stems }
        }
        let pages = self
            .parts
            .iter()
            .flat_map(|p| p.zones.iter().map(|z| (z, &p.stems[..])))
            .zip(self.entries)
            .map(|(([t, f, b], stems), e)| PageOut {
                d: &e.description,
                k: e.kind,
                sb: joined(b, stems),
                sf: joined(f, stems),
                st: joined(t, stems),
                t: &e.title,
                u: &e.url,
                x: e.excerpt,
            })
            .collect();
        IndexOut {
            kata: &self.kata,
            p: pages,
            singkatan: ACRONYMS,
            varian: VARIANTS,
            versi: 2,
        }
    }

    /// Writes the index as JSON into `w` (that of [`IndexOut`]), with each
    /// chunk of the JSON made while `w` takes the chunk before it (hashes
    /// it and writes it to the file), on rayon's threads: the index of a
    /// large site is written after its pages, with nothing else beside it,
    /// and the two halves of the work take about the same time (#14). On
    /// the pool's threads, not on a thread of its own: a new thread's
    /// allocations raised the build's peak by 3–5 MiB.
    pub fn write_to(&self, w: &mut (dyn std::io::Write + Send)) -> std::io::Result<()> {
        self.out().write_chunks(w, WRITE_CHUNK, true)
    }

    /// The index as JSON bytes, in a buffer of about its size: grown by
    /// doubling, the index of 10,000 pages (10 MB) passed through a 16 MiB
    /// buffer and the 8 MiB one before it (#14).
    fn to_vec(&self) -> Vec<u8> {
        let out = self.out();
        let mut buf = Snug(Vec::with_capacity(out.estimated_len()));
        match out.write_chunks(&mut buf, WRITE_CHUNK, false) {
            Ok(()) => buf.0,
            Err(_) => b"{\"p\":[]}".to_vec(),
        }
    }
}

impl IndexOut<'_> {
    /// Writes the index as JSON into `w` in chunks of about `chunk` bytes
    /// (whole pages; made in a buffer, not written straight into a `dyn
    /// Write`, where every quote and comma would be a call), each made
    /// while the last is written when `beside`, else one after the other.
    fn write_chunks(
        &self,
        w: &mut (dyn std::io::Write + Send),
        chunk: usize,
        beside: bool,
    ) -> std::io::Result<()> {
        // Pages a chunk, from the estimated length of their JSON.
        let per_page = self.estimated_len() / self.p.len().max(1);
        let mut groups = self.p.chunks((chunk / per_page.max(1)).max(1));
        let mut ready = buffer_for(chunk);
        ready.extend_from_slice(b"{\"kata\":");
        json_into(&mut ready, &self.kata)?;
        ready.extend_from_slice(b",\"p\":[");
        if let Some(first) = groups.next() {
            pages_into(&mut ready, first, true)?;
        }
        let mut spare = buffer_for(chunk);
        for pages in groups {
            let mut make = || pages_into(&mut spare, pages, false);
            let mut write = || w.write_all(&ready);
            let (made, written) = if beside {
                rayon::join(make, write)
            } else {
                (make(), write())
            };
            written?;
            made?;
            std::mem::swap(&mut ready, &mut spare);
            spare.clear();
        }
        tail_into(&mut ready, self)?;
        w.write_all(&ready)
    }
}

/// A buffer that grows by a sixteenth of its size, not twice: its
/// capacity is an estimate that escapes can pass by a little.
struct Snug(Vec<u8>);

impl std::io::Write for Snug {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let v = &mut self.0;
        if v.capacity() - v.len() < buf.len() {
            v.reserve_exact(buf.len().max(v.capacity() / 16));
        }
        v.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl IndexOut<'_> {
    /// The length of the JSON, close above (escapes aside: a `"` or a
    /// control character in a title grows the buffer once).
    fn estimated_len(&self) -> usize {
        let kata: usize = self.kata.iter().map(|(k, v)| k.len() + v.len() + 6).sum();
        let pairs =
            |t: &[(&str, &str)]| t.iter().map(|(a, b)| a.len() + b.len() + 8).sum::<usize>();
        let pages: usize = self
            .p
            .iter()
            .map(|p| {
                // Braces, keys, quotes, colons and commas: 61 bytes.
                61 + p.d.len()
                    + p.k.len()
                    + p.sb.len()
                    + p.sf.len()
                    + p.st.len()
                    + p.t.len()
                    + p.u.len()
                    + p.x.kept.len()
                    + 3
            })
            .sum();
        64 + kata + pairs(self.singkatan) + pairs(self.varian) + pages
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn stems(text: &str) -> BTreeSet<String> {
        let mut kata = BTreeMap::new();
        let mut v = Vocab::new(&mut kata);
        let ids = v.zone(1, &[text]);
        ids.iter()
            .map(|s| v.stems[*s as usize].to_string())
            .collect()
    }

    /// The index as it was first written (a `String` per word, a
    /// `BTreeSet` per zone, a `serde_json::Value` per page): the
    /// definition the faster [`index`] is held to, byte for byte.
    mod reference {
        use super::super::{ACRONYMS, Entry, MIN_STEM, VARIANTS, dictionary, variants};
        use serde_json::{Value, json};
        use std::collections::{BTreeMap, BTreeSet, HashSet};
        use unicode_normalization::UnicodeNormalization;

        fn words(text: &str) -> Vec<String> {
            let folded: String = text
                .nfd()
                .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .collect();
            let mut out = Vec::new();
            let mut cur = String::new();
            let mut digit = false;
            let flush = |cur: &mut String, out: &mut Vec<String>| {
                if !cur.is_empty() {
                    let w = std::mem::take(cur);
                    match variants().get(w.as_str()) {
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

        struct Stemmer<'a> {
            inner: sastrawi::Stemmer<'static>,
            kata: &'a mut BTreeMap<String, String>,
        }

        impl Stemmer<'_> {
            fn stem(&mut self, w: &str) -> String {
                if w.chars().count() <= MIN_STEM || !w.chars().all(char::is_alphabetic) {
                    return w.to_string();
                }
                let mut s = self.inner.stem_word(w).into_owned();
                if s.is_empty() {
                    s = w.to_string();
                }
                if s != w {
                    self.kata.insert(w.to_string(), s.clone());
                }
                s
            }

            fn stems(&mut self, text: &str) -> BTreeSet<String> {
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

        pub fn index(entries: &[Entry<'_>]) -> Vec<u8> {
            let mut kata = BTreeMap::new();
            let pages: Vec<Value> = {
                let mut st = Stemmer {
                    inner: sastrawi::Stemmer::new(dictionary()),
                    kata: &mut kata,
                };
                entries
                    .iter()
                    .map(|e| {
                        let t = st.stems(&e.title);
                        let f = st.stems(&format!("{}\n{}", e.description, e.fields));
                        let b = st.stems(e.body);
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
                            "x": e.excerpt.to_string(),
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
            serde_json::to_vec(&v).expect("json")
        }
    }

    #[test]
    fn the_index_is_written_into_a_buffer_of_about_its_size() {
        // Grown by doubling, a buffer is up to twice its JSON; the index of
        // a large site is megabytes at the build's peak (#14). Quotes and
        // new lines are escaped, so the estimate can fall short a little.
        let text = |i: usize| {
            format!(
                "Pelayanan \"KTP\" ke-{i}\nkesehatan perizinan {}",
                "puskesmas ".repeat(i % 13)
            )
        };
        let bodies: Vec<String> = (0..60).map(|i| text(i).repeat(1 + i % 7)).collect();
        for n in 1..=bodies.len() {
            let entries: Vec<Entry<'_>> = bodies[..n]
                .iter()
                .enumerate()
                .map(|(i, body)| Entry {
                    title: format!("Judul \"{i}\""),
                    url: format!("/p{i}/"),
                    description: text(i * 3),
                    kind: "Halaman",
                    excerpt: crate::render::site::Excerpt::of(body, 40),
                    fields: String::new(),
                    body,
                })
                .collect();
            let v = index(&entries);
            assert!(
                v.capacity() <= v.len() + v.len() / 16 + 64,
                "{n} pages: {} bytes in a buffer of {}",
                v.len(),
                v.capacity()
            );
        }
    }

    #[test]
    fn an_excerpt_is_cut_and_escaped_as_it_is_written() {
        // An editor's quotes, backslashes and tags stay inside the JSON
        // string; a cut excerpt ends in `…`, a whole one does not.
        let long = "Kata \"kutip\" \\ miring </script><script>alert(1)</script> lalu teks yang panjang sekali";
        let short = "Pendek \"saja\"";
        let entries = plain_entries(&[long, short], 70);
        let v: Value = serde_json::from_slice(&index(&entries)).expect("valid JSON");
        assert_eq!(
            v["p"][0]["x"],
            "Kata \"kutip\" \\ miring </script><script>alert(1)</script> lalu teks…"
        );
        assert_eq!(v["p"][0]["x"], crate::render::site::excerpt(long, 70));
        assert_eq!(v["p"][1]["x"], short);
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

    /// Words the generated pages are made of: acronyms, their phrases,
    /// variants (one of them two words), affixed words, digits, accents.
    const VOCAB: &[&str] = &[
        "KTP",
        "kartu",
        "tanda",
        "penduduk",
        "keluarga",
        "kk",
        "Kartukeluarga",
        "rumahsakit",
        "ijin",
        "izin",
        "perijinan",
        "perizinan",
        "pelayanan",
        "kesehatan",
        "apotik",
        "PSC",
        "PSC119",
        "119",
        "public",
        "safety",
        "center",
        "surat",
        "praktik",
        "SIP",
        "STR",
        "registrasi",
        "Café",
        "déjà",
        "menyampaikan",
        "berkas",
        "ppid",
        "dan",
        "di",
        "2026",
        "x1y2",
        "a",
        "permohonan",
        "persyaratan",
        "Surat-Izin",
        "ŞEHİR",
        "Straße",
        "",
        "—",
    ];

    #[test]
    fn a_write_that_fails_stops_the_index_made_beside_it() {
        // A file that takes 10 bytes: the error is the write's, and
        // nothing more is written after it.
        struct Full(usize, usize);
        impl std::io::Write for Full {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.1 += 1;
                if self.0 + buf.len() > 10 {
                    return Err(std::io::Error::other("disk full"));
                }
                self.0 += buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let bodies: Vec<String> = (0..50).map(|i| format!("isi halaman {i}")).collect();
        let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
        let entries = plain_entries(&bodies, 30);
        let mut full = Full(0, 0);
        let err = Index::of(&entries)
            .out()
            .write_chunks(&mut full, 1, true)
            .expect_err("the disk is full");
        assert_eq!(err.to_string(), "disk full");
        // The first chunk (`kata` and a page) is already too long.
        assert_eq!(full.1, 1);
    }

    /// Pages `Judul 0`, `Judul 1`… at `/p0/`, `/p1/`… of kind `Halaman`
    /// with `bodies`, their excerpts cut at `cut`, no other text.
    fn plain_entries<'a>(bodies: &[&'a str], cut: usize) -> Vec<Entry<'a>> {
        bodies
            .iter()
            .enumerate()
            .map(|(i, body)| Entry {
                title: format!("Judul {i}"),
                url: format!("/p{i}/"),
                description: String::new(),
                kind: "Halaman",
                excerpt: crate::render::site::Excerpt::of(body, cut),
                fields: String::new(),
                body,
            })
            .collect()
    }

    /// What was written, and in how many calls.
    #[derive(Default)]
    struct Writes {
        bytes: Vec<u8>,
        calls: usize,
    }

    impl std::io::Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.calls += 1;
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn text_of(picks: &[usize]) -> String {
        let seps = [" ", ", ", "\n", "-", " ", ". "];
        let mut s = String::new();
        for (i, p) in picks.iter().enumerate() {
            s.push_str(VOCAB[p % VOCAB.len()]);
            s.push_str(seps[(p / VOCAB.len() + i) % seps.len()]);
        }
        s
    }

    proptest::proptest! {
        #[test]
        fn the_index_is_byte_for_byte_the_reference(
            pages in proptest::collection::vec(
                (
                    proptest::collection::vec(0usize..300, 0..6),
                    proptest::collection::vec(0usize..300, 0..8),
                    proptest::collection::vec(0usize..300, 0..8),
                    proptest::collection::vec(0usize..300, 0..40),
                ),
                0..6,
            )
        ) {
            let bodies: Vec<String> = pages.iter().map(|p| text_of(&p.3)).collect();
            let entries: Vec<Entry<'_>> = pages
                .iter()
                .zip(&bodies)
                .enumerate()
                .map(|(i, ((t, d, f, _), body))| Entry {
                    title: text_of(t),
                    url: format!("/p{i}/"),
                    description: text_of(d),
                    kind: "Halaman",
                    excerpt: crate::render::site::Excerpt::of(body, 30),
                    fields: text_of(f),
                    body,
                })
                .collect();
            let want = reference::index(&entries);
            // Read whole, and in parts of one and two pages (a large
            // site's are read side by side).
            for part in [usize::MAX, 1, 2] {
                let got = Index::in_parts(&entries, part).to_vec();
                proptest::prop_assert_eq!(
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&want),
                    "in parts of {}",
                    part
                );
            }
            // Handed to the file in chunks: the same bytes, in as many
            // writes as the chunks say, each chunk made after the last is
            // written or while it is (`rayon::join`).
            for (chunk, beside) in [(1, false), (300, false), (1, true), (300, true)] {
                let mut w = Writes::default();
                Index::of(&entries)
                    .out()
                    .write_chunks(&mut w, chunk, beside)
                    .expect("written");
                proptest::prop_assert_eq!(
                    String::from_utf8_lossy(&w.bytes),
                    String::from_utf8_lossy(&want),
                    "in chunks of {}, beside: {}",
                    chunk,
                    beside
                );
                if chunk == 1 {
                    // A page a chunk, the first with `kata`, the last
                    // with the end.
                    proptest::prop_assert_eq!(w.calls, entries.len().max(1));
                }
            }
        }
    }
}
