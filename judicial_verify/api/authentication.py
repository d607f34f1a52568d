"""`Authorization: Token ...` for nodes and for people with a personal token."""

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from judicial_verify.records.credentials import Credential, credential_find


class TokenAuthentication(authentication.BaseAuthentication):
    """Sets request.auth to the token's Credential; request.user to the person, if any."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[object, Credential] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("the Authorization header is 'Token <token>'")
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("the token is not valid") from None
        credential = credential_find(token)
        if credential is None:
            raise exceptions.AuthenticationFailed("the token is not valid")
        if credential.personal is not None:
            return credential.personal.user, credential
        return AnonymousUser(), credential

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
