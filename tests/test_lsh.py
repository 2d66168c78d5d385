"""The in-memory LSH band index (storage/lsh.py) and its state in the store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from storage import Store
from storage.dedup import BANDS, NUM_PERM, shingles, signature
from storage.lsh import BandIndex, band_keys

RELEASE = (
    "Министр иностранных дел Республики Казахстан Ермек Кошербаев провел переговоры с "
    "Министром иностранных дел Кыргызской Республики Жээнбеком Кулубаевым. Стороны обсудили "
    "вопросы делимитации государственной границы, водно-энергетического сотрудничества и "
    "транзита грузов, а также подготовку визита на высшем уровне в 2027 году. По итогам "
    "встречи подписана дорожная карта на 2027-2028 годы с объемом инвестиций 350 млн долларов."
)
WHEN = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def random_signatures(count: int, seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 1 << 32, (count, NUM_PERM), dtype=np.uint64)


def test_band_keys_of_many_signatures_are_those_of_each():
    values = random_signatures(5)
    together = band_keys(values, BANDS)
    assert together.shape == (5, BANDS)
    for row, keys in zip(values, together, strict=True):
        assert band_keys(row, BANDS).tolist() == keys.tolist()
    # a band's key depends on its number: equal rows in two bands are two keys
    same = np.zeros(NUM_PERM, dtype=np.uint64)
    assert len(set(band_keys(same, BANDS).tolist())) == BANDS


def test_query_finds_articles_sharing_bands_most_first():
    values = random_signatures(3)
    near = values[0].copy()
    near[:20] = values[1][:20]  # 10 bands of article 2
    near[20:24] = values[2][20:24]  # 2 bands of article 3
    index = BandIndex(BANDS)
    index.load(7, [1, 2, 3], values.astype("<u8").tobytes())
    keys = band_keys(near, BANDS)
    assert index.query([7], keys, least=1) == [1, 2, 3]  # article 1 shares 36 bands
    assert index.query([7], keys, least=11) == [1]
    assert index.query([7], keys, least=2, most=2) == [1, 2]
    assert index.estimates([1, 2, 3], near).tolist() == [72 / 96, 20 / 96, 4 / 96]


def test_articles_added_after_loading_are_found_before_and_after_a_merge():
    values = random_signatures(40)
    index = BandIndex(BANDS, merge_every=BANDS * 10)  # merges after about 10 articles
    index.load(7, [], b"")
    for number, row in enumerate(values, 1):
        index.add(7, number, row, band_keys(row, BANDS))
        # every article added so far is found by its own signature
        for earlier in (1, number):
            assert (
                index.query([7], band_keys(values[earlier - 1], BANDS), least=BANDS)[0] == earlier
            )
    index.add(8, 99, values[0], band_keys(values[0], BANDS))  # a week not loaded: read when loaded
    assert 8 not in index


def test_only_the_weeks_most_recently_used_stay_in_memory():
    index = BandIndex(BANDS, weeks=3)
    for week in range(5):
        index.load(week, [], b"")
    assert len(index) == 3 and 0 not in index and 4 in index
    index.query([2], band_keys(random_signatures(1)[0], BANDS))  # 2 is used: kept
    index.load(5, [], b"")
    assert 2 in index and 3 not in index


def article(number: int, body: str, hours: float = 0, source: str = "kabar") -> dict:
    return {
        "source": source,
        "url": f"https://example.kg/news/{number}",
        "title": f"Переговоры глав МИД ({number})",
        "body": body,
        "published": WHEN + timedelta(hours=hours),
    }


def test_a_second_store_on_the_same_file_sees_what_the_first_wrote(tmp_path):
    """Two processes (a crawl and an import) share the store: each one's band index
    picks up the other's signatures, so a reprint finds its original."""
    path = tmp_path / "shared.db"
    first, second = Store(path), Store(path)
    # the second loads its index first (the week is in memory, without the original)
    second.save_article(article(1, "Совсем другой текст о погоде и урожае. " * 12, -30))
    first.save_article(article(2, RELEASE, source="mfa_kz"))
    second.save_article(article(3, "Бишкек, 26 ноября. /Кабар/. " + RELEASE, 2))
    rows = list(first.db.query("SELECT id, story_id, story_reason FROM articles ORDER BY id"))
    assert rows[2]["story_id"] == rows[1]["story_id"] != rows[0]["story_id"]
    assert rows[2]["story_reason"].startswith("copy")
    first.close()
    second.close()


def test_a_rolled_back_article_leaves_no_trace_in_the_index(tmp_path, monkeypatch):
    """An article that fails after its signature was written is rolled back; the index
    that saw it is dropped and read again, so the next article, which takes its id, is
    found by its reprints."""
    store = Store(tmp_path / "rollback.db")
    store.save_article(article(1, "Совсем другой текст о погоде и урожае. " * 12, -30))

    with monkeypatch.context() as patch:
        patch.setattr(
            store.db, "execute", _fail_on("UPDATE stories SET representative_id", store.db.execute)
        )
        with pytest.raises(sqlite3.OperationalError):
            store.save_article(
                article(2, "Другой текст: визит делегации и подписание меморандума. " * 6)
            )
    # the article is gone, and the index does not offer it as a candidate either
    assert store.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    store.save_article(article(3, RELEASE))  # its id is taken again: no ghost match
    row = store.db.execute("SELECT story_reason FROM articles WHERE id = 2").fetchone()
    assert row[0] == "first"
    store.save_article(article(4, "Бишкек, 26 ноября. /Кабар/. " + RELEASE, 1))
    reasons = [r[0] for r in store.db.execute("SELECT story_reason FROM articles ORDER BY id")]
    assert reasons[-1].startswith("copy")
    store.close()


def _fail_on(prefix: str, execute):
    def wrapped(sql, *args, **kwargs):
        if sql.lstrip().startswith(prefix):
            raise sqlite3.OperationalError("disk I/O error")
        return execute(sql, *args, **kwargs)

    return wrapped


def test_a_store_from_before_the_in_memory_index_is_migrated(tmp_path):
    """m005: stores whose band keys were rows (article_lsh) get a week per signature and
    lose the table; their articles are still found."""
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.save_article(article(1, RELEASE, source="mfa_kz"))
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE article_lsh (key INTEGER, article_id INTEGER)")
    conn.execute("UPDATE article_signatures SET week = NULL")
    conn.execute("DROP INDEX article_signatures_week")
    conn.execute("ALTER TABLE article_signatures DROP COLUMN week")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_band_index_in_memory'")
    conn.commit()
    conn.close()
    with Store(path) as store:
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
        assert "article_lsh" not in tables
        (week,) = store.db.execute("SELECT week FROM article_signatures").fetchone()
        assert week == int(WHEN.timestamp()) // 604800
        store.save_article(article(2, "Бишкек, 26 ноября. /Кабар/. " + RELEASE, 1))
        reasons = [r[0] for r in store.db.execute("SELECT story_reason FROM articles")]
    assert reasons[1].startswith("copy")


def test_signature_of_nothing_is_the_empty_minhash():
    assert signature(shingles("")).tolist() == [0xFFFFFFFF] * NUM_PERM


def test_a_store_from_before_near_duplicate_search_is_signed_when_opened(tmp_path):
    path = tmp_path / "older.db"
    with Store(path) as store:
        store.save_article(article(1, RELEASE, source="mfa_kz"))
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE article_signatures")
    conn.execute("DROP INDEX articles_language_published")
    conn.execute("ALTER TABLE articles DROP COLUMN story_reason")
    conn.execute(
        "DELETE FROM _sqlite_migrations WHERE name IN ('m004_near_duplicates', "
        "'m005_band_index_in_memory', 'm014_signature_names')"
    )
    conn.commit()
    conn.close()
    with Store(path) as store:
        (week,) = store.db.execute("SELECT week FROM article_signatures").fetchone()
        assert week == int(WHEN.timestamp()) // 604800
        store.save_article(article(2, "Бишкек, 26 ноября. /Кабар/. " + RELEASE, 1))
        reasons = [r[0] for r in store.db.execute("SELECT story_reason FROM articles")]
    assert reasons[1].startswith("copy")


def test_loading_a_week_never_drops_another_week_asked_for_with_it():
    import numpy as np

    from storage.lsh import BandIndex

    index = BandIndex(2, weeks=2)
    empty = b""
    index.load(1, [], empty)
    index.load(2, [], empty)
    # week 1 is the least recently used: asking for 1 and 3 must keep 1
    index.touch(1)
    index.load(3, [], empty)
    assert 1 in index and 3 in index
    assert index.query([1, 3], np.zeros(2, dtype=np.uint64)) == []
