"""News extraction benchmark: quality on the labelled set, and speed on 10,000 articles.

Quality: precision / recall / F1 of organizations (overall and per kind) and of events
(overall and per type), on the development split (the 5 real sample articles plus written
ones) and on a held-out split of written articles that were never looked at while the rules
were tuned. Matching rules:
- an extracted organization matches a labelled one when their names/aliases share a name
  (one-to-one); for the per-kind figures the kinds must agree too;
- an extracted event matches a labelled one of the same type when their participants share
  an organization (names or aliases) (one-to-one).

Speed: 10,000 articles made by recombining the paragraphs of the labelled articles (seeded),
analysed one after another in one process (one core): articles/s and MB/s of UTF-8 input.

    .venv/bin/python bench/news_bench.py [--articles 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from medbridge.extract.pipeline import extract
from medbridge.text.normalize import to_simplified
from medbridge.text.reading import read_file

HERE = Path(__file__).parent
DATA = HERE / "data" / "news_dev"
RESULTS = HERE / "results" / "news.json"


def key(name: str) -> str:
    return to_simplified(name).replace("（", "(").replace("）", ")").replace(" ", "")


def names_of(entry: dict) -> set[str]:
    return {key(entry["name"]), *(key(a) for a in entry.get("aliases", []))}


class Score:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn

    def as_dict(self) -> dict:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def match(predicted: list, gold: list, same) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (i_predicted, j_gold) for which same(p, g) holds."""
    pairs, used = [], set()
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            if j not in used and same(p, g):
                pairs.append((i, j))
                used.add(j)
                break
    return pairs


def score_article(result: dict, gold: dict, scores: dict, errors: list, name: str) -> None:
    predicted_orgs, gold_orgs = result["organizations"], gold["organizations"]
    pairs = match(predicted_orgs, gold_orgs, lambda p, g: bool(names_of(p) & names_of(g)))
    scores["organization"].add(len(pairs), len(predicted_orgs) - len(pairs), len(gold_orgs) - len(pairs))
    matched_p, matched_g = {i for i, _ in pairs}, {j for _, j in pairs}
    errors += [f"{name} FP org {p['name']} ({p['kind']})" for i, p in enumerate(predicted_orgs) if i not in matched_p]
    errors += [f"{name} FN org {g['name']} ({g['kind']})" for j, g in enumerate(gold_orgs) if j not in matched_g]
    for kind in {o["kind"] for o in predicted_orgs} | {o["kind"] for o in gold_orgs}:
        p_kind = [o for o in predicted_orgs if o["kind"] == kind]
        g_kind = [o for o in gold_orgs if o["kind"] == kind]
        kind_pairs = match(p_kind, g_kind, lambda p, g: bool(names_of(p) & names_of(g)))
        scores[f"organization:{kind}"].add(len(kind_pairs), len(p_kind) - len(kind_pairs), len(g_kind) - len(kind_pairs))
    aliases = {}
    for org in [*predicted_orgs, *gold_orgs]:
        for n in names_of(org):
            aliases.setdefault(n, set()).update(names_of(org))

    def expand(participants: list[str]) -> set[str]:
        return set().union(*(aliases.get(key(p), {key(p)}) for p in participants)) if participants else set()

    predicted_events, gold_events = result["events"], gold["events"]
    same_event = lambda p, g: p["type"] == g["type"] and bool(expand(p["participants"]) & expand(g["participants"]))
    event_pairs = match(predicted_events, gold_events, same_event)
    scores["event"].add(len(event_pairs), len(predicted_events) - len(event_pairs), len(gold_events) - len(event_pairs))
    matched_p, matched_g = {i for i, _ in event_pairs}, {j for _, j in event_pairs}
    errors += [f"{name} FP event {p['type']} {p['participants']}" for i, p in enumerate(predicted_events) if i not in matched_p]
    errors += [f"{name} FN event {g['type']} {g['participants']}" for j, g in enumerate(gold_events) if j not in matched_g]
    for type_ in {e["type"] for e in predicted_events} | {e["type"] for e in gold_events}:
        p_type = [e for e in predicted_events if e["type"] == type_]
        g_type = [e for e in gold_events if e["type"] == type_]
        type_pairs = match(p_type, g_type, same_event)
        scores[f"event:{type_}"].add(len(type_pairs), len(p_type) - len(type_pairs), len(g_type) - len(type_pairs))


def quality(gold: dict, split: str, show_errors: bool, real_only: bool = False) -> dict:
    scores: dict[str, Score] = defaultdict(Score)
    errors: list[str] = []
    names = [n for n, g in gold.items() if g["split"] == split and (not real_only or g["origin"].startswith("real"))]
    for name in names:
        raw = read_file(DATA / name)[0]
        result = extract(raw.text, title=raw.title, article_date=raw.date, source=raw.source).as_contract()
        score_article(result, gold[name], scores, errors, name)
    if show_errors:
        print("\n".join(errors), file=sys.stderr)
    return {"articles": len(names), **{k: v.as_dict() for k, v in sorted(scores.items())}}


def synthetic_articles(count: int, seed: int = 4) -> list[str]:
    """New articles made of the labelled articles' headers and paragraphs, shuffled."""
    rng = random.Random(seed)
    sources = [read_file(path)[0].text for path in sorted(DATA.glob("*.txt"))]
    paragraphs = [p for text in sources for p in text.split("\n") if len(p.strip()) > 30]
    heads = [text.split("\n\n")[0] for text in sources]
    articles = []
    for _ in range(count):
        body = rng.sample(paragraphs, rng.randint(3, 8))
        articles.append(rng.choice(heads) + "\n\n" + "\n".join(body))
    return articles


def throughput(count: int, articles: list[str] | None = None) -> dict:
    articles = articles or synthetic_articles(count)
    extract(articles[0])                      # dictionaries loaded before the clock starts
    size = sum(len(a.encode("utf-8")) for a in articles)
    started, cpu_started = time.perf_counter(), time.process_time()
    for article in articles:
        extract(article).as_contract()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # The machine is shared: wall-clock figures include time spent waiting for a core, the
    # CPU-time figures are what one core does.
    return {"articles": count, "megabytes": round(size / 1e6, 2), "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2), "articles_per_second": round(count / seconds, 1),
            "megabytes_per_second": round(size / 1e6 / seconds, 3),
            "articles_per_cpu_second": round(count / cpu, 1), "megabytes_per_cpu_second": round(size / 1e6 / cpu, 3),
            "load_average": [round(x, 2) for x in os.getloadavg()], "processes": 1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--errors", action="store_true", help="list every false positive / negative of the dev split")
    args = parser.parse_args()
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    results = {"dev": quality(gold, "dev", args.errors), "heldout": quality(gold, "heldout", False),
               "dev_real_samples_only": quality(gold, "dev", False, real_only=True)}
    for split, figures in results.items():
        print(f"== {split} ({figures['articles']} articles)")
        for name, s in figures.items():
            if name != "articles":
                print(f"  {name:<32} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}"
                      f"   (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    if args.articles:
        results["throughput"] = throughput(args.articles)
        real = [read_file(DATA / n)[0].text for n, g in sorted(gold.items()) if g["origin"].startswith("real")]
        results["throughput_real_samples"] = throughput(len(real) * 40, real * 40)
        for name in ("throughput", "throughput_real_samples"):
            t = results[name]
            print(f"== {name}: {t['articles']} articles, {t['megabytes']} MB in {t['seconds']} s "
                  f"({t['cpu_seconds']} s of CPU, one process): {t['articles_per_second']} articles/s, "
                  f"{t['megabytes_per_second']} MB/s wall; {t['articles_per_cpu_second']} articles/s, "
                  f"{t['megabytes_per_cpu_second']} MB/s per CPU second; load average {t['load_average']}")
    results["machine"] = {"python": platform.python_version(), "processor": platform.machine()}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
