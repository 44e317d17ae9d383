"""The figure layout: a scenario as plain geometry on pages (content -> grid -> fit).

No Graphviz here: ``piflow.draw`` pins this geometry in DOT and renders it.
"""
