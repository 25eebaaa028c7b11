"""What a template-decorating plugin is handed: the template under construction and its key resources.

Plugins change resources through these objects (add a policy, an environment variable, a resource),
so they never need to know wstui's logical ids or rebuild what the core already made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from troposphere import Sub, Template, awslambda, iam
from troposphere.apigatewayv2 import Api

from wstui.core.project.handlers import HandlerRef
from wstui.core.project.model import CONNECT, DISCONNECT, Project, RouteSettings

POLICY_VERSION = "2012-10-17"


@dataclass
class FunctionResources:
    """One Lambda function (one per handler), its role, and the routes it serves."""

    handler: HandlerRef
    function: awslambda.Function
    role: iam.Role
    routes: list[RouteSettings] = field(default_factory=list)

    @property
    def serves_connect(self) -> bool:
        return any(r.key == CONNECT for r in self.routes)

    @property
    def serves_disconnect(self) -> bool:
        return any(r.key == DISCONNECT for r in self.routes)

    @property
    def posts(self) -> bool:
        return any(r.posts_to_connections for r in self.routes)

    def add_policy(self, name: str, statements: list[dict[str, Any]]) -> None:
        """Grant this function's role `statements` in an inline policy named `name`."""
        document = {"Version": POLICY_VERSION, "Statement": statements}
        self.role.Policies.append(iam.Policy(PolicyName=name, PolicyDocument=document))

    def set_environment(self, name: str, value: Any) -> None:
        """Set an environment variable of the function (a string or an intrinsic such as Ref)."""
        if "Environment" not in self.function.properties:
            self.function.Environment = awslambda.Environment(Variables={})
        self.function.Environment.Variables[name] = value


@dataclass
class ServiceTemplate:
    """The template being built for `project`, with handles on the resources plugins usually need."""

    project: Project
    template: Template
    api: Api
    functions: dict[str, FunctionResources] = field(default_factory=dict)

    def sub(self, text: str) -> Sub:
        """An `Fn::Sub` of `text` in which `${Api}` stands for the WebSocket API's id."""
        return Sub(text.replace("${Api}", "${" + str(self.api.title) + "}"))
