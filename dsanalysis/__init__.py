"""dsanalysis: which deepfake dataset should you train on, and why.

Importing the package is cheap: TensorFlow and deepface are imported only by the commands
that train, evaluate or extract face attributes.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dsanalysis")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
