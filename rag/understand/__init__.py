"""Question → Query: departments by any short name or typo (departments), flags and amounts (flags), figure
words (terms), the vocabulary of budget terms (vocabulary, data/), and the reading composers use (query_view)."""
