"""Identity traits in the store and the ``identity`` split strategy, on stored synthetic face descriptors (no dlib)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from fixtures import write_good

from dsanalysis.errors import UserError
from dsanalysis.model.splits import IDENTITY_SOURCE, SplitSettings, dataset_split
from dsanalysis.store import open_store
from dsanalysis.traits import identity, identity_rows

PEOPLE = 16


def _store_descriptors(store, dataset: str, people: int = PEOPLE, skip: int = 0, seed: int = 0) -> np.ndarray:
    """Give the images of ``dataset`` (but the last ``skip``) identity rows and descriptors of ``people`` people
    (image k shows person k % people, faces within 0.1 of the person's centre, people about 1.5 apart).
    Returns each image's person (-1 for skipped images)."""
    rng = np.random.default_rng(seed)
    images = store.query("usable_images", dataset=dataset)
    centres = rng.normal(scale=1.5 / np.sqrt(256), size=(people, 128))
    person = np.arange(len(images)) % people
    person[len(images) - skip:] = -1
    measured = images[person >= 0]
    rows = pd.DataFrame({"content_hash": measured["content_hash"], "extractor": identity.EXTRACTOR,
                         "trait": "eye_aspect_ratio", "value": 0.3, "category": None, "missing_reason": None,
                         "extractor_version": identity.VERSION})
    descriptors = pd.DataFrame({
        "content_hash": measured["content_hash"].to_numpy(),
        "descriptor": [list(centres[p] + rng.normal(scale=0.1 / np.sqrt(256), size=128)) for p in person[person >= 0]],
        "extractor_version": identity.VERSION})
    rows = rows.astype({"value": "float64", "category": "object", "missing_reason": "object"})
    with store.transaction():
        store.execute("traits_insert_image_traits", inputs={"traits_rows": rows})
        store.execute("traits_replace_face_descriptors", inputs={"traits_rows": rows, "identity_descriptors": descriptors})
    return person


@pytest.fixture
def people(cli, tmp_path):
    write_good(tmp_path / "p" / "real", 48, 0)
    write_good(tmp_path / "p" / "fake", 48, 500)
    assert cli("ingest", "p", tmp_path / "p").code == 0
    return "p"


def _parts_by_person(store, split, person):
    images = store.query("usable_images", dataset=split.dataset)[["image_id"]].assign(person=person)
    return images.merge(split.members, on="image_id")


def test_identity_split_keeps_every_person_on_one_side(people, store_path):
    with open_store(store_path) as store:
        person = _store_descriptors(store, people)
        split = dataset_split(store, people, SplitSettings("identity", 0.3, 0.1, 2))
        joined = _parts_by_person(store, split, person)
        assert joined.groupby("person")["part"].nunique().max() == 1
        assert set(joined["part"]) == {"train", "validation", "test"}
        row = store.query("model_split_get", split_id=split.split_id).iloc[0].to_dict()
        assert row["strategy"] == "identity" and row["group_source"] == IDENTITY_SOURCE
        assert SplitSettings.from_row(row) == split.settings  # the source is no group pattern
        # a random split of the same images mixes people across parts, and the traits see it
        random = dataset_split(store, people, SplitSettings("random", 0.3, 0.1, 2))
        assert _parts_by_person(store, random, person).groupby("person")["part"].nunique().max() > 1
        found = identity_rows.dataset_identities(store, people)
        frame = store.query("usable_images", dataset=people)[["image_id", "label"]]
        rows = identity_rows.dataset_identity_rows(store, people, frame, found, seed=0).set_index(["trait", "class"])
        assert rows.loc[("identities", "all"), "value"] == PEOPLE
        assert rows.loc[(f"identity_leakage_test_share.{split.split_id}", "all"), "value"] == 0.0
        leak = rows.loc[(f"identity_leakage_test_share.{random.split_id}", "all")]
        assert leak["value"] == 1.0 and json.loads(leak["params"])["warning"] is True  # 6 faces a person: all seen


def test_identity_split_refuses_unmeasured_images_and_patterns(people, store_path):
    with open_store(store_path) as store:
        _store_descriptors(store, people, skip=3)
        with pytest.raises(UserError, match=r"3 of 96 images .* --extractors faces,identity"):
            dataset_split(store, people, SplitSettings("identity", 0.3, 0.1, 0))
        assert store.query("traits_split_parts", dataset=people).empty  # nothing written
    with pytest.raises(UserError, match="group-pattern"):
        SplitSettings("identity", group_pattern="(.*)").check()


def test_images_without_a_face_are_groups_of_their_own(people, store_path):
    with open_store(store_path) as store:
        _store_descriptors(store, people)
        images = store.query("usable_images", dataset=people)
        no_face = images["content_hash"].iloc[:4]
        store.con.execute("DELETE FROM face_descriptors WHERE content_hash IN (SELECT * FROM unnest(?))", [list(no_face)])
        groups = identity_rows.identity_groups(store, images)
        assert groups.iloc[:4].isna().all() and groups.iloc[4:].nunique() == PEOPLE
        split = dataset_split(store, people, SplitSettings("identity", 0.3, 0.1, 0))
        assert len(split.members) == len(images)


def test_traits_store_identity_rows_pairs_and_the_leakage_query(cli, people, tmp_path, store_path):
    write_good(tmp_path / "q" / "real", 20, 900)
    write_good(tmp_path / "q" / "fake", 20, 950)
    assert cli("ingest", "q", tmp_path / "q").code == 0
    with open_store(store_path) as store:
        _store_descriptors(store, people)
        _store_descriptors(store, "q", people=4, seed=0)  # the first 4 people of p again
        dataset_split(store, people, SplitSettings("random", 0.3, 0.1, 0))
    done = cli("traits", "--extractors", "quality", "--jobs", "1", "--no-embedding", "--bootstrap", "20")
    assert done.code == 0, done.err
    with open_store(store_path, read_only=True) as store:
        traits = store.query("dataset_traits", trait_like="identit%").set_index(["dataset", "trait", "class"])
        assert traits.loc[("p", "identities", "all"), "value"] == PEOPLE
        assert traits.loc[("q", "identities", "all"), "value"] == 4
        assert traits.loc[("p", "identities_at_0.5", "all"), "value"] >= PEOPLE
        assert PEOPLE <= traits.loc[("p", "identity_vendi_score", "all"), "value"] <= 1.2 * PEOPLE  # about one per person
        pairs = store.query("dataset_pair_traits").set_index(["dataset_a", "dataset_b", "trait"])["value"]
        assert pairs[("p", "q", "identity_overlap")] == 1.0        # all of q's people are in p
        assert pairs[("q", "p", "identity_overlap")] == 0.25       # 4 of p's 16 in q
        assert pairs[("p", "q", "identity_frechet_distance")] == pytest.approx(pairs[("q", "p", "identity_frechet_distance")])
        leakage = store.query("identity_leakage")
    assert list(leakage["dataset"]) == ["p"] and leakage["warning"].iloc[0]
    assert leakage["leaked_share"].iloc[0] == 1.0 and leakage["strategy"].iloc[0] == "random"
    shown = cli("sql", "--query", "identity_leakage")
    assert shown.code == 0 and "random" in shown.out
    assert cli("report", "--out", tmp_path / "r").code == 0
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "Who is in each dataset" in html and "identities at 0.6" in html
    assert "Identity leakage: p (random split" in html and "100.0% of test faces" in html


def test_report_sql_and_traits_without_identity_never_load_dlib(people, store_path, tmp_path):
    with open_store(store_path) as store:
        _store_descriptors(store, people)
        dataset_split(store, people, SplitSettings("random", 0.3, 0.1, 0))
    code = (
        "import sys\nfrom dsanalysis.cli import main\n"
        f"assert main(['--store', {str(store_path)!r}, 'traits', '--extractors', 'quality', '--jobs', '1', '--no-embedding']) == 0\n"
        f"assert main(['--store', {str(store_path)!r}, 'sql', '--query', 'identity_leakage']) == 0\n"
        f"assert main(['--store', {str(store_path)!r}, 'report', '--out', {str(tmp_path / 'r')!r}]) == 0\n"
        "print('HEAVY', sorted(m for m in ('dlib', '_dlib_pybind11', 'face_recognition_models', 'tensorflow') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path).stdout
    assert "HEAVY []" in out

