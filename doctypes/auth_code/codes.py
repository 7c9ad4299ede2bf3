"""Code format: workspace prefix + 75 random bits + one check character (no I/O here).

Alphabet: Crockford's base 32 (digits and letters without I, L, O, U), so nothing on a
label can be mistaken for something else. The check character is a Damm check over the
quasigroup x*y = a.x + y in GF(32) (a = the generator): it catches every single wrong
character and every swap of two neighbours, and it is one more character of the same
alphabet. Stored codes are normalised (upper case, no separators, at most 20 characters:
GS1's limit for a serial number); people see them grouped by four.
"""

from __future__ import annotations

import base64
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VALUE = {char: index for index, char in enumerate(ALPHABET)}
RANDOM_CHARS = 15  # 75 bits
MAX_PREFIX = 4
MAX_LENGTH = MAX_PREFIX + RANDOM_CHARS + 1  # 20, GS1 AI (21) serial limit
# What a person may type for a character they read on the label.
LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_SEPARATORS = re.compile(r"[\s\-_.·/]+")
_POLY = 0b100101  # x^5 + x^2 + 1, irreducible over GF(2)


def _times_generator(value: int) -> int:
    value <<= 1
    return value ^ _POLY if value & 0b100000 else value


# One step of the check for every (interim value, character): a look-up per character
# instead of arithmetic (every verification checks a code).
_STEP = tuple({char: _times_generator(interim) ^ value for char, value in VALUE.items()} for interim in range(32))


def _interim(text: str) -> int:
    """The Damm interim value of `text` (KeyError for a character outside the alphabet)."""
    interim = 0
    step = _STEP
    for char in text:
        interim = step[interim][char]
    return interim


def check_char(body: str) -> str:
    """The character that makes the Damm check of body + it come out to zero."""
    return ALPHABET[_times_generator(_interim(body))]


def is_valid(code: str) -> bool:
    """True for a normalised code whose check character matches."""
    if not RANDOM_CHARS + 3 <= len(code) <= MAX_LENGTH:  # a prefix of at least two characters
        return False
    try:
        return _interim(code) == 0
    except KeyError:  # a character outside the alphabet
        return False


def normalise(text: str) -> str:
    """What a person typed or a scanner read -> the stored form (may still be invalid)."""
    return _SEPARATORS.sub("", text.strip().upper()).translate(LOOK_ALIKES)


def prefix_for(name: str) -> str:
    """A readable 2-4 character prefix from a workspace name (TQ when it has too few usable characters)."""
    usable = [char for char in name.upper() if char.isalpha() and char in VALUE]
    prefix = "".join(usable[:MAX_PREFIX])
    return prefix if len(prefix) >= 2 else "TQ"


# The Damm check is linear over GF(2): the random part's contribution to the final interim
# value is five parities of its 75 bits. These masks let a batch skip the per-character loop.
def _power_times(power: int, value: int) -> int:
    for _ in range(power):
        value = _times_generator(value)
    return value


_PARITY_MASKS = tuple(
    sum(1 << (5 * position + bit)
        for position in range(RANDOM_CHARS) for bit in range(5)
        if _power_times(position, 1 << bit) >> out_bit & 1)
    for out_bit in range(5)
)
_RANDOM_MASK = (1 << 5 * RANDOM_CHARS) - 1
_FROM_RFC4648 = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", ALPHABET.encode())
_TIMES_GENERATOR = tuple(_times_generator(v) for v in range(32))


def generate_many(prefix: str, count: int) -> list[str]:
    """`count` fresh codes: 80 random bits each from `secrets`, of which 75 are used."""
    raw = secrets.token_bytes(10 * count)
    text = base64.b32encode(raw).translate(_FROM_RFC4648).decode("ascii")
    prefix_part = _power_times(RANDOM_CHARS + 1, _interim(prefix))
    masks = _PARITY_MASKS
    result = []
    for k in range(count):
        bits = int.from_bytes(raw[10 * k:10 * k + 10], "big") & _RANDOM_MASK
        out = sum(((bits & mask).bit_count() & 1) << i for i, mask in enumerate(masks))
        check = ALPHABET[prefix_part ^ _TIMES_GENERATOR[out]]
        result.append(prefix + text[16 * k + 1:16 * k + 16] + check)
    return result


def generate(prefix: str) -> str:
    return generate_many(prefix, 1)[0]


def display(code: str) -> str:
    """ACME-7K3M-9QXT-4B2P-WX7C: the prefix, then the rest in groups of four."""
    # The random part and the check character are always 16 characters: four groups.
    return f"{code[:-16]}-{code[-16:-12]}-{code[-12:-8]}-{code[-8:-4]}-{code[-4:]}"
