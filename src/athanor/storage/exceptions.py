from __future__ import annotations

from athanor.core.errors import AppError, Conflict, Forbidden, NotFound, ValidationFailed
from athanor.core.i18n import _


class BucketNotFound(NotFound):
    code = "storage.bucket_not_found"
    message = _("The bucket was not found.")


class BucketNameTaken(Conflict):
    code = "storage.bucket_name_taken"
    message = _("Another bucket already uses this name.")


class BucketNotEmpty(Conflict):
    code = "storage.bucket_not_empty"
    message = _("The bucket still holds files: delete them first.")


class FileNotFound(NotFound):
    code = "storage.file_not_found"
    message = _("The file was not found.")


class VersionNotFound(NotFound):
    code = "storage.version_not_found"
    message = _("The file has no version {number}.")


class PathTaken(Conflict):
    code = "storage.path_taken"
    message = _("Another file already has the path {path}.")


class InvalidPath(ValidationFailed):
    code = "storage.invalid_path"
    message = _("The path {path} is not a valid file path.")


class FileTooLarge(AppError):
    status = 413
    code = "storage.too_large"
    message = _("The file is larger than the limit of {limit} bytes.")


class BucketQuotaExceeded(Forbidden):
    code = "storage.bucket_quota_exceeded"
    message = _("This file would take the bucket past its quota of {quota} bytes.")


class LevelQuotaExceeded(Forbidden):
    code = "storage.level_quota_exceeded"
    message = _("This file would take you past your level's storage quota of {quota} bytes.")


class UploadNotFound(NotFound):
    code = "storage.upload_not_found"
    message = _("The upload was not found.")


class UploadClosed(Conflict):
    code = "storage.upload_closed"
    message = _("The upload is {status}: it takes no more parts.")


class UploadIncomplete(Conflict):
    code = "storage.upload_incomplete"
    message = _("The upload is missing parts: {missing}.")


class InvalidPart(ValidationFailed):
    code = "storage.part_invalid"
    message = _("Part {number} must be {expected} bytes; {received} were sent.")


class PartOutOfRange(ValidationFailed):
    code = "storage.part_out_of_range"
    message = _("The upload has parts 1 to {parts}; there is no part {number}.")


class LinkInvalid(Forbidden):
    code = "storage.link_invalid"
    message = _("This link is not valid.")


class LinkExpired(AppError):
    status = 410
    code = "storage.link_expired"
    message = _("This link has expired.")


class RangeNotSatisfiable(AppError):
    status = 416
    code = "storage.range_not_satisfiable"
    message = _("The requested range is outside the file's {size} bytes.")


class ContentMissing(AppError):
    status = 410
    code = "storage.content_missing"
    message = _("The file's content is no longer stored.")
