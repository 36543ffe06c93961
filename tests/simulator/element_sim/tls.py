"""The simulator's self-signed certificate (SAN 127.0.0.1, ::1, localhost, and the address it listens on when that is
another IP address): create or reuse, then build the server context."""
from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import subprocess
import tempfile

REUSE_MARGIN = datetime.timedelta(days=1)
VALID_DAYS = 365
DEFAULT_IPS = ("127.0.0.1", "::1")


def _extra_ips(host: str | None) -> list:
    """The listening address, when it is an IP address the default names do not cover (e.g. 127.0.0.5)."""
    try:
        address = ipaddress.ip_address(host) if host else None
    except ValueError:
        return []  # a host name: the certificate names only localhost
    if address is None or address.is_unspecified or str(address) in DEFAULT_IPS:
        return []
    return [str(address)]


def _write(path: str, data: bytes, mode: int) -> None:
    """Write atomically (temp file + rename) so a concurrent reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def _generate_with_cryptography(cert_path: str, key_path: str, extra_ips: list) -> None:
    # pylint: disable=import-outside-toplevel
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Element API simulator"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "solidfire.element tests")])
    now = datetime.datetime.now(datetime.timezone.utc)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    san = x509.SubjectAlternativeName([x509.DNSName("localhost")] + [x509.IPAddress(ipaddress.ip_address(ip))
                                                                     for ip in list(DEFAULT_IPS) + extra_ips])
    usage = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
                          key_agreement=False, key_cert_sign=True, crl_sign=False, encipher_only=False, decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(san, critical=False)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
            .sign(key, hashes.SHA256()))
    _write(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()), 0o600)
    _write(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _generate_with_openssl(cert_path: str, key_path: str, extra_ips: list) -> None:
    names = ",".join(["DNS:localhost"] + [f"IP:{ip}" for ip in list(DEFAULT_IPS) + extra_ips])
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", key_path, "-out", cert_path, "-days", str(VALID_DAYS), "-subj", "/CN=Element API simulator",
         "-addext", f"subjectAltName={names}",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature,keyCertSign",
         "-addext", "extendedKeyUsage=serverAuth"],
        check=True, capture_output=True)
    os.chmod(key_path, 0o600)


def _still_valid(cert_path: str, extra_ips: list) -> bool:
    """True when the certificate parses, names every extra IP address and stays valid for more than a day."""
    try:
        # pylint: disable=import-outside-toplevel
        from cryptography import x509
    except ImportError:
        checks = [["-checkend", str(int(REUSE_MARGIN.total_seconds()))]] + [["-checkip", ip] for ip in extra_ips]
        for check in checks:
            out = subprocess.run(["openssl", "x509", *check, "-noout", "-in", cert_path], capture_output=True, text=True,
                                 check=False)
            if out.returncode != 0 or "does NOT match" in out.stdout:
                return False
        return True
    with open(cert_path, "rb") as handle:
        cert = x509.load_pem_x509_certificate(handle.read())
    expires = cert.not_valid_after.replace(tzinfo=datetime.timezone.utc) if not hasattr(cert, "not_valid_after_utc") \
        else cert.not_valid_after_utc
    try:
        named = {str(ip) for ip in cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
                 .get_values_for_type(x509.IPAddress)}
    except x509.ExtensionNotFound:
        named = set()
    return set(extra_ips) <= named and expires - datetime.datetime.now(datetime.timezone.utc) > REUSE_MARGIN


def _generate(cert_path: str, key_path: str, extra_ips: list) -> None:
    try:
        _generate_with_cryptography(cert_path, key_path, extra_ips)
    except ImportError:
        _generate_with_openssl(cert_path, key_path, extra_ips)


def _context(cert_path: str, key_path: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context


def server_context(tls_dir: str, host: str | None = None, also: tuple = ()) -> tuple[ssl.SSLContext, str]:
    """Make sure DIR/cert.pem and DIR/key.pem exist and are usable for `host` and the addresses `also` names (so that
    simulators on two addresses can share one certificate, and each trusts the other); return the server context and
    cert path."""
    extra_ips = sorted(set(_extra_ips(host)).union(*(_extra_ips(ip) for ip in also)))
    os.makedirs(tls_dir, exist_ok=True)
    cert_path = os.path.join(tls_dir, "cert.pem")
    key_path = os.path.join(tls_dir, "key.pem")
    if os.path.exists(cert_path) and os.path.exists(key_path):
        try:
            if _still_valid(cert_path, extra_ips):
                return _context(cert_path, key_path), cert_path
        except (ValueError, OSError, ssl.SSLError):
            pass  # unreadable or mismatched: make a new pair
    _generate(cert_path, key_path, extra_ips)
    return _context(cert_path, key_path), cert_path
