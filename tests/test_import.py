"""``diplofeed import`` with worker processes: the same store as one process writes."""

from __future__ import annotations

import json

from bench.synth import generate
from storage import Store
from storage.importer import import_lines


def lines(tmp_path, count: int = 400) -> list[bytes]:
    path = tmp_path / "articles.jsonl"
    generate(count, path)
    good = path.read_bytes().splitlines()
    # bad lines among them, reported with their numbers whichever process read them
    good.insert(7, b"{not json")
    good.insert(150, json.dumps({"url": "https://x.kz/1", "title": "", "body": "b"}).encode())
    good.insert(301, b"\xff\xfe broken bytes")
    return good


def stories(store: Store) -> list[tuple]:
    return [
        tuple(r)
        for r in store.db.execute(
            "SELECT canonical_url, story_reason, relevant, countries, event_type, "
            "(SELECT min(b.canonical_url) FROM articles b WHERE b.story_id = a.story_id) "
            "FROM articles a ORDER BY id"
        )
    ]


def test_workers_store_what_one_process_stores(tmp_path):
    data = lines(tmp_path)
    with Store(tmp_path / "one.db") as one, Store(tmp_path / "many.db") as many:
        alone = import_lines(one, data, batch=50)
        together = import_lines(many, data, batch=50, workers=2)
        assert together.outcomes == alone.outcomes == {"new": 400}
        assert together.errors == alone.errors
        assert [number for number, _ in together.errors] == [8, 151, 302]
        # every article, its tags, its story (named by its first member) and why
        assert stories(many) == stories(one)
        assert len({s[-1] for s in stories(many)}) < 400  # the near copies joined stories


def test_importing_again_with_workers_adds_nothing(tmp_path):
    data = lines(tmp_path, 200)
    with Store(tmp_path / "again.db") as store:
        import_lines(store, data, batch=40, workers=2)
        before = stories(store)
        again = import_lines(store, data, batch=40, workers=2)
        assert again.outcomes == {"unchanged": 200}
        assert stories(store) == before


def test_progress_lines_report_every_n_lines(tmp_path):
    from .conftest import run_cli

    path = tmp_path / "lines.jsonl"
    generate(1200, path)
    result = run_cli("import", str(path), "--db", str(tmp_path / "p.db"), "--progress", "500")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    assert [line.split()[1] for line in lines] == ["500", "1000"]
    assert all("/s)" in line and "rss=" in line for line in lines)
