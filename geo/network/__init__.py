"""Walking-network analysis: the graph and its routing, exact contraction, and site access.

``routing`` (the CSR graph, snapping, multi-source Dijkstra) is the base;
``contraction`` builds an exact core graph on it; ``access`` turns distances
into access-tier results. Imports run one way: routing ← contraction ← access.
"""
