from __future__ import annotations

from marshmallow import Schema, fields, validate

ALLOWED_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/heic", "application/pdf")
MAX_BYTES = 10 * 1024 * 1024


class UploadUrlArgs(Schema):
    file_name = fields.String(required=True, validate=[
        validate.Length(min=1, max=200),
        validate.Regexp(r"^[^/\\\x00-\x1f]+$", error="A plain file name, without folders."),
    ])
    file_type = fields.String(required=True, validate=validate.OneOf(ALLOWED_TYPES, error="Only images and PDF."))
    file_size = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_BYTES))


class UploadUrl(Schema):
    signed_request = fields.String(required=True, data_key="signedRequest", metadata={
        "description": "PUT the bytes here, with the Content-Type given, within expires_in seconds."})
    url = fields.String(required=True, metadata={"description": "Where the file will be, e.g. a receipt_url."})
    expires_in = fields.Integer(required=True)
