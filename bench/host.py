#!/usr/bin/env python3
"""`laman host` against nginx (Debian) serving the same small static files
with the same certificate over HTTPS on loopback, measured with wrk in one
run: rounds alternate laman and nginx, median requests/s and latency.

usage: bench/host.py [--rounds 3] [--duration 8] [--connections 64]
                     [--threads 2] [--work /dev/shm/laman-host-bench]
                     [--slow 600]

Besides the small files, a 5 MiB download (`/unduh/besar.bin`) with the
same wrk method, and then, per server, `--slow` clients spread over six
loopback addresses that ask for the 5 MiB file and stop reading after the
first bytes: the server's resident memory (nginx: master and workers) and
threads under that load, and the time of a normal page request meanwhile.

Needs: a release build (`cargo build --release`), /usr/sbin/nginx (package
nginx-light or nginx), wrk (package wrk), openssl (package openssl).

Both servers get: one host `localhost` (wrk sends the URL's host as SNI,
and laman serves no name it does not know), an ECDSA P-256 certificate
made by openssl, the same files, the same response headers (laman's
security headers from `_headers`; nginx `add_header`), TLS 1.2/1.3, no
access log, 2 workers (nginx `worker_processes 2`; laman's tokio runtime
has one worker per core), keep-alive without a request limit.
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
HOST = "localhost"

HEADERS = [
    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    ("Strict-Transport-Security", "max-age=31536000"),
]

FILES = {
    "index.html": 4096,
    "kecil.txt": 512,
    "assets/laman.css": 14000,
    "unduh/besar.bin": 5 * 1024 * 1024,
}
PATHS = ["/", "/kecil.txt", "/assets/laman.css", "/unduh/besar.bin"]


def need(path, package):
    found = shutil.which(path) or (os.path.exists(path) and path)
    if not found:
        sys.exit(f"{path} not found: install the Debian package `{package}`")
    return found


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc, log, limit=10.0):
    deadline = time.time() + limit
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server exited: {open(log).read()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"server did not listen on {port}")


def layout(work):
    """The deploy root for laman and the docroot for nginx (the same files)."""
    root = os.path.join(work, "deploy")
    shutil.rmtree(root, ignore_errors=True)
    rel = os.path.join(root, "releases", "bench")
    site = os.path.join(rel, HOST)
    for name, size in FILES.items():
        path = os.path.join(site, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        line = b"<p>Dinas Kesehatan Kabupaten Cianjur: layanan kesehatan masyarakat.</p>\n"
        with open(path, "wb") as f:
            f.write((line * (size // len(line) + 1))[:size])
    with open(os.path.join(site, "_headers"), "w") as f:
        f.write("/*\n" + "".join(f"  {k}: {v}\n" for k, v in HEADERS))
    manifest = {"schema": 1, "release": "bench", "generated": "2026-11-23T00:00:00Z",
                "domain": "cianjurkab.go.id",
                "hosts": [{"host": HOST, "site": "bench", "status": "built", "files": []}],
                "other_hosts": []}
    with open(os.path.join(rel, "sites.json"), "w") as f:
        json.dump(manifest, f)
    os.symlink("releases/bench", os.path.join(root, "current"))
    return root, site


def certificate(work, openssl):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "30", "-subj", f"/CN={HOST}",
                    "-addext", f"subjectAltName=DNS:{HOST}"], check=True, capture_output=True)
    return cert, key


def nginx_conf(work, port, docroot, cert, key):
    conf = os.path.join(work, "nginx.conf")
    tmp = os.path.join(work, "nginx-tmp")
    os.makedirs(tmp, exist_ok=True)
    adds = "".join(f"      add_header {k} \"{v}\" always;\n" for k, v in HEADERS)
    with open(conf, "w") as f:
        f.write(f"""daemon off;
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 30s;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port} ssl;
    server_name {HOST};
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_protocols TLSv1.2 TLSv1.3;
    root {docroot};
    index index.html;
    location / {{
{adds}    }}
  }}
}}
""")
    return conf


def wrk(wrk_bin, url, args):
    out = subprocess.run([wrk_bin, "-t", str(args.threads), "-c", str(args.connections),
                          "-d", f"{args.duration}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors or "Socket errors" in out:
        sys.exit(f"wrk saw errors against {url}:\n{out}")

    def ms(label):
        m = re.search(label + r"\s+([\d.]+)(us|ms|s)\b", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    return rps, ms(" 50%"), ms(" 99%")


def tree_stats(pid):
    """Resident memory (MB) and threads of `pid` and its children."""
    pids = [pid]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status") as f:
                    if re.search(r"^PPid:\s+%d$" % pid, f.read(), re.M):
                        pids.append(int(entry))
            except OSError:
                pass
    rss, threads = 0, 0
    for p in pids:
        with open(f"/proc/{p}/status") as f:
            text = f.read()
        rss += int(re.search(r"^VmRSS:\s+(\d+)", text, re.M).group(1))
        threads += int(re.search(r"^Threads:\s+(\d+)", text, re.M).group(1))
    return rss / 1024, threads


def slow_readers(port, pid, n):
    """`n` TLS clients that ask for the 5 MiB file and stop reading;
    returns (RSS idle, RSS under load, threads, page time, clients held)."""
    import ssl
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    idle_rss, _ = tree_stats(pid)
    held = []
    try:
        for i in range(n):
            raw = socket.socket()
            raw.bind((f"127.0.0.{10 + i % 6}", 0))
            raw.settimeout(10)
            try:
                raw.connect(("127.0.0.1", port))
                tls = ctx.wrap_socket(raw, server_hostname=HOST)
                tls.sendall(f"GET /unduh/besar.bin HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                tls.recv(1)
                held.append(tls)
            except OSError:
                raw.close()
        time.sleep(2)  # let the servers fill their buffers
        load_rss, threads = tree_stats(pid)
        t = time.time()
        page = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=30), server_hostname=HOST)
        page.sendall(f"GET / HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        while page.recv(65536):
            pass
        took = time.time() - t
        page.close()
        return idle_rss, load_rss, threads, took, len(held)
    finally:
        for s in held:
            s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=8)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", default="/dev/shm/laman-host-bench")
    ap.add_argument("--slow", type=int, default=600)
    ap.add_argument("--laman", default=os.path.join(REPO, "target", "release", "laman"))
    args = ap.parse_args()

    nginx = need("/usr/sbin/nginx", "nginx-light")
    wrk_bin = need("wrk", "wrk")
    openssl = need("openssl", "openssl")
    if not os.path.exists(args.laman):
        sys.exit("no release build: run `cargo build --release`")
    os.makedirs(args.work, exist_ok=True)
    root, docroot = layout(args.work)
    cert, key = certificate(args.work, openssl)

    lport, nport = free_port(), free_port()
    llog = os.path.join(args.work, "laman.log")
    laman = subprocess.Popen([args.laman, "host", "--root", root, "--https", f"127.0.0.1:{lport}",
                              "--no-http", "--cert", cert, "--key", key],
                             stdout=subprocess.DEVNULL, stderr=open(llog, "w"))
    nlog = os.path.join(args.work, "nginx.log")
    ngx = subprocess.Popen([nginx, "-p", args.work, "-c", nginx_conf(args.work, nport, docroot, cert, key)],
                           stdout=subprocess.DEVNULL, stderr=open(nlog, "w"))
    try:
        wait_port(lport, laman, llog)
        wait_port(nport, ngx, nlog)
        servers = [("laman", lport), ("nginx", nport)]
        results = {}
        for path in PATHS:
            for name, port in servers:  # warm-up
                wrk(wrk_bin, f"https://{HOST}:{port}{path}", argparse.Namespace(**{**vars(args), "duration": 2}))
            for r in range(args.rounds):
                order = servers if r % 2 == 0 else servers[::-1]
                for name, port in order:
                    results.setdefault((path, name), []).append(wrk(wrk_bin, f"https://{HOST}:{port}{path}", args))
        print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.rounds} rounds, median")
        print(f"{'path':<18} {'server':<6} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
        for path in PATHS:
            med = {}
            for name, _ in servers:
                runs = results[(path, name)]
                med[name] = tuple(statistics.median(x[i] for x in runs) for i in range(3))
                print(f"{path:<18} {name:<6} {med[name][0]:>10.0f} {med[name][1]:>8.2f} {med[name][2]:>8.2f}")
            print(f"{path:<18} ratio laman/nginx req/s: {med['laman'][0] / med['nginx'][0]:.2f}")
        if args.slow:
            print(f"{args.slow} slow readers of /unduh/besar.bin (6 loopback addresses)")
            print(f"{'server':<6} {'RSS idle MB':>11} {'RSS load MB':>11} {'threads':>8} {'page s':>7} {'held':>5}")
            for name, port in servers:
                pid = laman.pid if name == "laman" else ngx.pid
                r = slow_readers(port, pid, args.slow)
                print(f"{name:<6} {r[0]:>11.1f} {r[1]:>11.1f} {r[2]:>8} {r[3]:>7.3f} {r[4]:>5}")
    finally:
        for p in (laman, ngx):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


if __name__ == "__main__":
    main()
