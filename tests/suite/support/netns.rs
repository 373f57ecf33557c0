//! A private network namespace for one test, so that it can give `lo`
//! addresses of its own (a whole IPv6 /64 of clients) without changing the
//! shared machine. `unshare --net sleep` holds the namespace (killed and
//! reaped on drop); [`Netns::run`] runs a closure on a new thread that has
//! entered it with setns(2). Whatever that thread opens or starts — sockets,
//! `ip`, `laman host`, `curl` — lives in the private network; sockets keep
//! it when handed to other threads. When the namespace is dropped the
//! kernel removes it with everything in it.
//!
//! Needs root (CAP_SYS_ADMIN) and the Debian packages `util-linux`
//! (`unshare`) and `iproute2` (`ip`); without them the test fails saying
//! which is missing.

use std::os::fd::AsFd as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::named::{Proc, require};

/// A network namespace held by a child process.
pub struct Netns {
    _holder: Proc,
    ns: PathBuf,
    log: PathBuf,
}

fn ns_id(path: &Path) -> Option<PathBuf> {
    std::fs::read_link(path).ok()
}

impl Netns {
    /// A new namespace with `lo` up. `dir` receives the holder's log.
    pub fn new(dir: &Path) -> Netns {
        let unshare = require("unshare", "util-linux");
        let sleep = require("sleep", "coreutils");
        let log = dir.join("unshare.log");
        let out = std::fs::File::create(&log).expect("log");
        let mut holder = Proc::spawn(
            Command::new(unshare)
                .arg("--net")
                .arg("--")
                .arg(sleep)
                .arg("3600")
                .stdout(out.try_clone().expect("dup"))
                .stderr(out),
        );
        let ns = PathBuf::from(format!("/proc/{}/ns/net", holder.id()));
        let ours = ns_id(Path::new("/proc/thread-self/ns/net"));
        let deadline = Instant::now() + Duration::from_secs(10);
        // The holder has its own namespace once unshare(2) returned.
        while ns_id(&ns) == ours {
            if let Some(status) = holder.exited() {
                panic!(
                    "`unshare --net` failed ({status}): a private network namespace needs root \
                     (CAP_SYS_ADMIN): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "unshare --net did not start");
            std::thread::sleep(Duration::from_millis(10)); // poll interval
        }
        let n = Netns {
            _holder: holder,
            ns,
            log,
        };
        n.run(|| ip(&["link", "set", "lo", "up"]));
        n
    }

    /// Runs `f` on a new thread inside the namespace; its panic is the
    /// caller's.
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        let file = std::fs::File::open(&self.ns).unwrap_or_else(|e| {
            panic!(
                "{}: {e}: {}",
                self.ns.display(),
                std::fs::read_to_string(&self.log).unwrap_or_default()
            )
        });
        std::thread::scope(|s| {
            s.spawn(move || {
                rustix::thread::move_into_link_name_space(
                    file.as_fd(),
                    Some(rustix::thread::LinkNameSpaceType::Network),
                )
                .unwrap_or_else(|e| panic!("setns into the test's network namespace: {e}"));
                f()
            })
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
        })
    }
}

/// Runs `ip ARGS` (in the calling thread's namespace); panics with its
/// output when it fails.
pub fn ip(args: &[&str]) {
    let bin = require("ip", "iproute2");
    let out = Command::new(bin).args(args).output().expect("run ip");
    assert!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}
