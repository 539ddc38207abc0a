"""The protective marking every page, export and document kb produces carries (Government
Security Classifications): the documents it quotes are about children and families. It is
OFFICIAL-SENSITIVE unless the council says otherwise with the setting KB_MARKING (in the
environment of `kb serve` and of the command line)."""
from __future__ import annotations

import os
import re

MARKING = "OFFICIAL-SENSITIVE"
DEFAULT_MARKING = MARKING
ENV_VAR = "KB_MARKING"
MAX_LENGTH = 80


def marking() -> str:
    """The marking for pages, exports, headers, footers and title pages: KB_MARKING tidied
    (control characters dropped, spacing collapsed, at most MAX_LENGTH characters), else
    MARKING. An empty setting is no way to drop the marking: it gives the default."""
    value = re.sub(r"[\x00-\x1f\x7f]+", " ", os.environ.get(ENV_VAR, ""))
    value = re.sub(r"\s+", " ", value).strip()[:MAX_LENGTH].strip()
    return value or MARKING
