"""One way to ask a network over HTTP: timeouts, rate limits, 5xx and bad JSON named in Russian.

Every client goes through :class:`Transport`, so a network that is down, slow
or answering nonsense leaves the account "not checked" with the reason, and a
rate limit is waited out a bounded number of times, never forever.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from networks.base import CannotBeChecked, NotChecked

USER_AGENT = "srok/0.1 (standing rules check, clause 2; Novoaltaisk IT department)"


@dataclass
class Throttle:
    """At most ``per_second`` requests a second to one network (the weekly run's bound)."""

    per_second: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last: float | None = field(default=None, init=False)

    def wait(self) -> None:
        if self.per_second <= 0:
            return
        now = self.clock()
        if self._last is not None:
            gap = 1.0 / self.per_second - (now - self._last)
            if gap > 0:
                self.sleep(gap)
                now += gap
        self._last = now


@dataclass
class Transport:
    """An httpx client for one network, with the network's name for messages."""

    name: str  # as residents name the network: «ВКонтакте»
    client: httpx.Client
    throttle: Throttle
    retries: int = 3  # rate-limit waits before giving up on this request
    backoff: float = 1.0  # seconds, doubled each wait
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0  # made so far: the benchmark's requests per account
    # The answers since the last take_evidence(): what a stored check's hash covers.
    _answers: Any = field(default_factory=hashlib.sha256, init=False, repr=False)
    _since: int = field(default=0, init=False, repr=False)

    def take_evidence(self) -> tuple[str | None, int]:
        """Return the SHA-256 of the answers and the number of requests since the last take."""
        made = self.requests - self._since
        digest = self._answers.hexdigest() if made else None
        self._answers, self._since = hashlib.sha256(), self.requests
        return digest, made

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
    ) -> httpx.Response:
        """GET with the throttle; a 429 waited out, a 5xx or silence raised as NotChecked."""
        return self.request(
            "GET", url, params=params, headers=headers, follow_redirects=follow_redirects
        )

    def post_form(self, url: str, *, form: Mapping[str, Any]) -> httpx.Response:
        """POST a form: what carries a token that must not sit in a URL (proxies log URLs)."""
        return self.request("POST", url, form=form)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        form: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        follow_redirects: bool = True,
    ) -> httpx.Response:
        """Send one request with the throttle and the bounded waits of a rate limit."""
        for attempt in range(self.retries + 1):
            self.throttle.wait()
            self.requests += 1
            try:
                response = self.client.request(
                    method,
                    url,
                    params=params,
                    data=form,
                    headers=headers,
                    follow_redirects=follow_redirects,
                )
            except httpx.TimeoutException:
                raise NotChecked(
                    f"{self.name} не ответил за {self.client.timeout.read or 0:g} с"
                ) from None
            except httpx.HTTPError as error:
                raise NotChecked(f"{self.name} недоступен: {type(error).__name__}") from None
            if response.status_code == 429 and attempt < self.retries:
                self.sleep(self.wait_for(response, attempt))
                continue
            if response.status_code == 429:
                raise NotChecked(f"{self.name} ограничил частоту запросов и не снял ограничение")
            self._answers.update(f"{response.status_code} {response.url}\n".encode())
            self._answers.update(response.content)
            if response.status_code >= 500:
                raise NotChecked(f"{self.name} ответил ошибкой сервера {response.status_code}")
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def wait_for(self, response: httpx.Response | None, attempt: int) -> float:
        """Seconds to wait before retrying: Retry-After when given, else doubling backoff."""
        if response is not None:
            after = response.headers.get("Retry-After", "")
            if after.isdigit():
                return min(float(after), 60.0)
        return self.backoff * 2**attempt

    def json(self, response: httpx.Response) -> Any:
        """Decode a JSON body, or say the network answered nonsense."""
        try:
            return json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            raise NotChecked(
                f"{self.name} вернул не JSON (HTTP {response.status_code}): ответ не разобран"
            ) from None

    def close(self) -> None:
        self.client.close()


def make_transport(
    *,
    name: str,
    base_url: str,
    per_second: float,
    timeout: float = 20.0,
    verify: str | bool = True,
    headers: Mapping[str, str] | None = None,
    backoff: float = 1.0,
) -> Transport:
    """Make the transport of one network; ``verify`` may name a CA bundle (Минцифры root)."""
    context: ssl.SSLContext | bool = verify if isinstance(verify, bool) else _bundle(verify)
    client = httpx.Client(
        base_url=base_url,
        timeout=timeout,
        verify=context,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
    )
    return Transport(name=name, client=client, throttle=Throttle(per_second), backoff=backoff)


def _bundle(path: str) -> ssl.SSLContext:
    """Trust the system's roots and the bundle's (VK's partner hosts: the Минцифры root)."""
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=path)
    return context


def malformed(name: str, what: str) -> NotChecked:
    """The network answered JSON of a shape srok does not know."""
    return NotChecked(f"{name}: ответ без ожидаемого поля {what}: не разобран")


def account_path(url: str, network: str) -> str:
    """Return the account's name in its canonical address (``https://vk.com/kultura`` → kultura)."""
    path = httpx.URL(url).path.strip("/")
    if not path:
        raise CannotBeChecked(f"в адресе {url} нет имени аккаунта {network}")
    return path
