//! Messages for editors, verbatim, in both languages (golden files under
//! tests/golden/pesan/): the ten commonest mistakes of a non-programmer in
//! front matter, site.toml and laman.toml, each with its source line and
//! caret, the key, and the advice for that mistake; the root cause of a
//! broken page printed first with its consequences under it; and the
//! command line's usage errors and help. Real binary, real files.

use std::process::Command;

use crate::support::{CliOutput, Project, golden};

const IZIN: &str = "sites/alpha/content/layanan/izin.md";

/// One mistake: a replacement in a file of the `minimal` fixture (with
/// `from` empty: the whole file).
struct Mistake {
    name: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
}

const MISTAKES: &[Mistake] = &[
    Mistake {
        name: "tanggal-garis-miring",
        file: IZIN,
        from: "weight = 1",
        to: "updated = 12/05/2026",
    },
    Mistake {
        name: "tanggal-nama-bulan",
        file: IZIN,
        from: "weight = 1",
        to: "updated = 5 Mei 2026",
    },
    Mistake {
        name: "tanggal-tidak-ada",
        file: IZIN,
        from: "weight = 1",
        to: "updated = 2026-02-30",
    },
    Mistake {
        name: "biaya-rp",
        file: IZIN,
        from: "biaya_rp = 0",
        to: "biaya_rp = Rp 50.000",
    },
    Mistake {
        name: "biaya-titik",
        file: IZIN,
        from: "biaya_rp = 0",
        to: "biaya_rp = 50.000",
    },
    Mistake {
        name: "biaya-kutip",
        file: IZIN,
        from: "biaya_rp = 0",
        to: "biaya_rp = \"50000\"",
    },
    Mistake {
        name: "kutip-miring",
        file: IZIN,
        from: "produk = \"Surat izin\"",
        to: "produk = “Surat izin”",
    },
    Mistake {
        name: "kutip-hilang-di-daftar",
        file: IZIN,
        from: "persyaratan = [\"Fotokopi KTP-el\", \"Surat permohonan\"]",
        to: "persyaratan = [\n  \"Fotokopi KTP-el\",\n  \"Surat permohonan,\n  \"Pas foto\",\n]",
    },
    Mistake {
        name: "kunci-ganda",
        file: IZIN,
        from: "weight = 1",
        to: "weight = 1\ntitle = \"Izin lagi\"",
    },
    Mistake {
        name: "kunci-salah-eja",
        file: IZIN,
        from: "persyaratan =",
        to: "persyaratn =",
    },
    Mistake {
        name: "jenis-salah-eja",
        file: IZIN,
        from: "jenis = \"standar-pelayanan\"",
        to: "jenis = \"standar-layanan\"",
    },
    Mistake {
        name: "yaml-tab",
        file: IZIN,
        from: "",
        to: "---\ntitle: Izin Contoh\njenis: standar-pelayanan\npersyaratan:\n\t- Fotokopi KTP-el\n\t- Surat permohonan\nbiaya_rp: 0\n---\n\nIzin contoh untuk pengujian.\n",
    },
    Mistake {
        name: "site-toml-kutip-miring",
        file: "sites/alpha/site.toml",
        from: "email = \"alfa@contohkab.go.id\"",
        to: "email = “alfa@contohkab.go.id”",
    },
    Mistake {
        name: "laman-toml-salah-eja",
        file: "laman.toml",
        from: "domain = ",
        to: "domian = ",
    },
];

/// The first finding `laman check` prints, with what is printed under it
/// (its source line, advice and consequences): up to the next line that
/// starts at the margin.
fn first_block(text: &str) -> String {
    let mut lines = text.lines();
    let mut block = String::new();
    if let Some(first) = lines.next() {
        block.push_str(first);
        block.push('\n');
    }
    for l in lines.take_while(|l| l.starts_with(' ')) {
        block.push_str(l);
        block.push('\n');
    }
    block
}

fn check(p: &Project, lang: &str) -> CliOutput {
    p.cli(&["--lang", lang, "check", "alpha", "--today", "2026-11-23"])
}

#[test]
fn each_mistake_gets_its_message_in_both_languages() {
    for m in MISTAKES {
        let p = Project::fixture("minimal");
        if m.from.is_empty() {
            p.write(m.file, m.to);
        } else {
            p.edit(m.file, m.from, m.to);
        }
        for lang in ["id", "en"] {
            let out = check(&p, lang);
            // A broken laman.toml stops the run (exit 2, stderr); any other
            // mistake is a finding (exit 1, stdout).
            let (code, said) = if m.file == "laman.toml" {
                (2, &out.stderr)
            } else {
                (1, &out.stdout)
            };
            assert_eq!(out.code, Some(code), "{}: {}", m.name, out.stderr);
            let block = first_block(said);
            // The root cause comes first, at its file, line and column.
            assert!(
                block.lines().nth(1).is_some_and(|l| {
                    let shown = l.trim_start().trim_start_matches("--> ");
                    shown.starts_with(m.file) && shown.matches(':').count() == 2
                }),
                "{}: the first finding is not at {}:line:col\n{said}",
                m.name,
                m.file
            );
            golden(&format!("pesan/{}.{lang}.txt", m.name), &block);
        }
    }
}

#[test]
fn the_root_cause_goes_first_and_its_consequences_under_it() {
    let p = Project::fixture("minimal");
    p.edit(IZIN, "biaya_rp = 0", "biaya_rp = Rp 50.000");
    let out = check(&p, "id");
    // _index.md and profil.md link to the broken page and sort before it;
    // their link errors are printed under it, not before it.
    let block = first_block(&out.stdout);
    assert!(
        block.starts_with("galat[META-002]: `biaya_rp` harus angka bulat"),
        "{}",
        out.stdout
    );
    for from in [
        "sites/alpha/content/_index.md",
        "sites/alpha/content/profil.md",
    ] {
        assert!(
            block.contains(&format!("      --> {from}:")),
            "{from} not under its cause:\n{block}"
        );
    }
    assert_eq!(
        out.stdout.matches("galat[TAUTAN-001]").count(),
        2,
        "{}",
        out.stdout
    );
    // The consequences carry no advice of their own: fixing the cause fixes them.
    assert_eq!(block.matches("= saran").count(), 1, "{block}");
    // Where a finding stands alone (the JSON the serve overlay and the
    // report read), a consequence's advice sends the editor to the cause.
    let json = p.cli(&[
        "check",
        "alpha",
        "--today",
        "2026-11-23",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    let links: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "TAUTAN-001")
        .collect();
    assert_eq!(links.len(), 2);
    for f in links {
        assert_eq!(
            f["hint"],
            "perbaiki dulu galat di sites/alpha/content/layanan/izin.md:8:12; galat ini lalu hilang sendiri"
        );
    }
}

/// A command line that laman cannot run.
struct Usage {
    name: &'static str,
    args: &'static [&'static str],
    /// Help goes to stdout with exit 0; errors to stderr with exit 2.
    help: bool,
}

const USAGES: &[Usage] = &[
    Usage {
        name: "perintah-salah-eja",
        args: &["buidl"],
        help: false,
    },
    Usage {
        name: "jenis-halaman-salah-eja",
        args: &["new", "page", "alpha", "standar-layanan", "layanan/kir.md"],
        help: false,
    },
    Usage {
        name: "format-salah-eja",
        args: &["check", "--format", "jsn"],
        help: false,
    },
    Usage {
        name: "tanggal-today",
        args: &["check", "--today", "12/05/2026"],
        help: false,
    },
    Usage {
        name: "bantuan",
        args: &["--help"],
        help: true,
    },
    Usage {
        name: "bantuan-check",
        args: &["check", "--help"],
        help: true,
    },
];

#[test]
fn usage_errors_and_help_speak_the_chosen_language() {
    let p = Project::fixture("minimal");
    for u in USAGES {
        for lang in ["id", "en"] {
            let mut args = vec!["--lang", lang];
            args.extend_from_slice(u.args);
            let out = p.cli(&args);
            let (code, said) = if u.help {
                (0, &out.stdout)
            } else {
                (2, &out.stderr)
            };
            assert_eq!(out.code, Some(code), "{}: {}", u.name, out.stderr);
            golden(&format!("pesan/cli-{}.{lang}.txt", u.name), said);
        }
    }
}

/// `LANG=en…` chooses English; `--lang` goes before it; no LANG is Indonesian.
#[test]
fn the_locale_chooses_the_language_unless_the_flag_does() {
    let p = Project::fixture("minimal");
    let run = |lang: Option<&str>, args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_laman"));
        c.args(args)
            .current_dir(p.root())
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG");
        if let Some(l) = lang {
            c.env("LANG", l);
        }
        let out = c.output().expect("run laman");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(run(Some("en_US.UTF-8"), &["buidl"]).starts_with("error: unknown command `buidl`"));
    assert!(
        run(Some("en_US.UTF-8"), &["--lang", "id", "buidl"])
            .starts_with("galat: perintah `buidl` tidak dikenal")
    );
    assert!(run(None, &["buidl"]).starts_with("galat: perintah `buidl` tidak dikenal"));
    assert!(run(Some("C.UTF-8"), &["buidl"]).starts_with("galat: perintah `buidl` tidak dikenal"));
}
