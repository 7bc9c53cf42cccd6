"""Reading, writing, filtering and building parallel corpora."""
