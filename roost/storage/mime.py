"""Content-based MIME detection, close to the Go `mimetype` library PocketBase uses.

PocketBase never trusts the declared type or the file extension: the type comes from the
first bytes of the content. It decides whether an upload passes a field's `mimeTypes`,
which extension a name without one gets, and the Content-Type a download is served with.
This covers the formats people upload in practice; anything else is
`application/octet-stream`, as there.
"""

from __future__ import annotations

import csv
import json
import re

SNIFF_LEN = 3072  # bytes looked at, as in the Go library

OCTET = "application/octet-stream"

# (prefix, mime) checked in order; the more specific containers are handled in _binary
_PREFIXES: list[tuple[bytes, str]] = [
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"%PDF-", "application/pdf"),
    (b"%!PS-Adobe-", "application/postscript"),
    (b"8BPS", "image/vnd.adobe.photoshop"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\xff\x0a", "image/jxl"),
    (b"\x00\x00\x00\x0cJXL \x0d\x0a\x87\x0a", "image/jxl"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"MZ", "application/vnd.microsoft.portable-executable"),
    (b"\x7fELF", "application/x-elf"),
    (b"BZh", "application/x-bzip2"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
    (b"\x00\x00\x02\x00", "image/x-icon"),
    (b"fLaC\x00\x00\x00\x22", "audio/flac"),
    (b"MThd", "audio/midi"),
    (b".snd", "audio/basic"),
    (b"#!AMR", "audio/amr"),
    (b"\x1f\x8b", "application/gzip"),
    (b"wOFF", "font/woff"),
    (b"wOF2", "font/woff2"),
    (b"OTTO", "font/otf"),
    (b"\x00\x01\x00\x00\x00", "font/ttf"),
    (b"\x00asm", "application/wasm"),
    (b"SQLite format 3\x00", "application/vnd.sqlite3"),
    (b"Rar!\x1a\x07", "application/x-rar-compressed"),
    (b"\xfd7zXZ\x00", "application/x-xz"),
    (b"\x28\xb5\x2f\xfd", "application/zstd"),
    (b"\xca\xfe\xba\xbe", "application/x-java-applet"),
]

_FTYP_BRANDS: dict[bytes, str] = {
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"hevc": "image/heic-sequence",
    b"hevx": "image/heic-sequence",
    b"mif1": "image/heif",
    b"heim": "image/heif",
    b"heis": "image/heif",
    b"avic": "image/heif",
    b"M4A ": "audio/x-m4a",
    b"M4B ": "audio/mp4",
    b"M4P ": "audio/mp4",
    b"F4A ": "audio/mp4",
    b"M4V ": "video/x-m4v",
    b"M4VH": "video/x-m4v",
    b"M4VP": "video/x-m4v",
    b"qt  ": "video/quicktime",
    b"mqt ": "video/quicktime",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
    b"3gp6": "video/3gpp",
    b"3g2a": "video/3gpp2",
}

_BMP_HEADERS = {12, 16, 24, 40, 48, 52, 56, 64, 108, 124}

# Zip containers recognised by their first entries (OOXML) or their `mimetype` entry (ODF, EPUB)
_ZIP_DIRS = [
    (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
]
_ZIP_MIMETYPE_RE = re.compile(rb"^mimetype(application/(?:vnd\.oasis\.opendocument\.[a-z.-]+|epub\+zip))")

# alternative names a field's `mimeTypes` may use for a detected type
ALIASES: dict[str, tuple[str, ...]] = {
    "application/zip": ("application/x-zip", "application/x-zip-compressed"),
    "application/gzip": (
        "application/x-gzip",
        "application/x-gunzip",
        "application/gzipped",
        "application/gzip-compressed",
        "application/x-gzip-compressed",
        "gzip/document",
    ),
    "application/pdf": ("application/x-pdf",),
    "application/ogg": ("application/x-ogg",),
    "text/xml": ("application/xml",),
    "text/javascript": ("application/x-javascript", "application/javascript"),
    "image/bmp": ("image/x-bmp", "image/x-ms-bmp"),
    "image/vnd.adobe.photoshop": ("image/x-psd", "application/photoshop"),
    "audio/mpeg": ("audio/x-mpeg", "audio/mp3"),
    "audio/wav": ("audio/x-wav", "audio/vnd.wave", "audio/wave"),
    "audio/aiff": ("audio/x-aiff",),
    "audio/midi": ("audio/mid", "audio/sp-midi", "audio/x-mid", "audio/x-midi"),
    "video/webm": ("audio/webm",),
    "video/x-msvideo": ("video/avi", "video/msvideo"),
    "application/x-rar-compressed": ("application/x-rar",),
    "application/vnd.sqlite3": ("application/x-sqlite3",),
    "font/ttf": ("font/sfnt", "application/x-font-ttf", "application/font-sfnt"),
    "text/rtf": ("application/rtf",),
    "text/x-shellscript": ("text/x-sh", "application/x-shellscript", "application/x-sh"),
    "text/x-python": ("text/x-script.python", "application/x-python"),
}

# the extension a stored name gets when the upload had none
EXTENSIONS: dict[str, str] = {
    "text/plain": ".txt",
    "text/html": ".html",
    "text/xml": ".xml",
    "application/xhtml+xml": ".html",
    "application/json": ".json",
    "application/x-ndjson": ".ndjson",
    "text/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "image/svg+xml": ".svg",
    "text/rtf": ".rtf",
    "text/x-php": ".php",
    "text/x-shellscript": ".sh",
    "text/x-python": ".py",
    "text/javascript": ".js",
    "text/calendar": ".ics",
    "text/vcard": ".vcf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/tiff": ".tiff",
    "image/x-icon": ".ico",
    "image/avif": ".avif",
    "image/heic": ".heic",
    "image/heic-sequence": ".heic",
    "image/heif": ".heif",
    "image/jxl": ".jxl",
    "image/vnd.adobe.photoshop": ".psd",
    "application/pdf": ".pdf",
    "application/postscript": ".ps",
    "application/zip": ".zip",
    "application/gzip": ".gz",
    "application/x-7z-compressed": ".7z",
    "application/x-bzip2": ".bz2",
    "application/x-xz": ".xz",
    "application/zstd": ".zst",
    "application/x-rar-compressed": ".rar",
    "application/x-tar": ".tar",
    "application/wasm": ".wasm",
    "application/vnd.sqlite3": ".sqlite",
    "application/vnd.microsoft.portable-executable": ".exe",
    "application/x-java-applet": ".class",
    "font/woff": ".woff",
    "font/woff2": ".woff2",
    "font/otf": ".otf",
    "font/ttf": ".ttf",
    "audio/mpeg": ".mp3",
    "audio/wav": ".wav",
    "audio/aiff": ".aiff",
    "audio/flac": ".flac",
    "audio/midi": ".midi",
    "audio/basic": ".au",
    "audio/amr": ".amr",
    "audio/aac": ".aac",
    "audio/ogg": ".oga",
    "audio/x-m4a": ".m4a",
    "audio/mp4": ".mp4",
    "application/ogg": ".ogg",
    "video/ogg": ".ogv",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
    "video/quicktime": ".mov",
    "video/x-msvideo": ".avi",
    "video/mpeg": ".mpeg",
    "video/3gpp": ".3gp",
    "video/3gpp2": ".3g2",
    "video/x-m4v": ".m4v",
    "video/x-flv": ".flv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/epub+zip": ".epub",
    "application/x-ole-storage": "",
}


def detect(data: bytes) -> str:
    """The MIME type of content (only the first SNIFF_LEN bytes are looked at)."""
    raw = data[:SNIFF_LEN]
    truncated = len(data) > SNIFF_LEN
    found = _binary(raw)
    if found:
        return found
    if _is_text(raw):
        return _text(raw, truncated)
    return OCTET


def extension(mime: str) -> str:
    return EXTENSIONS.get(base_type(mime), "")


def base_type(mime: str) -> str:
    return mime.split(";", 1)[0].strip().lower()


def matches(mime: str, allowed: str) -> bool:
    """Whether a detected type satisfies one entry of a field's `mimeTypes` (aliases included)."""
    found, want = base_type(mime), base_type(allowed)
    return found == want or want in ALIASES.get(found, ())


# --- binary formats --------------------------------------------------------------------------------
def _binary(raw: bytes) -> str:
    if raw[:4] == b"PK\x03\x04" or raw[:4] in (b"PK\x05\x06", b"PK\x07\x08"):
        return _zip(raw)
    if raw[:4] == b"RIFF" and len(raw) > 12:
        kind = raw[8:12]
        if kind == b"WEBP":
            return "image/webp"
        if kind == b"WAVE":
            return "audio/wav"
        if raw[8:16] == b"AVI LIST":
            return "video/x-msvideo"
    if raw[:4] == b"FORM" and raw[8:12] == b"AIFF":
        return "audio/aiff"
    if raw[:4] == b"OggS":
        codec = raw[28:36]
        if codec.startswith((b"\x01vorbis", b"OpusHead", b"Speex", b"\x7fFLAC")):
            return "audio/ogg"
        if codec.startswith((b"\x80theora", b"\x01video")):
            return "video/ogg"
        return "application/ogg"
    if raw[:4] == b"\xd0\xcf\x11\xe0":
        return "application/x-ole-storage"
    for prefix, mime in _PREFIXES:
        if raw.startswith(prefix):
            return mime
    if raw[:2] == b"BM" and len(raw) >= 18 and int.from_bytes(raw[14:18], "little") in _BMP_HEADERS:
        return "image/bmp"
    if len(raw) >= 12 and raw[0] == 0 and raw[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(raw[8:12], "video/mp4")
    if len(raw) >= 12 and raw[4:9] in (b"moov\x00", b"mdat\x00", b"free\x00", b"skip\x00", b"pnot\x00"):
        return "video/quicktime"
    if raw[:4] == b"\x1a\x45\xdf\xa3":
        head = raw[:4096]
        if b"webm" in head:
            return "video/webm"
        if b"matroska" in head:
            return "video/x-matroska"
    if raw[:3] == b"FLV":
        return "video/x-flv"
    if raw[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"):
        return "video/mpeg"
    if len(raw) >= 2 and raw[0] == 0xFF:
        if raw[1] in (0xF1, 0xF9):
            return "audio/aac"
        if (int.from_bytes(raw[:2], "big") & 0xFFFE) in (0xFFFA, 0xFFF2, 0xFFE2, 0xFFFC, 0xFFF4, 0xFFF5):
            return "audio/mpeg"
    if _is_id3v2(raw):
        return "audio/mpeg"
    if _is_tar(raw):
        return "application/x-tar"
    return ""


def _is_id3v2(raw: bytes) -> bool:
    """An MP3 tag header: version 2.2-2.4, sane flags and a non-zero synchsafe size."""
    if len(raw) < 10 or not raw.startswith(b"ID3") or not 2 <= raw[3] <= 4 or raw[4] or raw[5] & 0x0F:
        return False
    if any(b & 0x80 for b in raw[6:10]):
        return False
    size = raw[6] << 21 | raw[7] << 14 | raw[8] << 7 | raw[9]
    return 0 < size < 10 << 20


def _is_tar(raw: bytes) -> bool:
    """A tar header is recognised by its checksum (the sum of the header with the field as spaces)."""
    if len(raw) < 512:
        return False
    header = raw[:512]
    field = header[148:156].strip(b" \x00").split(b"\x00", 1)[0]
    if not field or any(c < 0x30 or c > 0x37 for c in field):
        return False
    recorded = int(field, 8)
    blanked = header[:148] + b" " * 8 + header[156:]
    unsigned = sum(blanked)
    signed = sum(c - 256 if c > 127 else c for c in blanked)
    return recorded in (unsigned, signed)


def _zip(raw: bytes) -> str:
    odf = _ZIP_MIMETYPE_RE.match(raw[30:])
    if odf:
        return odf.group(1).decode()
    # OOXML: look at the names of the local file headers present in the sniffed bytes
    pos = 0
    while True:
        pos = raw.find(b"PK\x03\x04", pos)
        if pos < 0 or pos + 30 > len(raw):
            return "application/zip"
        name_len = int.from_bytes(raw[pos + 26 : pos + 28], "little")
        name = raw[pos + 30 : pos + 30 + name_len]
        for prefix, mime in _ZIP_DIRS:
            if name.startswith(prefix):
                return mime
        pos += 4


# --- text formats ----------------------------------------------------------------------------------
_BOMS = [
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\x00\x00\xfe\xff", "utf-32be"),
    (b"\xff\xfe\x00\x00", "utf-32le"),
    (b"\xfe\xff", "utf-16be"),
    (b"\xff\xfe", "utf-16le"),
]
# bytes that never appear in text (WHATWG mimesniff "binary data byte")
_BINARY_BYTES = frozenset([*range(0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_ASCII_TEXT = frozenset([*range(0x07, 0x0E), 0x1B, *range(0x20, 0x7F)])
_HTML_TAGS = (
    b"<!DOCTYPE HTML",
    b"<HTML",
    b"<HEAD",
    b"<SCRIPT",
    b"<IFRAME",
    b"<H1",
    b"<DIV",
    b"<FONT",
    b"<TABLE",
    b"<A",
    b"<STYLE",
    b"<TITLE",
    b"<B",
    b"<BODY",
    b"<BR",
    b"<P",
    b"<!--",
)
_INTERPRETER = rb"^#!\s*/(?:usr/(?:local/)?)?bin/(?:env\s+(?:-S\s+)?)?"
_SHEBANGS = [
    (re.compile(_INTERPRETER + rb"(?:ba|c|da|k|tc|z)?sh\b"), "text/x-shellscript"),
    (re.compile(_INTERPRETER + rb"python"), "text/x-python"),
    (re.compile(_INTERPRETER + rb"node"), "text/javascript"),
    (re.compile(_INTERPRETER + rb"php"), "text/x-php"),
]
_SVG_RE = re.compile(rb"""^<svg\b[^>]*\bxmlns\s*=\s*["']http://www\.w3\.org/2000/svg["']""")
_COMMENT_RE = re.compile(rb"^(?:\s*<!--.*?-->)*\s*", re.S)


def _is_text(raw: bytes) -> bool:
    if any(raw.startswith(bom) for bom, _ in _BOMS):
        return True
    return not any(b in _BINARY_BYTES for b in raw[:4096])


def _text(raw: bytes, truncated: bool) -> str:
    kind = _text_kind(raw, truncated)
    if kind in ("text/plain", "text/html", "text/xml"):
        charset = _charset(raw[:1024])
        return f"{kind}; charset={charset}" if charset else kind
    return kind


def _text_kind(raw: bytes, truncated: bool) -> str:
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    stripped = body.lstrip()
    upper = stripped[:32].upper()
    if _is_svg(body):
        return "image/svg+xml"
    if any(_markup_starts(stripped, upper, tag) for tag in _HTML_TAGS):
        return "text/html"
    if _markup_starts(stripped, upper, b"<?XML"):
        head = re.sub(rb"\s+", b" ", stripped[:1024]).upper()
        if b"<!DOCTYPE HTML" in head or b"<HTML XMLNS=" in head:
            return "application/xhtml+xml"
        return "text/xml"
    if upper.startswith((b"<?PHP", b"<?\n", b"<?\r", b"<? ")):
        return "text/x-php"
    for pattern, mime in _SHEBANGS:
        if pattern.match(raw):
            return mime
    if stripped[:1] in (b"{", b"[") and _is_json(raw, truncated):
        return "application/json"
    if _is_ndjson(raw):
        return "application/x-ndjson"
    if raw.startswith(b"{\\rtf"):
        return "text/rtf"
    if _is_separated(raw, ",", truncated):
        return "text/csv"
    if _is_separated(raw, "\t", truncated):
        return "text/tab-separated-values"
    if upper.startswith((b"BEGIN:VCARD\n", b"BEGIN:VCARD\r\n")):
        return "text/vcard"
    if upper.startswith((b"BEGIN:VCALENDAR\n", b"BEGIN:VCALENDAR\r\n")):
        return "text/calendar"
    return "text/plain"


def _markup_starts(stripped: bytes, upper: bytes, tag: bytes) -> bool:
    # the tag must be followed by white space or `>`, so `<Bogus` is not `<B`
    after = stripped[len(tag) : len(tag) + 1]
    return upper.startswith(tag) and after != b"" and after in b" \t\r\n\f>"


def _is_svg(raw: bytes) -> bool:
    rest = raw[_COMMENT_RE.match(raw).end() :]  # type: ignore[union-attr]
    if _SVG_RE.match(rest):
        return True
    head = raw.lstrip()
    return (
        head.startswith(b"<?xml")
        and re.match(rb"<\?xml[^>]*\bversion\s*=", head) is not None
        and b"<svg" in head[:4096]
    )


def _is_json(raw: bytes, truncated: bool) -> bool:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if not truncated:
            return False
        text = raw[:-3].decode("utf-8", "ignore")  # a multi-byte character cut at the end
    try:
        json.loads(text)
        return True
    except ValueError as exc:
        if not truncated or not isinstance(exc, json.JSONDecodeError):
            return False
        # a cut document is JSON when parsing only failed for running out of input
        return exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip()) - 1


def _is_ndjson(raw: bytes) -> bool:
    lines = [line for line in raw.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    objects = 0
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            return False
        objects += isinstance(value, (dict, list))
    return objects > 0


def _is_separated(raw: bytes, sep: str, truncated: bool) -> bool:
    text = raw.decode("utf-8", "replace")
    lines = text.splitlines()
    if truncated and lines:
        lines = lines[:-1]  # the last line may be cut
    data = (line for line in lines if not line.startswith("#"))
    rows = [row for row in csv.reader(data, delimiter=sep) if row]
    if len(rows) < 2 or len(rows[0]) < 2:
        return False
    return all(len(row) == len(rows[0]) for row in rows[1:10])


def _charset(raw: bytes) -> str:
    if not raw:
        return ""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    content = raw
    # a multi-byte character may be cut by the sniff window
    for i in range(len(content) - 1, max(len(content) - 4, -1), -1):
        if content[i] < 0x80:
            break
        if content[i] >= 0xC0:
            content = content[:i]
            break
    if any(b >= 0x80 for b in content):
        try:
            content.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    if all(b in _ASCII_TEXT for b in raw):
        return "utf-8"
    # ISO-8859 text: printable ASCII plus 0xA0-0xFF; NEL (0x85) only exists in windows-1252
    if any(b not in _ASCII_TEXT and b < 0xA0 and b != 0x85 for b in raw):
        return ""
    return "windows-1252" if 0x85 in raw else "iso-8859-1"
