"""Writes pairs.jsonl from the hand-written lists in pairs_paraphrase.py and pairs_nearmiss.py."""
import json
from pairs_paraphrase import P
from pairs_nearmiss import N

with open("pairs.jsonl", "w", encoding="utf-8") as f:
    for kind, a, b in P:
        f.write(json.dumps({"a": a, "b": b, "label": "same", "category": "paraphrase", "kind": kind}, ensure_ascii=False) + "\n")
    for category, pairs in N.items():
        for a, b in pairs:
            f.write(json.dumps({"a": a, "b": b, "label": "different", "category": category}, ensure_ascii=False) + "\n")
