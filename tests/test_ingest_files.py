"""Ingest opens only regular files inside the dataset root, below a size cap (one rule for every layout)."""

from __future__ import annotations

import os
import signal

import pandas as pd
from fixtures import write_good


def _rejections(cli) -> dict[str, str]:
    import json

    rows = json.loads(cli("sql", "--query", "ingest_problems", "--format", "json").out)
    return {r["rel_path"]: r["reason"] for r in rows}


def _give_up(signum, frame):
    raise TimeoutError("ingest blocked on a file")


def test_a_fifo_is_rejected_not_read(cli, tmp_path):
    root = tmp_path / "d"
    write_good(root / "real", 3, 0)
    write_good(root / "fake", 3, 10)
    os.mkfifo(root / "fake" / "pipe.jpg")  # reading it would block forever
    previous = signal.signal(signal.SIGALRM, _give_up)
    signal.alarm(30)
    try:
        result = cli("ingest", "d", root)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert result.code == 0, result.err
    assert _rejections(cli)["fake/pipe.jpg"] == "not a regular file (a FIFO, device or folder)"


def test_links_out_of_the_root_are_refused_unless_followed(cli, tmp_path):
    root, outside = tmp_path / "d", tmp_path / "elsewhere"
    write_good(root / "real", 3, 0)
    write_good(root / "fake", 3, 10)
    write_good(outside, 1, 99)
    (root / "real" / "zero.jpg").symlink_to("/dev/zero")  # would read until memory runs out
    (root / "real" / "away.jpg").symlink_to(outside / "img000.jpg")
    (root / "real" / "inside.jpg").symlink_to(root / "real" / "img000.jpg")  # a link within the tree is fine
    assert cli("ingest", "d", root).code == 0
    reasons = _rejections(cli)
    assert reasons["real/zero.jpg"].startswith("outside the dataset root (links to /dev/zero")
    assert reasons["real/away.jpg"].startswith("outside the dataset root")
    assert "real/inside.jpg" not in reasons
    followed = cli("ingest", "d", root, "--follow-links")
    assert followed.code == 0
    reasons = _rejections(cli)
    assert reasons["real/zero.jpg"] == "not a regular file (a FIFO, device or folder)"  # still never read
    assert "real/away.jpg" not in reasons


def test_manifest_paths_outside_the_root_are_manifest_errors(cli, tmp_path):
    root = tmp_path / "d"
    write_good(root / "real", 2, 0)
    write_good(root / "fake", 2, 10)
    write_good(tmp_path / "good" / "real", 1, 50)
    for bad in ("../../../../etc/passwd", "../good/real/img000.jpg", str(tmp_path / "good" / "real" / "img000.jpg")):
        pd.DataFrame({"path": ["real/img000.jpg", "fake/img000.jpg", bad], "label": ["real", "fake", "real"]}).to_csv(
            root / "m.csv", index=False)
        result = cli("ingest", "d", root, "--manifest", root / "m.csv")
        assert result.code != 0, bad
        assert "row 4" in result.err and "outside the dataset root" in result.err, result.err


def test_files_over_the_size_cap_are_rejected(cli, tmp_path, monkeypatch):
    import dsanalysis.ingest.files as files

    root = tmp_path / "d"
    normal = write_good(root / "real", 2, 0) + write_good(root / "fake", 2, 10)
    big = write_good(root / "fake", 1, 20, prefix="big")[0]
    cap = max(p.stat().st_size for p in normal) + 1000
    big.write_bytes(big.read_bytes() + bytes(cap))  # a valid JPEG with trailing bytes, over the cap
    monkeypatch.setattr(files, "MAX_IMAGE_BYTES", cap)
    assert cli("ingest", "d", root).code == 0
    assert _rejections(cli)["fake/big000.jpg"].startswith("larger than")
