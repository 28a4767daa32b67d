"""The rota service: HTTP API, storage and background solves for many schools."""
