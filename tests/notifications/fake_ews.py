"""A local EWS endpoint that speaks enough SOAP for exchangelib to send for real.

It answers GetFolder (root, sentitems), CreateItem (SendAndSaveCopy) and
FindItem on the reminder-key extended property, checks Basic credentials,
keeps every message it was given, and injects faults on demand: a busy SOAP
fault with BackOffMilliseconds, HTTP 503, or a socket dropped after the message
was accepted (the client cannot know it went).
"""

from __future__ import annotations

import base64
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.site_server import QuietHTTPServer

S = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
NS = {"s": S, "m": M, "t": T}


@dataclass
class SentMessage:
    subject: str
    body: str
    body_type: str
    to: list[str]
    cc: list[str]
    key: str | None
    disposition: str


@dataclass
class EwsState:
    username: str = "NOVOALTAYSK\\srok"
    password: str = "correct horse"
    sent: list[SentMessage] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)  # consumed by CreateItem: busy, 503, drop
    requests: list[str] = field(default_factory=list)  # operation names, in order
    refused: int = 0  # requests without valid credentials (401)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _envelope(body: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<s:Envelope xmlns:s="{S}" xmlns:m="{M}" xmlns:t="{T}">'
        '<s:Header><t:ServerVersionInfo MajorVersion="15" MinorVersion="1" '
        'MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11"/></s:Header>'
        f"<s:Body>{body}</s:Body></s:Envelope>"
    ).encode()


BUSY = (
    "<s:Fault><faultcode>a:ErrorServerBusy</faultcode>"
    "<faultstring>The server cannot service this request right now. Try again later.</faultstring>"
    '<detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">'
    "ErrorServerBusy</e:ResponseCode>"
    '<e:Message xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">'
    "The server cannot service this request right now. Try again later.</e:Message>"
    '<t:MessageXml><t:Value Name="BackOffMilliseconds">50</t:Value></t:MessageXml>'
    "</detail></s:Fault>"
)


def _folder(name: str) -> str:
    cls, display = ("IPF.Note", "Sent Items") if name == "sentitems" else ("", "Root")
    folder_class = f"<t:FolderClass>{cls}</t:FolderClass>" if cls else ""
    return (
        '<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
        f'<m:Folders><t:Folder><t:FolderId Id="{name}-id" ChangeKey="ck"/>'
        f"{folder_class}<t:DisplayName>{display}</t:DisplayName>"
        "<t:TotalCount>0</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount>"
        "<t:UnreadCount>0</t:UnreadCount></t:Folder></m:Folders></m:GetFolderResponseMessage>"
    )


def make_handler(state: EwsState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def _authorised(self) -> bool:
            expected = base64.b64encode(f"{state.username}:{state.password}".encode()).decode()
            return self.headers.get("Authorization") == f"Basic {expected}"

        def _reply(
            self, status: int, body: bytes, content_type: str = "text/xml; charset=utf-8"
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if not self._authorised():
                with state.lock:
                    state.refused += 1
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="ews"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = ET.fromstring(raw).find("s:Body", NS)
            assert body is not None
            operation = body[0]
            name = operation.tag.rpartition("}")[2]
            with state.lock:
                state.requests.append(name)
            if name == "GetFolder":
                ids = [e.attrib["Id"] for e in operation.iter(f"{{{T}}}DistinguishedFolderId")]
                reply = "".join(_folder(i) for i in ids)
                self._reply(
                    200,
                    _envelope(
                        f"<m:GetFolderResponse><m:ResponseMessages>{reply}"
                        "</m:ResponseMessages></m:GetFolderResponse>"
                    ),
                )
            elif name == "CreateItem":
                self._create(operation)
            elif name == "FindItem":
                self._find(operation)
            else:
                self._reply(
                    500,
                    _envelope(
                        f"<s:Fault><faultcode>s:Client</faultcode>"
                        f"<faultstring>{name} not supported</faultstring></s:Fault>"
                    ),
                )

        def _create(self, operation: ET.Element) -> None:
            with state.lock:
                fault = state.faults.pop(0) if state.faults else None
            if fault == "busy":
                self._reply(500, _envelope(BUSY))
                return
            if fault == "503":
                self.send_response(503)
                self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            message = operation.find("m:Items/t:Message", NS)
            assert message is not None
            key = None
            for prop in message.findall("t:ExtendedProperty", NS):
                uri = prop.find("t:ExtendedFieldURI", NS)
                if uri is not None and uri.attrib.get("PropertyName") == "X-Srok-Reminder-Key":
                    key = prop.findtext("t:Value", namespaces=NS)
            body = message.find("t:Body", NS)
            sent = SentMessage(
                subject=message.findtext("t:Subject", default="", namespaces=NS),
                body=body.text or "" if body is not None else "",
                body_type=body.attrib.get("BodyType", "") if body is not None else "",
                to=[
                    e.text or ""
                    for e in message.findall("t:ToRecipients/t:Mailbox/t:EmailAddress", NS)
                ],
                cc=[
                    e.text or ""
                    for e in message.findall("t:CcRecipients/t:Mailbox/t:EmailAddress", NS)
                ],
                key=key,
                disposition=operation.attrib.get("MessageDisposition", ""),
            )
            with state.lock:
                state.sent.append(sent)
            if fault == "drop":
                self.close_connection = True
                self.connection.shutdown(2)  # accepted, then the reply is lost
                return
            self._reply(
                200,
                _envelope(
                    "<m:CreateItemResponse><m:ResponseMessages>"
                    '<m:CreateItemResponseMessage ResponseClass="Success">'
                    "<m:ResponseCode>NoError</m:ResponseCode><m:Items/>"
                    "</m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>"
                ),
            )

        def _find(self, operation: ET.Element) -> None:
            wanted = operation.findtext(
                ".//t:IsEqualTo/t:FieldURIOrConstant/t:Constant", namespaces=NS
            )
            constant = operation.find(".//t:IsEqualTo/t:FieldURIOrConstant/t:Constant", NS)
            if constant is not None:
                wanted = constant.attrib.get("Value")
            with state.lock:
                hits = [m for m in state.sent if m.key == wanted and "Save" in m.disposition]
            items = "".join(
                f'<t:Message><t:ItemId Id="item-{i}" ChangeKey="ck"/></t:Message>'
                for i, _ in enumerate(hits)
            )
            self._reply(
                200,
                _envelope(
                    "<m:FindItemResponse><m:ResponseMessages>"
                    '<m:FindItemResponseMessage ResponseClass="Success">'
                    "<m:ResponseCode>NoError</m:ResponseCode>"
                    f'<m:RootFolder TotalItemsInView="{len(hits)}" IncludesLastItemInRange="true">'
                    f"<t:Items>{items}</t:Items></m:RootFolder>"
                    "</m:FindItemResponseMessage></m:ResponseMessages></m:FindItemResponse>"
                ),
            )

    return Handler


class FakeEws:
    """Run the endpoint on 127.0.0.1 in a thread."""

    def __init__(self) -> None:
        self.state = EwsState()
        self.server = QuietHTTPServer(("127.0.0.1", 0), make_handler(self.state))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/EWS/Exchange.asmx"

    def __enter__(self) -> FakeEws:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
