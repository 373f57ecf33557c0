//! The words of every diagnostic message, in Bahasa Indonesia and English,
//! and of the problem kinds a message carries (unsafe paths, executable
//! static files, unsafe HTML, template limits).

use super::Localize;
use crate::diagnostic::{FileKind, Lang, Message, TemplateLimitKind};
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
        (TomlSyntax { file, detail }, Id) => {
            format!(
                "{} bukan TOML yang sah: {}",
                file_name(*file, Id),
                first_line(detail)
            )
        }
        (TomlSyntax { file, detail }, En) => {
            format!(
                "{} is not valid TOML: {}",
                file_name(*file, En),
                first_line(detail)
            )
        }
        (YamlSyntax { detail }, Id) => format!("front matter bukan YAML yang sah: {detail}"),
        (YamlSyntax { detail }, En) => format!("front matter is not valid YAML: {detail}"),
        (UnknownKey { file, key, .. }, Id) => {
            format!("kunci `{key}` tidak dikenal di {}", file_name(*file, Id))
        }
        (UnknownKey { file, key, .. }, En) => {
            format!("unknown key `{key}` in {}", file_name(*file, En))
        }
        (
            WrongType {
                found, expected, ..
            },
            Id,
        ) => format!(
            "tipe nilai salah: tertulis {}, seharusnya {}",
            type_word(found, Id),
            type_word(expected, Id)
        ),
        (
            WrongType {
                found, expected, ..
            },
            En,
        ) => {
            format!("wrong type: found {found}, expected {expected}")
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
        (UnknownPageKind { kind, .. }, Id) => format!("jenis halaman `{kind}` tidak dikenal"),
        (UnknownPageKind { kind, .. }, En) => format!("unknown page kind (jenis) `{kind}`"),
        (InvalidDate { value }, Id) => format!("tanggal `{value}` tidak sah"),
        (InvalidDate { value }, En) => format!("`{value}` is not a valid date"),
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
        (UnknownProfile { profile }, En) => format!("unknown regency profile `{profile}`"),
        (MissingSiteToml, Id) => "folder situs tidak memiliki site.toml".to_string(),
        (MissingSiteToml, En) => "the site folder has no site.toml".to_string(),
        (Rule { finding, .. }, lang) => finding.text(lang),
    }
}

/// What to do about it.
fn hint(m: &Message, lang: Lang) -> Option<String> {
    use Lang::*;
    use Message::*;
    let h = match (m, lang) {
        (TomlSyntax { .. }, Id) => {
            "periksa tanda kutip, tanda `=` dan kurung pada baris ini; teks harus diapit \"…\""
                .to_string()
        }
        (TomlSyntax { .. }, En) => {
            "check quotes, `=` signs and brackets on this line; text must be quoted \"…\"".into()
        }
        (YamlSyntax { .. }, Id) => "periksa indentasi dan tanda `:` pada baris ini".into(),
        (YamlSyntax { .. }, En) => "check the indentation and `:` on this line".into(),
        (UnknownKey { expected, .. }, Id) if !expected.is_empty() => format!(
            "periksa ejaan; kunci yang dikenal di sini: {}",
            list(expected)
        ),
        (UnknownKey { expected, .. }, En) if !expected.is_empty() => {
            format!("check the spelling; keys known here: {}", list(expected))
        }
        (UnknownKey { .. }, Id) => "hapus kunci ini atau pindahkan ke tabel [extra]".into(),
        (UnknownKey { .. }, En) => "remove this key or move it into an [extra] table".into(),
        (WrongType { .. }, Id) => {
            "ubah nilainya ke tipe yang diminta (lihat docs/panduan-editor.md)".into()
        }
        (WrongType { .. }, En) => "change the value to the expected type".into(),
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
        (InvalidDate { .. }, Id) => {
            "tulis tanggal sebagai TTTT-BB-HH, misalnya 2025-01-31, dan pastikan tanggalnya ada"
                .into()
        }
        (InvalidDate { .. }, En) => {
            "write dates as YYYY-MM-DD, e.g. 2025-01-31, and make sure the day exists".into()
        }
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
        (MissingSiteToml, Id) => "jalankan `laman new site <slug>` atau buat site.toml".into(),
        (MissingSiteToml, En) => "run `laman new site <slug>` or create site.toml".into(),
        (Rule { .. }, _) => return None,
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
        (Recursion { cycle }, Lang::Id) => {
            format!("memanggil dirinya sendiri ({})", cycle.join(" → "))
        }
        (Recursion { cycle }, Lang::En) => format!("calls itself ({})", cycle.join(" → ")),
        (Depth { max }, Lang::Id) => format!("bersarang lebih dari {max} tingkat"),
        (Depth { max }, Lang::En) => format!("is nested deeper than {max} levels"),
        (Range { max }, Lang::Id) => format!("memakai `range` lebih dari {max} butir"),
        (Range { max }, Lang::En) => format!("uses a `range` of more than {max} items"),
        (Size { max_bytes }, Lang::Id) => format!("menghasilkan lebih dari {} bajt", max_bytes),
        (Size { max_bytes }, Lang::En) => format!("produces more than {} bytes", max_bytes),
        (Time { max_ms }, Lang::Id) => format!("berjalan lebih dari {max_ms} ms"),
        (Time { max_ms }, Lang::En) => format!("runs longer than {max_ms} ms"),
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
            "write {what} (without `ISI:`); while laman.toml has blanks, no site is published"
        ),
        (_, Lang::Id) => format!(
            "tulis {what} (tanpa `ISI:`); situs dengan isian kosong dapat dipratinjau tetapi tidak diterbitkan"
        ),
        (_, Lang::En) => format!(
            "write {what} (without `ISI:`); a site with blanks previews but is not published"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_words_are_translated_for_editors() {
        assert_eq!(type_word("a string", Lang::Id), "teks");
        assert_eq!(type_word("integer `12`", Lang::Id), "bilangan bulat `12`");
        assert_eq!(type_word("a sequence", Lang::En), "a sequence");
    }
}
