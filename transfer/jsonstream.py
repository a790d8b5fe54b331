"""Reading one large JSON document piece by piece, so that it is never held in memory whole.

`transfer.importer` reads an exported record this way: a million status events are a few hundred
megabytes of JSON, and several gigabytes once parsed at once. The reader walks objects and arrays one
member at a time and hands over each small value (a row) parsed by the standard library's decoder.
It accepts any layout of the document (indented, compact, reformatted by another tool).
"""

import codecs
import json
import re
from collections.abc import Iterator
from typing import NoReturn, Protocol

_WHITESPACE = re.compile(r"[ \t\n\r]*")


class ByteSource(Protocol):
    """What the document is read from: a binary file, or anything that hands out bytes the same way."""

    def read(self, size: int, /) -> bytes: ...


class JsonStreamError(ValueError):
    """The document is not valid JSON, or not of the shape the caller expects; the message says where."""


class JsonStreamReader:
    CHUNK_BYTES = 1 << 20
    # A single value (a row, a header entry) larger than this is refused rather than read on into memory.
    MAX_VALUE_CHARS = 64 << 20

    def __init__(self, stream: ByteSource) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._json = json.JSONDecoder()
        self._buffer = ""
        self._pos = 0
        self._eof = False
        self.bytes_read = 0
        # Where the buffer starts in the document: characters, lines and column, for error messages.
        self._start_char = 0
        self._start_line = 1
        self._start_column = 1

    def members(self) -> Iterator[str]:
        """The keys of an object, one at a time; the caller reads each key's value before asking for the next."""
        self.expect("{", "an object")
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            if self._peek() != '"':
                self.fail("expected a key (a string in double quotes)")
            key = self.value()
            assert isinstance(key, str)  # the value starts with a double quote, so it is a string
            self.expect(":", "':'")
            yield key
            if self.expect(",}", "',' or '}'") == "}":
                return

    def elements(self) -> Iterator[int]:
        """The positions of an array's elements, one at a time; the caller reads each element itself."""
        self.expect("[", "an array")
        if self._peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if self.expect(",]", "',' or ']'") == "]":
                return

    def value(self) -> object:
        """The next complete value (string, number, object, array, true, false or null)."""
        self._peek()
        while True:
            try:
                value, end = self._json.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                if self._eof or len(self._buffer) - self._pos > self.MAX_VALUE_CHARS:
                    self.fail(error.msg, at=error.pos)
                self._fill()  # the value may continue in the next chunk
                continue
            if end == len(self._buffer) and not self._eof:
                self._fill()  # a number at the end of the buffer may have more digits in the next chunk
                continue
            self._pos = end
            return value

    def expect(self, characters: str, description: str) -> str:
        found = self._peek()
        if not found or found not in characters:
            self.fail(f"expected {description}, found {repr(found) if found else 'the end of the document'}")
        self._pos += 1
        return found

    def end(self) -> None:
        """Check that nothing but whitespace follows the document."""
        if self._peek():
            self.fail("unexpected data after the end of the document")

    def fail(self, message: str, at: int | None = None) -> NoReturn:
        """Raise JsonStreamError naming the line, column and character of `at` (default: the current position)."""
        at = self._pos if at is None else at
        newlines = self._buffer.count("\n", 0, at)
        column = at - self._buffer.rfind("\n", 0, at) if newlines else self._start_column + at
        raise JsonStreamError(
            f"{message} at line {self._start_line + newlines} column {column} (character {self._start_char + at + 1})"
        )

    def _peek(self) -> str:
        """The next character that is not whitespace, without consuming it; '' at the end of the document."""
        while True:
            whitespace = _WHITESPACE.match(self._buffer, self._pos)
            assert whitespace is not None  # the pattern also matches the empty string
            self._pos = whitespace.end()
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._fill():
                return ""

    def _fill(self) -> bool:
        """Read the next chunk, dropping what has been consumed; False at the end of the stream."""
        if self._eof:
            return False
        consumed = self._buffer[: self._pos]
        newlines = consumed.count("\n")
        if newlines:
            self._start_line += newlines
            self._start_column = len(consumed) - consumed.rfind("\n")
        else:
            self._start_column += len(consumed)
        self._start_char += len(consumed)
        chunk = self._stream.read(self.CHUNK_BYTES)
        self.bytes_read += len(chunk)
        try:
            text = self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise JsonStreamError(f"invalid UTF-8 at byte {self.bytes_read - len(chunk) + error.start + 1}") from None
        self._buffer = self._buffer[self._pos :] + text
        self._pos = 0
        if not chunk:
            self._eof = True
        return bool(chunk)
