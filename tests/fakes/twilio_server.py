"""A local stand-in for Twilio's Messages API, speaking its request and response formats."""

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class FakeTwilio:
    """POST /2010-04-01/Accounts/{sid}/Messages.json → 201 with a Message resource.

    `hold` makes it accept and record a message but not answer until released, the moment a
    worker can die after Twilio accepted the message.
    """

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.received_at: list[float] = []
        self.accepted = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self._ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                import time

                length = int(self.headers.get("Content-Length", "0"))
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                sid = f"SM{next(fake._ids):032d}"
                form["_sid"] = sid
                fake.received.append(form)
                fake.received_at.append(time.monotonic())
                fake.accepted.set()
                fake.release.wait(timeout=60)
                account = self.path.split("/")[3] if self.path.count("/") >= 4 else ""
                body = json.dumps(
                    {
                        "sid": sid,
                        "account_sid": account,
                        "status": "queued",
                        "to": form.get("To"),
                        "from": form.get("From"),
                        "messaging_service_sid": form.get("MessagingServiceSid"),
                        "body": form.get("Body"),
                        "num_segments": "1",
                        "direction": "outbound-api",
                        "api_version": "2010-04-01",
                        "error_code": None,
                        "error_message": None,
                        "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
                    }
                ).encode()
                try:
                    self.send_response(201)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller died while Twilio was answering: the message was still accepted

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeTwilio":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
