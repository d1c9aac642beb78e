"""`onestop serve`."""

from __future__ import annotations

import typer


def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址"),
    port: int = typer.Option(8000, "--port", help="端口"),
    workers: int = typer.Option(1, "--workers", min=1, help="进程数 (PostgreSQL 时可多进程)"),
) -> None:
    serve(host, port, workers)


def serve(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    typer.echo(f"onestop 正在运行: http://{host}:{port}/  (Ctrl+C 停止)")
    uvicorn.run("onestop.web.app:create_app", factory=True, host=host, port=port, workers=workers)
