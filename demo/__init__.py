"""The demo content that `make run` writes: newspapers, sections, sixty articles with
images, comments, plans, access codes and the four demo accounts.

An app of its own because it writes across every other app (articles, comments,
subscriptions, accounts): it sits above them all, and nothing imports it.
"""
