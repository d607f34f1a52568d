"""Who may call what. Visibility of metadata is decided in records.visibility."""

from rest_framework import exceptions, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from judicial_verify.records.credentials import Credential
from judicial_verify.records.models import Node


def request_node(request: Request) -> Node | None:
    """The node whose token made the request, or None."""
    auth = request.auth
    return auth.node if isinstance(auth, Credential) else None


class IsNode(permissions.BasePermission):
    """Only a node's token may anchor records, and only as that node."""

    message = "anchoring needs a node's API token"

    def has_permission(self, request: Request, view: APIView) -> bool:
        node = request_node(request)
        if node is not None and node.suspended:
            raise exceptions.PermissionDenied(f"node {node.code} is suspended")
        return node is not None
