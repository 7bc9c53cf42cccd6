"""Review decisions in one SQLite file: the report under review, a decision per pair and per article,
and an append-only history of every decision made.

SQLite because the review file is something an editor keeps, copies and reopens offline: one file,
transactions that survive a killed server, readable by any SQLite tool. WAL mode lets an export
read while the server writes.

A pair is keyed by its article's name and its Korean and English sentence ids as `dari qa` numbers
them, so a re-run of `dari qa` on the same article finds its decisions again. Each decision also
keeps a hash of the texts it was made on (Korean, published English, MT): where a re-run changed
a text, the hashes differ and the decision is reported stale, and counts as undecided, until the
pair is decided again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from corpora.records import format_ids
from eval.qa import BeadReport, DocumentReport, QAReport
from eval.review.report_file import bead_from_json, document_from_json
from eval.text_display import clean_edit
from mt.io.errors import DariError

SCHEMA_VERSION = "1"
# decision -> how a page names it
PAIR_DECISIONS = {"accept": "accepted", "use_mt": "MT used", "edit": "edited", "misaligned": "misaligned", "boilerplate": "boilerplate"}
KEPT = ("accept", "use_mt", "edit")  # decisions that keep the pair as a corrected pair
ARTICLE_DECISIONS = {"approved": "approved", "needs_work": "needs work", "rejected": "rejected"}
SQLITE_TIMEOUT_S = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles(position INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pairs(
    article TEXT NOT NULL, position INTEGER NOT NULL, src TEXT NOT NULL, tgt TEXT NOT NULL,
    text_hash TEXT NOT NULL, flagged INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY(article, src, tgt), UNIQUE(article, position));
CREATE TABLE IF NOT EXISTS decisions(
    article TEXT NOT NULL, src TEXT NOT NULL, tgt TEXT NOT NULL, text_hash TEXT NOT NULL,
    decision TEXT NOT NULL, english TEXT, decided_at TEXT NOT NULL,
    PRIMARY KEY(article, src, tgt));
CREATE TABLE IF NOT EXISTS article_decisions(
    article TEXT PRIMARY KEY, decision TEXT NOT NULL, note TEXT NOT NULL, decided_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history(
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, article TEXT NOT NULL,
    src TEXT, tgt TEXT, text_hash TEXT, decision TEXT NOT NULL, english TEXT, note TEXT);
CREATE TRIGGER IF NOT EXISTS history_no_update BEFORE UPDATE ON history
    BEGIN SELECT RAISE(ABORT, 'the review history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
    BEGIN SELECT RAISE(ABORT, 'the review history is append-only'); END;
"""


def text_hash(ko: str, en: str, mt: str) -> str:
    return hashlib.sha256(json.dumps([ko, en, mt], ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class PairRow:
    """One pair of the report with its decision; `decision` is None when undecided or stale."""

    article: str
    bead: BeadReport
    text_hash: str
    decision: str | None
    english: str | None
    stale_decision: str | None
    stale_english: str | None
    decided_at: str | None

    @property
    def status(self) -> str:
        return "stale" if self.stale_decision else self.decision or "open"


@dataclass
class ArticleRow:
    position: int
    document: DocumentReport  # without its beads
    pairs: int
    flagged: int
    reviewed: int
    stale: int
    decision: str | None
    note: str


@dataclass
class DecidedPair:
    """A decision with the pair it was made on as the report now has it (`bead` None: no longer in it)."""

    article: str
    src: str
    tgt: str
    decision: str
    english: str | None
    decided_at: str
    bead: BeadReport | None
    current: bool


class ReviewStore:
    """The review database at `path`; every method opens its own connection, so one store serves many threads."""

    def __init__(self, path: str, *, create: bool = True):
        if not create and not os.path.isfile(path):
            raise DariError("no such review database", path)
        self.path = path
        with self._connect() as db:
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
                db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
                found = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()[0]
            except sqlite3.DatabaseError as err:
                raise DariError(f"not a dari review database ({err})", path) from None
        if found != SCHEMA_VERSION:
            raise DariError(f"review database schema {found}; this dari reads schema {SCHEMA_VERSION}", path)

    @contextlib.contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """A connection; with `write`, one immediate transaction committed only if the block succeeds."""
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=SQLITE_TIMEOUT_S)
        except sqlite3.Error as err:
            raise DariError(f"cannot open the review database ({err})", self.path) from None
        db.row_factory = sqlite3.Row
        try:
            if write:
                db.execute("BEGIN IMMEDIATE")
            yield db
            if write:
                db.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            raise DariError(f"review database error ({err})", self.path) from None
        finally:
            if db.in_transaction:
                db.rollback()
            db.close()

    # --- the report under review

    def load_report(self, report: QAReport, source: str) -> None:
        """Make `report` the one under review; decisions are kept and matched to its pairs by key."""
        names = [d.name for d in report.documents]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise DariError(f"several documents are named {twice[0]!r}; their decisions could not be told apart", source)
        header = {"source": source, "loaded_at": _now(), "settings": report.settings, "flag_counts": report.flag_counts,
                  "scores": [asdict(s) for s in report.scores]}
        with self._connect(write=True) as db:
            db.execute("DELETE FROM pairs")
            db.execute("DELETE FROM articles")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('report', ?)", (json.dumps(header, ensure_ascii=False),))
            for position, document in enumerate(report.documents):
                data = {f.name: getattr(document, f.name) for f in dataclasses.fields(document) if f.name != "beads"}
                data["scores"] = [asdict(s) for s in document.scores]
                db.execute("INSERT INTO articles VALUES (?, ?, ?)", (position, document.name, json.dumps(data, ensure_ascii=False)))
                db.executemany(
                    "INSERT INTO pairs VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(document.name, bead.index, format_ids(bead.src), format_ids(bead.tgt), text_hash(bead.ko, bead.en, bead.mt),
                      int(bool(bead.flags)), json.dumps(asdict(bead), ensure_ascii=False)) for bead in document.beads],
                )

    def report_header(self) -> dict:
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key='report'").fetchone()
        if row is None:
            raise DariError("holds no report yet; give the QA report to review: dari serve REPORT.json", self.path)
        return json.loads(row[0])

    # --- reading

    def articles(self) -> list[ArticleRow]:
        query = """
            SELECT a.position, a.data, ad.decision, ad.note,
                (SELECT count(*) FROM pairs p WHERE p.article = a.name) AS pairs,
                (SELECT count(*) FROM pairs p WHERE p.article = a.name AND p.flagged) AS flagged,
                (SELECT count(*) FROM pairs p JOIN decisions d USING (article, src, tgt)
                    WHERE p.article = a.name AND d.text_hash = p.text_hash) AS reviewed,
                (SELECT count(*) FROM pairs p JOIN decisions d USING (article, src, tgt)
                    WHERE p.article = a.name AND d.text_hash != p.text_hash) AS stale
            FROM articles a LEFT JOIN article_decisions ad ON ad.article = a.name ORDER BY a.position"""
        with self._connect() as db:
            rows = db.execute(query).fetchall()
        return [
            ArticleRow(row["position"], _document(row["data"]), row["pairs"], row["flagged"], row["reviewed"], row["stale"],
                       row["decision"], row["note"] or "")
            for row in rows
        ]

    def article(self, position: int) -> tuple[ArticleRow, list[PairRow]]:
        """One article and its pairs in report order; LookupError when there is no such article."""
        found = [a for a in self.articles() if a.position == position]
        if not found:
            raise LookupError(f"no article {position}")
        query = """
            SELECT p.text_hash, p.data, d.decision, d.english, d.decided_at, d.text_hash AS decided_hash
            FROM pairs p LEFT JOIN decisions d USING (article, src, tgt) WHERE p.article = ? ORDER BY p.position"""
        with self._connect() as db:
            rows = db.execute(query, (found[0].document.name,)).fetchall()
        pairs = []
        for row in rows:
            current = row["decided_hash"] == row["text_hash"]
            stale = row["decision"] is not None and not current
            pairs.append(PairRow(
                article=found[0].document.name, bead=_bead(row["data"]), text_hash=row["text_hash"],
                decision=row["decision"] if current else None, english=row["english"] if current else None,
                stale_decision=row["decision"] if stale else None, stale_english=row["english"] if stale else None,
                decided_at=row["decided_at"],
            ))
        return found[0], pairs

    def decided_pairs(self) -> list[DecidedPair]:
        """Every pair decision, in report order; those whose pair left the report come last."""
        query = """
            SELECT d.*, p.data, p.text_hash AS current_hash FROM decisions d
            LEFT JOIN pairs p USING (article, src, tgt) LEFT JOIN articles a ON a.name = d.article
            ORDER BY p.data IS NULL, a.position, p.position, d.article, d.src, d.tgt"""
        with self._connect() as db:
            rows = db.execute(query).fetchall()
        return [
            DecidedPair(row["article"], row["src"], row["tgt"], row["decision"], row["english"], row["decided_at"],
                        _bead(row["data"]) if row["data"] else None, row["current_hash"] == row["text_hash"])
            for row in rows
        ]

    def history(self) -> list[dict]:
        with self._connect() as db:
            return [dict(row) for row in db.execute("SELECT * FROM history ORDER BY id")]

    # --- deciding

    def decide_pair(self, position: int, index: int, decision: str, english: str = "") -> PairRow:
        """Record a decision on the pair at `index` of article `position`, with its texts' hash.

        `english` is the editor's text for an `edit` and is ignored otherwise: accepting keeps the
        published English, `use_mt` the MT. ValueError for a bad decision, LookupError for no such pair.
        """
        if decision not in PAIR_DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        article, pairs = self.article(position)
        pair = next((p for p in pairs if p.bead.index == index), None)
        if pair is None:
            raise LookupError(f"no pair {index} in article {position}")
        bead = pair.bead
        if decision == "edit":
            kept = clean_edit(english)
            if not kept:
                raise ValueError("an edit needs the corrected English")
        else:
            kept = {"accept": bead.en, "use_mt": bead.mt}.get(decision)
        at, src, tgt = _now(), format_ids(bead.src), format_ids(bead.tgt)
        with self._connect(write=True) as db:
            db.execute(
                "INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article.document.name, src, tgt, pair.text_hash, decision, kept, at),
            )
            db.execute(
                "INSERT INTO history (at, kind, article, src, tgt, text_hash, decision, english) VALUES (?, 'pair', ?, ?, ?, ?, ?, ?)",
                (at, article.document.name, src, tgt, pair.text_hash, decision, kept),
            )
        return dataclasses.replace(pair, decision=decision, english=kept, stale_decision=None, stale_english=None, decided_at=at)

    def decide_article(self, position: int, decision: str, note: str = "") -> None:
        if decision not in ARTICLE_DECISIONS:
            raise ValueError(f"unknown article decision {decision!r}")
        name = next((a.document.name for a in self.articles() if a.position == position), None)
        if name is None:
            raise LookupError(f"no article {position}")
        note, at = note.strip(), _now()
        with self._connect(write=True) as db:
            db.execute("INSERT OR REPLACE INTO article_decisions VALUES (?, ?, ?, ?)", (name, decision, note, at))
            db.execute("INSERT INTO history (at, kind, article, decision, note) VALUES (?, 'article', ?, ?, ?)", (at, name, decision, note))


def _bead(data: str) -> BeadReport:
    return bead_from_json(json.loads(data))


def _document(data: str) -> DocumentReport:
    return document_from_json(json.loads(data))
