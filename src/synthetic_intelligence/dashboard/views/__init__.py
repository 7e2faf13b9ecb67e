"""One script per dashboard page (run by ``st.navigation`` from ``app.py``; the folder is not named
``pages/``, which Streamlit would list by itself).

``PAGES``: (file stem = URL path, title, icon) in menu order.
"""

PAGES = (
    ("verdict", "Verdict", ":material/balance:"),
    ("curves", "Curves", ":material/show_chart:"),
    ("latent", "Latent space", ":material/scatter_plot:"),
    ("generation", "Generation", ":material/science:"),
    ("runs", "Runs", ":material/compare_arrows:"),
    ("benchmark", "Benchmark", ":material/leaderboard:"),
    ("scaling", "Scaling", ":material/speed:"),
)
