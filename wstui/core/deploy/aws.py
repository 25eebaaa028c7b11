"""Where a deploy goes (account, region, endpoint) and what AWS's failures mean to the person deploying.

Credentials and region follow boto3's own chain; the project's region is only the last fallback, so
`AWS_REGION` or `--region` always win as they do for every other AWS tool.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from wstui.core.errors import Remedy, UsageError, WstuiError

EXPIRED_CODES = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
REJECTED_CODES = {"InvalidClientTokenId", "SignatureDoesNotMatch", "UnrecognizedClientException", "InvalidAccessKeyId"}
DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "403", "Forbidden"}
THROTTLED_CODES = {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}
# botocore's defaults (60 s to connect, 60 s of silence on a socket) times nine attempts left a stalled
# upload quiet for up to nine minutes. S3 answers within seconds or not at all: give up on a silent
# socket sooner and try again, four times in all; `transfer.py` says so at each attempt.
S3_TIMEOUTS = {"connect_timeout": 10, "read_timeout": 30}
S3_ATTEMPTS = 4


class AwsError(WstuiError):
    """AWS refused or failed a call, explained in one sentence."""


@dataclass(frozen=True)
class AwsTarget:
    """The connection options every cloud command takes. Empty strings mean "boto3's default"."""

    region: str = ""
    profile: str = ""
    endpoint_url: str = ""


@dataclass(frozen=True)
class AwsIdentity:
    """Where a command acts: the account (empty when AWS would not say, and `unknown_because` why),
    the region, and the endpoint when it is not AWS's own."""

    account: str
    region: str
    endpoint_url: str = ""
    unknown_because: str = ""


@dataclass
class AwsClients:
    """The boto3 clients one command uses, made from one session so they share credentials and region.
    `account` is filled in by the first `account_id()`."""

    region: str
    endpoint_url: str
    cloudformation: Any
    s3: Any
    sts: Any
    account: str = ""

    @classmethod
    def connect(cls, target: AwsTarget, fallback_region: str) -> AwsClients:
        """botocore rather than boto3: the same chain of credentials and regions, without importing
        boto3, a tenth of a second of every command (s3transfer loads only for an upload)."""
        import botocore.session
        from botocore.config import Config

        session = botocore.session.Session(profile=target.profile or None)
        with explained("reading your AWS credentials"):
            credentials = session.get_credentials()
            region = _region(session, target.region, fallback_region)
        if credentials is None:
            raise AwsError("No AWS credentials found.", Remedy.AWS_CREDENTIALS)
        config = Config(retries={"mode": "standard", "max_attempts": 8}, user_agent_extra="wstui")
        s3_config = config.merge(Config(**S3_TIMEOUTS, retries={"mode": "standard", "total_max_attempts": S3_ATTEMPTS}))
        options: dict[str, Any] = {"region_name": region, "config": config}
        if target.endpoint_url:
            options["endpoint_url"] = target.endpoint_url
        with explained(f"setting up AWS clients for {region}"):
            return cls(
                region=region,
                endpoint_url=target.endpoint_url,
                cloudformation=session.create_client("cloudformation", **options),
                s3=session.create_client("s3", **{**options, "config": s3_config}),
                sts=session.create_client("sts", **options),
            )

    def account_id(self) -> str:
        if not self.account:
            with explained("asking AWS who you are"):
                self.account = str(self.sts.get_caller_identity()["Account"])
        return self.account

    def identity(self) -> AwsIdentity:
        """Where the command acts, for it to say once: a failed STS call leaves the account unknown
        and says why, rather than ending the command (the calls that follow say what they need)."""
        try:
            return AwsIdentity(self.account_id(), self.region, self.endpoint_url)
        except WstuiError as error:
            return AwsIdentity("", self.region, self.endpoint_url, str(error))


def region_in_effect(target: AwsTarget, fallback_region: str) -> str:
    """The region a cloud command would use, read without credentials: `console --deployed` picks the
    record of that region."""
    import botocore.session

    with explained("reading your AWS configuration"):
        return _region(botocore.session.Session(profile=target.profile or None), target.region, fallback_region)


def _region(session: Any, given: str, fallback_region: str) -> str:
    # botocore reads only AWS_DEFAULT_REGION; AWS_REGION is what the other SDKs and Lambda use.
    return given or os.environ.get("AWS_REGION") or session.get_config_variable("region") or fallback_region


@contextmanager
def explained(doing: str) -> Iterator[None]:
    """Turn what botocore raises into an `AwsError` that says what went wrong and what to do."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        CredentialRetrievalError,
        EndpointConnectionError,
        InvalidRegionError,
        NoCredentialsError,
        ProfileNotFound,
        TokenRetrievalError,
        UnauthorizedSSOTokenError,
    )

    try:
        yield
    except ClientError as error:
        raise client_error(error, doing) from None
    except NoCredentialsError:
        raise AwsError("No AWS credentials found.", Remedy.AWS_CREDENTIALS) from None
    except (TokenRetrievalError, UnauthorizedSSOTokenError):
        raise AwsError("Your AWS SSO session has expired: run `aws sso login` and try again.") from None
    except CredentialRetrievalError as error:
        raise AwsError(f"Cannot get AWS credentials ({error}).", Remedy.AWS_CREDENTIALS) from None
    except InvalidRegionError as error:
        raise UsageError(f"{error.kwargs.get('region_name', 'That')!r} is not an AWS region name.", Remedy.AWS_REGION_NAME) from None
    except ProfileNotFound as error:
        profile = error.kwargs.get("profile", "")
        raise UsageError(f"AWS profile {profile!r} is not configured.", Remedy.AWS_PROFILE_NAME) from None
    except EndpointConnectionError as error:
        raise AwsError(f"Cannot reach {error.kwargs.get('endpoint_url', 'AWS')} while {doing}.", Remedy.AWS_ENDPOINT) from None
    except BotoCoreError as error:
        raise AwsError(f"AWS failed while {doing}: {error}.") from None


def client_error(error: Any, doing: str) -> AwsError:
    code = error_code(error)
    message = error.response.get("Error", {}).get("Message", "") or code
    if code in EXPIRED_CODES:
        return AwsError("Your AWS session token has expired: refresh your credentials and try again.", Remedy.AWS_CREDENTIALS)
    if code in REJECTED_CODES:
        return AwsError(f"AWS rejected your credentials while {doing} ({code}).", Remedy.AWS_CREDENTIALS)
    if code in DENIED_CODES:
        return AwsError(f"AWS denied access while {doing}: {message.rstrip('.')}. docs/deploy.md lists the permissions a deploying user needs.")
    if code in THROTTLED_CODES:
        return AwsError(f"AWS is throttling requests while {doing}, even after retries: wait a minute and try again.")
    return AwsError(f"AWS failed while {doing}: {message.rstrip('.')} ({code}).")


def error_code(error: Any) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
