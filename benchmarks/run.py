"""`make bench`: extraction speed against quantulum3, F1 of both, and the pipeline end to end.

Measures, in one run:
- our extraction (figures + attribution, one process) in MB/s per core (CPU time) on generated articles;
- quantulum3 on the same text split into paragraphs, in its own virtualenv (.bench/venv), on a
  ~300 KB sample within a time budget (it is slow and quadratic on long text);
- F1 of both on the hand-labelled seed gold (../shared/gold) and on the generated articles;
- `briefing run --inbox <generated>` in a subprocess with a fresh BRIEFING_HOME, at N/5 and N
  articles (N = BENCH_DOCS, default 10000): wall time, the flows' own time (runs table), peak RSS;
- a no-op rerun at N articles.
The last line is `bench: extract_mb_s=.. quantulum3_mb_s=.. speedup=.. e2e_docs=.. e2e_s=.. noop_s=.. peak_rss_mb=..`.

Environment: BENCH_DOCS (10000), BENCH_SEED (7), BENCH_EXTRACT_BYTES (4000000),
BENCH_QUANTULUM_BYTES (300000), BENCH_QUANTULUM_SECONDS (60), BENCH_SKIP_E2E=1 to skip the pipeline.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / ".bench"
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))

from benchmarks.generate import write_corpus  # noqa: E402

VENV = BENCH / "venv"
QUANTULUM_SPEC = "quantulum3>=0.9,<1"


def env_int(name: str, default: int) -> int:
    """An integer from the environment."""
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only results."""
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ corpus
def ensure_corpus(n: int, seed: int) -> tuple[Path, Path]:
    """The generated inbox of n articles (cached in .bench, regenerated when generate.py changes)."""
    stamp_text = hashlib.sha256((REPO / "benchmarks" / "generate.py").read_bytes()).hexdigest()[:12]
    folder = BENCH / "corpus" / f"docs-{n}-seed{seed}"
    expected = folder.with_name(folder.name + ".expected.jsonl")
    stamp = folder.with_name(folder.name + ".stamp")
    if not (stamp.exists() and stamp.read_text() == stamp_text and folder.is_dir()):
        shutil.rmtree(folder, ignore_errors=True)
        t0 = time.perf_counter()
        size = write_corpus(folder, n, seed, expected)
        stamp.write_text(stamp_text)
        log(f"generated {n} articles ({size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    return folder, expected


def sample_paths(folder: Path, max_bytes: int) -> list[Path]:
    """The first articles of a corpus, up to max_bytes in all."""
    chosen: list[Path] = []
    total = 0
    for path in sorted(folder.glob("*.txt")):
        chosen.append(path)
        total += path.stat().st_size
        if total >= max_bytes:
            break
    return chosen


# ------------------------------------------------------------------ scoring
def load_scorer() -> ModuleType | None:
    """../shared/eval/score_figures.py as a module (None when shared/ is absent)."""
    path = SHARED / "eval" / "score_figures.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("score_figures", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def f1_score(scorer: ModuleType, gold: dict[str, list[dict[str, Any]]], preds: dict[str, list[dict[str, Any]]]) -> tuple[float, float, float]:
    """(F1, precision, recall) with the shared scorer's matching rule, over the documents in gold."""
    tp = fn = fp = 0
    for doc, figures in gold.items():
        pairs, misses, falses = scorer.match_doc(figures, preds.get(doc, []))
        tp, fn, fp = tp + len(pairs), fn + len(misses), fp + len(falses)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return (2 * prec * rec / (prec + rec) if prec + rec else 0.0), prec, rec


def read_seed_gold() -> tuple[dict[str, list[dict[str, Any]]], list[Path]]:
    """Gold figures per seed document, and the seed files."""
    gold: dict[str, list[dict[str, Any]]] = {}
    docs: list[Path] = []
    for gold_file in sorted((SHARED / "gold").glob("*.gold.json")):
        record = json.loads(gold_file.read_text(encoding="utf-8"))
        gold[record["doc"]] = record["figures"]
        docs.append(SHARED / "seeds" / record["doc"])
    return gold, docs


def read_expected(path: Path, names: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The generator's expected figures for the named documents, as gold (all required)."""
    gold: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            if rec["doc"] in gold:
                gold[rec["doc"]].append({**rec, "optional": False})
    return gold


# ------------------------------------------------------------------ our extractor
def run_ours(paths: list[Path]) -> tuple[dict[str, list[dict[str, Any]]], float, float, int]:
    """Extract every document the way ingest does; return (predictions, cpu_s, wall_s, bytes)."""
    from briefing.settings import Settings
    from flows.loading import load_entity_catalog
    from transforms.extract import extract_document_figures
    from transforms.metadata import parse_text_metadata

    catalog = load_entity_catalog(Settings.from_env({}))
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in paths]
    extract_document_figures(texts[0][1], published=None, catalog=catalog)  # compile patterns first
    preds: dict[str, list[dict[str, Any]]] = {}
    # The publication date resolves relative periods; finding it is ingest's work, not timed here.
    dates = {}
    for name, text in texts:
        meta = parse_text_metadata(text)
        dates[name] = meta.published_at.date() if meta.published_at else None
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for name, text in texts:
        figures = extract_document_figures(text, published=dates[name], catalog=catalog)
        preds[name] = [f.to_dict() for f in figures]
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return preds, cpu, wall, sum(len(t.encode("utf-8")) for _, t in texts)


# ------------------------------------------------------------------ quantulum3
def ensure_quantulum() -> Path | None:
    """The benchmark's own virtualenv with quantulum3 (created once); None if it cannot be built."""
    python = VENV / "bin" / "python"
    if python.exists() and subprocess.run([str(python), "-c", "import quantulum3"], capture_output=True).returncode == 0:
        return python
    base = shutil.which("python3.11") or sys.executable
    log(f"creating {VENV} with {QUANTULUM_SPEC} ...")
    try:
        subprocess.run([base, "-m", "venv", "--clear", str(VENV)], check=True, capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", QUANTULUM_SPEC],
                       check=True, capture_output=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log(f"quantulum3 could not be installed: {exc}")
        return None
    return python


def run_quantulum(python: Path, paths: list[Path], max_bytes: int, max_seconds: float) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """quantulum3 over the documents' paragraphs in a subprocess; (predictions, summary)."""
    job = BENCH / "quantulum-job.json"
    job.write_text(json.dumps({"paths": [str(p) for p in paths], "max_bytes": max_bytes, "max_seconds": max_seconds}))
    out = subprocess.run(
        [str(python), str(REPO / "benchmarks" / "quantulum_worker.py"), str(job)],
        capture_output=True, text=True, timeout=max_seconds + 300, check=True,
    )
    preds: dict[str, list[dict[str, Any]]] = {}
    summary: dict[str, Any] = {}
    for line in out.stdout.splitlines():
        rec = json.loads(line)
        if "summary" in rec:
            summary = rec["summary"]
        else:
            preds.setdefault(rec["doc"], []).append(rec)
    return preds, summary


# ------------------------------------------------------------------ end to end
def run_pipeline(inbox: Path, home: Path) -> dict[str, Any]:
    """`briefing run --inbox` in a subprocess: wall time, peak RSS (its own and its children's), output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BRIEFING_"))}
    env.update({"BRIEFING_HOME": str(home), "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"})
    log_path = home.parent / f"{home.name}.log"
    t0 = time.perf_counter()
    with open(log_path, "ab") as handle:
        proc = subprocess.Popen([str(REPO / ".venv" / "bin" / "briefing"), "run", "--inbox", str(inbox)],
                                stdout=subprocess.PIPE, stderr=handle, env=env, cwd=REPO)
        stdout = proc.stdout.read().decode() if proc.stdout else ""
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"briefing run failed ({proc.returncode}); see {log_path}\n{stdout[-2000:]}")
    # ru_maxrss (KiB on Linux): the largest of the process and the children it waited for.
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "stdout": stdout}


def flow_seconds(home: Path, after: Any = None) -> float:
    """The flows' own time from the runs table: first stage start to last stage finish (after a moment)."""
    import duckdb

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        where, params = ("WHERE started_at > ?", [after]) if after is not None else ("", [])
        row = con.execute(
            f"SELECT min(started_at), max(finished_at) FROM runs {where}", params
        ).fetchone()
    finally:
        con.close()
    assert row and row[0] is not None, "no runs recorded"
    return float((row[1] - row[0]).total_seconds())


def last_run_end(home: Path) -> Any:
    """When the latest recorded stage finished."""
    import duckdb

    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        row = con.execute("SELECT max(finished_at) FROM runs").fetchone()
    finally:
        con.close()
    return row[0] if row else None


def e2e(n: int, seed: int) -> dict[str, Any]:
    """The pipeline on n generated articles in a fresh home; then a no-op rerun."""
    inbox, _ = ensure_corpus(n, seed)
    home = BENCH / "homes" / f"e2e-{n}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    log(f"e2e: briefing run on {n} articles ...")
    first = run_pipeline(inbox, home)
    first["flow_s"] = flow_seconds(home)
    end = last_run_end(home)
    log(f"e2e: no-op rerun on {n} articles ...")
    again = run_pipeline(inbox, home)
    first["noop_wall_s"] = again["wall_s"]
    first["noop_flow_s"] = flow_seconds(home, after=end)
    first["noop_stdout"] = again["stdout"]
    first["noop_peak_rss_mb"] = again["peak_rss_mb"]
    return first


def main() -> None:
    """Run every measurement and print the results; the last line is the bench line."""
    n = env_int("BENCH_DOCS", 10_000)
    seed = env_int("BENCH_SEED", 7)
    BENCH.mkdir(exist_ok=True)
    corpus, expected_path = ensure_corpus(n, seed)
    scorer = load_scorer()

    # ours: throughput and F1 on generated text
    sample = sample_paths(corpus, env_int("BENCH_EXTRACT_BYTES", 4_000_000))
    ours, cpu, wall, size = run_ours(sample)
    ours_mb_s = size / 1e6 / cpu
    print(f"extract (ours): {size / 1e6:.2f} MB in {len(sample)} articles, {cpu:.2f} s CPU ({wall:.2f} s wall): "
          f"{ours_mb_s:.2f} MB/s per core, {sum(map(len, ours.values()))} figures")

    # quantulum3 on a smaller sample of the same text
    q_bytes = env_int("BENCH_QUANTULUM_BYTES", 300_000)
    q_seconds = float(env_int("BENCH_QUANTULUM_SECONDS", 60))
    python = ensure_quantulum()
    q_mb_s = float("nan")
    if python is not None:
        q_preds, q_sum = run_quantulum(python, sample_paths(corpus, q_bytes), q_bytes, q_seconds)
        q_mb_s = q_sum["bytes"] / 1e6 / q_sum["cpu_s"]
        print(f"extract (quantulum3, paragraphs): {q_sum['bytes'] / 1e6:.2f} MB in {q_sum['docs']} articles, "
              f"{q_sum['cpu_s']:.2f} s CPU ({q_sum['wall_s']:.2f} s wall): {q_mb_s:.3f} MB/s per core")
        names = {p.name for p in sample_paths(corpus, q_bytes)[: q_sum["docs"]]}
        if scorer:
            gold = read_expected(expected_path, names)
            qf, qp, qr = f1_score(scorer, gold, q_preds)
            of, op, orc = f1_score(scorer, gold, ours)
            print(f"F1 on {len(names)} generated articles: quantulum3 {qf:.3f} (P {qp:.3f} R {qr:.3f}), "
                  f"ours {of:.3f} (P {op:.3f} R {orc:.3f})")
        if scorer and (SHARED / "gold").is_dir():
            gold, seeds = read_seed_gold()
            q_seed, _ = run_quantulum(python, seeds, 10**9, 600)
            ours_seed, *_ = run_ours(seeds)
            qf, qp, qr = f1_score(scorer, gold, q_seed)
            of, op, orc = f1_score(scorer, gold, ours_seed)
            print(f"F1 on the seed gold ({len(seeds)} articles): quantulum3 {qf:.3f} (P {qp:.3f} R {qr:.3f}), "
                  f"ours {of:.3f} (P {op:.3f} R {orc:.3f})")
    speedup = ours_mb_s / q_mb_s if q_mb_s == q_mb_s and q_mb_s > 0 else float("nan")
    print(f"speedup (ours / quantulum3, MB/s per core): {speedup:.0f}x")

    result: dict[str, Any] = {"wall_s": float("nan"), "noop_flow_s": float("nan"), "peak_rss_mb": float("nan")}
    if os.environ.get("BENCH_SKIP_E2E") != "1":
        small_n = max(100, n // 5)
        small = e2e(small_n, seed)
        result = e2e(n, seed)
        for r, count in ((small, small_n), (result, n)):
            print(f"e2e {count} articles: wall {r['wall_s']:.1f} s, flows {r['flow_s']:.1f} s "
                  f"(wall minus flows = Prefect start-up and imports), peak RSS {r['peak_rss_mb']:.0f} MB; "
                  f"no-op rerun: wall {r['noop_wall_s']:.1f} s, flows {r['noop_flow_s']:.2f} s")
        for line in result["stdout"].splitlines()[:3]:
            print(f"  {line}")
        print(f"peak RSS at {small_n} articles: {small['peak_rss_mb']:.0f} MB; at {n}: {result['peak_rss_mb']:.0f} MB")
    print(f"date: {date.today().isoformat()}, cores: {os.cpu_count()}")
    print(
        f"bench: extract_mb_s={ours_mb_s:.2f} quantulum3_mb_s={q_mb_s:.3f} speedup={speedup:.0f} "
        f"e2e_docs={n} e2e_s={result['wall_s']:.1f} noop_s={result['noop_flow_s']:.2f} "
        f"peak_rss_mb={result['peak_rss_mb']:.0f}"
    )


if __name__ == "__main__":
    main()
