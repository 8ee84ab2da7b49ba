"""An analysis that could not be computed, as a value: which analysis, and why."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Failure"]


@dataclass(frozen=True)
class Failure:
    """An analysis that could not be computed.

    Attributes
    ----------
    analysis : str
        Which analysis (``"AIPW RD (ATE)"``, ``"refutations of AIPW"``,
        ``"DML sensitivity"``...), and on which data where there are several.
    reason : str
        Why, in one sentence.
    skipped : bool
        True when it was not attempted because an analysis it needed failed.
    """

    analysis: str
    reason: str
    skipped: bool = False

    def sentence(self) -> str:
        verb = "skipped" if self.skipped else "not computed"
        return f"{self.analysis}: {verb}: {self.reason}"
