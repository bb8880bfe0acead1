"""A sealed stream: data encrypted with a passphrase, in authenticated chunks.

AES-256-GCM under a key derived from the passphrase by scrypt, in chunks of CHUNK bytes: a
STREAM construction, where each chunk's nonce is a random per-file prefix, the chunk's number
and a last-chunk flag, so chunks can be neither altered, reordered, dropped nor cut off at the
end. The header (magic, salt, scrypt cost, nonce prefix) is authenticated with every chunk.
Both ends are streams: nothing in clear needs to touch the disk.

    with open(path, "wb") as raw:
        sealed = EncryptingWriter(raw, passphrase)
        sealed.write(data)
        sealed.close()            # seals the last chunk

    reader = DecryptingReader(open(path, "rb"), passphrase)   # SealError on a wrong key
    data = reader.read()
"""

import io
import secrets
import struct
from collections.abc import Buffer
from dataclasses import dataclass
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ORIENTA-BACKUP\x01"
CHUNK = 1 << 20  # plaintext bytes per chunk
TAG = 16
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1  # 32 MiB of memory, a fraction of a second
MAX_SCRYPT_MEMORY = 1 << 30  # the most a file may ask scrypt to use when it is read


class SealError(Exception):
    """Not a sealed file, a wrong key, or a damaged or cut-off file; the message says which."""


def _derive(passphrase: bytes, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    key = Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(passphrase)
    return AESGCM(key)


@dataclass
class _Header:
    salt: bytes
    log2_n: int
    r: int
    p: int
    prefix: bytes

    LAYOUT = struct.Struct(">16sBBB7s")

    def pack(self) -> bytes:
        return MAGIC + self.LAYOUT.pack(self.salt, self.log2_n, self.r, self.p, self.prefix)

    @classmethod
    def read(cls, raw: BinaryIO) -> "_Header":
        head = raw.read(len(MAGIC) + cls.LAYOUT.size)
        if len(head) < len(MAGIC) + cls.LAYOUT.size or not head.startswith(MAGIC):
            raise SealError("This file is not an Orienta backup (or not of this version).")
        header = cls(*cls.LAYOUT.unpack(head[len(MAGIC) :]))
        if 128 * header.r << header.log2_n > MAX_SCRYPT_MEMORY or header.p > 16:  # a memory bomb
            raise SealError("The file asks for an unreasonable key derivation; refused.")
        return header


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class EncryptingWriter(io.RawIOBase):
    """Writes the header, then the data in authenticated chunks; close() seals the last one."""

    def __init__(self, raw: BinaryIO, passphrase: bytes) -> None:
        self._raw = raw
        salt, prefix = secrets.token_bytes(16), secrets.token_bytes(7)
        header = _Header(salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, prefix)
        self._aad = header.pack()
        self._aead = _derive(passphrase, header.salt, header.log2_n, header.r, header.p)
        self._prefix = header.prefix
        self._buffer = bytearray()
        self._counter = 0
        self._aborted = False
        raw.write(self._aad)

    def writable(self) -> bool:
        return True

    def write(self, data: Buffer) -> int:
        size = memoryview(data).nbytes
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep at least one byte back for the last chunk
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return size

    def _seal(self, chunk: bytes, last: bool) -> None:
        if self._counter >= 2**32 - 1:
            raise SealError("The backup is too large for this format.")
        nonce = _nonce(self._prefix, self._counter, last)
        self._raw.write(self._aead.encrypt(nonce, chunk, self._aad))
        self._counter += 1

    def close(self) -> None:
        if not self.closed and not self._aborted:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
        super().close()

    def abort(self) -> None:
        """Close without sealing: the file is incomplete and will be removed."""
        self._aborted = True
        self._buffer.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    """Reads an encrypted backup; every byte it returns was authenticated first.

    A wrong key fails on the first chunk; a damaged, reordered or truncated file fails where it
    is damaged, and `finished` is true only once the sealed last chunk was read.
    """

    def __init__(self, raw: BinaryIO, passphrase: bytes) -> None:
        self._raw = raw
        header = _Header.read(raw)
        self._aad = header.pack()
        self._aead = _derive(passphrase, header.salt, header.log2_n, header.r, header.p)
        self._prefix = header.prefix
        self._pending = self._raw.read(CHUNK + TAG)
        self._plain = b""
        self._counter = 0
        self.finished = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        if self.finished:
            return
        if not self._pending:
            raise SealError("The backup file is cut short: its end is missing.")
        following = self._raw.read(CHUNK + TAG)
        last = not following
        try:
            self._plain = self._open(self._pending, last)
        except InvalidTag:
            raise self._why_not(last) from None
        self._counter += 1
        self._pending = following
        self.finished = last

    def _open(self, sealed: bytes, last: bool) -> bytes:
        nonce = _nonce(self._prefix, self._counter, last)
        return self._aead.decrypt(nonce, sealed, self._aad)

    def _why_not(self, last: bool) -> SealError:
        if last:  # a chunk sealed as not the last one, with nothing after it: cut off
            try:
                self._open(self._pending, last=False)
                return SealError("The backup file is cut short: its end is missing.")
            except InvalidTag:
                pass
        if self._counter == 0:
            return SealError("Cannot decrypt the backup: wrong key (or the file is damaged).")
        return SealError(f"The backup file is damaged (part {self._counter + 1} does not decrypt).")

    def readinto(self, buffer: Buffer) -> int:
        while not self._plain and not self.finished:
            self._next_chunk()
        view = memoryview(buffer).cast("B")
        n = min(len(view), len(self._plain))
        view[:n] = self._plain[:n]
        self._plain = self._plain[n:]
        return n

    def drain(self) -> None:
        """Read to the end, so that a cut-off file is noticed even past the archive's end."""
        while not self.finished:
            self._next_chunk()
            self._plain = b""
