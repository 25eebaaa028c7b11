"""Wall time of an unchanged redeploy against moto: it must upload nothing and execute nothing.

    python bench/redeploy.py [--runs 11]

Scaffolds the chat service, deploys it once to a moto server on 127.0.0.1, then times
`wstui deploy --yes` with nothing changed, as a user runs it (a fresh process each time), and checks
that no object was uploaded and no stack event was added. Prints the median and spread, and the
same figure for `wstui synth` so the part that is start-up and template building is visible.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import boto3
from moto.server import ThreadedMotoServer

WSTUI = [sys.executable, "-m", "wstui"]
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def timed(command: list[str], env: dict[str, str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        samples.append((time.perf_counter() - start) * 1000)
        if result.returncode != 0 or "No changes" not in result.stdout and "synth" not in command:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return samples


def report(name: str, samples: list[float]) -> None:
    print(f"{name:<40} median {statistics.median(samples):7.0f} ms   min {min(samples):6.0f}   max {max(samples):6.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    warnings.filterwarnings("ignore", message="No Moto CloudFormation support")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")}, **CREDENTIALS, "AWS_ENDPOINT_URL": endpoint}
    try:
        scratch = Path(tempfile.mkdtemp(prefix="wstui-redeploy-"))
        subprocess.run([*WSTUI, "new", "chat", "--no-input", "-o", str(scratch)], env=env, capture_output=True, check=True)
        project = ["--project", str(scratch / "chat")]
        subprocess.run([*WSTUI, *project, "deploy", "--create-bucket", "--yes"], env=env, capture_output=True, check=True)
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **_keys())
        cloudformation = boto3.client("cloudformation", endpoint_url=endpoint, region_name="us-east-1", **_keys())
        objects_before = s3.list_objects_v2(Bucket="wstui-artifacts-123456789012-us-east-1")["KeyCount"]
        events_before = len(cloudformation.describe_stack_events(StackName="chat-v1")["StackEvents"])
        report("wstui synth (start-up + template)", timed([*WSTUI, *project, "synth"], env, runs))
        report("wstui deploy --yes, nothing changed", timed([*WSTUI, *project, "deploy", "--yes"], env, runs))
        objects_after = s3.list_objects_v2(Bucket="wstui-artifacts-123456789012-us-east-1")["KeyCount"]
        events_after = len(cloudformation.describe_stack_events(StackName="chat-v1")["StackEvents"])
        print(f"objects in the bucket: {objects_before} before, {objects_after} after; "
              f"stack events: {events_before} before, {events_after} after")
    finally:
        server.stop()


def _keys() -> dict[str, str]:
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


if __name__ == "__main__":
    main()
