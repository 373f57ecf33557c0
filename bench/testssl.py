#!/usr/bin/env python3
"""A third-party grade of `laman host`'s TLS: testssl.sh (Debian package
`testssl.sh`) against `laman host --cert` and against nginx with the same
certificate and files (the set-up of bench/host.py), one after the other.
Not for CI: it takes minutes.

usage: bench/testssl.py [--work /dev/shm/laman-testssl]

Prints, per server, the findings testssl.sh rates LOW or worse (and the
protocol, cipher and HSTS lines), then the findings only laman has. The
JSON of each run stays in the work folder.
"""
import argparse
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from host import HOST, REPO, certificate, free_port, layout, need, nginx_conf, wait_port  # noqa: E402

RANK = {"OK": 0, "INFO": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4, "WARN": 1}


def run_testssl(testssl, port, out):
    if os.path.exists(out):
        os.remove(out)
    subprocess.run([testssl, "--protocols", "--std", "--server-defaults", "--server-preference",
                    "--vulnerable", "--headers", "--ip", "127.0.0.1", "--warnings", "batch",
                    "--color", "0", "--quiet", "--jsonfile", out, f"https://{HOST}:{port}/"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    with open(out) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/dev/shm/laman-testssl")
    ap.add_argument("--laman", default=os.path.join(REPO, "target", "release", "laman"))
    args = ap.parse_args()
    nginx = need("/usr/sbin/nginx", "nginx-light")
    testssl = need("testssl", "testssl.sh")
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
        found = {}
        for name, port in [("laman", lport), ("nginx", nport)]:
            found[name] = run_testssl(testssl, port, os.path.join(args.work, f"{name}.json"))
        for name, items in found.items():
            print(f"== {name}")
            for it in items:
                rank = RANK.get(it.get("severity", "INFO"), 0)
                key_id = it.get("id", "")
                if rank >= 1 or key_id.startswith(("SSLv", "TLS1", "HSTS", "cipherorder", "cipher_order")) \
                        or key_id in ("HSTS_time", "overall_grade", "final_score"):
                    print(f"  {it.get('severity', ''):<8} {key_id:<28} {it.get('finding', '')}")
        bad = lambda items: {(i.get("id"), i.get("severity")) for i in items if RANK.get(i.get("severity"), 0) >= 1}
        only = bad(found["laman"]) - bad(found["nginx"])
        print("== LOW or worse for laman only:", sorted(only) if only else "none")
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
