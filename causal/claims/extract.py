"""Find the effect estimates and group percentages printed in a paper's text.

:func:`extract` scans each page for an effect measure named as a paper writes it (``OR``,
``aOR``, ``adjusted odds ratio``, ``RR``, ``relative risk``, ``HR``, ``hazard ratio``, ``RD``,
``risk difference``, ``MD``, ``mean difference``...) followed by a number, then, up to the next
estimate or the end of the sentence, its interval (``95% CI 1.32-4.89``, ``[1.32 to 4.89]``,
``(95% CI: 1.32, 4.89)``, en or em dashes, ``;`` with decimal commas) and its p-value (``p <
.001``, ``P = 0·005``, ``p = 1.2 x 10^-5``). Percentages with counts (``47% (31/66)``, ``31/66
(47%)``, ``31 of 66 (47%)``) and comparisons of two percentages (``26% vs 21%``) are found too.

Every item keeps the exact quote, its page and its character span in that page's text
(``paper.page(page)[start:end] == quote``) and the words as written.

Nothing is guessed silently. An item is *ambiguous*, with the reason, when the measure is not
named (a bare "ratio", an interval after an unnamed number), is a rate ratio, when two measures
are named together ("OR/RR"), when the interval's confidence level is not printed, when the
interval does not contain the estimate, when a comma could be a thousands separator or a
decimal comma ("1,320"), when decimal separators are mixed, or, for two percentages, always:
which group is exposed is not printed. Ambiguous items go into a study file only when the
user confirms them by number (``include``).

Numbers are kept as printed (a string with the decimal point normalised: ``"2,54"`` ->
``"2.54"``, ``"0·005"`` -> ``"0.005"``), so the rounding checks know how many decimals were
printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from causal.claims.document import PaperText

# ---------------------------------------------------------------------------- patterns --
_NUM = r"[−-]?\d+(?:[.,·]\d+)?"
_POS = r"\d+(?:[.,·]\d+)?"
_SEP = r"\s*(?:–|—|‒|−|-|\bto\b|,|;)\s*"
_LEVEL = r"(?P<level>\d{2}(?:[.,]\d)?)\s*%\s*-?\s*"
_CI_WORD = (r"(?:CI|C\.I\.|CrI|KI|IC|(?i:confidence\s+intervals?|credible\s+intervals?|"
            r"konfidenzintervall))")

#: (measure, adjustment, regex) in the order they are tried; the first that matches at a
#: position wins, so longer names come first. Abbreviations are case-sensitive ("OR", not the
#: English "or"); spelt-out names are not.
_MEASURES: list[tuple[str, str, str]] = [
    ("OR", "adjusted", r"(?i:adjusted\s+odds\s+ratios?)"),
    ("OR", "adjusted", r"(?i:multivariable\s+odds\s+ratios?)"),
    ("OR", "none", r"(?i:(?:crude|unadjusted)\s+odds\s+ratios?)"),
    ("OR", "unknown", r"(?i:odds\s+ratios?)"),
    ("RR", "adjusted", r"(?i:adjusted\s+(?:relative\s+risks?|risk\s+ratios?))"),
    ("RR", "none", r"(?i:(?:crude|unadjusted)\s+(?:relative\s+risks?|risk\s+ratios?))"),
    ("RR", "unknown", r"(?i:relative\s+risks?|risk\s+ratios?)"),
    ("IRR", "unknown", r"(?i:(?:incidence\s+)?rate\s+ratios?)"),
    ("HR", "adjusted", r"(?i:adjusted\s+hazard\s+ratios?)"),
    ("HR", "none", r"(?i:(?:crude|unadjusted)\s+hazard\s+ratios?)"),
    ("HR", "unknown", r"(?i:hazard\s+ratios?)"),
    ("RD", "adjusted", r"(?i:adjusted\s+risk\s+differences?)"),
    ("RD", "unknown", r"(?i:(?:absolute\s+)?risk\s+differences?)"),
    ("MD", "adjusted", r"(?i:adjusted\s+mean\s+differences?)"),
    ("MD", "unknown", r"(?i:mean\s+differences?|differences?\s+in\s+means)"),
    ("OR", "adjusted", r"(?<![A-Za-z])(?:aOR|AOR|adj\.?\s?OR|(?i:adjusted)\s+OR)(?![A-Za-z])"),
    ("OR", "none", r"(?<![A-Za-z])(?:cOR|(?i:crude)\s+OR)(?![A-Za-z])"),
    ("RR", "adjusted", r"(?<![A-Za-z])(?:aRR|ARR|adj\.?\s?RR|(?i:adjusted)\s+RR)(?![A-Za-z])"),
    ("IRR", "unknown", r"(?<![A-Za-z])(?:a?IRR)(?![A-Za-z])"),
    ("HR", "adjusted", r"(?<![A-Za-z])(?:aHR|AHR|adj\.?\s?HR|(?i:adjusted)\s+HR)(?![A-Za-z])"),
    ("MD", "adjusted", r"(?<![A-Za-z])(?:aMD|AMD)(?![A-Za-z])"),
    ("OR", "unknown", r"(?<![A-Za-z/])OR(?![A-Za-z/])"),
    ("RR", "unknown", r"(?<![A-Za-z/])RR(?![A-Za-z/])"),
    ("HR", "unknown", r"(?<![A-Za-z/])HR(?![A-Za-z/])"),
    ("RD", "unknown", r"(?<![A-Za-z/])(?:ARD|RD)(?![A-Za-z/])"),
    ("MD", "unknown", r"(?<![A-Za-z/])MD(?![A-Za-z/])"),
    ("mixed", "unknown", r"(?<![A-Za-z])(?:OR|RR|HR)\s*/\s*(?:OR|RR|HR)(?![A-Za-z])"),
    ("ratio", "unknown", r"(?i:\bratio)"),
]
_MEASURE_RE = re.compile("|".join(f"(?P<m{i}>{pattern})" for i, (_, _, pattern)
                                  in enumerate(_MEASURES)))
#: between the measure's name and its number: an abbreviation in brackets, a verb or sign
_CONNECT = re.compile(
    r"(?:\s*[(\[](?:a|c|adj\.?\s?)?[A-Z]{2,3}s?[)\]])?"
    r"(?:\s*(?:\(95\s*%\s*CI\)|\(CI\)))?"
    r"(?:[^\d\n.;()\[\]<>=]{0,40}?(?:\bwas\b|\bwere\b|\bis\b|\bof\b|\bequal\s+to\b|=|≈|:)"
    r"|\s*(?:=|≈|:|,))?\s*(?P<number>" + _NUM + r")(?![\d.,·]*\s*%)")
_CI_LABELLED = re.compile(
    r"(?:" + _LEVEL + r")?" + _CI_WORD + r"(?:\s*[\[(]CI[\])])?\s*(?:[:=,]|\bof\b|\bwas\b|\bfrom\b)?\s*[\[(]?\s*"
    r"(?P<low>" + _NUM + r")" + _SEP + r"(?P<high>" + _NUM + r")\s*[\])]?")
_CI_BARE = re.compile(r"\s*[(\[]\s*(?P<low>" + _NUM + r")" + _SEP + r"(?P<high>" + _NUM +
                      r")\s*[)\]]")
_P_VALUE = re.compile(
    r"(?<![A-Za-z])[pP](?:\s*-?\s*(?i:value))?\s*(?P<op><=|>=|≤|≥|<|>|=)\s*"
    r"(?P<p>\d(?:[.,·]\d+)?\s*[×x*]\s*10\s*\^?\s*[−-]\s*\d+|\d(?:\.\d+)?[eE][−-]\d+|"
    r"0?[.,·]\d+|1(?:[.,]0+)?)(?!\d)")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(])|\n\s*\n")
_PCT = r"(?P<{0}>\d{{1,3}}(?:[.,·]\d+)?)\s*%"
_COUNT_PCT = [
    re.compile(_PCT.format("pct") + r"\s*\(\s*(?:n\s*=\s*)?(?P<e>\d+)\s*/\s*(?P<n>\d+)\s*\)"),
    re.compile(r"(?P<e>\d+)\s*/\s*(?P<n>\d+)\s*\(\s*" + _PCT.format("pct") + r"\s*\)"),
    re.compile(r"(?P<e>\d+)\s+(?:of|out\s+of)\s+(?P<n>\d+)\s*\(\s*" + _PCT.format("pct") +
               r"\s*\)"),
]
_VERSUS = re.compile(_PCT.format("first") + r"(?:(?:\s*\([^()%]{0,20}\))?\s*(?:vs\.?|versus|"
                     r"and|against)|[^%\d;]{0,100}?\b(?:vs\.?|versus|compared\s+(?:with|to)|"
                     r"against))\s*" + _PCT.format("second"))
#: a list of estimates under one heading: "Hazard ratios (HRs) (nominal 95% CIs) were as
#: follows: CHD, 1.29 (1.02-1.63) with 286 cases; breast cancer, 1.26 (1.00-1.59); ..."
_LIST_HEAD = re.compile(
    r"(?P<head>(?i:(?:adjusted\s+|crude\s+|unadjusted\s+)?(?:(?P<kind>odds|hazard|risk|rate)"
    r"\s+ratios|relative\s+risks))(?:\s*\((?:a)?[A-Z]{2,3}s?\))?(?:\s*\((?P<cihead>[^()]{0,30}?"
    r"(?P<level>\d{2}(?:[.,]\d)?)\s*%\s*(?:CI|confidence\s+intervals?)s?)\))?)[^.:;\d]{0,40}:")
_LIST_ITEM = re.compile(r"\s*(?:and\s+)?(?P<label>[^;:,()\d]{1,60}?),\s*(?P<number>" + _NUM +
                        r")\s*[(\[]\s*(?P<low>" + _NUM + r")" + _SEP + r"(?P<high>" + _NUM +
                        r")\s*[)\]][^;]*?(?:;|$|(?=\.\s))")
_ADJUSTED_CUES = re.compile(r"(?i:adjust|controlling\s+for|controlled\s+for|multivariable|"
                            r"multivariate|after\s+accounting)")
_CRUDE_CUES = re.compile(r"(?i:\bcrude\b|unadjusted|univariable|univariate)")
#: look this far back from an estimate for its sentence's adjustment cue
_CUE_WINDOW = 250


# ----------------------------------------------------------------------------- results --
@dataclass(frozen=True)
class Located:
    """Where an item is: page (from 1), character span in that page's text, exact quote."""

    page: int
    start: int
    end: int
    quote: str

    @property
    def provenance(self) -> str:
        return f"reported, p. {self.page}: '{' '.join(self.quote.split())}'"


@dataclass(frozen=True)
class ExtractedEstimate:
    """An effect estimate found in the text (numbers as printed, decimal point normalised)."""

    number: int
    measure: str  # OR, RR, HR, RD, MD; or IRR, mixed, ratio, unnamed (always ambiguous)
    measure_as_written: str
    estimate: str
    ci: tuple[str, str] | None
    ci_as_written: str | None
    ci_level: float | None  # percent, e.g. 95.0; None when not printed
    p_value: str | None  # normalised, e.g. "<.001", "0.005"
    p_as_written: str | None
    adjustment: str  # "adjusted", "none", "unknown"
    adjustment_cue: str
    where: Located
    ambiguous: tuple[str, ...] = ()
    checks: tuple[Any, ...] = field(default=(), compare=False)
    #: for an RD: "percentage_points" when printed so ("5.2 percentage points")
    units: str = "proportion"

    kind = "estimate"

    @property
    def is_ambiguous(self) -> bool:
        return bool(self.ambiguous)

    @property
    def alpha(self) -> float:
        return 1 - (self.ci_level or 95.0) / 100

    def describe(self) -> str:
        ci = (f" ({self.ci_level:g}% CI {self.ci[0]} to {self.ci[1]})" if self.ci and
              self.ci_level else f" (CI {self.ci[0]} to {self.ci[1]}, level not printed)"
              if self.ci else "")
        p = f", p {self.p_value if self.p_value[0] in '<>' else '= ' + self.p_value}" \
            if self.p_value else ""
        return f"{self.measure} {self.estimate}{ci}{p}"


@dataclass(frozen=True)
class ExtractedProportion:
    """A percentage printed with its counts, e.g. ``47% (31/66)``."""

    number: int
    percent: str
    events: int
    total: int
    where: Located
    ambiguous: tuple[str, ...] = ()
    checks: tuple[Any, ...] = field(default=(), compare=False)

    kind = "proportion"

    @property
    def is_ambiguous(self) -> bool:
        return bool(self.ambiguous)

    def describe(self) -> str:
        return f"{self.percent}% ({self.events}/{self.total})"


@dataclass(frozen=True)
class ExtractedComparison:
    """Two percentages compared in the text (``26% vs 21%``): always ambiguous, because which
    group is exposed is not printed; confirmed, the first is read as the exposed group."""

    number: int
    first: str
    second: str
    where: Located
    ambiguous: tuple[str, ...] = ()
    checks: tuple[Any, ...] = field(default=(), compare=False)

    kind = "comparison"

    @property
    def is_ambiguous(self) -> bool:
        return bool(self.ambiguous)

    def describe(self) -> str:
        return f"{self.first}% vs {self.second}%"


# ----------------------------------------------------------------------------- scanning --
def normalise_number(text: str) -> tuple[str, str | None]:
    """``"2,54"`` -> ``("2.54", None)``; a reason when the comma may be a thousands separator."""
    text = text.replace("−", "-").replace(" ", "")
    reason = None
    if "," in text:
        whole, _, decimals = text.partition(",")
        if len(decimals) == 3:
            reason = (f"'{text}' may use a thousands separator or a decimal comma "
                      f"({whole}{decimals} or {whole}.{decimals})")
        text = text.replace(",", ".")
    return text.replace("·", "."), reason


def _separator_kinds(*texts: str) -> set[str]:
    return {("," if "," in t else "." if ("." in t or "·" in t) else "") for t in texts} - {""}


def _normalise_p(op: str, raw: str) -> str:
    op = {"≤": "<=", "≥": ">="}.get(op, op)
    value = raw.replace("·", ".").replace(",", ".").replace(" ", "").replace("−", "-")
    sci = re.fullmatch(r"(\d(?:\.\d+)?)[×x*]10\^?-(\d+)", value)
    if sci:
        value = f"{sci[1]}e-{sci[2]}"
    return value if op == "=" else f"{op}{value}"


def _sentence_bounds(text: str, position: int) -> tuple[int, int]:
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, position):
        start = match.end()
    end_match = _SENTENCE_END.search(text, position)
    return start, (end_match.start() + 1 if end_match else len(text))


def _measure_hits(text: str) -> list[tuple[int, int, int, str]]:
    """(start, end, index into _MEASURES, words) for every measure name followed by a number."""
    hits = []
    for match in _MEASURE_RE.finditer(text):
        index = next(int(k[1:]) for k, v in match.groupdict().items() if v is not None)
        connect = _CONNECT.match(text, match.end())
        if connect is None:
            continue
        hits.append((match.start(), connect.end(), index, match.group(0)))
    return hits


def _scan_page(text: str, page: int, counter: list[int]) -> list[Any]:
    items: list[Any] = []
    hits = _measure_hits(text)
    consumed: list[tuple[int, int]] = []
    for k, (start, number_end, index, words) in enumerate(hits):
        measure, adjustment, _ = _MEASURES[index]
        connect = _CONNECT.match(text, start + len(words))
        assert connect is not None
        raw_estimate = connect["number"]
        _, sentence_end = _sentence_bounds(text, start)
        limit = min(hits[k + 1][0] if k + 1 < len(hits) else len(text), sentence_end,
                    number_end + 160)
        tail = text[number_end:limit]
        reasons: list[str] = []
        ci = ci_written = None
        level: float | None = None
        end = number_end
        labelled = _CI_LABELLED.search(tail)
        bare = _CI_BARE.match(tail)
        if labelled is not None and (bare is None or labelled.start() <= bare.start() + 2):
            low, high, ci_written = labelled["low"], labelled["high"], labelled.group(0)
            if labelled["level"]:
                level = float(labelled["level"].replace(",", "."))
            else:
                reasons.append("the interval's confidence level is not printed")
            end = number_end + labelled.end()
            ci = (low, high)
        elif bare is not None:
            ci, ci_written = (bare["low"], bare["high"]), bare.group(0).strip()
            end = number_end + bare.end()
            reasons.append("the bracketed interval is not labelled (a CI? which level?)")
        p_value = p_written = None
        p_match = _P_VALUE.search(text, end, limit)
        if p_match is not None and p_match.start() - end <= 40:
            p_written = p_match.group(0)
            p_value = _normalise_p(p_match["op"], p_match["p"])
            end = p_match.end()
        # a closing bracket right after the item belongs to it
        closing = re.match(r"\s*[)\]]", text[end:end + 3])
        if closing and text.count("(", start, end) + text.count("[", start, end) > \
                text.count(")", start, end) + text.count("]", start, end):
            end += closing.end()
        estimate, comma = normalise_number(raw_estimate)
        if comma:
            reasons.append(comma)
        if ci is not None:
            (low, c1), (high, c2) = normalise_number(ci[0]), normalise_number(ci[1])
            reasons += [r for r in (c1, c2) if r]
            if len(_separator_kinds(raw_estimate, *ci)) > 1:
                reasons.append("decimal points and decimal commas are mixed")
            ci = (low, high)
        cue = ""
        if adjustment == "unknown":
            sentence_start, _ = _sentence_bounds(text, start)
            before = text[max(sentence_start, start - _CUE_WINDOW):start]
            if (cue_match := _CRUDE_CUES.search(before)) is not None:
                adjustment, cue = "none", cue_match.group(0)
            elif (cue_match := _ADJUSTED_CUES.search(before)) is not None:
                adjustment, cue = "adjusted", cue_match.group(0)
        else:
            cue = words
        reasons += _measure_reasons(measure, words, estimate, ci)
        units = "proportion"
        if measure == "RD" and re.match(r"\s*(?:%|(?i:percentage\s+points?|pp\b|points?))",
                                        text[number_end:number_end + 30]):
            units = "percentage_points"
        elif measure == "RD" and abs(float(estimate)) > 1 and not reasons:
            reasons.append(f"a risk difference of {estimate} is not a proportion; percentage "
                           f"points?")
        counter[0] += 1
        items.append(ExtractedEstimate(
            number=counter[0], measure=measure, measure_as_written=" ".join(words.split()),
            estimate=estimate, ci=ci, ci_as_written=ci_written, ci_level=level,
            p_value=p_value, p_as_written=p_written, adjustment=adjustment,
            adjustment_cue=" ".join(cue.split()),
            where=Located(page, start, end, text[start:end]), ambiguous=tuple(reasons),
            units=units))
        consumed.append((start, end))
    items += _listed(text, page, consumed, counter)
    items += _orphan_intervals(text, page, consumed, counter)
    items += _proportions(text, page, counter)
    return items


def _measure_reasons(measure: str, words: str, estimate: str, ci: tuple[str, str] | None
                     ) -> list[str]:
    reasons = []
    if measure == "ratio":
        reasons.append("the measure is not named: odds, risk or hazard ratio?")
    elif measure == "mixed":
        reasons.append(f"two measures are named together ('{words}')")
    elif measure == "IRR":
        reasons.append("a rate ratio is a risk ratio only for a rare outcome over equal "
                       "follow-up; confirm to read it as RR")
    try:
        value = float(estimate)
        low, high = (float(ci[0]), float(ci[1])) if ci else (None, None)
    except ValueError:
        return reasons + [f"'{estimate}' is not a number"]
    ratio = measure not in ("RD", "MD")
    if ratio and value <= 0:
        reasons.append(f"a ratio must be positive; got {estimate}")
    if ci is not None:
        if low > high:  # type: ignore[operator]
            reasons.append(f"the interval's lower limit {ci[0]} is above its upper limit {ci[1]}")
        elif not low <= value <= high:  # type: ignore[operator]
            reasons.append(f"the interval {ci[0]} to {ci[1]} does not contain the estimate "
                           f"{estimate} (a misprint, or a number misread)")
        if ratio and min(low, high) <= 0:  # type: ignore[type-var]
            reasons.append("a ratio's interval must be positive")
    return reasons


def _listed(text: str, page: int, consumed: list[tuple[int, int]], counter: list[int]
            ) -> list[ExtractedEstimate]:
    """Estimates listed under one heading that names the measure (and the CI level) once."""
    out = []
    for head in _LIST_HEAD.finditer(text):
        if any(a <= head.start() < b for a, b in consumed):
            continue
        kind = (head["kind"] or "risk").lower()
        measure = {"odds": "OR", "hazard": "HR", "risk": "RR", "rate": "IRR"}[kind]
        words = " ".join(head["head"].split())
        lowered = words.lower()
        adjustment = ("adjusted" if lowered.startswith("adjusted") else "none"
                      if lowered.startswith(("crude", "unadjusted")) else "unknown")
        level = float(head["level"].replace(",", ".")) if head["level"] else None
        _, sentence_end = _sentence_bounds(text, head.end())
        position = head.end()
        while position < sentence_end:
            item = _LIST_ITEM.match(text, position, sentence_end)
            if item is None:
                break
            start, end = item.start("label"), item.end("high") + 1
            estimate, comma = normalise_number(item["number"])
            (low, c1), (high, c2) = normalise_number(item["low"]), normalise_number(item["high"])
            reasons = [r for r in (comma, c1, c2) if r]
            if level is None:
                reasons.append("the interval's confidence level is not printed")
            reasons += _measure_reasons(measure, words, estimate, (low, high))
            counter[0] += 1
            out.append(ExtractedEstimate(
                number=counter[0], measure=measure, measure_as_written=words,
                estimate=estimate, ci=(low, high),
                ci_as_written=text[item.start("low"):item.end("high")], ci_level=level,
                p_value=None, p_as_written=None, adjustment=adjustment,
                adjustment_cue=words if adjustment != "unknown" else "",
                where=Located(page, start, end, text[start:end]), ambiguous=tuple(reasons)))
            consumed.append((start, end))
            position = item.end()
    return out


def _orphan_intervals(text: str, page: int, consumed: list[tuple[int, int]],
                      counter: list[int]) -> list[ExtractedEstimate]:
    """A labelled interval that no named measure claimed: an estimate whose measure is not
    named, reported as ambiguous with the number printed just before it (if any)."""
    out = []
    for match in _CI_LABELLED.finditer(text):
        if any(a <= match.start() < b for a, b in consumed):
            continue
        before = re.search(r"(?P<number>" + _NUM + r")(?![\d.,·]*\s*%)[^\d]{0,12}$",
                           text[max(0, match.start() - 40):match.start()])
        if before is None:
            continue
        start = max(0, match.start() - 40) + before.start()
        estimate, comma = normalise_number(before["number"])
        (low, c1), (high, c2) = normalise_number(match["low"]), normalise_number(match["high"])
        reasons = ["no effect measure is named before the estimate"]
        reasons += [r for r in (comma, c1, c2) if r]
        level = float(match["level"].replace(",", ".")) if match["level"] else None
        if level is None:
            reasons.append("the interval's confidence level is not printed")
        end = match.end()
        counter[0] += 1
        out.append(ExtractedEstimate(
            number=counter[0], measure="unnamed", measure_as_written="", estimate=estimate,
            ci=(low, high), ci_as_written=match.group(0), ci_level=level, p_value=None,
            p_as_written=None, adjustment="unknown", adjustment_cue="",
            where=Located(page, start, end, text[start:end]), ambiguous=tuple(reasons)))
    return out


def _proportions(text: str, page: int, counter: list[int]) -> list[Any]:
    out: list[Any] = []
    seen: list[tuple[int, int]] = []
    for pattern in _COUNT_PCT:
        for match in pattern.finditer(text):
            if any(a < match.end() and match.start() < b for a, b in seen):
                continue
            seen.append((match.start(), match.end()))
            percent, comma = normalise_number(match["pct"])
            events, total = int(match["e"]), int(match["n"])
            reasons = [comma] if comma else []
            if total == 0 or events > total:
                reasons.append(f"{events}/{total} is not a proportion")
            out.append((match.start(), "proportion", percent, events, total, match.end(),
                        reasons))
    for match in _VERSUS.finditer(text):
        first, c1 = normalise_number(match["first"])
        second, c2 = normalise_number(match["second"])
        reasons = [r for r in (c1, c2) if r]
        reasons.append("which group is exposed is not printed (confirm to read the first "
                       "percentage as the exposed group's)")
        out.append((match.start(), "comparison", first, second, None, match.end(), reasons))
    items: list[Any] = []
    for start, kind, a, b, c, end, reasons in sorted(out, key=lambda t: t[0]):
        counter[0] += 1
        where = Located(page, start, end, text[start:end])
        if kind == "proportion":
            items.append(ExtractedProportion(counter[0], a, b, c, where, tuple(reasons)))
        else:
            items.append(ExtractedComparison(counter[0], a, b, where, tuple(reasons)))
    return items


def scan_text(text: str, page: int = 1) -> list[Any]:
    """The items found in one page's text, numbered from 1, without consistency checks."""
    return _scan_page(text, page, [0])


def extract(paper: PaperText | str) -> Any:
    """Every estimate, proportion and comparison in a paper, with consistency checks.

    Parameters
    ----------
    paper : PaperText or str
        A paper read by :func:`~causal.claims.document.read_paper`, or a text (one page).

    Returns
    -------
    causal.claims.extracted.Extraction
    """
    from causal.claims.extracted import Extraction
    from causal.claims.text_checks import check_item

    if isinstance(paper, str):
        import hashlib

        paper = PaperText("<text>", "text", (paper,),
                          hashlib.sha256(paper.encode("utf-8")).hexdigest())
    counter = [0]
    found: list[Any] = []
    for number, text in enumerate(paper.pages, start=1):
        page_items = _scan_page(text, number, [0])
        page_items.sort(key=lambda item: item.where.start)
        found += page_items
    from dataclasses import replace

    items = []
    for item in found:
        counter[0] += 1
        item = replace(item, number=counter[0])
        items.append(replace(item, checks=tuple(check_item(item))))
    return Extraction(paper=paper, items=tuple(items))
