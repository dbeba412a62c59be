"""Test-only helpers: AppTest runs of the pages (`pages`, `app`), partners acting through the load
driver in the tests against real servers (`partners`). The servers themselves (Streamlit, nginx,
PostgreSQL) and the demo workshop come from `measure.harness`."""
