"""The workshop's data model (SQLAlchemy 2.0, typed), one module per stage of the CTG.

What the database can hold is written here as named constraints; the vote budget and the
per-item cap are held by triggers (see `migrations/versions/0001_initial.py`), because they
span several tables and must hold under concurrent writers.

| module         | tables                                                                           |
|----------------|----------------------------------------------------------------------------------|
| `base`         | the declarative base, its naming convention, the shared column shapes            |
| `workshop`     | workshop, theme, topic, diagnostic line, participant, fiche action (`Phase`)     |
| `day`          | item, item revision, merge rejection, vote (`Quadrant`)                          |
| `drafting`     | the diagnostic's written analysis and its revisions, the deliberation's settings |
| `follow_up`    | indicator and its values, progress, change history, meeting, reporting link      |
| `safety`       | facilitator session, login throttle, shared secret, backup lease                 |

Every name is importable from here (`from ctg_workshop.storage.models import Item`), and
importing this package registers every table on `Base.metadata` (what Alembic compares).

Glossary: workshop = atelier / journée participative, topic = sujet d'étude,
item = contribution SWOT, action sheet = fiche action.
"""

from ctg_workshop.storage.models.base import (
    NAMING_CONVENTION,
    PK,
    Base,
    EnumText,
    SheetText,
    Short,
    StringList,
    Timestamp,
)
from ctg_workshop.storage.models.day import Item, ItemRevision, MergeRejection, Quadrant, Vote
from ctg_workshop.storage.models.drafting import DeliberationSettings, NarrativeRevision, NarrativeSection
from ctg_workshop.storage.models.follow_up import (
    VALUE_MILLI_LIMIT,
    ActionProgress,
    FollowUpChange,
    Indicator,
    IndicatorValue,
    Meeting,
    MeetingKind,
    Milli,
    ProgressStatus,
    ReportingLink,
)
from ctg_workshop.storage.models.safety import AppSecret, BackupLease, FacilitatorSession, LoginThrottle
from ctg_workshop.storage.models.workshop import (
    ActionSheet,
    DiagnosticLine,
    Participant,
    Phase,
    Theme,
    Topic,
    Workshop,
)

__all__ = [
    "NAMING_CONVENTION",
    "PK",
    "VALUE_MILLI_LIMIT",
    "ActionProgress",
    "ActionSheet",
    "AppSecret",
    "BackupLease",
    "Base",
    "DeliberationSettings",
    "DiagnosticLine",
    "EnumText",
    "FacilitatorSession",
    "FollowUpChange",
    "Indicator",
    "IndicatorValue",
    "Item",
    "ItemRevision",
    "LoginThrottle",
    "Meeting",
    "MeetingKind",
    "MergeRejection",
    "Milli",
    "NarrativeRevision",
    "NarrativeSection",
    "Participant",
    "Phase",
    "ProgressStatus",
    "Quadrant",
    "ReportingLink",
    "SheetText",
    "Short",
    "StringList",
    "Theme",
    "Timestamp",
    "Topic",
    "Vote",
    "Workshop",
]
