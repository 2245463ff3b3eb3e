"""TensorFlow set-up shared by training and evaluation: quiet logs, CPU threads, seeds, determinism."""

from __future__ import annotations

import os
from typing import Any

from dsanalysis.native_logs import import_tensorflow

_configured = False


def tensorflow(seed: int | None = None, deterministic: bool = False) -> Any:
    """Import TensorFlow configured for this machine and return the module.

    Threads: one intra-op pool over every core (convolutions dominate Meso-4's cost) and two
    inter-op threads so the input pipeline overlaps with compute. ``seed`` seeds Python, NumPy and
    TensorFlow (``keras.utils.set_random_seed``); ``deterministic`` also enables TensorFlow's op
    determinism, so the same seed on the same machine gives the same weights and predictions.
    """
    global _configured
    tf = import_tensorflow()  # quietly: TensorFlow's native start-up lines stay off the terminal

    if not _configured:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(os.cpu_count() or 1)
            tf.config.threading.set_inter_op_parallelism_threads(2)
        except RuntimeError:  # TensorFlow already initialised by the caller: keep its settings
            pass
        _configured = True
    if seed is not None:
        import keras

        keras.utils.set_random_seed(int(seed))
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    return tf
