"""JSON API of the certs module."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
