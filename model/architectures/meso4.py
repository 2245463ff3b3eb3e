"""Meso-4 (Afchar et al., WIFS 2018), layer for layer as in the published MesoNet code."""

from __future__ import annotations

from typing import Any

from dsanalysis.model.architectures import INPUT_SIZE, register


def conv_block(layers: Any, x: Any, filters: int, kernel: int, pool: int, index: int) -> Any:
    """Conv (ReLU, same padding) -> BatchNormalization -> MaxPooling, as each Meso block."""
    x = layers.Conv2D(filters, kernel, padding="same", activation="relu", name=f"conv2d_{index}")(x)
    x = layers.BatchNormalization(name=f"batch_normalization_{index}")(x)
    return layers.MaxPooling2D(pool_size=pool, padding="same", name=f"max_pooling2d_{index}")(x)


def classifier_head(layers: Any, x: Any) -> Any:
    """Flatten, dropout 0.5, dense 16 + LeakyReLU(0.1), dropout 0.5, dense 1 sigmoid (P(real))."""
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.5, name="dropout_1")(x)
    x = layers.Dense(16, name="dense_1")(x)
    x = layers.LeakyReLU(negative_slope=0.1, name="leaky_re_lu")(x)
    x = layers.Dropout(0.5, name="dropout_2")(x)
    return layers.Dense(1, activation="sigmoid", name="dense_2")(x)


@register("meso4")
def build() -> Any:
    """Meso-4: four conv blocks (8 3x3, 8 5x5, 16 5x5, 16 5x5; pools 2, 2, 2, 4), dense 16, sigmoid."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(INPUT_SIZE, INPUT_SIZE, 3), name="image")
    x = conv_block(layers, inputs, 8, 3, 2, 1)
    x = conv_block(layers, x, 8, 5, 2, 2)
    x = conv_block(layers, x, 16, 5, 2, 3)
    x = conv_block(layers, x, 16, 5, 4, 4)
    return keras.Model(inputs, classifier_head(layers, x), name="meso4")
