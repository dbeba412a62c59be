"""Before the day: create a workshop (template, archive or blank), set it up, list the workshops."""
