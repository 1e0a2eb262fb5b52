"""The engine: firm and alliance state, the rules of one quarter, outcomes, the policy interface.

Every rule is a function of arrays that serves one firm or a million. The engine imports
only ``sim.config``; agents, scenarios and everything above build on it.
"""
