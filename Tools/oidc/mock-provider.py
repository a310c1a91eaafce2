#!/usr/bin/env python3
"""PyPI's oidc-provider-mock on 127.0.0.1:PORT, recording what clients send it.

The mock accepts any client, signs ID tokens with RS256, takes `iss` from the Host header and
does not check PKCE itself. So that tests can check PKCE (and state, nonce, acr_values, the
redirect URI and the client's authentication), every request to the authorization and token
endpoints is recorded, with the code the authorization answered; `GET /_recorded` returns them
as JSON, oldest first. Users' claims (e.g. `acr`, `pid`) are set with `PUT /users/{sub}`.

Usage: mock-provider.py --port PORT   (run with the .venv-tools Python: Tools/oidc/install)
"""
import argparse
import json
import threading
import time
from urllib.parse import parse_qs, urlparse

import flask
import oidc_provider_mock
from werkzeug.serving import make_server

from lifetime import exit_with_parent  # Tools/oidc/lifetime.py, beside this script

recorded = []
lock = threading.Lock()


def main():
    exit_with_parent()
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = oidc_provider_mock.app(require_nonce=True)

    @app.before_request
    def record():
        request = flask.request
        if request.path in ("/oauth2/authorize", "/oauth2/token", "/oauth2/end_session"):
            flask.g.record = {"path": request.path, "method": request.method, "query": request.args.to_dict(),
                              "form": request.form.to_dict(), "authorization": request.headers.get("Authorization")}

    @app.after_request
    def answered(response):
        entry = flask.g.pop("record", None)
        if entry is not None:
            location = response.headers.get("Location")
            if location:
                entry["code"] = parse_qs(urlparse(location).query).get("code", [None])[0]
            entry["status"] = response.status_code
            with lock:
                recorded.append(entry)
        return response

    @app.get("/_recorded")
    def show():
        with lock:
            return flask.Response(json.dumps(recorded), mimetype="application/json")

    server = make_server("127.0.0.1", args.port, app, threaded=True)
    print(f"mock-provider: listening on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
