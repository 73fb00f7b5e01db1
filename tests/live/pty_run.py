#!/usr/bin/env python3
"""Runs a command under a pseudo-terminal and saves everything it printed.

    pty_run.py OUTPUT_FILE COLUMNS COMMAND [ARG...]

The command sees a terminal of COLUMNS x 24 on stdin/stdout/stderr (so
`runbook run` picks its live view). Exits with the command's exit code.
With PTY_CTRL_C_AFTER=SECONDS set, Ctrl-C is typed on the terminal once,
that many seconds after the start (the terminal sends SIGINT, as for a person).
"""
import fcntl
import os
import select
import pty
import struct
import sys
import termios
import time


def main() -> int:
    output_path, columns, command = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
        os.execvp(command[0], command)
    ctrl_c_at = None
    if os.environ.get("PTY_CTRL_C_AFTER"):
        ctrl_c_at = time.monotonic() + float(os.environ["PTY_CTRL_C_AFTER"])
    chunks = []
    while True:
        if ctrl_c_at is not None and time.monotonic() >= ctrl_c_at:
            os.write(fd, b"\x03")
            ctrl_c_at = None
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal.
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    with open(output_path, "wb") as out:
        out.write(b"".join(chunks))
    return os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else (status >> 8)


if __name__ == "__main__":
    sys.exit(main())
