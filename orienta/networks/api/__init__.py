"""API routes of the networks, mounted under /api/v1/ by orienta.api.v1: the GTPS
(/networks/…), the resource centre (/resources/…) and the diagnostics (/diagnostics/…), with
the same queries, services and role rules as the pages."""

from ninja import Router

from orienta.networks.api import diagnostics, gtps, resources

router = Router()
router.add_router("", gtps.router)
router.add_router("", resources.router)
router.add_router("", diagnostics.router)

__all__ = ["router"]
