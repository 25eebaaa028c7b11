"""The S3 side of a deploy: which bucket, whether it is usable, and content-addressed artifacts in it.

Every artifact lives under `wstui/{stack name}/` and is named by its sha256, so an unchanged project
uploads nothing, and `wstui remove` deletes exactly what deploys of that stack put there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wstui.core.deploy import transfer
from wstui.core.deploy.aws import AwsClients, AwsError, error_code, explained
from wstui.core.deploy.events import Artifact, UploadProgress, UploadRetrying
from wstui.core.errors import Remedy

PREFIX = "wstui"


def artifact_prefix(stack_name: str) -> str:
    return f"{PREFIX}/{stack_name}/"


def artifact_key(stack_name: str, sha256: str, suffix: str) -> str:
    return f"{artifact_prefix(stack_name)}{sha256}.{suffix}"


def default_bucket(clients: AwsClients) -> str:
    """One bucket per account and region, named so that a second project finds the first one's."""
    return f"wstui-artifacts-{clients.account_id()}-{clients.region}"


def bucket_name(clients: AwsClients, given: str, configured: str) -> str:
    """The bucket a deploy uses: the one given for this deploy, else `[deploy] s3_bucket`, else the default."""
    return given or configured or default_bucket(clients)


def check_bucket(clients: AwsClients, bucket: str) -> bool:
    """True when the bucket exists and is usable from this region; False when it does not exist."""
    from botocore.exceptions import ClientError

    with explained(f"checking bucket {bucket}"):
        try:
            with_region = clients.s3.head_bucket(Bucket=bucket)
        except ClientError as error:
            code = error_code(error)
            headers = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
            if code in {"404", "NoSuchBucket", "NotFound"}:
                return False
            if code in {"301", "PermanentRedirect"} or headers.get("x-amz-bucket-region", clients.region) != clients.region:
                raise _elsewhere(bucket, headers.get("x-amz-bucket-region", "another region"), clients.region) from None
            if code in {"403", "AccessDenied", "Forbidden"}:
                raise AwsError(f"Bucket {bucket} belongs to another account or you may not use it.", Remedy.OTHER_BUCKET) from None
            raise
    region = with_region.get("BucketRegion") or with_region.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("x-amz-bucket-region")
    if region and region != clients.region:
        raise _elsewhere(bucket, region, clients.region)
    return True


def _elsewhere(bucket: str, bucket_region: str, region: str) -> AwsError:
    return AwsError(f"Bucket {bucket} is in {bucket_region}, but the stack deploys to {region}.",
                    Remedy.BUCKET_REGION, region=region, bucket_region=bucket_region)


def create_bucket(clients: AwsClients, bucket: str) -> None:
    """A private bucket: public access blocked, artifacts encrypted at rest (S3's default)."""
    options: dict[str, Any] = {"Bucket": bucket}
    if clients.region != "us-east-1":
        options["CreateBucketConfiguration"] = {"LocationConstraint": clients.region}
    with explained(f"creating bucket {bucket}"):
        clients.s3.create_bucket(**options)
        clients.s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
            },
        )


def is_present(clients: AwsClients, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    with explained(f"looking for s3://{bucket}/{key}"):
        try:
            clients.s3.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error_code(error) in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
    return True


def upload(clients: AwsClients, bucket: str, artifact: Artifact) -> Iterator[UploadProgress | UploadRetrying]:
    """Yields how far the upload got, and each retry (`transfer.send`)."""
    with explained(f"uploading s3://{bucket}/{artifact.key}"):
        yield from transfer.send(clients.s3, bucket, artifact.key, artifact.body)


def delete_object(clients: AwsClients, bucket: str, key: str) -> None:
    with explained(f"deleting s3://{bucket}/{key}"):
        clients.s3.delete_object(Bucket=bucket, Key=key)


def delete_artifacts(clients: AwsClients, bucket: str, stack_name: str) -> int:
    """Delete what deploys of `stack_name` uploaded, and nothing else in the bucket."""
    deleted = 0
    with explained(f"deleting the artifacts of {stack_name} from {bucket}"):
        pages = clients.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=artifact_prefix(stack_name))
        for page in pages:
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                answer = clients.s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
                errors = answer.get("Errors", [])
                if errors:
                    first = errors[0]
                    raise AwsError(
                        f"S3 kept {len(errors)} of the artifacts of {stack_name} in {bucket}: "
                        f"{first.get('Key')}: {first.get('Message', first.get('Code', 'refused'))}."
                    )
                deleted += len(keys)
    return deleted
