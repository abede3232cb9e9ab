"""A real LDAP server for the tests: Debian's slapd on loopback with an Active-Directory-like tree.

A pytest plugin (tests/conftest.py lists it). The session-scoped ``slapd`` fixture
starts ``/usr/sbin/slapd -f`` with a throwaway config in a temporary folder: the mdb
backend, the memberof overlay (so ``memberOf`` is computed from the groups, as AD
does), a small schema giving users ``sAMAccountName``, TLS with a test CA (StartTLS on
the ldap:// port, and an ldaps:// port), and ACLs as in AD: nothing readable without a
bind. It fills the tree with the users and groups below, and stops slapd at the end.
Skips with the reason when slapd is missing (.ci/run installs slapd and ldap-utils).

Use ``slapd.env()`` for the SROK_LDAP_* variables pointing at it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SLAPD = shutil.which("slapd") or ("/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None)
MODULES = Path("/usr/lib/ldap")
SCHEMAS = Path("/etc/ldap/schema")
BASE = "dc=novoaltaisk,dc=test"
ROOT_DN, ROOT_PASSWORD = f"cn=root,{BASE}", "root-secret"
SERVICE_DN, SERVICE_PASSWORD = f"cn=srok-reader,ou=service,{BASE}", "Сервис-пароль-7"
GROUPS = {
    "admin": f"cn=srok-admins,ou=groups,{BASE}",
    "it": f"cn=srok-it,ou=groups,{BASE}",
    "head": f"cn=srok-head,ou=groups,{BASE}",
    "specialist": f"cn=srok-specialists,ou=groups,{BASE}",
    "accounting": f"cn=accounting,ou=groups,{BASE}",
}


@dataclass(frozen=True)
class Person:
    login: str
    password: str
    name: str
    mail: str | None
    groups: tuple[str, ...]

    @property
    def dn(self) -> str:
        return f"cn={self.login},ou=users,{BASE}"


PEOPLE = {
    p.login: p
    for p in (
        Person(
            "ivanova",
            "Верный пароль 1",
            "Иванова Мария Петровна",
            "ivanova@novoaltaisk.test",
            ("specialist",),
        ),
        Person(
            "petrov",
            "it-Пароль-2",
            "Петров Олег Игоревич",
            "petrov@novoaltaisk.test",
            ("specialist", "it"),
        ),
        Person(
            "sidorov", "admin-Пароль-3", "Сидоров Илья", "sidorov@novoaltaisk.test", ("admin", "it")
        ),
        Person("zamglavy", "head-Пароль-4", "Заместитель Главы", None, ("head",)),
        Person(
            "o(neil)*", "oneil-Пароль-6", "О'Нил Сергей", "oneil@novoaltaisk.test", ("specialist",)
        ),
        Person(
            "buhgalter", "buh-Пароль-5", "Бухгалтер Анна", "buh@novoaltaisk.test", ("accounting",)
        ),
    )
}

AD_LITE_SCHEMA = """\
# The two things srok reads from Active Directory that OpenLDAP's own schemas lack.
# memberOf comes from the memberof overlay (same OID as in AD).
attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
    EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
    SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.4203.666.11.608.1 NAME 'srokTestAdUser'
    SUP top AUXILIARY MAY ( sAMAccountName $ displayName ) )
"""

SLAPD_CONF = """\
include {schemas}/core.schema
include {schemas}/cosine.schema
include {schemas}/inetorgperson.schema
include {home}/ad-lite.schema
modulepath {modules}
moduleload back_mdb
moduleload memberof
pidfile {home}/slapd.pid
TLSCACertificateFile {home}/ca.pem
TLSCertificateFile {home}/server.pem
TLSCertificateKeyFile {home}/server.key
# As Active Directory may: a DN with an empty password is an anonymous bind that "succeeds"
allow bind_anon_cred

database mdb
suffix "{base}"
rootdn "{root_dn}"
rootpw {root_password}
directory {home}/data
maxsize 16777216
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
access to attrs=userPassword by anonymous auth by * none
access to * by users read by * none
"""


@dataclass
class Slapd:
    """A running slapd: where it listens, its CA, and SROK_LDAP_* settings for it."""

    home: Path
    port: int
    ldaps_port: int
    process: subprocess.Popen[bytes]
    people: dict[str, Person] = field(default_factory=lambda: dict(PEOPLE))

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    @property
    def ca_file(self) -> Path:
        return self.home / "ca.pem"

    @property
    def other_ca_file(self) -> Path:
        """A CA that did not sign the server's certificate."""
        return self.home / "other-ca.pem"

    def env(self, **overrides: str) -> dict[str, str]:
        """SROK_LDAP_* for this server (StartTLS with its CA); keyword arguments replace some."""
        env = {
            "SROK_LDAP_URL": self.url,
            "SROK_LDAP_BASE_DN": BASE,
            "SROK_LDAP_BIND_DN": SERVICE_DN,
            "SROK_LDAP_BIND_PASSWORD": SERVICE_PASSWORD,
            "SROK_LDAP_GROUP_ADMIN": GROUPS["admin"],
            "SROK_LDAP_GROUP_IT": GROUPS["it"],
            "SROK_LDAP_GROUP_HEAD": GROUPS["head"],
            "SROK_LDAP_GROUP_SPECIALIST": GROUPS["specialist"],
            "SROK_LDAP_CA_BUNDLE": str(self.ca_file),
            "SROK_LDAP_TIMEOUT": "5",
        }
        env.update(overrides)
        return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _write_certificates(home: Path) -> None:
    """A test CA, a server certificate for 127.0.0.1 only (not localhost), and an unrelated CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def ca(cn: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name(cn))
            .issuer_name(name(cn))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=7))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
            .sign(key, hashes.SHA256())
        )
        return key, cert

    ca_key, ca_cert = ca("srok test CA")
    _, other_cert = ca("some other CA")
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    (home / "ca.pem").write_bytes(ca_cert.public_bytes(pem))
    (home / "other-ca.pem").write_bytes(other_cert.public_bytes(pem))
    (home / "server.pem").write_bytes(cert.public_bytes(pem))
    (home / "server.key").write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"slapd did not listen on {port} in 20 s:\n{log.read_text()}")


def _fill(server: Slapd) -> None:
    """Add the tree online, so the memberof overlay computes memberOf as AD would."""
    from ldap3 import Connection, Server

    conn = Connection(
        Server("127.0.0.1", port=server.port), user=ROOT_DN, password=ROOT_PASSWORD, auto_bind=True
    )
    try:
        entries: list[tuple[str, list[str], dict[str, object]]] = [
            (BASE, ["dcObject", "organization"], {"dc": "novoaltaisk", "o": "Новоалтайск"}),
            *[
                (f"ou={ou},{BASE}", ["organizationalUnit"], {})
                for ou in ("users", "groups", "service")
            ],
            (SERVICE_DN, ["person"], {"sn": "srok", "userPassword": SERVICE_PASSWORD}),
        ]
        for p in PEOPLE.values():
            attrs: dict[str, object] = {
                "sn": p.name.split()[0],
                "displayName": p.name,
                "sAMAccountName": p.login,
                "userPassword": p.password,
            }
            if p.mail:
                attrs["mail"] = p.mail
            entries.append((p.dn, ["inetOrgPerson", "srokTestAdUser"], attrs))
        for key, dn in GROUPS.items():
            members = [p.dn for p in PEOPLE.values() if key in p.groups]
            entries.append((dn, ["groupOfNames"], {"member": members}))
        for dn, classes, attrs in entries:
            if not conn.add(dn, classes, attrs):
                raise RuntimeError(f"slapd refused {dn}: {conn.result}")
    finally:
        conn.unbind()


@pytest.fixture(scope="session")
def slapd() -> Iterator[Slapd]:
    """Start slapd on loopback with the test tree; stop it and remove its files afterwards."""
    if SLAPD is None or not (MODULES / "memberof.so").exists():
        pytest.skip("needs Debian's slapd (apt-get install slapd ldap-utils; .ci/run does)")
    home = Path(tempfile.mkdtemp(prefix="srok-slapd-"))
    (home / "data").mkdir()
    (home / "ad-lite.schema").write_text(AD_LITE_SCHEMA)
    _write_certificates(home)
    conf = home / "slapd.conf"
    conf.write_text(
        SLAPD_CONF.format(
            schemas=SCHEMAS,
            modules=MODULES,
            home=home,
            base=BASE,
            root_dn=ROOT_DN,
            root_password=ROOT_PASSWORD,
        )
    )
    port, ldaps_port = _free_port(), _free_port()
    log = home / "slapd.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                SLAPD,
                "-f", str(conf),
                "-h", f"ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{ldaps_port}/",
                "-d", "0",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Slapd(home=home, port=port, ldaps_port=ldaps_port, process=process)
    try:
        _wait_until_listening(process, port, log)
        _wait_until_listening(process, ldaps_port, log)
        _fill(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(home, ignore_errors=True)
