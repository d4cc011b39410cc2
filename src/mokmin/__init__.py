"""목민(Mokmin): an on-premises generative-AI assistant for Korean local government."""

__version__ = "0.1.0"
