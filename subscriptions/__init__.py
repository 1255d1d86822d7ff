"""Subscriptions, access codes and the paywall.

A concern of its own: who may read what is a business rule with its own records (plans,
subscriptions, codes, the monthly meter) and its own admin, and it will grow payments.
Articles only say how open they are; this app decides what each reader gets.
"""
