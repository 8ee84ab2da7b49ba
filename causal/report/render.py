"""Render a :class:`~causal.report.model.Report` as Markdown, self-contained HTML and JSON.

The JSON document follows :data:`JSON_SCHEMA_VERSION`; see ``docs`` in the README. It contains
no timestamps, so the same inputs give byte-identical JSON.
"""

from __future__ import annotations

import base64
import html
import json
import re
from typing import Any

from causal._results import format_number, frame_to_markdown
from causal._results import jsonable as _jsonable
from causal._text import markdown_links_safe, markdown_safe, one_line, terminal_safe
from causal.report.model import BulletList, Callout, Figure, Paragraph, Report, Section, Table
from causal.report.provenance import Number, Text, plain

#: 2.0: "summary" entries are objects {section, text, simulated, numbers}; every section has
#: "simulated" and "verdict_numbers"; numbers carry provenance (see the README). 1.1 replaced
#: the study file's byte hash by a hash of the parsed study.
JSON_SCHEMA_VERSION = "2.0"
_SEVERITY_LABEL = {"ok": "OK", "info": "Note", "warning": "Warning", "error": "Problem"}


# ---------------------------------------------------------------------------- Markdown --
APPENDIX_TITLE = "Appendix: SIMULATED data (not real clients)"
APPENDIX_NOTE = ("Everything below this line is computed on SIMULATED cohorts drawn from the "
                 "study file's assumed structural model, not on real clients. It shows what the "
                 "study's design and model can and cannot detect in worlds where the truth is "
                 "known; it is not evidence about the real study.")
LEGEND = ("How to read the numbers: each is tagged with where it comes from: *reported* by the "
          "paper (with its source tag), *computed* from reported numbers, *assumed* by the study "
          "file (a hypothesis), *simulated* (one draw, or the mean of several), or *measured* on "
          "real data.")


def to_markdown(report: Report) -> str:
    lines = [f"# Refutation report: {one_line(report.study.title)}", ""]
    lead, real, simulated = _split(report)
    for section in lead:
        lines += _section_markdown(section)
    real_lines = [s.verdict for s in real if s.verdict]
    sim_lines = [s.verdict for s in simulated if s.verdict]
    if real_lines or sim_lines:
        lines += ['<a id="summary"></a>', "", "## At a glance", "", LEGEND, ""]
        if real_lines:
            lines += ["**The study** (reported, computed and real-data numbers):", ""]
            lines += [f"- {_block_start(_md(v))}" for v in real_lines] + [""]
        if sim_lines:
            lines += ["**SIMULATED** (appendix; not real clients):", ""]
            lines += [f"- {_block_start(_md(v))}" for v in sim_lines] + [""]
    for section in real:
        lines += _section_markdown(section)
    if simulated:
        lines += ['<a id="appendix"></a>', "", f"## {APPENDIX_TITLE}", "",
                  f"> **Note.** {APPENDIX_NOTE}", ""]
        for section in simulated:
            lines += _section_markdown(section, level=3)
    lines += ['<a id="reproducibility"></a>', "", "## Reproducibility", "",
              _dict_markdown(report.reproducibility), ""]
    # Titles, labels, notes and column names are the user's: no raw HTML reaches the reader
    # except the anchors written here.
    return "\n".join(_markdown_line(line) for line in lines).rstrip() + "\n"


def _split(report: Report) -> tuple[list[Section], list[Section], list[Section]]:
    """The verdict first, then the real study's sections, then the SIMULATED appendix."""
    lead = [s for s in report.sections if s.key == "verdict"]
    rest = [s for s in report.sections if s.key != "verdict"]
    return lead, [s for s in rest if not s.simulated], [s for s in rest if s.simulated]


def _md(value: str | Text) -> str:
    """One piece of text on one line (a user's string inside it cannot open a new block)."""
    return one_line(value.markdown() if isinstance(value, Text) else value)


_LEADING_MARK = re.compile(r"^(\s*)([#=]|\d+[.)]\s|[-+*]\s|>)")


def _block_start(text: str) -> str:
    """Text that begins a Markdown block, with a leading heading, list or quote mark (which
    could only come from a user's string) escaped: ``## Verdict`` shows as ``\\## Verdict``."""
    return _LEADING_MARK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


_ANCHOR = re.compile(r'<a id="[A-Za-z0-9_-]+"></a>')


def _markdown_line(line: str) -> str:
    """An anchor written by this module stays; any other text has raw HTML neutralised, and
    links and images other than this tool's own (anchors, its figures) escaped."""
    return line if _ANCHOR.fullmatch(line) else markdown_links_safe(markdown_safe(line))


#: the legend of the verdict's compact markers
MARKERS = ("Markers: [reported A] printed by the source (its tag); [computed] from reported "
           "numbers; [assumed] a hypothesis of the study file; [simulated]; [measured] on real "
           "data. Each number's full source is in its section and in report.json.")


def _section_markdown(section: Section, level: int = 2) -> list[str]:
    title = f"SIMULATED: {section.title}" if section.simulated and "SIMULATED" not in \
        section.title else section.title
    lines = [f'<a id="{section.key}"></a>', "", f"{'#' * level} {one_line(title)}", ""]
    verdict = section.key == "verdict"
    for block in section.blocks:
        if verdict and isinstance(block, Callout) and isinstance(block.text, Text):
            # the verdict pastes into a review: compact markers, with their legend
            lines += [f"> **{_SEVERITY_LABEL[block.severity]}.** "
                      f"{one_line(block.text.markdown(short=True))}", "", MARKERS, ""]
            continue
        lines += [_block_markdown(block), ""]
    return lines


def _block_markdown(block: Any) -> str:
    if isinstance(block, Paragraph):
        return _block_start(_md(block.text))
    if isinstance(block, Callout):
        return f"> **{_SEVERITY_LABEL[block.severity]}.** {_md(block.text)}"
    if isinstance(block, BulletList):
        return "\n".join(f"- {_block_start(_md(item))}" for item in block.items)
    if isinstance(block, Table):
        table = frame_to_markdown(readable(block.frame, block.digits), block.digits)
        return f"{table}\n\n*{_md(block.caption)}*" if block.caption else table
    if isinstance(block, Figure):
        alt = _md(block.alt or block.key).replace("[", "(").replace("]", ")")
        return f"![{alt}]({block.key}.png)\n\n*{_md(block.caption)}*"
    raise TypeError(f"unknown block {type(block).__name__}")


def _dict_markdown(data: dict[str, Any]) -> str:
    lines = []
    for key, value in data.items():
        if value is None:  # e.g. no data source: say nothing rather than "None"
            continue
        if isinstance(value, dict):
            inner = ", ".join(f"{k} {v}" for k, v in value.items())
            lines.append(one_line(f"- {key}: {inner}"))
        else:
            lines.append(one_line(f"- {key}: {value}"))
    return "\n".join(lines)


# -------------------------------------------------------------------------------- HTML --
def _inline(text: str | Text) -> str:
    if isinstance(text, Text):
        return "".join(_number_html(p) if isinstance(p, Number) else _inline(p)
                       for p in text.parts)
    escaped = html.escape(text)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    escaped = re.sub(r"\[([^\]]+)\]\((#[\w-]+)\)", r'<a href="\2">\1</a>', escaped)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", escaped)


def _number_html(number: Number) -> str:
    """The number with a short coloured tag (its provenance, and a source tag such as B);
    the full provenance is in the tooltip. The tag's text is `` [computed]``, so a copied
    sentence reads "2.57 [computed]", never "2.57computed"."""
    return (f'<span class="num {number.provenance}" title="{html.escape(number.tag)}">'
            f'{html.escape(number.text)}<span class="prov"> [{html.escape(number.marker)}]'
            f"</span></span>")


#: raw field names of the result tables, as a reader reads them
HEADERS = {"ci_lower": "CI lower", "ci_upper": "CI upper", "std_error": "SE",
           "p_value": "p", "bias_factor": "bias factor", "evalue_point": "E-value (estimate)",
           "evalue_ci": "E-value (CI limit)"}


def readable(frame: Any, digits: int) -> Any:
    """The table as a reader sees it: readable headers, and each numeric column printed with
    one number of decimals (enough for ``digits`` significant digits of its largest value),
    so 0.0947 and -0.0868 sit beside 0.2196, not 0.09472 beside 0.2196; whole-number columns
    print whole, with thousands separators."""
    import math

    import numpy as np
    import pandas as pd

    def decimals_of(values: Any) -> int:
        finite = values[np.isfinite(values)]
        if finite.size == 0 or np.all(finite == np.round(finite)):
            return 0
        top = float(np.max(np.abs(finite[finite != 0]))) if np.any(finite != 0) else 1.0
        return min(6, max(0, digits - 1 - math.floor(math.log10(top))))

    floats = [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]
    # an estimate and its interval limits print alike
    interval = [c for c in ("estimate", "ci_lower", "ci_upper") if c in floats]
    shared = (decimals_of(np.concatenate([frame[c].to_numpy(dtype=float) for c in interval]))
              if interval else 0)
    out = frame.rename(columns={c: HEADERS.get(c, c) for c in frame.columns})
    for original in floats:
        values = frame[original].to_numpy(dtype=float)
        decimals = shared if original in interval else decimals_of(values)
        if original == "p_value":  # a p-value too small for the column reads "<0.001", not 0
            decimals = max(decimals, 3)
            smallest = 10.0**-decimals
            out[HEADERS.get(original, original)] = [
                "" if not np.isfinite(v) else f"<{smallest:.{decimals}f}"
                if 0 <= v < smallest / 2 else f"{v:.{decimals}f}" for v in values]
            continue
        out[HEADERS.get(original, original)] = [
            "" if not np.isfinite(v) else f"{v:,.{decimals}f}" for v in values]
    return out


def _table_html(block: Table) -> str:
    frame = readable(block.frame, block.digits)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = "".join(f"<td>{_inline(format_number(v, block.digits))}</td>" for v in row)
        rows.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{_inline(block.caption)}</caption>" if block.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _block_html(block: Any) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{_inline(block.text)}</p>"
    if isinstance(block, Callout):
        return (f'<div class="callout {block.severity}"><strong>'
                f"{_SEVERITY_LABEL[block.severity]}.</strong> {_inline(block.text)}</div>")
    if isinstance(block, BulletList):
        return "<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Table):
        return _table_html(block)
    if isinstance(block, Figure):
        data = base64.b64encode(block.png).decode("ascii")
        # shown at its drawn size (200 dpi pixels at 96 CSS px per inch); a causal graph keeps
        # that size and scrolls sideways rather than shrink to the column's width
        width = _png_width(block.png)
        graph = block.key == "causal_graph"
        style = "" if width is None else (
            f' style="width: {round(width * 96 / 200)}px;'
            + (' max-width: none;"' if graph else '"'))
        return (f'<figure id="fig-{html.escape(block.key)}"'
                + (' class="wide"' if graph else "")
                + f'><img src="data:image/png;base64,{data}"{style} '
                f'alt="{html.escape(block.alt or block.key)}"><figcaption>'
                f"{_inline(block.caption)}</figcaption></figure>")
    raise TypeError(f"unknown block {type(block).__name__}")


def _png_width(png: bytes) -> int | None:
    """The pixel width in a PNG's header (None if the bytes are not a PNG)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return None
    return int.from_bytes(png[16:20], "big")


def to_html(report: Report) -> str:
    from jinja2 import Environment, PackageLoader
    from markupsafe import Markup

    # Every template is escaped (select_autoescape(["html"]) did not match "*.html.j2", which
    # left user text raw). The only markup passed in is each section's body, built here by
    # _block_html, which escapes every piece of text it puts in.
    env = Environment(loader=PackageLoader("causal.report", "templates"), autoescape=True)
    template = env.get_template("report.html.j2")
    lead, real, simulated = _split(report)

    def rendered(section: Section) -> dict[str, Any]:
        title = f"SIMULATED: {section.title}" if section.simulated and "SIMULATED" not in \
            section.title else section.title
        body = "\n".join(_block_html(b) for b in section.blocks)
        if section.key == "evalue":  # the explorer: HTML only, from the section's numbers
            body += _explorer_html(report, section)
        return {"key": section.key, "title": title, "body": Markup(body)}

    # Control characters are invalid in HTML and would act if the file were shown in a terminal.
    return terminal_safe(template.render(
        title=report.study.title,
        lead=[rendered(s) for s in lead],
        legend=_inline(LEGEND.replace("*", "**")),
        verdicts=[_inline(s.verdict) for s in real if s.verdict],
        simulated_verdicts=[_inline(s.verdict) for s in simulated if s.verdict],
        sections=[rendered(s) for s in real],
        appendix=[rendered(s) for s in simulated],
        appendix_title=APPENDIX_TITLE, appendix_note=APPENDIX_NOTE,
        reproducibility=report.reproducibility,
    ))


def _explorer_html(report: Report, section: Section) -> str:
    """The explorer widget (causal/report/explorer.py) for the headline's E-value numbers; empty
    when the section has none (an RD, an MD, an error)."""
    data = section.data or {}
    if not isinstance(data.get("rr_point"), (int, float)) or data.get("measure") not in (
            "OR", "RR", "HR"):
        return ""
    from types import SimpleNamespace

    from causal.report.explorer import fragment, payload

    headline = report.study.claim.headline
    rr_ci = data.get("rr_ci")
    result = SimpleNamespace(rr_point=data["rr_point"], rr_ci=tuple(rr_ci) if rr_ci else None,
                             conversion=data.get("conversion", ""), point=data["evalue_point"],
                             ci=data.get("evalue_ci"))
    return "\n" + fragment(payload(result, label=headline.label if headline else "headline",
                                    measure_text=headline.describe() if headline else ""))


# -------------------------------------------------------------------------------- JSON --
def _numbers(value: str | Text) -> list[dict[str, Any]]:
    return [n.to_dict() for n in value.numbers] if isinstance(value, Text) else []


def _texts(value: Any) -> Any:
    """Section data may hold Text values: JSON gets their plain text and numbers."""
    if isinstance(value, Text):
        return {"text": value.plain, "numbers": _numbers(value)}
    if isinstance(value, Number):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: _texts(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_texts(v) for v in value]
    return value


def to_json_document(report: Report) -> dict[str, Any]:
    return {
        "schema": "causal-report",
        "schema_version": JSON_SCHEMA_VERSION,
        "study": {"name": report.study.name, "title": report.study.title,
                  "treatment": report.study.treatment, "outcome": report.study.outcome},
        "summary": [{"section": s.key, "text": plain(s.verdict), "simulated": s.simulated,
                     "numbers": _numbers(s.verdict)}
                    for s in report.sections if s.verdict and s.key != "verdict"],
        "sections": [{"key": s.key, "title": s.title, "verdict": plain(s.verdict),
                      "verdict_numbers": _numbers(s.verdict), "simulated": s.simulated,
                      "figures": [f"{b.key}.png" for b in s.blocks if isinstance(b, Figure)],
                      "data": _texts(s.data)} for s in report.sections],
        "reproducibility": report.reproducibility,
    }


def to_json(report: Report) -> str:
    document = _jsonable(to_json_document(report))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False,
                      allow_nan=False) + "\n"
