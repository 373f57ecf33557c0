//! `laman build`: laman.toml + sites/*/site.toml → registry → content →
//! markdown → render → output (`public/<fqdn>/` + `public/sites.json`).
//!
//! Sites build in parallel (rayon), and so do the pages of a site. A site
//! with an error-level finding is not written: its previous output, if any,
//! is kept, so `public/` only ever holds complete, valid sites. Findings are
//! data in the report; `Err` means the build could not run at all.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rayon::prelude::*;

use crate::config::{self, RegencyConfig};
use crate::content::{self, LoadOptions};
use crate::diagnostic::{Diagnostic, Severity, Tally};
use crate::error::Error;
use crate::output::{self, FileEntry, HostManifest, Manifest, OtherHost, Staging};
use crate::registry::{self, Site};
use crate::render::Theme;
use crate::render::memo::{Bodies, Memo, Remembered};
use crate::render::pipeline;
use crate::render::site::SiteOptions;
use crate::rules::{Engine, RuleOptions};

/// What to build, and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Project root (holds laman.toml, sites/, themes/).
    pub root: PathBuf,
    /// Output folder (default `<root>/public`).
    pub out: PathBuf,
    /// Only these sites (folder names); empty = all. The others keep their previous output.
    pub only: Vec<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Base URL: `{host}` is replaced by each site's FQDN; without it, one
    /// site gets the URL as is and several get `URL/<fqdn>`. Default `https://{host}`.
    pub base_url: Option<String>,
    /// Build time (injected for reproducible tests).
    pub now: DateTime<Utc>,
    /// The date freshness rules measure from (default: the build time's day in the regency).
    pub today: Option<NaiveDate>,
    /// Pages changed since the last publish, for META-001.
    pub changed: Option<Vec<PathBuf>>,
    /// Write the output (`build`) or only check (`check`).
    pub mode: Mode,
    /// Run the content rules (off only to measure the build alone).
    pub rules: bool,
    /// The caller holds the [`output::OutLock`] of `out` already (publish
    /// holds it past the build); otherwise a writing build takes it.
    pub out_locked: bool,
}

/// Whether a run writes output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Build and write `public/`.
    Build,
    /// Render in memory and check; write nothing.
    Check,
    /// As `Check`, and hash every file that would be written: the manifest
    /// of a publish plan (`publish --dry-run`), with nothing written.
    Plan,
}

impl BuildOptions {
    /// Defaults for a project at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildOptions {
            out: root.join("public"),
            root,
            only: Vec::new(),
            drafts: false,
            base_url: None,
            now: Utc::now(),
            today: None,
            changed: None,
            mode: Mode::Build,
            rules: true,
            out_locked: false,
        }
    }
}

/// What happened to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SiteStatus {
    /// Built and written.
    Built,
    /// Not written because of errors; the previous output was kept.
    FailedKeptPrevious,
    /// Not written because of errors; there was no previous output.
    Failed,
}

impl crate::text::Localize for SiteStatus {
    /// What the summary says after a site's counts (nothing when it was built).
    fn text(&self, lang: crate::diagnostic::Lang) -> String {
        use crate::diagnostic::Lang::{En, Id};
        match (self, lang) {
            (SiteStatus::Built, _) => "",
            (SiteStatus::FailedKeptPrevious, Id) => "GAGAL (versi sebelumnya dipertahankan)",
            (SiteStatus::FailedKeptPrevious, En) => "FAILED (previous version kept)",
            (SiteStatus::Failed, Id) => "GAGAL (tidak ditulis)",
            (SiteStatus::Failed, En) => "FAILED (not written)",
        }
        .to_string()
    }
}

/// One site's result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SiteReport {
    /// Folder name.
    pub slug: String,
    /// Host, when known.
    pub host: Option<String>,
    /// Outcome.
    pub status: SiteStatus,
    /// Markdown pages loaded.
    pub pages: usize,
    /// Pages not rendered again: the render memo knew their template's
    /// input and the output still had what it gave (`render::memo`).
    pub remembered: usize,
    /// Page bodies rendered from Markdown (the others were the memo's).
    pub markdown: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Findings.
    pub diagnostics: Vec<Diagnostic>,
}

/// The whole build's result.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Release id of the written output.
    pub release: String,
    /// Output folder.
    pub out: PathBuf,
    /// Sites, sorted by slug.
    pub sites: Vec<SiteReport>,
    /// Findings not tied to a site (theme, laman.toml).
    pub diagnostics: Vec<Diagnostic>,
    /// Wall time.
    pub elapsed: Duration,
    /// The date the rules measured from.
    pub today: NaiveDate,
    /// The regency profile the rules ran under.
    pub profile: crate::profile::Profile,
    /// The manifest of the output (written as `<out>/sites.json` by a
    /// build; only in memory for a check or a plan).
    pub manifest: Manifest,
}

impl BuildReport {
    /// Every finding.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.sites.iter().flat_map(|s| s.diagnostics.iter()))
    }

    /// Counts by severity.
    pub fn tally(&self) -> Tally {
        Tally::of(self.all_diagnostics())
    }

    /// Whether any error-level finding remains.
    pub fn has_errors(&self) -> bool {
        self.all_diagnostics()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Builds the sites of the project at `opts.root`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let start = Instant::now();
    // One writer of the output at a time (a publish may be copying it).
    let _lock = match opts.mode {
        Mode::Build if !opts.out_locked => Some(output::OutLock::acquire(&opts.out, "build")?),
        _ => None,
    };
    let config = config::load(&opts.root)?;
    let registry = registry::discover(&opts.root, &config, &opts.only)?;
    // The rule catalogue is read while the theme's templates are parsed
    // and the last manifest is read: each is a few milliseconds of every
    // build, on one thread (#14).
    let (engine, (theme, previous)) = rayon::join(
        || Engine::new(&config),
        || {
            rayon::join(
                || Theme::load(&opts.root),
                || output::read_manifest(&opts.out),
            )
        },
    );
    let engine = engine.map_err(Error::Config)?;
    let today = opts
        .today
        .unwrap_or_else(|| opts.now.with_timezone(&config.region.offset()).date_naive());
    let mut global = registry.diagnostics.clone();
    if opts.rules {
        // Blanks of `laman init` left in laman.toml: errors of the whole
        // regency, so they block publishing every site.
        global.extend(content::placeholder::in_toml_file(
            std::path::Path::new(config::FILE_NAME),
            &config.source,
            crate::diagnostic::FileKind::Regency,
        ));
        global.extend(engine.check_regency(&registry.sites.iter().collect::<Vec<_>>(), today));
    }
    let theme = theme.map_err(|d| global.push(d)).ok();
    let mut staging = match opts.mode {
        Mode::Build => Staging::create(&opts.out)?,
        Mode::Check => Staging::dry(&opts.out),
        Mode::Plan => Staging::plan(&opts.out),
    };
    // Files whose bytes do not change are linked from the previous output.
    staging.reuse(previous.as_ref());
    let single = registry.sites.len() == 1;
    let rule_opts = RuleOptions {
        today,
        changed: opts.changed.clone(),
        backups: crate::publish::record::measured(
            config.publish.as_ref(),
            &opts.root,
            config.region.offset(),
        )
        .map(std::sync::Arc::new),
    };

    let outcomes: Vec<Result<(SiteReport, Vec<FileEntry>), Error>> = registry
        .sites
        .par_iter()
        .map(|site| {
            let base_url = site_base_url(opts.base_url.as_deref(), &site.fqdn, single);
            match &theme {
                Some(theme) => {
                    let ctx = SiteRun {
                        pipeline: pipeline::Run {
                            config: &config,
                            theme,
                            engine: opts.rules.then_some(&engine),
                            rule_opts: &rule_opts,
                        },
                        opts,
                        staging: &staging,
                    };
                    build_site(site, &ctx, base_url)
                }
                None => Ok((empty_report(site, Vec::new()), Vec::new())),
            }
        })
        .collect();

    let mut sites = Vec::new();
    let mut hosts = Vec::new();
    for outcome in outcomes {
        let (mut report, files) = outcome?;
        let host = report.host.clone().unwrap_or_default();
        let failed = theme.is_none() || report.diagnostics.iter().any(Diagnostic::is_input_error);
        if failed {
            staging.discard(&host)?;
            report.status = keep(&staging, &host, &report.slug, previous.as_ref(), &mut hosts)?;
            report.files = 0;
            report.bytes = 0;
        } else {
            hosts.push(HostManifest {
                host,
                site: report.slug.clone(),
                status: crate::output::HostStatus::Built,
                files,
            });
        }
        sites.push(report);
    }
    for broken in registry.broken {
        let status = match &broken.fqdn {
            Some(host) => keep(&staging, host, &broken.slug, previous.as_ref(), &mut hosts)?,
            None => SiteStatus::Failed,
        };
        sites.push(SiteReport {
            slug: broken.slug,
            host: broken.fqdn,
            status,
            pages: 0,
            remembered: 0,
            markdown: 0,
            files: 0,
            bytes: 0,
            elapsed: Duration::ZERO,
            diagnostics: broken.diagnostics,
        });
    }
    keep_unselected(opts, &staging, previous.as_ref(), &mut hosts)?;
    sites.sort_by(|a, b| a.slug.cmp(&b.slug));

    let manifest = Manifest::new(
        &opts.now.format("%Y%m%dT%H%M%SZ").to_string(),
        opts.now.to_rfc3339_opts(SecondsFormat::Secs, true),
        config.region.domain.clone(),
        hosts,
        other_hosts(&config),
    );
    staging.commit(&manifest)?;
    Ok(BuildReport {
        release: manifest.release.clone(),
        out: opts.out.clone(),
        sites,
        diagnostics: global,
        elapsed: start.elapsed(),
        today,
        profile: config.region.profile,
        manifest,
    })
}

/// What every site of a run shares.
struct SiteRun<'a> {
    pipeline: pipeline::Run<'a>,
    opts: &'a BuildOptions,
    staging: &'a Staging,
}

/// The base URL of a site under `pattern` (see `BuildOptions::base_url`).
pub fn site_base_url(pattern: Option<&str>, fqdn: &str, single: bool) -> String {
    match pattern {
        None => format!("https://{fqdn}"),
        Some(p) if p.contains("{host}") => {
            p.replace("{host}", fqdn).trim_end_matches('/').to_string()
        }
        Some(p) if single => p.trim_end_matches('/').to_string(),
        Some(p) => format!("{}/{fqdn}", p.trim_end_matches('/')),
    }
}

fn other_hosts(config: &RegencyConfig) -> Vec<OtherHost> {
    config
        .subdomains
        .iter()
        .map(|s| OtherHost {
            host: format!("{}.{}", s.name, config.region.domain),
            jenis: serde_json::to_value(s.jenis)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        })
        .collect()
}

fn keep(
    staging: &Staging,
    host: &str,
    slug: &str,
    previous: Option<&Manifest>,
    hosts: &mut Vec<HostManifest>,
) -> Result<SiteStatus, Error> {
    Ok(match staging.keep_previous(host, previous)? {
        Some(files) => {
            hosts.push(HostManifest {
                host: host.to_string(),
                site: slug.to_string(),
                status: crate::output::HostStatus::Kept,
                files,
            });
            SiteStatus::FailedKeptPrevious
        }
        None => SiteStatus::Failed,
    })
}

/// With `laman build SLUG…`, the other sites of the previous output stay.
fn keep_unselected(
    opts: &BuildOptions,
    staging: &Staging,
    previous: Option<&Manifest>,
    hosts: &mut Vec<HostManifest>,
) -> Result<(), Error> {
    let (false, Some(prev)) = (opts.only.is_empty(), previous) else {
        return Ok(());
    };
    for h in &prev.hosts {
        if hosts.iter().any(|x| x.host == h.host) || opts.only.contains(&h.site) {
            continue;
        }
        if let Some(files) = staging.keep_previous(&h.host, previous)? {
            hosts.push(HostManifest {
                host: h.host.clone(),
                site: h.site.clone(),
                status: crate::output::HostStatus::Kept,
                files,
            });
        }
    }
    Ok(())
}

fn empty_report(site: &Site, diagnostics: Vec<Diagnostic>) -> SiteReport {
    SiteReport {
        slug: site.slug.clone(),
        host: Some(site.fqdn.clone()),
        status: SiteStatus::Failed,
        pages: 0,
        remembered: 0,
        markdown: 0,
        files: 0,
        bytes: 0,
        elapsed: Duration::ZERO,
        diagnostics,
    }
}

fn build_site(
    site: &Site,
    run: &SiteRun<'_>,
    base_url: String,
) -> Result<(SiteReport, Vec<FileEntry>), Error> {
    let start = Instant::now();
    let writer = run.staging.host(&site.fqdn);
    // The render memo: only a build that writes, over an output it can
    // keep files from, has pages it need not render (a build from nothing
    // does not pay for the keys; the next one makes the memo). It is read
    // while the sources are.
    let memo_path = Memo::path(&run.opts.root, &site.slug);
    let bodies_path = Bodies::path(&run.opts.root, &site.slug);
    let remembers = run.opts.mode == Mode::Build && run.staging.can_reuse(&site.fqdn);
    let (mut tree, memo) = rayon::join(
        || {
            let opts = LoadOptions {
                drafts: run.opts.drafts,
            };
            content::load(site, opts)
        },
        || remembers.then(|| Memo::load(&memo_path).beside(&bodies_path)),
    );
    // The pages' Markdown is handed over apart from the tree, to be freed
    // page by page as the render reads it (#14, peak memory).
    let sources = tree.take_sources();
    let mut rendered = pipeline::render_site(
        run.pipeline,
        site,
        &tree,
        SiteOptions {
            base_url,
            now: run.opts.now,
        },
        &writer,
        memo,
        Some(sources),
    )?;
    // (The memo read was freed with the render: before the next one is
    // made, where a one-page rebuild's peak is.)
    if remembers {
        remember(&memo_path, &bodies_path, &rendered, &tree);
    }
    if rendered.templates_failed {
        return Ok((empty_report(site, rendered.site_diags), Vec::new()));
    }
    // The findings are moved out, not copied: with a warning on every page
    // of a large site, a copy is megabytes at the build's peak.
    let mut diags = std::mem::take(&mut rendered.site_diags);
    diags.reserve(rendered.local.iter().map(Vec::len).sum());
    for local in &mut rendered.local {
        diags.append(local);
    }
    if run.pipeline.engine.is_some() {
        crate::rules::waive_for_urgent_information(site, &tree, run.pipeline.rule_opts, &mut diags);
    }
    diags.sort_by(|a, b| {
        (&a.location.path, a.location.line, a.location.column).cmp(&(
            &b.location.path,
            b.location.line,
            b.location.column,
        ))
    });
    diags.dedup();
    crate::diagnostic::link_causes(&mut diags);
    let files = std::mem::take(&mut rendered.entries);
    let (pages, remembered, markdown) = (tree.pages.len(), rendered.remembered, rendered.markdown);
    // A site's sources, bodies and the facts of its pages are tens of
    // megabytes in many small pieces: freeing them is left to a pool
    // thread, off the build's way (a one-page rebuild of 10,000 pages
    // spent about a tenth of its time here).
    rayon::spawn(move || drop((tree, rendered)));
    let report = SiteReport {
        slug: site.slug.clone(),
        host: Some(site.fqdn.clone()),
        status: SiteStatus::Built,
        pages,
        remembered,
        markdown,
        files: files.len(),
        bytes: files.iter().map(|f| f.size).sum(),
        elapsed: start.elapsed(),
        diagnostics: diags,
    };
    Ok((report, files))
}

/// Writes the render memo of a site from its outputs, the facts the rules
/// read from them and its pages' bodies. A memo that cannot be written
/// only costs the next build its renders.
fn remember(
    path: &std::path::Path,
    bodies_path: &std::path::Path,
    rendered: &pipeline::SiteOutput<FileEntry>,
    tree: &content::ContentTree,
) {
    let facts = &rendered.pieces.html_facts;
    let by_path: std::collections::HashMap<&str, &FileEntry> = rendered
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e))
        .collect();
    // The memo and the bodies are made and written side by side: a
    // one-page rebuild ends with them.
    rayon::join(
        || {
            let pages = rendered.page_keys.iter().filter_map(|(p, key)| {
                let e = by_path.get(p.as_str())?;
                let r = Remembered {
                    key: key.clone(),
                    size: e.size,
                    sha256: e.sha256.clone(),
                    facts: None,
                };
                Some((p.clone(), r, facts.get(p).map(|h| &h.facts)))
            });
            let _ = Memo::write(path, pages, &rendered.site_digest);
        },
        || {
            let bodies = tree
                .pages
                .iter()
                .zip(&rendered.bodies)
                .zip(&rendered.body_keys)
                .map(|((p, b), key)| (p.rel.as_str(), key.as_str(), b));
            let _ = Bodies::save(bodies_path, bodies);
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_patterns() {
        assert_eq!(site_base_url(None, "a.go.id", false), "https://a.go.id");
        assert_eq!(
            site_base_url(Some("http://{host}.localhost:1111/"), "a", false),
            "http://a.localhost:1111"
        );
        assert_eq!(
            site_base_url(Some("http://127.0.0.1:8000"), "a.go.id", true),
            "http://127.0.0.1:8000"
        );
        assert_eq!(
            site_base_url(Some("http://127.0.0.1:8000/"), "a.go.id", false),
            "http://127.0.0.1:8000/a.go.id"
        );
    }
}
