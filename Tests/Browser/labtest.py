"""What the lab's tests share: where the lab runs (LAB_URL), raw HTTP calls to it, and
`backprop trace --json` for the same network and example, the independent source of numbers."""

import http.client
import json
import os
import subprocess
import unittest
import urllib.parse

LAB_URL = os.environ.get("LAB_URL", "")
BINARY = os.environ.get("BACKPROP_BINARY", "")
MODEL = os.environ.get("LAB_MODEL", "")
MNIST = os.environ.get("MNIST_DIR", "")
SCREENSHOTS = os.environ.get("LAB_SCREENSHOTS", "")

needs_lab = unittest.skipUnless(LAB_URL, "LAB_URL is not set: run the tests through Tests/Browser/run.sh")
needs_mnist = unittest.skipUnless(MNIST and MODEL, "MNIST_DIR is not set (and so no trained model): needs MNIST images")


def address():
    parts = urllib.parse.urlsplit(LAB_URL)
    return parts.hostname, parts.port


def call(method, path, body=None, headers=None, raw=None):
    """One request on a fresh connection; returns (status, headers, parsed JSON or bytes)."""
    host, port = address()
    connection = http.client.HTTPConnection(host, port, timeout=60)
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    all_headers = {"Content-Type": "application/json"} if data is not None else {}
    all_headers.update(headers or {})
    try:
        connection.request(method, path, body=data, headers=all_headers)
        reply = connection.getresponse()
        content = reply.read()
        header_map = {k.lower(): v for k, v in reply.getheaders()}
    finally:
        connection.close()
    if header_map.get("content-type", "").startswith("application/json"):
        return reply.status, header_map, json.loads(content)
    return reply.status, header_map, content


def cli_trace(split="test", index=7, model=None):
    """`backprop trace --json` for a model file (the lab's first one by default) and one MNIST image."""
    out = subprocess.run([BINARY, "trace", "--network", model or MODEL, "--split", split, "--index", str(index), "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def layer(trace, l):
    return next(x for x in trace["layers"] if x["layer"] == l)
