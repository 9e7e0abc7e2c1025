"""Flags: one-line reasons a grader should look at a submission.

A flag is read in a terminal, in ``grades.csv``, in ``summary.md`` and on the student's feedback
page, and parts of it (file names, grade ids) come from the student. So every flag is made
safe here before it is stored: one line, printable characters only, at most
:data:`MAX_FLAG_CHARS` characters. A flag names things; it never quotes a file's content.

Examples
--------
>>> one_line("test cell 'q1'\\nwas edited")
"test cell 'q1' was edited"
>>> name("evil\\x1b[2J\\nname")
"'evil?[2J?name'"
>>> len(one_line("x" * 10_000)) == MAX_FLAG_CHARS
True
"""

from __future__ import annotations

__all__ = ["MAX_FLAG_CHARS", "MAX_NAME_CHARS", "one_line", "name"]

#: Longest flag kept (characters); longer ones end with an ellipsis.
MAX_FLAG_CHARS = 300
#: Longest name (file name, grade id) quoted inside a flag.
MAX_NAME_CHARS = 80


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "\u2026"


def one_line(text: object, limit: int = MAX_FLAG_CHARS) -> str:
    """``text`` as a single line: line breaks and tabs become spaces, other control
    characters ``?``, runs of spaces one space, cut to ``limit`` characters."""
    raw = str(text)
    chars = [" " if ch in "\r\n\t\v\f\x85\u2028\u2029" else (ch if ch.isprintable() else "?") for ch in raw]
    return _cut(" ".join("".join(chars).split()), limit)


def name(value: object, limit: int = MAX_NAME_CHARS) -> str:
    """A name taken from a submission (file name, grade id), quoted for a flag: ``'q1_test'``.

    Every non-printable character becomes ``?`` (a line break too, unlike :func:`one_line`,
    so that a name cannot pass for two words), and a long name is cut to ``limit``.
    """
    raw = str(value)
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in raw)
    return "'" + _cut(cleaned, limit) + "'"
