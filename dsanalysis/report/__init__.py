"""The HTML report: structure (``sections``), rendering (``render``) and templates (``templates/``).

Three strict layers, as in ydata-profiling: the numbers come from the store (filled by ``model/``,
``traits`` and ``stats``); ``sections`` selects and shapes them for each report section and draws
figures; Jinja2 templates in ``templates/`` lay them out, with formatting in the filters of
``filters``. Nothing here computes a statistic.
"""
