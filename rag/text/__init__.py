"""Text utilities at the bottom of the pipeline: numbers and units, money formatting, table titles, tokens,
place names and sound-alike characters. Imports no other rag subpackage."""
