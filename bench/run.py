#!/usr/bin/env python3
"""laman build against Hugo on the same generated corpus, side by side in one
run: whole process, wall time and peak memory (GNU time), runs alternating
laman and Hugo, median of N. Also the floor every tool pays: copying the
finished output tree (`cp -r`).

usage: bench/run.py [--gen ../shared/bench/gen_corpus.py] [--work bench/out]
                    [--runs 5] [--shape 1x1000] [--shape 1x10000] [--shape 50x200]

Needs: python3, hugo (Debian package), GNU time (/usr/bin/time, package
`time`), and a release build (`cargo build --release`).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def timed(cmd, cwd=None, ok=(0,)):
    """Runs cmd; returns (wall seconds, peak RSS MiB). `ok`: accepted exit codes.
    The wall time is read around the process (GNU time gives hundredths: a
    1,000-page build takes six of them), the peak memory from GNU time."""
    start = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if out.returncode not in ok:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr[-2000:]}")
    rss = out.stderr.strip().splitlines()[-1].split()[1]
    return wall, int(rss) / 1024


def run_many(cmds):
    """Runs several commands one after another (one Hugo run per site): total
    wall time, largest peak memory of one process."""
    total, peak = 0.0, 0.0
    for c in cmds:
        w, m = timed(c)
        total += w
        peak = max(peak, m)
    return total, peak


def count_files(d):
    return sum(len(f) for _, _, f in os.walk(d))


def one_page(project):
    """The Markdown page whose body the incremental runs change."""
    pages = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(project, "sites"))
                   for f in fs if f.endswith(".md") and not f.startswith("_"))
    return pages[len(pages) // 2]


def touch_body(path, i):
    """Appends a sentence to a page's body through a new file (the corpus is
    hard-linked into the project; the link to it is broken, not written through)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text + f"\nKalimat tambahan nomor {i}.\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gen", default=os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py"))
    ap.add_argument("--work", default=os.path.join(HERE, "out"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--shape", action="append", help="SITESxPAGES, e.g. 1x10000")
    a = ap.parse_args()
    shapes = a.shape or ["1x1000", "1x10000", "50x200"]
    laman = os.path.join(REPO, "target", "release", "laman")
    if not os.path.exists(laman):
        sys.exit("build laman first: cargo build --release")
    for tool in ("hugo", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install hugo time")
    rows = []
    for shape in shapes:
        sites, pages = (int(x) for x in shape.split("x"))
        corpus = os.path.join(a.work, f"corpus-{shape}")
        project = os.path.join(a.work, f"laman-{shape}")
        subprocess.run([sys.executable, a.gen, "--sites", str(sites), "--pages", str(pages),
                        "--out", corpus], check=True)
        subprocess.run([sys.executable, os.path.join(HERE, "plain_to_laman.py"),
                        os.path.join(corpus, "plain"), project,
                        "--theme", os.path.join(REPO, "themes")], check=True)
        hugo_sites = sorted(os.listdir(os.path.join(corpus, "hugo")))
        out_l = os.path.join(a.work, "public-laman")
        out_h = os.path.join(a.work, "public-hugo")
        copy_dst = os.path.join(a.work, "public-copy")
        res = {"laman": [], "laman-no-rules": [], "laman-one-page": [], "hugo": [], "copy": []}
        edited = one_page(project)
        # What a build keeps for the next one: the tree its commit replaced
        # (beside the output) and the render memo (in the project). A full
        # build starts without them.
        kept = (os.path.join(a.work, ".public-laman.spare"), os.path.join(project, ".laman", "memo"))
        for i in range(a.runs):
            for d in (out_l, out_h, copy_dst) + kept:
                shutil.rmtree(d, ignore_errors=True)
            subprocess.run(["sync"])
            # The corpus has no legally required pages: rule errors, exit 1, output written.
            res["laman"].append(timed([laman, "-C", project, "build", "--out", out_l], ok=(0, 1)))
            subprocess.run(["sync"])
            for d in (out_l,) + kept:
                shutil.rmtree(d, ignore_errors=True)
            subprocess.run(["sync"])
            res["laman-no-rules"].append(timed([laman, "-C", project, "build", "--no-rules", "--out", out_l]))
            subprocess.run(["sync"])
            # One page's body changes, then a build over the previous output
            # (with the rules): the incremental case. Timed is the second such
            # build, as every publish after the first is: the first keeps the
            # tree it replaces as the spare the next one starts from.
            touch_body(edited, 1000 + i)
            subprocess.run([laman, "-C", project, "build", "--out", out_l], capture_output=True)
            subprocess.run(["sync"])
            touch_body(edited, i)
            res["laman-one-page"].append(timed([laman, "-C", project, "build", "--out", out_l], ok=(0, 1)))
            subprocess.run(["sync"])
            res["hugo"].append(run_many(
                [["hugo", "--quiet", "-s", os.path.join(corpus, "hugo", s), "-d", os.path.join(out_h, s)]
                 for s in hugo_sites]))
            subprocess.run(["sync"])
            res["copy"].append(timed(["cp", "-r", out_l, copy_dst]))
            print(f"{shape} run {i + 1}: laman {res['laman'][-1][0]:.3f} s, no rules {res['laman-no-rules'][-1][0]:.3f} s, "
                  f"one page changed {res['laman-one-page'][-1][0]:.3f} s, "
                  f"hugo {res['hugo'][-1][0]:.3f} s, "
                  f"copy {res['copy'][-1][0]:.3f} s", file=sys.stderr)
        med = {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v)) for k, v in res.items()}
        total_pages = sites * pages
        rows.append((shape, total_pages, med, count_files(out_l), count_files(out_h)))
    print(f"\n{'shape':>9} | {'laman s':>8} {'MiB':>6} {'pages/s':>8} | {'hugo s':>7} {'MiB':>6} {'pages/s':>8} | "
          f"{'laman/hugo':>10} {'mem x':>6} | {'cp -r s':>7} {'laman/cp':>8}")
    for shape, n, med, fl, fh in rows:
        (lw, lm), (hw, hm), (cw, _) = med["laman"], med["hugo"], med["copy"]
        print(f"{shape:>9} | {lw:8.3f} {lm:6.0f} {n / lw:8.0f} | {hw:7.3f} {hm:6.0f} {n / hw:8.0f} | "
              f"{lw / hw:10.3f} {hm / lm:6.2f} | {cw:7.3f} {lw / cw:8.2f}")
        nr = med["laman-no-rules"][0]
        print(f"{'':>9}   without rules {nr:.3f} s: the rules add {100 * (lw - nr) / nr:.0f} %; "
              f"files written: laman {fl}, hugo {fh}")
        op = med["laman-one-page"][0]
        print(f"{'':>9}   one page changed {op:.3f} s: {op / lw:.2f} of a full build, {op / hw:.2f} of Hugo's")
    print(f"\nmedian of {a.runs} runs each, alternating laman/hugo/copy; work dir {a.work}")


if __name__ == "__main__":
    main()
