#!/usr/bin/env python3
"""Edit → reload latency of `laman serve` against `hugo server`.

For each tool: start its preview server on the same corpus (one site of
--pages pages), connect like a browser tab (laman: the Server-Sent Events
stream /__laman/events; Hugo: its livereload websocket /livereload), then,
for each kind of edit, --edits times edit one news page and measure from
just before the write to the reload message arriving. Kinds (--kinds):

  body   append a unique line to the body
  title  a new title (front matter); the list page showing it is checked too
  date   the date one day later, then back (the page moves in the news list)
  draft  `draft = true`, then back (the page leaves and re-enters every list)
  template, toml  a comment appended to the page template or laman.toml
         (laman alone: everything is rendered again)

After each reload the page (and for a title its list page) is fetched,
untimed, to check the edit is really served. Edits alternate laman / Hugo.
Prints the median, min and max per tool and kind, and the ratio.

usage: bench/serve.py [--pages 10000] [--edits 11] [--kinds body,title,date,draft]
                      [--work /dev/shm/laman-serve-bench] [--no-hugo]
                      [--laman target/release/laman] [--gen ../shared/bench/gen_corpus.py]

Needs: python3, hugo (Debian package), a release build (cargo build --release).
"""
import argparse
import base64
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port, host, path):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1]) if head else 0
    return status, body.decode("utf-8", "replace")


class Stream:
    """Bytes arriving on a socket, read by a thread, waited on by pattern."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            try:
                b = self.sock.recv(65536)
            except OSError:
                b = b""
            with self.cond:
                if not b:
                    self.buf += b"\0EOF"
                    self.cond.notify_all()
                    return
                self.buf += b
                self.cond.notify_all()

    def count(self, needle):
        with self.cond:
            return self.buf.count(needle)

    def wait_count(self, needle, n, timeout):
        """Waits until `needle` occurs more than n times; returns the arrival time."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.buf.count(needle) <= n:
                left = deadline - time.monotonic()
                if left <= 0 or self.buf.endswith(b"\0EOF"):
                    raise TimeoutError(f"no {needle!r} within {timeout} s")
                self.cond.wait(left)
            return time.monotonic()


def sse(port, host):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /__laman/events HTTP/1.1\r\nHost: {host}\r\n"
              "Accept: text/event-stream\r\n\r\n".encode())
    st = Stream(s)
    st.wait_count(b": laman serve", 0, 10)
    return st


def ws_frame(text):
    data = text.encode()
    mask = os.urandom(4)
    head = bytes([0x81])
    n = len(data)
    if n < 126:
        head += bytes([0x80 | n])
    else:
        head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def livereload(port):
    """Hugo's livereload websocket; the raw (unmasked) server frames contain
    the JSON text, so counting `"command":"reload"` in the byte stream works."""
    s = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(f"GET /livereload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
              f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
              "Sec-WebSocket-Version: 13\r\n\r\n".encode())
    st = Stream(s)
    st.wait_count(b"101", 0, 10)
    s.sendall(ws_frame('{"command":"hello","protocols":'
                       '["http://livereload.com/protocols/official-7"]}'))
    st.wait_count(b'"hello"', 0, 10)
    return st


def wait_http(port, host, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if http_get(port, host, "/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"server on {port} did not come up")


def edit(path, n, tag):
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\nSuntingan {tag} nomor {n}.\n")


def set_front(path, key, value):
    """Sets (value not None) or removes the front matter line `key = …`."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    end = text.index("+++", 3)
    lines = [l for l in text[3:end].strip("\n").split("\n") if not l.startswith(key + " =")]
    if value is not None:
        lines.insert(0, f"{key} = {value}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("+++\n" + "\n".join(lines) + "\n" + text[end:])


def front(path, key):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(rf"^{key} = (.*)$", text[:text.index("+++", 3)], re.M)
    return m.group(1) if m else None


def next_day(date):
    """`2023-07-29T08:06:00+07:00` one day later (dates of the corpus)."""
    import datetime as dt
    d = dt.datetime.fromisoformat(date) + dt.timedelta(days=1)
    return d.isoformat()


def apply(kind, path, n, tag, original):
    """Edits `path`; returns (what the page must contain, expected status)."""
    if kind == "body":
        edit(path, n, tag)
        return f"{tag} nomor {n}.", 200
    if kind == "title":
        set_front(path, "title", f'"Judul {tag} nomor {n}"')
        return f"Judul {tag} nomor {n}", 200
    if kind == "date":
        set_front(path, "date", next_day(original["date"]) if n % 2 == 0 else original["date"])
        return None, 200
    if kind == "draft":
        set_front(path, "draft", "true" if n % 2 == 0 else None)
        return None, (404 if n % 2 == 0 else 200)
    if kind in ("template", "toml"):
        # A comment appended to the page template / laman.toml: everything
        # is rendered again (laman only; `path` is the file).
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"\n{{# {tag} {n} #}}\n" if kind == "template" else f"\n# {tag} {n}\n")
        return None, None  # the page may be a draft still (an odd number of draft edits)
    raise ValueError(kind)


def list_page(port, host, url):
    """The path of laman's news list page that links to `url`."""
    for k in range(1, 5000):
        path = "/berita/" if k == 1 else f"/berita/halaman/{k}/"
        status, body = http_get(port, host, path)
        if status != 200:
            return None
        if f'href="{url}"' in body:
            return path
    return None


def pick_page(content):
    berita = sorted(f for f in os.listdir(os.path.join(content, "berita")) if f != "_index.md")
    return os.path.join("berita", berita[len(berita) // 2])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--edits", type=int, default=11)
    ap.add_argument("--work", default="/dev/shm/laman-serve-bench")
    ap.add_argument("--laman", default=os.path.join(REPO, "target", "release", "laman"))
    ap.add_argument("--gen", default=os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py"))
    ap.add_argument("--no-hugo", action="store_true", help="measure laman alone")
    ap.add_argument("--kinds", default="body,title,date,draft")
    a = ap.parse_args()
    if not a.no_hugo and not shutil.which("hugo"):
        sys.exit("hugo not found: apt-get install hugo")
    if not os.path.exists(a.laman):
        sys.exit(f"{a.laman} not found: cargo build --release")
    os.makedirs(a.work, exist_ok=True)
    corpus = os.path.join(a.work, f"corpus-1x{a.pages}")
    project = os.path.join(a.work, f"laman-1x{a.pages}")
    subprocess.run([sys.executable, a.gen, "--sites", "1", "--pages", str(a.pages),
                    "--out", corpus], check=True)
    # Copies, not hard links: the edits must not reach the Hugo tree.
    subprocess.run([sys.executable, os.path.join(HERE, "plain_to_laman.py"),
                    os.path.join(corpus, "plain"), project,
                    "--theme", os.path.join(REPO, "themes")], check=True)
    slug = sorted(os.listdir(os.path.join(project, "sites")))[0]
    l_content = os.path.join(project, "sites", slug, "content")
    for root, _, files in os.walk(l_content):
        for f in files:  # break the hard links to the corpus
            p = os.path.join(root, f)
            data = open(p, "rb").read()
            os.unlink(p)
            open(p, "wb").write(data)
    h_site = os.path.join(corpus, "hugo", sorted(os.listdir(os.path.join(corpus, "hugo")))[0])
    page = pick_page(l_content)
    url = "/" + page[:-3] + "/"

    procs = []
    try:
        lport = free_port()
        t0 = time.monotonic()
        lp = subprocess.Popen([a.laman, "-C", project, "serve", "--port", str(lport)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(lp)
        log = []
        threading.Thread(target=lambda: log.extend(lp.stdout), daemon=True).start()
        host = f"{slug}.localhost:{lport}"
        # The subdomain label is the site's folder name here (plain_to_laman sets none).
        wait_http(lport, host, 300)
        print(f"laman serve up in {time.monotonic() - t0:.1f} s ({a.pages} pages)")
        def rss(pid, key="VmRSS:"):
            with open(f"/proc/{pid}/status", encoding="ascii") as f:
                return next((l.split()[1] for l in f if l.startswith(key)), "?")
        lpid = lp.pid
        print(f"laman serve RSS after start-up: {int(rss(lpid)) // 1024} MiB"
              f" (peak {int(rss(lpid, 'VmHWM:')) // 1024} MiB)")
        lsse = sse(lport, host)

        if not a.no_hugo:
            hport = free_port()
            t0 = time.monotonic()
            hp = subprocess.Popen(["hugo", "server", "-s", h_site, "--port", str(hport),
                                   "--bind", "127.0.0.1", "--baseURL", f"http://127.0.0.1:{hport}/",
                                   ],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(hp)
            wait_http(hport, f"127.0.0.1:{hport}", 600)
            print(f"hugo server up in {time.monotonic() - t0:.1f} s")
            hws = livereload(hport)

        kinds = [k for k in a.kinds.split(",") if k]
        res = {(tool, k): [] for tool in ("laman", "hugo") for k in kinds}
        fresh = {"laman": [0, 0], "hugo": [0, 0]}
        stale = {k: 0 for k in kinds}
        served = {k: [] for k in kinds}
        l_path = os.path.join(l_content, page)
        h_path = os.path.join(h_site, "content", page)
        original = {"date": front(l_path, "date")}
        l_list = list_page(lport, host, url)  # a title edit does not move the page
        # The last news list page: every draft edit shifts it by one item.
        n_news = len([f for f in os.listdir(os.path.join(l_content, "berita")) if f != "_index.md"])
        l_last = f"/berita/halaman/{(n_news + 9) // 10}/"
        if http_get(lport, host, l_last)[0] != 200:
            l_last = None
        # What a request costs (pages are kept deflated: inflated per request).
        for what, path in (("news page", url), ("list page", l_list)):
            if path:
                xs = []
                for _ in range(50):
                    t = time.monotonic()
                    http_get(lport, host, path)
                    xs.append(time.monotonic() - t)
                print(f"laman request of a {what}: median {statistics.median(xs) * 1000:.2f} ms "
                      f"(50 requests, connection included)")
            print(f"laman serve RSS after the requests: {int(rss(lpid)) // 1024} MiB")
        last_fetched = []
        for kind in kinds:
            for n in range(a.edits):
                seen = lsse.count(b"event: reload")
                t = time.monotonic()
                target = {"template": os.path.join(project, "themes", "default", "templates",
                                                   "page.html"),
                          "toml": os.path.join(project, "laman.toml")}.get(kind, l_path)
                want, code = apply(kind, target, n, "LAMAN", original)
                got = lsse.wait_count(b"event: reload", seen, 60)
                res[("laman", kind)].append(got - t)
                status, body = http_get(lport, host, url)
                # The tab's reload: write → the edited page's bytes received.
                served[kind].append(time.monotonic() - t)
                assert code is None or status == code, f"laman {kind} edit {n}: status {status}"
                assert want is None or want in body, f"laman serves {kind} edit {n}"
                if kind == "draft" and l_last:
                    # The last list page, shifted by the draft: must be fresh
                    # (it ends with the item after the old end, or without it).
                    http_get(lport, host, l_last)
                    last_fetched.append(time.monotonic() - t)
                if kind == "title":
                    _, lp = http_get(lport, host, l_list) if l_list else (0, "")
                    fresh["laman"][1] += 1
                    fresh["laman"][0] += want in lp
                if not a.no_hugo and kind not in ("template", "toml"):
                    seen = hws.count(b'"command":"reload"')
                    t = time.monotonic()
                    want, code = apply(kind, h_path, n, "HUGO", original)
                    got = hws.wait_count(b'"command":"reload"', seen, 120)
                    res[("hugo", kind)].append(got - t)
                    status, body = http_get(hport, f"127.0.0.1:{hport}", url)
                    # Hugo's server may keep serving a page it no longer builds
                    # (a draft): counted as stale, not a failure of the run.
                    stale[kind] += status != code or not (want is None or want in body)
                print(f"{kind} edit {n}: laman {res[('laman', kind)][-1] * 1000:.1f} ms"
                      + (f", hugo {res[('hugo', kind)][-1] * 1000:.0f} ms" if not a.no_hugo else ""),
                      flush=True)
                time.sleep(0.3)  # let both settle (inter-edit spacing, not synchronisation)
        print()
        for kind in kinds:
            for tool in ("laman", "hugo"):
                xs = res[(tool, kind)]
                if xs:
                    print(f"{kind:>5} {tool:>5}: median {statistics.median(xs) * 1000:8.1f} ms, "
                          f"min {min(xs) * 1000:8.1f} ms, max {max(xs) * 1000:8.1f} ms ({len(xs)} edits)")
            if served[kind]:
                xs = served[kind]
                print(f"{kind:>5} laman: write → page fetched after the reload: median "
                      f"{statistics.median(xs) * 1000:.1f} ms, max {max(xs) * 1000:.1f} ms")
            if kind == "draft" and last_fetched:
                print(f"draft laman: write → last news list page fetched after the reload: median "
                      f"{statistics.median(last_fetched) * 1000:.1f} ms, max {max(last_fetched) * 1000:.1f} ms")
            if res[("hugo", kind)]:
                ratio = statistics.median(res[("hugo", kind)]) / statistics.median(res[("laman", kind)])
                print(f"{kind:>5}: laman reaches the tab {ratio:.0f}x sooner than hugo server")
        for kind in kinds:
            if stale[kind]:
                print(f"hugo served a stale page after {stale[kind]} of {a.edits} {kind} edits")
        if fresh["laman"][1]:
            print(f"laman's list page fresh after a title edit: {fresh['laman'][0]}/{fresh['laman'][1]}")
        print(f"laman serve RSS after the edits: {int(rss(lpid)) // 1024} MiB"
              f" (peak {int(rss(lpid, 'VmHWM:')) // 1024} MiB)")
        lines = [l for l in log if "dibangun ulang" in l]
        for l in lines[-4:]:
            print("laman:", l.strip())
        # Its whole output (with LAMAN_SERVE_LAPS=1: the phases of each rebuild).
        with open(os.path.join(a.work, "laman-serve.log"), "w", encoding="utf-8") as f:
            f.writelines(log)
    finally:
        for p in procs:
            p.kill()
            p.wait()


if __name__ == "__main__":
    main()
