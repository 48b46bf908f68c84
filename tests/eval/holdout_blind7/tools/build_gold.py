#!/usr/bin/env python3
"""Turn labels/<name>.lbl into <name>.gold.json next to <name>.txt.

Label line:  anchor-with-[[surface]] @@ value @@ unit @@ metric @@ basis @@ entity @@ period @@ qualifier @@ kind @@ optional
'-' means null. value may be a simple arithmetic expression (e.g. 26.68e8, -4.3).
Header lines:  #! published: ...   #! source: ...   #! author: ...
"""
import json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ("surface", "occurrence", "value", "unit", "qualifier", "metric", "basis",
         "entity", "period", "optional", "kind", "start", "end")


def hits(text, s):
    out, i = [], text.find(s)
    while i != -1:
        out.append(i)
        i = text.find(s, i + 1)
    return out


def nul(x):
    x = x.strip()
    return None if x == "-" else x


def build(name):
    text = (ROOT / f"{name}.txt").read_bytes().decode("utf-8")
    meta = {"published": None, "source": None, "author": None}
    figs, errors = [], []
    for ln, raw in enumerate((ROOT / "labels" / f"{name}.lbl").read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("#!"):
            k, v = raw[2:].split(":", 1)
            meta[k.strip()] = nul(v)
            continue
        if not raw.strip() or raw.startswith("#"):
            continue
        parts = raw.split(" @@ ")
        if len(parts) != 10:
            errors.append(f"{name}:{ln}: {len(parts)} fields: {raw}")
            continue
        anchor, value, unit, metric, basis, entity, period, qual, kind, opt = parts
        if anchor.count("[[") != 1 or anchor.count("]]") != 1:
            errors.append(f"{name}:{ln}: bad markers: {anchor}")
            continue
        a0 = anchor.index("[[")
        a1 = anchor.index("]]")
        surface = anchor[a0 + 2:a1]
        plain = anchor.replace("[[", "").replace("]]", "")
        h = hits(text, plain)
        if len(h) != 1:
            errors.append(f"{name}:{ln}: anchor found {len(h)} times: {plain!r}")
            continue
        start = h[0] + a0
        end = start + len(surface)
        assert text[start:end] == surface
        occ = hits(text, surface).index(start) + 1
        v = eval(value, {"__builtins__": {}}, {})
        v = float(v)
        v = int(round(v)) if abs(v - round(v)) < 1e-9 * max(1, abs(v)) else v
        if isinstance(v, float):
            v = float(f"{v:.10g}")
        if opt.strip() not in ("0", "1"):
            errors.append(f"{name}:{ln}: optional must be 0/1")
            continue
        rec = dict(surface=surface, occurrence=occ, value=v, unit=nul(unit), qualifier=nul(qual) or "exact",
                   metric=nul(metric), basis=nul(basis), entity=nul(entity), period=nul(period),
                   optional=opt.strip() == "1", kind=nul(kind), start=start, end=end)
        figs.append({k: rec[k] for k in ORDER})
    spans = sorted((f["start"], f["end"], f["surface"]) for f in figs)
    for (s1, e1, t1), (s2, e2, t2) in zip(spans, spans[1:]):
        if s2 < e1:
            errors.append(f"{name}: overlapping/duplicate spans {t1!r}@{s1} and {t2!r}@{s2}")
    if errors:
        print("\n".join(errors))
        return None
    figs.sort(key=lambda f: f["start"])
    doc = {"doc": f"{name}.txt", **meta, "figures": figs}
    (ROOT / f"{name}.gold.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    req = sum(not f["optional"] for f in figs)
    print(f"{name}: {len(figs)} figures ({req} req / {len(figs) - req} opt)")
    return figs


def main():
    names = sys.argv[1:] or sorted(p.stem for p in (ROOT / "labels").glob("*.lbl"))
    ok = True
    preds = []
    for n in names:
        figs = build(n)
        ok &= figs is not None
    # self-prediction file from all gold files
    for g in sorted(ROOT.glob("*.gold.json")):
        d = json.loads(g.read_text(encoding="utf-8"))
        for f in d["figures"]:
            preds.append({"doc": d["doc"], **{k: f[k] for k in ("start", "end", "value", "unit", "qualifier",
                                                                "metric", "basis", "entity", "period")}})
    (ROOT / "tools" / "selfpred.jsonl").write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds),
                                                    encoding="utf-8")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
