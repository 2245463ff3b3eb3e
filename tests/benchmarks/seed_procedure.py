"""The seed's study procedure, literally: the baseline that ``bench_study.py`` times ``study run`` against.

As the original MesoNet code does it: for each dataset, a Meso-4 (the paper's network: batch
normalization momentum 0.99, Adam 1e-3, mean squared error) is trained with
``ImageDataGenerator(rescale=1/255).flow_from_directory(train, target_size=(256, 256), batch_size=32,
class_mode='binary')`` feeding ``model.train_on_batch`` in a Python loop, decoding every image in
every epoch; then every model is evaluated on every dataset's test folder through its own
``ImageDataGenerator`` pass (``shuffle=False``), so each test image is decoded once per model.
Keras 3 has no ``keras.preprocessing.image``; ``tf.keras.preprocessing.image.ImageDataGenerator`` is
``keras.src.legacy.preprocessing.image.ImageDataGenerator`` and is what runs here.

FOLDER holds ``<dataset>/train/{df,real}`` and ``<dataset>/test/{df,real}``. Prints one JSON line:
accuracy at 0.5 of every (training dataset, tested dataset); writes FOLDER/timings.json with the
seconds spent training and evaluating.

    python tests/benchmarks/seed_procedure.py FOLDER [--epochs 2] [--batch-size 32]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    from dsanalysis.model.runtime import tensorflow

    tf = tensorflow(seed=0)
    from dsanalysis.model.config import resolve_config
    from dsanalysis.model.training import compiled_model

    _, config = resolve_config("original")
    datasets = sorted(p.name for p in args.folder.iterdir() if (p / "train").is_dir())
    make = tf.keras.preprocessing.image.ImageDataGenerator
    models = {}
    started = time.perf_counter()
    for dataset in datasets:
        model = compiled_model("meso4", config)
        generator = make(rescale=1 / 255).flow_from_directory(
            str(args.folder / dataset / "train"), target_size=(256, 256), batch_size=args.batch_size, class_mode="binary")
        for _ in range(args.epochs):
            for _ in range(len(generator)):
                x, y = next(generator)
                model.train_on_batch(x, y)
        models[dataset] = model
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    accuracy = {}
    for trained, model in models.items():
        for tested in datasets:
            generator = make(rescale=1 / 255).flow_from_directory(
                str(args.folder / tested / "test"), target_size=(256, 256), batch_size=args.batch_size,
                class_mode="binary", shuffle=False)
            scores = np.concatenate([model.predict_on_batch(generator[i][0]).ravel() for i in range(len(generator))])
            accuracy[f"{trained}->{tested}"] = float(np.mean((scores >= 0.5) == (generator.classes == 1)))
    seconds = {"train_seconds": train_seconds, "evaluate_seconds": time.perf_counter() - started}
    (args.folder / "timings.json").write_text(json.dumps(seconds))
    print(json.dumps(accuracy))
    return 0


if __name__ == "__main__":
    sys.exit(main())
