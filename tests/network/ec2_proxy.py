"""A loopback proxy in front of moto_server's EC2 for what moto cannot do: the
faults (an EC2 error for one chosen call, matched on the query protocol's
form-encoded ``Action`` and one of its parameters, answered in EC2's XML error
shape as the API reference shows it; or the call forwarded to moto and its answer
lost), and a record of every call's parameters (for a change moto ignores)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from tests.support.loopback import Handler, serving_handler

ERROR = """<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors>\
<RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>"""


@dataclass
class Fault:
    action: str  # e.g. CreateVpcEndpoint
    param: str  # e.g. ServiceName
    value: str  # e.g. com.amazonaws.us-east-1.s3
    code: str | None = None  # answer this EC2 error; None: forward, then lose the answer


@dataclass
class Faults:
    faults: list[Fault] = field(default_factory=list)
    calls: list[dict[str, str]] = field(default_factory=list)  # every call's parameters

    def match(self, form: dict[str, list[str]]) -> Fault | None:
        action = form.get("Action", [""])[0]
        self.calls.append({k: v[0] for k, v in form.items()})
        return next(
            (f for f in self.faults if f.action == action and f.value in form.get(f.param, [])),
            None,
        )


def _handler(upstream: str, faults: Faults) -> type[Handler]:
    class Proxy(Handler):
        def do_POST(self) -> None:
            body = self.read_body()
            fault = faults.match(parse_qs(body.decode()))
            if fault is not None and fault.code:
                text = ERROR.format(code=fault.code, message=f"{fault.action} refused").encode()
                self.reply(400, text, {"Content-Type": "text/xml;charset=UTF-8"})
                return
            status, data, headers = self.forward(upstream, body)
            if fault is not None:  # moto did it; the caller never hears
                self.close_connection = True
                self.connection.close()
                return
            self.reply(status, data, headers)

    return Proxy


def ec2_proxy(upstream: str, faults: Faults) -> AbstractContextManager[str]:
    """The proxy's URL while the block runs."""
    return serving_handler(_handler(upstream, faults))
