"""Start-up time of the commands a user runs most: prints the median and spread over several runs.

    python bench/startup.py [--runs 15] [--app-only]

Figures to reach: `wstui --help` under 150 ms and `wstui synth` of the seed's service under 500 ms
(issue 2); `wstui new chat --no-input` under 1 s (issue 3); the app's first paint, with the routes of
a project on screen, under 0.5 s (issue 12), measured in a real terminal: `wstui` runs in a tmux
pane of 160x45 and the pane is read until the routes table shows `sendmessage`.

`wstui dev` is timed to its first line (the URL: everything has started), then stopped: on the seed's
service, and on the same with a plugin that adds an SNS topic and an SQS queue, which moto's
CloudFormation creates (its import is the difference).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

EXAMPLE = Path(__file__).parents[1] / "examples" / "chat"
WSTUI = [sys.executable, "-m", "wstui"]
SCRATCH = Path(tempfile.mkdtemp(prefix="wstui-bench-"))
# Each command is built per run, so `new` gets a fresh output directory every time.
COMMANDS: dict[str, Callable[[int], list[str]]] = {
    "python -c pass (floor)": lambda _: [sys.executable, "-c", "pass"],
    "wstui --help": lambda _: [*WSTUI, "--help"],
    "wstui routes list --json": lambda _: [*WSTUI, "--project", str(EXAMPLE), "routes", "list", "--json"],
    "wstui synth (seed service)": lambda _: [*WSTUI, "--project", str(EXAMPLE), "synth"],
    "wstui new chat --no-input": lambda run: [*WSTUI, "new", "chat", "--no-input", "-o", str(SCRATCH / str(run))],
}


TOPIC_PLUGIN = """
from troposphere import Ref, sns, sqs

from wstui.core.plugins.hookspecs import hookimpl


@hookimpl
def wstui_decorate_template(service):
    queue = service.template.add_resource(sqs.Queue("NotifyQueue"))
    topic = service.template.add_resource(sns.Topic("NotifyTopic"))
    for resources in service.functions.values():
        resources.set_environment("TOPIC_ARN", Ref(topic))
        resources.set_environment("QUEUE_URL", Ref(queue))
"""


def with_topic_plugin(directory: Path) -> Path:
    shutil.copytree(EXAMPLE, directory)
    (directory / "topic_plugin.py").write_text(TOPIC_PLUGIN, encoding="utf-8")
    toml = directory / "wstui.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('region = "us-west-2"', 'region = "us-west-2"\nplugins = ["topic_plugin"]'), encoding="utf-8")
    return directory


def time_dev_start(project: Path, runs: int) -> list[float]:
    """Milliseconds from launch to the first line `wstui dev` prints; the first run warms the caches."""
    samples = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        process = subprocess.Popen([*WSTUI, "--project", str(project), "dev", "--port", "0", "--no-reload"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert process.stdout is not None
        if not process.stdout.readline().startswith("ws://"):
            raise RuntimeError(f"wstui dev did not start on {project}")
        samples.append((time.perf_counter() - start) * 1000)
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    return samples[1:]


def time_command(command: Callable[[int], list[str]], runs: int) -> list[float]:
    subprocess.run(command(-1), capture_output=True, check=True)  # warm the file cache and .pyc files
    samples = []
    for run in range(runs):
        start = time.perf_counter()
        subprocess.run(command(run), capture_output=True, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


MINIMAL_APP = """
from textual.app import App
from textual.widgets import Label

class Minimal(App):
    def compose(self):
        yield Label("sendmessage")

Minimal().run()
"""


def first_paint_ms(project: Path, run: int, command: list[str]) -> float:
    """Milliseconds from starting `command` in a fresh tmux pane to `sendmessage` on screen."""
    tmux = ["tmux", "-S", str(SCRATCH / f"tmux{run}.sock"), "-f", os.devnull]  # a server per run: none is shared
    session = f"paint{run}"
    # As a user's shell would: Python writes .pyc files (these machines set PYTHONDONTWRITEBYTECODE, which
    # would leave wstui's own modules, in an editable install, to be compiled again at every launch).
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    subprocess.run([*tmux, "new-session", "-d", "-s", session, "-x", "160", "-y", "45", "-c", str(project),
                    shlex.join(command)], check=True, env=environment)
    try:
        while True:
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout
            if "sendmessage" in screen:
                return (time.perf_counter() - start) * 1000
            if time.perf_counter() - start > 30:
                raise RuntimeError(f"the app did not show its routes within 30 s:\n{screen}")
            time.sleep(0.005)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


def time_first_paint(runs: int, command: list[str]) -> list[float]:
    project = SCRATCH / "paint"
    if not project.exists():
        subprocess.run([*WSTUI, "new", "chat", "--no-input", "-o", str(project)], capture_output=True, check=True)
    first_paint_ms(project / "chat", -1, command)  # warm the file cache and .pyc files
    return [first_paint_ms(project / "chat", run, command) for run in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--app-only", action="store_true", help="Time only the app's first paint.")
    args = parser.parse_args()
    runs = args.runs
    print(f"{'command':<30} {'median ms':>10} {'min ms':>8} {'max ms':>8}  ({runs} runs)")
    try:
        for name, command in ({} if args.app_only else COMMANDS).items():
            samples = time_command(command, runs)
            print(f"{name:<30} {statistics.median(samples):>10.1f} {min(samples):>8.1f} {max(samples):>8.1f}")
        for name, project in () if args.app_only else (("wstui dev (seed service)", EXAMPLE), ("wstui dev (+ topic plugin)", with_topic_plugin(SCRATCH / "topic"))):
            samples = time_dev_start(project, runs)
            print(f"{name:<30} {statistics.median(samples):>10.1f} {min(samples):>8.1f} {max(samples):>8.1f}")
        if shutil.which("tmux"):
            apps = {"minimal Textual app (floor)": [sys.executable, "-c", MINIMAL_APP], "wstui (routes on screen)": WSTUI}
            for name, command in apps.items():
                samples = time_first_paint(runs, command)
                print(f"{name:<30} {statistics.median(samples):>10.1f} {min(samples):>8.1f} {max(samples):>8.1f}")
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)


if __name__ == "__main__":
    main()
