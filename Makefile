.PHONY: test lint app eval bench
test:
	HF_HUB_OFFLINE=1 pytest
lint:
	ruff check rag tests eval app.py && lint-imports
app:
	streamlit run app.py
eval:
	budgetqa eval --questions ../shared/eval/dev.jsonl
bench:
	python -m eval.bench
