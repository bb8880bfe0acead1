"""API routes of the cases app, mounted under /api/v1/ by orienta.api.v1."""

from ninja import Router

router = Router()
