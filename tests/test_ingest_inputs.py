"""Degenerate ingest inputs: an empty path, a padded name, a registered dataset read from another folder."""

from __future__ import annotations

from fixtures import write_good


def _folder(root, seed):
    write_good(root / "real", 3, seed)
    write_good(root / "fake", 3, seed + 50)
    return root


def test_an_empty_path_is_an_error_not_the_working_directory(cli, store_path, tmp_path, monkeypatch):
    monkeypatch.chdir(_folder(tmp_path / "cwd", 0))  # the working directory would ingest fine
    result = cli("ingest", "x", "")
    assert result.code != 0 and result.err.strip() == "error: dataset path is empty: give the folder (or manifest) to ingest"
    assert not store_path.exists() or cli("sql", "SELECT count(*) AS n FROM images", "--format", "csv").out == "n\n0\n"


def test_blank_or_padded_names_are_refused(cli, tmp_path):
    root = _folder(tmp_path / "d", 0)
    for name in ("   ", " lfw", "lfw "):
        result = cli("ingest", name, root)
        assert result.code != 0 and "without leading or trailing spaces" in result.err, name


def test_a_registered_dataset_is_read_from_another_folder_only_with_replace(cli, tmp_path):
    first, second = _folder(tmp_path / "first", 0), _folder(tmp_path / "second", 100)
    assert cli("ingest", "d", first).code == 0
    refused = cli("ingest", "d", second)
    assert refused.code != 0
    assert f"dataset 'd' was ingested from {first.resolve()}, not {second.resolve()}" in refused.err
    assert "--replace" in refused.err
    paths = cli("sql", "SELECT DISTINCT root FROM datasets", "--format", "csv").out
    assert str(first.resolve()) in paths  # nothing changed
    replaced = cli("ingest", "d", second, "--replace")
    assert replaced.code == 0, replaced.err
    assert "dataset root moved from" in replaced.out
    assert cli("ingest", "d", second).code == 0  # the same folder again needs no flag


def test_a_new_group_pattern_is_not_reported_as_changed_files_and_min_side_says_what_it_rechecks(cli, tmp_path):
    root = _folder(tmp_path / "d", 0)
    assert cli("ingest", "d", root).code == 0
    regrouped = cli("ingest", "d", root, "--group-pattern", r"img(\d)")
    assert regrouped.code == 0
    assert "0 new, 0 changed, 0 removed, 0 unchanged, 6 with the same content but a new label, group or split" \
        in regrouped.out
    stricter = cli("ingest", "d", root, "--group-pattern", r"img(\d)", "--min-side", "100")
    assert "note: --min-side 100 applies to new and changed files; files whose size and time are unchanged keep " \
        "their earlier verdict (up to 6 here)" in stricter.out
