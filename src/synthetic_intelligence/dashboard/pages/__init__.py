"""One script per dashboard page (run by ``st.navigation`` from ``app.py``).

``PAGES``: (file stem = URL path, title, icon) in menu order.
"""

PAGES = (
    ("verdict", "Verdict", "⚖️"),
    ("curves", "Curves", "📈"),
    ("latent", "Latent space", "🌌"),
    ("generation", "Generation", "🧪"),
    ("runs", "Runs", "🗂️"),
    ("benchmark", "Benchmark", "🏁"),
    ("scaling", "Scaling", "📏"),
)
