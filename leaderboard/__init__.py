"""Leaderboards as AWS Step Functions workflows on Momento: backend client and local runtime."""
