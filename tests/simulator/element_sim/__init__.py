"""Element (SolidFire) JSON-RPC API simulator: an HTTPS test endpoint with jobs, clocks and fault injection."""
