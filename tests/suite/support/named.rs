//! Real servers started as child processes for the conformance tests:
//! bind9 (`named`) on a free loopback port serving zones written by the
//! test, and `openssl s_server`. Each is stopped by its own PID on drop.
//! A missing binary fails the test naming the Debian package.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed and reaped on drop (also when the test panics).
pub struct Proc {
    child: Child,
}

impl Proc {
    pub fn spawn(cmd: &mut Command) -> Proc {
        let child = cmd
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
        Proc { child }
    }

    /// Its process id (tests read its threads and memory in /proc).
    #[allow(dead_code)] // not every test binary that includes this module reads it
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Its exit status, if it has exited.
    #[allow(dead_code)] // not every test binary that includes this module asks
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Panics with the log if the process has already exited.
    pub fn assert_running(&mut self, log: &Path) {
        if let Ok(Some(status)) = self.child.try_wait() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            panic!("process exited early ({status}):\n{text}");
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The path of `bin`, or a panic naming the Debian package to install.
pub fn require(bin: &str, package: &str) -> PathBuf {
    let dirs = std::env::var("PATH").unwrap_or_default();
    std::env::split_paths(&dirs)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{bin}` not found: install the Debian package `{package}` (scripts/test.sh does)"
            )
        })
}

/// A TCP port free on 127.0.0.1 right now.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local addr").port()
}

/// Polls a TCP connect until it succeeds or `limit` passes.
pub fn wait_tcp(addr: SocketAddr, limit: Duration, what: &str) {
    let deadline = Instant::now() + limit;
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not listen on {addr} within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(20)); // poll interval, not a wait for readiness
    }
}

/// bind9 serving the given zones on 127.0.0.1:`port`.
pub struct Named {
    _proc: Proc,
    pub port: u16,
}

impl Named {
    /// `zones`: (origin, zone-file text). Writes named.conf in `dir`.
    pub fn start(dir: &Path, zones: &[(&str, String)]) -> Named {
        let named = require("named", "bind9");
        let run = dir.join("run");
        std::fs::create_dir_all(&run).expect("mkdir run");
        let port = free_port();
        let mut conf = format!(
            "options {{\n directory \"{run}\";\n pid-file none;\n session-keyfile none;\n managed-keys-directory \"{run}\";\n listen-on port {port} {{ 127.0.0.1; }};\n listen-on-v6 {{ none; }};\n recursion no;\n allow-query {{ any; }};\n allow-transfer {{ 127.0.0.1; }};\n dnssec-validation no;\n notify no;\n}};\ncontrols {{ }};\n",
            run = run.display()
        );
        for (origin, text) in zones {
            let file = dir.join(format!("{origin}.zone"));
            std::fs::write(&file, text).expect("write zone");
            conf.push_str(&format!(
                "zone \"{origin}\" {{ type primary; file \"{}\"; }};\n",
                file.display()
            ));
        }
        let conf_path = dir.join("named.conf");
        std::fs::write(&conf_path, conf).expect("write named.conf");
        let log = dir.join("named.log");
        let out = std::fs::File::create(&log).expect("named.log");
        let mut proc = Proc::spawn(
            Command::new(named)
                .arg("-g")
                .arg("-c")
                .arg(&conf_path)
                .stdout(out.try_clone().expect("dup"))
                .stderr(out),
        );
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let deadline = Instant::now() + Duration::from_secs(15);
        // bind9 listens before its zones are loaded (and answers SERVFAIL
        // meanwhile): ready is the port open and "all zones loaded" logged.
        let loaded = || std::fs::read_to_string(&log).is_ok_and(|t| t.contains("all zones loaded"));
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() || !loaded() {
            proc.assert_running(&log);
            assert!(
                Instant::now() < deadline,
                "named did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20)); // poll interval, not a wait for readiness
        }
        Named { _proc: proc, port }
    }
}
