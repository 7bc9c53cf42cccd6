"""Scoring (sacrebleu), alignment metrics, QA checks and reports."""
