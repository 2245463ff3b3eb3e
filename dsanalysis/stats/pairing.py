"""Whether every model was scored on the same test images of each dataset (paired comparisons).

The cross-dataset matrix, the Friedman and Nemenyi tests, the Wilcoxon pairs, the mixed model and
the paired image bootstrap all compare models on one evaluated dataset as if they had been scored
on the same images. That holds when every model is tested on the dataset's partition
(:mod:`dsanalysis.model.partitions`); a model trained on another split of the dataset, or an
evaluation of all images beside test-part ones, breaks it. This module finds such datasets and,
on request, restricts every model to the images all of them were scored on (which pairs them
again, on fewer images).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from dsanalysis.errors import UserError
from dsanalysis.stats.score_matrix import ScoreMatrices, ScoreMatrix

PAIRING_COLUMNS = ["eval_dataset", "n_runs", "n_image_sets", "n_images_union", "n_images_common", "paired"]
#: fewest images of each class the common images must hold for --common-images to compare on them
MIN_COMMON_PER_CLASS = 2


def image_sets(scores: ScoreMatrices) -> pd.DataFrame:
    """How many distinct sets of images the runs evaluated on each dataset were scored on.

    Returns
    -------
    DataFrame with columns eval_dataset, n_runs (runs scored on the dataset), n_image_sets (distinct
    sets of scored image ids among them; 1 means paired), n_images_union (images scored by any run),
    n_images_common (images scored by every run), paired (n_image_sets == 1).
    """
    rows = []
    for matrix in scores.matrices:
        scored = ~np.isnan(matrix.scores)
        sets = np.unique(scored, axis=0) if len(scored) else scored
        rows.append({"eval_dataset": matrix.eval_dataset, "n_runs": int(scored.shape[0]), "n_image_sets": int(len(sets)),
                     "n_images_union": int(scored.shape[1]), "n_images_common": int(scored.all(axis=0).sum()),
                     "paired": bool(len(sets) <= 1)})
    return pd.DataFrame(rows, columns=PAIRING_COLUMNS)


def _restricted(matrix: ScoreMatrix) -> ScoreMatrix:
    keep = ~np.isnan(matrix.scores).any(axis=0)
    return replace(matrix, image_ids=matrix.image_ids[keep], fake=matrix.fake[keep], scores=matrix.scores[:, keep])


def paired_scores(scores: ScoreMatrices, *, common_images: bool = False) -> tuple[ScoreMatrices, list[str]]:
    """The scores, checked to be paired within each evaluated dataset.

    Parameters
    ----------
    scores : ScoreMatrices
    common_images : bool
        False (default): raise :class:`UserError` naming every dataset whose models were scored on
        different images. True: keep, for each such dataset, only the images every model scored
        (the comparison is paired again, on fewer images) and say so in a note.

    Returns
    -------
    tuple
        (scores to analyse, notes: one message per restricted dataset).

    Raises
    ------
    UserError
        when models were scored on different images of a dataset and ``common_images`` is False, or
        when the common images of a dataset hold fewer than two images of a class.
    """
    sets = image_sets(scores)
    unpaired = sets[~sets["paired"]]
    if unpaired.empty:
        return scores, []
    described = "; ".join(f"{r.eval_dataset}: {r.n_runs} models on {r.n_image_sets} different image sets, "
                          f"{r.n_images_common} of {r.n_images_union} images scored by all" for r in unpaired.itertuples())
    if not common_images:
        raise UserError(
            f"models were scored on different test images ({described}), so their comparison would not be paired. "
            "`python -m dsanalysis evaluate --all` scores every model on each dataset's test partition "
            "(`sql --query partitions`); a model trained on another split of a dataset is tested there on its own split "
            "(retrain it on the partition); or give `analyze --common-images` to compare on the images every model scored")
    notes, matrices = [], []
    for matrix in scores.matrices:
        if unpaired["eval_dataset"].eq(matrix.eval_dataset).any():
            restricted = _restricted(matrix)
            n_fake = int(restricted.fake.sum())
            n_real = len(restricted.fake) - n_fake
            if min(n_fake, n_real) < MIN_COMMON_PER_CLASS:
                raise UserError(f"{matrix.eval_dataset}: the models share only {n_real} real and {n_fake} fake scored "
                                f"images, too few to compare them on (at least {MIN_COMMON_PER_CLASS} of each class)")
            notes.append(f"{matrix.eval_dataset}: models were scored on different test images; compared on the "
                         f"{len(restricted.image_ids)} of {len(matrix.image_ids)} images every one of them scored "
                         f"({n_real} real, {n_fake} fake)")
            matrix = restricted
        matrices.append(matrix)
    return ScoreMatrices(scores.runs, matrices), notes


def kept_images(scores: ScoreMatrices) -> pd.DataFrame:
    """eval_dataset, image_id: every image the (possibly restricted) matrices hold."""
    parts = [pd.DataFrame({"eval_dataset": m.eval_dataset, "image_id": m.image_ids}) for m in scores.matrices]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["eval_dataset", "image_id"])
