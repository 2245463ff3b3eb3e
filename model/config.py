"""Training configurations: small named dicts of every setting that shapes a trained model.

``mse10`` is the original MesoNet recipe (Adam, learning rate 1e-3, mean squared error, batch
32) for 10 epochs, keeping the epoch with the lowest validation loss, with batch-norm momentum
0.9 and the output layer's initial kernel scaled by 0.1; ``default`` is the same with binary
cross-entropy for 25 epochs and up to 2 restarts (new weights when the run shows no learning at
``probe_epoch`` 8); ``original`` is ``mse10`` with Keras'
batch-norm momentum 0.99, Keras' initialisation and the last epoch's weights;
``paper`` adds the paper's step schedule (learning rate divided by 10 every 1000 iterations, down
to 1e-6) and its augmentation; ``bce`` swaps in binary cross-entropy. Command-line overrides
produce a configuration named e.g. ``default+learning_rate=0.0001``.
"""

from __future__ import annotations

from typing import Any

from dsanalysis.errors import UserError
from dsanalysis.model.cache import RESIZE_METHODS

DEFAULT: dict[str, Any] = {
    "optimizer": "adam",
    "learning_rate": 1e-3,
    "loss": "mse",               # 'mse' (the original code) or 'bce' (binary cross-entropy)
    "batch_size": 32,
    "epochs": 10,
    "schedule": "constant",      # 'constant' or 'step' (x step_factor every step_every iterations)
    "step_every": 1000,
    "step_factor": 0.1,
    "min_learning_rate": 1e-6,
    "early_stopping_patience": 0,  # epochs without validation-loss improvement before stopping; 0: off
    "restore_best": True,        # keep the weights of the epoch with the lowest validation loss
    # BatchNormalization's moving-average momentum. Keras' 0.99 (the original code's) needs thousands
    # of steps for the inference statistics to catch up with the training ones; the study's datasets
    # give ~30 steps per epoch, so 10 epochs would score validation and test images with stale
    # statistics. 0.9 follows the weights within an epoch. Loading published weights is unaffected.
    "bn_momentum": 0.9,
    # Scale of the output layer's initial kernel (Keras' Glorot init times this; 1.0 is the original).
    # With Keras' init, batch statistics and dropout put many of the first training-mode outputs
    # beyond 0.05 or 0.95 (tests/test_model_config.py: over 30% of a noise batch), where the
    # sigmoid's slope starves the squared-error gradient, and the network idles near chance for
    # much of 10 epochs on ~600 training images. At 0.1 no output starts that far out and the layers
    # below get gradient from the first step (0.0 would start every output at exactly 0.5 but give
    # them none). Published weights load as they are.
    "head_init_scale": 0.1,
    "class_weight": "none",      # 'none' or 'balanced' (per-class weights n / (2 n_class))
    "augment": False,            # flips, small zoom/rotation, brightness and hue (as in the paper)
    # how images reach 256x256: 'nearest' (original), 'bilinear', 'area'. Enlarging (LFW's 250x250,
    # say), Pillow's area filter samples one source pixel per output pixel, so it equals 'nearest'.
    "resize": "nearest",
    "deterministic": False,      # TensorFlow op determinism: same seed and machine, same predictions
    # Fresh starts for a run that shows no sign of learning: at epoch ``probe_epoch`` the model scores
    # its validation part and, when the learning check (model/learning.py) says 'false', training
    # starts again from new initial weights and batch order (seed + 7919 x attempt), at most
    # ``restarts`` times. Decided on validation data only; the restarts used are stored with the run.
    "restarts": 0,
    "probe_epoch": 8,
}



def keyed_settings(config: dict[str, Any]) -> dict[str, Any]:
    """The settings that name a run: all of them, less the restart settings while restarts are off.

    Runs stored before restarts existed trained exactly as ``restarts = 0`` does, so they keep their
    ids; ``probe_epoch`` means nothing without restarts.
    """
    if config.get("restarts", 0) == 0:
        return {k: v for k, v in config.items() if k not in ("restarts", "probe_epoch")}
    return dict(config)

CONFIGS: dict[str, dict[str, Any]] = {
    # binary cross-entropy for 25 epochs, keeping the epoch with the lowest validation loss, and up to two
    # fresh starts for a run whose validation check shows no learning at epoch 8: see the README's seed
    # table (tests/benchmarks/seed_sweep.py) for what it changes against mse10 and what it costs
    "default": DEFAULT | {"loss": "bce", "epochs": 25, "restarts": 2},
    "mse10": dict(DEFAULT),  # the default until 2026-12: MesoNet's loss, 10 epochs
    "paper": DEFAULT | {"schedule": "step", "augment": True, "epochs": 30},
    "original": DEFAULT | {"bn_momentum": 0.99, "restore_best": False, "head_init_scale": 1.0},
    "bce": DEFAULT | {"loss": "bce"},
}

_CHOICES = {
    "optimizer": ("adam",), "loss": ("mse", "bce"), "schedule": ("constant", "step"),
    "class_weight": ("none", "balanced"), "resize": tuple(RESIZE_METHODS),
}

#: what each numeric setting may be: (test, words for the message)
_RANGES = {
    "learning_rate": (lambda v: 0 < v <= 10, "a number above 0 and at most 10"),
    "batch_size": (lambda v: 1 <= v <= 65_536, "an integer from 1 to 65536"),
    "epochs": (lambda v: 1 <= v <= 10_000, "an integer from 1 to 10000"),
    "step_every": (lambda v: 1 <= v, "an integer of at least 1"),
    "step_factor": (lambda v: 0 < v <= 1, "a number above 0 and at most 1"),
    "min_learning_rate": (lambda v: 0 <= v <= 10, "a number from 0 to 10"),
    "early_stopping_patience": (lambda v: 0 <= v <= 10_000, "an integer from 0 (off) to 10000"),
    "bn_momentum": (lambda v: 0 <= v < 1, "a number from 0 up to (not including) 1"),
    "head_init_scale": (lambda v: 0 <= v <= 100, "a number from 0 to 100"),
    "restarts": (lambda v: 0 <= v <= 100, "an integer from 0 (off) to 100"),
    "probe_epoch": (lambda v: 1 <= v <= 10_000, "an integer from 1 to 10000"),
}
_KIND_WORDS = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def typed_setting(key: str, value: Any) -> Any:
    """``value`` as training setting ``key`` takes it, refusing the wrong type (no silent 1.5 -> 1 or true -> 1).

    Raises
    ------
    UserError
        for an unknown setting, a value of the wrong type, a choice not offered, or a number out of range.
    """
    if key not in DEFAULT:
        raise UserError(f"unknown training setting {key!r}; settings: {', '.join(DEFAULT)}")
    kind = type(DEFAULT[key])
    accepted = {bool: (bool,), int: (int,), float: (int, float), str: (str,)}[kind]
    if not isinstance(value, accepted) or (isinstance(value, bool) and kind is not bool):
        raise UserError(f"{key} must be {_KIND_WORDS[kind]}, not {value!r}")
    value = kind(value)
    if key in _CHOICES and value not in _CHOICES[key]:
        raise UserError(f"{key} must be one of {', '.join(_CHOICES[key])}, not {value!r}")
    if key in _RANGES and not _RANGES[key][0](value):
        raise UserError(f"{key} must be {_RANGES[key][1]}, not {value!r}")
    return value


def resolve_config(name: str, overrides: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """The named configuration with ``overrides`` applied (None values ignored) and checked.

    Returns
    -------
    (configuration name, settings dict): the name records the overrides, e.g. ``default+epochs=2``.

    Raises
    ------
    UserError
        for an unknown configuration or setting, or a value of the wrong type or out of range.
    """
    if name not in CONFIGS:
        raise UserError(f"unknown training configuration {name!r}; known: {', '.join(CONFIGS)}")
    config = dict(CONFIGS[name])
    changed = []
    for key, value in sorted((overrides or {}).items()):
        if value is None:
            continue
        value = typed_setting(key, value)
        if config[key] != value:
            config[key] = value
            changed.append(f"{key}={value}")
    return (name + ("+" + ",".join(changed) if changed else "")), config
