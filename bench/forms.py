"""A page's POST forms read as a browser would send them (for the rush; no locust import here)."""

from __future__ import annotations

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The fields of each POST form of a page, as a browser would send them (no button)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.forms.append([])
            return
        if not self._in_form:
            return
        fields = self.forms[-1]
        if (
            tag == "input"
            and "name" in a
            and a.get("type", "text") not in ("submit", "button", "file", "image")
        ):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and "name" in a:
            self._textarea, self._text = a["name"], []
        elif tag == "select" and "name" in a:
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            fields.append((self._select, a.get("value", "")))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1].append((self._textarea, "".join(self._text).strip()))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def form_fields(html: str) -> list[tuple[str, str]]:
    """The fill form's fields: the POST form that carries report versions."""
    parser = FormFields()
    parser.feed(html)
    for fields in parser.forms:
        if any(name.endswith("-version") for name, _ in fields):
            return fields
    return []
