"""JSON API of the hotline module."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
