"""onestop: one platform for the work a business-environment plan assigns, every item a clocked case."""

__version__ = "0.1.0"
