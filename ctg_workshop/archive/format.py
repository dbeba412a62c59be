"""What the archive's readers and writers share: its name, the versions read, how times are written."""

from __future__ import annotations

import datetime as dt

FORMAT_NAME = "ctg-workshop-archive"
SUPPORTED_VERSIONS = (1, 2)


def format_timestamp(moment: dt.datetime) -> str:
    """ISO 8601 UTC with a `Z`; fractions of a second only when there are some."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"
