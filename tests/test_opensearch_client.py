"""The cluster client's choice of host, against two small HTTP servers standing in for nodes:
what a node answers when another node of the cluster has just gone decides whether the search
is asked again elsewhere or fails."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from indexer.backends import opensearch_client
from indexer.backends.opensearch_client import Client, OpenSearchError


def _node(answers: list[tuple[int, dict]]):
    """A server answering each request with the next (status, body) of `answers`, then the
    last one again; it counts what it was asked."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            asked.append(self.path)
            status, body = answers[min(len(asked), len(answers)) - 1]
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, asked


@pytest.fixture
def nodes():
    made = []

    def make(*answers):
        server, asked = _node(list(answers))
        made.append(server)
        return f"127.0.0.1:{server.server_address[1]}", asked

    yield make
    for server in made:
        server.shutdown()
        server.server_close()


def _gone(kind: str) -> tuple[int, dict]:
    return 500, {"error": {"root_cause": [{"type": kind, "reason": "[node-2] Node not connected"}],
                           "type": kind}, "status": 500}


def test_a_search_that_meets_a_node_just_gone_is_answered_by_the_next_node(nodes, monkeypatch):
    monkeypatch.setattr(opensearch_client, "GONE_NODE_PAUSE", 0.01)
    first, asked_first = nodes(_gone("node_not_connected_exception"))
    second, asked_second = nodes((200, {"hits": {"total": {"value": 3}}}))
    client = Client([first, second])
    assert client.request("GET", "/wensou/_search") == {"hits": {"total": {"value": 3}}}
    assert asked_first == ["/wensou/_search"] and asked_second == ["/wensou/_search"]
    # the node that answered is asked first from now on
    client.request("GET", "/wensou/_count")
    assert asked_first == ["/wensou/_search"]
    client.close()


def test_any_other_server_error_is_reported_not_asked_again(nodes):
    first, _ = nodes((500, {"error": {"type": "illegal_argument_exception", "reason": "bad"}}))
    second, asked_second = nodes((200, {}))
    client = Client([first, second])
    with pytest.raises(OpenSearchError) as caught:
        client.request("GET", "/wensou/_search")
    assert caught.value.status == 500 and "illegal_argument_exception" in str(caught.value)
    assert asked_second == []
    client.close()


def test_when_every_node_answers_so_the_last_answer_is_the_error(nodes, monkeypatch):
    monkeypatch.setattr(opensearch_client, "GONE_NODE_PAUSE", 0.01)
    first, _ = nodes(_gone("node_disconnected_exception"))
    second, _ = nodes(_gone("node_disconnected_exception"))
    client = Client([first, second])
    with pytest.raises(OpenSearchError) as caught:
        client.request("GET", "/wensou/_search")
    assert caught.value.status == 500 and "node_disconnected_exception" in str(caught.value)
    client.close()
