#!/usr/bin/env python3
"""`laman impor wordpress` of a generated export: 5,000 posts, 20,000
attachment references (four images per post, every file present under
--uploads), a fresh site per run. Prints wall time and peak RSS (GNU time)
of each run and the median. Target (issue 17): under 10 s.

usage: python3 bench/impor.py [--posts 5000] [--runs 3] [--bin target/release/laman] [--work bench/out/impor]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://bench.contohkab.go.id</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://bench.contohkab.go.id</wp:base_blog_url>
"""


def generate(path, uploads, posts):
    os.makedirs(uploads, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEAD)
        for i in range(1, posts + 1):
            y, m, d = 2015 + i % 10, 1 + i % 12, 1 + i % 28
            imgs = []
            for k in range(4):
                rel = f"{y}/{m:02d}/foto-{i}-{k}.jpg"
                os.makedirs(os.path.join(uploads, os.path.dirname(rel)), exist_ok=True)
                with open(os.path.join(uploads, rel), "wb") as img:
                    img.write(b"\xff\xd8jpeg")
                imgs.append(f'<figure><img src="https://bench.contohkab.go.id/wp-content/uploads/{rel}" alt="Foto kegiatan {i} ke-{k}"/></figure>')
            body = "\n".join(
                [f"<!-- wp:paragraph --><p>Kegiatan nomor {i} Dinas Contoh bersama warga desa, paragraf {p}, dengan <a href=\"https://bench.contohkab.go.id/{y}/{m:02d}/{d:02d}/kegiatan-{max(1, i - 1)}/\">berita sebelumnya</a>.</p><!-- /wp:paragraph -->" for p in range(6)]
                + imgs
            )
            f.write(
                f"""<item><title>Kegiatan {i}</title><link>https://bench.contohkab.go.id/{y}/{m:02d}/{d:02d}/kegiatan-{i}/</link>
<guid isPermaLink="false">https://bench.contohkab.go.id/?p={i}</guid><dc:creator>humas</dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded><excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{i}</wp:post_id><wp:post_date>{y}-{m:02d}-{d:02d} 08:00:00</wp:post_date><wp:post_name>kegiatan-{i}</wp:post_name>
<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>
<category domain="category" nicename="berita"><![CDATA[Berita]]></category></item>
"""
            )
        f.write("</channel></rss>\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--posts", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default="target/release/laman")
    ap.add_argument("--work", default="bench/out/impor")
    a = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    binary = os.path.abspath(os.path.join(repo, a.bin))
    if not os.path.exists(binary):
        sys.exit(f"{binary} missing: cargo build --release")
    if not shutil.which("/usr/bin/time"):
        sys.exit("GNU time missing: apt-get install time")
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    export, uploads = os.path.join(work, "export.xml"), os.path.join(work, "uploads")
    generate(export, uploads, a.posts)
    print(f"export: {os.path.getsize(export) / 1e6:.1f} MB, {a.posts} posts, {4 * a.posts} image references")
    times, cpus, rss = [], [], []
    for run in range(a.runs):
        proj = os.path.join(work, f"p{run}")
        os.makedirs(os.path.join(proj, "sites", "bench", "content"))
        shutil.copy(os.path.join(repo, "laman.toml"), proj)
        t0 = time.monotonic()
        r = subprocess.run(
            ["/usr/bin/time", "-f", "%U %S %M", binary, "-C", proj, "impor", "wordpress", export, "--site", "bench", "--uploads", uploads],
            capture_output=True, text=True,
        )
        dt = time.monotonic() - t0
        if r.returncode != 0:
            sys.exit(f"run {run}: exit {r.returncode}\n{r.stdout}\n{r.stderr}")
        user, sys_, kb = r.stderr.strip().splitlines()[-1].split()
        cpu = float(user) + float(sys_)
        times.append(dt)
        cpus.append(cpu)
        rss.append(int(kb))
        print(f"run {run}: {dt:.2f} s wall, {cpu:.2f} s CPU, peak RSS {int(kb) / 1024:.0f} MiB; {r.stdout.splitlines()[0]}")
    print(f"median: {statistics.median(times):.2f} s wall, {statistics.median(cpus):.2f} s CPU, peak RSS {max(rss) / 1024:.0f} MiB")
    # On a shared machine the wall time includes waiting for the CPU; the
    # CPU time is what the import itself costs.


if __name__ == "__main__":
    main()
