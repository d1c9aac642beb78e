"""JSON API of the window module."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
