"""The production server for `cli.py serve`: waitress, with two adaptations.

- Raw UTF-8 in the request line. curl and many scripts send `GET /api/search?q=行政院` with the
  UTF-8 bytes as they are; waitress's parser hands the request target to `urllib.parse.urlsplit`,
  which refuses non-ASCII bytes, and the client got a plain-text `400 Bad URI`. Our parser
  percent-encodes the bytes above 0x7F in the request line before waitress reads it, which is
  exactly what the same request percent-encoded would have been: both are answered alike.
- A port that cannot be bound is `CannotListen` with a one-line reason, not a traceback.

And it waits on its sockets with poll(), not waitress's default select(): select() cannot watch
a descriptor numbered 1024 or more, and a large index holds that many files open (a million
articles: 702 files in 65 segments), so the first connection numbered past it stopped the
server with `ValueError: filedescriptor out of range in select()`.
"""
from __future__ import annotations

import re

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, create_server

_NON_ASCII = re.compile(rb"[\x80-\xff]")


class CannotListen(RuntimeError):
    """The host/port cannot be bound (taken, not allowed, not an address of this machine)."""


def percent_encode_request_line(header_plus: bytes) -> bytes:
    """The request's header block with the non-ASCII bytes of its first line percent-encoded."""
    end = header_plus.find(b"\r\n")
    first, rest = (header_plus, b"") if end < 0 else (header_plus[:end], header_plus[end:])
    if not _NON_ASCII.search(first):
        return header_plus
    return _NON_ASCII.sub(lambda m: b"%%%02X" % m.group()[0], first) + rest


class Utf8RequestParser(HTTPRequestParser):
    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(percent_encode_request_line(header_plus))


class Utf8Channel(HTTPChannel):
    parser_class = Utf8RequestParser


def make_server(app, *, host: str, port: int, threads: int = 8, ident: str = "wensou"):
    """A waitress server for `app` on host:port (bound now; call `.run()` to serve)."""
    try:
        server = create_server(app, host=host, port=port, threads=threads, ident=ident,
                               asyncore_use_poll=True)
    except OSError as exc:
        raise CannotListen(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except ValueError as exc:  # waitress: a host that resolves to nothing usable
        raise CannotListen(f"cannot listen on {host}:{port}: {exc}") from None
    listeners = [server] if isinstance(server, BaseWSGIServer) else list(server.map.values())
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = Utf8Channel
    return server
