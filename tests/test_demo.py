"""`clinic-archive demo --no-serve` builds the archive the README promises."""

import sqlite_utils

from tests.conftest import run_cli


def test_demo_builds_archive_and_prints_counts_per_site(tmp_path):
    db_path = tmp_path / "demo.db"
    result = run_cli("demo", "--no-serve", "--db", str(db_path))
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["site", "articles", "fetched", "new", "changed", "unchanged", "skipped", "gone",
                                "failed"]
    counts = {line[:42].strip(): int(line[42:].split()[0]) for line in lines[1:4]}
    assert counts == {"Front Range Spine & Joint": 7, "Harbor Physical Therapy & Sports Medicine": 8,
                      "Lakeside Integrative Medicine": 8}
    db = sqlite_utils.Database(db_path)
    titles = [row["title"] for row in db["articles"].search("mesenchymal")]
    assert titles == ["Harnessing the Healing Power of Bone Marrow-Derived Cells for Chronic Low Back Pain"]
    # a second demo (new ports, so new URLs) replaces the first instead of duplicating it
    db.close()
    assert run_cli("demo", "--no-serve", "--db", str(db_path)).returncode == 0
    assert sqlite_utils.Database(db_path)["articles"].count == 23


def test_demo_refuses_to_overwrite_an_archive_of_other_sites(tmp_path):
    db_path = tmp_path / "mine.db"
    db = sqlite_utils.Database(db_path)
    db["sites"].insert({"name": "My Clinic"})
    db.close()
    result = run_cli("demo", "--no-serve", "--db", str(db_path))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: {db_path} holds sites other than the samples (My Clinic); "
        "the demo will not overwrite it. Pass another --db.")
    assert sqlite_utils.Database(db_path)["sites"].count == 1
