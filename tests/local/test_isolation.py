"""The per-invocation environment: what handlers' boto3 sees while the local runtime runs."""

from __future__ import annotations

import boto3
import pytest

from wstui.core.local.isolation import Isolation, run_isolated


def test_a_boto3_default_session_made_earlier_is_not_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A session made before (a deploy in the same app) holds the real os.environ and its region."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    boto3.setup_default_session()
    earlier = boto3.DEFAULT_SESSION
    isolation = Isolation({"AWS_DEFAULT_REGION": "eu-west-3"})
    isolation.install()
    try:
        region = run_isolated({}, lambda _text: None, lambda: boto3.client("dynamodb").meta.region_name)
        assert boto3.DEFAULT_SESSION is not earlier
    finally:
        isolation.uninstall()
    assert region == "eu-west-3"
    assert boto3.DEFAULT_SESSION is None


def test_the_developers_aws_settings_are_hidden_and_the_functions_own_win(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.setenv("WSTUI_SECRET_AUTH_TOKEN", "the-authorizers-only")
    isolation = Isolation({"AWS_REGION": "us-east-1", "TABLE": "shared"})
    isolation.install()
    try:
        seen = run_isolated({"TABLE": "mine"}, lambda _text: None, lambda: (
            os.environ.get("AWS_PROFILE"), os.environ.get("WSTUI_SECRET_AUTH_TOKEN"), os.environ["TABLE"]
        ))
        outside = os.environ.get("TABLE")
    finally:
        isolation.uninstall()
    assert seen == (None, None, "mine"), "a secret reaches only the functions whose environment names it"
    assert outside == "shared"
    assert os.environ["AWS_PROFILE"] == "production"


def test_real_environment_shows_the_developers_settings_while_the_overlay_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from wstui.core.local.isolation import real_environment

    monkeypatch.setenv("AWS_PROFILE", "production")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    isolation = Isolation({"AWS_ENDPOINT_URL": "http://127.0.0.1:9999"})
    isolation.install()
    try:
        hidden = (os.environ.get("AWS_PROFILE"), os.environ.get("AWS_ENDPOINT_URL"))
        with real_environment():
            real = (os.environ.get("AWS_PROFILE"), os.environ.get("AWS_ENDPOINT_URL"), "AWS_PROFILE" in dict(os.environ))
    finally:
        isolation.uninstall()
    assert hidden == (None, "http://127.0.0.1:9999")
    assert real == ("production", None, True)
