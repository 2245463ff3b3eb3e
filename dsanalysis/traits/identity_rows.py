"""Identity traits from the stored face descriptors: per dataset and class, per dataset pair, per split
(identity leakage), and the identity groups behind the ``identity`` split strategy.

Every caller clusters a dataset's faces the same way (:func:`dataset_identities`: its usable images
with a descriptor, in image order, :data:`~dsanalysis.traits.identities.CLUSTER_SEED`), so the
identities a split was drawn from are the ones its leakage is measured with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dsanalysis.errors import UserError
from dsanalysis.store import Store
from dsanalysis.traits import distances, diversity, identities
from dsanalysis.traits.identity import DESCRIPTOR_MODEL, EXTRACTOR, VERSION

#: Cuts of the clustering, the same-person threshold first.
THRESHOLDS = (identities.SAME_PERSON, *identities.SENSITIVITY)
#: The identity Vendi score is exact up to this many faces (an n x n kernel); beyond, a seeded subsample.
VENDI_MAX_IMAGES = 2_000
LEAKAGE_PREFIX = "identity_leakage_test_share."
CLASSES = ("all", "real", "fake")
ROW_COLUMNS = ["trait", "class", "value", "ci_low", "ci_high", "n", "params"]
PAIR_COLUMNS = ["dataset_a", "dataset_b", "trait", "value", "n_a", "n_b", "params"]


@dataclass(frozen=True)
class DatasetIdentities:
    """One dataset's faces: image ids, labels, descriptors (n, 128) and identity labels per threshold of THRESHOLDS."""

    image_ids: np.ndarray
    labels: np.ndarray
    descriptors: np.ndarray
    clusters: np.ndarray  # (len(THRESHOLDS), n)

    @property
    def identity(self) -> np.ndarray:
        """Identity of each face at the same-person threshold."""
        return self.clusters[0]


def dataset_identities(store: Store, dataset: str) -> DatasetIdentities | None:
    """The faces of ``dataset``'s usable images that have a stored descriptor, clustered; None when none has."""
    found = store.query("traits_face_descriptors", dataset=dataset)
    if found.empty:
        return None
    x = np.stack(found["descriptor"].to_numpy()).astype(np.float64)
    return DatasetIdentities(found["image_id"].to_numpy(np.int64), found["label"].to_numpy(str), x,
                             identities.cluster_identities(x, THRESHOLDS))


def _params(faces: int, **extra: object) -> str:
    return json.dumps({"descriptor": DESCRIPTOR_MODEL, "clustering": f"{identities.LINKAGE} linkage, Euclidean",
                       "threshold": identities.SAME_PERSON, "max_exact": identities.MAX_EXACT_IMAGES,
                       "cluster_seed": identities.CLUSTER_SEED, "n_faces": faces, **extra}, sort_keys=True)


def _row(trait: str, klass: str, value: float, n: int, params: str) -> dict:
    return {"trait": trait, "class": klass, "value": float(value), "ci_low": np.nan, "ci_high": np.nan, "n": int(n),
            "params": params}


def dataset_identity_rows(store: Store, dataset: str, images: pd.DataFrame, found: DatasetIdentities | None,
                          seed: int) -> pd.DataFrame:
    """Identity traits of one dataset, per class, and the identity leakage of each of its stored splits.

    Parameters
    ----------
    images : DataFrame
        image_id, label of the dataset's usable images.
    found : DatasetIdentities or None
        :func:`dataset_identities` of the dataset (None: no descriptors, no rows).

    Returns
    -------
    DataFrame
        trait, class, value, ci_low, ci_high (NaN), n, params: identity_coverage (faces with a descriptor /
        images; n images), identities, identities_at_0.5, identities_at_0.7, identity_entropy (nats),
        identity_largest_share, images_per_identity, identity_vendi_score (n faces), per class;
        fake_identity_in_real_share (class fake); identity_leakage_test_share.<split_id> (class all, n test
        faces; params: leaked, warning, warning_threshold).
    """
    if found is None:
        return pd.DataFrame(columns=ROW_COLUMNS)
    rows = []
    for klass in CLASSES:
        in_class = np.ones(len(found.labels), bool) if klass == "all" else found.labels == klass
        class_images = len(images) if klass == "all" else int((images["label"] == klass).sum())
        faces = int(in_class.sum())
        params = _params(faces)
        if class_images:
            rows.append(_row("identity_coverage", klass, faces / class_images, class_images, params))
        if not faces:
            continue
        for threshold, labels in zip(THRESHOLDS, found.clusters, strict=True):
            name = "identities" if threshold == identities.SAME_PERSON else f"identities_at_{threshold:g}"
            rows.append(_row(name, klass, len(np.unique(labels[in_class])), faces,
                             _params(faces, threshold=threshold)))
        for trait, value in identities.identity_summary(found.identity[in_class]).items():
            if trait != "identities":
                rows.append(_row(trait, klass, value, faces, params))
        x = found.descriptors[in_class]
        used = diversity.subsample(len(x), VENDI_MAX_IMAGES, seed)
        rows.append(_row("identity_vendi_score", klass,
                         diversity.gaussian_vendi_score(x[used], identities.SAME_PERSON), faces,
                         _params(faces, kernel="gaussian, half similarity at the threshold", n_used=int(len(used)),
                                 seed=seed, max_vendi=VENDI_MAX_IMAGES)))
    fake = found.labels == "fake"
    if fake.any():
        rows.append(_row("fake_identity_in_real_share", "fake", identities.shared_identity_share(found.identity, fake),
                         int(fake.sum()), _params(len(fake))))
    leakage = identities.split_leakage_rows(found.identity, found.image_ids, store.query("traits_split_parts",
                                                                                            dataset=dataset))
    for row in leakage.itertuples(index=False):
        rows.append(_row(f"{LEAKAGE_PREFIX}{row.split_id}", "all", row.share, row.test_faces,
                         _params(len(found.labels), split_id=row.split_id, leaked=int(row.leaked),
                                 warning=bool(row.warning), warning_threshold=identities.LEAKAGE_WARNING,
                                 warning_rule="share > warning_threshold")))
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


def pair_identity_rows(found: dict[str, DatasetIdentities], seed: int) -> pd.DataFrame:
    """Identity overlap and identity-space distance of every ordered pair of datasets with faces.

    Returns
    -------
    DataFrame
        dataset_a, dataset_b, trait, value, n_a, n_b, params: identity_overlap (share of B's identities found
        in A), identity_frechet_distance (Frechet distance between the two descriptor distributions, squared
        descriptor units; symmetric).
    """
    rows = []
    names = [name for name, f in found.items() if f is not None and len(f.labels) >= 2]
    for a in names:
        for b in names:
            if a == b:
                continue
            fa, fb = found[a], found[b]
            ra = diversity.subsample(len(fa.labels), distances.MAX_EXACT_IMAGES, seed)
            rb = diversity.subsample(len(fb.labels), distances.MAX_EXACT_IMAGES, seed + 1)
            overlap = identities.identity_overlap(fa.descriptors[ra], fa.identity[ra], fb.descriptors[rb], fb.identity[rb])
            base = {"descriptor": DESCRIPTOR_MODEL, "seed": seed, "max_exact": distances.MAX_EXACT_IMAGES,
                    "n_used_a": int(len(ra)), "n_used_b": int(len(rb))}
            overlap_params = {**base, "threshold": identities.SAME_PERSON, "reference": "dataset_a",
                              "rule": "B identity found in A when its mean distance to an identity of A <= threshold"}
            rows.append({"dataset_a": a, "dataset_b": b, "trait": "identity_overlap", "value": overlap,
                         "n_a": len(fa.labels), "n_b": len(fb.labels), "params": json.dumps(overlap_params, sort_keys=True)})
            rows.append({"dataset_a": a, "dataset_b": b, "trait": "identity_frechet_distance",
                         "value": distances.frechet_distance(fa.descriptors, fb.descriptors),
                         "n_a": len(fa.labels), "n_b": len(fb.labels),
                         "params": json.dumps({**base, "moments": "all faces"}, sort_keys=True)})
    return pd.DataFrame(rows, columns=PAIR_COLUMNS)


def identity_groups(store: Store, images: pd.DataFrame) -> pd.Series:
    """Identity group of each usable image of one dataset, for the ``identity`` split strategy.

    Parameters
    ----------
    images : DataFrame
        the dataset's usable images (image_id, dataset, content_hash), as :func:`~dsanalysis.model.splits.usable_images`.

    Returns
    -------
    Series
        'identity:<k>' per image in ``images``' order; None for an image without a face (a group of its own).

    Raises
    ------
    UserError
        when some image was not measured by the identity extractor, or no image has a descriptor.
    """
    dataset = str(images["dataset"].iloc[0])
    done = set(store.query("traits_done_hashes", extractor=EXTRACTOR, extractor_version=VERSION)["content_hash"])
    todo = int((~images["content_hash"].isin(done)).sum())
    command = f"`python -m dsanalysis traits {dataset} --extractors faces,identity`"
    if todo:
        raise UserError(f"{todo} of {len(images)} images of {dataset!r} have no identity descriptors for --split identity; "
                        f"run {command} first")
    found = dataset_identities(store, dataset)
    if found is None:
        raise UserError(f"no image of {dataset!r} has a face descriptor (no face found): --split identity needs faces")
    groups = {int(i): f"identity:{k}" for i, k in zip(found.image_ids, found.identity, strict=True)}
    return pd.Series([groups.get(int(i)) for i in images["image_id"]], dtype=object)
