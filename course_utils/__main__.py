"""``python -m course_utils``: the same as the ``course`` command."""

from course_utils.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
