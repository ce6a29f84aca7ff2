"""`python -m rag.cli …` runs the `budgetqa` command."""

from rag.cli.main import main

raise SystemExit(main())
