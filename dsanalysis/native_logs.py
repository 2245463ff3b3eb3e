"""TensorFlow's native start-up lines kept off the user's terminal (``--debug`` shows them).

TensorFlow, XLA and absl write to the process's file descriptor 2 from C++ while TensorFlow is
imported and its devices are found ("All log messages before absl::InitializeLog() ...",
"oneDNN custom operations are on", "Could not find cuda drivers", "failed call to cuInit"), before
``TF_CPP_MIN_LOG_LEVEL`` is read, in worker processes too. :func:`import_tensorflow` does that
start-up once per process with descriptor 2 pointed at ``/dev/null``, so the user sees only the
package's own lines; with ``--debug`` (``DSANALYSIS_DEBUG=1``, set by the CLI) nothing is hidden.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

DEBUG_VARIABLE = "DSANALYSIS_DEBUG"


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the block (unless debugging); Python exceptions still propagate."""
    if os.environ.get(DEBUG_VARIABLE):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow() -> Any:
    """``import tensorflow`` (and keras), with devices found, quietly; returns the module. Cheap after the first call."""
    if "tensorflow" in sys.modules and getattr(import_tensorflow, "_done", False):
        return sys.modules["tensorflow"]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "0" if os.environ.get(DEBUG_VARIABLE) else "3")
    with native_stderr_silenced():
        import keras  # noqa: F401 - Keras' own start-up logs here too
        import tensorflow as tf

        tf.config.list_physical_devices()  # device discovery logs (cuInit) happen now, not at the first op
        tf.get_logger().setLevel("ERROR")
    import_tensorflow._done = True  # type: ignore[attr-defined]
    return tf
