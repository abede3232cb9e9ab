"""Run one delivery in its own process, for the crash and concurrency tests.

Usage: python -m tests.services.deliver_worker DATABASE_URL SCHEMA SMTP_PORT
(SCHEMA is "-" for none).
"""

from __future__ import annotations

import sys

from models.db import make_engine
from notifications.smtp import SmtpConfig, SmtpNotifier
from services.delivery import deliver


def main() -> None:
    url, schema, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema != "-" else {}
    engine = make_engine(url, **kwargs)
    notifier = SmtpNotifier(SmtpConfig(host="127.0.0.1", port=port, security="none"))
    report = deliver(engine=engine, notifier=notifier, sender="srok@example.invalid")
    print(len(report.sent), flush=True)


if __name__ == "__main__":
    main()
