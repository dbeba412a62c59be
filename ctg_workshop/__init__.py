"""CTG Atelier's domain: workshops, SWOT items, votes, action sheets, archives and documents.

This package never imports streamlit: the pages call it, tests call it without a UI.
"""
