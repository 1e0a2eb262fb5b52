"""Scenarios: the worlds a run starts from and the policies that act on them."""
