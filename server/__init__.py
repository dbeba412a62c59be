"""The server side of `python serve.py`: what Streamlit's own server does not do for us —
TCP_NODELAY on every connection (`nodelay.py`), the facilitator's HttpOnly cookie routes
(`session_cookie.py`), Streamlit's static files compressed once and served with the right
headers (`compression.py`). Outside `ctg_workshop/`: the domain never imports streamlit."""
