//! The words of every diagnostic message, in Bahasa Indonesia and English,
//! and of the problem kinds a message carries (unsafe paths, executable
//! static files, unsafe HTML, template limits).

use super::Localize;
use crate::diagnostic::{DateProblem, FileKind, Lang, Message, TemplateLimitKind};
use crate::trust::html::HtmlProblem;
use crate::trust::paths::PathProblem;
use crate::trust::statics::Executable;

impl Localize for Message {
    fn text(&self, lang: Lang) -> String {
        text(self, lang)
    }

    fn hint(&self, lang: Lang) -> Option<String> {
        hint(self, lang)
    }
}

impl Localize for FileKind {
    fn text(&self, _lang: Lang) -> String {
        // File names, and "front matter" is the editors' word in both languages.
        match self {
            FileKind::Regency => "laman.toml",
            FileKind::Site => "site.toml",
            FileKind::FrontMatter => "front matter",
        }
        .to_string()
    }
}

fn file_name(file: FileKind, lang: Lang) -> String {
    file.text(lang)
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Serde names types in English ("a string", "integer", "a sequence"); say
/// them in the editor's words.
pub fn type_word(serde_word: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return serde_word.to_string();
    }
    let w = serde_word.trim();
    let table: &[(&str, &str)] = &[
        ("a string", "teks"),
        ("string", "teks"),
        ("a boolean", "nilai benar/salah (true/false)"),
        ("boolean", "nilai benar/salah (true/false)"),
        ("integer", "bilangan bulat"),
        ("an integer", "bilangan bulat"),
        ("i64", "bilangan bulat"),
        ("u64", "bilangan bulat tidak negatif"),
        ("u32", "bilangan bulat tidak negatif"),
        ("u16", "bilangan bulat tidak negatif"),
        ("usize", "bilangan bulat tidak negatif"),
        ("a sequence", "daftar [ … ]"),
        ("sequence", "daftar [ … ]"),
        ("a map", "tabel { … }"),
        ("map", "tabel { … }"),
        ("floating point", "bilangan pecahan"),
        ("a date", "tanggal"),
        ("a TOML datetime", "tanggal"),
        ("a date (YYYY-MM-DD)", "tanggal (TTTT-BB-HH)"),
    ];
    for (en, id) in table {
        if w == *en {
            return (*id).to_string();
        }
    }
    for (en, id) in [
        ("integer ", "bilangan bulat "),
        ("string ", "teks "),
        ("boolean ", "nilai benar/salah "),
        ("floating point ", "bilangan pecahan "),
    ] {
        if let Some(rest) = w.strip_prefix(en) {
            return format!("{id}{rest}");
        }
    }
    if let Some(rest) = w.strip_prefix("struct ") {
        return format!("tabel {rest}");
    }
    w.to_string()
}

/// The message text.
fn text(m: &Message, lang: Lang) -> String {
    use Lang::*;
    use Message::*;
    match (m, lang) {
        (
            TomlSyntax { .. }
            | YamlSyntax { .. }
            | WrongType { .. }
            | InvalidDate { .. }
            | NumberFormat { .. }
            | CurlyQuotes { .. }
            | UnclosedString { .. }
            | DuplicateKey { .. }
            | YamlTab,
            lang,
        ) => editor_text(m, lang),
        (UnknownKey { file, key, .. }, Id) => {
            format!("kunci `{key}` tidak dikenal di {}", file_name(*file, Id))
        }
        (UnknownKey { file, key, .. }, En) => {
            format!("unknown key `{key}` in {}", file_name(*file, En))
        }
        (MissingKey { file, key }, Id) => {
            format!("kunci wajib `{key}` tidak ada di {}", file_name(*file, Id))
        }
        (MissingKey { file, key }, En) => {
            format!(
                "required key `{key}` is missing from {}",
                file_name(*file, En)
            )
        }
        (InvalidValue { value, .. }, Id) => format!("nilai `{value}` tidak diperbolehkan di sini"),
        (InvalidValue { value, .. }, En) => format!("the value `{value}` is not allowed here"),
        (DecreeRegister { number, fault }, lang) => register_fault(number, fault, lang),
        (UnknownPageKind { kind, .. }, Id) => format!("jenis halaman `{kind}` tidak dikenal"),
        (UnknownPageKind { kind, .. }, En) => format!("unknown page kind (jenis) `{kind}`"),
        (UnclosedFrontMatter { delimiter }, Id) => {
            format!("front matter dibuka dengan `{delimiter}` tetapi tidak pernah ditutup")
        }
        (UnclosedFrontMatter { delimiter }, En) => {
            format!("front matter opened with `{delimiter}` is never closed")
        }
        (NotUtf8, Id) => "isi berkas bukan teks UTF-8".to_string(),
        (NotUtf8, En) => "file content is not UTF-8 text".to_string(),
        (NotUtf8FileName, Id) => "nama berkas bukan UTF-8".to_string(),
        (NotUtf8FileName, En) => "file name is not UTF-8".to_string(),
        (Unreadable { detail }, Id) => format!("berkas tidak dapat dibaca: {detail}"),
        (Unreadable { detail }, En) => format!("file cannot be read: {detail}"),
        (SymlinkOutside { target }, Id) => {
            format!("tautan simbolik menunjuk ke luar folder situs: {target}")
        }
        (SymlinkOutside { target }, En) => {
            format!("symbolic link points outside the site folder: {target}")
        }
        (TemplateMissing { name }, Id) => format!("templat `{name}` tidak ditemukan"),
        (TemplateMissing { name }, En) => format!("template `{name}` not found"),
        (TemplateBroken { name, detail }, Id) => {
            format!("templat `{name}` rusak: {detail}")
        }
        (TemplateBroken { name, detail }, En) => format!("template `{name}` is broken: {detail}"),
        (DuplicateOutput { output, other }, Id) => format!(
            "halaman ini dan {} sama-sama menulis `{output}`",
            other.display()
        ),
        (DuplicateOutput { output, other }, En) => {
            format!("this page and {} both write `{output}`", other.display())
        }
        (UnsafePath { path, problem }, lang) => {
            let why = problem.text(lang);
            match lang {
                Id => format!("jalur keluaran `{}` ditolak: {why}", printable(path)),
                En => format!("output path `{}` is refused: {why}", printable(path)),
            }
        }
        (
            ExecutableStatic {
                path,
                executable: kind,
            },
            lang,
        ) => {
            let what = kind.text(lang);
            match lang {
                Id => format!(
                    "berkas statis `{path}` adalah {what} yang dijalankan peramban; tanpa izin Diskominfo berkas ini tidak diterbitkan"
                ),
                En => format!(
                    "static file `{path}` is {what} that a browser runs; without Diskominfo's permission it is not published"
                ),
            }
        }
        (UnsafeHtml { problem }, lang) => problem.text(lang),
        (UnsafeUrl { field, scheme }, Id) => {
            format!("alamat `{scheme}:` pada `{field}` ditolak: skema ini dapat menjalankan skrip")
        }
        (UnsafeUrl { field, scheme }, En) => {
            format!("`{scheme}:` URL in `{field}` is refused: this scheme can run script")
        }
        (Placeholder { key, text, .. }, lang) => placeholder_text(key.as_deref(), text, lang),
        (TemplateOverrideNotAllowed, Id) => {
            "folder templates/ situs ini tidak diizinkan: templat situs adalah keputusan Diskominfo"
                .into()
        }
        (TemplateOverrideNotAllowed, En) => {
            "this site's templates/ folder is not allowed: site templates are Diskominfo's decision"
                .into()
        }
        (TemplateLimit { name, limit }, lang) => template_limit(name, limit, lang),
        (BrokenInternalLink { target }, Id) => {
            format!("tautan internal `{target}` menunjuk ke halaman yang tidak ada")
        }
        (BrokenInternalLink { target }, En) => {
            format!("internal link `{target}` points to a page that does not exist")
        }
        (InvalidSubdomain { label }, Id) => format!("subdomain `{label}` tidak sah (RFC 1123)"),
        (InvalidSubdomain { label }, En) => {
            format!("subdomain `{label}` is not a valid host label (RFC 1123)")
        }
        (ReservedSubdomain { label }, Id) => {
            format!("subdomain `{label}` dicadangkan untuk layanan kabupaten")
        }
        (ReservedSubdomain { label }, En) => {
            format!("subdomain `{label}` is reserved for regency-wide services")
        }
        (DuplicateSubdomain { label, other }, Id) => {
            format!("subdomain `{label}` sudah dipakai oleh {}", other.display())
        }
        (DuplicateSubdomain { label, other }, En) => {
            format!("subdomain `{label}` is already used by {}", other.display())
        }
        (UnknownProfile { profile }, Id) => format!("profil daerah `{profile}` tidak dikenal"),
        (NotAnAddress { key, value }, Id) => {
            format!("`{value}` bukan alamat {} yang sah", family(key))
        }
        (NotAnAddress { key, value }, En) => {
            format!("`{value}` is not a valid {} address", family(key))
        }
        (UnknownProfile { profile }, En) => format!("unknown regency profile `{profile}`"),
        (MissingSiteToml, Id) => "folder situs tidak memiliki site.toml".to_string(),
        (MissingSiteToml, En) => "the site folder has no site.toml".to_string(),
        (ZoneFileSyntax { detail }, Id) => {
            format!("berkas zona DNS (RFC 1035) tidak dapat dibaca: {detail}")
        }
        (ZoneFileSyntax { detail }, En) => {
            format!("the DNS zone file (RFC 1035) does not parse: {detail}")
        }
        (Rule { finding, .. }, lang) => finding.text(lang),
        (
            Observed {
                text,
                unconfirmed: false,
                ..
            },
            lang,
        ) => text.text(lang),
        (
            Observed {
                text,
                unconfirmed: true,
                ..
            },
            Id,
        ) => format!("tidak terkonfirmasi pada koneksi kedua: {}", text.id),
        (
            Observed {
                text,
                unconfirmed: true,
                ..
            },
            En,
        ) => format!("not confirmed on a second connection: {}", text.en),
    }
}

/// What to do about it.
fn hint(m: &Message, lang: Lang) -> Option<String> {
    use Lang::*;
    use Message::*;
    let h = match (m, lang) {
        (
            TomlSyntax { .. }
            | YamlSyntax { .. }
            | UnknownKey { .. }
            | WrongType { .. }
            | InvalidDate { .. }
            | NumberFormat { .. }
            | CurlyQuotes { .. }
            | UnclosedString { .. }
            | DuplicateKey { .. }
            | YamlTab,
            lang,
        ) => return editor_hint(m, lang),
        (DecreeRegister { .. }, Id) => "daftar SK penetapan subdomain ditulis di laman.toml sebagai [[decree]] number = \"500/112/Kep/Diskominfo/2024\", date = 2024-03-12, issuer = \"Kepala Dinas …\", subdomains = [\"dinkes\"] (docs/decree.md)".to_string(),
        (DecreeRegister { .. }, En) => "the register of subdomain decrees is written in laman.toml as [[decree]] number = \"500/112/Kep/Diskominfo/2024\", date = 2024-03-12, issuer = \"Kepala Dinas …\", subdomains = [\"dinkes\"] (docs/decree.md)".to_string(),
        (MissingKey { key, .. }, Id) => format!("tambahkan `{key} = …`"),
        (MissingKey { key, .. }, En) => format!("add `{key} = …`"),
        (InvalidValue { allowed, .. }, Id) if !allowed.is_empty() => {
            format!("pilih salah satu: {}", list(allowed))
        }
        (InvalidValue { allowed, .. }, En) if !allowed.is_empty() => {
            format!("use one of: {}", list(allowed))
        }
        (InvalidValue { .. }, _) => return None,
        (
            UnknownPageKind {
                suggestion: Some(s),
                ..
            },
            Id,
        ) => {
            format!("mungkin maksudnya `{s}`? Daftar jenis ada di docs/panduan-editor.md")
        }
        (
            UnknownPageKind {
                suggestion: Some(s),
                ..
            },
            En,
        ) => {
            format!("did you mean `{s}`? The kinds are listed in docs/panduan-editor.md")
        }
        (UnknownPageKind { .. }, Id) => "daftar jenis halaman ada di docs/panduan-editor.md".into(),
        (UnknownPageKind { .. }, En) => "the page kinds are listed in docs/panduan-editor.md".into(),
        (UnclosedFrontMatter { delimiter }, Id) => {
            format!("tambahkan baris `{delimiter}` setelah kunci terakhir")
        }
        (UnclosedFrontMatter { delimiter }, En) => {
            format!("add a `{delimiter}` line after the last key")
        }
        (NotUtf8, Id) => "simpan ulang berkas sebagai UTF-8 di penyunting teks".into(),
        (NotUtf8, En) => "save the file again as UTF-8 in your editor".into(),
        (NotUtf8FileName, Id) => {
            "ganti nama berkas dengan huruf, angka dan tanda hubung saja".into()
        }
        (NotUtf8FileName, En) => "rename the file using letters, digits and hyphens".into(),
        (Unreadable { .. }, Id) => "periksa izin berkas".into(),
        (Unreadable { .. }, En) => "check the file's permissions".into(),
        (SymlinkOutside { .. }, Id) => {
            "salin berkasnya ke dalam folder situs alih-alih menautkannya".into()
        }
        (SymlinkOutside { .. }, En) => {
            "copy the file into the site folder instead of linking".into()
        }
        (TemplateMissing { .. }, Id) => {
            "periksa kunci `template` atau tambahkan templat di sites/<slug>/templates/".into()
        }
        (TemplateMissing { .. }, En) => {
            "check the `template` key or add the template under sites/<slug>/templates/".into()
        }
        (TemplateBroken { .. }, Id) => "perbaiki templat pada baris yang disebut".into(),
        (TemplateBroken { .. }, En) => "fix the template at the line named".into(),
        (DuplicateOutput { .. }, Id) => "ganti nama salah satu berkas atau hapus aliasnya".into(),
        (DuplicateOutput { .. }, En) => "rename one of the files or remove the alias".into(),
        (UnsafePath { .. }, Id) => {
            "pakai huruf a–z, angka, `-`, `_` dan `.` dengan `/` di antara folder, misalnya /berita/lama/".into()
        }
        (UnsafePath { .. }, En) => {
            "use letters a–z, digits, `-`, `_` and `.` with `/` between folders, e.g. /berita/lama/".into()
        }
        (ExecutableStatic { .. }, Id) => {
            "hapus berkas ini, atau minta Diskominfo mencantumkan situs ini di [allow] static_scripts pada laman.toml".into()
        }
        (ExecutableStatic { .. }, En) => {
            "remove the file, or ask Diskominfo to list this site in [allow] static_scripts of laman.toml".into()
        }
        (UnsafeUrl { .. }, Id) => {
            "tulis alamat https://…, mailto:…, tel:… atau @/halaman.md".into()
        }
        (UnsafeUrl { .. }, En) => "write an https://…, mailto:…, tel:… or @/page.md address".into(),
        (Placeholder { file, key, text }, lang) => {
            placeholder_hint(*file, key.is_some(), text, lang)
        }
        (UnsafeHtml { .. }, Id) => {
            "tulis isinya dengan Markdown; untuk video atau peta, minta Diskominfo mengizinkan hostnya di [allow] iframe_hosts".into()
        }
        (UnsafeHtml { .. }, En) => {
            "write the content in Markdown; for a video or a map, ask Diskominfo to allow its host in [allow] iframe_hosts".into()
        }
        (TemplateOverrideNotAllowed, Id) => {
            "hapus folder templates/, atau minta Diskominfo mencantumkan situs ini di [allow] template_overrides pada laman.toml".into()
        }
        (TemplateOverrideNotAllowed, En) => {
            "remove the templates/ folder, or ask Diskominfo to list this site in [allow] template_overrides of laman.toml".into()
        }
        (TemplateLimit { .. }, Id) => {
            "sederhanakan templat: tanpa rekursi, tanpa perulangan sebesar itu".into()
        }
        (TemplateLimit { .. }, En) => {
            "simplify the template: no recursion, no loops that large".into()
        }
        (BrokenInternalLink { .. }, Id) => {
            "tulis jalur berkas di bawah content/, misalnya @/layanan/kir.md".into()
        }
        (BrokenInternalLink { .. }, En) => {
            "write the file's path below content/, e.g. @/layanan/kir.md".into()
        }
        (InvalidSubdomain { .. }, Id) => {
            "pakai huruf kecil a–z, angka dan tanda hubung (bukan di awal/akhir), maks. 63 karakter"
                .into()
        }
        (InvalidSubdomain { .. }, En) => {
            "use lower-case a–z, digits and inner hyphens, at most 63 characters".into()
        }
        (ReservedSubdomain { .. }, Id) => "pilih singkatan resmi PD sebagai subdomain".into(),
        (ReservedSubdomain { .. }, En) => "use the agency's official short name".into(),
        (DuplicateSubdomain { .. }, Id) => {
            "setiap PD memakai subdomainnya sendiri; ubah `subdomain` di site.toml".into()
        }
        (DuplicateSubdomain { .. }, En) => {
            "each agency needs its own subdomain; change `subdomain` in site.toml".into()
        }
        (UnknownProfile { .. }, Id) => {
            "pilih: cianjur, pangandaran, purwakarta, limapuluhkota, bogor, nasional".into()
        }
        (UnknownProfile { .. }, En) => {
            "use one of: cianjur, pangandaran, purwakarta, limapuluhkota, bogor, nasional".into()
        }
        (NotAnAddress { key, .. }, Id) => format!(
            "tulis alamat {} server Pusat Data yang dituju setiap subdomain, mis. {}",
            family(key),
            example_address(key)
        ),
        (NotAnAddress { key, .. }, En) => format!(
            "write the {} address of the Pusat Data server every subdomain points to, e.g. {}",
            family(key),
            example_address(key)
        ),
        (MissingSiteToml, Id) => "jalankan `laman new site <slug>` atau buat site.toml".into(),
        (MissingSiteToml, En) => "run `laman new site <slug>` or create site.toml".into(),
        (ZoneFileSyntax { .. }, Id) => "satu rekaman per baris: nama, TTL dan kelas bila perlu, jenis, data — misalnya `dinkes 3600 IN A 192.0.2.10`; rekaman yang terbagi beberapa baris (SOA) diapit ( … )".into(),
        (ZoneFileSyntax { .. }, En) => "one record per line: name, TTL and class if needed, type, data — e.g. `dinkes 3600 IN A 192.0.2.10`; a record over several lines (SOA) goes inside ( … )".into(),
        (Rule { .. } | Observed { .. }, _) => return None,
    };
    Some(h)
}

/// A path with control characters made visible.
fn printable(path: &str) -> String {
    path.chars()
        .flat_map(char::escape_debug)
        .collect::<String>()
}

impl Localize for PathProblem {
    fn text(&self, lang: Lang) -> String {
        use PathProblem::*;
        match (*self, lang) {
            (Empty, Lang::Id) => "kosong (laman sendiri yang menulis beranda)".into(),
            (Empty, Lang::En) => "empty (laman itself writes the home page)".into(),
            (ParentDir, Lang::Id) => "`..` keluar dari folder situs".into(),
            (ParentDir, Lang::En) => "`..` leaves the site's folder".into(),
            (DotSegment, Lang::Id) => {
                "bagian yang diawali `.` (berkas tersembunyi atau milik laman)".into()
            }
            (DotSegment, Lang::En) => "a part starting with `.` (hidden, or laman's own)".into(),
            (EmptySegment, Lang::Id) => "`//` (bagian kosong; di awal berarti situs lain)".into(),
            (EmptySegment, Lang::En) => {
                "`//` (an empty part; at the start it means another site)".into()
            }
            (Backslash, Lang::Id) => "garis miring terbalik `\\`".into(),
            (Backslash, Lang::En) => "a backslash `\\`".into(),
            (Control, Lang::Id) => "karakter kendali (mis. baris baru atau NUL)".into(),
            (Control, Lang::En) => "a control character (e.g. a newline or NUL)".into(),
            (Percent, Lang::Id) => "`%` (penyandian persen)".into(),
            (Percent, Lang::En) => "`%` (percent-encoding)".into(),
            (Syntax(' '), Lang::Id) => "spasi".into(),
            (Syntax(' '), Lang::En) => "a space".into(),
            (Syntax(c), Lang::Id) => {
                format!("karakter `{c}` (bermakna khusus di _redirects/_headers atau URL)")
            }
            (Syntax(c), Lang::En) => {
                format!("the character `{c}` (syntax in _redirects/_headers or URLs)")
            }
            (NonAscii(c), Lang::Id) => format!("karakter non-ASCII `{c}` (U+{:04X})", c as u32),
            (NonAscii(c), Lang::En) => {
                format!("the non-ASCII character `{c}` (U+{:04X})", c as u32)
            }
            (TooLong, Lang::Id) => format!("lebih dari {} karakter", crate::trust::paths::MAX_LEN),
            (TooLong, Lang::En) => {
                format!("longer than {} characters", crate::trust::paths::MAX_LEN)
            }
        }
    }
}

impl Localize for Executable {
    fn text(&self, lang: Lang) -> String {
        use Executable::*;
        match (self, lang) {
            (Script, Lang::Id) => "skrip JavaScript",
            (Script, Lang::En) => "a JavaScript file",
            (Document, Lang::Id) => "dokumen HTML/XML",
            (Document, Lang::En) => "an HTML/XML document",
            (SvgWithScript, Lang::Id) => "gambar SVG berisi skrip",
            (SvgWithScript, Lang::En) => "an SVG image with script",
            (Wasm, Lang::Id) => "program WebAssembly",
            (Wasm, Lang::En) => "a WebAssembly program",
        }
        .to_string()
    }
}

impl Localize for HtmlProblem {
    fn text(&self, lang: Lang) -> String {
        use HtmlProblem::*;
        match (self, lang) {
            // Sanitizing keeps an `<input>` as a disabled checkbox (a task
            // list's box), so a form field is not removed but made inert.
            (Dangerous { element }, Lang::Id) if element == "input" => {
                "HTML `<input>` dijadikan kotak centang nonaktif: kolom isian dapat mengirim data"
                    .to_string()
            }
            (Dangerous { element }, Lang::En) if element == "input" => {
                "HTML `<input>` made a disabled checkbox: form fields can send data".to_string()
            }
            (Dangerous { element }, Lang::Id) => format!(
                "HTML `<{element}>` dibuang: elemen ini dapat menjalankan skrip, memuat atau mengganti halaman, atau mengirim data"
            ),
            (Dangerous { element }, Lang::En) => format!(
                "HTML `<{element}>` removed: it can run script, load or replace the page, or send data"
            ),
            (NotAllowed { element }, Lang::Id) => {
                format!("HTML `<{element}>` tidak diizinkan dan dibuang (teksnya tetap)")
            }
            (NotAllowed { element }, Lang::En) => {
                format!("HTML `<{element}>` is not allowed and is removed (its text stays)")
            }
            (Handler { element, attribute }, Lang::Id) => format!(
                "atribut `{attribute}` pada `<{element}>` dibuang: atribut peristiwa menjalankan skrip"
            ),
            (Handler { element, attribute }, Lang::En) => {
                format!(
                    "attribute `{attribute}` of `<{element}>` removed: event attributes run script"
                )
            }
            (Url { attribute, scheme }, Lang::Id) => format!(
                "alamat `{scheme}:` pada `{attribute}` dibuang: skema ini dapat menjalankan skrip"
            ),
            (Url { attribute, scheme }, Lang::En) => {
                format!("`{scheme}:` URL in `{attribute}` removed: this scheme can run script")
            }
            (IframeHost { host }, Lang::Id) => format!(
                "`<iframe>` dari `{host}` dibuang: host ini tidak ada di [allow] iframe_hosts laman.toml"
            ),
            (IframeHost { host }, Lang::En) => format!(
                "`<iframe>` from `{host}` removed: the host is not in [allow] iframe_hosts of laman.toml"
            ),
            (Style { element }, Lang::Id) => format!(
                "atribut `style` pada `<{element}>` dibuang (gaya sebaris dilarang oleh kebijakan keamanan)"
            ),
            (Style { element }, Lang::En) => format!(
                "`style` attribute of `<{element}>` removed (the security policy forbids inline styles)"
            ),
        }
    }
}

fn template_limit(name: &str, limit: &TemplateLimitKind, lang: Lang) -> String {
    use TemplateLimitKind::*;
    let what = match (limit, lang) {
        (Recursion { max }, Lang::Id) => format!(
            "memanggil dirinya sendiri (include atau makro bersarang lebih dari {max} tingkat)"
        ),
        (Recursion { max }, Lang::En) => {
            format!("calls itself (includes or macro calls nested more than {max} deep)")
        }
        (Depth { max }, Lang::Id) => format!("bersarang lebih dari {max} tingkat"),
        (Depth { max }, Lang::En) => format!("is nested deeper than {max} levels"),
        (Range { max }, Lang::Id) => format!("memakai `range` lebih dari {max} butir"),
        (Range { max }, Lang::En) => format!("uses a `range` of more than {max} items"),
        (Size { max_bytes }, Lang::Id) => format!("menghasilkan lebih dari {} bajt", max_bytes),
        (Size { max_bytes }, Lang::En) => format!("produces more than {} bytes", max_bytes),
        (Steps { max }, Lang::Id) => {
            format!("berjalan lebih dari {max} langkah (perulangannya terlalu panjang)")
        }
        (Steps { max }, Lang::En) => {
            format!("runs more than {max} steps (its loops run too long)")
        }
        (FileSize { max_bytes }, Lang::Id) => format!("berkasnya lebih dari {max_bytes} bajt"),
        (FileSize { max_bytes }, Lang::En) => format!("its file is larger than {max_bytes} bytes"),
    };
    match lang {
        Lang::Id => format!("templat `{name}` dihentikan: {what}"),
        Lang::En => format!("template `{name}` stopped: {what}"),
    }
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

// ---------------------------------------------------------------------------
// Messages for editors: the parse errors of front matter, site.toml and
// laman.toml, each naming the key and the mistake, with advice right for
// that mistake (a date, money, curly quotes, a missing quote, a key written
// twice, a tab in YAML, a misspelled key).

/// The example date of the advice when the editor's own date cannot be read.
const EXAMPLE_DAY: &str = "2026-05-12";

/// `` `key` `` then `rest`, or `rest` alone when the key is unknown.
fn keyed(key: &Option<String>, with_key: impl FnOnce(&str) -> String, without: String) -> String {
    match key {
        Some(k) => with_key(k),
        None => without,
    }
}

fn editor_text(m: &Message, lang: Lang) -> String {
    use Lang::*;
    use Message::*;
    match (m, lang) {
        (TomlSyntax { file, key, detail }, _) => {
            let (what, _) = toml_detail(detail, lang);
            let at = key_suffix(key, lang);
            match lang {
                Id => format!("{} bukan TOML yang sah: {what}{at}", file_name(*file, Id)),
                En => format!("{} is not valid TOML: {what}{at}", file_name(*file, En)),
            }
        }
        (YamlSyntax { key, detail }, _) => {
            let what = yaml_detail(detail, lang);
            let at = key_suffix(key, lang);
            match lang {
                Id => format!("front matter bukan YAML yang sah: {what}{at}"),
                En => format!("front matter is not valid YAML: {what}{at}"),
            }
        }
        (
            WrongType {
                key: None,
                found,
                expected,
                ..
            },
            Id,
        ) => format!(
            "tipe nilai salah: tertulis {}, seharusnya {}",
            type_word(found, Id),
            type_word(expected, Id)
        ),
        (
            WrongType {
                key: None,
                found,
                expected,
                ..
            },
            En,
        ) => format!(
            "wrong type: found {}, expected {}",
            found,
            type_word_en(expected)
        ),
        (
            WrongType {
                key: Some(k),
                found,
                expected,
                ..
            },
            Id,
        ) => format!(
            "`{k}` harus {}, tertulis {}",
            type_word(expected, Id),
            type_word(found, Id)
        ),
        (
            WrongType {
                key: Some(k),
                found,
                expected,
                ..
            },
            En,
        ) => {
            format!("`{k}` must be {}, found {found}", type_word_en(expected))
        }
        (
            InvalidDate {
                key,
                value,
                problem,
                ..
            },
            Id,
        ) => match problem {
            DateProblem::Format => keyed(
                key,
                |k| format!("tanggal `{k}` ditulis `{value}`, bukan TTTT-BB-HH"),
                format!("tanggal `{value}` tidak ditulis TTTT-BB-HH"),
            ),
            DateProblem::NoSuchDay => keyed(
                key,
                |k| format!("tanggal `{k}` = `{value}` tidak ada di kalender"),
                format!("tanggal `{value}` tidak ada di kalender"),
            ),
        },
        (
            InvalidDate {
                key,
                value,
                problem,
                ..
            },
            En,
        ) => match problem {
            DateProblem::Format => keyed(
                key,
                |k| format!("the date `{k}` is written `{value}`, not YYYY-MM-DD"),
                format!("the date `{value}` is not written YYYY-MM-DD"),
            ),
            DateProblem::NoSuchDay => keyed(
                key,
                |k| format!("the date `{k}` = `{value}` does not exist"),
                format!("the date `{value}` does not exist"),
            ),
        },
        (NumberFormat { key, value, .. }, Id) => keyed(
            key,
            |k| format!("`{k}` harus angka bulat, tertulis `{value}`"),
            format!("angka bulat tertulis `{value}`"),
        ),
        (NumberFormat { key, value, .. }, En) => keyed(
            key,
            |k| format!("`{k}` must be a whole number, found `{value}`"),
            format!("a whole number is written `{value}`"),
        ),
        (CurlyQuotes { key, .. }, Id) => keyed(
            key,
            |k| {
                format!(
                    "`{k}` memakai tanda kutip miring “…”; TOML hanya mengenal tanda kutip lurus \"…\""
                )
            },
            "tanda kutip miring “…” di baris ini; TOML hanya mengenal tanda kutip lurus \"…\""
                .into(),
        ),
        (CurlyQuotes { key, .. }, En) => keyed(
            key,
            |k| format!("`{k}` uses curly quotes “…”; TOML only knows straight quotes \"…\""),
            "curly quotes “…” on this line; TOML only knows straight quotes \"…\"".into(),
        ),
        (UnclosedString { key, .. }, Id) => keyed(
            key,
            |k| format!("teks `{k}` dibuka dengan tanda kutip di sini tetapi tidak ditutup"),
            "teks ini dibuka dengan tanda kutip tetapi tidak ditutup".into(),
        ),
        (UnclosedString { key, .. }, En) => keyed(
            key,
            |k| format!("the text of `{k}` opens with a quote here but is never closed"),
            "this text opens with a quote but is never closed".into(),
        ),
        (
            DuplicateKey {
                key,
                first_line,
                second_line,
                ..
            },
            Id,
        ) => {
            format!("kunci `{key}` ditulis dua kali: di baris {first_line} dan baris {second_line}")
        }
        (
            DuplicateKey {
                key,
                first_line,
                second_line,
                ..
            },
            En,
        ) => {
            format!("the key `{key}` is written twice: on line {first_line} and line {second_line}")
        }
        (YamlTab, Id) => {
            "ada karakter tab di awal baris; YAML hanya menerima spasi untuk indentasi".into()
        }
        (YamlTab, En) => {
            "a tab character starts this line; YAML accepts only spaces for indentation".into()
        }
        // Only the variants above are sent here.
        (other, lang) => text(other, lang),
    }
}

fn editor_hint(m: &Message, lang: Lang) -> Option<String> {
    use Lang::*;
    use Message::*;
    let h = match (m, lang) {
        (TomlSyntax { detail, .. }, _) => toml_detail(detail, lang).1,
        (YamlSyntax { .. }, Id) => "periksa indentasi (spasi, bukan tab) dan tanda `:` pada baris ini; teks yang berisi `:` diapit tanda kutip".into(),
        (YamlSyntax { .. }, En) => "check the indentation (spaces, not tabs) and the `:` on this line; quote text that contains `:`".into(),
        (UnknownKey { key, expected, .. }, _) => match (nearest(key, expected), lang) {
            (Some(s), Id) => format!("mungkin maksudnya `{s}`?"),
            (Some(s), En) => format!("did you mean `{s}`?"),
            (None, Id) if !expected.is_empty() => {
                format!("periksa ejaan; kunci yang dikenal di sini: {}", list(expected))
            }
            (None, En) if !expected.is_empty() => {
                format!("check the spelling; keys known here: {}", list(expected))
            }
            (None, Id) => "hapus kunci ini atau pindahkan ke tabel [extra]".into(),
            (None, En) => "remove this key or move it into an [extra] table".into(),
        },
        (WrongType { expected, .. }, Id) if is_whole_number(expected) => {
            "tulis angka tanpa tanda kutip, Rp dan titik, mis. 0 atau 50000".into()
        }
        (WrongType { expected, .. }, En) if is_whole_number(expected) => {
            "write the number without quotes, Rp and dots, e.g. 0 or 50000".into()
        }
        (WrongType { .. }, Id) => {
            "ubah nilainya ke tipe yang diminta (lihat docs/panduan-editor.md)".into()
        }
        (WrongType { .. }, En) => "change the value to the expected type".into(),
        (InvalidDate { suggestion, .. }, Id) => {
            format!("tulis TTTT-BB-HH, mis. {}", suggestion.as_deref().unwrap_or(EXAMPLE_DAY))
        }
        (InvalidDate { suggestion, .. }, En) => {
            format!("write YYYY-MM-DD, e.g. {}", suggestion.as_deref().unwrap_or(EXAMPLE_DAY))
        }
        (NumberFormat { suggestion, .. }, Id) => {
            format!("tulis angka tanpa Rp dan titik: {suggestion}")
        }
        (NumberFormat { suggestion, .. }, En) => {
            format!("write the number without Rp and dots: {suggestion}")
        }
        (CurlyQuotes { .. }, Id) => "ganti “ dan ” dengan \" (pengolah kata seperti Word mengubahnya otomatis; salin dari penyunting teks biasa)".into(),
        (CurlyQuotes { .. }, En) => "replace “ and ” with \" (word processors change quotes on their own; copy from a plain-text editor)".into(),
        (UnclosedString { .. }, Id) => "tambahkan \" di akhir teks, pada baris yang sama".into(),
        (UnclosedString { .. }, En) => "add \" at the end of the text, on the same line".into(),
        (DuplicateKey { .. }, Id) => "hapus salah satunya dan simpan nilai yang benar".into(),
        (DuplicateKey { .. }, En) => "delete one of them and keep the right value".into(),
        (YamlTab, Id) => "ganti tab dengan spasi, mis. dua spasi sebelum `- KTP`".into(),
        (YamlTab, En) => "replace the tab with spaces, e.g. two spaces before `- KTP`".into(),
        (other, lang) => return hint(other, lang),
    };
    Some(h)
}

/// ` (kunci `x`)` / ` (key `x`)`, or nothing.
fn key_suffix(key: &Option<String>, lang: Lang) -> String {
    match (key, lang) {
        (Some(k), Lang::Id) => format!(" (kunci `{k}`)"),
        (Some(k), Lang::En) => format!(" (key `{k}`)"),
        (None, _) => String::new(),
    }
}

/// The closest of `known` to a misspelled `key`, when it is close enough
/// to be a typo (at most a third of its letters differ, and at least 1).
pub fn nearest<'a>(key: &str, known: &'a [String]) -> Option<&'a str> {
    let limit = (key.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| (strsim::levenshtein(key, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn is_whole_number(expected: &str) -> bool {
    matches!(
        expected.trim(),
        "u8" | "u16"
            | "u32"
            | "u64"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "isize"
            | "integer"
            | "an integer"
    )
}

/// Serde's type names said in English an editor reads.
fn type_word_en(serde_word: &str) -> String {
    let w = serde_word.trim();
    match w {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number (0 or more)".into(),
        "i8" | "i16" | "i32" | "i64" | "isize" | "integer" | "an integer" => {
            "a whole number".into()
        }
        "a date (YYYY-MM-DD)" | "a TOML datetime" => "a date (YYYY-MM-DD)".into(),
        "a sequence" => "a list [ … ]".into(),
        "a map" => "a table { … }".into(),
        "a boolean" => "true or false".into(),
        _ => w.to_string(),
    }
}

/// The words of a TOML parser error and the advice for it. The parser says
/// what it found, then what it expected (`…, expected `]``); the first part
/// names the mistake.
fn toml_detail(detail: &str, lang: Lang) -> (String, String) {
    let head = first_line(detail);
    let what = head.split(", expected").next().unwrap_or(head).trim();
    let known: Option<(&str, &str, &str, &str)> = match what {
        "string values must be quoted" => Some((
            "teks harus diapit tanda kutip",
            "apit teksnya dengan tanda kutip lurus, mis. judul = \"Layanan KIR\"",
            "text must be quoted",
            "put straight quotes around the text, e.g. judul = \"Layanan KIR\"",
        )),
        "missing opening quote" => Some((
            "tanda kutip pembuka tidak ada",
            "tambahkan \" di awal teks, mis. judul = \"Layanan KIR\"",
            "the opening quote is missing",
            "add \" at the start of the text, e.g. judul = \"Layanan KIR\"",
        )),
        "missing comma between array elements" => Some((
            "koma di antara butir daftar hilang",
            "pisahkan butir daftar dengan koma, mis. [\"KTP\", \"KK\"]",
            "a comma between list items is missing",
            "separate list items with commas, e.g. [\"KTP\", \"KK\"]",
        )),
        "unclosed array" => Some((
            "daftar [ … ] tidak ditutup",
            "tutup daftar dengan `]` setelah butir terakhir",
            "a list [ … ] is never closed",
            "close the list with `]` after its last item",
        )),
        "unclosed inline table" => Some((
            "tabel { … } tidak ditutup",
            "tutup tabel dengan `}` pada baris yang sama",
            "a table { … } is never closed",
            "close the table with `}` on the same line",
        )),
        "unclosed table" | "unclosed array table" => Some((
            "judul tabel [ … ] tidak ditutup",
            "tutup judul tabel dengan `]`, mis. [alamat]",
            "a table header [ … ] is never closed",
            "close the table header with `]`, e.g. [alamat]",
        )),
        "key with no value" | "missing value for key" | "missing value" => Some((
            "kunci tanpa nilai",
            "tulis kunci = nilai, mis. judul = \"Layanan KIR\"",
            "a key without a value",
            "write key = value, e.g. judul = \"Layanan KIR\"",
        )),
        "invalid key" | "invalid unquoted key" | "unquoted keys cannot be empty" => Some((
            "nama kunci tidak sah",
            "nama kunci hanya huruf, angka, `_` dan `-`, mis. tanggal_mutakhir",
            "the key's name is not valid",
            "key names use only letters, digits, `_` and `-`, e.g. tanggal_mutakhir",
        )),
        "unexpected key or value" | "unexpected content" => Some((
            "ada tulisan lain setelah nilainya",
            "satu baris hanya berisi satu kunci = nilai; teks panjang diapit satu pasang tanda kutip",
            "there is more after the value",
            "one line holds one key = value; long text goes inside one pair of quotes",
        )),
        "invalid boolean" => Some((
            "nilai benar/salah tidak sah",
            "tulis true atau false, tanpa tanda kutip",
            "a true/false value is not valid",
            "write true or false, without quotes",
        )),
        "invalid integer number"
        | "invalid float"
        | "unexpected leading zero"
        | "invalid number" => Some((
            "angka tidak ditulis dengan benar",
            "tulis angka tanpa Rp, titik dan spasi, mis. 50000",
            "a number is not written correctly",
            "write the number without Rp, dots or spaces, e.g. 50000",
        )),
        "invalid basic string" | "invalid string" | "invalid literal string" => Some((
            "teks tidak ditulis dengan benar",
            "periksa tanda kutip pembuka dan penutup teks ini",
            "a text is not written correctly",
            "check this text's opening and closing quotes",
        )),
        "extra comma in array" | "extra comma in inline table" => Some((
            "ada koma berlebih",
            "hapus koma yang berlebih",
            "there is an extra comma",
            "remove the extra comma",
        )),
        _ => None,
    };
    match (known, lang) {
        (Some((id, id_hint, _, _)), Lang::Id) => (id.to_string(), id_hint.to_string()),
        (Some((_, _, en, en_hint)), Lang::En) => (en.to_string(), en_hint.to_string()),
        (None, Lang::Id) => (
            format!("penulisan tidak sah ({what})"),
            "periksa tanda kutip, tanda `=` dan kurung pada baris ini".into(),
        ),
        (None, Lang::En) => (
            what.to_string(),
            "check the quotes, `=` signs and brackets on this line".into(),
        ),
    }
}

/// The words of a YAML parser error.
fn yaml_detail(detail: &str, lang: Lang) -> String {
    let what = first_line(detail);
    let table: [(&str, &str); 6] = [
        (
            "mapping values are not allowed",
            "tanda `:` tidak boleh di sini",
        ),
        (
            "did not find expected key",
            "kunci yang diharapkan tidak ada (periksa indentasi)",
        ),
        (
            "did not find expected '-' indicator",
            "tanda `-` butir daftar tidak ada",
        ),
        (
            "found character that cannot start any token",
            "ada karakter yang tidak dapat mengawali nilai",
        ),
        (
            "found unexpected end of stream",
            "berkas berakhir sebelum waktunya",
        ),
        (
            "could not find expected ':'",
            "tanda `:` setelah kunci tidak ada",
        ),
    ];
    match lang {
        Lang::En => what.to_string(),
        Lang::Id => table
            .iter()
            .find(|(en, _)| what.starts_with(en))
            .map_or_else(
                || format!("penulisan tidak sah ({what})"),
                |(_, id)| (*id).to_string(),
            ),
    }
}

// ---------------------------------------------------------------------
// Issue #10: a regency starting from zero (the scaffold's placeholders).
// ---------------------------------------------------------------------

/// ISIAN-001: which value is still a placeholder.
fn placeholder_text(key: Option<&str>, text: &str, lang: Lang) -> String {
    match (key, lang) {
        (Some(k), Lang::Id) => format!("`{k}` belum diisi: `{text}`"),
        (Some(k), Lang::En) => format!("`{k}` is not filled in: `{text}`"),
        (None, Lang::Id) => format!("isian di teks halaman belum diisi: `{text}`"),
        (None, Lang::En) => format!("placeholder not filled in in the page text: `{text}`"),
    }
}

/// ISIAN-001: what to write instead, and what the blank holds back.
fn placeholder_hint(file: FileKind, value: bool, text: &str, lang: Lang) -> String {
    let what = text
        .strip_prefix(crate::content::placeholder::MARK)
        .unwrap_or(text)
        .trim();
    if !value {
        return match lang {
            Lang::Id => "ganti baris `ISI: …` ini dengan teks halaman yang sebenarnya; situs dengan isian kosong dapat dipratinjau tetapi tidak diterbitkan".into(),
            Lang::En => "replace this `ISI: …` line with the page's real text; a site with blanks previews but is not published".into(),
        };
    }
    match (file, lang) {
        (FileKind::Regency, Lang::Id) => format!(
            "tulis {what} (tanpa `ISI:`); selama laman.toml berisi isian kosong, tidak ada situs yang diterbitkan"
        ),
        (FileKind::Regency, Lang::En) => format!(
            "replace `{text}` with the value it names, without `ISI:`; while laman.toml has blanks, no site is published"
        ),
        (_, Lang::Id) => format!(
            "tulis {what} (tanpa `ISI:`); situs dengan isian kosong dapat dipratinjau tetapi tidak diterbitkan"
        ),
        (_, Lang::En) => format!(
            "replace `{text}` with the value it names, without `ISI:`; a site with blanks previews but is not published"
        ),
    }
}

/// The words of a fault in the subdomain decree register.
fn register_fault(number: &str, fault: &crate::decree::RegisterFault, lang: Lang) -> String {
    use crate::decree::RegisterFault::*;
    match (fault, lang) {
        (Blank { field }, Lang::Id) => format!(
            "SK penetapan subdomain: `{field}` kosong atau masih isian contoh (`ISI: …`); tulis nilai dari SK yang sebenarnya"
        ),
        (Blank { field }, Lang::En) => format!(
            "subdomain decree: `{field}` is blank or still a placeholder (`ISI: …`); write the value of the actual decree"
        ),
        (NotADay { field }, Lang::Id) => {
            format!("SK `{number}`: `{field}` harus tanggal saja (YYYY-MM-DD), tanpa jam")
        }
        (NotADay { field }, Lang::En) => {
            format!("decree `{number}`: `{field}` must be a day (YYYY-MM-DD), without a time")
        }
        (NoSubdomains, Lang::Id) => {
            format!("SK `{number}` tidak menyebut subdomain satu pun (`subdomains = []`)")
        }
        (NoSubdomains, Lang::En) => {
            format!("decree `{number}` sets no subdomain (`subdomains = []`)")
        }
        (BadLabel { label }, Lang::Id) => {
            format!(
                "SK `{number}`: `{label}` bukan nama subdomain yang sah (huruf kecil, angka, tanda -)"
            )
        }
        (BadLabel { label }, Lang::En) => {
            format!(
                "decree `{number}`: `{label}` is not a valid subdomain label (lower case, digits, -)"
            )
        }
        (Duplicate, Lang::Id) => format!("SK `{number}` tercatat dua kali"),
        (Duplicate, Lang::En) => format!("decree `{number}` is registered twice"),
        (EndsBeforeStart, Lang::Id) => {
            format!("SK `{number}`: `until` lebih awal daripada `date`")
        }
        (EndsBeforeStart, Lang::En) => format!("decree `{number}`: `until` is before `date`"),
        (Unknown, Lang::Id) => {
            format!("SK `{number}` tidak ada dalam daftar SK ([[decree]]) di laman.toml")
        }
        (Unknown, Lang::En) => {
            format!("decree `{number}` is not in the register ([[decree]]) of laman.toml")
        }
        (NotForHost { label }, Lang::Id) => {
            format!("SK `{number}` tidak menetapkan subdomain `{label}`")
        }
        (NotForHost { label }, Lang::En) => {
            format!("decree `{number}` does not set the subdomain `{label}`")
        }
    }
}

/// `IPv4` or `IPv6` for a `[hosting]` key.
fn family(key: &str) -> &'static str {
    if key == "ipv6" { "IPv6" } else { "IPv4" }
}

/// A documentation address (RFC 5737 / RFC 3849) of the key's family.
fn example_address(key: &str) -> &'static str {
    if key == "ipv6" {
        "`2001:db8::10`"
    } else {
        "`203.0.113.10`"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_input_is_said_to_be_made_inert_not_removed() {
        use super::{HtmlProblem, Lang, Localize as _};
        let input = HtmlProblem::Dangerous {
            element: "input".into(),
        };
        assert!(input.text(Lang::Id).contains("kotak centang nonaktif"));
        assert!(!input.text(Lang::Id).contains("dibuang"));
        assert!(input.text(Lang::En).contains("disabled checkbox"));
        let script = HtmlProblem::Dangerous {
            element: "script".into(),
        };
        assert!(script.text(Lang::Id).contains("dibuang"));
    }

    use super::*;

    #[test]
    fn type_words_are_translated_for_editors() {
        assert_eq!(type_word("a string", Lang::Id), "teks");
        assert_eq!(type_word("integer `12`", Lang::Id), "bilangan bulat `12`");
        assert_eq!(type_word("a sequence", Lang::En), "a sequence");
    }
}
