"""Statistics of the study: rank the datasets and relate their traits to cross-dataset accuracy.

One module per statistical topic (pingouin style). Every function takes a tidy DataFrame and the
names of the columns to use, and returns a DataFrame with fixed, documented columns; nothing here
reads the store (see :mod:`dsanalysis.stats.inputs` and :mod:`dsanalysis.stats.results`) or renders
anything. This package never imports TensorFlow, matplotlib or jinja2.
"""
