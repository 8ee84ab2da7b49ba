"""The target trial the study emulates (Hernan & Robins 2016), and where it departs from it.

Runs when the study file has a ``[target_trial]`` table (causal/target_trial_spec.py). A
departure is a statement, not a number; the table lists each protocol component.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from causal.report.model import BulletList, Paragraph, Section, Table
from causal.report.provenance import Text, count_words

if TYPE_CHECKING:
    from causal.analysis.result import Analysis


def build(analysis: Analysis) -> Section | None:
    from causal.study.tables.target_trial_spec import target_trial

    trial = target_trial(analysis.study)
    if trial is None:
        return None
    departures = trial.departures()
    frame = trial.summary()
    blocks: list = [
        Paragraph("Which randomised trial would answer the question, and how closely does the "
                  "study emulate each part of its protocol? (Hernan & Robins 2016.) The target "
                  "trial and the departures are written in the study file; they are a "
                  "reviewer's reading of the paper, not a result of computation."
                  + (f" Trial: {trial.title}." if trial.title else "")),
        Table(frame, caption="Target trial protocol, the study's emulation, and departures."),
    ]
    if departures:
        blocks.append(BulletList(tuple(
            f"{name.replace('_', ' ')}: {part.departure}"
            + (f" ({part.consequence})" if part.consequence else "")
            for name, part in departures)))
    names = [name.replace("_", " ") for name, _ in departures]
    verdict = Text.of(f"Target trial: the study departs from it in {count_words(len(names))} "
                      f"of {count_words(len(frame))} protocol components"
                      + (f" ({', '.join(names)})." if names else "."))
    key = [n for n in ("time_zero", "assignment") if n in dict(departures)]
    lead = Text.of(
        " ".join(k.replace("_", " ") for k in key[:1]).capitalize()
        + "".join(f" and {k.replace('_', ' ')}" for k in key[1:])
        + " depart from the [target trial](#target_trial).") if key else ""
    data = {"title": trial.title, "protocol": frame, "departures": names}
    return Section("target_trial", "The target trial and where the study departs from it",
                   tuple(blocks), data, verdict=verdict, lead=lead)
