#!/usr/bin/env python3
"""Turns the `plain/` tree of ../shared/bench/gen_corpus.py into a laman
regency: laman.toml, sites/<slug>/site.toml, the content hard-linked (not
copied) from the corpus, a berita section index, and the static files.

usage: plain_to_laman.py PLAIN_DIR PROJECT_DIR [--theme THEMES_DIR]
"""
import os
import shutil
import sys
import tomllib


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    plain, project = argv[1], argv[2]
    theme = argv[argv.index("--theme") + 1] if "--theme" in argv else None
    shutil.rmtree(project, ignore_errors=True)
    os.makedirs(os.path.join(project, "sites"))
    with open(os.path.join(project, "laman.toml"), "w", encoding="utf-8") as f:
        f.write('[region]\nname = "Kabupaten Cianjur"\ndomain = "cianjurkab.go.id"\n'
                'profile = "cianjur"\n\n[build]\npaginate_by = 10\n')
    for slug in sorted(os.listdir(plain)):
        src = os.path.join(plain, slug)
        with open(os.path.join(src, "site.toml"), "rb") as f:
            cfg = tomllib.load(f)
        site = os.path.join(project, "sites", slug)
        os.makedirs(site)
        nav = cfg.get("extra", {}).get("nav", [])
        menu = "".join(
            f'\n[[menu]]\njudul = "{n["name"]}"\nurl = "{n["url"]}"\n' for n in nav)
        with open(os.path.join(site, "site.toml"), "w", encoding="utf-8") as f:
            f.write(f'nama_resmi = "{cfg["title"]}"\ndeskripsi = "{cfg["description"]}"\n{menu}')
        # Hard links: same bytes, no copy cost, nothing escapes the site folder.
        shutil.copytree(os.path.join(src, "content"), os.path.join(site, "content"),
                        copy_function=os.link)
        shutil.copytree(os.path.join(src, "static"), os.path.join(site, "static"),
                        copy_function=os.link)
        sec = cfg.get("sections", {}).get("berita", {})
        with open(os.path.join(site, "content", "berita", "_index.md"), "w", encoding="utf-8") as f:
            f.write(f'+++\ntitle = "{sec.get("title", "Berita")}"\nsort_by = "{sec.get("sort_by", "date")}"\n'
                    f'paginate_by = {sec.get("paginate_by", 10)}\n+++\n')
    if theme:
        shutil.copytree(theme, os.path.join(project, "themes"))


if __name__ == "__main__":
    main(sys.argv)
