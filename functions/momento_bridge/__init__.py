"""The Momento sorted-set bridge Lambda (docs/momento-bridge.md)."""
