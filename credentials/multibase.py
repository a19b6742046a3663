"""Multibase base58btc and Multikey encodings for Ed25519 keys, as Data Integrity and did:web use them.

A Multikey is the multicodec prefix of the key type (a varint) followed by the
key bytes, written in base58btc after the multibase prefix "z":
Ed25519 public keys (0xed → varint ed 01) read "z6Mk…", private keys
(0x1300 → varint 80 26) "z3u2…".
"""

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUBLIC = b"\xed\x01"
ED25519_PRIVATE = b"\x80\x26"


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    number = 0
    for character in text:
        index = ALPHABET.find(character)
        if index < 0:
            raise ValueError(f"{character!r} is not a base58btc digit.")
        number = number * 58 + index
    leading_zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * leading_zeros + (number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b"")


def multibase_encode(data: bytes) -> str:
    return "z" + base58btc_encode(data)


def multibase_decode(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("Only base58btc multibase values (starting with z) are accepted.")
    return base58btc_decode(text[1:])


def multikey_encode(key: bytes, *, private: bool = False) -> str:
    if len(key) != 32:
        raise ValueError("An Ed25519 key is 32 bytes.")
    return multibase_encode((ED25519_PRIVATE if private else ED25519_PUBLIC) + key)


def multikey_decode(text: str, *, private: bool = False) -> bytes:
    data = multibase_decode(text)
    prefix = ED25519_PRIVATE if private else ED25519_PUBLIC
    if not data.startswith(prefix) or len(data) != len(prefix) + 32:
        kind = "private" if private else "public"
        raise ValueError(f"Not an Ed25519 {kind} Multikey.")
    return data[len(prefix) :]
