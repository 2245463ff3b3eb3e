"""Render report sections into one self-contained ``index.html`` with Jinja2."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dsanalysis.report.downloads import csv_link
from dsanalysis.report.filters import FILTERS


def environment():  # noqa: ANN201 - jinja2 is imported lazily
    """The Jinja2 environment: templates from the package, autoescaping on for everything."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dsanalysis.report", "templates"),
        autoescape=True,  # data (dataset names, paths, manifest values) may contain markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters["csv_link"] = csv_link
    return env


def render_report(context: dict[str, Any]) -> str:
    """The report page for ``context`` (see ``sections.build_report_context``)."""
    return environment().get_template("report.html").render(**context)


def write_report(html: str, out_dir: Path) -> Path:
    """Write ``out_dir/index.html`` atomically; UserError naming the folder when it cannot be written."""
    from dsanalysis.errors import UserError

    path = out_dir / "index.html"
    tmp = path.with_suffix(".html.tmp")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(path)  # never leave a half-written page behind
    except OSError as error:
        raise UserError(f"cannot write the report to {out_dir}: {error.strerror or error}") from None
    return path
