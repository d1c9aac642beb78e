"""JSON API of the oversight module."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
