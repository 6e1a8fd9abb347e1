"""Gunicorn settings for kunstvest in production: `gunicorn -c gunicorn.conf.py`, behind nginx (deploy/nginx/)."""

import gc
import os

wsgi_app = "kunstvest:create_app()"
bind = [os.environ.get("KUNSTVEST_BIND", "127.0.0.1:8000")]
# Only the local proxy may set X-Forwarded-Proto; the app's ProxyFix (PROXY_FIX_HOPS) reads the rest.
forwarded_allow_ips = "127.0.0.1"


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers and systemd can narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * available_cores() + 1)
preload_app = True

# A 25 MB upload from a phone on a weak mobile link (about 1 Mbit/s) takes some 200 s. nginx buffers the body
# before passing it on, but if the proxy streams it instead, the sync worker reads it itself, so neither the
# worker's silence limit nor a graceful restart may cut it short.
timeout = 300
graceful_timeout = 300
# Sync workers close each connection after the answer; this applies once a threaded worker class is chosen.
keepalive = 5

# gunicornc's control socket goes in the systemd unit's RuntimeDirectory; without one it is off, since instances
# sharing a user would share its default path in $HOME.
control_socket_disable = not os.environ.get("RUNTIME_DIRECTORY")
control_socket = os.path.join(os.environ.get("RUNTIME_DIRECTORY") or ".", "gunicorn.ctl")

accesslog = "-"
errorlog = "-"
# Worker, method, path (not the query string, which holds what people search for), status, bytes, time taken.
access_log_format = "%(t)s %(p)s %(m)s %(U)s %(s)s %(B)s %(M)sms"


def pre_fork(server, worker) -> None:
    """Freeze the objects the master loaded (the app, its modules and templates) just before a worker is forked."""
    # Frozen objects are never scanned by the collector: each worker's collections stay short, and they no longer
    # write to the shared objects' headers, which would copy the master's memory pages into every worker.
    gc.freeze()
