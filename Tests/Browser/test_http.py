"""The lab's JSON interface at the HTTP level (standard library only): every endpoint answers bad
input with a 4xx and {"error": …} naming what was wrong, foreign Host/Origin get 403, oversized
bodies 413, unknown paths 404, broken HTTP a closed connection, and the server goes on serving."""

import socket
import unittest

from labtest import MNIST, address, call, needs_lab, needs_mnist

ZEROS = [0.0] * 784


@needs_lab
class HTTPTests(unittest.TestCase):
    def expect_error(self, status, method, path, body=None, raw=None, headers=None, mentions=None, needs_data=False):
        """A 4xx with a JSON error naming `mentions`. With `needs_data` and no MNIST, the server may
        answer 503 (MNIST missing) before it looks at the value."""
        got, header, reply = call(method, path, body=body, raw=raw, headers=headers)
        if needs_data and not MNIST and got == 503:
            status, mentions = 503, "MNIST"
        self.assertEqual(got, status, f"{method} {path} {str(body or raw)[:120]}: {reply!r}"[:400])
        self.assertIsInstance(reply, dict, f"{method} {path}: the error is not JSON")
        self.assertIsInstance(reply.get("error"), str, f"{method} {path}: no error message in {reply!r}")
        self.assertTrue(reply["error"].strip(), f"{method} {path}: an empty error message")
        if mentions:
            self.assertIn(mentions.lower(), reply["error"].lower(), f"{method} {path}: the message does not name {mentions!r}")
        return reply

    # ---- What works.

    def test_network_and_forward(self):
        status, _, network = call("GET", "/api/network")
        self.assertEqual(status, 200)
        self.assertEqual(network["layerSizes"][0], 784)
        status, _, reply = call("POST", "/api/forward", {"input": ZEROS})
        self.assertEqual(status, 200, reply)
        self.assertEqual(len(reply["output"]), network["layerSizes"][-1])
        self.assertIn(reply["prediction"], range(10))

    def test_page_files(self):
        for path, kind in [("/", "text/html"), ("/lab.js", "javascript"), ("/lab.css", "text/css")]:
            status, headers, _ = call("GET", path)
            self.assertEqual(status, 200, path)
            self.assertIn(kind, headers.get("content-type", ""), path)

    def test_save_formats(self):
        for format in ["model", "network2", "safetensors"]:
            status, headers, _ = call("GET", f"/api/save?format={format}")
            self.assertEqual(status, 200, format)
            self.assertIn("attachment", headers.get("content-disposition", ""), format)
        self.expect_error(400, "GET", "/api/save?format=pickle", mentions="format")

    # ---- The rules every request meets.

    def test_unknown_paths(self):
        self.expect_error(404, "GET", "/api/nothing-here")
        self.expect_error(404, "GET", "/no-such-file.js")
        self.expect_error(404, "GET", "/../Package.swift")
        self.expect_error(404, "GET", "/api/runs/999999")
        self.expect_error(404, "POST", "/api/runs/999999/load")

    def test_wrong_methods(self):
        self.expect_error(405, "DELETE", "/api/network")
        self.expect_error(405, "GET", "/api/trace")
        self.expect_error(405, "PUT", "/api/forward", {"input": ZEROS})

    def test_foreign_host_and_origin(self):
        host, port = address()
        self.expect_error(403, "GET", "/api/network", headers={"Host": f"evil.example:{port}"})
        self.expect_error(403, "GET", "/api/network", headers={"Host": f"{host}:{port + 1 if port < 65535 else port - 1}"})
        self.expect_error(403, "POST", "/api/forward", {"input": ZEROS}, headers={"Origin": "http://evil.example"})
        self.expect_error(403, "POST", "/api/forward", {"input": ZEROS}, headers={"Origin": f"https://{host}:{port}"})
        status, _, _ = call("POST", "/api/forward", {"input": ZEROS}, headers={"Origin": f"http://{host}:{port}"})
        self.assertEqual(status, 200)
        status, _, _ = call("GET", "/api/network", headers={"Host": f"localhost:{port}"})
        self.assertEqual(status, 200)

    def test_oversized_body(self):
        raw = b'{"input": [' + b"0," * (600 * 1024) + b'0]}'
        self.assertGreater(len(raw), 1 << 20)
        self.expect_error(413, "POST", "/api/forward", raw=raw)

    def test_broken_http_closes_only_that_connection(self):
        host, port = address()
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(b"THIS IS NOT HTTP\r\n\x00\x01\r\n\r\n")
            s.settimeout(10)
            try:
                while s.recv(4096):
                    pass
            except (ConnectionResetError, socket.timeout):
                pass
        status, _, _ = call("GET", "/api/network")
        self.assertEqual(status, 200)

    # ---- Malformed JSON and wrong values, endpoint by endpoint.

    def test_malformed_json(self):
        for path in ["/api/forward", "/api/trace", "/api/demon", "/api/nudge", "/api/train", "/api/train/control"]:
            self.expect_error(400, "POST", path, raw=b'{"input": [0, 1,')
            self.expect_error(400, "POST", path, raw=b"[1, 2, 3]")
            self.expect_error(400, "POST", path, raw=b"\xff\xfe not utf-8")

    def test_forward_bad_values(self):
        self.expect_error(400, "POST", "/api/forward", {}, mentions="input")
        self.expect_error(400, "POST", "/api/forward", {"input": "pixels"}, mentions="input")
        self.expect_error(400, "POST", "/api/forward", {"input": [0.0] * 783}, mentions="input")
        self.expect_error(400, "POST", "/api/forward", {"input": ["0"] * 784}, mentions="input")
        blank = {"width": 4, "height": 4, "pixels": [0.0] * 16}
        self.expect_error(400, "POST", "/api/forward", {"drawing": blank}, mentions="drawing")
        self.expect_error(400, "POST", "/api/forward", {"drawing": {"width": 4, "height": 4, "pixels": [1.0] * 15}}, mentions="pixels")
        self.expect_error(400, "POST", "/api/forward", {"drawing": {"width": -4, "height": 4, "pixels": []}}, mentions="width")
        self.expect_error(400, "POST", "/api/forward", {"drawing": {"width": "4", "height": 4, "pixels": [1.0] * 16}}, mentions="width")

    def test_trace_bad_values(self):
        self.expect_error(400, "POST", "/api/trace", {"input": ZEROS}, mentions="target")
        self.expect_error(400, "POST", "/api/trace", {"input": ZEROS, "target": 10}, mentions="target")
        self.expect_error(400, "POST", "/api/trace", {"input": ZEROS, "target": -1}, mentions="target")
        self.expect_error(400, "POST", "/api/trace", {"input": ZEROS, "target": "3"}, mentions="target")
        self.expect_error(400, "POST", "/api/trace", {"input": ZEROS[:10], "target": 3}, mentions="input")
        status, _, reply = call("POST", "/api/trace", {"input": ZEROS, "target": 3})
        self.assertEqual(status, 200, reply)
        self.assertEqual(reply["target"], [1.0 if d == 3 else 0.0 for d in range(10)])

    def test_demon_bad_values(self):
        good = {"input": ZEROS, "target": 3, "layer": 2, "neuron": 0, "dz": 0.1}
        for field, value in [("layer", 1), ("layer", 99), ("neuron", -1), ("neuron", 100000), ("dz", "big"), ("target", 11)]:
            self.expect_error(400, "POST", "/api/demon", {**good, field: value}, mentions=field)
        status, _, reply = call("POST", "/api/demon", good)
        self.assertEqual(status, 200, reply)
        self.assertAlmostEqual(reply["predicted"], reply["delta"] * 0.1, places=12)

    def test_nudge_bad_values(self):
        good = {"input": ZEROS, "target": 3, "layer": 3, "j": 2, "k": 7, "dw": 0.1}
        for field, value in [("layer", 1), ("layer", 7), ("j", 10), ("k", 100000), ("k", -2), ("dw", [1])]:
            self.expect_error(400, "POST", "/api/nudge", {**good, field: value}, mentions=field)
        status, _, reply = call("POST", "/api/nudge", good)
        self.assertEqual(status, 200, reply)
        bias = dict(good)
        del bias["k"]
        status, _, reply = call("POST", "/api/nudge", bias)
        self.assertEqual(status, 200, reply)

    def test_weights_bad_values(self):
        self.expect_error(400, "GET", "/api/network/weights?layer=1", mentions="layer")
        self.expect_error(400, "GET", "/api/network/weights?layer=99", mentions="layer")
        self.expect_error(400, "GET", "/api/network/weights?layer=two", mentions="layer")
        self.expect_error(400, "GET", "/api/network/weights?layer=2&limit=-1", mentions="limit")
        status, _, reply = call("GET", "/api/network/weights?layer=2&limit=3")
        self.assertEqual(status, 200, reply)
        self.assertEqual(len(reply["weights"]), 3)
        self.assertEqual(len(reply["weights"][0]), 784)

    def test_example_bad_values(self):
        self.expect_error(400, "GET", "/api/example?split=holdout&index=0", mentions="split", needs_data=True)
        self.expect_error(400, "GET", "/api/example?split=test&index=-1", mentions="index", needs_data=True)
        self.expect_error(400, "GET", "/api/example?split=test&index=seven", mentions="index", needs_data=True)
        if MNIST:
            self.expect_error(400, "GET", "/api/example?split=test&index=10000", mentions="index")
            self.expect_error(400, "GET", "/api/example?split=validation&index=10000", mentions="index")
            status, _, reply = call("GET", "/api/example?split=training&index=49999")
            self.assertEqual(status, 200, reply)

    def test_train_bad_values(self):
        for settings, field in [({"eta": "fast"}, "eta"), ({"layers": [784]}, "layers"), ({"layers": [5, 10]}, "layers"),
                                ({"cost": "hinge"}, "cost"), ({"activation": "softmax"}, "activation"),
                                ({"initialization": "zeros"}, "initialization"), ({"miniBatchSize": 0}, "miniBatchSize"),
                                ({"momentum": 1.5}, "momentum"), ({"dropout": 1}, "dropout"), ({"epochs": -1}, "epochs"),
                                ({"trainingSize": 60000}, "trainingSize"), ({"evaluateOn": "yesterday"}, "evaluateOn")]:
            self.expect_error(400, "POST", "/api/train", settings, mentions=field, needs_data=True)

    def test_control_bad_values(self):
        self.expect_error(400, "POST", "/api/train/control", {"action": "jump"}, mentions="action")
        self.expect_error(400, "POST", "/api/train/control", {}, mentions="action")
        status, _, state = call("GET", "/api/train/status")
        self.assertEqual(status, 200)
        if state["state"] not in ("running", "paused"):
            self.expect_error(409, "POST", "/api/train/control", {"action": "pause"})

    def test_load_bad_run(self):
        self.expect_error(404, "POST", "/api/runs/424242/load")
        status, _, runs = call("GET", "/api/runs")
        self.assertEqual(status, 200)
        self.assertIsInstance(runs, list)

    @needs_mnist
    def test_trace_equals_cli(self):
        from labtest import cli_trace
        status, _, example = call("GET", "/api/example?split=test&index=7")
        self.assertEqual(status, 200)
        status, _, trace = call("POST", "/api/trace", {"input": example["input"], "target": example["label"]})
        self.assertEqual(status, 200)
        cli = cli_trace("test", 7)
        self.assertAlmostEqual(trace["cost"], cli["cost"], delta=1e-9)
        for mine, theirs in zip(trace["layers"], cli["layers"]):
            for key in ["z", "a", "sigmaPrime", "delta", "nablaB"]:
                for x, y in zip(mine[key], theirs[key]):
                    self.assertAlmostEqual(x, y, delta=1e-9, msg=f"layer {mine['layer']} {key}")


if __name__ == "__main__":
    unittest.main()
