"""Who is asking, as records.selectors.Viewer: what metadata a request may see is decided there.

An answer that depends on who asks says so to caches: it varies by the
credentials, and one that shows metadata is never stored.
"""

from django.utils.cache import patch_cache_control, patch_vary_headers
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request
from rest_framework.response import Response

from judicial_verify.records.selectors import Viewer, judge_court

from .permissions import request_node


def viewer_from_request(request: Request) -> Viewer:
    """A node's token: that node. A judge signed in by session: their court. Else the public.

    A suspended node, a judge using a personal token and a lawyer see what the
    public sees: judges see their court's records only in the signed-in portal.
    """
    node = request_node(request)
    if node is not None:
        return Viewer() if node.suspended else Viewer(node=node)
    if not isinstance(request.successful_authenticator, SessionAuthentication):
        return Viewer()
    return Viewer(court=judge_court(user=request.user))


def for_viewer(response: Response, *, shows_metadata: bool) -> Response:
    """Marks an answer that depends on the viewer, so no shared cache serves it to another."""
    if response.has_header("Vary"):
        patch_vary_headers(response, ("Authorization", "Cookie"))
    else:  # as patch_vary_headers would write it, without parsing a header that is not there
        response.headers["Vary"] = "Authorization, Cookie"
    if shows_metadata:
        patch_cache_control(response, private=True, no_store=True)
    return response
