//! The `netlify` target: one Netlify site per host, deployed with the
//! Netlify CLI (`netlify deploy --no-build --dir public/<fqdn> --site <id>
//! --prod --json`), calls paced and retried with back-off on rate limits.
//! Deploy ids go to `netlify.json` and `publish.log` in the target folder,
//! so that `--rollback` can restore earlier deploys with
//! `netlify api restoreSiteDeploy`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::gate::{self, HostAction};
use super::journal::{self, LogEntry, LogResult};
use super::{
    NetlifyDeploy, Outcome, PublishError, PublishOptions, PublishReport, RollbackOptions,
    RollbackReport, Target,
};
use crate::build::BuildReport;
use crate::output::{HostManifest, Manifest};

/// State file in the target folder.
pub const STATE: &str = "netlify.json";

/// The environment variable that overrides the site id of `host`:
/// `LAMAN_NETLIFY_SITE_` + the host in capitals with every character that
/// is not a letter or digit replaced by `_`
/// (`dinkes.cianjurkab.go.id` → `LAMAN_NETLIFY_SITE_DINKES_CIANJURKAB_GO_ID`).
pub fn env_name(host: &str) -> String {
    let tail: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("LAMAN_NETLIFY_SITE_{tail}")
}

/// Whether a failed call was refused for its rate: the CLI exited non-zero
/// and its output mentions a rate limit (`rate limit`, `ratelimit`,
/// `too many requests` or HTTP status `429`), case-insensitively.
pub fn is_rate_limited(success: bool, output: &str) -> bool {
    if success {
        return false;
    }
    let o = output.to_ascii_lowercase();
    [
        "rate limit",
        "ratelimit",
        "rate-limit",
        "too many requests",
        "429",
    ]
    .iter()
    .any(|k| o.contains(k))
}

/// The `deploy_id` of the CLI's `--json` output (the first JSON object in it).
pub fn deploy_id(stdout: &str) -> Option<String> {
    let start = stdout.find('{')?;
    let mut it =
        serde_json::Deserializer::from_str(&stdout[start..]).into_iter::<serde_json::Value>();
    let v = it.next()?.ok()?;
    v.get("deploy_id")?.as_str().map(str::to_string)
}

/// What is live and what was deployed before (`netlify.json`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    /// Every publish, oldest first.
    #[serde(default)]
    pub publishes: Vec<StatePublish>,
    /// The deploy live now, per host.
    #[serde(default)]
    pub live: BTreeMap<String, LiveDeploy>,
    /// The manifest entry of what is live, per host (for the plan).
    #[serde(default)]
    pub hosts: Vec<HostManifest>,
}

/// One publish in the state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatePublish {
    /// Publish id.
    pub id: String,
    /// RFC 3339.
    pub when: String,
    /// Deploys made.
    pub deploys: Vec<NetlifyDeploy>,
}

/// A live deploy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveDeploy {
    /// Netlify site id.
    pub site_id: String,
    /// Deploy id.
    pub deploy_id: String,
    /// The publish that made it.
    pub publish: String,
}

fn read_state(dir: &Path) -> State {
    std::fs::read(dir.join(STATE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn write_state(dir: &Path, s: &State) -> Result<(), PublishError> {
    let path = dir.join(STATE);
    let tmp = dir.join(format!(".{STATE}.tmp"));
    let json = serde_json::to_vec_pretty(s)
        .map_err(|e| PublishError::io(&path, std::io::Error::other(e)))?;
    std::fs::write(&tmp, json).map_err(|e| PublishError::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| PublishError::io(&path, e))
}

/// Keeps calls at least `min` apart.
#[derive(Debug)]
struct Pacer {
    min: Duration,
    last: Option<Instant>,
}

impl Pacer {
    fn wait(&mut self, extra: Duration) {
        if let Some(last) = self.last {
            let due = self.min.max(extra);
            let since = last.elapsed();
            if since < due {
                std::thread::sleep(due - since);
            }
        }
        self.last = Some(Instant::now());
    }
}

/// The CLI settings of a target.
struct Cli {
    command: String,
    retries: u32,
    backoff: Duration,
    pacer: Pacer,
}

impl Cli {
    fn new(target: &Target) -> Cli {
        let s = &target.settings;
        Cli {
            command: s.command.clone().unwrap_or_else(|| "netlify".into()),
            retries: s.retries.unwrap_or(5),
            backoff: Duration::from_millis(s.backoff_ms.unwrap_or(2000)),
            pacer: Pacer {
                min: Duration::from_millis(s.min_interval_ms.unwrap_or(1000)),
                last: None,
            },
        }
    }

    /// Runs one CLI call, paced, retried on rate limits. `Ok((success,
    /// stdout, stderr, attempts))`; `Err` when it cannot be started.
    fn call(
        &mut self,
        args: &[String],
        cwd: &Path,
    ) -> Result<(bool, String, String, u32), PublishError> {
        let mut attempt = 0;
        let mut extra = Duration::ZERO;
        loop {
            attempt += 1;
            self.pacer.wait(extra);
            let out = Command::new(&self.command)
                .args(args)
                .current_dir(cwd)
                .output()
                .map_err(|e| PublishError::Tool {
                    command: self.command.clone(),
                    detail: e.to_string(),
                })?;
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            let ok = out.status.success();
            let limited = is_rate_limited(ok, &format!("{stdout}\n{stderr}"));
            if !limited || attempt > self.retries {
                return Ok((ok, stdout, stderr, attempt));
            }
            let factor = 1u32 << (attempt - 1).min(10);
            extra = (self.backoff * factor).min(Duration::from_secs(60));
        }
    }
}

fn site_ids(target: &Target) -> BTreeMap<String, String> {
    target.settings.sites.clone().unwrap_or_default()
}

fn site_id(map: &BTreeMap<String, String>, host: &str) -> Option<String> {
    std::env::var(env_name(host))
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| map.get(host).cloned())
}

fn failure_text(stdout: &str, stderr: &str) -> String {
    let t = format!("{} {}", stderr.trim(), stdout.trim());
    let t = t.trim();
    t.chars().take(300).collect()
}

/// A host whose deploy did not run because the CLI could not be started.
fn not_attempted(host: String, site: Option<String>, why: &PublishError) -> NetlifyDeploy {
    NetlifyDeploy {
        host,
        site_id: site.unwrap_or_default(),
        deploy_id: None,
        attempts: 0,
        error: Some(format!("not deployed: {why}")),
    }
}

/// Deploys `public/<host>` to its Netlify site (or reports that it has no site id).
fn deploy_one(
    cli: &mut Cli,
    root: &Path,
    public: &Path,
    host: String,
    site: Option<String>,
) -> Result<NetlifyDeploy, PublishError> {
    let Some(site) = site else {
        return Ok(NetlifyDeploy {
            error: Some(format!(
                "no site id: set sites in laman.toml or {}",
                env_name(&host)
            )),
            host,
            site_id: String::new(),
            deploy_id: None,
            attempts: 0,
        });
    };
    // Shown (and passed) relative to the project, as the docs say:
    // `public/<fqdn>`; the CLI runs in the project folder.
    let full: PathBuf = public.join(&host);
    let folder = full
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or(full);
    let args: Vec<String> = vec![
        "deploy".into(),
        "--no-build".into(),
        "--dir".into(),
        folder.display().to_string(),
        "--site".into(),
        site.clone(),
        "--prod".into(),
        "--json".into(),
    ];
    let (ok, stdout, stderr, attempts) = cli.call(&args, root)?;
    let deploy = if ok { deploy_id(&stdout) } else { None };
    let error = match (&deploy, ok) {
        (Some(_), _) => None,
        (None, true) => Some("no deploy_id in the CLI's JSON output".to_string()),
        (None, false) => Some(failure_text(&stdout, &stderr)),
    };
    Ok(NetlifyDeploy {
        host,
        site_id: site,
        deploy_id: deploy,
        attempts,
        error,
    })
}

/// Gate, then one deploy per host that goes out; log and record deploy ids.
pub fn publish(
    target: &Target,
    report: &BuildReport,
    opts: &PublishOptions,
) -> Result<PublishReport, PublishError> {
    let dir = &target.path;
    let built = super::built_manifest(report)?;
    let mut state = read_state(dir);
    let live = (!state.hosts.is_empty()).then(|| Manifest {
        schema: 1,
        release: String::new(),
        generated: String::new(),
        domain: built.domain.clone(),
        hosts: state.hosts.clone(),
        other_hosts: Vec::new(),
    });
    let mut plans = gate::plan(report, &built, live.as_ref());
    let ids = site_ids(target);
    // laman never deletes a Netlify site: a live host whose site folder is
    // gone stays live there while it has a site id, and every publish says
    // so; once Diskominfo has deleted the site and removed its id, the host
    // is forgotten (docs/publish.md).
    for p in plans.iter_mut().filter(|p| p.action == HostAction::Removed) {
        if site_id(&ids, &p.host).is_some() {
            p.action = HostAction::LeftLive;
            (p.unchanged, p.removed) = (p.removed, 0);
        }
    }
    let previous = state.publishes.last().map(|p| p.id.clone());
    let mut rep = PublishReport {
        target: target.name.clone(),
        kind: target.kind(),
        release: None,
        previous: previous.clone(),
        hosts: plans,
        deploys: Vec::new(),
        pruned: Vec::new(),
        outcome: Outcome::Planned,
        build_release: report.release.clone(),
        evidence: Vec::new(),
        backups: Vec::new(),
        backup_findings: Vec::new(),
        history: None,
    };
    let going: Vec<(String, Option<String>)> = rep
        .published()
        .map(|p| (p.host.clone(), site_id(&ids, &p.host)))
        .collect();
    if opts.dry_run {
        rep.deploys = going
            .into_iter()
            .map(|(host, id)| NetlifyDeploy {
                error: id
                    .is_none()
                    .then(|| format!("no site id ({})", env_name(&host))),
                host,
                site_id: id.unwrap_or_default(),
                deploy_id: None,
                attempts: 0,
            })
            .collect();
        return Ok(rep);
    }
    let id = format!(
        "{:06}-{}",
        state.publishes.len() + 1,
        opts.now.format("%Y%m%dT%H%M%SZ")
    );
    let mut cli = Cli::new(target);
    // When the CLI cannot be started at all (removed, not executable)
    // midway, the hosts deployed before stay live: the run still records
    // them, marks the rest as not deployed, and then reports the error.
    let mut stopped: Option<PublishError> = None;
    for (host, site) in going {
        let d = match &stopped {
            Some(e) => not_attempted(host, site, e),
            None => match deploy_one(
                &mut cli,
                &opts.root,
                &report.out,
                host.clone(),
                site.clone(),
            ) {
                Ok(d) => d,
                Err(e) => {
                    let d = not_attempted(host, site, &e);
                    stopped = Some(e);
                    d
                }
            },
        };
        if let Some(deploy_id) = &d.deploy_id {
            let live = LiveDeploy {
                site_id: d.site_id.clone(),
                deploy_id: deploy_id.clone(),
                publish: id.clone(),
            };
            state.live.insert(d.host.clone(), live);
            if let Some(h) = built.hosts.iter().find(|h| h.host == d.host) {
                state.hosts.retain(|x| x.host != d.host);
                state.hosts.push(h.clone());
            }
        }
        rep.deploys.push(d);
    }
    for gone in rep.removed() {
        state.hosts.retain(|x| x.host != gone.host);
        state.live.remove(&gone.host);
    }
    state.hosts.sort_by(|a, b| a.host.cmp(&b.host));
    state.publishes.push(StatePublish {
        id: id.clone(),
        when: opts.now.to_rfc3339(),
        deploys: rep.deploys.clone(),
    });
    write_state(dir, &state)?;
    let failed = rep.deploys.iter().any(|d| d.error.is_some());
    let none_live = rep.deploys.iter().all(|d| d.error.is_some());
    let blocked = rep.blocked().next().is_some();
    rep.outcome = match (failed, blocked) {
        (true, _) => Outcome::PartlyFailed,
        (false, true) => Outcome::PartlyBlocked,
        (false, false) => Outcome::Published,
    };
    let mut log = LogEntry::new(&opts.who, opts.now, "publish", target);
    log.release = Some(id.clone());
    log.previous = previous;
    log.published = rep
        .deploys
        .iter()
        .filter(|d| d.error.is_none())
        .map(|d| d.host.clone())
        .collect();
    log.blocked = rep.blocked().map(|p| p.host.clone()).collect();
    log.removed = rep.removed().map(|p| p.host.clone()).collect();
    log.left_live = rep.left_live().map(|p| p.host.clone()).collect();
    log.failed = rep
        .deploys
        .iter()
        .filter(|d| d.error.is_some())
        .map(|d| d.host.clone())
        .collect();
    log.result = match rep.outcome {
        Outcome::PartlyFailed if none_live => LogResult::Failed,
        Outcome::PartlyFailed => LogResult::PartlyFailed,
        Outcome::PartlyBlocked => LogResult::PartlyBlocked,
        _ => LogResult::Published,
    };
    if let Some(e) = &stopped {
        log.error = Some(e.to_string());
    }
    log.deploys = rep.deploys.clone();
    journal::append(dir, &log)?;
    if let Some(e) = stopped {
        return Err(e);
    }
    rep.release = Some(id);
    Ok(rep)
}

/// The deploy of `host` to restore: with `to`, the last successful one at
/// or before that publish; without, the last one before the live one.
fn restore_point(state: &State, host: &str, to: Option<&str>) -> Option<(String, NetlifyDeploy)> {
    let ok = |d: &&NetlifyDeploy| d.host == host && d.deploy_id.is_some();
    match to {
        Some(to) => {
            let end = state.publishes.iter().position(|p| p.id == to)?;
            state.publishes[..=end]
                .iter()
                .rev()
                .find_map(|p| p.deploys.iter().find(ok).map(|d| (p.id.clone(), d.clone())))
        }
        None => {
            let live = state.live.get(host)?;
            let at = state.publishes.iter().position(|p| p.id == live.publish)?;
            state.publishes[..at].iter().rev().find_map(|p| {
                p.deploys
                    .iter()
                    .find(|d| ok(d) && d.deploy_id.as_deref() != Some(live.deploy_id.as_str()))
                    .map(|d| (p.id.clone(), d.clone()))
            })
        }
    }
}

/// Restores earlier deploys with `netlify api restoreSiteDeploy`.
pub fn rollback(target: &Target, opts: &RollbackOptions) -> Result<RollbackReport, PublishError> {
    let dir = &target.path;
    let mut state = read_state(dir);
    if let Some(to) = &opts.to {
        if !state.publishes.iter().any(|p| &p.id == to) {
            return Err(PublishError::UnknownRelease {
                id: to.clone(),
                known: state.publishes.iter().map(|p| p.id.clone()).collect(),
            });
        }
    }
    let hosts: Vec<String> = state.live.keys().cloned().collect();
    let points: Vec<(String, NetlifyDeploy)> = hosts
        .iter()
        .filter_map(|h| restore_point(&state, h, opts.to.as_deref()))
        .filter(|(_, d)| {
            state.live.get(&d.host).map(|l| l.deploy_id.as_str()) != d.deploy_id.as_deref()
        })
        .collect();
    if points.is_empty() {
        return Err(PublishError::NothingToRollBack { root: dir.clone() });
    }
    let from = state.publishes.last().map(|p| p.id.clone());
    let mut cli = Cli::new(target);
    let mut restored = Vec::new();
    let mut log = LogEntry::new(&opts.who, opts.now, "rollback", target);
    log.previous = from.clone();
    let mut to = String::new();
    let mut error = None;
    let mut cli_gone: Option<String> = None;
    for (publish_id, d) in points {
        let deploy_id = d.deploy_id.clone().unwrap_or_default();
        let data = serde_json::json!({ "site_id": d.site_id, "deploy_id": deploy_id }).to_string();
        let args: Vec<String> = vec![
            "api".into(),
            "restoreSiteDeploy".into(),
            "--data".into(),
            data,
        ];
        let called = match &cli_gone {
            // The CLI could not be started: the rest is not attempted.
            Some(why) => Err(format!("not restored: {why}")),
            None => cli.call(&args, &opts.root).map_err(|e| {
                let why = e.to_string();
                cli_gone = Some(why.clone());
                error.get_or_insert(e);
                format!("not restored: {why}")
            }),
        };
        let (ok, stdout, stderr, attempts) = match called {
            Ok(c) => c,
            Err(why) => {
                let mut r = d.clone();
                r.attempts = 0;
                r.error = Some(why);
                restored.push(r);
                continue;
            }
        };
        let mut r = d.clone();
        r.attempts = attempts;
        if ok {
            state.live.insert(
                d.host.clone(),
                LiveDeploy {
                    site_id: d.site_id.clone(),
                    deploy_id,
                    publish: publish_id.clone(),
                },
            );
            to = to.max(publish_id);
            r.error = None;
        } else {
            let detail = failure_text(&stdout, &stderr);
            r.error = Some(detail.clone());
            error.get_or_insert(PublishError::Restore {
                host: d.host.clone(),
                detail,
            });
        }
        restored.push(r);
    }
    write_state(dir, &state)?;
    log.release = Some(to.clone());
    log.published = restored
        .iter()
        .filter(|r| r.error.is_none())
        .map(|r| r.host.clone())
        .collect();
    log.failed = restored
        .iter()
        .filter(|r| r.error.is_some())
        .map(|r| r.host.clone())
        .collect();
    // A half-succeeded rollback is not `failed`: the hosts in `published`
    // show the restored deploys now, those in `failed` what they showed.
    log.result = match (error.is_some(), log.published.is_empty()) {
        (false, _) => LogResult::RolledBack,
        (true, true) => LogResult::Failed,
        (true, false) => LogResult::PartlyFailed,
    };
    log.error = error.as_ref().map(ToString::to_string);
    log.deploys = restored.clone();
    journal::append(dir, &log)?;
    if let Some(e) = error {
        return Err(e);
    }
    Ok(RollbackReport {
        target: target.name.clone(),
        from,
        to,
        restored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names() {
        assert_eq!(
            env_name("dinkes.cianjurkab.go.id"),
            "LAMAN_NETLIFY_SITE_DINKES_CIANJURKAB_GO_ID"
        );
        assert_eq!(
            env_name("kec-cibeber.x.id"),
            "LAMAN_NETLIFY_SITE_KEC_CIBEBER_X_ID"
        );
    }

    #[test]
    fn rate_limits_are_recognised_only_on_failure() {
        assert!(is_rate_limited(false, "JSONHTTPError: Too Many Requests"));
        assert!(is_rate_limited(false, "status 429"));
        assert!(is_rate_limited(false, "API rate limit exceeded"));
        assert!(!is_rate_limited(false, "Not authorized"));
        assert!(!is_rate_limited(true, "rate limit"));
    }

    #[test]
    fn parses_deploy_id_after_noise() {
        let out = "Deploying…\n{\n \"site_id\": \"s\", \"deploy_id\": \"d1\", \"logs\": \"x\"\n}\n";
        assert_eq!(deploy_id(out).as_deref(), Some("d1"));
        assert_eq!(deploy_id("no json"), None);
    }
}
