"""Loading weight files into registered architectures: the published Keras 2 HDF5 files and our own.

The published MesoNet files (``Meso4_DF.h5`` ...) are Keras 2.1 ``save_weights`` files: one HDF5
group per layer, named ``conv2d_5``, ``batch_normalization_5``, ... with numbers from the Keras
session that built them. Layers of one kind (conv, batch norm, dense) are matched to ours in
creation order (the numeric suffix), and every array's shape is checked, so a file made for
another architecture fails with one clear line instead of loading garbage.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from dsanalysis.errors import UserError

_KIND = re.compile(r"^(conv2d|batch_normalization|dense)_(\d+)$")


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (the identity of an imported weights file)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _by_kind(names: list[str]) -> dict[str, list[str]]:
    kinds: dict[str, list[tuple[int, str]]] = {}
    for name in names:
        match = _KIND.match(name)
        if match:
            kinds.setdefault(match.group(1), []).append((int(match.group(2)), name))
    return {kind: [n for _, n in sorted(found)] for kind, found in kinds.items()}


def legacy_weight_arrays(path: str | Path) -> dict[str, list[Any]]:
    """The arrays of a Keras 2 HDF5 weights file, by layer name, in each layer's weight order."""
    import h5py

    try:
        handle = h5py.File(path, "r")
    except OSError as error:
        raise UserError(f"weights file {path} is not an HDF5 file: {error}") from None
    with handle:
        root = handle["model_weights"] if "model_weights" in handle else handle
        if "layer_names" not in root.attrs:
            raise UserError(f"weights file {path} is not a Keras HDF5 weights file (no layer_names attribute)")
        arrays: dict[str, list[Any]] = {}
        for raw in root.attrs["layer_names"]:
            name = raw.decode() if isinstance(raw, bytes) else str(raw)
            group = root[name]
            weight_names = [w.decode() if isinstance(w, bytes) else str(w) for w in group.attrs.get("weight_names", [])]
            if weight_names:
                arrays[name] = [group[w][()] for w in weight_names]
    return arrays


def weights_mismatch(model: Any, arrays: dict[str, list[Any]]) -> str | None:
    """Why ``arrays`` (a legacy file's) do not fit ``model``, or None when every layer and shape matches."""
    ours = _by_kind([layer.name for layer in model.layers if layer.weights])
    theirs = _by_kind(list(arrays))
    unknown = sorted(set(arrays) - {n for names in theirs.values() for n in names})
    if unknown:
        return f"layer {unknown[0]} has no counterpart"
    kinds = sorted(set(ours) | set(theirs))
    for kind in kinds:
        if len(ours.get(kind, [])) != len(theirs.get(kind, [])):
            return f"the file has {len(theirs.get(kind, []))} {kind} layers, {model.name} has {len(ours.get(kind, []))}"
    for kind in kinds:
        mine, file_layers = ours.get(kind, []), theirs.get(kind, [])
        for our_name, file_name in zip(mine, file_layers, strict=True):
            expected = [tuple(w.shape) for w in model.get_layer(our_name).weights]
            found = [tuple(a.shape) for a in arrays[file_name]]
            if expected != found:
                return f"layer {file_name} has shapes {found}, {model.name}'s {our_name} needs {expected}"
    return None


def load_legacy_weights(model: Any, arrays: dict[str, list[Any]]) -> None:
    """Set ``model``'s weights from a legacy file's arrays (call :func:`weights_mismatch` first)."""
    ours = _by_kind([layer.name for layer in model.layers if layer.weights])
    theirs = _by_kind(list(arrays))
    for kind, names in ours.items():
        for our_name, file_name in zip(names, theirs[kind], strict=True):
            model.get_layer(our_name).set_weights(arrays[file_name])


def is_legacy_file(path: str | Path) -> bool:
    """True for a Keras 2 HDF5 weights file (root attribute ``layer_names``)."""
    import h5py

    try:
        with h5py.File(path, "r") as handle:
            root = handle["model_weights"] if "model_weights" in handle else handle
            return "layer_names" in root.attrs
    except OSError:
        return False


def model_with_weights(path: str | Path, arch: str | None = None) -> tuple[str, Any]:
    """Build the architecture that fits the weights file at ``path`` and load it.

    Parameters
    ----------
    path
        A Keras 2 HDF5 weights file (the published MesoNet files) or a Keras 3 ``.weights.h5`` file.
    arch
        Registered architecture name; None tries every registered one and takes the one that fits.

    Returns
    -------
    (arch name, keras.Model with the file's weights)
    """
    from dsanalysis.model.architectures import architecture_names, get_architecture
    from dsanalysis.native_logs import import_tensorflow

    import_tensorflow()

    path = Path(path)
    if not path.is_file():
        raise UserError(f"weights file {path} does not exist")
    names = [arch] if arch is not None else architecture_names()
    if arch is not None:
        get_architecture(arch)  # unknown name: one line listing the known ones
    import h5py

    if not h5py.is_hdf5(path):
        raise UserError(f"weights file {path} is not an HDF5 file (Keras .h5 or .weights.h5 expected)")
    if is_legacy_file(path):
        arrays = legacy_weight_arrays(path)
        reasons = []
        for name in names:
            model = get_architecture(name).build()
            why = weights_mismatch(model, arrays)
            if why is None:
                load_legacy_weights(model, arrays)
                return name, model
            reasons.append(f"{name}: {why}")
        raise UserError(f"weights file {path} does not fit architecture {' or '.join(names)} ({'; '.join(reasons)})")
    reasons = []
    for name in names:
        model = get_architecture(name).build()
        try:
            model.load_weights(path)
        except Exception as error:  # noqa: BLE001 - Keras raises ValueError/KeyError/OSError for misfits
            reasons.append(f"{name}: {str(error).splitlines()[0] if str(error) else type(error).__name__}")
            continue
        return name, model
    raise UserError(f"weights file {path} does not fit architecture {' or '.join(names)} ({'; '.join(reasons)})")
