"""gunicorn entry point for benchmarks while SECRET_KEY from the environment is refused in production.

config.Config reads SECRET_KEY from the environment into Config.SECRET_KEY, and ProductionConfig.check() refuses a
secret equal to Config.SECRET_KEY, so `KUNSTVEST_CONFIG=production SECRET_KEY=… gunicorn 'kunstvest:create_app()'`
cannot boot. Here the secret comes from BENCH_SECRET_KEY and reaches the app as an override instead.
"""

import os

from flask import Flask

from kunstvest import create_app as create_kunstvest_app


def create_app() -> Flask:
    """The app in production config with the secret from BENCH_SECRET_KEY."""
    return create_kunstvest_app("production", SECRET_KEY=os.environ["BENCH_SECRET_KEY"])
