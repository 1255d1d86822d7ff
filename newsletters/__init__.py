"""Newsletters: "La matinale" and one letter per section, e-mailed on a schedule.

An app of its own because it holds people and bookkeeping nothing else has: subscribers
who may have no account (an address confirmed by double opt-in), editions (a letter, a
date, the pieces chosen) and their sends, with one delivery row per reader claimed before
the mail leaves. It reads the catalogue (`articles`) and asks `subscriptions.access` what
each recipient may read; nothing below it imports it.
"""
