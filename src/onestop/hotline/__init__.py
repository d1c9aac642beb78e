"""12345 接诉即办: the hotline. So far: the routing model (``routing``)."""
