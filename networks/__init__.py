"""One client per social network behind one small interface (networks.base.NetworkClient).

Adapters: they speak HTTP (httpx) to the networks' public APIs and return the
domain's words (domain.posting.Publication, networks.base.Description). No rule
of the procedure is decided here; services.rules decides.
"""
