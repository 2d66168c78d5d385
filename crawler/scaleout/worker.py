"""Scale-out: several crawler processes, on one machine or many, share one crawl through
Redis (scrapy-redis); one process writes the store (docs/scale-out.md).

With ``DIPLOFEED_REDIS_URL`` set (``diplofeed crawl --redis URL``, or ``scrapy crawl <id>
-s DIPLOFEED_REDIS_URL=URL``) a crawler process is a *worker*:

* Workers started while a crawl *round* is open join it. A round's workers share one
  request queue and one duplicate filter per source (scrapy-redis), so each page is
  fetched once, by one of them. robots.txt is fetched by one worker and kept in Redis
  for 24 hours (crawler/robots.py).
* Workers do not open the store. Articles, failures, 304s and figures go to a Redis list, and
  ``diplofeed writer`` is the one process that writes them to the SQLite store
  (crawler/scaleout/writer.py). The writer mirrors each stored page's first-seen time and HTTP
  validators back to Redis, where the workers' incremental crawl reads them.
* A round ends when its last worker leaves; its keys are deleted and the next crawl
  starts a new round. Each worker keeps a heartbeat key alive; a worker whose heartbeat
  expired (killed) is counted out, and a round left with no live worker is ended as
  ``interrupted`` by the next process that looks.

Everything here is a no-op without ``DIPLOFEED_REDIS_URL``: the Scrapy components raise
NotConfigured or behave as Scrapy's own.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import time
from collections.abc import Iterable
from string import Template
from typing import TYPE_CHECKING, Any, ClassVar

from twisted.internet.task import LoopingCall

from storage.errors import DiplofeedError
from storage.reads import KnownPage

from .keys import EVENTS, KNOWN, ROUND, ROUND_PREFIX, WORKER_PREFIX, round_key, run_key, worker_key

if TYPE_CHECKING:
    import redis
    from scrapy.settings import BaseSettings

__all__ = [
    "KnownPages",
    "RedisUnavailable",
    "Worker",
    "as_text",
    "connect",
    "reap",
]

logger = logging.getLogger(__name__)


class RedisUnavailable(DiplofeedError):
    """Redis cannot be reached at the URL given."""


def connect(url: str) -> redis.Redis:
    """A client for ``url``, checked with a PING.

    Raises:
        RedisUnavailable: the server does not answer.
    """
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise RedisUnavailable(f"cannot reach Redis at {url}: {exc}") from exc
    return client


# Counting out workers whose heartbeat expired; ending a round left with none. KEYS[1] is
# ROUND, KEYS[2] EVENTS. Returns {round id or '', ended round id or ''}. Run atomically,
# so two workers starting together join the same round and only one ends a dead one.
def _lua(script: str) -> str:
    """A Lua script with the key prefixes filled in from crawler/scaleout/keys.py."""
    return Template(script).substitute(round=ROUND_PREFIX, worker=WORKER_PREFIX)


_PRUNE = _lua("""
local function alive(round)
  local members = redis.call('SMEMBERS', '$round' .. round .. ':workers')
  local n = 0
  for _, w in ipairs(members) do
    if redis.call('EXISTS', '$worker' .. w) == 1 then
      n = n + 1
    else
      redis.call('SREM', '$round' .. round .. ':workers', w)
      redis.call('SET', '$round' .. round .. ':lost', '1')
    end
  end
  return n
end
local function finish(round, status)
  redis.call('DEL', KEYS[1])
  redis.call('RPUSH', KEYS[2], '{"event": "end", "round": "' .. round ..
    '", "status": "' .. status .. '"}')
end
""")

# ARGV: worker id, a new round id, heartbeat seconds (0: only end a dead round).
_JOIN = _PRUNE + _lua(
    """
local round = redis.call('GET', KEYS[1])
local ended = ''
if round and alive(round) == 0 then
  finish(round, 'interrupted')
  ended = round
  round = false
end
if tonumber(ARGV[3]) == 0 then
  return {round or '', ended}
end
if not round then
  round = ARGV[2]
  redis.call('SET', KEYS[1], round)
end
redis.call('SADD', '$round' .. round .. ':workers', ARGV[1])
redis.call('SET', '$worker' .. ARGV[1], round, 'EX', ARGV[3])
return {round, ended}
"""
)

# KEYS[1] is ROUND; ARGV: worker id, its round, heartbeat seconds. Renews the heartbeat of
# a worker still in the open round; returns 0 for one counted out (or whose round ended).
_BEAT = _lua("""
if redis.call('GET', KEYS[1]) ~= ARGV[2] or
   redis.call('SISMEMBER', '$round' .. ARGV[2] .. ':workers', ARGV[1]) == 0 then
  return 0
end
redis.call('SET', '$worker' .. ARGV[1], ARGV[2], 'EX', ARGV[3])
return 1
""")

# ARGV: worker id, its round. Returns 1 when this worker was the round's last.
_LEAVE = _PRUNE + _lua(
    """
redis.call('SREM', '$round' .. ARGV[2] .. ':workers', ARGV[1])
redis.call('DEL', '$worker' .. ARGV[1])
if alive(ARGV[2]) == 0 and redis.call('GET', KEYS[1]) == ARGV[2] then
  local lost = redis.call('GET', '$round' .. ARGV[2] .. ':lost')
  finish(ARGV[2], lost and 'interrupted' or 'finished')
  return 1
end
return 0
"""
)


def _delete_round(client: redis.Redis, round_id: str) -> None:
    keys = list(client.scan_iter(match=round_key(round_id, "*"), count=500))
    if keys:
        client.delete(*keys)


def reap(client: redis.Redis) -> str | None:
    """End the open round if none of its workers is alive (each was killed); return the
    open round's id, or None when no round is open."""
    current, ended = (as_text(v) for v in client.eval(_JOIN, 2, ROUND, EVENTS, "", "", 0))
    if ended:
        logger.warning("round %s ended: none of its workers is alive", ended)
        _delete_round(client, ended)
    return current or None


def as_text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


class Worker:
    """This process's place in the open round: joined when its first spider opens, left
    when its last spider closes (one per process and Redis URL)."""

    _instances: ClassVar[dict[str, Worker]] = {}

    def __init__(self, url: str, heartbeat: float, replay: bool, as_of: str | None) -> None:
        self.url = url
        self.client = connect(url)
        self.heartbeat = max(1.0, heartbeat)
        self.replay = replay
        self.as_of = as_of
        self.id = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self.round: str | None = None
        self.last_round: str | None = None  # kept after leaving, for the summary
        self.spiders = 0
        # each source's figures as this worker counted them (printed by `diplofeed crawl`)
        self.figures: dict[str, dict[str, int]] = {}
        self.counted_out = False  # set when the heartbeat finds this worker gone
        self._beat: LoopingCall | None = None

    @classmethod
    def of(cls, settings: BaseSettings) -> Worker:
        url = str(settings.get("DIPLOFEED_REDIS_URL"))
        if url not in cls._instances:
            cls._instances[url] = cls(
                url,
                settings.getfloat("DIPLOFEED_REDIS_HEARTBEAT", 30.0),
                bool(settings.get("DIPLOFEED_REPLAY_URL")),
                settings.get("DIPLOFEED_AS_OF"),
            )
        return cls._instances[url]

    @classmethod
    def forget(cls) -> None:
        """Drop every worker of this process (after a crawl, or between tests)."""
        cls._instances.clear()

    def enter(self, source: str) -> str:
        """A spider opens: join the open round (or start one) with the first."""
        if self.spiders == 0:
            self._join()
        self.spiders += 1
        assert self.round is not None
        self.client.sadd(run_key(self.round, "sources"), source)
        return self.round

    def exit(self) -> None:
        """A spider closed: leave the round with the last."""
        self.spiders -= 1
        if self.spiders == 0 and self.round is not None:
            self._leave()

    def _join(self) -> None:
        new = f"{int(time.time())}-{secrets.token_hex(4)}"
        current, ended = (
            as_text(v)
            for v in self.client.eval(_JOIN, 2, ROUND, EVENTS, self.id, new, int(self.heartbeat))
        )
        if ended:
            logger.warning("round %s ended: none of its workers was alive", ended)
            _delete_round(self.client, ended)
        self.round = self.last_round = current
        self.send({"event": "join", "replay": self.replay, "as_of": self.as_of})
        logger.info(
            "worker %s %s round %s", self.id, "started" if current == new else "joined", current
        )
        self._beat = LoopingCall(self._keep_alive)
        self._beat.start(self.heartbeat / 3, now=False)

    def _keep_alive(self) -> None:
        if self.round is None or self.counted_out:
            return
        try:
            alive = self.client.eval(_BEAT, 1, ROUND, self.id, self.round, int(self.heartbeat))
        except Exception:
            logger.warning("worker %s: heartbeat to %s failed", self.id, self.url, exc_info=True)
            return
        if not alive:
            # stalled longer than the heartbeat (stopped, swapped, cut off): the others
            # counted this worker out, and may have ended the round. Take no more
            # requests; what is in flight still goes to the writer.
            self.counted_out = True
            logger.error(
                "worker %s was counted out of round %s (no heartbeat for %.0f s): "
                "stopping; the next crawl fetches what it missed",
                self.id,
                self.round,
                self.heartbeat,
            )

    def _leave(self) -> None:
        assert self.round is not None
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        last = self.client.eval(_LEAVE, 2, ROUND, EVENTS, self.id, self.round)
        if last:
            _delete_round(self.client, self.round)
            logger.info("worker %s ended round %s (its last worker)", self.id, self.round)
        elif self.counted_out and as_text(self.client.get(ROUND)) != self.round:
            # counted out of a round that has ended since: what it wrote there after
            # the others cleared it goes too
            _delete_round(self.client, self.round)
        self.round = None

    def alive(self, worker_ids: Iterable[str]) -> list[str]:
        """Those of ``worker_ids`` whose heartbeat is live, this worker excluded."""
        others = [w for w in worker_ids if w != self.id]
        if not others:
            return []
        live = self.client.exists  # one call per worker: rounds have a handful
        return [w for w in others if live(worker_key(w))]

    def send(self, event: dict[str, Any]) -> None:
        assert self.round is not None
        event = {**event, "round": self.round, "worker": self.id, "id": secrets.token_hex(8)}
        self.client.rpush(EVENTS, json.dumps(event, ensure_ascii=False))


class KnownPages:
    """The writer's mirror of the stored pages (``KNOWN``), for the incremental crawl of
    workers that have no store to read."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def first_seen(self, urls: list[str]) -> dict[str, KnownPage]:
        """As :meth:`storage.Store.first_seen`, from the mirror."""
        if not urls:
            return {}
        values = self.client.hmget(KNOWN, urls)
        found: dict[str, KnownPage] = {}
        for url, value in zip(urls, values, strict=True):
            if value is not None:
                first, etag, modified, seen = [*json.loads(value), None, None, None][:4]
                found[url] = (str(first), etag, modified, seen)
        return found
