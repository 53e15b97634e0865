"""A minimal Python agent on the AgentCore Runtime HTTP contract.

GET /ping answers the health check, POST /invocations takes {"prompt": "..."} and answers
{"result": "...", "sessionId": "..."}, on 0.0.0.0:8080 (the port AgentCore calls). Standard library
only, apart from boto3 for the model (installed in the container image from requirements.txt).

The model: Bedrock Converse with MODEL_ID, MODEL_TEMPERATURE and MODEL_MAX_TOKENS, the variables
AgentRuntime sets. AGENTCORE_KIT_SCRIPTED_MODEL=echo swaps in a scripted stand-in for local runs
and tests; AgentRuntime refuses that variable in a deployed runtime.
"""

from __future__ import annotations

import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

SESSION_HEADER = "x-amzn-bedrock-agentcore-runtime-session-id"
AS_OF_HEADER = "x-amzn-bedrock-agentcore-runtime-custom-as-of"
MAX_BODY_BYTES = 100 * 1024 * 1024  # AgentCore's payload limit

Model = Callable[[str, str], str]


def scripted_model(prompt: str, as_of: str) -> str:
    """The stand-in: repeats the prompt, so a test can tell the request reached the model."""
    return f"echo ({as_of or 'no date'}): {prompt}"


def bedrock_model() -> Model:
    """Bedrock Converse with the runtime's model settings; the client is built once."""
    import boto3  # only in the container image

    client = boto3.client("bedrock-runtime", region_name=os.environ.get("AWS_REGION") or os.environ.get("AGENT_REGION"))
    model_id = os.environ["MODEL_ID"]
    config = {
        "temperature": float(os.environ.get("MODEL_TEMPERATURE", "0.2")),
        "maxTokens": int(os.environ.get("MODEL_MAX_TOKENS", "1024")),
    }

    def call(prompt: str, as_of: str) -> str:
        system = [{"text": f"You are a concise assistant. Today is {as_of}."}] if as_of else []
        response = client.converse(
            modelId=model_id,
            system=system,
            messages=[{"role": "user", "content": [{"text": prompt}]}],
            inferenceConfig=config,
        )
        return "".join(part.get("text", "") for part in response["output"]["message"]["content"])

    return call


def choose_model() -> Model:
    return scripted_model if os.environ.get("AGENTCORE_KIT_SCRIPTED_MODEL") else bedrock_model()


def make_handler(model: Model) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "python-agent"

        def log_message(self, format: str, *args: object) -> None:  # one JSON line per request
            print(json.dumps({"path": self.path, "status": args[1] if len(args) > 1 else None}), flush=True)

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/ping":
                self._send(200, {"status": "Healthy", "time_of_last_update": int(time.time())})
            else:
                self._send(404, {"error": f"no route GET {self.path}"})

        def do_POST(self) -> None:
            if self.path != "/invocations":
                self._send(404, {"error": f"no route POST {self.path}"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._send(413, {"error": "payload larger than 100 MB"})
                return
            try:
                payload = json.loads(self.rfile.read(length) or b"null")
            except json.JSONDecodeError:
                self._send(400, {"error": "body: expected JSON such as {\"prompt\": \"...\"}"})
                return
            prompt = payload.get("prompt") if isinstance(payload, dict) else None
            if not isinstance(prompt, str) or not prompt.strip():
                self._send(400, {"error": "prompt: expected a non-empty string"})
                return
            session_id = self.headers.get(SESSION_HEADER, "")
            try:
                answer = model(prompt, self.headers.get(AS_OF_HEADER, ""))
            except Exception as e:  # the model is unavailable: say so, never a stack trace
                self._send(502, {"error": f"model unavailable: {type(e).__name__}"})
                return
            self._send(200, {"result": answer, "sessionId": session_id})

    return Handler


def serve(port: int = 8080, host: str = "0.0.0.0", model: Model | None = None) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(model or choose_model()))


if __name__ == "__main__":
    server = serve(int(os.environ.get("PORT", "8080")))
    print(json.dumps({"listening": server.server_address[1]}), flush=True)
    server.serve_forever()
