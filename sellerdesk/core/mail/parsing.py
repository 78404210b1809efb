"""One email, as the desk needs it: who sent it, about which order, what it says and what
came with it. Plain Python over the standard library's `email` package (policy.default);
no I/O. Mail from the world is often malformed, so parse_message never raises on bad MIME:
it keeps what it can read and says in `defects`, in words, what was wrong."""

from __future__ import annotations

import binascii
import codecs
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email import errors as email_errors
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

from sellerdesk.core.marketplaces import MARKETPLACES, Marketplace


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class MailMessage:
    message_id: str          # without <>; a message without one gets "sha256:<hex of raw>"
    in_reply_to: str | None  # without <>
    references: tuple[str, ...]
    sender: str              # the From address, lower-case
    sender_name: str         # display name (buyer personal data: never logged)
    recipients: tuple[str, ...]
    subject: str
    sent_at: datetime | None  # naive UTC, from Date:
    text: str                # plain body; HTML-only mail converted to text
    attachments: tuple[Attachment, ...]
    authentication: tuple[str, ...]   # Authentication-Results headers as given, top first
    defects: tuple[str, ...]  # what was malformed, in words
    order_ids: tuple[str, ...]  # 3-7-7 ids found in subject then body, first seen first
    html: str = ""           # the HTML body as sent, when there was one (the text is read from it
    #                          only when the mail had no plain part)

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]


# Amazon's order id: three, seven and seven digits. ASCII digits only ([0-9], not \d, which
# takes other scripts' digits); not part of a longer run of digits or dashed digit groups,
# so a tracking or phone number that contains the shape is not read as an order.
ORDER_ID = re.compile(r"(?<![0-9])(?<![0-9]-)[0-9]{3}-[0-9]{7}-[0-9]{7}(?![0-9])(?!-[0-9])")

# What the stdlib raises from a header or part it cannot read (it has raised IndexError and
# AttributeError on some malformed address headers); caught per field so one bad header
# costs only that field.
_UNREADABLE = (ValueError, LookupError, TypeError, AttributeError, UnicodeError,
               AssertionError, email_errors.MessageError)


def order_ids_in(*texts: str) -> tuple[str, ...]:
    """Order ids in the texts, in order, each once. NFKC first: a Japanese mail may write
    the id in full-width digits (１１４－…), which are the same id."""
    found: dict[str, None] = {}
    for text in texts:
        for match in ORDER_ID.finditer(unicodedata.normalize("NFKC", text)):
            found.setdefault(match.group(0), None)
    return tuple(found)


def relay_marketplace(address: str) -> Marketplace | None:
    """The marketplace of a Buyer-Seller Messaging relay address: Amazon writes each buyer's
    messages from an anonymised alias at marketplace.<the marketplace's domain>
    (…@marketplace.amazon.de for Amazon.de). None for any other address."""
    domain = address.strip().strip("<>").rpartition("@")[2].lower().rstrip(".")
    prefix = "marketplace."
    if not domain.startswith(prefix):
        return None
    return _BY_DOMAIN.get(domain[len(prefix):])


_BY_DOMAIN = {m.sales_channel.lower(): m for m in MARKETPLACES}

# The domains Amazon sends from, one per marketplace (amazon.com, amazon.co.uk, amazon.de,
# amazon.co.jp, …), taken from the marketplaces table so a new marketplace brings its own.
AMAZON_DOMAINS: frozenset[str] = frozenset(_BY_DOMAIN)


def is_amazon_domain(domain: str) -> bool:
    """amazon.<a marketplace's tld> or a subdomain of one (marketplace.amazon.de). Not
    amazonses.com: anyone can send through Amazon SES."""
    domain = domain.lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in AMAZON_DOMAINS)


def parse_message(raw: bytes) -> MailMessage:
    """The message in `raw` (RFC 5322 bytes as the server holds them)."""
    defects: list[str] = []
    lifted = _LiftedRuns(raw)
    message = message_from_bytes(lifted.rest, policy=policy.default)
    assert isinstance(message, EmailMessage)

    message_id = _first_id(_header(message, "Message-ID", defects))
    if not message_id:
        # a stable id all the same: the same bytes fetched twice are the same message
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
        defects.append("The message has no Message-ID; it is known by its SHA-256.")
    in_reply_to = _first_id(_header(message, "In-Reply-To", defects)) or None
    references = tuple(_ids(_header(message, "References", defects)))

    sender_name, sender = _sender(message, defects)
    recipients = _addresses(message, ("To", "Cc"), defects)
    subject = _text_header(message, "Subject", defects)
    sent_at = _sent_at(message, defects)
    authentication = tuple(_text_header_values(message, "Authentication-Results", defects))

    body: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    _read_parts(message, body, html, attachments, defects, lifted)
    text = "\n\n".join(t for t in body if t.strip())
    if not text and html:
        text = "\n\n".join(html_to_text(h) for h in html)

    for part in message.walk():
        defects.extend(_defect_words(d) for d in part.defects)

    return MailMessage(
        message_id=message_id, in_reply_to=in_reply_to, references=references,
        sender=sender, sender_name=sender_name, recipients=recipients, subject=subject,
        sent_at=sent_at, text=text, attachments=tuple(attachments),
        authentication=authentication, defects=tuple(dict.fromkeys(defects)),
        order_ids=order_ids_in(subject, text), html="\n".join(html))


# --- headers ---------------------------------------------------------------------------

def _raw_values(message: Message, name: str) -> list[str]:
    """A header's values as they came (str with surrogate escapes for 8-bit bytes)."""
    return [value for key, value in message.raw_items() if key.lower() == name.lower()]


def _header(message: Message, name: str, defects: list[str]) -> str:
    values = _raw_values(message, name)
    return str(values[0]) if values else ""


def _text_header(message: Message, name: str, defects: list[str]) -> str:
    values = _text_header_values(message, name, defects)
    return values[0] if values else ""


def _text_header_values(message: Message, name: str, defects: list[str]) -> list[str]:
    """A header's values decoded: RFC 2047 encoded words in any charset Python knows, and
    8-bit bytes sent raw (Japanese mailers send Shift_JIS subjects unencoded) read as
    UTF-8, then Shift_JIS (cp932), then with replacement marks."""
    decoded = []
    for value in _raw_values(message, name):
        value = str(value)
        if _has_raw_bytes(value):
            defects.append(f"The {name} header has unencoded 8-bit characters.")
            decoded.append(_unfold(_decode_bytes(
                value.encode("ascii", "surrogateescape"), None, name, defects)))
            continue
        try:
            decoded.append(_unfold(str(make_header(decode_header(value)))))
        except _UNREADABLE as error:
            defects.append(f"The {name} header could not be decoded ({_reason(error)}); "
                           "it is kept as sent.")
            decoded.append(_unfold(value))
    return decoded


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", value).strip()


def _has_raw_bytes(value: str) -> bool:
    return any("\udc80" <= c <= "\udcff" for c in value)


def _first_id(value: str) -> str:
    ids = _ids(value)
    if ids:
        return ids[0]
    # some mailers write the id without its angle brackets
    bare = value.strip().split()
    return bare[0].strip("<>") if bare else ""


def _ids(value: str) -> list[str]:
    return [m.strip() for m in re.findall(r"<([^<>\s]+)>", value)]


def _sender(message: Message, defects: list[str]) -> tuple[str, str]:
    values = _text_header_values(message, "From", defects)
    if not values:
        defects.append("The message has no From header.")
        return "", ""
    name, address = parseaddr(values[0])
    if not address or "@" not in address:
        defects.append("The From header holds no address.")
    return name.strip(), address.strip().lower()


def _addresses(message: Message, names: tuple[str, ...], defects: list[str]) -> tuple[str, ...]:
    values = [v for name in names for v in _text_header_values(message, name, defects)]
    return tuple(dict.fromkeys(
        address.strip().lower() for _, address in getaddresses(values) if "@" in address))


def _sent_at(message: Message, defects: list[str]) -> datetime | None:
    value = _header(message, "Date", defects).strip()
    if not value:
        return None
    try:
        sent = parsedate_to_datetime(value)
    except _UNREADABLE:
        defects.append(f"The Date header {value[:60]!r} is not a date; the message has no time.")
        return None
    if sent.tzinfo is None:
        # RFC 5322 writes "-0000" for "zone unknown", and some mailers leave the zone out
        defects.append("The Date header has no time zone; it was read as UTC.")
        return sent
    return sent.astimezone(UTC).replace(tzinfo=None)


# --- parts -----------------------------------------------------------------------------

def _read_parts(part: Message, body: list[str], html: list[str],
                attachments: list[Attachment], defects: list[str],
                lifted: _LiftedRuns) -> None:
    """Walk the MIME tree: the text parts that are the message go to `body` (or `html`),
    everything else that carries content becomes an attachment. In an alternative the
    plain part wins, as a mail client would show it; an attached message stays whole."""
    content_type = part.get_content_type()
    if part.is_multipart() and content_type != "message/rfc822":
        children = part.get_payload()
        if not isinstance(children, list):
            return
        if content_type == "multipart/alternative":
            plain = [c for c in children if c.get_content_type() == "text/plain"
                     and not _is_attachment(c)]
            if plain:
                children = plain + [c for c in children if c.get_content_maintype() != "text"
                                    and c.get_content_type() != "multipart/related"]
        for child in children:
            _read_parts(child, body, html, attachments, defects, lifted)
        return
    if content_type in ("text/plain", "text/html") and not _is_attachment(part):
        text = _part_text(part, defects, lifted)
        (body if content_type == "text/plain" else html).append(text)
        return
    if content_type == "message/rfc822":
        inner = part.get_payload()
        inner_message = inner[0] if isinstance(inner, list) and inner else None
        data = lifted.restored(inner_message.as_bytes(policy=policy.SMTP)
                               if inner_message is not None else b"")
        attachments.append(Attachment(_filename(part, defects) or "message.eml",
                                      content_type, data))
        return
    data = _part_bytes(part, defects, lifted)
    if not data and part.get_filename() is None:
        return
    attachments.append(Attachment(_filename(part, defects) or _unnamed(content_type),
                                  content_type, data))


def _is_attachment(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or (
        part.get_filename() is not None and part.get_content_disposition() != "inline")


def _unnamed(content_type: str) -> str:
    return "attachment." + content_type.rpartition("/")[2].replace("+", ".")


def _filename(part: Message, defects: list[str]) -> str:
    """The attachment's name: RFC 2231 (name*=UTF-8''…, split into name*0*, name*1*…), and
    the RFC 2047 encoded words many mailers put in a quoted name instead."""
    try:
        name = part.get_filename() or part.get_param("name") or ""
    except _UNREADABLE as error:
        defects.append(f"An attachment's name could not be read ({_reason(error)}).")
        return ""
    name = str(name)
    if "=?" in name:
        try:
            name = str(make_header(decode_header(name)))
        except _UNREADABLE:
            defects.append("An attachment's encoded name could not be decoded.")
    # never a path: a name is a name, whatever the sender wrote
    return name.replace("\\", "/").rpartition("/")[2].strip()


def _part_bytes(part: Message, defects: list[str], lifted: _LiftedRuns) -> bytes:
    data = lifted.data(part, defects)
    if data is not None:
        return data
    try:
        data = part.get_payload(decode=True)
    except _UNREADABLE as error:
        defects.append(f"A {part.get_content_type()} part could not be decoded "
                       f"({_reason(error)}).")
        return b""
    return data if isinstance(data, bytes) else b""


class _LiftedRuns:
    """Long base64 bodies (a 25 MB photo is 34 MB of base64 lines) taken out of the raw
    mail before the stdlib parser sees it, each replaced by a one-line token, and decoded
    straight from the raw bytes when their part is read. The parser would otherwise hold
    such a body as a list of half a million line strings, then as one string, then as
    bytes again: about ten times the attachment in memory at once.

    A run is only whole lines of complete 4-character base64 groups; a short first or
    padded last line stays in the part beside the token and is decoded with the run. The
    token carries a random nonce, so no mail can name one."""

    _LINE = re.compile(rb"(?:[A-Za-z0-9+/]{4}){10,249}\r?\n")
    _SMALLEST = 1 << 20  # bytes of base64 worth lifting; smaller bodies parse as they are

    def __init__(self, raw: bytes) -> None:
        self.raw = memoryview(raw)
        self.runs: dict[str, tuple[int, int]] = {}
        nonce = secrets.token_hex(8).upper()
        pieces, last = [], 0
        # line by line (one regex over the whole run would keep a backtracking record
        # per line: more memory than the parser it saves)
        position, size = 0, len(raw)
        while position < size:
            start = position
            line = self._LINE.match(raw, position)
            while line:
                position = line.end()
                line = self._LINE.match(raw, position)
            if position - start >= self._SMALLEST:
                token = f"SELLERDESKLIFTED{nonce}{len(self.runs):04d}"
                self.runs[token] = (start, position)
                pieces += [self.raw[last:start], token.encode() + b"\r\n"]
                last = position
            if position == start:
                position = raw.find(b"\n", position) + 1 or size
        self.rest = b"".join([*pieces, self.raw[last:]]) if self.runs else raw

    def data(self, part: Message, defects: list[str]) -> bytes | None:
        """The part's decoded bytes when its body was lifted, else None (and the part's
        payload whole again, for the ordinary decoding)."""
        payload = part.get_payload()
        if not self.runs or not isinstance(payload, str):
            return None
        tokens = [token for token in self.runs if token in payload]
        if not tokens:
            return None
        base64 = str(part.get("Content-Transfer-Encoding", "")).strip().lower() == "base64"
        if base64 and len(tokens) == 1:
            start, end = self.runs[tokens[0]]
            before, _, after = payload.partition(tokens[0])
            head = before.encode("ascii", "surrogateescape")
            tail = after.removeprefix("\n").removeprefix("\r\n").encode(
                "ascii", "surrogateescape")
            # the lines around the run are its neighbours in the raw bytes: one decode
            # of one slice, one copy of the attachment
            if self.raw[start - len(head):start] == head and \
                    self.raw[end:end + len(tail)] == tail:
                try:
                    return binascii.a2b_base64(self.raw[start - len(head):end + len(tail)])
                except binascii.Error as error:
                    defects.append(f"A base64 part could not be decoded ({_reason(error)}).")
                    return b""
        # anything else (base64-looking lines in a part that is not base64): the part gets
        # its text back and is read the ordinary way
        for token in tokens:
            start, end = self.runs[token]
            run = bytes(self.raw[start:end]).decode("ascii")
            for written in ("\r\n", "\n", ""):
                payload = payload.replace(token + written, run)
        part.set_payload(payload)
        return None

    def restored(self, data: bytes) -> bytes:
        """`data` (an attached message written out again) with its lifted runs put back."""
        for token, (start, end) in self.runs.items():
            if token.encode() in data:
                # the token stood for whole lines, its own line end included
                for written in (b"\r\n", b"\n", b""):
                    data = data.replace(token.encode() + written, bytes(self.raw[start:end]))
        return data


# What a declared charset really means in mail: Japanese Windows mailers label cp932 text
# (with ①, ㈱, NEC and IBM extensions) as Shift_JIS, and ISO-2022-JP mail carries the
# same extensions; the supersets read both the plain and the extended text.
_CHARSET_SUPERSETS = {
    "shift_jis": ("cp932", "shift_jis_2004"), "shift-jis": ("cp932", "shift_jis_2004"),
    "sjis": ("cp932",), "x-sjis": ("cp932",), "windows-31j": ("cp932",),
    "iso-2022-jp": ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2004", "iso2022_jp_3"),
    "euc-jp": ("euc_jp", "euc_jis_2004"),
    "us-ascii": ("utf-8", "cp1252"),
    "iso-8859-1": ("cp1252",), "latin-1": ("cp1252",),
    "gb2312": ("gb18030",), "gbk": ("gb18030",), "ks_c_5601-1987": ("cp949",),
}


def _part_text(part: Message, defects: list[str], lifted: _LiftedRuns) -> str:
    data = _part_bytes(part, defects, lifted)
    charset = part.get_content_charset()
    return _decode_bytes(data, charset, f"{part.get_content_type()} part", defects)


def _decode_bytes(data: bytes, charset: str | None, what: str, defects: list[str]) -> str:
    charset = (charset or "").strip().strip('"').lower()
    tries = [*(_CHARSET_SUPERSETS.get(charset) or ((charset,) if charset else ())),
             "utf-8", "cp932"]
    if charset and not _codec_known(tries[0]):
        defects.append(f"The {what} names an unknown charset {charset[:40]!r}; "
                       "it was read as UTF-8 or Shift_JIS.")
    for codec in dict.fromkeys(tries):
        try:
            return data.decode(codec).replace("\r\n", "\n")
        except (LookupError, UnicodeError):
            continue
    if charset:
        defects.append(f"The {what} is not valid {charset}; unreadable characters were replaced.")
    else:
        defects.append(f"The {what} names no charset and is not UTF-8; "
                       "unreadable characters were replaced.")
    return data.decode(tries[0] if _codec_known(tries[0]) else "utf-8",
                       "replace").replace("\r\n", "\n")


def _codec_known(codec: str) -> bool:
    try:
        codecs.lookup(codec)  # b"".decode() skips the lookup for empty input
    except LookupError:
        return False
    return True


# --- HTML to text ----------------------------------------------------------------------

class _TextFromHtml(HTMLParser):
    """Readable text from an HTML mail: paragraphs and line breaks kept, list items marked,
    table cells apart, scripts, styles and the head left out. Entities are decoded by
    HTMLParser itself (convert_charrefs)."""

    _BLOCKS = frozenset({"p", "div", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
                         "ul", "ol", "blockquote", "pre", "section", "article", "header",
                         "footer", "hr", "center", "address", "dl", "dt", "dd"})
    _HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.hidden = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.pieces.append("\n")
        elif tag == "li":
            self.pieces.append("\n- ")
        elif tag in ("td", "th"):
            self.pieces.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.pieces.append(alt)
        elif tag in self._BLOCKS:
            self.pieces.append("\n\n")
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in self._HIDDEN:
            self.hidden -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCKS or tag == "li":
            self.pieces.append("\n\n" if tag != "li" else "\n")
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        self.pieces.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.pieces).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- defects in words ------------------------------------------------------------------

_DEFECT_WORDS = {
    "StartBoundaryNotFoundDefect": "The multipart boundary the message names never appears.",
    "CloseBoundaryNotFoundDefect": "The multipart message ends without its closing boundary.",
    "MultipartInvariantViolationDefect":
        "The message says it is multipart but has no parts.",
    "NoBoundaryInMultipartDefect": "A multipart part names no boundary.",
    "FirstHeaderLineIsContinuationDefect": "The first header line is a continuation line.",
    "MisplacedEnvelopeHeaderDefect": "A mbox 'From ' line sits among the headers.",
    "MissingHeaderBodySeparatorDefect": "A header line has no colon; the body starts there.",
    "InvalidBase64PaddingDefect": "A base64 part is wrongly padded.",
    "InvalidBase64CharactersDefect": "A base64 part holds characters base64 does not use.",
    "InvalidBase64LengthDefect": "A base64 part has a length base64 cannot have.",
    "InvalidMultipartContentTransferEncodingDefect":
        "A multipart part declares a transfer encoding it may not have.",
    "UndecodableBytesDefect": "A header holds bytes that could not be decoded.",
    "InvalidHeaderDefect": "A header is malformed.",
    "HeaderMissingRequiredValue": "A header is empty.",
    "NonASCIILocalPartDefect": "An address has non-ASCII characters before its @.",
    "ObsoleteHeaderDefect": "A header uses obsolete syntax.",
    "InvalidDateDefect": "The Date header is not a date.",
}


def _defect_words(defect: object) -> str:
    name = type(defect).__name__
    return _DEFECT_WORDS.get(name) or (
        re.sub(r"(?<!^)([A-Z])", r" \1", name.removesuffix("Defect")).capitalize() + ".")


def _reason(error: BaseException) -> str:
    return str(error) or type(error).__name__
