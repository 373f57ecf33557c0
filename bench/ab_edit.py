#!/usr/bin/env python3
"""Two laman binaries after the same kind of edit, side by side in one run:
whole process, wall time, peak memory and CPU time (GNU time), runs
alternating, median of N. For "is this change faster at a rebuild?"; bench/ab.py
compares builds from nothing, bench/run.py compares laman with Hugo.

usage: bench/ab_edit.py OLD_BINARY NEW_BINARY {page,template,full}
                        [--runs 9] [--shape 1x10000] [--work /dev/shm/laman-ab-edit]

Each binary builds its own copy of the project (the render memo is keyed
by the binary, so one copy would make every build a build from nothing):
`page` appends a line to one page's body before each build, `template`
a comment to base.html, `full` removes the output, the spare tree and the
memo. Each copy is built twice first (the spare tree and the memo).
Put --work on the ext4 disk to measure there. Needs python3, GNU time.
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
sys.path.insert(0, HERE)
from run import one_page, touch_body  # noqa: E402


def timed(binary, project, out):
    t = time.time()
    r = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", binary, "-C", project, "build", "--out", out],
                       capture_output=True, text=True)
    peak, user, sys_ = r.stderr.strip().splitlines()[-1].split()
    return time.time() - t, int(peak) / 1024, float(user) + float(sys_)


def edit(kind, project, out, i):
    if kind == "page":
        touch_body(one_page(project), 20000 + i)
    elif kind == "template":
        p = os.path.join(project, "themes", "default", "templates", "base.html")
        with open(p) as f:
            text = f.read()
        with open(p + ".tmp", "w") as f:
            f.write(text + f"\n{{# ubah {i} #}}\n")
        os.replace(p + ".tmp", p)
    else:
        parent, name = os.path.split(out)
        for d in (out, os.path.join(project, ".laman"), os.path.join(parent, f".{name}.spare")):
            shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("kind", choices=["page", "template", "full"])
    ap.add_argument("--gen", default=os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py"))
    ap.add_argument("--work", default="/dev/shm/laman-ab-edit")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--shape", default="1x10000", help="SITESxPAGES")
    a = ap.parse_args()
    sites, pages = (int(x) for x in a.shape.split("x"))
    base = os.path.join(a.work, f"laman-{a.shape}")
    if not os.path.isdir(base):
        corpus = os.path.join(a.work, f"corpus-{a.shape}")
        subprocess.run([sys.executable, a.gen, "--sites", str(sites), "--pages", str(pages),
                        "--out", corpus], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, os.path.join(HERE, "plain_to_laman.py"),
                        os.path.join(corpus, "plain"), base, "--theme", os.path.join(REPO, "themes")],
                       check=True)
    binaries = {"old": a.old, "new": a.new}
    project, out = {}, {}
    for k in binaries:
        project[k] = os.path.join(a.work, f"{a.shape}-{k}")
        out[k] = os.path.join(a.work, f"public-{k}")
        for d in (project[k], out[k], os.path.join(a.work, f".public-{k}.spare")):
            shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(base, project[k], symlinks=True)
        for _ in range(2):
            subprocess.run([binaries[k], "-C", project[k], "build", "--out", out[k]], capture_output=True)
    res = {k: [] for k in binaries}
    for i in range(a.runs):
        order = ("old", "new") if i % 2 == 0 else ("new", "old")
        for k in order:
            edit(a.kind, project[k], out[k], i)
            res[k].append(timed(binaries[k], project[k], out[k]))
        print(f"{a.kind} run {i + 1}: old {res['old'][-1][0]:.3f} s, new {res['new'][-1][0]:.3f} s",
              file=sys.stderr)
    print(f"\n{a.shape}, {a.kind}: median of {a.runs} alternating runs; work dir {a.work}")
    for k, v in res.items():
        wall = [w for w, _, _ in v]
        print(f"{k:>4} {binaries[k]}: {statistics.median(wall):.3f} s "
              f"({min(wall):.3f}-{max(wall):.3f}), {statistics.median(m for _, m, _ in v):.0f} MiB, "
              f"{statistics.median(c for _, _, c in v):.2f} CPU s")


if __name__ == "__main__":
    main()
