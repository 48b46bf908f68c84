#!/usr/bin/env python3
"""Check every *.gold.json in blind6: UTF-8, JSON loads, field order, spans, vocabularies."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["surface", "occurrence", "value", "unit", "qualifier", "metric", "basis", "entity", "period",
         "optional", "kind", "start", "end"]
ISO = {"USD", "CNY", "HKD", "EUR", "JPY", "KRW", "INR", "TWD", "GBP", "SAR", "AED", "MYR", "BRL", "AUD", "SEK", "NOK"}
UNITS = ISO | {"%", "pp", "x", "count", "parameters", "tokens", "W", "Wh", "B", "FLOPS", "points", "tokens/s"}
QUAL = {"exact", "approx", "over", "under", "up_to"}
BASIS = {"level", "change", "share", "ratio", None}
KIND = {"actual", "estimate", "forecast", "target"}
PERIOD = re.compile(r"^(FY)?\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?(\.\.(FY)?\d{4}(-(Q[1-4]|H[12]|\d{2}(-\d{2})?))?)?$")
bad = 0
for g in sorted(ROOT.glob("*.gold.json")):
    raw = g.read_bytes()
    raw.decode("utf-8")
    d = json.loads(raw)
    txt_path = ROOT / d["doc"]
    text = txt_path.read_bytes().decode("utf-8")
    assert list(d)[:5] == ["doc", "published", "source", "author", "figures"], list(d)
    for f in d["figures"]:
        errs = []
        if list(f) != ORDER: errs.append(f"order {list(f)}")
        if text[f["start"]:f["end"]] != f["surface"]: errs.append("span")
        if f["unit"] not in UNITS: errs.append(f"unit {f['unit']}")
        if f["qualifier"] not in QUAL: errs.append(f"qual {f['qualifier']}")
        if f["basis"] not in BASIS: errs.append(f"basis {f['basis']}")
        if f["kind"] not in KIND: errs.append(f"kind {f['kind']}")
        if f["period"] is not None and not PERIOD.match(f["period"]): errs.append(f"period {f['period']}")
        if not isinstance(f["value"], (int, float)): errs.append("value type")
        if isinstance(f["value"], float) and f["value"].is_integer(): errs.append("integral float")
        if not re.match(r"^[a-z_]+$", f["metric"] or ""): errs.append(f"metric {f['metric']}")
        if f["basis"] in ("share",) and f["unit"] not in ("%",): errs.append("share needs %")
        if f["unit"] == "pp" and f["basis"] not in ("change", None): errs.append("pp not change")
        if f["unit"] == "x" and f["basis"] not in ("change", "ratio"): errs.append("x basis")
        if not isinstance(f["optional"], bool): errs.append("optional type")
        if errs:
            bad += 1
            print(g.name, f["surface"], errs)
    n = len(d["figures"]); r = sum(not f["optional"] for f in d["figures"])
    print(f"{g.name}: ok, {len(raw)} B gold, text {len(text.encode())} B, {n} figures ({r}/{n-r})")
sys.exit(1 if bad else 0)
