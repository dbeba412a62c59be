"""The journée participative: partners join, write SWOT items and spend dots; the facilitator
changes phases, moderates, groups duplicates and projects the live results."""
