"""MesoInception-4 (Afchar et al., WIFS 2018), layer for layer as in the published MesoNet code.

Layers are created in the published code's order (the weights loader matches layers of one
kind by that order), and named with their creation index.
"""

from __future__ import annotations

from typing import Any

from dsanalysis.model.architectures import INPUT_SIZE, register
from dsanalysis.model.architectures.meso4 import classifier_head


def inception_block(layers: Any, x: Any, widths: tuple[int, int, int, int], first_conv: int, block: int) -> Any:
    """Four branches concatenated: 1x1; 1x1 -> 3x3; 1x1 -> 3x3 dilated 2; 1x1 -> 3x3 dilated 3."""
    a, b, c, d = widths
    n = iter(range(first_conv, first_conv + 7))

    def conv(filters: int, kernel: int, inputs: Any, dilation: int = 1) -> Any:
        return layers.Conv2D(filters, kernel, padding="same", activation="relu", dilation_rate=dilation,
                             name=f"conv2d_{next(n)}")(inputs)

    x1 = conv(a, 1, x)
    x2 = conv(b, 3, conv(b, 1, x))
    x3 = conv(c, 3, conv(c, 1, x), dilation=2)
    x4 = conv(d, 3, conv(d, 1, x), dilation=3)
    return layers.Concatenate(axis=-1, name=f"concatenate_{block}")([x1, x2, x3, x4])


@register("mesoinception4")
def build() -> Any:
    """MesoInception-4: two inception blocks (1,4,4,2 and 2,4,4,2), two 16 5x5 conv blocks, dense 16, sigmoid."""
    import keras
    from keras import layers

    inputs = keras.Input(shape=(INPUT_SIZE, INPUT_SIZE, 3), name="image")
    x = inputs
    for block, (widths, first_conv) in enumerate((((1, 4, 4, 2), 1), ((2, 4, 4, 2), 8)), start=1):
        x = inception_block(layers, x, widths, first_conv, block)
        x = layers.BatchNormalization(name=f"batch_normalization_{block}")(x)
        x = layers.MaxPooling2D(pool_size=2, padding="same", name=f"max_pooling2d_{block}")(x)
    for index, pool in ((3, 2), (4, 4)):
        x = layers.Conv2D(16, 5, padding="same", activation="relu", name=f"conv2d_{12 + index}")(x)
        x = layers.BatchNormalization(name=f"batch_normalization_{index}")(x)
        x = layers.MaxPooling2D(pool_size=pool, padding="same", name=f"max_pooling2d_{index}")(x)
    return keras.Model(inputs, classifier_head(layers, x), name="mesoinception4")
