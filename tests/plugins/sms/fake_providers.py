"""One loopback HTTP server that answers like Aliyun SMS, Tencent Cloud SMS and Twilio.

It checks each request the way the provider does (Aliyun's ACS3-HMAC-SHA256 signature, Tencent
Cloud's TC3-HMAC-SHA256, Twilio's HTTP Basic credentials; the action, version and required
parameters) and answers with the provider's own success and error bodies. What a number gets
is scripted: ``fake.script("13900000001", "limit", "ok")`` answers that number's next requests
in turn (``ok`` once the script is used up):

- ``ok``: accepted (recorded in ``accepted``)
- ``limit``: Aliyun isv.BUSINESS_LIMIT_CONTROL / Tencent LimitExceeded.PhoneNumberThirtySecondLimit
  / Twilio 20429
- ``daily``: Tencent LimitExceeded.PhoneNumberDailyLimit (not worth retrying today)
- ``invalid``: Aliyun isv.MOBILE_NUMBER_ILLEGAL / Tencent InvalidParameterValue.IncorrectPhoneNumber
  / Twilio 21211
- ``5xx``: HTTP 503 with the provider's error body
- ``slow``: accepted, but answered only after ``slow_seconds`` (longer than the client waits)
- ``hold``: accepted, answered only when ``release()`` is called (a worker killed meanwhile)

Every request is kept in ``requests`` (provider, number, out_id, params, signature check).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

ALIYUN_KEY, ALIYUN_SECRET = "LTAI5tTestKeyId", "aliyun-secret-Kq3"
TENCENT_ID, TENCENT_KEY = "AKIDtestSecretId", "tencent-secret-9Zx"
TENCENT_APP = "1400000001"
TWILIO_SID, TWILIO_TOKEN = "AC" + "0" * 32, "twilio-token-77"
TWILIO_FROM = "+15005550006"


@dataclass
class Seen:
    provider: str
    number: str = ""
    out_id: str = ""
    params: dict = field(default_factory=dict)
    signature_ok: bool = False
    answer: str = ""


class FakeProviders:
    def __init__(self):
        self.requests: list[Seen] = []
        self.accepted: list[Seen] = []
        self.scripts: dict[str, deque] = defaultdict(deque)
        self.slow_seconds = 3.0
        self.held = threading.Event()
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.accepted.clear()
            self.scripts.clear()
        self.held.set()  # let any request still held go
        self.held = threading.Event()
        self.arrived = threading.Event()

    def script(self, number: str, *answers: str) -> None:
        self.scripts[number].extend(answers)

    def release(self) -> None:
        self.held.set()

    def stop(self) -> None:
        self.held.set()
        self.server.shutdown()

    def accepted_for(self, out_id: str) -> int:
        return sum(1 for s in self.accepted if s.out_id == out_id)

    # --- the request handler -------------------------------------------------------------

    def _next_answer(self, number: str) -> str:
        with self._lock:
            queue = self.scripts.get(number)
            return queue.popleft() if queue else "ok"

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)
            if seen.answer in ("ok", "slow", "hold"):
                self.accepted.append(seen)

    def _wait(self, answer: str) -> None:
        if answer == "slow":
            time.sleep(self.slow_seconds)
        elif answer == "hold":
            self.arrived.set()
            self.held.wait(60)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                # Tencent Cloud answers exactly "application/json" (its SDK reads errors only then).
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                auth = self.headers.get("Authorization", "")
                try:
                    if auth.startswith("ACS3-HMAC-SHA256"):
                        fake._aliyun(self, body)
                    elif auth.startswith("TC3-HMAC-SHA256"):
                        fake._tencent(self, body)
                    elif self.path.startswith("/2010-04-01/Accounts/"):
                        fake._twilio(self, body)
                    else:
                        self._reply(400, {"error": "unknown request"})
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

        return Handler

    # --- Aliyun SendSms (RPC style, ACS3-HMAC-SHA256) --------------------------------------

    def _aliyun(self, h, body: bytes) -> None:
        parts = urlsplit(h.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        auth = h.headers["Authorization"]
        fields = dict(item.strip().split("=", 1) for item in auth.split(" ", 1)[1].split(","))
        signed = fields["SignedHeaders"].split(";")
        canonical_query = "&".join(f"{k}={quote(query[k], safe='~')}" for k in sorted(query))
        canonical_headers = "".join(f"{name}:{(h.headers.get(name) or '').strip()}\n" for name in signed)
        payload_hash = hashlib.sha256(body).hexdigest()
        canonical = "\n".join([h.command, parts.path or "/", canonical_query, canonical_headers,
                               fields["SignedHeaders"], payload_hash])
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
        expected = hmac.new(ALIYUN_SECRET.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        seen = Seen("aliyun", query.get("PhoneNumbers", ""), query.get("OutId", ""),
                    dict(query))
        request_id = str(uuid.uuid4()).upper()
        if fields["Credential"] != ALIYUN_KEY:
            self._record(seen)
            return h._reply(404, {"RequestId": request_id, "Code": "InvalidAccessKeyId.NotFound",
                                  "Message": "Specified access key is not found.", "HostId": "dysmsapi.aliyuncs.com"})
        seen.signature_ok = hmac.compare_digest(expected, fields["Signature"]) and \
            h.headers.get("x-acs-content-sha256") == payload_hash
        if not seen.signature_ok:
            self._record(seen)
            return h._reply(400, {"RequestId": request_id, "Code": "SignatureDoesNotMatch",
                                  "Message": "Specified signature is not matched with our calculation.",
                                  "HostId": "dysmsapi.aliyuncs.com"})
        if h.headers.get("x-acs-action") != "SendSms" or h.headers.get("x-acs-version") != "2017-05-25":
            self._record(seen)
            return h._reply(400, {"RequestId": request_id, "Code": "InvalidAction.NotFound",
                                  "Message": "Specified api is not found, please check your url and method."})
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not query.get(name):
                self._record(seen)
                return h._reply(400, {"RequestId": request_id, "Code": "MissingParameter",
                                      "Message": f"The input parameter \"{name}\" that is mandatory for processing "
                                                 "this request is not supplied."})
        seen.answer = answer = self._next_answer(seen.number)
        self._record(seen)
        if answer == "5xx":
            return h._reply(503, {"RequestId": request_id, "Code": "ServiceUnavailable",
                                  "Message": "The request has failed due to a temporary failure of the server."})
        if answer == "limit":
            return h._reply(200, {"RequestId": request_id, "Code": "isv.BUSINESS_LIMIT_CONTROL",
                                  "Message": "触发分钟级流控Permits:1"})
        if answer == "invalid":
            return h._reply(200, {"RequestId": request_id, "Code": "isv.MOBILE_NUMBER_ILLEGAL",
                                  "Message": "非法手机号"})
        self._wait(answer)
        h._reply(200, {"RequestId": request_id, "Code": "OK", "Message": "OK",
                       "BizId": f"{int(time.time())}{len(self.requests):06d}^0"})

    # --- Tencent Cloud SendSms 2021-01-11 (TC3-HMAC-SHA256) --------------------------------

    def _tencent(self, h, body: bytes) -> None:
        auth = h.headers["Authorization"]
        fields = dict(item.strip().split("=", 1) for item in auth.split(" ", 1)[1].split(","))
        secret_id, date, service, _ = fields["Credential"].split("/")
        request_id = str(uuid.uuid4())
        params = json.loads(body or b"{}")
        numbers = params.get("PhoneNumberSet") or [""]
        seen = Seen("tencent", numbers[0], params.get("SessionContext", ""), params)

        def error(code: str, message: str, status: int = 200):
            self._record(seen)
            h._reply(status, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id}})

        if secret_id != TENCENT_ID:
            return error("AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your "
                                                         "SecretId is correct.")
        canonical = "\n".join([
            "POST", "/", "",
            f"content-type:{h.headers.get('Content-Type')}\nhost:{h.headers.get('Host')}\n",
            "content-type;host", hashlib.sha256(body).hexdigest(),
        ])
        scope = f"{date}/{service}/tc3_request"
        to_sign = "\n".join(["TC3-HMAC-SHA256", h.headers.get("X-TC-Timestamp", ""), scope,
                             hashlib.sha256(canonical.encode()).hexdigest()])
        key = hmac.new(("TC3" + TENCENT_KEY).encode(), date.encode(), hashlib.sha256).digest()
        key = hmac.new(key, service.encode(), hashlib.sha256).digest()
        key = hmac.new(key, b"tc3_request", hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        seen.signature_ok = hmac.compare_digest(expected, fields["Signature"])
        if not seen.signature_ok:
            return error("AuthFailure.SignatureFailure", "The provided credentials could not be validated. "
                                                         "Please check your signature is correct.")
        if h.headers.get("X-TC-Action") != "SendSms" or h.headers.get("X-TC-Version") != "2021-01-11" \
                or service != "sms":
            return error("InvalidAction", "The requested action does not exist.")
        if params.get("SmsSdkAppId") != TENCENT_APP:
            return error("FailedOperation.SmsSdkAppIdVerifyFail", "SdkAppId verify failed.")
        for name in ("TemplateId", "SignName"):
            if not params.get(name):
                return error("MissingParameter", f"The {name} parameter is missing.")
        seen.answer = answer = self._next_answer(seen.number)
        self._record(seen)
        if answer == "5xx":
            return h._reply(503, {"Response": {"Error": {"Code": "InternalError", "Message": "Service unavailable"},
                                               "RequestId": request_id}})
        codes = {
            "limit": ("LimitExceeded.PhoneNumberThirtySecondLimit", "单个手机号30秒内下发短信条数超过设定的上限"),
            "daily": ("LimitExceeded.PhoneNumberDailyLimit", "单个手机号日下发短信条数超过设定的上限"),
            "invalid": ("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"),
        }
        if answer in codes:
            code, message = codes[answer]
            status = {"SerialNo": "", "PhoneNumber": seen.number, "Fee": 0, "SessionContext": seen.out_id,
                      "Code": code, "Message": message, "IsoCode": "CN"}
        else:
            self._wait(answer)
            status = {"SerialNo": f"2640:{uuid.uuid4().int % 10**20}", "PhoneNumber": seen.number, "Fee": 1,
                      "SessionContext": seen.out_id, "Code": "Ok", "Message": "send success", "IsoCode": "CN"}
        h._reply(200, {"Response": {"SendStatusSet": [status], "RequestId": request_id}})

    # --- Twilio Messages (HTTP Basic) ------------------------------------------------------

    def _twilio(self, h, body: bytes) -> None:
        form = dict(parse_qsl(body.decode()))
        seen = Seen("twilio", form.get("To", ""), "", form)
        sid = h.path.split("/")[3]
        auth = h.headers.get("Authorization", "")
        expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        seen.signature_ok = hmac.compare_digest(auth, expected) and sid == TWILIO_SID
        if not seen.signature_ok:
            self._record(seen)
            return h._reply(401, {"code": 20003, "message": "Authenticate",
                                  "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401})
        if not h.path.endswith("/Messages.json"):
            self._record(seen)
            return h._reply(404, {"code": 20404, "message": "The requested resource was not found", "status": 404})
        for name in ("To", "Body"):
            if not form.get(name):
                self._record(seen)
                return h._reply(400, {"code": 21604 if name == "To" else 21602,
                                      "message": f"A '{name}' phone number is required." if name == "To"
                                      else "Message body is required.", "status": 400})
        if form.get("From") != TWILIO_FROM:
            self._record(seen)
            return h._reply(400, {"code": 21606, "message": f"The From phone number {form.get('From')} is not a "
                                  "valid, SMS-capable inbound phone number or short code for your account.",
                                  "status": 400})
        seen.answer = answer = self._next_answer(seen.number)
        self._record(seen)
        if answer == "5xx":
            return h._reply(503, {"code": 20503, "message": "Service Unavailable", "status": 503})
        if answer == "limit":
            return h._reply(429, {"code": 20429, "message": "Too Many Requests", "status": 429})
        if answer == "invalid":
            return h._reply(400, {"code": 21211, "message": f"The 'To' number {seen.number} is not a valid phone "
                                  "number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400})
        self._wait(answer)
        message_sid = "SM" + uuid.uuid4().hex
        seen.out_id = message_sid
        h._reply(201, {"sid": message_sid, "account_sid": TWILIO_SID, "to": seen.number, "from": TWILIO_FROM,
                       "body": form["Body"], "status": "queued", "num_segments": "1",
                       "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{message_sid}.json"})
