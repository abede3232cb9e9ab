"""Deliver queued reminders to a local SMTP server on one connection, and count messages a second.

The server (aiosmtpd) runs in a process of its own, as a real one would: in
this process it would take the GIL from the run being measured. Each reminder
is still claimed before it is sent and recorded after, with its audit entries.
The run must end with every reminder sent and the server holding each once.

Usage: python benchmarks/delivery_bench.py [COUNT] [--profile[=tottime]] [--synchronous-normal]
(COUNT defaults to 2000). --synchronous-normal runs SQLite without an fsync a
commit, which srok does not do (a power cut could then undo a claim after its
letter left): it shows what the disk costs.
"""

from __future__ import annotations

import dataclasses
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

import sqlalchemy as sa

from benchmarks.sweep_bench import AS_OF, generate
from notifications.base import OutgoingMessage
from notifications.smtp import SmtpConfig, SmtpNotifier
from services.app import Srok
from services.audit import verify_chain
from services.delivery import deliver
from services.reminders import plan_reminders
from services.settings import Settings

SERVER = """
import asyncio, sys
from aiosmtpd.controller import Controller

class Sink:
    keys = []
    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\\r\\n"):
            if line.startswith(b"X-Srok-Reminder-Key:"):
                Sink.keys.append(line)
                break
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
controller.stop()
print(len(Sink.keys), len(set(Sink.keys)), flush=True)
"""


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 2000
    home = Path(tempfile.mkdtemp(prefix="srok-deliv-bench-"))
    os.environ["SROK_HOME"] = str(home)
    app = Srok(dataclasses.replace(Settings.from_env(), today_override=AS_OF))
    app.init()
    if "--synchronous-normal" in sys.argv:  # not srok's setting: shows what the fsync costs
        sa.event.listen(
            app.engine, "connect", lambda c, _: c.execute("PRAGMA synchronous = NORMAL")
        )
        app.engine.dispose()
    generate(app, count * 3)
    with app.transaction() as session:
        plan_reminders(
            session=session, calendar=app.calendar, as_of=AS_OF, it_mailbox="it@example.invalid"
        )
    with app.engine.begin() as conn:  # the rest are set aside, not delivered
        conn.exec_driver_sql(
            f"UPDATE reminder SET state = 'failed' WHERE id NOT IN "
            f"(SELECT id FROM reminder ORDER BY id LIMIT {count})"
        )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdin is not None and server.stdout is not None
    assert server.stdout.readline().strip() == "ready"
    notifier = SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none"))

    def run() -> object:
        return deliver(engine=app.engine, notifier=notifier, sender="srok@example.invalid")

    started, cpu = time.perf_counter(), time.process_time()
    order = next(
        (a.partition("=")[2] or "cumulative" for a in sys.argv if a.startswith("--profile")), None
    )
    if order:
        import cProfile
        import pstats

        profile = cProfile.Profile(time.process_time)  # CPU, not waits
        report = profile.runcall(run)
        seconds = time.perf_counter() - started
        pstats.Stats(profile).sort_stats(order).print_stats(45)
    else:
        report = run()
        seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    commit_s, smtp_s = floors(app.engine, port, count)
    server.stdin.close()
    received, distinct = (int(n) for n in server.stdout.readline().split())
    server.wait(30)
    sent = len(report.sent)  # type: ignore[attr-defined]
    assert report.ok and sent == count == received == distinct, (sent, received, distinct)  # type: ignore[attr-defined]
    assert verify_chain(app.engine).ok
    print(
        f"delivery to local SMTP (server in its own process): {sent} messages in "
        f"{seconds:.2f} s = {sent / seconds:.0f} messages/s "
        f"(each claimed, sent and recorded on its own, with its audit entries); "
        f"{cpu / sent * 1000:.2f} ms of this process's CPU a message"
    )
    print(
        f"floors in the same run: a bare commit {commit_s * 1000:.2f} ms, a bare SMTP send "
        f"of a written letter {smtp_s * 1000:.2f} ms: {1 / (commit_s + smtp_s):.0f} a second "
        f"if nothing else were done"
    )


def floors(engine: sa.Engine, port: int, count: int) -> tuple[float, float]:
    """Time what delivery cannot avoid: one commit a letter, and the SMTP exchange itself."""
    rounds = min(count, 500)
    started = time.perf_counter()
    for i in range(rounds):
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE reminder SET claimed_by = :w WHERE id = :i"),
                {"w": f"floor {i}", "i": i + 1},
            )
    commit_s = (time.perf_counter() - started) / rounds
    letter = (
        OutgoingMessage(
            key="floor",
            sender="srok@example.invalid",
            to=("s1@example.invalid", "organ1@example.invalid"),
            cc=(),
            subject="Срок 06.11.2026: уведомить отдел информатизации о создании аккаунта (п. 3.1)",
            text="Здравствуйте! Срок по п. 3.1 истекает завтра.\n" * 20,
            html="<p>Здравствуйте! Срок по п. 3.1 истекает завтра.</p>\n" * 20,
        )
        .to_bytes()
        .replace(b"X-Srok-Reminder-Key:", b"X-Floor:")
    )  # not counted by the server
    client = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for _ in range(rounds):
        client.sendmail(
            "srok@example.invalid", ["s1@example.invalid", "organ1@example.invalid"], letter
        )
    smtp_s = (time.perf_counter() - started) / rounds
    client.quit()
    return commit_s, smtp_s


if __name__ == "__main__":
    main()
