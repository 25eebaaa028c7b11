"""Where a deploy goes (account, region, endpoint) and what AWS's failures mean to the person deploying.

Credentials and region follow boto3's own chain, so the CLI and the app agree with every other AWS
tool; the project's region is only the last fallback. The region is, first to last: the one given
(`--region`, the app's Region field), `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region` in
~/.aws/config, then `[project] region`. Where one of the middle three decides and differs from the
project's, `TargetInEffect.overrides_project` says so, and both interfaces show it: never silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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


GIVEN = "given"
PROJECT = "project"


@dataclass(frozen=True)
class TargetInEffect:
    """Where cloud calls go with some `AwsTarget`, and what decided the region: read from the target,
    the environment and ~/.aws/config, with no credentials and no network call.

    `region_from` is `GIVEN`, `PROJECT`, an environment variable's name, or "profile NAME"; `profile`
    and `endpoint_url` are empty for the default profile and AWS's own endpoints."""

    region: str
    region_from: str
    project_region: str
    profile: str = ""
    endpoint_url: str = ""

    @property
    def overrides_project(self) -> bool:
        """The environment or the profile, not the user's choice here, moves the stack away from the project's region."""
        return self.region_from not in ("", GIVEN, PROJECT) and self.region != self.project_region


@dataclass(frozen=True)
class AwsIdentity:
    """Where a command acts: the account (empty when AWS would not say, and `unknown_because` why),
    the region, and the endpoint when it is not AWS's own. `region_from` and `project_region` are
    those of `TargetInEffect`, for saying where a region that is not the project's came from."""

    account: str
    region: str
    endpoint_url: str = ""
    unknown_because: str = ""
    region_from: str = ""
    project_region: str = ""

    @property
    def overrides_project(self) -> bool:
        return TargetInEffect(self.region, self.region_from, self.project_region).overrides_project


@dataclass
class AwsClients:
    """The boto3 clients one command uses, made from one session so they share credentials and region.
    `account` is filled in by the first `account_id()`; `client()` makes, from that same session,
    the clients only some commands need (`logs`, `lambda`), when first used."""

    region: str
    endpoint_url: str
    cloudformation: Any
    s3: Any
    sts: Any
    account: str = ""
    in_effect: TargetInEffect | None = None
    session: Any = None
    options: dict[str, Any] = field(default_factory=dict)
    made: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        """A client of any other service, from the same session, region, endpoint and retry settings;
        made once, on first use, as loading a service's model would cost every other command a few
        hundredths of a second."""
        if self.session is None:
            raise AwsError(f"No {service} client: these AWS clients were not made by AwsClients.connect.")
        if service not in self.made:
            with explained(f"setting up the AWS {service} client"):
                self.made[service] = self.session.create_client(service, **self.options)
        return self.made[service]

    @property
    def logs(self) -> Any:
        """CloudWatch Logs, for `wstui logs`."""
        return self.client("logs")

    @classmethod
    def connect(cls, target: AwsTarget, fallback_region: str) -> AwsClients:
        """botocore rather than boto3: the same chain of credentials and regions, without importing
        boto3, a tenth of a second of every command (s3transfer loads only for an upload)."""
        import botocore.session
        from botocore.config import Config

        session = botocore.session.Session(profile=target.profile or None)
        with explained("reading your AWS credentials"):
            credentials = session.get_credentials()
            in_effect = _in_effect(session, target, fallback_region)
        region = in_effect.region
        if credentials is None:
            raise AwsError("No AWS credentials found.", Remedy.AWS_CREDENTIALS)
        # A custom endpoint (moto, LocalStack), given or from AWS_ENDPOINT_URL(_SERVICE), serves every
        # operation at its own host: a host prefix (`stream-` for CloudWatch Logs live tail) would make
        # a name that does not resolve.
        custom = bool(target.endpoint_url) or any(name.startswith("AWS_ENDPOINT_URL") for name in os.environ)
        config = Config(retries={"mode": "standard", "max_attempts": 8}, user_agent_extra="wstui",
                        inject_host_prefix=not custom)
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
                in_effect=in_effect,
                session=session,
                options=options,
            )

    def account_id(self) -> str:
        if not self.account:
            with explained("asking AWS who you are"):
                self.account = str(self.sts.get_caller_identity()["Account"])
        return self.account

    def identity(self) -> AwsIdentity:
        """Where the command acts, for it to say once: a failed STS call leaves the account unknown
        and says why, rather than ending the command (the calls that follow say what they need)."""
        where = self.in_effect or TargetInEffect(self.region, GIVEN, self.region, endpoint_url=self.endpoint_url)
        known = {"region_from": where.region_from, "project_region": where.project_region}
        try:
            return AwsIdentity(self.account_id(), self.region, where.endpoint_url, **known)
        except WstuiError as error:
            return AwsIdentity("", self.region, where.endpoint_url, str(error), **known)


def target_in_effect(target: AwsTarget, project_region: str) -> TargetInEffect:
    """Where a cloud command would go, read without credentials: the app shows it before connecting,
    and `console --deployed` picks the record of its region."""
    import botocore.session

    with explained("reading your AWS configuration"):
        return _in_effect(botocore.session.Session(profile=target.profile or None), target, project_region)


def region_in_effect(target: AwsTarget, fallback_region: str) -> str:
    return target_in_effect(target, fallback_region).region


def _in_effect(session: Any, target: AwsTarget, project_region: str) -> TargetInEffect:
    # botocore reads only AWS_DEFAULT_REGION; AWS_REGION is what the other SDKs and Lambda use.
    profile = target.profile or os.environ.get("AWS_PROFILE", "") or os.environ.get("AWS_DEFAULT_PROFILE", "")
    endpoint = target.endpoint_url or os.environ.get("AWS_ENDPOINT_URL", "") or str(session.get_scoped_config().get("endpoint_url", ""))
    configured = str(session.get_scoped_config().get("region", ""))
    for region, source in (
        (target.region, GIVEN),
        (os.environ.get("AWS_REGION", ""), "AWS_REGION"),
        (os.environ.get("AWS_DEFAULT_REGION", ""), "AWS_DEFAULT_REGION"),
        (configured, f"profile {profile or 'default'}"),
    ):
        if region:
            return TargetInEffect(region, source, project_region, profile, endpoint)
    return TargetInEffect(project_region, PROJECT, project_region, profile, endpoint)


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
