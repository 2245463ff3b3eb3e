"""Traits against the generalization score: datasets lying close together stay readable (no overlapping labels)."""

from __future__ import annotations

import itertools

import pandas as pd

from dsanalysis.figures.scatter import trait_scatter_panel
from dsanalysis.figures.style import FigureStyle

STYLE = FigureStyle()


def _crowded() -> pd.DataFrame:
    names = ["compressed", "diverse", "light_frontal", "low_res", "subtle"]
    # the demo study's jpeg_quality.mean: four datasets within one unit and 0.25 of score of each other
    return pd.DataFrame({"dataset": names, "trait": "jpeg_quality.mean", "trait_value": [34.0, 85.0, 85.1, 85.05, 84.9],
                         "score": [0.52, 0.83, 0.66, 0.58, 0.81]})


def test_no_two_labels_overlap_and_every_dataset_is_named_once():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    figure = trait_scatter_panel(_crowded(), STYLE)
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    for ax in figure.axes:
        boxes = [t.get_window_extent(renderer) for t in ax.texts]
        assert not any(a.overlaps(b) for a, b in itertools.combinations(boxes, 2)), "labels overlap"
    legend = figure.legends[0]
    assert sorted(t.get_text() for t in legend.get_texts()) == sorted(_crowded()["dataset"])
    marks = [(h.get_color(), h.get_marker()) for h in legend.legend_handles]
    assert len(set(marks)) == len(marks)  # each dataset its own colour and marker
