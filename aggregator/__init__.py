"""The aggregator: the source newspapers' feeds, fetched, deduplicated and turned into articles.

A concern of its own: it is the one part of the site that takes input from outside
servers on a schedule (HTTP with its failures, parsing of untrusted documents, polling by
the background worker), with its own records (feeds, what each item became) and its own
desk in the admin ("Dépêches à relire"). It sits just above `articles`: it writes
articles only through their workflow's named steps, and nothing below it knows it exists.
"""
