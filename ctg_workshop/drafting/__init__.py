"""After the day: the diagnostic of the territory (figures, open data) and the fiches action
drafted from the votes, edited by the coordinator."""
