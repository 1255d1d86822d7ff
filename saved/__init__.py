""" "Ma liste": the articles a reader keeps to read later.

An app of its own because it is the reader's own layer over the catalogue: not the
catalogue (`articles`, the same for everyone), not what a reader may read
(`subscriptions`), not the account itself (`accounts`, which only shows and exports it).
Both the reading pages and the account pages show it, so it sits below them and above
`articles`: pages, accounts → saved → articles.
"""
