"""Streamlit helpers shared by the pages: the cached engine, plain-text rendering, access.

The domain (`ctg_workshop`) never imports streamlit; the pages never import sqlalchemy:
this package is the seam between them.
"""

from ui.routing import leave_pages_directory_mode

leave_pages_directory_mode()
