"""budgetqa: Chinese budget disclosures → verified, cited answers.

The package is layered in the order data flows (each layer imports only those below it; see the import-linter
contracts in pyproject.toml):

    cli, view            entry points: the `budgetqa` command and the app's data
    answer               question → verified, cited Answer (composers, number checks, optional LLM writer)
    retrieve             hybrid keyword + vector retrieval over the index
    understand           question → Query (departments, years, figure words, follow-ups)
    ingest               files → Document → facts, findings, chunks (write path; independent of the read path)
    store                the index: SQLite fact store, chroma vectors, the read-only view the answer reads
    text                 text utilities: numbers, money, units, titles, tokens, places, sound-alikes
    types, errors, settings, tolerances   records between stages, errors, configuration, numeric tolerances
"""
