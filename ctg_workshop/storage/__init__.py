"""Storage: the database (SQLite or PostgreSQL), its tables, and the lookups every stage shares."""
