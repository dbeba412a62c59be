"""Test helpers: a real PostgreSQL server, databases, builders of workshop data."""
