#!/usr/bin/env python3
"""Two laman binaries on the same generated corpus, side by side in one run:
whole process, wall time and peak memory (GNU time), runs alternating A and
B, median of N, each build from nothing. For "is this change slower?" (a
change's own cost, e.g. the trust-boundary checks); bench/ab_edit.py
compares rebuilds, bench/run.py compares laman with Hugo.

usage: bench/ab.py OLD_BINARY NEW_BINARY [--work /dev/shm/laman-ab]
                   [--runs 5] [--shape 1x10000] [--shape 50x200]

Both builds must write the same number of files (a change that blocked a
site would look faster). Needs python3, GNU time (/usr/bin/time).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from run import count_files, timed  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--gen", default=os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py"))
    ap.add_argument("--work", default="/dev/shm/laman-ab")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--shape", action="append", help="SITESxPAGES, e.g. 1x10000")
    a = ap.parse_args()
    shapes = a.shape or ["1x10000", "50x200"]
    rows = []
    for shape in shapes:
        sites, pages = (int(x) for x in shape.split("x"))
        corpus = os.path.join(a.work, f"corpus-{shape}")
        project = os.path.join(a.work, f"laman-{shape}")
        if not os.path.isdir(project):
            subprocess.run([sys.executable, a.gen, "--sites", str(sites), "--pages", str(pages),
                            "--out", corpus], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([sys.executable, os.path.join(HERE, "plain_to_laman.py"),
                            os.path.join(corpus, "plain"), project,
                            "--theme", os.path.join(REPO, "themes")], check=True)
        res = {"old": [], "new": []}
        files = {}
        for i in range(a.runs):
            for name, binary in (("old", a.old), ("new", a.new)) if i % 2 == 0 else (("new", a.new), ("old", a.old)):
                out = os.path.join(a.work, f"public-{name}")
                # From nothing: without the output, the spare tree a build
                # leaves beside it and the render memo (bench/ab_edit.py
                # measures rebuilds).
                for d in (out, os.path.join(a.work, f".public-{name}.spare"),
                          os.path.join(project, ".laman")):
                    shutil.rmtree(d, ignore_errors=True)
                res[name].append(timed([binary, "-C", project, "build", "--out", out], ok=(0, 1)))
                files[name] = count_files(out)
            print(f"{shape} run {i + 1}: old {res['old'][-1][0]:.3f} s, new {res['new'][-1][0]:.3f} s",
                  file=sys.stderr)
        if files["old"] != files["new"]:
            sys.exit(f"{shape}: old wrote {files['old']} files, new {files['new']}: not the same build")
        med = {k: (statistics.median(w for w, _ in v), statistics.median(m for _, m in v)) for k, v in res.items()}
        rows.append((shape, med, files["new"]))
    print(f"\n{'shape':>9} | {'old s':>7} {'MiB':>6} | {'new s':>7} {'MiB':>6} | {'new/old':>7} | files")
    for shape, med, n in rows:
        (ow, om), (nw, nm) = med["old"], med["new"]
        print(f"{shape:>9} | {ow:7.3f} {om:6.0f} | {nw:7.3f} {nm:6.0f} | {nw / ow:7.3f} | {n}")
    print(f"\nmedian of {a.runs} runs each, alternating; work dir {a.work}")


if __name__ == "__main__":
    main()
