"""piflow: personal-information flow figures and checks for ward privacy councils.

The pipeline is load -> model -> (audit | layout) -> writers:
``piflow.loader`` reads a flow file into the frozen models of ``piflow.model``,
``piflow.audit`` checks it against the measure catalog and policy,
``piflow.draw`` lays it out as a Graphviz figure, and ``piflow.writers``
turn results into text, JSON, SARIF or images.
"""

__version__ = "0.1.0"
