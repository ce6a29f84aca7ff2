"""The index: the SQLite fact store (facts), embeddings (embed), chroma vectors and nodes (vectors), and the
cached read-only view the read path answers from (view)."""
