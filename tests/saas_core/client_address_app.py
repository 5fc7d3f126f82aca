"""An ASGI app that answers with the client address the server put in the request (test_cli_web)."""


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": (scope.get("client") or ("-",))[0].encode()})
