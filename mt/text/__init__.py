"""The text layer every stage shares: sentences and paragraphs, boilerplate, numbers, scripts, and
the segmented `Article` built from them. It imports nothing from the stages above it."""
