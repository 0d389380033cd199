"""The HTTP front door: one table of routes and error statuses, read by the API Gateway
integration templates (`vtl.py`, CDK) and by the local router (`leaderboard.local.http_api`)."""
