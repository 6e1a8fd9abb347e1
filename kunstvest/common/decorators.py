"""Route decorators for access control."""

from functools import wraps

from flask import abort
from flask_login import current_user

from kunstvest.extensions import login_manager


def role_required(*roles: str):
    """Let the request through only for a logged-in user holding one of `roles`; 403 for others."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator
