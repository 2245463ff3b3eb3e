"""Whether a trained run learned anything, decided on its validation part only (never on test data).

A run that stayed at chance is not evidence about its training data: it measures optimisation
luck. After training, the stored model (the epoch kept by model selection) scores its validation
part, and:

* ``true``: the lower end of the 95% bootstrap interval of its validation AUC (fake = positive;
  percentile, resampled within each class) is above 0.5;
* ``false``: the interval reaches 0.5 or below, so the validation data show no sign it learned;
* ``unknown``: no validation part, or fewer than :data:`MIN_PER_CLASS` images of a class in it
  (too few for the interval to tell).

The verdict, the AUC, its interval and a one-line reason are stored with the run (``runs.learned``,
``learned_auc``, ``learned_ci_low``, ``learned_ci_high``, ``learned_reason``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dsanalysis.detection_metrics import CHANCE_AUC, auc as plain_auc, bootstrap_intervals, is_fake

#: fewest validation images of each class for a verdict other than 'unknown'
MIN_PER_CLASS = 10
CONFIDENCE = 0.95
RESAMPLES = 2000
VERDICTS = ("true", "false", "unknown")


@dataclass(frozen=True)
class LearningCheck:
    """The verdict on one run: learned 'true', 'false' or 'unknown', with its evidence."""

    learned: str
    auc: float | None
    ci_low: float | None
    ci_high: float | None
    n_real: int
    n_fake: int
    reason: str

    def line(self) -> str:
        """'learned: true (validation AUC 0.912, 95% CI 0.861-0.955, 30 real + 30 fake images)' and the like."""
        return f"learned: {self.learned} ({self.reason})"


def learning_check(labels: np.ndarray, score_real: np.ndarray, *, seed: int = 0) -> LearningCheck:
    """Decide whether a model learned from its validation labels and scores.

    Parameters
    ----------
    labels : array of 'real' / 'fake'
        the validation images' labels (may be empty: no validation part).
    score_real : array of float
        the model's P(real) for each.
    seed : int
        seed of the bootstrap.

    Returns
    -------
    LearningCheck
    """
    labels = np.asarray(labels)
    score_real = np.asarray(score_real, dtype=np.float64)
    if len(labels) != len(score_real):
        raise ValueError("labels and score_real differ in length")
    n_fake = int((labels == "fake").sum())
    n_real = int((labels == "real").sum())
    if n_fake + n_real != len(labels):
        raise ValueError("labels must be 'real' or 'fake'")
    if len(labels) == 0:
        return LearningCheck("unknown", None, None, None, 0, 0, "no validation part to check it on")
    if min(n_real, n_fake) < MIN_PER_CLASS:
        return LearningCheck("unknown", None, None, None, n_real, n_fake,
                             f"validation part too small to tell: {n_real} real and {n_fake} fake images "
                             f"(at least {MIN_PER_CLASS} of each needed)")
    auc = plain_auc(score_real, is_fake(labels))
    low, high = bootstrap_intervals(labels, score_real, resamples=RESAMPLES, seed=seed, level=CONFIDENCE)["auc"]
    evidence = (f"validation AUC {auc:.3f}, {CONFIDENCE:.0%} CI {low:.3f}-{high:.3f}, "
                f"{n_real} real + {n_fake} fake images")
    if low > CHANCE_AUC:
        return LearningCheck("true", auc, low, high, n_real, n_fake, f"{evidence}: above chance")
    return LearningCheck("false", auc, low, high, n_real, n_fake, f"{evidence}: the interval reaches chance (0.5)")
