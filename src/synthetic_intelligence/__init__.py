"""SyntheticIntelligence: does synthetic minority data help, and which kind?

Importing this package runs nothing: the sampler (:mod:`synthetic_intelligence.sampling`) is usable
as a plain library; a ``kedro`` command's start-up (warning filters, hooks) lives in ``settings.py``.
"""
