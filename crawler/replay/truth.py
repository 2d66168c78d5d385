"""Truth files drafted from a recording, for a person to confirm (docs/sources.md).

A draft holds what diplofeed extracts today from each recorded article page, in the
shape of ``tests/extraction/<source>/<case>.json``, marked ``"draft": true``. The
extraction tests refuse a draft: someone must check every field against the page itself
(not against the extractor), fill in ``body_excludes``, and remove the mark.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crawler.errors import ExtractionError
from crawler.extracting import extract_document

from .archive import ReplayArchive

if TYPE_CHECKING:
    from crawler.registry import Source

__all__ = ["draft_truth"]


def _case_name(url: str) -> str:
    path = urlsplit(url).path.rstrip("/")
    tail = re.sub(r"[^A-Za-z0-9]+", "_", path.rsplit("/", 1)[-1] or "index").strip("_")
    return tail[-60:] or "page"


def draft_truth(folder: str | Path, urls: list[str], source: Source, out: str | Path) -> list[Path]:
    """Write one draft truth file per recorded article page at ``urls``.

    Existing files are left alone (a confirmed truth file is never overwritten).

    Returns:
        The files written.
    """
    archive = ReplayArchive.load([Path(folder)])
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for url in urls:
        recorded = archive.lookup(url)
        if recorded is None or recorded.status != 200:
            continue
        try:
            result = extract_document(
                recorded.body, url, source, content_type=recorded.headers.get("Content-Type", "")
            )
        except ExtractionError:
            continue
        if result.get("kind") != "article":
            continue
        article = result["article"]
        paragraphs = [p for p in (article["body"] or "").split("\n\n") if p.strip()]
        path = target / f"{_case_name(url)}.json"
        if path.exists():
            continue
        draft = {
            "draft": True,
            "behaviour": "DRAFT from a recording: confirm every field against the page, "
            "list the boilerplate in body_excludes, then delete the 'draft' key",
            "page": url,
            "url": url,
            "expected": {
                "title": article["title"],
                "published": article["published"],
                "language": article["language"],
                "body_start": paragraphs[0] if paragraphs else "",
                "body_end": paragraphs[-1] if paragraphs else "",
                "body_excludes": [],
                "image": article["image"],
            },
        }
        path.write_text(json.dumps(draft, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
