"""Organization-wide rollout: the account baseline as a service-managed StackSet."""

from .stackset import TEMPLATE_BODY_MAX_BYTES, RetiringStackSet, ServiceManagedStackSet, synthesized_template_body

__all__ = ["TEMPLATE_BODY_MAX_BYTES", "RetiringStackSet", "ServiceManagedStackSet", "synthesized_template_body"]
