"""Security headers, secure cookies over HTTPS, pages kept out of caches, and expired-form
(CSRF) handling."""

from __future__ import annotations

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, Response, flash, make_response, redirect, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from .urls import safe_next

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure or super().get_cookie_secure(app)


def _secure_cookies(response: Response) -> Response:
    # Served over HTTPS: no cookie of ours (remember-me, language) may travel over plain
    # HTTP afterwards. The session cookie is handled by SessionInterface.
    if request.is_secure:
        cookies = response.headers.getlist("Set-Cookie")
        if cookies:
            response.headers.remove("Set-Cookie")
            for cookie in cookies:
                if "; secure" not in cookie.lower():
                    cookie += "; Secure"
                response.headers.add("Set-Cookie", cookie)
    return response


def _csrf_error(error: CSRFError):
    """Phones leave pages open for hours: explain, and send the person back to the form."""
    flash(_("页面已过期，请重新提交。"), "error")
    try:
        referrer = urlsplit(request.referrer or "")
    except ValueError:  # e.g. an unbalanced [ in the host
        referrer = urlsplit("")
    if referrer.netloc == request.host:
        # The Referer's path may still point elsewhere (//evil.com/…): only a safe one.
        return redirect(safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else "")))
    return redirect(safe_next(None))


def no_store(view: Callable) -> Callable:
    """For a view whose response holds a secret (a one-time password, a people export):
    no browser or proxy may keep a copy (and the Back button does not show it again)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapper


def _set_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(_set_headers)
    app.after_request(_secure_cookies)
    app.register_error_handler(CSRFError, _csrf_error)
    if app.config.get("PROXY_FIX"):
        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
