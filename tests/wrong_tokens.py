"""A token one character off the real one, for the tests that a wrong token is refused."""


def one_character_off(token: str) -> str:
    """``token`` with its first character changed: replacing it by a fixed one would give the very token
    back whenever the token starts with that character (one time in 64)."""
    return ("y" if token[0] == "x" else "x") + token[1:]
