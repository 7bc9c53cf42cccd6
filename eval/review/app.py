"""The review pages and actions, as a Starlette app; `eval.review.server` runs it under uvicorn.

Every page is plain HTML forms, so the review works without JavaScript; `static/review.js` only
adds keys. What keeps a web page the editor happens to have open elsewhere from writing to the
review (a local server is reachable from any page in the browser):
- every request must name this server in its Host header (no DNS-rebinding page can pose as it);
- a request that changes data must come from this server's own pages (Origin/Referer, Sec-Fetch-Site)
  and carry the random token of this launch, which only the pages it served contain;
- article text is data: Jinja2 escapes everything, bidi controls are shown as codes, and no text
  reaches a shell or `eval`. Pages forbid scripts from elsewhere, framing and foreign form targets (CSP).
"""

from __future__ import annotations

import hmac
import os
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from eval.checks import FLAGS, unmatched_numbers
from eval.html_report import FLAG_HELP, line_range
from eval.review.export import articles_json, collect, write_pairs
from eval.review.store import ARTICLE_DECISIONS, KEPT, PAIR_DECISIONS, PairRow, ReviewStore
from eval.text_display import neutralise_bidi, strip_bidi
from mt import __version__
from mt.text.script import HANGUL_RUN

HERE = Path(__file__).parent
MAX_FORM_BYTES = 256 * 1024
MAX_FORM_FIELDS = 20
SAFE_METHODS = ("GET", "HEAD")
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}
EXPORTS = {
    "pairs.tmx": "application/x-tmx+xml",
    "pairs.tsv": "text/tab-separated-values; charset=utf-8",
    "pairs.jsonl": "application/jsonl; charset=utf-8",
    "articles.json": "application/json",
}
FLAG_FILTERS = {"": "all pairs", "flagged": "any flag", **{flag: flag for flag in FLAGS}, "boilerplate": "boilerplate",
                "unflagged": "no flag"}
STATUS_FILTERS = {"": "any status", "open": "undecided (stale included)", "stale": "stale", "decided": "decided"}
MARKS = {"number": "a figure without a counterpart on the other side", "untranslated": "Hangul left untranslated"}


class RequestGuard:
    """ASGI middleware: refuse a foreign Host on every request and a foreign Origin on every write;
    add the security headers to every response."""

    def __init__(self, app, hosts: set[str], origins: set[str]):
        self.app, self.hosts, self.origins = app, hosts, origins

    def problem(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        if headers.get("host", "").lower() not in self.hosts:
            return 400, "Refused: the Host header does not name this review server."
        if method in SAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is None and "referer" in headers:
            parts = urlsplit(headers["referer"])
            origin = f"{parts.scheme}://{parts.netloc}"
        if origin is not None and origin.lower() not in self.origins:
            return 403, "Refused: a page from another site tried to change the review."
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return 403, "Refused: a page from another site tried to change the review."
        return None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}

        async def send_secured(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + [
                    (name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()
                ]
            await send(message)

        problem = self.problem(scope["method"], headers)
        if problem:
            return await PlainTextResponse(problem[1], problem[0])(scope, receive, send_secured)
        return await self.app(scope, receive, send_secured)


def marked(text: str, spans: list[tuple[int, int, str]]) -> Markup:
    """`text` escaped for HTML with bidi controls shown as codes and each span wrapped in a <mark>."""
    out, position = [], 0
    for start, end, kind in sorted(spans):
        if start < position:
            continue  # overlapping marks: the first one wins
        out.append(escape(neutralise_bidi(text[position:start])))
        out.append(Markup('<mark class="{}" title="{}">{}</mark>').format(kind, MARKS[kind], neutralise_bidi(text[start:end])))
        position = end
    out.append(escape(neutralise_bidi(text[position:])))
    return Markup("").join(out)


def _hangul(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "untranslated") for m in HANGUL_RUN.finditer(text)]


def row_texts(row: PairRow) -> dict[str, Markup]:
    """Korean, English and MT of a row with the figures that do not match and untranslated Hangul marked."""
    bead = row.bead
    ko_numbers, en_numbers = unmatched_numbers(bead.ko, bead.en)
    return {
        "ko": marked(bead.ko, [(n.start, n.end, "number") for n in ko_numbers]),
        "en": marked(bead.en, [(n.start, n.end, "number") for n in en_numbers] + _hangul(bead.en)),
        "mt": marked(bead.mt, _hangul(bead.mt)),
    }


def shown_rows(rows: list[PairRow], flag: str, status: str, hide_approved: bool) -> list[PairRow]:
    def keep(row: PairRow) -> bool:
        flags = row.bead.flags
        if flag == "flagged" and not flags or flag == "unflagged" and flags:
            return False
        if flag == "boilerplate" and not row.bead.boilerplate or flag in FLAGS and flag not in flags:
            return False
        if status == "open" and row.decision or status == "stale" and not row.stale_decision:
            return False
        if status == "decided" and not row.decision:
            return False
        return not (hide_approved and row.decision in KEPT)

    return [row for row in rows if keep(row)]


def create_app(store: ReviewStore, *, hosts: set[str], origins: set[str], token: str) -> RequestGuard:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["shown"] = neutralise_bidi
    env.filters["lines"] = line_range
    env.globals.update(
        FLAG_HELP=FLAG_HELP, PAIR_DECISIONS=PAIR_DECISIONS, ARTICLE_DECISIONS=ARTICLE_DECISIONS, FLAG_FILTERS=FLAG_FILTERS,
        STATUS_FILTERS=STATUS_FILTERS, version=__version__, token=token, db=store.path, strip_bidi=strip_bidi,
    )

    def page(name: str, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(report=store.report_header(), **context))

    async def form(request: Request) -> dict[str, str]:
        """The posted fields, after the token check; only url-encoded forms, as the pages send."""
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            raise HTTPException(415, "Refused: expected a form post.")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                raise HTTPException(413, "Refused: form too large.")
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
        except (UnicodeDecodeError, ValueError):
            raise HTTPException(400, "Refused: malformed form.") from None
        values = {name: found[-1] for name, found in fields.items()}
        if not hmac.compare_digest(values.get("token", "").encode("utf-8"), token.encode("utf-8")):
            raise HTTPException(403, "Refused: this form is not from the running review (reload the page; "
                                     "pages from an earlier launch of dari serve no longer work).")
        return values

    def filters_of(values) -> dict[str, str]:
        """The view filters of a query or form, limited to known values."""
        flag, status = values.get("flag", ""), values.get("status", "")
        return {
            "flag": flag if flag in FLAG_FILTERS else "",
            "status": status if status in STATUS_FILTERS else "",
            "hide": "1" if values.get("hide") == "1" else "",
        }

    async def index(request: Request) -> HTMLResponse:
        articles = store.articles()
        gone = sum(d.bead is None for d in store.decided_pairs())
        return page("index.html", articles=articles, gone=gone, exports=list(EXPORTS))

    async def article(request: Request) -> HTMLResponse:
        position = request.path_params["position"]
        try:
            info, rows = store.article(position)
        except LookupError:
            raise HTTPException(404, "No such article.") from None
        filters = filters_of(request.query_params)
        shown = shown_rows(rows, filters["flag"], filters["status"], filters["hide"] == "1")
        count = len(store.articles())
        return page(
            "article.html", article=info, rows=shown, total=len(rows), texts={row.bead.index: row_texts(row) for row in shown},
            filters=filters, previous=position - 1 if position > 0 else None, next=position + 1 if position + 1 < count else None,
        )

    async def decide_pair(request: Request) -> Response:
        values = await form(request)
        position, index = request.path_params["position"], request.path_params["index"]
        try:
            store.decide_pair(position, index, values.get("action", ""), values.get("english", ""))
        except LookupError:
            raise HTTPException(404, "No such pair.") from None
        except ValueError as err:
            raise HTTPException(400, str(err)) from None
        query = urlencode({k: v for k, v in filters_of(values).items() if v})
        after = values.get("next", "")
        anchor = f"#pair-{int(after)}" if after.isdigit() else "#article-decision"
        return RedirectResponse(f"/a/{position}{'?' + query if query else ''}{anchor}", status_code=303)

    async def decide_article(request: Request) -> Response:
        values = await form(request)
        position = request.path_params["position"]
        try:
            store.decide_article(position, values.get("decision", ""), values.get("note", ""))
        except LookupError:
            raise HTTPException(404, "No such article.") from None
        except ValueError as err:
            raise HTTPException(400, str(err)) from None
        return RedirectResponse(f"/#article-{position}", status_code=303)

    async def export(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in EXPORTS:
            raise HTTPException(404, "No such export.")
        collected = collect(store)
        if name == "articles.json":
            data = articles_json(store, collected, None).encode("utf-8")
        else:
            with tempfile.TemporaryDirectory(prefix="dari-review-") as folder:
                path = os.path.join(folder, name)
                write_pairs(path, collected)
                data = Path(path).read_bytes()
        headers = {"content-disposition": f'attachment; filename="review.{name.removeprefix("pairs.")}"'}
        return Response(data, media_type=EXPORTS[name], headers=headers)

    async def refused(request: Request, exc: HTTPException) -> Response:
        return PlainTextResponse(exc.detail, exc.status_code)

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/a/{position:int}", article),
            Route("/a/{position:int}/pair/{index:int}", decide_pair, methods=["POST"]),
            Route("/a/{position:int}/decision", decide_article, methods=["POST"]),
            Route("/export/{name}", export),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        exception_handlers={HTTPException: refused},
    )
    return RequestGuard(app, hosts, origins)
