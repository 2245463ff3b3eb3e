"""Register a dataset and index its images in the store.

PATH is a folder with class folders (real/ plus df/, fake/, forged/, deepfake/, manipulated/ or
fake_*/), optionally under split folders (train/, validation/, test/, ...), or a CSV/Parquet
manifest with columns path,label[,group,split,...], or a FaceForensics++ or Celeb-DF folder as
downloaded. Videos (.mp4, .avi, .mov, .mkv, .webm) are sampled (32 evenly spaced frames by default)
and each frame's face is cropped and saved next to the store; --crop-faces does the same for
photos. Re-running is incremental: unchanged files are not read again, changed and removed files
are updated.

Examples:
  python -m dsanalysis ingest mesonet ../shared/datasets/mesonet
  python -m dsanalysis ingest ffpp data/FaceForensics++ --compression c23 --per-method --jobs 2
  python -m dsanalysis ingest celebdf data/Celeb-DF-v2 --frames 16
  python -m dsanalysis ingest lfw ../shared/datasets/lfw_faceswap --crop-faces
"""

from __future__ import annotations

import argparse

from dsanalysis.ingest.layout import LAYOUTS

ORDER = 10
HELP = "register a dataset folder, manifest or video dataset and index its images in the store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="dataset name used everywhere in the store (with --per-method, the prefix)")
    parser.add_argument("path", help="dataset folder, or a manifest file (.csv, .parquet)")
    parser.add_argument("--layout", choices=LAYOUTS, default="auto",
                        help="how to read PATH (default: auto, which recognises FaceForensics++ and Celeb-DF folders)")
    parser.add_argument("--manifest", metavar="FILE", help="manifest whose paths are relative to PATH")
    parser.add_argument("--numeric-label-one", choices=["fake", "real"], default="fake",
                        help="what label 1 means in a manifest with 1/0 labels (default: fake, as detection benchmarks use)")
    parser.add_argument("--group-pattern", metavar="REGEX",
                        help="regular expression with one capture group drawing a group id (video, identity) "
                        "from each relative path, e.g. '/(\\d+)_\\d+\\.jpg$'")
    parser.add_argument("--follow-links", action="store_true",
                        help="read files that symbolic links in the dataset lead to outside its folder (refused by default)")
    parser.add_argument("--replace", action="store_true",
                        help="re-read a dataset registered from another folder from PATH (its images that differ are replaced)")
    parser.add_argument("--min-side", type=int, default=None, help="reject images whose shorter side is below this (default: 32 px)")
    parser.add_argument("--max-images-per-class", type=int, default=None, metavar="N",
                        help="use at most N images of each class in training, evaluation and traits (a seeded choice "
                        "that keeps videos or people whole; every file stays indexed; default: all)")
    parser.add_argument("--cap-seed", type=int, default=0, help="seed of the --max-images-per-class choice (default 0)")
    videos = parser.add_argument_group("videos and face crops")
    videos.add_argument("--crop-faces", action="store_true",
                        help="also cut the face out of every photo (for datasets of uncropped photos); videos always are")
    sampling = videos.add_mutually_exclusive_group()
    sampling.add_argument("--frames", type=int, default=None, metavar="N",
                          help="frames sampled per video, evenly spaced from first to last (default 32)")
    sampling.add_argument("--every", type=int, default=None, metavar="K", help="sample every K-th frame instead")
    videos.add_argument("--crop-margin", type=float, default=1.3, help="crop side / longer side of the face box (default 1.3)")
    videos.add_argument("--crop-size", type=int, default=256, help="side of the saved crop in pixels (default 256)")
    videos.add_argument("--align-faces", action="store_true", help="rotate each face so the eyes are level before cropping")
    videos.add_argument("--crop-format", choices=["png", "jpeg"], default="png",
                        help="png (lossless, default) or jpeg (see --crop-quality)")
    videos.add_argument("--crop-quality", type=int, default=95, help="JPEG quality of saved crops (default 95)")
    videos.add_argument("--jobs", type=int, default=1, help="worker processes cropping videos in parallel (default 1)")
    videos.add_argument("--compression", metavar="NAME",
                        help="FaceForensics++: which compression folder to read (raw, c23, c40; needed when several exist)")
    videos.add_argument("--per-method", action="store_true",
                        help="FaceForensics++: register each manipulation method as dataset NAME-METHOD with the originals")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dsanalysis.ingest import CropSettings, dataset_targets
    from dsanalysis.store import discard_empty_store

    crop = CropSettings(frames=None if args.every is not None else (args.frames or CropSettings.frames), every=args.every,
                        margin=args.crop_margin, size=args.crop_size, align=args.align_faces, format=args.crop_format,
                        jpeg_quality=args.crop_quality)
    crop.check()
    targets = dataset_targets(args.name, args.path, layout=args.layout, manifest=args.manifest,
                              per_method=args.per_method, compression=args.compression)
    new_store = not Path(args.store).exists()
    try:
        _ingest_all(args, targets, crop)
    except BaseException:
        if new_store:
            discard_empty_store(args.store)  # a failed first ingest leaves no empty store behind
        raise
    return 0


def _ingest_all(args: argparse.Namespace, targets: list[tuple[str, str | None]], crop) -> None:  # noqa: ANN001
    from dsanalysis.imaging import MIN_SIDE
    from dsanalysis.ingest import ingest_dataset
    from dsanalysis.store import open_store

    with open_store(args.store) as store:
        for name, method in targets:
            summary = ingest_dataset(
                store, name, args.path, layout=args.layout, manifest=args.manifest,
                numeric_label_one=args.numeric_label_one, group_pattern=args.group_pattern,
                min_side=MIN_SIDE if args.min_side is None else args.min_side, crop_faces=args.crop_faces, crop=crop,
                method=method, compression=args.compression, jobs=args.jobs, replace=args.replace,
                follow_links=args.follow_links, max_images_per_class=args.max_images_per_class, cap_seed=args.cap_seed,
            )
            for line in summary.lines():
                print(line)
            print(f"  {summary.files} files in {summary.seconds:.1f} s ({summary.files / max(summary.seconds, 1e-9):.0f} files/s)")
