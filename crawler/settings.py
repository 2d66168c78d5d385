"""Scrapy settings for diplofeed: polite by default (robots.txt, one request at a time per
site, a delay that AutoThrottle adapts, a User-Agent naming the project); see README.

`scrapy crawl <source-id>` and `diplofeed crawl` both read these; the CLI adds the store
path, the run id and, with --replay, the replay server's address.
"""

from __future__ import annotations

import os

BOT_NAME = "diplofeed"
# Spiders are built from the registry, one per source id (crawler/spiderloader.py).
SPIDER_LOADER_CLASS = "crawler.spiderloader.RegistrySpiderLoader"
SPIDER_MODULES: list[str] = []

# One place names the crawler to the sites it visits.
USER_AGENT = "diplofeed/0.1 (+https://github.com/diplofeed/diplofeed; news monitoring)"
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
# No listening ports: Scrapy's telnet console and remote-control server stay off unless
# asked for (`-s REMOTE_CONTROL_ENABLED=1`).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# `diplofeed crawl` prints its own line per source; Scrapy's log is for --log-level INFO.
LOG_LEVEL = "WARNING"
# Items (and requests) one response's output may have in the item pipeline at once. The
# pipeline is synchronous (one SQLite write at a time), so parallelism buys nothing here,
# while Scrapy's default of 100 starts 100 asyncio tasks for every response: about a
# third of the crawl's time on the benchmark site (bench/README.md).
CONCURRENT_ITEMS = 4

# One of the two writes: the store, or (scale-out workers) the writer's Redis queue.
# Request identity: URL, method, body, and Accept-Language (one API URL, two languages).
REQUEST_FINGERPRINTER_CLASS = "crawler.middlewares.fingerprint.LanguageFingerprinter"

ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 300,
    "crawler.scaleout.pipeline.QueuePipeline": 300,
}
# Incremental crawls: articles stored more than DIPLOFEED_REVISIT_HOURS ago are not fetched
# again, and pagination stops at a page holding only those (crawler/middlewares/incremental.py).
SPIDER_MIDDLEWARES = {"crawler.middlewares.incremental.IncrementalCrawl": 950}
# A redirect back to a URL on the chain is a failure, not a silent duplicate (runs before
# Scrapy's RedirectMiddleware at 600).
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's own, asking each host for robots.txt at most once a day (RFC 9309), the
    # file kept in the store, or shared in Redis between scale-out workers
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsTxtCache": 100,
    "crawler.middlewares.redirect_loop.RedirectLoopGuard": 650,
    # before RetryMiddleware (550) sees the response: wait as Retry-After asks
    "crawler.middlewares.retry_after.RetryAfter": 560,
}
DIPLOFEED_REVISIT_HOURS = float(os.environ.get("DIPLOFEED_REVISIT_HOURS") or 48)
# ...and within the window, each is asked again at most once this often (a crawl every
# 30 minutes does not fetch the last two days' articles every time).
DIPLOFEED_REVISIT_EVERY_HOURS = float(os.environ.get("DIPLOFEED_REVISIT_EVERY_HOURS") or 6)

# The store: $DIPLOFEED_DB, else ./diplofeed.db (the CLI's --db overrides both).
DIPLOFEED_DB = os.environ.get("DIPLOFEED_DB", "diplofeed.db")
# Set by `diplofeed crawl` to group the sources of one run; `scrapy crawl` starts its own.
DIPLOFEED_RUN_ID = None
# Set by --replay: the replay server every request is sent to (crawler/replay/handler.py).
DIPLOFEED_REPLAY_URL = os.environ.get("DIPLOFEED_REPLAY_URL") or None
DIPLOFEED_REGISTRY = os.environ.get("DIPLOFEED_REGISTRY") or None
# The crawl clock (ISO 8601 UTC): relative dates and first-seen times are read against it.
# `--replay` sets it to the replay copies' recording time; the wall clock when unset.
DIPLOFEED_AS_OF = os.environ.get("DIPLOFEED_AS_OF") or None

if DIPLOFEED_REPLAY_URL:
    # `DIPLOFEED_REPLAY_URL=http://127.0.0.1:PORT scrapy crawl <id>`: the same switch as
    # `diplofeed crawl --replay-url` (see crawler/runner.py:crawl_settings).
    DOWNLOAD_HANDLERS = {
        "http": "crawler.replay.handler.ReplayDownloadHandler",
        "https": "crawler.replay.handler.ReplayDownloadHandler",
    }
    DOWNLOAD_DELAY = 0
    AUTOTHROTTLE_ENABLED = False

# Scale-out (docs/scale-out.md): with a Redis URL, this process is one of several workers
# sharing a crawl through Redis (scrapy-redis's scheduler and duplicate filter, switched
# on by the add-on), and `diplofeed writer` writes the store. Workers whose heartbeat key
# (refreshed every third of DIPLOFEED_REDIS_HEARTBEAT seconds) expires are counted out.
ADDONS = {"crawler.scaleout.addon.ScaleOut": 0}
# Set by `diplofeed crawl --redis URL`, or `scrapy crawl <id> -s DIPLOFEED_REDIS_URL=URL`
# (not read from the environment: a variable meant for the writer must not turn local
# crawls into workers).
DIPLOFEED_REDIS_URL = None
# A worker's spider holds at most this many requests taken from the shared queue.
DIPLOFEED_WORKER_REQUESTS = int(os.environ.get("DIPLOFEED_WORKER_REQUESTS") or 4)
DIPLOFEED_REDIS_HEARTBEAT = float(os.environ.get("DIPLOFEED_REDIS_HEARTBEAT") or 30)
