"""Named feeds (``feeds.toml``): a name, a title, and the feed server's parameters.

The bundled ``feeds/feeds.toml`` is the default; ``--feeds-config PATH`` replaces it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.errors import DiplofeedError

from .query import PARAMETERS

__all__ = ["DEFAULT_CONFIG", "FEED_NAME", "FeedsConfig", "NamedFeed", "load_config"]

DEFAULT_CONFIG = Path(__file__).with_name("feeds.toml")
# A feed's name is a path segment and a file name: nothing that could leave a folder.
# \Z, not $: $ also matches before a final newline, so "all\n" would pass .match().
FEED_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\Z")


class ConfigError(DiplofeedError):
    """The feeds configuration is unusable."""


@dataclass(frozen=True, slots=True)
class NamedFeed:
    name: str
    title: str
    # the server's query parameters, each with its values
    params: dict[str, list[str]]


@dataclass(slots=True)
class FeedsConfig:
    ttl_minutes: int = 30
    feeds: dict[str, NamedFeed] = field(default_factory=dict)
    path: Path = DEFAULT_CONFIG

    def sources(self) -> frozenset[str]:
        """The source ids the named feeds ask for."""
        return frozenset(
            value
            for named in self.feeds.values()
            for raw in named.params.get("source", [])
            for value in raw.split(",")
            if value
        )


def _as_values(name: str, key: str, value: Any) -> list[str]:
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, str | int):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return [str(v) for v in value]
    raise ConfigError(f"feed {name}: {key} must be text, a number or a list of them")


def load_config(path: str | Path | None = None) -> FeedsConfig:
    """Read a feeds.toml (the bundled one without ``path``).

    Raises:
        ConfigError: the file is missing or not TOML, a feed name is not a plain name, a
            key is not one of the server's parameters.
    """
    source = Path(path) if path else DEFAULT_CONFIG
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {source}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}") from exc
    server = data.get("server", {})
    ttl = server.get("ttl_minutes", 30)
    if not isinstance(ttl, int) or not 1 <= ttl <= 24 * 60:
        raise ConfigError(f"{source}: server.ttl_minutes must be 1 to 1440")
    config = FeedsConfig(ttl_minutes=ttl, path=source)
    for name, entry in (data.get("feeds") or {}).items():
        if not FEED_NAME.fullmatch(name):
            raise ConfigError(
                f"{source}: feed name {name!r} must be lower-case letters, digits, '-' or '_'"
            )
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("title"), str)
            or not entry["title"].strip()
        ):
            raise ConfigError(f"{source}: feed {name} needs a title")
        params: dict[str, list[str]] = {}
        for key, value in entry.items():
            if key == "title":
                continue
            if key not in PARAMETERS:
                raise ConfigError(
                    f"{source}: feed {name}: unknown key {key!r} (known: title, "
                    f"{', '.join(PARAMETERS)})"
                )
            params[key] = _as_values(name, key, value)
        config.feeds[name] = NamedFeed(name, entry["title"], params)
    return config
