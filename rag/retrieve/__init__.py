"""Hybrid retrieval: jieba-BM25 and vectors over the index's chunks, votes for part kinds and titles, fused by
reciprocal rank (retriever)."""
