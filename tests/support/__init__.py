"""Helpers shared by test modules of several folders: the PostgreSQL and Redis servers
a test session starts, a site that counts its requests, a scheduler probe that harvest
subprocesses load by name, and the run records a harvest left (``runs``)."""
