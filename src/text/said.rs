//! What the commands say as they run: the lines `laman build`, `check`,
//! `publish`, `conformance`, `import`, `serve`, `init` and `new` print, as
//! typed sentences. Each holds plain numbers and names (the command line
//! fills them from its reports, so this module depends on no stage) and is
//! said through [`Localize`], with numbers written the one way of each
//! language ([`Number`]).

use std::path::Path;
use std::time::Duration;

use super::{Localize, Number, Seconds};
use crate::diagnostic::Lang;

/// A line a command prints (most end with a newline; the table cells of
/// `publish` do not).
#[derive(Debug)]
pub enum Said<'a> {
    /// `dibuat: sites/dinkes/site.toml`: a file `init` or `new` wrote.
    Created(&'a Path),
    /// The next steps after `laman init`.
    InitNext,
    /// The next steps after `laman new site <slug>`.
    SiteNext {
        /// The new site's folder name.
        slug: &'a str,
    },
    /// How many more warnings of one rule a site has that `build` did not show.
    Hidden {
        /// Warnings not shown.
        more: usize,
        /// The rule.
        code: &'a str,
        /// The site.
        site: &'a str,
    },
    /// One site's row of the `build` summary table.
    SiteRow {
        /// The site's host (or folder name).
        host: &'a str,
        /// Width of the host column.
        width: usize,
        /// Pages built.
        pages: usize,
        /// How long the site took.
        elapsed: Duration,
        /// Errors found.
        errors: usize,
        /// Warnings found.
        warnings: usize,
        /// Why the site was not built, already said.
        failed: Option<String>,
    },
    /// The last line of `build`.
    BuildDone {
        /// Sites built.
        built: usize,
        /// Sites in the run.
        sites: usize,
        /// Pages built.
        pages: usize,
        /// Files written.
        files: usize,
        /// How long the run took.
        elapsed: Duration,
        /// The output folder.
        out: &'a Path,
        /// The release name.
        release: &'a str,
        /// Errors found.
        errors: usize,
        /// Warnings found.
        warnings: usize,
    },
    /// The last line of `check`.
    CheckDone {
        /// Sites checked.
        sites: usize,
        /// The regulation profile.
        profile: &'a str,
        /// The reference date of the currency rules.
        today: String,
        /// Errors found.
        errors: usize,
        /// Warnings found.
        warnings: usize,
        /// Infos found.
        infos: usize,
    },
    /// The last line of `conformance`.
    ConformanceDone {
        /// Hosts checked.
        hosts: usize,
        /// Seconds the run took.
        seconds: f64,
        /// Observations that passed.
        pass: usize,
        /// Observations that failed.
        fail: usize,
        /// Observations that measured nothing certain.
        inconclusive: usize,
        /// Where the report went.
        out: &'a Path,
    },
    /// How this conformance run compares with the last one.
    SinceLast {
        /// Failures new in this run.
        new: usize,
        /// Failures of the last run gone now.
        fixed: usize,
        /// Failures in both.
        open: usize,
    },
    /// What `laman import wordpress` did, counted.
    Imported(ImportCounts),
    /// A post held back from publication by the importer, with its reasons.
    Quarantined {
        /// WordPress post id.
        id: u64,
        /// Its title (control characters removed).
        title: &'a str,
        /// Why, as written in the quarantine list.
        reasons: String,
        /// Whether `--terima` accepted it anyway.
        accepted: bool,
    },
    /// A file the importer did not overwrite because an editor changed it.
    Conflict(&'a str),
    /// The heading above the `laman new page` commands of required pages.
    RequiredMissing,
    /// Where the import report is.
    ImportReport(&'a str),
    /// A published or removed host's files in the `publish` table.
    HostFiles {
        /// Files new in this release.
        new: usize,
        /// Files whose bytes changed.
        changed: usize,
        /// Files kept as they were.
        unchanged: usize,
        /// Files removed.
        removed: usize,
    },
    /// A blocked host's errors in the `publish` table.
    HostErrors(usize),
    /// A Netlify deploy that went through, with the calls it took.
    Deployed {
        /// Netlify's deploy id.
        id: &'a str,
        /// CLI calls, retries included.
        calls: u32,
    },
    /// A Netlify deploy that failed.
    DeployFailed(&'a str),
    /// The last line of `publish` (or of its `--dry-run` plan).
    PublishDone {
        /// Whether this was only the plan.
        planned: bool,
        /// The target's name.
        target: &'a str,
        /// Sites that go (or would go) out.
        out: usize,
        /// Sites kept back.
        blocked: usize,
        /// Sites removed.
        removed: usize,
        /// The release live before.
        previous: &'a str,
        /// The release live now.
        release: &'a str,
        /// Old releases deleted.
        pruned: &'a [String],
    },
    /// A verified backup of the release at one destination (#11 item 4).
    BackupVerified {
        /// The destination's name.
        destination: &'a str,
        /// The archive written.
        archive: &'a str,
        /// Its SHA-256.
        sha256: &'a str,
    },
    /// The test evidence kept inside the release (OPS-002).
    EvidenceKept {
        /// Files kept.
        files: usize,
        /// Whether a conformance report is among them.
        conformance: bool,
    },
    /// The last line of `publish --rollback`.
    RolledBack {
        /// The target's name.
        target: &'a str,
        /// The release (or deploy set) live again.
        to: &'a str,
        /// The one live before.
        from: &'a str,
    },
    /// The head of the preview's site list.
    Serving(&'a str),
    /// How to stop the preview.
    PressCtrlC,
    /// The preview's file watcher stopped.
    WatchStopped(&'a str),
    /// One preview rebuild.
    Rebuilt {
        /// The clock time, `12:00:01`.
        clock: &'a str,
        /// What was rebuilt, already said.
        what: String,
        /// Files rendered.
        files: usize,
        /// How long it took.
        elapsed: Duration,
        /// Errors found.
        errors: usize,
        /// Warnings found.
        warnings: usize,
        /// Infos found.
        infos: usize,
    },
    /// The record kept for the periodic report (`.laman/riwayat/…`).
    HistoryKept(&'a str),
    /// The record for the periodic report could not be written.
    HistoryFailed(&'a str),
    /// The last line of `laman laporan`.
    PeriodReport {
        /// The period as a person says it.
        title: &'a str,
        /// Agencies in it.
        agencies: usize,
        /// Publishes in the period.
        publishes: usize,
        /// Nightly runs in the period.
        nights: usize,
        /// The summary page.
        index: &'a str,
    },
    /// Nothing in the history falls in the period.
    PeriodEmpty(&'a str),
    /// A history file that could not be read.
    HistoryUnreadable {
        /// The file.
        path: &'a str,
        /// Why.
        reason: &'a str,
    },
}

/// What an import counted.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportCounts {
    /// Only planned: nothing written.
    pub dry_run: bool,
    /// News posts.
    pub posts: usize,
    /// Pages.
    pub pages: usize,
    /// Drafts.
    pub drafts: usize,
    /// Posts held back.
    pub quarantined: usize,
    /// Held-back posts accepted with `--terima`.
    pub accepted: usize,
    /// Old addresses kept as aliases.
    pub redirects: usize,
    /// Uploaded files copied.
    pub files: usize,
    /// Comments left behind.
    pub comments: usize,
    /// Files written.
    pub written: usize,
    /// Files already as they would be written.
    pub unchanged: usize,
    /// Files an editor changed, left alone.
    pub conflicts: usize,
}

impl Localize for Said<'_> {
    fn text(&self, lang: Lang) -> String {
        use Lang::{En, Id};
        let n = |x: usize| Number::count(x).text(lang);
        // An English count with its noun: `1 site`, `2 sites` (Indonesian
        // nouns do not change with the number).
        let en = |x: usize, noun: &str| {
            let s = if x == 1 { "" } else { "s" };
            format!("{} {noun}{s}", n(x))
        };
        match (self, lang) {
            (Said::Created(p), Id) => format!("dibuat: {}\n", p.display()),
            (Said::Created(p), En) => format!("created: {}\n", p.display()),
            (Said::InitNext, Id) => "\nLangkah berikutnya:\n  1. isi nilai `ISI: …` di laman.toml (alamat Pusat Data, kontak CSIRT)\n  2. buat situs pertama: laman new site NAMA   (NAMA = subdomain, mis. dinkes)\n".into(),
            (Said::InitNext, En) => "\nNext steps:\n  1. fill in the `ISI: …` values of laman.toml (data centre address, CSIRT contact)\n  2. create the first site: laman new site NAME   (NAME = subdomain, e.g. dinkes)\n".into(),
            (Said::SiteNext { slug: s }, Id) => format!(
                "\nLangkah berikutnya:\n  1. ganti setiap nilai `ISI: …` di sites/{s}/ — `laman check {s}` menyebut yang belum diisi\n  2. pratinjau: laman serve   (lalu buka http://{s}.localhost:1111/)\n  3. terbitkan: laman publish   (`laman publish --dry-run` dulu untuk melihat apa yang akan terbit)\n"
            ),
            (Said::SiteNext { slug: s }, En) => format!(
                "\nNext steps:\n  1. replace every `ISI: …` value in sites/{s}/ — `laman check {s}` lists those left\n  2. preview: laman serve   (then open http://{s}.localhost:1111/)\n  3. publish: laman publish   (`laman publish --dry-run` first to see what would go out)\n"
            ),
            (Said::Hidden { more, code, site }, Id) => format!(
                "catatan: {} peringatan {code} lain di {site} tidak ditampilkan; semua temuan: `laman check`\n\n",
                n(*more)
            ),
            (Said::Hidden { more, code, site }, En) => format!(
                "note: {} more {code} warnings on {site} not shown; every finding: `laman check`\n\n",
                n(*more)
            ),
            (
                Said::SiteRow {
                    host,
                    width,
                    pages,
                    elapsed,
                    errors,
                    warnings,
                    failed,
                },
                _,
            ) => {
                let (pages_word, errors_word, warnings_word) = match lang {
                    Id => ("halaman", "galat", "peringatan"),
                    En => ("pages", "errors", "warnings"),
                };
                let status = failed.as_ref().map(|f| format!("  {f}")).unwrap_or_default();
                format!(
                    "  {host:<width$}  {:>6} {pages_word}  {:>7}  {} {errors_word}, {} {warnings_word}{status}\n",
                    n(*pages),
                    Seconds(*elapsed).text(lang),
                    n(*errors),
                    n(*warnings),
                )
            }
            (
                Said::BuildDone {
                    built,
                    sites,
                    pages,
                    files,
                    elapsed,
                    out,
                    release,
                    errors,
                    warnings,
                },
                _,
            ) => {
                let (sites_n, pages_n, files_n, errors_n, warnings_n) =
                    (sites, pages, files, errors, warnings);
                let (built, sites, pages, files) = (n(*built), n(*sites), n(*pages), n(*files));
                let (errors, warnings) = (n(*errors), n(*warnings));
                let (elapsed, out) = (Seconds(*elapsed).text(lang), out.display());
                match lang {
                    Id => format!(
                        "Selesai: {built}/{sites} situs, {pages} halaman, {files} berkas dalam {elapsed} → {out} (rilis {release}); {errors} galat, {warnings} peringatan\n"
                    ),
                    En => format!(
                        "Done: {built}/{}, {}, {} in {elapsed} → {out} (release {release}); {}, {}\n",
                        en(*sites_n, "site"),
                        en(*pages_n, "page"),
                        en(*files_n, "file"),
                        en(*errors_n, "error"),
                        en(*warnings_n, "warning"),
                    ),
                }
            }
            (
                Said::CheckDone {
                    sites,
                    profile,
                    today,
                    errors,
                    warnings,
                    infos,
                },
                _,
            ) => {
                match lang {
                    Id => format!(
                        "{} situs diperiksa (profil {profile}, tanggal {today}): {} galat, {} peringatan, {} info\n",
                        n(*sites),
                        n(*errors),
                        n(*warnings),
                        n(*infos)
                    ),
                    En => format!(
                        "{} checked (profile {profile}, date {today}): {}, {}, {}\n",
                        en(*sites, "site"),
                        en(*errors, "error"),
                        en(*warnings, "warning"),
                        en(*infos, "info")
                    ),
                }
            }
            (
                Said::ConformanceDone {
                    hosts,
                    seconds,
                    pass,
                    fail,
                    inconclusive,
                    out,
                },
                _,
            ) => {
                let hosts_n = hosts;
                let (hosts, p, f, i) = (n(*hosts), n(*pass), n(*fail), n(*inconclusive));
                let (secs, out) = (Number::fixed(*seconds, 1).text(lang), out.display());
                match lang {
                    Id => format!(
                        "Selesai: {hosts} host dalam {secs} d; {p} lulus, {f} gagal, {i} tak pasti → {out}\n"
                    ),
                    En => format!(
                        "Done: {} in {secs} s; {p} pass, {f} fail, {i} inconclusive → {out}\n",
                        en(*hosts_n, "host")
                    ),
                }
            }
            (Said::SinceLast { new, fixed, open }, Id) => format!(
                "Dibanding sebelumnya: {} baru, {} diperbaiki, {} masih terbuka\n",
                n(*new),
                n(*fixed),
                n(*open)
            ),
            (Said::SinceLast { new, fixed, open }, En) => format!(
                "Since last run: {} new, {} fixed, {} still open\n",
                n(*new),
                n(*fixed),
                n(*open)
            ),
            (Said::Imported(c), _) => imported(c, lang),
            (
                Said::Quarantined {
                    id,
                    title,
                    reasons,
                    accepted,
                },
                _,
            ) => {
                let (word, taken) = match lang {
                    Id => ("karantina", " (diterima)"),
                    En => ("quarantined", " (accepted)"),
                };
                let taken = if *accepted { taken } else { "" };
                format!("{word} {id} \"{title}\": {reasons}{taken}\n")
            }
            (Said::Conflict(p), Id) => format!("konflik: {p}\n"),
            (Said::Conflict(p), En) => format!("conflict: {p}\n"),
            (Said::RequiredMissing, Id) => "halaman wajib yang belum ada:\n".into(),
            (Said::RequiredMissing, En) => "required pages still missing:\n".into(),
            (Said::ImportReport(p), Id) => format!("laporan: {p}\n"),
            (Said::ImportReport(p), En) => format!("report: {p}\n"),
            (
                Said::HostFiles {
                    new,
                    changed,
                    unchanged,
                    removed,
                },
                _,
            ) => {
                let (a, b, c, d) = (n(*new), n(*changed), n(*unchanged), n(*removed));
                match lang {
                    Id => format!("{a} baru, {b} berubah, {c} tetap, {d} dihapus"),
                    En => format!("{a} new, {b} changed, {c} unchanged, {d} removed"),
                }
            }
            (Said::HostErrors(e), Id) => format!("{} galat", n(*e)),
            (Said::HostErrors(e), En) => en(*e, "error"),
            (Said::Deployed { id, calls }, Id) => format!("deploy {id} ({calls} panggilan)"),
            (Said::Deployed { id, calls }, En) => format!("deploy {id} ({})", en(*calls as usize, "call")),
            (Said::DeployFailed(e), Id) => format!("GAGAL: {e}"),
            (Said::DeployFailed(e), En) => format!("FAILED: {e}"),
            (
                Said::PublishDone {
                    planned,
                    target,
                    out,
                    blocked,
                    removed,
                    previous,
                    release,
                    pruned,
                },
                _,
            ) => {
                let out_n = out;
                let (out, blocked) = (n(*out), n(*blocked));
                let gone = match (*removed, lang) {
                    (0, _) => String::new(),
                    (r, Id) => format!(", {} dihapus", n(r)),
                    (r, En) => format!(", {} removed", n(r)),
                };
                let pruned = match (pruned.is_empty(), lang) {
                    (true, _) => String::new(),
                    (false, Id) => format!("; rilis lama dihapus: {}", pruned.join(", ")),
                    (false, En) => format!("; old releases removed: {}", pruned.join(", ")),
                };
                match (planned, lang) {
                    (true, Id) => format!(
                        "Rencana ke target `{target}` (tidak ada yang diubah): {out} situs akan terbit, {blocked} diblokir{gone}; yang tayang: {previous}\n"
                    ),
                    (true, En) => format!(
                        "Plan for target `{target}` (nothing changed): {} would go out, {blocked} blocked{gone}; live: {previous}\n",
                        en(*out_n, "site")
                    ),
                    (false, Id) => format!(
                        "Terbit ke target `{target}`: rilis {release} tayang (sebelumnya {previous}); {out} situs terbit, {blocked} diblokir{gone}{pruned}\n"
                    ),
                    (false, En) => format!(
                        "Published to target `{target}`: release {release} is live (was {previous}); {} published, {blocked} blocked{gone}{pruned}\n",
                        en(*out_n, "site")
                    ),
                }
            }
            (
                Said::BackupVerified {
                    destination,
                    archive,
                    sha256,
                },
                Id,
            ) => format!(
                "  cadangan `{destination}`: {archive} terverifikasi (SHA-256 {})\n",
                &sha256[..sha256.len().min(16)]
            ),
            (
                Said::BackupVerified {
                    destination,
                    archive,
                    sha256,
                },
                En,
            ) => format!(
                "  backup `{destination}`: {archive} verified (SHA-256 {})\n",
                &sha256[..sha256.len().min(16)]
            ),
            (Said::EvidenceKept { files, conformance }, Id) => format!(
                "  bukti uji (OPS-002): {files} berkas di .laman/bukti/ rilis ini (laporan pemeriksaan{})\n",
                if *conformance { " dan laporan conformance terakhir" } else { "; belum ada laporan conformance" }
            ),
            (Said::EvidenceKept { files, conformance }, En) => format!(
                "  test evidence (OPS-002): {} in this release's .laman/bukti/ (the check report{})\n",
                en(*files, "file"),
                if *conformance { " and the last conformance report" } else { "; no conformance report yet" }
            ),
            (Said::RolledBack { target, to, from }, Id) => {
                format!("Dikembalikan di target `{target}`: {to} tayang lagi (sebelumnya {from})\n")
            }
            (Said::RolledBack { target, to, from }, En) => {
                format!("Rolled back target `{target}`: {to} is live again (was {from})\n")
            }
            (Said::Serving(index), Id) => format!("Melayani {index}\n"),
            (Said::Serving(index), En) => format!("Serving {index}\n"),
            (Said::PressCtrlC, Id) => "Tekan Ctrl+C untuk berhenti.\n".into(),
            (Said::PressCtrlC, En) => "Press Ctrl+C to stop.\n".into(),
            (Said::WatchStopped(why), Id) => format!("galat: pemantauan berkas berhenti: {why}\n"),
            (Said::WatchStopped(why), En) => format!("error: file watching stopped: {why}\n"),
            (
                Said::Rebuilt {
                    clock,
                    what,
                    files,
                    elapsed,
                    errors,
                    warnings,
                    infos,
                },
                _,
            ) => {
                let (files_n, errors_n, warnings_n, infos_n) = (files, errors, warnings, infos);
                let (files, errors, warnings, infos) =
                    (n(*files), n(*errors), n(*warnings), n(*infos));
                let ms = Number::fixed(elapsed.as_secs_f64() * 1000.0, 1).text(lang);
                match lang {
                    Id => format!(
                        "[{clock}] dibangun ulang {what}: {files} berkas dalam {ms} ms — {errors} galat, {warnings} peringatan, {infos} info\n"
                    ),
                    En => format!(
                        "[{clock}] rebuilt {what}: {} in {ms} ms — {}, {}, {}\n",
                        en(*files_n, "file"),
                        en(*errors_n, "error"),
                        en(*warnings_n, "warning"),
                        en(*infos_n, "info")
                    ),
                }
            }
            (Said::HistoryKept(p), Id) => {
                format!("  riwayat (OPS-003): {p}, untuk laporan berkala `laman laporan`\n")
            }
            (Said::HistoryKept(p), En) => {
                format!("  history (OPS-003): {p}, for the periodic report\n")
            }
            (Said::HistoryFailed(e), Id) => format!(
                "peringatan: riwayat untuk laporan berkala tidak tertulis ({e}); yang sudah tayang tetap tayang\n"
            ),
            (Said::HistoryFailed(e), En) => format!(
                "warning: the history for the periodic report was not written ({e}); what went live stays live\n"
            ),
            (
                Said::PeriodReport {
                    title,
                    agencies,
                    publishes,
                    nights,
                    index,
                },
                Id,
            ) => format!(
                "Laporan berkala {title}: {agencies} perangkat daerah, {publishes} publikasi, {nights} pemeriksaan malam — {index}\n"
            ),
            (
                Said::PeriodReport {
                    title,
                    agencies,
                    publishes,
                    nights,
                    index,
                },
                En,
            ) => format!(
                "Periodic report {title}: {} {}, {} {}, {} — {index}\n",
                n(*agencies),
                if *agencies == 1 { "agency" } else { "agencies" },
                n(*publishes),
                if *publishes == 1 { "publish" } else { "publishes" },
                en(*nights, "nightly run"),
            ),
            (Said::PeriodEmpty(title), Id) => format!(
                "catatan: tidak ada publikasi maupun pemeriksaan malam dalam periode {title}; riwayat ditulis oleh `laman publish` dan `laman conformance` di .laman/riwayat/\n"
            ),
            (Said::PeriodEmpty(title), En) => format!(
                "note: no publish and no nightly run in {title}; `laman publish` and `laman conformance` write the history to .laman/riwayat/\n"
            ),
            (Said::HistoryUnreadable { path, reason }, Id) => {
                format!("peringatan: {path}: berkas riwayat tidak terbaca, tidak dihitung ({reason})\n")
            }
            (Said::HistoryUnreadable { path, reason }, En) => {
                format!("warning: {path}: history file unreadable, not counted ({reason})\n")
            }
        }
    }
}

/// The two count lines of an import: `berita 3, halaman 2, …` then what
/// was written.
fn imported(c: &ImportCounts, lang: Lang) -> String {
    let (mode, found, written) = match lang {
        Lang::Id => (
            "uji coba (tidak ada yang ditulis): ",
            [
                "berita",
                "halaman",
                "draf",
                "dikarantina",
                "diterima",
                "alias",
                "berkas",
                "komentar tidak diimpor",
            ],
            ["ditulis", "tidak berubah", "konflik"],
        ),
        Lang::En => (
            "dry run (nothing written): ",
            [
                "posts",
                "pages",
                "drafts",
                "quarantined",
                "accepted",
                "aliases",
                "files",
                "comments not imported",
            ],
            ["written", "unchanged", "conflicts"],
        ),
    };
    let line = |words: &[&str], counts: &[usize]| {
        words
            .iter()
            .zip(counts)
            .map(|(w, x)| format!("{w} {}", Number::count(*x).text(lang)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{}{}\n{}\n",
        if c.dry_run { mode } else { "" },
        line(
            &found,
            &[
                c.posts,
                c.pages,
                c.drafts,
                c.quarantined,
                c.accepted,
                c.redirects,
                c.files,
                c.comments
            ]
        ),
        line(&written, &[c.written, c.unchanged, c.conflicts]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The import's count lines read as before the words moved here.
    #[test]
    fn import_counts_read_label_then_number() {
        let c = ImportCounts {
            dry_run: true,
            posts: 1_200,
            pages: 2,
            conflicts: 1,
            ..ImportCounts::default()
        };
        assert_eq!(
            Said::Imported(c).text(Lang::Id),
            "uji coba (tidak ada yang ditulis): berita 1.200, halaman 2, draf 0, dikarantina 0, diterima 0, alias 0, berkas 0, komentar tidak diimpor 0\nditulis 0, tidak berubah 0, konflik 1\n"
        );
        assert!(
            Said::Imported(c)
                .text(Lang::En)
                .starts_with("dry run (nothing written): posts 1,200, pages 2,")
        );
    }

    /// Every sentence says its numbers the language's way and carries no
    /// Indonesian word in English.
    #[test]
    fn numbers_follow_the_language_and_english_has_no_indonesian() {
        let done = Said::BuildDone {
            built: 2,
            sites: 2,
            pages: 12_345,
            files: 1_000,
            elapsed: Duration::from_millis(1250),
            out: Path::new("public"),
            release: "r1",
            errors: 0,
            warnings: 3,
        };
        assert!(
            done.text(Lang::Id)
                .contains("12.345 halaman, 1.000 berkas dalam 1,25")
        );
        assert!(
            done.text(Lang::En)
                .contains("12,345 pages, 1,000 files in 1.25")
        );
        let words = [
            "galat",
            "halaman",
            "berkas",
            "situs",
            "diblokir",
            "dibuat",
            "karantina",
            "konflik",
            "laporan",
            "tayang",
        ];
        let said = [
            done,
            Said::Created(Path::new("a")),
            Said::InitNext,
            Said::SiteNext { slug: "dinkes" },
            Said::Quarantined {
                id: 1,
                title: "t",
                reasons: "r".into(),
                accepted: true,
            },
            Said::Conflict("x"),
            Said::ImportReport("x"),
            Said::Imported(ImportCounts::default()),
            Said::HostFiles {
                new: 1,
                changed: 2,
                unchanged: 3,
                removed: 4,
            },
            Said::HostErrors(2),
            Said::PublishDone {
                planned: false,
                target: "lokal",
                out: 1,
                blocked: 1,
                removed: 1,
                previous: "a",
                release: "b",
                pruned: &["c".to_string()],
            },
            Said::RolledBack {
                target: "lokal",
                to: "a",
                from: "b",
            },
            Said::BackupVerified {
                destination: "drc",
                archive: "/mnt/a.tar",
                sha256: "abc",
            },
            Said::EvidenceKept {
                files: 3,
                conformance: true,
            },
            Said::EvidenceKept {
                files: 3,
                conformance: false,
            },
        ];
        for s in &said {
            let en = s.text(Lang::En);
            for w in words {
                assert!(!en.contains(w), "{w} in {en:?}");
            }
        }
    }

    #[test]
    fn english_counts_agree_with_their_nouns() {
        let check = |k: usize| Said::CheckDone {
            sites: k,
            profile: "cianjur",
            today: "2026-11-23".to_string(),
            errors: k,
            warnings: k,
            infos: k,
        };
        assert_eq!(
            check(1).text(Lang::En),
            "1 site checked (profile cianjur, date 2026-11-23): 1 error, 1 warning, 1 info\n"
        );
        assert_eq!(
            check(2).text(Lang::En),
            "2 sites checked (profile cianjur, date 2026-11-23): 2 errors, 2 warnings, 2 infos\n"
        );
        assert_eq!(
            check(1).text(Lang::Id),
            "1 situs diperiksa (profil cianjur, tanggal 2026-11-23): 1 galat, 1 peringatan, 1 info\n"
        );
        assert_eq!(Said::HostErrors(1).text(Lang::En), "1 error");
        assert_eq!(Said::HostErrors(1_234).text(Lang::En), "1,234 errors");
        let period = |k: usize| Said::PeriodReport {
            title: "November 2026",
            agencies: k,
            publishes: k,
            nights: k,
            index: "i",
        };
        assert_eq!(
            period(1).text(Lang::En),
            "Periodic report November 2026: 1 agency, 1 publish, 1 nightly run — i\n"
        );
        assert_eq!(
            period(3).text(Lang::En),
            "Periodic report November 2026: 3 agencies, 3 publishes, 3 nightly runs — i\n"
        );
    }
}
