"""A small text that ships with the playground, for "Your own text" before a learner has one.

The first stanza of Edward Lear's "The Owl and the Pussy-cat" (1871, in the public domain): short
enough to learn in a few hundred epochs, with rhymes and repeated lines a next-character model can
pick up. Its line breaks stay here, as in a file; the text reader makes them spaces.
"""

from __future__ import annotations

SAMPLE_TITLE = "“The Owl and the Pussy-cat”, Edward Lear (1871)"
SAMPLE_TEXT = """The Owl and the Pussy-cat went to sea
In a beautiful pea-green boat,
They took some honey, and plenty of money,
Wrapped up in a five-pound note.
The Owl looked up to the stars above,
And sang to a small guitar,
"O lovely Pussy! O Pussy, my love,
What a beautiful Pussy you are,
You are,
You are!
What a beautiful Pussy you are!"
"""
