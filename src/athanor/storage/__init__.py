"""Files with versions, on local disk or S3: buckets, uploads, delivery and previews."""
