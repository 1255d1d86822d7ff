"""Mail servers that fail part-way, at the boundary where a real one would (the backend).

`ServerDropsAfter`: the server takes `limit` mails, then hangs up (SMTPServerDisconnected).
`WorkerKilledAfter`: the server takes mail number `limit + 1`, and the worker process dies
before it can record it (a BaseException, as a kill would not let any handler run).
"""

import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend


class WorkerKilled(BaseException):
    pass


class ServerDropsAfter(EmailBackend):
    def __init__(self, *args, limit=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit

    def send_messages(self, messages):
        if len(mail.outbox) >= self.limit:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class WorkerKilledAfter(EmailBackend):
    def __init__(self, *args, limit=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if len(mail.outbox) > self.limit:
            raise WorkerKilled
        return sent
