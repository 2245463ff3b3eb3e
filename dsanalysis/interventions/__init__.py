"""Controlled-subset experiments: train on subsets of a dataset's training part that differ in one thing.

:mod:`~dsanalysis.interventions.subsets` holds the selection rules, :mod:`~dsanalysis.interventions.settings`
the declared interventions, :mod:`~dsanalysis.interventions.arms` builds and stores arms, and
:mod:`~dsanalysis.interventions.plan` trains and evaluates them; the statistics are in
:mod:`dsanalysis.stats.interventions`.
"""
