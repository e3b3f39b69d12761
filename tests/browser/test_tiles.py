"""With DASHBOARD_MAP_TILES set, the site map draws the intranet tile server as its base layer."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from support import Page, Server, free_port, wait_for_panels


def tile_png() -> bytes:
    """A plain 256×256 PNG, made without any imaging library."""
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\xdd\xee\xdd" * 256 for _ in range(256))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_the_map_draws_the_configured_tiles(chromium, demo_store):
    served: list[str] = []
    png = tile_png()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args):
            pass

    tiles = ThreadingHTTPServer(("127.0.0.1", free_port()), Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    tile_url = f"http://127.0.0.1:{tiles.server_port}/tiles/{{z}}/{{x}}/{{y}}.png"
    server = Server(demo_store.url, extra_env={"DASHBOARD_MAP_TILES": tile_url}).start()
    p = Page(chromium, 1366, 768).login(server)
    try:
        p.page.goto(server.url + "/")
        wait_for_panels(p.page)
        p.page.wait_for_function("() => document.querySelector('#panel-map .maplibregl-canvas') !== null")
        p.page.wait_for_timeout(3000)
        assert any(path.startswith("/tiles/") for path in served)
        others = [u for u in p.foreign_requests(server.url) if not u.startswith(f"http://127.0.0.1:{tiles.server_port}/")]
        assert others == []
    finally:
        p.close()
        server.stop()
        tiles.shutdown()
