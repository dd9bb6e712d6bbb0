"""A mail message and its MIME form: an HTML body with a generated plain-text alternative."""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass, field
from email.headerregistry import Address as _HeaderAddress
from email.message import EmailMessage
from email.utils import formatdate
from html.parser import HTMLParser


@dataclass(slots=True)
class Address:
    address: str
    name: str = ""

    def header(self) -> str:
        if not self.name:
            return self.address
        username, _, domain = self.address.rpartition("@")
        return str(_HeaderAddress(display_name=self.name, username=username, domain=domain))


@dataclass(slots=True)
class Message:
    """What hooks see and may change before a mail is sent (PocketBase's mailer.Message)."""

    sender: Address
    to: list[Address]
    subject: str
    html: str
    text: str = ""
    cc: list[Address] = field(default_factory=list)
    bcc: list[Address] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def recipients(self) -> list[str]:
        return [a.address for a in (*self.to, *self.cc, *self.bcc)]

    def to_mime(self) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.sender.header()
        if self.to:
            msg["To"] = ", ".join(a.header() for a in self.to)
        if self.cc:
            msg["Cc"] = ", ".join(a.header() for a in self.cc)
        msg["Subject"] = self.subject
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        if not any(k.lower() == "message-id" for k in self.headers):
            domain = self.sender.address.rpartition("@")[2]
            if domain:
                alphabet = string.ascii_letters + string.digits
                msg["Message-ID"] = f"<{''.join(secrets.choice(alphabet) for _ in range(15))}@{domain}>"
        for key, value in self.headers.items():
            msg[key] = value
        msg.set_content(self.text or html_to_text(self.html))
        msg.add_alternative(self.html, subtype="html")
        return msg


# --- HTML to text, as PocketBase's mailer does it ------------------------------------------------------
_WHITESPACE = re.compile(r"\s+")
_SKIP = {"style", "script", "iframe", "applet", "object", "svg", "img", "button", "form", "textarea"}
_SKIP |= {"input", "select", "option", "template"}
_INLINE = {"a", "span", "small", "strike", "strong", "sub", "sup", "em", "b", "u", "i"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Node:
    __slots__ = ("attrs", "children", "tag", "text")

    def __init__(self, tag: str, attrs: dict[str, str] | None = None, text: str = "") -> None:
        self.tag, self.attrs, self.text = tag, attrs or {}, text
        self.children: list[_Node] = []


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(_Node("#text", text=data))


def html_to_text(html: str) -> str:
    """A rudimentary plain-text version of an HTML mail body, line for line what PocketBase's
    mailer generates: links become `[label](href)`, block elements start a new line (CRLF),
    list items get a `- ` prefix, styles and scripts are dropped."""
    parser = _TreeBuilder()
    parser.feed(html)
    parser.close()
    out: list[str] = []
    can_newline = False

    def walk(node: _Node, sink: list[str]) -> None:
        nonlocal can_newline
        is_link = node.tag == "a"
        if is_link:
            sink = []
        if node.tag == "#text":
            txt = _WHITESPACE.sub(" ", node.text)
            if not can_newline:
                txt = txt.lstrip(" ")
            if txt:
                sink.append(txt)
                can_newline = True
        elif node.tag != "#document":
            if node.tag == "br" or (can_newline and node.tag not in _INLINE):
                sink.append("\r\n")
                can_newline = False
            if node.tag == "li":
                sink.append("- ")
        for child in node.children:
            if child.tag not in _SKIP:
                walk(child, sink)
        if is_link:
            label = "".join(sink).strip() or "LINK"
            href = node.attrs.get("href", "")
            out.append(f"[{label}]" + (f"({href})" if href else ""))

    walk(parser.root, out)
    return "".join(out).strip()
