"""The REQUEST authorizer allows exactly the configured token."""

import pytest
from conftest import event

from handlers import authorizer

METHOD_ARN = "arn:aws:execute-api:{{ cookiecutter.aws_region }}:123456789012:abc123/{{ cookiecutter.stage }}/$connect"


@pytest.fixture(autouse=True)
def secret(monkeypatch):
    monkeypatch.setenv(authorizer.SECRET_ENV, "s3cret")


def authorize(query):
    return authorizer.handle(event("$connect", "A", methodArn=METHOD_ARN, queryStringParameters=query), None)


def effect(policy):
    (statement,) = policy["policyDocument"]["Statement"]
    assert statement["Resource"] == METHOD_ARN
    return statement["Effect"]


def test_the_right_token_is_allowed_with_a_principal_and_context():
    policy = authorize({"token": "s3cret"})
    assert effect(policy) == "Allow"
    assert policy["principalId"].startswith("token-")
    assert policy["context"] == {"authorizedBy": "token"}


@pytest.mark.parametrize("query", [{"token": "wrong"}, {"token": ""}, {}, None])
def test_anything_else_is_denied(query):
    assert effect(authorize(query)) == "Deny"


def test_no_secret_configured_denies_everyone(monkeypatch):
    monkeypatch.delenv(authorizer.SECRET_ENV)
    assert effect(authorize({"token": ""})) == "Deny"
