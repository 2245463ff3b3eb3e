"""Training throughput: the package's pipeline vs the seed's way vs in-memory tensors; decodes per evaluation.

Side by side in one process, with the same Meso-4 model and batch size:
  (a) "package": the package's pipeline (ingest -> decoded-image cache -> tf.data with shuffle,
      batching, prefetch), training images/second per epoch; the one-time ingest + decode cost is
      reported separately and folded into an end-to-end rate over the timed epochs;
  (b) "seed's way": the original MesoNet code, ``ImageDataGenerator(rescale=1/255).flow_from_directory(
      ..., target_size=(256, 256), batch_size=32, class_mode='binary')`` feeding ``model.train_on_batch``
      in a Python loop; it decodes every JPEG again in every epoch. Keras 3 has no
      ``keras.preprocessing.image.ImageDataGenerator``; ``tf.keras.preprocessing.image.ImageDataGenerator``
      resolves to ``keras.src.legacy.preprocessing.image.ImageDataGenerator``, which is used here;
  (c) "in-memory tensors": the same model fed random float32 tensors already in memory (the compute bound).
After one untimed warm-up epoch of each, epochs alternate a, c, b (``--rounds`` x ``--epochs`` of
each), so that slow spells fall on all three alike (with tf.data's default threading, epochs fed
through tf.data switched between two speeds about 2x apart for minutes at a time); the table reports
medians of the timed epochs and the ratios a/b (target >= 1.0) and a/c (target >= 0.95).
Then: evaluation of 3 models on one dataset, counting image decodes (target: each image decoded
once, i.e. decodes == images, however many models).

    .venv/bin/python tests/benchmarks/bench_training.py [--images 0 (all)] [--rounds 1] [--epochs 5]
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
    """Links to the first images/2 files of each class of a class-folder dataset (all for 0; no copies)."""
    for cls in ("real", "df", "fake"):
        if (source / cls).is_dir():
            (folder / cls).mkdir(parents=True)
            for path in sorted((source / cls).glob("*.jpg"))[: images // 2 or None]:
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


def _package_epoch(model, dataset):
    """One epoch of ``model.fit`` on a tf.data pipeline (the package's way, and the in-memory bound)."""
    return lambda: model.fit(dataset, epochs=1, verbose=0, shuffle=False)


def _seed_way_epoch(model, folder: Path, batch_size: int):
    """One epoch of the original MesoNet training loop: the ImageDataGenerator decodes every image again."""
    import tensorflow as tf

    generator = tf.keras.preprocessing.image.ImageDataGenerator(rescale=1 / 255).flow_from_directory(
        str(folder), target_size=(256, 256), batch_size=batch_size, class_mode="binary", seed=0)

    def epoch() -> None:
        for _ in range(len(generator)):
            x, y = next(generator)
            model.train_on_batch(x, y)
    return epoch


def throughput(store_path: Path, dataset: str, folder: Path, rounds: int, epochs: int, batch_size: int) -> dict:
    import tensorflow as tf

    from dsanalysis.model.cache import decoded_images
    from dsanalysis.model.config import resolve_config
    from dsanalysis.model.data import image_batches, label_values, quiet_pipeline_options
    from dsanalysis.model.splits import usable_images
    from dsanalysis.model.training import compiled_model
    from dsanalysis.store import open_store

    with open_store(store_path) as store:
        images = usable_images(store, dataset)
    started = time.perf_counter()
    pixels, rows = decoded_images(store_path, images)
    decode_seconds = time.perf_counter() - started
    n = len(images)
    targets = label_values(images["label"])
    folder_data = image_batches(pixels, rows, targets, batch_size=batch_size, shuffle=True, seed=0)
    rng = np.random.default_rng(0)
    memory_data = tf.data.Dataset.from_tensor_slices(  # with the package's thread options: the best feeding
        (rng.random((n, 256, 256, 3), dtype=np.float32), targets)).batch(batch_size).cache().with_options(
        quiet_pipeline_options())
    _, config = resolve_config("default")
    model = compiled_model("meso4", config)
    epochs_of = {"jpeg_folder": _package_epoch(model, folder_data), "in_memory": _package_epoch(model, memory_data),
                 "seed_way": _seed_way_epoch(model, folder, batch_size)}
    for epoch in epochs_of.values():
        epoch()  # warm-up, not timed: tracing, the first pass of each pipeline
    timed: dict[str, list[float]] = {name: [] for name in epochs_of}
    # epochs interleaved a, c, b: a slow spell of the machine falls on all three alike
    for _ in range(rounds * epochs):
        for name, epoch in epochs_of.items():
            started = time.perf_counter()
            epoch()
            timed[name].append(time.perf_counter() - started)
    rates = {name: n / statistics.median(secs) for name, secs in timed.items()}
    timed_epochs = len(timed["in_memory"])
    # end to end over the timed epochs: the package pays ingest + decode once, the seed's way every epoch
    package_total = decode_seconds + sum(timed["jpeg_folder"][:epochs])
    return {"images": n, "batch_size": batch_size, "timed_epochs_each": timed_epochs,
            "images_per_second": rates,
            "ratio_package_to_seed_way": rates["jpeg_folder"] / rates["seed_way"],
            "ratio_package_to_in_memory": rates["jpeg_folder"] / rates["in_memory"],
            "decode_cache_seconds": decode_seconds,
            "end_to_end_images_per_second": {
                "jpeg_folder_with_decode": n * epochs / package_total,
                "seed_way": n * epochs / sum(timed["seed_way"][:epochs])},
            "end_to_end_epochs": epochs,
            "seed_way_generator": "tf.keras.preprocessing.image.ImageDataGenerator "
                                  "(= keras.src.legacy.preprocessing.image.ImageDataGenerator in Keras 3)",
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
        ingest_dataset(store, "evaluated", source, follow_links=True)
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
    parser.add_argument("--images", type=int, default=0, help="images per epoch, half per class (default 0: all)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds (default 1)")
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs per round and pipeline (default 5)")
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
            ingest_dataset(store, "bench", source, follow_links=True)
        speed = throughput(store_path, "bench", source, args.rounds, args.epochs, args.batch_size)
        results = {"dataset": str(args.dataset), "device": "CPU (no GPU lent to this session)",
                   "settings": {"images": args.images, "rounds": args.rounds, "epochs": args.epochs,
                                "batch_size": args.batch_size},
                   "training": speed}
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2))  # the long part is kept if the evaluation part fails
        decodes = decodes_for_three_models(workdir, source)
    results["evaluation"] = decodes
    rates, ends = speed["images_per_second"], speed["end_to_end_images_per_second"]
    print(f"{'measure':56s} {'value':>10s}")
    print(f"{'training images/s, (a) package pipeline (cached)':56s} {rates['jpeg_folder']:10.1f}")
    print(f"{'training images/s, (b) seed: ImageDataGenerator loop':56s} {rates['seed_way']:10.1f}")
    print(f"{'training images/s, (c) random in-memory tensors':56s} {rates['in_memory']:10.1f}")
    print(f"{'ratio a/b (target >= 1.0)':56s} {speed['ratio_package_to_seed_way']:10.3f}")
    print(f"{'ratio a/c (target >= 0.95)':56s} {speed['ratio_package_to_in_memory']:10.3f}")
    print(f"{'timed epochs per pipeline (median taken)':56s} {speed['timed_epochs_each']:10d}")
    print(f"{'(a) one-time decode into the cache, seconds':56s} {speed['decode_cache_seconds']:10.2f}")
    label = f"end to end over {args.epochs} epochs, (a) incl. decode, images/s"
    print(f"{label:56s} {ends['jpeg_folder_with_decode']:10.1f}")
    label = f"end to end over {args.epochs} epochs, (b), images/s"
    print(f"{label:56s} {ends['seed_way']:10.1f}")
    print(f"{'evaluation: models':52s} {decodes['models']:10d}")
    print(f"{'evaluation: images in the dataset':52s} {decodes['images']:10d}")
    print(f"{'evaluation: image decodes (target = images)':52s} {decodes['decodes']:10d}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
