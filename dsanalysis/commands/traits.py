"""Measure dataset traits: per-image descriptors and per-dataset summaries.

Per image (stored once per file content in image_traits): quality (size, JPEG quality, sharpness,
noise, brightness, contrast, colourfulness, saturation, high-frequency energy, perceptual hash),
faces (MTCNN face geometry), skin (ITA skin tone) and, optionally, identity (dlib's 128-d face
descriptor and 68 landmarks on the stored face boxes: eye and mouth aspect ratios, head pose; the
models ship in the face-recognition-models package) and deepface (age, gender, race, emotion; needs
the weight files in $DEEPFACE_HOME/.deepface/weights). Per dataset (dataset_traits):
size and balance, descriptor distributions per class with bootstrap intervals, category diversity,
Vendi score, near-duplicates and split leakage, real-vs-fake standardized differences, and from the
face descriptors the estimated number of identities, identity diversity and the identity leakage of
each split (query identity_leakage); per pair of datasets (dataset_pair_traits): Frechet distance,
MMD, precision/recall/density/coverage, identity overlap and identity-space distance; and a
joint UMAP map of all images (embeddings). Unchanged images are never measured twice.

Examples:
  python -m dsanalysis traits
  python -m dsanalysis traits mesonet lfw --jobs 2
  python -m dsanalysis traits --extractors quality,faces,skin,deepface
  python -m dsanalysis traits mesonet lfw --extractors faces,identity --jobs 2
The README's Dataset traits section defines every trait and its unit.
"""

from __future__ import annotations

import argparse
import os

ORDER = 45
HELP = "measure per-image descriptors and per-dataset traits (diversity, faces, skin tone, quality)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("datasets", nargs="*", metavar="DATASET", help="datasets to measure (default: all registered)")
    parser.add_argument("--extractors", default="quality,faces,skin",
                        help="comma-separated per-image extractors: quality, faces, skin, identity, deepface (default: quality,faces,skin)")
    parser.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)),
                        help="worker processes for per-image work (default: CPU cores, at most 4)")
    parser.add_argument("--seed", type=int, default=0, help="seed for bootstrap, subsampling and UMAP (default 0)")
    parser.add_argument("--bootstrap", type=int, default=200, help="bootstrap resamples for confidence intervals (default 200)")
    parser.add_argument("--no-embedding", action="store_true", help="skip the joint UMAP maps")
    parser.add_argument("--embeddings", metavar="FILE", default=None,
                        help="your own image embeddings (.parquet or .npz keyed by content_hash or path): diversity, "
                        "pair distances and a UMAP map are also computed on them (embedding_* traits)")
    parser.add_argument("--deepface-home", metavar="DIR", default=None,
                        help="folder holding .deepface/weights (default: $DEEPFACE_HOME, else your home folder)")


def run(args: argparse.Namespace) -> int:
    from dsanalysis.errors import UserError
    from dsanalysis.store import open_store
    from dsanalysis.traits.pipeline import parse_extractors, run_traits

    extractors = parse_extractors(args.extractors)
    if args.bootstrap < 0:
        raise UserError(f"--bootstrap must be 0 or more, not {args.bootstrap}")
    with open_store(args.store) as store:
        summary = run_traits(store, args.datasets, extractors=extractors, jobs=args.jobs, seed=args.seed,
                             resamples=args.bootstrap, embed=not args.no_embedding, deepface_home=args.deepface_home,
                             embeddings=args.embeddings)
    for line in summary.lines():
        print(line)
    return 0
