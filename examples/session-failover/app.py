"""A shopping cart behind a load balancer: Flask with its sessions either in this process's memory
(`--sessions memory`, what sticky load balancing relies on) or in a shared DynamoDB table through
Flask-Session's DynamoDB backend (`--sessions dynamodb`, here Trident)."""

import argparse
import os
import time
from datetime import timedelta

import boto3
import flask
from botocore.config import Config
from botocore.exceptions import ClientError
from cachelib import SimpleCache
from flask_session import Session

THROTTLED = {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}


def create_app(sessions, endpoint=None, instance="?", lifetime_seconds=1800):
    app = flask.Flask(__name__)
    app.config.update(SECRET_KEY="example-only", SESSION_PERMANENT=True, PERMANENT_SESSION_LIFETIME=timedelta(seconds=lifetime_seconds))
    if sessions == "memory":
        app.config.update(SESSION_TYPE="cachelib", SESSION_CACHELIB=SimpleCache(threshold=100_000, default_timeout=lifetime_seconds))
    else:
        # Standard retry mode: a throttled write is retried with back-off, then surfaced (below).
        resource = boto3.resource("dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="example",
                                  aws_secret_access_key="example", config=Config(retries={"mode": "standard", "total_max_attempts": 3}))
        app.config.update(SESSION_TYPE="dynamodb", SESSION_DYNAMODB=resource, SESSION_DYNAMODB_TABLE="Sessions")
    Session(app)

    @app.after_request
    def name_the_instance(response):
        response.headers["X-Instance"] = instance
        return response

    @app.errorhandler(ClientError)
    def store_trouble(error):
        code = error.response["Error"]["Code"]
        status = 503 if code in THROTTLED else 500
        return flask.jsonify(error=code, instance=instance), status

    @app.errorhandler(500)
    def saving_failed(error):
        # The session is saved after the view returns; Flask reports a failure there as a 500
        # wrapping the original error.
        original = getattr(error, "original_exception", None)
        if isinstance(original, ClientError):
            return store_trouble(original)
        return flask.jsonify(error="internal error", instance=instance), 500

    @app.get("/health")
    def health():
        return "ok"

    @app.post("/login/<user>")
    def login(user):
        flask.session["user"] = user
        flask.session["cart"] = []
        return flask.jsonify(user=user, instance=instance)

    @app.post("/cart/<item>")
    def add(item):
        if "user" not in flask.session:
            return flask.jsonify(error="not logged in", instance=instance), 401
        flask.session["cart"] = flask.session.get("cart", []) + [item]
        return flask.jsonify(cart=flask.session["cart"], instance=instance)

    @app.get("/cart")
    def cart():
        return flask.jsonify(user=flask.session.get("user"), cart=flask.session.get("cart", []), instance=instance)

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--sessions", choices=["memory", "dynamodb"], required=True)
    parser.add_argument("--endpoint", default="http://127.0.0.1:8000")
    parser.add_argument("--lifetime-seconds", type=int, default=1800)
    args = parser.parse_args()
    # Flask-Session 0.8 computes expiry from a naive utcnow(): right only in UTC.
    os.environ["TZ"] = "UTC"
    time.tzset()
    create_app(args.sessions, args.endpoint, instance=f"app-{args.port}", lifetime_seconds=args.lifetime_seconds).run(
        host="127.0.0.1", port=args.port, threaded=True)
