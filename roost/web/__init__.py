"""A small ASGI toolkit: request, response, router and the one error handler.

It is deliberately tiny: the request path of a records API is a handful of
parametric routes, and every microsecond spent in a framework is paid on
every request (see benchmarks/README.md for the measurements).
"""

from roost.web.errors import ApiError, to_api_error
from roost.web.file_response import FileResponse
from roost.web.request import Request
from roost.web.response import JSONResponse, Response, StreamResponse, json_response
from roost.web.router import Router

__all__ = [
    "ApiError",
    "FileResponse",
    "JSONResponse",
    "Request",
    "Response",
    "Router",
    "StreamResponse",
    "json_response",
    "to_api_error",
]
