"""A small XML tree with the line of every element, read with expat; DOCTYPEs (and so entities)
are refused, so an upload cannot expand itself."""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field

from .model import ImportProblem


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Element]:
        return [c for c in self.children if c.tag == tag]

    def findtext(self, tag: str, default: str = "") -> str:
        found = self.find(tag)
        return found.text.strip() if found is not None else default


def parse_xml(data: bytes, source: str) -> Element:
    """The document's root element; :class:`ImportProblem` with the line when it is not XML."""
    parser = xml.parsers.expat.ParserCreate()
    stack: list[Element] = []
    root: list[Element] = []
    texts: list[list[str]] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = Element(tag, attrs, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)
        texts.append([])

    def end(tag: str) -> None:
        element = stack.pop()
        element.text = "".join(texts.pop())

    def chars(data: str) -> None:
        if texts:
            texts[-1].append(data)

    def doctype(*_: object) -> None:
        raise ImportProblem(source, f"line {parser.CurrentLineNumber}", "a DOCTYPE is not allowed here")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = doctype
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise ImportProblem(
            source, f"line {exc.lineno}", f"expected XML: {xml.parsers.expat.ErrorString(exc.code)}"
        ) from None
    if not root:
        raise ImportProblem(source, "line 1", "expected an XML document")
    return root[0]
