#!/usr/bin/env python3
"""Speed benchmark of `laman conformance` (not a test).

Starts bind9 with N svcNNNN A records pointing at 127.0.x.y addresses
(TESTING.md recipe), one HTTPS + HTTP listener per address (Python asyncio,
one wildcard certificate from a throw-away openssl CA), runs
`laman conformance` against every host and reports hosts per minute.

    cargo build --release
    python3 bench/conformance.py [--hosts 2000] [--laman target/release/laman]

Needs the Debian packages bind9 and openssl. Every process it starts is
stopped by its own PID on exit.
"""

import argparse
import asyncio
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time

DOMAIN = "cianjurkab.go.id"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def address(i):
    return f"127.0.{i // 250}.{i % 250 + 1}"


def need(binary, package):
    path = shutil.which(binary) or (f"/usr/sbin/{binary}" if os.path.exists(f"/usr/sbin/{binary}") else None)
    if not path:
        sys.exit(f"`{binary}` not found: install the Debian package `{package}`")
    return path


def run(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(t):
    o = need("openssl", "openssl")
    run(o, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", f"{t}/ca.key", "-out", f"{t}/ca.pem", "-days", "120",
        "-subj", "/O=Let's Encrypt/CN=Bench Root", "-addext", "basicConstraints=critical,CA:TRUE")
    run(o, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", f"{t}/leaf.key", "-out", f"{t}/leaf.csr", "-subj", f"/CN=*.{DOMAIN}")
    with open(f"{t}/ext.cnf", "w") as f:
        f.write(f"subjectAltName=DNS:*.{DOMAIN},DNS:{DOMAIN}\n")
    run(o, "x509", "-req", "-in", f"{t}/leaf.csr", "-CA", f"{t}/ca.pem", "-CAkey", f"{t}/ca.key",
        "-CAcreateserial", "-out", f"{t}/leaf.pem", "-days", "90", "-extfile", f"{t}/ext.cnf")


def write_project(t, n):
    with open(f"{t}/laman.toml", "w") as f:
        f.write(f'[region]\nname = "Kabupaten Bench"\ndomain = "{DOMAIN}"\nprofile = "cianjur"\n\n')
        for i in range(1, n + 1):
            f.write(f'[[subdomain]]\nname = "svc{i:04d}"\n\n')
    with open(f"{t}/{DOMAIN}.zone", "w") as f:
        f.write("$TTL 300\n@ IN SOA ns1 hostmaster 2026112301 3600 600 604800 60\n@ IN NS ns1\n"
                "ns1 IN A 127.0.0.1\n@ IN CAA 0 issue \"letsencrypt.org\"\n")
        for i in range(1, n + 1):
            f.write(f"svc{i:04d} IN A {address(i)}\n")


def start_named(t):
    port = free_port()
    os.makedirs(f"{t}/run", exist_ok=True)
    with open(f"{t}/named.conf", "w") as f:
        f.write(f"""options {{ directory "{t}/run"; pid-file none; session-keyfile none;
  managed-keys-directory "{t}/run"; listen-on port {port} {{ 127.0.0.1; }}; listen-on-v6 {{ none; }};
  recursion no; allow-query {{ any; }}; dnssec-validation no; notify no; }};
controls {{ }};
zone "{DOMAIN}" {{ type primary; file "{t}/{DOMAIN}.zone"; }};
""")
    log = open(f"{t}/named.log", "w")
    p = subprocess.Popen([need("named", "bind9"), "-g", "-c", f"{t}/named.conf"], stdout=log, stderr=log)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return p, port
        except OSError:
            if p.poll() is not None or time.monotonic() > deadline:
                sys.exit("named did not start, see " + f"{t}/named.log")
            time.sleep(0.02)  # poll interval


def response(host, path):
    if path == "/":
        body, status = f"<html><body><h1>{host}</h1></body></html>".encode(), "200 OK"
    elif path == "/.well-known/security.txt":
        body, status = b"Contact: mailto:csirt@cianjurkab.go.id\nExpires: 2030-01-01T00:00:00Z\n", "200 OK"
    elif path == "/sitemap.xml":
        body, status = f"<urlset><url><loc>https://{host}/</loc></url></urlset>".encode(), "200 OK"
    else:
        body, status = b"not found", "404 Not Found"
    head = (f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
            "Strict-Transport-Security: max-age=31536000\r\nX-Content-Type-Options: nosniff\r\n"
            "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'\r\n"
            "Referrer-Policy: no-referrer\r\n\r\n")
    return head.encode() + body


async def handle(reader, writer, tls):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        host = next((l[5:].strip() for l in lines if l.lower().startswith("host:")), DOMAIN)
        if tls:
            writer.write(response(host, path))
        else:
            writer.write(f"HTTP/1.1 301 Moved Permanently\r\nLocation: https://{host}/\r\n"
                         "Content-Length: 0\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
    except (OSError, asyncio.IncompleteReadError, IndexError, ssl.SSLError):
        pass
    finally:
        writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=2000)
    ap.add_argument("--laman", default="target/release/laman")
    ap.add_argument("--concurrency", type=int, default=256)
    args = ap.parse_args()
    t = tempfile.mkdtemp(prefix="laman-bench-")
    make_certs(t)
    write_project(t, args.hosts)
    named, dns_port = start_named(t)
    try:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(f"{t}/leaf.pem", f"{t}/leaf.key")
        https, http = free_port(), free_port()
        servers = []
        for i in range(1, args.hosts + 1):
            ip = address(i)
            servers.append(await asyncio.start_server(lambda r, w: handle(r, w, True), ip, https, ssl=ctx, backlog=64))
            servers.append(await asyncio.start_server(lambda r, w: handle(r, w, False), ip, http, backlog=64))
        cmd = [args.laman, "-C", t, "conformance", "--resolver", f"127.0.0.1:{dns_port}",
               "--https-port", str(https), "--http-port", str(http), "--ca-root", f"{t}/ca.pem",
               "--out", f"{t}/out", "--concurrency", str(args.concurrency), "--timeout", "10", "--lang", "en"]
        started = time.monotonic()
        p = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
        out, _ = await p.communicate()
        elapsed = time.monotonic() - started
        summary = out.decode().strip().splitlines()[-1] if out else ""
        total = args.hosts + 2  # plus the apex and www
        print(summary)
        print(f"{total} hosts in {elapsed:.1f} s = {total / elapsed * 60:.0f} hosts/minute (exit {p.returncode})")
        print(f"command: python3 bench/conformance.py --hosts {args.hosts} --laman {args.laman}")
        for s in servers:
            s.close()
    finally:
        named.kill()
        named.wait()
        shutil.rmtree(t, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main())
