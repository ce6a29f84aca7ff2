"""Library exceptions; turned into user messages only at the edge (CLI, app)."""

from __future__ import annotations


class BudgetQAError(Exception):
    """Base of every error the library raises on purpose."""


class InputError(BudgetQAError, ValueError):
    """A file that cannot be ingested; the message names the file and the problem."""

    def __init__(self, path: str, problem: str, advice: str = "") -> None:
        self.path = path
        self.problem = problem
        self.advice = advice
        text = f"{path}: {problem}"
        if advice:
            text += f" ({advice})"
        super().__init__(text)


class ParseError(InputError):
    """The file was read but is not a budget document we can parse."""


class NeedsOCRError(InputError):
    """A PDF without a text layer (a scan)."""


class IndexMismatchError(BudgetQAError):
    """The index was built with another embedder or schema."""
