"""Writing a file's bytes to a command's stdout, whatever stream it is."""

import io
import sys

from django.core.management import CommandError


def check_output(command, *, text: bool) -> None:
    """Refuse before anything is recorded when stdout cannot take the file."""
    stream = getattr(command.stdout, "_out", sys.stdout)
    if text or isinstance(stream, io.BytesIO) or getattr(stream, "buffer", None) is not None:
        if not text and command.stdout.isatty():
            raise CommandError("An .xlsx file is binary: redirect it to a file (… > file.xlsx).")
        return
    raise CommandError("This output cannot take a binary file; redirect stdout to a file.")


def write_file(command, content: bytes, *, text: bool) -> None:
    """The bytes to the real stdout (redirected to a file), to a BytesIO, or as text when they are text."""
    stream = getattr(command.stdout, "_out", sys.stdout)
    if isinstance(stream, io.BytesIO):
        stream.write(content)
    elif getattr(stream, "buffer", None) is not None:
        stream.flush()
        stream.buffer.write(content)
        stream.buffer.flush()
    elif text:
        stream.write(content.decode("utf-8"))
    else:
        raise CommandError("This output cannot take a binary file; redirect stdout to a file.")
