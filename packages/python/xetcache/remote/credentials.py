"""Credentials for the remote tier, from the usual places and never from the repository.

In order (the AWS tools' order): ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` (/ ``AWS_SESSION_TOKEN``) in the
environment, unless the store's remote.json names a profile; then the profile (``profile`` in remote.json, else
``AWS_PROFILE``, else ``default``) in the shared credentials file (``AWS_SHARED_CREDENTIALS_FILE`` or
``~/.aws/credentials``) and the config file (``AWS_CONFIG_FILE`` or ``~/.aws/config``); then, when botocore is
installed (``pip install xetcache[s3]``), everything botocore knows (SSO, assumed roles, credential_process,
instance and container metadata).
"""

from __future__ import annotations

import configparser
import os
from typing import Callable, Optional, Tuple, Union

from .remoteerror import NOCREDS, RemoteError
from .sigv4 import Credentials


def _files() -> Tuple[str, str]:
    creds = os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or os.path.join("~", ".aws", "credentials")
    conf = os.environ.get("AWS_CONFIG_FILE") or os.path.join("~", ".aws", "config")
    return os.path.expanduser(creds), os.path.expanduser(conf)


def _section(path: str, name: str) -> Optional[configparser.SectionProxy]:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error):
        return None
    return parser[name] if parser.has_section(name) else None


def profile_name(profile: Optional[str]) -> str:
    return profile or os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE") or "default"


def profile_region(profile: Optional[str]) -> Optional[str]:
    """The region the profile's config names (``region = ...``), if any."""
    name = profile_name(profile)
    _, conf = _files()
    sec = _section(conf, name if name == "default" else f"profile {name}")
    return sec.get("region") if sec is not None else None


def _static(profile: Optional[str]) -> Optional[Credentials]:
    if not profile:
        key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
        if key and secret:
            return Credentials(key, secret, os.environ.get("AWS_SESSION_TOKEN") or None, "environment")
    name = profile_name(profile)
    creds_file, conf_file = _files()
    for path, section in ((creds_file, name), (conf_file, name if name == "default" else f"profile {name}")):
        sec = _section(path, section)
        if sec is not None and sec.get("aws_access_key_id") and sec.get("aws_secret_access_key"):
            where = path.replace(os.path.expanduser("~"), "~", 1)
            return Credentials(sec["aws_access_key_id"], sec["aws_secret_access_key"],
                               sec.get("aws_session_token") or None, f"{where} [{section}]")
    return None


def _botocore(profile: Optional[str]) -> Optional[Callable[[], Credentials]]:
    try:
        import botocore.session  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        session = botocore.session.Session(profile=profile) if profile else botocore.session.Session()
        found = session.get_credentials()
    except Exception:  # a profile botocore does not know, a broken config: not a source
        return None
    if found is None:
        return None
    method = getattr(found, "method", "botocore")

    def frozen() -> Credentials:
        c = found.get_frozen_credentials()  # refreshes temporary credentials when they are about to expire
        return Credentials(c.access_key, c.secret_key, c.token, f"botocore ({method})")

    frozen()
    return frozen


def resolve(profile: Optional[str] = None) -> Union[Credentials, Callable[[], Credentials]]:
    """Credentials (or a function returning fresh ones) for the remote; RemoteError ENOCREDENTIALS when none."""
    found = _static(profile)
    if found is not None:
        return found
    dynamic = _botocore(profile)
    if dynamic is not None:
        return dynamic
    name = profile_name(profile)
    raise RemoteError(
        "no credentials for the team cache: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put the keys in "
        f"~/.aws/credentials under [{name}] (never in the repository)"
        + ("" if profile else "; AWS_PROFILE picks another profile"), NOCREDS)
