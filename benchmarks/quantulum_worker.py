"""Run quantulum3 over documents split into paragraphs; print figures as JSON lines and a timing line.

Runs inside the benchmark's own virtualenv (.bench/venv), never in the project's: quantulum3 is
only a yardstick. Input: a JSON file {"paths": [...], "max_bytes": N, "max_seconds": S}.
Output: one {"doc", "start", "end", "value", "unit", "surface"} object per quantity, then
{"summary": {"bytes": B, "cpu_s": C, "wall_s": W, "docs": D}} as the last line.
Units are mapped to the figure contract roughly (dollar -> USD, percentage -> %, ...).
"""

from __future__ import annotations

import json
import re
import sys
import time
import warnings
from pathlib import Path

CURRENCY_NAMES = [
    ("hong kong dollar", "HKD"), ("united states dollar", "USD"), ("dollar", "USD"),
    ("renminbi", "CNY"), ("yuan", "CNY"), ("euro", "EUR"), ("pound sterling", "GBP"),
    ("japanese yen", "JPY"), ("yen", "JPY"),
]
PARAGRAPH = re.compile(r"[^\n]+")


def map_unit(name: str, entity: str) -> str:
    """quantulum3's unit name and entity -> our unit code (unknown ones keep their name)."""
    name = name.lower()
    for prefix, code in CURRENCY_NAMES:
        if name.startswith(prefix):
            return code
    if name.startswith("percentage"):
        return "%"
    if name in ("count", "times") or name.startswith("times"):
        return "x"
    if entity == "dimensionless":
        return "count"
    if name == "byte" or entity == "data storage":
        return "B"
    return name


def main() -> None:
    """Parse the documents named in the job file until its byte or time budget runs out."""
    warnings.filterwarnings("ignore")
    from quantulum3 import parser

    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    max_bytes = int(job.get("max_bytes", 300_000))
    max_seconds = float(job.get("max_seconds", 60))
    parser.parse("warm up: 3 billion dollars and 5%")  # loads unit tables outside the timing
    out = sys.stdout
    done_bytes = docs = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for path in job["paths"]:
        text = Path(path).read_text(encoding="utf-8")
        for para in PARAGRAPH.finditer(text):
            try:
                quantities = parser.parse(para.group())
            except Exception:  # quantulum3 raises on some inputs; count the text, keep going
                quantities = []
            for q in quantities:
                start, end = q.span
                out.write(json.dumps({
                    "doc": Path(path).name, "start": para.start() + start, "end": para.start() + end,
                    "value": q.value, "unit": map_unit(q.unit.name, q.unit.entity.name),
                    "surface": q.surface,
                }, ensure_ascii=False) + "\n")
        done_bytes += len(text.encode("utf-8"))
        docs += 1
        if done_bytes >= max_bytes or time.perf_counter() - wall0 >= max_seconds:
            break
    summary = {"bytes": done_bytes, "cpu_s": time.process_time() - cpu0,
               "wall_s": time.perf_counter() - wall0, "docs": docs}
    out.write(json.dumps({"summary": summary}) + "\n")


if __name__ == "__main__":
    main()
