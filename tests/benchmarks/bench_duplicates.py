"""Precision and recall of the near-duplicate detector (dsanalysis.traits.duplicates) on a constructed set.

The set: --originals images drawn (seeded) from each of three sources, and --copies altered copies of
each original, drawn at random from the kinds the detector must find:

  jpeg      re-encoded as JPEG at quality 50-90
  smaller   resized to 40-80% of each side (bilinear)
  larger    resized to 120-160% of each side
  crop      0-8% cut from each side independently (so the aspect ratio changes a little)
  combo     0-6% cut from each side, resized to 50-120%, re-encoded at quality 60-90

Sources: the real photos of the shared LFW sample (different photos, mostly different people; its
fakes are swaps made from these photos and are left out), the shared MesoNet sample (frames of a few
videos: two different MesoNet originals may be near-identical frames of one video, so pairs between
them are counted apart, as unlabelled) and the demo's synthetic faces of ``light_frontal`` (light
skin, frontal, every image a new identity: the hard "similar but different" case).

A pair is a true near-duplicate when both images come from one original. The detector is run over
the whole set (every image searched against every other); a confirmed pair is true, false (two
different originals of LFW or the synthetic faces, or of different sources) or unlabelled (two
different MesoNet originals). Precision = true / (true + false); recall = original-copy pairs found /
all original-copy pairs, per kind of copy. The 64-bit pHash at its former threshold (Hamming
distance <= 6) is measured on the same set for comparison.

    .venv/bin/python tests/benchmarks/bench_duplicates.py [--originals 60] [--copies 5] [--seed 1]

The detector's thresholds were chosen on --seed 0; the numbers of record use another seed.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "datasets"
KINDS = ("jpeg", "smaller", "larger", "crop", "combo")


def _jpeg(pixels: np.ndarray, quality: int) -> np.ndarray:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def _resize(pixels: np.ndarray, factor: float) -> np.ndarray:
    from PIL import Image

    height, width = pixels.shape[:2]
    size = (max(16, round(width * factor)), max(16, round(height * factor)))
    return np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR))


def _crop(pixels: np.ndarray, sides: np.ndarray) -> np.ndarray:
    height, width = pixels.shape[:2]
    left, top, right, bottom = sides
    return pixels[round(top * height):height - round(bottom * height), round(left * width):width - round(right * width)]


def altered(pixels: np.ndarray, kind: str, rng: np.random.Generator) -> np.ndarray:
    """A copy of ``pixels`` altered as ``kind`` (one of :data:`KINDS`) with parameters drawn from ``rng``."""
    if kind == "jpeg":
        return _jpeg(pixels, int(rng.integers(50, 91)))
    if kind == "smaller":
        return _resize(pixels, float(rng.uniform(0.4, 0.8)))
    if kind == "larger":
        return _resize(pixels, float(rng.uniform(1.2, 1.6)))
    if kind == "crop":
        return _crop(pixels, rng.uniform(0, 0.08, 4))
    if kind == "combo":
        cut = _resize(_crop(pixels, rng.uniform(0, 0.06, 4)), float(rng.uniform(0.5, 1.2)))
        return _jpeg(cut, int(rng.integers(60, 91)))
    raise ValueError(f"unknown kind {kind!r}")


def originals(n: int, seed: int, workdir: Path) -> list[tuple[str, Path]]:
    """(source, path) of ``n`` images of each source, drawn with ``seed``."""
    from dsanalysis.study.demo import demo_spec
    from dsanalysis.synthetic.datasets import write_synthetic_dataset

    spec, spec_seed = demo_spec("light_frontal")
    synthetic = workdir / "light_frontal"
    write_synthetic_dataset(replace(spec, images_per_class=(n + 1) // 2), synthetic, seed=spec_seed + 1000 * seed, jobs=1)
    folders = {"lfw": SHARED / "lfw_faceswap" / "real", "mesonet": SHARED / "mesonet", "synthetic": synthetic}
    rng = np.random.default_rng(seed)
    chosen = []
    for source, folder in folders.items():
        if not folder.exists():
            raise SystemExit(f"{folder} is absent: the shared data lives in ../shared beside the checkout")
        files = sorted(folder.rglob("*.jpg"))
        chosen += [(source, files[i]) for i in sorted(rng.choice(len(files), min(n, len(files)), replace=False))]
    return chosen


def _save(pixels: np.ndarray, path: Path) -> Path:
    """Write an altered copy losslessly (PNG): what was re-encoded already carries its JPEG artefacts."""
    from PIL import Image

    Image.fromarray(pixels).save(path)
    return path


def build_set(n: int, copies: int, seed: int, workdir: Path) -> pd.DataFrame:
    """The constructed set, written under ``workdir``: one row per image (source, family, kind, file)."""
    from dsanalysis.imaging import read_rgb

    rng = np.random.default_rng(seed + 1)
    rows = []
    for family, (source, path) in enumerate(originals(n, seed, workdir)):
        rows.append({"source": source, "family": family, "kind": "original", "file": str(path)})
        if not copies:
            continue
        image = read_rgb(path)
        kinds = [KINDS[k % len(KINDS)] for k in (rng.permutation(copies) if copies <= len(KINDS) else range(copies))]
        for number, kind in enumerate(kinds):
            target = _save(altered(image, kind, rng), workdir / f"{family:05d}_{number}_{kind}.png")
            rows.append({"source": source, "family": family, "kind": kind, "file": str(target)})
    return pd.DataFrame(rows)


def _label(frame: pd.DataFrame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    family, source = frame["family"].to_numpy(), frame["source"].to_numpy()
    same = family[i] == family[j]
    unlabelled = ~same & (source[i] == "mesonet") & (source[j] == "mesonet")
    return np.where(same, "true", np.where(unlabelled, "unlabelled", "false"))


def score(frame: pd.DataFrame, pairs: set[tuple[int, int]]) -> dict[str, object]:
    """Precision, recall (overall and per kind of copy) and false pairs per source of the confirmed ``pairs``."""
    found = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    labels = _label(frame, found[:, 0], found[:, 1])
    true, false = int((labels == "true").sum()), int((labels == "false").sum())
    originals_at = frame.index[frame["kind"] == "original"]
    first = dict(zip(frame.loc[originals_at, "family"], originals_at, strict=True))
    copies = frame[frame["kind"] != "original"]
    hit = [tuple(sorted((first[f], c))) in pairs for c, f in zip(copies.index, copies["family"], strict=True)]
    copies = copies.assign(found=hit)
    sources = frame["source"].to_numpy()
    false_by_source = pd.Series(sources[found[labels == "false"].ravel()]).value_counts().to_dict() if false else {}
    return {
        "confirmed_pairs": len(found), "true_pairs": true, "false_pairs": false,
        "unlabelled_pairs (two MesoNet originals)": int((labels == "unlabelled").sum()),
        "precision": true / (true + false) if true + false else float("nan"),
        "recall": float(copies["found"].mean()),
        "recall_by_kind": copies.groupby("kind")["found"].mean().round(4).to_dict(),
        "recall_by_source": copies.groupby("source")["found"].mean().round(4).to_dict(),
        "false_pair_ends_by_source": false_by_source,
    }


def detector_pairs(thumbs: np.ndarray, aspect: np.ndarray) -> tuple[set[tuple[int, int]], pd.DataFrame, float]:
    from dsanalysis.traits import duplicates

    everyone = np.arange(len(thumbs))
    started = time.perf_counter()
    measured = duplicates.near_duplicate_matches(thumbs, everyone, everyone, aspect=aspect, keep_all=True)
    seconds = time.perf_counter() - started
    confirmed = measured[measured["duplicate"] == 1.0]
    pairs = {tuple(sorted(p)) for p in zip(confirmed["query"], confirmed["match"], strict=True)}
    return pairs, measured, seconds


def phash_pairs(files: list[str], max_bits: int = 6) -> set[tuple[int, int]]:
    """Pairs within ``max_bits`` of each other by the 64-bit pHash of the grey image (the former check)."""
    from dsanalysis.imaging import read_rgb
    from dsanalysis.traits.duplicates import phash
    from dsanalysis.traits.quality import luma

    values = np.array([int(phash(luma(read_rgb(f))), 16) for f in files], dtype=np.uint64)
    bits = np.unpackbits(values.view(np.uint8).reshape(-1, 8), axis=1).astype(np.int32)
    distance = (bits[:, None, :] != bits[None, :, :]).sum(axis=2)
    i, j = np.nonzero(np.triu(distance <= max_bits, k=1))
    return set(zip(i.tolist(), j.tolist(), strict=True))


def measure(frame: pd.DataFrame) -> tuple[dict[str, object], dict[str, object], pd.DataFrame]:
    """(detector results, pHash results, every candidate pair measured) on the images of ``frame``."""
    from PIL import Image

    from dsanalysis.traits import duplicates

    thumbs = duplicates.thumbnails(frame["file"])
    sizes = [Image.open(f).size for f in frame["file"]]
    aspect = np.array([w / h for w, h in sizes])
    pairs, measured, seconds = detector_pairs(thumbs, aspect)
    detector = {**score(frame, pairs), "seconds": round(seconds, 2), "candidates": len(measured),
                "ms_per_image": round(1000 * seconds / len(frame), 2)}
    return detector, score(frame, phash_pairs(frame["file"].tolist())), measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--originals", type=int, default=60, help="originals per source (default 60)")
    parser.add_argument("--copies", type=int, default=5, help="altered copies per original (default 5: one of each kind)")
    parser.add_argument("--negatives", type=int, default=150,
                        help="originals per source in the second set, of originals only (default 150)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the set (thresholds were chosen on seed 0)")
    parser.add_argument("--dump", type=Path, help="write every candidate pair with its measures and label (CSV)")
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "duplicates.json")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from dsanalysis.traits import duplicates

    with tempfile.TemporaryDirectory() as tmp:
        frame = build_set(args.originals, args.copies, args.seed, Path(tmp) / "copies")
        detector, phashed, measured = measure(frame)
        alone = build_set(args.negatives, 0, args.seed + 100, Path(tmp) / "originals")
        negatives, phashed_negatives, _ = measure(alone)
    results = {
        "settings": {**vars(args), "dump": str(args.dump) if args.dump else None, "out": str(args.out),
                     "images": len(frame), "detector": duplicates.detector_params()},
        "detector": detector,
        "phash_6_bits": phashed,
        "originals_only": {"images": len(alone), "detector": negatives, "phash_6_bits": phashed_negatives},
    }
    if args.dump:
        labels = _label(frame, measured["query"].to_numpy(), measured["match"].to_numpy())
        measured.assign(label=labels, query_source=frame["source"].to_numpy()[measured["query"]],
                        query_kind=frame["kind"].to_numpy()[measured["query"]],
                        match_kind=frame["kind"].to_numpy()[measured["match"]]).to_csv(args.dump, index=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str))
    for name in ("detector", "phash_6_bits"):
        r = results[name]
        print(f"{name}: precision {r['precision']:.4f} ({r['true_pairs']} true, {r['false_pairs']} false pairs), "
              f"recall {r['recall']:.4f}; unlabelled MesoNet pairs {r['unlabelled_pairs (two MesoNet originals)']}")
        print(f"  recall by kind: {r['recall_by_kind']}; false pair ends by source: {r['false_pair_ends_by_source']}")
        alone_r = results["originals_only"][name]
        print(f"  originals only ({len(alone)} images, every pair a different photo or face): {alone_r['false_pairs']} "
              f"false pairs (ends by source: {alone_r['false_pair_ends_by_source']}), "
              f"{alone_r['unlabelled_pairs (two MesoNet originals)']} unlabelled MesoNet pairs")
    print(f"detector: {detector['candidates']} candidate pairs, {detector['seconds']:.1f} s for {len(frame)} images "
          f"({detector['ms_per_image']:.1f} ms per image); results in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
