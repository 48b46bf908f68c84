#!/usr/bin/env python3
"""List every digit run and number word in each text that no gold span covers (for manual review)."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|"
         r"thousand|million|billion|trillion|dozen|half|third|quarter|fifth|double|doubled|twice|triple|tripled|"
         r"fold|percent|pct|lakh|crore|[一二三四五六七八九十百千万亿兆]")
PAT = re.compile(r"\d[\d,.]*|\b(?:%s)\w*" % WORDS, re.I)
for g in sorted(ROOT.glob("*.gold.json")):
    d = json.loads(g.read_text(encoding="utf-8"))
    text = (ROOT / d["doc"]).read_text(encoding="utf-8")
    covered = [False] * len(text)
    for f in d["figures"]:
        for i in range(f["start"], f["end"]):
            covered[i] = True
    print(f"== {d['doc']}")
    for m in PAT.finditer(text):
        if not any(covered[m.start():m.end()]):
            ctx = text[max(0, m.start() - 25):m.end() + 25].replace("\n", " ")
            print(f"  {m.group()!r:14} ...{ctx}...")
