"""A small reader for the two text formats of causal graphs: Graphviz DOT and dagitty.

Both share one shape, ``keyword [name] { statements }``, where a statement is a node with an
optional attribute list (``x [latent="true"]``), an edge chain (``a -> b -> c [attrs]``), or a
default/graph attribute (``node [shape=box]``, ``rankdir=LR``). dagitty writes flags without a
value (``u [latent]``, ``x [exposure]``) and also allows ``a <- b`` and ``a <-> b``; DOT allows
the same flags here because they are harmless. Only directed graphs are read: ``--`` (an
undirected edge) is refused, as is ``graph { }``.

The parser returns plain data (:class:`ParsedGraph`); :mod:`causal.graph.dag` turns it into a
:class:`~causal.graph.dag.CausalGraph`. Every error message gives the line number. No Graphviz
binary and no pydot are needed.

References
----------
Graphviz DOT language, https://graphviz.org/doc/info/lang.html.
Textor, J., van der Zander, B., Gilthorpe, M. S., Liśkiewicz, M., & Ellison, G. T. H. (2016).
Robust causal inference using directed acyclic graphs: the R package 'dagitty'. International
Journal of Epidemiology, 45(6), 1887–1894.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from causal.errors import GraphError

Format = Literal["dot", "dagitty"]

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\f\v]+)
  | (?P<newline>\n)
  | (?P<comment>//[^\n]*|\#[^\n]*|/\*.*?\*/)
  | (?P<arrow><->|->|<-|--)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<html><[^<>]*>)
  | (?P<id>[A-Za-z_\x80-\uffff][A-Za-z0-9_.\x80-\uffff]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))
  | (?P<punct>[{}\[\];,=:])
    """,
    re.VERBOSE | re.DOTALL,
)

_DEFAULT_STATEMENTS = {"node", "edge", "graph"}


@dataclass
class ParsedGraph:
    """Nodes in order of appearance with their attributes, and directed edges."""

    kind: str
    name: str | None
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)
    #: pairs joined by ``<->`` (dagitty's bidirected edge: an unmeasured common cause)
    bidirected: list[tuple[str, str]] = field(default_factory=list)
    graph_attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    line: int
    quoted: bool = False


def _tokenize(text: str, source: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    line, pos = 1, 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise GraphError(f"{source}, line {line}: unexpected character {text[pos]!r}.")
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "string":
            tokens.append(_Tok("id", _unquote(value), line, quoted=True))
        elif kind == "html":
            tokens.append(_Tok("id", value[1:-1], line))
        elif kind not in ("ws", "newline", "comment"):
            tokens.append(_Tok(kind, value, line))
        line += value.count("\n")
        pos = match.end()
    return tokens


def _unquote(quoted: str) -> str:
    body = quoted[1:-1]
    # DOT only escapes the quote; a backslash-newline continues the line.
    return body.replace('\\"', '"').replace("\\\n", "").replace("\\\\", "\\")


class _Parser:
    def __init__(self, tokens: list[_Tok], source: str, fmt: Format) -> None:
        self.tokens = tokens
        self.i = 0
        self.source = source
        self.fmt = fmt

    # -- helpers -----------------------------------------------------------------------
    def peek(self, offset: int = 0) -> _Tok | None:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def error(self, message: str, tok: _Tok | None = None) -> GraphError:
        tok = tok or self.peek() or (self.tokens[-1] if self.tokens else None)
        line = tok.line if tok else 1
        return GraphError(f"{self.source}, line {line}: {message}")

    def take(self, kind: str, text: str | None = None, what: str = "") -> _Tok:
        tok = self.peek()
        if tok is None or tok.kind != kind or (text is not None and tok.text != text):
            got = "the end of the file" if tok is None else repr(tok.text)
            raise self.error(f"expected {what or repr(text) or kind}; got {got}.", tok)
        self.i += 1
        return tok

    def accept(self, kind: str, text: str | None = None) -> _Tok | None:
        tok = self.peek()
        if tok is not None and tok.kind == kind and (text is None or tok.text == text):
            self.i += 1
            return tok
        return None

    # -- grammar ------------------------------------------------------------------------
    def graph(self) -> ParsedGraph:
        if not self.tokens:
            raise GraphError(f"{self.source}, line 1: the file is empty; expected "
                             f"{'digraph { ... }' if self.fmt == 'dot' else 'dag { ... }'}.")
        self.accept("id", "strict")
        head = self.take("id", what="'digraph'" if self.fmt == "dot" else "'dag'")
        keyword = head.text.lower()
        allowed = {"dot": ("digraph",), "dagitty": ("dag",)}[self.fmt]
        if keyword not in allowed:
            if keyword in ("graph", "pdag", "mag", "pag"):
                raise self.error(f"only directed acyclic graphs can be read; this file declares "
                                 f"a {keyword!r}.", head)
            raise self.error(f"expected {allowed[0]!r} to open the graph; got {head.text!r}.",
                             head)
        name = None
        if self.peek() is not None and self.peek().kind == "id":  # type: ignore[union-attr]
            name = self.take("id").text
        parsed = ParsedGraph(kind=keyword, name=name)
        self.take("punct", "{", "'{'")
        self.statements(parsed)
        self.take("punct", "}", "'}' to close the graph")
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek().text!r} after the closing '}}'.")  # type: ignore[union-attr]
        return parsed

    def statements(self, parsed: ParsedGraph) -> None:
        while True:
            tok = self.peek()
            if tok is None or (tok.kind == "punct" and tok.text == "}"):
                return
            if tok.kind == "punct" and tok.text in ";,":
                self.i += 1
                continue
            self.statement(parsed)

    def statement(self, parsed: ParsedGraph) -> None:
        first = self.peek()
        assert first is not None
        if first.kind == "id" and not first.quoted and first.text.lower() == "subgraph" or (
                first.kind == "punct" and first.text == "{"):
            raise self.error("subgraphs and {...} groups are not supported; write each edge "
                             "as its own statement.", first)
        if first.kind != "id":
            raise self.error(f"expected a node name; got {first.text!r}.", first)
        if (not first.quoted and first.text.lower() in _DEFAULT_STATEMENTS
                and self._next_is("punct", "[")):
            self.i += 1
            attrs = self.attributes()
            if first.text.lower() == "graph":
                parsed.graph_attributes.update(attrs)
            return
        if self._next_is("punct", "="):  # graph attribute: rankdir=LR
            self.i += 2
            value = self.take("id", what="an attribute value")
            parsed.graph_attributes[first.text] = value.text
            return
        chain = [self.node_id()]
        arrows: list[_Tok] = []
        while (arrow := self.accept("arrow")) is not None:
            arrows.append(arrow)
            chain.append(self.node_id())
        attrs = self.attributes() if self._at("punct", "[") else {}
        for node in chain:
            parsed.nodes.setdefault(node, {})
        if not arrows:
            parsed.nodes[chain[0]].update(attrs)
            return
        for (left, right), arrow in zip(zip(chain, chain[1:], strict=False), arrows, strict=True):
            if arrow.text == "--":
                raise self.error(f"undirected edge {left} -- {right}: a causal graph needs "
                                 f"directed edges (->).", arrow)
            if arrow.text == "->":
                parsed.edges.append((left, right))
            elif arrow.text == "<-":
                parsed.edges.append((right, left))
            else:
                parsed.bidirected.append((left, right))

    def node_id(self) -> str:
        tok = self.take("id", what="a node name")
        if self._at("punct", ":"):  # DOT port (a:n): the node is `a`
            self.i += 1
            self.take("id", what="a port name")
        return tok.text

    def attributes(self) -> dict[str, str]:
        attrs: dict[str, str] = {}
        while self.accept("punct", "["):
            while not self.accept("punct", "]"):
                if self.accept("punct", ",") or self.accept("punct", ";"):
                    continue
                if self.peek() is None:
                    raise self.error("unclosed attribute list; expected ']'.")
                key = self.take("id", what="an attribute name")
                if self.accept("punct", "="):
                    attrs[key.text] = self.take("id", what=f"a value for {key.text!r}").text
                else:
                    attrs[key.text] = "true"  # dagitty flag: u [latent]
        return attrs

    def _at(self, kind: str, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == kind and tok.text == text

    def _next_is(self, kind: str, text: str) -> bool:
        tok = self.peek(1)
        return tok is not None and tok.kind == kind and tok.text == text


def parse_graph_text(text: str, fmt: Format, source: str = "<string>") -> ParsedGraph:
    """Parse DOT (``fmt='dot'``) or dagitty (``fmt='dagitty'``) text; errors give the line."""
    return _Parser(_tokenize(text, source), source, fmt).graph()


def quote(identifier: str) -> str:
    """An identifier as DOT/dagitty can read it back (quoted unless a plain name)."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", identifier) and identifier.lower() not in (
            "node", "edge", "graph", "digraph", "subgraph", "strict", "dag"):
        return identifier
    return '"' + identifier.replace("\\", "\\\\").replace('"', '\\"') + '"'
