"""Reading S3's XML answers by local name (servers differ in whether they use the namespace)."""

from __future__ import annotations

from typing import List, Optional
from xml.etree import ElementTree


def xml_text(root: ElementTree.Element, name: str) -> Optional[str]:
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == name:
            return el.text
    return None


def xml_all(root: ElementTree.Element, name: str) -> List[ElementTree.Element]:
    return [el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == name]


def child(el: ElementTree.Element, name: str) -> Optional[str]:
    for c in el:
        if c.tag.rsplit("}", 1)[-1] == name:
            return c.text
    return None
