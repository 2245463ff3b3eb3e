"""Score image and video files with a trained run or a weights file: P(real) and the verdict per file.

Images are scored as they are (--crop-faces: their face crop); videos by sampling frames (32 evenly
spaced by default), cropping the face of each as `ingest` does (with a run, with the crop settings of
its training dataset when that was cut from videos or photos) and averaging the frame scores. The
verdict is real when the score is above 0.5. Files that cannot be scored are reported with the
reason; the exit status is 1 only when no file could be scored.

Examples:
  python -m dsanalysis predict clip.mp4 face.jpg --weights ../shared/mesonet/weights/Meso4_DF.h5
  python -m dsanalysis predict videos/*.mp4 --run 3f2a9c0d1e4b5a6f --format csv --output scores.csv
"""

from __future__ import annotations

import argparse
import json

from dsanalysis.errors import UserError

ORDER = 55
HELP = "score image and video files with a trained run or a weights file"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="images (.jpg, .png, ...) and videos (.mp4, .avi, .mov, .mkv, .webm)")
    model = parser.add_mutually_exclusive_group(required=True)
    model.add_argument("--run", metavar="RUN_ID", help="a complete run in the store (see `sql --query runs`; a unique prefix is enough)")
    model.add_argument("--weights", metavar="FILE", help="a weights file (e.g. the published Meso4_DF.h5); nothing is stored")
    parser.add_argument("--arch", help="architecture of --weights (default: the registered one the file fits)")
    sampling = parser.add_mutually_exclusive_group()
    sampling.add_argument("--frames", type=int, default=None, metavar="N", help="frames sampled per video, evenly spaced (default 32)")
    sampling.add_argument("--every", type=int, default=None, metavar="K", help="sample every K-th frame instead")
    parser.add_argument("--crop-faces", action="store_true", help="score the face crop of each image instead of the whole image")
    parser.add_argument("--positive", choices=["real", "fake"], default="real",
                        help="which class the score is the probability of: real (MesoNet's score_real, the default) or "
                        "fake (DeepfakeBench's convention: score_fake = P(fake) = 1 - score_real); the verdict is the same")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format (default: table)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of the terminal")


def _run_model(args: argparse.Namespace) -> tuple[object, str, dict | None]:
    """(model, resize method, crop settings JSON of the training dataset or None)."""
    from dsanalysis.model.evaluation import load_run_model, run_resize, stored_run
    from dsanalysis.store import open_store

    with open_store(args.store, read_only=True) as store:
        run = stored_run(store, args.run)
        crops = store.query("predict_crop_settings", dataset=run["train_dataset"]) if run["train_dataset"] else None
    settings = json.loads(crops["settings"].iloc[0]) if crops is not None and len(crops) == 1 else None
    return load_run_model(run), run_resize(run), settings


def run(args: argparse.Namespace) -> int:
    from dataclasses import fields, replace

    from dsanalysis.ingest.crops import CropSettings
    from dsanalysis.model.predict import score_files
    from dsanalysis.model.runtime import tensorflow
    from dsanalysis.output import check_output_path, write_frame

    check_output_path(args.output, args.store)
    if args.arch and not args.weights:
        raise UserError("--arch applies to --weights only (a run knows its architecture)")
    crop = CropSettings()
    tensorflow()
    if args.run:
        model, resize, trained_with = _run_model(args)
        if trained_with:
            crop = CropSettings(**{f.name: trained_with[f.name] for f in fields(CropSettings) if f.name in trained_with})
    else:
        from dsanalysis.model.weights import model_with_weights

        _, model = model_with_weights(args.weights, args.arch)
        resize = "nearest"  # the published MesoNet models were trained on nearest-neighbour resized crops
    if args.frames is not None or args.every is not None:
        crop = replace(crop, frames=None if args.every is not None else args.frames, every=args.every)
    scored = score_files(args.files, model, resize=resize, crop=crop, crop_images=args.crop_faces)
    shown = scored
    if args.positive == "fake":  # DeepfakeBench's convention: label 1 = fake, the score is P(fake)
        shown = scored.assign(score_real=1.0 - scored["score_real"]).rename(columns={"score_real": "score_fake"})
    write_frame(shown, args.format, args.output)
    failed = scored["score_real"].isna()
    if failed.all():
        raise UserError(f"none of the {len(scored)} files could be scored ({scored['error'].iloc[0]}"
                        + (", ..." if len(scored) > 1 else "") + ")")
    return 0
