"""Imagery's HTTP API and page (book ch. 16), served by the web fleet behind the load balancer.

    GET  /                     a page to upload a PNG and watch it become sepia
    GET  /healthz              200 once the process serves (the load balancer's health check)
    POST /image                create an image: 201 with {"id", "version": 0, "state": "created", ...}
    POST /image/<id>/upload    the PNG as the request body: 200 with the item, now uploaded
    GET  /image/<id>           the item; processedImage is the CloudFront URL once processed
"""

import json
import re
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

try:  # installed flat on the instances
    import imagery as service
except ImportError:  # imported from the components package (tests, tools)
    from . import imagery as service

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""Largest upload accepted (the worker decodes at most png_image.MAX_PIXELS pixels anyway)."""
_IMAGE = re.compile(r"/image/([0-9a-fA-F-]{36})(/upload)?")
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Imagery</title></head>
<body>
<h1>Imagery</h1>
<p>Upload a PNG; a worker turns it sepia (AWS in Action, chapter 16).</p>
<input type="file" id="file" accept="image/png"> <button id="go">Upload</button>
<p id="state"></p><img id="result" alt="" style="max-width: 100%">
<script>
const show = (text) => { document.getElementById("state").textContent = text; };
document.getElementById("go").onclick = async () => {
  const file = document.getElementById("file").files[0];
  if (!file) { show("Choose a PNG first."); return; }
  const image = await (await fetch("/image", {method: "POST"})).json();
  const uploaded = await fetch(`/image/${image.id}/upload`, {method: "POST", body: file});
  if (!uploaded.ok) { show(`Upload refused: ${await uploaded.text()}`); return; }
  for (let i = 0; i < 60; i++) {
    const current = await (await fetch(`/image/${image.id}`)).json();
    show(`Image ${current.id}: ${current.state}`);
    if (current.processedImage) { document.getElementById("result").src = current.processedImage; return; }
    await new Promise((done) => setTimeout(done, 2000));
  }
};
</script>
</body></html>
"""


def make_handler(imagery: Any) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one Imagery service."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "Imagery/1.0"

        def _send(self, status: int, body: Any, content_type: str = "application/json") -> None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str) -> None:
            self._send(status, {"error": message})

        def _route(self) -> str:
            """The request's path without its query string."""
            return urllib.parse.urlsplit(self.path).path

        def do_GET(self) -> None:
            path = self._route()
            if path == "/":
                self._send(200, PAGE, "text/html; charset=utf-8")
            elif path == "/healthz":
                self._send(200, "ok\n", "text/plain")
            else:
                match = _IMAGE.fullmatch(path)
                if not match or match.group(2):
                    self._error(404, "not found")
                    return
                try:
                    self._send(200, imagery.get(match.group(1)))
                except service.ImageNotFoundError as error:
                    self._error(404, str(error))

        def do_POST(self) -> None:
            path = self._route()
            if path == "/image":
                self._send(201, imagery.create())
                return
            match = _IMAGE.fullmatch(path)
            if not match or not match.group(2):
                self._error(404, "not found")
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_UPLOAD_BYTES:
                self._error(413, f"send the PNG as the body, 1 to {MAX_UPLOAD_BYTES} bytes")
                return
            body = self.rfile.read(length)
            try:
                self._send(200, imagery.upload(match.group(1), body))
            except service.ImageNotFoundError as error:
                self._error(404, str(error))
            except service.ConflictError as error:
                self._error(409, str(error))
            except ValueError as error:
                self._error(415, str(error))

        def log_message(self, format: str, *args: Any) -> None:
            service.log("info", "request", client=self.address_string(), line=format % args)

    return Handler


def serve(imagery: Any, port: int) -> None:
    """Serve the API on all interfaces until stopped."""
    server = ThreadingHTTPServer(("", port), make_handler(imagery))
    service.log("info", "server started", port=port)
    server.serve_forever()
