//! The words of every diagnostic, in Bahasa Indonesia and English.
//!
//! Kept apart from `diagnostic` so that the data type stays small and the
//! text can be read (and golden-tested) in one place. Editors are civil
//! servants, not programmers: say what is wrong and what to do, plainly.

use crate::diagnostic::{FileKind, Lang, Message};

fn file_name(file: FileKind, lang: Lang) -> &'static str {
    match (file, lang) {
        (FileKind::Regency, _) => "laman.toml",
        (FileKind::Site, _) => "site.toml",
        (FileKind::FrontMatter, Lang::Id) => "front matter",
        (FileKind::FrontMatter, Lang::En) => "front matter",
    }
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
pub fn text(m: &Message, lang: Lang) -> String {
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
        (UnknownJenis { jenis, .. }, Id) => format!("jenis halaman `{jenis}` tidak dikenal"),
        (UnknownJenis { jenis, .. }, En) => format!("unknown page kind (jenis) `{jenis}`"),
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
        (Rule { finding, .. }, lang) => crate::rules::findings::text(finding, lang),
    }
}

/// What to do about it.
pub fn hint(m: &Message, lang: Lang) -> Option<String> {
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
            UnknownJenis {
                suggestion: Some(s),
                ..
            },
            Id,
        ) => {
            format!("mungkin maksudnya `{s}`? Daftar jenis ada di docs/panduan-editor.md")
        }
        (
            UnknownJenis {
                suggestion: Some(s),
                ..
            },
            En,
        ) => {
            format!("did you mean `{s}`? The kinds are listed in docs/panduan-editor.md")
        }
        (UnknownJenis { .. }, Id) => "daftar jenis halaman ada di docs/panduan-editor.md".into(),
        (UnknownJenis { .. }, En) => "the page kinds are listed in docs/panduan-editor.md".into(),
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

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
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
