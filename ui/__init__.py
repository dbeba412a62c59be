"""Streamlit helpers shared by the pages: the cached engine, plain-text rendering, messages.

The domain (`ctg_workshop`) never imports streamlit; the pages never import sqlalchemy:
this package is the seam between them.
"""
