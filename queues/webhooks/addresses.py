"""SSRF guard: decide whether a shop's webhook URL may be called, and pin the addresses to call.

A webhook URL is typed in by a customer, so without a guard it is a way to make our servers
POST to the cloud metadata service, the database or anything else on the private network.
``check_url`` resolves the host once and refuses unless *every* address is public; the caller
must then connect to ``Target.addresses`` (never resolve again), so a DNS answer that changes
between the check and the connection (DNS rebinding) cannot smuggle in a private address.
Call it at each delivery, not only when the URL is saved: DNS changes after saving.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_PORTS = {"http": 80, "https": 443}
# The WHATWG URL rule: a host whose last label is a number is an IPv4 address (127.1, 0x7f.1, ...).
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IANA special-purpose ranges that are not globally reachable, listed here as well because
# ``is_global`` has changed between Python patch releases (e.g. 192.0.0.0/24 in 3.11.10).
_NOT_GLOBAL = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "::/8", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "3fff::/20", "5f00::/16",
    "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8"))


class UrlRefused(ValueError):
    """A webhook URL that must not be called; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Target:
    """A vetted webhook endpoint: where to connect (``addresses``) and what to ask for."""

    scheme: str
    host: str  # lower-case, no brackets, IDNA-encoded
    port: int
    path: str  # path and query, never empty
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        """The ``Host`` header value: the host, plus the port when it is not the default one."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host_header}{self.path}"


def system_resolve(host: str, port: int) -> list[str]:
    """All addresses the system resolver gives for ``host`` (TCP), as strings."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 transition address really reaches (mapped, NAT64, 6to4, Teredo)."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_public(ip: IPAddress) -> bool:
    """True for an address on the public internet, judged on the IPv4 address it embeds if any.

    ``is_global`` alone is not enough: depending on the Python patch release it calls
    ``::ffff:10.0.0.1`` global, and it says nothing about multicast.
    """
    inner = embedded_ipv4(ip)
    if inner is not None:
        # 6to4 and Teredo are real IPv6 ranges too: both halves must be public.
        outer_ok = ip.ipv4_mapped is not None or ip in _NAT64 or _plain_public(ip)
        return outer_ok and _plain_public(inner)
    return _plain_public(ip)


def _plain_public(ip: IPAddress) -> bool:
    if any(ip.version == net.version and ip in net for net in _NOT_GLOBAL):
        return False
    return (ip.is_global and not ip.is_multicast and not ip.is_reserved and not ip.is_unspecified
            and not ip.is_loopback and not ip.is_link_local and not ip.is_private)


def _split(url: str) -> tuple[str, str, int, str]:
    if not isinstance(url, str) or any(ch.isspace() or not ch.isprintable() for ch in url):
        raise UrlRefused("url-host", "The URL must not contain spaces or control characters.")
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed or invalid [IPv6] host
        raise UrlRefused("url-host", "The host in the URL is not a valid name or address.") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UrlRefused("url-scheme", "Use an http:// or https:// URL.")
    if "@" in parts.netloc:
        raise UrlRefused("url-host", "Remove the user name or password (the part before '@') from the URL.")
    if "\\" in url:
        raise UrlRefused("url-host", "The URL must not contain backslashes.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UrlRefused("url-host", "The URL needs a host name, such as https://shop.example/hooks.")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise UrlRefused("url-host", "The port in the URL is not a number between 1 and 65535.") from None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise UrlRefused("url-host", f"The host name {host!r} is not a valid domain name.") from None
    path = parts.path or "/"
    return scheme, host, port, path + (f"?{parts.query}" if parts.query else "")


def _literal(host: str) -> IPAddress | None:
    """The address an IP-literal host means, in every spelling browsers and libc accept."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise UrlRefused("url-host", f"{host!r} is not a valid IPv6 address.") from None
    if not _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]):
        return None
    try:  # inet_aton takes 127.1, 2130706433, 0x7f000001 and octal 0177.0.0.1 alike
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        raise UrlRefused("url-host", f"{host!r} is not a valid IPv4 address.") from None


def check_url(url: str, *, allow_private: bool,
              resolve: Callable[[str, int], list[str]] = system_resolve) -> Target:
    """Vet a webhook URL and return where to connect; raise UrlRefused if it must not be called.

    ``allow_private=True`` (development, tests) lets loopback and private networks through;
    multicast and the unspecified address are refused even then, as no receiver lives there.
    """
    scheme, host, port, path = _split(url)
    literal = _literal(host)
    if literal is not None:
        ips: list[IPAddress] = [literal]
    else:
        if not allow_private and (host == "localhost" or host.endswith(".localhost")):
            raise UrlRefused("url-private-address", f"{host} is this server itself; use a public address.")
        try:
            found = resolve(host, port)
        except (OSError, UnicodeError):
            found = []
        try:
            ips = [ipaddress.ip_address(str(addr).split("%", 1)[0]) for addr in found]
        except ValueError:
            ips = []
        if not ips:
            raise UrlRefused("url-unresolvable",
                             f"The host {host} could not be found in DNS; check the spelling.")
    for ip in ips:
        if ip.is_multicast or ip.is_unspecified or not (allow_private or is_public(ip)):
            raise UrlRefused("url-private-address",
                             f"{host} points to {ip}, which is not a public internet address; "
                             "webhooks can only be sent to public addresses.")
    return Target(scheme, host, port, path, tuple(dict.fromkeys(str(ip) for ip in ips)))
