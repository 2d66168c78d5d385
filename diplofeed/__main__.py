"""``python -m diplofeed``: the same as the ``diplofeed`` command."""

from __future__ import annotations

from diplofeed.cli import main

main()
