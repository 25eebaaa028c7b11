"""The harness of `bench/load_generators.py`, with a tiny generator in place of Artillery and `wstui load`:
what a generator is measured by (its own cost, and what `wstui dev` saw) must hold before any figure is read."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.load_generators import GeneratorResult, Workload, drive, echo_service, print_table
from bench.process_tree import run_measured

TINY_GENERATOR = """\
import json, sys, websocket
clients = [websocket.create_connection(sys.argv[1], timeout=30) for _ in range(int(sys.argv[2]))]
for client in clients:
    client.send(json.dumps({"message": "echo", "data": "tiny"}))
assert all(json.loads(client.recv())["data"] == "tiny" for client in clients)
for client in clients:
    client.close()
"""


def tiny(url: str, workload: Workload) -> GeneratorResult:
    run = run_measured([sys.executable, "-c", TINY_GENERATOR, url, str(workload.connections)], Path.cwd())
    return GeneratorResult("tiny", True, cpu_seconds=run.cpu_seconds, peak_memory_mb=run.peak_rss_kb / 1024,
                           exit_code=run.exit_code, note=run.stderr)


def unavailable(url: str, workload: Workload) -> GeneratorResult:
    return GeneratorResult("absent", False, "absent not available")


def test_a_generator_is_measured_by_its_own_cost_and_by_what_the_gateway_saw(capsys: pytest.CaptureFixture[str]) -> None:
    workload = Workload(connections=5, rate=5, duration=1, every=1)
    with echo_service() as dev:
        result = drive(dev, tiny, dev.url, workload)
        absent = drive(dev, unavailable, dev.url, workload)
    assert result.exit_code == 0, result.note
    assert result.cpu_seconds > 0
    assert result.peak_memory_mb > 5  # a Python interpreter with websocket-client imported
    assert result.gateway is not None
    assert (result.gateway.connections_opened, result.gateway.most_open) == (5, 5)
    assert (result.gateway.echoes_answered, result.gateway.echo_failures, result.gateway.refused) == (5, 0, 0)
    assert result.gateway.handshake_rate is not None and result.gateway.handshake_rate > 0
    assert absent.gateway is None
    print_table(workload, [result, absent])
    printed = capsys.readouterr().out
    assert "absent: absent not available" in printed
    assert "gateway: echoes answered (failed)" in printed
