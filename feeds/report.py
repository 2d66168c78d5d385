"""The report: contacts between states and the sources' activity as pictures, over a
period (``diplofeed report``, ``/report`` of ``diplofeed serve``; docs/feeds.md,
"Report"), and the weekly digest for newsrooms (one HTML page and one Atom item a week).

The pictures are SVG drawn by matplotlib, inline in the page, their text set in the
reader's own sans-serif: the page loads no script, no font and no image, from the network
or elsewhere.
Each picture is followed by the numbers it shows (a table: what a screen reader reads,
what tests compare with SQL), a link to the feed of its stories and the SQL behind it
(storage/contacts.py).
"""

from __future__ import annotations

import html
import io
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from storage.contacts import CENTRAL_ASIA, QUERIES, ContactsReport, read_digest, read_report

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from storage import Store

__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "DigestWeek",
    "build_report",
    "digest_atom",
    "digest_weeks",
    "period",
    "report_endpoint",
    "report_html",
    "write_report",
]

DEFAULT_DAYS = 30
# A report's period is bounded: the server builds it on request.
MAX_DAYS = 366
# Partners shown in the heatmap at most, the most frequent first.
MAX_PARTNERS = 24

_DRAWING = threading.Lock()
# Report pages the server keeps, per period, until the store changes.
_KEPT = 8
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:70em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-top:1px solid #ddd;padding-top:1em}
figure{margin:0}figure svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ddd;padding:.15em .5em;text-align:left}td.n{text-align:right}
pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:.8em}
.links a{margin-right:1em}details{margin:.4em 0}
""".strip()


def period(since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """The report's days: ``until`` (default ``today``) and the :data:`DEFAULT_DAYS`
    before it, or from ``since``.

    Raises:
        ValueError: ``since`` after ``until``, or a period over :data:`MAX_DAYS` days.
    """
    end = until or today
    start = since or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValueError("since is after until")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValueError(f"a report covers at most {MAX_DAYS} days")
    return start, end


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    # constrained layout measures every text twice: margins are set by hand instead
    figure = Figure(figsize=(width, height), dpi=72)
    figure.subplots_adjust(left=0.12, right=0.98, top=0.9, bottom=0.15, hspace=0.45, wspace=0.35)
    return figure


def _svg(figure: Figure, name: str) -> str:
    """The figure as inline SVG: no XML declaration, no date, ids salted with the
    picture's name so two pictures of one page never share one."""
    import matplotlib

    buffer = io.StringIO()
    # text as <text> in the page's own sans-serif (glyphs as paths took most of the
    # time); no font is named that the browser would fetch
    with matplotlib.rc_context({"svg.hashsalt": name, "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # the RDF block names matplotlib's site and Dublin Core's: nothing a page needs
    text = _METADATA.sub("", text)
    return text[text.index("<svg") :]


def _empty(ax: Axes, text: str = "no stories in this period") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", color="#777")
    ax.set_axis_off()


def _heatmap_svg(rows: list[dict[str, Any]]) -> str:
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row["partner"]] += row["stories"]
    partners = sorted(totals, key=lambda p: (-totals[p], p))[:MAX_PARTNERS]
    figure = _figure(max(6.0, 2.0 + 0.42 * len(partners)), 5.6)
    axes = figure.subplots(2, 1)
    for ax, kind in zip(axes, ("bilateral", "multilateral"), strict=True):
        cells = {(r["state"], r["partner"]): r["stories"] for r in rows if r["kind"] == kind}
        if not partners:
            _empty(ax)
            continue
        grid = [[cells.get((s, p), 0) for p in partners] for s in CENTRAL_ASIA]
        ax.imshow(grid, cmap="Blues", aspect="auto", vmin=0)
        ax.set_xticks(range(len(partners)), partners, fontsize=9)
        ax.set_yticks(range(len(CENTRAL_ASIA)), CENTRAL_ASIA, fontsize=9)
        ax.set_title(f"{kind} contacts (stories)", fontsize=11, loc="left")
        peak = max((v for line in grid for v in line), default=0)
        for y, line in enumerate(grid):
            for x, value in enumerate(line):
                if value:
                    colour = "white" if value > peak / 2 else "#222"
                    ax.text(x, y, str(value), ha="center", va="center", fontsize=8, color=colour)
    return _svg(figure, "heatmap")


def _weekly_svg(rows: list[dict[str, Any]]) -> str:
    weeks = sorted({r["week"] for r in rows})
    figure = _figure(8, 3.4)
    ax = figure.subplots()
    if not weeks:
        _empty(ax)
        return _svg(figure, "weekly")
    counts = {(r["week"], r["state"]): r["stories"] for r in rows}
    for state in CENTRAL_ASIA:
        ax.plot(
            range(len(weeks)),
            [counts.get((w, state), 0) for w in weeks],
            marker="o",
            label=state,
        )
    ax.set_xticks(range(len(weeks)), weeks, fontsize=8, rotation=30)
    ax.set_ylabel("stories")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, ncols=5, loc="upper left")
    ax.set_title("stories a week in which each state is a party", fontsize=11, loc="left")
    return _svg(figure, "weekly")


def _event_types_svg(rows: list[dict[str, Any]]) -> str:
    figure = _figure(6, 0.6 + 0.32 * max(len(rows), 3))
    figure.subplots_adjust(left=0.24, bottom=0.2, top=0.95)
    ax = figure.subplots()
    if not rows:
        _empty(ax)
        return _svg(figure, "event_types")
    labels = [r["event_type"] for r in rows][::-1]
    values = [r["stories"] for r in rows][::-1]
    ax.barh(range(len(rows)), values, color="#4a7fb5")
    ax.set_yticks(range(len(rows)), labels, fontsize=9)
    for y, value in enumerate(values):
        ax.text(value, y, f" {value}", va="center", fontsize=8)
    ax.set_xlabel("stories")
    return _svg(figure, "event_types")


def _top_partners_svg(rows: list[dict[str, Any]]) -> str:
    figure = _figure(10, 2.6)
    axes = figure.subplots(1, len(CENTRAL_ASIA))
    for ax, state in zip(axes, CENTRAL_ASIA, strict=True):
        mine = [r for r in rows if r["state"] == state][::-1]
        ax.set_title(state, fontsize=11)
        if not mine:
            _empty(ax, "none")
            continue
        ax.barh(range(len(mine)), [r["stories"] for r in mine], color="#5a9e6f")
        ax.set_yticks(range(len(mine)), [r["partner"] for r in mine], fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
    return _svg(figure, "top_partners")


def _sources_svg(rows: list[dict[str, Any]], days: list[str]) -> str:
    sources = sorted({r["source"] for r in rows})
    health = {r["source"]: r["health"] for r in rows}
    figure = _figure(max(6.0, 2.5 + 0.22 * len(days)), 0.9 + 0.24 * max(len(sources), 3))
    ax = figure.subplots()
    if not sources:
        _empty(ax, "no registered source")
        return _svg(figure, "sources")
    index = {day: i for i, day in enumerate(days)}
    grid = [[0] * len(days) for _ in sources]
    for row in rows:
        if row["day"] in index:
            grid[sources.index(row["source"])][index[row["day"]]] = row["articles"]
    ax.imshow(grid, cmap="Greens", aspect="auto", vmin=0)
    ax.set_yticks(range(len(sources)), [f"{s} ({health[s]})" for s in sources], fontsize=8)
    step = max(1, len(days) // 10)
    ax.set_xticks(range(0, len(days), step), days[::step], fontsize=8, rotation=30)
    ax.set_title("articles a day per source (health)", fontsize=11, loc="left")
    return _svg(figure, "sources")


def _link(feeds_url: str, **params: str) -> str:
    return html.escape(f"{feeds_url}feed.atom?{urlencode(params)}")


def _table(head: Iterable[str], lines: Iterable[Iterable[str]], figure: str) -> str:
    """A table of a picture's numbers: cells already escaped; numbers right-aligned."""
    out = [f'<table data-figure="{figure}"><tr>']
    out += [f"<th>{html.escape(h)}</th>" for h in head]
    out.append("</tr>")
    for line in lines:
        out.append("<tr>")
        for cell in line:
            numeric = cell.isdigit()
            out.append(f'<td class="n">{cell}</td>' if numeric else f"<td>{cell}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _section(
    name: str, title: str, svg: str, table: str, feed: str, note: str = "", open_table: bool = False
) -> str:
    return (
        f'<section id="{name}"><h2>{html.escape(title)}</h2>'
        + (f"<p>{note}</p>" if note else "")
        + f'<figure aria-describedby="{name}-data">{svg}</figure>'
        + f'<p class="links"><a href="{feed}">feed of these stories</a>'
        + f'<a href="#sql-{name}">SQL</a></p>'
        + f'<details id="{name}-data"{" open" if open_table else ""}><summary>numbers</summary>'
        + table
        + "</details>"
        + f'<details id="sql-{name}"><summary>SQL</summary><pre>'
        + html.escape(QUERIES[name])
        + "</pre></details></section>"
    )


def report_html(report: ContactsReport, *, feeds_url: str = "", generated: str = "") -> str:
    """The report page for ``report``'s rows: five pictures, each with its numbers, the
    feed of its stories and its SQL.

    Args:
        report: the rows of storage.contacts' queries for one period.
        feeds_url: what feed links start with ("" for links relative to the page, as
            ``/report`` of the feed server has them; ``http://host/`` for a file).
        generated: a line saying when and from what store, shown under the title.
    """
    since, until = report.since, report.until
    rows = report.rows
    span = {"since": since, "until": until}
    story = {**span, "unique": "story"}
    first, last = date.fromisoformat(since), date.fromisoformat(until)
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]

    def pair_link(a: str, b: str, count: int) -> str:
        return f'<a href="{_link(feeds_url, pair=f"{a}-{b}", **story)}">{count}</a>'

    heatmap = _table(
        ("kind", "state", "partner", "stories"),
        (
            (r["kind"], r["state"], r["partner"], pair_link(r["state"], r["partner"], r["stories"]))
            for r in rows["heatmap"]
        ),
        "heatmap",
    )
    weekly = _table(
        ("week", "state", "stories"),
        ((r["week"], r["state"], str(r["stories"])) for r in rows["weekly"]),
        "weekly",
    )
    events = _table(
        ("event type", "stories"),
        (
            (
                html.escape(r["event_type"]),
                f'<a href="{_link(feeds_url, event_type=r["event_type"], **story)}">'
                f"{r['stories']}</a>"
                if r["event_type"] != "unknown"
                else str(r["stories"]),
            )
            for r in rows["event_types"]
        ),
        "event_types",
    )
    partners = _table(
        ("state", "partner", "stories"),
        (
            (r["state"], r["partner"], pair_link(r["state"], r["partner"], r["stories"]))
            for r in rows["top_partners"]
        ),
        "top_partners",
    )
    per_source: dict[str, int] = defaultdict(int)
    health: dict[str, str] = {}
    for r in rows["sources"]:
        per_source[r["source"]] += r["articles"]
        health[r["source"]] = r["health"]
    sources = _table(
        ("source", "health", "articles"),
        (
            (
                html.escape(s),
                html.escape(health[s]),
                f'<a href="{_link(feeds_url, source=s, **span)}">{per_source[s]}</a>',
            )
            for s in sorted(per_source)
        ),
        "sources",
    )
    title = f"Contacts between states, {since} to {until}"
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(generated)}</p>" if generated else "",
        (
            "<p>Counted in stories (one event, however many reports), by the day each was "
            "first published. A story of two states is a bilateral contact; of more, one "
            "multilateral contact, shown in the cell of each pair of its parties. "
            f'<a href="{_link(feeds_url, **story)}">Every story of the period</a>.</p>'
        ),
        _section(
            "heatmap",
            "Contacts: Central Asian states and their partners",
            _heatmap_svg(rows["heatmap"]),
            heatmap,
            _link(feeds_url, **story),
        ),
        _section(
            "weekly",
            "Weekly activity per Central Asian state",
            _weekly_svg(rows["weekly"]),
            weekly,
            _link(feeds_url, country=",".join(CENTRAL_ASIA), **story),
        ),
        _section(
            "event_types",
            "Event types",
            _event_types_svg(rows["event_types"]),
            events,
            _link(feeds_url, **story),
        ),
        _section(
            "top_partners",
            "Top partners of each state",
            _top_partners_svg(rows["top_partners"]),
            partners,
            _link(feeds_url, **story),
        ),
        _section(
            "sources",
            "Each source's articles a day, with its health",
            _sources_svg(rows["sources"], days),
            sources,
            _link(feeds_url, **span),
        ),
        "</body></html>",
    ]
    return "".join(parts)


def build_report(
    store: Store, since: date, until: date, *, feeds_url: str = "", generated: str = ""
) -> str:
    """Read the period's rows from ``store`` and draw the page (:func:`report_html`)."""
    report = read_report(store.db, since.isoformat(), until.isoformat())
    return report_html(report, feeds_url=feeds_url, generated=generated)


@dataclass(frozen=True, slots=True)
class DigestWeek:
    """One ISO week of the digest: its name (``2026-W48``), its days, its page."""

    week: str
    first: date
    last: date
    html: str
    # the day of its latest story: the entry is as new as that
    latest: date


def _week_days(week: str) -> tuple[date, date]:
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return monday, monday + timedelta(days=6)


def digest_weeks(
    store: Store, since: date, until: date, *, feeds_url: str = ""
) -> list[DigestWeek]:
    """The digest of every ISO week with stories between ``since`` and ``until``: the
    week's stories per Central Asian state, one HTML page each, oldest week first."""
    rows = read_digest(store.db, since.isoformat(), until.isoformat())
    by_week: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_week[row["week"]][row["state"]].append(row)
    weeks = []
    for week in sorted(by_week):
        first, last = _week_days(week)
        body = [f"<h1>Central Asian diplomacy, week {html.escape(week)}</h1>"]
        body.append(f"<p>{first.isoformat()} to {last.isoformat()}: each state's stories.</p>")
        for state in CENTRAL_ASIA:
            stories = by_week[week].get(state, [])
            link = _link(
                feeds_url,
                country=state,
                since=first.isoformat(),
                until=last.isoformat(),
                unique="story",
            )
            body.append(f'<h2>{state} (<a href="{link}">{len(stories)} stories</a>)</h2>')
            if not stories:
                body.append("<p>none</p>")
                continue
            body.append("<ul>")
            for s in stories:
                with_whom = f" with {html.escape(s['partners'])}" if s["partners"] else ""
                body.append(
                    f"<li>{s['day']} {html.escape(s['event_type'] or '')}{with_whom}: "
                    f'<a href="{html.escape(s["url"])}">{html.escape(s["title"])}</a> '
                    f"({html.escape(s['source'])}, {s['articles']} "
                    f"{'article' if s['articles'] == 1 else 'articles'})</li>"
                )
            body.append("</ul>")
        page = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Central Asian diplomacy, week {html.escape(week)}</title>"
            f"<style>{_CSS}</style></head><body>" + "".join(body) + "</body></html>"
        )
        latest = max(date.fromisoformat(s["day"]) for st in by_week[week].values() for s in st)
        weeks.append(DigestWeek(week, first, last, page, latest))
    return weeks


def digest_atom(
    weeks: list[DigestWeek], info: dict[str, str], *, base_url: str, self_url: str
) -> bytes:
    """The digest as Atom: one entry a week, its page as the entry's content; the
    entry's id is the store's and the week's, so it never changes.

    Args:
        weeks: from :func:`digest_weeks`.
        info: the store's identity (``store_key``, ``created``).
        base_url: where the weekly pages are (``digest-2026-W48.html`` is joined to it).
        self_url: the feed's own address.
    """
    from feedgen.feed import FeedGenerator

    from .build import tag_uri

    feed = FeedGenerator()
    feed.id(tag_uri(info, "feed", "digest"))
    feed.title("Central Asian diplomacy: the week's stories per state")
    feed.link(href=self_url, rel="self")
    feed.link(href=base_url, rel="alternate")
    feed.language("en")
    newest = datetime.fromisoformat(info.get("created", "2026-01-01T00:00:00Z"))
    for week in weeks:
        # the end of the day of the week's latest story: a week still running is never
        # dated in the future, and moves as stories arrive
        ended = datetime.combine(week.latest, datetime.max.time(), UTC).replace(microsecond=0)
        newest = max(newest, ended)
        entry = feed.add_entry(order="append")
        entry.id(tag_uri(info, "digest", week.week))
        entry.title(f"Week {week.week}: {week.first.isoformat()} to {week.last.isoformat()}")
        entry.link(href=f"{base_url}digest-{week.week}.html")
        entry.published(ended)
        entry.updated(ended)
        body = week.html[week.html.index("<body>") + 6 : week.html.index("</body>")]
        entry.content(body, type="html")
    feed.updated(newest)
    return bytes(feed.atom_str(pretty=True))


def report_endpoint(
    store_for_request: Callable[[], Store],
    generation: Callable[[], Any],
    today: Callable[[], date] | None = None,
) -> Callable[[Any], Any]:
    """The feed server's ``/report`` view: ``since`` and ``until`` (days, optional) in
    the query string, other parameters ignored; 400 with one line for a bad period. A page is kept, per period,
    until ``generation()`` changes (a crawl committed): a reload reads nothing.

    Args:
        store_for_request: the thread's read-only store.
        generation: what changes whenever the store does.
        today: the day the default period ends (the UTC date by default).
    """
    from starlette.responses import HTMLResponse, PlainTextResponse

    kept: OrderedDict[tuple[Any, date, date], str] = OrderedDict()
    lock = threading.Lock()

    def view(request: Any) -> Any:
        # other parameters (a tracker's utm_source) are ignored, as the feeds do
        params = {k: v for k, v in request.query_params.items() if k in ("since", "until")}
        given = [k for k, _ in request.query_params.multi_items() if k in params]
        if len(given) != len(params):
            return PlainTextResponse("/report takes since and until once each\n", 400)
        try:
            since = date.fromisoformat(params["since"]) if "since" in params else None
            until = date.fromisoformat(params["until"]) if "until" in params else None
            start, end = period(since, until, (today or _today)())
        except ValueError as exc:
            return PlainTextResponse(f"{exc} (since and until are days: 2026-11-28)\n", 400)
        key = (generation(), start, end)
        with lock:
            page = kept.get(key)
        if page is None:
            page = build_report(store_for_request(), start, end)
            with lock:
                kept[key] = page
                while len(kept) > _KEPT:
                    kept.popitem(last=False)
        return HTMLResponse(page)

    return view


def _today() -> date:
    return datetime.now(UTC).date()


def write_report(
    store: Store,
    out: str | Path,
    since: date,
    until: date,
    *,
    feeds_url: str = "",
    digest: bool = False,
) -> list[Path]:
    """Write ``report.html`` into ``out``, and with ``digest`` each week's
    ``digest-<week>.html`` and ``digest.atom``; files whose bytes are unchanged are left
    alone (atomic renames: a reader never sees half a file).

    Returns:
        The files written or already current, in order.

    Raises:
        OSError: ``out`` cannot be written.
    """
    from .static import write_if_changed

    folder = Path(out)
    stamp = f"From {store.path}, {since.isoformat()} to {until.isoformat()}."
    page = build_report(store, since, until, feeds_url=feeds_url, generated=stamp)
    files = [folder / "report.html"]
    write_if_changed(files[0], page.encode())
    if digest:
        weeks = digest_weeks(store, since, until, feeds_url=feeds_url)
        for week in weeks:
            path = folder / f"digest-{week.week}.html"
            write_if_changed(path, week.html.encode())
            files.append(path)
        atom = digest_atom(
            weeks, store.info(), base_url=feeds_url, self_url=f"{feeds_url}digest.atom"
        )
        files.append(folder / "digest.atom")
        write_if_changed(files[-1], atom)
    return files
