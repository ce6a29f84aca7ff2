"""Query → verified, cited Answer.

answerer (the Answerer) → compose (routes by intent) → the composers: lookup, figures, projects, targets, explain,
define, compare, lists, documents, passages; shared below them: match (which projects a question names), quotes (the
document's own words), context (view + retrieve), draft, verify (number checks); llm is the optional LLM writer.
"""
