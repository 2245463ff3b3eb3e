"""Training throughput from the JPEG folder vs random in-memory tensors, and decodes per evaluation.

Side by side in one process, with the same Meso-4 model and batch size:
  * "JPEG folder": the package's pipeline (ingest -> decoded-image cache -> tf.data with shuffle,
    batching, prefetch), training images/second per epoch after the first epoch;
  * "in-memory tensors": the same model fed random float32 tensors already in memory;
rounds alternate between the two and the table reports medians of the timed epochs. Target: the
JPEG pipeline reaches >= 0.95x the in-memory throughput.
Then: evaluation of 3 models on one dataset, counting image decodes (target: each image decoded
once, i.e. decodes == images, however many models).

    .venv/bin/python tests/benchmarks/bench_training.py [--images 320] [--rounds 3] [--epochs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"


def _subset(source: Path, folder: Path, images: int) -> Path:
    """Links to the first images/2 files of each class of a class-folder dataset (no copies)."""
    for cls in ("real", "df", "fake"):
        if (source / cls).is_dir():
            (folder / cls).mkdir(parents=True)
            for path in sorted((source / cls).glob("*.jpg"))[: images // 2]:
                (folder / cls / path.name).symlink_to(path)
    return folder


def _synthetic(folder: Path, images: int) -> Path:
    from PIL import Image

    rng = np.random.default_rng(0)
    for cls in ("real", "fake"):
        (folder / cls).mkdir(parents=True)
        for i in range(images // 2):
            Image.fromarray(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)).save(folder / cls / f"{i:04d}.jpg")
    return folder


def _epoch_seconds(model, dataset, epochs: int) -> list[float]:
    import keras

    seconds: list[float] = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.started)

    model.fit(dataset, epochs=epochs, callbacks=[Clock()], verbose=0, shuffle=False)
    return seconds


def throughput(store_path: Path, dataset: str, rounds: int, epochs: int, batch_size: int) -> dict:
    import tensorflow as tf

    from dsanalysis.model.cache import decoded_images
    from dsanalysis.model.config import resolve_config
    from dsanalysis.model.data import image_batches, label_values
    from dsanalysis.model.splits import usable_images
    from dsanalysis.model.training import compiled_model
    from dsanalysis.store import open_store

    with open_store(store_path) as store:
        images = usable_images(store, dataset)
    pixels, rows = decoded_images(store_path, images)
    n = len(images)
    targets = label_values(images["label"])
    folder_data = image_batches(pixels, rows, targets, batch_size=batch_size, shuffle=True, seed=0)
    rng = np.random.default_rng(0)
    memory_data = tf.data.Dataset.from_tensor_slices(
        (rng.random((n, 256, 256, 3), dtype=np.float32), targets)).batch(batch_size).cache()
    _, config = resolve_config("default")
    model = compiled_model("meso4", config)
    timed: dict[str, list[float]] = {"jpeg_folder": [], "in_memory": []}
    for _ in range(rounds):
        for name, data in (("jpeg_folder", folder_data), ("in_memory", memory_data)):
            timed[name] += _epoch_seconds(model, data, epochs + 1)[1:]  # first epoch of each call: warm-up
    rates = {name: n / statistics.median(secs) for name, secs in timed.items()}
    return {"images": n, "batch_size": batch_size, "timed_epochs_each": len(timed["in_memory"]),
            "images_per_second": rates, "ratio": rates["jpeg_folder"] / rates["in_memory"],
            "epoch_seconds": timed}


def decodes_for_three_models(workdir: Path, source: Path, models: int = 3) -> dict:
    import dsanalysis.model.cache as cache
    from dsanalysis.model.evaluation import evaluate_runs, imported_run
    from dsanalysis.model.training import train_run
    from dsanalysis.store import open_store

    store_path = workdir / "eval.duckdb"
    from dsanalysis.ingest import ingest_dataset

    with open_store(store_path) as store:
        ingest_dataset(store, "train_set", _synthetic(workdir / "train_set", 40))
        ingest_dataset(store, "evaluated", source)
        weights = sorted((SHARED / "mesonet" / "weights").glob("*.h5"))[:models]
        if len(weights) == models:
            run_ids = [imported_run(store, str(w)) for w in weights]
        else:
            run_ids = [train_run(store, "train_set", overrides={"epochs": 1}, seed=s).run_id for s in range(models)]
        n = len(store.query("usable_images", dataset="evaluated"))
        before = cache.decode_count
        started = time.perf_counter()
        evaluate_runs(store, run_ids, ["evaluated"], part="all", resamples=0)
        seconds = time.perf_counter() - started
    return {"models": len(run_ids), "images": n, "decodes": cache.decode_count - before, "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=SHARED / "datasets" / "mesonet" / "train",
                        help="class-folder dataset to read JPEGs from (default: the shared MesoNet training sample; "
                        "synthetic JPEGs when absent)")
    parser.add_argument("--images", type=int, default=320, help="images per epoch (default 320)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per round and pipeline (default 3)")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "training.json")
    args = parser.parse_args()

    from dsanalysis.ingest import ingest_dataset
    from dsanalysis.model.runtime import tensorflow
    from dsanalysis.store import open_store

    tensorflow(seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.dataset.is_dir():
            source = _subset(args.dataset, workdir / "data", args.images)
        else:
            print(f"{args.dataset} is absent: using synthetic 256x256 JPEGs", file=sys.stderr)
            source = _synthetic(workdir / "data", args.images)
        store_path = workdir / "bench.duckdb"
        with open_store(store_path) as store:
            ingest_dataset(store, "bench", source)
        speed = throughput(store_path, "bench", args.rounds, args.epochs, args.batch_size)
        decodes = decodes_for_three_models(workdir, source)
    results = {"dataset": str(args.dataset), "training": speed, "evaluation": decodes}
    rates = speed["images_per_second"]
    print(f"{'measure':52s} {'value':>10s}")
    print(f"{'training images/s, JPEG folder (cached pipeline)':52s} {rates['jpeg_folder']:10.1f}")
    print(f"{'training images/s, random in-memory tensors':52s} {rates['in_memory']:10.1f}")
    print(f"{'ratio (target >= 0.95)':52s} {speed['ratio']:10.3f}")
    print(f"{'timed epochs per pipeline (median taken)':52s} {speed['timed_epochs_each']:10d}")
    print(f"{'evaluation: models':52s} {decodes['models']:10d}")
    print(f"{'evaluation: images in the dataset':52s} {decodes['images']:10d}")
    print(f"{'evaluation: image decodes (target = images)':52s} {decodes['decodes']:10d}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
