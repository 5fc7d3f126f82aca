"""Attack a running installation from outside, as issue 13's "Must hold" asks, and count.

    python bench/attack/attack.py --base http://127.0.0.1:8000 --a alpha --b beta \
        --password '…' [--a-email boss@… --b-email boss@…]

Two companies' Bosses sign in with tokens; every attempt is an HTTP request from outside and is
counted per kind, with the ones that did not hold listed at the end (exit status 1 then):

- cross-company: every API operation with an id, called with company A's token on A's host with
  ids that exist only in company B, and every list with B's token on A's host and A's session on
  B's host (must be 401/403/404, and B's data never in an answer);
- file, attachment and export links of B fetched as A;
- XSS: a customer named ``<img src=x onerror=alert(1)>`` shown on the list, 360, search, picker
  pages (the raw tag must never appear unescaped);
- CSP header on every page fetched; open redirects through ``next=``; path traversal in an
  uploaded file's name; forged and replayed Stripe webhooks; bad input (wrong types, huge
  bodies, unicode, negative/huge/over-precise money); sign-in rate limit; SSRF through the SMS
  endpoint.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import hmac
import json
import re
import sys
import time

import requests

XSS = "<img src=x onerror=alert(1)>"
SECRET = f"Beta secret {time.time_ns()}"  # B's names, unique per run (a run must not find an earlier run's)
ATTEMPTS: collections.Counter = collections.Counter()
FOUND: list[tuple[str, str]] = []


def attempt(kind: str, ok: bool, what: str) -> None:
    ATTEMPTS[kind] += 1
    if not ok:
        FOUND.append((kind, what))


class Company:
    def __init__(self, base: str, sub: str, port: str, email: str, password: str):
        self.base, self.host = base, f"{sub}.localhost:{port}"
        self.session = requests.Session()
        self.session.headers.update({"Host": self.host, "Accept-Language": "en"})
        answer = self.session.post(base + "/api/v1/auth/token/", json={"username": email, "password": password})
        answer.raise_for_status()
        self.token = answer.json()["token"]
        self.api = requests.Session()
        self.api.headers.update({"Host": self.host, "Authorization": f"Token {self.token}", "Accept-Language": "en"})
        # a browser session too
        page = self.session.get(base + "/accounts/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.session.post(base + "/accounts/login/", data={"username": email, "password": password,
                                                           "csrfmiddlewaretoken": csrf},
                          headers={"Referer": f"http://{self.host}/accounts/login/"})

    def get(self, path: str, **kw):
        return self.api.get(self.base + path, timeout=60, **kw)

    def call(self, method: str, path: str, **kw):
        answer = self.api.request(method, self.base + path, timeout=60, **kw)
        if answer.status_code == 429 and path != "/api/v1/auth/token/":  # the API's rate limit: wait, once
            time.sleep(min(int(answer.headers.get("Retry-After", "5")), 60))
            answer = self.api.request(method, self.base + path, timeout=60, **kw)
        return answer


def seed(b: Company, n: int = 12, label: str = SECRET) -> dict[str, list]:
    """Objects in B, more of each than A has, so that the top ids exist only in B."""
    ids: dict[str, list] = collections.defaultdict(list)
    for i in range(n):
        answer = b.call("POST", "/api/v1/customers/", json={
            "name": f"{label} customer {i} {time.time_ns()}", "phone": f"0105{i:03d}{time.time_ns() % 10000:04d}",
            "confirm_duplicates": True, "contact": {"name": f"{label} contact {i}", "mobile": f"139{i:04d}{i:04d}"}})
        if answer.status_code == 201:
            customer = answer.json()["id"]
            ids["customers"].append(customer)
            ids["followups"].append(b.call("POST", "/api/v1/followups/", json={
                "customer": customer, "subject": f"{label} note {i}", "content": "x"}).json().get("id"))
            ids["tasks"].append(b.call("POST", "/api/v1/tasks/", json={
                "title": f"{label} task {i}", "customer": customer, "starts_at": "2026-12-08T09:00:00Z",
                "ends_at": "2026-12-08T10:00:00Z"}).json().get("id"))
            b.call("POST", "/api/v1/announcements/", json={"title": f"{label} news {i}", "body": "x"})
            ids["attachments"].append(b.api.post(b.base + f"/api/v1/customers/{customer}/attachments/",
                                                 files={"file": (f"{label}-{i}.txt", b"secret", "text/plain")},
                                                 timeout=60).json().get("id"))
    for kind, path in [("customers", "/api/v1/customers/"), ("contacts", "/api/v1/contacts/"), ("tasks", "/api/v1/tasks/"), ("users", "/api/v1/users/"),
                       ("followups", "/api/v1/followups/"), ("announcements", "/api/v1/announcements/"),
                       ("departments", "/api/v1/departments/"), ("notifications", "/api/v1/notifications/"),
                       ("recycle-bin", "/api/v1/recycle-bin/"), ("imports", "/api/v1/imports/"),
                       ("attachments", "/api/v1/attachments/"), ("care-records", "/api/v1/care-records/"),
                       ("daily-reports", "/api/v1/daily-reports/"), ("pools", "/api/v1/pools/")]:
        answer = b.get(path, params={"page_size": 200})
        if answer.status_code == 200:
            body = answer.json()
            rows = body.get("results", body) if isinstance(body, dict) else body
            ids[kind] += [r["id"] for r in rows if isinstance(r, dict) and "id" in r]
    return ids


def cross_company(a: Company, b: Company, b_ids: dict[str, list], a_ids: dict[str, list], schema: dict) -> None:
    only_b = {k: sorted(set(v) - set(a_ids.get(k, [])) - {None}) for k, v in b_ids.items()}
    print("ids only in B:", {k: len(v) for k, v in only_b.items()}, file=sys.stderr)
    for path, operations in schema["paths"].items():
        m = re.match(r"/api/v1/([a-z-]+)/\{(id|pk)\}/", path)
        if not m or m.group(1) not in only_b or not only_b[m.group(1)]:
            continue
        for method in operations:
            if method not in ("get", "put", "patch", "delete", "post"):
                continue
            for the_id in only_b[m.group(1)][-3:]:
                url = path.replace("{id}", str(the_id)).replace("{pk}", str(the_id)).replace("{user_id}", "1")
                answer = a.call(method.upper(), url, json={})
                attempt("cross-company id", answer.status_code in (400, 403, 404, 405, 429),
                        f"{method.upper()} {url} as A: {answer.status_code} {answer.text[:120]}")
    # B's token and A's browser session on the other company's host
    for path in [p for p in schema["paths"] if "{" not in p and "auth" not in p and "schema" not in p][:80]:
        wrong = requests.get(a.base + path, headers={"Host": a.host, "Authorization": f"Token {b.token}"}, timeout=60)
        attempt("token on the other host", wrong.status_code in (401, 403, 404),
                f"GET {path} on A with B's token: {wrong.status_code}")
        cookie = requests.get(b.base + path, headers={"Host": b.host}, cookies=a.session.cookies.get_dict(), timeout=60)
        attempt("session on the other host", cookie.status_code in (401, 403, 404),
                f"GET {path} on B with A's session: {cookie.status_code}")
    for the_id in only_b.get("attachments", [])[-3:]:
        for path in [f"/attachments/{the_id}/download/", f"/attachments/{the_id}/", f"/api/v1/attachments/{the_id}/download/"]:
            answer = a.session.get(a.base + path, timeout=60, allow_redirects=False)
            attempt("file link of the other company", answer.status_code in (302, 403, 404) and answer.content != b"secret",
                    f"{path} as A: {answer.status_code}")
    started = b.call("POST", "/api/v1/company/export/")
    if started.status_code == 202:
        token = started.json()["token"]
        for path in [f"/api/v1/company/export/{token}/", f"/api/v1/company/export/{token}/download/",
                     f"/company/export/{token}/download/"]:
            answer = a.session.get(a.base + path, timeout=60, allow_redirects=False) if not path.startswith("/api") \
                else a.get(path)
            attempt("export link of the other company", answer.status_code in (302, 403, 404),
                    f"{path} as A: {answer.status_code}")
    # B's data must not show up in A's search, list and export
    quoted = requests.utils.quote(SECRET)
    for path in [f"/api/v1/customers/?search={quoted}", f"/customers/?q={quoted}", "/imports/export/customers.xlsx",
                 "/imports/export/contacts.xlsx", f"/api/v1/contacts/?search={quoted}", "/api/v1/tasks/",
                 "/api/v1/followups/", "/api/v1/announcements/", "/api/v1/attachments/"]:
        answer = a.session.get(a.base + path, timeout=60) if not path.startswith("/api") else a.get(path)
        attempt("cross-company search/export", f"{SECRET} ".encode() not in answer.content and answer.status_code < 500,
                f"{path}: B's data in A ({answer.status_code})")


def xss(a: Company) -> None:
    made = a.call("POST", "/api/v1/customers/", json={"name": XSS, "phone": "01062340000", "confirm_duplicates": True,
                                                       "contact": {"name": XSS, "mobile": "13912340000"}})
    if made.status_code != 201:
        attempt("xss", False, f"could not create the customer: {made.status_code} {made.text[:200]}")
        return
    cid = made.json()["id"]
    for path in ["/customers/", f"/customers/{cid}/", "/customers/?q=img", "/search/?q=img", "/customers/picker/?q=img",
                 "/contacts/", "/", "/pools/", "/activities/", "/records/bin/", "/api/v1/customers/?search=img"]:
        answer = a.session.get(a.base + path, timeout=60)
        if answer.status_code == 404:
            continue
        attempt("xss", XSS.encode() not in answer.content or "json" in answer.headers.get("Content-Type", ""),
                f"{path}: unescaped name ({answer.status_code})")
        if "html" in answer.headers.get("Content-Type", ""):
            csp = answer.headers.get("Content-Security-Policy", "")
            attempt("csp", "script-src 'self'" in csp or ("default-src 'self'" in csp and "unsafe-inline" not in csp),
                    f"{path}: CSP {csp!r}")


def pages_csp(a: Company) -> None:
    home = a.session.get(a.base + "/", timeout=60).text
    links = sorted(set(re.findall(r'href="(/[^"#?]*)"', home)))[:60]
    for link in links:
        answer = a.session.get(a.base + link, timeout=60, allow_redirects=False)
        if "html" in answer.headers.get("Content-Type", ""):
            csp = answer.headers.get("Content-Security-Policy", "")
            attempt("csp", bool(csp) and "unsafe-inline" not in csp.split("script-src")[-1].split(";")[0],
                    f"{link}: CSP {csp!r}")
        attempt("page answers", answer.status_code < 500, f"{link}: {answer.status_code}")


def open_redirects(a: Company) -> None:
    for target in ["//evil.example/", "https://evil.example/", "/\\evil.example", "http:evil.example", "\\\\evil.example",
                   "/%2F%2Fevil.example", "https://a.localhost.evil.example/", " //evil.example"]:
        for path, method in [("/accounts/login/?next=", "GET"), ("/i18n/setlang/?next=", "POST")]:
            if method == "GET":
                answer = requests.get(a.base + path + requests.utils.quote(target, safe=""),
                                      headers={"Host": a.host}, cookies=a.session.cookies.get_dict(),
                                      allow_redirects=False, timeout=60)
            else:
                answer = a.session.post(a.base + "/i18n/setlang/", data={"language": "en", "next": target},
                                        allow_redirects=False, timeout=60)
            location = answer.headers.get("Location", "")
            attempt("open redirect", "evil.example" not in location, f"{path}{target!r} -> {location}")


def more_pages(a: Company) -> None:
    """Error pages, the API docs, the public site: a CSP too; a Referer is no redirect target; no
    form is accepted without its CSRF token."""
    public = {"Host": "localhost:" + a.host.rsplit(":", 1)[1]}
    for path, headers in [("/no/such/page/", {}), ("/api/v1/docs/", {}), ("/customers/999999999/", {}),
                          ("/", public), ("/signup/", public), ("/console/", public), ("/console/login/", public)]:
        answer = (requests.get(a.base + path, headers=headers, timeout=60, allow_redirects=False) if headers
                  else a.session.get(a.base + path, timeout=60, allow_redirects=False))
        if "html" in answer.headers.get("Content-Type", ""):
            attempt("csp", "Content-Security-Policy" in answer.headers, f"{path}: no CSP ({answer.status_code})")
        attempt("page answers", answer.status_code < 500, f"{path}: {answer.status_code}")
    answer = a.session.post(a.base + "/i18n/setlang/", data={"language": "en"},
                            headers={"Referer": "https://evil.example/"}, allow_redirects=False, timeout=60)
    attempt("open redirect", "evil.example" not in answer.headers.get("Location", ""),
            f"setlang with an evil Referer -> {answer.headers.get('Location')}")
    for path, data in [("/customers/new/", {"name": "csrf test"}), ("/accounts/logout/", {}),
                       ("/i18n/setlang/", {"language": "zh-hans"})]:
        bare = requests.Session()
        bare.cookies.update(a.session.cookies.get_dict())
        answer = bare.post(a.base + path, data=data, headers={"Host": a.host}, allow_redirects=False, timeout=60)
        attempt("csrf", answer.status_code == 403, f"POST {path} without the CSRF token: {answer.status_code}")


def webhooks(a: Company, secret: str) -> None:
    url = a.base + "/stripe/webhook/"
    body = json.dumps({"id": "evt_forged", "type": "invoice.paid", "data": {"object": {"id": "in_x", "customer": "cus_x",
                                                                                   "subscription": "sub_x"}}})
    host = {"Host": "localhost:" + a.host.rsplit(":", 1)[1], "Content-Type": "application/json"}

    def signed(ts: int, payload: str, key: str = secret) -> dict:
        sig = hmac.new(key.encode(), f"{ts}.{payload}".encode(), hashlib.sha256).hexdigest()
        return {**host, "Stripe-Signature": f"t={ts},v1={sig}"}

    for name, headers, payload in [
        ("unsigned", host, body), ("wrong key", signed(int(time.time()), body, "whsec_wrong"), body),
        ("an hour old", signed(int(time.time()) - 3600, body), body),
        ("an hour ahead", signed(int(time.time()) + 3600, body), body),
        ("signature of another body", signed(int(time.time()), body.replace("in_x", "in_y")), body),
    ]:
        answer = requests.post(url, data=payload, headers=headers, timeout=60)
        attempt("forged webhook", answer.status_code == 400, f"{name}: {answer.status_code}")
    ts = int(time.time())
    for _ in range(2):  # the same signed event twice: the second must change nothing either (400/200, never 5xx)
        answer = requests.post(url, data=body, headers=signed(ts, body), timeout=60)
        attempt("replayed webhook", answer.status_code < 500, f"replay: {answer.status_code}")
    for payload in ["[]", "{}", '{"id": null}', '{"id": "' + "x" * 5000 + '", "type": "a", "data": {"object": {}}}',
                    "not json", '{"id": "evt_1", "type": "invoice.paid", "data": null}']:
        answer = requests.post(url, data=payload, headers=signed(int(time.time()), payload), timeout=60)
        attempt("malformed webhook", answer.status_code == 400, f"{payload[:40]}: {answer.status_code}")


def bad_input(a: Company) -> None:
    cases = [
        ("POST", "/api/v1/customers/", {"name": 123}), ("POST", "/api/v1/customers/", {"name": ["x"]}),
        ("POST", "/api/v1/customers/", {"name": "x" * 100000}), ("POST", "/api/v1/customers/", {"name": "\u0000abc"}),
        ("POST", "/api/v1/customers/", {"name": "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0001F600 \u202e reversed", "confirm_duplicates": True}),
        ("POST", "/api/v1/customers/", {"name": "n", "owner": -1}), ("POST", "/api/v1/customers/", {"name": "n", "owner": 2**63}),
        ("POST", "/api/v1/tasks/", {"title": "t", "due": "not a date"}),
        ("POST", "/api/v1/billing/quote/", {"plan": "team", "seats": -5}),
        ("POST", "/api/v1/billing/quote/", {"plan": "team", "seats": 10**30}),
        ("POST", "/api/v1/billing/quote/", {"plan": "team", "seats": 1.5}),
        ("POST", "/api/v1/billing/card/", {"number": "4242424242424242", "exp_month": 13, "exp_year": 2035, "cvc": "1"}),
        ("PATCH", "/api/v1/me/", {"language": "xx" * 1000}),
        ("POST", "/api/v1/sms/templates/", {"name": "t", "body": "x" * 1_000_000}),
        ("GET", "/api/v1/customers/?page=-1", None), ("GET", "/api/v1/customers/?page=99999999999999999999", None),
        ("GET", "/api/v1/customers/?ordering=password", None), ("GET", "/api/v1/customers/?page_size=100000000", None),
        ("GET", "/api/v1/pools/abc/customers/", None), ("GET", "/api/v1/customers/1e9999/", None),
    ]
    for method, path, body in cases:
        answer = a.call(method, path, json=body) if body is not None else a.call(method, path)
        attempt("bad input", answer.status_code < 500 and "json" in answer.headers.get("Content-Type", ""),
                f"{method} {path} {str(body)[:60]}: {answer.status_code} {answer.text[:160]}")
    huge = a.api.post(a.base + "/api/v1/customers/", data=b"{" + b'"a":' * 10 + b"1" * (30 * 1024 * 1024) + b"}",
                      headers={"Content-Type": "application/json"}, timeout=120)
    attempt("bad input", huge.status_code in (400, 413), f"30 MB body: {huge.status_code}")
    for raw in [b"\xff\xfe not utf-8", b'{"name": "a"' , b"1" * 100]:
        answer = a.api.post(a.base + "/api/v1/customers/", data=raw, headers={"Content-Type": "application/json"},
                            timeout=60)
        attempt("bad input", answer.status_code == 400, f"raw {raw[:20]!r}: {answer.status_code}")


def money(a: Company) -> None:
    """Money fields take Decimal text: no float rounding, no precision beyond the currency's."""
    for amount in ["0.1", "12.345", "-5", "1e400", "NaN", "Infinity", "99999999999999999999.99", 0.1]:
        answer = a.call("POST", "/api/v1/followups/", json={"customer": 1, "kind": "call", "content": "x", "amount": amount})
        attempt("money", answer.status_code < 500, f"amount {amount!r}: {answer.status_code} {answer.text[:120]}")


def traversal(a: Company, customer_id: int) -> None:
    for name in ["../../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "a\u0000.txt", "%2e%2e%2fx.txt",
                 "<script>alert(1)</script>.html", "CON", "x" * 400 + ".txt"]:
        answer = a.api.post(a.base + f"/api/v1/customers/{customer_id}/attachments/",
                            files={"file": (name, b"hello", "text/plain")}, timeout=60)
        ok = answer.status_code < 500
        if answer.status_code in (200, 201):
            body = answer.json()
            stored = json.dumps(body)
            ok = "/etc/passwd" not in body.get("file", "") and ".." not in body.get("file", "")
            download = a.get(f"/api/v1/attachments/{body['id']}/download/")
            ok = ok and download.status_code == 200 and download.content == b"hello"
            disposition = download.headers.get("Content-Disposition", "")
            ok = ok and "<script>" not in disposition and "\n" not in disposition and stored
        attempt("path traversal", ok, f"file name {name[:40]!r}: {answer.status_code} {answer.text[:160]}")


def rate_limits(a: Company, email: str) -> None:
    codes = collections.Counter()
    for _ in range(40):
        answer = requests.post(a.base + "/api/v1/auth/token/", json={"username": email, "password": "wrong"},
                               headers={"Host": a.host}, timeout=60)
        codes[answer.status_code] += 1
    attempt("rate limit", codes[429] > 0, f"40 wrong sign-ins: {dict(codes)}")
    for header in ("X-Forwarded-For", "X-Real-IP", "Forwarded"):  # a forged client address must not reset the count
        value = "for=203.0.113.9" if header == "Forwarded" else "203.0.113.9"
        answer = requests.post(a.base + "/api/v1/auth/token/", json={"username": email, "password": "wrong"},
                               headers={"Host": a.host, header: value}, timeout=60)
        attempt("rate limit", answer.status_code == 429, f"{header} spoofed: {answer.status_code}")
    attempt("lockout as a weapon", a.get("/api/v1/me/").status_code == 200, "the Boss's token stopped working")


def ssrf(a: Company) -> None:
    for endpoint in ["http://127.0.0.1:8765/", "https://127.0.0.1/", "https://localhost/", "https://169.254.169.254/",
                     "https://10.0.0.1/", "https://[::1]/", "https://0x7f000001/", "https://2130706433/",
                     "https://127.1/", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO", "https://[::ffff:127.0.0.1]/"]:
        answer = a.call("PATCH", "/api/v1/sms/settings/", json={"provider": "twilio", "endpoint": endpoint})
        if answer.status_code == 404:
            answer = a.call("PUT", "/api/v1/sms/settings/", json={"provider": "twilio", "endpoint": endpoint})
        attempt("ssrf", answer.status_code in (400, 403, 404), f"endpoint {endpoint}: {answer.status_code} {answer.text[:100]}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--a", default="alpha")
    parser.add_argument("--b", default="beta")
    parser.add_argument("--a-email", required=True)
    parser.add_argument("--b-email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--webhook-secret", default="whsec_local_dev")
    args = parser.parse_args()
    port = args.base.rsplit(":", 1)[1]
    a = Company(args.base, args.a, port, args.a_email, args.password)
    b = Company(args.base, args.b, port, args.b_email, args.password)
    schema = a.get("/api/v1/schema/?format=json").json()
    seed(a, 2, "Alpha own")
    b_ids, a_ids = seed(b), seed(a, 0)
    steps = [("cross-company", lambda: cross_company(a, b, b_ids, a_ids, schema)), ("xss", lambda: xss(a)),
             ("pages", lambda: pages_csp(a)), ("redirects", lambda: open_redirects(a)), ("more pages", lambda: more_pages(a)),
             ("webhooks", lambda: webhooks(a, args.webhook_secret)), ("bad input", lambda: bad_input(a)),
             ("money", lambda: money(a)), ("traversal", lambda: traversal(a, (a_ids.get("customers") or [1])[0])),
             ("ssrf", lambda: ssrf(a)), ("rate limits", lambda: rate_limits(a, args.a_email))]
    for name, step in steps:
        try:
            step()
        except Exception as exc:  # one broken step must not hide the others' results
            attempt(name, False, f"the step itself failed: {type(exc).__name__}: {exc}")
    for kind, count in sorted(ATTEMPTS.items()):
        found = sum(1 for k, _ in FOUND if k == kind)
        print(f"{kind:32s} attempts {count:5d}  did not hold {found}")
    for kind, what in FOUND:
        print(f"  ! {kind}: {what}")
    return 1 if FOUND else 0


if __name__ == "__main__":
    sys.exit(main())
