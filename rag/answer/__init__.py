"""Query → verified, cited Answer: the Answerer (answerer), composers that draft from facts, sections, sheets and
the glossary (compose*), number checks (verify) and the optional LLM writer (llm)."""
