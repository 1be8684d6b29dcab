"""The services whose service-linked roles the developer boundary lets workloads create.

``iam:CreateServiceLinkedRole`` is allowed only with ``iam:AWSServiceName`` one of these
(``service_linked_role_services`` in the config, default :data:`DEFAULT_SERVICE_LINKED_ROLE_SERVICES`).
Source: IAM User Guide, "Service-linked role permissions".
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

__all__ = ["DEFAULT_SERVICE_LINKED_ROLE_SERVICES", "ServiceLinkedRoleService"]


def _names_a_service(service: str) -> str:
    if not service.removesuffix(".cn").removesuffix(".amazonaws.com").strip("*?."):
        raise ValueError(f"{service!r} matches every service; name the services that need a service-linked role")
    return service


#: A service principal as ``iam:AWSServiceName`` takes it, ``*``/``?`` allowed inside
#: (``*.application-autoscaling.amazonaws.com``). Source: IAM User Guide, "Service-linked
#: role permissions" (the condition key ``iam:AWSServiceName``).
ServiceLinkedRoleService = Annotated[
    str,
    StringConstraints(max_length=128, pattern=r"^[a-z0-9*?][a-z0-9*?.-]*\.amazonaws\.com(?:\.cn)?$"),
    AfterValidator(_names_a_service),
]

#: Services whose service-linked roles workloads commonly need created on first use: EC2
#: Auto Scaling, ECS, Elastic Load Balancing, RDS, ElastiCache and Application Auto Scaling
#: (one principal per scalable service). Source: IAM User
#: Guide, "AWS services that work with IAM" (column "Service-linked roles").
DEFAULT_SERVICE_LINKED_ROLE_SERVICES: tuple[str, ...] = (
    "autoscaling.amazonaws.com",
    "ecs.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
    "rds.amazonaws.com",
    "elasticache.amazonaws.com",
    "*.application-autoscaling.amazonaws.com",
)
