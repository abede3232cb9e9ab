"""Precision and recall per category of a classifier's verdicts against a labelled set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from moderation.flags import CATEGORIES


@dataclass(frozen=True, slots=True)
class Score:
    """Counts of one category (or of all together) over comments."""

    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0


def score(pairs: Iterable[tuple[set[str], set[str]]]) -> dict[str, Score]:
    """Score (labelled, predicted) category sets per comment; key "all" sums every category."""
    counts = {name: [0, 0, 0] for name in (*CATEGORIES, "all")}
    for labelled, predicted in pairs:
        for name in CATEGORIES:
            wanted, got = name in labelled, name in predicted
            cell = None if wanted == got == False else (0 if wanted and got else (1 if got else 2))  # noqa: E712
            if cell is not None:
                counts[name][cell] += 1
                counts["all"][cell] += 1
    return {name: Score(*c) for name, c in counts.items()}
