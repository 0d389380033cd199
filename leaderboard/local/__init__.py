"""The local runtime: an embedded Momento server and an AWS-compatible endpoint on a laptop."""
