"""Geometry of the charts, drawn as SVG by the templates (readable without JavaScript, printable).

Each module computes one chart (`timeline`, `gantt`, `status`, `network`) on the shared calendar axis of `axis`;
the templates only place what is computed here. Callers import from the submodules.
"""
