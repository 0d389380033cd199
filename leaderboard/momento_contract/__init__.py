"""The contract of Momento sorted-set calls that both of the project's servers keep.

`docs/momento-http.md` defines the sorted-set HTTP routes. Two servers answer them: the local
server's HTTP door (`leaderboard/local/momento_server`) and, in AWS, the bridge Lambda
(`functions/momento_bridge`). Both parse requests and check arguments with this package, so
they accept and refuse exactly the same requests with the same messages, and cannot drift.

It imports nothing of the local runtime: the bridge's asset carries it on its own.
"""
