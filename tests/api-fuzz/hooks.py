"""schemathesis hooks for Rencana's API (loaded by scripts/security-gates.sh).

- Every generated Idempotency-Key of a valid shape is made unique. The fuzzer draws keys from
  a small space and sends the same one with different bodies, which the API rightly refuses
  (422, a key reused for another request); what keys do is tested in web/tests/idempotency.rs.
  Keys of an invalid shape are left as drawn, so that their refusal is still tried.
- The Excel import's body (an .xlsx file) is sent as the bytes drawn; its contents are judged
  by the importer, which refuses anything that is not a workbook of the template's shape.
"""

import re
import uuid

import schemathesis

KEY = re.compile(r"^[!-~]{1,255}$")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Just before each request, in every phase (generated, coverage and stateful cases alike).
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and KEY.match(headers[name]):
            headers[name] = str(uuid.uuid4())


@schemathesis.serializer("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def xlsx(ctx, value):
    if isinstance(value, bytes):
        return value
    return str(value).encode()
