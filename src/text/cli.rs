//! The command line's own words: the help text of every subcommand and
//! option in Bahasa Indonesia (the English ones are the doc comments of the
//! clap types in `src/cli/`), the headings of a help page, and the usage
//! errors (`laman buidl`) with their "did you mean". No clap here: the CLI
//! looks up a command or option by its path (`check`, `check.format`,
//! `new.page.jenis`) and turns clap's errors into [`UsageError`].

use super::Localize;
use crate::diagnostic::Lang;

/// The Indonesian help of the command or option at `path`: subcommand
/// names joined by `.`, then the option's id (`.lang` for a global option
/// of the root). `None` when there is none (a test walks the whole command
/// so that none is missing).
pub fn help_id(path: &str) -> Option<&'static str> {
    HELP_ID.iter().find(|(p, _)| *p == path).map(|(_, h)| *h)
}

/// Every command and option, Indonesian.
const HELP_ID: &[(&str, &str)] = &[
    (
        "",
        "Situs resmi Perangkat Daerah: bangun, periksa, terbitkan.",
    ),
    (
        ".lang",
        "Bahasa pesan: id (Bahasa Indonesia) atau en (English) [bawaan: id, atau en bila LANG=en…]",
    ),
    (".dir", "Folder proyek (berisi laman.toml dan sites/)"),
    (".help", "Tampilkan bantuan ini"),
    (".version", "Tampilkan versi laman"),
    (
        "laporan",
        "Laporan berkala per perangkat daerah (OPS-003) untuk sebulan atau triwulan",
    ),
    (
        "laporan.periode",
        "Bulan (YYYY-MM) atau triwulan (YYYY-Qn) yang dilaporkan, menurut zona waktu daerah",
    ),
    (
        "laporan.out",
        "Folder keluaran [bawaan: <dir>/laporan/<periode>]",
    ),
    (
        "build",
        "Bangun semua situs (atau yang disebut) ke public/<fqdn>/",
    ),
    (
        "build.slugs",
        "Hanya situs ini (nama folder di sites/); situs lain memakai keluaran sebelumnya",
    ),
    ("build.out", "Folder keluaran [bawaan: <dir>/public]"),
    ("build.drafts", "Sertakan halaman dengan draft = true"),
    (
        "build.base_url",
        "URL dasar; `{host}` diganti dengan host tiap situs [bawaan: https://{host}]",
    ),
    (
        "build.no_rules",
        "Lewati aturan isi (`laman check` dan `laman publish` tetap menjalankannya)",
    ),
    (
        "check",
        "Periksa semua situs (atau yang disebut) terhadap aturan isi; tidak menulis apa pun",
    ),
    ("check.slugs", "Hanya situs ini (nama folder di sites/)"),
    ("check.format", "Bentuk keluaran"),
    (
        "check.today",
        "Tanggal acuan aturan keterkinian (TTTT-BB-HH) [bawaan: hari ini di kabupaten]",
    ),
    (
        "check.report",
        "Tulis laporan kepatuhan (HTML + JSON) ke folder ini",
    ),
    (
        "check.changed",
        "Halaman yang berubah sejak terbit terakhir (untuk META-001: informasi serta-merta tidak pernah diblokir)",
    ),
    ("check.drafts", "Sertakan halaman dengan draft = true"),
    (
        "conformance",
        "Pemeriksaan malam hari: DNS, TLS, HTTP dan isi setiap host terdaftar",
    ),
    (
        "conformance.resolver",
        "Resolver DNS IP:PORT [bawaan: nameserver pertama di /etc/resolv.conf]",
    ),
    ("conformance.https_port", "Porta HTTPS yang diperiksa"),
    ("conformance.http_port", "Porta HTTP yang diperiksa"),
    (
        "conformance.ca_roots",
        "Sertifikat root tambahan yang dipercaya (berkas PEM); boleh berulang",
    ),
    (
        "conformance.manifest",
        "sites.json yang diterbitkan, untuk pemeriksaan isi yang disajikan (CNT004, CNT005)",
    ),
    (
        "conformance.out",
        "Folder keluaran (findings.jsonl, report.html, diff.json) [bawaan: <dir>/conformance]",
    ),
    (
        "conformance.previous",
        "Folder keluaran malam sebelumnya, untuk temuan baru / selesai / masih terbuka",
    ),
    (
        "conformance.concurrency",
        "Jumlah host yang diperiksa bersamaan",
    ),
    (
        "conformance.per_ip",
        "Jumlah koneksi bersamaan ke satu alamat IP",
    ),
    (
        "conformance.timeout",
        "Batas waktu tiap langkah jaringan, dalam detik",
    ),
    ("conformance.only", "Hanya host ini (FQDN atau label)"),
    (
        "conformance.connect",
        "Hubungi HOST di IP ini alih-alih alamat DNS-nya (DNS tetap diperiksa); boleh berulang",
    ),
    (
        "conformance.zone_from",
        "Baca zona kabupaten lewat transfer zona (AXFR) dari server otoritatif ini dan bandingkan dengan daftar penetapan (REG002, REG003)",
    ),
    (
        "conformance.zone_file",
        "Baca zona kabupaten dari berkas zona RFC 1035 ini sebagai gantinya (REG002, REG003); berkas yang tidak dapat dibaca menjadi galat pada baris dan kolomnya",
    ),
    (
        "conformance.ct",
        "Ekspor Certificate Transparency (larik JSON dari crt.sh): nama di dalamnya yang tidak terdaftar menjadi temuan (REG002)",
    ),
    ("dns", "Bantuan DNS untuk pengelola DNS"),
    (
        "dns.zone",
        "Cetak rekaman berkas zona yang dibutuhkan setiap host terdaftar",
    ),
    (
        "host",
        "Sajikan rilis terkini dari folder deploy lewat HTTPS (server produksi)",
    ),
    (
        "host.root",
        "Folder deploy: berisi `current` -> releases/<id>",
    ),
    ("host.https", "Alamat HTTPS"),
    ("host.http", "Alamat HTTP (dialihkan ke HTTPS)"),
    ("host.no_http", "Jangan sajikan HTTP biasa sama sekali"),
    (
        "host.acme_directory",
        "URL direktori ACME [bawaan: Let's Encrypt staging]",
    ),
    ("host.production", "Pakai Let's Encrypt produksi"),
    (
        "host.acme_ca_root",
        "Berkas PEM CA sertifikat HTTPS server ACME (untuk pengujian)",
    ),
    (
        "host.acme_cache",
        "Tembolok ACME (kunci dan sertifikat), dibuat 0700 [bawaan: <root>/acme]",
    ),
    (
        "host.acme_contact",
        "Kontak ACME, `mailto:…`; boleh berulang",
    ),
    (
        "host.http01",
        "Pakai HTTP-01 (dijawab di --http) alih-alih TLS-ALPN-01",
    ),
    (
        "host.cert_limit",
        "Jumlah sertifikat baru per domain terdaftar per jendela waktu",
    ),
    (
        "host.cert_window_hours",
        "Jendela waktu --cert-limit, dalam jam",
    ),
    (
        "host.cert",
        "Rantai sertifikat (PEM) untuk setiap host yang disebutnya: tanpa ACME",
    ),
    ("host.key", "Kunci privat (PEM) untuk --cert"),
    (
        "host.handshake_timeout",
        "Detik untuk menyelesaikan jabat tangan TLS",
    ),
    (
        "host.header_timeout",
        "Detik untuk mengirim kepala permintaan (juga batas diam keep-alive)",
    ),
    (
        "host.idle_timeout",
        "Detik tanpa kemajuan sebelum koneksi ditutup",
    ),
    (
        "host.send_timeout",
        "Detik sebuah respons boleh menunggu klien yang tidak menerima data",
    ),
    (
        "host.max_connections",
        "Jumlah koneksi terbuka paling banyak (seperempat disisihkan untuk alamat baru)",
    ),
    (
        "host.max_per_ip",
        "Jumlah koneksi terbuka dari satu alamat paling banyak",
    ),
    (
        "host.max_per_net",
        "Jumlah koneksi terbuka dari satu jaringan IPv6 /64 paling banyak",
    ),
    (
        "impor",
        "Impor situs lama (ekspor WordPress) ke sites/<SLUG>/; butir yang disusupi dikarantina",
    ),
    (
        "impor.wordpress",
        "Ekspor WordPress (Alat → Ekspor, WXR 1.1/1.2)",
    ),
    ("impor.wordpress.export", "Berkas ekspor"),
    (
        "impor.wordpress.site",
        "Situs tujuan impor (sites/<SLUG>/, dibuat dengan `laman new site`)",
    ),
    (
        "impor.wordpress.uploads",
        "Folder wp-content/uploads situs lama, disalin oleh operator",
    ),
    (
        "impor.wordpress.dry_run",
        "Cetak rencananya saja; tidak menulis apa pun",
    ),
    (
        "impor.wordpress.terima",
        "Tetap impor butir yang dikarantina (ID WordPress-nya; boleh berulang)",
    ),
    ("init", "Tulis laman.toml untuk profil sebuah kabupaten"),
    (
        "init.profile",
        "Profil kabupaten: cianjur, pangandaran, purwakarta, limapuluhkota, bogor, nasional",
    ),
    ("new", "Buat kerangka situs atau halaman"),
    (
        "new.site",
        "Buat kerangka sites/<SLUG>/ dengan semua halaman wajib",
    ),
    (
        "new.site.slug",
        "Nama folder = label subdomain, mis. dinkes",
    ),
    (
        "new.page",
        "Buat kerangka satu halaman sebuah jenis di sites/<SLUG>/content/<PATH>",
    ),
    ("new.page.slug", "Situsnya"),
    ("new.page.jenis", "Kind halaman, mis. standar-pelayanan"),
    (
        "new.page.path",
        "Jalur di bawah content/, mis. layanan/kir.md",
    ),
    (
        "serve",
        "Pratinjau semua situs di http://<subdomain>.localhost:1111/, dibangun ulang setiap kali disimpan",
    ),
    ("serve.slugs", "Hanya situs ini (nama folder di sites/)"),
    ("serve.port", "Porta (0 = porta bebas mana saja)"),
    ("serve.bind", "Alamat yang didengarkan"),
    ("serve.drafts", "Sertakan halaman dengan draft = true"),
    (
        "publish",
        "Bangun, periksa dan terbitkan semua situs; situs yang bergalat tetap memakai versi yang sedang tayang",
    ),
    (
        "publish.target",
        "Tujuan di laman.toml ([publish.targets.NAMA]) [bawaan: target di [publish]]",
    ),
    (
        "publish.dry_run",
        "Cetak rencananya (host mana yang terbit, mana yang diblokir, berkas baru/berubah/tetap); tidak mengubah apa pun",
    ),
    (
        "publish.rollback",
        "Kembali ke rilis sebelumnya tanpa membangun ulang",
    ),
    (
        "publish.to",
        "Dengan --rollback: rilis (atau id publish Netlify) tujuan",
    ),
    (
        "publish.keep",
        "Jumlah rilis yang disimpan di tujuan dir [bawaan: `keep` tujuan, atau 5]",
    ),
    (
        "publish.who",
        "Nama yang dicatat di publish.log [bawaan: $USER]",
    ),
    (
        "help",
        "Tampilkan bantuan ini atau bantuan perintah yang disebut",
    ),
];

/// The fixed words of a help page and of a usage error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpWord {
    /// `Usage:`.
    Usage,
    /// `Commands:`.
    Commands,
    /// `Arguments:`.
    Arguments,
    /// `Options:`.
    Options,
    /// `[OPTIONS]` in a usage line.
    OptionsPlaceholder,
    /// `<COMMAND>` in a usage line.
    CommandPlaceholder,
    /// `possible values` of an option.
    Choices,
    /// `default` of an option.
    Default,
    /// `For more information, try '--help'.`
    MoreInformation,
}

impl Localize for HelpWord {
    fn text(&self, lang: Lang) -> String {
        use HelpWord::*;
        match (self, lang) {
            (Usage, Lang::Id) => "Penggunaan:",
            (Usage, Lang::En) => "Usage:",
            (Commands, Lang::Id) => "Perintah:",
            (Commands, Lang::En) => "Commands:",
            (Arguments, Lang::Id) => "Argumen:",
            (Arguments, Lang::En) => "Arguments:",
            (Options, Lang::Id) => "Opsi:",
            (Options, Lang::En) => "Options:",
            (OptionsPlaceholder, Lang::Id) => "[OPSI]",
            (OptionsPlaceholder, Lang::En) => "[OPTIONS]",
            (CommandPlaceholder, Lang::Id) => "<PERINTAH>",
            (CommandPlaceholder, Lang::En) => "<COMMAND>",
            (Choices, Lang::Id) => "pilihan",
            (Choices, Lang::En) => "possible values",
            (Default, Lang::Id) => "bawaan",
            (Default, Lang::En) => "default",
            (MoreInformation, Lang::Id) => "Keterangan lebih lanjut: `laman --help`.",
            (MoreInformation, Lang::En) => "For more information, try `laman --help`.",
        }
        .to_string()
    }
}

/// A command line that laman cannot run, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    /// `laman buidl`.
    UnknownCommand {
        given: String,
        suggestion: Option<String>,
    },
    /// `laman check --formt json`.
    UnknownArgument {
        given: String,
        suggestion: Option<String>,
    },
    /// A value outside the choices, or one the option cannot read.
    InvalidValue {
        /// The option or argument (`--format`, `<JENIS>`).
        arg: String,
        given: String,
        /// The choices, when there is a closed set.
        allowed: Vec<String>,
        suggestion: Option<String>,
    },
    /// Required arguments left out.
    MissingArgument { args: Vec<String> },
    /// A subcommand left out (`laman new`).
    MissingCommand { suggestion: Vec<String> },
    /// Two options that cannot go together.
    Conflict { arg: String, other: String },
    /// Anything else clap refuses, in its own words.
    Other { detail: String },
}

fn ticked(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Localize for UsageError {
    fn text(&self, lang: Lang) -> String {
        use UsageError::*;
        match (self, lang) {
            (UnknownCommand { given, .. }, Lang::Id) => format!("perintah `{given}` tidak dikenal"),
            (UnknownCommand { given, .. }, Lang::En) => format!("unknown command `{given}`"),
            (UnknownArgument { given, .. }, Lang::Id) => {
                format!("argumen `{given}` tidak dikenal")
            }
            (UnknownArgument { given, .. }, Lang::En) => format!("unknown argument `{given}`"),
            (InvalidValue { arg, given, .. }, Lang::Id) => {
                format!("nilai `{given}` tidak sah untuk {arg}")
            }
            (InvalidValue { arg, given, .. }, Lang::En) => {
                format!("the value `{given}` is not valid for {arg}")
            }
            (MissingArgument { args }, Lang::Id) => {
                format!("argumen wajib belum ditulis: {}", args.join(", "))
            }
            (MissingArgument { args }, Lang::En) => {
                format!("required arguments are missing: {}", args.join(", "))
            }
            (MissingCommand { .. }, Lang::Id) => "perintahnya belum ditulis".into(),
            (MissingCommand { .. }, Lang::En) => "the command is missing".into(),
            (Conflict { arg, other }, Lang::Id) => {
                format!("{arg} tidak dapat dipakai bersama {other}")
            }
            (Conflict { arg, other }, Lang::En) => format!("{arg} cannot be used with {other}"),
            (Other { detail }, Lang::Id) => {
                format!("perintah tidak dapat dibaca ({detail})")
            }
            (Other { detail }, Lang::En) => detail.clone(),
        }
    }

    fn hint(&self, lang: Lang) -> Option<String> {
        use UsageError::*;
        let s = match (self, lang) {
            (
                UnknownCommand {
                    suggestion: Some(s),
                    ..
                }
                | UnknownArgument {
                    suggestion: Some(s),
                    ..
                }
                | InvalidValue {
                    suggestion: Some(s),
                    ..
                },
                Lang::Id,
            ) => format!("mungkin maksudnya `{s}`?"),
            (
                UnknownCommand {
                    suggestion: Some(s),
                    ..
                }
                | UnknownArgument {
                    suggestion: Some(s),
                    ..
                }
                | InvalidValue {
                    suggestion: Some(s),
                    ..
                },
                Lang::En,
            ) => format!("did you mean `{s}`?"),
            (InvalidValue { allowed, .. }, Lang::Id) if !allowed.is_empty() => {
                format!("pilih salah satu: {}", ticked(allowed))
            }
            (InvalidValue { allowed, .. }, Lang::En) if !allowed.is_empty() => {
                format!("use one of: {}", ticked(allowed))
            }
            (MissingCommand { suggestion }, Lang::Id) if !suggestion.is_empty() => {
                format!("pilih salah satu: {}", ticked(suggestion))
            }
            (MissingCommand { suggestion }, Lang::En) if !suggestion.is_empty() => {
                format!("use one of: {}", ticked(suggestion))
            }
            (UnknownCommand { .. }, Lang::Id) => "daftar perintah: `laman --help`".into(),
            (UnknownCommand { .. }, Lang::En) => "the commands are listed by `laman --help`".into(),
            _ => return None,
        };
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelled_command_gets_its_suggestion_in_both_languages() {
        let e = UsageError::UnknownCommand {
            given: "buidl".into(),
            suggestion: Some("build".into()),
        };
        assert_eq!(e.text(Lang::Id), "perintah `buidl` tidak dikenal");
        assert_eq!(
            e.hint(Lang::Id).as_deref(),
            Some("mungkin maksudnya `build`?")
        );
        assert_eq!(e.text(Lang::En), "unknown command `buidl`");
        assert_eq!(e.hint(Lang::En).as_deref(), Some("did you mean `build`?"));
    }

    #[test]
    fn every_help_path_is_listed_once() {
        let mut paths: Vec<&str> = HELP_ID.iter().map(|(p, _)| *p).collect();
        let n = paths.len();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), n, "a path is listed twice");
    }
}
