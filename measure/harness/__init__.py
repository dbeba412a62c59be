"""The servers the measurements and the tests run against: the app's Streamlit processes
(`streamlit_server`), nginx in front of them (`nginx`), a throwaway PostgreSQL server
(`postgres`), the demo workshop in a fresh database (`demo`). Each start returns once its
server is ready (a bounded wait on a signal, `processes.wait_until`) and each server stops what
it started."""
