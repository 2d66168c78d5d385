"""``diplofeed import`` with worker processes: the same store as one process writes."""

from __future__ import annotations

import json

import pytest

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


def parties(store: Store) -> list[tuple]:
    return [
        tuple(r)
        for r in store.db.execute(
            "SELECT a.canonical_url, p.party, p.central_asian, p.day, p.week, p.event_type, "
            "p.articles FROM story_parties p JOIN stories s ON s.id = p.story_id "
            "JOIN articles a ON a.id = s.representative_id ORDER BY 1, 2"
        )
    ]


def test_a_batch_indexes_at_its_end_what_single_writes_index_at_once(tmp_path):
    # the batch's full-text index and story parties are caught up before its commit
    # (m019): the same as article by article, edits within the batch and of earlier
    # articles included
    data = [json.loads(line) for line in lines(tmp_path, 300) if line.startswith(b'{"')]
    data = [row for row in data if row.get("title")]
    edits = [
        {**data[5], "body": data[5]["body"] + " Правка: Бишкек."},  # in the first batch
        {**data[250], "title": data[250]["title"] + " (обновлено)"},  # in the same batch
    ]
    text = [json.dumps(row, ensure_ascii=False) for row in [*data, *edits]]
    with Store(tmp_path / "batched.db") as batched, Store(tmp_path / "single.db") as single:
        import_lines(batched, text, batch=200)
        for line in text:
            single.save_article(json.loads(line))
        for store in (batched, single):
            store.db.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
            )
            assert store.db.execute("SELECT count(*) FROM index_deferral").fetchone() == (0,)
            assert store.db.execute("SELECT count(*) FROM stories_recount").fetchone() == (0,)
        assert parties(batched) == parties(single)
        assert len(parties(batched)) > 100
        for query in ("Бишкек", "обновлено", "Kazakhstan", "министр"):
            found = {r["url"] for r in batched.search(query, limit=500)}
            assert found == {r["url"] for r in single.search(query, limit=500)}
            assert found
        # and at any other time the triggers index at once
        single.save_article({**data[0], "url": "https://x.kz/after", "title": "Ашхабад"})
        assert [r["url"] for r in single.search("Ашхабад")] == ["https://x.kz/after"]


def test_a_failed_batch_leaves_the_indexes_as_they_were(tmp_path):
    data = [json.loads(line) for line in lines(tmp_path, 60) if line.startswith(b'{"')]
    with Store(tmp_path / "failed.db") as store:
        import_lines(store, [json.dumps(r) for r in data[:30] if r.get("title")], batch=10)
        before = parties(store)
        try:
            with store.batch():
                for row in data[30:]:
                    if row.get("title"):
                        store.save_article(row)
                raise RuntimeError("stop")
        except RuntimeError:
            pass
        assert parties(store) == before
        assert store.db.execute("SELECT count(*) FROM index_deferral").fetchone() == (0,)
        store.db.execute(
            "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
        )
        store.save_article({**data[0], "url": "https://x.kz/next", "title": "Ашхабад"})
        assert [r["url"] for r in store.search("Ашхабад")] == ["https://x.kz/next"]


def test_an_import_gives_back_the_collectors_thresholds(tmp_path):
    import gc

    before = gc.get_threshold()
    with Store(tmp_path / "gc.db") as store:
        import_lines(store, lines(tmp_path, 30), batch=10)
        assert gc.get_threshold() == before

        def failing():
            yield from lines(tmp_path, 5)
            raise RuntimeError("the input broke")

        with pytest.raises(RuntimeError):
            import_lines(store, failing(), batch=2)
    assert gc.get_threshold() == before
