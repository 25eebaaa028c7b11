"""The embedded DynamoDB: moto's server on a free loopback port, with the template's tables in it.

moto runs in a thread of this process and answers over HTTP, so handlers reach it through boto3's
ordinary endpoint settings (AWS_ENDPOINT_URL_DYNAMODB), exactly as they would reach the cloud.
"""

from __future__ import annotations

import logging
import urllib.request
from dataclasses import dataclass

from wstui.core.local.spec import TableSpec

LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local"}


@dataclass
class LocalDynamoDB:
    host: str = "127.0.0.1"
    region: str = "us-east-1"

    def __post_init__(self) -> None:
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address=self.host, port=0, verbose=False)
        self.url = ""

    def start(self) -> str:
        """Start empty: moto keeps its data per process, so a previous run's tables are reset away."""
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        urllib.request.urlopen(urllib.request.Request(f"{self.url}/moto-api/reset", method="POST"), timeout=10).close()
        return self.url

    def stop(self) -> None:
        self._server.stop()

    def create_tables(self, tables: list[TableSpec]) -> None:
        import boto3

        client = boto3.session.Session().client(
            "dynamodb",
            endpoint_url=self.url,
            region_name=self.region,
            aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
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
