"""Who is asking, as records.selectors.Viewer: what metadata a request may see is decided there."""

from django.contrib.auth.models import User
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from judicial_verify.records.models import Profile
from judicial_verify.records.selectors import Viewer

from .permissions import request_node


def viewer_from_request(request: Request) -> Viewer:
    """A node's token: that node. A judge signed in by session: their court. Else the public.

    A suspended node, a judge using a personal token and a lawyer see what the
    public sees: judges see their court's records only in the signed-in portal.
    """
    node = request_node(request)
    if node is not None:
        return Viewer() if node.suspended else Viewer(node=node)
    signed_in = isinstance(request.successful_authenticator, SessionAuthentication)
    if not signed_in or not isinstance(request.user, User):
        return Viewer()
    profile = (
        Profile.objects.select_related("court")
        .filter(user=request.user, role=Profile.Role.JUDGE, court__isnull=False)
        .first()
    )
    return Viewer(court=profile.court) if profile else Viewer()
