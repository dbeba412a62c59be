"""`python -m ctg_workshop`: the command line (import, export, demo, RGPD, migrations)."""
