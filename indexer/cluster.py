"""A local OpenSearch cluster on 127.0.0.1, for trying and testing the cluster backend
(`indexer.backends.opensearch`; docs/interfaces.md "Backends").

Each node is one JVM running stock OpenSearch in-process through the small launcher in
deploy/cluster/ (built with Maven on first use). `start` launches the nodes detached (each in
its own session, logs in DATA/node-N/node.log), waits until the cluster is formed and its
health is yellow or green, and writes DATA/cluster.json (pids, ports); `status` and `stop`
read it. Nothing here is needed by the embedded index, which stays the default.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from indexer import paths

LAUNCHER = Path(__file__).resolve().parent.parent / "deploy" / "cluster"
MAIN_CLASS = "wensou.cluster.NodeMain"
STATE = "cluster.json"
CLUSTER_NAME = "wensou-local"
HTTP_PORT, TRANSPORT_PORT = 9200, 9300
HEAP = ("-Xms256m", "-Xmx512m")  # per node: the machine is small and shared
START_TIMEOUT = 300.0  # seconds for every node to join (first JIT-cold start on a busy 2-core box)
STOP_TIMEOUT = 60.0
_CHILDREN: dict[int, subprocess.Popen] = {}  # nodes this process started, reaped when stopped


class ClusterError(RuntimeError):
    """The cluster cannot be started, found or stopped; the message says why."""


def default_data_dir() -> Path:
    """`$WENSOU_CLUSTER_DATA`, else `index_data/cluster`."""
    return Path(os.environ.get("WENSOU_CLUSTER_DATA") or paths.data_root() / "cluster")


# ----------------------------------------------------------------------------- launcher


def _classpath() -> str:
    target = LAUNCHER / "target"
    return f"{target / 'classes'}{os.pathsep}{target / 'lib' / '*'}"


def _built() -> bool:
    cls = LAUNCHER / "target" / "classes" / "wensou" / "cluster" / "NodeMain.class"
    lib = LAUNCHER / "target" / "lib"
    if not cls.exists() or not lib.is_dir():
        return False
    sources = [LAUNCHER / "pom.xml", *LAUNCHER.glob("src/**/*.java")]
    return all(s.stat().st_mtime <= cls.stat().st_mtime for s in sources)


def build_launcher() -> None:
    """Build deploy/cluster (the node launcher and its libraries) unless it is up to date."""
    if _built():
        return
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ClusterError("Maven (mvn) is not installed: it builds the node launcher in deploy/cluster "
                           "(Debian: apt-get install maven openjdk-17-jdk-headless)")
    if shutil.which("java") is None:
        raise ClusterError("Java is not installed (Debian: apt-get install openjdk-17-jdk-headless)")
    done = subprocess.run([mvn, "-q", "-B", "-f", str(LAUNCHER / "pom.xml"), "package"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0 or not _built():
        raise ClusterError("building the node launcher failed:\n" + done.stdout[-4000:])


# ----------------------------------------------------------------------------- HTTP


def get_json(url: str, timeout: float = 5.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(nodes: int, start: int = 19200) -> tuple[int, int]:
    """(http, transport) base ports with `nodes` free ports each, at or after `start`."""
    port = start
    while port < 60000:
        http = range(port, port + nodes)
        transport = range(port + 100, port + 100 + nodes)
        if all(_port_free(p) for p in (*http, *transport)):
            return port, port + 100
        port += 200
    raise ClusterError("no free ports found")


# ----------------------------------------------------------------------------- state


def _state_path(data: Path | str | None) -> Path:
    return Path(data or default_data_dir()) / STATE


def _read_state(data: Path | str | None) -> dict | None:
    try:
        return json.loads(_state_path(data).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this process is not alive
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def url_of(state: dict) -> str:
    return "opensearch://" + ",".join(f"127.0.0.1:{n['http']}" for n in state["nodes"])


# ----------------------------------------------------------------------------- start, status, stop


def start(nodes: int = 3, data: Path | str | None = None, *, http_port: int = HTTP_PORT,
          transport_port: int = TRANSPORT_PORT, heap: tuple[str, ...] = HEAP,
          timeout: float = START_TIMEOUT) -> dict:
    """Start a cluster of `nodes` nodes (HTTP on http_port.., transport on transport_port..),
    data and logs under `data`; returns the state written to DATA/cluster.json (see `status`).
    Raises ClusterError (already running, a port taken, no Java/Maven, a node that died)."""
    if nodes < 1:
        raise ClusterError("a cluster needs at least one node")
    data = Path(data or default_data_dir()).resolve()
    old = _read_state(data)
    if old and any(_alive(n["pid"]) for n in old["nodes"]):
        raise ClusterError(f"a cluster is already running from {data} ({url_of(old)}); `cluster stop` first")
    taken = [p for i in range(nodes) for p in (http_port + i, transport_port + i) if not _port_free(p)]
    if taken:
        raise ClusterError(f"port {taken[0]} on 127.0.0.1 is taken")
    build_launcher()
    data.mkdir(parents=True, exist_ok=True)
    names = [f"wensou-{i}" for i in range(nodes)]
    seeds = ",".join(f"127.0.0.1:{transport_port + i}" for i in range(nodes))
    state = {"cluster": CLUSTER_NAME, "data": str(data), "started": time.time(), "nodes": []}
    java = shutil.which("java") or "java"
    for i, name in enumerate(names):
        home = data / f"node-{i}"
        home.mkdir(exist_ok=True)
        settings = {
            "cluster.name": CLUSTER_NAME, "node.name": name, "path.home": home, "path.data": home / "data",
            "path.logs": home / "logs", "http.port": http_port + i, "transport.port": transport_port + i,
            "discovery.seed_hosts": seeds, "cluster.initial_cluster_manager_nodes": ",".join(names),
            "node.processors": 1,  # small thread pools: the nodes share the machine's cores
            # a rebuild's new replicas are copied between nodes of one machine: not at 40 MB/s
            "indices.recovery.max_bytes_per_sec": "500mb",
        }
        command = [java, *heap, "-XX:+UseSerialGC", "-Xss1m", "-Djava.awt.headless=true",
                   "-Dfile.encoding=UTF-8", "-cp", _classpath(), MAIN_CLASS,
                   *(f"{k}={v}" for k, v in settings.items())]
        with open(home / "node.log", "ab") as log:
            proc = subprocess.Popen(command, cwd=home, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        _CHILDREN[proc.pid] = proc
        state["nodes"].append({"name": name, "http": http_port + i, "transport": transport_port + i,
                               "pid": proc.pid, "log": str(home / "node.log")})
    _write_state(data, state)
    try:
        _wait_formed(state, nodes, timeout)
    except ClusterError:
        stop(data)
        raise
    return state


def _write_state(data: Path, state: dict) -> None:
    tmp = data / (STATE + ".tmp")
    tmp.write_text(json.dumps(state, indent=2), encoding="utf-8")
    os.replace(tmp, data / STATE)


def _wait_formed(state: dict, nodes: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{state['nodes'][0]['http']}/_cluster/health?wait_for_nodes={nodes}&timeout=5s"
    while True:
        for n in state["nodes"]:
            if not _alive(n["pid"]):
                tail = Path(n["log"]).read_text(encoding="utf-8", errors="replace")[-3000:]
                raise ClusterError(f"node {n['name']} exited while starting; its log ends:\n{tail}")
        try:
            health = get_json(url, timeout=10)
            if health.get("number_of_nodes") == nodes and health.get("status") in ("green", "yellow"):
                return
        except (OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise ClusterError(f"the cluster did not form within {timeout:.0f} s (logs under {state['data']})")
        time.sleep(1.0)


def status(data: Path | str | None = None) -> dict:
    """{"url", "health", "nodes": [{"name", "http", "pid", "up"}]}: `up` when the process lives
    and its HTTP port answers. Raises ClusterError when no cluster was started from `data`."""
    state = _read_state(data)
    if state is None:
        raise ClusterError(f"no cluster started from {Path(data or default_data_dir())}")
    out = {"url": url_of(state), "health": None, "nodes": []}
    for n in state["nodes"]:
        up = False
        if _alive(n["pid"]):
            try:
                get_json(f"http://127.0.0.1:{n['http']}/", timeout=3)
                up = True
            except (OSError, ValueError):
                pass
        out["nodes"].append({"name": n["name"], "http": n["http"], "pid": n["pid"], "up": up})
        if up and out["health"] is None:
            try:
                out["health"] = get_json(f"http://127.0.0.1:{n['http']}/_cluster/health", timeout=5)["status"]
            except (OSError, ValueError, KeyError):
                pass
    return out


def stop_node(pid: int, timeout: float = STOP_TIMEOUT) -> None:
    """Stop one node process (SIGTERM closes it cleanly; SIGKILL after `timeout`)."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(pid, sig)  # the node was started in its own session: its group is its pid
        except ProcessLookupError:
            return
        except PermissionError:
            os.kill(pid, sig)
        proc = _CHILDREN.get(pid)
        if proc is not None:
            try:
                proc.wait(wait)
                del _CHILDREN[pid]
                return
            except subprocess.TimeoutExpired:
                continue
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:  # started by another process: poll
            if not _alive(pid):
                return
            time.sleep(0.2)


def stop(data: Path | str | None = None) -> list[str]:
    """Stop every node started from `data`; returns the names of the nodes that were running."""
    state = _read_state(data)
    if state is None:
        raise ClusterError(f"no cluster started from {Path(data or default_data_dir())}")
    stopped = []
    for n in state["nodes"]:
        if _alive(n["pid"]):
            stop_node(n["pid"])
            stopped.append(n["name"])
        else:  # died on its own (or was killed): a child of this process is reaped, not left a zombie
            proc = _CHILDREN.pop(n["pid"], None)
            if proc is not None:
                proc.wait(10.0)
    return stopped
