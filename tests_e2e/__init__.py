"""End-to-end and browser tests: a real Home Assistant, the simulator, real HTTP."""
