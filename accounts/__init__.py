"""Readers' and staff accounts.

A concern of its own: the custom user model (email is the login), the account pages and
how allauth is shaped to the site. Articles and comments only ever point at a user.
"""
