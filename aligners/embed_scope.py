"""Where the aligner computes sentence embeddings when MT is given: the choice every command offers.

Kept apart from the aligner so that command-line modules can name the choices without loading it.
"""

WHERE_NEEDED, EVERYWHERE = "needed", "all"
EMBED_SCOPES = (WHERE_NEEDED, EVERYWHERE)
EMBED_SCOPE_HELP = (
    "With --mt: embed only the stretches the MT leaves unsure and align those again with the embedding "
    "(needed), or every sentence (all, for comparison). Without MT the embedding is used everywhere."
)
