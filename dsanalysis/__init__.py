"""dsanalysis: which deepfake dataset should you train on, and why.

Importing the package is cheap: TensorFlow and deepface are imported only by the commands
that train, evaluate or extract face attributes, and the Python API (:func:`open_study`,
:class:`Study`, :mod:`dsanalysis.api`) only when first used.
"""

import os
from importlib.metadata import PackageNotFoundError, version

# model/ and sql/ sit at the top of the repository and are the subpackages dsanalysis.model and
# dsanalysis.sql (pyproject.toml's [tool.setuptools.package-dir]; a built install copies them into
# this folder). A checkout's dsanalysis/ has neither: when it is the one imported (the repository root
# on sys.path, as with `python -m dsanalysis` run there, even after a non-editable install), the root
# is searched for subpackages too, after this folder.
_here = os.path.dirname(os.path.abspath(__file__))
_root = os.path.dirname(_here)
if not os.path.isdir(os.path.join(_here, "model")) and all(
    os.path.isfile(os.path.join(_root, *parts))
    for parts in (("pyproject.toml",), ("model", "__init__.py"), ("sql", "__init__.py"))
):
    __path__.append(_root)
del _here, _root

try:
    __version__ = version("dsanalysis")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["Study", "__version__", "open_study"]


def __getattr__(name: str):  # the API on first use, so `import dsanalysis` stays cheap
    if name in ("Study", "open_study"):
        from dsanalysis import api

        return getattr(api, name)
    raise AttributeError(f"module 'dsanalysis' has no attribute {name!r}")
