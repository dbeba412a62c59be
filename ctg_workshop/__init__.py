"""CTG Atelier's domain, grouped by the stages of a Convention Territoriale Globale.

- `preparation/`: create and set up a workshop;
- `day/`: the journée participative (joining, SWOT items, dots, phases, moderation, projection);
- `drafting/`: the diagnostic and the fiches action drafted from the votes;
- `documents/`: the Word documents and data files built from all that;
- `archive/`: one workshop as one JSON file (backup, move, template);
- `storage/`: the database, its tables and shared lookups;
- `cli/`: the command line.
Beside them, what every stage uses: `errors`, `text` (normalisation), `identifiers`, `wording`
(French words shared by pages and documents), `access` (secrets and links), `privacy` (RGPD).

This package never imports streamlit: the pages call it, tests call it without a UI.
"""
