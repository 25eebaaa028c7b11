"""The embedded DynamoDB: moto on a free loopback port (see `dynamodb_server.py`), with the template's tables in it.

moto runs as a child process, so its work (parsing, scanning, serializing) uses the machine's other
core instead of competing with the gateway and the handlers for this process's interpreter lock.
Handlers reach it through boto3's ordinary endpoint settings (AWS_ENDPOINT_URL_DYNAMODB), exactly as
they would reach the cloud. It starts empty every time and ends with the parent.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from typing import IO, Any

from wstui.core.errors import WstuiError
from wstui.core.local.spec import TableSpec

READY = "wstui-dynamodb "
LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when wstui dev ends, even if it is killed outright."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _discard(stream: IO[str]) -> None:
    for _ in stream:
        pass


@dataclass
class LocalDynamoDB:
    host: str = "127.0.0.1"
    region: str = "us-east-1"
    url: str = ""
    _process: subprocess.Popen[str] | None = field(default=None, repr=False)

    def start(self) -> str:
        """Start the server on a free port and return its URL once it listens."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "wstui.core.local.dynamodb_server", self.host],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            # Its own session: a Ctrl-C in the terminal reaches wstui dev, which still needs DynamoDB
            # for the $disconnect calls of its shutdown, and then stops moto itself.
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        assert self._process.stderr is not None
        for line in self._process.stderr:
            if line.startswith(READY):
                self.url = line[len(READY):].split()[0]
                break
        else:
            raise WstuiError(f"The local DynamoDB (moto) did not start (exit code {self._process.wait()}).")
        # Warnings may still come: reading (and dropping) them keeps the pipe from blocking moto.
        threading.Thread(target=_discard, args=(self._process.stderr,), daemon=True).start()
        return self.url

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()

    def create_tables(self, tables: list[TableSpec]) -> None:
        client = local_client("dynamodb", self.url, self.region)
        for table in tables:
            client.create_table(
                TableName=table.name,
                KeySchema=table.key_schema,
                AttributeDefinitions=table.attribute_definitions,
                BillingMode="PAY_PER_REQUEST",
            )
            if table.ttl_attribute:
                client.update_time_to_live(
                    TableName=table.name,
                    TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
                )


def local_client(service: str, url: str, region: str) -> Any:
    """A boto3 client of `service` on the local moto at `url`, in a session of its own (never the
    developer's profile or keys)."""
    import boto3

    return boto3.session.Session().client(
        service,
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )
