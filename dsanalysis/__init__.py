"""dsanalysis: which deepfake dataset should you train on, and why.

Importing the package is cheap: TensorFlow and deepface are imported only by the commands
that train, evaluate or extract face attributes, and the Python API (:func:`open_study`,
:class:`Study`, :mod:`dsanalysis.api`) only when first used.
"""

from importlib.metadata import PackageNotFoundError, version

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
