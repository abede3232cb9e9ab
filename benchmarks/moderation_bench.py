"""Comment moderation (п. 2.5): quality on the labelled sets, and the time for N comments.

Prints precision and recall per category on tests/moderation/labelled.jsonl (the
development set the rules were tuned on) and holdout.jsonl (written before its first
score), then the time to classify N comments (default 100,000) against a baseline
measured in the same run: python-obscene-words-filter's own whole-text search, the one
rule of the four that the library alone would give.

`--dictionary` instead runs every word form of pymorphy3's dictionary (5.1 million,
about six CPU minutes) through the obscene-word rule and prints the lemmas it flags:
the way the ordinary words the library's expressions catch were found.

The N comments are the labelled ones, each with three words of its clean comments
appended (seeded), so no two are alike and the word caches see a realistic vocabulary.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from obscene_words_filter.default import get_default_filter

from moderation import engagement
from moderation.classifier import classify_many
from moderation.flags import CATEGORIES
from moderation.scoring import score

SETS = Path(__file__).parents[1] / "tests" / "moderation"


def _load(name: str) -> list[dict]:
    return [json.loads(line) for line in (SETS / name).read_text(encoding="utf-8").splitlines()]


def _quality(name: str) -> None:
    rows = _load(name)
    verdicts = classify_many(row["text"] for row in rows)
    scores = score(
        (set(row["categories"]), v.categories) for row, v in zip(rows, verdicts, strict=True)
    )
    print(f"{name}: {len(rows)} comments")
    print(f"  {'category':<14} {'labelled':>8} {'precision':>9} {'recall':>7}")
    for name_ in (*CATEGORIES, "all"):
        s = scores[name_]
        labelled = s.true_positives + s.false_negatives
        print(f"  {name_:<14} {labelled:>8} {s.precision:>9.3f} {s.recall:>7.3f}")


def _workload(count: int, seed: int = 25) -> list[str]:
    rows = _load("labelled.jsonl")
    texts = [row["text"] for row in rows]
    vocabulary = sorted(
        {word for row in rows if not row["categories"] for word in row["text"].split()}
    )
    rng = random.Random(seed)
    return [
        f"{texts[i % len(texts)]} {' '.join(rng.choices(vocabulary, k=3))}" for i in range(count)
    ]


def _dictionary() -> None:
    import pymorphy3

    from moderation.obscene import rule_for

    flagged: dict[str, int] = {}
    total = 0
    for (
        word,
        _tag,
        lemma,
        _paradigm,
        _index,
    ) in pymorphy3.MorphAnalyzer().dictionary.iter_known_words():
        total += 1
        if rule_for(word):
            flagged[lemma] = flagged.get(lemma, 0) + 1
    print(f"{total:,} word forms; {sum(flagged.values())} flagged, of {len(flagged)} lemmas:")
    print(" ".join(sorted(flagged)))


def main() -> None:
    if sys.argv[1:] == ["--dictionary"]:
        _dictionary()
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    started = time.process_time()
    engagement.forms()
    warmup = time.process_time() - started
    _quality("labelled.jsonl")
    _quality("holdout.jsonl")
    comments = _workload(count)

    library = get_default_filter()
    started = time.process_time()
    baseline_hits = sum(
        1 for text in comments if next(library.find_bad_word_matches_without_good_words(text), None)
    )
    baseline = time.process_time() - started

    started = time.process_time()
    flagged = sum(1 for verdict in classify_many(comments) if verdict.flags)
    ours = time.process_time() - started

    # CPU time, not wall time: the machine is shared, and a wall clock measures the neighbours.
    print(f"{count:,} comments ({sum(map(len, comments)) / count:.0f} characters on average)")
    print(f"  pymorphy3 word forms, built once:         {warmup:6.2f} s CPU")
    print(
        f"  library alone, obscene only:              {baseline:6.2f} s CPU ({baseline_hits:,} flagged)"
    )
    print(f"  srok, four categories:                    {ours:6.2f} s CPU ({flagged:,} flagged)")
    print(f"  ratio srok / library alone:               {ours / baseline:6.2f}")
    print(f"  per comment:                              {ours / count * 1e6:6.0f} µs")


if __name__ == "__main__":
    main()
