"""Publication figures drawn from tidy DataFrames read out of the store.

Plotting only: every number drawn here was computed and stored by ``dsanalysis.stats`` or
``model/``, or (score curves) computed by ``dsanalysis.stats.curves`` from the stored per-image
predictions when ``study`` assembles a figure; the drawing modules never compute a statistic. matplotlib is imported lazily by each
function, so importing this package stays cheap.
"""
