"""Word documents drafted from a workshop: the convention and the council's deliberation."""
