"""Serving a stored file in byte ranges (RFC 9110 §14), so that a media player can seek.

One range per request, as players ask (`bytes=a-b`, `bytes=a-`, `bytes=-n`); a request
for several ranges, or one we cannot read, gets the whole file (a server may ignore
Range). A range past the end is a 416. `If-Range` with another validator gets the whole
file, since what the address serves may have changed; `If-None-Match` gets a 304.
"""

import re

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.http import parse_etags

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _requested_range(header, size):
    """(start, end) inclusive, "unsatisfiable", or None for the whole file."""
    match = _RANGE.match(header.replace(" ", ""))
    if not match or (not match.group(1) and not match.group(2)):
        return None
    first, last = match.groups()
    if not first:  # the last n bytes
        length = int(last)
        if length == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size:
        return "unsatisfiable"
    if end < start:
        return None
    return start, end


def _chunks(opened, start, length):
    with opened:
        opened.seek(start)
        left = length
        while left > 0:
            data = opened.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data


def ranged_file_response(request, *, storage, name, content_type, etag, cache_control):
    """The stored file `name`, whole or the range asked for, with its validator `etag`."""
    size = storage.size(name)
    common = {"Accept-Ranges": "bytes", "ETag": etag, "Cache-Control": cache_control}
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponse(status=304)
        for header, value in common.items():
            response[header] = value
        return response
    wanted = None
    if "Range" in request.headers and request.headers.get("If-Range", etag) == etag:
        wanted = _requested_range(request.headers["Range"], size)
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        for header, value in common.items():
            response[header] = value
        return response
    start, end = wanted or (0, size - 1)
    length = end - start + 1 if size else 0
    if request.method == "HEAD":
        response = HttpResponse(status=206 if wanted else 200, content_type=content_type)
    else:
        response = StreamingHttpResponse(
            _chunks(storage.open(name, "rb"), start, length) if length else iter(()),
            status=206 if wanted else 200,
            content_type=content_type,
        )
    response["Content-Length"] = str(length)
    if wanted:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    for header, value in common.items():
        response[header] = value
    return response
