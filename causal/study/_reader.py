"""Reading one TOML table of a study file: known keys only, typed values, one-sentence errors.

Every table module in :mod:`causal.study.tables` declares the keys it accepts (a ``KEYS``
frozenset per table) and reads its values through a :class:`TableReader`, so that

* an unknown key is refused with a "did you mean ...?" suggestion (:mod:`difflib`);
* each value is checked for its type and range, and a wrong one is named with the file, the
  dotted field, what was expected and (a short repr of) what was received;
* numbers are finite and size-like numbers are checked against a stated budget before any
  memory is allocated for them.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from causal.errors import StudySpecError

#: largest cohort size, count or total a study file may state (checked before allocating)
MAX_COUNT = 10**8
#: longest string a study file may give for a name, label or path
MAX_PATH_CHARS = 1024
_REPR_CHARS = 80


def short_repr(value: Any) -> str:
    """``repr(value)`` cut to a readable length (a hostile file can hold megabytes)."""
    try:
        text = repr(value)
    except RecursionError:  # pragma: no cover - values come from tomllib, bounded depth
        text = f"<deeply nested {type(value).__name__}>"
    return text if len(text) <= _REPR_CHARS else text[:_REPR_CHARS - 3] + "..."


def spec_error(path: Path | str, field_name: str, expected: str, got: Any = ...
               ) -> StudySpecError:
    """An error naming the study file, the field and what is expected."""
    received = "" if got is ... else f"; got {short_repr(got)}"
    return StudySpecError(f"{path}: field `{field_name}` must be {expected}{received}.")


def suggestion(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known word, or ``""``."""
    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def refuse_unknown(table: Mapping[str, Any], known: Iterable[str], where: str,
                   path: Path | str) -> None:
    """Raise for the first key of ``table`` not in ``known``, suggesting the nearest."""
    known = frozenset(known)
    extra = sorted((k for k in table if k not in known), key=str)
    if extra:
        key = str(extra[0])
        shown = key if len(key) <= 60 and key.isprintable() else short_repr(key)
        field_name = f"{where}.{shown}" if where else shown
        raise StudySpecError(
            f"{path}: unknown field `{field_name}`{suggestion(key, known)}; "
            f"the known fields{' of [' + where + ']' if where else ''} are "
            f"{', '.join(sorted(known))}.")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class TableReader:
    """Typed access to one table: ``where`` is its dotted name, ``path`` the study file."""

    def __init__(self, table: Any, where: str, path: Path | str, keys: Iterable[str] | None,
                 *, what: str = "a TOML table") -> None:
        if not isinstance(table, dict):
            raise spec_error(path, where, what, table)
        if keys is not None:
            refuse_unknown(table, keys, where, path)
        self.table, self.where, self.path = table, where, path

    # -- helpers -------------------------------------------------------------------------
    def field(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, expected: str, got: Any = ...) -> StudySpecError:
        return spec_error(self.path, self.field(key), expected, got)

    def __contains__(self, key: str) -> bool:
        return key in self.table

    def _value(self, key: str, default: Any, expected: str) -> Any:
        if key not in self.table:
            if default is ...:
                raise self.error(key, f"present ({expected})", None)
            return default
        return self.table[key]

    # -- typed getters -------------------------------------------------------------------
    def string(self, key: str, default: Any = ..., *, expected: str = "a string",
               max_chars: int | None = None, nonempty: bool = False) -> Any:
        value = self._value(key, default, expected)
        if key not in self.table:
            return value
        if not isinstance(value, str) or (nonempty and not value.strip()):
            raise self.error(key, expected, value)
        if max_chars is not None and len(value) > max_chars:
            raise self.error(key, f"{expected}, at most {max_chars:,} characters; got "
                             f"{len(value):,} characters")
        if "\x00" in value:
            raise self.error(key, f"{expected}, without NUL characters", value)
        return value

    def boolean(self, key: str, default: Any = ...) -> Any:
        value = self._value(key, default, "true or false")
        if key in self.table and not isinstance(value, bool):
            raise self.error(key, "true or false", value)
        return value

    def number(self, key: str, default: Any = ..., *, low: float = -math.inf,
               high: float = math.inf, open_low: bool = False, open_high: bool = False,
               expected: str = "a number") -> Any:
        value = self._value(key, default, expected)
        if key not in self.table:
            return value
        return self.check_number(value, key, low=low, high=high, open_low=open_low,
                                 open_high=open_high, expected=expected)

    def check_number(self, value: Any, key: str, *, low: float = -math.inf,
                     high: float = math.inf, open_low: bool = False, open_high: bool = False,
                     expected: str = "a number") -> float:
        if not _is_number(value):
            raise self.error(key, expected, value)
        try:
            number = float(value)
        except OverflowError:
            raise self.error(key, f"{expected} (finite)", value) from None
        if not math.isfinite(number):
            raise self.error(key, f"{expected} (finite)", value)
        too_low = number <= low if open_low else number < low
        too_high = number >= high if open_high else number > high
        if too_low or too_high:
            raise self.error(key, expected, value)
        return number

    def integer(self, key: str, default: Any = ..., *, low: int = 0, high: int = MAX_COUNT,
                expected: str = "an integer") -> Any:
        value = self._value(key, default, expected)
        if key not in self.table:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, expected, value)
        if not low <= value <= high:
            budget = " (the budget for a study file)" if value > high == MAX_COUNT else ""
            raise self.error(key, f"{expected} from {low:,} to {high:,}{budget}", value)
        return value

    def names(self, key: str, default: Any = ..., *, what: str = "a list of column names",
              nonempty: bool = False) -> Any:
        value = self._value(key, default, what)
        if key not in self.table:
            return value
        if isinstance(value, str):
            raise self.error(key, f"{what} (a TOML list such as [{value!r}], not a string)",
                             value)
        if (not isinstance(value, list) or (nonempty and not value)
                or not all(isinstance(v, str) and v and "\x00" not in v for v in value)):
            raise self.error(key, ("a non-empty " + what.removeprefix("a ")) if nonempty
                             else what, value)
        long = next((v for v in value if len(v) > MAX_PATH_CHARS), None)
        if long is not None:
            raise self.error(key, f"{what} of at most {MAX_PATH_CHARS:,} characters each "
                             f"(one has {len(long):,})", long)
        duplicated = sorted(v for v, k in Counter(value).items() if k > 1)
        if duplicated:
            raise self.error(key, f"{what} without repeats", duplicated[0])
        return tuple(value)

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> Any:
        expected = "one of " + ", ".join(repr(o) for o in options)
        value = self._value(key, default, expected)
        if key in self.table and (not isinstance(value, str) or value not in options):
            hint = suggestion(value, options) if isinstance(value, str) else ""
            raise self.error(key, expected + hint, value)
        return value

    def sub(self, key: str, keys: Iterable[str] | None, *, what: str = "a TOML table",
            required: bool = False) -> TableReader | None:
        """The nested table ``key`` (None when absent and not required)."""
        if key not in self.table:
            if required:
                raise self.error(key, f"present ({what})", None)
            return None
        return TableReader(self.table[key], self.field(key), self.path, keys, what=what)

    def array(self, key: str, *, what: str) -> list[Any]:
        """An array of tables (``[[key]]``), each still to be read."""
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            raise self.error(key, what, value)
        return value
