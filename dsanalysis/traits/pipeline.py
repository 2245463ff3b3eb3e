"""The ``traits`` run: per-image descriptors for new images, then per-dataset, pair and embedding traits.

Per-image descriptors are keyed by content hash and extractor version, so a second run over
unchanged images computes nothing per image. Each batch of images is written in one transaction,
and all per-dataset results of a run in one more, so an interrupted run leaves only complete rows.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dsanalysis.errors import UserError
from dsanalysis.model.leakage import check_unchecked_splits
from dsanalysis.progress import progress
from dsanalysis.provenance import library_versions, stable_key
from dsanalysis.store import Store
from dsanalysis.traits import diversity, distances, duplicates, embedding, identity_rows, summaries, vectors
from dsanalysis.traits import identity as identity_module
from dsanalysis.traits.extraction import CHUNK_SIZE, POOL_EXTRACTORS, VERSIONS, Item, Row, extract_streaming

EXTRACTORS = (*POOL_EXTRACTORS, "identity", "deepface")
DEFAULT_EXTRACTORS = POOL_EXTRACTORS
#: Images written to the store per transaction during extraction.
WRITE_EVERY = 512
ROW_COLUMNS = ["content_hash", "extractor", "trait", "value", "category", "missing_reason", "extractor_version"]
#: Categorical descriptors summarized with shares, entropy and Simpson index.
CATEGORY_TRAITS = ("ita_category", "file_format", "chroma_subsampling", "jpeg_coding", "dominant_gender", "dominant_race",
                   "dominant_emotion")
#: Categorical file fingerprints with possibly one value per image (a table hash, a size): audited for shortcuts
#: (analysis 'shortcuts'), not summarized as shares.
AUDIT_ONLY_TRAITS = ("jpeg_qtable", "image_size")
#: Shortcut warnings printed by the traits command (all are stored).
SHORTCUT_LINES = 10
#: User-supplied attributes with at most this many distinct values are summarized as categories.
MAX_ATTRIBUTE_CATEGORIES = 20


@dataclass
class TraitsSummary:
    """What one run did; ``lines()`` is the command's report."""

    datasets: list[str]
    images: int = 0
    measured: dict[str, int] = field(default_factory=dict)
    reused: dict[str, int] = field(default_factory=dict)
    extract_seconds: float = 0.0
    dataset_rows: int = 0
    pair_rows: int = 0
    embedding_rows: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    shortcuts: list[str] = field(default_factory=list)  # the shortcut audit's warnings, or the line saying there are none

    def lines(self) -> list[str]:
        out = [f"traits for {', '.join(self.datasets)}: {self.images} usable images"]
        for extractor in self.measured:
            out.append(f"  {extractor}: {self.measured[extractor]} images measured, {self.reused[extractor]} unchanged (reused)")
        measured = max(self.measured.values(), default=0)
        if measured:
            out.append(f"  per-image descriptors: {measured} images in {self.extract_seconds:.1f} s "
                       f"({measured / max(self.extract_seconds, 1e-9):.1f} images/s)")
        out.append(f"  stored: {self.dataset_rows} dataset traits, {self.pair_rows} dataset-pair traits, "
                   f"{self.embedding_rows} embedding points")
        out.extend(f"  note: {n}" for n in self.notes)
        out.extend(f"  {line}" for line in self.shortcuts)
        out.append(f"  done in {self.seconds:.1f} s (queries: dataset_traits, dataset_pair_traits, image_traits, trait_missing)")
        return out


def parse_extractors(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in EXTRACTORS]
    if unknown or not names:
        raise UserError(f"unknown extractor {unknown[0] if unknown else text!r} in --extractors; use any of {', '.join(EXTRACTORS)}")
    return names


def _images(store: Store, datasets: Sequence[str] | None) -> tuple[list[str], pd.DataFrame]:
    registered = store.query("registered_dataset_names")["dataset"].tolist()
    if not registered:
        raise UserError("no datasets registered; add one with `python -m dsanalysis ingest NAME PATH`")
    chosen = list(datasets) if datasets else registered
    for name in chosen:
        if name not in registered:
            raise UserError(f"dataset {name!r} is not registered (registered: {', '.join(registered)})")
    frames = [store.query("usable_images", dataset=name) for name in chosen]
    return chosen, pd.concat(frames, ignore_index=True)


def _write_rows(store: Store, rows: list[Row], descriptors: list[identity_module.DescriptorRow] | None = None) -> None:
    """Store image_traits rows, and with ``descriptors`` the face descriptors of the identity rows' images, at once."""
    frame = pd.DataFrame(rows, columns=ROW_COLUMNS).astype({"value": "float64"})
    with store.transaction():
        store.execute("traits_insert_image_traits", inputs={"traits_rows": frame})
        if descriptors is not None:
            store.execute("traits_replace_face_descriptors", inputs={"traits_rows": frame, "identity_descriptors": pd.DataFrame(
                descriptors, columns=["content_hash", "descriptor", "extractor_version"])})


def _with_face_boxes(store: Store, items: list[tuple[str, str]]) -> list[tuple[str, str, tuple[float, ...] | None]]:
    """(content_hash, path, the stored primary-face box (x, y, width, height) or None) for each (content_hash, path)."""
    boxes = store.query("traits_face_boxes", inputs={"traits_hashes": pd.DataFrame({"content_hash": [h for h, _ in items]})}
                        ).set_index("content_hash")
    out = []
    for content_hash, path in items:
        box = boxes.loc[content_hash] if content_hash in boxes.index else None
        present = box is not None and box.notna().all()
        out.append((content_hash, path, tuple(float(v) for v in box) if present else None))
    return out


def measure_images(store: Store, images: pd.DataFrame, extractors: Sequence[str], jobs: int,
                   summary: TraitsSummary, *, deepface_home: str | None = None) -> None:
    """Compute and store the per-image descriptors missing for ``images`` (by content hash)."""
    unique = images.drop_duplicates("content_hash")
    wanted: dict[str, set[str]] = {}
    for extractor in extractors:
        version = _version(extractor)
        done = set(store.query("traits_done_hashes", extractor=extractor, extractor_version=version)["content_hash"])
        todo = [h for h in unique["content_hash"] if h not in done]
        summary.measured[extractor] = len(todo)
        summary.reused[extractor] = len(unique) - len(todo)
        for h in todo:
            wanted.setdefault(h, set()).add(extractor)
    started = time.perf_counter()
    pool_items: list[Item] = []
    deepface_items: list[tuple[str, str]] = []
    identity_items: list[tuple[str, str]] = []
    for row in unique.itertuples(index=False):
        needed = wanted.get(row.content_hash, set())
        pooled = tuple(e for e in POOL_EXTRACTORS if e in needed)
        if pooled:
            pool_items.append((row.content_hash, row.path, row.format, pooled))
        if "deepface" in needed:
            deepface_items.append((row.content_hash, row.path))
        if identity_module.EXTRACTOR in needed:
            identity_items.append((row.content_hash, row.path))
    if pool_items:
        buffer: list[Row] = []
        buffered = 0
        chunks = -(-len(pool_items) // CHUNK_SIZE)
        bar = progress(extract_streaming(pool_items, jobs), total=chunks,
                       desc=f"traits: {len(pool_items)} images, {CHUNK_SIZE} per chunk", unit="chunk")
        for count, rows in _released_between(store, bar):
            buffer.extend(rows)
            buffered += count
            if buffered >= WRITE_EVERY:
                _write_rows(store, buffer)
                buffer, buffered = [], 0
        if buffer:
            _write_rows(store, buffer)
    if identity_items:  # after the faces extractor: it reads the stored face boxes
        items = _with_face_boxes(store, identity_items)
        bar = progress(identity_module.measure_streaming(items, jobs), total=-(-len(items) // identity_module.CHUNK_SIZE),
                       desc=f"traits: identity, {len(items)} images", unit="chunk")
        for _, (rows, descriptors) in _released_between(store, bar):
            _write_rows(store, rows, descriptors)
    if deepface_items:
        from dsanalysis.traits.deepface_attributes import run_deepface

        items = _with_face_boxes(store, deepface_items)
        for rows in _released_between(store, progress(run_deepface(items, deepface_home), desc="traits: deepface",
                                                      unit="chunk")):
            _write_rows(store, rows)
    summary.extract_seconds = time.perf_counter() - started


def _released_between(store: Store, results: Iterable[Any]) -> Iterator[Any]:
    """Each result of a long computation, with the store released while the next one is computed, so other
    commands (report, sql) can use it meanwhile; the caller writes with the store held."""
    iterator = iter(results)
    while True:
        with store.released():
            item = next(iterator, _DONE)
        if item is _DONE:
            return
        yield item


_DONE = object()


def traits_up_to_date(store: Store, datasets: Sequence[str], extractors: Sequence[str]) -> bool:
    """Whether every usable image of ``datasets`` has each extractor's descriptors at its current version and every
    dataset's traits were computed after its images last changed (what `traits` would otherwise do)."""
    names, images = _images(store, datasets)
    for extractor in extractors:
        version = _version(extractor)
        done = set(store.query("traits_done_hashes", extractor=extractor, extractor_version=version)["content_hash"])
        if not set(images["content_hash"].dropna()) <= done:
            return False
    for name in names:
        computed = store.con.execute("SELECT min(computed_at) FROM dataset_traits WHERE dataset = ?", [name]).fetchone()[0]
        ingested = store.con.execute("SELECT max(ingested_at) FROM images WHERE dataset = ?", [name]).fetchone()[0]
        if computed is None or (ingested is not None and computed < ingested):
            return False
    return True


def _deepface_version() -> str:
    from dsanalysis.traits.deepface_attributes import VERSION

    return VERSION


def _version(extractor: str) -> str:
    if extractor == identity_module.EXTRACTOR:
        return identity_module.VERSION
    return VERSIONS[extractor] if extractor in VERSIONS else _deepface_version()


def wide_traits(store: Store, dataset: str, images: pd.DataFrame) -> pd.DataFrame:
    """One row per usable image of ``dataset``: image_id, label, group_id, source_split, then one column per
    descriptor (numbers, or text for categorical ones) and per user-supplied attribute (prefixed 'attr.')."""
    base = images[images["dataset"] == dataset][["image_id", "label", "group_id", "source_split"]].reset_index(drop=True)
    long = store.query("traits_image_values", dataset=dataset)
    if not long.empty:
        long["cell"] = long["value"].astype(object).where(long["value"].notna(), long["category"])
        wide = long.pivot_table(index="image_id", columns="trait", values="cell", aggfunc="first")
        base = base.merge(wide, left_on="image_id", right_index=True, how="left")
    attributes = store.query("traits_image_attributes", dataset=dataset)
    if not attributes.empty:
        attrs = attributes.pivot(index="image_id", columns="name", values="value").add_prefix("attr.")
        base = base.merge(attrs, left_on="image_id", right_index=True, how="left")
    return base


def _numeric_attribute(column: pd.Series) -> bool:
    """A user attribute whose every value is a number and that has too many values to be a category."""
    present = column.dropna()
    return len(present) > 0 and pd.to_numeric(present, errors="coerce").notna().all() \
        and present.nunique() > MAX_ATTRIBUTE_CATEGORIES


def _numeric_columns(frame: pd.DataFrame) -> list[str]:
    skip = {"image_id", "label", "group_id", "source_split", "phash", *CATEGORY_TRAITS, *AUDIT_ONLY_TRAITS}
    columns = []
    for column in frame.columns:
        if column in skip:
            continue
        if str(column).startswith("attr."):
            if _numeric_attribute(frame[column]):
                columns.append(column)
        elif pd.to_numeric(frame[column], errors="coerce").notna().any():
            columns.append(column)
    return columns


def _category_columns(frame: pd.DataFrame) -> list[str]:
    columns = [c for c in CATEGORY_TRAITS if c in frame]
    for column in frame.columns:
        if str(column).startswith("attr.") and 1 < frame[column].nunique() <= MAX_ATTRIBUTE_CATEGORIES:
            columns.append(column)
    return columns


def dataset_rows(store: Store, dataset: str, frame: pd.DataFrame, standardizer: dict, seed: int,
                 resamples: int) -> pd.DataFrame:
    """Every per-dataset trait of one dataset (columns of the dataset_traits table, without computed_at)."""
    parts = [summaries.size_summaries(frame)]
    base_params = {"seed": seed, "bootstrap_resamples": resamples, "ci_level": summaries.CI_LEVEL}
    parts.append(summaries.numeric_summaries(frame, _numeric_columns(frame), resamples, seed))
    for column in _category_columns(frame):
        parts.append(summaries.category_summaries(frame, column, resamples, seed))
    out = pd.concat(parts, ignore_index=True)
    out["params"] = json.dumps(base_params, sort_keys=True)
    if "missing_reason" in out:  # an undefined value says why in its params
        reasons = out["missing_reason"].notna()
        out.loc[reasons, "params"] = [json.dumps({**base_params, "missing_reason": r}, sort_keys=True)
                                      for r in out.loc[reasons, "missing_reason"]]
        out = out.drop(columns="missing_reason")
    vector_params = {"representation": "descriptors", "descriptors": standardizer["columns"],
                     "log1p": standardizer["log1p"], "standardized_on": standardizer["reference"],
                     "missing": "set to the reference mean"}
    extra = vector_rows(DESCRIPTOR_PREFIX, vectors.standardized_vectors(frame, standardizer),
                        frame["label"].to_numpy(), vector_params, seed)
    usable = store.query("usable_images", dataset=dataset)
    extra.extend(duplicates.dataset_rows(usable, seed))
    # split leakage is stored with each split (model.leakage); splits drawn before that are checked here
    check_unchecked_splits(store, dataset, usable)
    out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    out.insert(0, "dataset", dataset)
    return out


def shortcut_descriptors(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The shortcut audit's input: every numeric and categorical descriptor of every image, in long form.

    Parameters
    ----------
    frames : dict of DataFrame
        dataset name -> :func:`wide_traits` frame.

    Returns
    -------
    DataFrame
        dataset, image_id, label, descriptor, kind ('numeric' or 'categorical'), value (numeric
        descriptors, NaN when missing), category (categorical ones, None when missing).
    """
    columns = ["dataset", "image_id", "label", "descriptor", "kind", "value", "category"]
    parts = []
    for dataset, frame in frames.items():
        numeric = _numeric_columns(frame)
        categorical = [c for c in dict.fromkeys([*_category_columns(frame), *AUDIT_ONLY_TRAITS])
                       if c in frame and c not in numeric]
        ids = ["image_id", "label"]
        if numeric:
            long = frame[ids + numeric].melt(id_vars=ids, var_name="descriptor", value_name="value")
            parts.append(long.assign(dataset=dataset, kind="numeric", category=None,
                                     value=pd.to_numeric(long["value"], errors="coerce").astype("float64")))
        if categorical:
            long = frame[ids + categorical].melt(id_vars=ids, var_name="descriptor", value_name="category")
            category = long["category"].astype(object).where(long["category"].notna(), None)
            parts.append(long.assign(dataset=dataset, kind="categorical", value=np.nan,
                                     category=category.map(lambda v: v if v is None else str(v))))
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat([p[columns] for p in parts], ignore_index=True)


def audit_shortcuts(store: Store, frames: dict[str, pd.DataFrame], seed: int) -> list[str]:
    """Run the shortcut audit on ``frames`` (every registered dataset), store it as analysis 'shortcuts', and
    return the lines the command prints: one per warning, or one saying there is none."""
    from dsanalysis.stats import shortcuts
    from dsanalysis.stats.results import save_analysis

    data = shortcut_descriptors(frames)
    tables = shortcuts.shortcut_audit(data, seed=seed, datasets=sorted(frames))
    params = {"threshold": shortcuts.SHORTCUT_AUC, "confidence": shortcuts.CONFIDENCE, "folds": shortcuts.FOLDS,
              "warning_rule": "separation >= threshold and ci_low > 0.5", "interval": shortcuts.INTERVAL_METHOD}
    digest = pd.util.hash_pandas_object(data, index=False).to_numpy().tobytes() if not data.empty else b""
    inputs = {"datasets": sorted(frames), "rows": int(len(data)), "fingerprint": stable_key("shortcut_input", digest.hex())}
    save_analysis(store, "shortcuts", params, seed, inputs, tables)
    warned = tables["separation"][tables["separation"]["warning"].astype(bool)] if not tables["separation"].empty \
        else tables["separation"]
    if warned.empty:
        return [f"shortcut audit: no descriptor alone separates real from fake (AUC >= {shortcuts.SHORTCUT_AUC:g}) "
                "in any dataset (query: analysis_shortcuts)"]
    lines = [f"shortcut warning: {m}" for m in warned["message"].head(SHORTCUT_LINES)]
    if len(warned) > SHORTCUT_LINES:
        lines.append(f"shortcut warning: {len(warned) - SHORTCUT_LINES} more")
    lines.append("shortcut audit of every descriptor: query analysis_shortcuts (warnings: analysis_shortcut_warnings)")
    return lines


#: names of the traits computed on the 19 standardized descriptors (descriptor_vendi_score, ...) and on
#: user-supplied embeddings (embedding_vendi_score, ...): each name says which representation it measures
DESCRIPTOR_PREFIX, EMBEDDING_PREFIX = "descriptor_", "embedding_"


def vector_rows(prefix: str, x_all: np.ndarray, labels: np.ndarray, params: dict, seed: int) -> list[dict]:
    """Vendi score and mean pairwise distance of one dataset's image vectors, per class ('all', 'real', 'fake').

    Returns
    -------
    list of dict
        trait (``prefix`` + vendi_score / mean_pairwise_distance), class, value, n, params (JSON).
    """
    rows = []
    base = {**params, "seed": seed, "max_exact": diversity.MAX_EXACT_IMAGES}
    for klass in ("all", "real", "fake"):
        x = x_all if klass == "all" else x_all[labels == klass]
        used = diversity.subsample(len(x), diversity.MAX_EXACT_IMAGES, seed)
        vendi = diversity.vendi_score(x[used]) if len(used) else np.nan
        spread = diversity.mean_pairwise_distance(x[used]) if len(used) > 1 else np.nan
        rows.append({"trait": f"{prefix}vendi_score", "class": klass, "value": vendi, "n": len(x),
                     "params": json.dumps({**base, "n_used": int(len(used)), "kernel": "cosine"}, sort_keys=True)})
        rows.append({"trait": f"{prefix}mean_pairwise_distance", "class": klass, "value": spread, "n": len(x),
                     "params": json.dumps({**base, "n_used": int(len(used)), "metric": "euclidean"}, sort_keys=True)})
    return rows


def pair_rows(vectors_by_dataset: dict[str, np.ndarray], seed: int, prefix: str = DESCRIPTOR_PREFIX,
              params: dict | None = None) -> pd.DataFrame:
    """Frechet distance, MMD and PRDC for every ordered pair of datasets (PRDC: dataset_a is the reference),
    each trait named ``prefix`` + its name (``descriptor_frechet_distance``, ...)."""
    rows = []
    names = list(vectors_by_dataset)
    for a in names:
        for b in names:
            if a == b:
                continue
            x, y = vectors_by_dataset[a], vectors_by_dataset[b]
            if len(x) <= distances.PRDC_K or len(y) <= distances.PRDC_K:
                continue
            xs = x[diversity.subsample(len(x), distances.MAX_EXACT_IMAGES, seed)]
            ys = y[diversity.subsample(len(y), distances.MAX_EXACT_IMAGES, seed + 1)]
            bandwidth = distances.median_bandwidth(xs, ys)
            base = {**(params or {"representation": "descriptors"}), "seed": seed, "max_exact": distances.MAX_EXACT_IMAGES,
                    "n_used_a": len(xs), "n_used_b": len(ys)}
            values = {"frechet_distance": (distances.frechet_distance(x, y), {"moments": "all images"}),
                      "mmd_squared": (distances.mmd_squared(xs, ys, bandwidth),
                                      {"kernel": "gaussian", "bandwidth": bandwidth, "bandwidth_rule": "median pooled distance",
                                       "estimator": "unbiased"})}
            for name, value in distances.prdc(xs, ys).items():
                values[name] = (value, {"k": distances.PRDC_K, "reference": "dataset_a"})
            for trait, (value, params) in values.items():
                rows.append({"dataset_a": a, "dataset_b": b, "trait": prefix + trait, "value": value, "n_a": len(x), "n_b": len(y),
                             "params": json.dumps({**base, **params}, sort_keys=True)})
    return pd.DataFrame(rows, columns=["dataset_a", "dataset_b", "trait", "value", "n_a", "n_b", "params"])


def _user_vectors(user: Any, frames: dict[str, pd.DataFrame], images: pd.DataFrame,
                  summary: TraitsSummary) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per dataset, its images' user-supplied vectors and the mask of ``frames[name]`` rows that have one;
    datasets below :data:`user_embeddings.MIN_COVERAGE` are left out, with a note."""
    from dsanalysis.traits.user_embeddings import MIN_COVERAGE, image_vectors

    keys = images[["image_id", "content_hash", "path", "rel_path"]].drop_duplicates("image_id")
    out = {}
    for name, frame in frames.items():
        located = frame[["image_id"]].merge(keys, on="image_id", how="left")
        x, found = image_vectors(user, located)
        share = found.mean() if len(found) else 0.0
        if share < MIN_COVERAGE:
            summary.notes.append(f"{name}: {found.sum()} of {len(found)} images have a vector in {user.source} "
                                 f"(under {MIN_COVERAGE:.0%}): no embedding traits")
            continue
        if share < 1:
            summary.notes.append(f"{name}: embedding traits on the {found.sum()} of {len(found)} images with a vector "
                                 f"in {user.source}")
        out[name] = (x, found)
    return out


def _user_umap(user: Any, user_vectors: dict[str, tuple[np.ndarray, np.ndarray]], frames: dict[str, pd.DataFrame],
               seed: int, run_key: str, store: Store, summary: TraitsSummary) -> pd.DataFrame:
    """The joint UMAP map of the user-supplied vectors (method ``umap_embeddings``), kept when unchanged."""
    ids = np.concatenate([frames[name]["image_id"].to_numpy()[found] for name, (_, found) in user_vectors.items()])
    x = np.concatenate([v for v, _ in user_vectors.values()])
    if len(x) <= 3:
        summary.notes.append("no UMAP map of the embeddings: too few images")
        return pd.DataFrame(columns=["method", "image_id", "x", "y", "params"])
    return _umap_rows(store, summary, "umap_embeddings", x, ids, seed, [user.sha256],
                      {**user.params(), "datasets": sorted(user_vectors), "run": run_key})


def _umap_rows(store: Store, summary: TraitsSummary, method: str, x: np.ndarray, ids: np.ndarray, seed: int,
               key_parts: list, params: dict) -> pd.DataFrame:
    """The UMAP map ``method`` of vectors ``x`` (rows: image ``ids``), as embeddings rows; empty (kept, with a
    note) when the stored map was made from the same ids, ``key_parts`` and settings."""
    input_key = stable_key(method, seed, embedding.MAX_FIT_IMAGES, embedding.N_NEIGHBORS, embedding.MIN_DIST,
                           ids.tolist(), *key_parts)
    stored = store.query("traits_embedding_params", method=method)["params"].tolist()
    if len(stored) == 1 and json.loads(stored[0]).get("input_key") == input_key:
        summary.notes.append(f"UMAP map unchanged ({method}: same images, vectors and settings): kept")
        return pd.DataFrame(columns=["method", "image_id", "x", "y", "params"])
    coords, fitted = embedding.umap_embedding(x, seed)
    fitted.update({**params, "input_key": input_key})
    return pd.DataFrame({"method": method, "image_id": ids.astype("int64"), "x": coords[:, 0], "y": coords[:, 1],
                         "params": json.dumps(fitted, sort_keys=True)})


def run_traits(store: Store, datasets: Sequence[str] | None = None, *, extractors: Sequence[str] = DEFAULT_EXTRACTORS,
               jobs: int = 1, seed: int = 0, resamples: int = 200, embed: bool = True,
               deepface_home: str | None = None, embeddings: str | None = None) -> TraitsSummary:
    """Measure new images, then recompute every per-dataset, pair and embedding trait of ``datasets``.

    ``embeddings``: a file of user-supplied image embeddings (:mod:`dsanalysis.traits.user_embeddings`);
    the vector traits and a UMAP map are then also computed on them (``embedding_*``, ``umap_embeddings``).
    """
    started = time.perf_counter()
    if jobs < 1:
        raise UserError(f"--jobs must be at least 1, not {jobs}")
    user = None
    if embeddings is not None:
        from dsanalysis.traits.user_embeddings import load_embeddings

        user = load_embeddings(embeddings)  # a bad file fails before any measuring
    chosen, images = _images(store, datasets)
    summary = TraitsSummary(chosen, images=len(images))
    if "deepface" in extractors:
        from dsanalysis.traits.deepface_attributes import check_weights

        check_weights(deepface_home)
        if "faces" not in extractors:  # deepface analyses the detected face boxes
            extractors = ("faces", *extractors)
    if identity_module.EXTRACTOR in extractors and "faces" not in extractors:  # so does the identity extractor
        extractors = ("faces", *extractors)
    measure_images(store, images, extractors, jobs, summary, deepface_home=deepface_home)

    frames = {name: wide_traits(store, name, images) for name in chosen}
    reference = pd.concat(frames.values(), ignore_index=True)
    standardizer = vectors.fit_standardizer(reference)
    standardizer["reference"] = sorted(chosen)
    run_params = {"datasets": sorted(chosen), "seed": seed, "extractor_versions": {e: _version(e) for e in extractors},
                  "libraries": library_versions()}
    run_key = stable_key("traits", run_params)
    dataset_frames = []
    found_identities = {name: identity_rows.dataset_identities(store, name) for name in chosen}
    for name in progress(chosen, total=len(chosen), desc="traits: datasets", unit="dataset"):
        rows = dataset_rows(store, name, frames[name], standardizer, seed, resamples)
        people = identity_rows.dataset_identity_rows(store, name, frames[name], found_identities[name], seed)
        rows = pd.concat([rows, people.assign(dataset=name)], ignore_index=True) if not people.empty else rows
        rows["params"] = [json.dumps({**json.loads(p), "run": run_key, "libraries": run_params["libraries"]}, sort_keys=True)
                          for p in rows["params"]]
        dataset_frames.append(rows)
    user_vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if user is not None:
        user_vectors = _user_vectors(user, frames, images, summary)
        for name, (x, found) in user_vectors.items():
            labels = frames[name]["label"].to_numpy()[found]
            rows = pd.DataFrame(vector_rows(EMBEDDING_PREFIX, x, labels, user.params(), seed)).assign(dataset=name)
            rows["params"] = [json.dumps({**json.loads(p), "run": run_key}, sort_keys=True) for p in rows["params"]]
            dataset_frames.append(rows)
    dataset_table = pd.concat(dataset_frames, ignore_index=True)
    dataset_table = dataset_table[["dataset", "trait", "class", "value", "ci_low", "ci_high", "n", "params"]]
    dataset_table = dataset_table.astype({"value": "float64", "ci_low": "float64", "ci_high": "float64", "n": "int64"})
    vectors_by_dataset = {name: vectors.standardized_vectors(frames[name], standardizer) for name in chosen}
    pairs = pair_rows(vectors_by_dataset, seed) if len(chosen) > 1 else pair_rows({}, seed)
    if len(user_vectors) > 1:
        user_pairs = pair_rows({name: x for name, (x, _) in user_vectors.items()}, seed, EMBEDDING_PREFIX, user.params())
        pairs = pd.concat([pairs, user_pairs], ignore_index=True)
    identity_pairs = identity_rows.pair_identity_rows(found_identities, seed)
    pairs = pd.concat([pairs, identity_pairs], ignore_index=True) if not identity_pairs.empty else pairs
    embedding_table = pd.DataFrame(columns=["method", "image_id", "x", "y", "params"])
    if embed and len(reference) > 3 and standardizer["columns"]:
        all_vectors = vectors.standardized_vectors(reference, standardizer)
        # the map is a pure function of these vectors, ids and settings: reused when none changed
        embedding_table = _umap_rows(store, summary, "umap_descriptors", all_vectors, reference["image_id"].to_numpy(),
                                     seed, [np.round(all_vectors, 10).tolist()],
                                     {"descriptors": standardizer["columns"], "datasets": sorted(chosen), "run": run_key})
    elif embed:
        summary.notes.append("no UMAP map: too few images or no usable descriptors")
    if embed and user_vectors:
        embedding_table = pd.concat([embedding_table, _user_umap(user, user_vectors, frames, seed, run_key, store, summary)],
                                    ignore_index=True)
    with store.transaction():
        for view, frame, statement in (("traits_dataset_rows", dataset_table, "traits_replace_dataset_traits"),
                                       ("traits_pair_rows", pairs, "traits_replace_pair_traits"),
                                       ("traits_embedding_rows", embedding_table, "traits_replace_embeddings")):
            if not frame.empty:
                store.execute(statement, inputs={view: frame})
    summary.dataset_rows, summary.pair_rows, summary.embedding_rows = len(dataset_table), len(pairs), len(embedding_table)
    # the audit covers every registered dataset, not only this run's: its newest copy is the whole picture
    registered, every_image = _images(store, None)
    audited = {name: frames[name] if name in frames else wide_traits(store, name, every_image) for name in registered}
    summary.shortcuts = audit_shortcuts(store, audited, seed)
    summary.seconds = time.perf_counter() - started
    return summary
