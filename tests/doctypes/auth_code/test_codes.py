"""The code format: unguessable, readable, forgiving to type, with a check character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from doctypes.auth_code import codes

prefixes = st.text(alphabet=[c for c in codes.ALPHABET if c.isalpha()], min_size=2, max_size=4)
generated = prefixes.map(codes.generate)


@given(generated)
def test_generated_codes_are_valid_and_fit_gs1(code):
    assert codes.is_valid(code)
    assert len(code) <= 20  # GS1 AI (21) serial limit
    assert set(code) <= set(codes.ALPHABET)
    assert not set(code) & set("ILOU")


@given(generated, st.data())
def test_any_single_wrong_character_is_caught(code, data):
    position = data.draw(st.integers(0, len(code) - 1))
    wrong = data.draw(st.sampled_from([c for c in codes.ALPHABET if c != code[position]]))
    assert not codes.is_valid(code[:position] + wrong + code[position + 1:])


@given(generated, st.data())
def test_any_swap_of_neighbours_is_caught(code, data):
    position = data.draw(st.integers(0, len(code) - 2))
    a, b = code[position], code[position + 1]
    if a != b:
        assert not codes.is_valid(code[:position] + b + a + code[position + 2:])


def test_every_single_error_of_one_code_exhaustively():
    code = codes.generate("ACME")
    for position in range(len(code)):
        for char in codes.ALPHABET:
            if char != code[position]:
                assert not codes.is_valid(code[:position] + char + code[position + 1:])
        if position < len(code) - 1 and code[position] != code[position + 1]:
            swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
            assert not codes.is_valid(swapped)


@given(generated)
def test_typing_is_forgiving(code):
    shown = codes.display(code)
    assert codes.normalise(shown) == code
    assert codes.normalise(shown.lower()) == code
    assert codes.normalise(" " + shown.replace("-", " ") + " ") == code
    typed = code.replace("0", "O").replace("1", "l")
    assert codes.normalise(typed) == code


def test_display_groups_by_four():
    code = "ACME" + "0123456789ABCDE"
    code += codes.check_char(code)
    assert codes.display(code) == "ACME-0123-4567-89AB-CDE" + code[-1]


def test_codes_carry_at_least_60_random_bits():
    assert 5 * codes.RANDOM_CHARS >= 60
    batch = codes.generate_many("AB", 20_000)
    assert len(set(batch)) == len(batch)


def test_prefix_from_workspace_name():
    assert codes.prefix_for("Acme Ltd") == "ACME"
    assert codes.prefix_for("Louis") == "TQ"  # I, L, O and U are dropped, leaving too little
    assert codes.prefix_for("Zürich Öl GmbH") == "ZRCH"
    assert codes.prefix_for("3M") == "TQ"


def test_garbage_is_not_valid():
    for text in ("", "hello", "ACME", "A" * 40, "ACME-0000-0000-0000-0000", "ACME!@#$"):
        assert not codes.is_valid(codes.normalise(text))
