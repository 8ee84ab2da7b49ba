"""Accept a Study or a path wherever the study-level runners take a study."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from causal.errors import StudySpecError
from causal.study.model import Study


def as_study(study: Any) -> Study:
    """``study`` itself, or the study loaded from a path."""
    if isinstance(study, Study):
        return study
    if isinstance(study, (str, Path)):
        from causal.study.load import load_study

        return load_study(study)
    raise StudySpecError(f"`study` must be a Study or a path to a study file; got "
                         f"{type(study).__name__}.")
