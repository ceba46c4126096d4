#!/usr/bin/env python3
"""Baseline a newsroom engineer would reach for: datasketch MinHash (128 permutations) + MinHashLSH.

Reads a JSON Lines feed of ninjs 3.x stories (headlines[0].value, bodies[0].value; 2.x/1.x
fields are accepted too), and for each story in order: normalises (lower case, word tokens),
builds word 3-shingles, MinHash.update_batch, queries the LSH index, then inserts. Prints one
JSON line: {"stories_per_s", "bytes_per_story", "duplicates", ...}.

Fastest honest settings: update_batch (vectorised over shingles), one MinHash per story, LSH
threshold tuned for near-duplicates (0.5), no extra verification. Timing covers normalisation,
shingling, MinHash, query and insert; reading and JSON parsing are excluded (as for wiredesk's
figure). Memory: growth of the process's resident set while indexing, per story.
"""
import argparse
import json
import re
import resource
import sys
import time

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+", re.UNICODE)


def text_of(item):
    headline = ""
    if item.get("headlines"):
        headline = item["headlines"][0].get("value", "")
    else:
        headline = item.get("headline", "") or ""
    body = ""
    if item.get("bodies"):
        body = item["bodies"][0].get("value", "")
    else:
        body = item.get("body_text") or item.get("body_html") or ""
    return headline, body


def rss_bytes():
    # Current RSS from /proc (Linux); falls back to peak RSS.
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("feed", help="JSON Lines file of ninjs stories")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--k", type=int, default=3, help="words per shingle")
    args = ap.parse_args()

    stories = []
    with open(args.feed, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            item = json.loads(line)
            h, b = text_of(item)
            stories.append((item.get("uri", str(len(stories))), h, b))

    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)
    k = args.k
    duplicates = 0
    flagged_resends = 0
    rss_before = rss_bytes()
    start = time.perf_counter()
    cpu_start = time.process_time()
    for uri, headline, body in stories:
        words = WORD.findall((headline + "\n" + body).lower())
        if len(words) >= k:
            shingles = {" ".join(words[i:i + k]).encode("utf-8") for i in range(len(words) - k + 1)}
        else:
            shingles = {" ".join(words).encode("utf-8")}
        m = MinHash(num_perm=args.num_perm)
        m.update_batch(shingles)
        if lsh.query(m):
            duplicates += 1
            flagged_resends += "#resend-" in uri
        lsh.insert(uri, m, check_duplication=False)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    rss_after = rss_bytes()
    n = max(len(stories), 1)
    print(json.dumps({
        "stories_per_s": round(n / elapsed, 1),
        # Rate per CPU second of this process (robust to other load on the machine).
        "stories_per_cpu_s": round(n / max(cpu, 1e-9), 1),
        "bytes_per_story": round((rss_after - rss_before) / n, 1),
        "duplicates": duplicates,
        "stories": len(stories),
        # Synthetic feeds mark re-sends with "#resend-" in the uri: flagged ones among them.
        "flagged_resends": flagged_resends,
        "resends": sum("#resend-" in s[0] for s in stories),
        "num_perm": args.num_perm,
        "threshold": args.threshold,
    }))


if __name__ == "__main__":
    sys.exit(main())
