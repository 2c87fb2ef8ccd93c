"""postion-publish side by side with a peer: the `crosspost` npm package (humanwhocodes/crosspost).

Both tools post one message to Bluesky, Mastodon and Discord (webhook) on the same local sandbox,
served over HTTPS (crosspost only speaks HTTPS) with every answer delayed by the same latency, in
one run, interleaved (the machines are noisy). Printed for each tool: the wall time of a run as a
fitted `a + b × latency`, the time from launch to its first request, and the requests per platform.
postion runs twice: with a fresh Bluesky login (and nothing cached, as on a first run) and with
the cache folder of an earlier run (a session, the instance's limit, the webhook's guild).

Needs Node.js and npm: crosspost is installed into a cache folder (~/.cache/postion-bench). Without
them, or without the registry, it says so and stops. Nothing is asserted: figures are printed.
With --baseline DIR (another checkout's folder, e.g. a `git worktree` of an older commit) that code
runs too, interleaved, fresh and cached. Also timed, interleaved: a Python that only loads what any
httpx client over TLS loads (asyncio, httpx, a default TLS context trusting the sandbox's
certificate, as postion's does, and a client), the floor of a fixed cost.
Run: python benchmarks/versus_crosspost.py [--latencies 0.1 0.25 0.5] [--runs 5] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core_python import core_python, installed_environment

from postion_publish.run.demo import sandbox_environment
from postion_publish.sandbox import Sandbox

PEER = "@humanwhocodes/crosspost@1.0.4"
PLATFORMS = ("bluesky", "mastodon", "discord")
TITLE = "Hello from the benchmark"
URL = "https://blog.example.com/hello/"
EXCERPT = "One message to three platforms."
MESSAGE = f"New post: {TITLE}\n{EXCERPT}\n{URL}"  # what postion's default template makes of the post


@dataclass
class Run:
    seconds: float
    first_request: float | None  # from launch to the first request reaching the sandbox
    requests: dict[str, int]


@dataclass
class Tool:
    name: str
    launch: Callable[[Sandbox, Path], tuple[list[str], dict[str, str], Path]]  # command, environment, cwd
    runs: dict[float, list[Run]] = field(default_factory=dict)


class RequestLog:
    """Every request the sandbox receives, with the moment it arrived."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.entries: list[tuple[float, str]] = []
        self.lock = threading.Lock()
        original = sandbox.dispatch

        def logged(method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Any:
            with self.lock:
                self.entries.append((time.perf_counter(), raw_path))
            return original(method, raw_path, headers, body)

        sandbox.dispatch = logged  # type: ignore[method-assign]

    def since(self, moment: float) -> list[tuple[float, str]]:
        with self.lock:
            return [entry for entry in self.entries if entry[0] >= moment]


def install_peer(cache: Path) -> Path | None:
    """crosspost's CLI, installed once into the cache folder; None (with a message) when it cannot be."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("skipped: Node.js and npm are needed to run crosspost beside postion-publish")
        return None
    folder = cache / PEER.replace("@", "").replace("/", "-")
    cli = folder / "node_modules" / "@humanwhocodes" / "crosspost" / "dist" / "bin.js"
    if not cli.exists():
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--silent", PEER],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not cli.exists():
            print(f"skipped: npm could not install {PEER}: {done.stderr.strip()[-300:]}")
            return None
    return cli


def self_signed(folder: Path) -> tuple[Path, Path] | None:
    """A certificate for 127.0.0.1, which both tools are told to trust."""
    if shutil.which("openssl") is None:
        print("skipped: openssl is needed to serve the sandbox over HTTPS (crosspost speaks nothing else)")
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    request = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    subject = ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1"]
    subprocess.run([*request, *subject, "-keyout", str(key), "-out", str(cert)], capture_output=True, check=True)
    return cert, key


def crosspost(cli: Path, cert: Path) -> Callable[[Sandbox, Path], tuple[list[str], dict[str, str], Path]]:
    def launch(sandbox: Sandbox, folder: Path) -> tuple[list[str], dict[str, str], Path]:
        ours = sandbox_environment(sandbox, folder)
        host = sandbox.base_url.removeprefix("https://")
        env = {
            **os.environ,
            "NODE_EXTRA_CA_CERTS": str(cert),
            "BLUESKY_IDENTIFIER": sandbox.credentials.bluesky_handle,
            "BLUESKY_PASSWORD": sandbox.credentials.bluesky_app_password,
            "BLUESKY_HOST": f"{host}/bluesky",
            "MASTODON_ACCESS_TOKEN": ours["POSTION_MASTODON_TOKEN"],
            "MASTODON_HOST": f"{host}/mastodon",
            "DISCORD_WEBHOOK_URL": ours["POSTION_DISCORD_WEBHOOK_URL"],
        }
        return ["node", str(cli), "-b", "-m", "--discord-webhook", MESSAGE], env, folder

    return launch


def postion(
    python: str, cert: Path, cache: Path | None, source: Path | None = None
) -> Callable[[Sandbox, Path], tuple[list[str], dict[str, str], Path]]:
    """A one-post blog; `cache`: the cache folder to keep between runs (None: a new one each run);
    `source`: run that checkout's code instead of this one."""

    def launch(sandbox: Sandbox, folder: Path) -> tuple[list[str], dict[str, str], Path]:
        base = sandbox.base_url
        (folder / "posts").mkdir()
        (folder / "posts" / "hello.md").write_text(
            f"---\ntitle: {TITLE}\ndate: 2026-03-01\ndescription: {EXCERPT}\n---\nThe body.\n", encoding="utf-8"
        )
        (folder / ".postion").mkdir()
        (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
        (folder / "postion.yml").write_text(
            "site_url: https://blog.example.com\nsource: {type: content, path: posts}\n"
            "platforms:\n"
            f"  bluesky: {{handle: {sandbox.credentials.bluesky_handle}, service: {base}/bluesky}}\n"
            f"  mastodon: {{instance: {base}/mastodon}}\n"
            f"  discord: {{web_base: {base}/discord}}\n",
            encoding="utf-8",
        )
        env = installed_environment(**sandbox_environment(sandbox, folder), SSL_CERT_FILE=str(cert))
        if cache is not None:
            env["POSTION_CACHE_DIR"] = str(cache)
        if source is not None:
            env["PYTHONPATH"] = str(source)  # the blog's folder is the working one: not this checkout
        # The `postion` command, as the Action runs it (as crosspost runs its own `bin.js`).
        script = Path(python).parent / "postion"
        launcher = [str(script)] if script.exists() else [python, "-m", "postion_publish"]
        command = [*launcher, "publish", "-c", str(folder / "postion.yml")]
        return command, env, folder

    return launch


# What every asyncio + httpx client over TLS does before it can send anything: certificates read,
# and a client made (httpx loads its transport, httpcore and h11, when the first client is made).
FLOOR = "import asyncio, ssl, httpx; httpx.Client(verify=ssl.create_default_context())"


def time_floor(python: str, cert: Path) -> float:
    """With the certificates postion is given (the sandbox's one): with a system bundle instead, as
    SSL_CERT_FILE often names on CI machines, reading it took 20 ms that no run here spends."""
    env = installed_environment(SSL_CERT_FILE=str(cert))
    started = time.perf_counter()
    subprocess.run([python, "-c", FLOOR], env=env, cwd=tempfile.gettempdir(), check=True)
    return time.perf_counter() - started


def measure(tool: Tool, sandbox: Sandbox, log: RequestLog) -> Run:
    with tempfile.TemporaryDirectory() as temporary:
        command, env, cwd = tool.launch(sandbox, Path(temporary))
        started = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{tool.name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    requests = log.since(started)
    counts = {name: sum(1 for _, path in requests if path.startswith(f"/{name}/")) for name in PLATFORMS}
    first = requests[0][0] - started if requests else None
    return Run(seconds, first, counts)


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares `seconds = a + b × latency` over (latency, seconds)."""
    latencies = [latency for latency, _ in points]
    mean_l, mean_s = statistics.fmean(latencies), statistics.fmean(s for _, s in points)
    spread = sum((latency - mean_l) ** 2 for latency in latencies)
    b = sum((latency - mean_l) * (s - mean_s) for latency, s in points) / spread
    return mean_s - b * mean_l, b


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latencies", type=float, nargs="+", default=[0.1, 0.25, 0.5])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "postion-bench")
    parser.add_argument("--baseline", type=Path, help="another checkout of postion to run side by side")
    args = parser.parse_args()
    cli = install_peer(args.cache)
    if cli is None:
        return 0
    python = core_python(args.cache)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        pair = self_signed(folder)
        if pair is None:
            return 0
        cert, key = pair
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        warm_cache = folder / "postion-cache"
        tools = [
            Tool("crosspost 1.0.4", crosspost(cli, cert)),
            Tool("postion, fresh login", postion(python, cert, None)),
            Tool("postion, cached session", postion(python, cert, warm_cache)),
        ]
        if args.baseline:
            old_cache = folder / "baseline-cache"
            old_python = core_python(args.cache, args.baseline)  # with its own dependencies
            tools.append(Tool("baseline, fresh login", postion(old_python, cert, None, args.baseline)))
            tools.append(Tool("baseline, cached session", postion(old_python, cert, old_cache, args.baseline)))
        floors: list[float] = []
        for latency in args.latencies:
            sandbox = Sandbox(latency=latency)
            sandbox.start(0, tls=tls)
            log = RequestLog(sandbox)
            try:
                for tool in tools:  # warm-up: disk caches, crosspost's first Node start, the cache folder
                    measure(tool, sandbox, log)
                for _ in range(args.runs):
                    for tool in tools:
                        tool.runs.setdefault(latency, []).append(measure(tool, sandbox, log))
                    floors.append(time_floor(python, cert))
            finally:
                sandbox.stop()
    report(tools, args.latencies, args.runs, statistics.median(floors))
    return 0


def report(tools: list[Tool], latencies: list[float], runs: int, floor: float) -> None:
    print(f"one post to {', '.join(PLATFORMS)}; medians of {runs} runs per latency, interleaved\n")
    header = "".join(f"{f'{latency * 1000:g} ms':>9}" for latency in latencies)
    print(f"{'':26}{header}   fitted            first request   requests (bluesky/mastodon/discord)")
    fitted: dict[str, tuple[float, float]] = {}
    first_requests: dict[str, float] = {}
    for tool in tools:
        medians = [statistics.median(run.seconds for run in tool.runs[latency]) for latency in latencies]
        a, b = fit(list(zip(latencies, medians, strict=True)))
        fitted[tool.name] = (a, b)
        firsts = [run.first_request for latency in latencies for run in tool.runs[latency] if run.first_request]
        counts = [run.requests for latency in latencies for run in tool.runs[latency]]
        typical = "/".join(str(statistics.median_low(c[name] for c in counts)) for name in PLATFORMS)
        cells = "".join(f"{median:>8.2f}s" for median in medians)
        first = first_requests[tool.name] = statistics.median(firsts)
        print(f"{tool.name:26}{cells}   {a:.2f} s + {b:.2f} × latency   {first:.2f} s         {typical}")
    peer_a, peer_b = fitted[tools[0].name]
    print()
    peer_first = first_requests[tools[0].name]
    for tool in tools[1:]:
        a, b = fitted[tool.name]
        print(
            f"{tool.name}: fixed cost {a / peer_a:.2f} × crosspost's, latencies {b:.2f} against {peer_b:.2f}, "
            f"first request {first_requests[tool.name] / peer_first:.2f} × crosspost's"
        )
    print(
        f"the floor, Python making an httpx client over TLS and nothing else: {floor:.2f} s "
        f"= {floor / peer_a:.2f} × crosspost's fixed cost"
    )
    print("targets: fresh login ≤ 0.35 s + 2 × latency; cached session ≤ 0.35 s + 1 × latency; first request ≤ 0.2 s")


if __name__ == "__main__":
    sys.exit(main())
