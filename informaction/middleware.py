"""Request guards and the security headers every page gets (a strict CSP, no inline script)."""

from collections.abc import Callable
from urllib.parse import unquote

from django.http import Http404, HttpRequest, HttpResponse

CSP_BASE = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; "
)
CSP = CSP_BASE + "frame-ancestors 'none'"
# A page the site's own pages may show in a frame (the projection's preview on the console).
CSP_SAME_ORIGIN_FRAMES = CSP_BASE + "frame-ancestors 'self'"


def framable_by_same_origin(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let the site's own pages frame this view (X-Frame-Options and CSP frame-ancestors)."""
    from functools import wraps

    from django.views.decorators.clickjacking import xframe_options_sameorigin

    @wraps(view)
    def wrapped(*args: object, **kwargs: object) -> HttpResponse:
        response = view(*args, **kwargs)
        response.headers["Content-Security-Policy"] = CSP_SAME_ORIGIN_FRAMES
        return response

    return xframe_options_sameorigin(wrapped)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def has_nul(path: str, query_string: str) -> bool:
    """Whether a URL's (decoded) path or query string holds a NUL character."""
    return "\x00" in path or "\x00" in unquote(query_string)


class RejectNulMiddleware:
    """A URL with a NUL character names no page: 404 before any view runs.

    PostgreSQL refuses NUL in text parameters, so without this every view that looks a path
    segment or a query value up in the database (join codes, slugs, secret tokens, feeds)
    would answer 500 (docs/security.md). Last in MIDDLEWARE: the 404 page gets the same
    headers as any page, and no middleware before it looks the URL up in the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_nul(request.path, request.META.get("QUERY_STRING", "")):
            raise Http404
        return self.get_response(request)


class DropNulCookiesMiddleware:
    """A cookie holding a NUL character (the quoted form "\\000" decodes to one) is junk that
    no server ever set: drop it before the session and CSRF middleware read it (PostgreSQL
    would answer 500 to the session lookup). First in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [n for n, v in request.COOKIES.items() if "\x00" in n or "\x00" in v]:
            del request.COOKIES[name]
        return self.get_response(request)
