"""The store's schema, versioned as sqlite-utils migrations (documented in docs/schema.md).

Never edit an applied migration: add a new one. Users' stores are upgraded in place when
any diplofeed command opens them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlite_utils import Migrations

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["FTS_TOKENIZER", "migrations"]

# unicode61 folds case, and diacritics of Latin letters (porter would stem English only;
# inflection is handled on the query side, storage/fts.py). See FIELD-NOTES: SQLite.
# U+02BB and U+02BC, the Uzbek Latin apostrophes, are letters to unicode61 while ' and ’
# are separators: as separators too, Oʻzbekiston, O'zbekiston and O’zbekiston index
# the same ("o" "zbekiston"). Set by m006; m001 created the table without them.
FTS_TOKENIZER = "unicode61 remove_diacritics 2 separators '\u02bb\u02bc'"

migrations = Migrations("diplofeed")


@migrations()
def m001_initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE store_info (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            country TEXT,
            kind TEXT NOT NULL,
            languages TEXT NOT NULL DEFAULT '[]',
            timezone TEXT,
            strategy TEXT,
            homepage TEXT,
            registered INTEGER NOT NULL DEFAULT 1
        )
        """
    )
    db.execute(
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            representative_id INTEGER,
            first_published TEXT,
            article_count INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL REFERENCES sources(id),
            url TEXT NOT NULL,
            canonical_url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            body TEXT NOT NULL DEFAULT '',
            body_html TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            language TEXT,
            published TEXT NOT NULL,
            published_from TEXT NOT NULL,
            author TEXT,
            image TEXT,
            body_hash TEXT,
            content_hash TEXT NOT NULL,
            story_id INTEGER NOT NULL REFERENCES stories(id),
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            updated TEXT
        )
        """
    )
    db.execute("CREATE INDEX articles_published ON articles(published DESC)")
    db.execute("CREATE INDEX articles_source_published ON articles(source, published DESC)")
    db.execute("CREATE INDEX articles_story ON articles(story_id)")
    db.execute("CREATE INDEX articles_body_hash ON articles(body_hash)")
    db.execute(
        """
        CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            seen_until TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX article_versions_article ON article_versions(article_id)")
    db.execute(
        """
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            replay INTEGER NOT NULL DEFAULT 0,
            sources TEXT NOT NULL DEFAULT '[]',
            status TEXT NOT NULL DEFAULT 'running'
        )
        """
    )
    db.execute(
        """
        CREATE TABLE crawl_source_stats (
            run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
            source TEXT NOT NULL REFERENCES sources(id),
            pages INTEGER NOT NULL DEFAULT 0,
            articles INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0,
            undated INTEGER NOT NULL DEFAULT 0,
            newest_published TEXT,
            finished TEXT NOT NULL,
            PRIMARY KEY (run_id, source)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE crawl_failures (
            id INTEGER PRIMARY KEY,
            run_id INTEGER REFERENCES crawl_runs(id),
            source TEXT NOT NULL,
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            status INTEGER,
            message TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX crawl_failures_run ON crawl_failures(run_id, source)")
    # sqlite-utils' own FTS layout (articles_fts + triggers), so `sqlite-utils search`
    # and Datasette's search box work on the store as they are.
    db.table("articles").enable_fts(
        ["title", "body"], tokenize="unicode61 remove_diacritics 2", create_triggers=True
    )
    # sqlite-utils' update trigger fires on any column; a re-crawl touches last_seen of
    # every unchanged article, which must not rewrite its index entry.
    db.execute("DROP TRIGGER articles_au")
    db.execute(
        """
        CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "body" ON "articles" BEGIN
          INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body")
            VALUES ('delete', old.rowid, old."title", old."body");
          INSERT INTO "articles_fts" (rowid, "title", "body")
            VALUES (new.rowid, new."title", new."body");
        END
        """
    )


@migrations()
def m002_dates_and_health(db: Database) -> None:
    # A date the source claimed but diplofeed did not trust (in the future, or far older
    # than when it was first seen) is kept here; `published` then holds the first-seen time.
    db.execute("ALTER TABLE articles ADD COLUMN date_flag TEXT")
    db.execute("ALTER TABLE articles ADD COLUMN claimed_published TEXT")
    # The time a crawl ran "as of": the wall clock, or the recording time of replay copies.
    db.execute("ALTER TABLE crawl_runs ADD COLUMN as_of TEXT")
    for column in ("complete", "empty_body", "selector_misses"):
        db.execute(f"ALTER TABLE crawl_source_stats ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE crawl_source_stats ADD COLUMN status TEXT")
    db.execute("ALTER TABLE crawl_source_stats ADD COLUMN status_reason TEXT")
    db.execute(
        """
        CREATE TABLE source_health (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL REFERENCES sources(id),
            status TEXT NOT NULL,
            reason TEXT NOT NULL,
            since TEXT NOT NULL,
            run_id INTEGER REFERENCES crawl_runs(id)
        )
        """
    )
    db.execute("CREATE INDEX source_health_source ON source_health(source, id)")


@migrations()
def m003_relevance(db: Database) -> None:
    # Filled by the classifier (storage/relevance.py) when an article is saved; stores
    # created before are tagged when first opened (Store.tag_untagged).
    db.execute("ALTER TABLE articles ADD COLUMN relevant INTEGER")
    db.execute("ALTER TABLE articles ADD COLUMN relevance REAL")
    db.execute("ALTER TABLE articles ADD COLUMN countries TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE articles ADD COLUMN topics TEXT NOT NULL DEFAULT '[]'")
    db.execute("ALTER TABLE articles ADD COLUMN event_type TEXT")
    db.execute("CREATE INDEX articles_relevant_published ON articles(relevant, published DESC)")


@migrations()
def m004_near_duplicates(db: Database) -> None:
    # How an article joined its story: "first", "exact copy", "copy: containment 0.83",
    # "translation: ..." (docs/dedup.md).
    db.execute("ALTER TABLE articles ADD COLUMN story_reason TEXT")
    # The state of near-duplicate search lives here, so a restart loses nothing: each
    # article's MinHash and the numbers it states, and its LSH band keys.
    db.execute(
        """
        CREATE TABLE article_signatures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id),
            minhash BLOB NOT NULL,
            numbers TEXT NOT NULL DEFAULT ''
        )
        """
    )
    # Translations are looked up by the other languages and a time window.
    db.execute("CREATE INDEX articles_language_published ON articles(language, published)")
    # The table is its own index on (key, article_id): lookups by key read nothing else.
    db.execute(
        """
        CREATE TABLE article_lsh (
            key INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            PRIMARY KEY (key, article_id)
        ) WITHOUT ROWID
        """
    )


@migrations()
def m005_band_index_in_memory(db: Database) -> None:
    # The LSH band keys are no longer rows (48 written and ~150 looked up per article):
    # they are computed from the signatures, a week at a time, into memory
    # (storage/lsh.py). The week each signature belongs to is kept to load it by.
    db.execute("ALTER TABLE article_signatures ADD COLUMN week INTEGER")
    db.execute(
        """
        UPDATE article_signatures SET week = (
            SELECT CAST(strftime('%s', a.published) AS INTEGER) / 604800
            FROM articles a WHERE a.id = article_signatures.article_id
        )
        """
    )
    db.execute("CREATE INDEX article_signatures_week ON article_signatures(week)")
    db.execute("DROP TABLE article_lsh")


@migrations()
def m006_fts_uzbek_apostrophes(db: Database) -> None:
    # The index again with FTS_TOKENIZER, which separates words at the Uzbek apostrophes
    # as at ' and ’, so a search in one spelling finds the others. Same name, columns and
    # layout as sqlite-utils makes (`sqlite-utils search` and Datasette find it); the
    # triggers stay, they name the table. Rebuilding reads every article once.
    db.execute("DROP TABLE articles_fts")
    db.execute(
        'CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (\n'
        '    "title", "body",\n'
        f"    tokenize={db.quote(FTS_TOKENIZER)},\n"
        '    content="articles"\n'
        ")"
    )
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")


@migrations()
def m007_known_articles(db: Database) -> None:
    # Incremental crawls (docs/deploy.md): links to articles stored before the revisit
    # window are not fetched again; a source whose listing held only such links is
    # working, not broken.
    db.execute("ALTER TABLE crawl_source_stats ADD COLUMN known INTEGER NOT NULL DEFAULT 0")


@migrations()
def m008_http_validators(db: Database) -> None:
    # Conditional requests for articles fetched again within the revisit window: the
    # validators each article page was last served with (docs/deploy.md).
    db.execute(
        """
        CREATE TABLE http_validators (
            canonical_url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            seen TEXT NOT NULL
        )
        """
    )
    db.execute("ALTER TABLE crawl_source_stats ADD COLUMN not_modified INTEGER NOT NULL DEFAULT 0")


@migrations()
def m009_article_aliases(db: Database) -> None:
    # Addresses that redirected to a stored article (listings link some pages by a
    # path the site redirects): known, so a re-crawl does not fetch them again.
    db.execute(
        """
        CREATE TABLE article_aliases (
            canonical_url TEXT PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id)
        )
        """
    )
    db.execute("CREATE INDEX article_aliases_article ON article_aliases(article_id)")


@migrations()
def m010_robots_txt(db: Database) -> None:
    # Each host's robots.txt as last fetched: a crawl uses it for 24 hours (RFC 9309
    # section 2.4) instead of fetching it again every crawl (docs/deploy.md).
    db.execute(
        """
        CREATE TABLE robots_txt (
            host TEXT PRIMARY KEY,
            status INTEGER NOT NULL,
            body BLOB NOT NULL,
            fetched TEXT NOT NULL
        )
        """
    )


@migrations()
def m011_unstored(db: Database) -> None:
    # Articles a crawl fetched but could not store (the store stayed locked by another
    # writer past the write bound, the disk was full): counted, so the source is
    # `degraded` and the crawl exits non-zero instead of reporting "ok" (issue #12).
    db.execute("ALTER TABLE crawl_source_stats ADD COLUMN unstored INTEGER NOT NULL DEFAULT 0")


@migrations()
def m012_story_links(db: Database) -> None:
    # Stories as the groups of a graph (issue #13): each pair of articles found to report
    # one event is a link, kept here; an article's arrival groups its whole linked
    # neighbourhood again, so the stories of a set of articles do not depend on the order
    # they arrived in. A story merged into an older one keeps its row, marked, and the
    # merge is recorded with its reason. Articles grouped before links were kept are
    # linked to their story's first article, so regrouping keeps their stories whole.
    db.execute(
        """
        CREATE TABLE story_links (
            a INTEGER NOT NULL REFERENCES articles(id),
            b INTEGER NOT NULL REFERENCES articles(id),
            strength REAL NOT NULL,
            reason TEXT NOT NULL,
            PRIMARY KEY (a, b)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX story_links_b ON story_links(b)")
    db.execute(
        """
        CREATE TABLE story_merges (
            id INTEGER PRIMARY KEY,
            story_id INTEGER NOT NULL REFERENCES stories(id),
            into_story_id INTEGER NOT NULL REFERENCES stories(id),
            at TEXT NOT NULL,
            reason TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX story_merges_story ON story_merges(story_id)")
    db.execute("ALTER TABLE stories ADD COLUMN merged_into INTEGER REFERENCES stories(id)")
    db.execute("ALTER TABLE stories ADD COLUMN event_type TEXT")
    # the classifier's own verdict; `event_type` becomes the story's, one per story
    db.execute("ALTER TABLE articles ADD COLUMN tagged_event_type TEXT")
    db.execute("UPDATE articles SET tagged_event_type = event_type")
    db.execute(
        """
        INSERT OR IGNORE INTO story_links (a, b, strength, reason)
        SELECT f.first, a.id, 1.0, 'grouped before links were kept'
        FROM articles a
        JOIN (SELECT story_id, min(id) AS first FROM articles GROUP BY story_id) f
          ON f.story_id = a.story_id
        WHERE a.id > f.first
        """
    )


@migrations()
def m013_date_precision(db: Database) -> None:
    # Whether `published` is to the minute or to the day, and the day it fell on where
    # the source is (issue #13). A date-only page was stored at local midnight, which
    # readers west of the source showed on the previous day: such dates move to 09:00
    # UTC of their day (storage/times.py).
    from .times import day_precision, format_utc, local_day, parse_utc

    db.execute("ALTER TABLE articles ADD COLUMN published_precision TEXT NOT NULL DEFAULT 'minute'")
    db.execute("ALTER TABLE articles ADD COLUMN published_day TEXT")
    zones = dict(db.execute("SELECT id, timezone FROM sources").fetchall())
    rows = db.execute("SELECT id, source, published, published_from FROM articles").fetchall()
    for article_id, source, published, published_from in rows:
        moment = parse_utc(published)
        zone = zones.get(source)
        day = day_precision(moment, zone) if published_from != "first_seen" else None
        db.execute(
            "UPDATE articles SET published = ?, published_precision = ?, published_day = ? "
            "WHERE id = ?",
            [
                format_utc(day or moment),
                "day" if day else "minute",
                local_day(moment, zone),
                article_id,
            ],
        )
    db.execute("CREATE INDEX articles_published_day ON articles(published_day)")


@migrations()
def m014_signature_names(db: Database) -> None:
    # The names an article's text states (consonant skeletons, storage/dedup.py), kept
    # beside its numbers: comparing a new article with the reports of the same days no
    # longer reads and splits their texts again. NULL for articles signed before: their
    # names are read from the text when needed.
    db.execute("ALTER TABLE article_signatures ADD COLUMN names TEXT")


@migrations()
def m015_contacts_and_scripts(db: Database) -> None:
    # Search across scripts (issue #16): each article's words in the other script's
    # spellings (storage/translit.py), indexed as a third column of articles_fts, so a
    # name written in Latin finds its Cyrillic spelling and the reverse, in diplofeed
    # search, the feeds' q= and plain FTS queries (sqlite-utils search, Datasette).
    # Filling it reads every article once; the index is then rebuilt.
    from .translit import search_forms

    db.execute("ALTER TABLE articles ADD COLUMN search_forms TEXT NOT NULL DEFAULT ''")
    last = 0
    while True:  # a thousand articles at a time: memory stays flat on any store
        rows = db.execute(
            "SELECT id, title, body FROM articles WHERE id > ? ORDER BY id LIMIT 1000", [last]
        ).fetchall()
        if not rows:
            break
        db.conn.executemany(
            "UPDATE articles SET search_forms = ? WHERE id = ?",
            [(search_forms(title, body), article_id) for article_id, title, body in rows],
        )
        last = rows[-1][0]
    for trigger in ("articles_ai", "articles_ad", "articles_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    db.execute("DROP TABLE articles_fts")
    db.execute(
        'CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (\n'
        '    "title", "body", "search_forms",\n'
        f"    tokenize={db.quote(FTS_TOKENIZER)},\n"
        '    content="articles"\n'
        ")"
    )
    db.execute(
        """
        CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" BEGIN
          INSERT INTO "articles_fts" (rowid, "title", "body", "search_forms")
            VALUES (new.rowid, new."title", new."body", new."search_forms");
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN
          INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body", "search_forms")
            VALUES ('delete', old.rowid, old."title", old."body", old."search_forms");
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "body", "search_forms"
        ON "articles" BEGIN
          INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body", "search_forms")
            VALUES ('delete', old.rowid, old."title", old."body", old."search_forms");
          INSERT INTO "articles_fts" (rowid, "title", "body", "search_forms")
            VALUES (new.rowid, new."title", new."body", new."search_forms");
        END
        """
    )
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    # Contacts as data (issue #16). A story's parties are the states at least half of
    # its relevant articles name: one agency's aside ("... and China's railway") does not
    # make a bilateral call trilateral. Merged stories have none (their articles belong
    # to the story they were merged into). Kept as a table, current through triggers on
    # every change of an article's story, parties or relevance and of a story's
    # representative, event type or merge: a view reading every article's JSON took two
    # minutes for the contacts of 100,000 articles.
    db.execute(
        """
        CREATE TABLE story_parties (
            story_id INTEGER NOT NULL REFERENCES stories(id),
            party TEXT NOT NULL,
            central_asian INTEGER NOT NULL,
            day TEXT NOT NULL,
            week TEXT NOT NULL,
            event_type TEXT,
            articles INTEGER NOT NULL,
            PRIMARY KEY (story_id, party)
        )
        """
    )
    db.execute("CREATE INDEX story_parties_day ON story_parties(day)")
    db.execute("CREATE INDEX story_parties_party_day ON story_parties(party, day)")

    def week(day: str) -> str:
        # ISO 8601: the year and week of the Thursday of the day's Monday-to-Sunday week
        thursday = f"date({day}, '-3 days', 'weekday 4')"
        return (
            f"strftime('%Y', {thursday}) || '-W' || printf('%02d', "
            f"(CAST(strftime('%j', {thursday}) AS INTEGER) - 1) / 7 + 1)"
        )

    def parties_of(story: str) -> str:
        # the rows of the stories `story` names (a row's column, or every story's id):
        # `story` is one of this function's own fixed names, never a value
        return f"""
          INSERT INTO story_parties
            (story_id, party, central_asian, day, week, event_type, articles)
          SELECT v.story_id, v.party, v.party IN ('KZ', 'KG', 'TJ', 'TM', 'UZ'), v.day,
                 {week("v.day")}, v.event_type, v.articles
          FROM (
            SELECT st.id AS story_id, c.value AS party, count(*) AS articles,
                   coalesce(r.published_day, substr(st.first_published, 1, 10)) AS day,
                   st.event_type
            FROM stories st
            LEFT JOIN articles r ON r.id = st.representative_id
            JOIN articles a ON a.story_id = st.id AND a.relevant = 1,
                 -- a value edited by hand into something else is no party (and no error)
                 json_each(CASE WHEN json_valid(a.countries) THEN a.countries ELSE '[]' END) c
            WHERE st.id = {story} AND st.merged_into IS NULL
            GROUP BY st.id, c.value
          ) v
          JOIN (SELECT story_id, count(*) AS total FROM articles
                WHERE story_id = {story} AND relevant = 1 GROUP BY story_id) t
            ON t.story_id = v.story_id
          WHERE 2 * v.articles >= t.total AND v.day IS NOT NULL;"""  # noqa: S608

    def recount(story: str) -> str:
        return f"\n  DELETE FROM story_parties WHERE story_id = {story};" + parties_of(story)  # noqa: S608

    db.execute(
        "CREATE TRIGGER story_parties_article_in AFTER INSERT ON articles BEGIN"
        + recount("new.story_id")
        + "\nEND"
    )
    db.execute(
        "CREATE TRIGGER story_parties_article_out AFTER DELETE ON articles BEGIN"
        + recount("old.story_id")
        + "\nEND"
    )
    db.execute(
        "CREATE TRIGGER story_parties_article_changed AFTER UPDATE OF story_id, countries, "
        "relevant ON articles BEGIN" + recount("old.story_id") + recount("new.story_id") + "\nEND"
    )
    db.execute(
        "CREATE TRIGGER story_parties_story_changed AFTER UPDATE OF merged_into, "
        "representative_id, event_type, first_published ON stories BEGIN"
        + recount("new.id")
        + "\nEND"
    )
    # every story at once (the condition on the id always holds)
    db.execute(parties_of("st.id").replace("WHERE story_id = st.id AND", "WHERE"))
    # One row per story and unordered pair of its parties. A story of two parties is a
    # bilateral contact; of more, a multilateral one: its n(n-1)/2 rows all say
    # `multilateral`, and counting distinct stories counts the event once. The pair is
    # written with the Central Asian state first (KZ-CN), else in alphabetical order.
    # The format of a multilateral contact: C5 when the five Central Asian states are
    # parties (C5+JP with Japan), else an organisation its shown article's title or
    # lead names by its abbreviation (SCO, CIS...), else NULL.
    db.execute(
        """
        CREATE VIEW contacts AS
        WITH counted AS (
          SELECT p.story_id, p.day, p.week, p.event_type, count(*) AS n,
                 sum(p.central_asian) AS ca_count,
                 (SELECT group_concat(party, '+') FROM (
                    SELECT x.party FROM story_parties x WHERE x.story_id = p.story_id
                    ORDER BY x.central_asian DESC, x.party)) AS parties,
                 (SELECT group_concat(party, '+') FROM (
                    SELECT x.party FROM story_parties x
                    WHERE x.story_id = p.story_id AND NOT x.central_asian
                    ORDER BY x.party)) AS partners
          FROM story_parties p
          GROUP BY p.story_id, p.day, p.week, p.event_type
          HAVING count(*) >= 2
        ),
        described AS (
          SELECT c.*,
                 ' ' || coalesce(r.title, '') || ' ' || coalesce(r.summary, '') || ' ' AS text
          FROM counted c
          JOIN stories st ON st.id = c.story_id
          LEFT JOIN articles r ON r.id = st.representative_id
        )
        SELECT d.story_id, d.day, d.week,
               p1.party || '-' || p2.party AS pair, p1.party AS party_a, p2.party AS party_b,
               CASE WHEN d.n = 2 THEN 'bilateral' ELSE 'multilateral' END AS kind,
               CASE
                 WHEN d.n = 2 THEN NULL
                 WHEN d.ca_count = 5 THEN 'C5' || coalesce('+' || d.partners, '')
                 WHEN d.text GLOB '*[^A-Za-z]SCO[^A-Za-z]*' OR d.text GLOB '*ШОС*' THEN 'SCO'
                 WHEN d.text GLOB '*[^A-Za-z]CIS[^A-Za-z]*' OR d.text GLOB '*СНГ*' THEN 'CIS'
                 WHEN d.text GLOB '*[^A-Za-z]CSTO[^A-Za-z]*' OR d.text GLOB '*ОДКБ*' THEN 'CSTO'
                 WHEN d.text GLOB '*[^A-Za-z]EAEU[^A-Za-z]*' OR d.text GLOB '*ЕАЭС*' THEN 'EAEU'
                 WHEN d.text GLOB '*[^A-Za-z]OTS[^A-Za-z]*' OR d.text GLOB '*ОТГ*' THEN 'OTS'
                 WHEN d.text GLOB '*[^A-Za-z]CICA[^A-Za-z]*' OR d.text GLOB '*СВМДА*' THEN 'CICA'
                 WHEN d.text GLOB '*[^A-Za-z]OSCE[^A-Za-z]*' OR d.text GLOB '*ОБСЕ*' THEN 'OSCE'
                 WHEN d.text GLOB '*[^A-Za-z]UN[^A-Za-z]*' OR d.text GLOB '*ООН*'
                   OR d.text GLOB '*United Nations*' THEN 'UN'
               END AS format,
               d.parties, d.n AS party_count, d.event_type
        FROM described d
        JOIN story_parties p1 ON p1.story_id = d.story_id
        JOIN story_parties p2 ON p2.story_id = d.story_id
          AND (p1.central_asian > p2.central_asian
               OR (p1.central_asian = p2.central_asian AND p1.party < p2.party))
        """
    )


@migrations()
def m017_selector_hits(db: Database) -> None:
    # Drift is loud (issue #18): each crawl counts, per source, the article pages read
    # with the registry's selectors and, per field, the pages where the field's selector
    # matched nothing (the generic path read the field instead): the selectors' hit rate.
    for column in (
        "selector_pages",
        "title_selector_misses",
        "date_selector_misses",
        "body_selector_misses",
    ):
        db.execute(f"ALTER TABLE crawl_source_stats ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")


@migrations()
def m018_party_index(db: Database) -> None:
    # The reports of the same days sharing a party with a new article are found by
    # walking this index in time order and testing each row's parties: with the parties
    # in the index, rows of other pairs are passed over without reading the table (the
    # walk costs half as much on a store of 6,000 articles a day's window).
    db.execute("DROP INDEX IF EXISTS articles_relevant_published")
    db.execute(
        "CREATE INDEX articles_relevant_published ON articles(relevant, published DESC, countries)"
    )


@migrations()
def m016_crawl_history(db: Database) -> None:
    # `diplofeed sources` shows each source's last ten crawls and when it last gave a new
    # article (issue #17): both read per source, not over the whole table.
    db.execute("CREATE INDEX crawl_source_stats_source ON crawl_source_stats(source, run_id)")
    db.execute("CREATE INDEX articles_source_first_seen ON articles(source, first_seen)")


def story_parties_recount(story: str) -> tuple[str, str]:
    """The two statements counting one story's ``story_parties`` rows again (m019's
    form): ``story`` is an SQL expression for its id (``new.story_id`` in a trigger,
    ``:story`` for a named parameter), one of the code's own, never a value."""
    thursday = "date(v.day, '-3 days', 'weekday 4')"
    week = (
        f"strftime('%Y', {thursday}) || '-W' || printf('%02d', "
        f"(CAST(strftime('%j', {thursday}) AS INTEGER) - 1) / 7 + 1)"
    )
    return (
        f"DELETE FROM story_parties WHERE story_id = {story}",  # noqa: S608
        f"""
  INSERT INTO story_parties (story_id, party, central_asian, day, week, event_type, articles)
  SELECT v.story_id, v.party, v.party IN ('KZ', 'KG', 'TJ', 'TM', 'UZ'), v.day, {week},
         v.event_type, v.articles
  FROM (
    SELECT st.id AS story_id, c.value AS party, count(*) AS articles,
           coalesce(r.published_day, substr(st.first_published, 1, 10)) AS day,
           st.event_type
    FROM stories st
    LEFT JOIN articles r ON r.id = st.representative_id
    JOIN articles a ON a.story_id = st.id AND a.relevant = 1,
         -- a value edited by hand into something else is no party (and no error)
         json_each(CASE WHEN json_valid(a.countries) THEN a.countries ELSE '[]' END) c
    WHERE st.id = {story} AND st.merged_into IS NULL
    GROUP BY st.id, c.value
  ) v
  WHERE 2 * v.articles >= (SELECT count(*) FROM articles
                           WHERE story_id = {story} AND relevant = 1)
    AND v.day IS NOT NULL""",  # noqa: S608
    )


@migrations()
def m019_deferred_indexes(db: Database) -> None:
    # Import speed (issue #13). What m015's triggers keep current is, within a batch of
    # writes (Store.batch), brought up to date once at the batch's end, in its
    # transaction:
    # - the full-text index: once FTS5 is written in a transaction it writes its pending
    #   terms out at every savepoint, and every article is one (200 us an article); the
    #   batch's new articles are indexed in one statement instead;
    # - story_parties: counted again two or three times a new article (its insert, its
    #   story's representative, its regrouping); the batch counts each story it touched
    #   once. The count no longer joins the relevant total through a subquery SQLite
    #   built an automatic index for on every firing (113 us -> 26 us): a story with a
    #   party row has a relevant article, so its total exists and the rows are the same.
    # While a batch runs, `index_deferral` holds one row, the last article before it
    # (never committed: the batch empties it before its commit, and a failure rolls it
    # back), and the triggers note the stories to count in `stories_recount`; at any
    # other time they work as before.
    db.execute("CREATE TABLE index_deferral (last_article INTEGER NOT NULL)")
    db.execute("CREATE TABLE stories_recount (story_id INTEGER PRIMARY KEY)")
    deferring = "EXISTS (SELECT 1 FROM index_deferral)"
    # an article the running batch added is indexed at its end, as it is then
    pending = "EXISTS (SELECT 1 FROM index_deferral WHERE {}.id > last_article)"
    for trigger in ("articles_ai", "articles_ad", "articles_au"):
        db.execute(f"DROP TRIGGER {trigger}")
    db.execute(
        f"""
        CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles"
        WHEN NOT {pending.format("new")} BEGIN
          INSERT INTO "articles_fts" (rowid, "title", "body", "search_forms")
            VALUES (new.rowid, new."title", new."body", new."search_forms");
        END
        """  # noqa: S608
    )
    db.execute(
        f"""
        CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles"
        WHEN NOT {pending.format("old")} BEGIN
          INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body", "search_forms")
            VALUES ('delete', old.rowid, old."title", old."body", old."search_forms");
        END
        """  # noqa: S608
    )
    db.execute(
        f"""
        CREATE TRIGGER "articles_au" AFTER UPDATE OF "title", "body", "search_forms"
        ON "articles" WHEN NOT {pending.format("old")} BEGIN
          INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body", "search_forms")
            VALUES ('delete', old.rowid, old."title", old."body", old."search_forms");
          INSERT INTO "articles_fts" (rowid, "title", "body", "search_forms")
            VALUES (new.rowid, new."title", new."body", new."search_forms");
        END
        """  # noqa: S608
    )
    # (name, when it fires, the stories it touches)
    parties = [
        ("story_parties_article_in", "AFTER INSERT ON articles", ["new.story_id"]),
        ("story_parties_article_out", "AFTER DELETE ON articles", ["old.story_id"]),
        (
            "story_parties_article_changed",
            "AFTER UPDATE OF story_id, countries, relevant ON articles",
            ["old.story_id", "new.story_id"],
        ),
        (
            "story_parties_story_changed",
            (
                "AFTER UPDATE OF merged_into, representative_id, event_type, "
                "first_published ON stories"
            ),
            ["new.id"],
        ),
    ]
    for name, when, stories in parties:
        now = "".join(f"\n  {sql};" for story in stories for sql in story_parties_recount(story))
        later = "".join(
            f"\n  INSERT OR IGNORE INTO stories_recount (story_id) VALUES ({story});"  # noqa: S608
            for story in stories
        )
        db.execute(f"DROP TRIGGER {name}")
        db.execute(f"CREATE TRIGGER {name} {when} WHEN NOT {deferring} BEGIN{now}\nEND")
        db.execute(f"CREATE TRIGGER {name}_later {when} WHEN {deferring} BEGIN{later}\nEND")


@migrations()
def m020_source_principal(db: Database) -> None:
    # Whose voice a source is, when it is one person's ("head_of_state": a president's
    # press service): story detection takes its posts for the head of state's acts.
    db.execute("ALTER TABLE sources ADD COLUMN principal TEXT")


@migrations()
def m021_announced_days(db: Database) -> None:
    # The days a report announces: its headline or opening names a day after its own
    # ("Президент Турции 13-14 января посетит Казахстан"). A report of that day finds the
    # announcement made days before by its day (storage/dedup.py, _announced). Articles
    # stored before are read once here.
    from .dedup import announced
    from .times import parse_utc

    db.execute(
        """
        CREATE TABLE announced_days (
            day TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id),
            PRIMARY KEY (day, article_id)
        ) WITHOUT ROWID
        """
    )
    # (an edit deletes its article's days by the article)
    db.execute("CREATE INDEX announced_days_article ON announced_days(article_id)")
    rows = db.execute(
        "SELECT id, published, title, substr(body, 1, 300) FROM articles "
        "WHERE published IS NOT NULL"
    )
    found = []
    for article_id, published, title, lead in rows:
        report = {"title": title, "lead": lead, "published": parse_utc(published)}
        found += [(day.isoformat(), article_id) for day in announced(report)]
    db.conn.executemany(
        "INSERT OR IGNORE INTO announced_days (day, article_id) VALUES (?, ?)", found
    )
