"""The SSRF guard: only public addresses pass, in every spelling of a private one."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

import pytest

from queues.webhooks.addresses import Target, UrlRefused, check_url

PUBLIC = "93.184.216.34"


def fake_resolver(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    """A resolver that answers from ``table`` and records the lookups (no real DNS in tests)."""
    def resolve(host: str, port: int) -> list[str]:
        resolve.calls.append((host, port))  # type: ignore[attr-defined]
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]
    resolve.calls = []  # type: ignore[attr-defined]
    return resolve


def refused(url: str, resolve: Callable[[str, int], list[str]] | None = None, **kw: bool) -> UrlRefused:
    with pytest.raises(UrlRefused) as info:
        check_url(url, allow_private=kw.get("allow_private", False),
                  resolve=resolve or fake_resolver({}))
    return info.value


def test_public_name_is_accepted_and_pinned() -> None:
    resolve = fake_resolver({"hooks.shop.example": [PUBLIC, "2606:2800:220:1:248:1893:25c8:1946"]})
    target = check_url("HTTPS://Hooks.Shop.Example/in/orders?shop=7#frag", allow_private=False,
                       resolve=resolve)
    assert target == Target("https", "hooks.shop.example", 443, "/in/orders?shop=7",
                            (PUBLIC, "2606:2800:220:1:248:1893:25c8:1946"))
    assert resolve.calls == [("hooks.shop.example", 443)]  # type: ignore[attr-defined]
    assert target.host_header == "hooks.shop.example"
    assert target.url == "https://hooks.shop.example/in/orders?shop=7"


def test_port_and_empty_path() -> None:
    target = check_url("http://hooks.shop.example:8080", allow_private=False,
                       resolve=fake_resolver({"hooks.shop.example": [PUBLIC]}))
    assert (target.port, target.path, target.host_header) == (8080, "/", "hooks.shop.example:8080")


def test_public_ip_literal_needs_no_resolver() -> None:
    target = check_url(f"https://{PUBLIC}/hook", allow_private=False, resolve=fake_resolver({}))
    assert target.addresses == (PUBLIC,)


@pytest.mark.parametrize("url", ["ftp://x.example/", "file:///etc/passwd", "gopher://x.example/",
                                 "javascript:alert(1)", "x.example/hook", "//x.example/hook"])
def test_scheme_must_be_http_or_https(url: str) -> None:
    error = refused(url)
    assert error.code == "url-scheme"
    assert "http" in error.message


@pytest.mark.parametrize("url", ["http://user:pw@x.example/", "http://user@x.example/", "https:///path",
                                 "http://", "http://x.example:99999/", "http://x.example:abc/",
                                 "http://x .example/", "http://x.example/\nHost: y", "http://[::1/",
                                 "http://x.example\\@y.example/", "http://1.2.3.4.5/", "http://[zz::1]/"])
def test_malformed_hosts_are_refused(url: str) -> None:
    error = refused(url, fake_resolver({"x.example": [PUBLIC], "y.example": [PUBLIC]}))
    assert error.code == "url-host", error
    assert "Traceback" not in error.message and 'File "' not in error.message
    assert error.message.endswith(".")


PRIVATE_LITERALS = [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "10.255.255.254", "172.16.0.1", "172.31.255.1", "192.168.1.1",
    "100.64.0.1", "100.127.255.254", "169.254.169.254", "0.0.0.0", "255.255.255.255", "224.0.0.1",
    "192.0.0.8", "198.18.0.1", "240.0.0.1",
    "[::1]", "[::]", "[fc00::1]", "[fd12:3456::1]", "[fe80::1]", "[ff02::1]",
    "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]", "[::ffff:169.254.169.254]", "[::ffff:7f00:1]",
    "[64:ff9b::7f00:1]", "[64:ff9b::a00:1]", "[2002:7f00:1::]", "[2002:a00:1::1]", "[::127.0.0.1]",
    "[2001:db8::1]", "[2001::1]",
    # the odd spellings libc and browsers accept for 127.0.0.1 / 169.254.169.254
    "127.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "017700000001", "0", "2852039166",
]


@pytest.mark.parametrize("host", PRIVATE_LITERALS)
def test_private_ip_literals_are_refused_in_every_spelling(host: str) -> None:
    error = refused(f"http://{host}:8080/hook")
    assert error.code == "url-private-address", error
    assert "public" in error.message


def _canonical(literal: str) -> bool:
    try:
        ipaddress.ip_address(literal.strip("[]"))
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("address", [a.strip("[]") for a in PRIVATE_LITERALS if _canonical(a)])
def test_names_resolving_to_private_addresses_are_refused(address: str) -> None:
    resolve = fake_resolver({"rebind.attacker.example": [address]})
    assert refused("https://rebind.attacker.example/", resolve).code == "url-private-address"


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    resolve = fake_resolver({"mixed.example": [PUBLIC, "10.0.0.7"]})
    error = refused("https://mixed.example/", resolve)
    assert error.code == "url-private-address"
    assert "10.0.0.7" in error.message


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "localhost.", "api.localhost"])
def test_localhost_is_refused_without_asking_dns(host: str) -> None:
    resolve = fake_resolver({})
    assert refused(f"http://{host}:8000/", resolve).code == "url-private-address"
    assert resolve.calls == []  # type: ignore[attr-defined]


def test_mapped_forms_of_public_addresses_are_accepted() -> None:
    for literal in ["[::ffff:93.184.216.34]", "[64:ff9b::5db8:d822]"]:
        assert check_url(f"https://{literal}/", allow_private=False, resolve=fake_resolver({})).addresses


@pytest.mark.parametrize("answer", [[], ["not-an-ip"]])
def test_unresolvable_names(answer: list[str]) -> None:
    assert refused("https://nx.example/", fake_resolver({"nx.example": answer})).code == "url-unresolvable"
    error = refused("https://nothere.example/", fake_resolver({}))
    assert error.code == "url-unresolvable"
    assert "nothere.example" in error.message


def test_allow_private_lets_loopback_through_but_not_multicast() -> None:
    target = check_url("http://localhost:8000/h", allow_private=True,
                       resolve=fake_resolver({"localhost": ["127.0.0.1", "::1"]}))
    assert target.addresses == ("127.0.0.1", "::1")
    assert check_url("http://10.1.2.3/", allow_private=True).addresses == ("10.1.2.3",)
    assert refused("http://224.0.0.1/", allow_private=True).code == "url-private-address"
    assert refused("http://0.0.0.0/", allow_private=True).code == "url-private-address"


def test_ipv6_target_host_header_is_bracketed() -> None:
    target = check_url("http://[::1]:8080/h", allow_private=True)
    assert target.host == "::1"
    assert target.host_header == "[::1]:8080"


def test_idna_host_is_encoded_before_resolving() -> None:
    resolve = fake_resolver({"xn--bcher-kva.example": [PUBLIC]})
    assert check_url("https://bücher.example/", allow_private=False, resolve=resolve).host == \
        "xn--bcher-kva.example"


def test_default_resolver_is_the_system_one_and_its_loopback_answer_is_refused() -> None:
    # "localhost" is special-cased; ip6-localhost-style names go through the real resolver.
    with pytest.raises(UrlRefused) as info:
        check_url("http://127.0.0.1/", allow_private=False)
    assert info.value.code == "url-private-address"
    assert check_url("http://localhost:1/", allow_private=True).addresses  # real getaddrinfo
