"""One warm kaleido renderer per process (the system Chromium, nothing fetched from the
network), and the check that a CJK font is installed."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import plotly.graph_objects as go

from dashboard.export.sizes import DEFAULT_PRESET, PRESETS, check_format
from dashboard.settings import Settings


class RenderUnavailable(RuntimeError):
    """No way to render correctly here (no Chromium, no CJK font). The message is Chinese."""


class FontMissing(RenderUnavailable):
    pass


_font_ok = False


def cjk_fonts() -> list[str]:
    """Families of the installed fonts that cover Chinese (``fc-list :lang=zh``)."""
    exe = shutil.which("fc-list")
    if exe is None:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split(",")[0].strip() for line in out.stdout.splitlines() if line.strip()})


def check_cjk_font() -> None:
    """Raise :class:`FontMissing` unless a CJK font is installed: without one every Chinese
    character would come out as a box, and an export must never do that silently."""
    global _font_ok
    if _font_ok:
        return
    if not cjk_fonts():
        raise FontMissing("未安装中文(CJK)字体,导出的图片中汉字会显示为方框。"
                          "请安装 fonts-noto-cjk 或 fonts-wqy-microhei(apt-get install fonts-noto-cjk)。")
    _font_ok = True


DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Chromium's processes yield the cores to the web server's: a render may take a second longer,
# while a page, a filter change or a refusal of one more export must not wait behind it
RENDER_NICENESS = 10


def descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (Linux's /proc; none elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) if entry.name.isdigit() else None
        except (OSError, IndexError, ValueError):
            continue
        if ppid is not None:
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], list(children.get(pid, ()))
    while todo:
        child = todo.pop()
        out.append(child)
        todo.extend(children.get(child, ()))
    return out


def lower_priority(pids: list[int]) -> None:
    """Renice the renderer's processes, every thread of each (on Linux a niceness belongs to a
    thread: Chromium's raster and compositor threads, which do the drawing, would stay as they were;
    processes and threads started later inherit it from these); where not allowed, they stay."""
    for pid in pids:
        tasks = Path(f"/proc/{pid}/task")
        try:
            tids = [int(t.name) for t in tasks.iterdir()] if tasks.is_dir() else [pid]
        except OSError:
            tids = [pid]
        for tid in tids:
            try:
                os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), RENDER_NICENESS))
            except (OSError, AttributeError):
                pass


def niced_command(new_session: bool = False) -> list[str]:
    """What goes before Chromium's command line so that it runs at :data:`RENDER_NICENESS` from
    its first instruction, wrapper, browser and every process and thread they make (its start
    takes a second of both cores).

    Three things stand in the way. Chromium sets its threads' priorities itself (0, and -8 for
    compositing): under the service's own user it cannot go below the niceness it started with,
    but as root (a container) it can, so there it starts without the right to (CAP_SYS_NICE).
    And when it runs in a session of its own (``new_session``: choreographer starts it so, to
    stop it as a group), Linux's autogroup makes that session a scheduling group that shares
    the cores equally with the server's, whatever its threads' niceness: the group's own
    niceness is lowered first (``/proc/self/autogroup``; nothing happens where there is none)."""
    nice = shutil.which("nice")
    if nice is None:
        return []
    prefix = [nice, "-n", str(RENDER_NICENESS)]
    setpriv = shutil.which("setpriv")
    if hasattr(os, "geteuid") and os.geteuid() == 0 and setpriv:
        drop = [setpriv, "--bounding-set=-sys_nice", "--inh-caps=-sys_nice"]
        try:  # a container without CAP_SETPCAP refuses; then Chromium starts as before
            ok = subprocess.run([*drop, "true"], capture_output=True, timeout=10, check=False).returncode == 0
        except (OSError, subprocess.SubprocessError):
            ok = False
        if ok:
            prefix = [*drop, *prefix]
    if new_session and os.path.exists("/proc/self/autogroup") and os.path.exists("/bin/sh"):
        group = f'{{ echo {RENDER_NICENESS} > /proc/self/autogroup; }} 2>/dev/null; exec "$@"'
        prefix = ["/bin/sh", "-c", group, "sh", *prefix]
    return prefix


def niced_browser_class():
    """choreographer's Chromium started through :func:`niced_command`; None where that cannot be
    (no ``nice``, or choreographer changed): then the renderer renices it once it is up."""
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    if not callable(getattr(Chromium, "get_cli", None)) or not callable(getattr(Chromium, "get_popen_args", None)):
        return None

    class NicedChromium(Chromium):
        def get_cli(self):
            new_session = bool(self.get_popen_args().get("start_new_session"))
            return [*niced_command(new_session), *super().get_cli()]

    return NicedChromium


_options = {"chromium": None, "tabs": 1}


def configure(settings: Settings) -> None:
    """Take the Chromium path and the number of tabs from the settings (``create_app`` and the
    CLI call this once; a renderer already made keeps its own)."""
    _options.update(chromium=settings.chromium, tabs=settings.export_tabs)


def browser_path() -> str | None:
    """The configured Chromium (BROWSER_PATH or DASHBOARD_CHROMIUM), else /usr/bin/chromium,
    else None: then kaleido looks on PATH."""
    for candidate in (_options["chromium"], DEFAULT_CHROMIUM):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


class Renderer:
    """One headless Chromium kept warm by kaleido, driven from its own event-loop thread.

    ``kaleido.start_sync_server`` would also keep a browser warm, but its sync calls share one
    result queue, so two threads exporting at once can receive each other's images. Here each
    call is its own coroutine on the loop and gets its own answer; ``tabs`` renders run at once.
    MathJax is off (it would come from a CDN) and plotly.js is the copy inside plotly.py, so
    nothing is fetched from the network."""

    def __init__(self, tabs: int = 1, timeout: float = 60.0, path: str | None = None):
        self.tabs, self.timeout, self.path = tabs, timeout, path
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self.started_in: float | None = None

    def start(self) -> Renderer:
        with self._lock:
            if self._kaleido is not None:
                return self
            import kaleido

            t0 = time.perf_counter()
            path = self.path or browser_path()
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="kaleido-loop", daemon=True).start()

            niced = niced_browser_class()

            async def open_browser():
                k = kaleido.Kaleido(n=self.tabs, timeout=self.timeout, mathjax=False,
                                    **({"path": path} if path else {}), **({"browser_cls": niced} if niced else {}))
                await k.open()
                return k

            try:
                self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(timeout=120)
            except Exception as exc:
                loop.call_soon_threadsafe(loop.stop)
                raise RenderUnavailable(f"无法启动 kaleido/Chromium 渲染器({type(exc).__name__}: {exc});"
                                        "请安装 chromium,或用 BROWSER_PATH 指明其路径") from exc
            self._loop = loop
            self.started_in = time.perf_counter() - t0
            lower_priority(descendants(os.getpid()))  # where it could not start niced
            return self

    @property
    def running(self) -> bool:
        return self._kaleido is not None

    def render(self, fig: go.Figure | dict, fmt: str, width: int, height: int, scale: float = 1.0) -> bytes:
        self.start()
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts=opts), self._loop)
        return future.result(timeout=self.timeout + 10)

    def close(self) -> None:
        with self._lock:
            if self._kaleido is None:
                return
            try:
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(timeout=30)
            except Exception:  # noqa: BLE001 - closing a dead browser
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._kaleido = self._loop = None


_renderer: Renderer | None = None
_renderer_lock = threading.Lock()


def renderer() -> Renderer:
    """The process's renderer (created on first use, started on first render)."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = Renderer(tabs=_options["tabs"])
        return _renderer


def render(fig: go.Figure | dict, fmt: str = "png", width: int | None = None, height: int | None = None,
           scale: float = 1.0) -> bytes:
    """PNG or SVG bytes of a figure through the warm renderer. Width/height default to the
    figure's own layout size, else the slide preset."""
    fmt = check_format(fmt)
    check_cjk_font()
    layout = fig.layout if isinstance(fig, go.Figure) else go.Layout(fig.get("layout", {}))
    width = width or layout.width or PRESETS[DEFAULT_PRESET].width
    height = height or layout.height or PRESETS[DEFAULT_PRESET].height
    r = renderer()
    try:
        return r.render(fig, fmt, int(width), int(height), float(scale))
    except RenderUnavailable:
        raise
    except Exception:  # noqa: BLE001
        # a browser that died (killed, out of memory) is started again once
        r.close()
        return r.render(fig, fmt, int(width), int(height), float(scale))
