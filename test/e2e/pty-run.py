"""Runs a command on a pseudo-terminal (so its stdin is a TTY), echoes what it prints, and answers
the first TRIGGER it prints (default the `[y/N]` prompt) with ANSWER and Enter after DELAY seconds.
Exits with the command's exit code."""
import fcntl
import os
import pty
import select
import struct
import sys
import termios
import time

answer = os.environ.get('ANSWER', 'y').encode() + b'\r'
delay = float(os.environ.get('DELAY', '0'))
trigger = os.environ.get('TRIGGER', '[y/N]').encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
# A wide terminal (COLUMNS, default 200), as a facilitator's would be: a new pty has no size at all.
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 50, int(os.environ.get('COLUMNS', '200')), 0, 0))
seen = b''
answered = False
while True:
    ready, _, _ = select.select([fd], [], [], 0.5)
    if not ready:
        continue
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    seen += data
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    if not answered and trigger in seen:
        time.sleep(delay)
        os.write(fd, answer)
        answered = True
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
