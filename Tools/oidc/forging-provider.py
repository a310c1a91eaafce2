#!/usr/bin/env python3
"""A small OpenID Connect provider on 127.0.0.1:PORT that signs whatever ID token a test asks for.

oidc-provider-mock always signs correctly; this one serves discovery, a JWKS, an authorization
endpoint that answers at once (code and state back to the redirect URI) and a token endpoint
whose next ID tokens follow the mode a test set with `POST /_mode` (JSON):

  {"key": "rsa" | "ec" | "other" | "rotated", "alg": "RS256" | "ES256" | "none" | "HS256",
   "kid": "...", "claims": {... overrides, null removes ...}, "access_token_for_hash": "...",
   "stall": seconds}

"rsa" and "ec" are published in the JWKS; "other" never is; "rotated" is published only after
`POST /_rotate`. Without a mode, tokens are valid RS256 tokens with the nonce the authorization
request carried. `GET /_recorded` lists the requests received (JSON), `GET /_jwks_fetches` how
often the JWKS was read.

Usage: forging-provider.py --port PORT   (run with the .venv-tools Python: Tools/oidc/install)
"""
import argparse
import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwk, jwt

from lifetime import exit_with_parent  # Tools/oidc/lifetime.py, beside this script

KEYS = {
    "rsa": jwk.RSAKey.generate_key(2048, parameters={"kid": "rsa-1", "use": "sig"}),
    "ec": jwk.ECKey.generate_key("P-256", parameters={"kid": "ec-1", "use": "sig"}),
    "other": jwk.RSAKey.generate_key(2048, parameters={"kid": "other-1"}),
    "rotated": jwk.RSAKey.generate_key(2048, parameters={"kid": "rsa-2", "use": "sig"}),
}
state = {"mode": {}, "rotated": False, "codes": {}, "recorded": [], "jwks_fetches": 0}
lock = threading.Lock()


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def published():
    names = ["rsa", "ec"] + (["rotated"] if state["rotated"] else [])
    return {"keys": [KEYS[n].as_dict(private=False) for n in names]}


def id_token(issuer, client_id, nonce, access_token, mode):
    now = int(time.time())
    claims = {"iss": issuer, "sub": "forged-subject", "aud": client_id, "iat": now, "exp": now + 300, "nonce": nonce,
              "acr": "substantial", "pid": "39001010000", "name": "Forged Person", "email": "forged@example.lt"}
    hash_of = mode.get("access_token_for_hash", access_token)
    claims["at_hash"] = b64(hashlib.sha256(hash_of.encode()).digest()[:16])
    for name, value in mode.get("claims", {}).items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    key_name = mode.get("key", "rsa")
    alg = mode.get("alg", "ES256" if key_name == "ec" else "RS256")
    kid = mode.get("kid", KEYS[key_name].kid)
    if alg == "none":
        header = {"alg": "none", "kid": kid, "typ": "JWT"}
        return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}."
    if alg == "HS256":
        header = {"alg": "HS256", "kid": kid, "typ": "JWT"}
        signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
        secret = mode.get("hmac_secret", "client-secret").encode()
        return signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())
    return jwt.encode({"alg": alg, "kid": kid, "typ": "JWT"}, claims, KEYS[key_name])


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def issuer(self):
        return f"http://{self.headers['Host']}"

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def do_GET(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/.well-known/openid-configuration":
            base = self.issuer()
            return self.send_json(200, {
                "issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
                "jwks_uri": base + "/jwks", "end_session_endpoint": base + "/end_session",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "ES256"]})
        if url.path == "/jwks":
            with lock:
                state["jwks_fetches"] += 1
                return self.send_json(200, published())
        if url.path == "/authorize":
            code = secrets.token_urlsafe(16)
            with lock:
                state["codes"][code] = {"nonce": query.get("nonce"), "used": False}
                state["recorded"].append({"path": "/authorize", "query": query, "code": code})
            target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query.get("state", "")})
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if url.path == "/_recorded":
            with lock:
                return self.send_json(200, state["recorded"])
        if url.path == "/_jwks_fetches":
            with lock:
                return self.send_json(200, {"count": state["jwks_fetches"]})
        self.send_json(404, {"error": "not_found"})

    def do_POST(self):
        url = urlparse(self.path)
        text = self.body()
        if url.path == "/_mode":
            with lock:
                state["mode"] = json.loads(text or "{}")
            return self.send_json(200, {"ok": True})
        if url.path == "/_rotate":
            with lock:
                state["rotated"] = True
            return self.send_json(200, {"ok": True})
        if url.path == "/token":
            form = {k: v[0] for k, v in parse_qs(text).items()}
            with lock:
                mode = dict(state["mode"])
                state["recorded"].append({"path": "/token", "form": form, "authorization": self.headers.get("Authorization")})
                grant = state["codes"].get(form.get("code"))
                if grant is None or grant["used"]:
                    grant = None
                else:
                    grant["used"] = True
            if mode.get("stall"):
                time.sleep(float(mode["stall"]))
            if grant is None:
                return self.send_json(400, {"error": "invalid_grant", "error_description": "unknown or used code"})
            client_id = form.get("client_id")
            if client_id is None and self.headers.get("Authorization", "").startswith("Basic "):
                client_id = base64.b64decode(self.headers["Authorization"][6:]).decode().split(":")[0]
            access_token = secrets.token_urlsafe(24)
            try:
                token = id_token(self.issuer(), client_id, grant["nonce"], access_token, mode)
            except Exception as error:  # a mode the keys cannot sign: say so rather than drop the connection
                return self.send_json(500, {"error": "server_error", "error_description": str(error)})
            return self.send_json(200, {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": token})
        self.send_json(404, {"error": "not_found"})


def main():
    exit_with_parent()
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"forging-provider: listening on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
