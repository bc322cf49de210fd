"""An OpenID provider on loopback that can misbehave on purpose, for Docket's sign-in tests.

Built on Python's http.server and joserfc. It implements the authorization code flow the way
Docket uses it: discovery, /authorize (no login form: it sends the browser straight back with
a code for the configured user), /token (which checks the client secret, the redirect URI and
the PKCE verifier against the S256 challenge, and lets each code be used once) and /jwks.

What it issues is set through POST /control (JSON), for the next token and after:
  {"mode": "good" | "tampered" | "expired" | "wrong-audience" | "replayed-nonce" | "alg-none"
           | "hmac-public-key" | "stray-key" | "es256" | "rsa-2" | "rsa-3",
   "claims": {...}           extra claims of the user (e.g. {"groups": ["g1", "g2"]}),
   "jwks": ["rsa-1", ...]}   the key ids the JWKS publishes (rotation)

Use as a module (ProviderServer) or run: python3 provider.py PORT CLIENT_ID CLIENT_SECRET
"""

import base64
import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class ProviderServer:
    def __init__(self, client_id: str, client_secret: str, port: int = 0):
        self.client_id = client_id
        self.client_secret = client_secret
        self.keys = {
            "rsa-1": RSAKey.generate_key(2048, parameters={"kid": "rsa-1"}),
            "rsa-2": RSAKey.generate_key(2048, parameters={"kid": "rsa-2"}),
            "rsa-3": RSAKey.generate_key(2048, parameters={"kid": "rsa-3"}),
            "ec-1": ECKey.generate_key("P-256", parameters={"kid": "ec-1"}),
            # Never published: a token signed with it must be refused.
            "stray": RSAKey.generate_key(2048, parameters={"kid": "stray"}),
        }
        self.published = ["rsa-1", "rsa-2", "ec-1"]
        self.mode = "good"
        self.claims = {"sub": "entra-subject-0001", "preferred_username": "Jo.Bloggs@council.example"}
        self.codes = {}
        self.last_nonce = None
        self.requests = []  # (path, fields) of every token request, for the tests to inspect
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.port = self.httpd.server_address[1]
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def control(self, mode=None, claims=None, jwks=None):
        with self.lock:
            if mode is not None:
                self.mode = mode
            if claims is not None:
                self.claims = claims
            if jwks is not None:
                self.published = list(jwks)

    # The ID token each mode issues.

    def id_token(self, nonce: str, claims: dict) -> str:
        now = int(time.time())
        payload = {"iss": self.issuer, "aud": self.client_id, "iat": now, "nbf": now, "exp": now + 300,
                   "nonce": nonce, **claims}
        mode = self.mode
        kid = {"es256": "ec-1", "rsa-2": "rsa-2", "rsa-3": "rsa-3", "stray-key": "stray"}.get(mode, "rsa-1")
        alg = "ES256" if kid.startswith("ec") else "RS256"
        if mode == "expired":
            payload.update(iat=now - 3600, nbf=now - 3600, exp=now - 1800)
        elif mode == "wrong-audience":
            payload["aud"] = "another-client"
        elif mode == "replayed-nonce":
            payload["nonce"] = self.last_nonce or "a-nonce-from-before"
        elif mode == "alg-none":
            header = b64url(json.dumps({"alg": "none", "kid": "rsa-1", "typ": "JWT"}).encode())
            return f"{header}.{b64url(json.dumps(payload).encode())}."
        elif mode == "hmac-public-key":
            # The classic confusion: HS256 with the provider's public key as the secret.
            header = b64url(json.dumps({"alg": "HS256", "kid": "rsa-1", "typ": "JWT"}).encode())
            body = b64url(json.dumps(payload).encode())
            secret = self.keys["rsa-1"].as_pem(private=False)
            signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
            return f"{header}.{body}.{b64url(signature)}"
        token = jwt.encode({"alg": alg, "kid": kid}, payload, self.keys[kid], algorithms=[alg])
        if mode == "tampered":
            header, body, signature = token.split(".")
            claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            claims["sub"] = "someone-else"
            token = f"{header}.{b64url(json.dumps(claims).encode())}.{signature}"
        return token

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self, status, body=None, headers=()):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/.well-known/openid-configuration":
                    base = provider.issuer
                    self.answer(200, {
                        "issuer": base, "authorization_endpoint": base + "/authorize",
                        "token_endpoint": base + "/token", "jwks_uri": base + "/jwks",
                        "response_types_supported": ["code"], "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                        "code_challenge_methods_supported": ["S256"]})
                elif url.path == "/jwks":
                    with provider.lock:
                        keys = [provider.keys[kid].as_dict(private=False) for kid in provider.published]
                    self.answer(200, {"keys": keys})
                elif url.path == "/authorize":
                    self.authorize(query)
                else:
                    self.answer(404, {"error": "not_found"})

            def authorize(self, query):
                redirect = query.get("redirect_uri", "")
                problems = []
                if query.get("client_id") != provider.client_id:
                    problems.append("client_id")
                if query.get("response_type") != "code":
                    problems.append("response_type")
                if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
                    problems.append("code_challenge")
                if "openid" not in query.get("scope", "").split():
                    problems.append("scope")
                if not query.get("nonce") or not query.get("state"):
                    problems.append("nonce/state")
                if problems or not redirect.startswith("http"):
                    self.answer(400, {"error": "invalid_request", "fields": problems})
                    return
                code = secrets.token_urlsafe(24)
                with provider.lock:
                    provider.codes[code] = {"challenge": query["code_challenge"], "nonce": query["nonce"],
                                            "redirect_uri": redirect}
                separator = "&" if "?" in redirect else "?"
                location = redirect + separator + urllib.parse.urlencode({"code": code, "state": query["state"]})
                self.answer(302, None, [("Location", location)])

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                if self.path == "/control":
                    options = json.loads(body or "{}")
                    provider.control(options.get("mode"), options.get("claims"), options.get("jwks"))
                    self.answer(200, {"ok": True})
                    return
                if self.path != "/token":
                    self.answer(404, {"error": "not_found"})
                    return
                fields = dict(urllib.parse.parse_qsl(body))
                provider.requests.append(fields)
                expected = "Basic " + base64.b64encode(
                    f"{urllib.parse.quote(provider.client_id, safe='')}:"
                    f"{urllib.parse.quote(provider.client_secret, safe='')}".encode()).decode()
                if not hmac.compare_digest(self.headers.get("Authorization", ""), expected):
                    self.answer(401, {"error": "invalid_client"})
                    return
                with provider.lock:
                    grant = provider.codes.pop(fields.get("code", ""), None)
                if fields.get("grant_type") != "authorization_code" or grant is None:
                    self.answer(400, {"error": "invalid_grant"})
                    return
                if fields.get("redirect_uri") != grant["redirect_uri"]:
                    self.answer(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
                    return
                verifier = fields.get("code_verifier", "")
                challenge = b64url(hashlib.sha256(verifier.encode()).digest())
                if not (43 <= len(verifier) <= 128) or not hmac.compare_digest(challenge, grant["challenge"]):
                    self.answer(400, {"error": "invalid_grant", "error_description": "PKCE verifier"})
                    return
                with provider.lock:
                    token = provider.id_token(grant["nonce"], dict(provider.claims))
                    provider.last_nonce = grant["nonce"]
                self.answer(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                                  "expires_in": 300, "id_token": token})

        return Handler


if __name__ == "__main__":
    server = ProviderServer(sys.argv[2], sys.argv[3], int(sys.argv[1])).start()
    print(f"provider at {server.issuer}", flush=True)
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()
