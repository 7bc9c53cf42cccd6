"""`dari serve`: the review app, and `--export` of a review without it.

Importing this module imports no web library: they belong to the `serve` extra and are imported
only when a server starts, so `--export` works without the extra.
"""

from __future__ import annotations

import importlib
import os

import click

from mt.io.errors import DariError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DB_SUFFIX = ".review.sqlite"
SERVE_PACKAGES = ("starlette", "uvicorn", "jinja2")
SERVE_INSTALL = "pip install -e \".[serve]\""


def default_db(report: str) -> str:
    """report.json -> report.review.sqlite, beside it."""
    stem = report[: -len(".json")] if report.endswith(".json") else report
    return stem + DB_SUFFIX


def _require_serve_extra() -> None:
    missing = []
    for name in SERVE_PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise DariError(f"dari serve needs the serve extra ({', '.join(missing)} missing): {SERVE_INSTALL}")


@click.command()
@click.argument("report", required=False, metavar="[REPORT.json]")
@click.option("--db", default=None, help=f"SQLite file of the review's decisions. [default: REPORT with {DB_SUFFIX}]")
@click.option("--host", default=DEFAULT_HOST, help="Address to listen on; one other than loopback (127.0.0.1, ::1) lets other machines in.")
@click.option("--port", default=DEFAULT_PORT, type=click.IntRange(0, 65535), help="Port to listen on; 0 picks a free one.")
@click.option("--open", "open_browser", is_flag=True, help="Open the review in the default browser.")
@click.option("--export", "export_path", default=None, metavar="FILE",
              help="Instead of serving, write the corrected pairs to FILE (.tsv, .jsonl or .tmx, by its extension) and "
                   "the article decisions to FILE's name with .articles.json, then exit.")
def serve(report, db, host, port, open_browser, export_path):
    """Review a `dari qa` report in the browser, pair by pair, and export the corrected pairs.

    Accept the published English, use the MT, edit the English, or mark a pair misaligned or
    boilerplate; approve an article, send it back (needs work) or reject it, with a note.
    Decisions are kept in a SQLite file and carried over when `dari qa` is run again on the same
    articles; a decision whose texts have changed since is shown as stale. REPORT loads a (new)
    report into the database; without it, --db's last report is reviewed again.
    """
    if report is None and db is None:
        raise click.UsageError("give REPORT.json, or --db with a review database")
    if export_path is None:
        _require_serve_extra()
    from eval.review.report_file import read_report
    from eval.review.store import ReviewStore

    loaded = read_report(report) if report else None  # a bad report fails before any database is made
    store = ReviewStore(db or default_db(report), create=loaded is not None)
    if loaded is not None:
        store.load_report(loaded, report)
    else:
        store.report_header()  # fails with a one-line error when the database holds no report
    if export_path:
        from eval.review.export import export_review, summary_line

        articles_path, collected = export_review(store, export_path)
        click.echo(summary_line(export_path, articles_path, collected), err=True)
        return

    from eval.review.server import launch

    started = launch(store, host, port)
    pairs = sum(a.pairs for a in store.articles())
    click.echo(f"Reviewing {len(store.articles())} article(s), {pairs} pairs; decisions in {os.path.abspath(store.path)}")
    if not started.loopback:
        click.echo(f"Warning: listening on {host}, not only on this machine: anyone who can reach it can review.", err=True)
    click.echo(f"Open {started.url}  (Ctrl+C stops)", nl=True)
    if open_browser:
        import webbrowser

        webbrowser.open(started.url)
    started.run()
