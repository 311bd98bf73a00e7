"""The turn chain: retrieve, plan (the policy), generate (an engine), enforce; above both."""
