"""The draft council deliberation (Word), every part of the seed deliberation DE23.027.

What only the town knows is typed once on page Rédiger (`drafting/deliberation_settings.py`:
dates, number, councillors, the Bonus Territoires amount, a renewal, the recruitment of the
chargé de coopération, the structures funded through their Conventions d'Objectifs et de
Financement, the signatories); what is still missing stays a highlighted placeholder in
brackets. Participants' names never appear: the signatories are the town's officials.

| module             | what it holds                                                          |
|--------------------|------------------------------------------------------------------------|
| `data`             | what the deliberation prints, and the command line's options           |
| `document`         | the whole document, part after part                                    |
| `header`           | the register's extract: séance, councillors, opening; the subject      |
| `statement`        | the exposé: context, topics, the day, steering, funding                |
| `decision`         | what the council decides, the vote, the signatures                     |
| `numbers_in_words` | years and days in French words (« deux mille vingt-trois »)            |
"""

from ctg_workshop.documents.deliberation.data import (
    DeliberationData,
    DeliberationOptions,
    TopicSummary,
    deliberation_data,
    euros,
    make_options,
    parse_date,
)
from ctg_workshop.documents.deliberation.document import build_deliberation
from ctg_workshop.documents.deliberation.header import town_upper
from ctg_workshop.documents.deliberation.numbers_in_words import number_words
from ctg_workshop.documents.deliberation.statement import DOMAINS

__all__ = [
    "DOMAINS",
    "DeliberationData",
    "DeliberationOptions",
    "TopicSummary",
    "build_deliberation",
    "deliberation_data",
    "euros",
    "make_options",
    "number_words",
    "parse_date",
    "town_upper",
]
