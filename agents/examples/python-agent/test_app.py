"""The sample agent on its HTTP contract, over loopback (python3 -m unittest in this folder)."""

import json
import threading
import unittest
import urllib.error
import urllib.request

from app import AS_OF_HEADER, SESSION_HEADER, scripted_model, serve


def failing_model(prompt: str, as_of: str) -> str:
    raise ConnectionError("no route to bedrock")


class ContractTest(unittest.TestCase):
    def start(self, model=scripted_model):
        server = serve(0, "127.0.0.1", model)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def request(self, url, body=None, headers=None):
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=5) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def test_ping_is_healthy(self):
        status, body = self.request(self.start() + "/ping")
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "Healthy")
        self.assertIsInstance(body["time_of_last_update"], int)

    def test_invocation_reaches_the_model_with_session_and_date(self):
        status, body = self.request(
            self.start() + "/invocations",
            {"prompt": "How many vacation days do I have?"},
            {SESSION_HEADER: "s-123456789012345678901234567890123", AS_OF_HEADER: "2026-12-03"},
        )
        self.assertEqual(status, 200)
        self.assertEqual(body["result"], "echo (2026-12-03): How many vacation days do I have?")
        self.assertEqual(body["sessionId"], "s-123456789012345678901234567890123")

    def test_bad_input_names_the_field(self):
        url = self.start() + "/invocations"
        self.assertEqual(self.request(url, {"prompt": ""}), (400, {"error": "prompt: expected a non-empty string"}))
        status, body = self.request(url, b"{not json")
        self.assertEqual(status, 400)
        self.assertIn("body: expected JSON", body["error"])

    def test_model_failure_is_a_clean_502(self):
        status, body = self.request(self.start(failing_model) + "/invocations", {"prompt": "hi"})
        self.assertEqual((status, body), (502, {"error": "model unavailable: ConnectionError"}))

    def test_unknown_route_is_404(self):
        status, _ = self.request(self.start() + "/nope")
        self.assertEqual(status, 404)


if __name__ == "__main__":
    unittest.main()
