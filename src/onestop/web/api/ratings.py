"""JSON API of the ratings module."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
