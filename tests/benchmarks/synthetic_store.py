"""A synthetic results store shaped like a big study, for the store and report scale benchmark.

Built through the real schema (:func:`dsanalysis.store.open_store`) by bulk ``INSERT ... SELECT``
(named columns; newer columns keep their defaults) over DuckDB ``range()``: no images on disk, no training. Every value is a deterministic function of
its keys (DuckDB ``hash``), so two builds with the same shape are identical.

Shape (defaults: the issue's big study): ``datasets`` datasets of ``images_per_dataset`` images each
(all with per-image traits: 20 x 20,000 = 400,000 images), ``configs`` configurations x ``seeds``
seeds of Meso-4 trained on every dataset (20 x 5 x 5 = 500 runs), every run evaluated on every
dataset's test part of ``test_images`` images: 500 runs x 20 datasets x 1,000 = 10 million
prediction rows. (The issue's "20,000 test images per dataset" and "about 10 million prediction rows"
cannot both hold with every model tested on every dataset, which would be 200 million rows; the
row count is what the targets are about, so the test part is 1,000 images per dataset: 20,000 test
images in all.)

Scores follow a planted pattern: a run separates real from fake with a skill that falls with the
distance |i - j| between its training dataset i and the evaluated dataset j, plus logistic noise.
Metrics are computed from the predictions in SQL (accuracy at 0.5, per-class accuracy, AUC by
ranks; intervals are normal approximations, not the package's bootstrap). Dataset traits are
aggregated from the image traits (mean, sd, quantiles per class, ITA category shares).

    .venv/bin/python tests/benchmarks/synthetic_store.py OUT.duckdb [--test-images 1000] [--datasets 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

#: numeric per-image descriptors (extractor, trait, mean per dataset = base + step * dataset index, sd)
NUMERIC_TRAITS = (
    ("quality", "sharpness", 300.0, 25.0, 120.0),
    ("quality", "noise_sigma", 2.0, 0.1, 0.8),
    ("quality", "brightness", 110.0, 2.0, 25.0),
    ("quality", "contrast", 50.0, 1.0, 12.0),
    ("quality", "colourfulness", 40.0, 1.5, 10.0),
    ("quality", "saturation", 0.3, 0.01, 0.08),
    ("quality", "jpeg_quality", 90.0, -1.5, 4.0),
    ("quality", "high_frequency_share", 0.05, 0.002, 0.02),
    ("faces", "face_area_share", 0.35, 0.005, 0.08),
    ("faces", "yaw_proxy", 0.0, 0.0, 0.2),
    ("skin", "ita_deg", 30.0, 1.0, 20.0),
)
ITA_CATEGORIES = ((55.0, "very_light"), (41.0, "light"), (28.0, "intermediate"), (10.0, "tan"), (-30.0, "brown"))
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Shape:
    """How big the synthetic study is."""

    datasets: int = 20
    configs: int = 5
    seeds: int = 5
    test_images: int = 1000
    images_per_dataset: int = 20000
    embedding_points: int = 10000

    @property
    def runs(self) -> int:
        return self.datasets * self.configs * self.seeds

    @property
    def prediction_rows(self) -> int:
        return self.runs * self.datasets * self.test_images


def _uniform(key: str) -> str:
    """SQL expression: a deterministic uniform number in (0, 1) from the hash of ``key``."""
    return f"((hash({key}) % 1000003)::DOUBLE + 0.5) / 1000003"


def _steps(shape: Shape) -> list[tuple[str, str]]:
    n, per, test = shape.datasets, shape.images_per_dataset, shape.test_images
    name = "'ds' || lpad(d::VARCHAR, 2, '0')"
    traits_values = ", ".join(f"('{e}', '{t}', {base}, {step}, {sd})" for e, t, base, step, sd in NUMERIC_TRAITS)
    category = "CASE " + " ".join(f"WHEN v > {lo} THEN '{c}'" for lo, c in ITA_CATEGORIES) + " ELSE 'dark' END"
    names = ", ".join(f"'q{round(q * 100):02d}'" for q in QUANTILES)
    values = ", ".join(f"qs[{k + 1}]" for k in range(len(QUANTILES)))
    return [
        ("datasets", f"""
            INSERT INTO datasets (dataset, root, layout, manifest, numeric_label_one, group_pattern, ingested_at,
                                  package_version)
            SELECT {name}, '/nonexistent/synthetic/' || {name}, 'folders', NULL, NULL, NULL, now(), 'synthetic'
            FROM range({n}) AS t(d)"""),
        ("images", f"""
            INSERT INTO images (image_id, dataset, rel_path, label, group_id, source_split, status, reason, content_hash,
                                byte_size, mtime_ns, format, mode, width, height, channels, ingested_at)
            SELECT d * {per} + k + 1, {name},
                   CASE WHEN k % 2 = 0 THEN 'real' ELSE 'fake' END || '/' || lpad(k::VARCHAR, 6, '0') || '.jpg',
                   CASE WHEN k % 2 = 0 THEN 'real' ELSE 'fake' END, NULL, NULL, 'ok', NULL,
                   sha256('synthetic-' || (d * {per} + k + 1)::VARCHAR), 30000, 0, 'JPEG', 'RGB', 256, 256, 3, now()
            FROM range({n}) AS t(d), range({per}) AS u(k)"""),
        ("splits", f"""
            INSERT INTO splits (split_id, dataset, strategy, test_fraction, validation_fraction, seed, group_source,
                                images_key, n_train, n_validation, n_test, created_at, package_version)
            SELECT 'split-' || {name}, {name}, 'random', {test / per}, 0.1, 0, NULL, NULL,
                   {per - test} - ({per - test} // 10), {per - test} // 10, {test}, now(), 'synthetic'
            FROM range({n}) AS t(d)"""),
        ("split_members", f"""
            INSERT INTO split_members
            SELECT 'split-' || i.dataset, i.image_id,
                   CASE WHEN k < {test} THEN 'test' WHEN k < {test} + {per - test} // 10 THEN 'validation' ELSE 'train' END
            FROM (SELECT dataset, image_id, (image_id - 1) % {per} AS k FROM images) AS i"""),
        ("runs", f"""
            INSERT INTO runs (run_id, kind, arch, train_dataset, split_id, config_name, config, seed, status, error,
                              weights_path, weights_sha256, started_at, finished_at, train_seconds, epochs_run,
                              images_per_second, package_version, library_versions)
            SELECT 'run-' || {name} || '-c' || c || '-s' || s, 'trained', 'meso4', {name}, 'split-' || {name},
                   'config' || c, '{{"learning_rate": ' || (0.001 / (c + 1)) || ', "epochs": 10, "batch_size": 32}}',
                   s, 'complete', NULL, NULL, NULL, now(), now(), 600.0, 10, 25.0, 'synthetic', '{{}}'
            FROM range({n}) AS t(d), range({shape.configs}) AS u(c), range({shape.seeds}) AS v(s)"""),
        ("evaluations", """
            INSERT INTO evaluations
            SELECT r.run_id, s.dataset, 'test', s.split_id, s.n_test, 'nearest',
                   '{"threshold": 0.5, "resamples": 1000}', 40.0, now()
            FROM runs AS r, splits AS s"""),
        # skill falls with the distance between training and evaluated dataset; logistic noise per (run, image)
        ("predictions", f"""
            INSERT INTO predictions
            SELECT e.run_id, e.dataset, 'test', m.image_id,
                   1 / (1 + exp(-((CASE WHEN i.label = 'real' THEN 1 ELSE -1 END)
                                  * (2.5 - 2.0 * abs(r.train_index - e.eval_index) / {n}
                                     + 0.1 * r.config_index + 0.3 * (r.train_index % 3))
                                  + ln(u / (1 - u)))))
            FROM (SELECT run_id, dataset, split_id, right(dataset, 2)::INTEGER AS eval_index FROM evaluations) AS e
            JOIN (SELECT run_id, right(train_dataset, 2)::INTEGER AS train_index,
                         right(config_name, 1)::INTEGER AS config_index FROM runs) AS r USING (run_id)
            JOIN split_members AS m ON m.split_id = e.split_id AND m.part = 'test'
            JOIN images AS i ON i.image_id = m.image_id,
            LATERAL (SELECT {_uniform("e.run_id, m.image_id")} AS u)"""),
        ("metrics", """
            INSERT INTO metrics
            WITH ranked AS (
                SELECT p.run_id, p.dataset, i.label = 'fake' AS fake, p.score_real,
                       row_number() OVER (PARTITION BY p.run_id, p.dataset ORDER BY p.score_real) AS r
                FROM predictions AS p JOIN images AS i USING (image_id)
            ), cell AS (
                SELECT run_id, dataset, count(*) AS n, count(*) FILTER (WHERE fake) AS n_fake,
                       count(*) FILTER (WHERE NOT fake) AS n_real,
                       avg(((score_real >= 0.5) = (NOT fake))::INTEGER) AS accuracy,
                       avg((score_real < 0.5)::INTEGER) FILTER (WHERE fake) AS accuracy_fake,
                       avg((score_real >= 0.5)::INTEGER) FILTER (WHERE NOT fake) AS accuracy_real,
                       (sum(r) FILTER (WHERE NOT fake) - count(*) FILTER (WHERE NOT fake)
                        * (count(*) FILTER (WHERE NOT fake) + 1) / 2)
                       / (count(*) FILTER (WHERE NOT fake) * count(*) FILTER (WHERE fake)) AS auc
                FROM ranked GROUP BY run_id, dataset
            )
            SELECT run_id, dataset, 'test', 'image', metric, value,
                   greatest(0, value - 1.96 * sqrt(value * (1 - value) / n_used)),
                   least(1, value + 1.96 * sqrt(value * (1 - value) / n_used)), n_used
            FROM cell, LATERAL (VALUES ('accuracy', accuracy, n), ('accuracy_fake', accuracy_fake, n_fake),
                                       ('accuracy_real', accuracy_real, n_real),
                                       ('auc', auc, least(n_fake, n_real))) AS v(metric, value, n_used)"""),
        ("image_traits", f"""
            INSERT INTO image_traits
            SELECT i.content_hash, t.extractor, t.trait, t.base + t.step * right(i.dataset, 2)::INTEGER
                   + t.sd * sqrt(-2 * ln({_uniform("i.image_id, t.trait")})) * cos(2 * pi() * {_uniform("i.image_id, t.trait, 1")}),
                   NULL, NULL, t.extractor || '-synthetic'
            FROM images AS i, (VALUES {traits_values}) AS t(extractor, trait, base, step, sd)"""),
        ("image_traits_category", f"""
            INSERT INTO image_traits
            SELECT content_hash, 'skin', 'ita_category', NULL, {category}, NULL, 'skin-synthetic'
            FROM (SELECT content_hash, value AS v FROM image_traits WHERE trait = 'ita_deg')"""),
        ("dataset_traits", f"""
            INSERT INTO dataset_traits
            WITH v AS (
                SELECT i.dataset, i.label, t.trait, t.value FROM image_traits AS t JOIN images AS i USING (content_hash)
                WHERE t.value IS NOT NULL
            ), classes AS (
                SELECT dataset, 'all' AS class, trait, value FROM v UNION ALL SELECT dataset, label, trait, value FROM v
            ), stats AS (
                SELECT dataset, class, trait, count(*) AS n, avg(value) AS mean, stddev_samp(value) AS sd,
                       quantile_cont(value, [{', '.join(str(q) for q in QUANTILES)}]) AS qs
                FROM classes GROUP BY ALL
            )
            SELECT dataset, trait || '.' || unnest(['mean', 'sd', {names}]), class,
                   unnest([mean, sd, {values}]), NULL, NULL, n, '{{"synthetic": true}}', now()
            FROM stats"""),
        ("dataset_traits_counts", """
            INSERT INTO dataset_traits
            SELECT dataset, 'images', 'all', count(*), NULL, NULL, count(*), '{"synthetic": true}', now()
            FROM images GROUP BY dataset
            UNION ALL
            SELECT i.dataset, 'ita_category.share.' || t.category, 'all',
                   count(*) / sum(count(*)) OVER (PARTITION BY i.dataset), NULL, NULL, count(*), '{"synthetic": true}', now()
            FROM image_traits AS t JOIN images AS i USING (content_hash)
            WHERE t.trait = 'ita_category' GROUP BY i.dataset, t.category"""),
        ("dataset_pair_traits", f"""
            INSERT INTO dataset_pair_traits
            SELECT a.dataset, b.dataset, m.trait, abs(a.value - b.value) * m.scale, a.n, b.n, '{{"synthetic": true}}', now()
            FROM (SELECT dataset, value, n FROM dataset_traits WHERE trait = 'sharpness.mean' AND class = 'all') AS a,
                 (SELECT dataset, value, n FROM dataset_traits WHERE trait = 'sharpness.mean' AND class = 'all') AS b,
                 (VALUES ('frechet_distance', 1.0), ('mmd_squared', 0.001)) AS m(trait, scale)
            WHERE a.dataset <> b.dataset"""),
        ("embeddings", f"""
            INSERT INTO embeddings
            SELECT 'umap_descriptors', image_id,
                   right(dataset, 2)::INTEGER % 5 * 4 + 2 * {_uniform("image_id, 'x'")},
                   right(dataset, 2)::INTEGER // 5 * 4 + 2 * {_uniform("image_id, 'y'")},
                   '{{"synthetic": true}}'
            FROM images WHERE image_id % {max(1, n * per // shape.embedding_points)} = 0"""),
    ]


def build_synthetic_store(path: Path, shape: Shape = Shape()) -> dict[str, float]:
    """Write a synthetic study store of ``shape`` at ``path`` (which must not exist).

    Returns
    -------
    dict
        seconds per step (table), and 'total'.
    """
    from dsanalysis.store import open_store

    if path.exists():
        raise ValueError(f"store {path} exists already; the generator writes a new store")
    if shape.images_per_dataset < 2 * shape.test_images or shape.datasets > 100:
        raise ValueError("images_per_dataset must be at least twice test_images, and datasets at most 100")
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with open_store(path) as store:
        for step, sql in _steps(shape):
            begun = time.perf_counter()
            with store.transaction() as con:
                con.execute(sql)
            seconds[step] = time.perf_counter() - begun
        store.con.execute("CHECKPOINT")
    seconds["total"] = time.perf_counter() - started
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="new store file to write")
    defaults = Shape()
    for field, value in asdict(defaults).items():
        parser.add_argument(f"--{field.replace('_', '-')}", type=int, default=value, help=f"default {value}")
    args = parser.parse_args()
    shape = Shape(**{field: getattr(args, field) for field in asdict(defaults)})
    seconds = build_synthetic_store(args.out, shape)
    print(f"wrote {args.out}: {shape.runs} runs, {shape.prediction_rows:,} prediction rows, "
          f"{shape.datasets * shape.images_per_dataset:,} images with traits in {seconds['total']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
