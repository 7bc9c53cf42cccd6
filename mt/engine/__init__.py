"""Where dari's per-article work runs: in this process (`local`) or on a Ray cluster (`ray`)."""
