"""Training configurations: named recipes, overrides recorded in the name, bad values refused."""

from __future__ import annotations

import pytest

from dsanalysis.errors import UserError
from dsanalysis.model.config import CONFIGS, resolve_config


def test_mse10_is_the_original_recipe_default_its_bce_version_and_overrides_are_named():
    name, config = resolve_config("mse10")
    assert name == "mse10"
    assert (config["optimizer"], config["learning_rate"], config["loss"], config["batch_size"]) == ("adam", 1e-3, "mse", 32)
    assert config["epochs"] == 10 and config["augment"] is False and config["resize"] == "nearest"
    _, default = resolve_config("default")
    assert {k for k in config if config[k] != default[k]} == {"loss", "epochs", "restarts"}
    assert (default["loss"], default["epochs"], default["restarts"], default["probe_epoch"]) == ("bce", 25, 2, 8)
    name, config = resolve_config("mse10", {"learning_rate": 1e-4, "epochs": None, "loss": "bce"})
    assert name == "mse10+learning_rate=0.0001,loss=bce" and config["epochs"] == 10
    assert resolve_config("default", {"epochs": 25})[0] == "default"  # no change, no suffix
    assert CONFIGS["paper"]["schedule"] == "step" and CONFIGS["original"]["bn_momentum"] == 0.99


@pytest.mark.parametrize(("overrides", "words"), [
    ({"loss": "hinge"}, "loss must be one of mse, bce"),
    ({"epochs": 0}, "epochs must be an integer from 1 to 10000, not 0"),
    ({"epochs": -1}, "epochs must be an integer from 1 to 10000, not -1"),
    ({"epochs": 99999999999999999999}, "epochs must be an integer from 1 to 10000"),
    ({"epochs": 1.5}, r"epochs must be an integer, not 1.5"),
    ({"epochs": True}, "epochs must be an integer, not True"),
    ({"epochs": "ten"}, "epochs must be an integer, not 'ten'"),
    ({"batch_size": 0}, "batch_size must be an integer from 1 to 65536, not 0"),
    ({"learning_rate": -1.0}, "learning_rate must be a number above 0 and at most 10, not -1.0"),
    ({"learning_rate": "fast"}, "learning_rate must be a number, not 'fast'"),
    ({"augment": 1}, "augment must be true or false, not 1"),
    ({"colour": 1}, "unknown training setting 'colour'"),
    ({"resize": "cubic"}, "resize must be one of nearest, bilinear, area"),
    ({"head_init_scale": -0.5}, "head_init_scale must be a number from 0 to 100, not -0.5"),
])
def test_bad_settings_are_refused(overrides, words):
    with pytest.raises(UserError, match=words):
        resolve_config("default", overrides)
    assert resolve_config("default", {"learning_rate": 1})[1]["learning_rate"] == 1.0  # an integer is a number
    with pytest.raises(UserError, match="unknown training configuration 'fast'"):
        resolve_config("fast")


def test_step_schedule_divides_by_ten_every_1000_iterations_down_to_the_floor():
    from dsanalysis.model.training import StepSchedule

    schedule = StepSchedule(1e-3, 1000, 0.1, 1e-6).build()
    rates = [float(schedule(step)) for step in (0, 999, 1000, 2500, 3000, 10_000)]
    assert rates == pytest.approx([1e-3, 1e-3, 1e-4, 1e-5, 1e-6, 1e-6], rel=1e-5)


@pytest.mark.parametrize("arch", ["meso4", "mesoinception4"])
def test_default_head_scales_keras_output_kernel_by_a_tenth_and_keeps_first_outputs_off_the_sigmoids_tails(arch):
    import keras
    import numpy as np

    from dsanalysis.model.runtime import tensorflow
    from dsanalysis.model.training import compiled_model

    tensorflow()
    images = np.random.default_rng(3).uniform(0, 1, (32, 256, 256, 3)).astype(np.float32)
    outputs = {}
    for name in ("original", "default"):
        keras.utils.set_random_seed(3)  # the same initial weights but for the scaled output kernel
        model = compiled_model(arch, resolve_config(name)[1])
        outputs[name] = (np.asarray(model(images, training=False)).ravel(), np.asarray(model(images, training=True)).ravel())
    logit = lambda p: np.log(p / (1 - p))  # noqa: E731
    assert logit(outputs["default"][0]) == pytest.approx(0.1 * logit(outputs["original"][0]), abs=1e-4)
    tails = {name: np.mean((train < 0.05) | (train > 0.95)) for name, (_, train) in outputs.items()}
    assert tails["original"] > 0.3 and tails["default"] == 0  # Keras' head: saturated outputs, starved gradients
