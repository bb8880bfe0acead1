"""Secrets Orienta must send to others (a webhook's signing secret, DHIS2's password or token),
stored sealed: Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`) under a key derived
by HKDF-SHA256 from `ORIENTA_INTEGRATIONS_KEY`, or from SECRET_KEY when that is not set.

They cannot be hashed like passwords: Orienta needs them in clear to sign and to sign in.
Sealed, a copy of the database (a backup, a replica, a dump sent for support) does not give
them away without the key, which lives in the server's environment, not in the database.
Rotation: the keys derived from SECRET_KEY_FALLBACKS (and ORIENTA_INTEGRATIONS_KEY_FALLBACKS)
still open what they sealed, so changing the key does not lose the secrets; saving a
subscription or a connection again seals it under the new key.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """The secret was sealed under a key no longer configured (or was altered)."""


def _key(material: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"orienta.integrations.v1"
    ).derive(material.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def _materials() -> list[str]:
    own = getattr(settings, "ORIENTA_INTEGRATIONS_KEY", "")
    if own:
        return [own, *getattr(settings, "ORIENTA_INTEGRATIONS_KEY_FALLBACKS", [])]
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _fernet() -> MultiFernet:
    return MultiFernet([_key(material) for material in _materials()])


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable from None
