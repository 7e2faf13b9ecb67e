"""Streamlit dashboard over the catalog's versioned outputs (``make dashboard``); it computes nothing."""
