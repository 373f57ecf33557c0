//! A running `laman serve` for integration tests: the real binary on a free
//! loopback port (`--port 0`, the port read from its first lines), a plain
//! HTTP/1.1 client with `Host: <site>.localhost:PORT`, a Server-Sent Events
//! reader, and polling with a deadline (no sleeps for synchronisation).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Project;

pub const DEADLINE: Duration = Duration::from_secs(20);

/// The running server; killed and reaped on drop.
pub struct Serve {
    pub child: Child,
    pub port: u16,
    out: Arc<Mutex<String>>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    pub fn start(p: &Project, extra: &[&str]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_laman"))
            .arg("-C")
            .arg(p.root())
            .args(extra)
            .args(["serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start laman serve");
        let out = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stdout.take().expect("stdout")) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().expect("stderr")),
        ] {
            let out = out.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines() {
                    let Ok(line) = line else { break };
                    let mut o = out.lock().expect("lock");
                    o.push_str(&line);
                    o.push('\n');
                }
            });
        }
        let mut s = Serve {
            child,
            port: 0,
            out,
        };
        let port = poll("the server to listen", || {
            let text = s.terminal();
            let rest = text
                .split("http://localhost:")
                .nth(1)?
                .split('/')
                .next()?
                .to_string();
            rest.parse::<u16>().ok()
        });
        s.port = port;
        s
    }

    /// Whether the server process is still running.
    pub fn child_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    pub fn terminal(&self) -> String {
        self.out.lock().expect("lock").clone()
    }

    pub fn host(&self, site: &str) -> String {
        match site {
            "" => format!("localhost:{}", self.port),
            s => format!("{s}.localhost:{}", self.port),
        }
    }

    /// GET `path` with `Host: <site>.localhost:PORT` ("" = the index).
    pub fn get(&self, site: &str, path: &str) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.host(site)
        )
        .expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read");
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").expect("http response");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        Response {
            status,
            head: head.to_ascii_lowercase(),
            body: body.to_string(),
        }
    }

    /// Opens the Server-Sent Events stream of `site` and waits until it is connected.
    pub fn events(&self, site: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        write!(
            stream,
            "GET /__laman/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            self.host(site)
        )
        .expect("send");
        let got = Arc::new(Mutex::new(String::new()));
        let sink = got.clone();
        let reader = stream.try_clone().expect("clone");
        std::thread::spawn(move || {
            let mut r = BufReader::new(reader);
            let mut buf = [0u8; 4096];
            while let Ok(n) = r.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("lock")
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let ev = Events {
            got,
            _stream: stream,
        };
        poll("the event stream to open", || {
            ev.text().contains(": laman serve").then_some(())
        });
        ev
    }
}

pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: String,
}

pub struct Events {
    got: Arc<Mutex<String>>,
    _stream: TcpStream,
}

impl Events {
    pub fn text(&self) -> String {
        self.got.lock().expect("lock").clone()
    }

    pub fn reloads(&self) -> usize {
        self.text().matches("event: reload\n").count()
    }

    /// Waits for more than `seen` reload messages.
    pub fn wait_reload(&self, seen: usize) {
        poll("a reload message", || (self.reloads() > seen).then_some(()));
    }
}

/// Calls `f` until it returns `Some`, failing after the deadline.
pub fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
        std::thread::yield_now();
        std::thread::park_timeout(Duration::from_millis(5));
    }
}
