"""The CDK app: one stack per stage holding the product's state machines and their wiring."""
