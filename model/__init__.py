"""Meso-4 training and evaluation (installed as ``dsanalysis.model``).

Train a registered architecture on one dataset's training part, score the test part of every
dataset, and store runs, training curves, per-image predictions and metrics in the results store.
Importing this package is cheap: Keras and TensorFlow are imported only by the functions that
build, train or run a network.

Conventions: a model's output ``score_real`` is P(real) (MesoNet: ``df`` = 0, ``real`` = 1); an
image is predicted real when ``score_real > 0.5`` (Keras' binary accuracy); AUC, AP, EER and
TPR@FPR treat FAKE as the positive class and ``1 - score_real`` as its score.
"""
