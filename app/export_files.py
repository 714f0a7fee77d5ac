"""Export file writers: JSON Lines and streamed XML, one order at a time, in constant memory."""

import json
import re
from collections.abc import Mapping
from typing import IO, Any, Protocol
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from app.domain.exports import OrderBundle, import_record, text, xml_item

SUFFIXES = {"JSONL": ".jsonl", "XML": ".xml"}
# characters XML 1.0 cannot hold even escaped: a parser would refuse the whole file
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_NO_ATTRIBUTES: "AttributesImpl[str]" = AttributesImpl({})


class ExportWriter(Protocol):
    def write(self, bundle: OrderBundle) -> None: ...

    def close(self, total: int) -> None:
        """Finish the document; `total` orders were written."""
        ...


class JsonLinesWriter:
    """One `ImportOrderInput` object per line: what `orders-api import` reads."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def write(self, bundle: OrderBundle) -> None:
        self.out.write(json.dumps(import_record(bundle), ensure_ascii=False) + "\n")

    def close(self, total: int) -> None:
        self.out.flush()


class XmlWriter:
    """`<export><data><item>...</item></data><pagination>...</pagination></export>`, streamed.

    XMLGenerator escapes text and attribute values; elements are written as the orders come,
    so the document is never held in memory.
    """

    def __init__(self, out: IO[str]) -> None:
        # XMLGenerator's stubs list the file classes it takes; any text file will do
        self.xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)  # type: ignore[arg-type]
        self.xml.startDocument()
        self.xml.startElement("export", _NO_ATTRIBUTES)
        self.xml.startElement("data", _NO_ATTRIBUTES)

    def write(self, bundle: OrderBundle) -> None:
        self._element("item", xml_item(bundle))

    def close(self, total: int) -> None:
        self.xml.endElement("data")
        # the seed's paging block: an export is one page holding every order
        self._element(
            "pagination",
            {"totalItems": total, "itemsPerPage": total, "currentPage": 1, "totalPages": 1},
        )
        self.xml.endElement("export")
        self.xml.endDocument()

    def _element(self, name: str, value: Any) -> None:
        if value is None:
            return
        self.xml.startElement(name, _NO_ATTRIBUTES)
        if isinstance(value, Mapping):
            for child, inner in value.items():
                self._element(child, inner)
        elif isinstance(value, list):
            for inner in value:
                self._element("item", inner)
        else:
            self.xml.characters(_scalar(value))
        self.xml.endElement(name)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(text(value)))


def writer_for(format: str, out: IO[str]) -> ExportWriter:
    return JsonLinesWriter(out) if format == "JSONL" else XmlWriter(out)
