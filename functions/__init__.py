"""Small AWS Lambda functions of the leaderboard service."""
