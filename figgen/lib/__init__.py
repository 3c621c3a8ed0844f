"""Computational helpers shared by several figures (training loops, solvers).

Everything in this package is part of the recorded hash of every figure's data, because a change
here can change what any figure computes.
"""
