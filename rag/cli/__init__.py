"""The `budgetqa` command: ingest, check, facts (main), retrieve (read), ask (ask), eval (evaluate, scoring)."""
