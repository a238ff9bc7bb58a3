"""Pages of the Streamlit app (presentation only) and their shared helpers."""
