"""`dari serve`: review a QA report in the browser, decide pair by pair, export the corrected pairs.

Layering: this package sits above `corpora` (its exports go through the corpus writers), so it is
a layer of its own between `corpora` and the app root. `store` and `export` are plain Python over
SQLite; only `app` and `server` import the web libraries of the `serve` extra.
"""
