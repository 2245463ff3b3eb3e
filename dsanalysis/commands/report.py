"""Write the study's self-contained HTML report from the store.

Reads only the store (no training, no trait extraction, no TensorFlow); each section appears only
when its data exists. The page embeds its figures and works offline as a single file.

``report --demo`` first runs (or resumes) the built-in demo study on synthetic datasets in
``reports/demo/`` (the same as ``study run --demo``), which trains models; only that path loads
TensorFlow.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ORDER = 70
HELP = "write the self-contained HTML report from the store (--demo: run the built-in demo first)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="DIR", help="output folder for index.html (default: reports/<store name>)")
    parser.add_argument("--style", metavar="FILE", help="TOML figure style (column width, font, size)")
    parser.add_argument("--open", action="store_true", help="open the report in a web browser when written")
    parser.add_argument("--demo", action="store_true",
                        help="generate the synthetic demo datasets, run the whole demo study (store "
                             "reports/demo/demo.duckdb; resumes if interrupted) and write its report")


def _demo(args: argparse.Namespace) -> Path:
    from dsanalysis.commands.study import DEMO_FOLDER
    from dsanalysis.errors import UserError
    from dsanalysis.study.demo import DEMO_STORE_NAME, run_demo

    store = DEMO_FOLDER / DEMO_STORE_NAME
    if args.style:
        raise UserError(f"--style cannot be combined with --demo; restyle the demo report afterwards with "
                        f"`report --store {store} --style {args.style}`")
    path = run_demo(DEMO_FOLDER, Path(args.out) if args.out else None)
    print(f"wrote {path} (store: {store}; query it with `python -m dsanalysis --store {store} sql --list`)")
    return path


def run(args: argparse.Namespace) -> int:
    if args.demo:
        path = _demo(args)
    else:
        from dsanalysis.figures.style import load_style
        from dsanalysis.output import default_out_dir
        from dsanalysis.report.render import render_report, write_report
        from dsanalysis.report.sections import build_report_context
        from dsanalysis.store import open_store

        from dsanalysis.output import check_output_path

        check_output_path(args.out, args.store)
        style = load_style(args.style)
        with open_store(args.store, read_only=True) as store:
            context = build_report_context(store, style)
        out_dir = Path(args.out) if args.out else default_out_dir(Path(args.store))
        path = write_report(render_report(context), out_dir)
        print(f"wrote {path} ({', '.join(s.title for s in context['sections'])})")
    if args.open:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())
    return 0
