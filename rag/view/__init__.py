"""What the Streamlit app shows, computed without drawing: documents, overviews, sources, traces (app_data)."""
