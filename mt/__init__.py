"""dari: Korean→English news translation, alignment, scoring and corpus building."""

__version__ = "0.1.0"
