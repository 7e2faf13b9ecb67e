"""The dashboard's entry point: ``streamlit run`` this file (``make dashboard`` does, bound to 127.0.0.1).

It reads the project's outputs through the project's own Kedro catalog and computes
nothing: every table comes from a ``kedro run``, every figure from the builders in
:mod:`synthetic_intelligence.reporting`. The sidebar picks the run (newest by default).
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from synthetic_intelligence.dashboard import state
from synthetic_intelligence.dashboard.views import PAGES

logging.getLogger("kedro").setLevel(logging.WARNING)  # not one "Loading data from ..." line per table
st.set_page_config(page_title="SyntheticIntelligence", page_icon=":material/balance:", layout="wide")

try:
    outputs = state.outputs()
except Exception as exc:  # noqa: BLE001 - one readable line instead of a traceback page
    st.error(f"Could not read the project's catalog: {exc}")
    st.stop()

here = Path(__file__).parent / "views"  # not "pages/": Streamlit would also list that folder by itself
navigation = st.navigation([
    st.Page(str(here / f"{slug}.py"), title=title, icon=icon, url_path=slug, default=i == 0)
    for i, (slug, title, icon) in enumerate(PAGES)
])
st.sidebar.title("SyntheticIntelligence")
state.run_picker(outputs)
navigation.run()
