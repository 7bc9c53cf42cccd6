"""Sentence alignment of a Korean article with its English version."""
