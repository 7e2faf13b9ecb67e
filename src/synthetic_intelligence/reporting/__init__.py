"""Figures and Markdown built from the QA's tables (the pipelines, the dashboard and the notebook share them).

Builders take tables (DataFrames, dicts) and return figures or text; they compute no
statistic that the tables do not already hold. ``scorecard`` (Markdown, PR curves),
``drift`` (the drift sweep), ``latent`` (t-SNE scatter, panel and plotly figure),
``common`` (helpers). The pipeline ``reporting`` writes their output as versioned datasets.
"""
