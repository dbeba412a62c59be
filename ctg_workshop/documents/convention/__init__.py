"""The draft convention (Word), laid out like the seed convention of Armentières.

`convention_data(session=…, workshop_id=…)` gathers everything once; `build_convention(data)`
turns it into .docx bytes without touching the database. Structure: title page and table of
contents; what a CTG is; the diagnostic (how the axes were determined, the territory's figures
as tables by section); the themes; the study topics (objectives, SWOT synthesis, vote chart);
"Axes de développement" with one fiche action per topic as the seed's two-column table; the
annexes (every contribution with its points, the contributing organisations).

| module          | what it writes                                                          |
|-----------------|-------------------------------------------------------------------------|
| `data`          | what the convention prints, read from the database in one go            |
| `document`      | the whole document: title page, what a CTG is, the themes               |
| `diagnostic`    | the diagnostic: the written analysis and the figures, section by section |
| `topics`        | each study topic: objectives, SWOT synthesis, vote chart                 |
| `fiches`        | « Axes de développement »: one fiche action per topic, the signatures    |
| `annexes`       | every contribution with its points, the contributing organisations      |
"""

from ctg_workshop.documents.convention.data import ConventionData, TopicFacts, convention_data
from ctg_workshop.documents.convention.document import MIME_DOCX, build_convention, convention_files

__all__ = [
    "MIME_DOCX",
    "ConventionData",
    "TopicFacts",
    "build_convention",
    "convention_data",
    "convention_files",
]
