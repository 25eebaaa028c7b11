"""CloudFormation support for AWS::ApiGatewayV2::* in moto, for the deploy tests only.

moto's CloudFormation skips these types, so a deployed stack would have no API and its outputs no id.
moto builds its type map from the direct subclasses of `CloudFormationModel`; each class here is one,
and creates its resource in moto's own apigatewayv2 backend, so `get_api`/`get_routes` see what the
stack made. Deployments have no moto backend: an id is all a Stage needs of one.
"""

from __future__ import annotations

import secrets
from typing import Any

from moto.apigatewayv2.models import apigatewayv2_backends
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel
from moto.core.exceptions import JsonRESTError


class _Resource:
    """What every type shares: a physical id for Ref, replace-on-update, delete through the backend."""

    def __init__(self, physical_id: str, api_id: str, account_id: str, region: str) -> None:
        self.physical_id = physical_id
        self.api_id = api_id
        self.account_id = account_id
        self.region = region

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @property
    def backend(self) -> Any:
        return apigatewayv2_backends[self.account_id][self.region]

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in {"ApiId", "ApiEndpoint"}

    def get_cfn_attribute(self, attr: str) -> str:
        if attr == "ApiEndpoint":
            return f"wss://{self.api_id}.execute-api.{self.region}.amazonaws.com"
        return self.api_id

    def is_created(self) -> bool:
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        """Deleting the API first takes its routes with it, as in API Gateway: later deletes find nothing."""
        try:
            self.remove()
        except JsonRESTError:
            return

    def remove(self) -> None:
        raise NotImplementedError

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[no-untyped-def]
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        original_resource.remove()
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):  # type: ignore[no-untyped-def]
        return None


class WebSocketApiModel(_Resource, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Api"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        p = cloudformation_json["Properties"]
        api = apigatewayv2_backends[account_id][region_name].create_api(
            api_key_selection_expression=p.get("ApiKeySelectionExpression", ""), cors_configuration=None,
            description=p.get("Description", ""), disable_schema_validation="", disable_execute_api_endpoint="",
            name=p["Name"], protocol_type=p["ProtocolType"], route_selection_expression=p.get("RouteSelectionExpression", ""),
            tags=p.get("Tags", {}), version="",
        )
        return cls(api.api_id, api.api_id, account_id, region_name)

    def remove(self) -> None:
        self.backend.delete_api(self.api_id)


class IntegrationModel(_Resource, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Integration"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        p = cloudformation_json["Properties"]
        integration = apigatewayv2_backends[account_id][region_name].create_integration(
            api_id=p["ApiId"], connection_id="", connection_type="", content_handling_strategy="", credentials_arn="",
            description="", integration_method="POST", integration_subtype="", integration_type=p["IntegrationType"],
            integration_uri=p.get("IntegrationUri", ""), passthrough_behavior="", payload_format_version="",
            request_parameters=None, request_templates=None, response_parameters=None, template_selection_expression="",
            timeout_in_millis="", tls_config={},
        )
        return cls(integration.id, p["ApiId"], account_id, region_name)

    def remove(self) -> None:
        self.backend.delete_integration(self.api_id, self.physical_id)


class RouteModel(_Resource, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Route"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        p = cloudformation_json["Properties"]
        route = apigatewayv2_backends[account_id][region_name].create_route(
            api_id=p["ApiId"], api_key_required=False, authorization_scopes=[],
            authorization_type=p.get("AuthorizationType", "NONE"), authorizer_id=p.get("AuthorizerId", ""),
            model_selection_expression="", operation_name=p.get("OperationName", ""), request_models=None,
            request_parameters=None, route_key=p["RouteKey"],
            route_response_selection_expression=p.get("RouteResponseSelectionExpression", ""), target=p.get("Target", ""),
        )
        return cls(route.route_id, p["ApiId"], account_id, region_name)

    def remove(self) -> None:
        self.backend.delete_route(self.api_id, self.physical_id)


class RouteResponseModel(_Resource, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::RouteResponse"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        p = cloudformation_json["Properties"]
        response = apigatewayv2_backends[account_id][region_name].create_route_response(
            api_id=p["ApiId"], route_id=p["RouteId"], route_response_key=p["RouteResponseKey"],
            model_selection_expression="", response_models="",
        )
        resource = cls(response.id, p["ApiId"], account_id, region_name)
        resource.route_id = p["RouteId"]
        return resource

    def remove(self) -> None:
        self.backend.delete_route_response(self.api_id, self.route_id, self.physical_id)


class AuthorizerModel(_Resource, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Authorizer"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        p = cloudformation_json["Properties"]
        authorizer = apigatewayv2_backends[account_id][region_name].create_authorizer(
            api_id=p["ApiId"], auth_creds_arn="", auth_payload_format_version="", auth_result_ttl="",
            authorizer_uri=p.get("AuthorizerUri", ""), authorizer_type=p["AuthorizerType"], enable_simple_response="",
            identity_source=p.get("IdentitySource", []), identity_validation_expr="", jwt_config="", name=p["Name"],
        )
        return cls(authorizer.id, p["ApiId"], account_id, region_name)

    def remove(self) -> None:
        self.backend.delete_authorizer(self.api_id, self.physical_id)


class DeploymentModel(_Resource, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Deployment"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        return cls(secrets.token_hex(4), cloudformation_json["Properties"]["ApiId"], account_id, region_name)

    def remove(self) -> None:
        return None


class StageModel(_Resource, CloudFormationModel):
    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::ApiGatewayV2::Stage"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):  # type: ignore[no-untyped-def]
        p = cloudformation_json["Properties"]
        config = {"stageName": p["StageName"], "deploymentId": p.get("DeploymentId", ""), "description": p.get("Description", "")}
        apigatewayv2_backends[account_id][region_name].create_stage(p["ApiId"], config)
        return cls(p["StageName"], p["ApiId"], account_id, region_name)

    def remove(self) -> None:
        self.backend.delete_stage(self.api_id, self.physical_id)


def register() -> None:
    """moto caches its type map on first use: drop the cache so these classes are in it."""
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
