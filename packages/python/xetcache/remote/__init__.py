"""The remote tier (issue 14): a team cache in an S3-compatible object store, beyond git.

``config`` (the store's committed remote.json, no secrets), ``credentials`` (environment, ~/.aws, botocore when
installed), ``s3`` (a stdlib S3 client; with ``sigv4``, ``remoteerror``, ``s3xml``, ``s3multipart``), ``transfer``
(verified parallel fetch, resumable push; its parts: ``fetching``, ``bigdownload``, ``packupload``, ``packs``,
``localfiles``, ``pool``, ``progress``, ``tuning``), ``pushqueue`` (the write-through queue in tmp/remote/), ``sync``
(push/pull of entries), ``hooks`` (what the storage calls on a local miss and after a save), ``badge`` (what the run
event says), ``cli`` (`xetcache remote|push|pull|status`).
Nothing here is imported by the engine unless the store names a remote.
"""
