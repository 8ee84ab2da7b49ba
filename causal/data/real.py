"""Real data with published answers, read from the installed ``causaldata`` package.

Nothing is downloaded: ``causaldata`` ships its data inside the wheel.

================================================  ========  ======================================
source                                            rows      contents
================================================  ========  ======================================
``causaldata:nhefs_complete``                     1,566     NHEFS, participants with wt82 measured
``causaldata:nhefs``                              1,629     NHEFS, all (63 with wt82 missing)
``causaldata:nsw_mixtape``                        445       NSW experiment, Dehejia-Wahba sample:
                                                            185 treated, 260 randomised controls
``causaldata:cps_mixtape``                        15,992    CPS-1 comparison group (all treat = 0)
``causaldata:nsw_treated+cps_controls``           16,177    NSW treated (185) + CPS-1 controls
================================================  ========  ======================================
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from causal.errors import ParameterError


def _causaldata(name: str) -> pd.DataFrame:
    import causaldata

    return getattr(causaldata, name).load_pandas().data.copy()


def _nhefs(name: str) -> pd.DataFrame:
    frame = _causaldata(name)
    # causaldata stores 0/1 indicators as float and sex/race as string categories; the
    # treatment is made integer 0/1 and sex/race numeric 0/1 (Hernan & Robins code them 0/1).
    frame["qsmk"] = frame["qsmk"].astype("int64")
    for column in ("sex", "race"):
        frame[column] = frame[column].astype(str).astype("int64")
    return frame


def _lalonde(name: str) -> pd.DataFrame:
    frame = _causaldata(name)
    # earnings are stored as float32; widen so that means are exact to the cent
    for column in ("re74", "re75", "re78"):
        frame[column] = frame[column].astype("float64")
    for column in ("treat", "age", "educ", "black", "hisp", "marr", "nodegree"):
        frame[column] = frame[column].astype("int64")
    frame["data_id"] = frame["data_id"].astype(str)
    return frame


def _nsw_cps() -> pd.DataFrame:
    nsw = _lalonde("nsw_mixtape")
    cps = _lalonde("cps_mixtape")
    return pd.concat([nsw[nsw["treat"] == 1], cps], ignore_index=True)


SOURCES: dict[str, Callable[[], pd.DataFrame]] = {
    "causaldata:nhefs_complete": lambda: _nhefs("nhefs_complete"),
    "causaldata:nhefs": lambda: _nhefs("nhefs"),
    "causaldata:nsw_mixtape": lambda: _lalonde("nsw_mixtape"),
    "causaldata:cps_mixtape": lambda: _lalonde("cps_mixtape"),
    "causaldata:nsw_treated+cps_controls": _nsw_cps,
}

CITATIONS: dict[str, str] = {
    "causaldata:nhefs_complete": "Hernan, M. A. & Robins, J. M. (2020). Causal Inference: What If. "
    "Chapman & Hall/CRC. NHEFS data via the causaldata package.",
    "causaldata:nhefs": "Hernan & Robins (2020), Causal Inference: What If. NHEFS data via the "
    "causaldata package.",
    "causaldata:nsw_mixtape": "LaLonde (1986) AER 76(4); Dehejia & Wahba (1999) JASA 94(448); "
    "Cunningham (2021), Causal Inference: The Mixtape. Via causaldata.",
    "causaldata:cps_mixtape": "Dehejia & Wahba (1999); Cunningham (2021). Via causaldata.",
    "causaldata:nsw_treated+cps_controls": "NSW treated (Dehejia & Wahba 1999 sample) with "
    "CPS-1 controls; Cunningham (2021). Via causaldata.",
}


def load_source(source: str) -> pd.DataFrame:
    """A fresh copy of a real data set by its source name (see the module table).

    The frame's ``attrs`` record ``simulated = False``, the source and its citation.
    """
    if source not in SOURCES:
        options = ", ".join(repr(s) for s in SOURCES)
        raise ParameterError(f"`source` must be one of {options}; got {source!r}.")
    frame = SOURCES[source]()
    frame.attrs.update({"simulated": False, "source": source, "citation": CITATIONS[source],
                        "description": f"real data: {source}"})
    return frame
