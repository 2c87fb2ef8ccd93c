"""One post to a real Bluesky PDS, by postion-publish and by crosspost's own CLI, side by side.

The PDS is Bluesky's own (`@atproto/pds`, started with a local PLC directory by `@atproto/dev-env`,
both from the npm registry, installed once into ~/.cache/postion-bench/atproto), behind a TLS
terminator on 127.0.0.1 (crosspost speaks HTTPS only), with an account and an app password made
for the run. Each tool is run by its command, as a user runs it, interleaved with the other (the
machines are noisy); postion with a fresh login and with the cache of an earlier run. At the end
every record on the account is read back from the PDS, which validated each one against the
lexicon when it was written; the link facets' byte offsets are checked against the text (exit 1
if one of postion's is off).

Needs Node.js and npm. Nothing is asserted but the records: figures are printed.
Run: python benchmarks/real_pds.py [--runs 7] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from core_python import CACHE, core_python, installed_environment
from versus_crosspost import EXCERPT, MESSAGE, TITLE, install_peer, self_signed

DEV_ENV = "@atproto/dev-env"
ACCOUNT = {"handle": "alice.test", "email": "alice@test.example", "password": "a-long-test-password"}

# Started by Node: the PDS and a PLC directory in memory, one account and its app password, and a
# TLS terminator in front of the PDS. Says where on its first line; stops when its stdin closes.
LAUNCHER = """
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');
const { TestNetworkNoAppView } = require('@atproto/dev-env');
(async () => {
  const network = await TestNetworkNoAppView.create({});
  const agent = network.pds.getClient();
  const account = JSON.parse(process.env.ACCOUNT);
  await agent.createAccount(account);
  const app = await agent.com.atproto.server.createAppPassword({ name: 'postion-bench' });
  const options = { key: fs.readFileSync(process.env.KEY), cert: fs.readFileSync(process.env.CERT) };
  const front = tls.createServer(options, (socket) => {
    const back = net.connect(network.pds.port, '127.0.0.1');
    socket.pipe(back).pipe(socket);
    socket.on('error', () => back.destroy());
    back.on('error', () => socket.destroy());
  });
  front.listen(0, '127.0.0.1', () => {
    const port = front.address().port;
    const where = { https: `https://127.0.0.1:${port}`, http: network.pds.url, password: app.data.password };
    console.log(JSON.stringify(where));
  });
  process.stdin.resume();
  process.stdin.on('end', async () => { front.close(); await network.close(); process.exit(0); });
})().catch((error) => { console.error(error); process.exit(1); });
"""


def install_pds(cache: Path) -> Path | None:
    """@atproto/dev-env, once, in the cache folder (better-sqlite3's prebuilt binary allowed)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("skipped: Node.js and npm are needed to run Bluesky's PDS")
        return None
    folder = cache / "atproto"
    if not (folder / "node_modules" / "@atproto" / "dev-env").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        steps = (
            ["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--silent", DEV_ENV],
            ["npm", "install-scripts", "approve", "better-sqlite3"],
            ["npm", "rebuild", "better-sqlite3"],
        )
        for step in steps:
            done = subprocess.run(step, cwd=folder, capture_output=True, text=True, check=False)
            if done.returncode != 0 and step[1] != "install-scripts":  # older npm: no approvals to give
                print(f"skipped: {' '.join(step[:2])} failed: {done.stderr.strip()[-300:]}")
                return None
    (folder / "launcher.js").write_text(LAUNCHER, encoding="utf-8")
    return folder


def start_pds(folder: Path, cert: Path, key: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {**installed_environment(), "ACCOUNT": json.dumps(ACCOUNT), "CERT": str(cert), "KEY": str(key)}
    process = subprocess.Popen(
        ["node", "launcher.js"], cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    where: dict[str, str] = json.loads(process.stdout.readline())
    return process, where


Launch = Callable[[Path], tuple[list[str], dict[str, str]]]


def postion(python: str, pds: dict[str, str], cert: Path, cache: Path | None, source: Path | None) -> Launch:
    def launch(folder: Path) -> tuple[list[str], dict[str, str]]:
        (folder / "posts").mkdir()
        (folder / "posts" / "hello.md").write_text(
            f"---\ntitle: {TITLE}\ndate: 2026-03-01\ndescription: {EXCERPT}\n---\nThe body.\n", encoding="utf-8"
        )
        (folder / ".postion").mkdir()
        (folder / ".postion" / "state.json").write_text('{"version": 1, "posts": {}}', encoding="utf-8")
        (folder / "postion.yml").write_text(
            "site_url: https://blog.example.com\nsource: {type: content, path: posts}\n"
            f"platforms:\n  bluesky: {{handle: {ACCOUNT['handle']}, service: '{pds['https']}'}}\n",
            encoding="utf-8",
        )
        env = installed_environment(POSTION_BLUESKY_APP_PASSWORD=pds["password"], SSL_CERT_FILE=str(cert))
        env["POSTION_CACHE_DIR"] = str(cache if cache is not None else folder / ".cache")
        if source is not None:
            env["PYTHONPATH"] = str(source)
        script = Path(python).parent / "postion"
        launcher = [str(script)] if script.exists() else [python, "-m", "postion_publish"]
        return [*launcher, "publish", "-c", str(folder / "postion.yml")], env

    return launch


def crosspost(cli: Path, pds: dict[str, str], cert: Path) -> Launch:
    def launch(folder: Path) -> tuple[list[str], dict[str, str]]:
        env = installed_environment(
            NODE_EXTRA_CA_CERTS=str(cert),
            BLUESKY_IDENTIFIER=ACCOUNT["handle"],
            BLUESKY_PASSWORD=pds["password"],
            BLUESKY_HOST=pds["https"].removeprefix("https://"),
        )
        return ["node", str(cli), "-b", MESSAGE], env

    return launch


def seconds_of(launch: Launch) -> float:
    with tempfile.TemporaryDirectory() as temporary:
        command, env = launch(Path(temporary))
        started = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=temporary, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed


def records(pds: dict[str, str]) -> list[dict[str, object]]:
    query = f"repo={ACCOUNT['handle']}&collection=app.bsky.feed.post&limit=100"
    with urllib.request.urlopen(f"{pds['http']}/xrpc/com.atproto.repo.listRecords?{query}") as answer:
        found: list[dict[str, object]] = json.load(answer)["records"]
    return found


def facets_point_at_links(record: dict[str, object]) -> bool:
    value = record["value"]
    assert isinstance(value, dict)
    text = str(value["text"]).encode("utf-8")
    for facet in value.get("facets", []):
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        uri = next((f["uri"] for f in facet["features"] if "uri" in f), None)
        label = text[start:end].decode("utf-8")
        shown = label.removesuffix("...").removesuffix("…")  # a long link may be shown shortened
        if uri is not None and not (label == uri or (shown != label and uri.startswith(shown))):
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", type=Path, help="another checkout of postion-publish, run the same way")
    args = parser.parse_args()
    folder, cli = install_pds(CACHE), install_peer(CACHE)
    if folder is None or cli is None:
        return 0
    with tempfile.TemporaryDirectory() as keys:
        pair = self_signed(Path(keys))
        if pair is None:
            return 0
        cert, key = pair
        process, pds = start_pds(folder, cert, key)
        try:
            warm, old_warm = Path(keys) / "warm", Path(keys) / "old-warm"
            python = core_python()
            tools = {
                "crosspost 1.0.4": crosspost(cli, pds, cert),
                "postion, fresh login": postion(python, pds, cert, None, None),
                "postion, cached session": postion(python, pds, cert, warm, None),
            }
            if args.baseline is not None:
                old = core_python(repo=args.baseline)
                tools["baseline, fresh login"] = postion(old, pds, cert, None, args.baseline)
                tools["baseline, cached session"] = postion(old, pds, cert, old_warm, args.baseline)
            for launch in tools.values():  # once each, not timed: caches, compiled modules, the PDS warm
                seconds_of(launch)
            times: dict[str, list[float]] = {name: [] for name in tools}
            for _ in range(args.runs):
                for name, launch in tools.items():
                    times[name].append(seconds_of(launch))
            stored = records(pds)
        finally:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout=30)
    peer = statistics.median(times["crosspost 1.0.4"])
    print(f"one post to a real Bluesky PDS (@atproto/pds on 127.0.0.1), median of {args.runs} runs, interleaved:")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<26} {median:.3f} s  ({median / peer:.2f} × crosspost's)")
    # postion's records carry the post's link card; crosspost's the bare text.
    ours = [record for record in stored if "embed" in record["value"]]  # type: ignore[operator]
    theirs = [record for record in stored if record not in ours]
    right = sum(facets_point_at_links(record) for record in ours)
    print(f"records on the account: {len(stored)}, each validated by the PDS against the lexicon")
    print(
        f"  link facets over the link: postion {right} of {len(ours)}, "
        f"crosspost {sum(facets_point_at_links(record) for record in theirs)} of {len(theirs)}"
    )
    return 0 if right == len(ours) else 1


if __name__ == "__main__":
    sys.exit(main())
